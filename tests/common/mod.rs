//! Builds real git repositories for tests: fixed author and dates, so commit hashes are
//! the same on every run and every machine; no user or system git configuration, so a
//! developer's hooks or signing settings cannot leak in.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

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
    pub fn git(&self, args: &[&str]) -> String {
        let date = format!(
            "2024-01-01T{:02}:{:02}:00+00:00",
            self.commits / 60,
            self.commits % 60
        );
        let output = Command::new("git")
            .args([
                "-c",
                "commit.gpgsign=false",
                "-c",
                "core.autocrlf=false",
                "-c",
                "core.hooksPath=/dev/null",
            ])
            .args(args)
            .current_dir(self.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "Fixture Author")
            .env("GIT_AUTHOR_EMAIL", "author@example.com")
            .env("GIT_COMMITTER_NAME", "Fixture Author")
            .env("GIT_COMMITTER_EMAIL", "author@example.com")
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .output()
            .expect("git runs");
        assert!(
            output.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_string()
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

/// The built `ponder` binary.
/// The ponder binary, without the GitHub Actions variables that change its default range:
/// run inside a pull-request job, a test that passes no range would otherwise analyse
/// `origin/$GITHUB_BASE_REF...HEAD`, which its repository does not have. Tests of that
/// behaviour set the variables themselves.
pub fn ponder() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ponder"));
    // The repository's web address makes the markdown checklist link its locations.
    for name in [
        "GITHUB_ACTIONS",
        "GITHUB_BASE_REF",
        "GITHUB_EVENT_PATH",
        "GITHUB_SERVER_URL",
        "GITHUB_REPOSITORY",
        "CI_PROJECT_URL",
    ] {
        command.env_remove(name);
    }
    command
}
