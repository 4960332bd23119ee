//! `--each-commit` end to end: every commit of a range analysed on its own against its
//! first parent, merges skipped, reports in commit order (JSON Lines or grouped human
//! output), and the run-wide parse cache (a blob shared by two commits is parsed once).

mod common;

use std::path::Path;

use common::{run_in, strings, Run, TestRepo};
use serde_json::Value;

/// `--each-commit --format json`: exit 0, and one JSON object per stdout line.
fn json_lines(dir: &Path, range: &str) -> Vec<Value> {
    let run = run_in(dir, &["--each-commit", range, "--format", "json"]);
    run.success()
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect()
}

const LIB_RS: &str = "pub fn version() -> u32 {\n    1\n}\n";

const PORT_UNWRAP: &str =
    "pub fn parse_port(value: &str) -> u16 {\n    value.trim().parse().unwrap()\n}\n";

const PORT_HANDLED: &str = "pub fn parse_port(value: &str) -> Result<u16, std::num::ParseIntError> {\n    value.trim().parse()\n}\n";

const MSG_WHY: &str = "Read the port from the settings\n\nOperators need to move the service off 8080 because it clashes with the proxy.";

/// main: root; feature branch: (1) adds an unwrap, (2) replaces it with `?`-style
/// handling; merged with --no-ff; then (3) a commit on main. Returns the repository, the
/// root, the three non-merge commits in order, and the merge.
fn history_with_a_merge() -> (TestRepo, String, Vec<String>, String) {
    let mut repo = TestRepo::new();
    repo.write(
        "Cargo.toml",
        "[package]\nname = \"demo\"\nversion = \"0.1.0\"\n",
    );
    repo.write("src/lib.rs", LIB_RS);
    let root =
        repo.commit_all("Start the crate\n\nThe service needs a library crate to grow from.");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("src/port.rs", PORT_UNWRAP);
    let first = repo.commit_all(MSG_WHY);
    repo.write("src/port.rs", PORT_HANDLED);
    let second = repo.commit_all(
        "Report a bad port instead of crashing\n\nA typo in the settings took the service down because the parse panicked.",
    );
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&[
        "merge",
        "-q",
        "--no-ff",
        "feature",
        "-m",
        "Merge branch 'feature'",
    ]);
    let merge = repo.git(&["rev-parse", "HEAD"]);
    repo.write("src/lib.rs", "pub fn version() -> u32 {\n    2\n}\n");
    let third = repo.commit_all(
        "Bump the version\n\nRelease 2 carries the port setting, so clients must know.",
    );
    (repo, root, vec![first, second, third], merge)
}

#[test]
fn each_commit_json_is_one_line_per_commit_in_order_and_skips_merges() {
    let (repo, root, commits, merge) = history_with_a_merge();
    let lines = json_lines(repo.path(), &format!("{root}..main"));

    let heads: Vec<&str> = lines
        .iter()
        .map(|l| l["head"].as_str().expect("head"))
        .collect();
    assert_eq!(
        heads,
        commits.iter().map(String::as_str).collect::<Vec<_>>()
    );
    assert!(!heads.contains(&merge.as_str()), "the merge is skipped");
    for line in &lines {
        // The shape of `--format json`, about exactly one commit against its first parent.
        assert_eq!(line["version"], 1);
        let head = line["head"].as_str().expect("head");
        let parent = repo.git(&["rev-parse", &format!("{head}^")]);
        assert_eq!(line["base"].as_str(), Some(parent.as_str()));
        let listed = line["commits"].as_array().expect("commits");
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0]["sha"].as_str(), Some(head));
        assert!(line["files"].is_array());
    }
}

