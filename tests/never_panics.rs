//! Property tests: whatever the analysed repository holds, `ponder::analyze` returns a
//! report, and both output formats render it without echoing control characters raw.
//!
//! Each case builds a real repository in a temp dir with git2 (in-process, so hundreds of
//! cases run in seconds): a base commit, one to three commits of generated file contents
//! and commit messages, and work in progress on top, then runs the range form, the
//! `--commit` form and the no-argument form on it, with every rule on (those that ship off
//! too). File contents (a `Cargo.toml` among the paths) are arbitrary bytes,
//! near-Rust token soup, real Rust cut off and spliced at arbitrary points, or real Rust
//! with constructs nested far deeper than any stack holds.
//!
//! CI runs a bounded number of cases (32 per property); run longer locally with
//! `PROPTEST_CASES=5000 cargo test --test never_panics`.

use std::path::Path;

use git2::{Oid, Repository, Signature, Time};
use proptest::prelude::*;
use proptest::test_runner::Config;

use ponder::report::{render, Format, Style};
use ponder::{analyze, RangeSpec, Report, Request};

fn config(default_cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_cases);
    Config {
        cases,
        ..Config::default()
    }
}

// ─── What a file can hold ───────────────────────────────────────────────────────────────

/// Real Rust of the kinds the rules read: failure, handling, branches, tests, macros,
/// answers. Cut and spliced, it becomes every shape of broken Rust.
const REAL_RUST: &str = r#"//! Inventory levels.
use std::collections::HashMap;
use std::fs;

/// Reads the level table.
pub fn load(path: &str) -> HashMap<String, u32> {
    let text = fs::read_to_string(path).unwrap();
    let mut levels = HashMap::new();
    for line in text.lines() {
        let Some((sku, level)) = line.split_once('=') else {
            continue;
        };
        // ponder: unhandled-failure: the file is written by our own exporter
        levels.insert(sku.to_string(), level.trim().parse().expect("a number"));
    }
    levels
}

impl Store {
    pub fn level(&self, sku: &str) -> Result<u32, Error> {
        match self.levels.get(sku) {
            Some(level) if *level > 0 => Ok(*level),
            Some(_) => Err(Error::Empty),
            None => return Err(Error::Unknown(sku.into())),
        }
    }

    fn shelf(&self, index: usize) -> u32 {
        if index >= self.shelves.len() { panic!("no shelf {index}"); }
        self.shelves[index] + vec![0u32; 4][index % 4]
    }
}

macro_rules! table {
    ($($name:ident => $value:expr),* $(,)?) => { $(pub const $name: u32 = $value;)* };
}
table! { A => 1, B => 2 }

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn loads() { assert_eq!(load("x").len(), 0); }
}
"#;

const TOKENS: &[&str] = &[
    "fn",
    "pub",
    "let",
    "mut",
    "if",
    "else",
    "match",
    "=>",
    "return",
    "loop",
    "while",
    "for",
    "in",
    "impl",
    "struct",
    "enum",
    "mod",
    "use",
    "::",
    ";",
    ",",
    ".",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    "<",
    ">",
    "&",
    "'a",
    "?",
    "!",
    "#",
    "#![cfg(test)]",
    "#[test]",
    "#[cfg(test)]",
    "unwrap()",
    "expect(\"x\")",
    "panic!",
    "todo!()",
    "unreachable!()",
    "Ok",
    "Err",
    "None",
    "Some",
    "Result<u32, E>",
    "Option<u8>",
    "self",
    "Self",
    "x",
    "y_1",
    "é",
    "r#try",
    "\"str\"",
    "'c'",
    "b'\\0'",
    "r#\"raw\"#",
    "0x1f",
    "1_000",
    "1e9",
    "//",
    "/*",
    "*/",
    "/// doc",
    "// ponder: unhandled-failure: checked above",
    "macro_rules!",
    "$x:expr",
    "$($t:tt)*",
    "async",
    "await",
    "move",
    "|x|",
    "dyn",
    "where",
    "'static",
    "\u{feff}",
    "\r\n",
    "\n",
    "\t",
    "\u{202e}",
    "\x1b[31m",
    "\0",
];

