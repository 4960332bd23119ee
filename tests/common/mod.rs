//! What every integration test shares: the one way to run a program with a clean
//! environment (`run`), and real git repositories built with fixed author and dates, so
//! commit hashes are the same on every run and every machine; git runs in the same clean
//! environment, so a developer's hooks, signing settings or a surrounding git hook's
//! `GIT_DIR` cannot leak in.

#![allow(dead_code)]

pub mod fake_server;
pub mod post;
#[cfg(target_os = "linux")]
pub mod pty;
mod report;
mod run;

#[allow(unused_imports)]
pub use report::*;
#[allow(unused_imports)]
pub use run::*;

use std::path::{Path, PathBuf};

pub struct TestRepo {
    pub dir: tempfile::TempDir,
    commits: u32,
}

impl TestRepo {
    pub fn new() -> TestRepo {
        let dir = tempfile::tempdir().expect("temp dir");
        let repo = TestRepo { dir, commits: 0 };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs git in the repository and returns its stdout; panics with stderr on failure.
    /// Each commit is dated a minute after the one before, from a fixed start.
    pub fn git(&self, args: &[&str]) -> String {
        let date = format!(
            "2024-01-01T{:02}:{:02}:00+00:00",
            self.commits / 60,
            self.commits % 60
        );
        let mut command = git_command(self.path(), args);
        command
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date);
        expect_success(command, args)
    }

    pub fn write(&self, path: &str, content: &str) {
        let full = self.path().join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(full, content).expect("write");
    }

    /// Writes raw bytes (binary or non-UTF-8 content) into the work tree.
    pub fn write_bytes(&self, path: &str, content: &[u8]) {
        let full = self.path().join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(full, content).expect("write");
    }

    /// Copies every file under `from` into the work tree, replacing what is there.
    pub fn copy_tree(&self, from: &Path) {
        copy_dir(from, self.path());
    }

    /// Stages everything and commits; returns the new commit's SHA.
    pub fn commit_all(&mut self, message: &str) -> String {
        self.git(&["add", "-A"]);
        self.commits += 1;
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
        self.git(&["rev-parse", "HEAD"])
    }
}

impl TestRepo {
    /// A library with one function on `main`, and a new branch `topic` checked out on it:
    /// what a contributor starts a change from.
    pub fn library_on_topic() -> TestRepo {
        let mut repo = TestRepo::new();
        repo.write("src/lib.rs", "pub fn one() -> u32 {\n    1\n}\n");
        repo.commit_all("Start\n\nA library to grow.");
        repo.git(&["checkout", "-q", "-b", "topic"]);
        repo
    }
}

/// `git ARGS` in `dir` (any directory: a clone, a submodule, a bare repository): its
/// stdout, trimmed; panics with stderr when git fails.
pub fn git_in(dir: &Path, args: &[&str]) -> String {
    expect_success(git_command(dir, args), args)
}

/// git in `dir`, in the harness's clean environment, with a fixed identity, and with the
/// settings that would make a commit depend on the machine (signing, line endings, hooks)
/// turned off.
pub fn git_command(dir: &Path, args: &[&str]) -> CleanCommand {
    let mut command = CleanCommand::new("git");
    command
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "core.autocrlf=false",
            "-c",
            "core.hooksPath=/dev/null",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Fixture Author")
        .env("GIT_AUTHOR_EMAIL", "author@example.com")
        .env("GIT_COMMITTER_NAME", "Fixture Author")
        .env("GIT_COMMITTER_EMAIL", "author@example.com");
    command
}

fn expect_success(command: CleanCommand, args: &[&str]) -> String {
    let run = command.run();
    assert_eq!(run.code, Some(0), "git {args:?} failed: {run:?}");
    run.stdout.trim().to_string()
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("readable fixture dir") {
        let entry = entry.expect("entry");
        let target: PathBuf = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}
