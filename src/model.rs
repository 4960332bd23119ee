//! What an analysis produces, as every layer sees it: prompts, the report that holds them,
//! and the data that describes a rule. This module is the bottom of the import graph: it
//! imports nothing of ponder's but `timings` and `change`'s `SkipReason`, and the renderers
//! read only what is here.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::change::SkipReason;
use crate::timings::Timings;

/// How a comment starts in the file at `path`, for the answer comment ponder advises:
/// `#` in TOML and YAML (a prompt about Cargo.toml), `//` in Rust and everything else.
/// `answers` reads both.
pub fn comment_marker(path: Option<&str>) -> &'static str {
    let extension = path
        .and_then(|path| path.rsplit_once('.'))
        .map(|(_, ext)| ext);
    match extension {
        Some("toml" | "yaml" | "yml") => "#",
        _ => "//",
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
    /// What answers this prompt: a comment for a question about code, a trailer for one
    /// about a commit, or either (see `Rule::answered_by`).
    pub answer_with: Vec<AnswerSource>,
    /// Stays the same when the prompt's lines move (see `fingerprint`): 16 hex digits.
    pub fingerprint: String,
}

/// Where a prompt's answer was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AnswerSource {
    /// A `// ponder: RULE-ID: reason` comment in the code.
    Comment,
    /// A `Ponder-Answer: RULE-ID: reason` trailer in a commit message.
    Trailer,
    /// The pull request description (`--description-file`, or the pull request's body in
    /// GitHub Actions), which gives the reason for every commit of the branch.
    Description,
}

/// An answer comment, written on an added line, that answers no prompt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaleAnswer {
    pub file: String,
    /// 1-based, in the new version of `file`.
    pub line: u32,
    pub rule: String,
    pub reason: String,
    /// False when no rule (built-in or `[[custom]]`) has this id.
    pub known_rule: bool,
    /// For an id no rule has, the rule id nearest to it: what was probably meant.
    pub did_you_mean: Option<String>,
    /// The comment names a rule whose questions are about commits, which only a
    /// `Ponder-Answer:` trailer in the commit message answers.
    pub needs_trailer: bool,
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
    /// The branch or revision `base` is the merge base with, in the forms that take one
    /// (`ponder`, `ponder main`, `A...B`): `origin/main` when no range was named.
    pub base_ref: Option<String>,
    pub head: Option<String>,
    pub includes_work_tree: bool,
    pub commits: Vec<CommitSummary>,
    pub prompts: Vec<Prompt>,
    pub files: Vec<FileSummary>,
    /// Changed Rust files a rule would have judged but ponder could not read: under
    /// `--require-answers` they fail the gate.
    pub unread: Vec<Unread>,
    /// Answer comments on added lines that answer no prompt.
    pub stale_answers: Vec<StaleAnswer>,
    /// New versions of the files prompts point at, for snippets, by `source_key`.
    pub sources: BTreeMap<String, Arc<str>>,
    /// A line each commit adds (see `anchor`), by SHA: where a format that needs a file
    /// and a line for every finding (SARIF for code scanning) puts a question about the
    /// commit itself.
    pub commit_anchors: BTreeMap<String, CommitAnchor>,
    /// The rules that ran, built-in ones in registry order, then the `[[custom]]` ones:
    /// what a format that describes rules (SARIF) describes.
    pub rules: Vec<RuleDefinition>,
    /// Time per stage, for `--timings`.
    pub timings: Timings,
    /// What a limit left out of this report (files not read, prompts not shown), one
    /// sentence each; empty when nothing was capped.
    pub notes: Vec<Note>,
}

/// A line of a commit's diff that stands for the commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitAnchor {
    pub path: String,
    /// 1-based.
    pub line: u32,
    /// The anchored line's text, when the commit's text was read: what `relocate` looks
    /// for in the range diff.
    pub code: Option<String>,
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

/// What `analyze_each_commit` went through.
#[derive(Debug, Clone, Default)]
pub struct HistorySummary {
    /// Commits analysed (merges are not).
    pub commits: usize,
    pub merges_skipped: usize,
    pub timings: Timings,
    /// What the run as a whole needs to say (a range typed the wrong way round).
    pub notes: Vec<Note>,
}

