//! ponder reads a Rust change (a branch, a commit range, or the work in progress) and asks
//! the questions a careful reviewer would ask about it. This file is the pipeline: `git`
//! reads the change, `judge` parses what the rules need and runs them on each unit (every
//! commit on its own, the work in progress, the change as a whole), `prompts` turns all
//! their findings into the report's prompts at once, and `report` renders it. The library
//! never prints; `main.rs` does. `ARCHITECTURE.md` maps the rest.
//!
//! ```no_run
//! let request = ponder::Request::new(".");
//! let report = ponder::analyze(&request)?;
//! for prompt in &report.prompts {
//!     let _ = (&prompt.rule, &prompt.question);
//! }
//! # Ok::<(), ponder::Error>(())
//! ```

#![warn(clippy::print_stdout, clippy::print_stderr, clippy::dbg_macro)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod anchor;
pub mod answers;
mod assemble;
pub mod change;
pub mod config;
pub mod description;
mod error;
pub mod fingerprint;
pub mod git;
pub mod github;
pub mod gitlab;
mod history;
pub mod hook;
pub mod http;
mod judge;
pub mod local_file;
pub mod model;
pub mod progress;
mod prompts;
pub mod reach;
pub mod report;
mod request;
pub mod rules;
mod setup;
pub mod suggest;
mod summary;
pub mod syntax;
pub mod template;
pub mod timings;
pub mod unread;

use std::ops::ControlFlow;

use crate::assemble::{anchor, assemble, Unit};
use crate::change::{Change, Commit};
use crate::git::{ReadOptions, Repo};
use crate::judge::Rules;
use crate::reach::Reach;
use crate::rules::Scope;
use crate::setup::{all_rules, count_parses, read_coverage};
use crate::syntax::ParseCache;
use crate::timings::Timings;

pub use crate::error::Error;
pub use crate::git::RangeSpec;
pub use crate::model::{
    source_key, AnswerSource, CommitAnchor, CommitSummary, FileSummary, HistorySummary, Note,
    Prompt, Report, StaleAnswer, MAX_PROMPTS_PER_FILE,
};
pub use crate::request::Request;
pub use crate::setup::configured_rules;

/// Parsed source held across the commits of one run before the least recently used
/// parses are dropped. A parse's summary takes about twice its source's size (measured
/// on ripgrep's history: a 48 MB budget cost 90 MB of memory), and most hits are between
/// neighbouring commits, so a small budget keeps nearly all of them.
const PARSE_CACHE_BYTES: u64 = 8 * 1024 * 1024;

/// Runs the whole pipeline. Errors are about the request (no repository, unknown
/// revision, bad config); anything odd inside the change is reported, not raised.
///
/// The commit rules judge each commit on its own (in parallel, a window of commits at a
/// time, each read only as far as they need) and the work in progress; the change rules
/// judge the range's diff. A blob parsed for one is not parsed again for another.
pub fn analyze(request: &Request) -> Result<Report, Error> {
    let repo = request.open()?;
    analyze_in(&repo, request).map_err(|error| repo.diagnose(error))
}

fn analyze_in(repo: &Repo, request: &Request) -> Result<Report, Error> {
    let mut timings = Timings::default();
    let options = ReadOptions::default();
    let resolved = timings.measure("resolve", || repo.resolve(&request.range))?;
    let mut change = repo.read_range_without_commit_files(&resolved, &options, &mut timings)?;
    let all = all_rules(repo, request, change.head.as_deref())?;
    let config = &all.config;
    config.drop_skipped(&mut change.files);
    if let Some(files) = &mut change.work_tree {
        config.drop_skipped(files);
    }
    let cache = ParseCache::new(PARSE_CACHE_BYTES, setup::syntax_passes(&all));
    let rules = Rules::new(&all.rules, config, &cache);
    let coverage = read_coverage(repo, request)?;
    // The commit rules need no call index: only the change is reached by tests.
    let nowhere = Change::default();
    let no_reach = Reach::none(&nowhere);
    let nowhere = &nowhere;

    // A branch as a whole has a pull request; one commit on its own has only its message.
    let as_whole = !matches!(request.range, RangeSpec::Commit(_));
    let squash = as_whole && config.squash;
    let mut unit = Unit::default();
    let commits: Vec<&Commit> = change.commits.iter().filter(|c| !c.is_merge).collect();
    history::each_commit(
        repo,
        &repo.git_dir(),
        &commits,
        |repo, commit, timings| {
            let needs_texts = |files: &[_]| rules.commit_needs_texts(Some(commit), files);
            let mut files = repo.read_commit_files(&commit.sha, &options, timings, &needs_texts)?;
            config.drop_skipped(&mut files);
            let no_reach = Reach::none(nowhere);
            let mut judged =
                rules.judge(&files, Some(commit), &[Scope::Commit], &no_reach, timings);
            judged
                .pending
                .retain(|p| description::keep_commit_prompt(p, squash));
            Ok(Unit {
                anchors: anchor(commit, &files, &judged.pending),
                pending: judged.pending,
                notes: summary::commit_limit(&change, commit, &files)
                    .into_iter()
                    .collect(),
            })
        },
        |done| {
            unit.absorb(done);
            ControlFlow::Continue(())
        },
        &mut timings,
    )?;
    if let Some(files) = &change.work_tree {
        let judged = rules.judge(files, None, &[Scope::Commit], &no_reach, &mut timings);
        unit.pending.extend(judged.pending);
    }
    let sources = reach::Sources {
        repo: Some(repo),
        coverage: coverage.as_ref(),
    };
    let reach = Reach::new(sources, &change);
    let judged = rules.judge(&change.files, None, &[Scope::Change], &reach, &mut timings);
    unit.pending.extend(judged.pending);
    unit.notes
        .extend(reach::coverage::note(coverage.as_ref(), &change));
    // A commit's anchor is in its own line numbers; the range's formats show the head's.
    for (_, found) in &mut unit.anchors {
        *found = anchor::relocate(found.clone(), &change.files);
    }
    if as_whole {
        let description = request.description.as_deref();
        description::apply(
            description,
            squash,
            &rules,
            &change,
            &change.files,
            &mut unit,
        );
    }
    unit.notes
        .splice(0..0, summary::change_limit(&change.files));
    if let Some((typed, swapped)) = repo.swapped_range(&request.range) {
        unit.notes.insert(0, Note::RangeReversed { typed, swapped });
    }

    let mut report = assemble(
        &change,
        &change.files,
        unit,
        &judged.syntax,
        &rules,
        &mut timings,
    );
    report.includes_work_tree = request.range == RangeSpec::Default;
    report.base_ref = resolved.base_ref;
    count_parses(&cache, &mut timings);
    report.timings = timings;
    Ok(report)
}

