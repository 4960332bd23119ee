//! The pull request's description, where teams that squash-merge write their *why*:
//! read from `--description-file` (bounded, regular, UTF-8) or, in GitHub Actions, from the
//! event payload (`github::pull_request_body`). For a branch analysed as a whole, a
//! description that gives a reason answers missing-rationale for every commit it covers;
//! with `squash = true` the description is judged instead of each commit.

use std::path::Path;

use crate::anchor;
use crate::assemble::Unit;
use crate::change::{Change, FileChange};
use crate::judge::Rules;
use crate::prompts::{self, Pending};
use crate::rules::missing_rationale;

/// Largest description read. GitHub caps a pull request body at 65,536 characters, which
/// is at most 256 KiB of UTF-8.
pub const MAX_DESCRIPTION_BYTES: u64 = 256 * 1024;

const RULE: &str = missing_rationale::ID;

/// Reads `--description-file PATH`: a regular file (a symlink to one is followed) of at
/// most `MAX_DESCRIPTION_BYTES`, in UTF-8, through `local_file` (checked before it is
/// opened, so a FIFO or a device never blocks or floods).
pub fn read_file(path: &Path) -> Result<String, crate::Error> {
    use crate::local_file::{read_regular, LocalFileError};
    let unreadable = |reason: String| crate::Error::DescriptionUnreadable {
        path: path.to_path_buf(),
        reason,
    };
    let bytes =
        read_regular(path, MAX_DESCRIPTION_BYTES, "the description file").map_err(|error| {
            match error {
                LocalFileError::NotRegular { kind, .. } => {
                    unreadable(format!("it is not a regular file (it is {kind})"))
                }
                LocalFileError::TooLarge { limit, .. } => unreadable(format!(
                    "it is larger than the limit of {}",
                    crate::local_file::size_text(limit)
                )),
                LocalFileError::Unreadable { source, .. } => unreadable(source.to_string()),
            }
        })?;
    String::from_utf8(bytes).map_err(|e| {
        unreadable(format!(
            "it is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// What the description does to a commit unit's prompts: with `squash`, the commits'
/// missing-rationale questions are left out (the description is judged instead).
pub fn keep_commit_prompt(pending: &Pending, squash: bool) -> bool {
    !(squash && prompts::rule_of(pending) == RULE)
}

/// Applies the description to what the units of a branch analysed as a whole found:
/// a description that gives a reason answers every missing-rationale question about a
/// commit; with `squash`, one question is asked about the description instead (shown at
/// the head commit, anchored in the range's `files`), unless it gives a reason or the
/// change is trivial.
pub(crate) fn apply(
    description: Option<&str>,
    squash: bool,
    rules: &Rules<'_>,
    change: &Change,
    files: &[FileChange],
    unit: &mut Unit,
) {
    // A sentence that gives a reason, else a `Ponder-Answer:` line written in the
    // description as it would be in a commit message.
    let reason = description.and_then(|text| {
        missing_rationale::description_reason(text)
            .or_else(|| crate::answers::trailer_answer(text, RULE))
    });
    if let Some(reason) = &reason {
        let answer = format!("the pull request describes why: {reason}");
        prompts::answer_commit_prompts(&mut unit.pending, RULE, &answer);
        return;
    }
    if !squash {
        return;
    }
    let Some(settings) = rules.enabled_settings(RULE) else {
        return;
    };
    let Some(head) = change.commits.iter().rev().find(|c| !c.is_merge) else {
        return;
    };
    let commits = change.commits.iter().filter(|c| !c.is_merge).count();
    let Some(finding) = missing_rationale::description_finding(
        description.is_some_and(|d| !d.trim().is_empty()),
        commits,
        &head.sha,
        files,
        settings,
    ) else {
        return;
    };
    unit.pending
        .push(prompts::pending_about_description(RULE, finding, settings));
    if !unit.anchors.iter().any(|(sha, _)| sha == &head.sha) {
        if let Some(found) = anchor::anchor(files) {
            unit.anchors.push((head.sha.clone(), found));
        }
    }
}
