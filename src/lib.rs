//! ponder reads a Rust change (a branch, a commit range, or the work in progress) and asks
//! the questions a careful reviewer would ask about it. This crate is the pipeline:
//! `git` reads the change, `syntax` parses it, `rules` find what to ask, `answers`
//! matches the answers already written, and `report` renders the result. The library
//! never prints; `main.rs` does.
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

pub mod answers;
pub mod change;
pub mod config;
mod error;
pub mod fingerprint;
pub mod git;
pub mod github;
mod history;
pub mod hook;
pub mod report;
pub mod rules;
pub mod syntax;
pub mod timings;
pub mod unread;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

use crate::change::{Change, Commit, FileChange, Text, TextKey};
use crate::config::Config;
use crate::git::{ReadOptions, Repo};
use crate::rules::{render, Context, Finding};
use crate::syntax::{ParseCache, ParseRequest, Syntax};
use crate::timings::Timings;

pub use crate::answers::{AnswerSource, StaleAnswer};
pub use crate::error::Error;
pub use crate::git::RangeSpec;

/// What to analyse and how.
#[derive(Debug, Clone)]
pub struct Request {
    pub repo: PathBuf,
    pub range: RangeSpec,
    /// `--config PATH`; otherwise `.ponder.toml` at the repository root.
    pub config: Option<PathBuf>,
}

impl Request {
    /// The no-argument form in `repo`: the branch against its base, plus work in progress.
    pub fn new(repo: impl Into<PathBuf>) -> Request {
        Request {
            repo: repo.into(),
            range: RangeSpec::Default,
            config: None,
        }
    }
}

/// One question ponder asks.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Prompt {
    pub rule: String,
    /// `None` for commit-level prompts.
    pub file: Option<String>,
    /// 1-based, in the new version of `file`.
    pub line: Option<u32>,
    pub end_line: Option<u32>,
    /// The full SHA of the commit the prompt is about, when it is about one.
    pub commit: Option<String>,
    pub function: Option<String>,
    pub question: String,
    pub evidence: Vec<String>,
    /// The reason written in an answer comment or trailer, when there is one.
    pub answer: Option<String>,
    /// Whether `answer` came from a comment or a commit trailer.
    pub answered_by: Option<AnswerSource>,
    /// Stays the same when the prompt's lines move (see `fingerprint`): 16 hex digits.
    pub fingerprint: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CommitSummary {
    pub sha: String,
    pub subject: String,
}

/// A changed Rust file (or any skipped file) and whether ponder could read its code.
#[derive(Debug, Clone, Serialize)]
pub struct FileSummary {
    pub path: String,
    pub parsed: bool,
    /// Why the file was not parsed: a parse error, or why it was skipped.
    pub note: Option<String>,
}

/// The result of an analysis: everything the report formats need.
#[derive(Debug, Clone)]
pub struct Report {
    pub base: Option<String>,
    pub head: Option<String>,
    pub includes_work_tree: bool,
    pub commits: Vec<CommitSummary>,
    pub prompts: Vec<Prompt>,
    pub files: Vec<FileSummary>,
    /// Changed Rust files a rule would have judged but ponder could not read: under
    /// `--require-answers` they fail the gate.
    pub unread: Vec<unread::Unread>,
    /// Answer comments on added lines that answer no prompt.
    pub stale_answers: Vec<StaleAnswer>,
    /// New versions of the files prompts point at, for snippets, by `source_key`.
    pub sources: BTreeMap<String, Arc<str>>,
    /// Each commit's first changed file that still exists after it, by SHA: where a format
    /// that needs a file for every finding (SARIF for code scanning) anchors a question
    /// about the commit itself.
    pub commit_anchors: BTreeMap<String, String>,
    /// Time per stage, for `--timings`.
    pub timings: Timings,
    /// What a limit left out of this report (files not read, prompts not shown), one
    /// sentence each; empty when nothing was capped.
    pub notes: Vec<String>,
}

/// At most this many prompts per rule and file are kept, the first by line: past it, one
/// pattern repeated across a file would drown the rest of the report. The rest are
/// counted in a note.
pub const MAX_PROMPTS_PER_FILE: usize = 20;

/// Which text a prompt's `file`/`line` refer to: the commit's version for a prompt about
/// one commit, the head of the range (or the work tree) otherwise.
pub fn source_key(prompt: &Prompt) -> String {
    format!(
        "{}:{}",
        prompt.commit.as_deref().unwrap_or(""),
        prompt.file.as_deref().unwrap_or("")
    )
}

impl Report {
    pub fn unanswered(&self) -> usize {
        self.prompts.iter().filter(|p| p.answer.is_none()).count()
    }

