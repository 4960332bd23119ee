//! The call index of the packages a change touches, and which functions the change's
//! tests reach through it.
//!
//! Calls are resolved by name, narrowed by what the call site says: the qualifier
//! (`Config::load` is `load` of `Config` or of a module `Config`; `Self::x` stays in the
//! caller's type), the kind (a method call only reaches methods, `name!` only macros), and,
//! for method names every type has (`new`, `get`, `push`), the types the caller names.
//! Where a name still has several definitions (a trait method with several impls, a method
//! called through a generic or a trait object) every one counts as reached, and the path
//! says the name was ambiguous. A function that names a type (constructs it, takes it)
//! reaches the methods of that type's trait impls, since the value may be used through a
//! generic or a trait object anywhere it is passed. A test that runs the package's binary
//! reaches its `main`.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::OnceLock;

use super::path::module_of_path;
use crate::syntax::calls::{Call, CallKind, FileCalls, FunctionCalls};

mod walk;

pub use walk::{ReachPath, Reachability};

/// One file of the index.
pub struct IndexedFile {
    pub path: String,
    /// The package's directory (`""` or ending in `/`).
    pub root: String,
    pub calls: Arc<FileCalls>,
    /// Test code as a whole file: by path, `#![cfg(test)]`, or declared under
    /// `#[cfg(test)]` by its parent module.
    pub is_test: bool,
}

/// The functions of the indexed files, by name.
pub struct CallIndex {
    files: Vec<IndexedFile>,
    /// (file, function) of every function.
    nodes: Vec<(usize, usize)>,
    by_name: HashMap<String, Vec<usize>>,
    /// The module each file is, from its path: `["parse", "hex"]` for src/parse/hex.rs.
    file_modules: Vec<Vec<String>>,
    /// Methods a value's type brings along wherever the value goes, by owner: those of its
    /// trait impls (callable through generics and trait objects) and the ones the language
    /// calls without their name (`IMPLICIT_METHODS`).
    implicit: HashMap<String, Vec<usize>>,
    /// Each node's callees, resolved on first visit and kept: a change's walks (one per
    /// changed test, then one from all of them) visit the same nodes again, and resolving
    /// a common name checks every function of that name in the index.
    edges: Vec<[OnceLock<Edges>; 2]>,
}

/// A node's callees, each with whether the call that reaches it was ambiguous.
type Edges = Vec<(usize, bool)>;

/// Trait methods run by formatting, operators, `?`, `for` loops, `drop` and `.await`,
/// never called by name: a function that names their type reaches them.
const IMPLICIT_METHODS: &[&str] = &[
    "fmt",
    "drop",
    "deref",
    "deref_mut",
    "eq",
    "ne",
    "cmp",
    "partial_cmp",
    "hash",
    "next",
    "index",
    "index_mut",
    "from",
    "into_iter",
    "poll",
    "clone",
    "default",
    "add",
    "sub",
];

/// A function named the way the parsed change names it.
pub struct FunctionRef<'a> {
    pub path: &'a str,
    pub name: &'a str,
    pub owner: Option<&'a str>,
    pub modules: &'a [String],
}

/// Method names that almost every type has: a call of one reaches only the methods of
/// types its caller names.
const COMMON_METHODS: &[&str] = &[
    "new",
    "default",
    "from",
    "into",
    "run",
    "get",
    "set",
    "len",
    "build",
    "parse",
    "fmt",
    "clone",
    "next",
    "drop",
    "call",
    "with",
    "push",
    "pop",
    "insert",
    "remove",
    "contains",
    "is_empty",
    "as_str",
    "iter",
    "eq",
    "cmp",
    "hash",
    "deref",
    "write",
    "read",
    "poll",
    "as_ref",
    "to_string",
    "map",
    "finish",
    "flush",
    "extend",
    "clear",
    "take",
    "index",
    "open",
    "close",
    "start",
    "stop",
    "send",
    "recv",
    "update",
    "apply",
    "handle",
    "check",
];

impl CallIndex {
    pub fn new(files: Vec<IndexedFile>) -> CallIndex {
        let mut nodes = Vec::new();
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        let mut implicit: HashMap<String, Vec<usize>> = HashMap::new();
        for (file_index, file) in files.iter().enumerate() {
            for (function_index, function) in file.calls.functions.iter().enumerate() {
                if let Some(owner) = &function.owner {
                    if function.in_trait_impl || IMPLICIT_METHODS.contains(&function.name.as_str())
                    {
                        implicit.entry(owner.clone()).or_default().push(nodes.len());
                    }
                }
                by_name
                    .entry(function.name.clone())
                    .or_default()
                    .push(nodes.len());
                nodes.push((file_index, function_index));
            }
        }
        let file_modules = files
            .iter()
            .map(|file| module_of_path(file.path.strip_prefix(&file.root).unwrap_or(&file.path)))
            .collect();
        let edges = nodes.iter().map(|_| Default::default()).collect();
        CallIndex {
            files,
            nodes,
            by_name,
            file_modules,
            implicit,
            edges,
        }
    }

    pub fn file_count(&self) -> usize {
        self.files.len()
    }

    /// Whether the index read this file (it may still hold no functions).
    pub fn has_file(&self, path: &str) -> bool {
        self.files
            .iter()
            .any(|file| file.path == path && !file.calls.unreadable)
    }

    fn function(&self, node: usize) -> Option<&FunctionCalls> {
        let (file, function) = *self.nodes.get(node)?;
        self.files.get(file)?.calls.functions.get(function)
    }

    fn file(&self, node: usize) -> Option<&IndexedFile> {
        let (file, _) = *self.nodes.get(node)?;
        self.files.get(file)
    }

