use super::Config;
use crate::error::Error;
use crate::rules::registry;

fn parse(text: &str) -> Result<Config, Error> {
    let rules = registry();
    let definitions: Vec<_> = rules.iter().map(|rule| rule.definition()).collect();
    Config::parse(".ponder.toml", text, &definitions)
}

fn message(result: Result<Config, Error>) -> String {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn design_example_parses_and_overrides_defaults() {
    let config = parse(
        r#"
skip = ["vendor/**", "src/generated/**"]
[rules.bulk-insertion]
enabled = true
min_added_lines = 120
[rules.unhandled-failure.questions]
unwrap = "Why unwrap `{code}` in `{function}`?"
[[custom]]
id = "println-in-library"
pattern = 'println!\('
paths = ["src/**"]
question = "Who reads this output?"
"#,
    )
    .expect("valid config");
    assert!(config.is_skipped("vendor/lib/a.rs"));
    assert!(!config.is_skipped("src/lib.rs"));
    let thresholds = &config.rules["bulk-insertion"].thresholds;
    assert_eq!(
        thresholds.get("min_added_lines"),
        Some(&toml::Value::Integer(120))
    );
    assert_eq!(
        thresholds.get("max_deletion_ratio"),
        Some(&toml::Value::Float(0.2))
    );
    assert_eq!(config.custom.len(), 1);
}

#[test]
fn unknown_keys_are_named() {
    assert!(message(parse("skipp = []")).contains("`skipp`"));
    assert!(
        message(parse("[rules.bulk-insertion]\nmin_added_line = 3")).contains("`min_added_line`")
    );
    assert!(message(parse("[rules.no-such-rule]\nenabled = false")).contains("`no-such-rule`"));
    assert!(message(parse("[rules.unhandled-failure.questions]\nnope = \"x\"")).contains("`nope`"));
}

#[test]
fn wrong_types_and_placeholders_are_errors() {
    assert!(
        message(parse("[rules.bulk-insertion]\nmin_added_lines = \"many\""))
            .contains("min_added_lines")
    );
    assert!(
        message(parse("[rules.bulk-insertion]\nmin_added_lines = -1")).contains("min_added_lines")
    );
    assert!(message(parse(
        "[rules.unhandled-failure.questions]\nunwrap = \"{who}\""
    ))
    .contains("{who}"));
    assert!(message(parse("skip = [\"a/[\"]")).contains("not a valid glob"));
    assert!(message(parse("not toml at all")).contains("not valid TOML"));
}

#[test]
fn custom_patterns_are_checked() {
    let invalid = "[[custom]]\nid = \"x-y\"\npattern = '('\nquestion = \"q?\"";
    assert!(message(parse(invalid)).contains("not a valid regex"));
    let huge = format!(
        "[[custom]]\nid = \"x-y\"\npattern = '{}'\nquestion = \"q?\"",
        "a".repeat(5000)
    );
    assert!(message(parse(&huge)).contains("characters long"));
    let taken = "[[custom]]\nid = \"bulk-insertion\"\npattern = 'a'\nquestion = \"q?\"";
    assert!(message(parse(taken)).contains("cannot be a custom rule id"));
}

#[test]
fn error_points_at_the_key() {
    let text = "[rules.bulk-insertion]\nmin_added_line = 3\n";
    let Err(Error::ConfigInvalid(invalid)) = parse(text) else {
        panic!("expected a config error");
    };
    let span = invalid.span.expect("the error points at the key");
    assert_eq!(
        &text[span.offset()..span.offset() + span.len()],
        "min_added_line"
    );
}
