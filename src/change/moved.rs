//! The change index: which added lines are not new code. One index per set of files (a
//! commit's diff, the work in progress, or the whole range), shared by every rule, so that
//! a line is moved for all of them or for none.
//!
//! An added line is *old code* when every token on it (words and punctuation; whitespace
//! and line breaks never count) belongs to a run of at least `RUN` tokens that the same
//! set of files removes somewhere — moved from another file or another place, re-indented,
//! or re-wrapped by rustfmt, which keeps the tokens and changes only the line breaks. A
//! hunk that adds exactly the tokens it removes (a call joined onto one line) is old code
//! however short it is, and so is a line that names something (not only braces and
//! keywords) removed whole from the same file (reordered imports) or, if it has at least `MIN_MOVED_LINE` characters, from another one — each
//! removed line standing for one added line. Blank lines are neither old nor new.
//!
//! A comma right before a closing bracket is no token: rustfmt adds one when it splits a
//! list over lines and drops it when it joins one. Nor is a semicolon: it ends a statement
//! without doing anything, so a chain cut into `let x = …;` and a use of `x` keeps the
//! calls it had (the `let x`, and what comes after it, are new).
//!
//! A run must hold a few words other than keywords (`MIN_DISTINCT_WORDS`): a run of
//! braces, `else` and `return None` is in every file and moved from none.
//!
//! Tokens are found by a plain scan, not by a Rust lexer: the index also serves TOML,
//! Markdown and the rest, and a string literal split into words still has to match word
//! for word.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::FileChange;
use gaps::{drop_visibility, sandwiched, without_visibility};

/// Shortest run of tokens whose removal elsewhere makes an added run old code. Shorter
/// runs recur everywhere and would say nothing about where a line came from.
const RUN: usize = 8;

/// Words in a run, keywords aside, for it to say where code came from: `) } else {
/// return None; }` is eight tokens that half the functions of a crate end with.
const MIN_DISTINCT_WORDS: usize = 2;

/// Words that say nothing about which code a run is: keywords and the variants every
/// function returns.
const COMMON_WORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "false",
    "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe",
    "use", "where", "while", "Some", "None", "Ok", "Err", "String", "Vec", "Option", "Result",
    "str", "u8", "u32", "u64", "usize", "i32", "i64", "bool",
];

/// The length of the longest of `COMMON_WORDS`: a longer word is never common.
const LONGEST_COMMON_WORD: usize = {
    let mut longest = 0;
    let mut words = COMMON_WORDS;
    while let [word, rest @ ..] = words {
        if word.len() > longest {
            longest = word.len();
        }
        words = rest;
    }
    longest
};

/// A whole removed line this long (whitespace collapsed) that comes back elsewhere was
/// moved, even with fewer than `RUN` tokens (`return Ok(value);`).
const MIN_MOVED_LINE: usize = 16;

/// Above this many removed tokens in a set of files, runs are matched within each file
/// only (a rename's own rewrite), not across files: the index of every run would cost
/// more memory than the moves it finds are worth.
const MAX_INDEXED_TOKENS: usize = 1_500_000;

#[derive(Debug, Default)]
pub struct MovedCode {
    /// Per path, the added lines (1-based, new version) that are old code.
    old: HashMap<String, BTreeSet<u32>>,
    /// Per path (new and old), the removed lines, whitespace collapsed, one per line: to
    /// tell whether a piece of code was in the file before its line was edited.
    removed_by_file: HashMap<String, String>,
    /// The runs removed anywhere (when the set is small enough), and from each path.
    global_runs: HashSet<u64>,
    file_runs: HashMap<String, HashSet<u64>>,
}

