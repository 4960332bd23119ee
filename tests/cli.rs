//! End-to-end tests of the `ponder` binary: each builds a real git repository in a temp
//! dir, runs the built binary the way a user or a CI step would, and checks what they see —
//! the exit status, stdout (human or JSON) and stderr — against DESIGN.md's "Contracts
//! other tools rely on".
//!
//! Layout: helpers for reading the JSON report, the Rust snippets the
//! repositories are made of, one builder per repository shape, then the tests grouped by
//! contract (range forms, JSON, bare repositories, errors, subcommands, answers, odd
//! content).

mod common;

use common::{
    cargo_ponder, file_entry, json_in, line_of, ponder, prompts, run_in, strings, Run, TestRepo,
};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

// ─── Reading the JSON report ────────────────────────────────────────────────────────────

fn prompts_of<'a>(report: &'a Value, rule: &str) -> Vec<&'a Value> {
    prompts(report)
        .iter()
        .filter(|p| p["rule"] == rule)
        .collect()
}

/// The one prompt of `rule` about `function`.
fn prompt_for<'a>(report: &'a Value, rule: &str, function: &str) -> &'a Value {
    let found: Vec<&Value> = prompts_of(report, rule)
        .into_iter()
        .filter(|p| p["function"] == function)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one {rule} prompt about `{function}` in {report:#}"
    );
    found[0]
}

/// The files that file-level prompts point at.
fn prompted_files(report: &Value) -> BTreeSet<String> {
    prompts(report)
        .iter()
        .filter_map(|p| p["file"].as_str().map(str::to_string))
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn is_full_sha(value: &Value) -> bool {
    value
        .as_str()
        .is_some_and(|s| s.len() == 40 && s.chars().all(|c| c.is_ascii_hexdigit()))
}

// ─── The code the repositories are made of ──────────────────────────────────────────────

const CARGO_TOML: &str = r#"[package]
name = "inventory"
version = "0.1.0"
edition = "2021"
"#;

const LIB_RS: &str = r#"//! Stock bookkeeping for a small shop.

pub fn total(counts: &[u32]) -> u32 {
    counts.iter().sum()
}
"#;

/// LIB_RS plus a function that expects a non-empty slice.
const LIB_RS_WITH_FIRST_SKU: &str = r#"//! Stock bookkeeping for a small shop.

pub fn total(counts: &[u32]) -> u32 {
    counts.iter().sum()
}

pub fn first_sku(skus: &[String]) -> &str {
    skus.first().expect("at least one SKU")
}
"#;

/// I/O unwrap at line 5, in `load_config`.
const CONFIG_RS: &str = r#"use std::fs;
use std::path::Path;

pub fn load_config(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap();
    text.trim().to_string()
}
"#;

/// CONFIG_RS with its unwrap answered from the line above.
fn config_rs_answered() -> String {
    CONFIG_RS.replace(
        "    let text",
        "    // ponder: unhandled-failure: main checks that the file exists before calling this\n    let text",
    )
}

/// Parse unwrap in `parse_port`.
const PORT_RS: &str = r#"/// The port the shop's API listens on, from the PORT setting.
pub fn parse_port(value: &str) -> u16 {
    value.trim().parse::<u16>().unwrap()
}
"#;

/// Added on main after `feature` forked from it.
const AUDIT_RS: &str = r#"pub fn audit_amount(entry: &str) -> u64 {
    let amount = entry.split(',').nth(1).unwrap();
    amount.parse().unwrap()
}
"#;

/// Parse expect in `max_items`.
const LIMITS_RS: &str = r#"pub fn max_items(value: &str) -> usize {
    value.parse().expect("MAX_ITEMS is a number")
}
"#;

/// LIMITS_RS plus a second function, added after LIMITS_RS was staged.
const LIMITS_RS_EXTENDED: &str = r#"pub fn max_items(value: &str) -> usize {
    value.parse().expect("MAX_ITEMS is a number")
}

pub fn timeout_secs(value: &str) -> u64 {
    value.parse().expect("TIMEOUT is a number")
}
"#;

/// Environment unwrap in `cache_dir` (the variable's name is a constant, not a literal:
/// see `environment_and_io_with_literal_arguments_are_asked_about`).
const ENV_RS: &str = r#"use std::path::PathBuf;

pub const CACHE_VARIABLE: &str = "INVENTORY_CACHE";

pub fn cache_dir() -> PathBuf {
    let root = std::env::var(CACHE_VARIABLE).unwrap();
    PathBuf::from(root).join("inventory")
}
"#;

/// Failures whose arguments are literals but whose outcome depends on the machine.
const MACHINE_RS: &str = r#"use std::path::PathBuf;

pub fn cache_dir() -> PathBuf {
    let home = std::env::var("HOME").unwrap();
    PathBuf::from(home).join(".cache/inventory")
}

pub fn read_settings() -> String {
    std::fs::read_to_string("settings.toml").unwrap()
}

pub fn open_log() -> std::fs::File {
    std::fs::File::open("/var/log/shop.log").expect("the log file exists")
}
"#;

/// The root commit of `linear_history`: an I/O unwrap in `read_manifest`.
const MANIFEST_RS: &str = r#"//! Stock bookkeeping for a small shop.

pub fn total(counts: &[u32]) -> u32 {
    counts.iter().sum()
}

pub fn read_manifest(path: &str) -> String {
    std::fs::read_to_string(path).unwrap()
}
"#;

/// Before the change of the JSON contract test.
const INVENTORY_OLD: &str = r#"//! Stock levels per warehouse.

use std::collections::HashMap;

pub fn legacy_total(levels: &[u32]) -> u32 {
    let mut total = 0;
    for level in levels {
        total += level;
    }
    total
}

pub fn level_of(levels: &HashMap<String, u32>, sku: &str) -> u32 {
    levels.get(sku).copied().unwrap_or(0)
}
"#;

/// After: `legacy_total` removed above, `warehouse_of` added below (unwrap at line 10,
/// index at line 11).
const INVENTORY_NEW: &str = r#"//! Stock levels per warehouse.

use std::collections::HashMap;

pub fn level_of(levels: &HashMap<String, u32>, sku: &str) -> u32 {
    levels.get(sku).copied().unwrap_or(0)
}

pub fn warehouse_of(codes: &[&str], index: &str) -> String {
    let position: usize = index.parse().unwrap();
    codes[position].to_string()
}
"#;

/// A one-line function: its unwrap is on line 1.
const FIRST_WORD_RS: &str =
    "pub fn first_word(text: &str) -> &str { text.split_whitespace().next().unwrap() }\n";

/// Four functions with new failure sites: answered on the line, answered above it,
/// "answered" with an empty reason, and "answered" with one word.
const STORE_RS: &str = r#"use std::collections::HashMap;

pub fn price_of(prices: &HashMap<String, u32>, sku: &str) -> u32 {
    *prices.get(sku).unwrap() // ponder: unhandled-failure: callers only pass SKUs read from this same map
}

pub fn open_ledger(path: &str) -> std::fs::File {
    // ponder: unhandled-failure: the installer creates the ledger before the first run
    std::fs::File::open(path).unwrap()
}

pub fn shelf_level(levels: &[u32], shelf: usize) -> u32 {
    levels.get(shelf).copied().unwrap() // ponder: unhandled-failure:
}

pub fn reorder_point(levels: &[u32]) -> u32 {
    // ponder: unhandled-failure: fine
    levels.iter().max().copied().unwrap()
}
"#;

const REPORT_OLD: &str = r#"pub fn render(rows: &[String]) -> String {
    rows.join("\n")
}
"#;

/// REPORT_OLD half-edited: an unclosed brace, and a new unwrap.
const REPORT_BROKEN: &str = r##"pub fn render(rows: &[String]) -> String {
    rows.join("\n")
}

