//! untested-branch: a production function gains a branch (if/else, match arm, early
//! return, guarded break/continue, let-else) and no test function added or changed in the
//! same change names the function, its type or its module.
//!
//! "Names" is by identifier: the test's name or body contains the function's name, the
//! method's type, or the module's name. One prompt per function, at its first new branch.

use std::collections::BTreeSet;

use super::definition::definition;
use super::helpers::{
    changed_production_functions, changed_test_functions, file_module, is_production_rust,
    is_test_file, location,
};
use super::{Context, Finding, Message, Rule, Scope};
use crate::syntax::{Branch, Function, SiteKind};

pub struct UntestedBranch;

const QUESTION_VARIABLES: &[&str] = &["function", "code", "location", "names"];

impl Rule for UntestedBranch {
    definition!("untested-branch");

    fn variables(&self) -> &'static [(&'static str, &'static [&'static str])] {
        &[
            ("questions.condition", QUESTION_VARIABLES),
            ("questions.match_arm", QUESTION_VARIABLES),
            ("questions.early_exit", QUESTION_VARIABLES),
            ("evidence.branches", &["count", "function", "lines"]),
            ("evidence.tests_elsewhere", &["tests", "names"]),
        ]
    }

    fn scope(&self) -> Scope {
        Scope::Change
    }

    fn check(&self, context: &Context<'_>) -> Vec<Finding> {
        let tests = changed_tests(context);
        let max_listed = context.settings.count("max_listed_branches");
        let moved = context.moved_code();
        let snapshot_roots = if context.settings.flag("snapshots_count_as_tests") {
            changed_expectation_roots(context)
        } else {
            Vec::new()
        };
        let mut findings = Vec::new();
        for file in context.files {
            let Some(parsed) = context.parsed_new(file) else {
                continue;
            };
            if !is_production_rust(file, Some(parsed)) {
                continue;
            }
            for changed in changed_production_functions(file, parsed, moved) {
                let branches: Vec<_> = changed
                    .added_sites
                    .iter()
                    .filter_map(|site| match site.kind {
                        SiteKind::Branch(branch) => Some((*site, branch)),
                        _ => None,
                    })
                    .collect();
                let Some((first, first_branch)) = branches.first().copied() else {
                    continue;
                };
                let function = changed.function;
                let names = names_for(function, &file.path);
                if tests.iter().any(|test| test.names(&names, function)) {
                    continue;
                }
                if snapshot_roots.contains(&package_root(&file.path)) {
                    continue;
                }
                let name = function.qualified_name();
                let names_text = or_list(&names.all());
                let question = Message::new(question_key(first_branch))
                    .with("function", name.clone())
                    .with("code", first.code.clone())
                    .with("location", location(&file.path, first.line))
                    .with("names", names_text.clone());
                let mut finding = Finding::at_line(question, &file.path, first.line);
                finding.function = Some(name.clone());
                let lines: BTreeSet<u32> = branches.iter().map(|(site, _)| site.line).collect();
                finding.end_line = lines.last().copied();
                if lines.len() > 1 {
                    let mut listed: Vec<String> =
                        lines.iter().take(max_listed).map(u32::to_string).collect();
                    if lines.len() > max_listed {
                        listed.push("…".to_string());
                    }
                    finding.evidence.push(
                        Message::new("branches")
                            .with("count", lines.len().to_string())
                            .with("function", name)
                            .with("lines", listed.join(", ")),
                    );
                }
                if !tests.is_empty() {
                    // Two files may each have a test of the same name: list it once.
                    let mut seen = BTreeSet::new();
                    let test_names: Vec<String> = tests
                        .iter()
                        .filter(|t| seen.insert(t.name.as_str()))
                        .take(5)
                        .map(|t| format!("`{}`", t.name))
                        .collect();
                    finding.evidence.push(
                        Message::new("tests_elsewhere")
                            .with("tests", test_names.join(", "))
                            .with("names", names_text),
                    );
                }
                findings.push(finding);
            }
        }
        findings
    }
}

fn question_key(branch: Branch) -> &'static str {
    match branch {
        Branch::If | Branch::Else => "condition",
        Branch::MatchArm => "match_arm",
        Branch::EarlyReturn | Branch::GuardedBreak | Branch::GuardedContinue | Branch::LetElse => {
            "early_exit"
        }
    }
}