impl MovedCode {
    /// Indexes `files`. Removed lines of generated and vendored files do not make added
    /// lines old: regenerating a file is not moving hand-written code into it.
    pub fn of(files: &[FileChange]) -> MovedCode {
        let removed: Vec<(&FileChange, Vec<Line>)> = files
            .iter()
            .filter(|file| !file.is_generated_or_vendored())
            .map(|file| (file, lines_of(file.removed_texts(), &file.removed_lines)))
            .filter(|(_, lines)| !lines.is_empty())
            .collect();
        let total: usize = removed
            .iter()
            .flat_map(|(_, lines)| lines)
            .map(|line| line.tokens.len())
            .sum();
        let everywhere = total <= MAX_INDEXED_TOKENS;

        let mut global_runs = HashSet::new();
        let mut file_runs: HashMap<String, HashSet<u64>> = HashMap::new();
        let mut whole_lines: HashMap<String, usize> = HashMap::new();
        let mut file_lines: HashMap<&str, HashMap<String, usize>> = HashMap::new();
        let mut removed_by_file = HashMap::new();
        for (file, lines) in &removed {
            let stream: Vec<u64> = significant(lines).map(|(_, token)| token).collect();
            let runs = run_hashes(&stream);
            if everywhere {
                global_runs.extend(runs.iter().copied());
                for line in lines.iter().filter(|l| l.collapsed.len() >= MIN_MOVED_LINE) {
                    *whole_lines.entry(line.collapsed.clone()).or_default() += 1;
                }
            }
            let joined = lines
                .iter()
                .map(|l| l.collapsed.as_str())
                .collect::<Vec<_>>()
                .join("\n");
            for path in [Some(file.path.as_str()), file.old_path.as_deref()]
                .into_iter()
                .flatten()
            {
                file_runs
                    .entry(path.to_string())
                    .or_default()
                    .extend(runs.iter().copied());
                let counts = file_lines.entry(path).or_default();
                for line in lines.iter().filter(|l| l.has_distinct_word()) {
                    *counts.entry(line.collapsed.clone()).or_default() += 1;
                }
                removed_by_file.insert(path.to_string(), joined.clone());
            }
        }

        let mut old = HashMap::new();
        for file in files.iter().filter(|file| !file.added_lines.is_empty()) {
            let added = lines_of(file.added_texts(), &file.added_lines);
            let own_runs = file_runs.get(file.path.as_str());
            let known = |hash: &u64| {
                global_runs.contains(hash) || own_runs.is_some_and(|runs| runs.contains(hash))
            };
            let mut lines = covered_lines(&added, known);
            lines.extend(rewrapped_hunks(file, &added, &removed));
            let mut same_file = file_lines.remove(file.path.as_str()).unwrap_or_default();
            let rest: Vec<&Line> = added
                .iter()
                .filter(|l| !lines.contains(&l.number))
                .collect();
            for line in rest {
                let take =
                    |counts: &mut HashMap<String, usize>| match counts.get_mut(&line.collapsed) {
                        Some(count) if *count > 0 => {
                            *count -= 1;
                            true
                        }
                        _ => false,
                    };
                if take(&mut same_file) || take(&mut whole_lines) {
                    lines.insert(line.number);
                }
            }
            lines.extend(sandwiched(&added, &lines));
            if !lines.is_empty() {
                old.insert(file.path.clone(), lines);
            }
        }
        MovedCode {
            old,
            removed_by_file,
            global_runs,
            file_runs,
        }
    }

    /// Whether added line `line` of `path` is old code (see the module's header).
    pub fn is_old(&self, path: &str, line: u32) -> bool {
        self.old
            .get(path)
            .is_some_and(|lines| lines.contains(&line))
    }

    /// Whether `code`, a piece of `file`'s new version that starts on added line `line`, is
    /// old code token for token: each of its runs was removed somewhere, or the whole of it
    /// stood in the file's old version (a chain whose middle lines the change kept). A line
    /// can be old while an expression that starts on it is not: `if !ignored` moved as it
    /// was, with a new `|| skipped` on the next line. Code shorter than a run is judged by
    /// its line alone.
    pub fn is_old_code(&self, file: &FileChange, line: u32, code: &str) -> bool {
        if !self.is_old(&file.path, line) {
            return false;
        }
        let tokens = significant_tokens(code);
        if tokens.len() < RUN {
            return true;
        }
        let own = self.file_runs.get(file.path.as_str());
        // Only runs the index could hold count: one of braces, `self` and `Some` is indexed
        // nowhere, so its absence says nothing about where the code came from.
        let removed = tokens
            .windows(RUN)
            .filter(|run| run.iter().filter(|token| *token & 1 == 1).count() >= MIN_DISTINCT_WORDS)
            .map(hash_run)
            .all(|hash| {
                self.global_runs.contains(&hash) || own.is_some_and(|runs| runs.contains(&hash))
            });
        removed
            || file.old.as_ref().is_some_and(|old| {
                significant_tokens(&old.content)
                    .windows(tokens.len())
                    .any(|window| window == tokens.as_slice())
            })
    }