pub fn header(rows: &[String]) -> String {
    let first = rows.first().unwrap();
    if first.is_empty() {
        return String::new();
    format!("# {first}")
}
"##;

/// A module of `count` similar functions, each with an unwrap and a branch (8 lines each).
fn order_rules_module(count: usize) -> String {
    let mut text =
        String::from("//! Order processing rules.\n\nuse std::collections::HashMap;\n\n");
    for i in 0..count {
        let limit = i * 3 + 10;
        text.push_str(&format!(
            "pub fn rule_{i}(orders: &HashMap<String, u32>, key: &str) -> u32 {{\n    \
             let count = *orders.get(key).unwrap();\n    \
             if count > {limit} {{\n        \
             return count - {limit};\n    \
             }}\n    \
             count + {i}\n\
             }}\n\n"
        ));
    }
    text
}

/// A module of `count` small functions (enough lines to need a commit body).
fn price_table_module(count: usize) -> String {
    let mut text = String::new();
    for i in 0..count {
        text.push_str(&format!(
            "pub fn price_{i}(quantity: u32) -> u32 {{\n    quantity * {}\n}}\n\n",
            i + 3
        ));
    }
    text
}

// ─── Repository shapes ──────────────────────────────────────────────────────────────────

/// Messages that give a reason, so missing-rationale stays quiet unless a test wants it.
const MSG_IMPORT: &str = "Initial import\n\nThe shop's bookkeeping as it was before this work.";
const MSG_CONFIG: &str =
    "Read the configuration file at startup\n\nThe service needs its settings before it binds, because the port is configurable.";
const MSG_PORT: &str =
    "Parse the API port from the PORT setting\n\nOperators need to move the API off 8080 so that it can run next to the old service.";
const MSG_AUDIT: &str =
    "Read amounts from audit entries\n\nThe auditors asked for totals per entry, which the export was missing.";

/// `main`: the fork commit, then one more commit (src/audit.rs) made after `feature`
/// forked. `feature`: src/config.rs, then src/port.rs. HEAD is on `feature`.
struct Diverged {
    repo: TestRepo,
    fork: String,
    main_tip: String,
    feature: Vec<String>,
}

/// The report is about `feature`'s two commits and the two files they change, nothing of
/// `main`'s.
fn assert_feature_commits_only(report: &Value, d: &Diverged) {
    assert_eq!(strings(report, "commits", "sha"), d.feature);
    assert_eq!(
        prompted_files(report),
        set(&["src/config.rs", "src/port.rs"])
    );
}

fn diverged_branches() -> Diverged {
    let mut repo = TestRepo::new();
    repo.write("Cargo.toml", CARGO_TOML);
    repo.write("src/lib.rs", LIB_RS);
    let fork = repo.commit_all(MSG_IMPORT);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("src/config.rs", CONFIG_RS);
    let f1 = repo.commit_all(MSG_CONFIG);
    repo.write("src/port.rs", PORT_RS);
    let f2 = repo.commit_all(MSG_PORT);
    repo.git(&["checkout", "-q", "main"]);
    repo.write("src/audit.rs", AUDIT_RS);
    let main_tip = repo.commit_all(MSG_AUDIT);
    repo.git(&["checkout", "-q", "feature"]);
    Diverged {
        repo,
        fork,
        main_tip,
        feature: vec![f1, f2],
    }
}

/// `main` only, four commits, each adding one file with a new failure site:
/// [0] root: src/lib.rs (`read_manifest`), [1] src/config.rs, [2] src/port.rs, [3] src/env.rs.
fn linear_history() -> (TestRepo, Vec<String>) {
    let mut repo = TestRepo::new();
    repo.write("Cargo.toml", CARGO_TOML);
    repo.write("src/lib.rs", MANIFEST_RS);
    let mut shas = vec![repo.commit_all(MSG_IMPORT)];
    repo.write("src/config.rs", CONFIG_RS);
    shas.push(repo.commit_all(MSG_CONFIG));
    repo.write("src/port.rs", PORT_RS);
    shas.push(repo.commit_all(MSG_PORT));
    repo.write("src/env.rs", ENV_RS);
    shas.push(repo.commit_all(
        "Keep the cache under HOME\n\nThe cache was in /tmp, which is wiped on reboot.",
    ));
    (repo, shas)
}

/// `main` with LIB_RS, `feature` checked out on top of it; `build` adds the branch's work.
fn feature_on_main(build: impl FnOnce(&mut TestRepo)) -> TestRepo {
    let mut repo = TestRepo::new();
    repo.write("Cargo.toml", CARGO_TOML);
    repo.write("src/lib.rs", LIB_RS);
    repo.commit_all(MSG_IMPORT);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    build(&mut repo);
    repo
}

/// `main`, then `develop` (adds src/audit.rs), then `feature` from develop (adds
/// src/config.rs). HEAD on `feature`. Returns the develop and feature commits.
fn stacked_branches() -> (TestRepo, String, String) {
    let mut repo = TestRepo::new();
    repo.write("Cargo.toml", CARGO_TOML);
    repo.write("src/lib.rs", LIB_RS);
    repo.commit_all(MSG_IMPORT);
    repo.git(&["checkout", "-q", "-b", "develop"]);
    repo.write("src/audit.rs", AUDIT_RS);
    let develop = repo.commit_all(MSG_AUDIT);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("src/config.rs", CONFIG_RS);
    let feature = repo.commit_all(MSG_CONFIG);
    (repo, develop, feature)
}

/// `main` with a 400-line module of order rules (full of unwraps and branches), `feature`
/// checked out on top with nothing on it yet. Returns the import commit too.
fn order_rules_on_main() -> (TestRepo, String) {
    let mut repo = TestRepo::new();
    repo.write("src/rules.rs", &order_rules_module(50));
    let import = repo.commit_all(MSG_IMPORT);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    (repo, import)
}

/// Moves src/rules.rs to src/orders/rules.rs, with `git mv` or with a plain rename.
fn move_order_rules(repo: &TestRepo, with_git: bool) {
    std::fs::create_dir_all(repo.path().join("src/orders")).expect("mkdir");
    if with_git {
        repo.git(&["mv", "src/rules.rs", "src/orders/rules.rs"]);
    } else {
        std::fs::rename(
            repo.path().join("src/rules.rs"),
            repo.path().join("src/orders/rules.rs"),
        )
        .expect("rename");
    }
}

/// A bare clone of `repo` (as a CI mirror or a server would hold it).
fn bare_clone(repo: &TestRepo) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mirror = dir.path().join("mirror.git");
    repo.git(&[
        "clone",
        "-q",
        "--bare",
        ".",
        mirror.to_str().expect("UTF-8 temp path"),
    ]);
    (dir, mirror)
}

// ─── Range forms ────────────────────────────────────────────────────────────────────────

#[test]
fn no_argument_is_the_branch_since_main_plus_staged_unstaged_and_untracked_work() {
    let d = diverged_branches();
    let repo = &d.repo;
    // Staged: a new file, added to the index, then edited again without staging.
    repo.write("src/limits.rs", LIMITS_RS);
    repo.git(&["add", "src/limits.rs"]);
    repo.write("src/limits.rs", LIMITS_RS_EXTENDED);
    // Unstaged: an edit to a committed file.
    repo.write("src/lib.rs", LIB_RS_WITH_FIRST_SKU);
    // Untracked: a file git does not know yet.
    repo.write("src/env.rs", ENV_RS);

    let report = json_in(repo.path(), &[]);
    assert_eq!(
        report["base"],
        d.fork.as_str(),
        "base is merge-base(main, HEAD)"
    );
    assert_eq!(report["head"], d.feature[1].as_str());
    assert_eq!(
        strings(&report, "commits", "sha"),
        d.feature,
        "only the branch's commits"
    );
    assert_eq!(
        prompted_files(&report),
        set(&[
            "src/config.rs",
            "src/env.rs",
            "src/lib.rs",
            "src/limits.rs",
            "src/port.rs"
        ]),
        "committed, staged, unstaged and untracked work; not main's src/audit.rs"
    );
    // Line numbers of work in progress are those of the work tree, not of the index.
    let unhandled = |function| &prompt_for(&report, "unhandled-failure", function)["line"];
    assert_eq!(
        *unhandled("max_items"),
        line_of(LIMITS_RS_EXTENDED, "MAX_ITEMS")
    );
    assert_eq!(
        *unhandled("timeout_secs"),
        line_of(LIMITS_RS_EXTENDED, "TIMEOUT")
    );
    assert_eq!(
        *unhandled("first_sku"),
        line_of(LIB_RS_WITH_FIRST_SKU, "expect")
    );
    assert_eq!(*unhandled("cache_dir"), line_of(ENV_RS, "unwrap"));

    let human = run_in(repo.path(), &[]);
    human.success();
    assert!(
        human.stdout.contains("work in progress included"),
        "{human:?}"
    );
    assert!(human.stdout.contains("src/env.rs"), "{human:?}");
}

#[test]
fn no_argument_compares_with_main_before_an_upstream_and_names_the_base() {
    let (repo, develop, feature) = stacked_branches();
    repo.git(&["branch", "--set-upstream-to=develop", "feature"]);

    // The default branch wins over the upstream: the branch is merged into main.
    let report = json_in(repo.path(), &[]);
    assert_eq!(
        strings(&report, "commits", "sha"),
        vec![develop.clone(), feature.clone()]
    );
    assert_eq!(report["base_ref"], "main");
    let human = run_in(repo.path(), &[]);
    human.success();
    let root = repo.git(&["rev-parse", "--short=10", "main"]);
    assert!(
        human
            .stdout
            .contains(&format!("against main (merge-base {root})")),
        "{human:?}"
    );

    // With no main or master, an upstream that is another branch is the base.
    repo.git(&["branch", "-q", "-m", "main", "trunk"]);
    let with = json_in(repo.path(), &[]);
    assert_eq!(with["base"], develop.as_str(), "the upstream is the base");
    assert_eq!(with["base_ref"], "develop");
    assert_eq!(strings(&with, "commits", "sha"), vec![feature]);
    assert_eq!(prompted_files(&with), set(&["src/config.rs"]));
}

