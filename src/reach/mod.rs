//! Which tests reach the changed code: the call index of the packages a change touches
//! (every function of their sources at the head, with the names it calls), built on first
//! use, and the coverage the user gave (`--coverage`). Rules read it through
//! `rules::Context::reach`; nothing here is built for a change no rule asks about.
//!
//! Cost: the index lists the touched packages' `.rs` blobs at the head (a tree walk) and
//! reads each file once per process, calls only (lexed, not parsed), cached by blob id
//! (`syntax::calls::cached_read_calls`): in `--each-commit` a commit re-reads only the files
//! it changed. It is built only for a change that changed a test and gave a production
//! function a new branch.

pub mod coverage;
mod declared;
pub mod index;
mod path;

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use crate::change::{Change, FileStatus, TextKey};
use crate::git::Repo;
use crate::syntax::calls::{cached_calls, cached_read_calls, read_calls_of_all, FileCalls};
use crate::syntax::test_code::is_test_path;

pub use coverage::Coverage;
pub use index::{CallIndex, FunctionRef, ReachPath, Reachability};

/// What the reach of a change is read from: the repository (for the packages' unchanged
/// files) and the coverage file, when given.
#[derive(Clone, Copy, Default)]
pub struct Sources<'a> {
    pub repo: Option<&'a Repo>,
    pub coverage: Option<&'a Coverage>,
}

/// The reach of one change, built lazily.
pub struct Reach<'a> {
    sources: Sources<'a>,
    change: &'a Change,
    index: OnceLock<Option<CallIndex>>,
    /// Calls-only readings by path, for the test-by-declaration lookups.
    readings: RefCell<HashMap<String, Option<Arc<FileCalls>>>>,
}

impl<'a> Reach<'a> {
    pub fn new(sources: Sources<'a>, change: &'a Change) -> Reach<'a> {
        Reach {
            sources,
            change,
            index: OnceLock::new(),
            readings: RefCell::new(HashMap::new()),
        }
    }

    /// A change with no repository behind it: no index, no coverage.
    pub fn none(change: &'a Change) -> Reach<'a> {
        Reach::new(Sources::default(), change)
    }

    /// The change whose tests are looked for: its commits are what a change rule reads
    /// the messages of.
    pub fn change(&self) -> &'a Change {
        self.change
    }

    pub fn coverage(&self) -> Option<&Coverage> {
        self.sources.coverage
    }

    /// The call index of the packages the change touches; `None` when there is no
    /// repository or head commit to read them from.
    pub fn index(&self) -> Option<&CallIndex> {
        self.index.get_or_init(|| self.build()).as_ref()
    }

    /// Whether `path` is test code because its parent module declares it under
    /// `#[cfg(test)]` (see `declared`).
    pub fn declared_as_test(&self, path: &str) -> bool {
        if is_test_path(path) {
            return false;
        }
        declared::declared_as_test(path, &mut |parent| self.reading(parent))
    }

    /// The calls-only reading of `path` in the change's new version.
    fn reading(&self, path: &str) -> Option<Arc<FileCalls>> {
        if let Some(held) = self.readings.borrow().get(path) {
            return held.clone();
        }
        let read = self.read_new(path);
        self.readings
            .borrow_mut()
            .insert(path.to_string(), read.clone());
        read
    }

    fn read_new(&self, path: &str) -> Option<Arc<FileCalls>> {
        if let Some(file) = self.changed_file(path) {
            let text = file.new.as_ref()?;
            return cached_read_calls(&text.key, || Some(text.content.clone()));
        }
        let repo = self.sources.repo?;
        let head = self.change.head.as_deref()?;
        let key = repo.blob_at(head, path)?;
        cached_read_calls(&key, || repo.blob_text(&key))
    }

    /// The range's (or work tree's) change to `path`, the newest one.
    fn changed_file(&self, path: &str) -> Option<&crate::change::FileChange> {
        let in_work_tree = self.change.work_tree.iter().flatten();
        in_work_tree.chain(self.change.files.iter()).find(|file| {
            file.path == path
                || (file.status == FileStatus::Deleted && file.old_path.as_deref() == Some(path))
        })
    }

    fn build(&self) -> Option<CallIndex> {
        let changed: Vec<&str> = self
            .change
            .files
            .iter()
            .filter(|file| file.is_rust() && file.status != FileStatus::Deleted)
            .map(|file| file.path.as_str())
            .collect();
        let repo = self.sources.repo?;
        let head = self.change.head.as_deref()?;
        let packages = repo.package_sources(head, &changed);
        if packages.is_empty() {
            return None;
        }
        // The head's blobs, with the change's own new texts in place of the files it
        // changed (the work tree's, in the no-argument form).
        let mut listed: Vec<(String, String, TextKey)> = Vec::new();
        let mut seen = BTreeSet::new();
        for package in &packages {
            for (path, key) in &package.files {
                if seen.insert(path.clone()) {
                    listed.push((path.clone(), package.root.clone(), key.clone()));
                }
            }
        }
        for file in self.change.files.iter().filter(|f| f.is_rust()) {
            let Some(root) = packages
                .iter()
                .filter(|p| file.path.starts_with(&p.root))
                .map(|p| p.root.clone())
                .max_by_key(String::len)
            else {
                continue;
            };
            listed.retain(|(path, _, _)| path != &file.path);
            if let (Some(text), true) = (&file.new, file.status != FileStatus::Deleted) {
                listed.push((file.path.clone(), root, text.key.clone()));
            }
        }
        // What the cache holds is taken from it; the rest is read from the change or the
        // repository here, then read for calls in parallel.
        let mut held: HashMap<TextKey, Arc<FileCalls>> = HashMap::new();
        let mut to_read: Vec<(TextKey, Arc<str>)> = Vec::new();
        let mut queued: HashSet<&TextKey> = HashSet::new();
        for (path, _, key) in &listed {
            if held.contains_key(key) || !queued.insert(key) {
                continue;
            }
            if let Some(calls) = cached_calls(key) {
                held.insert(key.clone(), calls);
                continue;
            }
            let changed_text = self
                .change
                .files
                .iter()
                .find(|f| &f.path == path)
                .and_then(|f| f.new.as_ref())
                .map(|t| t.content.clone());
            if let Some(text) = changed_text.or_else(|| repo.blob_text(key)) {
                to_read.push((key.clone(), text));
            }
        }
        held.extend(read_calls_of_all(to_read));
        let mut readings: HashMap<String, Arc<FileCalls>> = HashMap::new();
        let mut files = Vec::new();
        for (path, root, key) in listed {
            let Some(calls) = held.get(&key).cloned() else {
                continue;
            };
            readings.insert(path.clone(), calls.clone());
            files.push(index::IndexedFile {
                path,
                root,
                calls,
                is_test: false,
            });
        }
        let declared_paths = path_declared_tests(&readings);
        for file in &mut files {
            file.is_test = is_test_path(&file.path)
                || file.calls.file_is_test
                || declared_paths.contains(&file.path)
                || declared::declared_as_test(&file.path, &mut |p| readings.get(p).cloned());
        }
        Some(CallIndex::new(files))
    }
}

/// Files named by a `#[cfg(test)] #[path = "..."] mod x;` anywhere in `readings`.
fn path_declared_tests(readings: &HashMap<String, Arc<FileCalls>>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (path, calls) in readings {
        let dir = path.rsplit_once('/').map_or("", |(dir, _)| dir);
        for declaration in calls.declared_modules.iter().filter(|d| d.is_test) {
            if let Some(target) = &declaration.path {
                found.insert(declared::join(dir, target));
            }
        }
    }
    found
}