    /// Changed Rust files: `files` also lists skipped files that are not Rust (an image,
    /// a submodule), which every format leaves out of this count.
    pub fn rust_file_count(&self) -> usize {
        self.files
            .iter()
            .filter(|f| f.path.ends_with(".rs"))
            .count()
    }
}

/// Parsed source held across the commits of one run before the least recently used
/// parses are dropped. A parse's summary takes about twice its source's size (measured
/// on ripgrep's history: a 48 MB budget cost 90 MB of memory), and most hits are between
/// neighbouring commits, so a small budget keeps nearly all of them.
const PARSE_CACHE_BYTES: u64 = 8 * 1024 * 1024;

/// Runs the whole pipeline. Errors are about the request (no repository, unknown
/// revision, bad config); anything odd inside the change is reported, not raised.
///
/// Each commit is read, parsed and checked on its own (in parallel, a window of commits
/// at a time) for the commit-level rules, then the range diff for the code-level rules;
/// a blob parsed for one is not parsed again for the other.
pub fn analyze(request: &Request) -> Result<Report, Error> {
    let mut timings = Timings::default();
    let repo = Repo::open(&request.repo)?;
    let rules = rules::registry();
    let options = ReadOptions::default();
    let resolved = timings.measure("resolve", || repo.resolve(&request.range))?;
    let change = repo.read_range_without_commit_files(&resolved, &options, &mut timings)?;
    let config = load_config(&repo, request, change.head.as_deref(), &rules)?;
    let cache = ParseCache::new(PARSE_CACHE_BYTES);

    let checks = Checks {
        options: &options,
        config: &config,
        rules: &rules,
        cache: &cache,
    };
    let mut commit_reports = CommitFindings::default();
    let commits: Vec<&Commit> = change.commits.iter().filter(|c| !c.is_merge).collect();
    history::each_commit(
        &repo,
        &request.repo,
        &commits,
        |repo, commit, timings| check_commit(repo, commit, false, &checks, timings),
        |report| {
            commit_reports.prompts.extend(report.prompts);
            commit_reports.sources.extend(report.sources);
            commit_reports.anchors.extend(report.commit_anchors);
            commit_reports.notes.extend(report.notes);
            ControlFlow::Continue(())
        },
        &mut timings,
    )?;

    let mut report = analyze_change(
        change,
        &config,
        &rules,
        &cache,
        &mut timings,
        commit_reports,
    );
    report.includes_work_tree = request.range == RangeSpec::Default;
    count_parses(&cache, &mut timings);
    report.timings = timings;
    Ok(report)
}

/// What `analyze_each_commit` went through.
#[derive(Debug, Clone, Default)]
pub struct HistorySummary {
    /// Commits analysed (merges are not).
    pub commits: usize,
    pub merges_skipped: usize,
    pub timings: Timings,
}

/// History mode: every commit of the range analysed on its own against its first parent,
/// with every rule, as `--commit` would; merges are skipped. `on_commit` receives each
/// commit's report in commit order (oldest first) with its position and the number of
/// commits to analyse, as soon as its window of commits is done; when it breaks (nobody
/// reads on), the run stops without reading further commits. With no range, the
/// branch's commits are analysed and the work in progress is not.
pub fn analyze_each_commit(
    request: &Request,
    mut on_commit: impl FnMut(Report, usize, usize) -> ControlFlow<()>,
) -> Result<HistorySummary, Error> {
    let mut timings = Timings::default();
    let repo = Repo::open(&request.repo)?;
    let rules = rules::registry();
    let options = ReadOptions::default();
    let resolved = timings.measure("resolve", || repo.resolve(&request.range))?;
    let all = timings.measure("diff", || repo.list_commits(&resolved))?;
    let config = load_config(&repo, request, resolved.head_sha().as_deref(), &rules)?;
    let cache = ParseCache::new(PARSE_CACHE_BYTES);

    let checks = Checks {
        options: &options,
        config: &config,
        rules: &rules,
        cache: &cache,
    };
    let commits: Vec<&Commit> = all.iter().filter(|c| !c.is_merge).collect();
    let total = commits.len();
    let mut done = 0;
    history::each_commit(
        &repo,
        &request.repo,
        &commits,
        |repo, commit, timings| check_commit(repo, commit, true, &checks, timings),
        |report| {
            done += 1;
            on_commit(report, done, total)
        },
        &mut timings,
    )?;
    count_parses(&cache, &mut timings);
    Ok(HistorySummary {
        commits: total,
        merges_skipped: all.len() - total,
        timings,
    })
}

