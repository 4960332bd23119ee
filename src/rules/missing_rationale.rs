//! missing-rationale: a non-trivial commit whose message says at most *what*: a generic
//! subject, no body, or a body that only lists changes. Whether a message gives a reason is
//! judged by words of cause, purpose, constraint or consequence. Merges, trivial commits,
//! version bumps, typo fixes and formatting-only commits are skipped.

use regex::Regex;

use super::definition::definition;
use super::{Context, Finding, Message, Rule, Scope};
use crate::change::{Commit, FileChange, MovedCode};
use crate::config::RuleSettings;

pub struct MissingRationale;

/// The rule's id, for the pull request description (`crate::description`).
pub(crate) const ID: &str = "missing-rationale";

const QUESTION_VARIABLES: &[&str] = &["commit", "subject", "lines", "files"];
const DESCRIPTION_VARIABLES: &[&str] = &["commits", "lines", "files"];

impl Rule for MissingRationale {
    definition!("missing-rationale");

    fn variables(&self) -> &'static [(&'static str, &'static [&'static str])] {
        &[
            ("questions.generic_subject", QUESTION_VARIABLES),
            ("questions.no_body", QUESTION_VARIABLES),
            ("questions.no_reason", QUESTION_VARIABLES),
            ("questions.no_description", DESCRIPTION_VARIABLES),
            ("questions.description_no_reason", DESCRIPTION_VARIABLES),
            ("evidence.files", &["files"]),
            ("evidence.more_files", &["count"]),
            ("evidence.no_description", &[]),
        ]
    }

    fn thresholds_problem(&self, settings: &RuleSettings) -> Option<String> {
        settings.typed::<Thresholds>().err()
    }

    fn scope(&self) -> Scope {
        Scope::Commit
    }

    /// Texts are read only to tell a trivial commit (a release, a move, formatting) from
    /// one that needs a reason; a commit whose message and size already settle it needs
    /// none.
    fn needs_texts(
        &self,
        commit: Option<&Commit>,
        files: &[FileChange],
        settings: &RuleSettings,
    ) -> bool {
        let (Some(commit), Some(patterns)) = (commit, patterns()) else {
            return false;
        };
        let counted: Vec<&FileChange> = files.iter().filter(|f| !is_lockfile(&f.path)).collect();
        question_key(commit, &counted, settings, patterns).is_some()
    }

    fn check(&self, context: &Context<'_>) -> Vec<Finding> {
        let Some(patterns) = patterns() else {
            return Vec::new();
        };
        // The work in progress has no message to judge, and a merge's reason is its
        // branch's.
        let Some(commit) = context.commit.filter(|c| !c.is_merge) else {
            return Vec::new();
        };
        let mut findings = Vec::new();
        {
            let counted: Vec<&FileChange> = context
                .files
                .iter()
                .filter(|f| !is_lockfile(&f.path))
                .collect();
            let Some(key) = question_key(commit, &counted, context.settings, patterns) else {
                return findings;
            };
            let size = changed_lines(&counted);
            if is_trivial(commit, &counted, size, patterns, context.moved_code()) {
                return findings;
            }
            let question = Message::new(key)
                .with("commit", commit.short_sha().to_string())
                .with("subject", commit.subject.clone())
                .with("lines", size.to_string())
                .with("files", counted.len().to_string());
            let mut finding = Finding::at_commit(question, &commit.sha);
            finding.evidence.extend(files_evidence(&counted));
            findings.push(finding);
        }
        findings
    }
}

/// Changed files the evidence names; the rest are counted.
const MAX_LISTED_FILES: usize = 6;

/// The changed files as evidence: the first `MAX_LISTED_FILES` named with their counts,
/// the rest counted in a line of their own.
fn files_evidence(counted: &[&FileChange]) -> Vec<Message> {
    let names: Vec<String> = counted
        .iter()
        .take(MAX_LISTED_FILES)
        .map(|f| format!("{} (+{} −{})", f.path, f.added_count(), f.removed_count()))
        .collect();
    let mut evidence = vec![Message::new("files").with("files", names.join(", "))];
    if let Some(more) = counted
        .len()
        .checked_sub(MAX_LISTED_FILES)
        .filter(|n| *n > 0)
    {
        evidence.push(Message::new("more_files").with("count", more.to_string()));
    }
    evidence
}

/// `[thresholds]` of rules/missing-rationale.toml.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Thresholds {
    trivial_max_lines: usize,
    min_lines_for_reason: usize,
    references_count_as_reason: bool,
}