#[test]
fn single_ref_is_merge_base_to_head_without_work_in_progress() {
    let d = diverged_branches();
    d.repo.write("src/env.rs", ENV_RS); // untracked: not part of `ponder main`

    let report = json_in(d.repo.path(), &["main"]);
    assert_eq!(report["base"], d.fork.as_str());
    assert_eq!(report["head"], d.feature[1].as_str());
    assert_feature_commits_only(&report, &d);
    assert_eq!(report["includes_work_tree"], false);

    let human = run_in(d.repo.path(), &["main"]);
    human.success();
    assert!(
        !human.stdout.contains("work in progress"),
        "a range has no work in progress: {human:?}"
    );
}

#[test]
fn two_dot_range_is_exactly_those_commits() {
    let (repo, shas) = linear_history();

    let report = json_in(repo.path(), &[&format!("{}..{}", shas[1], shas[3])]);
    assert_eq!(report["base"], shas[1].as_str());
    assert_eq!(report["head"], shas[3].as_str());
    assert_eq!(
        strings(&report, "commits", "sha"),
        vec![shas[2].clone(), shas[3].clone()]
    );
    assert_eq!(prompted_files(&report), set(&["src/env.rs", "src/port.rs"]));

    let one = json_in(repo.path(), &[&format!("{}..{}", shas[0], shas[1])]);
    assert_eq!(strings(&one, "commits", "sha"), vec![shas[1].clone()]);
    assert_eq!(prompted_files(&one), set(&["src/config.rs"]));

    // An empty side means HEAD, as in git.
    let open = json_in(repo.path(), &[&format!("{}..", shas[2])]);
    assert_eq!(strings(&open, "commits", "sha"), vec![shas[3].clone()]);
}

#[test]
fn two_dot_range_between_branches_lists_only_the_second_branch_commits() {
    let d = diverged_branches();
    let report = json_in(d.repo.path(), &["main..feature"]);
    assert_eq!(
        report["base"],
        d.main_tip.as_str(),
        "A..B starts at A itself"
    );
    assert_feature_commits_only(&report, &d);
}

#[test]
fn three_dot_range_starts_at_the_merge_base() {
    let d = diverged_branches();
    d.repo.git(&["checkout", "-q", "main"]);

    let report = json_in(d.repo.path(), &["main...feature"]);
    assert_eq!(report["base"], d.fork.as_str());
    assert_eq!(report["head"], d.feature[1].as_str());
    assert_feature_commits_only(&report, &d);
}

#[test]
fn commit_flag_is_one_commit_against_its_first_parent() {
    let (repo, shas) = linear_history();
    let report = json_in(repo.path(), &["--commit", &shas[2]]);
    assert_eq!(report["base"], shas[1].as_str());
    assert_eq!(report["head"], shas[2].as_str());
    assert_eq!(strings(&report, "commits", "sha"), vec![shas[2].clone()]);
    assert_eq!(prompted_files(&report), set(&["src/port.rs"]));

    // An abbreviated SHA names the same commit.
    let short = json_in(repo.path(), &["--commit", &shas[2][..10]]);
    assert_eq!(short, report);
}

#[test]
fn commit_flag_on_the_root_commit_compares_with_the_empty_tree() {
    let (repo, shas) = linear_history();
    let report = json_in(repo.path(), &["--commit", &shas[0]]);
    assert_eq!(report["base"], Value::Null);
    assert_eq!(report["head"], shas[0].as_str());
    assert_eq!(strings(&report, "commits", "sha"), vec![shas[0].clone()]);
    let prompt = prompt_for(&report, "unhandled-failure", "read_manifest");
    assert_eq!(prompt["file"], "src/lib.rs");
    assert_eq!(prompt["line"], line_of(MANIFEST_RS, "unwrap"));
}

#[test]

fn commit_flag_on_a_merge_is_that_one_commit_against_its_first_parent() {
    let d = diverged_branches();
    let repo = &d.repo;
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&[
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge the configurable port\n\nOperators asked for it.",
        "feature",
    ]);
    let merge = repo.git(&["rev-parse", "HEAD"]);

    let report = json_in(repo.path(), &["--commit", &merge]);
    assert_eq!(report["base"], d.main_tip.as_str(), "the first parent");
    assert_eq!(strings(&report, "commits", "sha"), vec![merge]);
    assert_eq!(
        prompted_files(&report),
        set(&["src/config.rs", "src/port.rs"])
    );
}

#[test]
fn repo_flag_works_from_another_directory() {
    let d = diverged_branches();
    d.repo.write("src/env.rs", ENV_RS);
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let repo_path = d.repo.path().to_str().expect("UTF-8 temp path");

    let inside = json_in(d.repo.path(), &[]);
    let outside = json_in(elsewhere.path(), &["--repo", repo_path]);
    assert_eq!(outside, inside);
    assert!(prompted_files(&outside).contains("src/env.rs"));

    let inside = json_in(d.repo.path(), &["main..feature"]);
    let outside = json_in(elsewhere.path(), &["--repo", repo_path, "main..feature"]);
    assert_eq!(outside, inside);
}

#[test]
fn runs_from_a_subdirectory_with_repo_relative_paths_and_the_root_config() {
    let d = diverged_branches();
    let repo = &d.repo;
    repo.write(".ponder.toml", "skip = [\"src/generated/**\"]\n");
    repo.write("src/generated/table.rs", ENV_RS);
    repo.write("src/env.rs", ENV_RS);

    let from_root = json_in(repo.path(), &[]);
    let from_src = json_in(&repo.path().join("src"), &[]);
    assert_eq!(from_src, from_root);
    assert_eq!(
        prompted_files(&from_src),
        set(&["src/config.rs", "src/env.rs", "src/port.rs"]),
        "paths are relative to the repository root, and the root .ponder.toml applies"
    );

    let range = json_in(&repo.path().join("src"), &["main"]);
    assert_eq!(strings(&range, "commits", "sha"), d.feature);
}

#[test]
fn linked_worktree_is_analysed_like_a_checkout() {
    let d = diverged_branches();
    let dir = tempfile::tempdir().expect("temp dir");
    let tree = dir.path().join("review");
    let tree_path = tree.to_str().expect("UTF-8 temp path");
    d.repo.git(&[
        "worktree", "add", "-q", "-b", "review", tree_path, "feature",
    ]);
    std::fs::write(tree.join("src/env.rs"), ENV_RS).expect("write");

    let report = json_in(&tree, &[]);
    assert_eq!(report["base"], d.fork.as_str());
    assert_eq!(strings(&report, "commits", "sha"), d.feature);
    assert_eq!(
        prompted_files(&report),
        set(&["src/config.rs", "src/env.rs", "src/port.rs"])
    );
}

// ─── JSON contract ──────────────────────────────────────────────────────────────────────

#[test]
fn json_report_follows_the_contract() {
    let mut head = String::new();
    let repo = {
        let mut repo = TestRepo::new();
        repo.write("src/inventory.rs", INVENTORY_OLD);
        repo.commit_all(MSG_IMPORT);
        repo.git(&["checkout", "-q", "-b", "feature"]);
        repo.write("src/inventory.rs", INVENTORY_NEW);
        repo.write("src/first.rs", FIRST_WORD_RS);
        head.push_str(&repo.commit_all("update"));
        repo
    };
    let base = repo.git(&["rev-parse", "main"]);
    let report = json_in(repo.path(), &["main"]);

    assert_eq!(report["version"], 1);
    assert_eq!(report["base"], base.as_str());
    assert_eq!(report["head"], head.as_str());
    let commits = report["commits"].as_array().expect("commits");
    assert_eq!(commits.len(), 1);
    assert_eq!(commits[0]["sha"], head.as_str());
    assert_eq!(commits[0]["subject"], "update");

    for prompt in prompts(&report) {
        for key in [
            "rule", "file", "line", "end_line", "commit", "function", "question", "evidence",
            "answer",
        ] {
            assert!(
                prompt.get(key).is_some(),
                "prompt lacks `{key}`: {prompt:#}"
            );
        }
        let rule = prompt["rule"].as_str().expect("rule is a string");
        assert!(
            rule.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "rule ids are kebab-case: {rule}"
        );
        assert!(!prompt["question"].as_str().expect("question").is_empty());
        assert!(prompt["evidence"]
            .as_array()
            .expect("evidence is an array")
            .iter()
            .all(Value::is_string));
        assert_eq!(prompt["answer"], Value::Null);
        match prompt["file"].as_str() {
            Some(_) => {
                let line = prompt["line"].as_u64().expect("file prompts have a line");
                let end = prompt["end_line"].as_u64().expect("and an end_line");
                assert!(line >= 1 && end >= line, "{prompt:#}");
            }
            None => {
                assert_eq!(prompt["line"], Value::Null, "{prompt:#}");
                assert_eq!(prompt["end_line"], Value::Null, "{prompt:#}");
                assert!(is_full_sha(&prompt["commit"]), "{prompt:#}");
            }
        }
    }

    // Lines are 1-based and counted in the new version (two functions were removed above).
    // The parse and the index fail for their own reasons: one prompt each.
    let warehouse: Vec<&Value> = prompts_of(&report, "unhandled-failure")
        .into_iter()
        .filter(|p| p["function"] == "warehouse_of")
        .collect();
    assert_eq!(warehouse.len(), 2, "{report:#}");
    assert!(warehouse.iter().all(|p| p["file"] == "src/inventory.rs"));
    assert_eq!(warehouse[0]["line"], 10);
    assert_eq!(
        warehouse[0]["line"],
        line_of(INVENTORY_NEW, "index.parse().unwrap()")
    );
    assert_eq!(
        warehouse[1]["line"],
        line_of(INVENTORY_NEW, "codes[position]")
    );
    let first = prompt_for(&report, "unhandled-failure", "first_word");
    assert_eq!(first["file"], "src/first.rs");
    assert_eq!(first["line"], 1);

    let rationale = prompts_of(&report, "missing-rationale");
    assert_eq!(rationale.len(), 1, "{report:#}");
    assert_eq!(rationale[0]["file"], Value::Null);
    assert_eq!(rationale[0]["line"], Value::Null);
    assert_eq!(rationale[0]["commit"], head.as_str(), "the full SHA");

    for path in ["src/inventory.rs", "src/first.rs"] {
        let entry = file_entry(&report, path);
        assert_eq!(entry["parsed"], true, "{entry:#}");
    }
    assert!(report["files"]
        .as_array()
        .expect("files")
        .iter()
        .all(|f| f["path"].is_string() && f["parsed"].is_boolean()));
}

