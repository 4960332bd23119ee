//! What a set of files adds, as bulk-insertion counts it: written lines of production
//! files with moved code and data tables aside, per file and per hunk, and the new
//! functions whose every line is added.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::tables;
use crate::change::{FileChange, MovedCode};
use crate::rules::helpers::is_production_rust;
use crate::syntax::ParsedFile;

/// What a set of files adds, as the rule counts it: written (non-blank) lines of the
/// production files, moved lines aside.
pub(super) struct Counts<'a> {
    pub(super) production: Vec<&'a FileChange>,
    pub(super) added: usize,
    pub(super) removed: usize,
    pub(super) moved: usize,
    /// Added lines of data tables (rows of literals), not counted as added.
    pub(super) tabled: usize,
    pub(super) added_by_file: BTreeMap<&'a str, usize>,
    /// Written lines of each hunk of each production file, by path.
    pub(super) written_by_hunk: HashMap<&'a str, Vec<usize>>,
    /// The largest hunk's written lines, at most `added`.
    pub(super) largest_hunk_in_set: usize,
}

impl Counts<'_> {
    pub(super) fn ratio(&self) -> f64 {
        counts_ratio(self.added, self.removed)
    }
}

/// Removed lines per added line; infinite when nothing was added.
pub(super) fn counts_ratio(added: usize, removed: usize) -> f64 {
    if added == 0 {
        f64::INFINITY
    } else {
        removed as f64 / added as f64
    }
}

/// Whether a file's new text could carry `#![cfg(test)]`, which only a parse tells for
/// sure: some inner attribute (`#!` then `[`, whitespace allowed between) whose brackets
/// hold the word `test`. `#![cfg(feature = "full")]` and the like do not count.
pub(super) fn may_be_test_file(file: &FileChange) -> bool {
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
pub(super) fn possible_new_functions(files: &[&FileChange]) -> usize {
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
pub(super) fn count<'a, 'p>(
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
pub(super) fn new_functions<'a>(
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
