//! The catalogue of odd repositories: each test builds one real repository of an unusual
//! shape, runs the `ponder` binary on it as a user or CI step would, and checks the exit
//! status and what ponder says it read, skipped and asked.
//!
//! Entries already covered in tests/cli.rs are not repeated here: binary and non-UTF-8
//! files (`binary_and_non_utf8_files_are_listed_as_unread`), a `.rs` file that does not
//! parse (`unparsable_file_is_reported_and_still_checked_line_by_line`), CRLF files
//! (`crlf_source_keeps_its_line_numbers_and_answers`), a range with no commits
//! (`empty_range_has_no_questions`), the root commit
//! (`commit_flag_on_the_root_commit_compares_with_the_empty_tree`), `--commit` on a merge,
//! bare repositories with a range (`bare_repository_accepts_a_range_and_a_commit`), and a
//! linked worktree analysed from inside (`linked_worktree_is_analysed_like_a_checkout`).
//!
//! Also here: the limits (lines per file, files per change, prompts per file) and hostile
//! content (configuration, symlinks, strings meant to fool a terminal).

mod common;

use common::{file_entry, git_in, json_in, line_of, prompts, run_in, strings, TestRepo};
use serde_json::Value;

/// (rule, file, line) of every prompt.
fn asked(report: &Value) -> Vec<(String, Option<String>, Option<u64>)> {
    prompts(report)
        .iter()
        .map(|p| {
            (
                p["rule"].as_str().unwrap_or_default().to_string(),
                p["file"].as_str().map(str::to_string),
                p["line"].as_u64(),
            )
        })
        .collect()
}

/// `asked` of a report whose one prompt is unhandled-failure's about the first line of
/// `file` (whose text is `text`) that contains `needle`.
fn unhandled_at(
    file: &str,
    text: &str,
    needle: &str,
) -> Vec<(String, Option<String>, Option<u64>)> {
    vec![(
        "unhandled-failure".to_string(),
        Some(file.to_string()),
        Some(line_of(text, needle)),
    )]
}

fn rules_asked_about(report: &Value, file: &str) -> Vec<String> {
    asked(report)
        .into_iter()
        .filter(|(_, f, _)| f.as_deref() == Some(file))
        .map(|(rule, _, _)| rule)
        .collect()
}

/// The file is listed as not read, with a note that says `why`.
fn assert_skipped(report: &Value, path: &str, why: &str) {
    let entry = file_entry(report, path);
    assert_eq!(entry["parsed"], false, "{entry:#}");
    let note = entry["note"].as_str().unwrap_or_default();
    assert!(
        note.contains(why),
        "note of {path} should say {why:?}: {entry:#}"
    );
}

// ─── Code the repositories are made of ─────────────────────────────────────────────────

const LIB_RS: &str = "pub mod settings;\n";

const SETTINGS_RS: &str = r#"pub fn port(text: &str) -> u16 {
    text.trim().parse().unwrap_or(8080)
}
"#;

/// One new unwrap in a function that handles nothing: unhandled-failure asks.
const LOADER_RS: &str = r#"use std::fs;

pub fn load_settings(path: &str) -> String {
    fs::read_to_string(path).unwrap()
}
"#;

const LOADER_MSG: &str = "Load settings from a file\n\nOperators asked to keep settings out of the binary, so they can\nchange them without a rebuild.";

/// The same as LOADER_RS for another function name.
fn loader(name: &str) -> String {
    LOADER_RS.replace("load_settings", name)
}

/// A repository whose `main` has LIB_RS and SETTINGS_RS, checked out on `feature`.
fn on_feature() -> TestRepo {
    on_feature_with(&[])
}

/// Like `on_feature`, with more files (path, text) on `main`.
fn on_feature_with(files: &[(&str, &str)]) -> TestRepo {
    let mut repo = TestRepo::new();
    repo.write("src/lib.rs", LIB_RS);
    repo.write("src/settings.rs", SETTINGS_RS);
    for (path, text) in files {
        repo.write(path, text);
    }
    repo.commit_all("Start the settings crate");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo
}

// ─── Repository states ─────────────────────────────────────────────────────────────────

#[test]
fn empty_repository_is_an_empty_report() {
    let repo = TestRepo::new();
    let report = json_in(repo.path(), &[]);
    assert_eq!(report["base"], Value::Null);
    assert_eq!(report["head"], Value::Null);
    assert!(prompts(&report).is_empty(), "{report:#}");
    assert!(strings(&report, "files", "path").is_empty(), "{report:#}");
    let human = run_in(repo.path(), &[]);
    human.success();
    assert!(
        human.stdout.contains("ponder has no questions"),
        "{human:?}"
    );

    // There is nothing to name yet.
    run_in(repo.path(), &["--commit", "HEAD"]).assert_diagnostic(&["HEAD"]);
}

#[test]
fn unborn_head_reads_the_staged_and_untracked_files() {
    let repo = TestRepo::new();
    repo.write("src/lib.rs", "pub mod loader;\n");
    repo.write("src/loader.rs", LOADER_RS);
    repo.git(&["add", "src/lib.rs"]);
    // src/loader.rs stays untracked.
    let report = json_in(repo.path(), &[]);
    assert_eq!(report["head"], Value::Null);
    assert_eq!(report["includes_work_tree"], true);
    assert_eq!(
        asked(&report),
        unhandled_at("src/loader.rs", LOADER_RS, "unwrap")
    );
    run_in(repo.path(), &["--commit", "HEAD"]).assert_diagnostic(&["HEAD", "commit"]);
}

#[test]
fn detached_head_is_compared_with_the_default_branch() {
    let mut repo = on_feature();
    repo.write("src/loader.rs", LOADER_RS);
    repo.commit_all(LOADER_MSG);
    // CI checks a pull request out as a detached commit.
    repo.git(&["checkout", "-q", "--detach", "feature"]);
    repo.write("src/reload.rs", &loader("reload_settings"));

    let report = json_in(repo.path(), &[]);
    assert_eq!(
        strings(&report, "commits", "subject"),
        vec!["Load settings from a file"]
    );
    let files: Vec<_> = asked(&report).into_iter().map(|(_, f, _)| f).collect();
    assert_eq!(
        files,
        vec![
            Some("src/loader.rs".to_string()),
            Some("src/reload.rs".to_string())
        ],
        "the commit and the work in progress on the detached HEAD: {report:#}"
    );
}

#[test]
fn merge_commits_inside_a_range_are_not_asked_about_and_bring_nothing_of_their_own() {
    let mut repo = on_feature();
    repo.write("src/loader.rs", LOADER_RS);
    repo.commit_all(LOADER_MSG);
    // main moves on with its own unexplained unwrap, merged into the feature branch.
    repo.git(&["checkout", "-q", "main"]);
    repo.write("src/main_only.rs", &loader("main_only"));
    repo.commit_all("wip");
    repo.git(&["checkout", "-q", "feature"]);
    repo.git(&["merge", "-q", "--no-ff", "--no-edit", "main"]);

    let report = json_in(repo.path(), &["main..feature"]);
    assert_eq!(
        strings(&report, "commits", "subject"),
        vec![
            "Load settings from a file",
            "Merge branch 'main' into feature"
        ]
    );
    assert_eq!(
        asked(&report),
        unhandled_at("src/loader.rs", LOADER_RS, "unwrap"),
        "nothing about main's file or the merge commit: {report:#}"
    );
}

