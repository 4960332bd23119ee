//! A prompt's fingerprint: a short hash that stays the same when the prompt's lines move,
//! so that a CI step can tell a prompt it has already posted from a new one after a push
//! that inserts code above it (SARIF `partialFingerprints`, the JSON `fingerprint` field).
//!
//! What goes in:
//! - a prompt about code: the rule, the file, the function, and the flagged lines' code
//!   with runs of whitespace collapsed, blank lines dropped and any `// ponder:` answer
//!   comment removed — answering a prompt must not make it look like a new one. The line
//!   number never goes in.
//! - a prompt about a commit (no file): the rule and the commit's subject, whitespace
//!   collapsed. Not the SHA: a rebase or an amended body gives the same commit a new SHA,
//!   and its prompt should still be the one CI already posted. Rewording the subject makes
//!   it a new prompt, which is what a reviewer would expect. The `squash = true` question
//!   about the pull request description: the rule alone, for the head commit it is shown
//!   at changes with every push.
//! - anything else: the rule and the file alone.
//!
//! Two prompts with the same identity (two identical `x.unwrap()` lines in one function)
//! are told apart by their order among themselves, which a shift of lines does not change;
//! the first keeps the plain hash.
//!
//! The hash is 64-bit FNV-1a, written out here so that its value can never change with a
//! dependency or a compiler version: fingerprints are compared across runs and releases.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::{source_key, AnswerSource, CommitSummary, Prompt};

/// Sets `fingerprint` on every prompt. `sources` are the texts prompts point into, keyed
/// by `source_key`; `commits` give commit-level prompts their subject.
pub fn assign(
    prompts: &mut [Prompt],
    sources: &BTreeMap<String, Arc<str>>,
    commits: &[CommitSummary],
) {
    let mut seen: HashMap<u64, u64> = HashMap::new();
    for prompt in prompts.iter_mut() {
        let identity = identity(prompt, sources, commits);
        let base = fnv1a(&identity);
        let occurrence = seen.entry(base).or_insert(0);
        let hash = if *occurrence == 0 {
            base
        } else {
            fnv1a(&[base.to_le_bytes().as_slice(), &occurrence.to_le_bytes()].concat())
        };
        *occurrence += 1;
        prompt.fingerprint = format!("{hash:016x}");
    }
}

/// The bytes that identify a prompt, fields separated by NUL so that no two different
/// field lists run together into the same bytes.
fn identity(
    prompt: &Prompt,
    sources: &BTreeMap<String, Arc<str>>,
    commits: &[CommitSummary],
) -> Vec<u8> {
    let mut fields: Vec<String> = vec![prompt.rule.clone()];
    match (&prompt.file, prompt.line) {
        (Some(file), line) => {
            fields.push(format!("file:{file}"));
            fields.push(format!(
                "function:{}",
                prompt.function.as_deref().unwrap_or("")
            ));
            let text = sources.get(&source_key(prompt));
            if let (Some(text), Some(line)) = (text, line) {
                let end = prompt.end_line.unwrap_or(line).max(line);
                fields.push(format!("code:{}", normalised_code(text, line, end)));
            }
        }
        // The `squash = true` question is about the pull request, whichever commit is its
        // head: a push must not make it a new prompt.
        (None, _) if prompt.answer_with.contains(&AnswerSource::Description) => {
            fields.push("pull-request-description".to_string());
        }
        (None, _) => {
            let subject = prompt
                .commit
                .as_ref()
                .and_then(|sha| commits.iter().find(|c| &c.sha == sha))
                .map(|c| collapse_whitespace(&c.subject));
            if let Some(subject) = subject {
                fields.push(format!("subject:{subject}"));
            }
        }
    }
    fields.join("\0").into_bytes()
}

