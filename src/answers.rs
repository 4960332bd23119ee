//! Matches prompts with the answers already written. Each prompt takes one form: a
//! question about code (a rule that judges the change) is answered by a `// ponder:
//! RULE-ID: reason` comment on the flagged line or the line above it; a question about a
//! commit (a rule that judges each commit) by a `Ponder-Answer: RULE-ID: reason` trailer
//! in its message, since the commit, not one of its lines, is what it asks about. A reason
//! must say something: an empty or one-word reason does not answer.
//!
//! It also finds stale answers: an answer comment on an added line that matches no prompt
//! (the code it answered changed, the rule no longer asks, the rule id is misspelt, or the
//! rule asks about commits), as ast-grep reports unused ignore comments; and trailers that
//! can answer nothing (they name a rule about code, or no rule).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use crate::change::{Commit, FileChange};
use crate::model::{AnswerSource, Note, Prompt, StaleAnswer};
use regex::Regex;

fn comment_pattern() -> Option<&'static Regex> {
    static PATTERN: OnceLock<Option<Regex>> = OnceLock::new();
    PATTERN
        .get_or_init(|| Regex::new(r"(?://|#)\s*ponder:\s*([a-z0-9][a-z0-9-]*)\s*:(.*)$").ok())
        .as_ref()
}

fn trailer_pattern() -> Option<&'static Regex> {
    static PATTERN: OnceLock<Option<Regex>> = OnceLock::new();
    PATTERN
        .get_or_init(|| Regex::new(r"(?mi)^ponder-answer:\s*([a-z0-9][a-z0-9-]*)\s*:(.*)$").ok())
        .as_ref()
}

/// A reason says something when it has at least two words and ten characters.
pub fn is_meaningful(reason: &str) -> bool {
    let reason = reason.trim();
    reason.chars().count() >= 10 && reason.split_whitespace().count() >= 2
}

/// The rule id and the reason (possibly empty) of the answer comment in `line`, and the
/// byte offset where the comment starts.
fn comment_in(line: &str) -> Option<(usize, String, String)> {
    let captures = comment_pattern()?.captures(line)?;
    let start = captures.get(0)?.start();
    let rule = captures.get(1)?.as_str().to_string();
    let reason = captures.get(2)?.as_str().trim().to_string();
    Some((start, rule, reason))
}

/// `line` without its answer comment, if it has one: the code an answer is about.
pub fn without_answer_comment(line: &str) -> &str {
    match comment_in(line).and_then(|(start, _, _)| line.get(..start)) {
        Some(code) => code,
        None => line,
    }
}

/// The reason of an answer comment for `rule` in `line`, if it has one.
pub fn comment_answer(line: &str, rule: &str) -> Option<String> {
    let captures = comment_pattern()?.captures(line)?;
    let reason = captures.get(2)?.as_str().trim();
    (captures.get(1)?.as_str() == rule && is_meaningful(reason)).then(|| reason.to_string())
}

/// The reason of a `Ponder-Answer:` trailer for `rule` in a commit message.
pub fn trailer_answer(message: &str, rule: &str) -> Option<String> {
    trailer_pattern()?
        .captures_iter(message)
        .filter(|c| c.get(1).is_some_and(|id| id.as_str() == rule))
        .filter_map(|c| c.get(2).map(|r| r.as_str().trim().to_string()))
        .find(|reason| is_meaningful(reason))
}

/// Every rule id of a run, each with what answers its questions (`Rule::answered_by`).
#[derive(Debug, Clone, Default)]
pub struct KnownRules {
    pub forms: BTreeMap<String, Vec<AnswerSource>>,
    /// Per rule, the rules its question about a line yields to (`yields_to` in its TOML).
    pub yields_to: BTreeMap<String, Vec<String>>,
}

impl KnownRules {
    fn knows(&self, rule: &str) -> bool {
        self.forms.contains_key(rule)
    }

    /// Whether `form` answers `rule`'s questions (false for a rule nobody knows).
    fn answered_by(&self, rule: &str, form: AnswerSource) -> bool {
        self.forms
            .get(rule)
            .is_some_and(|forms| forms.contains(&form))
    }

