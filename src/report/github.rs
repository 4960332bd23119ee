//! `--format github`: one GitHub Actions workflow command per prompt,
//! `::notice file=…,line=…,endLine=…,title=…::message`, which the runner turns into an
//! annotation on the pull request's diff. Prompts about a commit have no `file`.
//!
//! The runner reads workflow commands from any line of a step's output, so repository text
//! (commit messages, code, paths) must never start a line or end a property: the message is
//! escaped as GitHub requires (`%`, CR, LF), properties also escape `:` and `,`, control
//! characters become U+FFFD, and Unicode line and paragraph separators become spaces. Every
//! line this format prints starts with `::notice `.
//!
//! GitHub shows at most 10 notices of a step on the pull request, so open questions come
//! first, then stale answers; answered prompts only with `--show-answered` (a notice with
//! "answered" in the title and the reason in the message). When some are not shown, the
//! last notice says how many and where to read them all.

use super::text::{naming_the_commit, plural, prompt_message, short, stale_message};
use crate::{Prompt, Report, StaleAnswer};

/// The notices of one step that GitHub shows on the pull request.
const SHOWN_PER_STEP: usize = 10;

pub fn render(report: &Report) -> String {
    render_with(report, false)
}

pub fn render_with(report: &Report, show_answered: bool) -> String {
    let open = report.prompts.iter().filter(|p| p.answer.is_none());
    let answered = report.prompts.iter().filter(|p| p.answer.is_some());
    let mut commands: Vec<String> = open
        .map(|prompt| prompt_command(report, prompt))
        .chain(report.stale_answers.iter().map(stale_command))
        .collect();
    let hidden_answered = if show_answered {
        commands.extend(answered.map(|prompt| prompt_command(report, prompt)));
        0
    } else {
        answered.count()
    };
    let past_limit = if commands.len() > SHOWN_PER_STEP
        || (hidden_answered > 0 && commands.len() == SHOWN_PER_STEP)
    {
        // One place is kept for the notice that counts the rest.
        commands.len() - (SHOWN_PER_STEP - 1)
    } else {
        0
    };
    let shown = commands.len() - past_limit;
    let mut out: String = commands.into_iter().take(shown).collect();
    if past_limit + hidden_answered > 0 {
        out.push_str(&not_shown_command(past_limit, hidden_answered));
    }
    out
}

/// The last notice: how many were left out, and where to read them.
fn not_shown_command(past_limit: usize, hidden_answered: usize) -> String {
    let mut parts = Vec::new();
    if past_limit > 0 {
        parts.push(format!(
            "{} past the {SHOWN_PER_STEP} notices GitHub shows per step",
            plural(past_limit, "more notice", "more notices")
        ));
    }
    if hidden_answered > 0 {
        parts.push(format!(
            "{} not shown (pass --show-answered to list them)",
            plural(hidden_answered, "answered question", "answered questions")
        ));
    }
    let message = format!(
        "{}. Read every question in this job's log with `ponder --format human`, in the \
         pull request comment (`ponder post github`), or in code scanning (`--format sarif`).",
        parts.join("; ")
    );
    command(&[("title", "ponder: more questions".to_string())], &message)
}

fn prompt_command(report: &Report, prompt: &Prompt) -> String {
    let mut properties = Vec::new();
    if let Some(file) = &prompt.file {
        properties.push(("file", file.clone()));
        if let Some(line) = prompt.line {
            properties.push(("line", line.to_string()));
            properties.push(("endLine", prompt.end_line.unwrap_or(line).to_string()));
        }
    }
    let mut title = format!("ponder {}", prompt.rule);
    if let (None, Some(sha)) = (&prompt.file, &prompt.commit) {
        title.push_str(&format!(" (commit {})", short(sha)));
    }
    let message = naming_the_commit(report, prompt, prompt_message(prompt));
    if prompt.answer.is_some() {
        title.push_str(" (answered)");
    }
    properties.push(("title", title));
    command(&properties, &message)
}

fn stale_command(stale: &StaleAnswer) -> String {
    let properties = [
        ("file", stale.file.clone()),
        ("line", stale.line.to_string()),
        ("endLine", stale.line.to_string()),
        ("title", format!("ponder stale answer ({})", stale.rule)),
    ];
    command(&properties, &stale_message(stale))
}

fn command(properties: &[(&str, String)], message: &str) -> String {
    let properties: Vec<String> = properties
        .iter()
        .map(|(name, value)| format!("{name}={}", escape_property(value)))
        .collect();
    format!(
        "::notice {}::{}\n",
        properties.join(","),
        escape_data(message)
    )
}

/// The escaping of a command's message: `%`, CR and LF, after control characters and
/// the Unicode line separators are made harmless.
fn escape_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // CR and LF are percent-escaped (so a path keeps them exactly) before any other
    // control character is made harmless.
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if super::neutral::is_line_break(c) => out.push(' '),
            c if super::neutral::is_harmful(c) => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// The escaping of a property value: that of a message, plus `:` and `,`, which would
/// otherwise end the value or the property list.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::{escape_data, escape_property};

    #[test]
    fn messages_and_properties_are_escaped_as_github_requires() {
        assert_eq!(
            escape_data("50% done\r\n::error::x"),
            "50%25 done%0D%0A::error::x"
        );
        assert_eq!(escape_property("a,b:c%\n"), "a%2Cb%3Ac%25%0A");
        assert_eq!(escape_data("a\u{2028}b\u{1b}[31m"), "a b\u{fffd}[31m");
    }
}
