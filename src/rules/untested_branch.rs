//! untested-branch: a production function gains a branch (if/else, match arm, early
//! return, guarded break/continue, let-else) and no test function added or changed in the
//! same change runs it.
//!
//! "Runs" is decided, in order, by line coverage when the user gave an lcov file and it
//! covers the file (a branch whose line has hits ran); else by the call index of the
//! touched packages (a changed test reaches the function within a few calls, or runs the
//! package binary whose `main` reaches it; see `crate::reach`); else, for a function or
//! test the index does not hold, by name (the test names the function, its type or its
//! module). One prompt per function, at its first new branch that did not run.

mod names;
mod rewritten;
mod tested;

use std::collections::BTreeSet;

use super::definition::definition;
use super::helpers::{changed_production_functions, location};
use super::{Context, Finding, Message, Rule, Scope};
use crate::model::RuleSettings;
use crate::syntax::{Branch, SiteKind};
use names::{names_for, or_list};
use rewritten::BaseFunctions;
use tested::{changed_expectation_roots, changed_tests, covered, judge, package_root};
use tested::{Covered, TestReach, Tested};

pub struct UntestedBranch;

/// `[thresholds]` of rules/untested-branch.toml.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Thresholds {
    max_listed_branches: usize,
    max_call_depth: usize,
    snapshots_count_as_tests: bool,
}

const QUESTION_VARIABLES: &[&str] = &["function", "code", "location"];

impl Rule for UntestedBranch {
    definition!("untested-branch");

    fn variables(&self) -> &'static [(&'static str, &'static [&'static str])] {
        &[
            ("questions.condition", QUESTION_VARIABLES),
            ("questions.match_arm", QUESTION_VARIABLES),
            ("questions.early_exit", QUESTION_VARIABLES),
            ("evidence.branches", &["count", "lines"]),
            ("evidence.no_tests", &[]),
            ("evidence.tests_changed", &["count", "tests"]),
            ("evidence.tests_elsewhere", &["names"]),
            ("evidence.not_reached", &["depth"]),
            ("evidence.not_covered", &["line", "coverage"]),
            ("evidence.covered_elsewhere_only", &["path", "function"]),
        ]
    }

    fn thresholds_problem(&self, settings: &RuleSettings) -> Option<String> {
        settings.typed::<Thresholds>().err()
    }

    fn scope(&self) -> Scope {
        Scope::Change
    }

    fn check(&self, context: &Context<'_>) -> Vec<Finding> {
        let tests = changed_tests(context);
        // Checked against the TOML by a test and against the loaded configuration before
        // any rule runs (`Rule::thresholds_problem`), so this never returns here.
        let Ok(limits) = context.settings.typed::<Thresholds>() else {
            return Vec::new();
        };
        let max_listed = limits.max_listed_branches;
        let max_depth = limits.max_call_depth;
        let moved = context.moved_code();
        let snapshot_roots = if limits.snapshots_count_as_tests {
            changed_expectation_roots(context)
        } else {
            Vec::new()
        };
        // Built on the first function that needs it: most changes never do.
        let mut test_reach: Option<Option<TestReach<'_>>> = None;
        let mut findings = Vec::new();
        for file in context.files {
            let Some(parsed) = context.parsed_new(file) else {
                continue;
            };
            if !context.is_production(file, Some(parsed)) {
                continue;
            }
            let mut base = BaseFunctions::of(file);
            for changed in changed_production_functions(file, parsed, moved) {
                let branches: Vec<_> = changed
                    .added_sites
                    .iter()
                    .filter_map(|site| match site.kind {
                        SiteKind::Branch(branch) => Some((*site, branch)),
                        _ => None,
                    })
                    .collect();
                let mut branches = base.new_branches(changed.function, branches);
                if branches.is_empty() {
                    continue;
                }
                let function = changed.function;
                let coverage = context.reach.coverage();
                let lines = coverage.and_then(|c| c.lines(&file.path));
                let mut evidence = Vec::new();
                match covered(lines, &branches, function) {
                    Covered::All => continue,
                    Covered::Missed(position, line) => {
                        branches.drain(..position);
                        evidence.push(
                            Message::new("not_covered")
                                .with("line", line.to_string())
                                .with(
                                    "coverage",
                                    coverage.map(|c| c.source.clone()).unwrap_or_default(),
                                ),
                        );
                    }
                    Covered::Unknown => {
                        if snapshot_roots.contains(&package_root(&file.path)) {
                            continue;
                        }
                    }
                }
                let names = names_for(function, &file.path);
                let name = function.qualified_name();
                if !tests.is_empty() {
                    let reach = test_reach
                        .get_or_insert_with(|| {
                            context
                                .reach
                                .index()
                                .map(|index| TestReach::of(index, &tests, max_depth))
                        })
                        .as_ref();
                    let (verdict, path) = judge(reach, &tests, function, file, &names);
                    let tests_changed = || {
                        let (count, listed) = test_list(&tests);
                        Message::new("tests_changed")
                            .with("count", count.to_string())
                            .with("tests", listed)
                    };
                    match (verdict, evidence.is_empty()) {
                        (Tested::Yes, true) => continue,
                        (Tested::Yes, false) => {
                            if let Some(path) = path {
                                evidence.push(
                                    Message::new("covered_elsewhere_only")
                                        .with("path", path.describe())
                                        .with("function", name.clone()),
                                );
                            }
                        }
                        (Tested::NotReached, _) => {
                            evidence.push(tests_changed());
                            evidence.push(
                                Message::new("not_reached").with("depth", max_depth.to_string()),
                            );
                        }
                        (Tested::NotNamed, _) => {
                            evidence.push(tests_changed());
                            evidence.push(
                                Message::new("tests_elsewhere")
                                    .with("names", or_list(&names.all())),
                            );
                        }
                    }
                } else if evidence.is_empty() {
                    evidence.push(Message::new("no_tests"));
                }
                let Some((first, first_branch)) = branches.first().copied() else {
                    continue;
                };
                let question = Message::new(question_key(first_branch))
                    .with("function", name.clone())
                    .with("code", first.code.clone())
                    .with("location", location(&file.path, first.line));
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
                            .with("lines", listed.join(", ")),
                    );
                }
                finding.evidence.extend(evidence);
                findings.push(finding);
            }
        }
        findings
    }
}

/// How many tests changed, each name once, and at most five of them for the evidence.
fn test_list(tests: &[tested::ChangedTest]) -> (usize, String) {
    let distinct: BTreeSet<&str> = tests.iter().map(|t| t.named.name.as_str()).collect();
    let mut seen = BTreeSet::new();
    let mut names: Vec<String> = tests
        .iter()
        .filter(|t| seen.insert(t.named.name.as_str()))
        .take(5)
        .map(|t| format!("`{}`", t.named.name))
        .collect();
    if distinct.len() > names.len() {
        names.push("…".to_string());
    }
    (distinct.len(), names.join(", "))
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
