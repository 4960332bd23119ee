//! Parses Rust text with syn and keeps only what the rules reason about: the functions of
//! a file, with the lines where they can fail (and what guards them) or branch, the identifiers
//! they name, and whether they are test code. Rules never see syn types; this is the only
//! module that uses syn.
//!
//! A file that does not parse yields a `ParsedFile` with `parse_error` set and no
//! functions: rules then fall back to what they can tell from lines alone.

mod call_body;
mod call_cache;
pub mod calls;
mod decisions;
mod declarations;
mod depth;
mod focus;
mod functions;
mod guards;
mod literals;
mod operations;
mod passes;
mod shebang;
mod silencers;
mod site;
mod sites;
mod swallows;
pub mod test_bodies;
pub mod test_code;
mod threads;
mod tokens;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::change::TextKey;

pub use decisions::DecisionKey;
pub use guards::{Fact, Guard};
pub use literals::in_string_literal;
pub use operations::{Operand, Operation};
pub use passes::Passes;
pub use silencers::{Silencer, SilencerKind};
pub use site::{Branch, Failure, Site, SiteKind};
pub use swallows::{Swallow, SwallowKind};

/// What ponder knows about one version of one Rust file.
#[derive(Debug, Clone, Default)]
pub struct ParsedFile {
    /// Why syn rejected the file, with the 1-based line it pointed at.
    pub parse_error: Option<(u32, String)>,
    /// `#![cfg(test)]` at the top of the file.
    pub file_is_test: bool,
    pub functions: Vec<Function>,
    /// Allowed lints, `unsafe`, `#[ignore]` and leftover `todo!`/`dbg!`, by line.
    pub silencers: Vec<Silencer>,
    /// Errors let pass: empty catch-all arms on a `Result`, `if let Ok` on I/O with no
    /// `else`, by line.
    pub swallows: Vec<Swallow>,
    /// What each function body could fail a test with (see `test_bodies`).
    pub test_bodies: Vec<test_bodies::TestBody>,
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
    /// `#[ignore]`: `cargo test` skips it unless asked, so it shows nothing ran.
    pub is_ignored: bool,
    pub returns: Returns,
    pub sites: Vec<Site>,
    /// Every way of writing a decision the body takes, with how many of its branches and
    /// `or_else`-like calls take it: a branch whose key the function took as often before
    /// a change is a rewrite.
    pub decisions: BTreeMap<DecisionKey, u32>,
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
    threads::on_parse_thread(|| parse_here(text, Passes::ALL)).unwrap_or_else(no_parse_thread)
}

/// `parse`, on the current thread, which must be a parsing thread (see `threads`). The
/// text is lexed once: the depth bound is measured on the tokens syn then parses.
fn parse_here(text: &str, passes: Passes) -> ParsedFile {
    let parsed = parse_tokens(text, passes);
    proc_macro2::extra::invalidate_current_thread_spans();
    parsed
}

fn parse_tokens(text: &str, passes: Passes) -> ParsedFile {
    let (content, shebang) = shebang::split_shebang(text);
    let stream: proc_macro2::TokenStream = match content.parse() {
        Ok(stream) => stream,
        Err(error) => {
            return ParsedFile {
                parse_error: Some((error.span().start().line as u32, error.to_string())),
                ..ParsedFile::default()
            }
        }
    };
    if let Some(line) = depth::too_deep_tokens(&stream) {
        return ParsedFile {
            parse_error: Some((
                line,
                format!(
                    "the code nests deeper than {} levels here, deeper than ponder follows",
                    depth::MAX_DEPTH
                ),
            )),
            ..ParsedFile::default()
        };
    }
    match syn::parse2::<syn::File>(stream) {
        Ok(mut file) => {
            file.shebang = shebang;
            let mut parsed = functions::collect(&file);
            if passes.silencers {
                parsed.silencers = silencers::collect(&file, parsed.file_is_test);
            }
            if passes.swallows {
                parsed.swallows = swallows::collect(&file);
            }
            if passes.test_bodies {
                parsed.test_bodies = test_bodies::collect(&file);
            }
            parsed
        }
        Err(error) => ParsedFile {
            parse_error: Some((error.span().start().line as u32, error.to_string())),
            ..ParsedFile::default()
        },
    }
}