/// Compiled once per process: history mode checks one commit at a time.
fn patterns() -> Option<&'static Patterns> {
    static PATTERNS: std::sync::OnceLock<Option<Patterns>> = std::sync::OnceLock::new();
    PATTERNS.get_or_init(|| Patterns::new().ok()).as_ref()
}

fn changed_lines(counted: &[&FileChange]) -> usize {
    counted
        .iter()
        .map(|f| f.added_count() + f.removed_count())
        .sum()
}

/// Which question the commit's message and size call for, if any, before triviality
/// (which needs the files' texts) is considered.
fn question_key(
    commit: &Commit,
    counted: &[&FileChange],
    settings: &RuleSettings,
    patterns: &Patterns,
) -> Option<&'static str> {
    // Checked against the TOML by a test and against the loaded configuration before any
    // rule runs (`Rule::thresholds_problem`), so this never returns here.
    let limits = settings.typed::<Thresholds>().ok()?;
    let size = changed_lines(counted);
    if size <= limits.trivial_max_lines {
        return None;
    }
    let body = without_trailers(&commit.body);
    let message = format!("{}\n{}", commit.subject, body);
    let referenced = limits.references_count_as_reason && patterns.references(&message);
    if patterns.is_generic(&commit.subject) {
        Some("generic_subject")
    } else if size < limits.min_lines_for_reason
        || patterns.gives_reason(&commit.subject)
        || referenced
    {
        None
    } else if body.is_empty() {
        Some("no_body")
    } else if patterns.gives_reason(&body) {
        None
    } else {
        Some("no_reason")
    }
}

struct Patterns {
    reason: Regex,
    /// An issue or pull request reference (`#12`, a link): where the discussion of why
    /// lives.
    reference: Regex,
    /// A tracker key such as `PROJ-123`; see `references`.
    issue_key: Regex,
    typo: Regex,
    changelog: Regex,
    version_line: Regex,
}

/// Words that, alone or together, say nothing about a change.
const VAGUE_WORDS: &[&str] = &[
    "update",
    "updates",
    "updated",
    "fix",
    "fixes",
    "fixed",
    "wip",
    "refactor",
    "refactored",
    "refactoring",
    "change",
    "changes",
    "changed",
    "cleanup",
    "clean",
    "up",
    "misc",
    "tweak",
    "tweaks",
    "stuff",
    "more",
    "minor",
    "small",
    "some",
    "various",
    "bug",
    "bugs",
    "code",
    "improvements",
    "improve",
    "improved",
    "work",
    "temp",
    "tmp",
    "things",
    "it",
    "this",
    "the",
    "a",
    "files",
    "file",
    "commit",
    "save",
    "progress",
    "edit",
    "edits",
    "modify",
    "modified",
    "again",
    "final",
    "review",
    "feedback",
    "address",
    "comments",
    "pr",
    "other",
    "few",
    "quick",
    "and",
    "stuff",
    "done",
    "test",
    "tests",
    "asdf",
    "x",
    "cont",
    "continued",
];

