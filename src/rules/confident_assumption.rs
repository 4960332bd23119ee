//! confident-assumption: production code the change adds that states a confidence instead
//! of handling a case. It asks about an `expect(..)` whose message says the failure cannot
//! happen ("should never happen", "can't fail": `[data] expect_phrases`), an `unwrap()`
//! whose line, or the comment line right above it, has a comment that claims it ("always
//! Some", "never empty", "safe": `[data] comment_words`), and an `unreachable!()` with no
//! message. The question is not unhandled-failure's (whether the panic is right) but what
//! would make the stated assumption false, and how anyone would notice.
//!
//! An `expect` on `write!`/`writeln!` whose message says it writes to a string is quiet:
//! formatting into a `String` cannot fail, so its "infallible" is a fact.
//!
//! Only new failure sites of production functions count (moved code and a site the
//! function had before are old, as for unhandled-failure); test code states confidence
//! with every `unwrap` and is not read.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use super::definition::definition;
use super::helpers::{changed_production_functions, location};
use super::{Context, Finding, Message, Rule, Scope};
use crate::change::FileChange;
use crate::syntax::{Failure, Site, SiteKind};

pub struct ConfidentAssumption;

/// The longest code a question quotes.
const MAX_CODE: usize = 80;

impl Rule for ConfidentAssumption {
    definition!("confident-assumption");

    fn variables(&self) -> &'static [(&'static str, &'static [&'static str])] {
        &[
            ("questions.expect", &["code", "location", "phrase"]),
            ("questions.unwrap", &["code", "location", "comment"]),
            ("questions.unreachable", &["location", "function"]),
        ]
    }

    fn data_problem(&self) -> Option<String> {
        Data::read(&self.definition().data).err()
    }

    fn scope(&self) -> Scope {
        Scope::Change
    }

    fn check(&self, context: &Context<'_>) -> Vec<Finding> {
        static DATA: OnceLock<Data> = OnceLock::new();
        // The embedded data is checked by `rules::tests`; empty lists only ask less.
        let data = DATA.get_or_init(|| Data::read(&self.definition().data).unwrap_or_default());
        let moved = context.moved_code();
        let mut findings = Vec::new();
        for file in context.files {
            let parsed = context.parsed_new(file);
            let Some(parsed) = parsed.filter(|p| context.is_production(file, Some(p))) else {
                continue;
            };
            for changed in changed_production_functions(file, parsed, moved) {
                let name = changed.function.qualified_name();
                for site in changed.added_sites {
                    let Some(question) = data.question(file, site, &name) else {
                        continue;
                    };
                    let question = question.with("location", location(&file.path, site.line));
                    let mut finding = Finding::at_line(question, &file.path, site.line);
                    finding.function = Some(name.clone());
                    findings.push(finding);
                }
            }
        }
        findings
    }
}

/// What the detection reads from the TOML's `[data]`.
#[derive(Debug, Default)]
struct Data {
    /// Lower case, matched inside an `expect` message.
    expect_phrases: Vec<String>,
    /// Lower case, matched as whole words (or phrases) in a comment beside an `unwrap`.
    comment_words: Vec<String>,
}

impl Data {
    fn read(data: &BTreeMap<String, toml::Value>) -> Result<Data, String> {
        let list = |key: &str| super::definition::data_list(data, key, str::to_lowercase);
        let read = Data {
            expect_phrases: list("expect_phrases")?,
            comment_words: list("comment_words")?,
        };
        match data.len() {
            2 => Ok(read),
            _ => Err("[data] holds keys the rule does not read".to_string()),
        }
    }