    fn nearest(&self, rule: &str) -> Option<String> {
        crate::suggest::nearest(rule, self.forms.keys().map(String::as_str)).map(str::to_string)
    }
}

/// Finds the answer to `prompt` in the forms it takes (`prompt.answer_with`): a comment
/// on its line or the line above in `source` (the version of the file the prompt points
/// at), else a trailer in its commit's `message`.
pub fn apply(prompt: &mut Prompt, source: Option<&str>, message: Option<&str>) {
    let takes = |form| prompt.answer_with.contains(&form);
    let (comment, trailer) = (takes(AnswerSource::Comment), takes(AnswerSource::Trailer));
    if let (true, Some(text), Some(line)) = (comment, source, prompt.line) {
        let wanted = [line.saturating_sub(1), line];
        let lines = crate::change::numbered_lines(text, wanted.into_iter().filter(|n| *n >= 1));
        // The flagged line first, then the line above it.
        prompt.answer = lines
            .iter()
            .rev()
            .find_map(|l| comment_answer(l, &prompt.rule));
        if prompt.answer.is_some() {
            prompt.answered_by = Some(AnswerSource::Comment);
        }
    }
    if let (None, true, Some(message)) = (&prompt.answer, trailer, message) {
        prompt.answer = trailer_answer(message, &prompt.rule);
        if prompt.answer.is_some() {
            prompt.answered_by = Some(AnswerSource::Trailer);
        }
    }
}

/// The trailers of `commits` that can answer nothing: those naming a rule that asks about
/// code (a comment answers it), and those naming no rule, each as a note with the form
/// that works or the id that was probably meant.
pub fn stale_trailers(commits: &[Commit], rules: &KnownRules) -> Vec<Note> {
    let Some(pattern) = trailer_pattern() else {
        return Vec::new();
    };
    let mut notes = Vec::new();
    for commit in commits.iter().filter(|c| !c.is_merge) {
        let mut seen = BTreeSet::new();
        for captures in pattern.captures_iter(&commit.body) {
            let Some(rule) = captures.get(1).map(|m| m.as_str().to_string()) else {
                continue;
            };
            let known_rule = rules.knows(&rule);
            if rules.answered_by(&rule, AnswerSource::Trailer) || !seen.insert(rule.clone()) {
                continue;
            }
            notes.push(Note::TrailerAnswersNothing {
                commit: commit.short_sha().to_string(),
                did_you_mean: (!known_rule).then(|| rules.nearest(&rule)).flatten(),
                rule,
                known_rule,
            });
        }
    }
    notes
}

