//! Consistency of the rules' four places: registry, detection module, TOML, fixtures.

use std::collections::BTreeSet;
use std::path::Path;

use super::{placeholders, registry, render};

#[test]
fn every_definition_parses_and_its_id_is_its_file_name() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut ids = BTreeSet::new();
    for rule in registry() {
        let definition = rule.definition();
        assert!(
            root.join("rules")
                .join(format!("{}.toml", definition.id))
                .is_file(),
            "rules/{}.toml is missing",
            definition.id
        );
        assert!(
            root.join("src/rules")
                .join(format!("{}.rs", definition.id.replace('-', "_")))
                .is_file(),
            "src/rules/{}.rs is missing",
            definition.id.replace('-', "_")
        );
        let fixtures = root.join("fixtures").join(&definition.id);
        let cases: Vec<String> = std::fs::read_dir(&fixtures)
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        assert!(
            cases.iter().any(|c| c.starts_with("asks-"))
                && cases.iter().any(|c| c.starts_with("quiet-")),
            "fixtures/{} needs asks-… and quiet-… cases",
            definition.id
        );
        let kebab = definition
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        assert!(kebab, "{} is not kebab-case", definition.id);
        assert!(
            ids.insert(definition.id.clone()),
            "{} registered twice",
            definition.id
        );
    }
    // Every TOML in rules/ belongs to a registered rule.
    for entry in std::fs::read_dir(root.join("rules")).expect("rules/ exists") {
        let name = entry.expect("readable entry").file_name();
        let name = name.to_string_lossy();
        if let Some(id) = name.strip_suffix(".toml") {
            assert!(ids.contains(id), "rules/{name} is not in the registry");
        }
    }
}

#[test]
fn templates_use_exactly_the_variables_their_rule_supplies() {
    for rule in registry() {
        let definition = rule.definition();
        let declared: BTreeSet<&str> = rule.variables().iter().map(|(key, _)| *key).collect();
        let mut written = BTreeSet::new();
        for (table, templates) in [
            ("questions", &definition.questions),
            ("evidence", &definition.evidence),
        ] {
            for (key, template) in templates {
                let full = format!("{table}.{key}");
                let Some((_, variables)) = rule.variables().iter().find(|(k, _)| *k == full) else {
                    panic!(
                        "{}: template {full} is not declared by the rule",
                        definition.id
                    );
                };
                let used: BTreeSet<String> = placeholders(template).into_iter().collect();
                let supplied: BTreeSet<String> = variables.iter().map(|v| v.to_string()).collect();
                assert_eq!(
                    used, supplied,
                    "{}: {full} placeholders differ from what the rule supplies",
                    definition.id
                );
                written.insert(full);
            }
        }
        let declared: BTreeSet<String> = declared.into_iter().map(str::to_string).collect();
        assert_eq!(
            declared, written,
            "{}: declared templates missing from the TOML",
            definition.id
        );
    }
}

#[test]
fn every_data_table_has_the_shape_its_rule_reads() {
    for rule in registry() {
        if let Some(problem) = rule.data_problem() {
            panic!("rules/{}.toml: {problem}", rule.definition().id);
        }
    }
}

#[test]
fn every_rule_reads_exactly_the_thresholds_its_toml_declares() {
    for rule in registry() {
        let definition = rule.definition();
        let defaults = crate::model::RuleSettings {
            enabled: true,
            thresholds: definition.thresholds.clone(),
            questions: definition.questions.clone(),
            evidence: definition.evidence.clone(),
        };
        if let Some(problem) = rule.thresholds_problem(&defaults) {
            panic!("rules/{}.toml [thresholds]: {problem}", definition.id);
        }
    }
}

#[test]
fn every_rule_has_tags_for_code_scanning() {
    for rule in registry() {
        let definition = rule.definition();
        assert!(
            definition.tags.iter().any(|tag| tag == "review"),
            "rules/{}.toml: tags should include \"review\" and say what the rule is about",
            definition.id
        );
    }
}

