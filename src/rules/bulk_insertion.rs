//! bulk-insertion: one commit (or the uncommitted work) inserts a large block of new
//! production code with little change to existing code. Moved lines, renames, tests,
//! generated and vendored files are not counted. Signals of code accepted unread
//! (narrating comments, doc comments that restate the name, near-identical functions, no
//! tests) are added to the evidence.

mod counts;
mod tables;

use super::definition::definition;
use super::helpers::{is_production_rust, location};
use super::signals::signals;
use super::{Context, Finding, Message, Rule, Scope};
use crate::change::{Commit, FileChange, MovedCode, Text};
use crate::config::RuleSettings;
use crate::syntax::ParsedFile;
use counts::{
    count, counts_ratio, may_be_test_file, new_functions, possible_new_functions, Counts,
};

pub struct BulkInsertion;

const QUESTION_VARIABLES: &[&str] = &["added", "files", "removed", "largest", "hunk_location"];

impl Rule for BulkInsertion {
    definition!("bulk-insertion");

    fn variables(&self) -> &'static [(&'static str, &'static [&'static str])] {
        &[
            (
                "questions.commit",
                &[
                    "commit",
                    "subject",
                    "added",
                    "files",
                    "removed",
                    "largest",
                    "hunk_location",
                ],
            ),
            ("questions.work_tree", QUESTION_VARIABLES),
            ("evidence.new_functions", &["count"]),
            ("evidence.narrating", &["count", "example"]),
            ("evidence.restating_docs", &["count", "example", "function"]),
            ("evidence.near_identical", &["count", "names"]),
            ("evidence.no_tests", &[]),
            ("evidence.moved", &["count"]),
            ("evidence.tables", &["count"]),
        ]
    }

    fn thresholds_problem(&self, settings: &RuleSettings) -> Option<String> {
        settings.typed::<Thresholds>().err()
    }

    fn scope(&self) -> Scope {
        Scope::Commit
    }

    /// Asking takes at least the smallest hunk gate or half the smallest line gate in
    /// written added lines in production files, and every path to it counts lines a hunk added: with
    /// fewer added lines in Rust files outside test paths, the texts cannot change that.
    fn needs_texts(
        &self,
        _commit: Option<&Commit>,
        files: &[FileChange],
        settings: &RuleSettings,
    ) -> bool {
        // Thresholds are checked before any rule runs; reading texts is the safe answer.
        let Ok(limits) = settings.typed::<Thresholds>() else {
            return true;
        };
        let fewest = limits
            .min_hunk_lines
            .min(limits.signal_hunk_lines)
            .min(limits.min_added_lines / 2)
            .min(limits.signal_added_lines / 2);
        let added: usize = files
            .iter()
            .filter(|file| is_production_rust(file, None))
            .map(FileChange::added_count)
            .sum();
        added >= fewest
    }

    /// Only sets that could ask are parsed. A parse can take lines out of the count in
    /// two ways. Lines of test functions: that lowers the added lines and the largest hunk
    /// and raises the deletion ratio, so a set that cannot ask on its counts without a
    /// parse cannot ask with one either. A `#![cfg(test)]` file: that takes its removed
    /// lines out too, which can lower the ratio, so when some file could be one, the ratio
    /// is not used to rule a set out. The new-function threshold is bounded by the added
    /// lines that could start a function (a new function's every line is added, its `fn`
    /// line included). On a long range most commits parse nothing.
    fn texts_to_parse(
        &self,
        files: &[FileChange],
        moved: &MovedCode,
        settings: &RuleSettings,
    ) -> Vec<Text> {
        let rust_texts = || {
            files
                .iter()
                .filter(|f| f.is_rust())
                .filter_map(|f| f.new.clone())
        };
        // Thresholds are checked before any rule runs; parsing every text is the safe answer.
        let Ok(limits) = settings.typed::<Thresholds>() else {
            return rust_texts().collect();
        };
        let gates = Gates::of(&limits);
        let bound = count(files, moved, limits.min_table_rows, |_| None);
        let exact = !bound.production.iter().any(|file| may_be_test_file(file));
        let lines_ask = gates.iter().any(|gate| {
            (bound.added >= gate.added && (!exact || bound.ratio() <= gates.max_ratio))
                || bound.largest_hunk_in_set >= gate.hunk
        });
        let functions_may_ask = gates.iter().any(|gate| {
            bound.added >= gate.added / 2
                && possible_new_functions(&bound.production) >= gate.functions
        });
        if !(lines_ask || functions_may_ask) {
            return Vec::new();
        }
        rust_texts().collect()
    }

    fn check(&self, context: &Context<'_>) -> Vec<Finding> {
        check_set(context).into_iter().collect()
    }
}