#[test]
fn octopus_merge_is_read_against_its_first_parent() {
    let mut repo = on_feature();
    for name in ["alpha", "beta", "gamma"] {
        repo.git(&["checkout", "-q", "-b", name, "main"]);
        repo.write(&format!("src/{name}.rs"), &loader(name));
        repo.commit_all(&format!(
            "Add {name} settings\n\nThe {name} deployment reads its own file."
        ));
    }
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["merge", "-q", "--no-edit", "alpha", "beta", "gamma"]);
    let parents = repo.git(&["rev-list", "--parents", "-n", "1", "HEAD"]);
    assert_eq!(parents.split(' ').count(), 4, "an octopus: {parents}");

    // alpha was fast-forwarded to, so the octopus's first parent already has it.
    let one = json_in(repo.path(), &["--commit", "HEAD"]);
    assert_eq!(one["commits"].as_array().map(Vec::len), Some(1), "{one:#}");
    let files: Vec<_> = asked(&one).into_iter().map(|(_, f, _)| f).collect();
    assert_eq!(
        files,
        vec![Some("src/beta.rs".into()), Some("src/gamma.rs".into())]
    );
    assert!(
        !asked(&one)
            .iter()
            .any(|(rule, _, _)| rule == "missing-rationale"),
        "a merge commit is not asked about as a commit: {one:#}"
    );

    let range = json_in(repo.path(), &["HEAD~1..HEAD"]);
    assert_eq!(
        strings(&range, "commits", "subject"),
        vec![
            "Add beta settings",
            "Add gamma settings",
            "Merge branches 'alpha', 'beta' and 'gamma'"
        ]
    );
}

/// A module with three unwraps, to move around.
const STORE_RS: &str = r#"pub fn level(text: &str) -> u32 {
    text.parse().unwrap()
}

pub fn shelf(text: &str) -> u8 {
    text.parse().unwrap()
}

pub fn aisle(text: &str) -> u16 {
    text.parse().unwrap()
}
"#;

#[test]
fn renames_and_copies_ask_only_about_what_was_edited() {
    let depot = STORE_RS.replace("level", "stock");
    let mut repo = on_feature_with(&[("src/store.rs", STORE_RS), ("src/depot.rs", &depot)]);

    // A pure rename, and a rename with one edited line.
    repo.git(&["mv", "src/store.rs", "src/warehouse.rs"]);
    repo.git(&["mv", "src/depot.rs", "src/yard.rs"]);
    let edited = STORE_RS.replace("level", "stock").replace(
        "    text.parse().unwrap()\n}\n\npub fn aisle",
        "    text.trim().parse().unwrap()\n}\n\npub fn aisle",
    );
    repo.write("src/yard.rs", &edited);
    repo.commit_all(
        "Rename the storage modules\n\nThe business calls them warehouses and yards now.",
    );

    let report = json_in(repo.path(), &["main"]);
    assert!(
        rules_asked_about(&report, "src/warehouse.rs").is_empty(),
        "a pure rename asks nothing: {report:#}"
    );
    let yard: Vec<_> = asked(&report)
        .into_iter()
        .filter(|(_, f, _)| f.as_deref() == Some("src/yard.rs"))
        .collect();
    assert_eq!(
        yard,
        unhandled_at("src/yard.rs", &edited, "trim().parse().unwrap()"),
        "only the edited line of the renamed file: {report:#}"
    );

    // A copy whose source is also edited is detected as a copy; the copy's own edit is
    // asked about, its copied lines are not.
    repo.git(&["checkout", "-q", "-b", "copies", "main"]);
    repo.write(
        "src/store.rs",
        &STORE_RS.replace("pub fn aisle", "pub fn row"),
    );
    let copy = STORE_RS.replace(
        "text.parse().unwrap()\n}\n\npub fn shelf",
        "text.trim().parse().unwrap()\n}\n\npub fn shelf",
    );
    repo.write("src/store_copy.rs", &copy);
    repo.commit_all("Split the store\n\nThe copy becomes the read-only replica's module.");
    let report = json_in(repo.path(), &["main"]);
    let copied: Vec<_> = asked(&report)
        .into_iter()
        .filter(|(rule, _, _)| rule == "unhandled-failure")
        .collect();
    assert_eq!(
        copied,
        unhandled_at("src/store_copy.rs", &copy, "trim().parse().unwrap()"),
        "{report:#}"
    );
}

#[test]
fn deleted_files_are_not_asked_about_or_listed() {
    let mut repo = on_feature_with(&[("src/store.rs", STORE_RS)]);
    repo.git(&["rm", "-q", "src/store.rs"]);
    repo.commit_all("Remove the store module\n\nNothing has called it since the depot took over.");

    let report = json_in(repo.path(), &["main"]);
    assert!(prompts(&report).is_empty(), "{report:#}");
    assert!(!strings(&report, "files", "path").contains(&"src/store.rs".to_string()));
    run_in(repo.path(), &["main"]).success();
}

#[cfg(unix)]
#[test]
fn mode_only_change_asks_nothing() {
    let mut repo = on_feature_with(&[("src/store.rs", STORE_RS)]);
    let path = repo.path().join("src/store.rs");
    let mut permissions = std::fs::metadata(&path).expect("stat").permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(&path, permissions).expect("chmod");
    repo.commit_all("Make the store module executable");
    let changed = repo.git(&["show", "--format=", "--summary", "HEAD"]);
    assert!(
        changed.contains("mode change 100644 => 100755"),
        "{changed}"
    );

    let report = json_in(repo.path(), &["main"]);
    assert!(prompts(&report).is_empty(), "{report:#}");
    assert_eq!(file_entry(&report, "src/store.rs")["parsed"], true);
}

#[cfg(unix)]
#[test]
fn file_replaced_by_a_symlink_is_listed_and_never_followed() {
    let mut repo = on_feature_with(&[("src/store.rs", STORE_RS), ("src/loader.rs", LOADER_RS)]);
    std::fs::remove_file(repo.path().join("src/store.rs")).expect("rm");
    std::os::unix::fs::symlink("loader.rs", repo.path().join("src/store.rs")).expect("ln");
    repo.commit_all("Point the store module at the loader");

    let report = json_in(repo.path(), &["main"]);
    assert_skipped(&report, "src/store.rs", "symbolic link");
    assert!(prompts(&report).is_empty(), "{report:#}");
    let human = run_in(repo.path(), &["main"]);
    human.success();
    assert!(
        human
            .stdout
            .contains("src/store.rs (skipped: a symbolic link"),
        "{human:?}"
    );
}