/// Lines `start..=end` (1-based) of `text`, each without its answer comment and with its
/// whitespace collapsed, blank ones dropped.
fn normalised_code(text: &str, start: u32, end: u32) -> String {
    text.lines()
        .skip(start.saturating_sub(1) as usize)
        .take(end.saturating_sub(start) as usize + 1)
        .map(|line| collapse_whitespace(crate::answers::without_answer_comment(line)))
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// 16 hex digits that identify `text`, for what has no prompt to take a fingerprint
/// from (a stale answer in a format that needs one per entry).
pub fn hash_text(text: &str) -> String {
    format!("{:016x}", fnv1a(text.as_bytes()))
}

/// 64-bit FNV-1a.
fn fnv1a(bytes: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes.iter().fold(OFFSET, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(PRIME)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prompt(file: Option<&str>, line: u32, function: Option<&str>) -> Prompt {
        Prompt {
            rule: "unhandled-failure".to_string(),
            file: file.map(str::to_string),
            line: file.map(|_| line),
            end_line: file.map(|_| line),
            commit: None,
            function: function.map(str::to_string),
            question: format!("question naming line {line}"),
            evidence: Vec::new(),
            answer: None,
            answered_by: None,
            answer_with: vec![crate::AnswerSource::Comment],
            fingerprint: String::new(),
        }
    }

    fn fingerprints(prompts: &mut [Prompt], text: &str) -> Vec<String> {
        let sources = BTreeMap::from([(":src/lib.rs".to_string(), Arc::from(text))]);
        assign(prompts, &sources, &[]);
        prompts.iter().map(|p| p.fingerprint.clone()).collect()
    }

    #[test]
    fn the_hash_is_standard_fnv1a() {
        // Published FNV-1a 64 test vectors: the value must never drift.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn moving_lines_keeps_the_fingerprint_and_other_code_changes_it() {
        let before = "fn load() {\n    let text = read(path).unwrap();\n}\n";
        let after = "// a new header\n\nfn load() {\n    let  text = read(path).unwrap();   // ponder: unhandled-failure: the path was checked above\n}\n";
        let old = fingerprints(&mut [prompt(Some("src/lib.rs"), 2, Some("load"))], before);
        let new = fingerprints(&mut [prompt(Some("src/lib.rs"), 4, Some("load"))], after);
        assert_eq!(old, new);
        assert_eq!(old[0].len(), 16);

        let other = "fn load() {\n    let text = read(other_path).unwrap();\n}\n";
        let changed = fingerprints(&mut [prompt(Some("src/lib.rs"), 2, Some("load"))], other);
        assert_ne!(old, changed);
        let elsewhere = fingerprints(&mut [prompt(Some("src/lib.rs"), 2, Some("save"))], before);
        assert_ne!(old, elsewhere);
    }

    #[test]
    fn identical_sites_are_told_apart_by_their_order() {
        let text = "fn f() {\n    x.unwrap();\n    x.unwrap();\n}\n";
        let both = fingerprints(
            &mut [
                prompt(Some("src/lib.rs"), 2, Some("f")),
                prompt(Some("src/lib.rs"), 3, Some("f")),
            ],
            text,
        );
        assert_ne!(both[0], both[1]);
        let first_alone = fingerprints(&mut [prompt(Some("src/lib.rs"), 2, Some("f"))], text);
        assert_eq!(first_alone[0], both[0]);
    }

    #[test]
    fn commit_prompts_are_identified_by_subject_not_sha() {
        let commits = |sha: &str, subject: &str| {
            vec![CommitSummary {
                sha: sha.to_string(),
                subject: subject.to_string(),
            }]
        };
        let of = |sha: &str, subject: &str| {
            let mut prompts = [Prompt {
                commit: Some(sha.to_string()),
                ..prompt(None, 0, None)
            }];
            assign(&mut prompts, &BTreeMap::new(), &commits(sha, subject));
            prompts[0].fingerprint.clone()
        };
        assert_eq!(of("aaaa", "Update  things"), of("bbbb", "Update things"));
        assert_ne!(of("aaaa", "Update things"), of("aaaa", "Fix things"));
    }
}
