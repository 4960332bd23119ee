//! The markdown report as GitHub would read it: each test parses the output with
//! pulldown-cmark (GitHub's extensions on) and asserts on what a reader would see.

use std::collections::BTreeMap;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::{render, render_with, MarkdownOptions, MARKER};
use crate::{CommitSummary, FileSummary, Prompt, Report, StaleAnswer};

const HEAD: &str = "5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80";
const BASE: &str = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";
const COMMIT: &str = "c0ffee00112233445566778899aabbccddeeff00";

fn prompt(rule: &str, file: Option<&str>, line: Option<u32>, question: &str) -> Prompt {
    Prompt {
        rule: rule.to_string(),
        file: file.map(str::to_string),
        line,
        end_line: line,
        commit: None,
        function: None,
        question: question.to_string(),
        evidence: Vec::new(),
        answer: None,
        answered_by: None,
        answer_with: vec![if file.is_some() {
            crate::AnswerSource::Comment
        } else {
            crate::AnswerSource::Trailer
        }],
        fingerprint: "0123456789abcdef".to_string(),
    }
}

fn report(prompts: Vec<Prompt>, subject: &str) -> Report {
    Report {
        base: Some(BASE.to_string()),
        base_ref: None,
        head: Some(HEAD.to_string()),
        includes_work_tree: false,
        commits: vec![CommitSummary {
            sha: COMMIT.to_string(),
            subject: subject.to_string(),
        }],
        prompts,
        files: vec![FileSummary {
            path: "src/lib.rs".to_string(),
            parsed: true,
            note: None,
        }],
        unread: Vec::new(),
        stale_answers: Vec::new(),
        sources: BTreeMap::new(),
        commit_anchors: BTreeMap::new(),
        rules: Vec::new(),
        timings: crate::timings::Timings::default(),
        notes: Vec::new(),
    }
}

fn events(markdown: &str) -> Vec<Event<'_>> {
    let options = Options::ENABLE_TASKLISTS
        | Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_MATH
        | Options::ENABLE_GFM;
    Parser::new_ext(markdown, options).collect()
}

