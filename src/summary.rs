//! What a report says about a change besides its prompts: which files were read and
//! which were not (with the reason), which commits it covers, and what a file limit left
//! out.

use crate::change::{Change, Commit, FileChange, FileStatus, SkipReason};
use crate::model::{CommitSummary, FileSummary, Note};
use crate::syntax::Syntax;

pub fn commits(commits: &[Commit]) -> Vec<CommitSummary> {
    commits
        .iter()
        .map(|c| CommitSummary {
            sha: c.sha.clone(),
            subject: c.subject.clone(),
        })
        .collect()
}

/// The changed Rust files and the skipped files of `files`, deleted ones aside, each with
/// whether its code was read.
pub fn files(files: &[FileChange], syntax: &Syntax) -> Vec<FileSummary> {
    files
        .iter()
        .filter(|file| file.is_rust() || file.skipped.is_some())
        .filter(|file| file.status != FileStatus::Deleted)
        .map(|file| {
            if let Some(reason) = file.skipped {
                return FileSummary {
                    path: file.path.clone(),
                    parsed: false,
                    note: Some(format!("skipped: {}", reason.describe())),
                };
            }
            let parsed = file.new.as_ref().and_then(|text| syntax.get(&text.key));
            match parsed.and_then(|p| p.parse_error.as_ref()) {
                Some((line, message)) => FileSummary {
                    path: file.path.clone(),
                    parsed: false,
                    note: Some(format!("could not parse (line {line}: {message})")),
                },
                None => FileSummary {
                    path: file.path.clone(),
                    parsed: parsed.is_some(),
                    note: None,
                },
            }
        })
        .collect()
}

/// How many of `files` the file limit left unread, and the limit.
fn beyond_limit(files: &[FileChange]) -> Option<(usize, usize)> {
    let mut limit = 0;
    let count = files
        .iter()
        .filter(|file| match file.skipped {
            Some(SkipReason::BeyondFileLimit { limit: l }) => {
                limit = l;
                true
            }
            _ => false,
        })
        .count();
    (count > 0).then_some((count, limit))
}

/// The note for a change's own diff past the file limit.
pub fn change_limit(files: &[FileChange]) -> Option<Note> {
    let (count, limit) = beyond_limit(files)?;
    Some(Note::FilesNotRead {
        count,
        total: files.len(),
        limit,
    })
}

/// The note for one commit's diff past the file limit, unless the change is that commit
/// alone (`--commit`), whose own diff has said it already.
pub fn commit_limit(change: &Change, commit: &Commit, files: &[FileChange]) -> Option<Note> {
    let own_diff = change.head.as_deref() == Some(commit.sha.as_str())
        && change.base == commit.parent
        && !change.files.is_empty();
    if own_diff {
        return None;
    }
    let (count, limit) = beyond_limit(files)?;
    Some(Note::CommitFilesNotRead {
        commit: commit.short_sha().to_string(),
        count,
        total: files.len(),
        limit,
    })
}
