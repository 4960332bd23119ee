//! The calls-only reader on small, realistic sources.

use super::{read_calls, Call, CallKind};

fn calls_of(source: &str, function: &str) -> Vec<Call> {
    read_calls(source)
        .functions
        .into_iter()
        .find(|f| f.name == function)
        .map(|f| f.calls)
        .unwrap_or_default()
}

fn call(kind: CallKind, name: &str, qualifier: Option<&str>) -> Call {
    Call {
        kind,
        name: name.to_string(),
        qualifier: qualifier.map(str::to_string),
    }
}

#[test]
fn functions_methods_paths_and_macros_are_calls() {
    let source = r#"
        fn run(input: &str) -> Config {
            let config = Config::load(input).unwrap();
            assert_eq!(parse::version(), helper(config.level()));
            let items: Vec<u32> = input.lines().map(Self::convert).collect::<Vec<_>>();
            check!(validate(&items));
            config
        }
    "#;
    let calls = calls_of(source, "run");
    for expected in [
        call(CallKind::Function, "load", Some("Config")),
        call(CallKind::Function, "version", Some("parse")),
        call(CallKind::Function, "helper", None),
        call(CallKind::Method, "level", None),
        call(CallKind::Function, "convert", Some("Self")),
        call(CallKind::Macro, "check", None),
        call(CallKind::Function, "validate", None),
        call(CallKind::Method, "collect", None),
    ] {
        assert!(calls.contains(&expected), "{expected:?} in {calls:?}");
    }
    // Types are not calls; a lone argument (`input`) may be a function passed as a value.
    assert!(!calls.iter().any(|c| c.name == "Vec" || c.name == "Config"));
}

#[test]
fn owners_modules_and_test_code() {
    let source = r#"
        impl<'a, T: Into<String>> fmt::Display for Wrapper<'a, T> where T: Clone {
            fn fmt(&self) {}
        }
        trait Visit { fn visit(&self) { self.enter() } }
        cfg_rt! {
            impl Runtime { pub(crate) fn block_on(&self) {} }
        }
        #[cfg(test)]
        mod tests {
            use super::*;
            #[test]
            #[ignore = "needs a network"]
            fn online() {}
            #[test]
            fn runs() { let out = Command::new(env!("CARGO_BIN_EXE_demo")); }
            fn helper() {}
        }
        #[cfg(test)]
        mod mocks;
        #[cfg(all(test, unix))]
        #[path = "unix_tests.rs"]
        mod unix;
        mod real;
    "#;
    let file = read_calls(source);
    let by_name = |name: &str| file.functions.iter().find(|f| f.name == name).unwrap();
    assert_eq!(by_name("fmt").owner.as_deref(), Some("Wrapper"));
    assert!(by_name("fmt").in_trait_impl && !by_name("block_on").in_trait_impl);
    assert_eq!(by_name("visit").owner.as_deref(), Some("Visit"));
    assert_eq!(by_name("block_on").owner.as_deref(), Some("Runtime"));
    assert!(by_name("runs").is_test && by_name("runs").runs_binary);
    assert!(by_name("online").is_ignored && !by_name("runs").is_ignored);
    assert_eq!(by_name("helper").modules, vec!["tests"]);
    assert!(by_name("helper").is_test && !by_name("fmt").is_test);
    let declared: Vec<(&str, bool, Option<&str>)> = file
        .declared_modules
        .iter()
        .map(|m| (m.name.as_str(), m.is_test, m.path.as_deref()))
        .collect();
    assert_eq!(
        declared,
        vec![
            ("mocks", true, None),
            ("unix", true, Some("unix_tests.rs")),
            ("real", false, None)
        ]
    );
}

#[test]
fn text_that_does_not_lex_is_unreadable() {
    assert!(read_calls("fn broken( {").unreadable);
    assert!(read_calls("#![cfg(test)]\nfn a() {}").file_is_test);
}
