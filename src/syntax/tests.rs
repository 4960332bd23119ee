use super::{parse, Branch, Failure, Handling, Operation, Returns, SiteKind};

fn kinds(source: &str, function: &str) -> Vec<(u32, SiteKind)> {
    let parsed = parse(source);
    let found = parsed
        .functions
        .iter()
        .find(|f| f.qualified_name() == function)
        .unwrap_or_else(|| panic!("no function {function} in {:?}", parsed.functions));
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

#[test]
fn lock_unwrap_and_literal_parse_are_not_failure_sites() {
    let source = "fn f(m: &Mutex<u8>) -> u8 {\n    let port: u16 = \"8080\".parse().unwrap();\n    *m.lock().unwrap()\n}\n";
    assert_eq!(kinds(source, "f"), vec![]);
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
            (5, SiteKind::Handling(Handling::ReturnsFailure)),
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
fn one_arm_match_and_condvar_poisoning_are_not_sites() {
    let source = "fn f(inner: &Inner, cv: &Condvar, g: Guard) {\n    match inner {\n        Inner::Locked(l) => l.run(),\n    }\n    let _g = cv.wait_timeout(g, D).unwrap();\n    let _c = child.wait().unwrap();\n}\n";
    assert_eq!(
        kinds(source, "f"),
        vec![(6, SiteKind::Failure(Failure::Unwrap(Operation::Io)))]
    );
}