fn check_set(context: &Context<'_>) -> Option<Finding> {
    // Checked against the TOML by a test and against the loaded configuration before any
    // rule runs (`Rule::thresholds_problem`), so this never returns here.
    let limits = context.settings.typed::<Thresholds>().ok()?;
    let commit = context.commit;
    let files = context.files;
    let parsed_of = |file: &FileChange| context.parsed_new(file);
    let Counts {
        production,
        added,
        removed,
        moved,
        tabled,
        added_by_file,
        written_by_hunk,
        largest_hunk_in_set,
    } = count(
        files,
        context.moved_code(),
        limits.min_table_rows,
        parsed_of,
    );

    let largest_file = production.iter().max_by_key(|file| {
        (
            added_by_file.get(file.path.as_str()).copied(),
            file.added_count(),
        )
    })?;
    let (largest_hunk, largest_written) = largest_file
        .hunks
        .iter()
        .zip(
            written_by_hunk
                .get(largest_file.path.as_str())
                .into_iter()
                .flatten()
                .copied(),
        )
        .max_by_key(|(_, written)| *written)?;

    let parsed: Vec<(&FileChange, &ParsedFile)> = production
        .iter()
        .filter_map(|file| parsed_of(file).map(|p| (*file, p)))
        .collect();
    let new_functions = new_functions(&parsed);

    let gates = Gates::of(&limits);
    let ratio = counts_ratio(added, removed);
    let passes = |gate: &Gate| {
        (added >= gate.added && ratio <= gates.max_ratio)
            || largest_hunk_in_set >= gate.hunk
            || (new_functions.len() >= gate.functions && added >= gate.added / 2)
    };
    if added == 0 || !gates.iter().any(passes) {
        return None;
    }
    let evidence = signals(files, &parsed, &new_functions, (moved, tabled), &parsed_of);
    if !passes(&gates.large) && signal_weight(&evidence, &limits) < gates.min_signal_weight {
        return None;
    }

    let hunk_location = location(&largest_file.path, largest_hunk.new_start);
    let question = match commit {
        Some(commit) => Message::new("commit")
            .with("commit", commit.short_sha().to_string())
            .with("subject", commit.subject.clone()),
        None => Message::new("work_tree"),
    }
    .with("added", added.to_string())
    .with("files", production.len().to_string())
    .with("removed", removed.to_string())
    .with("largest", largest_written.to_string())
    .with("hunk_location", hunk_location);

    let mut finding = Finding::at_line(question, &largest_file.path, largest_hunk.new_start);
    finding.end_line = Some(largest_hunk.new_start + largest_hunk.new_lines.saturating_sub(1));
    finding.commit = commit.map(|c| c.sha.clone());
    finding.evidence = evidence;
    Some(finding)
}

/// `[thresholds]` of rules/bulk-insertion.toml (what each means is said there).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Thresholds {
    min_added_lines: usize,
    max_deletion_ratio: f64,
    min_hunk_lines: usize,
    min_new_functions: usize,
    signal_added_lines: usize,
    signal_hunk_lines: usize,
    signal_new_functions: usize,
    min_signal_weight: usize,
    min_table_rows: usize,
    min_repeated_signal: usize,
    weight_narrating: usize,
    weight_restating_docs: usize,
    weight_near_identical: usize,
    weight_no_tests: usize,
}

/// A size at which a set asks: added lines (with few deletions), one hunk's lines, or new
/// functions (with half the added lines).
struct Gate {
    added: usize,
    hunk: usize,
    functions: usize,
}

/// The two gates: `large` asks on size alone, `with_signals` only with signals of code
/// accepted unread that weigh at least `min_signal_weight`.
struct Gates {
    large: Gate,
    with_signals: Gate,
    max_ratio: f64,
    min_signal_weight: usize,
}

impl Gates {
    fn of(limits: &Thresholds) -> Gates {
        Gates {
            large: Gate {
                added: limits.min_added_lines,
                hunk: limits.min_hunk_lines,
                functions: limits.min_new_functions,
            },
            with_signals: Gate {
                added: limits.signal_added_lines,
                hunk: limits.signal_hunk_lines,
                functions: limits.signal_new_functions,
            },
            max_ratio: limits.max_deletion_ratio,
            min_signal_weight: limits.min_signal_weight,
        }
    }

    fn iter(&self) -> impl Iterator<Item = &Gate> {
        [&self.large, &self.with_signals].into_iter()
    }
}

/// What the signals in `evidence` weigh together: a narrating comment or a restating doc
/// counts from `min_repeated_signal` of them, near-identical functions and no tests once.
fn signal_weight(evidence: &[Message], limits: &Thresholds) -> usize {
    let repeated = limits.min_repeated_signal;
    let count = |message: &Message| {
        message
            .variables
            .iter()
            .find(|(name, _)| *name == "count")
            .and_then(|(_, value)| value.parse::<usize>().ok())
            .unwrap_or(0)
    };
    evidence
        .iter()
        .map(|message| match message.key {
            "narrating" if count(message) >= repeated => limits.weight_narrating,
            "restating_docs" if count(message) >= repeated => limits.weight_restating_docs,
            "near_identical" => limits.weight_near_identical,
            "no_tests" => limits.weight_no_tests,
            _ => 0,
        })
        .sum()
}
