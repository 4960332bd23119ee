//! `ponder --format markdown` on a real repository whose commit messages, paths, code and
//! answers were written to break a pull request comment: the output is parsed with
//! pulldown-cmark (GitHub's extensions on) and checked for what a reader would see.

mod common;

use common::{run_in, TestRepo};
use pulldown_cmark::{Event, Options, Parser, Tag};

const MARKER: &str = "<!-- ponder-report -->";
const HOSTILE_SUBJECT: &str =
    "Ping @org/team </details><script>alert(1)</script> | `x` [x](javascript:alert(1)) %0A::warning::hi";

fn hostile_repository() -> TestRepo {
    let mut repo = TestRepo::library_on_topic();
    repo.write(
        "src/a`b|<i>@team.rs",
        "pub fn parse(text: &str) -> u32 {\n    let _ = \"</details>@org/team`|<b>\".len();\n    text.parse::<u32>().unwrap()\n}\n\npub fn read(path: &str) -> String {\n    // ponder: unhandled-failure: @org/team agreed </details> <img src=x onerror=alert(1)> is fine\n    std::fs::read_to_string(path).unwrap()\n}\n",
    );
    let constants: String = (2..10)
        .map(|n| format!("\npub fn constant_{n}() -> u32 {{\n    {n}\n}}\n"))
        .collect();
    repo.write(
        "src/lib.rs",
        &format!("pub mod parse;\n\npub fn one() -> u32 {{\n    1\n}}\n{constants}"),
    );
    repo.commit_all(HOSTILE_SUBJECT);
    repo
}

/// `ponder ARGS` in the repository: it must succeed; its stdout, which must be UTF-8.
fn run(repo: &TestRepo, args: &[&str]) -> String {
    let run = run_in(repo.path(), args);
    assert_eq!(run.code, Some(0), "{run:?}");
    run.utf8_stdout().to_string()
}

#[test]
fn hostile_repository_text_cannot_break_the_comment() {
    let repo = hostile_repository();
    let markdown = run(&repo, &["--format", "markdown", "main..topic"]);
    let report: serde_json::Value =
        serde_json::from_str(&run(&repo, &["--format", "json", "main..topic"])).expect("JSON");
    let prompts = report["prompts"].as_array().expect("prompts");
    assert!(prompts.len() >= 3, "{markdown}");
    let answered = prompts.iter().filter(|p| !p["answer"].is_null()).count();
    assert_eq!(answered, 1, "{report}");

    let options = Options::ENABLE_TASKLISTS
        | Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_GFM;
    let events: Vec<Event<'_>> = Parser::new_ext(&markdown, options).collect();
    let mut html = Vec::new();
    let mut boxes = Vec::new();
    let mut text = String::new();
    let mut shown = String::new();
    for event in &events {
        match event {
            Event::Html(h) | Event::InlineHtml(h) => html.push(h.to_string()),
            Event::TaskListMarker(checked) => boxes.push(*checked),
            Event::Text(t) => {
                text.push_str(t);
                shown.push_str(t);
            }
            Event::Code(c) => shown.push_str(c),
            Event::Start(Tag::Link { .. } | Tag::Image { .. } | Tag::Table(_)) => {
                panic!("{event:?} in\n{markdown}")
            }
            _ => {}
        }
    }
    html.retain(|h| !ponder::report::markdown::is_ponder_markup(h));
    assert_eq!(html, vec![format!("{MARKER}\n")], "{markdown}");
    assert_eq!(boxes.len(), prompts.len(), "{markdown}");
    assert_eq!(boxes.iter().filter(|b| **b).count(), 1, "{markdown}");
    for (index, _) in text.match_indices('@') {
        assert!(
            text[index + 1..].starts_with('\u{200d}'),
            "a mention survived: {text:?}"
        );
    }
    // The reader sees the hostile text as text.
    let shown = shown.replace('\u{200d}', "");
    for literal in [
        "</details><script>alert(1)</script>",
        "[x](javascript:alert(1))",
        "@org/team agreed </details> <img src=x onerror=alert(1)> is fine",
        "src/a`b|<i>@team.rs",
    ] {
        assert!(
            shown.contains(literal),
            "{literal:?} not shown in {shown:?}\n{markdown}"
        );
    }
}