/// Answer comments on added lines of the change that match no prompt: none of `rules`
/// has the comment's id, or the code it answers (its own line, or the line below a comment
/// alone on its line) is new in this change and no prompt of that rule is there. An answer
/// next to code the change did not add is about a question an earlier change raised, which
/// this run cannot judge, so it is left alone. A comment with an empty reason next to its
/// prompt is not stale — the prompt shows as unanswered, which says enough. Text inside
/// string literals (a test's Rust snippet, say) is not a comment, and files other than
/// Rust ones are looked at only when a `[[custom]]` rule asked something in them (a README
/// that shows the answer syntax answers nothing).
pub fn stale(prompts: &[Prompt], files: &[FileChange], rules: &KnownRules) -> Vec<StaleAnswer> {
    let mut stale = Vec::new();
    for file in files {
        let Some(text) = &file.new else {
            continue;
        };
        let asked_here = || {
            prompts
                .iter()
                .any(|p| p.file.as_deref() == Some(file.path.as_str()))
        };
        if !file.is_rust() && !asked_here() {
            continue;
        }
        let candidates: Vec<(u32, usize, String, String)> = text
            .content
            .lines()
            .enumerate()
            .map(|(index, line)| (index as u32 + 1, line))
            .filter(|(number, _)| file.added_lines.contains(number))
            .filter_map(|(number, line)| {
                let (start, rule, reason) = comment_in(line)?;
                let code = line.get(..start).unwrap_or("");
                let answered_line = if code.trim().is_empty() {
                    number + 1
                } else {
                    number
                };
                // A comment for a rule no comment answers is stale wherever it stands.
                let answerable = rules.answered_by(&rule, AnswerSource::Comment);
                if answerable && !file.added_lines.contains(&answered_line) {
                    return None;
                }
                Some((number, code.chars().count(), rule, reason))
            })
            .collect();
        if candidates.is_empty() {
            continue;
        }
        let in_literal = if file.is_rust() {
            let positions: Vec<(u32, usize)> =
                candidates.iter().map(|(l, c, _, _)| (*l, *c)).collect();
            crate::syntax::in_string_literal(&text.content, &positions)
        } else {
            vec![false; candidates.len()]
        };
        for ((line, _, rule, reason), literal) in candidates.into_iter().zip(in_literal) {
            if literal {
                continue;
            }
            let known_rule = rules.knows(&rule);
            let needs_trailer = known_rule && !rules.answered_by(&rule, AnswerSource::Comment);
            if !needs_trailer && known_rule && answers_a_prompt(prompts, file, line, &rule, &reason)
            {
                continue;
            }
            stale.push(StaleAnswer {
                file: file.path.clone(),
                line,
                did_you_mean: (!known_rule).then(|| rules.nearest(&rule)).flatten(),
                rule,
                reason,
                known_rule,
                needs_trailer,
            });
        }
    }
    stale
}

/// Whether the comment (`rule`, `reason`) at `line` of the range's version of `file`
/// belongs to a prompt. A prompt about one commit points into that commit's version of
/// the file, where the comment may sit on another line: it belongs to the prompt when
/// `apply` matched that prompt to the same comment in the commit's version. (The range
/// pass does not hold the commits' files, so they are not looked up again here.)
fn answers_a_prompt(
    prompts: &[Prompt],
    file: &FileChange,
    line: u32,
    rule: &str,
    reason: &str,
) -> bool {
    prompts
        .iter()
        .filter(|p| p.rule == rule && p.file.as_deref() == Some(file.path.as_str()))
        .any(|prompt| match (&prompt.commit, prompt.line) {
            (Some(_), _) => {
                prompt.answered_by == Some(AnswerSource::Comment)
                    && prompt.answer.as_deref() == Some(reason)
            }
            (None, Some(prompt_line)) => prompt_line == line || prompt_line == line + 1,
            (None, None) => false,
        })
}

#[cfg(test)]
mod tests {
    use super::{comment_answer, trailer_answer, without_answer_comment};

    #[test]
    fn the_code_of_a_line_leaves_its_answer_comment_out() {
        assert_eq!(
            without_answer_comment("x.unwrap(); // ponder: unhandled-failure: never empty here"),
            "x.unwrap(); "
        );
        assert_eq!(
            without_answer_comment("x.unwrap(); // a note"),
            "x.unwrap(); // a note"
        );
    }

    #[test]
    fn answer_comments_need_the_rule_and_a_reason() {
        let line = "    let x = v[i]; // ponder: unhandled-failure: i comes from position() above";
        assert_eq!(
            comment_answer(line, "unhandled-failure").as_deref(),
            Some("i comes from position() above")
        );
        assert_eq!(comment_answer(line, "untested-branch"), None);
        assert_eq!(
            comment_answer("// ponder: unhandled-failure:", "unhandled-failure"),
            None
        );
        assert_eq!(
            comment_answer("// ponder: unhandled-failure: ok", "unhandled-failure"),
            None
        );
    }

    #[test]
    fn trailers_answer_commit_prompts() {
        let body = "Body.\n\nPonder-Answer: missing-rationale: follow-up to the previous commit\n";
        assert_eq!(
            trailer_answer(body, "missing-rationale").as_deref(),
            Some("follow-up to the previous commit")
        );
        assert_eq!(
            trailer_answer("Ponder-Answer: missing-rationale: x", "missing-rationale"),
            None
        );
    }
}