    /// How many of `path`'s added lines are old code.
    pub fn old_count(&self, path: &str) -> usize {
        self.old.get(path).map_or(0, BTreeSet::len)
    }

    /// Whether `code` (whitespace collapsed) was on a line removed from `file` (under its
    /// new or its old path): the line around it was edited, the code itself is not new.
    pub fn removed_from_file(&self, file: &FileChange, code: &str) -> bool {
        [Some(file.path.as_str()), file.old_path.as_deref()]
            .into_iter()
            .flatten()
            .filter_map(|path| self.removed_by_file.get(path))
            .any(|removed| removed.contains(code))
    }
}

/// One changed line: its number, its text with whitespace collapsed, and its tokens.
struct Line {
    number: u32,
    collapsed: String,
    tokens: Vec<u64>,
}

impl Line {
    /// Whether the line names something (a word not in `COMMON_WORDS`): `use std::fs;`
    /// does, `} else {` and `return None;` do not.
    fn has_distinct_word(&self) -> bool {
        self.tokens.iter().any(|token| token & 1 == 1)
    }
}

/// The non-blank lines among `texts`, numbered by `numbers` (the same lines, in order).
fn lines_of(texts: Vec<&str>, numbers: &BTreeSet<u32>) -> Vec<Line> {
    numbers
        .iter()
        .zip(texts)
        .filter_map(|(&number, text)| {
            let tokens = tokens(text);
            (!tokens.is_empty()).then(|| Line {
                number,
                collapsed: without_visibility(&collapse(text)).to_string(),
                tokens,
            })
        })
        .collect()
}

/// Words (runs of letters, digits and `_`) and single punctuation characters, hashed;
/// the lowest bit of a hash is set for a distinctive word (not in `COMMON_WORDS`) and
/// clear for everything else.
fn tokens(text: &str) -> Vec<u64> {
    let mut tokens = Vec::new();
    // Words are hashed as slices of the line: no per-character copying.
    let push_word = |word: &str, tokens: &mut Vec<u64>| {
        // Every common word is short; most names are not.
        let distinct = word.len() > LONGEST_COMMON_WORD || !COMMON_WORDS.contains(&word);
        tokens.push(hash_str(word) & !1 | u64::from(distinct));
    };
    let mut word_start = None;
    for (at, c) in text.char_indices() {
        if c.is_alphanumeric() || c == '_' {
            word_start.get_or_insert(at);
            continue;
        }
        if let Some(start) = word_start.take() {
            push_word(text.get(start..at).unwrap_or_default(), &mut tokens);
        }
        if !c.is_whitespace() {
            let mut buffer = [0u8; 4];
            tokens.push(hash_str(c.encode_utf8(&mut buffer)) & !1);
        }
    }
    if let Some(start) = word_start {
        push_word(text.get(start..).unwrap_or_default(), &mut tokens);
    }
    tokens
}

/// The tokens of `text` as the index reads code: no semicolons, no trailing commas.
fn significant_tokens(text: &str) -> Vec<u64> {
    let line = Line {
        number: 0,
        collapsed: String::new(),
        tokens: tokens(text),
    };
    significant(std::slice::from_ref(&line))
        .map(|(_, token)| token)
        .collect()
}

/// `text` with its runs of white space collapsed to one space and none at either end.
fn collapse(text: &str) -> String {
    let mut collapsed = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !collapsed.is_empty() {
            collapsed.push(' ');
        }
        collapsed.push_str(word);
    }
    collapsed
}