/// All the text a reader sees (text and code), joined.
fn visible(events: &[Event<'_>]) -> String {
    events
        .iter()
        .filter_map(|event| match event {
            Event::Text(text) | Event::Code(text) => Some(text.to_string()),
            Event::SoftBreak | Event::HardBreak => Some(" ".to_string()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("")
}

fn checkboxes(events: &[Event<'_>]) -> Vec<bool> {
    events
        .iter()
        .filter_map(|event| match event {
            Event::TaskListMarker(checked) => Some(*checked),
            _ => None,
        })
        .collect()
}

/// The markup a safe report may contain: no HTML but the marker, no link, image, table,
/// strikethrough, math or footnote.
fn assert_only_ponder_markup(markdown: &str, events: &[Event<'_>]) {
    let html: Vec<String> = events
        .iter()
        .filter_map(|event| match event {
            Event::Html(html) | Event::InlineHtml(html) => Some(html.to_string()),
            _ => None,
        })
        .collect();
    let html: Vec<String> = html
        .into_iter()
        .filter(|h| !super::is_ponder_markup(h))
        .collect();
    assert_eq!(html, vec![format!("{MARKER}\n")], "{markdown}");
    for (index, event) in events.iter().enumerate() {
        let forbidden = matches!(
            event,
            Event::Start(
                Tag::Link { .. }
                    | Tag::Image { .. }
                    | Tag::Table(_)
                    | Tag::Strikethrough
                    | Tag::FootnoteDefinition(_)
                    | Tag::HtmlBlock
            ) | Event::InlineMath(_)
                | Event::DisplayMath(_)
                | Event::FootnoteReference(_)
        );
        // An HTML block is ponder's own: the report's marker or an item's `<details>`.
        let own_block = matches!(event, Event::Start(Tag::HtmlBlock))
            && match events.get(index + 1) {
                Some(Event::Html(html)) => {
                    super::is_ponder_markup(html) || (index == 0 && html.trim() == MARKER)
                }
                _ => false,
            };
        assert!(
            !forbidden || own_block,
            "unexpected {event:?} in\n{markdown}"
        );
    }
    // GitHub mentions no one from inside a code span; plain text is what must not.
    let text: String = events
        .iter()
        .filter_map(|event| match event {
            Event::Text(text) => Some(text.to_string()),
            _ => None,
        })
        .collect();
    for (index, _) in text.match_indices('@') {
        assert!(
            text.get(index + 1..)
                .is_some_and(|rest| rest.starts_with('\u{200d}')),
            "a bare @ could mention someone: {text:?}"
        );
    }
}

#[test]
fn open_and_answered_questions_are_checkboxes_grouped_by_file_then_commit() {
    let mut answered = prompt(
        "unhandled-failure",
        Some("src/lib.rs"),
        Some(12),
        "`load` now calls `read().unwrap()` (src/lib.rs:12). What then?",
    );
    answered.answer = Some("the file is checked by the caller".to_string());
    answered.function = Some("load".to_string());
    answered.evidence = vec!["also `read().unwrap()` at src/lib.rs:13".to_string()];
    let mut ranged = prompt(
        "untested-branch",
        Some("src/lib.rs"),
        Some(30),
        "`pick` gains a branch.",
    );
    ranged.end_line = Some(41);
    ranged.evidence = vec!["No test names `pick`.".to_string()];
    let mut commit_prompt = prompt(
        "missing-rationale",
        None,
        None,
        "Commit c0ffee0011 (“Fix it”) has no body. Why?",
    );
    commit_prompt.commit = Some(COMMIT.to_string());
    let markdown = render(&report(vec![answered, ranged, commit_prompt], "Fix it"));
    let events = events(&markdown);
    assert_only_ponder_markup(&markdown, &events);

    assert!(markdown.starts_with(&format!("{MARKER}\n")), "{markdown}");
    assert_eq!(checkboxes(&events), vec![true, false, false], "{markdown}");
    let text = visible(&events);
    assert!(
        text.contains("ponder asks 3 questions about this change (1 answered, 2 open)"),
        "{text}"
    );
    assert!(text.contains("1a2b3c4d5e..5d6e7f8091"), "{text}");
    assert!(text.contains("1 commit"), "{text}");
    assert!(
        text.contains("What then? — L12 · unhandled-failure"),
        "{text}"
    );
    assert!(
        text.contains("pick gains a branch. — L30-L41 · untested-branch"),
        "{text}"
    );
    assert!(
        text.contains("Answered: the file is checked by the caller"),
        "{text}"
    );
    assert!(text.contains("No test names pick."), "{text}");
    // An answered item's evidence folds under its answer, inside the same item.
    let answer_at = markdown.find("**Answered:**");
    let evidence_at = markdown.find("  - also `read().unwrap()` at src/lib.rs:13");
    assert!(
        matches!((answer_at, evidence_at), (Some(a), Some(e)) if a < e),
        "{markdown}"
    );
    // Each `<details>` sits inside its question's item, not after the list.
    let mut depth = 0;
    let mut details_depths = Vec::new();
    for event in &events {
        match event {
            Event::Start(Tag::Item) => depth += 1,
            Event::End(TagEnd::Item) => depth -= 1,
            Event::Html(html) if html.contains("<details>") => details_depths.push(depth),
            _ => {}
        }
    }
    assert_eq!(details_depths, [1, 1], "{markdown}");
    // The code a question quotes stays code.
    assert!(
        events.contains(&Event::Code("read().unwrap()".into())),
        "{markdown}"
    );

    let headings: Vec<String> = heading_texts(&events);
    assert_eq!(headings.len(), 3, "{headings:?}");
    assert!(headings[1].contains("src/lib.rs"), "{headings:?}");
    assert!(
        headings[2].contains("c0ffee0011") && headings[2].contains("Fix it"),
        "{headings:?}"
    );
}

fn heading_texts(events: &[Event<'_>]) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for event in events {
        match event {
            Event::Start(Tag::Heading { .. }) => current = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => out.extend(current.take()),
            Event::Text(text) | Event::Code(text) => {
                if let Some(heading) = current.as_mut() {
                    heading.push_str(text);
                }
            }
            _ => {}
        }
    }
    out
}

const HOSTILE: &[&str] = &[
    "@org/team please look",
    "</details><details open>",
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "![img](https://example.invalid/a.png)",
    "a | b | c\n--- | --- | ---",
    "``` ` `` `",
    "~~gone~~ $x^2$ [^1] &lt;b&gt;",
    "line one\n- [ ] fake item\n# fake heading",
    "1. not a list",
    "@\u{202e}reversed\u{7}bell",
];

#[test]
fn hostile_repository_text_stays_literal_text() {
    for hostile in HOSTILE {
        let mut file_prompt = prompt(
            "unhandled-failure",
            Some(hostile),
            Some(3),
            &format!("`{hostile}` in {hostile}"),
        );
        file_prompt.function = Some(hostile.to_string());
        file_prompt.evidence = vec![hostile.to_string()];
        file_prompt.answer = Some(hostile.to_string());
        let mut commit_prompt = prompt(
            "missing-rationale",
            None,
            None,
            &format!("Commit “{hostile}” says what, not why."),
        );
        commit_prompt.commit = Some(COMMIT.to_string());
        let mut subject_report = report(vec![file_prompt, commit_prompt], hostile);
        subject_report.files[0].note = Some(hostile.to_string());
        for options in [
            MarkdownOptions::default(),
            MarkdownOptions {
                link_base: Some("https://github.com/o/r/blob/".to_string()),
                max_bytes: None,
            },
        ] {
            let markdown = render_with(&subject_report, &options);
            let events = events(&markdown);
            let linked = options.link_base.is_some();
            // Links are only ponder's own, to the blob of the file, when asked for.
            for event in &events {
                if let Event::Start(Tag::Link { dest_url, .. }) = event {
                    assert!(linked, "{markdown}");
                    assert!(
                        dest_url.starts_with("https://github.com/o/r/blob/c0ffee")
                            || dest_url
                                .starts_with(&format!("https://github.com/o/r/blob/{HEAD}/")),
                        "{dest_url}"
                    );
                    assert!(
                        !dest_url.contains(' ') && !dest_url.contains('<'),
                        "{dest_url}"
                    );
                }
            }
            let without_links: Vec<Event<'_>> = events
                .iter()
                .filter(|e| !matches!(e, Event::Start(Tag::Link { .. }) | Event::End(TagEnd::Link)))
                .cloned()
                .collect();
            assert_only_ponder_markup(&markdown, &without_links);
            assert_eq!(
                checkboxes(&events),
                vec![true, false],
                "{hostile:?}:\n{markdown}"
            );
            assert_eq!(heading_texts(&events).len(), 3, "{hostile:?}:\n{markdown}");
            // Every item is one list item (plus its nested evidence/answer list).
            let items = events
                .iter()
                .filter(|e| matches!(e, Event::Start(Tag::Item)))
                .count();
            assert_eq!(items, 2 + 2, "{hostile:?}:\n{markdown}");
            // What the reader sees is the text itself, on one line, minus mentions.
            let text = visible(&events).replace('\u{200d}', "");
            let expected = hostile
                .replace('\n', " ")
                .replace(['\u{202e}', '\u{7}'], "\u{fffd}");
            assert!(
                text.contains(&expected),
                "{expected:?} not shown in {text:?}\n{markdown}"
            );
        }
    }
}

#[test]
fn no_questions_still_has_the_marker_and_the_range() {
    let markdown = render(&report(Vec::new(), "Explain the cache"));
    let events = events(&markdown);
    assert_only_ponder_markup(&markdown, &events);
    assert!(checkboxes(&events).is_empty());
    let text = visible(&events);
    assert!(
        text.contains("ponder has no questions about this change"),
        "{text}"
    );
    assert!(text.contains("1a2b3c4d5e..5d6e7f8091"), "{text}");
    assert!(!text.contains("Answer a question"), "{text}");
}

#[test]
fn links_point_at_the_prompts_commit_or_the_head() {
    let mut in_commit = prompt(
        "bulk-insertion",
        Some("src/big file(1).rs"),
        Some(5),
        "Which parts did you read?",
    );
    in_commit.end_line = Some(300);
    in_commit.commit = Some(COMMIT.to_string());
    let at_head = prompt(
        "unhandled-failure",
        Some("src/lib.rs"),
        Some(7),
        "What then?",
    );
    let options = MarkdownOptions {
        link_base: Some("https://ghe.example/o/r/blob/".to_string()),
        max_bytes: None,
    };
    let markdown = render_with(&report(vec![in_commit, at_head], "Add it"), &options);
    let links: Vec<String> = events(&markdown)
        .iter()
        .filter_map(|e| match e {
            Event::Start(Tag::Link { dest_url, .. }) => Some(dest_url.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(
        links,
        vec![
            format!("https://ghe.example/o/r/blob/{COMMIT}/src/big%20file%281%29.rs#L5-L300"),
            format!("https://ghe.example/o/r/blob/{HEAD}/src/lib.rs#L7"),
        ],
        "{markdown}"
    );
}

#[test]
fn stale_answers_are_listed_with_their_place_and_reason() {
    let mut with_stale = report(Vec::new(), "Move code");
    with_stale.stale_answers = vec![
        StaleAnswer {
            file: "src/lib.rs".to_string(),
            line: 12,
            rule: "unhandled-failure".to_string(),
            reason: "@org/team said </details> is fine".to_string(),
            known_rule: true,
            did_you_mean: None,
            needs_trailer: false,
        },
        StaleAnswer {
            file: "src/lib.rs".to_string(),
            line: 30,
            rule: "no-such-rule".to_string(),
            reason: "checked by hand".to_string(),
            known_rule: false,
            did_you_mean: None,
            needs_trailer: false,
        },
    ];
    let markdown = render(&with_stale);
    let events = events(&markdown);
    assert_only_ponder_markup(&markdown, &events);
    assert!(checkboxes(&events).is_empty(), "not questions: {markdown}");
    let text = visible(&events).replace('\u{200d}', "");
    assert!(text.contains("2 stale answers"), "{text}");
    assert!(text.contains("Answers that answer nothing"), "{text}");
    assert!(text.contains("src/lib.rs#L12"), "{text}");
    assert!(text.contains("@org/team said </details> is fine"), "{text}");
    assert!(
        text.contains("no-such-rule is not a rule ponder knows"),
        "{text}"
    );
}

mod budget;
mod items;
