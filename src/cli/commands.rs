//! The subcommands that describe ponder or set it up: `rules`, `explain`, `hook install`.

use std::process::ExitCode;

use ponder::rules::registry;
use ponder::{hook, Error};

use super::output::{after_output, write_stdout};

/// `ponder rules`: one line per rule.
pub fn rules() -> Result<ExitCode, Error> {
    let mut out = String::new();
    for rule in registry() {
        let definition = rule.definition();
        let off = if definition.enabled {
            ""
        } else {
            " (off by default)"
        };
        out.push_str(&format!(
            "{:<20} {}{off}\n",
            definition.id, definition.summary
        ));
    }
    after_output(write_stdout(&out), false, 0, &[])
}

/// `ponder explain RULE`.
pub fn explain(rule: &str) -> Result<ExitCode, Error> {
    let rules = registry();
    let Some(found) = rules.iter().find(|r| r.definition().id == rule) else {
        let known: Vec<String> = rules.iter().map(|r| r.definition().id.clone()).collect();
        return Err(Error::UnknownRule {
            id: rule.to_string(),
            known: known.join(", "),
        });
    };
    after_output(
        write_stdout(&explanation(found.definition())),
        false,
        0,
        &[],
    )
}

pub fn install_hook(
    repo: &std::path::Path,
    force: bool,
    require_answers: bool,
) -> Result<ExitCode, Error> {
    let options = hook::HookOptions {
        force,
        require_answers,
    };
    match hook::install_pre_push(repo, options)? {
        hook::Installed::Created(path) => {
            say!("ponder: installed the pre-push hook {}", path.display())
        }
        hook::Installed::Replaced(path) => {
            say!("ponder: replaced the pre-push hook {}", path.display())
        }
        hook::Installed::Unchanged(path) => say!(
            "ponder: the pre-push hook {} is already installed",
            path.display()
        ),
    }
    Ok(ExitCode::SUCCESS)
}

fn explanation(definition: &ponder::rules::RuleDefinition) -> String {
    let docs = &definition.docs;
    let mut out = format!(
        "{} — {}\n\n{}\n",
        definition.id, definition.title, definition.summary
    );
    let sections = [
        ("What it asks about", &docs.asks_about),
        ("Why a reviewer asks", &docs.why),
        ("An example that asks", &docs.example_asks),
        ("An example that stays quiet", &docs.example_quiet),
        ("Known limits", &docs.limits),
        ("How to answer", &docs.answering),
    ];
    if !definition.enabled {
        out.push_str(&format!(
            "\nOff by default: turn it on with `enabled = true` under [rules.{}] in .ponder.toml.\n",
            definition.id
        ));
    }
    for (heading, text) in sections {
        out.push_str(&format!("\n{heading}\n{}\n", text.trim_matches('\n')));
    }
    if !definition.thresholds.is_empty() {
        out.push_str(&format!(
            "\nThresholds (set them in .ponder.toml under [rules.{}])\n",
            definition.id
        ));
        for (key, value) in &definition.thresholds {
            out.push_str(&format!("    {key} = {value}\n"));
        }
    }
    out
}
