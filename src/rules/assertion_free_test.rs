//! assertion-free-test: a test the change adds or edits that cannot fail on a wrong
//! result. A `#[test]`-like function (not `#[bench]`) asks when nothing in its body could
//! fail it: no assertion macro (`assert*!`, `debug_assert*!`, `panic!`, `insta::assert_*!`
//! and the others of `[data] assert_macros`), no `#[should_panic]`, no `?`, no `unwrap` or
//! `expect`, no comparison whose result it keeps, no method named like an assertion
//! (`.assert()`, `.assert_eq(..)`), and no call of a helper that asserts. It also asks
//! when its only assertions are `assert!(true)`, `assert!(x.is_ok())` or
//! `assert!(x.is_some())`, which pass whatever the value inside is, or the always true
//! `assert!(x.is_ok() || x.is_err())`. A test that returns a value (`-> Result<..>`)
//! fails on an `Err` it returns, so it is not asked about.
//!
//! A helper asserts when its body (in any file of the change) passes the same test, or
//! calls a helper that does; a helper the change does not show counts when its name
//! says it checks (`[data] helper_prefixes`: `check_output`, `assert_parses`). The call
//! index is not consulted: an asserting helper elsewhere in the crate with another kind
//! of name is not seen (see `limits` in the TOML). A test whose added lines are all moved
//! code is not asked about.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use super::definition::definition;
use super::helpers::{is_test_file, location};
use super::{Context, Finding, Message, Rule, Scope};
use crate::syntax::test_bodies::{MacroUse, TestBody};

pub struct AssertionFreeTest;

impl Rule for AssertionFreeTest {
    definition!("assertion-free-test");

    fn variables(&self) -> &'static [(&'static str, &'static [&'static str])] {
        &[
            ("questions.nothing", &["test", "location"]),
            ("questions.weak", &["test", "location", "assertions"]),
        ]
    }

    fn data_problem(&self) -> Option<String> {
        Data::read(&self.definition().data).err()
    }

    fn syntax_passes(&self) -> crate::syntax::Passes {
        crate::syntax::Passes {
            test_bodies: true,
            ..Default::default()
        }
    }

    fn scope(&self) -> Scope {
        Scope::Change
    }

    fn check(&self, context: &Context<'_>) -> Vec<Finding> {
        static DATA: OnceLock<Data> = OnceLock::new();
        // The embedded data is checked by `rules::tests`; empty lists only ask more.
        let data = DATA.get_or_init(|| Data::read(&self.definition().data).unwrap_or_default());
        let moved = context.moved_code();
        let rust: Vec<_> = context
            .files
            .iter()
            .filter(|f| f.is_rust() && f.skipped.is_none() && !f.is_generated_or_vendored())
            .filter_map(|f| context.parsed_new(f).map(|parsed| (f, parsed)))
            .collect();
        // Helpers are test code: a production `new` that asserts its argument is not one.
        let test_code = rust.iter().flat_map(|(file, parsed)| {
            let whole = is_test_file(file, Some(parsed));
            parsed.test_bodies.iter().filter(move |body| {
                whole || parsed.function_at(body.line).is_some_and(|f| f.is_test)
            })
        });
        let helpers = asserting_helpers(test_code, data);
        let mut findings = Vec::new();
        for (file, parsed) in &rust {
            for test in parsed.test_bodies.iter().filter(|body| body.is_test) {
                let Some(function) = parsed.function_at(test.line) else {
                    continue;
                };
                let new_line = file
                    .added_lines
                    .range(function.start_line..=function.end_line)
                    .any(|&line| {
                        file.new_line(line)
                            .is_some_and(|text| !moved.is_old_code(file, line, text))
                    });
                if !new_line {
                    continue;
                }
                let question = match data.judge(test, &helpers) {
                    Verdict::Fails => continue,
                    Verdict::Nothing => Message::new("nothing"),
                    Verdict::OnlyWeak(weak) => Message::new("weak").with("assertions", weak),
                };
                let question = question
                    .with("test", format!("`{}`", function.qualified_name()))
                    .with("location", location(&file.path, test.line));
                let mut finding = Finding::at_line(question, &file.path, test.line);
                finding.function = Some(function.qualified_name());
                findings.push(finding);
            }
        }
        findings
    }
}

/// What a test body can fail on.
enum Verdict {
    Fails,
    Nothing,
    /// Only assertions that pass whatever the value is, quoted.
    OnlyWeak(String),
}

/// Names of the functions (of the files the change shows) whose body fails on its own or
/// calls one that does; the same name defined twice counts if either asserts.
fn asserting_helpers<'a>(
    bodies: impl Iterator<Item = &'a TestBody>,
    data: &Data,
) -> BTreeSet<String> {
    let mut calls: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut asserting = BTreeSet::new();
    for body in bodies {
        if data.asserts(body) {
            asserting.insert(body.name.clone());
        }
        let callees = body.calls.iter().chain(&body.methods).map(String::as_str);
        calls.entry(body.name.as_str()).or_default().extend(callees);
    }
    // Each round adds at least one name or stops; at most one round per function.
    loop {
        let more: Vec<String> = calls
            .iter()
            .filter(|(name, _)| !asserting.contains(**name))
            .filter(|(_, callees)| callees.iter().any(|c| asserting.contains(*c)))
            .map(|(name, _)| name.to_string())
            .collect();
        if more.is_empty() {
            return asserting;
        }
        asserting.extend(more);
    }
}