impl Patterns {
    fn new() -> Result<Patterns, regex::Error> {
        Ok(Patterns {
            reason: Regex::new(
                r"(?ix)\b(
                    because | since | so\s+that | so\s+as | so | in\s+order\s+to | otherwise
                  | to\s+(avoid|allow|prevent|ensure|support|keep|let|stop|make\s+sure|match|handle|fix|reduce)
                  | instead | rather\s+than | previously | was | were | wasn't | weren't
                  | caused | causes | cause | fails | failed | failing | failure | broke | broken | breaks
                  | bug | crash(es|ed)? | panic(s|ked)? | regression | issue | needed | needs | required
                  | requires | without | reason | why | which\s+means | this\s+means | now\s+that
                  | prevents | allows | avoids | ensures | can't | cannot | couldn't | didn't
                  | doesn't | unable | slow | faster | leak(s|ed)? | race | deadlock | hang(s)?
                  | due\s+to | revert\w* | re-?lands? | follow-?up | workaround | in\s+preparation
                  | so\s+we | motivation | context | background | incorrect | wrong | outdated
                  | obsolete | stale | unused | redundant | misleading | confusing | flaky | unnecessary
                )\b|(fixes|closes|resolves|refs?)\s+\S*\#\d+",
            )?,
            reference: Regex::new(r"\#\d+\b|https?://\S+/(issues|pull|merge_requests)/\d+")?,
            issue_key: Regex::new(r"\b([A-Z][A-Z0-9]+)-\d+\b")?,
            typo: Regex::new(r"(?i)\b(typos?|spelling|misspell\w*)\b")?,
            changelog: Regex::new(
                r"(?i)(^|/)(changelog|changes|history|news|releases?)[^/]*$|\.cff$",
            )?,
            version_line: Regex::new(r"(?i)version|\d+\.\d+\.\d+|\d{4}-\d{2}-\d{2}")?,
        })
    }

    /// Whether `text` points to where the reason is discussed: `#12`, an issue or pull
    /// request link, or a tracker key (`PROJ-123`) that is not a standard's or an
    /// encoding's name (`UTF-8`, `SHA-256`, `ISO-8601` name no ticket).
    fn references(&self, text: &str) -> bool {
        const NOT_TRACKERS: &[&str] = &[
            "UTF", "UCS", "SHA", "MD", "ISO", "AES", "RSA", "HMAC", "CRC", "EUC", "RFC", "ECMA",
            "IEEE", "X", "ARM", "BASE",
        ];
        self.reference.is_match(text)
            || self.issue_key.captures_iter(text).any(|key| {
                key.get(1)
                    .is_some_and(|prefix| !NOT_TRACKERS.contains(&prefix.as_str()))
            })
    }

    fn gives_reason(&self, text: &str) -> bool {
        self.reason.is_match(text)
    }

    /// "update", "fix bug", "WIP", "refactor: misc changes" ...
    fn is_generic(&self, subject: &str) -> bool {
        // Conventional-commit prefixes (`fix(parser):`) carry no reason either.
        let text = match subject.split_once(':') {
            Some((prefix, rest)) if !prefix.contains(' ') && prefix.len() <= 20 => rest,
            _ => subject,
        };
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric() && c != '\'')
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        !words.is_empty()
            && words.len() <= 4
            && words.iter().all(|w| VAGUE_WORDS.contains(&w.as_str()))
    }
}

fn is_lockfile(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.ends_with(".lock") || name == "package-lock.json" || name == "pnpm-lock.yaml"
}

fn is_trivial(
    commit: &Commit,
    files: &[&FileChange],
    size: usize,
    patterns: &Patterns,
    moved: &MovedCode,
) -> bool {
    // A release: changelogs aside, every changed line names a version or a date.
    let version_bump = !files.is_empty()
        && files.iter().all(|f| {
            patterns.changelog.is_match(&f.path)
                || is_lockfile(&f.path)
                || (f.skipped.is_none()
                    && f.added_texts()
                        .into_iter()
                        .chain(f.removed_texts())
                        .all(|l| l.trim().is_empty() || patterns.version_line.is_match(l)))
        });
    let typo_fix = patterns.typo.is_match(&commit.subject) && size <= 10;
    version_bump || typo_fix || formatting_only(files) || moves_only(files, moved)
}

/// Every written added line is old code in the change index (moved from elsewhere in the
/// commit, re-indented or re-wrapped): functions reordered or moved between files, whose
/// reason is plain from the diff itself.
fn moves_only(files: &[&FileChange], moved: &MovedCode) -> bool {
    let mut added_any = false;
    for file in files {
        let numbers = file.added_lines.iter().copied();
        for (number, line) in numbers.zip(file.added_texts()) {
            if line.trim().is_empty() {
                continue;
            }
            added_any = true;
            if !moved.is_old(&file.path, number) {
                return false;
            }
        }
    }
    added_any
}

/// Every changed file has the same text once whitespace is removed.
fn formatting_only(files: &[&FileChange]) -> bool {
    // Compared lazily: most commits differ within the first changed line, and copying
    // every version of every file of a long range cost more than the rule itself.
    !files.is_empty()
        && files.iter().all(|file| match (&file.old, &file.new) {
            (Some(old), Some(new)) => {
                let old = old.content.chars().filter(|c| !c.is_whitespace());
                let new = new.content.chars().filter(|c| !c.is_whitespace());
                old.eq(new)
            }
            _ => false,
        })
}

/// The body without trailers (`Signed-off-by:`, `Ponder-Answer:`, ...), which say nothing
/// about why.
fn without_trailers(body: &str) -> String {
    body.lines()
        .filter(|line| {
            let Some((key, _)) = line.split_once(':') else {
                return true;
            };
            let key = key.trim();
            key.is_empty()
                || key.contains(' ')
                || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                || !key.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        })
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

mod description;
#[cfg(test)]
mod tests;

pub(crate) use description::{description_finding, description_reason};