fn token_soup() -> impl Strategy<Value = Vec<u8>> {
    let separator = prop::sample::select(vec!["", " ", "\n", "\n    "]);
    prop::collection::vec((prop::sample::select(TOKENS), separator), 0..300).prop_map(|parts| {
        parts
            .into_iter()
            .flat_map(|(token, separator)| [token, separator])
            .collect::<String>()
            .into_bytes()
    })
}

/// `REAL_RUST` cut at an arbitrary byte (possibly inside a character), with an arbitrary
/// token or byte run spliced in somewhere.
fn truncated_rust() -> impl Strategy<Value = Vec<u8>> {
    let length = REAL_RUST.len();
    (
        0..=length,
        0..=length,
        prop::sample::select(TOKENS),
        prop::collection::vec(any::<u8>(), 0..4),
    )
        .prop_map(|(cut, splice_at, token, noise)| {
            let mut bytes = REAL_RUST.as_bytes()[..cut].to_vec();
            let at = splice_at.min(bytes.len());
            let insert: Vec<u8> = token.bytes().chain(noise).collect();
            bytes.splice(at..at, insert);
            bytes
        })
}

/// Openers and closers that nest a syntax tree one level each (an empty closer: the
/// construct nests without one).
const NESTING: &[(&str, &str)] = &[
    ("(", ")"),
    ("{", "}"),
    ("[", "]"),
    ("!", ""),
    ("-", ""),
    ("&", ""),
    ("*", ""),
    ("|| ", ""),
    ("move || ", ""),
    ("return ", ""),
    ("if a { ", " } else { b }"),
    ("x + ", ""),
    ("x = ", ""),
    ("Vec<", ">"),
    ("HashMap<u8, ", ">"),
    ("fn() -> ", ""),
    ("mod m { ", " }"),
    ("", ".f()"),
    ("", ".0"),
    ("", "?"),
    ("", " as u8"),
    ("", " else if a {}"),
];

/// `REAL_RUST` with a run of nested constructs (mixed, from a few levels to far more
/// than any stack holds) spliced in at an arbitrary point, closed or left open.
fn deeply_nested() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::collection::vec((prop::sample::select(NESTING), 1usize..2_000), 1..4),
        0..=REAL_RUST.len(),
        any::<bool>(),
    )
        .prop_map(|(runs, splice_at, closed)| {
            let (mut open, mut close) = (String::new(), String::new());
            for ((opener, closer), levels) in runs {
                open.push_str(&opener.repeat(levels));
                close.insert_str(0, &closer.repeat(levels));
            }
            let nested = if closed { open + "x" + &close } else { open };
            let mut bytes = REAL_RUST.as_bytes().to_vec();
            let at = (0..=splice_at.min(bytes.len()))
                .rev()
                .find(|&at| REAL_RUST.is_char_boundary(at))
                .unwrap_or(0);
            bytes.splice(at..at, nested.into_bytes());
            bytes
        })
}

fn content() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        deeply_nested(),
        prop::collection::vec(any::<u8>(), 0..2000),
        token_soup(),
        truncated_rust(),
        any::<String>().prop_map(String::into_bytes),
        Just(REAL_RUST.as_bytes().to_vec()),
    ]
}

/// Where generated files go: production, test and generated paths, odd characters.
const PATHS: &[&str] = &[
    "src/lib.rs",
    "src/store.rs",
    "src/deep/nested/mod.rs",
    "tests/levels.rs",
    "src/generated/table.rs",
    "src/ünï côde.rs",
    "build.rs",
    "README.md",
    "Cargo.toml",
];

/// Any text git will store as a message (libgit2 takes no NUL in one).
fn message() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-z ]{0,20}(\n\n[a-zA-Z .,]{0,80})?",
        "(wip|fix|update|refactor)\n\nPonder-Answer: missing-rationale: [a-z ]{0,30}",
        Just("Colour \x1b[31mred\x1b[0m\r\u{202e}txt.exe\x07".to_string()),
    ]
    .prop_map(|m| m.replace('\0', ""))
}

/// A file to write: an index into `PATHS`, and its bytes.
type FileWrite = (usize, Vec<u8>);

/// One commit: the files it writes and its message.
type CommitPlan = (Vec<FileWrite>, String);

