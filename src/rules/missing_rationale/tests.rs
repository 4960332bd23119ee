use super::{without_trailers, Patterns};

#[test]
fn generic_subjects() {
    let patterns = Patterns::new().expect("patterns compile");
    for subject in [
        "update",
        "Fix bug",
        "WIP",
        "refactor: misc changes",
        "more fixes",
    ] {
        assert!(patterns.is_generic(subject), "{subject}");
    }
    for subject in [
        "Fix panic on empty config",
        "Add retry to upload",
        "update tokio to 1.40",
    ] {
        assert!(!patterns.is_generic(subject), "{subject}");
    }
}

#[test]
fn reasons_and_lists() {
    let patterns = Patterns::new().expect("patterns compile");
    assert!(patterns.gives_reason("Retry on 503 because the CDN sheds load"));
    assert!(patterns.gives_reason("Fixes #123"));
    assert!(!patterns.gives_reason("- add retry\n- rename upload to send\n- bump timeout"));
}

#[test]
fn a_commit_that_only_moves_lines_is_trivial() {
    use crate::change::{FileChange, FileStatus, Text, TextKey};
    let file = |old: &str, new: &str, removed: &[u32], added: &[u32]| FileChange {
        path: "src/a.rs".into(),
        old_path: None,
        status: FileStatus::Modified,
        old: Some(Text {
            key: TextKey("old".into()),
            content: old.into(),
        }),
        new: Some(Text {
            key: TextKey("new".into()),
            content: new.into(),
        }),
        skipped: None,
        hunks: Vec::new(),
        added_lines: added.iter().copied().collect(),
        removed_lines: removed.iter().copied().collect(),
    };
    let moved = file(
        "fn a() {}\nfn b() {}\n",
        "fn b() {}\nfn a() {}\n",
        &[1],
        &[2],
    );
    let index = crate::change::MovedCode::of(std::slice::from_ref(&moved));
    assert!(super::moves_only(&[&moved], &index));
    let edited = file(
        "fn a() {}\nfn b() {}\n",
        "fn b() {}\nfn a() { x() }\n",
        &[1],
        &[2],
    );
    let index = crate::change::MovedCode::of(std::slice::from_ref(&edited));
    assert!(!super::moves_only(&[&edited], &index));
}

/// The gate that decides whether a commit's texts are read: its answer from message
/// and size alone, on files that have line numbers and no texts.
#[test]
fn question_key_decides_from_message_and_size_without_texts() {
    use crate::change::{Commit, FileChange, FileStatus};
    let rules = crate::rules::registry();
    let definitions: Vec<_> = rules.iter().map(|rule| rule.definition()).collect();
    let config = crate::config::Config::defaults(&definitions);
    let settings = &config.rules["missing-rationale"];
    let patterns = super::patterns().expect("patterns compile");
    let file = |lines: u32| FileChange {
        path: "src/upload.rs".into(),
        old_path: None,
        status: FileStatus::Modified,
        old: None,
        new: None,
        skipped: None,
        hunks: Vec::new(),
        added_lines: (1..=lines).collect(),
        removed_lines: Default::default(),
    };
    let commit = |subject: &str, body: &str| Commit {
        sha: "0123456789abcdef".into(),
        parent: None,
        subject: subject.into(),
        body: body.into(),
        is_merge: false,
        files: Vec::new(),
    };
    let key = |subject: &str, body: &str, lines: u32| {
        let files = [file(lines)];
        let counted: Vec<&FileChange> = files.iter().collect();
        super::question_key(&commit(subject, body), &counted, settings, patterns)
    };
    assert_eq!(key("update", "", 2), None, "trivially small");
    assert_eq!(key("update", "", 80), Some("generic_subject"));
    assert_eq!(key("Add retry to upload", "", 80), Some("no_body"));
    assert_eq!(
        key("Add retry to upload (#812)", "", 80),
        None,
        "a reference"
    );
    assert_eq!(
        key("Add retry to upload (PAY-812)", "", 80),
        None,
        "a tracker key"
    );
    // Names of encodings and standards are not tickets.
    assert_eq!(key("Handle UTF-8 paths in upload", "", 80), Some("no_body"));
    assert_eq!(
        key("Store SHA-256 and ISO-8601 dates", "", 80),
        Some("no_body")
    );
    assert_eq!(
        key(
            "Add retry to upload",
            "Because the CDN sheds load at 5 pm.",
            80
        ),
        None
    );
    assert_eq!(
        key("Add retry to upload", "- add retry\n- bump timeout", 80),
        Some("no_reason")
    );
    assert_eq!(
        key("Add retry to upload", "", 8),
        None,
        "under min_lines_for_reason"
    );
}

#[test]
fn trailers_are_not_a_body() {
    assert_eq!(without_trailers("Signed-off-by: A <a@b.c>"), "");
    assert_eq!(
        without_trailers("Keeps the cache warm.\n\nCo-authored-by: B <b@c.d>"),
        "Keeps the cache warm."
    );
}
