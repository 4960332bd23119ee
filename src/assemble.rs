//! The report of one change from what its units found: every pending prompt finished at
//! once (`prompts::finish`), with the change's commits, files, unread files, anchors and
//! notes.

use crate::change::{Change, Commit, FileChange};
use crate::judge::Rules;
use crate::model::{CommitAnchor, Note, Report};
use crate::prompts::{self, Pending};
use crate::syntax::Syntax;
use crate::timings::Timings;
use crate::{anchor as anchors, summary, unread};

/// What the units of a report found, gathered before the report-wide steps.
#[derive(Default)]
pub struct Unit {
    pub pending: Vec<Pending>,
    pub notes: Vec<Note>,
    pub anchors: Vec<(String, CommitAnchor)>,
}

impl Unit {
    pub fn absorb(&mut self, other: Unit) {
        self.pending.extend(other.pending);
        self.notes.extend(other.notes);
        self.anchors.extend(other.anchors);
    }
}

/// Where `commit`'s questions about the whole commit are shown, when `pending` (what was
/// asked about it) holds one: finding the largest hunk reads every added line.
pub fn anchor(
    commit: &Commit,
    files: &[FileChange],
    pending: &[Pending],
) -> Vec<(String, CommitAnchor)> {
    if !pending.iter().any(Pending::is_about_commit) {
        return Vec::new();
    }
    anchors::anchor(files)
        .map(|found| (commit.sha.clone(), found))
        .into_iter()
        .collect()
}

/// The report of `change`, whose own diff is `files`, from what its units found.
pub fn assemble(
    change: &Change,
    files: &[FileChange],
    unit: Unit,
    syntax: &Syntax,
    rules: &Rules<'_>,
    timings: &mut Timings,
) -> Report {
    let Unit {
        pending,
        mut notes,
        anchors,
    } = unit;
    let commits = summary::commits(&change.commits);
    let known = rules.ids();
    let finished = timings.measure("answers", || {
        notes.extend(crate::answers::stale_trailers(&change.commits, &known));
        prompts::finish(pending, &commits, files, &known, &mut notes)
    });
    Report {
        base: change.base.clone(),
        base_ref: None,
        head: change.head.clone(),
        includes_work_tree: change.work_tree.is_some(),
        commits,
        prompts: finished.prompts,
        files: summary::files(files, syntax),
        stale_answers: finished.stale_answers,
        sources: finished.sources,
        commit_anchors: anchors.into_iter().collect(),
        unread: unread::unread_files(files),
        rules: rules.definitions(),
        timings: Timings::default(),
        notes,
    }
}
