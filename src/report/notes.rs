//! The sentence each kind of note says, in every format.

use std::fmt;

use crate::model::Note;

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::FilesNotRead {
                count,
                total,
                limit,
            } => write!(
                f,
                "{count} of {total} changed files were not read: ponder reads at most \
                 {limit} per change, Rust files first"
            ),
            Note::CommitFilesNotRead {
                commit,
                count,
                total,
                limit,
            } => write!(
                f,
                "commit {commit}: {count} of {total} changed files were not read by the \
                 checks of single commits (at most {limit})"
            ),
            Note::CoverageCoversNothing { source } => write!(
                f,
                "the coverage file {source} covers none of the changed Rust files: tests were \
                 judged by the call index alone (were the paths recorded in another checkout?)"
            ),
            Note::RangeReversed { typed, swapped } => write!(
                f,
                "the range `{typed}` is empty because its ends are swapped: its right end is \
                 an ancestor of its left one, so no commit is reachable from the right and \
                 not from the left; `{swapped}` is the range of the commits between them"
            ),
            Note::TrailerAnswersNothing {
                commit,
                rule,
                known_rule: true,
                ..
            } => write!(
                f,
                "commit {commit}: the trailer `Ponder-Answer: {rule}` answers nothing, since \
                 `{rule}` asks about code: answer it with `// ponder: {rule}: <why>` on the \
                 flagged line or the line above it"
            ),
            Note::TrailerAnswersNothing {
                commit,
                rule,
                did_you_mean,
                ..
            } => {
                write!(
                    f,
                    "commit {commit}: the trailer `Ponder-Answer: {rule}` answers nothing: \
                     no rule is called `{rule}`"
                )?;
                match did_you_mean {
                    Some(near) => write!(f, " (did you mean `{near}`?)"),
                    None => write!(f, " (`ponder rules` lists them)"),
                }
            }
            Note::PromptsNotShown {
                file,
                rule,
                count,
                limit,
            } => write!(
                f,
                "{file}: {count} more `{rule}` questions not shown (ponder shows at most \
                 {limit} per rule and file, unanswered ones first)"
            ),
        }
    }
}