// ─── Bare repositories ──────────────────────────────────────────────────────────────────

#[test]
fn bare_repository_accepts_a_range_and_a_commit() {
    let d = diverged_branches();
    let (_dir, mirror) = bare_clone(&d.repo);
    let mirror_path = mirror.to_str().expect("UTF-8 temp path");
    let elsewhere = tempfile::tempdir().expect("temp dir");

    let expected = json_in(d.repo.path(), &["main..feature"]);
    let from_flag = json_in(elsewhere.path(), &["--repo", mirror_path, "main..feature"]);
    assert_eq!(from_flag, expected);
    let from_inside = json_in(&mirror, &["main..feature"]);
    assert_eq!(from_inside, expected);

    let commit = json_in(
        elsewhere.path(),
        &["--repo", mirror_path, "--commit", &d.feature[0]],
    );
    assert_eq!(
        strings(&commit, "commits", "sha"),
        vec![d.feature[0].clone()]
    );
    assert_eq!(prompted_files(&commit), set(&["src/config.rs"]));
}

#[test]
fn bare_repository_without_a_range_is_a_usage_error() {
    let d = diverged_branches();
    let (_dir, mirror) = bare_clone(&d.repo);
    let mirror_path = mirror.to_str().expect("UTF-8 temp path");

    run_in(&mirror, &[]).assert_diagnostic(&["bare", "--commit"]);
    run_in(d.repo.path(), &["--repo", mirror_path]).assert_diagnostic(&["bare"]);
}

// ─── Errors and the empty range ─────────────────────────────────────────────────────────

#[test]
fn unknown_ref_is_a_usage_error() {
    let d = diverged_branches();
    run_in(d.repo.path(), &["no-such-branch..feature"]).assert_diagnostic(&["no-such-branch"]);
    run_in(d.repo.path(), &["no-such-branch"]).assert_diagnostic(&["no-such-branch"]);
    run_in(d.repo.path(), &["main...no-such-branch"]).assert_diagnostic(&["no-such-branch"]);
    run_in(d.repo.path(), &["--commit", "0123456789abcdef"])
        .assert_diagnostic(&["0123456789abcdef"]);
    let tree = d.repo.git(&["rev-parse", "main^{tree}"]);
    run_in(d.repo.path(), &["--commit", &tree]).assert_diagnostic(&[&tree, "not_a_commit"]);
}

#[test]
fn not_a_repository_is_a_usage_error() {
    let empty = tempfile::tempdir().expect("temp dir");
    run_in(empty.path(), &[]).assert_diagnostic(&["not inside a git repository", "--repo"]);
    run_in(empty.path(), &["main..feature"]).assert_diagnostic(&["not inside a git repository"]);

    let d = diverged_branches();
    let missing = empty.path().join("does-not-exist");
    run_in(d.repo.path(), &["--repo", missing.to_str().expect("UTF-8")])
        .assert_diagnostic(&["does-not-exist"]);
}

#[test]
fn unknown_config_key_is_named() {
    let d = diverged_branches();
    d.repo.write(".ponder.toml", "skipp = [\"vendor/**\"]\n");
    run_in(d.repo.path(), &[]).assert_diagnostic(&["skipp"]);

    d.repo.write(
        ".ponder.toml",
        "[rules.bulk-insertion]\nmin_added_line = 10\n",
    );
    run_in(d.repo.path(), &[]).assert_diagnostic(&["min_added_line"]);
}

#[test]
fn unknown_key_in_a_committed_config_is_named_for_a_range() {
    let d = diverged_branches();
    let mut repo = d.repo;
    repo.write(
        ".ponder.toml",
        "[rules.unhandled-failure]\nenabeld = false\n",
    );
    repo.commit_all("Configure ponder\n\nThe team wants fewer prompts, because of noise.");
    run_in(repo.path(), &["main"]).assert_diagnostic(&["enabeld"]);
}

#[test]
fn missing_config_path_is_a_usage_error() {
    let d = diverged_branches();
    run_in(d.repo.path(), &["--config", "no/such/ponder.toml"])
        .assert_diagnostic(&["no/such/ponder.toml"]);
}

#[test]
fn explaining_an_unknown_rule_is_a_usage_error() {
    let d = diverged_branches();
    run_in(d.repo.path(), &["explain", "no-such-rule"])
        .assert_diagnostic(&["no-such-rule", "unhandled-failure"]);
}

#[test]
fn bad_command_line_is_a_usage_error() {
    let d = diverged_branches();
    run_in(d.repo.path(), &["--no-such-flag"]).assert_usage_error(&["--no-such-flag", "Usage"]);
    run_in(d.repo.path(), &["--format", "yaml"]).assert_usage_error(&["yaml"]);
    run_in(d.repo.path(), &["--commit", &d.feature[0], "main..feature"])
        .assert_usage_error(&["--commit"]);
}

#[test]
fn empty_range_has_no_questions() {
    let d = diverged_branches();
    let human = run_in(d.repo.path(), &["main..main"]);
    human.success();
    assert!(human.stdout.contains("no questions"), "{human:?}");

    let report = json_in(d.repo.path(), &["main..main"]);
    assert_eq!(prompts(&report).len(), 0);
    assert_eq!(strings(&report, "commits", "sha"), Vec::<String>::new());

    let require = run_in(d.repo.path(), &["main..main", "--require-answers"]);
    require.success();
}

// ─── Subcommands ────────────────────────────────────────────────────────────────────────

/// The registered rules, in registry order: what `ponder rules` must list.
fn rule_ids() -> Vec<String> {
    ponder::rules::registry()
        .iter()
        .map(|rule| rule.definition().id.clone())
        .collect()
}

#[test]
fn rules_lists_every_registered_rule() {
    let empty = tempfile::tempdir().expect("temp dir");
    let run = run_in(empty.path(), &["rules"]);
    run.success();
    let ids: Vec<&str> = run
        .stdout
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    assert_eq!(ids, rule_ids(), "{run:?}");
    assert!(run.stdout.lines().all(|line| line.len() > 25), "{run:?}");
}

#[test]
fn explain_prints_every_section() {
    let empty = tempfile::tempdir().expect("temp dir");
    let run = run_in(empty.path(), &["explain", "untested-branch"]);
    run.success();
    assert!(run.stdout.starts_with("untested-branch"), "{run:?}");
    for heading in [
        "What it asks about",
        "Why a reviewer asks",
        "An example that asks",
        "An example that stays quiet",
        "Known limits",
        "How to answer",
    ] {
        assert!(
            run.stdout.lines().any(|line| line == heading),
            "missing section {heading:?}: {run:?}"
        );
    }
    assert!(run.stdout.contains("ponder: untested-branch:"), "{run:?}");
}

