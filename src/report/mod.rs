//! Renders a `Report` in each output format. Each format is one file; this module only
//! chooses. Rendering returns a string, so a report is written whole or not at all.

pub mod github;
mod gitlab;
pub mod history;
mod human;
mod json;
pub mod markdown;
pub mod neutral;
mod notes;
mod rdjson;
mod sarif;
mod text;

use crate::Report;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Markdown,
    Sarif,
    Github,
    Rdjson,
    Gitlab,
}

/// How the human format may decorate its output.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub width: usize,
    /// `--quiet`: the summary line alone, and nothing when there is nothing to ask.
    pub quiet: bool,
}

pub fn render(report: &Report, format: Format, style: Style) -> String {
    match format {
        Format::Human => human::render(report, style),
        Format::Json => json::render(report),
        Format::Markdown => markdown::render(report),
        Format::Sarif => sarif::render(report),
        Format::Github => github::render(report),
        Format::Rdjson => rdjson::render(report),
        Format::Gitlab => gitlab::render(report),
    }
}