#[test]
fn each_commit_applies_code_rules_to_each_commit_where_the_range_sees_only_the_end() {
    let (repo, root, commits, _) = history_with_a_merge();
    let lines = json_lines(repo.path(), &format!("{root}..main"));
    // The commit that added the unwrap is asked about it on its own...
    assert!(
        strings(&lines[0], "prompts", "rule").contains(&"unhandled-failure".to_string()),
        "{:#}",
        lines[0]
    );
    let prompt = &lines[0]["prompts"][0];
    assert_eq!(prompt["file"], "src/port.rs");
    assert_eq!(prompt["function"], "parse_port");
    // ...the commit that handled it is not...
    assert!(!strings(&lines[1], "prompts", "rule").contains(&"unhandled-failure".to_string()));
    // ...and the range as a whole, whose end state handles the failure, is not either.
    let run = run_in(repo.path(), &[&format!("{root}..main"), "--format", "json"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let range: Value = serde_json::from_str(&run.stdout).expect("one JSON object");
    assert!(!strings(&range, "prompts", "rule").contains(&"unhandled-failure".to_string()));
    assert_eq!(lines.len(), commits.len());
}

#[test]
fn each_commit_human_output_is_grouped_by_commit_with_a_summary() {
    let (repo, root, commits, merge) = history_with_a_merge();
    let run = run_in(repo.path(), &["--each-commit", &format!("{root}..main")]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stderr.is_empty(),
        "no progress bar when stderr is not a terminal: {run:?}"
    );
    let heading = format!(
        "━━ commit {} “Read the port from the settings”",
        &commits[0][..10]
    );
    assert!(run.stdout.contains(&heading), "{run:?}");
    assert!(run.stdout.contains("parse_port"), "{run:?}");
    assert!(
        !run.stdout.contains(&merge[..10]),
        "the merge is not a section: {run:?}"
    );
    // Commits with no questions get no section.
    assert!(
        !run.stdout
            .contains(&format!("━━ commit {}", &commits[1][..10])),
        "{run:?}"
    );
    assert!(
        run.stdout
            .trim_end()
            .ends_with("across 3 commits, 1 merge skipped."),
        "{run:?}"
    );
}

#[test]
fn each_commit_with_require_answers_fails_while_a_commit_is_unanswered() {
    let (repo, root, _, _) = history_with_a_merge();
    let run = run_in(
        repo.path(),
        &[
            "--each-commit",
            &format!("{root}..main"),
            "--require-answers",
        ],
    );
    assert_eq!(run.code, Some(1), "{run:?}");
}

#[test]
fn each_commit_cannot_be_combined_with_commit() {
    let (repo, root, _, _) = history_with_a_merge();
    let run = run_in(repo.path(), &["--each-commit", "--commit", &root]);
    run.exits_with(2, &["--commit"]);
}

/// The number `--timings` reports for "parsed texts".
fn parsed_texts(run: &Run) -> u64 {
    assert_eq!(run.code, Some(0), "{run:?}");
    run.stderr
        .lines()
        .find_map(|line| line.strip_prefix("parsed texts: "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no parse count: {run:?}"))
}

/// Root, then three commits that set src/port.rs to `versions` in turn.
fn port_history(versions: [&str; 3]) -> (TestRepo, String) {
    let mut repo = TestRepo::new();
    repo.write("src/lib.rs", LIB_RS);
    let root =
        repo.commit_all("Start the crate\n\nThe service needs a library crate to grow from.");
    for (index, version) in versions.iter().enumerate() {
        repo.write("src/port.rs", version);
        repo.commit_all(&format!(
            "Port step {index}\n\nStep {index} because the proxy moved."
        ));
    }
    (repo, root)
}

/// `ponder --each-commit ROOT..HEAD --timings --format json`.
fn each_commit_with_timings(dir: &Path, root: &str) -> Run {
    run_in(
        dir,
        &[
            "--each-commit",
            &format!("{root}..HEAD"),
            "--timings",
            "--format",
            "json",
        ],
    )
}

#[test]
fn a_blob_that_two_commits_produce_is_parsed_once() {
    // The third commit reverts to the first commit's text: the same blob.
    let (repo, root) = port_history([PORT_UNWRAP, PORT_HANDLED, PORT_UNWRAP]);
    let run = each_commit_with_timings(repo.path(), &root);
    assert_eq!(parsed_texts(&run), 2, "{run:?}");
    // Both commits that produce it are still asked about, from the one parse.
    let asked = run
        .stdout
        .lines()
        .filter(|line| line.contains("unhandled-failure"))
        .count();
    assert_eq!(asked, 2, "{run:?}");

    // Three different texts are three parses.
    let third =
        "pub fn parse_port(value: &str) -> u16 {\n    value.parse().expect(\"a port\")\n}\n";
    let (repo, root) = port_history([PORT_UNWRAP, PORT_HANDLED, third]);
    let run = each_commit_with_timings(repo.path(), &root);
    assert_eq!(parsed_texts(&run), 3, "{run:?}");
}

#[test]
fn range_mode_parses_a_blob_once_for_commit_and_range_rules() {
    // A bulk commit is parsed for bulk-insertion's signals, and its file is also the
    // range's new version for the code rules: one parse serves both.
    let mut repo = TestRepo::new();
    repo.write("src/lib.rs", LIB_RS);
    let root =
        repo.commit_all("Start the crate\n\nThe service needs a library crate to grow from.");
    let mut module = String::new();
    for i in 0..60 {
        module.push_str(&format!(
            "pub fn rule_{i}(value: &str) -> u32 {{\n    let n: u32 = value.parse().unwrap_or(0);\n    if n > {i} {{\n        return n - {i};\n    }}\n    n + {i}\n}}\n\n"
        ));
    }
    repo.write("src/rules.rs", &module);
    repo.commit_all("Add the pricing rules\n\nSales needs every rule of the price sheet because the old table is gone.");
    let run = run_in(
        repo.path(),
        &[&format!("{root}..HEAD"), "--timings", "--format", "json"],
    );
    assert_eq!(parsed_texts(&run), 1, "{run:?}");
    assert!(run.stdout.contains("bulk-insertion"), "{run:?}");
}

#[test]
fn each_commit_streams_github_notices_and_refuses_one_document_formats() {
    let (repo, base) = port_history([PORT_UNWRAP, PORT_HANDLED, PORT_UNWRAP]);
    let range = format!("{base}..HEAD");

    // GitHub workflow commands are one line each, so they stream per commit.
    let github = run_in(
        repo.path(),
        &["--each-commit", &range, "--format", "github"],
    );
    assert_eq!(github.code, Some(0), "{github:?}");
    assert!(
        github.stdout.lines().any(|l| l.starts_with("::notice ")),
        "{github:?}"
    );
    assert!(
        github.stdout.lines().all(|l| l.starts_with("::notice ")),
        "{github:?}"
    );

    // A SARIF log, a markdown comment and an rdjson object are one document per run.
    for format in ["sarif", "markdown", "rdjson"] {
        let refused = run_in(repo.path(), &["--each-commit", &range, "--format", format]);
        assert_eq!(refused.code, Some(2), "{format}: {refused:?}");
        assert!(refused.stdout.is_empty(), "{format}: {refused:?}");
        assert!(
            refused.stderr.contains("--each-commit"),
            "{format}: {refused:?}"
        );
    }
}