/// A rule's data, read from `rules/<id>.toml` (embedded in the binary at build time) for
/// the built-in rules: its id, title, question and evidence templates, default
/// thresholds, and the text `ponder explain` prints. A `[[custom]]` rule has one too,
/// made from its configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDefinition {
    pub id: String,
    pub title: String,
    pub summary: String,
    /// Whether the rule runs unless `.ponder.toml` says otherwise. A new rule ships off
    /// until the judgment corpus shows it asks the right things (its TOML says how far).
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
    #[serde(default)]
    pub thresholds: BTreeMap<String, toml::Value>,
    pub questions: BTreeMap<String, String>,
    #[serde(default)]
    pub evidence: BTreeMap<String, String>,
    /// What the rule's detection reads as data (lists of idioms, not prose); each rule
    /// checks its shape in `Rule::data_problem`.
    #[serde(default)]
    pub data: BTreeMap<String, toml::Value>,
    /// What answers the rule's questions, when its scope's default does not say it
    /// (`Rule::answered_by`): `["comment", "trailer"]`.
    #[serde(default)]
    pub answered_by: Vec<AnswerSource>,
    /// Rules whose question about a line replaces this rule's question about the same line:
    /// one line, one question, and the more specific rule asks it (`unhandled-failure`
    /// yields `let _ = fs::write(..)` to `swallowed-error` and `todo!()` to
    /// `silenced-check`, when those run).
    #[serde(default)]
    pub yields_to: Vec<String>,
    /// What code scanning shows next to the rule: tags to filter by, and how often its
    /// question is worth asking (SARIF's `precision`: very-high, high, medium, low).
    pub tags: Vec<String>,
    pub precision: Precision,
    pub docs: Docs,
}

/// SARIF's `precision` of a rule: how often its results are worth a reader's time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Precision {
    VeryHigh,
    High,
    Medium,
    Low,
}

fn enabled_by_default() -> bool {
    true
}

/// The fixed headings of `ponder explain`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Docs {
    pub asks_about: String,
    pub why: String,
    pub example_asks: String,
    pub example_quiet: String,
    pub limits: String,
    pub answering: String,
}

/// Something a limit left out of a report, said in one sentence by the report layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// The change's own diff had more files than ponder reads.
    FilesNotRead {
        count: usize,
        total: usize,
        limit: usize,
    },
    /// One commit's diff had more files than the checks of single commits read.
    CommitFilesNotRead {
        commit: String,
        count: usize,
        total: usize,
        limit: usize,
    },
    /// The `--coverage` file covers none of the change's Rust files.
    CoverageCoversNothing { source: String },
    /// `A..B` whose right end is an ancestor of its left one: empty, and most likely
    /// typed the wrong way round.
    RangeReversed { typed: String, swapped: String },
    /// A `Ponder-Answer:` trailer that can answer nothing: it names a rule whose questions
    /// are about code (answered by comments), or no rule at all.
    TrailerAnswersNothing {
        /// The commit's short SHA.
        commit: String,
        rule: String,
        known_rule: bool,
        did_you_mean: Option<String>,
    },
    /// More prompts of one rule in one file than a report shows.
    PromptsNotShown {
        file: String,
        rule: String,
        count: usize,
        limit: usize,
    },
}

/// The settings one rule runs with: its defaults, overridden by the config file.
#[derive(Debug, Clone)]
pub struct RuleSettings {
    pub enabled: bool,
    pub thresholds: BTreeMap<String, toml::Value>,
    pub questions: BTreeMap<String, String>,
    pub evidence: BTreeMap<String, String>,
}

impl RuleSettings {
    /// The thresholds as the rule's own typed struct (`#[serde(deny_unknown_fields)]`):
    /// a key the rule reads and its TOML lacks, or the other way round, is an error here,
    /// never a 0. `Rule::thresholds_problem` runs this on every rule's defaults in a test
    /// and on the loaded configuration before any rule runs.
    pub fn typed<T: serde::de::DeserializeOwned>(&self) -> Result<T, String> {
        let table: toml::Table = self
            .thresholds
            .iter()
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        toml::Value::Table(table)
            .try_into()
            .map_err(|error: toml::de::Error| error.message().trim().to_string())
    }
}

/// A changed Rust file ponder did not read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unread {
    pub path: String,
    pub reason: SkipReason,
}