#[test]
fn submodule_changes_are_listed_and_not_counted_as_rust_files() {
    let mut library = TestRepo::new();
    library.write("src/lib.rs", LOADER_RS);
    library.commit_all("Start the library");
    let mut repo = on_feature();
    let url = library
        .path()
        .to_str()
        .expect("UTF-8 temp path")
        .to_string();
    repo.git(&[
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "-q",
        "add",
        &url,
        "vendor/library",
    ]);
    repo.commit_all("Vendor the library\n\nIts release is months away and we need its loader now.");
    // The submodule moves to a new commit of the library.
    library.write("src/extra.rs", &loader("extra"));
    library.commit_all("Add extra");
    let module = repo.path().join("vendor/library");
    git_in(&module, &["-c", "protocol.file.allow=always", "pull", "-q"]);
    repo.commit_all("Bump the library\n\nThe extra loader is what the importer waits for.");

    let report = json_in(repo.path(), &["main"]);
    assert_skipped(&report, "vendor/library", "submodule");
    assert!(
        prompts(&report).is_empty(),
        "nothing from inside the submodule: {report:#}"
    );
    let human = run_in(repo.path(), &["main"]);
    human.success();
    assert!(
        human.stdout.contains("(2 commits, 0 changed Rust files, "),
        "a submodule is not a Rust file: {human:?}"
    );
    assert!(
        human
            .stdout
            .contains("vendor/library (skipped: a submodule"),
        "{human:?}"
    );
}

#[test]
fn mixed_encoding_and_utf16_files_are_listed_and_the_rest_still_read() {
    let mut repo = on_feature();
    // UTF-8 comment, then a Latin-1 one: one file, two encodings.
    let mut mixed = "// café\n".as_bytes().to_vec();
    mixed.extend_from_slice(b"// na\xefve\npub fn f(v: Option<u8>) -> u8 { v.unwrap() }\n");
    repo.write_bytes("src/mixed.rs", &mixed);
    let utf16: Vec<u8> = [0xfe_u8, 0xff]
        .into_iter()
        .chain(LOADER_RS.encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    repo.write_bytes("src/utf16.rs", &utf16);
    repo.write("src/loader.rs", LOADER_RS);
    repo.commit_all(LOADER_MSG);

    let report = json_in(repo.path(), &["main"]);
    assert_skipped(&report, "src/mixed.rs", "not valid UTF-8");
    assert_skipped(&report, "src/utf16.rs", "binary");
    let files: Vec<_> = asked(&report).into_iter().map(|(_, f, _)| f).collect();
    assert_eq!(files, vec![Some("src/loader.rs".to_string())], "{report:#}");
}

#[test]
fn byte_order_mark_is_read_with_its_line_numbers() {
    let mut repo = on_feature();
    repo.write("src/loader.rs", &format!("\u{feff}{LOADER_RS}"));
    repo.commit_all(LOADER_MSG);
    let report = json_in(repo.path(), &["main"]);
    assert_eq!(file_entry(&report, "src/loader.rs")["parsed"], true);
    assert_eq!(
        asked(&report),
        unhandled_at("src/loader.rs", LOADER_RS, "unwrap")
    );
    let human = run_in(repo.path(), &["main"]);
    human.success();
    assert!(
        human.stdout.contains("fs::read_to_string(path).unwrap()"),
        "{human:?}"
    );
}

/// A generated table: one constant array of `lines` lines.
fn constant_table(lines: usize) -> String {
    let mut table = "pub const TABLE: &[u32] = &[\n".to_string();
    table.extend((2..lines).map(|i| format!("    {i},\n")));
    table.push_str("];\n");
    table
}

#[test]
fn twenty_megabyte_file_is_skipped_with_the_size_limit() {
    let mut repo = on_feature();
    let line = "pub fn f(v: Option<u8>) -> u8 { v.unwrap() }\n";
    let big = line.repeat(20 * 1024 * 1024 / line.len() + 1);
    assert!(big.len() >= 20 * 1024 * 1024);
    repo.write("src/huge.rs", &big);
    repo.write("src/loader.rs", LOADER_RS);
    repo.commit_all(LOADER_MSG);

    let report = json_in(repo.path(), &["main"]);
    assert_skipped(&report, "src/huge.rs", "larger than 4 MiB");
    let files: Vec<_> = asked(&report).into_iter().map(|(_, f, _)| f).collect();
    assert_eq!(files, vec![Some("src/loader.rs".to_string())], "{report:#}");

    // The same file as work in progress.
    repo.write("src/huge_too.rs", &big);
    let report = json_in(repo.path(), &[]);
    assert_skipped(&report, "src/huge_too.rs", "larger than 4 MiB");
}

#[test]
fn generated_file_of_200000_lines_is_skipped_with_the_line_limit() {
    let mut repo = on_feature();
    let table = constant_table(200_000);
    assert!(table.len() < 4 * 1024 * 1024, "under the size limit");
    repo.write("src/table.rs", &table);
    repo.write("src/loader.rs", LOADER_RS);
    repo.commit_all(LOADER_MSG);

    let report = json_in(repo.path(), &["main"]);
    assert_skipped(&report, "src/table.rs", "more than 50000 lines");
    let files: Vec<_> = asked(&report).into_iter().map(|(_, f, _)| f).collect();
    assert_eq!(files, vec![Some("src/loader.rs".to_string())], "{report:#}");
    let human = run_in(repo.path(), &["main"]);
    human.success();
    assert!(
        human
            .stdout
            .contains("src/table.rs (skipped: more than 50000 lines, ponder's limit per file)"),
        "{human:?}"
    );
}

const MACROS_RS: &str = r#"macro_rules! settings_table {
    ($($name:ident => $value:expr),* $(,)?) => { $(pub const $name: u32 = $value;)* };
    (@nested [$($t:tt)*] ; $($rest:tt)*) => { settings_table!($($t)*) };
}

settings_table! { RETRIES => 3, TIMEOUT => 30, }

pub fn query(key: Option<&str>) -> u32 {
    let plan = sql! { SELECT * FROM settings WHERE key => $key ; @@ };
    plan.len() as u32 + key.unwrap().len() as u32
}

pub fn defaults(text: &str) -> Vec<u32> {
    vec![text.parse::<u32>().unwrap(); 3]
}
"#;

#[test]
fn macros_with_unusual_syntax_parse_and_their_arguments_are_read() {
    let mut repo = on_feature();
    repo.write("src/macros.rs", MACROS_RS);
    repo.commit_all(
        "Declare settings with a macro\n\nThe table grew past what a reader can check by eye.",
    );
    let report = json_in(repo.path(), &["main"]);
    assert_eq!(file_entry(&report, "src/macros.rs")["parsed"], true);
    let lines: Vec<_> = asked(&report)
        .into_iter()
        .filter(|(rule, _, _)| rule == "unhandled-failure")
        .map(|(_, _, line)| line)
        .collect();
    assert_eq!(
        lines,
        vec![
            Some(line_of(MACROS_RS, "key.unwrap()")),
            Some(line_of(MACROS_RS, "vec![text"))
        ],
        "the unwrap beside a custom DSL macro, and the one inside `vec![_; n]`: {report:#}"
    );
}