/// What checking a commit needs, the same for every commit of a run.
struct Checks<'a> {
    options: &'a ReadOptions,
    config: &'a Config,
    rules: &'a [Box<dyn rules::Rule>],
    cache: &'a ParseCache,
}

/// Reads one commit's diff against its first parent and checks it: with the commit-level
/// rules only (`code_level == false`, when the range pass reads the code) or with every
/// rule (history mode).
fn check_commit(
    repo: &Repo,
    commit: &Commit,
    code_level: bool,
    checks: &Checks<'_>,
    timings: &mut Timings,
) -> Result<Report, Error> {
    // With every rule (history mode) the texts are always read; in a range's commit
    // pass, only when a commit-level rule could ask about this commit.
    let needs_texts = |files: &[FileChange]| {
        code_level
            || checks.rules.iter().any(|rule| {
                checks
                    .config
                    .rules
                    .get(&rule.definition().id)
                    .is_some_and(|settings| {
                        settings.enabled && rule.needs_commit_texts(commit, files, settings)
                    })
            })
    };
    let files = repo.read_commit_files(&commit.sha, checks.options, timings, &needs_texts)?;
    Ok(analyze_change(
        commit_change(commit, files, code_level),
        checks.config,
        checks.rules,
        checks.cache,
        timings,
        CommitFindings::default(),
    ))
}

/// One commit as a change of its own: its diff against its first parent, for the
/// commit-level rules only (`code_level == false`) or for every rule.
fn commit_change(commit: &Commit, files: Vec<FileChange>, code_level: bool) -> Change {
    let mut commit = commit.clone();
    let range_files = if code_level {
        files.clone()
    } else {
        Vec::new()
    };
    commit.files = files;
    Change {
        base: commit.parent.clone(),
        head: Some(commit.sha.clone()),
        commits: vec![commit],
        files: range_files,
        work_tree: None,
    }
}

fn count_parses(cache: &ParseCache, timings: &mut Timings) {
    let (texts, bytes) = cache.parsed();
    timings.count("parsed texts", texts);
    timings.count("parsed bytes", bytes);
}

/// What the commit-by-commit pass found, handed to the range pass so that stale answers,
/// ordering and fingerprints are worked out over every prompt of the run at once.
#[derive(Default)]
struct CommitFindings {
    prompts: Vec<Prompt>,
    sources: BTreeMap<String, Arc<str>>,
    anchors: BTreeMap<String, String>,
    notes: Vec<String>,
}

