//! bulk-insertion: one commit (or the uncommitted work) inserts a large block of new
//! production code with little change to existing code. Moved lines, renames, tests,
//! generated and vendored files are not counted. Signals of code accepted unread
//! (narrating comments, doc comments that restate the name, near-identical functions, no
//! tests) are added to the evidence.

mod tables;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::definition::definition;
use super::helpers::{is_production_rust, location};
use super::signals::signals;
use super::{Context, Finding, Message, Rule, Scope};
use crate::change::{Commit, FileChange, MovedCode, Text};
use crate::config::RuleSettings;
use crate::syntax::ParsedFile;

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

    let file_count = production.len();
    let files_text = if file_count == 1 {
        "1 file".to_string()
    } else {
        format!("{file_count} files")
    };
    let hunk_location = location(&largest_file.path, largest_hunk.new_start);
    let question = match commit {
        Some(commit) => Message::new("commit")
            .with("commit", commit.short_sha().to_string())
            .with("subject", commit.subject.clone()),
        None => Message::new("work_tree"),
    }
    .with("added", added.to_string())
    .with("files", files_text)
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

/// What a set of files adds, as the rule counts it: written (non-blank) lines of the
/// production files, moved lines aside.
struct Counts<'a> {
    production: Vec<&'a FileChange>,
    added: usize,
    removed: usize,
    moved: usize,
    /// Added lines of data tables (rows of literals), not counted as added.
    tabled: usize,
    added_by_file: BTreeMap<&'a str, usize>,
    /// Written lines of each hunk of each production file, by path.
    written_by_hunk: HashMap<&'a str, Vec<usize>>,
    /// The largest hunk's written lines, at most `added`.
    largest_hunk_in_set: usize,
}

impl Counts<'_> {
    fn ratio(&self) -> f64 {
        counts_ratio(self.added, self.removed)
    }
}

/// Removed lines per added line; infinite when nothing was added.
fn counts_ratio(added: usize, removed: usize) -> f64 {
    if added == 0 {
        f64::INFINITY
    } else {
        removed as f64 / added as f64
    }
}

/// Whether a file's new text could carry `#![cfg(test)]`, which only a parse tells for
/// sure: some inner attribute (`#!` then `[`, whitespace allowed between) whose brackets
/// hold the word `test`. `#![cfg(feature = "full")]` and the like do not count.
fn may_be_test_file(file: &FileChange) -> bool {
    let Some(text) = &file.new else {
        return false;
    };
    let content: &str = &text.content;
    content.match_indices("#!").any(|(at, _)| {
        let rest = content.get(at + 2..).unwrap_or("").trim_start();
        let Some(inside) = rest.strip_prefix('[') else {
            return false;
        };
        let mut depth = 1usize;
        let end = inside
            .char_indices()
            .find(|(_, c)| {
                match c {
                    '[' => depth += 1,
                    ']' => depth -= 1,
                    _ => {}
                }
                depth == 0
            })
            .map_or(inside.len(), |(index, _)| index);
        inside
            .get(..end)
            .unwrap_or("")
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|word| word == "test")
    })
}

/// Added lines with `fn` as a word: an upper bound on the functions a parse would find
/// whose every line is added, since each has its `fn` keyword on an added line of its
/// own (two functions on one line would make it less than that; rustfmt never writes
/// them, and the bound only decides whether to parse).
fn possible_new_functions(files: &[&FileChange]) -> usize {
    files
        .iter()
        .flat_map(|file| file.added_texts())
        .map(|line| {
            line.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .filter(|word| *word == "fn")
                .count()
        })
        .sum()
}