/// A test function the change added or edited, with what it names.
struct ChangedTest {
    name: String,
    identifiers: BTreeSet<String>,
    /// Words of an integration test file's name (`io_mem_stream` for
    /// tests/io_mem_stream.rs): test files are named after the module they test.
    file_words: BTreeSet<String>,
}

impl ChangedTest {
    /// The test names the function, its type or its module in its body, its file name or
    /// its own name; the parent module only in its body or file name, since a test called
    /// `rules_are_listed` says nothing about a `rules/` directory.
    fn names(&self, names: &Names, function: &Function) -> bool {
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

fn changed_tests(context: &Context<'_>) -> Vec<ChangedTest> {
    let mut tests = Vec::new();
    for file in context.files {
        if !file.is_rust() {
            continue;
        }
        let Some(parsed) = context.parsed_new(file) else {
            continue;
        };
        let whole_file = is_test_file(file, Some(parsed));
        let file_words: BTreeSet<String> = if whole_file {
            let stem = file_module(&file.path).unwrap_or_default();
            stem.split(['_', '-'])
                .map(str::to_string)
                .chain(std::iter::once(stem.clone()))
                .filter(|w| !w.is_empty())
                .collect()
        } else {
            BTreeSet::new()
        };
        for function in changed_test_functions(file, parsed, whole_file) {
            tests.push(ChangedTest {
                name: function.name.clone(),
                identifiers: function.identifiers.clone(),
                file_words: file_words.clone(),
            });
        }
    }
    tests
}

/// The package a path belongs to: everything before its `src/` (empty at the top).
fn package_root(path: &str) -> String {
    match path.find("src/") {
        Some(0) | None => String::new(),
        Some(index) => path[..index].to_string(),
    }
}

/// Packages whose recorded test expectations changed: their tests ran the changed code
/// and saw its output change. That is an updated file under a test directory (an
/// expected output, a `.roff` or `.stdout` snapshot), or an insta `.snap` added or
/// updated anywhere. A file merely added under `tests/` (input data, a README, a
/// `.gitkeep`) shows no test ran, and does not count.
fn changed_expectation_roots(context: &Context<'_>) -> Vec<String> {
    const TEST_DIRECTORIES: &[&str] = &["tests", "test", "testdata", "snapshots", "fixtures"];
    context
        .files
        .iter()
        .filter(|file| !file.is_rust())
        .filter(|file| {
            let segments: Vec<&str> = file.path.split('/').collect();
            let directories = segments.split_last().map_or(&[][..], |(_, dirs)| dirs);
            let in_test_directory = directories.iter().any(|d| TEST_DIRECTORIES.contains(d));
            let updated = file.status == crate::change::FileStatus::Modified;
            let snapshot =
                file.path.ends_with(".snap") && file.status != crate::change::FileStatus::Deleted;
            (in_test_directory && updated) || snapshot
        })
        .map(|file| {
            // The package: the path before its `src` or first test directory, as
            // `package_root` cuts a source file's path.
            let segments: Vec<&str> = file.path.split('/').collect();
            let cut = segments
                .iter()
                .position(|s| *s == "src" || TEST_DIRECTORIES.contains(s))
                .unwrap_or(0);
            segments
                .iter()
                .take(cut)
                .map(|s| format!("{s}/"))
                .collect::<String>()
        })
        .collect()
}

/// What a test could name to count as testing `function`: the function, its type, its
/// inline module and its file's module.
struct Names {
    /// The function, its type, its module.
    direct: Vec<String>,
    /// The module the file's directory forms (`blocking` for src/runtime/blocking/pool.rs):
    /// tests of a subsystem often exercise its internals through it.
    parent: Option<String>,
}

impl Names {
    fn all(&self) -> Vec<String> {
        self.direct
            .iter()
            .chain(self.parent.iter())
            .cloned()
            .collect()
    }
}

fn names_for(function: &Function, path: &str) -> Names {
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

fn or_list(names: &[String]) -> String {
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

    use super::{names_for, ChangedTest};
    use crate::syntax::parse;

    fn function(source: &str) -> crate::syntax::Function {
        parse(source).functions.remove(0)
    }

    fn test(name: &str, identifiers: &[&str], file_words: &[&str]) -> ChangedTest {
        ChangedTest {
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