/// History mode: every commit of the range analysed on its own against its first parent,
/// with every rule, as `--commit` would; merges are skipped. `on_commit` receives each
/// commit's report in commit order (oldest first) with its position and the number of
/// commits to analyse, as soon as its window of commits is done; when it breaks (nobody
/// reads on), the run stops without reading further commits. With no range, the
/// branch's commits are analysed and the work in progress is not.
pub fn analyze_each_commit(
    request: &Request,
    on_commit: impl FnMut(Report, usize, usize) -> ControlFlow<()>,
) -> Result<HistorySummary, Error> {
    let repo = request.open()?;
    each_commit_in(&repo, request, on_commit).map_err(|error| repo.diagnose(error))
}

fn each_commit_in(
    repo: &Repo,
    request: &Request,
    mut on_commit: impl FnMut(Report, usize, usize) -> ControlFlow<()>,
) -> Result<HistorySummary, Error> {
    let mut timings = Timings::default();
    let options = ReadOptions::default();
    let resolved = timings.measure("resolve", || repo.resolve(&request.range))?;
    let listed = timings.measure("diff", || repo.list_commits(&resolved))?;
    let all = all_rules(repo, request, resolved.head_sha().as_deref())?;
    let config = &all.config;
    let cache = ParseCache::new(PARSE_CACHE_BYTES, setup::syntax_passes(&all));
    let rules = Rules::new(&all.rules, config, &cache);
    let coverage = read_coverage(repo, request)?;

    let commits: Vec<&Commit> = listed.iter().filter(|c| !c.is_merge).collect();
    let total = commits.len();
    let mut done = 0;
    history::each_commit(
        repo,
        &repo.git_dir(),
        &commits,
        |repo, commit, timings| {
            let mut files = repo.read_commit_files(&commit.sha, &options, timings, &|_| true)?;
            config.drop_skipped(&mut files);
            let change = Change {
                base: commit.parent.clone(),
                head: Some(commit.sha.clone()),
                commits: vec![commit.clone()],
                files,
                work_tree: None,
            };
            let sources = reach::Sources {
                repo: Some(repo),
                coverage: coverage.as_ref(),
            };
            let reach = Reach::new(sources, &change);
            let scopes = [Scope::Commit, Scope::Change];
            let judged = rules.judge(&change.files, Some(commit), &scopes, &reach, timings);
            let mut notes: Vec<Note> = summary::change_limit(&change.files).into_iter().collect();
            notes.extend(reach::coverage::note(coverage.as_ref(), &change));
            let unit = Unit {
                anchors: anchor(commit, &change.files, &judged.pending),
                pending: judged.pending,
                notes,
            };
            Ok(assemble(
                &change,
                &change.files,
                unit,
                &judged.syntax,
                &rules,
                timings,
            ))
        },
        |report| {
            done += 1;
            on_commit(report, done, total)
        },
        &mut timings,
    )?;
    count_parses(&cache, &mut timings);
    Ok(HistorySummary {
        commits: total,
        merges_skipped: listed.len() - total,
        timings,
        notes: repo
            .swapped_range(&request.range)
            .map(|(typed, swapped)| Note::RangeReversed { typed, swapped })
            .into_iter()
            .collect(),
    })
}
