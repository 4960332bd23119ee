//! The plain-text message of a prompt or a stale answer, shared by the formats that hand
//! text to another tool (SARIF, GitHub workflow commands, rdjson). Repository text in it
//! is stripped of control characters; each format adds the escaping its consumer needs.

use super::neutral::one_line;
use crate::{AnswerSource, Prompt, Report, StaleAnswer};

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

/// `message` with "Commit <short> (“subject”): " in front, for a prompt about a commit
/// that names no file, when the message does not name the commit already: the rules'
/// questions do, but a template overridden in `.ponder.toml` may not, and a format that
/// shows the message alone must still say which commit it is about.
pub fn naming_the_commit(report: &Report, prompt: &Prompt, message: String) -> String {
    let (None, Some(sha)) = (&prompt.file, &prompt.commit) else {
        return message;
    };
    let short = short(sha);
    match report.commits.iter().find(|c| &c.sha == sha) {
        // The question, not the advice after it (which names the commit to amend).
        Some(summary) if !prompt.question.contains(short) => {
            format!(
                "Commit {short} (“{}”): {message}",
                one_line(&summary.subject)
            )
        }
        _ => message,
    }
}

/// The pieces of a prompt's message, for a format that lays them out itself.
pub struct Parts {
    pub question: String,
    pub evidence: Vec<String>,
    /// "Answered: reason", or how to answer.
    pub closing: String,
}

pub fn prompt_parts(prompt: &Prompt) -> Parts {
    let closing = match &prompt.answer {
        Some(answer) => format!("Answered: {}", one_line(answer)),
        None => format!("Answer with {}.", how_to_answer(prompt)),
    };
    Parts {
        question: one_line(&prompt.question),
        evidence: prompt.evidence.iter().map(|e| one_line(e)).collect(),
        closing,
    }
}

/// The one form that answers `prompt`, as the end of "answer with …": every format says
/// the same, and says only what works.
pub fn how_to_answer(prompt: &Prompt) -> String {
    let rule = one_line(&prompt.rule);
    let marker = crate::model::comment_marker(prompt.file.as_deref());
    let comment = format!("`{marker} ponder: {rule}: <why>` on this line or the line above it");
    let trailer = format!("a `Ponder-Answer: {rule}: <why>` trailer");
    let takes = |form| prompt.answer_with.contains(&form);
    if takes(AnswerSource::Description) {
        return format!(
            "a sentence in the pull request description that says why (or a \
             `Ponder-Answer: {rule}: <why>` line in it), then run ponder again"
        );
    }
    match (
        takes(AnswerSource::Comment),
        takes(AnswerSource::Trailer),
        &prompt.commit,
    ) {
        (true, false, _) => comment,
        (false, true, Some(sha)) => format!(
            "{trailer} in the message of commit {} (`git commit --amend`, or `git rebase -i` \
             for an earlier one)",
            short(sha)
        ),
        (false, true, None) => {
            format!("{trailer} in the message of the commit that records this work")
        }
        (true, true, Some(sha)) => {
            format!(
                "{comment}, or {trailer} in the message of commit {}",
                short(sha)
            )
        }
        (true, true, None) => {
            format!("{comment} (or, once committed, {trailer} in the commit message)")
        }
        // No rule takes no answer; were one to, `explain` says what to do.
        (false, false, _) => format!("what `ponder explain {rule}` describes"),
    }
}

/// Why an answer comment answers nothing, and what to do about it.
pub fn stale_message(stale: &StaleAnswer) -> String {
    if stale.needs_trailer {
        let rule = one_line(&stale.rule);
        format!(
            "`{rule}` asks about a commit, which an answer comment cannot answer: write the \
             reason as a `Ponder-Answer: {rule}: <why>` trailer in the commit message instead, \
             and remove this comment."
        )
    } else if stale.known_rule {
        format!(
            "This answer comment for `{}` matches no question: ponder asks nothing of that rule \
             on this line or the line below it. Remove it, or move it next to the code it answers.",
            one_line(&stale.rule)
        )
    } else {
        let check = match &stale.did_you_mean {
            Some(near) => format!("Did you mean `{}`?", one_line(near)),
            None => "Check the rule id.".to_string(),
        };
        format!(
            "`{}` is not a rule ponder knows (`ponder rules` lists them), so this answer comment \
             answers nothing. {check}",
            one_line(&stale.rule)
        )
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::naming_the_commit;
    use crate::{CommitSummary, Prompt, Report};

    const SHA: &str = "c0ffee00112233445566778899aabbccddeeff00";

    fn report(subject: &str) -> Report {
        Report {
            base: None,
            base_ref: None,
            head: Some(SHA.to_string()),
            includes_work_tree: false,
            commits: vec![CommitSummary {
                sha: SHA.to_string(),
                subject: subject.to_string(),
            }],
            prompts: Vec::new(),
            files: Vec::new(),
            unread: Vec::new(),
            stale_answers: Vec::new(),
            sources: BTreeMap::new(),
            commit_anchors: BTreeMap::new(),
            rules: Vec::new(),
            timings: crate::timings::Timings::default(),
            notes: Vec::new(),
        }
    }

    fn about_the_commit(question: &str) -> Prompt {
        Prompt {
            rule: "missing-rationale".to_string(),
            file: None,
            line: None,
            end_line: None,
            commit: Some(SHA.to_string()),
            function: None,
            question: question.to_string(),
            evidence: Vec::new(),
            answer: None,
            answered_by: None,
            answer_with: vec![crate::AnswerSource::Trailer],
            fingerprint: "0123456789abcdef".to_string(),
        }
    }

    #[test]
    fn a_message_that_does_not_name_its_commit_is_given_the_cleaned_subject() {
        // A subject with a right-to-left override, under a template that names no commit.
        let report = report("Fix \u{202e}gnirts");
        let named = naming_the_commit(&report, &about_the_commit("Why?"), "Why?".to_string());
        assert_eq!(named, "Commit c0ffee0011 (“Fix \u{fffd}gnirts”): Why?");
        // A message that names the commit already is left alone.
        let own = "Commit c0ffee0011 says what, not why.".to_string();
        assert_eq!(
            naming_the_commit(&report, &about_the_commit(&own), own.clone()),
            own
        );
    }
}
