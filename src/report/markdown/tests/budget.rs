//! Reports given a byte budget: whole items, open questions first, and a cut at a line.

use super::*;

#[test]
fn a_capped_report_keeps_whole_open_items_first_and_counts_the_rest() {
    let mut prompts = Vec::new();
    for index in 0..200u32 {
        let mut p = prompt(
            "untested-branch",
            Some("src/lib.rs"),
            Some(index + 1),
            &format!(
                "`f{index}` gains a branch; which input takes it? {}",
                "x".repeat(200)
            ),
        );
        if index % 2 == 0 {
            p.answer = Some("covered by the integration suite".to_string());
        }
        prompts.push(p);
    }
    let report = report(prompts, "Add branches");
    let full = render(&report);
    assert!(full.len() > 20_000);
    let capped = render_with(
        &report,
        &MarkdownOptions {
            link_base: None,
            max_bytes: Some(10_000),
        },
    );
    assert!(capped.len() <= 10_000, "{} bytes", capped.len());
    let events = events(&capped);
    assert_only_ponder_markup(&capped, &events);
    let boxes = checkboxes(&events);
    assert!(boxes.len() > 10, "{capped}");
    assert!(
        boxes.iter().all(|checked| !checked),
        "open questions come first: {boxes:?}"
    );
    let shown = boxes.len();
    let text = visible(&events);
    assert!(
        text.contains(&format!(
            "…and {} more questions not shown here ({} open, 100 answered)",
            200 - shown,
            100 - shown
        )),
        "{text}"
    );
    // Items are whole: every shown one ends with its full question.
    assert_eq!(capped.matches(&"x".repeat(200)).count(), shown);

    let roomy = render_with(
        &report,
        &MarkdownOptions {
            link_base: None,
            max_bytes: Some(full.len() + 1_000),
        },
    );
    assert_eq!(roomy, full);
}

#[test]
fn thousands_of_unread_files_still_fit_a_capped_comment() {
    let mut many = report(
        vec![prompt(
            "unhandled-failure",
            Some("src/lib.rs"),
            Some(3),
            "What then?",
        )],
        "Vendor assets",
    );
    many.files = (0..5000)
        .map(|index| FileSummary {
            path: format!("assets/image-{index}.png"),
            parsed: false,
            note: Some("skipped: binary file".to_string()),
        })
        .collect();
    let capped = render_with(
        &many,
        &MarkdownOptions {
            link_base: None,
            max_bytes: Some(10_000),
        },
    );
    assert!(capped.len() <= 10_000, "{} bytes", capped.len());
    let events = events(&capped);
    assert_eq!(checkboxes(&events), vec![false], "{capped}");
    let text = visible(&events);
    assert!(text.contains("assets/image-19.png"), "{text}");
    assert!(!text.contains("assets/image-20.png"), "{text}");
    assert!(text.contains("and 4980 more"), "{text}");
    // The unread images are listed, not counted as changed Rust files.
    assert!(text.contains("1 commit · 0 changed Rust files"), "{text}");
}

#[test]
fn a_header_longer_than_the_budget_is_cut_at_a_line() {
    let mut long = report(
        vec![prompt(
            "unhandled-failure",
            Some("src/lib.rs"),
            Some(3),
            "What then?",
        )],
        "Long paths",
    );
    long.files = (0..20)
        .map(|index| FileSummary {
            path: format!("{}/{index}.bin", "very-long-directory-name".repeat(40)),
            parsed: false,
            note: Some("skipped: binary file".to_string()),
        })
        .collect();
    let capped = render_with(
        &long,
        &MarkdownOptions {
            link_base: None,
            max_bytes: Some(4_000),
        },
    );
    assert!(capped.len() <= 4_000, "{} bytes", capped.len());
    assert!(capped.starts_with(MARKER), "{capped}");
    assert!(
        capped.ends_with("(cut here: the report is longer than the space it was given)\n"),
        "{capped}"
    );
    let events = events(&capped);
    assert_only_ponder_markup(&capped, &events);
}
