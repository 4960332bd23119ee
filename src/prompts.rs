//! Findings become prompts here, once for a whole report: each finding's question and
//! evidence are rendered from its rule's templates, its answer is looked up, and then, over
//! every prompt of the report together, they are sorted, checked for stale answers, capped
//! per rule and file, and fingerprinted. Nothing else in ponder renders, answers, caps or
//! fingerprints a prompt.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::answers;
use crate::answers::KnownRules;
use crate::change::{Commit, FileChange};
use crate::config::RuleSettings;
use crate::fingerprint;
use crate::model::{
    source_key, AnswerSource, CommitSummary, Note, Prompt, StaleAnswer, MAX_PROMPTS_PER_FILE,
};
use crate::rules::{render, Finding};

/// A prompt whose answer has been looked up, with the text it points into (for snippets
/// and fingerprints), waiting for the report-wide steps.
pub struct Pending {
    prompt: Prompt,
    source: Option<Arc<str>>,
}

impl Pending {
    /// Whether the prompt is about a whole commit, not a place in a file.
    pub fn is_about_commit(&self) -> bool {
        self.prompt.file.is_none() && self.prompt.commit.is_some()
    }
}

/// Renders `finding` of rule `rule` and looks up its answer. `files` are those the rule
/// judged (where the finding's file is found), `commit` the commit it judged, if any;
/// `answered_by` what answers the rule's questions.
pub fn pending(
    rule: &str,
    finding: Finding,
    settings: &RuleSettings,
    files: &[FileChange],
    commit: Option<&Commit>,
    answered_by: Vec<AnswerSource>,
) -> Pending {
    let mut prompt = render_finding(rule, finding, settings);
    prompt.answer_with = answered_by;
    let source = prompt
        .file
        .as_ref()
        .and_then(|path| files.iter().find(|f| &f.path == path))
        .and_then(|file| file.new.as_ref())
        .map(|text| text.content.clone());
    let message = commit.map(|c| c.body.as_str());
    answers::apply(&mut prompt, source.as_deref(), message);
    Pending { prompt, source }
}

/// The squash question, about a pull request description that gives no reason: only
/// the description answers it (`AnswerSource::Description`), by saying why.
pub fn pending_about_description(rule: &str, finding: Finding, settings: &RuleSettings) -> Pending {
    let mut prompt = render_finding(rule, finding, settings);
    prompt.answer_with = vec![AnswerSource::Description];
    Pending {
        prompt,
        source: None,
    }
}

/// The rule whose finding `pending` is.
pub fn rule_of(pending: &Pending) -> &str {
    &pending.prompt.rule
}

/// Answers every unanswered question of `rule` about a whole commit with `answer`, which
/// the pull request description gave (`AnswerSource::Description`).
pub fn answer_commit_prompts(pending: &mut [Pending], rule: &str, answer: &str) {
    for item in pending.iter_mut() {
        let prompt = &mut item.prompt;
        if prompt.rule == rule && prompt.file.is_none() && prompt.answer.is_none() {
            prompt.answer = Some(answer.to_string());
            prompt.answered_by = Some(AnswerSource::Description);
        }
    }
}

fn render_finding(rule: &str, finding: Finding, settings: &RuleSettings) -> Prompt {
    let template = |table: &BTreeMap<String, String>, key: &str| {
        table
            .get(key)
            .cloned()
            .unwrap_or_else(|| format!("{{{key}}}"))
    };
    let question = render(
        &template(&settings.questions, finding.question.key),
        &finding.question.variables,
    );
    let evidence = finding
        .evidence
        .iter()
        .map(|message| {
            render(
                &template(&settings.evidence, message.key),
                &message.variables,
            )
        })
        .collect();
    Prompt {
        rule: rule.to_string(),
        file: finding.file,
        line: finding.line,
        end_line: finding.end_line,
        commit: finding.commit,
        function: finding.function,
        question,
        evidence,
        answer: None,
        answered_by: None,
        answer_with: Vec::new(),
        fingerprint: String::new(),
    }
}

/// What the report-wide steps give the report.
pub struct Finished {
    pub prompts: Vec<Prompt>,
    pub stale_answers: Vec<StaleAnswer>,
    pub sources: BTreeMap<String, Arc<str>>,
}

/// Sorts, caps (noting what the cap left out in `notes`) and fingerprints every prompt of
/// a report, and finds the answer comments among `files` (the change's own diff) that
/// answer none of them. `rules` are every rule that ran.
pub fn finish(
    pending: Vec<Pending>,
    commits: &[CommitSummary],
    files: &[FileChange],
    rules: &KnownRules,
    notes: &mut Vec<Note>,
) -> Finished {
    let mut sources = BTreeMap::new();
    let mut prompts = Vec::with_capacity(pending.len());
    for Pending { prompt, source } in pending {
        if let Some(source) = source {
            sources.insert(source_key(&prompt), source);
        }
        prompts.push(prompt);
    }
    drop_yielded(&mut prompts, rules);
    sort_prompts(&mut prompts, commits);
    let stale_answers = answers::stale(&prompts, files, rules);
    cap_prompts(&mut prompts, notes);
    fingerprint::assign(&mut prompts, &sources, commits);
    Finished {
        prompts,
        stale_answers,
        sources,
    }
}

