//! The action's install step (`action/install.sh`, `action/build.sh`), run as action.yml
//! runs them, against a release served from 127.0.0.1: the download path with its
//! checksum, the fallbacks, and the error on a runner that can neither download nor build.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Serves the files under `root` by path (`GET /v0.2.0/SHA256SUMS`), 404 for the rest.
fn serve(root: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = format!("http://{}", listener.local_addr().expect("address"));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            let mut header = String::new();
            while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                header.clear();
            }
            let path = request
                .split(' ')
                .nth(1)
                .unwrap_or("/")
                .trim_start_matches('/');
            let mut stream = stream;
            let answer = match std::fs::read(root.join(path)) {
                Ok(body) if !path.contains("..") => {
                    let mut head = format!(
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    )
                    .into_bytes();
                    head.extend(body);
                    head
                }
                _ => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .to_vec(),
            };
            let _ = stream.write_all(&answer);
        }
    });
    address
}

fn target() -> &'static str {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => "x86_64-unknown-linux-gnu",
        ("linux", "aarch64") => "aarch64-unknown-linux-gnu",
        ("macos", "x86_64") => "x86_64-apple-darwin",
        ("macos", "aarch64") => "aarch64-apple-darwin",
        other => panic!("no release target for {other:?}"),
    }
}

fn sh(dir: &Path, script: &str) {
    let status = Command::new("bash")
        .args(["-c", script])
        .current_dir(dir)
        .status()
        .expect("bash");
    assert!(status.success(), "{script}");
}

/// A release directory as the release workflow lays it out: `TAG/ponder-TAG-TARGET.tar.gz`
/// (a stand-in `ponder` that prints its version), `TAG/SHA256SUMS`, `TAG/COMMIT`.
fn release(tag: &str, commit: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let release = dir.path().join(tag);
    std::fs::create_dir_all(release.join("pkg")).expect("mkdir");
    std::fs::write(
        release.join("pkg/ponder"),
        format!("#!/bin/sh\necho \"ponder {tag} from the release\"\n"),
    )
    .expect("write");
    let archive = format!("ponder-{tag}-{}.tar.gz", target());
    sh(
        &release,
        &format!(
            "chmod +x pkg/ponder && tar -czf {archive} -C pkg ponder && rm -r pkg \
             && sha256sum {archive} > SHA256SUMS && echo {commit} > COMMIT"
        ),
    );
    dir
}

struct Step {
    code: Option<i32>,
    stderr: String,
    output: String,
    path: String,
    seconds: f64,
}

/// Runs `action/SCRIPT` with the variables a runner sets and the action passes.
fn run_step(script: &str, env: &[(&str, &str)], path_env: Option<&str>) -> Step {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let runner = tempfile::tempdir().expect("runner temp");
    let output = runner.path().join("output");
    let github_path = runner.path().join("path");
    let mut command = Command::new("bash");
    command
        .arg(root.join("action").join(script))
        .env_clear()
        .env(
            "PATH",
            path_env
                .map(str::to_string)
                .unwrap_or_else(|| std::env::var("PATH").unwrap_or_default()),
        )
        .env("HOME", runner.path())
        .env("GITHUB_ACTION_PATH", root)
        .env("RUNNER_TEMP", runner.path())
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_PATH", &github_path)
        .env("GITHUB_SERVER_URL", "http://127.0.0.1:9")
        .env("PONDER_ACTION_REPOSITORY", "ponder-rs/ponder");
    for (name, value) in env {
        command.env(name, value);
    }
    let start = Instant::now();
    let result = command.output().expect("bash runs");
    let seconds = start.elapsed().as_secs_f64();
    let step = Step {
        code: result.status.code(),
        stderr: String::from_utf8_lossy(&result.stderr).into_owned(),
        output: std::fs::read_to_string(&output).unwrap_or_default(),
        path: std::fs::read_to_string(&github_path).unwrap_or_default(),
        seconds,
    };
    // The runner's temp dir goes with the step; keep what the test reads.
    if let Some(bin) = step.path.lines().next() {
        let ran = Command::new(Path::new(bin).join("ponder")).output();
        if let Ok(ran) = ran {
            let version = String::from_utf8_lossy(&ran.stdout).into_owned();
            return Step {
                path: version,
                ..step
            };
        }
    }
    step
}

