//! The default output: each prompt rendered by miette with the snippet of the new version
//! it points at, grouped by file and then by commit, and a one-line summary at the end.
//! Text from the analysed repository is stripped of control characters, so a commit
//! message or a source line cannot move the cursor or recolour the terminal.

use std::fmt;
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, Severity,
    SourceCode, SourceSpan,
};

use super::neutral::{keeping_lines, one_line};
use super::text::{plural, short};
use super::Style;
use crate::{Prompt, Report};

pub fn render(report: &Report, style: Style) -> String {
    if style.quiet {
        return quiet(report);
    }
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false)
        .with_context_lines(1);

    let mut out = String::new();
    let mut current_group = String::new();
    for prompt in &report.prompts {
        let group = group_title(report, prompt);
        if group != current_group {
            out.push_str(&format!("── {group}\n\n"));
            current_group = group;
        }
        let diagnostic = PromptDiagnostic::new(report, prompt);
        let mut rendered = String::new();
        if handler.render_report(&mut rendered, &diagnostic).is_err() {
            rendered = format!("{}\n", one_line(&prompt.question));
        }
        out.push_str(&rendered);
        out.push('\n');
    }
    out.push_str(&summary(report));
    out
}

/// `--quiet`: the summary line while there is something to do — an open question, a stale
/// answer or trailer, a file no rule could read — and nothing otherwise.
fn quiet(report: &Report) -> String {
    let unread = report.files.iter().any(|f| f.note.is_some());
    let stale_trailer = report
        .notes
        .iter()
        .any(|n| matches!(n, crate::Note::TrailerAnswersNothing { .. }));
    if report.unanswered() == 0 && report.stale_answers.is_empty() && !unread && !stale_trailer {
        return String::new();
    }
    summary(report)
}

fn group_title(report: &Report, prompt: &Prompt) -> String {
    if let Some(file) = &prompt.file {
        return one_line(file);
    }
    match &prompt.commit {
        Some(sha) => {
            let subject = report
                .commits
                .iter()
                .find(|c| &c.sha == sha)
                .map(|c| c.subject.as_str())
                .unwrap_or("");
            format!("commit {} “{}”", short(sha), one_line(subject))
        }
        None => "this change".to_string(),
    }
}

fn summary(report: &Report) -> String {
    let mut scope = vec![plural(report.commits.len(), "commit", "commits")];
    scope.push(plural(
        report.rust_file_count(),
        "changed Rust file",
        "changed Rust files",
    ));
    if report.includes_work_tree {
        scope.push("work in progress included".to_string());
    }
    if let Some(against) = against(report) {
        scope.push(against);
    }
    let mut line = if report.prompts.is_empty() {
        format!(
            "ponder has no questions about this change ({}).",
            scope.join(", ")
        )
    } else {
        let answered = report.prompts.len() - report.unanswered();
        format!(
            "ponder asked {} ({} answered) about {}.",
            plural(report.prompts.len(), "question", "questions"),
            answered,
            scope.join(", ")
        )
    };
    let unreadable: Vec<String> = report
        .files
        .iter()
        .filter_map(|f| {
            f.note
                .as_ref()
                .map(|note| format!("{} ({})", one_line(&f.path), one_line(note)))
        })
        .collect();
    if !unreadable.is_empty() {
        // A change past the file limit can skip thousands: the JSON lists them all.
        const SHOWN: usize = 20;
        let more = unreadable.len().saturating_sub(SHOWN);
        let mut listed = unreadable
            .into_iter()
            .take(SHOWN)
            .collect::<Vec<_>>()
            .join("; ");
        if more > 0 {
            listed.push_str(&format!(
                "; and {more} more (`--format json` lists them all)"
            ));
        }
        line.push_str(&format!("\nNot read as Rust code: {listed}."));
    }
    for note in &report.notes {
        line.push_str(&format!("\nNote: {}.", one_line(&note.to_string())));
    }
    if !report.stale_answers.is_empty() {
        let stale: Vec<String> = report
            .stale_answers
            .iter()
            .map(|s| {
                let why = match (&s.known_rule, &s.did_you_mean) {
                    (true, _) if s.needs_trailer => format!(
                        ", which asks about commits (a `Ponder-Answer: {}: <why>` trailer in \
                         the commit message answers it)",
                        one_line(&s.rule)
                    ),
                    (true, _) => String::new(),
                    (false, Some(near)) => {
                        format!(", no such rule (did you mean `{}`?)", one_line(near))
                    }
                    (false, None) => ", no such rule".to_string(),
                };
                format!(
                    "{}:{} `{}`{why}",
                    one_line(&s.file),
                    s.line,
                    one_line(&s.rule)
                )
            })
            .collect();
        line.push_str(&format!(
            "\nAnswers that match no question (remove or move them): {}.",
            stale.join("; ")
        ));
    }
    line.push('\n');
    line
}