fn commit() -> impl Strategy<Value = CommitPlan> {
    (
        prop::collection::vec((0..PATHS.len(), content()), 1..4),
        message(),
    )
}

// ─── Building the repository ────────────────────────────────────────────────────────────

struct Built {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    base: Oid,
    head: Oid,
}

fn signature(seconds: i64) -> Signature<'static> {
    Signature::new("Fuzz Author", "fuzz@example.com", &Time::new(seconds, 0))
        .unwrap_or_else(|e| panic!("signature: {e}"))
}

/// Commits `files` written over `parent`'s tree (or over nothing), as a detached commit.
fn commit_files(
    repo: &Repository,
    parent: Option<Oid>,
    files: &[FileWrite],
    message: &str,
    seconds: i64,
) -> Oid {
    let mut index = repo.index().expect("index");
    if let Some(parent) = parent {
        let tree = repo
            .find_commit(parent)
            .and_then(|c| c.tree())
            .expect("tree");
        index.read_tree(&tree).expect("read tree");
    } else {
        index.clear().expect("clear");
    }
    for (path, bytes) in files {
        let path = PATHS[*path];
        let entry = git2::IndexEntry {
            ctime: git2::IndexTime::new(0, 0),
            mtime: git2::IndexTime::new(0, 0),
            dev: 0,
            ino: 0,
            mode: 0o100644,
            uid: 0,
            gid: 0,
            file_size: bytes.len() as u32,
            id: Oid::ZERO_SHA1,
            flags: 0,
            flags_extended: 0,
            path: path.as_bytes().to_vec(),
        };
        index.add_frombuffer(&entry, bytes).expect("add blob");
    }
    let tree_id = index.write_tree().expect("write tree");
    let tree = repo.find_tree(tree_id).expect("tree");
    let parents: Vec<git2::Commit<'_>> = parent
        .map(|id| repo.find_commit(id).expect("parent"))
        .into_iter()
        .collect();
    let parent_refs: Vec<&git2::Commit<'_>> = parents.iter().collect();
    let sig = signature(1_700_000_000 + seconds);
    repo.commit(None, &sig, &sig, message, &tree, &parent_refs)
        .expect("commit")
}

fn build(base_files: &[FileWrite], commits: &[CommitPlan], work: &[FileWrite]) -> Built {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().to_path_buf();
    let repo = Repository::init(&path).expect("init");
    let base = commit_files(&repo, None, base_files, "Start the inventory", 0);
    repo.reference("refs/heads/main", base, true, "base")
        .expect("main");
    let mut head = base;
    for (offset, (files, message)) in commits.iter().enumerate() {
        head = commit_files(&repo, Some(head), files, message, offset as i64 + 1);
    }
    repo.reference("refs/heads/feature", head, true, "head")
        .expect("feature");
    repo.set_head("refs/heads/feature").expect("set head");
    repo.checkout_head(Some(git2::build::CheckoutBuilder::new().force()))
        .expect("checkout");
    for (which, bytes) in work {
        let full = path.join(PATHS[*which]);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(full, bytes).expect("write");
    }
    Built {
        _dir: dir,
        path,
        base,
        head,
    }
}

// ─── What every run must satisfy ────────────────────────────────────────────────────────

fn check_report(report: &Report) -> Result<(), TestCaseError> {
    for prompt in &report.prompts {
        if prompt.file.is_some() {
            prop_assert!(prompt.line.is_some_and(|l| l >= 1), "{prompt:?}");
        }
    }
    let style = Style {
        color: false,
        width: 100,
        quiet: false,
    };
    let human = render(report, Format::Human, style);
    let raw = human
        .chars()
        .find(|c| (c.is_control() && !matches!(c, '\n' | '\t')) || *c == '\u{202e}');
    prop_assert!(raw.is_none(), "raw {raw:?} in the human report:\n{human}");
    let json = render(report, Format::Json, style);
    let value: serde_json::Value =
        serde_json::from_str(&json).map_err(|e| TestCaseError::fail(format!("{e}: {json}")))?;
    prop_assert_eq!(&value["version"], 1);
    Ok(())
}