#[test]
fn a_release_tag_downloads_the_binary_and_verifies_its_checksum() {
    let tag = format!("v{}", env!("CARGO_PKG_VERSION"));
    let files = release(&tag, &"a".repeat(40));
    let url = serve(files.path().to_path_buf());
    let env = [
        ("PONDER_ACTION_REF", tag.as_str()),
        ("PONDER_RELEASE_URL", url.as_str()),
    ];
    let step = run_step("install.sh", &env, None);
    assert_eq!(step.code, Some(0), "{}", step.stderr);
    assert!(step.output.contains("installed=true"), "{}", step.output);
    assert_eq!(
        step.path.trim(),
        format!("ponder {tag} from the release"),
        "{}",
        step.stderr
    );
    assert!(step.stderr.contains("checksum verified"), "{}", step.stderr);
    eprintln!("download path: {:.2} s", step.seconds);

    // A commit pin is served by the release built from that commit, and only by it.
    let pinned = [
        ("PONDER_ACTION_REF", &*"a".repeat(40)),
        ("PONDER_RELEASE_URL", url.as_str()),
    ];
    let step_pinned = run_step("install.sh", &pinned, None);
    assert!(
        step_pinned.output.contains("installed=true"),
        "{}",
        step_pinned.stderr
    );
    let other = [
        ("PONDER_ACTION_REF", &*"b".repeat(40)),
        ("PONDER_RELEASE_URL", url.as_str()),
    ];
    let step_other = run_step("install.sh", &other, None);
    assert_eq!(step_other.code, Some(0));
    assert!(
        step_other.output.contains("installed=false"),
        "{}",
        step_other.output
    );
    assert!(
        step_other.stderr.contains(&format!("is not release {tag}")),
        "{}",
        step_other.stderr
    );
}

#[test]
fn a_download_whose_checksum_does_not_match_is_refused() {
    let tag = format!("v{}", env!("CARGO_PKG_VERSION"));
    let files = release(&tag, &"a".repeat(40));
    let sums = files.path().join(format!("{tag}/SHA256SUMS"));
    let text = std::fs::read_to_string(&sums).expect("sums");
    std::fs::write(&sums, format!("{}{}", "0".repeat(64), &text[64..])).expect("write");
    let url = serve(files.path().to_path_buf());
    let env = [
        ("PONDER_ACTION_REF", tag.as_str()),
        ("PONDER_RELEASE_URL", url.as_str()),
    ];
    let step = run_step("install.sh", &env, None);
    assert_eq!(step.code, Some(1), "{}", step.stderr);
    assert!(
        step.stderr.contains("does not match SHA256SUMS"),
        "{}",
        step.stderr
    );
    assert!(!step.output.contains("installed=true"));
    assert!(step.path.is_empty(), "nothing is put on the PATH");
}

#[test]
fn a_branch_or_a_missing_release_falls_back_to_a_build_keyed_by_content() {
    let empty = tempfile::tempdir().expect("temp dir");
    let url = serve(empty.path().to_path_buf());
    for reference in ["main", "v9.9.9"] {
        let env = [
            ("PONDER_ACTION_REF", reference),
            ("PONDER_RELEASE_URL", url.as_str()),
        ];
        let step = run_step("install.sh", &env, None);
        assert_eq!(step.code, Some(0), "{}", step.stderr);
        assert!(step.output.contains("installed=false"), "{}", step.output);
        let commit = step
            .output
            .lines()
            .find_map(|l| l.strip_prefix("commit="))
            .expect("a cache key");
        assert_eq!(commit.len(), 40, "{commit}");
        assert!(
            step.stderr.contains("building ponder with cargo instead"),
            "{}",
            step.stderr
        );
    }
}

#[test]
fn without_a_release_or_cargo_the_build_step_says_what_to_do() {
    // A PATH with bash's basic tools but no cargo.
    let tools = tempfile::tempdir().expect("tools");
    for tool in ["bash", "echo"] {
        if let Ok(found) = which(tool) {
            std::os::unix::fs::symlink(found, tools.path().join(tool)).expect("symlink");
        }
    }
    let path = tools.path().to_string_lossy().into_owned();
    let step = run_step("build.sh", &[], Some(&path));
    assert_eq!(step.code, Some(2), "{}", step.stderr);
    assert!(
        step.stderr.contains("no cargo on this runner"),
        "{}",
        step.stderr
    );
    assert!(
        step.stderr.contains("Pin the action to a release tag"),
        "{}",
        step.stderr
    );
}

fn which(tool: &str) -> Result<PathBuf, ()> {
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join(tool))
        .find(|candidate| candidate.is_file())
        .ok_or(())
}
