//! The `ponder` command: parses arguments, runs the library, renders the report or the
//! error, and chooses the exit status (0: the analysis ran; 1: `--require-answers` and a
//! prompt is unanswered; 2: usage, repository or configuration error). The work is done
//! in `cli/`; this file is the entry point both binaries share.

#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::process::ExitCode;

use clap::Parser;

mod cli;

pub fn main() -> ExitCode {
    let mut arguments: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // `cargo ponder ARGS` runs `cargo-ponder ponder ARGS`.
    if arguments.get(1).is_some_and(|a| a == "ponder") {
        arguments.remove(1);
    }
    let cli = match cli::Cli::try_parse_from(arguments) {
        Ok(cli) => cli,
        Err(error) => return cli::usage_error(error),
    };
    match cli::run(cli) {
        Ok(code) => code,
        Err(error) => {
            let report = miette::Report::new(cli::Neutral::new(error));
            cli::say_error(&format!("{report:?}\n"));
            ExitCode::from(2)
        }
    }
}