/// Counts a set's production lines. With a file's parse (`parsed_of`), a `#![cfg(test)]`
/// file is not production, and lines inside test functions (`#[test]`, or in a
/// `#[cfg(test)]` module) are not counted either; without one, the counts are an upper
/// bound of those. Added lines the change index calls old code (moved, re-wrapped) are
/// counted as moved, not added, and runs of at least `min_table_rows` rows of literals as
/// data tables (see `tables`).
fn count<'a, 'p>(
    files: &'a [FileChange],
    index: &MovedCode,
    min_table_rows: usize,
    parsed_of: impl Fn(&'a FileChange) -> Option<&'p ParsedFile>,
) -> Counts<'a> {
    let production: Vec<&FileChange> = files
        .iter()
        .filter(|file| is_production_rust(file, parsed_of(file)))
        .collect();

    let mut added = 0usize;
    let mut removed = 0usize;
    let mut moved = 0usize;
    let mut tabled = 0usize;
    let mut added_by_file: BTreeMap<&str, usize> = BTreeMap::new();
    let mut written_by_hunk: HashMap<&str, Vec<usize>> = HashMap::new();
    for file in &production {
        let tests: Vec<(u32, u32)> = parsed_of(file)
            .map(|parsed| {
                parsed
                    .functions
                    .iter()
                    .filter(|function| function.is_test)
                    .map(|function| (function.start_line, function.end_line))
                    .collect()
            })
            .unwrap_or_default();
        let in_test = |number: u32| {
            tests
                .iter()
                .any(|(start, end)| (*start..=*end).contains(&number))
        };
        let mut file_added = 0;
        let code: Vec<(u32, &str)> = file
            .added_lines
            .iter()
            .copied()
            .zip(file.added_texts())
            .filter(|(number, line)| is_code(line) && !in_test(*number))
            .collect();
        let new_code: Vec<(u32, &str)> = code
            .iter()
            .copied()
            .filter(|(number, _)| !index.is_old(&file.path, *number))
            .collect();
        let table: BTreeSet<u32> = tables::table_lines(&new_code, min_table_rows)
            .into_iter()
            .collect();
        // Line numbers of the written added lines, in order.
        let mut written_lines = Vec::new();
        for (number, _) in code {
            if table.contains(&number) {
                tabled += 1;
                continue;
            }
            written_lines.push(number);
            if index.is_old(&file.path, number) {
                moved += 1;
            } else {
                file_added += 1;
            }
        }
        added += file_added;
        removed += file
            .removed_texts()
            .iter()
            .filter(|line| !line.trim().is_empty())
            .count();
        added_by_file.insert(file.path.as_str(), file_added);
        written_by_hunk.insert(file.path.as_str(), per_hunk(file, &written_lines));
    }
    // Moved lines were counted as removed too (where they came from a production file);
    // a move is neither.
    removed = removed.saturating_sub(moved);
    let largest_hunk_in_set = written_by_hunk
        .values()
        .flatten()
        .copied()
        .max()
        .unwrap_or(0)
        .min(added);
    Counts {
        production,
        added,
        removed,
        moved,
        tabled,
        added_by_file,
        written_by_hunk,
        largest_hunk_in_set,
    }
}

/// Whether a line is code: not blank, not only a comment. Comments and docs are read as
/// prose; the ones that narrate the code or restate a name are signals of their own.
fn is_code(line: &str) -> bool {
    let line = line.trim();
    !line.is_empty() && !line.starts_with("//")
}

/// Written (non-blank) added lines of each of a file's hunks, from the sorted line
/// numbers of its written lines: blank lines are not code anyone reasoned about.
fn per_hunk(file: &FileChange, written_lines: &[u32]) -> Vec<usize> {
    if file.new.is_none() {
        return file.hunks.iter().map(|hunk| hunk.added as usize).collect();
    }
    file.hunks
        .iter()
        .map(|hunk| {
            let end = hunk.new_start.saturating_add(hunk.new_lines);
            let before_end = written_lines.partition_point(|&line| line < end);
            let before_start = written_lines.partition_point(|&line| line < hunk.new_start);
            before_end.saturating_sub(before_start)
        })
        .collect()
}

/// Functions of the new versions whose every line is an added line. Accessors and other
/// one-liners (under 20 tokens) are not counted: many of them are routine, not bulk.
fn new_functions<'a>(
    parsed: &[(&'a FileChange, &'a ParsedFile)],
) -> Vec<(&'a FileChange, &'a crate::syntax::Function)> {
    parsed
        .iter()
        .flat_map(|(file, parsed)| {
            parsed
                .functions
                .iter()
                .filter(|f| !f.is_test && f.shape.1 >= 20)
                .filter(|f| {
                    (f.start_line..=f.end_line).all(|line| file.added_lines.contains(&line))
                })
                .map(move |f| (*file, f))
        })
        .collect()
}