#[test]
fn cfg_test_file_is_test_code_and_counts_as_a_test() {
    let mut repo = on_feature();
    let settings = SETTINGS_RS.replace(
        "    text.trim().parse().unwrap_or(8080)\n",
        "    if text.is_empty() {\n        return 8080;\n    }\n    text.trim().parse().unwrap_or(8080)\n",
    );
    repo.write("src/settings.rs", &settings);
    // A whole file of test code, with the unwraps and branches tests are allowed.
    repo.write(
        "src/settings_tests.rs",
        "#![cfg(test)]\nuse super::settings::port;\n\nfn parsed(text: &str) -> u16 {\n    if text.is_empty() { return 0; }\n    text.parse().unwrap()\n}\n\n#[test]\nfn empty_port_is_the_default() {\n    assert_eq!(port(\"\"), 8080);\n    assert_eq!(parsed(\"1\"), 1);\n}\n",
    );
    repo.commit_all("Default the port when unset\n\nOperators leave it empty in compose files.");
    let report = json_in(repo.path(), &["main"]);
    assert!(
        prompts(&report).is_empty(),
        "nothing about the test file, and the branch is tested by it: {report:#}"
    );

    // Without the test file, the branch is asked about: the quiet above was the test.
    let mut bare = on_feature();
    bare.write("src/settings.rs", &settings);
    bare.commit_all("Default the port when unset\n\nOperators leave it empty in compose files.");
    let report = json_in(bare.path(), &["main"]);
    assert_eq!(
        rules_asked_about(&report, "src/settings.rs"),
        vec!["untested-branch"]
    );
}

// ─── Clones and checkouts ──────────────────────────────────────────────────────────────

#[test]
fn shallow_clone_with_the_base_missing_says_to_fetch() {
    let mut origin = on_feature();
    origin.write("src/loader.rs", LOADER_RS);
    origin.commit_all(LOADER_MSG);
    // The hosting side's HEAD is its default branch, as on a forge.
    origin.git(&["checkout", "-q", "main"]);
    let dir = tempfile::tempdir().expect("temp dir");
    let clone = dir.path().join("clone");
    let url = format!("file://{}", origin.path().display());
    origin.git(&[
        "clone",
        "-q",
        "--depth",
        "1",
        "--branch",
        "feature",
        &url,
        clone.to_str().expect("UTF-8 temp path"),
    ]);

    // The base branch was never fetched.
    let run = run_in(&clone, &["main"]);
    run.assert_diagnostic(&["main"]);
    assert!(run.stderr.contains("fetch"), "{run:?}");

    // The base branch is there, but not the history it shares with HEAD.
    git_in(
        &clone,
        &["fetch", "-q", "--depth", "1", "origin", "main:main"],
    );
    // A pull request checkout has no upstream; the default base is then `main`.
    git_in(&clone, &["branch", "-q", "--unset-upstream"]);
    for args in [&["main"][..], &[][..]] {
        let run = run_in(&clone, args);
        run.assert_diagnostic(&[]);
        assert!(run.stderr.contains("fetch"), "{args:?}: {run:?}");
    }
}

#[test]
fn worktrees_each_see_their_own_work_in_progress() {
    let mut repo = on_feature();
    repo.write("src/loader.rs", LOADER_RS);
    repo.commit_all(LOADER_MSG);
    let dir = tempfile::tempdir().expect("temp dir");
    let tree = dir.path().join("hotfix tree");
    repo.git(&[
        "worktree",
        "add",
        "-q",
        "-b",
        "hotfix",
        tree.to_str().expect("UTF-8 temp path"),
        "main",
    ]);
    std::fs::write(tree.join("src/reload.rs"), loader("reload_settings")).expect("write");
    repo.write("src/import.rs", &loader("import_settings"));

    let files = |report: &Value| -> Vec<Option<String>> {
        asked(report).into_iter().map(|(_, f, _)| f).collect()
    };
    let main_checkout = json_in(repo.path(), &[]);
    assert_eq!(
        files(&main_checkout),
        vec![Some("src/import.rs".into()), Some("src/loader.rs".into())],
        "not the worktree's file: {main_checkout:#}"
    );
    let worktree = json_in(&tree, &[]);
    assert_eq!(files(&worktree), vec![Some("src/reload.rs".into())]);
    assert_eq!(worktree["commits"].as_array().map(Vec::len), Some(0));
    // The worktree's history is the repository's: a range names the other branch.
    let range = json_in(&tree, &["main..feature"]);
    assert_eq!(files(&range), vec![Some("src/loader.rs".into())]);
}

#[test]
fn repository_path_with_spaces_and_non_ascii_characters() {
    let parent = tempfile::tempdir().expect("temp dir");
    let path = parent.path().join("mes projets/crème brûlée ü");
    std::fs::create_dir_all(&path).expect("mkdir");
    let mut repo = on_feature();
    repo.write("src/données utiles/chargeur élu.rs", LOADER_RS);
    repo.commit_all(LOADER_MSG);
    // Move the whole repository under the odd path.
    let moved = path.join("dépôt");
    std::fs::rename(repo.path(), &moved).expect("move the repository");

    let expected = unhandled_at("src/données utiles/chargeur élu.rs", LOADER_RS, "unwrap");
    let from_elsewhere = json_in(
        parent.path(),
        &["--repo", moved.to_str().expect("UTF-8 path"), "main"],
    );
    assert_eq!(asked(&from_elsewhere), expected);
    let inside = json_in(&moved.join("src/données utiles"), &[]);
    assert_eq!(asked(&inside), expected);
    let human = run_in(&moved, &["main"]);
    human.success();
    assert!(
        human
            .stdout
            .contains("── src/données utiles/chargeur élu.rs"),
        "{human:?}"
    );
    // TestRepo's temp dir is gone; put it back so its cleanup finds it.
    std::fs::rename(&moved, repo.path()).expect("move back");
}

// ─── Limits ────────────────────────────────────────────────────────────────────────────

