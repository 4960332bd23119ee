//! `[[custom]]` rules from `.ponder.toml`: a regex over added lines, in the paths the rule
//! names, asking the question the configuration gives. One prompt per matching line; the
//! report keeps at most `crate::MAX_PROMPTS_PER_FILE` of them per file and notes the rest,
//! so that a broad pattern cannot flood it.

use crate::change::Change;
use crate::config::CustomRule;
use crate::Prompt;

pub fn check(rules: &[CustomRule], change: &Change) -> Vec<Prompt> {
    let mut prompts = Vec::new();
    for rule in rules {
        for file in &change.files {
            if rule
                .paths
                .as_ref()
                .is_some_and(|paths| !paths.is_match(&file.path))
            {
                continue;
            }
            let Some(text) = &file.new else {
                continue;
            };
            let matches = text
                .content
                .lines()
                .enumerate()
                .map(|(index, line)| (index as u32 + 1, line))
                .filter(|(number, line)| {
                    file.added_lines.contains(number) && rule.pattern.is_match(line)
                });
            for (number, line) in matches {
                prompts.push(Prompt {
                    rule: rule.id.clone(),
                    file: Some(file.path.clone()),
                    line: Some(number),
                    end_line: Some(number),
                    commit: None,
                    function: None,
                    question: rule.question.clone(),
                    evidence: vec![format!("`{}`", line.trim())],
                    answer: None,
                    answered_by: None,
                    fingerprint: String::new(),
                });
            }
        }
    }
    prompts
}
