//! Parses Rust text with syn and keeps only what the rules reason about: the functions of
//! a file, with the lines where they can fail, handle failure or branch, the identifiers
//! they name, and whether they are test code. Rules never see syn types; this is the only
//! module that uses syn.
//!
//! A file that does not parse yields a `ParsedFile` with `parse_error` set and no
//! functions: rules then fall back to what they can tell from lines alone.

mod functions;
mod literals;
mod sites;
pub mod test_code;

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use rayon::prelude::*;

use crate::change::TextKey;

pub use literals::in_string_literal;
pub use sites::{Branch, Failure, Handling, Operation, Site, SiteKind};

/// What ponder knows about one version of one Rust file.
#[derive(Debug, Clone, Default)]
pub struct ParsedFile {
    /// Why syn rejected the file, with the 1-based line it pointed at.
    pub parse_error: Option<(u32, String)>,
    /// `#![cfg(test)]` at the top of the file.
    pub file_is_test: bool,
    pub functions: Vec<Function>,
}

#[derive(Debug, Clone)]
pub struct Function {
    pub name: String,
    /// The type or trait whose impl holds the function.
    pub owner: Option<String>,
    /// Inline `mod` names from the file's root down to the function.
    pub modules: Vec<String>,
    /// 1-based lines, attributes and doc comments included.
    pub start_line: u32,
    pub end_line: u32,
    /// Test code: a `#[test]`-like attribute, or inside a `#[cfg(test)]` module.
    pub is_test: bool,
    pub returns: Returns,
    pub sites: Vec<Site>,
    /// Every identifier in the signature and body (macro arguments included).
    pub identifiers: BTreeSet<String>,
    /// Doc comment text, one entry per line.
    pub doc: Vec<String>,
    /// A hash of the body with names and literals blanked out, and its token count:
    /// equal shapes mean near-identical functions.
    pub shape: (u64, usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Returns {
    Result,
    Option,
    Other,
    Nothing,
}

impl Function {
    /// `Type::name` for methods, `name` for free functions.
    pub fn qualified_name(&self) -> String {
        match &self.owner {
            Some(owner) => format!("{owner}::{}", self.name),
            None => self.name.clone(),
        }
    }

    pub fn contains_line(&self, line: u32) -> bool {
        (self.start_line..=self.end_line).contains(&line)
    }
}

impl ParsedFile {
    /// The innermost function that contains `line`.
    pub fn function_at(&self, line: u32) -> Option<&Function> {
        self.functions
            .iter()
            .filter(|f| f.contains_line(line))
            .min_by_key(|f| f.end_line - f.start_line)
    }
}

/// Parses one text. Never panics on any input; span data is released afterwards so that
/// memory does not grow with the number of files parsed on this thread.
pub fn parse(text: &str) -> ParsedFile {
    let parsed = match syn::parse_file(text) {
        Ok(file) => functions::collect(&file),
        Err(error) => ParsedFile {
            parse_error: Some((error.span().start().line as u32, error.to_string())),
            ..ParsedFile::default()
        },
    };
    proc_macro2::extra::invalidate_current_thread_spans();
    parsed
}

/// Parsed files by text key: each distinct text is parsed once per run.
#[derive(Debug, Default)]
pub struct Syntax {
    files: HashMap<TextKey, Arc<ParsedFile>>,
}

impl Syntax {
    /// Parses every text not parsed yet, in parallel across texts.
    pub fn parse_all(&mut self, texts: Vec<(TextKey, Arc<str>)>) {
        let mut seen = BTreeSet::new();
        let todo: Vec<(TextKey, Arc<str>)> = texts
            .into_iter()
            .filter(|(key, _)| !self.files.contains_key(key) && seen.insert(key.clone()))
            .collect();
        let parsed: Vec<(TextKey, Arc<ParsedFile>)> = todo
            .into_par_iter()
            .map(|(key, text)| (key, Arc::new(parse(&text))))
            .collect();
        self.files.extend(parsed);
    }

    /// The parses of one analysis, taken from a run-wide `ParseCache`.
    pub fn from_parsed(files: HashMap<TextKey, Arc<ParsedFile>>) -> Syntax {
        Syntax { files }
    }

    pub fn get(&self, key: &TextKey) -> Option<&ParsedFile> {
        self.files.get(key).map(Arc::as_ref)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// The parses of a whole run, shared by every commit (and thread) that analyses part of
/// it: a blob that is the new version of two commits, or of a commit and of the range, is
/// parsed once. Memory is bounded: past `budget_bytes` of parsed source, the parses used
/// least recently are dropped (and would be parsed again if a later commit needs them).
#[derive(Debug)]
pub struct ParseCache {
    state: Mutex<CacheState>,
    budget_bytes: u64,
}

#[derive(Debug, Default)]
struct CacheState {
    /// Parse, size of its source text, and when it was last used.
    files: HashMap<TextKey, (Arc<ParsedFile>, u64, u64)>,
    held_bytes: u64,
    clock: u64,
    parsed_texts: u64,
    parsed_bytes: u64,
}

impl ParseCache {
    pub fn new(budget_bytes: u64) -> ParseCache {
        ParseCache {
            state: Mutex::new(CacheState::default()),
            budget_bytes,
        }
    }

    fn state(&self) -> MutexGuard<'_, CacheState> {
        // A panic cannot happen while the lock is held (only map updates run under it);
        // if one did, the map is still consistent enough to keep using.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The parses of `texts`, parsing (in parallel) those the cache does not hold.
    pub fn syntax_for(&self, texts: Vec<(TextKey, Arc<str>)>) -> Syntax {
        let mut found = HashMap::new();
        let mut todo = Vec::new();
        {
            let mut state = self.state();
            state.clock += 1;
            let now = state.clock;
            for (key, text) in texts {
                if found.contains_key(&key) || todo.iter().any(|(k, _)| k == &key) {
                    continue;
                }
                match state.files.get_mut(&key) {
                    Some((parsed, _, used)) => {
                        *used = now;
                        found.insert(key, parsed.clone());
                    }
                    None => todo.push((key, text)),
                }
            }
        }
        let parsed: Vec<(TextKey, Arc<ParsedFile>, u64)> = todo
            .into_par_iter()
            .map(|(key, text)| (key, Arc::new(parse(&text)), text.len() as u64))
            .collect();
        let mut state = self.state();
        let now = state.clock;
        for (key, file, bytes) in parsed {
            state.parsed_texts += 1;
            state.parsed_bytes += bytes;
            if state
                .files
                .insert(key.clone(), (file.clone(), bytes, now))
                .is_none()
            {
                state.held_bytes += bytes;
            }
            found.insert(key, file);
        }
        if state.held_bytes > self.budget_bytes {
            state.evict(self.budget_bytes / 4 * 3);
        }
        Syntax::from_parsed(found)
    }

    /// How many texts were parsed so far, and their total size in bytes. A text parsed
    /// twice (evicted, or raced by two threads) counts twice.
    pub fn parsed(&self) -> (u64, u64) {
        let state = self.state();
        (state.parsed_texts, state.parsed_bytes)
    }
}

impl CacheState {
    /// Drops the least recently used parses until at most `target` bytes are held.
    fn evict(&mut self, target: u64) {
        let mut by_age: Vec<(u64, u64, TextKey)> = self
            .files
            .iter()
            .map(|(key, (_, bytes, used))| (*used, *bytes, key.clone()))
            .collect();
        by_age.sort_unstable();
        for (_, bytes, key) in by_age {
            if self.held_bytes <= target {
                break;
            }
            self.files.remove(&key);
            self.held_bytes = self.held_bytes.saturating_sub(bytes);
        }
    }
}

/// Full-line `//` comments (not doc comments), as (1-based line, text after the slashes).
pub fn line_comments(text: &str) -> Vec<(u32, String)> {
    text.lines()
        .enumerate()
        .filter_map(|(index, line)| {
            let trimmed = line.trim_start();
            let rest = trimmed.strip_prefix("//")?;
            if rest.starts_with('/') || rest.starts_with('!') {
                return None;
            }
            Some((index as u32 + 1, rest.trim().to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests;
