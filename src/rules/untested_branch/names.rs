//! The fallback when the call index cannot judge a function (its file was not indexed, or
//! a changed test is not in the index): a test counts when it *names* the function, its
//! type or its module, by identifier.

use std::collections::BTreeSet;

use crate::rules::helpers::file_module;
use crate::syntax::Function;

/// What a changed test names: identifiers in its body, its name, and the words of its
/// integration test file's name (`io_mem_stream` for tests/io_mem_stream.rs).
pub struct NamedBy {
    pub name: String,
    pub identifiers: BTreeSet<String>,
    pub file_words: BTreeSet<String>,
}

impl NamedBy {
    /// The test names the function, its type or its module in its body, its file name or
    /// its own name; the parent module only in its body or file name, since a test called
    /// `rules_are_listed` says nothing about a `rules/` directory.
    pub fn names(&self, names: &Names, function: &Function) -> bool {
        let in_body =
            |name: &String| self.identifiers.contains(name) || self.file_words.contains(name);
        matching_names(function, &names.direct).iter().any(|name| {
            in_body(name)
                || self.name == *name
                || self.name.starts_with(&format!("{name}_"))
                || self.name.ends_with(&format!("_{name}"))
                || self.name.contains(&format!("_{name}_"))
        }) || names.parent.as_ref().is_some_and(in_body)
    }
}

/// The words of a test file's name, for `NamedBy::file_words`.
pub fn file_words(path: &str) -> BTreeSet<String> {
    let stem = file_module(path).unwrap_or_default();
    stem.split(['_', '-'])
        .map(str::to_string)
        .chain(std::iter::once(stem.clone()))
        .filter(|w| !w.is_empty())
        .collect()
}

/// What a test could name to count as testing `function`: the function, its type, its
/// inline module and its file's module.
pub struct Names {
    /// The function, its type, its module.
    pub direct: Vec<String>,
    /// The module the file's directory forms (`blocking` for src/runtime/blocking/pool.rs):
    /// tests of a subsystem often exercise its internals through it.
    pub parent: Option<String>,
}

impl Names {
    pub fn all(&self) -> Vec<String> {
        self.direct
            .iter()
            .chain(self.parent.iter())
            .cloned()
            .collect()
    }
}

pub fn names_for(function: &Function, path: &str) -> Names {
    let mut direct = vec![function.name.clone()];
    direct.extend(function.owner.clone());
    direct.extend(function.modules.last().cloned());
    if function.modules.is_empty() {
        direct.extend(file_module(path));
    }
    // `fn parse` in parse.rs: one name, said once.
    let mut seen = BTreeSet::new();
    direct.retain(|name| seen.insert(name.clone()));
    let mut directories: Vec<&str> = path.split('/').collect();
    directories.pop();
    let parent = directories
        .last()
        .map(|parent| parent.to_string())
        .filter(|parent| parent != "src" && !direct.contains(parent));
    Names { direct, parent }
}

/// Method names such as `new` or `get` appear in almost every test; for a method only a
/// distinctive name counts on its own, otherwise the test must name the type or module.
fn matching_names(function: &Function, names: &[String]) -> Vec<String> {
    const COMMON: &[&str] = &[
        "new", "default", "from", "into", "run", "get", "set", "len", "build", "parse", "fmt",
        "clone", "next", "drop", "call", "with", "push", "pop", "insert", "remove", "contains",
        "is_empty", "as_str", "iter", "eq", "cmp", "hash", "deref",
    ];
    names
        .iter()
        .filter(|name| {
            function.owner.is_none() || **name != function.name || !COMMON.contains(&name.as_str())
        })
        .cloned()
        .collect()
}

pub fn or_list(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::{names_for, NamedBy};
    use crate::syntax::parse;

    fn function(source: &str) -> crate::syntax::Function {
        parse(source).functions.remove(0)
    }

    fn test(name: &str, identifiers: &[&str], file_words: &[&str]) -> NamedBy {
        NamedBy {
            name: name.to_string(),
            identifiers: identifiers.iter().map(|s| s.to_string()).collect(),
            file_words: file_words
                .iter()
                .map(|s| s.to_string())
                .collect::<BTreeSet<_>>(),
        }
    }

    #[test]
    fn names_for_a_method_in_a_nested_file() {
        let method = function("impl Queue { fn push(&self) {} }");
        let names = names_for(&method, "src/runtime/blocking/queue_impl.rs");
        assert_eq!(names.direct, vec!["push", "Queue", "queue_impl"]);
        assert_eq!(names.parent.as_deref(), Some("blocking"));
        assert_eq!(names_for(&method, "src/queue.rs").parent, None);
    }

    #[test]
    fn a_function_named_like_its_module_is_named_once() {
        let free = function("fn parse() {}");
        assert_eq!(names_for(&free, "src/parse.rs").direct, vec!["parse"]);
    }

    #[test]
    fn common_method_names_alone_do_not_name_a_method() {
        let method = function("impl Queue { fn push(&self) {} }");
        let names = names_for(&method, "src/queue_impl.rs");
        assert!(!test("pushes", &["push", "Vec"], &[]).names(&names, &method));
        assert!(test("pushes", &["push", "Queue"], &[]).names(&names, &method));
        assert!(test("queue_impl_push_order", &[], &[]).names(&names, &method));
    }

    #[test]
    fn the_parent_module_counts_in_bodies_and_file_names_only() {
        let free = function("fn drain() {}");
        let names = names_for(&free, "src/blocking/pool.rs");
        assert!(test("spawns", &[], &["loom", "blocking"]).names(&names, &free));
        assert!(test("spawns", &["blocking"], &[]).names(&names, &free));
        assert!(!test("blocking_flag_is_listed", &[], &["cli"]).names(&names, &free));
    }
}
