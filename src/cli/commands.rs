//! The subcommands that describe ponder or set it up: `rules`, `explain`, `hook install`
//! and `uninstall`, `completions`, `man`.

use std::process::ExitCode;

use clap::CommandFactory;
use ponder::rules::registry;
use ponder::{hook, Error};

use super::args::{Cli, RulesArgs, RulesFormat};
use super::output::{after_output, write_stdout};

/// `ponder rules`: one line per rule, or a JSON array, with what the repository's
/// configuration turns off.
pub fn rules(args: &RulesArgs) -> Result<ExitCode, Error> {
    let listed = ponder::configured_rules(&args.repo, args.config.as_ref())?;
    let out = match args.format {
        RulesFormat::Text => listed
            .iter()
            .map(|(definition, enabled)| {
                let off = match (*enabled, definition.enabled) {
                    (true, _) => "",
                    (false, false) => " (off by default)",
                    (false, true) => " (disabled)",
                };
                format!("{:<20} {}{off}\n", definition.id, definition.summary)
            })
            .collect(),
        RulesFormat::Json => {
            let rules: Vec<ListedRule> = listed
                .iter()
                .map(|(definition, enabled)| ListedRule {
                    id: &definition.id,
                    title: &definition.title,
                    enabled: *enabled,
                    on_by_default: definition.enabled,
                    summary: &definition.summary,
                })
                .collect();
            // Serialising borrowed strings and a bool cannot fail; an empty array stands in.
            let json = serde_json::to_string_pretty(&rules).unwrap_or_else(|_| "[]".to_string());
            format!("{json}\n")
        }
    };
    after_output(write_stdout(&out), false, 0, &[])
}

/// One rule of `ponder rules --format json`, its fields in this order.
#[derive(serde::Serialize)]
struct ListedRule<'a> {
    id: &'a str,
    title: &'a str,
    /// Whether this repository's configuration runs it.
    enabled: bool,
    /// Whether it runs without configuration (a new rule ships off until the judgment
    /// corpus shows its precision).
    on_by_default: bool,
    summary: &'a str,
}

/// `ponder completions SHELL`: clap_complete's script for the command as parsed here.
pub fn completions(shell: clap_complete::Shell) -> Result<ExitCode, Error> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "ponder", &mut script);
    after_output(
        write_stdout(&String::from_utf8_lossy(&script)),
        false,
        0,
        &[],
    )
}

/// `ponder man`: the manual page, in roff.
pub fn man() -> Result<ExitCode, Error> {
    let mut page = Vec::new();
    if let Err(source) = clap_mangen::Man::new(Cli::command()).render(&mut page) {
        // Rendering writes into a Vec, which does not fail; were it to, it is output lost.
        return Err(Error::OutputFailed { source });
    }
    after_output(write_stdout(&String::from_utf8_lossy(&page)), false, 0, &[])
}

/// `ponder explain RULE`.
pub fn explain(rule: &str) -> Result<ExitCode, Error> {
    let rules = registry();
    let Some(found) = rules.iter().find(|r| r.definition().id == rule) else {
        let known: Vec<&str> = rules.iter().map(|r| r.definition().id.as_str()).collect();
        return Err(Error::UnknownRule {
            id: rule.to_string(),
            known: known.join(", "),
            did_you_mean: ponder::suggest::did_you_mean(
                ponder::suggest::nearest(rule, known.iter().copied()),
                "",
            ),
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

/// `ponder hook uninstall`: removes ponder's hook, and only ponder's.
pub fn uninstall_hook(repo: &std::path::Path) -> Result<ExitCode, Error> {
    match hook::uninstall_pre_push(repo)? {
        hook::Uninstalled::Removed(path) => {
            say!("ponder: removed the pre-push hook {}", path.display())
        }
        hook::Uninstalled::Absent(path) => say!(
            "ponder: there is no pre-push hook at {}; nothing to remove",
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