/// Parses what the rules need, runs them and matches answers: everything after the
/// change is read. Parses come from (and go to) the run's `cache`. `earlier` holds the
/// prompts already found (and answered) commit by commit.
fn analyze_change(
    mut change: Change,
    config: &Config,
    rules: &[Box<dyn rules::Rule>],
    cache: &ParseCache,
    timings: &mut Timings,
    earlier: CommitFindings,
) -> Report {
    drop_skipped_paths(&mut change, config);

    let mut texts: Vec<Text> = change
        .files
        .iter()
        .filter(|file| file.is_rust())
        .filter_map(|file| file.new.clone())
        .collect();
    for rule in rules {
        if let Some(settings) = config.rules.get(&rule.definition().id) {
            if settings.enabled {
                texts.extend(rule.extra_texts(&change, settings));
            }
        }
    }
    // Rules read only functions that hold an added line, so each text is parsed around
    // the lines added to it (in any file of the change that has that text).
    let mut touched: HashMap<TextKey, BTreeSet<u32>> = HashMap::new();
    let every_file = change
        .files
        .iter()
        .chain(change.commits.iter().flat_map(|c| c.files.iter()))
        .chain(change.work_tree.iter().flatten());
    for file in every_file {
        if let Some(text) = &file.new {
            touched
                .entry(text.key.clone())
                .or_default()
                .extend(file.added_lines.iter().copied());
        }
    }
    let touched: HashMap<TextKey, Arc<BTreeSet<u32>>> = touched
        .into_iter()
        .map(|(key, lines)| (key, Arc::new(lines)))
        .collect();
    let requests = texts
        .into_iter()
        .map(|text| ParseRequest {
            touched: touched.get(&text.key).cloned(),
            key: text.key,
            content: text.content,
        })
        .collect();
    let syntax = timings.measure("parse", || cache.syntax_for(requests));

    let rules_start = std::time::Instant::now();
    let removed = std::sync::OnceLock::new();
    let mut prompts = Vec::new();
    for rule in rules {
        let definition = rule.definition();
        let Some(settings) = config.rules.get(&definition.id) else {
            continue;
        };
        if !settings.enabled {
            continue;
        }
        let context = Context {
            change: &change,
            syntax: &syntax,
            settings,
            removed: &removed,
        };
        for finding in rule.check(&context) {
            prompts.push(to_prompt(&definition.id, finding, settings));
        }
    }
    prompts.extend(rules::custom::check(&config.custom, &change));
    timings.add("rules", rules_start.elapsed());
    timings.measure("answers", || answers::apply(&mut prompts, &change));
    let commits: Vec<CommitSummary> = change
        .commits
        .iter()
        .map(|c| CommitSummary {
            sha: c.sha.clone(),
            subject: c.subject.clone(),
        })
        .collect();

    let mut sources: BTreeMap<String, Arc<str>> = prompts
        .iter()
        .filter_map(|prompt| {
            let path = prompt.file.as_ref()?;
            // A prompt about one commit points into that commit's version of the file.
            let files = match &prompt.commit {
                Some(sha) => change
                    .commits
                    .iter()
                    .find(|c| &c.sha == sha)
                    .map(|c| c.files.as_slice())?,
                None => change.files.as_slice(),
            };
            let file = files.iter().find(|f| &f.path == path)?;
            Some((source_key(prompt), file.new.as_ref()?.content.clone()))
        })
        .collect();
    sources.extend(earlier.sources);
    prompts.extend(earlier.prompts);
    sort_prompts(&mut prompts, &commits);
    let rule_ids: BTreeSet<String> = rules
        .iter()
        .map(|rule| rule.definition().id.clone())
        .chain(config.custom.iter().map(|rule| rule.id.clone()))
        .collect();
    let stale_answers = timings.measure("answers", || answers::stale(&prompts, &change, &rule_ids));
    let mut notes = file_limit_notes(&change);
    notes.extend(earlier.notes);
    cap_prompts(&mut prompts, &mut notes);
    fingerprint::assign(&mut prompts, &sources, &commits);
    let mut commit_anchors: BTreeMap<String, String> = change
        .commits
        .iter()
        .filter_map(|commit| {
            let file = commit
                .files
                .iter()
                .find(|f| f.status != change::FileStatus::Deleted)?;
            Some((commit.sha.clone(), file.path.clone()))
        })
        .collect();
    commit_anchors.extend(earlier.anchors);

    Report {
        base: change.base.clone(),
        head: change.head.clone(),
        includes_work_tree: change.work_tree.is_some(),
        commits,
        files: file_summaries(&change, &syntax),
        unread: unread::unread_files(&change),
        prompts,
        stale_answers,
        sources,
        commit_anchors,
        timings: Timings::default(),
        notes,
    }
}

/// `--config PATH`, else `.ponder.toml` from the work tree (no-argument form) or from the
/// head of the range, so that a range is judged by the configuration it carries.
fn load_config(
    repo: &Repo,
    request: &Request,
    head: Option<&str>,
    rules: &[Box<dyn rules::Rule>],
) -> Result<Config, Error> {
    if let Some(path) = &request.config {
        return Config::read(path, rules);
    }
    const NAME: &str = ".ponder.toml";
    if request.range == RangeSpec::Default {
        if let Some(root) = repo.work_dir() {
            let path = root.join(NAME);
            // A symlink could point anywhere on the machine; only a regular file counts.
            let regular = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_file());
            if regular {
                return Config::read(&path, rules);
            }
            return Ok(Config::defaults(rules));
        }
    }
    match head.and_then(|head| repo.file_at(head, NAME)) {
        Some(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Config::parse(NAME, &text, rules),
            Err(error) => Err(Error::ConfigUnreadable {
                path: PathBuf::from(NAME),
                source: std::io::Error::new(std::io::ErrorKind::InvalidData, error),
            }),
        },
        None => Ok(Config::defaults(rules)),
    }
}

fn drop_skipped_paths(change: &mut Change, config: &Config) {
    let keep = |file: &FileChange| !config.is_skipped(&file.path);
    change.files.retain(keep);
    for commit in &mut change.commits {
        commit.files.retain(keep);
    }
    if let Some(files) = &mut change.work_tree {
        files.retain(keep);
    }
}

fn to_prompt(rule: &str, finding: Finding, settings: &config::RuleSettings) -> Prompt {
    let template = |table: &BTreeMap<String, String>, key: &str| {
        table
            .get(key)
            .cloned()
            .unwrap_or_else(|| format!("{{{key}}}"))
    };
    let question = render(
        &template(&settings.questions, finding.question.key),
        &finding.question.variables,
    );
    let evidence = finding
        .evidence
        .iter()
        .map(|message| {
            render(
                &template(&settings.evidence, message.key),
                &message.variables,
            )
        })
        .collect();
    Prompt {
        rule: rule.to_string(),
        file: finding.file,
        line: finding.line,
        end_line: finding.end_line,
        commit: finding.commit,
        function: finding.function,
        question,
        evidence,
        answer: None,
        answered_by: None,
        fingerprint: String::new(),
    }
}