/// The tokens of `lines` in order, each with the index of its line, semicolons and
/// trailing commas (before a closing bracket, on the same line or the next) left out.
fn significant<L: std::borrow::Borrow<Line>>(
    lines: &[L],
) -> impl Iterator<Item = (usize, u64)> + '_ {
    let comma = hash_str(",") & !1;
    let semicolon = hash_str(";") & !1;
    let closers = [")", "]", "}"].map(|c| hash_str(c) & !1);
    let all: Vec<(usize, u64)> = lines
        .iter()
        .enumerate()
        .flat_map(|(index, line)| line.borrow().tokens.iter().map(move |t| (index, *t)))
        .collect();
    let mut keep: Vec<bool> = all
        .iter()
        .enumerate()
        .map(|(at, (_, token))| {
            *token != semicolon
                && (*token != comma
                    || !all
                        .get(at + 1)
                        .is_some_and(|(_, next)| closers.contains(next)))
        })
        .collect();
    drop_visibility(&all, &mut keep);
    all.into_iter()
        .zip(keep)
        .filter_map(|(token, keep)| keep.then_some(token))
}

/// The hash of every run of `RUN` consecutive tokens of `stream` that has enough
/// distinctive words to say where code came from.
fn run_hashes(stream: &[u64]) -> Vec<u64> {
    stream
        .windows(RUN)
        .filter(|run| run.iter().filter(|token| *token & 1 == 1).count() >= MIN_DISTINCT_WORDS)
        .map(hash_run)
        .collect()
}

fn hash_run(run: &[u64]) -> u64 {
    run.iter().fold(0xcbf2_9ce4_8422_2325, |hash, token| {
        (hash ^ token)
            .wrapping_mul(0x0000_0100_0000_01b3)
            .rotate_left(23)
    })
}

/// FNV-1a: stable and fast enough for short tokens.
fn hash_str(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Lines of `added` (one file's, in order) every token of which lies in a run that
/// `known` recognises. Runs span line breaks, which is how a re-wrapped line matches.
fn covered_lines(added: &[Line], known: impl Fn(&u64) -> bool) -> BTreeSet<u32> {
    let (owners, stream): (Vec<usize>, Vec<u64>) = significant(added).unzip();
    let mut covered = vec![false; stream.len()];
    for (start, run) in stream.windows(RUN).enumerate() {
        if known(&hash_run(run)) {
            if let Some(slots) = covered.get_mut(start..start + RUN) {
                slots.fill(true);
            }
        }
    }
    let mut uncovered = vec![false; added.len()];
    for (owner, covered) in owners.iter().zip(&covered) {
        if !covered {
            if let Some(flag) = uncovered.get_mut(*owner) {
                *flag = true;
            }
        }
    }
    added
        .iter()
        .zip(uncovered)
        .filter(|(_, uncovered)| !uncovered)
        .map(|(line, _)| line.number)
        .collect()
}

/// Added lines of the hunks of `file` that add exactly the tokens they remove: a
/// statement re-wrapped or joined, whatever its length.
fn rewrapped_hunks(
    file: &FileChange,
    added: &[Line],
    removed: &[(&FileChange, Vec<Line>)],
) -> Vec<u32> {
    let Some((_, removed)) = removed.iter().find(|(f, _)| std::ptr::eq(*f, file)) else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    for hunk in file.hunks.iter().filter(|h| h.added > 0 && h.removed > 0) {
        let new = hunk.new_start..hunk.new_start.saturating_add(hunk.new_lines);
        let old = hunk.old_start..hunk.old_start.saturating_add(hunk.old_lines);
        let added_here = lines_in(added, new);
        let removed_here = lines_in(removed, old);
        let tokens_added = significant(added_here).map(|(_, token)| token);
        let tokens_removed = significant(removed_here).map(|(_, token)| token);
        if !added_here.is_empty() && tokens_added.eq(tokens_removed) {
            lines.extend(added_here.iter().map(|l| l.number));
        }
    }
    lines
}

/// The lines of `lines` (in line order, as `lines_of` makes them) numbered within `range`,
/// found by binary search: a file with many hunks would otherwise scan every line per hunk.
fn lines_in(lines: &[Line], range: std::ops::Range<u32>) -> &[Line] {
    let start = lines.partition_point(|line| line.number < range.start);
    let end = lines.partition_point(|line| line.number < range.end);
    lines.get(start..end.max(start)).unwrap_or(&[])
}

mod gaps;
#[cfg(test)]
mod tests;
