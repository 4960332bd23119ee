//! Whether to colour what ponder writes: `--color`, then the variables other tools honour,
//! in cargo's and ripgrep's order. An explicit `always` or `never` wins over every
//! variable; under `auto`, a non-empty `NO_COLOR` (no-color.org) wins over
//! `CLICOLOR_FORCE` and `FORCE_COLOR`, which colour output that is not a terminal;
//! `CLICOLOR=0` turns colour off on a terminal; otherwise a terminal gets colour.

use std::ffi::OsString;

use clap::ValueEnum;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, ValueEnum)]
pub enum ColorChoice {
    /// Colour a terminal, as the environment allows
    #[default]
    Auto,
    /// Colour, whatever the output and the environment
    Always,
    /// Never colour
    Never,
}

/// The precedence `--color`'s help states, for a stream that `is_terminal` or not, with
/// the environment read through `var`.
pub fn wants_color(
    choice: ColorChoice,
    is_terminal: bool,
    var: impl Fn(&str) -> Option<OsString>,
) -> bool {
    match choice {
        ColorChoice::Always => return true,
        ColorChoice::Never => return false,
        ColorChoice::Auto => {}
    }
    let set = |name: &str| var(name).filter(|value| !value.is_empty());
    // Unset, empty, `0` or `false` do not force (FORCE_COLOR=0 is how Node's tools say
    // "no colour"; here it only leaves the decision to the rest).
    let forces = |name: &str| set(name).is_some_and(|value| value != "0" && value != "false");
    if set("NO_COLOR").is_some() {
        return false;
    }
    if forces("CLICOLOR_FORCE") || forces("FORCE_COLOR") {
        return true;
    }
    if set("CLICOLOR").is_some_and(|value| value == "0") {
        return false;
    }
    is_terminal
}

/// The arguments with every `--color WHEN` (or `--color=WHEN`) moved to the end (before
/// a `--`): the flag is global, so where it stands does not change what it means, but the
/// top-level command treats any argument as the start of an analysis, which would read
/// `ponder --color never rules` as the range `rules`.
pub fn color_flags_last(arguments: Vec<OsString>) -> Vec<OsString> {
    let mut rest = Vec::with_capacity(arguments.len());
    let mut moved = Vec::new();
    let mut arguments = arguments.into_iter();
    // The program name stays first.
    rest.extend(arguments.next());
    while let Some(argument) = arguments.next() {
        if argument == "--" {
            rest.append(&mut moved);
            rest.push(argument);
            rest.extend(arguments.by_ref());
            return rest;
        }
        if argument == "--color" {
            moved.push(argument);
            moved.extend(arguments.next());
        } else if argument.to_str().is_some_and(|a| a.starts_with("--color=")) {
            moved.push(argument);
        } else {
            rest.push(argument);
        }
    }
    rest.extend(moved);
    rest
}

/// The colour clap's own help and usage errors use: an explicit `--color always|never`
/// among `arguments` (the last one wins, as clap reads it), else clap's own `auto`, which
/// reads NO_COLOR, CLICOLOR_FORCE and CLICOLOR as `wants_color` does.
pub fn clap_color(arguments: &[OsString]) -> clap::ColorChoice {
    let mut chosen = clap::ColorChoice::Auto;
    let mut arguments = arguments.iter().take_while(|a| *a != "--");
    while let Some(argument) = arguments.next() {
        let value = if argument == "--color" {
            arguments.next().and_then(|v| v.to_str())
        } else {
            argument.to_str().and_then(|a| a.strip_prefix("--color="))
        };
        chosen = match value {
            Some("always") => clap::ColorChoice::Always,
            Some("never") => clap::ColorChoice::Never,
            Some(_) => clap::ColorChoice::Auto,
            None => chosen,
        };
    }
    chosen
}

/// [`wants_color`] with this process's environment.
pub fn wants_color_here(choice: ColorChoice, is_terminal: bool) -> bool {
    wants_color(choice, is_terminal, |name| std::env::var_os(name))
}

#[cfg(test)]
mod tests {
    use super::{color_flags_last, wants_color, ColorChoice};
    use std::ffi::OsString;

    fn decide(choice: ColorChoice, terminal: bool, env: &[(&str, &str)]) -> bool {
        wants_color(choice, terminal, |name| {
            env.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| OsString::from(v))
        })
    }

    #[test]
    fn an_explicit_choice_wins_over_every_variable() {
        let all = [
            ("NO_COLOR", "1"),
            ("CLICOLOR_FORCE", "1"),
            ("CLICOLOR", "0"),
        ];
        assert!(decide(ColorChoice::Always, false, &all));
        assert!(!decide(ColorChoice::Never, true, &[("FORCE_COLOR", "1")]));
    }

    #[test]
    fn under_auto_no_color_beats_force_and_force_beats_the_pipe() {
        assert!(decide(ColorChoice::Auto, true, &[]));
        assert!(!decide(ColorChoice::Auto, false, &[]));
        assert!(decide(ColorChoice::Auto, false, &[("CLICOLOR_FORCE", "1")]));
        assert!(decide(ColorChoice::Auto, false, &[("FORCE_COLOR", "3")]));
        assert!(!decide(ColorChoice::Auto, false, &[("FORCE_COLOR", "0")]));
        assert!(!decide(
            ColorChoice::Auto,
            true,
            &[("NO_COLOR", "1"), ("FORCE_COLOR", "1")]
        ));
        assert!(decide(ColorChoice::Auto, true, &[("NO_COLOR", "")]));
        assert!(!decide(ColorChoice::Auto, true, &[("CLICOLOR", "0")]));
    }

    #[test]
    fn color_flags_move_to_the_end_but_not_past_a_double_dash() {
        let args = |list: &[&str]| list.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(
            color_flags_last(args(&["ponder", "--color", "never", "rules"])),
            args(&["ponder", "rules", "--color", "never"])
        );
        assert_eq!(
            color_flags_last(args(&["ponder", "--color=always", "main", "--", "--color"])),
            args(&["ponder", "main", "--color=always", "--", "--color"])
        );
        assert_eq!(color_flags_last(args(&["ponder"])), args(&["ponder"]));
    }
}