#[test]
fn change_of_more_files_than_the_limit_reads_rust_files_first_and_notes_the_rest() {
    let mut repo = on_feature();
    // 5,003 changed files: 5,000 data files and three Rust files, which sort last.
    for index in 0..5_000 {
        repo.write(&format!("data/{index:04}.txt"), &format!("row {index}\n"));
    }
    repo.write("zz/src/loader.rs", LOADER_RS);
    repo.write("zz/src/reload.rs", &loader("reload_settings"));
    repo.write("zz/src/import.rs", &loader("import_settings"));
    repo.commit_all(LOADER_MSG);

    let report = json_in(repo.path(), &["main"]);
    let files: Vec<_> = asked(&report)
        .into_iter()
        .filter(|(rule, _, _)| rule == "unhandled-failure")
        .map(|(_, f, _)| f)
        .collect();
    assert_eq!(
        files,
        vec![
            Some("zz/src/import.rs".into()),
            Some("zz/src/loader.rs".into()),
            Some("zz/src/reload.rs".into())
        ],
        "the Rust files are read although they come last"
    );
    for path in ["data/4997.txt", "data/4998.txt", "data/4999.txt"] {
        assert_skipped(&report, path, "beyond the first 5000 changed files");
    }
    assert_eq!(file_entry(&report, "zz/src/loader.rs")["parsed"], true);
    let notes = report["notes"].as_array().expect("notes array");
    assert!(
        notes.iter().any(|n| n
            .as_str()
            .is_some_and(|n| n.starts_with("3 of 5003 changed files were not read"))),
        "{notes:?}"
    );

    let human = run_in(repo.path(), &["main"]);
    human.success();
    assert!(
        human
            .stdout
            .contains("Note: 3 of 5003 changed files were not read"),
        "{}",
        human
            .stdout
            .lines()
            .rev()
            .take(5)
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(
        human.stdout.contains("3 changed Rust files"),
        "data files are not counted as Rust files"
    );

    // Commit by commit, the one commit's diff is the report's: its limit is noted once.
    let run = run_in(
        repo.path(),
        &["--each-commit", "main..HEAD", "--format", "json"],
    );
    run.success();
    let commit: Value = serde_json::from_str(run.stdout.lines().next().unwrap_or_default())
        .expect("one JSON line per commit");
    let notes = commit["notes"].as_array().expect("notes array");
    assert_eq!(notes.len(), 1, "{notes:?}");
}

/// `count` functions, each with a new unwrap; the first `answered` answered in place.
fn many_unwraps(count: usize, answered: usize) -> String {
    (0..count)
        .map(|i| {
            let answer = if i < answered {
                "    // ponder: unhandled-failure: the caller validated the key\n"
            } else {
                ""
            };
            format!(
                "pub fn level_{i}(levels: &std::collections::HashMap<u32, u32>) -> u32 {{\n{answer}    *levels.get(&{i}).unwrap()\n}}\n\n"
            )
        })
        .collect()
}

#[test]
fn prompts_past_the_per_file_limit_are_counted_unanswered_first() {
    let mut repo = on_feature();
    repo.write("src/levels.rs", &many_unwraps(25, 10));
    repo.commit_all("Add level lookups\n\nThe report needs one per warehouse.");

    let report = json_in(repo.path(), &["main"]);
    let unhandled: Vec<&Value> = prompts(&report)
        .iter()
        .filter(|p| p["rule"] == "unhandled-failure")
        .collect();
    assert_eq!(unhandled.len(), 20, "{report:#}");
    let unanswered = unhandled.iter().filter(|p| p["answer"].is_null()).count();
    assert_eq!(unanswered, 15, "every unanswered prompt is shown");
    let notes = report["notes"].as_array().expect("notes array");
    assert_eq!(
        notes,
        &vec![Value::from(
            "src/levels.rs: 5 more `unhandled-failure` questions not shown (ponder shows at \
             most 20 per rule and file, unanswered ones first)"
        )]
    );
    let human = run_in(repo.path(), &["main"]);
    human.success();
    assert!(
        human
            .stdout
            .contains("Note: src/levels.rs: 5 more `unhandled-failure` questions"),
        "{human:?}"
    );

    // 25 unanswered: 20 shown, and the 5 left out still hold --require-answers.
    let mut repo = on_feature();
    repo.write("src/levels.rs", &many_unwraps(25, 0));
    repo.commit_all(
        "Add level lookups\n\nThe report needs one per warehouse.\n\n\
         Ponder-Answer: bulk-insertion: one line each, all read against the warehouse list",
    );
    let gate = run_in(repo.path(), &["main", "--require-answers"]);
    assert_eq!(gate.code, Some(1), "{gate:?}");
    // All answered: the gate opens although five answered prompts are not shown.
    repo.write("src/levels.rs", &many_unwraps(25, 25));
    repo.commit_all(
        "Answer the lookups\n\nReviewers asked because each key comes from the warehouse list.",
    );
    let gate = run_in(repo.path(), &["main", "--require-answers"]);
    assert_eq!(gate.code, Some(0), "{gate:?}");
}

// ─── Hostile content ───────────────────────────────────────────────────────────────────

/// A file outside every repository, that would be asked about if ponder read it.
const OUTSIDE_RS: &str = "pub fn leaked_secret(v: Option<u8>) -> u8 { v.unwrap() } // TOP-SECRET\n";

#[test]
fn skip_globs_cannot_reach_outside_the_repository() {
    let config = "skip = [\"../../**\", \"/etc/**\", \"/**\", \"**/../**\"]\n";
    let mut repo = on_feature_with(&[(".ponder.toml", config)]);
    repo.write("src/loader.rs", LOADER_RS);
    repo.commit_all(LOADER_MSG);
    let expected = unhandled_at("src/loader.rs", LOADER_RS, "unwrap");
    // Committed configuration (range) and the work tree's (no argument).
    assert_eq!(asked(&json_in(repo.path(), &["main"])), expected);
    assert_eq!(asked(&json_in(repo.path(), &[])), expected);
}

#[test]
fn invalid_or_huge_custom_patterns_are_clear_errors() {
    let long = "a".repeat(1_001);
    let cases = [
        ("(", "is not a valid regex"),
        (long.as_str(), "1001 characters long"),
        (r"\w{100}{100}", "compiles to more than 1048576 bytes"),
    ];
    for (pattern, message) in cases {
        let config =
            format!("[[custom]]\nid = \"hostile\"\npattern = '{pattern}'\nquestion = \"Why?\"\n");
        let mut repo = on_feature();
        repo.write(".ponder.toml", &config);
        repo.write("src/loader.rs", LOADER_RS);
        repo.commit_all(LOADER_MSG);
        let run = run_in(repo.path(), &["main"]);
        run.assert_diagnostic(&[message, ".ponder.toml"]);
    }
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_repository_are_never_followed() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().expect("temp dir");
    std::fs::write(outside.path().join("passwd.rs"), OUTSIDE_RS).expect("write");
    std::fs::create_dir(outside.path().join("dir")).expect("mkdir");
    std::fs::write(outside.path().join("dir/inner.rs"), OUTSIDE_RS).expect("write");

    let mut repo = on_feature_with(&[("src/tracked/inner.rs", SETTINGS_RS)]);
    // Committed: a symlink to a file outside.
    symlink(
        outside.path().join("passwd.rs"),
        repo.path().join("src/committed.rs"),
    )
    .expect("ln");
    repo.commit_all("Link the shared module\n\nBoth crates must read one copy.");
    // Work in progress: a file link, a directory link, and a tracked directory replaced
    // by a link to a directory outside.
    symlink(
        outside.path().join("passwd.rs"),
        repo.path().join("src/passwd.rs"),
    )
    .expect("ln");
    symlink(outside.path().join("dir"), repo.path().join("src/linked")).expect("ln");
    std::fs::remove_dir_all(repo.path().join("src/tracked")).expect("rm");
    std::fs::write(outside.path().join("dir/inner.rs"), OUTSIDE_RS).expect("write");
    symlink(outside.path().join("dir"), repo.path().join("src/tracked")).expect("ln");

    for args in [&["main"][..], &[][..]] {
        let report = json_in(repo.path(), args);
        assert!(prompts(&report).is_empty(), "{args:?}: {report:#}");
        assert_skipped(&report, "src/committed.rs", "symbolic link");
        let text = report.to_string();
        assert!(!text.contains("TOP-SECRET") && !text.contains("leaked_secret"));
        let human = run_in(repo.path(), args);
        human.success();
        assert!(!human.stdout.contains("TOP-SECRET"), "{human:?}");
    }
    let report = json_in(repo.path(), &[]);
    assert_skipped(&report, "src/passwd.rs", "symbolic link");
    assert_skipped(&report, "src/linked", "symbolic link");
    assert_skipped(&report, "src/tracked", "symbolic link");
}

#[cfg(unix)]
#[test]
fn symlinked_configuration_is_ignored() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().expect("temp dir");
    let quiet = outside.path().join("quiet.toml");
    std::fs::write(&quiet, "[rules.unhandled-failure]\nenabled = false\n").expect("write");

    let mut repo = on_feature();
    repo.write("src/loader.rs", LOADER_RS);
    symlink(&quiet, repo.path().join(".ponder.toml")).expect("ln");
    repo.commit_all(LOADER_MSG);
    let expected = unhandled_at("src/loader.rs", LOADER_RS, "unwrap");
    // In the work tree the link is not followed; in a range its blob (the target's path)
    // is not read as TOML.
    assert_eq!(asked(&json_in(repo.path(), &[])), expected);
    assert_eq!(asked(&json_in(repo.path(), &["main"])), expected);
    // Named explicitly, the same file is the user's choice and is read.
    let chosen = json_in(
        repo.path(),
        &["main", "--config", quiet.to_str().expect("UTF-8")],
    );
    assert!(prompts(&chosen).is_empty(), "{chosen:#}");
}