/// A rule that ships off by default says so in `ponder rules` and `ponder explain`, asks
/// nothing until `.ponder.toml` turns it on, and asks once it does.
#[test]
fn an_off_by_default_rule_says_so_and_asks_only_when_turned_on() {
    let empty = tempfile::tempdir().expect("temp dir");
    let rules = run_in(empty.path(), &["rules"]);
    let line = rules
        .stdout
        .lines()
        .find(|line| line.starts_with("silenced-check "))
        .unwrap_or_else(|| panic!("silenced-check is listed: {rules:?}"));
    assert!(line.ends_with("(off by default)"), "{rules:?}");
    let on_by_default = rules
        .stdout
        .lines()
        .find(|line| line.starts_with("unhandled-failure "));
    assert!(!on_by_default.is_some_and(|line| line.contains("off by default")));
    let explain = run_in(empty.path(), &["explain", "silenced-check"]);
    assert!(
        explain.stdout.contains(
            "Off by default: turn it on with `enabled = true` under [rules.silenced-check]"
        ),
        "{explain:?}"
    );

    let mut repo = feature_on_main(|repo| {
        repo.write(
            "src/lib.rs",
            &format!("{LIB_RS}\n#[allow(dead_code)]\nfn unused_total() -> u32 {{\n    0\n}}\n"),
        );
        repo.commit_all(
            "Keep a total for the audit export\n\nThe audit export will call it next week.",
        );
    });
    let off = json_in(repo.path(), &["main"]);
    assert!(prompts_of(&off, "silenced-check").is_empty(), "{off:#}");
    repo.write(".ponder.toml", "[rules.silenced-check]\nenabled = true\n");
    repo.commit_all("Ask about silenced lints\n\nThe team agreed to write down why a lint is off.");
    let on = json_in(repo.path(), &["main"]);
    let asked = prompts_of(&on, "silenced-check");
    assert_eq!(asked.len(), 1, "{on:#}");
    assert!(asked[0]["question"]
        .as_str()
        .is_some_and(|q| q.contains("`dead_code`")));
}

#[test]
fn cargo_subcommand_works_like_ponder() {
    let empty = tempfile::tempdir().expect("temp dir");
    let direct = run_in(empty.path(), &["rules"]);

    let mut command = cargo_ponder();
    command.current_dir(empty.path()).args(["ponder", "rules"]);
    let via_cargo = command.run();
    via_cargo.success();
    assert_eq!(via_cargo.stdout, direct.stdout);

    let d = diverged_branches();
    let mut command = cargo_ponder();
    command
        .current_dir(d.repo.path())
        .args(["ponder", "main..feature", "--format", "json"]);
    assert_eq!(
        command.run().json(),
        json_in(d.repo.path(), &["main..feature"])
    );
}

// ─── Answers ────────────────────────────────────────────────────────────────────────────

#[test]
fn answer_comments_on_or_above_the_line_answer_the_prompt() {
    let repo = feature_on_main(|repo| {
        repo.write("src/store.rs", STORE_RS);
        repo.commit_all(MSG_CONFIG);
    });
    let report = json_in(repo.path(), &["main"]);

    let answer = |function| &prompt_for(&report, "unhandled-failure", function)["answer"];
    assert_eq!(
        *answer("price_of"),
        "callers only pass SKUs read from this same map"
    );
    assert_eq!(
        *answer("open_ledger"),
        "the installer creates the ledger before the first run"
    );
    assert_eq!(*answer("shelf_level"), Value::Null, "an empty reason");
    assert_eq!(*answer("reorder_point"), Value::Null, "a one-word reason");

    let human = run_in(repo.path(), &["main"]);
    human.success();
    assert!(
        human
            .stdout
            .contains("answered: callers only pass SKUs read from this same map"),
        "{human:?}"
    );
}

#[test]
fn commit_trailer_answers_a_commit_prompt() {
    let mut answered = String::new();
    let mut unanswered = String::new();
    let repo = feature_on_main(|repo| {
        repo.write("src/config.rs", &config_rs_answered());
        answered.push_str(&repo.commit_all(
            "update\n\nPonder-Answer: missing-rationale: follow-up to the port work, same reason as there",
        ));
        repo.write("src/port.rs", PORT_RS);
        unanswered.push_str(&repo.commit_all("update\n\nPonder-Answer: missing-rationale: ok"));
    });
    let report = json_in(repo.path(), &["main"]);

    let rationale = prompts_of(&report, "missing-rationale");
    assert_eq!(rationale.len(), 2, "{report:#}");
    let by_commit = |sha: &str| {
        rationale
            .iter()
            .find(|p| p["commit"] == sha)
            .unwrap_or_else(|| panic!("no prompt for {sha}: {report:#}"))
    };
    assert_eq!(
        by_commit(&answered)["answer"],
        "follow-up to the port work, same reason as there"
    );
    assert_eq!(by_commit(&unanswered)["answer"], Value::Null);
}

#[test]
fn require_answers_exits_1_until_every_prompt_is_answered() {
    let repo = feature_on_main(|repo| {
        repo.write("src/config.rs", CONFIG_RS);
        repo.commit_all("update");
    });

    let plain = run_in(repo.path(), &["main"]);
    plain.success();
    let gated = run_in(repo.path(), &["main", "--require-answers"]);
    assert_eq!(gated.code, Some(1), "{gated:?}");
    assert!(gated.stdout.contains("load_config"), "{gated:?}");
    assert!(gated.stdout.contains("0 answered"), "{gated:?}");

    // Answer the code prompt with a comment and the commit prompt with a trailer.
    repo.write("src/config.rs", &config_rs_answered());
    repo.git(&["add", "-A"]);
    repo.git(&[
        "commit",
        "-q",
        "--amend",
        "-m",
        "update\n\nPonder-Answer: missing-rationale: settings must be loaded before the port is bound",
    ]);
    let report = json_in(repo.path(), &["main"]);
    assert_eq!(
        prompts(&report).len(),
        2,
        "both prompts stay, answered: {report:#}"
    );
    assert!(prompts(&report).iter().all(|p| p["answer"].is_string()));
    run_in(repo.path(), &["main", "--require-answers"]).success();

    // A new unanswered failure in the work in progress closes the gate again.
    repo.write("src/env.rs", ENV_RS);
    let gated = run_in(repo.path(), &["--require-answers"]);
    assert_eq!(gated.code, Some(1), "{gated:?}");
}

#[test]

fn environment_and_io_with_literal_arguments_are_asked_about() {
    let repo = feature_on_main(|repo| {
        repo.write("src/machine.rs", MACHINE_RS);
        repo.commit_all(MSG_CONFIG);
    });
    let report = json_in(repo.path(), &["main"]);
    for (function, needle) in [
        ("cache_dir", "unwrap"),
        ("read_settings", "unwrap"),
        ("open_log", "expect"),
    ] {
        let prompt = prompt_for(&report, "unhandled-failure", function);
        assert_eq!(prompt["file"], "src/machine.rs");
        let line = prompt["line"].as_u64().expect("line");
        let text = MACHINE_RS
            .lines()
            .nth(line as usize - 1)
            .unwrap_or_default();
        assert!(text.contains(needle), "{function}: line {line} is {text:?}");
    }
}

// ─── Odd content ────────────────────────────────────────────────────────────────────────

fn assert_no_code_prompts(report: &Value) {
    for rule in ["bulk-insertion", "unhandled-failure", "untested-branch"] {
        assert!(
            prompts_of(report, rule).is_empty(),
            "a pure move raised {rule}: {report:#}"
        );
    }
}

#[test]
fn pure_move_asks_nothing_about_the_moved_code() {
    let (mut repo, import) = order_rules_on_main();
    // The module itself is what the rules ask about when it is new.
    let added = json_in(repo.path(), &["--commit", &import]);
    assert!(
        !prompts_of(&added, "bulk-insertion").is_empty(),
        "{added:#}"
    );
    assert!(
        !prompts_of(&added, "unhandled-failure").is_empty(),
        "{added:#}"
    );

    move_order_rules(&repo, true);
    let moved = repo.commit_all(
        "Move the order rules under src/orders\n\nThe orders module will own them, so that billing stops importing them.",
    );
    assert_no_code_prompts(&json_in(repo.path(), &["main"]));
    assert_no_code_prompts(&json_in(repo.path(), &["--commit", &moved]));
}

#[test]
fn pure_move_in_work_in_progress_asks_nothing_about_the_moved_code() {
    let (staged, _) = order_rules_on_main();
    move_order_rules(&staged, true);
    assert_no_code_prompts(&json_in(staged.path(), &[]));

    let (unstaged, _) = order_rules_on_main();
    move_order_rules(&unstaged, false);
    assert_no_code_prompts(&json_in(unstaged.path(), &[]));
}

/// The first bytes of a PNG: NUL bytes make it binary to git and to ponder.
const PNG_BYTES: &[u8] =
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00";

/// A Rust file saved as Latin-1 (é as the single byte 0xE9).
const LATIN1_RS: &[u8] =
    b"// Caf\xe9 menu prices.\npub fn price(text: &str) -> u32 {\n    text.parse().unwrap()\n}\n";

fn assert_listed_unread(report: &Value, path: &str, note: &str) {
    let entry = file_entry(report, path);
    assert_eq!(entry["parsed"], false, "{entry:#}");
    let text = entry["note"].as_str().unwrap_or_default();
    assert!(
        text.contains(note),
        "note for {path} should say {note:?}: {entry:#}"
    );
}

