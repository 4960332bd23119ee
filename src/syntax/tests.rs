use super::{parse, Branch, Fact, Failure, Function, Guard, Operand, Operation, Returns, SiteKind};

fn function_named(source: &str, function: &str) -> Function {
    let parsed = parse(source);
    parsed
        .functions
        .iter()
        .find(|f| f.qualified_name() == function)
        .cloned()
        .unwrap_or_else(|| panic!("no function {function} in {:?}", parsed.functions))
}

fn kinds(source: &str, function: &str) -> Vec<(u32, SiteKind)> {
    let found = function_named(source, function);
    found.sites.iter().map(|s| (s.line, s.kind)).collect()
}

#[test]
fn unwrap_on_io_is_a_failure_site_with_its_operation() {
    let source =
        "use std::fs;\nfn load(path: &str) -> String {\n    fs::read_to_string(path).unwrap()\n}\n";
    assert_eq!(
        kinds(source, "load"),
        vec![(3, SiteKind::Failure(Failure::Unwrap(Operation::Io)))]
    );
}

/// The operands of a function's failure sites, in line order.
fn operands(source: &str, function: &str) -> Vec<Operand> {
    function_named(source, function)
        .sites
        .iter()
        .filter_map(|site| site.operand.as_deref().cloned())
        .collect()
}

#[test]
fn lock_unwrap_and_literal_parse_carry_what_makes_them_infallible() {
    let source = "fn f(m: &Mutex<u8>) -> u8 {\n    let port: u16 = \"8080\".parse().unwrap();\n    *m.lock().unwrap()\n}\n";
    let found = operands(source, "f");
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].literal_input && found[0].call == "parse");
    assert_eq!((found[1].call.as_str(), found[1].arguments), ("lock", 0));
    assert!(!found[1].literal_input);
}

fn guard(subject: &str, fact: Fact) -> Guard {
    Guard {
        subject: subject.to_string(),
        fact,
    }
}

#[test]
fn conditions_that_dominate_an_operation_are_its_guards() {
    let source = r#"fn f(v: &mut Vec<u8>, s: &str, i: usize, map: &Map, n: u32) {
    if v.len() == 1 {
        v.pop().unwrap();
    }
    if s.is_empty() {
        return;
    }
    s.chars().next().unwrap();
    if i < s.chars().count() && matches!(map.get(&i), Some(_)) {
        s.chars().nth(i).unwrap();
    }
    let _ok = !map.contains_key(&n) || map[&n] > 0;
    other.pop().unwrap();
}"#;
    let found = operands(source, "f");
    assert!(
        found[0].guards.contains(&guard("v", Fact::NonEmpty)),
        "{:?}",
        found[0]
    );
    assert_eq!(found[1].receiver.as_deref(), Some("s"));
    assert!(
        found[1].guards.contains(&guard("s", Fact::NonEmpty)),
        "{:?}",
        found[1]
    );
    assert!(found[2]
        .guards
        .contains(&guard("s", Fact::Below("i".into()))));
    assert!(found[2]
        .guards
        .contains(&guard("map.get(&i)", Fact::Present)));
    assert_eq!(found[3].argument.as_deref(), Some("n"));
    assert!(found[3]
        .guards
        .contains(&guard("map", Fact::Contains("n".into()))));
    // Only the early return is still in force after the `if` blocks close.
    assert_eq!(found[4].guards, vec![guard("s", Fact::NonEmpty)]);
}

#[test]
fn methods_are_named_after_their_type_and_test_code_is_marked() {
    let source = r#"
struct Cache;
impl Cache {
    pub fn get(&self, key: &str) -> Option<u8> {
        if key.is_empty() { return None; }
        self.map.get(key).copied()
    }
}
#[cfg(test)]
mod tests {
    #[test]
    fn get_empty() { assert!(Cache.get("").is_none()); }
}
"#;
    let parsed = parse(source);
    let names: Vec<(String, bool)> = parsed
        .functions
        .iter()
        .map(|f| (f.qualified_name(), f.is_test))
        .collect();
    assert_eq!(
        names,
        vec![
            ("Cache::get".to_string(), false),
            ("get_empty".to_string(), true)
        ]
    );
    assert_eq!(parsed.functions[0].returns, Returns::Option);
    assert_eq!(
        kinds(source, "Cache::get"),
        vec![
            (5, SiteKind::Branch(Branch::If)),
            (5, SiteKind::Branch(Branch::EarlyReturn)),
        ]
    );
    assert!(parsed.functions[1].identifiers.contains("Cache"));
}