#[test]
fn hostile_strings_are_exact_in_json_and_inert_in_the_terminal() {
    let subject = "Fix \"quotes\" \\ back\u{2028}slash \r\u{202e}fdp.exe \x1b]8;;http://x\x07";
    let path = "src/odd \"name\"\t\u{202e}.rs";
    let mut repo = on_feature();
    // Large enough, with no body, for missing-rationale to show the subject.
    let more = STORE_RS
        .replace("level", "stock")
        .replace("shelf", "bin")
        .replace("aisle", "row");
    repo.write(path, &format!("{LOADER_RS}\n{STORE_RS}\n{more}"));
    repo.commit_all(subject);

    let run = run_in(repo.path(), &["main", "--format", "json"]);
    let report = run.json();
    assert_eq!(report["commits"][0]["subject"], subject);
    assert_eq!(report["prompts"][0]["file"], path);
    assert!(!run.stdout.contains('\x1b') && !run.stdout.contains('\r'));

    let human = run_in(repo.path(), &["main"]);
    human.success();
    let raw: Vec<char> = human
        .stdout
        .chars()
        .filter(|c| {
            (c.is_control() && !matches!(c, '\n' | '\t')) || matches!(c, '\u{202a}'..='\u{202e}')
        })
        .collect();
    assert!(raw.is_empty(), "raw {raw:?} in {human:?}");
    assert!(human.stdout.contains("Fix \"quotes\""), "{human:?}");
    assert!(human.stdout.contains("── src/odd \"name\""), "{human:?}");
}

// ─── Errors and damage ─────────────────────────────────────────────────────────────────

#[test]
fn branch_with_no_base_to_compare_with_is_a_diagnostic() {
    let mut repo = TestRepo::new();
    repo.git(&["checkout", "-q", "-b", "trunk"]);
    repo.write("src/loader.rs", LOADER_RS);
    // `main` was never born: `trunk` is the only branch.
    repo.commit_all(LOADER_MSG);
    let run = run_in(repo.path(), &[]);
    run.assert_diagnostic(&["could not tell which branch", "ponder A..B"]);
    // Naming the range is the way out the help gives.
    assert_eq!(
        asked(&json_in(repo.path(), &["--commit", "trunk"])).len(),
        1,
        "the named form works"
    );
}

