//! What decides whether a new branch ran under a test of the change: line coverage when
//! the user gave it, else the call index (which tests reach the function), else, where the
//! index cannot judge, whether a test names the function.

use std::collections::BTreeMap;

use super::names::{file_words, NamedBy, Names};
use crate::change::FileChange;
use crate::reach::{CallIndex, FunctionRef, ReachPath, Reachability};
use crate::rules::helpers::{changed_test_functions, is_test_file};
use crate::rules::Context;
use crate::syntax::{Branch, Function, Site};

/// A test function the change added or edited.
pub struct ChangedTest {
    pub path: String,
    pub owner: Option<String>,
    pub modules: Vec<String>,
    pub named: NamedBy,
}

pub fn changed_tests(context: &Context<'_>) -> Vec<ChangedTest> {
    let mut tests = Vec::new();
    for file in context.files {
        if !file.is_rust() {
            continue;
        }
        let Some(parsed) = context.parsed_new(file) else {
            continue;
        };
        let whole_file =
            is_test_file(file, Some(parsed)) || context.reach.declared_as_test(&file.path);
        let words = if whole_file {
            file_words(&file.path)
        } else {
            Default::default()
        };
        for function in changed_test_functions(file, parsed, whole_file) {
            tests.push(ChangedTest {
                path: file.path.clone(),
                owner: function.owner.clone(),
                modules: function.modules.clone(),
                named: NamedBy {
                    name: function.name.clone(),
                    identifiers: function.identifiers.clone(),
                    file_words: words.clone(),
                },
            });
        }
    }
    tests
}

/// What the changed tests reach, worked out once per change on first use.
pub struct TestReach<'a> {
    pub index: &'a CallIndex,
    pub reach: Reachability,
    /// The changed tests the index does not hold, or that call nothing it holds: they
    /// still count by name.
    pub unindexed: Vec<&'a ChangedTest>,
}

impl<'a> TestReach<'a> {
    pub fn of(index: &'a CallIndex, tests: &'a [ChangedTest], max_depth: usize) -> TestReach<'a> {
        let mut starts = Vec::new();
        let mut unindexed = Vec::new();
        for test in tests {
            let found = index.find(&FunctionRef {
                path: &test.path,
                name: &test.named.name,
                owner: test.owner.as_deref(),
                modules: &test.modules,
            });
            // A test whose calls all leave the index (into a test-support crate that runs
            // the code by name, say) is judged by what it names, as one the index lacks.
            if found.is_empty() || !found.iter().any(|&node| index.reaches_production(node)) {
                unindexed.push(test);
            }
            // `cargo test` skips an `#[ignore]`d test: it shows nothing ran.
            starts.extend(found.into_iter().filter(|&node| !index.is_ignored(node)));
        }
        TestReach {
            index,
            reach: index.reach_from(&starts, max_depth),
            unindexed,
        }
    }
}

/// The verdict on one changed function.
pub enum Tested {
    /// A test of the change ran it (or, by name, seems to).
    Yes,
    /// The index sees no changed test reaching it.
    NotReached,
    /// Judged by name (the index could not): no changed test names it.
    NotNamed,
}

/// Judges `function` of `file` by the index, falling back to names where the index does
/// not hold the function.
pub fn judge(
    reach: Option<&TestReach<'_>>,
    tests: &[ChangedTest],
    function: &Function,
    file: &FileChange,
    names: &Names,
) -> (Tested, Option<ReachPath>) {
    let by_name = |tests: &mut dyn Iterator<Item = &ChangedTest>| {
        let mut named = false;
        for test in tests {
            named |= test.named.names(names, function);
        }
        named
    };
    let Some(reach) = reach else {
        return if by_name(&mut tests.iter()) {
            (Tested::Yes, None)
        } else {
            (Tested::NotNamed, None)
        };
    };
    let nodes = reach.index.find(&FunctionRef {
        path: &file.path,
        name: &function.name,
        owner: function.owner.as_deref(),
        modules: &function.modules,
    });
    if nodes.is_empty() {
        return if by_name(&mut tests.iter()) {
            (Tested::Yes, None)
        } else {
            (Tested::NotNamed, None)
        };
    }
    if let Some(path) = nodes
        .iter()
        .find_map(|&node| reach.index.path_to(&reach.reach, node))
    {
        return (Tested::Yes, Some(path));
    }
    if by_name(&mut reach.unindexed.iter().copied()) {
        return (Tested::Yes, None);
    }
    (Tested::NotReached, None)
}

/// What the coverage file says about a function's new branches.
pub enum Covered {
    /// Every new branch has an instrumented line with hits.
    All,
    /// The first new branch whose line has no hits, and that line.
    Missed(usize, u32),
    /// The file is not covered, or a branch has no instrumented line near it.
    Unknown,
}

/// Judges the branches of one function by their lines' hits. A condition (`if`, `else`)
/// counts by the first instrumented line of its body, below it; an early exit or a match
/// arm by its own line.
pub fn covered(
    lines: Option<&BTreeMap<u32, u64>>,
    branches: &[(&Site, Branch)],
    function: &Function,
) -> Covered {
    let Some(lines) = lines else {
        return Covered::Unknown;
    };
    let mut unknown = false;
    for (position, (site, branch)) in branches.iter().enumerate() {
        let hit_line = match branch {
            Branch::If | Branch::Else => lines
                .range(site.line + 1..=function.end_line)
                .next()
                .map(|(line, hits)| (*line, *hits))
                .or_else(|| lines.get(&site.line).map(|hits| (site.line, *hits))),
            _ => lines.get(&site.line).map(|hits| (site.line, *hits)),
        };
        match hit_line {
            Some((line, 0)) => return Covered::Missed(position, line),
            Some(_) => {}
            None => unknown = true,
        }
    }
    if unknown {
        Covered::Unknown
    } else {
        Covered::All
    }
}

/// The package a path belongs to: everything before its `src/` (empty at the top).
pub fn package_root(path: &str) -> String {
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
pub fn changed_expectation_roots(context: &Context<'_>) -> Vec<String> {
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
