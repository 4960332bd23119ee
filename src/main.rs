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

use std::io::IsTerminal;

use clap::{CommandFactory, FromArgMatches};

mod cli;

pub fn main() -> ExitCode {
    let mut arguments: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let mut command = cli::Cli::command();
    // `cargo ponder ARGS` runs `cargo-ponder ponder ARGS`; its usage lines and errors then
    // name the command the user typed.
    if arguments.get(1).is_some_and(|a| a == "ponder") {
        arguments.remove(1);
        command = command.bin_name("cargo ponder");
    }
    // clap's help and usage errors follow an explicit `--color` too.
    command = command.color(cli::clap_color(&arguments));
    let cli = match command
        .try_get_matches_from_mut(cli::color_flags_last(arguments.clone()))
        .and_then(|matches| cli::Cli::from_arg_matches(&matches))
    {
        Ok(cli) => cli,
        // `--help` and `--version` as clap prints them; a usage error with what it echoes
        // of the arguments neutralised.
        Err(error) => {
            let error = error.format(&mut command);
            return cli::usage_error(error, &mut command, &arguments);
        }
    };
    // Errors go to stderr, coloured by the same `--color` rules as the report on stdout.
    let error_color = cli::wants_color_here(cli.color, std::io::stderr().is_terminal());
    // set_hook fails only when a hook is already set; this is the one place that sets one.
    let _ = miette::set_hook(Box::new(move |_| {
        let options = miette::MietteHandlerOpts::new().color(error_color);
        Box::new(
            match cli::columns() {
                Some(width) => options.width(width),
                None => options,
            }
            .build(),
        )
    }));
    match cli::run(cli) {
        Ok(code) => code,
        Err(error) => {
            let report = miette::Report::new(cli::Neutral::new(error));
            cli::say_error(&format!("{report:?}\n"));
            ExitCode::from(2)
        }
    }
}