#[test]
fn a_rule_yields_only_to_other_registered_rules() {
    let ids: BTreeSet<String> = registry()
        .iter()
        .map(|rule| rule.definition().id.clone())
        .collect();
    for rule in registry() {
        let definition = rule.definition();
        for other in &definition.yields_to {
            assert!(
                ids.contains(other) && other != &definition.id,
                "rules/{}.toml: yields_to names `{other}`, which is not another rule",
                definition.id
            );
        }
    }
}

#[test]
fn a_misspelt_or_missing_threshold_is_a_problem_not_a_zero() {
    let rule = registry()
        .into_iter()
        .find(|rule| rule.definition().id == "bulk-insertion")
        .expect("bulk-insertion is registered");
    let definition = rule.definition();
    let mut settings = crate::model::RuleSettings {
        enabled: true,
        thresholds: definition.thresholds.clone(),
        questions: definition.questions.clone(),
        evidence: definition.evidence.clone(),
    };
    let value = settings
        .thresholds
        .remove("min_added_lines")
        .expect("bulk-insertion has min_added_lines");
    let missing = rule.thresholds_problem(&settings).unwrap_or_default();
    assert!(missing.contains("min_added_lines"), "{missing}");
    settings
        .thresholds
        .insert("min_aded_lines".to_string(), value);
    let misspelt = rule.thresholds_problem(&settings).unwrap_or_default();
    assert!(misspelt.contains("min_aded_lines"), "{misspelt}");
}

#[test]
fn prompts_never_use_the_words_of_a_verdict() {
    for rule in registry() {
        let definition = rule.definition();
        for template in definition
            .questions
            .values()
            .chain(definition.evidence.values())
        {
            let lower = template.to_lowercase();
            for word in [
                "error",
                "violation",
                "bad ",
                "ai-generated",
                "you must",
                "you should",
            ] {
                assert!(
                    !lower.contains(word),
                    "{}: `{word}` in {template:?}",
                    definition.id
                );
            }
        }
    }
}

#[test]
fn rendering_fills_placeholders_and_keeps_literal_braces() {
    let filled = render(
        "`{function}` in {{braces}} at {location}",
        &[
            ("function", "load".into()),
            ("location", "src/a.rs:3".into()),
        ],
    );
    assert_eq!(filled, "`load` in {braces} at src/a.rs:3");
    assert_eq!(render("{missing}", &[]), "{missing}");
    assert_eq!(render("dangling {", &[]), "dangling {");
}

/// The other direction of the four places: nothing under `src/rules/` or `fixtures/` that
/// the registry does not know, so a rule half added (or half removed) fails here.
#[test]
fn every_rule_module_and_fixture_folder_is_registered() {
    const SHARED: &[&str] = &["mod", "definition", "helpers", "custom", "signals", "tests"];
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ids: BTreeSet<String> = registry()
        .iter()
        .map(|rule| rule.definition().id.clone())
        .collect();
    for entry in std::fs::read_dir(root.join("src/rules")).expect("src/rules/ exists") {
        let name = entry.expect("readable entry").file_name();
        let name = name.to_string_lossy();
        if let Some(stem) = name.strip_suffix(".rs") {
            if !SHARED.contains(&stem) {
                assert!(
                    ids.contains(&stem.replace('_', "-")),
                    "src/rules/{name} is not in the registry"
                );
            }
        }
    }
    for entry in std::fs::read_dir(root.join("fixtures")).expect("fixtures/ exists") {
        let entry = entry.expect("readable entry");
        if entry.path().is_dir() {
            let name = entry.file_name().to_string_lossy().into_owned();
            assert!(
                ids.contains(&name),
                "fixtures/{name}/ is not a registered rule"
            );
        }
    }
}

/// The README's section on the rules has a heading for every registered rule, in
/// registry order, and no other: it is the first place a user looks, and SARIF's
/// `helpUri` links to those headings.
#[test]
fn the_readme_lists_every_rule_in_registry_order() {
    let readme = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"));
    let section = readme
        .split("\n## The rules")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("README has a section `## The rules`");
    let listed: Vec<&str> = section
        .lines()
        .filter_map(|line| line.strip_prefix("#### "))
        .map(str::trim)
        .collect();
    let registered: Vec<String> = registry()
        .iter()
        .map(|rule| rule.definition().id.clone())
        .collect();
    assert_eq!(listed, registered);
}