/// Parses the items of `text` that hold a `touched` line (1-based), with the rest
/// blanked out (see `focus`): the functions that hold no touched line are missing from
/// the result, everything else is as `parse` gives it but for the optional passes, which
/// it leaves out: it reads base versions for their functions and decisions, which no
/// optional pass serves. Falls back to the whole text when the blanked one does not parse,
/// and skips the blanking when nearly every line is touched.
pub fn parse_touched(text: &str, touched: &BTreeSet<u32>) -> ParsedFile {
    let passes = Passes::default();
    let parsed = if nearly_all(touched, text) {
        threads::on_parse_thread(|| parse_here(text, passes))
    } else {
        threads::on_parse_thread(|| parse_around(text, touched, passes))
    };
    parsed.unwrap_or_else(no_parse_thread)
}

/// What a text is when no thread could be started to parse it on.
fn no_parse_thread() -> ParsedFile {
    ParsedFile {
        parse_error: Some((
            1,
            "ponder could not start a thread to parse it on (out of memory or threads?)"
                .to_string(),
        )),
        ..ParsedFile::default()
    }
}

/// `parse_touched` once it is settled that blanking is worth it.
fn parse_around(text: &str, touched: &BTreeSet<u32>, passes: Passes) -> ParsedFile {
    let blanked = focus::blank_untouched(text, touched);
    proc_macro2::extra::invalidate_current_thread_spans();
    if let Some(blanked) = blanked {
        let parsed = parse_here(&blanked, passes);
        if parsed.parse_error.is_none() {
            return parsed;
        }
    }
    parse_here(text, passes)
}

/// What to parse: a text, and the lines a change touched in it when only the items
/// around those lines are needed (`None`: the whole file).
pub struct ParseRequest {
    pub key: TextKey,
    pub content: Arc<str>,
    pub touched: Option<Arc<BTreeSet<u32>>>,
}

impl ParseRequest {
    /// Drops the touched lines when nearly every line is touched, where blanking the rest
    /// would save nothing: the request is then for the whole file. Done once per request,
    /// before the cache is asked, so that it is keyed by what is actually parsed.
    fn settle_focus(mut self) -> ParseRequest {
        self.touched = self
            .touched
            .filter(|lines| !nearly_all(lines, &self.content));
        self
    }

    /// The lines to parse around, or `None` for the whole file.
    fn focus(&self) -> Option<&Arc<BTreeSet<u32>>> {
        self.touched.as_ref()
    }

    fn parse(&self, passes: Passes) -> ParsedFile {
        match self.focus() {
            Some(lines) => parse_around(&self.content, lines, passes),
            None => parse_here(&self.content, passes),
        }
    }
}

fn nearly_all(touched: &BTreeSet<u32>, text: &str) -> bool {
    touched.len() * 10 >= text.lines().count() * 9
}

/// Parsed files by text key: each distinct text is parsed once per run.
#[derive(Debug, Default)]
pub struct Syntax {
    files: HashMap<TextKey, Arc<ParsedFile>>,
}

impl Syntax {
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
    /// What every parse of the run reads besides functions: one run, one set.
    passes: Passes,
}

#[derive(Debug, Default)]
struct CacheState {
    /// The parses of each text, for the lines each was focused on.
    files: HashMap<TextKey, Vec<CacheEntry>>,
    held_bytes: u64,
    clock: u64,
    parsed_texts: u64,
    parsed_bytes: u64,
}

#[derive(Debug)]
struct CacheEntry {
    /// `None`: the whole file was parsed.
    focus: Option<Arc<BTreeSet<u32>>>,
    parsed: Arc<ParsedFile>,
    /// Size of the source text.
    bytes: u64,
    /// When it was last used, on the cache's clock.
    used: u64,
}