/// What the detection reads from the TOML's `[data]`.
#[derive(Debug, Default)]
struct Data {
    assert_macros: Vec<String>,
    weak_macros: Vec<String>,
    weak_arguments: Vec<String>,
    weak_argument_endings: Vec<String>,
    /// `x.is_ok() || x.is_err()`: pairs of endings whose `||` is always true.
    tautologies: Vec<String>,
    failing_methods: Vec<String>,
    helper_prefixes: Vec<String>,
}

/// `name` is `prefix` or starts with `prefix_`: `check_output` for `check`, not `checked_add`.
fn word_prefix(name: &str, prefixes: &[String]) -> bool {
    prefixes.iter().any(|prefix| {
        name.strip_prefix(prefix.as_str())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('_'))
    })
}

impl Data {
    fn read(data: &BTreeMap<String, toml::Value>) -> Result<Data, String> {
        let list = |key: &str| super::definition::data_list(data, key, str::to_string);
        let read = Data {
            assert_macros: list("assert_macros")?,
            weak_macros: list("weak_macros")?,
            weak_arguments: list("weak_arguments")?,
            weak_argument_endings: list("weak_argument_endings")?,
            tautologies: list("tautologies")?,
            failing_methods: list("failing_methods")?,
            helper_prefixes: list("helper_prefixes")?,
        };
        match data.len() {
            7 => Ok(read),
            _ => Err("[data] holds keys the rule does not read".to_string()),
        }
    }

    /// `assert!(true)`, `assert!(x.is_ok())`: passes whatever the value inside is.
    fn is_weak(&self, use_: &MacroUse) -> bool {
        self.weak_macros.contains(&use_.name)
            && use_.first_argument.as_deref().is_some_and(|argument| {
                self.weak_arguments.iter().any(|weak| weak == argument)
                    || self
                        .weak_argument_endings
                        .iter()
                        .any(|ending| argument.ends_with(ending.as_str()))
                    || self.is_tautology(argument)
            })
    }

    /// `x.is_ok() || x.is_err()` (either order): true whatever `x` is.
    fn is_tautology(&self, argument: &str) -> bool {
        let Some((left, right)) = argument.split_once("||") else {
            return false;
        };
        self.tautologies.iter().any(|pair| {
            let Some((first, second)) = pair.split_once('|') else {
                return false;
            };
            let same = |a: &str, b: &str| {
                let (Some(x), Some(y)) = (left.strip_suffix(a), right.strip_suffix(b)) else {
                    return false;
                };
                x == y && !x.is_empty()
            };
            same(first, second) || same(second, first)
        })
    }

    /// A helper's body asserts: an assertion macro or a call named like one. Its `unwrap`s
    /// and `?`s are setup that fails loudly, not a check of the test's result.
    fn asserts(&self, body: &TestBody) -> bool {
        body.macros
            .iter()
            .any(|use_| word_prefix(&use_.name, &self.assert_macros) && !self.is_weak(use_))
            || body
                .calls
                .iter()
                .chain(&body.methods)
                .any(|call| word_prefix(call, &self.helper_prefixes))
    }

    /// Whether the body fails on its own (without helpers), and its weak assertions.
    /// `?`, `unwrap`, `expect` and a returned `Result` fail a test only when it states no
    /// assertion at all: beside `assert!(result.is_ok())` or `assert!(true)` they are the
    /// setup (a temporary directory, a written file), and the weak assertion is the check.
    fn fails_directly(&self, body: &TestBody) -> (bool, Vec<String>) {
        let mut weak = Vec::new();
        let mut explicit = body.should_panic || body.compares;
        for use_ in &body.macros {
            if !word_prefix(&use_.name, &self.assert_macros) {
                continue;
            }
            if self.is_weak(use_) {
                let argument = use_.first_argument.clone().unwrap_or_default();
                weak.push(format!("`{}!({argument})`", use_.name));
            } else {
                explicit = true;
            }
        }
        let checking_call = body
            .methods
            .iter()
            .chain(&body.calls)
            .filter(|name| !self.failing_methods.contains(name))
            .any(|name| word_prefix(name, &self.helper_prefixes));
        let can_fail = body.returns_value
            || body.uses_try
            || body
                .methods
                .iter()
                .any(|method| self.failing_methods.contains(method));
        let fails = explicit || checking_call || (can_fail && weak.is_empty());
        (fails, weak)
    }

    fn judge(&self, test: &TestBody, helpers: &BTreeSet<String>) -> Verdict {
        let (fails, weak) = self.fails_directly(test);
        let helped = test
            .calls
            .iter()
            .chain(&test.methods)
            .any(|callee| helpers.contains(callee) && *callee != test.name);
        match (fails || helped, weak.is_empty()) {
            (true, _) => Verdict::Fails,
            (false, true) => Verdict::Nothing,
            (false, false) => Verdict::OnlyWeak(weak.join(", ")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::word_prefix;

    #[test]
    fn helper_names_match_by_whole_words() {
        let prefixes = vec!["check".to_string(), "assert".to_string()];
        assert!(word_prefix("check", &prefixes));
        assert!(word_prefix("check_output", &prefixes));
        assert!(word_prefix("assert_eq", &prefixes));
        assert!(!word_prefix("checked_add", &prefixes));
        assert!(!word_prefix("assertions", &prefixes));
        assert!(!word_prefix("run", &prefixes));
    }

    #[test]
    fn either_outcome_is_a_tautology() {
        let data = super::Data {
            tautologies: vec!["is_ok()|is_err()".to_string()],
            ..super::Data::default()
        };
        assert!(data.is_tautology("result.is_ok()||result.is_err()"));
        assert!(data.is_tautology("r.is_err()||r.is_ok()"));
        assert!(!data.is_tautology("a.is_ok()||b.is_err()"));
        assert!(!data.is_tautology("result.is_ok()"));
    }
}
