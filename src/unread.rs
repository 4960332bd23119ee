//! What `--require-answers` cannot vouch for: changed Rust files a rule would have judged
//! but ponder could not read (past the file limit, over the size limits, content missing
//! from a partial clone, a path no checkout can have). The gate fails closed on them, and says how to get them read.

use crate::change::{FileChange, SkipReason};
pub use crate::model::Unread;

/// The changed Rust files among `files` that a rule would have judged and that were not
/// read. Binary, symlinked or non-UTF-8 files are not code ponder can read at all and
/// stay listed as before; files skipped by the configuration are not in `change`.
pub fn unread_files(files: &[FileChange]) -> Vec<Unread> {
    files
        .iter()
        .filter(|file| file.is_rust() && file.status != crate::change::FileStatus::Deleted)
        .filter_map(|file| match file.skipped {
            Some(
                reason @ (SkipReason::Missing
                | SkipReason::BeyondFileLimit { .. }
                | SkipReason::TooLarge { .. }
                | SkipReason::TooManyLines { .. }
                | SkipReason::UnsafePath),
            ) => Some(Unread {
                path: file.path.clone(),
                reason,
            }),
            _ => None,
        })
        .collect()
}

/// Why the gate did not pass on `unread` (not empty): the files (the first few), and
/// what makes ponder read them.
pub fn gate_message(unread: &[Unread]) -> String {
    const SHOWN: usize = 10;
    let mut out = format!(
        "--require-answers does not pass: {} changed Rust file{} could not be read, so no \
         rule judged {}:\n",
        unread.len(),
        if unread.len() == 1 { "" } else { "s" },
        if unread.len() == 1 { "it" } else { "them" },
    );
    for file in unread.iter().take(SHOWN) {
        out.push_str(&format!("  {}: {}\n", file.path, file.reason.describe()));
    }
    if unread.len() > SHOWN {
        out.push_str(&format!("  … and {} more\n", unread.len() - SHOWN));
    }
    let has = |wanted: fn(&SkipReason) -> bool| unread.iter().any(|file| wanted(&file.reason));
    if has(|reason| *reason == SkipReason::Missing) {
        out.push_str(
            "help: this clone lacks their content (a partial clone, `--filter=blob:none`): \
             fetch it with `git fetch --refetch --no-filter origin` (a plain `--refetch` \
             keeps the clone's filter), or clone without `--filter` \
             (actions/checkout: no `filter` input)\n",
        );
    }
    if has(|reason| matches!(reason, SkipReason::BeyondFileLimit { .. })) {
        out.push_str(
            "help: the limit of files per change is fixed: analyse a shorter range or each \
             commit on its own (`--each-commit`), or list generated and vendored files \
             under `skip` in .ponder.toml\n",
        );
    }
    if has(|reason| {
        matches!(
            reason,
            SkipReason::TooLarge { .. } | SkipReason::TooManyLines { .. }
        )
    }) {
        out.push_str(
            "help: the limits per file are fixed: a file this large is usually generated; \
             list it under `skip` in .ponder.toml, or answer for it in the pull request\n",
        );
    }
    if has(|reason| *reason == SkipReason::UnsafePath) {
        out.push_str(
            "help: a path with a `..`, `.` or `.git` part can only be made with git's plumbing \
             (`git mktree`); no checkout has it and ponder never reads it: rewrite the commit \
             without that tree entry\n",
        );
    }
    out
}