/// Removes a loose object, as a damaged or partial clone lacks it.
fn remove_object(repo: &TestRepo, revision: &str) {
    let id = repo.git(&["rev-parse", revision]);
    let path = repo
        .path()
        .join(".git/objects")
        .join(&id[..2])
        .join(&id[2..]);
    std::fs::remove_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

#[test]
fn missing_file_content_is_listed_and_a_missing_tree_is_a_diagnostic() {
    let mut repo = on_feature();
    repo.write("src/loader.rs", LOADER_RS);
    repo.write("src/reload.rs", &loader("reload_settings"));
    repo.commit_all(LOADER_MSG);
    remove_object(&repo, "HEAD:src/reload.rs");

    let report = json_in(repo.path(), &["main"]);
    assert_skipped(&report, "src/reload.rs", "missing from this repository");
    let files: Vec<_> = asked(&report).into_iter().map(|(_, f, _)| f).collect();
    assert_eq!(files, vec![Some("src/loader.rs".to_string())]);

    remove_object(&repo, "HEAD^{tree}");
    run_in(repo.path(), &["main"]).assert_diagnostic(&["git failed", "git fsck"]);
}

#[cfg(unix)]
#[test]
fn nothing_from_the_repository_is_executed() {
    use std::os::unix::fs::PermissionsExt;
    let marker_dir = tempfile::tempdir().expect("temp dir");
    let marker = marker_dir.path().join("executed");
    let command = format!("touch '{}'", marker.display());
    let mut repo = on_feature();
    // A build script, a filter driver named by .gitattributes, and a filesystem monitor:
    // cargo or the git command would run each of them.
    repo.write(
        "build.rs",
        &format!("fn main() {{ std::process::Command::new(\"sh\").args([\"-c\", {command:?}]).status().unwrap(); }}\n"),
    );
    repo.write(".gitattributes", "*.rs filter=reformat\n");
    repo.write("src/loader.rs", LOADER_RS);
    repo.commit_all(LOADER_MSG);
    repo.git(&["config", "filter.reformat.clean", &command]);
    repo.git(&["config", "filter.reformat.smudge", &command]);
    repo.git(&["config", "core.fsmonitor", &command]);
    // Hooks git itself would run around checkouts and commits.
    for hook in [
        "post-checkout",
        "pre-commit",
        "post-index-change",
        "reference-transaction",
    ] {
        let path = repo.path().join(".git/hooks").join(hook);
        std::fs::write(&path, format!("#!/bin/sh\n{command}\n")).expect("write hook");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    repo.write("src/reload.rs", &loader("reload_settings"));

    for args in [&["main"][..], &[][..], &["--commit", "HEAD"][..]] {
        run_in(repo.path(), args).success();
    }
    assert!(!marker.exists(), "ponder ran something from the repository");
    // The same repository does run them under git: the test can see an execution.
    repo.git(&["add", "src/reload.rs"]);
    assert!(marker.exists(), "git ran the filter driver");
}

#[test]
fn configuration_that_is_not_utf8_is_a_diagnostic_in_every_form() {
    let mut repo = on_feature();
    repo.write_bytes(".ponder.toml", b"skip = [\"caf\xe9/**\"]\n");
    repo.write("src/loader.rs", LOADER_RS);
    repo.commit_all(LOADER_MSG);
    // Committed (a range) and in the work tree (no argument) alike.
    for args in [&["main"][..], &[][..]] {
        run_in(repo.path(), args).assert_diagnostic(&[".ponder.toml", "UTF-8"]);
    }
}

/// A 2015-edition module: `async` was an ordinary identifier then, which syn (2021
/// grammar) rejects, so the file as a whole does not parse.
const LEGACY_RS: &str = r#"//! Fetching, from before the 2018 edition.

/// Whether to fetch in the background: `async` was a plain word in 2015.
pub fn mode(async: bool) -> &'static str {
    if async {
        "background"
    } else {
        "foreground"
    }
}

pub fn retries() -> u32 {
    3
}
"#;

#[test]
fn a_syntax_error_in_an_untouched_item_does_not_stop_the_analysis() {
    let mut repo = on_feature_with(&[("src/legacy.rs", LEGACY_RS)]);
    let edited = LEGACY_RS.replace(
        "pub fn retries() -> u32 {\n    3\n}\n",
        "pub fn retries(path: &str) -> u32 {\n    let text = std::fs::read_to_string(path).unwrap();\n    if text.is_empty() {\n        return 3;\n    }\n    text.lines().count() as u32\n}\n",
    );
    repo.write("src/legacy.rs", &edited);
    repo.commit_all("Read the retry count from a file\n\nOperators tune it per site.");

    // Only `retries` is touched: it parses, so the file is analysed as code, with the
    // function named, though `mode` would make a whole-file parse fail.
    let report = json_in(repo.path(), &["main"]);
    assert_eq!(
        file_entry(&report, "src/legacy.rs")["parsed"],
        true,
        "{report:#}"
    );
    let about: Vec<(String, Option<String>)> = prompts(&report)
        .iter()
        .map(|p| {
            (
                p["rule"].as_str().unwrap_or_default().to_string(),
                p["function"].as_str().map(str::to_string),
            )
        })
        .collect();
    assert!(
        about.contains(&("unhandled-failure".to_string(), Some("retries".to_string())))
            && about.contains(&("untested-branch".to_string(), Some("retries".to_string()))),
        "{report:#}"
    );

    // Touching the 2015 item itself: now the parse fails, the file is reported as not
    // parsed, and the added unwrap is still asked about line by line.
    let broken_too = edited.replace("\"background\"", "\"in the background\"");
    repo.write("src/legacy.rs", &broken_too);
    repo.commit_all("Say where the fetch runs\n\nUsers misread the short label.");
    let report = json_in(repo.path(), &["main"]);
    let entry = file_entry(&report, "src/legacy.rs");
    assert_eq!(entry["parsed"], false, "{entry:#}");
    assert!(
        asked(&report).contains(
            &unhandled_at(
                "src/legacy.rs",
                &broken_too,
                "read_to_string(path).unwrap()"
            )[0]
        ),
        "{report:#}"
    );
}

// ─── Code nested deeper than ponder follows ─────────────────────────────────────────────

/// Ways to nest an expression or a type a level per byte or two: each is a short line
/// anyone can commit, and each overflowed the stack (and aborted ponder) at 3,000 levels.
fn deeply_nested(levels: usize) -> Vec<(&'static str, String)> {
    vec![
        (
            "parentheses",
            format!("{}0{}", "(".repeat(levels), ")".repeat(levels)),
        ),
        (
            "blocks",
            format!("{}0{}", "{".repeat(levels), "}".repeat(levels)),
        ),
        ("negations", format!("{}true", "!".repeat(levels))),
        ("closures", format!("{}0", "|| ".repeat(levels))),
        ("sums", format!("0{}", "+0".repeat(levels))),
        ("method calls", format!("0{}", ".f()".repeat(levels))),
        (
            "generics",
            format!("None::<{}u8{}>", "Vec<".repeat(levels), ">".repeat(levels)),
        ),
    ]
}

#[test]
fn deeply_nested_code_is_not_parsed_but_still_checked_line_by_line_in_every_mode() {
    for (name, nested) in deeply_nested(3_000) {
        let mut repo = TestRepo::new();
        repo.write("src/deep.rs", "pub fn quiet() {}\n");
        repo.commit_all("Start the module\n\nA place for the generated tables.");
        repo.git(&["checkout", "-q", "-b", "feature"]);
        let text = format!(
            "pub fn quiet() {{}}\n\npub fn deep(path: &str) -> String {{\n    let _ = {nested};\n    std::fs::read_to_string(path).unwrap()\n}}\n"
        );
        repo.write("src/deep.rs", &text);
        let head = repo.commit_all("Nest the table\n\nThe generator writes it this way.");
        let unwrap_line = line_of(&text, ".unwrap()");
        let asks_unwrap = |report: &Value| {
            asked(report).contains(&(
                "unhandled-failure".to_string(),
                Some("src/deep.rs".to_string()),
                Some(unwrap_line),
            ))
        };
        let range = json_in(repo.path(), &["main..feature"]);
        assert_skipped(&range, "src/deep.rs", "deeper than ponder follows");
        assert!(asks_unwrap(&range), "{name}: {range:#}");
        let commit = json_in(repo.path(), &["--commit", &head]);
        assert_skipped(&commit, "src/deep.rs", "deeper than ponder follows");
        // The work in progress: the same text uncommitted, in the no-argument form.
        repo.git(&["checkout", "-q", "main"]);
        repo.git(&["checkout", "-q", "-b", "work"]);
        repo.write("src/deep.rs", &text);
        let work = json_in(repo.path(), &[]);
        assert_skipped(&work, "src/deep.rs", "deeper than ponder follows");
        assert!(asks_unwrap(&work), "{name}: {work:#}");
        let each = run_in(
            repo.path(),
            &["--each-commit", "main..feature", "--format", "json"],
        );
        assert_eq!(each.code, Some(0), "{name}: {each:?}");
        assert!(
            each.stdout.contains("deeper than ponder follows"),
            "{name}: {each:?}"
        );
    }
}

// ─── Attributes never hide code ─────────────────────────────────────────────────────────

#[test]
fn gitattributes_never_make_rust_files_binary() {
    let text =
        "pub fn load(path: &str) -> String {\n    std::fs::read_to_string(path).unwrap()\n}\n";
    let unwrap_line = line_of(text, ".unwrap()");
    // Where git reads attributes from, and what each case writes there.
    let sources = [
        "committed",
        "untracked in the work tree",
        ".git/info/attributes",
        "core.attributesFile",
    ];
    for source in sources {
        for attribute in ["*.rs -diff", "*.rs binary"] {
            let mut repo = TestRepo::new();
            repo.write("src/lib.rs", "pub fn start() {}\n");
            if source == "committed" {
                repo.write(".gitattributes", &format!("{attribute}\n"));
            }
            repo.commit_all("Start the library\n\nA place for the loaders.");
            repo.git(&["checkout", "-q", "-b", "feature"]);
            repo.write("src/lib.rs", text);
            let head = repo.commit_all("Load the table\n\nThe importer needs it read.");
            match source {
                "untracked in the work tree" => {
                    repo.write(".gitattributes", &format!("{attribute}\n"))
                }
                ".git/info/attributes" => {
                    repo.write(".git/info/attributes", &format!("{attribute}\n"))
                }
                "core.attributesFile" => {
                    // Outside the work tree, where a user's global attributes file is.
                    repo.write(".git/user-attributes", &format!("{attribute}\n"));
                    let file = repo.path().join(".git/user-attributes");
                    let file = file.to_str().expect("a UTF-8 temp path");
                    repo.git(&["config", "core.attributesFile", file]);
                }
                _ => {}
            }
            let case = format!("{attribute} {source}");
            let asks = |report: &Value| {
                assert_eq!(
                    file_entry(report, "src/lib.rs")["parsed"],
                    true,
                    "{case}: {report:#}"
                );
                assert!(
                    asked(report).contains(&(
                        "unhandled-failure".to_string(),
                        Some("src/lib.rs".to_string()),
                        Some(unwrap_line)
                    )),
                    "{case}: {report:#}"
                );
            };
            asks(&json_in(repo.path(), &["main..feature"]));
            asks(&json_in(repo.path(), &["--commit", &head]));
            // The same code uncommitted: the no-argument form reads the work tree.
            repo.git(&["reset", "-q", "--soft", "main"]);
            asks(&json_in(repo.path(), &[]));
            let gate = run_in(repo.path(), &["--require-answers"]);
            assert_eq!(gate.code, Some(1), "{case}: {gate:?}");
        }
    }
}

// ─── The gate fails closed on what was not read ─────────────────────────────────────────

#[test]
fn require_answers_fails_on_rust_files_that_could_not_be_read() {
    const WHY: &str =
        "Add the reload path\n\nOperators asked to reload settings without a restart.";
    // What was not read, how it was made unreadable, and what the message must advise.
    type Unreadable = fn(&mut TestRepo) -> &'static str;
    let cases: [(&str, Unreadable, &[&str]); 3] = [
        (
            "content missing",
            |repo| {
                repo.write("src/reload.rs", "pub fn reload() {}\n");
                repo.commit_all(WHY);
                remove_object(repo, "HEAD:src/reload.rs");
                "src/reload.rs"
            },
            &[
                "missing from this repository",
                "git fetch --refetch --no-filter",
            ],
        ),
        (
            "over the size limit",
            |repo| {
                repo.write("src/huge.rs", &"pub const A: u8 = 1;\n".repeat(220_000));
                repo.commit_all(WHY);
                "src/huge.rs"
            },
            &["larger than 4 MiB", "skip"],
        ),
        (
            "over the line limit",
            |repo| {
                repo.write("src/table.rs", &constant_table(60_000));
                repo.commit_all(WHY);
                "src/table.rs"
            },
            &["more than 50000 lines", "skip"],
        ),
    ];
    for (case, make_unreadable, advice) in cases {
        let mut repo = on_feature();
        repo.write("src/quiet.rs", "pub fn quiet() {}\n");
        let path = make_unreadable(&mut repo);
        let report = json_in(repo.path(), &["main"]);
        assert_eq!(
            file_entry(&report, path)["parsed"],
            false,
            "{case}: {report:#}"
        );
        assert!(
            asked(&report).is_empty(),
            "{case}: nothing else to ask: {report:#}"
        );
        for args in [
            vec!["main", "--require-answers"],
            vec!["--each-commit", "main..feature", "--require-answers"],
        ] {
            let gate = run_in(repo.path(), &args);
            assert_eq!(gate.code, Some(1), "{case} {args:?}: {gate:?}");
            assert!(
                gate.stderr.contains("could not be read") && gate.stderr.contains(path),
                "{case} {args:?}: {gate:?}"
            );
            for needle in advice {
                assert!(
                    gate.stderr.contains(needle),
                    "{case}: {needle:?} in {gate:?}"
                );
            }
        }
        // Without the gate the file is listed, as before, and the run succeeds.
        run_in(repo.path(), &["main"]).success();
    }
}

// ─── Line breaks in repository text ─────────────────────────────────────────────────────

#[test]
fn a_line_break_in_a_path_or_subject_never_starts_a_line_in_any_format() {
    let mut repo = on_feature();
    let evil_path = "src/evil\n::error file=x::injected\u{2028}::error::again.rs";
    repo.write(evil_path, LOADER_RS);
    repo.write("src/other.rs", LOADER_RS);
    repo.commit_all("Add loaders\r::error::injected-subject\n\nThe importer needs both read.");
    for format in ["human", "markdown", "sarif", "github", "rdjson", "json"] {
        let run = run_in(repo.path(), &["main", "--format", format]);
        assert_eq!(run.code, Some(0), "{format}: {run:?}");
        assert!(
            run.stdout.contains("injected"),
            "{format}: the path is shown: {run:?}"
        );
        // The JSON formats keep paths exact for the tools that read them; JSON escapes
        // CR and LF, and U+2028 is not a line break to a JSON reader.
        let breaks: &[char] = if matches!(format, "sarif" | "rdjson" | "json") {
            &['\n', '\r']
        } else {
            &['\n', '\r', '\u{2028}', '\u{2029}', '\u{85}']
        };
        for line in run.stdout.split(breaks) {
            let line = line.trim_start();
            assert!(
                !line.starts_with("::error file=x") && !line.starts_with("::error::"),
                "{format}: a line of repository text starts a workflow command: {line:?}\n{run:?}"
            );
        }
    }
    let run = run_in(repo.path(), &["--each-commit", "main..feature"]);
    for line in run.stdout.split(['\n', '\r', '\u{2028}']) {
        assert!(
            !line.trim_start().starts_with("::error"),
            "each-commit: {line:?}"
        );
    }
}
