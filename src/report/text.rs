//! The plain-text message of a prompt or a stale answer, shared by the formats that hand
//! text to another tool (SARIF, GitHub workflow commands, rdjson). Repository text in it
//! is stripped of control characters; each format adds the escaping its consumer needs.

use super::human::clean;
use crate::{Prompt, StaleAnswer};

/// A commit's SHA as people quote it: its first ten digits.
pub fn short(sha: &str) -> &str {
    sha.get(..10).unwrap_or(sha)
}

/// "1 commit", "3 commits".
pub fn plural(count: usize, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {many}")
    }
}

/// The question, its evidence as a list, then the answer or how to write one.
pub fn prompt_message(prompt: &Prompt) -> String {
    let parts = prompt_parts(prompt);
    let mut text = parts.question;
    for evidence in &parts.evidence {
        text.push_str(&format!("\n- {evidence}"));
    }
    text.push('\n');
    text.push_str(&parts.closing);
    text
}

/// The pieces of a prompt's message, for a format that lays them out itself.
pub struct Parts {
    pub question: String,
    pub evidence: Vec<String>,
    /// "Answered: reason", or how to answer.
    pub closing: String,
}

pub fn prompt_parts(prompt: &Prompt) -> Parts {
    let closing = match (&prompt.answer, &prompt.file, &prompt.commit) {
        (Some(answer), _, _) => format!("Answered: {}", clean(answer)),
        (None, Some(_), None) => format!(
            "Answer with `// ponder: {}: <why>` on this line or the line above it.",
            prompt.rule
        ),
        (None, Some(_), Some(_)) => format!(
            "Answer with `// ponder: {0}: <why>` on this line or the line above it, or a \
             `Ponder-Answer: {0}: <why>` trailer in the commit message.",
            prompt.rule
        ),
        (None, None, _) => format!(
            "Answer with a `Ponder-Answer: {}: <why>` trailer in the commit message.",
            prompt.rule
        ),
    };
    Parts {
        question: clean(&prompt.question),
        evidence: prompt.evidence.iter().map(|e| clean(e)).collect(),
        closing,
    }
}

/// Why an answer comment answers nothing, and what to do about it.
pub fn stale_message(stale: &StaleAnswer) -> String {
    if stale.known_rule {
        format!(
            "This answer comment for `{}` matches no question: ponder asks nothing of that rule \
             on this line or the line below it. Remove it, or move it next to the code it answers.",
            clean(&stale.rule)
        )
    } else {
        format!(
            "`{}` is not a rule ponder knows (`ponder rules` lists them), so this answer comment \
             answers nothing. Check the rule id.",
            clean(&stale.rule)
        )
    }
}
