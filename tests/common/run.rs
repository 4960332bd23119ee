//! The one way the tests run a program (ponder, cargo-ponder, git): in the environment of
//! a plain, non-interactive shell of a user who has configured nothing, whatever the
//! environment `cargo test` itself runs in.
//!
//! A git hook exports `GIT_DIR`, `GIT_INDEX_FILE` and friends, a CI job its `GITHUB_*` or
//! `CI_*` variables, a developer's shell `NO_COLOR` or `CLICOLOR_FORCE`: each would
//! redirect a test's git commands to another repository, change ponder's default range or
//! its colours. So every such variable of the parent is removed, `HOME` is an empty
//! directory of its own, and git reads no user or system configuration. A test that needs
//! one of them sets it on the command after this.

use std::ffi::OsStr;
use std::ops::{Deref, DerefMut};
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

/// Whole families of variables that change what git or ponder does: every `GIT_*`
/// (repository, index, object store, configuration, namespace, ceiling, trace…), GitHub
/// Actions' and GitLab CI's job variables.
const REMOVED_PREFIXES: &[&str] = &["GIT_", "GITHUB_", "GITLAB_", "CI_"];

/// Single variables that change ponder's defaults, its colours or git's configuration.
const REMOVED_NAMES: &[&str] = &[
    "CI",
    "NO_COLOR",
    "CLICOLOR",
    "CLICOLOR_FORCE",
    "FORCE_COLOR",
    "TERM",
    "COLUMNS",
    "XDG_CONFIG_HOME",
    "EMAIL",
    "PONDER",
];

/// Whether the harness keeps `name` away from the programs it runs.
pub fn is_removed(name: &OsStr) -> bool {
    let name = name.to_string_lossy();
    REMOVED_NAMES.contains(&name.as_ref())
        || REMOVED_PREFIXES
            .iter()
            .any(|prefix| name.starts_with(prefix))
}

/// A command with a clean environment; it owns the empty home directory it runs with.
/// Configure it as a `Command` (it dereferences to one), then [`CleanCommand::run`].
pub struct CleanCommand {
    command: Command,
    _home: tempfile::TempDir,
}

impl CleanCommand {
    pub fn new(program: impl AsRef<OsStr>) -> CleanCommand {
        let home = tempfile::tempdir().expect("temp home");
        let mut command = Command::new(program);
        for (name, _) in std::env::vars_os() {
            if is_removed(&name) {
                command.env_remove(name);
            }
        }
        command
            .env("HOME", home.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            // Wide enough that no prompt is wrapped: tests look for whole sentences.
            .env("COLUMNS", "200");
        CleanCommand {
            command,
            _home: home,
        }
    }

    /// Runs to the end and captures what a user would see.
    pub fn run(mut self) -> Run {
        Run::from(self.command.output().expect("the program runs"))
    }

    /// As [`CleanCommand::run`], but a program still running after `limit` is killed and
    /// the test fails: for input that once made ponder block (a FIFO, `/dev/zero`).
    pub fn run_within(mut self, limit: std::time::Duration) -> Run {
        use std::process::Stdio;
        let child = self
            .command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the program runs");
        let pid = child.id();
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = sender.send(child.wait_with_output());
        });
        match receiver.recv_timeout(limit) {
            Ok(output) => Run::from(output.expect("the program ran")),
            Err(_) => {
                let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
                // The program and its arguments only: the environment may hold a token.
                let args: Vec<_> = self.command.get_args().collect();
                panic!(
                    "{:?} {args:?} was still running after {limit:?}",
                    self.command.get_program()
                );
            }
        }
    }
}

impl Deref for CleanCommand {
    type Target = Command;
    fn deref(&self) -> &Command {
        &self.command
    }
}

impl DerefMut for CleanCommand {
    fn deref_mut(&mut self) -> &mut Command {
        &mut self.command
    }
}

/// The built `ponder` binary, with a clean environment.
pub fn ponder() -> CleanCommand {
    CleanCommand::new(env!("CARGO_BIN_EXE_ponder"))
}

/// The built `cargo-ponder` binary, with a clean environment.
pub fn cargo_ponder() -> CleanCommand {
    CleanCommand::new(env!("CARGO_BIN_EXE_cargo-ponder"))
}

/// `ponder ARGS` with `dir` as the current directory.
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let mut command = ponder();
    command.current_dir(dir).args(args);
    command.run()
}

/// `ponder ARGS --format json` in `dir`: it must succeed quietly; its report, parsed.
pub fn json_in(dir: &Path, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    run_in(dir, &all).json()
}

/// What one run showed: its exit status, stdout and stderr.
pub struct Run {
    pub code: Option<i32>,
    /// stdout as text, any byte that is not UTF-8 replaced (see [`Run::utf8_stdout`]).
    pub stdout: String,
    pub stderr: String,
    stdout_is_utf8: bool,
}

impl From<Output> for Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code(),
            stdout_is_utf8: std::str::from_utf8(&output.stdout).is_ok(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

impl Run {
    /// Exit 0 and nothing on stderr.
    pub fn success(&self) -> &Run {
        assert_eq!(self.code, Some(0), "expected exit 0: {self:?}");
        assert!(self.stderr.is_empty(), "expected empty stderr: {self:?}");
        self
    }

    /// stdout, which must be valid UTF-8.
    pub fn utf8_stdout(&self) -> &str {
        assert!(self.stdout_is_utf8, "stdout is not UTF-8: {self:?}");
        &self.stdout
    }

    /// The report of a successful `--format json` run: stdout is one JSON object.
    pub fn json(&self) -> Value {
        self.success();
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON object ({e}): {self:?}"))
    }

    /// Exit `code`, and a message on stderr that mentions every `needle`.
    pub fn exits_with(&self, code: i32, needles: &[&str]) -> &Run {
        assert_eq!(self.code, Some(code), "expected exit {code}: {self:?}");
        for needle in needles {
            assert!(
                self.stderr.contains(needle),
                "stderr should mention {needle:?}: {self:?}"
            );
        }
        self
    }

    /// Exit 2, nothing on stdout, a message on stderr that mentions every `needle`.
    pub fn assert_usage_error(&self, needles: &[&str]) {
        assert_eq!(self.code, Some(2), "expected exit 2: {self:?}");
        assert!(self.stdout.is_empty(), "expected empty stdout: {self:?}");
        assert!(
            !self.stderr.trim().is_empty(),
            "expected a message: {self:?}"
        );
        for needle in needles {
            assert!(
                self.stderr.contains(needle),
                "stderr should mention {needle:?}: {self:?}"
            );
        }
    }

    /// A ponder diagnostic (not clap's): exit 2 with the mentions and a `help:` line.
    pub fn assert_diagnostic(&self, needles: &[&str]) {
        self.assert_usage_error(needles);
        assert!(
            self.stderr.contains("help:"),
            "expected a help line: {self:?}"
        );
    }
}