    fn modules(&self, node: usize) -> impl Iterator<Item = &String> {
        let file = self.nodes.get(node).map_or(usize::MAX, |n| n.0);
        self.file_modules.get(file).into_iter().flatten().chain(
            self.function(node)
                .into_iter()
                .flat_map(|f| f.modules.iter()),
        )
    }

    fn last_module(&self, node: usize) -> Option<&String> {
        self.modules(node).last()
    }

    /// An `#[ignore]`d test: `cargo test` does not run it.
    pub fn is_ignored(&self, node: usize) -> bool {
        self.function(node).is_some_and(|f| f.is_ignored)
    }

    pub fn is_test(&self, node: usize) -> bool {
        self.file(node).is_some_and(|file| file.is_test)
            || self.function(node).is_some_and(|f| f.is_test)
    }

    /// `path::Type::name`, the way the evidence names a function.
    fn display(&self, node: usize) -> String {
        let Some(function) = self.function(node) else {
            return String::new();
        };
        match &function.owner {
            Some(owner) => format!("{owner}::{}", function.name),
            None if function.is_macro => format!("{}!", function.name),
            None => function.name.clone(),
        }
    }

    /// The nodes of a function as the parsed change names it.
    pub fn find(&self, function: &FunctionRef<'_>) -> Vec<usize> {
        self.by_name
            .get(function.name)
            .into_iter()
            .flatten()
            .copied()
            .filter(|&node| {
                let (Some(file), Some(found)) = (self.file(node), self.function(node)) else {
                    return false;
                };
                file.path == function.path
                    && !found.is_macro
                    && found.owner.as_deref() == function.owner
                    && found.modules == function.modules
            })
            .collect()
    }

    /// The functions `call`, made in `caller`, may run, and whether the name was
    /// ambiguous (several definitions left after narrowing).
    fn resolve(&self, caller: usize, call: &Call) -> (Vec<usize>, bool) {
        let Some(caller_function) = self.function(caller) else {
            return (Vec::new(), false);
        };
        let candidates = self.by_name.get(&call.name).into_iter().flatten().copied();
        let of_kind = |node: &usize| {
            self.function(*node).is_some_and(|f| match call.kind {
                CallKind::Macro => f.is_macro,
                CallKind::Method => !f.is_macro && f.owner.is_some(),
                CallKind::Function => !f.is_macro,
            })
        };
        let owner_of = |node: usize| self.function(node).and_then(|f| f.owner.as_deref());
        let mut found: Vec<usize> = candidates.filter(of_kind).collect();
        match (call.kind, call.qualifier.as_deref()) {
            (CallKind::Method, _) => {
                if COMMON_METHODS.contains(&call.name.as_str()) {
                    found.retain(|&node| {
                        owner_of(node).is_some_and(|owner| {
                            caller_function.types.iter().any(|t| t == owner)
                                || caller_function.owner.as_deref() == Some(owner)
                        })
                    });
                }
            }
            (CallKind::Function, Some("Self")) => {
                found.retain(|&node| owner_of(node) == caller_function.owner.as_deref());
            }
            (CallKind::Function, Some("self" | "super" | "crate")) | (CallKind::Function, None) => {
                found.retain(|&node| owner_of(node).is_none());
            }
            (CallKind::Function, Some(qualifier)) => {
                let named: Vec<usize> = found
                    .iter()
                    .copied()
                    .filter(|&node| {
                        owner_of(node) == Some(qualifier)
                            || self.last_module(node).is_some_and(|m| m == qualifier)
                    })
                    .collect();
                if !named.is_empty() {
                    found = named;
                } else if qualifier.starts_with(|c: char| c.is_lowercase()) {
                    // A crate name or a re-exporting module: `ponder::analyze`.
                    found.retain(|&node| owner_of(node).is_none());
                } else {
                    // A type the index does not hold: `Vec::new`, `String::from`.
                    found.clear();
                }
            }
            (CallKind::Macro, _) => {}
        }
        if found.len() > 1 {
            let caller_file = self.nodes.get(caller).map(|n| n.0);
            let caller_root = self.file(caller).map(|f| f.root.as_str());
            let local = call.kind == CallKind::Function && call.qualifier.is_none();
            let same_file: Vec<usize> = found
                .iter()
                .copied()
                .filter(|&node| local && self.nodes.get(node).map(|n| n.0) == caller_file)
                .collect();
            let same_package: Vec<usize> = found
                .iter()
                .copied()
                .filter(|&node| self.file(node).map(|f| f.root.as_str()) == caller_root)
                .collect();
            if !same_file.is_empty() {
                found = same_file;
            } else if !same_package.is_empty() {
                found = same_package;
            }
        }
        let ambiguous = found.len() > 1;
        (found, ambiguous)
    }

    /// The `main` functions of the binaries of the package at `root` (every binary's of
    /// the index when that package has none).
    fn mains(&self, root: &str) -> Vec<usize> {
        let all: Vec<usize> = self
            .by_name
            .get("main")
            .into_iter()
            .flatten()
            .copied()
            .filter(|&node| {
                let (Some(file), Some(function)) = (self.file(node), self.function(node)) else {
                    return false;
                };
                let relative = file.path.strip_prefix(&file.root).unwrap_or(&file.path);
                function.owner.is_none()
                    && function.modules.is_empty()
                    && !file.is_test
                    && (relative == "src/main.rs" || relative.starts_with("src/bin/"))
            })
            .collect();
        let own: Vec<usize> = all
            .iter()
            .copied()
            .filter(|&node| self.file(node).is_some_and(|f| f.root == root))
            .collect();
        if own.is_empty() {
            all
        } else {
            own
        }
    }
}
