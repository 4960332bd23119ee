//! missing-rationale on a pull request description (`crate::description`): whether the
//! description gives a reason, judged by the words a commit body is judged by, and with
//! `squash = true` the one question about a description that gives none.

use super::{changed_lines, files_evidence, is_lockfile, patterns, without_trailers, Thresholds};
use crate::change::FileChange;
use crate::config::RuleSettings;
use crate::rules::{Finding, Message};

/// The first sentence of a pull request description that gives a reason, judged by the
/// reason words a commit body is judged by, or `None` when it only lists changes.
/// What a pull request template writes is left out — HTML comments (`<!-- Why is this
/// needed? -->`), headings, task-list items (`- [ ] Tests pass`) — and so are trailers;
/// a long sentence is cut at 200 characters.
pub(crate) fn description_reason(description: &str) -> Option<String> {
    const LONGEST: usize = 200;
    let patterns = patterns()?;
    let text = without_trailers(&without_html_comments(description));
    let text: String = text
        .lines()
        .filter(|line| {
            let line = line.trim_start();
            let task = ["- [", "* [", "+ ["]
                .iter()
                .any(|item| line.starts_with(item))
                && line.get(4..5) == Some("]");
            !line.starts_with('#') && !task
        })
        .collect::<Vec<_>>()
        .join("\n");
    if !patterns.gives_reason(&text) {
        return None;
    }
    let sentence = sentences(&text).find(|s| patterns.gives_reason(s))?;
    let sentence = sentence.trim_start_matches(['-', '*', '+', ' ']).trim();
    Some(match sentence.char_indices().nth(LONGEST) {
        Some((cut, _)) => format!("{}…", sentence.get(..cut).unwrap_or(sentence)),
        None => sentence.to_string(),
    })
}

/// `text` without `<!-- … -->` comments; an unclosed one runs to the end, as markdown
/// renders it.
fn without_html_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("<!--") {
        out.push_str(rest.get(..start).unwrap_or_default());
        let after = rest.get(start + 4..).unwrap_or_default();
        match after.find("-->") {
            Some(end) => rest = after.get(end + 3..).unwrap_or_default(),
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// `text` split into sentences: at a blank line or a list item, and after `.`, `!` or `?`
/// followed by a space; each with its lines joined by spaces.
fn sentences(text: &str) -> impl Iterator<Item = String> + '_ {
    let mut paragraphs: Vec<String> = vec![String::new()];
    for line in text.lines() {
        let trimmed = line.trim();
        let item = trimmed.starts_with(['-', '*', '+']);
        if trimmed.is_empty() || item {
            paragraphs.push(String::new());
        }
        if let Some(last) = paragraphs.last_mut() {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(trimmed);
        }
    }
    paragraphs.into_iter().flat_map(|paragraph| {
        let mut out = Vec::new();
        let mut start = 0;
        let chars: Vec<(usize, char)> = paragraph.char_indices().collect();
        for pair in chars.windows(2) {
            if let [(at, end), (_, ' ')] = pair {
                if matches!(end, '.' | '!' | '?') {
                    let stop = at + end.len_utf8();
                    out.push(
                        paragraph
                            .get(start..stop)
                            .unwrap_or_default()
                            .trim()
                            .to_string(),
                    );
                    start = stop;
                }
            }
        }
        out.push(
            paragraph
                .get(start..)
                .unwrap_or_default()
                .trim()
                .to_string(),
        );
        out.into_iter().filter(|s| !s.is_empty())
    })
}

/// With `squash = true`: the one question about a pull request whose description gives
/// no reason (`described`: it has one at all), shown at the `head` commit, for the
/// range's `files`; `None` when the change is trivial (`trivial_max_lines`).
pub(crate) fn description_finding(
    described: bool,
    commits: usize,
    head: &str,
    files: &[FileChange],
    settings: &RuleSettings,
) -> Option<Finding> {
    let limits = settings.typed::<Thresholds>().ok()?;
    let counted: Vec<&FileChange> = files.iter().filter(|f| !is_lockfile(&f.path)).collect();
    let size = changed_lines(&counted);
    if size <= limits.trivial_max_lines {
        return None;
    }
    let key = if described {
        "description_no_reason"
    } else {
        "no_description"
    };
    let question = Message::new(key)
        .with("commits", commits.to_string())
        .with("lines", size.to_string())
        .with("files", counted.len().to_string());
    let mut finding = Finding::at_commit(question, head);
    finding.evidence.extend(files_evidence(&counted));
    if !described {
        finding.evidence.push(Message::new("no_description"));
    }
    Some(finding)
}

#[cfg(test)]
mod tests {
    use super::description_reason;

    #[test]
    fn the_first_sentence_that_gives_a_reason_is_the_answer() {
        let text = "## Summary\n\nAdds a retry loop. Uploads failed during deploys\nbecause the CDN sheds load. Three retries ride it out.\n";
        assert_eq!(
            description_reason(text).as_deref(),
            Some("Uploads failed during deploys because the CDN sheds load.")
        );
    }

    #[test]
    fn a_list_of_changes_headings_and_trailers_give_no_reason() {
        for text in [
            "- add X\n- update Y\n",
            "## Why\n\n- add retry loop\n- rename helper\n",
            "Add retry\n\nSigned-off-by: A <a@example.com>\n",
            "",
        ] {
            assert_eq!(description_reason(text), None, "{text:?}");
        }
    }

    #[test]
    fn an_untouched_pull_request_template_gives_no_reason() {
        let template = "## Why\n\n<!-- Why is this change needed? What problem\ndoes it solve? -->\n\n## Checklist\n\n- [ ] Tests cover the bug fix\n- [x] No regression in the benchmarks\n\n- add retry loop\n";
        assert_eq!(description_reason(template), None);
        let filled = format!("{template}\nRetries are needed because the CDN sheds load.\n");
        assert_eq!(
            description_reason(&filled).as_deref(),
            Some("Retries are needed because the CDN sheds load.")
        );
        assert_eq!(description_reason("<!-- unclosed, so that"), None);
    }

    #[test]
    fn a_reason_in_a_list_item_is_given_without_its_bullet() {
        let text = "- add retry loop\n- keep the old client, since the CLI still uses it\n";
        assert_eq!(
            description_reason(text).as_deref(),
            Some("keep the old client, since the CLI still uses it")
        );
    }

    proptest::proptest! {
        // A description is text from anyone who can open a pull request.
        #[test]
        fn any_description_is_judged_without_panicking(
            text in "(\\PC|\n|<!--|-->|- \\[x\\] |# |\\. |because ){0,80}"
        ) {
            if let Some(reason) = description_reason(&text) {
                proptest::prop_assert!(reason.chars().count() <= 201);
            }
        }
    }

    #[test]
    fn a_long_sentence_is_cut() {
        let text = format!("This is needed because {}", "é".repeat(400));
        let reason = description_reason(&text).unwrap_or_default();
        assert_eq!(reason.chars().count(), 201, "{reason}");
        assert!(reason.ends_with('…'));
    }
}
