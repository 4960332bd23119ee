//! Each item as a reviewer reads it: the question first, its evidence collapsed, shared
//! evidence said once, and the ticks and markers that let a tick survive an update.

use super::*;

#[test]
fn ticks_carry_over_by_fingerprint_and_only_on_ponders_own_item_lines() {
    let old = "- [x] a <!-- ponder:item 00000000000000aa -->\n\
               - [ ] b <!-- ponder:item 00000000000000bb -->\n\
               - [x] quoted text <!-- ponder:item 00000000000000cc --> more\n";
    let new = "- [ ] b <!-- ponder:item 00000000000000bb -->\n\
               - [ ] a moved <!-- ponder:item 00000000000000aa -->\n\
               - [ ] c <!-- ponder:item 00000000000000cc -->\n\
               - [ ] gone <!-- ponder:item 00000000000000dd -->\n";
    assert_eq!(
        super::super::keep_ticks(old, new),
        "- [ ] b <!-- ponder:item 00000000000000bb -->\n\
         - [x] a moved <!-- ponder:item 00000000000000aa -->\n\
         - [ ] c <!-- ponder:item 00000000000000cc -->\n\
         - [ ] gone <!-- ponder:item 00000000000000dd -->\n"
    );
}

#[test]
fn every_item_carries_its_fingerprint_in_a_hidden_marker() {
    let markdown = render(&report(
        vec![prompt(
            "unhandled-failure",
            Some("src/lib.rs"),
            Some(3),
            "Why?",
        )],
        "Add it",
    ));
    let item = markdown
        .lines()
        .find(|l| l.starts_with("- [ ] "))
        .expect("an item");
    assert!(
        item.ends_with("<!-- ponder:item 0123456789abcdef -->"),
        "{item}"
    );
}

/// The lines of the item whose first line holds `needle`, up to the next item.
fn item_lines<'a>(markdown: &'a str, needle: &str) -> Vec<&'a str> {
    let mut lines = markdown.lines().skip_while(|line| !line.contains(needle));
    let first = lines.next().into_iter();
    first
        .chain(lines.take_while(|line| !line.starts_with("- [") && !line.starts_with('#')))
        .collect()
}

#[test]
fn the_question_comes_first_and_its_evidence_is_collapsed() {
    let mut branch = prompt(
        "untested-branch",
        Some("src/lib.rs"),
        Some(30),
        "`pick` gains a new condition at src/lib.rs:30: `x > 1`. Which input takes it?",
    );
    branch.end_line = Some(34);
    branch.function = Some("pick".to_string());
    branch.evidence = vec!["2 new branch points, at lines 30, 34".to_string()];
    let options = MarkdownOptions {
        link_base: Some("https://github.com/o/r/blob/".to_string()),
        max_bytes: None,
    };
    let markdown = render_with(&report(vec![branch], "Add it"), &options);

    let item = item_lines(&markdown, "- [ ] ");
    let first = item.first().copied().unwrap_or_default();
    assert!(
        first.starts_with("- [ ] `pick` gains a new condition"),
        "{markdown}"
    );
    assert!(
        first.contains(&format!(
            "[`L30-L34`](https://github.com/o/r/blob/{HEAD}/src/lib.rs#L30-L34)"
        )),
        "{first}"
    );
    assert!(
        first.ends_with("<!-- ponder:item 0123456789abcdef -->"),
        "{first}"
    );
    // The function and the path are each named once in the item: the question does.
    assert_eq!(first.matches("`pick`").count(), 1, "{first}");
    assert_eq!(first.matches("src/lib.rs:").count(), 1, "{first}");
    assert!(!first.contains("2 new branch points"), "{first}");
    // The evidence is in a collapsed block under the item, as a list.
    let details = item
        .iter()
        .position(|l| l.trim() == "<details><summary>Why ponder asks</summary>");
    let evidence = item
        .iter()
        .position(|l| l.trim() == "- 2 new branch points, at lines 30, 34");
    let closed = item.iter().position(|l| l.trim() == "</details>");
    assert!(
        matches!((details, evidence, closed), (Some(d), Some(e), Some(c)) if d < e && e < c),
        "{markdown}"
    );
}

#[test]
fn evidence_many_questions_share_is_said_once() {
    let tests_line = "2 tests changed in this change: `parses`, `prints`";
    let prompts: Vec<_> = ["first", "second", "third"]
        .iter()
        .enumerate()
        .map(|(index, function)| {
            let line = 10 + u32::try_from(index).unwrap_or(0) * 10;
            let mut p = prompt(
                "untested-branch",
                Some("src/lib.rs"),
                Some(line),
                &format!("`{function}` gains a branch."),
            );
            p.function = Some(function.to_string());
            p.evidence = vec![
                tests_line.to_string(),
                format!("no check on `x` comes before it in `{function}`"),
            ];
            p
        })
        .collect();
    let mut both = prompts[0].clone();
    both.evidence = vec!["`first` does not handle this failure".to_string()];
    both.line = Some(50);
    both.end_line = Some(50);
    let mut all = prompts;
    all.push(both.clone());
    both.line = Some(60);
    both.end_line = Some(60);
    all.push(both);
    let markdown = render(&report(all, "Add it"));
    let events = events(&markdown);
    assert_only_ponder_markup(&markdown, &events);
    assert_eq!(
        markdown.matches("2 tests changed in this change").count(),
        1,
        "{markdown}"
    );
    let said_once = markdown.find("Said once for the questions below:");
    let shared =
        markdown.find("- 2 tests changed in this change: `parses`, `prints` (of 3 questions)");
    let first_item = markdown.find("- [ ] ");
    assert!(
        matches!((said_once, shared, first_item), (Some(s), Some(l), Some(i)) if s < l && l < i),
        "{markdown}"
    );
    // Evidence about one function stays with its questions, even when repeated.
    assert_eq!(markdown.matches("in `second`").count(), 1, "{markdown}");
    assert_eq!(
        markdown.matches("`first` does not handle").count(),
        2,
        "{markdown}"
    );
}