    fn question(&self, file: &FileChange, site: &Site, function: &str) -> Option<Message> {
        let SiteKind::Failure(failure) = site.kind else {
            return None;
        };
        match failure {
            Failure::Expect(_) => {
                // The message may sit on the line after `.expect(`.
                let message = expect_message(file, site)?.to_lowercase();
                // `write!(string, ..)` cannot fail: `fmt::Write for String` never errs,
                // and a message that says so states a fact, not an assumption.
                if formats_into_a_string(&site.code, &message) {
                    return None;
                }
                let phrase = self
                    .expect_phrases
                    .iter()
                    .find(|phrase| message.contains(phrase.as_str()))?;
                Some(
                    Message::new("expect")
                        .with("code", code_of(&site.code))
                        .with("phrase", phrase.clone()),
                )
            }
            Failure::Unwrap(_) if site.code.trim_end().ends_with(".unwrap()") => {
                let comment = self.confident_comment(file, site.line)?;
                Some(
                    Message::new("unwrap")
                        .with("code", code_of(&site.code))
                        .with("comment", code_of(&comment)),
                )
            }
            Failure::PanicMacro if is_bare_unreachable(&site.code) => {
                Some(Message::new("unreachable").with("function", format!("`{function}`")))
            }
            _ => None,
        }
    }

    /// The comment at the end of `line`, or on the comment line right above it, when it
    /// claims the `unwrap` cannot fail.
    fn confident_comment(&self, file: &FileChange, line: u32) -> Option<String> {
        let trailing = file
            .new_line(line)
            .and_then(|text| text.split_once("//"))
            .map(|(_, comment)| comment.trim().to_string());
        let above = line
            .checked_sub(1)
            .and_then(|number| file.new_line(number))
            .and_then(|text| text.trim_start().strip_prefix("//"))
            .filter(|comment| !comment.starts_with('/') && !comment.starts_with('!'))
            .map(|comment| comment.trim().to_string());
        [trailing, above]
            .into_iter()
            .flatten()
            .find(|comment| self.claims(comment))
    }

    fn claims(&self, comment: &str) -> bool {
        let words: Vec<String> = comment
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric() && c != '\'')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        let joined = words.join(" ");
        self.comment_words.iter().any(|claim| {
            if claim.contains(' ') {
                format!(" {joined} ").contains(&format!(" {claim} "))
            } else {
                words.iter().any(|word| word == claim)
            }
        })
    }
}

/// The text of an `expect` call's message: the site's code, or the line of the
/// `.expect(` token and the next one when the code was cut short.
fn expect_message(file: &FileChange, site: &Site) -> Option<String> {
    if let Some((_, message)) = site.code.rsplit_once(".expect(") {
        if !site.code.ends_with("...") {
            return Some(message.to_string());
        }
    }
    let here = file.new_line(site.line).unwrap_or_default();
    let next = file.new_line(site.line + 1).unwrap_or_default();
    let text = format!("{here} {next}");
    text.split_once("expect(")
        .map(|(_, message)| message.to_string())
}

/// `write!(..)`/`writeln!(..)` whose `expect` message says it writes to a string.
fn formats_into_a_string(code: &str, message: &str) -> bool {
    let code = code.trim_start();
    (code.starts_with("write!") || code.starts_with("writeln!")) && message.contains("string")
}

/// `unreachable!()` (any spacing, any path), not `unreachable!("why")`.
fn is_bare_unreachable(code: &str) -> bool {
    let compact: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    compact.ends_with("unreachable!()")
        || compact.ends_with("unreachable!{}")
        || compact.ends_with("unreachable![]")
}

/// The code, trimmed and cut to a readable length on a character boundary.
fn code_of(text: &str) -> String {
    let code = text.trim();
    if code.chars().count() <= MAX_CODE {
        return code.to_string();
    }
    let cut: String = code.chars().take(MAX_CODE).collect();
    format!("{cut}...")
}

#[cfg(test)]
mod tests {
    use super::{is_bare_unreachable, Data};

    #[test]
    fn claims_match_whole_words_and_phrases() {
        let data = Data {
            expect_phrases: Vec::new(),
            comment_words: vec!["always".to_string(), "can't fail".to_string()],
        };
        assert!(data.claims("the list is always non-empty here"));
        assert!(data.claims("This can't fail: checked above"));
        assert!(!data.claims("alwaysOn flag"));
        assert!(!data.claims("fails when the file is missing"));
    }

    #[test]
    fn only_a_message_less_unreachable_is_bare() {
        assert!(is_bare_unreachable("unreachable!()"));
        assert!(is_bare_unreachable("std::unreachable! ( )"));
        assert!(!is_bare_unreachable("unreachable!(\"parsed above\")"));
    }
}
