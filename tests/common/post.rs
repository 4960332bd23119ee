//! What the `post github` and `post gitlab` tests share besides the server: the repository
//! they post about, the job's run that must never show the token, and the boxes a posted
//! checklist holds.

use pulldown_cmark::{Event, Options, Parser};

use super::{CleanCommand, Run, TestRepo};

/// A repository whose `topic` branch adds an `unwrap` and an untested branch to `main`.
pub fn post_repository() -> TestRepo {
    let mut repo = TestRepo::new();
    repo.write(
        "src/lib.rs",
        "pub fn read(path: &str) -> String {\n    std::fs::read_to_string(path).unwrap_or_default()\n}\n",
    );
    repo.commit_all(
        "Start the library\n\nThe first function, so that the binary has something to call.",
    );
    repo.git(&["checkout", "-q", "-b", "topic"]);
    repo.write(
        "src/lib.rs",
        "pub fn read(path: &str) -> String {\n    std::fs::read_to_string(path).unwrap_or_default()\n}\n\npub fn size(path: &str) -> u64 {\n    let meta = std::fs::metadata(path).unwrap();\n    if meta.is_dir() {\n        return 0;\n    }\n    meta.len()\n}\n",
    );
    repo.commit_all(
        "Add size\n\nThe caller needs the size of a file to size its buffer before reading.",
    );
    repo
}

/// Runs the job; whatever it does, `token` must never be shown.
pub fn run_without_showing(command: CleanCommand, token: &str) -> Run {
    let run = command.run();
    assert!(
        !run.stderr.contains(token) && !run.stdout.contains(token),
        "the token leaked: {run:?}"
    );
    run
}

/// The task list's boxes, ticked or not, in order.
pub fn checkboxes(markdown: &str) -> Vec<bool> {
    Parser::new_ext(markdown, Options::ENABLE_TASKLISTS)
        .filter_map(|event| match event {
            Event::TaskListMarker(checked) => Some(checked),
            _ => None,
        })
        .collect()
}