/// "against origin/main (merge-base 3f2a1c0d4e)": which base a merge-base form used,
/// so that a report of nothing says what it compared with.
pub(super) fn against(report: &Report) -> Option<String> {
    let name = report.base_ref.as_deref()?;
    let base = report.base.as_deref()?;
    Some(format!(
        "against {} (merge-base {})",
        one_line(name),
        short(base)
    ))
}

#[derive(Debug)]
struct PromptDiagnostic {
    question: String,
    rule: String,
    help: Option<String>,
    source: Option<NamedSource<Arc<str>>>,
    label: Option<LabeledSpan>,
}

impl PromptDiagnostic {
    fn new(report: &Report, prompt: &Prompt) -> PromptDiagnostic {
        let mut help_lines: Vec<String> = prompt.evidence.iter().map(|e| one_line(e)).collect();
        match &prompt.answer {
            Some(answer) => help_lines.push(format!("answered: {}", one_line(answer))),
            None => help_lines.push(format!(
                "answer with {}",
                super::text::how_to_answer(prompt)
            )),
        }
        let mut source = None;
        let mut label = None;
        if let (Some(path), Some(line)) = (&prompt.file, prompt.line) {
            if let Some(text) = report.sources.get(&crate::source_key(prompt)) {
                let cleaned: Arc<str> = Arc::from(keeping_lines(text));
                if let Some(span) = line_span(&cleaned, line) {
                    source = Some(NamedSource::new(one_line(path), cleaned).with_language("Rust"));
                    let text = match (&prompt.answer, &prompt.function) {
                        (Some(_), _) => "answered".to_string(),
                        (None, Some(function)) => format!("in `{}`", one_line(function)),
                        (None, None) => "here".to_string(),
                    };
                    label = Some(LabeledSpan::new_with_span(Some(text), span));
                }
            }
        }
        PromptDiagnostic {
            question: one_line(&prompt.question),
            rule: prompt.rule.clone(),
            help: Some(help_lines.join("\n")),
            source,
            label,
        }
    }
}

/// The span of a line's text, leading indentation excluded.
fn line_span(text: &str, line: u32) -> Option<SourceSpan> {
    let mut offset = 0usize;
    for (index, content) in text.split_inclusive('\n').enumerate() {
        if index as u32 + 1 == line {
            let trimmed = content.trim_end_matches(['\n', '\r']);
            let indent = trimmed.len() - trimmed.trim_start().len();
            let length = trimmed.trim().len().max(1);
            return Some(SourceSpan::from((offset + indent, length)));
        }
        offset += content.len();
    }
    None
}

impl fmt::Display for PromptDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.question)
    }
}

impl std::error::Error for PromptDiagnostic {}

impl Diagnostic for PromptDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.rule))
    }

    fn severity(&self) -> Option<Severity> {
        Some(Severity::Advice)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'a>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.label
            .clone()
            .map(|l| Box::new(std::iter::once(l)) as Box<dyn Iterator<Item = LabeledSpan>>)
    }
}
