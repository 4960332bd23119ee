//! A real HTTP server on 127.0.0.1, in a thread, for the tests of `ponder post`: it reads
//! each request whole, hands it to the test's `respond` (which plays GitHub or GitLab),
//! and writes the answer back. One connection per request, as ponder's client makes them.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub target: String,
    /// By lower-case name.
    pub headers: BTreeMap<String, String>,
    pub body: String,
}

/// A status, extra headers, and a JSON body.
pub type Response = (u16, Vec<(String, String)>, String);

/// `{"message": MESSAGE}` with `status`, the shape both forges give an error.
pub fn message(status: u16, message: &str) -> Response {
    (
        status,
        Vec::new(),
        serde_json::json!({ "message": message }).to_string(),
    )
}

pub struct FakeServer {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl FakeServer {
    /// Starts serving; `respond` gets each request and the server's own address.
    pub fn start<F>(respond: F) -> FakeServer
    where
        F: FnMut(&Request, &str) -> Response + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        listener.set_nonblocking(true).expect("nonblocking");
        let address = format!("http://{}", listener.local_addr().expect("address"));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (stop, address) = (stop.clone(), address.clone());
            std::thread::spawn(move || serve(listener, respond, &stop, &address))
        };
        FakeServer {
            address,
            stop,
            thread: Some(thread),
        }
    }
}

/// A forge's state that keeps every request it was sent.
pub trait Records {
    fn record(&mut self, request: &Request);
}

impl FakeServer {
    /// Serves `respond` on the shared `state`, which records each request first.
    pub fn with_state<S: Records + Send + 'static>(
        state: &Arc<Mutex<S>>,
        respond: fn(&mut S, &Request, &str) -> Response,
    ) -> FakeServer {
        let state = state.clone();
        FakeServer::start(move |request, address| {
            let mut state = state.lock().expect("state");
            state.record(request);
            respond(&mut state, request, address)
        })
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Serves until told to stop, for at most two minutes and 200 connections, so that a
/// test that goes wrong cannot leave it running.
fn serve<F>(listener: TcpListener, mut respond: F, stop: &AtomicBool, address: &str)
where
    F: FnMut(&Request, &str) -> Response,
{
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut served = 0;
    while !stop.load(Ordering::SeqCst) && Instant::now() < deadline && served < 200 {
        match listener.accept() {
            Ok((stream, _)) => {
                served += 1;
                handle(stream, &mut respond, address);
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(_) => break,
        }
    }
}

fn handle<F>(stream: TcpStream, respond: &mut F, address: &str)
where
    F: FnMut(&Request, &str) -> Response,
{
    stream.set_nonblocking(false).expect("blocking");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() || line.is_empty() {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("").to_string();
    let mut headers = BTreeMap::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_string());
        }
    }
    let length: usize = headers
        .get("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body).expect("body");
    let request = Request {
        method,
        target,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    let (status, extra, answer) = respond(&request, address);
    let mut stream = stream;
    let reason = match status {
        200 => "OK",
        201 => "Created",
        _ => "Error",
    };
    let mut head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        answer.len()
    );
    for (name, value) in extra {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(answer.as_bytes());
    let _ = stream.flush();
}