#[test]
fn binary_and_non_utf8_files_are_listed_as_unread() {
    let repo = feature_on_main(|repo| {
        repo.write_bytes("assets/logo.png", PNG_BYTES);
        repo.write_bytes("src/menu.rs", LATIN1_RS);
        repo.write("src/config.rs", CONFIG_RS);
        repo.commit_all(MSG_CONFIG);
    });
    let report = json_in(repo.path(), &["main"]);
    assert_listed_unread(&report, "assets/logo.png", "binary");
    assert_listed_unread(&report, "src/menu.rs", "UTF-8");
    assert_eq!(file_entry(&report, "src/config.rs")["parsed"], true);
    assert!(prompted_files(&report).contains("src/config.rs"));

    let human = run_in(repo.path(), &["main"]);
    human.success();
    assert!(human.stdout.contains("Not read as Rust code"), "{human:?}");

    // The same files as untracked work in progress.
    repo.write_bytes("assets/icon.png", PNG_BYTES);
    repo.write_bytes("src/specials.rs", LATIN1_RS);
    let report = json_in(repo.path(), &[]);
    assert_listed_unread(&report, "assets/icon.png", "binary");
    assert_listed_unread(&report, "src/specials.rs", "UTF-8");
}

#[test]
fn unparsable_file_is_reported_and_still_checked_line_by_line() {
    let repo = {
        let mut repo = TestRepo::new();
        repo.write("src/report.rs", REPORT_OLD);
        repo.commit_all(MSG_IMPORT);
        repo.git(&["checkout", "-q", "-b", "feature"]);
        repo.write("src/report.rs", REPORT_BROKEN);
        repo.commit_all(MSG_CONFIG);
        repo
    };
    let report = json_in(repo.path(), &["main"]);
    assert_listed_unread(&report, "src/report.rs", "could not parse");
    let unhandled = prompts_of(&report, "unhandled-failure");
    assert_eq!(unhandled.len(), 1, "{report:#}");
    assert_eq!(unhandled[0]["file"], "src/report.rs");
    assert_eq!(unhandled[0]["line"], line_of(REPORT_BROKEN, ".unwrap()"));

    let human = run_in(repo.path(), &["main"]);
    human.success();
    assert!(
        human
            .stdout
            .contains("Not read as Rust code: src/report.rs"),
        "{human:?}"
    );
}

/// CONFIG_RS plus an answered lookup, saved with Windows line endings.
fn crlf_loader() -> String {
    let text = format!(
        "{CONFIG_RS}\npub fn column(columns: &[&str], index: usize) -> String {{\n    \
         // ponder: unhandled-failure: index comes from the header row of the same file\n    \
         columns.get(index).unwrap().to_string()\n}}\n"
    );
    text.replace('\n', "\r\n")
}

fn crlf_repo() -> TestRepo {
    feature_on_main(|repo| {
        repo.write("src/loader.rs", &crlf_loader());
        repo.commit_all(MSG_CONFIG);
    })
}

#[test]
fn crlf_source_keeps_its_line_numbers_and_answers() {
    let repo = crlf_repo();
    let report = json_in(repo.path(), &["main"]);
    let load = prompt_for(&report, "unhandled-failure", "load_config");
    assert_eq!(load["line"], line_of(CONFIG_RS, "unwrap"));
    let column = prompt_for(&report, "unhandled-failure", "column");
    assert_eq!(
        column["line"],
        line_of(&crlf_loader(), "columns.get(index)")
    );
    assert_eq!(
        column["answer"], "index comes from the header row of the same file",
        "no carriage return in the answer"
    );
}

#[test]

fn crlf_source_is_shown_without_replacement_characters() {
    let repo = crlf_repo();
    let human = run_in(repo.path(), &["main"]);
    human.success();
    assert!(
        human.stdout.contains("fs::read_to_string(path).unwrap()"),
        "{human:?}"
    );
    assert!(!human.stdout.contains('\u{fffd}'), "{human:?}");
}

#[test]
fn human_output_off_a_terminal_has_no_ansi_escapes() {
    let d = diverged_branches();
    d.repo.write("src/env.rs", ENV_RS);

    let mut no_color = ponder();
    no_color.current_dir(d.repo.path()).env("NO_COLOR", "1");
    let runs = [no_color.run(), run_in(d.repo.path(), &[])];
    for run in &runs {
        run.success();
        assert!(run.stdout.contains("load_config"), "{run:?}");
        assert!(
            !run.stdout.contains('\x1b'),
            "ANSI escape in output: {run:?}"
        );
    }

    let error = run_in(d.repo.path(), &["no-such-branch"]);
    error.assert_diagnostic(&["no-such-branch"]);
    assert!(!error.stderr.contains('\x1b'), "{error:?}");
}

/// The human report on a terminal, with `NO_COLOR` set to `value` or left unset.
#[cfg(target_os = "linux")]
fn on_a_terminal(dir: &Path, no_color: Option<&str>) -> common::Run {
    let mut command = ponder();
    command.current_dir(dir);
    if let Some(value) = no_color {
        command.env("NO_COLOR", value);
    }
    let run = common::pty::run_on_a_terminal(command);
    run.success();
    assert!(run.stdout.contains("load_config"), "{run:?}");
    run
}

#[cfg(target_os = "linux")]
#[test]
fn on_a_terminal_the_report_is_coloured_unless_no_color_is_set() {
    let d = diverged_branches();
    d.repo.write("src/env.rs", ENV_RS);

    let coloured = on_a_terminal(d.repo.path(), None);
    assert!(
        coloured.stdout.contains("\x1b["),
        "a terminal gets colours: {coloured:?}"
    );
    // no-color.org: an empty value is as if the variable were not set.
    let empty = on_a_terminal(d.repo.path(), Some(""));
    assert!(empty.stdout.contains("\x1b["), "{empty:?}");
    for value in ["1", "0", "false"] {
        let plain = on_a_terminal(d.repo.path(), Some(value));
        assert!(
            !plain.stdout.contains('\x1b'),
            "NO_COLOR={value} leaves no escape: {plain:?}"
        );
    }
}

// ─── The harness itself ─────────────────────────────────────────────────────────────────

/// Tests of this file that read the index, the work tree, the default range and the
/// colours: each would change if a parent's git, CI or colour variables reached ponder or
/// git.
fn environment_sensitive() -> Vec<&'static str> {
    let mut tests = vec![
        "no_argument_is_the_branch_since_main_plus_staged_unstaged_and_untracked_work",
        "runs_from_a_subdirectory_with_repo_relative_paths_and_the_root_config",
        "linked_worktree_is_analysed_like_a_checkout",
        "answer_comments_on_or_above_the_line_answer_the_prompt",
        "human_output_off_a_terminal_has_no_ansi_escapes",
        "programs_never_see_the_variables_the_harness_removes",
    ];
    if cfg!(target_os = "linux") {
        tests.push("on_a_terminal_the_report_is_coloured_unless_no_color_is_set");
    }
    tests
}

/// What the harness gives a program: none of the removed variables this process has,
/// and an empty home of its own.
#[test]
fn programs_never_see_the_variables_the_harness_removes() {
    // What the home holds, then the environment.
    let mut command = common::CleanCommand::new("sh");
    command.args(["-c", r#"ls -A "$HOME" && printf '\0' && env -0"#]);
    let run = command.run();
    run.success();
    let (home, environment) = run.stdout.split_once('\0').expect("a listing, then env");
    assert_eq!(home, "", "HOME is empty");
    let seen: Vec<(&str, &str)> = environment
        .split('\0')
        .filter_map(|pair| pair.split_once('='))
        .collect();
    let set_by_the_harness = [
        "GIT_CONFIG_NOSYSTEM",
        "GIT_CONFIG_GLOBAL",
        "COLUMNS",
        "HOME",
    ];
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if common::is_removed(name.as_ref().as_ref())
            && !set_by_the_harness.contains(&name.as_ref())
        {
            assert!(
                !seen.iter().any(|(seen, _)| *seen == name),
                "{name} reached the program: {seen:?}"
            );
        }
    }
}

/// `cargo test` run from a git hook behaves as from a plain shell: git exports `GIT_DIR`,
/// `GIT_INDEX_FILE` and friends to a hook, a CI job its own variables. Runs the tests of
/// `environment_sensitive()` again with all of them pointing at a decoy repository, and
/// checks that they pass and that the decoy is untouched.
#[test]
fn the_tests_run_the_same_from_a_git_hook() {
    let mut decoy = TestRepo::new();
    decoy.write(
        "src/lib.rs",
        "pub fn decoy() -> Option<u8> {\n    None\n}\n",
    );
    decoy.commit_all("Decoy\n\nA repository that the tests must never read or write.");
    decoy.git(&["checkout", "-q", "-b", "hooked"]);
    let state = |decoy: &TestRepo| {
        let index = std::fs::read(decoy.path().join(".git/index")).expect("index");
        (
            decoy.git(&["for-each-ref"]),
            decoy.git(&["status", "--porcelain", "--untracked-files=all"]),
            decoy.git(&["count-objects"]),
            index,
        )
    };
    let before = state(&decoy);
    let git_dir = decoy.path().join(".git");
    let selected = environment_sensitive();
    let output = std::process::Command::new(std::env::current_exe().expect("this test binary"))
        .args(["--exact", "--test-threads", "2"])
        .args(&selected)
        .env("GIT_DIR", &git_dir)
        .env("GIT_WORK_TREE", decoy.path())
        .env("GIT_INDEX_FILE", git_dir.join("index"))
        .env("GIT_OBJECT_DIRECTORY", git_dir.join("objects"))
        .env("GIT_ALTERNATE_OBJECT_DIRECTORIES", git_dir.join("objects"))
        .env("GIT_CEILING_DIRECTORIES", "/")
        .env("GIT_NAMESPACE", "hooked")
        .env("GIT_CONFIG_COUNT", "1")
        .env("GIT_CONFIG_KEY_0", "core.bare")
        .env("GIT_CONFIG_VALUE_0", "true")
        .env("GIT_CONFIG_PARAMETERS", "'init.defaultbranch'='hooked'")
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_BASE_REF", "no-such-branch")
        .env("CI", "true")
        .env("NO_COLOR", "1")
        .env("CLICOLOR_FORCE", "1")
        .env("COLUMNS", "20")
        .output()
        .expect("the test binary runs");
    let run = common::Run::from(output);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stdout
            .contains(&format!("test result: ok. {} passed", selected.len())),
        "every selected test ran and passed: {run:?}"
    );
    assert!(before == state(&decoy), "the decoy repository changed");
}