/// A configuration that turns on every rule that ships off, so that they meet the same
/// inputs as the others. It lives in `.git`, outside what the repository holds.
fn every_rule_on(path: &Path) -> std::path::PathBuf {
    let text: String = ponder::rules::registry()
        .iter()
        .map(|rule| rule.definition())
        .filter(|definition| !definition.enabled)
        .map(|definition| format!("[rules.{}]\nenabled = true\n", definition.id))
        .collect();
    let config = path.join(".git").join("every-rule-on.toml");
    std::fs::write(&config, text).expect("write the configuration");
    config
}

fn analyze_ok(path: &Path, range: RangeSpec) -> Result<(), TestCaseError> {
    let request = Request {
        repo: path.to_path_buf(),
        git_env: false,
        range: range.clone(),
        config: Some(every_rule_on(path)),
        coverage: None,
        description: None,
    };
    match analyze(&request) {
        Ok(report) => check_report(&report),
        Err(error) => Err(TestCaseError::fail(format!("{range:?}: {error:?}"))),
    }
}

proptest! {
    #![proptest_config(config(32))]

    #[test]
    fn any_repository_content_is_analysed(
        base in prop::collection::vec((0..PATHS.len(), content()), 1..4),
        commits in prop::collection::vec(commit(), 1..4),
        work in prop::collection::vec((0..PATHS.len(), content()), 0..3),
    ) {
        let built = build(&base, &commits, &work);
        analyze_ok(&built.path, RangeSpec::Between(built.base.to_string(), built.head.to_string()))?;
        analyze_ok(&built.path, RangeSpec::Commit(built.head.to_string()))?;
        analyze_ok(&built.path, RangeSpec::Default)?;
    }
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn parser_takes_any_text(text in prop_oneof![
        any::<String>(),
        token_soup().prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        truncated_rust().prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        deeply_nested().prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ]) {
        let parsed = ponder::syntax::parse(&text);
        // Lines the model reports exist in the text (or are the line after its end).
        let lines = text.split('\n').count() as u32 + 1;
        for function in &parsed.functions {
            prop_assert!(function.start_line >= 1 && function.start_line <= function.end_line);
            prop_assert!(function.end_line <= lines, "{} > {lines}", function.end_line);
        }
        if let Some((line, _)) = &parsed.parse_error {
            prop_assert!(*line <= lines);
        }
    }
}

const OWN_SOURCES: &[&str] = &[
    include_str!("../src/syntax/sites.rs"),
    include_str!("../src/syntax/focus.rs"),
    include_str!("../src/rules/bulk_insertion.rs"),
    include_str!("../src/git/diff.rs"),
    include_str!("../src/report/markdown/mod.rs"),
];

/// The functions of a parse that contain one of `lines`, as what rules read of them.
fn touching(
    parsed: &ponder::syntax::ParsedFile,
    lines: &std::collections::BTreeSet<u32>,
) -> Vec<String> {
    parsed
        .functions
        .iter()
        .filter(|f| lines.range(f.start_line..=f.end_line).next().is_some())
        .map(|f| {
            format!(
                "{:?} {}..{} test={} {:?} {:?} {:?} {:?}",
                f.qualified_name(),
                f.start_line,
                f.end_line,
                f.is_test,
                f.modules,
                f.sites,
                f.identifiers,
                f.shape
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(config(512))]

    /// Parsing around some lines never panics, and wherever the whole file parses, it
    /// finds exactly the functions (with their sites, names and lines) that the whole
    /// parse finds around those lines: blanking the other items changes nothing the
    /// rules read.
    #[test]
    fn a_focused_parse_agrees_with_the_whole_parse_around_its_lines(
        text in prop_oneof![
            2 => truncated_rust().prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
            1 => token_soup().prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
            1 => deeply_nested().prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
            // ponder's own larger files: impls, traits, nested and test modules, macros.
            3 => prop::sample::select(OWN_SOURCES.to_vec()).prop_map(str::to_string),
        ],
        lines in prop::collection::btree_set(1u32..700, 0..6),
    ) {
        let focused = ponder::syntax::parse_touched(&text, &lines);
        let whole = ponder::syntax::parse(&text);
        if whole.parse_error.is_none() {
            prop_assert!(focused.parse_error.is_none());
            prop_assert_eq!(focused.file_is_test, whole.file_is_test);
            prop_assert_eq!(touching(&focused, &lines), touching(&whole, &lines));
        }
    }
}