#[test]
fn guarded_continue_and_runtime_index_and_panic_inside_macros() {
    let source = r#"fn total(rows: &[Row], columns: &[usize]) -> u64 {
    let mut sum = 0;
    for row in rows {
        if row.skip {
            continue;
        }
        sum += row.values[columns[0]];
    }
    println!("{}", rows.first().unwrap().name);
    if sum == 0 { unreachable!("no rows") }
    sum
}"#;
    let found = kinds(source, "total");
    assert!(found.contains(&(5, SiteKind::Branch(Branch::GuardedContinue))));
    assert!(found.contains(&(7, SiteKind::Failure(Failure::Index))));
    assert!(found.contains(&(9, SiteKind::Failure(Failure::Unwrap(Operation::Lookup)))));
    assert!(found.contains(&(10, SiteKind::Failure(Failure::PanicMacro))));
}

#[test]
fn unparsable_text_reports_the_error_line_and_never_panics() {
    let parsed = parse("fn broken( {\n");
    assert!(parsed.parse_error.is_some());
    assert!(parsed.functions.is_empty());
    for text in [
        "",
        "\u{feff}",
        "#!",
        "fn",
        "r#\"",
        "'",
        "/*",
        "fn f() { let x = ; }",
    ] {
        let _ = parse(text);
    }
}

#[test]
fn let_else_is_shown_whole() {
    let source = "fn f(vars: Vec<String>) {\n    for name in vars {\n        let Some(key) = name.strip_prefix(P) else {\n            continue;\n        };\n    }\n}\n";
    let parsed = parse(source);
    let codes: Vec<&str> = parsed.functions[0]
        .sites
        .iter()
        .map(|s| s.code.as_str())
        .collect();
    assert!(
        codes.contains(&"let Some(key) = name.strip_prefix(P) else"),
        "{codes:?}"
    );
}

#[test]
fn one_arm_match_is_not_a_branch_and_condvar_waits_count_their_arguments() {
    let source = "fn f(inner: &Inner, cv: &Condvar, g: Guard) {\n    match inner {\n        Inner::Locked(l) => l.run(),\n    }\n    let _g = cv.wait_timeout(g, D).unwrap();\n    let _c = child.wait().unwrap();\n}\n";
    assert_eq!(
        kinds(source, "f"),
        vec![
            (5, SiteKind::Failure(Failure::Unwrap(Operation::Other))),
            (6, SiteKind::Failure(Failure::Unwrap(Operation::Io)))
        ]
    );
    let found = operands(source, "f");
    assert_eq!(
        (found[0].call.as_str(), found[0].arguments),
        ("wait_timeout", 2)
    );
    assert_eq!((found[1].call.as_str(), found[1].arguments), ("wait", 0));
}

#[test]
fn compact_text_drops_whitespace_references_and_enclosing_parentheses_only() {
    use super::operations::compact;
    let text = |source: &str| compact(&syn::parse_str::<syn::Expr>(source).expect("parses"));
    assert_eq!(text("( & ( self . items ) )"), "self.items");
    assert_eq!(text("&mut map [ key ]"), "map[key]");
    assert_eq!(text("(a) + (b)"), "(a)+(b)");
    assert_eq!(text("&mutable"), "mutable");
}

/// ponder lexes a text once and hands the tokens to syn, so it does what `syn::parse_file`
/// does first itself: a byte order mark and a shebang line are not code, `#![…]` is.
#[test]
fn byte_order_marks_and_shebangs_parse_as_syn_parse_file_does() {
    let body = "fn main() {\n    std::fs::read(\"x\").unwrap();\n}\n";
    for (text, first_line) in [
        (format!("\u{feff}{body}"), 1),
        (format!("#!/usr/bin/env run-cargo-script\n{body}"), 2),
        (format!("#!/usr/bin/env x // a comment\n{body}"), 2),
        (format!("#![allow(unused)]\n{body}"), 2),
        (format!("#! /* spaced */ [allow(unused)]\n{body}"), 2),
        (format!("\u{feff}#!/bin/run\n{body}"), 2),
    ] {
        let parsed = parse(&text);
        assert_eq!(parsed.parse_error, None, "{text:?}");
        let main = parsed.functions.iter().find(|f| f.name == "main");
        assert_eq!(main.map(|f| f.start_line), Some(first_line), "{text:?}");
        assert_eq!(
            main.map(|f| f.sites.len()),
            Some(1),
            "{text:?}: the unwrap is a site"
        );
    }
    // Only a shebang: nothing to parse, and no error.
    assert_eq!(parse("#!/bin/sh").parse_error, None);
}
