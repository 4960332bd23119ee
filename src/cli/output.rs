//! Writing to stdout and stderr without panicking, and the exit status once the output is
//! written.

use std::io::Write;
use std::process::ExitCode;

use ponder::unread::{gate_message, Unread};
use ponder::Error;

/// Writes to stderr; a message nobody can read (stderr closed or full) is dropped.
pub fn say_raw(text: &str) {
    let mut stderr = std::io::stderr().lock();
    // ponder: unhandled-failure: stderr is where failures are told; when it cannot be written there is nowhere left to tell
    let _ = stderr.write_all(text.as_bytes());
    let _ = stderr.flush();
}

/// Why stdout took no more of the report.
pub enum Unwritten {
    /// The reader closed the pipe (`ponder | head`): it has all it wants.
    Closed,
    /// Anything else (a full disk, a revoked file): the report is lost.
    Failed(std::io::Error),
}

/// Writes the whole output at once.
pub fn write_stdout(text: &str) -> Result<(), Unwritten> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|error| match error.kind() {
            std::io::ErrorKind::BrokenPipe => Unwritten::Closed,
            _ => Unwritten::Failed(error),
        })
}

/// The exit status once the output was written, or could not be: a write error is an
/// output error (exit 2); a closed pipe ends ponder quietly, but never lets
/// `--require-answers` pass on a report nobody read to the end.
pub fn after_output(
    written: Result<(), Unwritten>,
    require_answers: bool,
    unanswered: usize,
    unread: &[Unread],
) -> Result<ExitCode, Error> {
    match written {
        Err(Unwritten::Failed(source)) => Err(Error::OutputFailed { source }),
        Err(Unwritten::Closed) if require_answers => {
            say!("ponder: stdout was closed before the report was written; --require-answers cannot pass on it");
            Ok(ExitCode::from(1))
        }
        Err(Unwritten::Closed) => Ok(ExitCode::SUCCESS),
        Ok(()) => Ok(gate(require_answers, unanswered, unread)),
    }
}

/// `--require-answers`: 1 while a prompt is unanswered, and (saying what and how to fix
/// it) while a changed Rust file could not be read, since no rule judged it.
pub fn gate(require_answers: bool, unanswered: usize, unread: &[Unread]) -> ExitCode {
    if !require_answers {
        return ExitCode::SUCCESS;
    }
    if !unread.is_empty() {
        say_raw(&format!("ponder: {}", gate_message(unread)));
        return ExitCode::from(1);
    }
    if unanswered > 0 {
        say_raw(&open_questions(unanswered));
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

/// Why `--require-answers` does not pass on open questions, and how each kind is answered.
fn open_questions(unanswered: usize) -> String {
    let (count, verb) = if unanswered == 1 {
        ("1 question".to_string(), "is")
    } else {
        (format!("{unanswered} questions"), "are")
    };
    format!(
        "ponder: --require-answers does not pass: {count} {verb} still open. Answer a \
         question about code with `// ponder: RULE: <why>` on its line or the line above it, \
         and a question about a commit with a `Ponder-Answer: RULE: <why>` trailer in its \
         message (the report says which each one takes; `ponder explain RULE` says more).\n"
    )
}