/// One line, one question: a prompt about one line (of one commit) is left out when a rule
/// it yields to (`yields_to`) asks about that same line. A prompt spanning several lines
/// stays, since the other rule speaks for only one of them.
fn drop_yielded(prompts: &mut Vec<Prompt>, rules: &KnownRules) {
    if rules.yields_to.is_empty() {
        return;
    }
    let place = |prompt: &Prompt| Some((prompt.file.clone()?, prompt.line?, prompt.commit.clone()));
    let asked: std::collections::BTreeSet<(String, String, u32, Option<String>)> = prompts
        .iter()
        .filter_map(|prompt| {
            let (file, line, commit) = place(prompt)?;
            Some((prompt.rule.clone(), file, line, commit))
        })
        .collect();
    prompts.retain(|prompt| {
        let Some(yields_to) = rules.yields_to.get(&prompt.rule) else {
            return true;
        };
        let Some((file, line, commit)) = place(prompt) else {
            return true;
        };
        if prompt.end_line.is_some_and(|end| end != line) {
            return true;
        }
        !yields_to
            .iter()
            .any(|other| asked.contains(&(other.clone(), file.clone(), line, commit.clone())))
    });
}

/// File prompts by path and line, then commit prompts in commit order.
fn sort_prompts(prompts: &mut [Prompt], commits: &[CommitSummary]) {
    let commit_index = |sha: &Option<String>| {
        sha.as_ref()
            .and_then(|sha| commits.iter().position(|c| &c.sha == sha))
            .unwrap_or(usize::MAX)
    };
    prompts.sort_by_cached_key(|prompt| {
        (
            prompt.file.is_none(),
            prompt.file.clone(),
            prompt.line,
            commit_index(&prompt.commit),
            prompt.rule.clone(),
        )
    });
}

/// Keeps at most `MAX_PROMPTS_PER_FILE` prompts of each rule in each file, unanswered ones
/// first (those are the ones a reader still has to act on), each by line, and notes how
/// many more each had. Unanswered prompts are left out only once 20 of them are kept, so
/// `--require-answers` never needs to count the ones left out.
fn cap_prompts(prompts: &mut Vec<Prompt>, notes: &mut Vec<Note>) {
    type Group = (String, String);
    let group =
        |prompt: &Prompt| -> Option<Group> { Some((prompt.file.clone()?, prompt.rule.clone())) };
    // Per group: (unanswered, total) before the cap, then (unanswered, answered) kept.
    let mut counts: BTreeMap<Group, (usize, usize)> = BTreeMap::new();
    for prompt in prompts.iter() {
        if let Some(key) = group(prompt) {
            let entry = counts.entry(key).or_default();
            entry.0 += usize::from(prompt.answer.is_none());
            entry.1 += 1;
        }
    }
    let mut kept: BTreeMap<Group, (usize, usize)> = BTreeMap::new();
    prompts.retain(|prompt| {
        let Some(key) = group(prompt) else {
            return true;
        };
        let unanswered_total = counts.get(&key).map_or(0, |c| c.0);
        let entry = kept.entry(key).or_default();
        let keep = if prompt.answer.is_none() {
            entry.0 < MAX_PROMPTS_PER_FILE
        } else {
            unanswered_total.min(MAX_PROMPTS_PER_FILE) + entry.1 < MAX_PROMPTS_PER_FILE
        };
        if keep && prompt.answer.is_none() {
            entry.0 += 1;
        } else if keep {
            entry.1 += 1;
        }
        keep
    });
    for ((file, rule), (_, total)) in counts {
        if total > MAX_PROMPTS_PER_FILE {
            notes.push(Note::PromptsNotShown {
                file,
                rule,
                count: total - MAX_PROMPTS_PER_FILE,
                limit: MAX_PROMPTS_PER_FILE,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prompt(rule: &str, line: u32, end_line: Option<u32>, commit: &str) -> Prompt {
        Prompt {
            rule: rule.to_string(),
            file: Some("src/lib.rs".to_string()),
            line: Some(line),
            end_line,
            commit: Some(commit.to_string()),
            function: None,
            question: String::new(),
            evidence: Vec::new(),
            answer: None,
            answered_by: None,
            answer_with: Vec::new(),
            fingerprint: String::new(),
        }
    }

    fn kept(mut prompts: Vec<Prompt>) -> Vec<(String, u32)> {
        let rules = KnownRules {
            forms: BTreeMap::new(),
            yields_to: BTreeMap::from([(
                "unhandled-failure".to_string(),
                vec!["swallowed-error".to_string()],
            )]),
        };
        drop_yielded(&mut prompts, &rules);
        prompts
            .into_iter()
            .map(|p| (p.rule, p.line.unwrap_or(0)))
            .collect()
    }

    #[test]
    fn a_line_asked_by_the_rule_yielded_to_gets_only_that_question() {
        let kept = kept(vec![
            prompt("unhandled-failure", 16, None, "c1"),
            prompt("swallowed-error", 16, None, "c1"),
        ]);
        assert_eq!(kept, vec![("swallowed-error".to_string(), 16)]);
    }

    #[test]
    fn other_lines_commits_spans_and_rules_keep_their_questions() {
        let kept = kept(vec![
            prompt("unhandled-failure", 17, None, "c1"),
            prompt("unhandled-failure", 16, None, "c2"),
            prompt("unhandled-failure", 16, Some(18), "c1"),
            prompt("swallowed-error", 16, None, "c1"),
            // swallowed-error yields to nothing: both stay when the roles are reversed.
            prompt("swallowed-error", 30, None, "c1"),
            prompt("untested-branch", 30, None, "c1"),
        ]);
        assert_eq!(kept.len(), 6, "{kept:?}");
    }
}