#[test]
fn control_characters_from_the_repository_are_not_echoed_raw() {
    let subject = "Colour the price table \x1b[31mred\x1b[0m \x1b]0;pwned\x07";
    let flagged = "    let quantity: u32 = text.parse().unwrap(); // \x1b[2J\n";
    let repo = feature_on_main(|repo| {
        let mut prices = price_table_module(8);
        prices.push_str("pub fn quantity(text: &str) -> u32 {\n");
        prices.push_str(flagged);
        prices.push_str("    quantity\n}\n");
        repo.write("src/prices.rs", &prices);
        repo.commit_all(subject);
    });
    let logged = repo.git(&["log", "-1", "--format=%s"]);
    assert!(logged.contains('\x1b'), "git kept the escape: {logged:?}");

    let human = run_in(repo.path(), &["main"]);
    human.success();
    assert!(
        human.stdout.contains("Colour the price table"),
        "the subject is shown: {human:?}"
    );
    assert!(human.stdout.contains("quantity"), "{human:?}");
    assert!(
        !human.stdout.contains('\x1b'),
        "raw ESC in output: {human:?}"
    );
    assert!(
        !human.stdout.contains('\x07'),
        "raw BEL in output: {human:?}"
    );

    // JSON escapes control characters, and still carries the subject exactly.
    let run = run_in(repo.path(), &["main", "--format", "json"]);
    assert!(!run.stdout.contains('\x1b'), "{run:?}");
    let report = run.json();
    assert_eq!(report["commits"][0]["subject"], subject);
    // Both places the human output echoes repository text were exercised: a commit prompt
    // (subject) and a code prompt (snippet of the flagged line).
    assert_eq!(
        prompts_of(&report, "missing-rationale").len(),
        1,
        "{report:#}"
    );
    let flagged_line = prompt_for(&report, "unhandled-failure", "quantity")["line"].clone();
    assert!(flagged_line.is_u64(), "{report:#}");
}

// ─── Prompts about one commit point into that commit's version ─────────────────────────

/// A 320-line module of small, distinct functions: enough for bulk-insertion by default.
fn bulk_module(header: &str) -> String {
    let mut text = String::from(header);
    for i in 0..80 {
        text.push_str(&format!(
            "pub fn rate_{i}(amount: u64) -> u64 {{\n    let scaled = amount * {m};\n    scaled / {d}\n}}\n",
            m = i + 3,
            d = i + 7
        ));
    }
    text
}

/// `main` has an empty rates module; `feature` is checked out on it.
fn rates_module_on_feature() -> TestRepo {
    let mut repo = TestRepo::new();
    repo.write("Cargo.toml", CARGO_TOML);
    repo.write("src/lib.rs", "pub mod rates;\n");
    repo.write("src/rates.rs", "\n");
    repo.commit_all("Start the rates module\n\nSo that later commits have a home for the tables.");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo
}

/// `rates_module_on_feature`, then a commit that inserts 80 rate functions under an
/// answer comment; returns the repository and the module's text.
fn answered_rates() -> (TestRepo, String) {
    let mut repo = rates_module_on_feature();
    let answered = bulk_module(
        "// ponder: bulk-insertion: generated from the tariff sheet and checked row by row\n",
    );
    repo.write("src/rates.rs", &answered);
    repo.commit_all("Add the tariff rates\n\nBecause billing needs every tariff as a function.");
    (repo, answered)
}

#[test]
fn bulk_insertion_answers_are_read_from_the_commit_that_inserted_the_code() {
    // The answer sits above the first line of the inserted block, in that commit.
    let (mut repo, answered) = answered_rates();
    // A later commit replaces that line, so the range head no longer holds the answer.
    repo.write(
        "src/rates.rs",
        &answered.replacen("// ponder: bulk-insertion:", "// Rates:", 1),
    );
    repo.commit_all("Reword the rates header\n\nSo that it reads as documentation, not a note.");

    let report = json_in(repo.path(), &["main"]);
    let bulk = prompts_of(&report, "bulk-insertion");
    assert_eq!(bulk.len(), 1, "{report:#}");
    assert_eq!(bulk[0]["file"], "src/rates.rs");
    assert_eq!(bulk[0]["line"], 1);
    assert_eq!(
        bulk[0]["answer"],
        "generated from the tariff sheet and checked row by row"
    );
    assert!(is_full_sha(&bulk[0]["commit"]));

    // The human snippet shows the commit's line, not the head's.
    let human = run_in(repo.path(), &["main"]);
    human.success();
    assert!(
        human
            .stdout
            .contains("// ponder: bulk-insertion: generated"),
        "{human:?}"
    );
}

#[test]
fn a_bulk_insertion_answer_still_in_the_head_is_not_also_stale() {
    let (mut repo, answered) = answered_rates();
    // A later commit moves the block down: the answer is on another line in the head.
    repo.write("src/rates.rs", &format!("//! Tariff rates.\n\n{answered}"));
    repo.commit_all("Document the rates module\n\nSo that rustdoc lists what the module is for.");

    let report = json_in(repo.path(), &["main"]);
    let bulk = prompts_of(&report, "bulk-insertion");
    assert_eq!(bulk.len(), 1, "{report:#}");
    assert_eq!(bulk[0]["answered_by"], "comment", "{report:#}");
    assert_eq!(report["stale_answers"], serde_json::json!([]), "{report:#}");
}

#[test]
fn bulk_insertion_is_answered_by_a_trailer_of_its_commit() {
    let mut repo = rates_module_on_feature();
    repo.write("src/rates.rs", &bulk_module("//! Tariff rates.\n"));
    repo.commit_all(
        "Add the tariff rates\n\nBecause billing needs every tariff as a function.\n\n\
         Ponder-Answer: bulk-insertion: generated from the tariff sheet by tools/rates.py",
    );
    let report = json_in(repo.path(), &["main"]);
    let bulk = prompts_of(&report, "bulk-insertion");
    assert_eq!(bulk.len(), 1, "{report:#}");
    assert_eq!(
        bulk[0]["answer"],
        "generated from the tariff sheet by tools/rates.py"
    );
}

// ─── Configuration changes what is asked ────────────────────────────────────────────────

/// `main` carries `config` as .ponder.toml; `feature` adds a library file that prints and
/// unwraps a file read, and a test file that prints.
fn configured_repo(config: &str) -> TestRepo {
    let mut repo = TestRepo::new();
    repo.write("Cargo.toml", CARGO_TOML);
    repo.write("src/lib.rs", LIB_RS);
    repo.write(".ponder.toml", config);
    repo.commit_all(MSG_IMPORT);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("src/config.rs", CONFIG_RS);
    repo.write(
        "src/report.rs",
        "pub fn report(total: u32) {\n    println!(\"total: {total}\");\n}\n",
    );
    repo.write(
        "tests/report.rs",
        "#[test]\nfn prints() {\n    println!(\"checking\");\n}\n",
    );
    repo.commit_all(
        "Load the config and print the report\n\nSo that the CLI can show totals to operators.",
    );
    repo
}

