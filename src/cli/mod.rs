//! The CLI layer: the only place that prints. `args` holds what clap parses, `color` the
//! `--color` precedence, `run` the analysis command, `commands` the rules, explain, hook,
//! completions and man subcommands, `post` the forge posters, `output` the writing of
//! output and the exit status.

/// `eprintln!` that cannot panic: a message nobody can read (stderr closed or full) is
/// dropped, it does not turn into a crash.
macro_rules! say {
    ($($argument:tt)*) => {
        super::output::say_raw(&format!("{}\n", format_args!($($argument)*)))
    };
}

mod args;
mod color;
mod commands;
mod diagnostic;
mod output;
mod post;
mod run;

pub use args::Cli;
pub use color::{clap_color, color_flags_last, wants_color_here};
pub use diagnostic::{usage_error, Neutral};
pub use output::say_raw as say_error;
pub use run::{columns, run};