/// File prompts by path and line, then commit prompts in commit order.
fn sort_prompts(prompts: &mut [Prompt], commits: &[CommitSummary]) {
    let commit_index = |sha: &Option<String>| {
        sha.as_ref()
            .and_then(|sha| commits.iter().position(|c| &c.sha == sha))
            .unwrap_or(usize::MAX)
    };
    prompts.sort_by_cached_key(|prompt| {
        (
            prompt.file.is_none(),
            prompt.file.clone(),
            prompt.line,
            commit_index(&prompt.commit),
            prompt.rule.clone(),
        )
    });
}

/// Keeps at most `MAX_PROMPTS_PER_FILE` prompts of each rule in each file, unanswered ones
/// first (those are the ones a reader still has to act on), each by line, and notes how
/// many more each had. Unanswered prompts are left out only once 20 of them are kept, so
/// `--require-answers` never needs to count the ones left out.
fn cap_prompts(prompts: &mut Vec<Prompt>, notes: &mut Vec<String>) {
    type Group = (String, String);
    let group =
        |prompt: &Prompt| -> Option<Group> { Some((prompt.file.clone()?, prompt.rule.clone())) };
    // Per group: (unanswered, total) before the cap, then (unanswered, answered) kept.
    let mut counts: BTreeMap<Group, (usize, usize)> = BTreeMap::new();
    for prompt in prompts.iter() {
        if let Some(key) = group(prompt) {
            let entry = counts.entry(key).or_default();
            entry.0 += usize::from(prompt.answer.is_none());
            entry.1 += 1;
        }
    }
    let mut kept: BTreeMap<Group, (usize, usize)> = BTreeMap::new();
    prompts.retain(|prompt| {
        let Some(key) = group(prompt) else {
            return true;
        };
        let unanswered_total = counts.get(&key).map_or(0, |c| c.0);
        let entry = kept.entry(key).or_default();
        let keep = if prompt.answer.is_none() {
            entry.0 < MAX_PROMPTS_PER_FILE
        } else {
            unanswered_total.min(MAX_PROMPTS_PER_FILE) + entry.1 < MAX_PROMPTS_PER_FILE
        };
        if keep && prompt.answer.is_none() {
            entry.0 += 1;
        } else if keep {
            entry.1 += 1;
        }
        keep
    });
    for ((file, rule), (_, total)) in counts {
        if total > MAX_PROMPTS_PER_FILE {
            notes.push(format!(
                "{file}: {} more `{rule}` questions not shown (ponder shows at most \
                 {MAX_PROMPTS_PER_FILE} per rule and file, unanswered ones first)",
                total - MAX_PROMPTS_PER_FILE
            ));
        }
    }
}

/// Notes for diffs with more changed files than ponder reads.
fn file_limit_notes(change: &Change) -> Vec<String> {
    let beyond = |files: &[FileChange]| -> Option<(usize, usize)> {
        let mut limit = 0;
        let count = files
            .iter()
            .filter_map(|file| match file.skipped {
                Some(change::SkipReason::BeyondFileLimit { limit: l }) => {
                    limit = l;
                    Some(())
                }
                _ => None,
            })
            .count();
        (count > 0).then_some((count, limit))
    };
    let mut notes = Vec::new();
    if let Some((count, limit)) = beyond(&change.files) {
        notes.push(format!(
            "{count} of {} changed files were not read: ponder reads at most {limit} per \
             change, Rust files first",
            change.files.len()
        ));
    }
    for commit in &change.commits {
        // A change that is this one commit's diff (history mode, `--commit`) has noted
        // the limit above already.
        let own_diff = change.head.as_deref() == Some(commit.sha.as_str())
            && change.base == commit.parent
            && !change.files.is_empty();
        if own_diff {
            continue;
        }
        if let Some((count, limit)) = beyond(&commit.files) {
            notes.push(format!(
                "commit {}: {count} of {} changed files were not read by the checks of \
                 single commits (at most {limit})",
                commit.short_sha(),
                commit.files.len()
            ));
        }
    }
    notes
}

fn file_summaries(change: &Change, syntax: &Syntax) -> Vec<FileSummary> {
    change
        .files
        .iter()
        .filter(|file| file.is_rust() || file.skipped.is_some())
        .filter(|file| file.status != change::FileStatus::Deleted)
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