#[test]
fn custom_rules_ask_about_added_lines_in_their_paths_only() {
    let repo = configured_repo(
        "[[custom]]\nid = \"println-in-library\"\npattern = 'println!\\('\npaths = [\"src/**\"]\nquestion = \"Who reads this output?\"\n",
    );
    let report = json_in(repo.path(), &["main"]);
    let custom = prompts_of(&report, "println-in-library");
    assert_eq!(custom.len(), 1, "{report:#}");
    assert_eq!(custom[0]["file"], "src/report.rs");
    assert_eq!(custom[0]["line"], 2);
    assert_eq!(custom[0]["question"], "Who reads this output?");
    // The built-in rules still run beside it.
    assert_eq!(
        prompts_of(&report, "unhandled-failure").len(),
        1,
        "{report:#}"
    );
}

#[test]
fn skip_disable_and_question_overrides_take_effect() {
    let baseline = json_in(configured_repo("").path(), &["main"]);
    assert_eq!(
        prompts_of(&baseline, "unhandled-failure").len(),
        1,
        "{baseline:#}"
    );

    let skipped = json_in(
        configured_repo("skip = [\"src/config.rs\"]\n").path(),
        &["main"],
    );
    assert!(
        prompts_of(&skipped, "unhandled-failure").is_empty(),
        "{skipped:#}"
    );
    assert!(!prompted_files(&skipped).contains("src/config.rs"));

    let disabled = json_in(
        configured_repo("[rules.unhandled-failure]\nenabled = false\n").path(),
        &["main"],
    );
    assert!(
        prompts_of(&disabled, "unhandled-failure").is_empty(),
        "{disabled:#}"
    );

    let reworded = json_in(
        configured_repo(
            "[rules.unhandled-failure.questions]\nio = \"Is `{code}` in `{function}` safe to unwrap?\"\n",
        )
        .path(),
        &["main"],
    );
    let prompt = prompt_for(&reworded, "unhandled-failure", "load_config");
    assert_eq!(
        prompt["question"],
        "Is `fs::read_to_string(path).unwrap()` in `load_config` safe to unwrap?"
    );
}

#[test]
fn thresholds_from_the_config_change_when_a_rule_asks() {
    // 40 lines of new code: quiet by default, a bulk insertion at min_added_lines = 30.
    let body: String = (0..10)
        .map(|i| {
            format!("pub fn scale_{i}(x: u64) -> u64 {{\n    let y = x * {i};\n    y + {i}\n}}\n")
        })
        .collect();
    for (config, expected) in [
        ("", 0),
        ("[rules.bulk-insertion]\nmin_added_lines = 30\n", 1),
    ] {
        let mut repo = TestRepo::new();
        repo.write("Cargo.toml", CARGO_TOML);
        repo.write("src/lib.rs", LIB_RS);
        repo.write(".ponder.toml", config);
        repo.commit_all(MSG_IMPORT);
        repo.git(&["checkout", "-q", "-b", "feature"]);
        repo.write("src/scale.rs", &body);
        repo.commit_all("Add the scaling table\n\nBecause the pricing page needs every factor.");
        let report = json_in(repo.path(), &["main"]);
        assert_eq!(
            prompts_of(&report, "bulk-insertion").len(),
            expected,
            "config {config:?}: {report:#}"
        );
    }
}

#[test]
fn a_malformed_coverage_file_is_an_error_naming_its_line() {
    let mut repo = TestRepo::new();
    repo.write("Cargo.toml", CARGO_TOML);
    repo.write("src/lib.rs", LIB_RS);
    repo.commit_all(MSG_IMPORT);
    let lcov = repo.path().join(".git").join("lcov.info");
    std::fs::write(&lcov, "SF:src/lib.rs\nDA:3,1\nDA:four,0\nend_of_record\n").expect("write lcov");
    let lcov = lcov.to_string_lossy().into_owned();
    run_in(repo.path(), &["--coverage", &lcov, "HEAD"]).assert_diagnostic(&[
        "lcov.info:3",
        "is not lcov",
        "llvm-cov",
    ]);
    let missing = repo.path().join("no-such-lcov.info");
    run_in(
        repo.path(),
        &["--coverage", &missing.to_string_lossy(), "HEAD"],
    )
    .assert_diagnostic(&["no-such-lcov.info", "llvm-cov"]);
}

// ─── Where the output goes ──────────────────────────────────────────────────────────────

/// A branch of `commits` commits on top of `main`, each adding a function with an unwrap
/// to its own file, built in one `git fast-import` so that hundreds of commits are cheap.
fn long_branch(commits: usize) -> TestRepo {
    let mut repo = TestRepo::new();
    repo.write("src/lib.rs", "pub fn start() {}\n");
    repo.commit_all(MSG_IMPORT);
    let mut stream = String::new();
    for index in 0..commits {
        let content = format!(
            "pub fn load_{index}(path: &str) -> String {{\n    std::fs::read_to_string(path).unwrap()\n}}\n"
        );
        let message = format!("Add loader {index}\n\nEach table gets its own loader.\n");
        let from = if index == 0 {
            "from refs/heads/main\n"
        } else {
            ""
        };
        stream.push_str(&format!(
            "commit refs/heads/feature\ncommitter A <a@example.com> {} +0000\ndata {}\n{message}{from}M 100644 inline src/load_{index}.rs\ndata {}\n{content}\n",
            1_700_000_000 + index,
            message.len(),
            content.len(),
        ));
    }
    let mut git = common::CleanCommand::new("git");
    let mut child = git
        .args(["fast-import", "--quiet"])
        .current_dir(repo.path())
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("git fast-import runs");
    std::io::Write::write_all(child.stdin.as_mut().expect("stdin"), stream.as_bytes())
        .expect("stream written");
    drop(child.stdin.take());
    assert!(child.wait().expect("fast-import ends").success());
    repo
}

/// `ponder ARGS` with stdout (or stderr) going to /dev/full, where every write fails.
fn run_into_full_device(dir: &Path, args: &[&str], stream: &str) -> Run {
    let full = || std::fs::File::create("/dev/full").expect("/dev/full opens");
    let mut command = ponder();
    command.current_dir(dir).args(args);
    match stream {
        "stdout" => command.stdout(full()),
        _ => command.stderr(full()),
    };
    command.run()
}

#[test]
fn a_report_that_cannot_be_written_is_an_error_in_every_format_and_command() {
    let repo = long_branch(3);
    let mut cases: Vec<Vec<&str>> = ["human", "json", "markdown", "sarif", "github", "rdjson"]
        .iter()
        .map(|format| vec!["main..feature", "--format", format])
        .collect();
    cases.push(vec!["--each-commit", "main..feature"]);
    cases.push(vec!["--each-commit", "main..feature", "--format", "json"]);
    cases.push(vec!["rules"]);
    cases.push(vec!["explain", "unhandled-failure"]);
    for args in cases {
        let run = run_into_full_device(repo.path(), &args, "stdout");
        assert_eq!(run.code, Some(2), "{args:?}: {run:?}");
        assert!(
            run.stderr.contains("could not write the report to stdout")
                && run.stderr.contains("help:"),
            "{args:?}: {run:?}"
        );
    }
}

#[test]
fn a_full_stderr_never_makes_ponder_panic() {
    let repo = long_branch(1);
    let unknown = run_into_full_device(repo.path(), &["explain", "no-such-rule"], "stderr");
    assert_eq!(unknown.code, Some(2), "{unknown:?}");
    let timed = run_into_full_device(repo.path(), &["main..feature", "--timings"], "stderr");
    assert_eq!(timed.code, Some(0), "{timed:?}");
}

/// The number after `parsed texts:` in a `--timings` table.
fn parsed_texts(stderr: &str) -> u64 {
    stderr
        .lines()
        .find_map(|line| line.strip_prefix("parsed texts: "))
        .and_then(|count| count.trim().parse().ok())
        .unwrap_or_else(|| panic!("no parsed texts count in {stderr}"))
}

#[test]
fn a_closed_pipe_ends_each_commit_quietly_without_reading_the_rest() {
    let repo = long_branch(300);
    let args = ["--each-commit", "main..feature", "--timings"];
    let mut full = ponder();
    full.current_dir(repo.path())
        .args(args)
        .env("RAYON_NUM_THREADS", "1");
    let full = full.run();
    assert_eq!(full.code, Some(0), "{full:?}");
    let everything = parsed_texts(&full.stderr);

    for require_answers in [false, true] {
        let mut command = ponder();
        command
            .current_dir(repo.path())
            .args(args)
            .env("RAYON_NUM_THREADS", "1")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        if require_answers {
            command.arg("--require-answers");
        }
        let mut child = command.spawn().expect("ponder runs");
        // The reader is gone before ponder writes its first commit.
        drop(child.stdout.take());
        let output = child.wait_with_output().expect("ponder ends");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
            "{stderr}"
        );
        let read = parsed_texts(&stderr);
        assert!(
            read * 2 < everything,
            "read {read} of {everything} texts for a closed pipe: {stderr}"
        );
        let expected = if require_answers { 1 } else { 0 };
        assert_eq!(output.status.code(), Some(expected), "{stderr}");
    }
}
