//! The calls-only readings of a process, by text key (see `calls`): blob ids and content
//! hashes name the same text in any repository, so one cache serves every analysis.

use std::sync::{Arc, Mutex, OnceLock};

use super::calls::{read_calls, FileCalls};
use crate::change::TextKey;

/// Calls-only readings by text key, shared by every analysis of the process (blob ids and
/// content hashes name the same text in any repository): `--each-commit` reads only the
/// files a commit changed. Past the budget, the readings used least recently are dropped.
pub fn cached_read_calls(
    key: &TextKey,
    text: impl FnOnce() -> Option<Arc<str>>,
) -> Option<Arc<FileCalls>> {
    let cache = CALL_CACHE.get_or_init(|| Mutex::new(CallCache::default()));
    {
        let mut held = cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        held.clock += 1;
        let now = held.clock;
        if let Some(entry) = held.entries.get_mut(key) {
            entry.1 = now;
            return Some(entry.0.clone());
        }
    }
    let text = text()?;
    let calls = Arc::new(read_calls(&text));
    let mut held = cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let now = held.clock;
    held.bytes += text.len() as u64;
    held.entries
        .insert(key.clone(), (calls.clone(), now, text.len() as u64));
    if held.bytes > CALL_CACHE_BYTES {
        held.evict(CALL_CACHE_BYTES / 4 * 3);
    }
    Some(calls)
}

/// The cached reading of `key`, if the cache holds one (marked as just used).
pub fn cached_calls(key: &TextKey) -> Option<Arc<FileCalls>> {
    let cache = CALL_CACHE.get_or_init(|| Mutex::new(CallCache::default()));
    let mut held = cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    held.clock += 1;
    let now = held.clock;
    let entry = held.entries.get_mut(key)?;
    entry.1 = now;
    Some(entry.0.clone())
}

/// Reads `texts` in parallel on the parsing threads and caches the readings, in order:
/// building a package's index reads hundreds of files, and each is read on its own.
pub fn read_calls_of_all(texts: Vec<(TextKey, Arc<str>)>) -> Vec<(TextKey, Arc<FileCalls>)> {
    fn read((key, text): (TextKey, Arc<str>)) -> (TextKey, Arc<FileCalls>, u64) {
        let calls = Arc::new(read_calls(&text));
        (key, calls, text.len() as u64)
    }
    // Reading walks tokens without recursing deeply, so this thread serves when no
    // parsing thread can be started.
    let read: Vec<_> = match super::threads::map_on_parse_threads(texts.clone(), read) {
        Some(read) => read,
        None => texts.into_iter().map(read).collect(),
    };
    let cache = CALL_CACHE.get_or_init(|| Mutex::new(CallCache::default()));
    let mut held = cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut readings = Vec::with_capacity(read.len());
    for (key, calls, bytes) in read {
        held.clock += 1;
        let now = held.clock;
        held.bytes += bytes;
        held.entries
            .insert(key.clone(), (calls.clone(), now, bytes));
        readings.push((key, calls));
    }
    if held.bytes > CALL_CACHE_BYTES {
        held.evict(CALL_CACHE_BYTES / 4 * 3);
    }
    readings
}

/// Source bytes whose readings the cache holds; a reading is a small part of its source
/// (names only), so this holds the packages of a large workspace for a few MB.
const CALL_CACHE_BYTES: u64 = 32 * 1024 * 1024;

static CALL_CACHE: OnceLock<Mutex<CallCache>> = OnceLock::new();

#[derive(Default)]
struct CallCache {
    /// Reading, last use, source bytes.
    entries: std::collections::HashMap<TextKey, (Arc<FileCalls>, u64, u64)>,
    bytes: u64,
    clock: u64,
}

impl CallCache {
    fn evict(&mut self, target: u64) {
        let mut by_age: Vec<(u64, TextKey)> = self
            .entries
            .iter()
            .map(|(key, entry)| (entry.1, key.clone()))
            .collect();
        by_age.sort_unstable();
        for (_, key) in by_age {
            if self.bytes <= target {
                break;
            }
            if let Some(entry) = self.entries.remove(&key) {
                self.bytes = self.bytes.saturating_sub(entry.2);
            }
        }
    }
}
