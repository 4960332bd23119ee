//! The error as stderr shows it: every text a diagnostic carries (its message, help line,
//! causes) neutralised, since many echo what the user typed (a range, a path) and a
//! terminal escape in an argument (`ponder $'main\e[31m'`) must not reach the terminal
//! raw. The source code it quotes is already a neutralised window (`error::excerpt`).
//! Each text is also cut to [`MAX_TEXT`] characters: a 128 KiB argument (the most Linux
//! passes) echoed in a message and its help line would fill the terminal.

use std::fmt;

use miette::{Diagnostic, LabeledSpan, Severity, SourceCode};
use ponder::report::neutral::{keeping_lines, one_line};

/// Characters of one text (message, help line, cause) shown; more than any of ponder's
/// own, and than a path can have.
const MAX_TEXT: usize = 4_000;

/// `text` neutralised and cut to [`MAX_TEXT`] characters.
fn clean(text: &str) -> String {
    let mut chars = text.chars();
    let mut cut: String = chars.by_ref().take(MAX_TEXT).collect();
    if chars.next().is_some() {
        cut.push('…');
    }
    keeping_lines(&cut)
}

/// `inner`, with its texts neutralised.
pub struct Neutral {
    inner: Box<dyn Diagnostic + Send + Sync>,
    message: String,
    cause: Option<Box<Cause>>,
}

/// One cause of the chain, as text.
#[derive(Debug)]
struct Cause {
    text: String,
    next: Option<Box<Cause>>,
}

impl Neutral {
    pub fn new(inner: impl Diagnostic + Send + Sync + 'static) -> Neutral {
        let message = clean(&inner.to_string());
        let mut causes = Vec::new();
        let mut source = inner.source();
        while let Some(error) = source {
            causes.push(clean(&error.to_string()));
            source = error.source();
        }
        let cause = causes
            .into_iter()
            .rev()
            .fold(None, |next, text| Some(Box::new(Cause { text, next })));
        Neutral {
            inner: Box::new(inner),
            message,
            cause,
        }
    }
}

impl fmt::Debug for Neutral {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Neutral {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::error::Error for Cause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.next
            .as_deref()
            .map(|c| c as &(dyn std::error::Error + 'static))
    }
}

impl std::error::Error for Neutral {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause
            .as_deref()
            .map(|c| c as &(dyn std::error::Error + 'static))
    }
}

impl Diagnostic for Neutral {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.inner.code()
    }

    fn severity(&self) -> Option<Severity> {
        self.inner.severity()
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let help = self.inner.help()?.to_string();
        Some(Box::new(clean(&help)))
    }

    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.inner.url()
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.inner.source_code()
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let labels = self.inner.labels()?.map(|label| {
            let text = label.label().map(clean);
            LabeledSpan::new_with_span(text, *label.inner())
        });
        Some(Box::new(labels))
    }
}

/// A clap error, printed as clap prints it (its colours follow `--color`). Help and
/// version echo nothing the user typed. A usage error quotes the offending argument, so it
/// is shown as the error the same command gives for the arguments neutralised (each on
/// one line, harmful characters replaced, cut to [`MAX_TEXT`]): the same mistake, inert.
pub fn usage_error(
    error: clap::Error,
    command: &mut clap::Command,
    arguments: &[std::ffi::OsString],
) -> std::process::ExitCode {
    use clap::error::ErrorKind;
    let code = u8::try_from(error.exit_code()).unwrap_or(2);
    let informational = matches!(
        error.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    );
    if informational {
        // ponder: unhandled-failure: as clap's own `exit` does; a help text nobody can read is not an error worth a second message
        let _ = error.print();
        return std::process::ExitCode::from(code);
    }
    let cleaned: Vec<std::ffi::OsString> = arguments
        .iter()
        .map(|argument| one_line(&clean(&argument.to_string_lossy())).into())
        .collect();
    let again = command
        .try_get_matches_from_mut(super::color_flags_last(cleaned))
        .and_then(|matches| <super::Cli as clap::FromArgMatches>::from_arg_matches(&matches));
    match again {
        Err(shown) => {
            // ponder: unhandled-failure: stderr is where failures are told; when it cannot be written there is nowhere left to tell
            let _ = shown.format(command).print();
        }
        // Neutralising made the arguments parse: say the original error, as plain text.
        Ok(_) => super::output::say_raw(&clean(&error.render().to_string())),
    }
    std::process::ExitCode::from(code)
}