impl CacheEntry {
    /// Whether this parse answers a request for `focus`: the same lines, or (when it
    /// parsed) every function a request for `focus` would find. A parse that failed is
    /// reused only for the same lines, so a failure elsewhere in the file does not reach
    /// a request that the blanking would have spared it.
    fn serves(&self, focus: Option<&Arc<BTreeSet<u32>>>) -> bool {
        let same = self.focus.as_deref() == focus.map(|lines| &**lines);
        let wider = match (&self.focus, focus) {
            (None, _) => true,
            (Some(held), Some(wanted)) => held.is_superset(wanted),
            (Some(_), None) => false,
        };
        same || (wider && self.parsed.parse_error.is_none())
    }
}

impl ParseCache {
    pub fn new(budget_bytes: u64, passes: Passes) -> ParseCache {
        ParseCache {
            state: Mutex::new(CacheState::default()),
            budget_bytes,
            passes,
        }
    }

    fn state(&self) -> MutexGuard<'_, CacheState> {
        // A panic cannot happen while the lock is held (only map updates run under it);
        // if one did, the map is still consistent enough to keep using.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The parses of `texts`, parsing (in parallel) those the cache does not hold. A text
    /// requested twice in one call is parsed once, for the union of the touched lines.
    pub fn syntax_for(&self, texts: Vec<ParseRequest>) -> Syntax {
        let mut requests: Vec<ParseRequest> = Vec::new();
        let mut position_of: HashMap<TextKey, usize> = HashMap::new();
        for request in texts {
            match position_of
                .get(&request.key)
                .and_then(|&at| requests.get_mut(at))
            {
                Some(existing) => {
                    existing.touched = match (existing.touched.take(), request.touched) {
                        (Some(a), Some(b)) => Some(Arc::new(a.union(&b).copied().collect())),
                        _ => None,
                    }
                }
                None => {
                    position_of.insert(request.key.clone(), requests.len());
                    requests.push(request);
                }
            }
        }
        let requests: Vec<ParseRequest> = requests
            .into_iter()
            .map(ParseRequest::settle_focus)
            .collect();
        let mut found = HashMap::new();
        let mut todo = Vec::new();
        {
            let mut state = self.state();
            state.clock += 1;
            let now = state.clock;
            for request in requests {
                let focus = request.focus();
                let held = state
                    .files
                    .get_mut(&request.key)
                    .and_then(|entries| entries.iter_mut().find(|entry| entry.serves(focus)));
                match held {
                    Some(entry) => {
                        entry.used = now;
                        found.insert(request.key, entry.parsed.clone());
                    }
                    None => todo.push(request),
                }
            }
        }
        let keys: Vec<TextKey> = todo.iter().map(|request| request.key.clone()).collect();
        let Some(parsed) = threads::map_on_parse_threads(todo, |request| {
            let parsed = Arc::new(request.parse(self.passes));
            (request, parsed)
        }) else {
            let unparsed = Arc::new(no_parse_thread());
            found.extend(keys.into_iter().map(|key| (key, unparsed.clone())));
            return Syntax::from_parsed(found);
        };
        let mut state = self.state();
        let now = state.clock;
        for (request, parsed) in parsed {
            let bytes = request.content.len() as u64;
            state.parsed_texts += 1;
            state.parsed_bytes += bytes;
            state.held_bytes += bytes;
            let focus = request.focus().cloned();
            state
                .files
                .entry(request.key.clone())
                .or_default()
                .push(CacheEntry {
                    focus,
                    parsed: parsed.clone(),
                    bytes,
                    used: now,
                });
            found.insert(request.key, parsed);
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
            .flat_map(|(key, entries)| {
                entries
                    .iter()
                    .map(move |entry| (entry.used, entry.bytes, key.clone()))
            })
            .collect();
        by_age.sort_unstable();
        for (used, bytes, key) in by_age {
            if self.held_bytes <= target {
                break;
            }
            if let Some(entries) = self.files.get_mut(&key) {
                if let Some(position) = entries.iter().position(|entry| entry.used == used) {
                    entries.swap_remove(position);
                    self.held_bytes = self.held_bytes.saturating_sub(bytes);
                }
                if entries.is_empty() {
                    self.files.remove(&key);
                }
            }
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
