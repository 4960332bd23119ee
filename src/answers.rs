//! Matches prompts with the answers already written: a `// ponder: RULE-ID: reason`
//! comment on the flagged line or the line above it, or, for prompts about a commit, a
//! `Ponder-Answer: RULE-ID: reason` trailer in its message. A reason must say something:
//! an empty or one-word reason does not answer.

use std::sync::OnceLock;

use regex::Regex;

use crate::change::Change;
use crate::Prompt;

fn comment_pattern() -> Option<&'static Regex> {
    static PATTERN: OnceLock<Option<Regex>> = OnceLock::new();
    PATTERN
        .get_or_init(|| Regex::new(r"//\s*ponder:\s*([a-z0-9][a-z0-9-]*)\s*:(.*)$").ok())
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

pub fn apply(prompts: &mut [Prompt], change: &Change) {
    for prompt in prompts.iter_mut() {
        if let (Some(path), Some(line)) = (&prompt.file, prompt.line) {
            // A prompt about one commit points into that commit's version of the file.
            let files = match &prompt.commit {
                Some(sha) => change
                    .commits
                    .iter()
                    .find(|c| &c.sha == sha)
                    .map_or(&[][..], |c| c.files.as_slice()),
                None => change.files.as_slice(),
            };
            let file = files.iter().find(|f| &f.path == path);
            let text = file.and_then(|f| f.new.as_ref());
            if let Some(text) = text {
                let lines: Vec<&str> = text.content.lines().collect();
                let candidates = [line, line.saturating_sub(1)];
                prompt.answer = candidates
                    .iter()
                    .filter(|n| **n >= 1)
                    .filter_map(|n| lines.get(*n as usize - 1))
                    .find_map(|l| comment_answer(l, &prompt.rule));
            }
        }
        if prompt.answer.is_none() {
            if let Some(sha) = &prompt.commit {
                if let Some(commit) = change.commits.iter().find(|c| &c.sha == sha) {
                    prompt.answer = trailer_answer(&commit.body, &prompt.rule);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{comment_answer, trailer_answer};

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
