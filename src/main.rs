//! The `ponder` command: parses arguments, runs the library, renders the report or the
//! error, and chooses the exit status (0: the analysis ran; 1: `--require-answers` and a
//! prompt is unanswered; 2: usage, repository or configuration error).

#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use ponder::report::{self, Format, Style};
use ponder::rules::registry;
use ponder::{analyze, Error, RangeSpec, Request};

#[derive(Parser)]
#[command(
    name = "ponder",
    version,
    about = "Asks the questions a careful reviewer would ask about a Rust change",
    long_about = "Asks the questions a careful reviewer would ask about a Rust change.\n\n\
        With no RANGE: the current branch against its upstream (or origin/HEAD, main, master), \
        plus staged and unstaged work. RANGE `A..B`: exactly those commits. RANGE `A`: \
        merge-base(A, HEAD)..HEAD.",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    /// `A..B`, `A...B`, or `A` (= merge-base(A, HEAD)..HEAD); none: branch + work in progress
    range: Option<String>,

    /// One commit against its first parent
    #[arg(long, value_name = "SHA", conflicts_with = "range")]
    commit: Option<String>,

    /// The repository to analyse
    #[arg(long, value_name = "PATH", default_value = ".")]
    repo: PathBuf,

    /// A configuration file instead of the repository's .ponder.toml
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,

    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    format: OutputFormat,

    /// Exit with status 1 while any prompt is unanswered
    #[arg(long)]
    require_answers: bool,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// What a rule looks for, why a reviewer asks, and how to answer it
    Explain {
        /// A rule id, as `ponder rules` lists them
        rule: String,
    },
    /// The rules, one line each
    Rules,
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    Human,
    Json,
}

pub fn main() -> ExitCode {
    let mut arguments: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // `cargo ponder ARGS` runs `cargo-ponder ponder ARGS`.
    if arguments.get(1).is_some_and(|a| a == "ponder") {
        arguments.remove(1);
    }
    let cli = Cli::parse_from(arguments);
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            let report = miette::Report::new(error);
            eprintln!("{report:?}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, Error> {
    match cli.command {
        Some(Command::Rules) => {
            let mut out = String::new();
            for rule in registry() {
                let definition = rule.definition();
                out.push_str(&format!("{:<20} {}\n", definition.id, definition.summary));
            }
            write_stdout(&out);
            return Ok(ExitCode::SUCCESS);
        }
        Some(Command::Explain { rule }) => {
            let rules = registry();
            let Some(found) = rules.iter().find(|r| r.definition().id == rule) else {
                let known: Vec<String> = rules.iter().map(|r| r.definition().id.clone()).collect();
                return Err(Error::UnknownRule {
                    id: rule,
                    known: known.join(", "),
                });
            };
            write_stdout(&explain(found.definition()));
            return Ok(ExitCode::SUCCESS);
        }
        None => {}
    }

    let range = match (&cli.commit, &cli.range) {
        (Some(sha), _) => RangeSpec::Commit(sha.clone()),
        (None, Some(range)) => RangeSpec::parse(range),
        (None, None) => RangeSpec::Default,
    };
    let request = Request {
        repo: cli.repo,
        range,
        config: cli.config,
    };
    let report = analyze(&request)?;
    let format = match cli.format {
        OutputFormat::Human => Format::Human,
        OutputFormat::Json => Format::Json,
    };
    let stdout = std::io::stdout();
    let style = Style {
        color: stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        width: terminal_width(),
    };
    write_stdout(&report::render(&report, format, style));
    if cli.require_answers && report.unanswered_in_change() > 0 {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<usize>().ok())
        .filter(|w| *w >= 40)
        .unwrap_or(100)
}

/// Writes the whole output at once; a closed pipe (`ponder | head`) is not an error.
fn write_stdout(text: &str) {
    let mut stdout = std::io::stdout().lock();
    // ponder: unhandled-failure: a reader that closed the pipe (`ponder | head`) has all it wants; there is no one left to tell
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

fn explain(definition: &ponder::rules::RuleDefinition) -> String {
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
