//! Runs a program with its stdout on a pseudo-terminal, as a user's shell would: the only
//! way to see what ponder prints when it decides it is talking to a person (colours).

use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::process::Stdio;

use rustix::pty::{grantpt, openpt, ptsname, unlockpt, OpenptFlags};

use super::{CleanCommand, Run};

/// Runs `command` with stdout on a new pseudo-terminal (stdin empty, stderr captured);
/// `Run::stdout` is what the terminal received, its line feeds turned into CRLF by the
/// terminal's line discipline as on any real terminal.
pub fn run_on_a_terminal(mut command: CleanCommand) -> Run {
    let controller = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY | OpenptFlags::CLOEXEC)
        .expect("a pseudo-terminal");
    grantpt(&controller).expect("grantpt");
    unlockpt(&controller).expect("unlockpt");
    let name = ptsname(&controller, Vec::new()).expect("ptsname");
    let terminal = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(std::ffi::OsStr::from_bytes(name.as_bytes()))
        .expect("the terminal side opens");
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::from(terminal))
        .stderr(Stdio::piped())
        .spawn()
        .expect("the program runs");
    // Close this process's copy of the terminal side, so that reading ends (EIO) when
    // the child's copy closes.
    command.stdout(Stdio::null());
    let reader = std::thread::spawn(move || {
        let mut controller = std::fs::File::from(controller);
        let mut seen = Vec::new();
        let mut buffer = [0u8; 4096];
        loop {
            match controller.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => seen.extend_from_slice(&buffer[..n]),
                // Linux reports the other side's close as EIO.
                Err(e) if e.raw_os_error() == Some(rustix::io::Errno::IO.raw_os_error()) => break,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => panic!("reading the terminal: {e}"),
            }
        }
        seen
    });
    let mut output = child.wait_with_output().expect("the program ends");
    output.stdout = reader.join().expect("the terminal reader");
    Run::from(output)
}
