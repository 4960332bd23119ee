//! The machine formats (`--format sarif`, `github`, `rdjson`), fingerprints and stale
//! answers, end to end: each test builds a real git repository, runs the built binary and
//! reads its output with the parser its consumer would use — a JSON Schema validator with
//! the official SARIF 2.1.0 schema, a model of the GitHub Actions runner's command parser,
//! serde_json for reviewdog's rdjson.
//!
//! The repositories carry hostile text on purpose: commit subjects with workflow commands
//! (`::error::`), encoded newlines (`%0A`), team mentions, HTML, `</details>` and terminal
//! escapes; a file path with a comma and a colon; a string literal that looks like a
//! command. None of it may change what a consumer reads as structure.
//!
//! `tests/sarif-schema-2.1.0.json` is the OASIS SARIF 2.1.0 schema (`$id`
//! `https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json`)
//! as shipped in the `serde-sarif` 0.8.0 crate on crates.io (`src/schema.json`, SHA-256
//! af47e7b67f24efe74076621fd3a5fbe7398add9e84fe820c971219a385895cea), unmodified.

mod common;

use std::path::Path;

use common::{json_in, ponder, prompts, run_in, strings, Run, TestRepo};
use serde_json::Value;

// ─── Running the binary ─────────────────────────────────────────────────────────────────

/// `ponder ARGS` in `dir`: it must succeed with nothing on stderr and UTF-8 on stdout.
fn run(dir: &Path, args: &[&str]) -> Run {
    let run = run_in(dir, args);
    run.success().utf8_stdout();
    run
}

fn prompt_in<'a>(report: &'a Value, rule: &str, function: &str) -> &'a Value {
    prompts(report)
        .iter()
        .find(|p| p["rule"] == rule && p["function"] == function)
        .unwrap_or_else(|| panic!("no {rule} prompt in {function}: {report:#}"))
}

/// A JSON string as the other formats show it: on one line (every kind of line break and
/// tabs become spaces, so that a path or subject cannot start a line of its own), other
/// control characters (terminal escapes) and bidirectional overrides replaced with U+FFFD.
fn visible(text: &Value) -> String {
    text.as_str()
        .expect("a string")
        .chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' | '\u{0b}' | '\u{0c}' | '\u{85}' | '\u{2028}' | '\u{2029}' => ' ',
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => '\u{fffd}',
            c if c.is_control() => '\u{fffd}',
            c => c,
        })
        .collect()
}

// ─── The repository under review ────────────────────────────────────────────────────────

/// A subject a hostile or careless contributor might write: workflow commands, an encoded
/// newline, a team mention, HTML that closes a `<details>`, and terminal colour escapes.
const HOSTILE_SUBJECT: &str = "Update ::error::pwned %0A::set-output name=x::y @org/team </details> <b>bold</b> \u{1b}[31mred\u{1b}[0m";

/// A path with a comma and a colon, which end a property in a workflow command.
const HOSTILE_PATH: &str = "src/we,ird:name.rs";

/// A path with a real line feed and carriage return, each followed by a workflow command.
const NEWLINE_PATH: &str = "src/line\n::error::pwned\r::warning::x.rs";

/// A path that would mention a team, open HTML and make a link in a markdown comment.
const MARKUP_PATH: &str = "src/@org/<details>[x](y)_#.rs";

const STORE_BASE: &str = "pub fn noop() {}\n";

/// Four functions: an answered unwrap, an unanswered `expect` whose message is a workflow
/// command, an answer comment next to code that no longer asks anything, and one whose
/// rule id is misspelt.
const STORE: &str = r#"use std::collections::HashMap;

pub fn noop() {}

pub fn price_of(prices: &HashMap<String, u32>, sku: &str) -> u32 {
    // ponder: unhandled-failure: callers only pass SKUs read from this same map
    *prices.get(sku).unwrap()
}

pub fn banner() -> String {
    std::env::var("BANNER").expect("::error::pwned%0A::set-output name=x::y\n::add-mask::x")
}

pub fn total(counts: &[u32]) -> u32 {
    // ponder: unhandled-failure: this sum used to index the slice directly
    counts.iter().sum()
}

pub fn spelled(counts: &[u32]) -> u32 {
    // ponder: unhandled-failur: a misspelt rule id never answers anything
    counts.len() as u32
}
"#;

/// Its `expect` message holds a real terminal escape (ESC), not the text `\x1b`.
const WEIRD: &str =
    "pub fn first(bytes: &[u8]) -> u8 {\n    *bytes.first().expect(\"\u{1b}[31mempty\")\n}\n";

/// Test code whose string literal holds an answer comment: data, not an answer.
const SNIPPETS: &str = r##"const SNIPPET: &str = r#"
fn f() {
    let x = v[i]; // ponder: unhandled-failure: inside a string literal, not a comment
}
"#;

#[test]
fn snippet_is_text() {
    assert!(SNIPPET.contains("ponder"));
}
"##;

const LIMITS: &str = r#"pub fn clamp_items(value: usize) -> usize {
    if value > 500 {
        return 500;
    }
    value
}
"#;

const ANSWERED_TRAILER: &str = "squashed into one commit before merging, see the PR";

struct Review {
    repo: TestRepo,
    hostile_commit: String,
    trailer_commit: String,
}

/// `main` with one file; `feature` with two commits: one with the hostile subject and no
/// body, then a "wip" whose missing rationale is answered by a trailer.
fn review_repo() -> Review {
    let mut repo = TestRepo::new();
    repo.write("src/store.rs", STORE_BASE);
    repo.commit_all("Start the store\n\nThe shop needs a place for its prices.");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("src/store.rs", STORE);
    repo.write(HOSTILE_PATH, WEIRD);
    repo.write(
        NEWLINE_PATH,
        "pub fn third(bytes: &[u8]) -> u8 {\n    *bytes.get(2).unwrap()\n}\n",
    );
    repo.write(
        MARKUP_PATH,
        "pub fn last(bytes: &[u8]) -> u8 {\n    *bytes.last().unwrap()\n}\n",
    );
    repo.write("tests/snippets.rs", SNIPPETS);
    let hostile_commit = repo.commit_all(HOSTILE_SUBJECT);
    repo.write("src/limits.rs", LIMITS);
    let trailer_commit = repo.commit_all(&format!(
        "wip\n\nPonder-Answer: missing-rationale: {ANSWERED_TRAILER}"
    ));
    Review {
        repo,
        hostile_commit,
        trailer_commit,
    }
}

// ─── SARIF ──────────────────────────────────────────────────────────────────────────────

/// A path as a relative URI reference: bytes other than unreserved ones and `/` as `%XX`.
fn percent_encoded(path: &str) -> String {
    path.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn sarif_schema() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(path).expect("the vendored schema");
    let mut schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    // The schema's `language` patterns have a stray `]`, a literal in ECMAScript regexes
    // (Annex B) that the validator's check of the schema against the draft-07 meta-schema
    // rejects. Escaping it keeps the same language and lets the schema compile; the file on
    // disk stays as published.
    let escaped = escape_stray_bracket(&mut schema);
    assert_eq!(escaped, 2, "the published schema has two such patterns");
    jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles")
}

fn escape_stray_bracket(schema: &mut Value) -> usize {
    const PATTERN: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    match schema {
        Value::Object(map) => map
            .iter_mut()
            .map(|(key, value)| {
                if key == "pattern" && value == PATTERN {
                    *value = Value::from(PATTERN.replace("}]?", "}\\]?"));
                    1
                } else {
                    escape_stray_bracket(value)
                }
            })
            .sum(),
        Value::Array(items) => items.iter_mut().map(escape_stray_bracket).sum(),
        _ => 0,
    }
}

fn assert_valid_sarif(log: &Value) {
    let validator = sarif_schema();
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "not valid SARIF 2.1.0: {errors:#?}\n{log:#}"
    );
}

#[test]
fn sarif_is_valid_and_carries_every_prompt() {
    let review = review_repo();
    let dir = review.repo.path();
    let report = json_in(dir, &["main"]);
    let output = run(dir, &["main", "--format", "sarif"]);
    let log: Value = serde_json::from_str(&output.stdout).expect("SARIF is JSON");
    assert_valid_sarif(&log);

    assert_eq!(log["version"], "2.1.0");
    let runs = log["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "ponder");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);

    // Every built-in rule, with its title, summary and explanation.
    let rules = driver["rules"].as_array().expect("rules");
    assert_eq!(strings(driver, "rules", "id"), built_in_rule_ids());
    let unhandled = &rules[0];
    assert_eq!(unhandled["name"], "UnhandledFailure");
    assert_eq!(unhandled["shortDescription"]["text"], "Unhandled failure");
    assert!(unhandled["fullDescription"]["text"]
        .as_str()
        .expect("summary")
        .starts_with("Production code gains an operation"));
    let help = unhandled["help"]["text"].as_str().expect("help text");
    assert!(help.contains("How to answer") && help.contains("// ponder: unhandled-failure:"));
    assert_eq!(unhandled["defaultConfiguration"]["level"], "note");

    // One result per prompt, in the same order, pointing at its rule.
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), prompts(&report).len(), "{log:#}");
    assert!(results.len() >= 5, "{report:#}");
    for (result, prompt) in results.iter().zip(prompts(&report)) {
        assert_eq!(result["ruleId"], prompt["rule"]);
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], prompt["rule"]);
        assert_eq!(result["level"], "note");
        assert_eq!(
            result["partialFingerprints"]["ponder/v1"],
            prompt["fingerprint"]
        );
        assert_eq!(
            result["partialFingerprints"]["primaryLocationLineHash"],
            prompt["fingerprint"]
        );
        let message = result["message"]["text"].as_str().expect("message");
        assert!(message.contains(&visible(&prompt["question"])));
        for evidence in prompt["evidence"].as_array().expect("evidence") {
            assert!(message.contains(&visible(evidence)));
        }
        match prompt["file"].as_str() {
            Some(file) => {
                let location = &result["locations"][0]["physicalLocation"];
                let expected_uri = percent_encoded(file);
                assert_eq!(location["artifactLocation"]["uri"], expected_uri.as_str());
                // The flagged line alone; the last line, when another, is related.
                assert_eq!(location["region"]["startLine"], prompt["line"]);
                assert_eq!(location["region"]["endLine"], prompt["line"]);
                match result.get("relatedLocations") {
                    Some(related) => {
                        assert_ne!(prompt["end_line"], prompt["line"]);
                        let related = &related[0]["physicalLocation"];
                        assert_eq!(related["artifactLocation"]["uri"], expected_uri.as_str());
                        assert_eq!(related["region"]["startLine"], prompt["end_line"]);
                    }
                    None => assert_eq!(prompt["end_line"], prompt["line"]),
                }
            }
            None => {
                // Anchored on a line the commit adds, never line 1 of an unchanged file.
                let sha = prompt["commit"].as_str().expect("a commit prompt");
                let location = &result["locations"][0]["physicalLocation"];
                let uri = location["artifactLocation"]["uri"].as_str().expect("uri");
                let line = location["region"]["startLine"].as_u64().expect("line");
                let added = added_lines(&review.repo, sha);
                assert!(
                    added
                        .iter()
                        .any(|(path, n)| percent_encoded(path) == uri && *n == line),
                    "{uri}:{line} is not added by {sha}: {added:?}"
                );
                assert_eq!(result["properties"]["commit"], sha);
                assert_eq!(result["properties"]["commitLevel"], true);
            }
        }
    }

    // The function is a logical location; the hostile path is percent-encoded.
    let banner = results
        .iter()
        .find(|r| r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "banner")
        .expect("a result in banner");
    assert_eq!(
        banner["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "src/store.rs"
    );
    assert!(results.iter().any(|r| {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "src/we%2Cird%3Aname.rs"
    }));
    assert!(results.iter().any(|r| {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            == "src/%40org/%3Cdetails%3E%5Bx%5D%28y%29_%23.rs"
    }));

    // Answers are suppressions: in the source for a comment, external for a trailer.
    let price = results
        .iter()
        .find(|r| r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "price_of")
        .expect("a result in price_of");
    assert_eq!(price["suppressions"][0]["kind"], "inSource");
    assert_eq!(
        price["suppressions"][0]["justification"],
        "callers only pass SKUs read from this same map"
    );
    assert!(banner.get("suppressions").is_none(), "{banner:#}");
    let commit_results: Vec<&Value> = results
        .iter()
        .filter(|r| r["ruleId"] == "missing-rationale")
        .collect();
    let wip = commit_results
        .iter()
        .find(|r| r["properties"]["commit"] == review.trailer_commit.as_str())
        .expect("the wip commit is asked about");
    assert_eq!(wip["suppressions"][0]["kind"], "external");
    assert_eq!(wip["suppressions"][0]["justification"], ANSWERED_TRAILER);

    // The hostile commit's result names it, without its terminal escapes.
    let hostile = commit_results
        .iter()
        .find(|r| r["properties"]["commit"] == review.hostile_commit.as_str())
        .expect("the hostile commit is asked about");
    assert!(hostile.get("suppressions").is_none());
    let message = hostile["message"]["text"].as_str().expect("message");
    assert!(
        message.contains("::error::pwned %0A::set-output"),
        "{message}"
    );
    assert!(message.contains("@org/team </details>"), "{message}");
    assert!(
        !output.stdout.contains('\u{1b}'),
        "no escape reaches the log"
    );
    assert!(!output.stdout.contains("\\u001b"), "not even JSON-escaped");

    // Stale answers are notifications of the run, on the comment's line.
    let notifications = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("notifications");
    let stale: Vec<(String, u64)> = notifications
        .iter()
        .map(|n| {
            assert_eq!(n["descriptor"]["id"], "stale-answer");
            let location = &n["locations"][0]["physicalLocation"];
            (
                location["artifactLocation"]["uri"]
                    .as_str()
                    .expect("uri")
                    .to_string(),
                location["region"]["startLine"].as_u64().expect("line"),
            )
        })
        .collect();
    assert_eq!(
        stale,
        [
            ("src/store.rs".to_string(), 15),
            ("src/store.rs".to_string(), 20)
        ]
    );
}

/// Every (path, line) a commit adds, in the commit's version, as `git show` numbers them.
fn added_lines(repo: &TestRepo, sha: &str) -> Vec<(String, u64)> {
    let diff = repo.git(&["show", "--format=", "--unified=0", "--no-renames", sha]);
    let mut added = Vec::new();
    let (mut path, mut line) = (String::new(), 0u64);
    for text in diff.lines() {
        if let Some(name) = text.strip_prefix("+++ b/") {
            path = name.to_string();
        } else if let Some(header) = text.strip_prefix("@@ ") {
            let new = header.split(' ').nth(1).expect("a new range");
            let start = new
                .trim_start_matches('+')
                .split(',')
                .next()
                .expect("start");
            line = start.parse().expect("a line number");
        } else if text.starts_with('+') && !text.starts_with("+++") {
            added.push((path.clone(), line));
            line += 1;
        }
    }
    added
}

#[test]
fn a_commit_question_sits_on_the_first_added_line_of_its_largest_production_hunk() {
    let mut repo = TestRepo::new();
    let mut lock = String::from("# lock\n");
    repo.write("Cargo.lock", &lock);
    repo.write("src/a_small.rs", "pub fn one() -> u32 {\n    1\n}\n");
    repo.write("src/parse.rs", "pub fn noop() {}\n");
    repo.commit_all("Start\n\nA place to begin, so that the next commits have a base.");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    // The lock file changes most and sorts first; a test file changes more than the code.
    for n in 0..60 {
        lock.push_str(&format!("[[package]]\nname = \"crate{n}\"\n"));
    }
    repo.write("Cargo.lock", &lock);
    repo.write("src/a_small.rs", "pub fn one() -> u32 {\n    1 + 0\n}\n");
    let mut parse = String::from("pub fn noop() {}\n\n");
    for n in 0..12 {
        parse.push_str(&format!(
            "pub fn field_{n}(line: &str) -> Option<&str> {{\n    line.split(',').nth({n})\n}}\n\n"
        ));
    }
    repo.write("src/parse.rs", &parse);
    let mut tests = String::new();
    for n in 0..30 {
        tests.push_str(&format!("#[test]\nfn field_{n}() {{ assert!(true); }}\n"));
    }
    repo.write("tests/parse.rs", &tests);
    let sha = repo.commit_all("Update stuff");
    // A later commit shifts the lines of src/parse.rs: the anchor follows its text.
    repo.write(
        "src/parse.rs",
        &format!("// Fields of a CSV line.\n\n{parse}"),
    );
    repo.commit_all("Say what parse.rs holds\n\nReaders asked which format the fields come from.");

    let output = run(repo.path(), &["main", "--format", "sarif"]);
    let log: Value = serde_json::from_str(&output.stdout).expect("SARIF is JSON");
    assert_valid_sarif(&log);
    let result = log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["ruleId"] == "missing-rationale" && r["properties"]["commit"] == sha.as_str())
        .unwrap_or_else(|| panic!("a missing-rationale result for {sha}: {log:#}"));
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"], "src/parse.rs",
        "{result:#}"
    );
    // Line 3 in the commit ("pub fn field_0"), line 5 at the head of the range.
    assert_eq!(location["region"]["startLine"], 5, "{result:#}");
    assert_eq!(location["region"]["endLine"], 5, "{result:#}");
    assert_eq!(result["properties"]["commitLevel"], true);

    // On its own (--commit), the same question sits on the commit's own line.
    let output = run(repo.path(), &["--commit", &sha, "--format", "sarif"]);
    let log: Value = serde_json::from_str(&output.stdout).expect("SARIF is JSON");
    let result = log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["ruleId"] == "missing-rationale")
        .unwrap_or_else(|| panic!("a missing-rationale result: {log:#}"));
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "src/parse.rs");
    assert_eq!(location["region"]["startLine"], 3, "{result:#}");
}

#[test]
fn sarif_rules_link_to_their_readme_section_with_tags_and_precision() {
    let mut repo = TestRepo::new();
    repo.write("src/lib.rs", STORE_BASE);
    repo.commit_all("Start\n\nA place to begin.");
    let output = run(repo.path(), &["main..main", "--format", "sarif"]);
    let log: Value = serde_json::from_str(&output.stdout).expect("SARIF is JSON");
    let driver = &log["runs"][0]["tool"]["driver"];
    let repository = env!("CARGO_PKG_REPOSITORY");
    assert_eq!(driver["informationUri"], repository);
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README");
    for rule in driver["rules"].as_array().expect("rules") {
        let id = rule["id"].as_str().expect("id");
        assert_eq!(rule["helpUri"], format!("{repository}#{id}").as_str());
        // GitHub's anchor for a heading is its text, lowercased: the rule id.
        assert!(
            readme.lines().any(|line| line == format!("#### {id}")),
            "the README has no section for {id}"
        );
        let tags = rule["properties"]["tags"].as_array().expect("tags");
        assert!(!tags.is_empty(), "{rule:#}");
        assert!(
            ["very-high", "high", "medium", "low"]
                .contains(&rule["properties"]["precision"].as_str().expect("precision")),
            "{rule:#}"
        );
    }
}

/// Every built-in rule, on by default or not, in registry order: what SARIF describes.
fn built_in_rule_ids() -> Vec<String> {
    ponder::rules::registry()
        .iter()
        .map(|rule| rule.definition().id.clone())
        .collect()
}

#[test]
fn sarif_of_a_change_without_questions_is_valid_and_empty() {
    let mut repo = TestRepo::new();
    repo.write("src/lib.rs", STORE_BASE);
    repo.commit_all("Start\n\nA place to begin.");
    let output = run(repo.path(), &["main..main", "--format", "sarif"]);
    let log: Value = serde_json::from_str(&output.stdout).expect("SARIF is JSON");
    assert_valid_sarif(&log);
    assert_eq!(log["runs"][0]["results"], Value::Array(Vec::new()));
    assert_eq!(
        log["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .expect("rules")
            .len(),
        built_in_rule_ids().len()
    );
}

#[test]
fn the_schema_rejects_what_is_not_sarif() {
    // The validator must be able to fail: a result with a level SARIF does not know and a
    // log without runs are both refused.
    let validator = sarif_schema();
    let bad_level = serde_json::json!({"version": "2.1.0", "runs": [{
        "tool": {"driver": {"name": "ponder"}},
        "results": [{"message": {"text": "x"}, "level": "info"}]}]});
    assert!(!validator.is_valid(&bad_level));
    assert!(!validator.is_valid(&serde_json::json!({"version": "2.1.0"})));
}

// ─── GitHub workflow commands ───────────────────────────────────────────────────────────

/// One workflow command as the Actions runner parses it: a line that starts with `::`,
/// the command name up to a space or `::`, `key=value` properties separated by commas up
/// to the next `::`, and the data after it; `%XX` escapes decoded.
#[derive(Debug)]
struct WorkflowCommand {
    name: String,
    properties: Vec<(String, String)>,
    data: String,
}

fn unescape(text: &str, property: bool) -> String {
    let mut out = text.replace("%0D", "\r").replace("%0A", "\n");
    if property {
        out = out.replace("%3A", ":").replace("%2C", ",");
    }
    out.replace("%25", "%")
}

fn parse_command(line: &str) -> Option<WorkflowCommand> {
    let rest = line.strip_prefix("::")?;
    let end = rest.find("::")?;
    let (head, data) = (&rest[..end], &rest[end + 2..]);
    let (name, properties) = head.split_once(' ').unwrap_or((head, ""));
    let properties = properties
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (key, value) = p.split_once('=').expect("key=value");
            (key.to_string(), unescape(value, true))
        })
        .collect();
    Some(WorkflowCommand {
        name: name.to_string(),
        properties,
        data: unescape(data, false),
    })
}

fn property<'a>(command: &'a WorkflowCommand, key: &str) -> Option<&'a str> {
    command
        .properties
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

#[test]
fn github_commands_are_notices_that_repository_text_cannot_escape() {
    let review = review_repo();
    let dir = review.repo.path();
    let report = json_in(dir, &["main"]);
    let output = run(dir, &["main", "--format", "github", "--show-answered"]);

    // The runner splits on CR and LF; every line must be one of our notices.
    let lines: Vec<&str> = output.stdout.split(['\n', '\r']).collect();
    assert_eq!(lines.last(), Some(&""), "output ends with a newline");
    let lines = &lines[..lines.len() - 1];
    let stale = report["stale_answers"].as_array().expect("stale answers");
    assert_eq!(
        lines.len(),
        prompts(&report).len() + stale.len(),
        "{output:?}"
    );
    let mut commands = Vec::new();
    for line in lines {
        assert!(line.starts_with("::notice "), "{line:?}");
        assert!(!line.contains('\u{1b}'), "{line:?}");
        assert!(!line.contains('\u{2028}') && !line.contains('\u{85}'));
        let command = parse_command(line).expect("a workflow command");
        assert_eq!(command.name, "notice");
        for (key, _) in &command.properties {
            assert!(
                ["file", "line", "endLine", "title"].contains(&key.as_str()),
                "unexpected property {key:?} in {line:?}"
            );
        }
        commands.push(command);
    }

    // Open questions first, then stale answers, then the answered questions.
    let open: Vec<&Value> = prompts(&report)
        .iter()
        .filter(|p| p["answer"].is_null())
        .collect();
    let answered = prompts(&report).iter().filter(|p| !p["answer"].is_null());
    let expected: Vec<&Value> = open.iter().copied().chain(answered).collect();
    let is_stale =
        |c: &&WorkflowCommand| property(c, "title").is_some_and(|t| t.contains("stale answer"));
    let prompt_commands: Vec<&WorkflowCommand> = commands.iter().filter(|c| !is_stale(c)).collect();
    for (command, prompt) in prompt_commands.iter().zip(expected) {
        let title = property(command, "title").expect("a title");
        assert!(title.starts_with(&format!(
            "ponder {}",
            prompt["rule"].as_str().expect("rule")
        )));
        assert_eq!(
            title.contains("(answered)"),
            !prompt["answer"].is_null(),
            "{title}"
        );
        assert!(command.data.contains(&visible(&prompt["question"])));
        match prompt["file"].as_str() {
            Some(file) => {
                assert_eq!(property(command, "file"), Some(file));
                assert_eq!(
                    property(command, "line"),
                    Some(prompt["line"].to_string().as_str())
                );
                assert_eq!(
                    property(command, "endLine"),
                    Some(prompt["end_line"].to_string().as_str())
                );
            }
            None => {
                assert_eq!(property(command, "file"), None);
                assert_eq!(property(command, "line"), None);
            }
        }
    }

    // The comma and colon of the path survive as one property value.
    assert!(commands
        .iter()
        .any(|c| property(c, "file") == Some(HOSTILE_PATH)));
    assert!(commands
        .iter()
        .any(|c| property(c, "file") == Some(MARKUP_PATH)));
    let newline = commands
        .iter()
        .find(|c| property(c, "file") == Some(NEWLINE_PATH))
        .expect("the prompt in the path with line breaks");
    assert!(newline
        .data
        .contains(&format!("({}:2)", visible(&Value::from(NEWLINE_PATH)))));
    // The expect message full of commands is data, decoded back to what the code says.
    let banner = commands
        .iter()
        .find(|c| c.data.contains("`banner`"))
        .expect("the banner prompt");
    assert!(banner
        .data
        .contains(r#"expect("::error::pwned%0A::set-output name=x::y\n::add-mask::x")"#));
    // The hostile subject: its `%0A` stays the three characters it was.
    let hostile = commands
        .iter()
        .find(|c| {
            property(c, "title").is_some_and(|t| t.contains("missing-rationale"))
                && c.data.contains("pwned")
        })
        .expect("the hostile commit's prompt");
    assert!(hostile
        .data
        .contains("Update ::error::pwned %0A::set-output name=x::y @org/team </details>"));
    let wip = commands
        .iter()
        .find(|c| c.data.contains(ANSWERED_TRAILER))
        .expect("the answered wip prompt");
    assert!(property(wip, "title")
        .expect("title")
        .ends_with("(answered)"));

    // Stale answers come after the open questions, on the comment's line.
    let stale_commands = &commands[open.len()..open.len() + 2];
    assert!(stale_commands.iter().all(|c| is_stale(&c)));
    assert_eq!(stale_commands.len(), 2);
    assert_eq!(property(&stale_commands[0], "line"), Some("15"));
    assert!(property(&stale_commands[1], "title")
        .expect("title")
        .contains("unhandled-failur"));
}

#[test]
fn github_notices_put_open_questions_first_and_count_what_they_leave_out() {
    let mut repo = TestRepo::new();
    repo.write("src/lib.rs", STORE_BASE);
    repo.commit_all("Start\n\nA place to begin, so that the next commit has a base.");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    // Two answered unwraps at the top of the file, then twelve open ones.
    let mut code = String::from("pub fn noop() {}\n");
    for n in 0..2 {
        code.push_str(&format!(
            "\npub fn answered_{n}(v: Option<u32>) -> u32 {{\n    // ponder: unhandled-failure: callers always pass Some here\n    v.unwrap()\n}}\n"
        ));
    }
    for n in 0..12 {
        code.push_str(&format!(
            "\npub fn open_{n}(v: Option<u32>) -> u32 {{\n    v.unwrap()\n}}\n"
        ));
    }
    repo.write("src/lib.rs", &code);
    repo.commit_all("Add accessors\n\nThe parser needs them because the values are optional.");
    let output = run(repo.path(), &["main", "--format", "github"]);
    let commands: Vec<WorkflowCommand> = output.stdout.lines().filter_map(parse_command).collect();
    assert_eq!(commands.len(), 10, "GitHub shows 10 notices: {output:?}");
    assert!(commands[..9]
        .iter()
        .all(|c| !property(c, "title").expect("title").contains("answered")));
    assert!(commands[0].data.contains("`open_0`"), "{:?}", commands[0]);
    let last = &commands[9];
    assert_eq!(property(last, "title"), Some("ponder: more questions"));
    assert!(
        last.data.contains("3 more notices past the 10")
            && last
                .data
                .contains("2 answered questions not shown (pass --show-answered"),
        "{last:?}"
    );

    // With --show-answered, the answered ones follow the open ones (past the limit here).
    let all = run(
        repo.path(),
        &["main", "--format", "github", "--show-answered"],
    );
    let commands: Vec<WorkflowCommand> = all.stdout.lines().filter_map(parse_command).collect();
    assert_eq!(commands.len(), 10);
    assert!(
        commands[9].data.contains("5 more notices"),
        "{:?}",
        commands[9]
    );
    assert!(!commands[9].data.contains("--show-answered"));
}

#[test]
fn github_output_is_empty_without_questions() {
    let mut repo = TestRepo::new();
    repo.write("src/lib.rs", STORE_BASE);
    repo.commit_all("Start\n\nA place to begin.");
    let output = run(repo.path(), &["main..main", "--format", "github"]);
    assert_eq!(output.stdout, "");
}

// ─── GitLab Code Quality ────────────────────────────────────────────────────────────────

#[test]
fn gitlab_code_quality_has_an_issue_per_open_question_on_its_line() {
    let review = review_repo();
    let dir = review.repo.path();
    let report = json_in(dir, &["main"]);
    let output = run(dir, &["main", "--format", "gitlab"]);
    let issues: Vec<Value> = serde_json::from_str(&output.stdout).expect("a JSON array");
    let open: Vec<&Value> = prompts(&report)
        .iter()
        .filter(|p| p["answer"].is_null())
        .collect();
    let stale = report["stale_answers"].as_array().expect("stale answers");
    assert!(
        open.len() < prompts(&report).len(),
        "answered ones are left out"
    );
    assert_eq!(issues.len(), open.len() + stale.len(), "{issues:#?}");
    let mut fingerprints = std::collections::BTreeSet::new();
    for issue in &issues {
        // The fields GitLab requires, and no others it would refuse.
        let keys: Vec<&str> = issue
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "check_name",
                "description",
                "fingerprint",
                "location",
                "severity"
            ]
        );
        assert_eq!(issue["severity"], "info");
        assert!(issue["location"]["path"]
            .as_str()
            .is_some_and(|p| !p.is_empty()));
        let begin = issue["location"]["lines"]["begin"].as_u64().expect("begin");
        let end = issue["location"]["lines"]["end"].as_u64().expect("end");
        assert!(begin >= 1 && end >= begin, "{issue:#}");
        assert!(
            fingerprints.insert(issue["fingerprint"].to_string()),
            "unique: {issue:#}"
        );
    }
    for (issue, prompt) in issues.iter().zip(&open) {
        assert_eq!(issue["check_name"], prompt["rule"]);
        assert_eq!(issue["fingerprint"], prompt["fingerprint"]);
        let description = issue["description"].as_str().expect("description");
        assert!(
            description.contains(&visible(&prompt["question"])),
            "{description}"
        );
        match prompt["file"].as_str() {
            Some(file) => {
                assert_eq!(issue["location"]["path"], file);
                assert_eq!(issue["location"]["lines"]["begin"], prompt["line"]);
                assert_eq!(issue["location"]["lines"]["end"], prompt["end_line"]);
            }
            None => {
                // A commit's question sits on a line the commit adds.
                let sha = prompt["commit"].as_str().expect("a commit prompt");
                let path = issue["location"]["path"].as_str().expect("path");
                let added = added_lines(&review.repo, sha);
                assert!(
                    added.iter().any(|(p, n)| p == path
                        && Some(*n) == issue["location"]["lines"]["begin"].as_u64()),
                    "{issue:#}"
                );
            }
        }
    }
    let stale_issues: Vec<&Value> = issues
        .iter()
        .filter(|i| i["check_name"] == "stale-answer")
        .collect();
    assert_eq!(stale_issues.len(), stale.len());
}

// ─── rdjson ─────────────────────────────────────────────────────────────────────────────

#[test]
fn rdjson_has_a_diagnostic_per_line_prompt_and_stale_answer() {
    let review = review_repo();
    let dir = review.repo.path();
    let report = json_in(dir, &["main"]);
    let output = run(dir, &["main", "--format", "rdjson"]);
    assert_eq!(
        output.stdout.lines().count(),
        1,
        "one JSON document per line"
    );
    assert!(
        !output.stdout.contains("\\u001b"),
        "no terminal escape: {output:?}"
    );
    let result: Value = serde_json::from_str(&output.stdout).expect("rdjson is JSON");

    assert_eq!(result["source"]["name"], "ponder");
    assert_eq!(result["severity"], "INFO");
    let diagnostics = result["diagnostics"].as_array().expect("diagnostics");
    let line_prompts: Vec<&Value> = prompts(&report)
        .iter()
        .filter(|p| p["file"].is_string() && p["answer"].is_null())
        .collect();
    assert!(
        prompts(&report)
            .iter()
            .any(|p| p["file"].is_string() && !p["answer"].is_null()),
        "the range has answered prompts, which rdjson leaves out"
    );
    assert!(
        prompts(&report).iter().any(|p| p["file"].is_null()),
        "the range has commit prompts, which rdjson leaves out"
    );
    assert_eq!(diagnostics.len(), line_prompts.len() + 2, "{result:#}");
    for (diagnostic, prompt) in diagnostics.iter().zip(&line_prompts) {
        assert_eq!(diagnostic["severity"], "INFO");
        assert_eq!(diagnostic["code"]["value"], prompt["rule"]);
        assert_eq!(
            diagnostic["code"]["url"],
            format!(
                "{}#{}",
                env!("CARGO_PKG_REPOSITORY"),
                prompt["rule"].as_str().expect("rule")
            )
            .as_str()
        );
        assert_eq!(diagnostic["location"]["path"], prompt["file"]);
        assert_eq!(
            diagnostic["location"]["range"]["start"]["line"],
            prompt["line"]
        );
        assert_eq!(
            diagnostic["location"]["range"]["end"]["line"],
            prompt["end_line"]
        );
        let markdown = diagnostic["message"].as_str().expect("message");
        let items = pulldown_cmark::Parser::new(markdown)
            .filter(|e| matches!(e, pulldown_cmark::Event::Start(pulldown_cmark::Tag::Item)))
            .count();
        let paragraphs = pulldown_cmark::Parser::new(markdown)
            .filter(|e| {
                matches!(
                    e,
                    pulldown_cmark::Event::Start(pulldown_cmark::Tag::Paragraph)
                )
            })
            .count();
        let evidence = prompt["evidence"].as_array().expect("evidence").len();
        assert_eq!(items, evidence, "one list item per evidence: {markdown}");
        assert_eq!(
            paragraphs, 2,
            "the question and the answer line: {markdown}"
        );
        let message = rendered(markdown);
        let question = visible(&prompt["question"]).replace(['\r', '\n'], " ");
        assert!(message.starts_with(&question), "{message}");
        match prompt["answer"].as_str() {
            Some(answer) => assert!(message.ends_with(&format!("\nAnswered: {answer}"))),
            None => assert!(message.contains("Answer with `// ponder:")),
        }
    }
    assert!(diagnostics
        .iter()
        .any(|d| d["location"]["path"] == HOSTILE_PATH));

    // reviewdog posts messages as markdown: nothing from the repository may render as
    // HTML, a link or a heading, or mention anyone; code spans stay code.
    for diagnostic in diagnostics {
        let message = diagnostic["message"].as_str().expect("message");
        let mut text = String::new();
        for event in pulldown_cmark::Parser::new(message) {
            use pulldown_cmark::{Event, Tag};
            match event {
                Event::Html(html) | Event::InlineHtml(html) => {
                    panic!("HTML {html:?} in {message:?}")
                }
                Event::Start(
                    tag @ (Tag::Link { .. } | Tag::Heading { .. } | Tag::Image { .. }),
                ) => {
                    panic!("{tag:?} in {message:?}")
                }
                Event::Text(t) => text.push_str(&t),
                Event::Code(code) => {
                    text.push('`');
                    text.push_str(&code);
                    text.push('`');
                }
                _ => {}
            }
        }
        let outside_code: String = text.split('`').step_by(2).collect();
        assert!(!outside_code.contains("@o"), "a mention in {message:?}");
    }
    let markup = diagnostics
        .iter()
        .find(|d| d["location"]["path"] == MARKUP_PATH)
        .expect("the prompt in the markup path");
    let message = markup["message"].as_str().expect("message");
    assert!(
        message.contains("`bytes.last().unwrap()`"),
        "code spans are kept: {message}"
    );
    let rendered: String = pulldown_cmark::Parser::new(message)
        .filter_map(|event| match event {
            pulldown_cmark::Event::Text(t) => Some(t.to_string()),
            _ => None,
        })
        .collect();
    assert!(
        rendered.contains("(src/@\u{200b}org/<details>[x](y)_#.rs:2)"),
        "the path reads as itself: {rendered}"
    );
    let stale: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| d["code"]["value"] == "stale-answer")
        .collect();
    assert_eq!(stale.len(), 2);
    assert!(stale[1]["message"]
        .as_str()
        .expect("message")
        .contains("`unhandled-failur` is not a rule ponder knows"));
}

/// What a markdown reader sees of `message`: its text, code spans in backticks, with the
/// zero-width spaces that break mentions taken out.
fn rendered(message: &str) -> String {
    use pulldown_cmark::Event;
    let mut text = String::new();
    for event in pulldown_cmark::Parser::new(message) {
        match event {
            Event::Text(t) => text.push_str(&t),
            Event::Code(code) => text.push_str(&format!("`{code}`")),
            Event::SoftBreak | Event::HardBreak => text.push('\n'),
            Event::Start(pulldown_cmark::Tag::Item) => text.push_str("- "),
            Event::End(pulldown_cmark::TagEnd::Item | pulldown_cmark::TagEnd::Paragraph) => {
                text.push('\n')
            }
            _ => {}
        }
    }
    text.trim_end().replace('\u{200b}', "")
}

// ─── Fingerprints ───────────────────────────────────────────────────────────────────────

#[test]
fn fingerprints_survive_moved_lines_and_change_with_the_code() {
    let mut repo = TestRepo::new();
    repo.write("src/store.rs", STORE_BASE);
    repo.commit_all("Start the store\n\nThe shop needs a place for its prices.");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("src/store.rs", STORE);
    repo.commit_all("Read the banner\n\nThe shop shows it because customers asked.");
    let before = json_in(repo.path(), &["main"]);

    // A later push inserts code above the flagged lines.
    let shifted = STORE.replacen(
        "pub fn noop() {}\n",
        "pub fn noop() {}\n\n/// Added later.\npub fn later() -> u32 {\n    7\n}\n",
        1,
    );
    repo.write("src/store.rs", &shifted);
    repo.commit_all("Add later\n\nThe shop needs it because of the new till.");
    let after = json_in(repo.path(), &["main"]);

    let (old, new) = (
        prompt_in(&before, "unhandled-failure", "banner"),
        prompt_in(&after, "unhandled-failure", "banner"),
    );
    assert_eq!(new["line"].as_u64(), old["line"].as_u64().map(|l| l + 5));
    assert_eq!(old["fingerprint"], new["fingerprint"]);
    let fingerprint = old["fingerprint"].as_str().expect("a fingerprint");
    assert!(fingerprint.len() == 16 && fingerprint.chars().all(|c| c.is_ascii_hexdigit()));

    // Answering the prompt keeps its fingerprint: the answer is not the code.
    let answered = shifted.replace(
        "    std::env::var(\"BANNER\")",
        "    // ponder: unhandled-failure: the service file always sets BANNER\n    std::env::var(\"BANNER\")",
    );
    repo.write("src/store.rs", &answered);
    repo.commit_all("Answer the banner question\n\nThe reviewer asked because it panics.");
    let after_answer = json_in(repo.path(), &["main"]);
    let banner = prompt_in(&after_answer, "unhandled-failure", "banner");
    assert_eq!(banner["answer"], "the service file always sets BANNER");
    assert_eq!(banner["answered_by"], "comment");
    assert_eq!(banner["fingerprint"], old["fingerprint"]);

    // Different code on the flagged line is a different prompt.
    repo.write(
        "src/store.rs",
        &answered.replace("var(\"BANNER\")", "var(\"MOTTO\")"),
    );
    repo.commit_all("Show the motto\n\nThe shop renamed the setting because of the rebrand.");
    let renamed = json_in(repo.path(), &["main"]);
    let motto = prompt_in(&renamed, "unhandled-failure", "banner");
    assert_ne!(motto["fingerprint"], old["fingerprint"]);

    // Every prompt of a report has its own fingerprint.
    let all: Vec<&str> = prompts(&renamed)
        .iter()
        .map(|p| p["fingerprint"].as_str().expect("fingerprint"))
        .collect();
    let distinct: std::collections::BTreeSet<&&str> = all.iter().collect();
    assert_eq!(distinct.len(), all.len(), "{renamed:#}");
}

// ─── Stale answers ──────────────────────────────────────────────────────────────────────

#[test]
fn answer_comments_that_answer_nothing_are_reported_as_stale() {
    let review = review_repo();
    let dir = review.repo.path();
    let report = json_in(dir, &["main"]);
    let stale = report["stale_answers"].as_array().expect("stale_answers");
    assert_eq!(
        *stale,
        vec![
            serde_json::json!({"file": "src/store.rs", "line": 15, "rule": "unhandled-failure",
                "reason": "this sum used to index the slice directly", "known_rule": true,
                "did_you_mean": null, "needs_trailer": false}),
            serde_json::json!({"file": "src/store.rs", "line": 20, "rule": "unhandled-failur",
                "reason": "a misspelt rule id never answers anything", "known_rule": false,
                "did_you_mean": "unhandled-failure", "needs_trailer": false}),
        ],
        "the answer that matches a prompt (line 6) and the one in a string literal \
         (tests/snippets.rs) are not stale"
    );
    assert_eq!(
        prompt_in(&report, "unhandled-failure", "price_of")["answered_by"],
        "comment"
    );

    let human = run(dir, &["main"]);
    assert!(
        human.stdout.contains(
            "Answers that match no question (remove or move them): src/store.rs:15 \
             `unhandled-failure`; src/store.rs:20 `unhandled-failur`, no such rule (did you \
             mean `unhandled-failure`?)."
        ),
        "{human:?}"
    );
}

#[test]
fn answers_on_lines_the_change_did_not_add_are_not_stale() {
    let mut repo = TestRepo::new();
    repo.write("src/store.rs", STORE);
    repo.commit_all("Start the store\n\nThe shop needs a place for its prices.");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("src/store.rs", &format!("{STORE}\npub fn more() {{}}\n"));
    repo.commit_all("Add more\n\nThe till needs a hook because of the new scanner.");
    let report = json_in(repo.path(), &["main"]);
    assert_eq!(
        report["stale_answers"],
        Value::Array(Vec::new()),
        "{report:#}"
    );
    let human = run(repo.path(), &["main"]);
    assert!(!human.stdout.contains("match no question"), "{human:?}");

    // Answers written later for code an earlier change added, and a README that shows the
    // syntax, are not stale; an unknown rule id is, wherever it is.
    let retrofitted = format!("{STORE}\npub fn more() {{}}\n")
        .replace(
            "    std::env::var(\"BANNER\")",
            "    // ponder: unhandled-failure: the service file always sets BANNER\n    std::env::var(\"BANNER\")",
        )
        .replace(
            "    counts.iter().sum()",
            "    // ponder: unhandled-failures: the rule id has a typo here\n    counts.iter().sum()",
        );
    repo.write("src/store.rs", &retrofitted);
    repo.write(
        "README.md",
        "Answer like this:\n\n    // ponder: unhandled-failure: the path was checked above\n",
    );
    repo.commit_all("Answer old questions\n\nReviewers asked about them because they panic.");
    let report = json_in(repo.path(), &["main"]);
    assert_eq!(
        report["stale_answers"],
        serde_json::json!([{"file": "src/store.rs", "line": 17, "rule": "unhandled-failures",
            "reason": "the rule id has a typo here", "known_rule": false,
            "did_you_mean": "unhandled-failure", "needs_trailer": false}]),
        "{report:#}"
    );
}

#[test]
fn a_custom_rule_id_is_known_to_answers() {
    let mut repo = TestRepo::new();
    repo.write("src/lib.rs", STORE_BASE);
    repo.write(
        ".ponder.toml",
        "[[custom]]\nid = \"println-in-library\"\npattern = 'println!\\('\nquestion = \"Who reads this output?\"\n",
    );
    repo.commit_all("Start\n\nA place to begin.");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(
        "src/lib.rs",
        "pub fn noop() {}\n\npub fn hello() {\n    // ponder: println-in-library: the CLI binary calls this to greet\n    println!(\"hi\");\n}\n\npub fn quiet() {\n    // ponder: println-in-library: nothing printed here any more\n}\n",
    );
    repo.commit_all("Greet\n\nUsers asked for a greeting because the tool felt silent.");
    let report = json_in(repo.path(), &["main"]);
    let custom: Vec<&Value> = prompts(&report)
        .iter()
        .filter(|p| p["rule"] == "println-in-library")
        .collect();
    assert_eq!(custom.len(), 1, "{report:#}");
    assert_eq!(custom[0]["answer"], "the CLI binary calls this to greet");
    assert_eq!(
        report["stale_answers"],
        serde_json::json!([{"file": "src/lib.rs", "line": 9, "rule": "println-in-library",
            "reason": "nothing printed here any more", "known_rule": true,
            "did_you_mean": null, "needs_trailer": false}])
    );

    // SARIF lists the custom rule after the built-in ones, and stays valid.
    let output = run(repo.path(), &["main", "--format", "sarif"]);
    let log: Value = serde_json::from_str(&output.stdout).expect("SARIF is JSON");
    assert_valid_sarif(&log);
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    assert_eq!(rules[built_in_rule_ids().len()]["id"], "println-in-library");
    let result = log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["ruleId"] == "println-in-library")
        .expect("the custom result");
    assert_eq!(result["ruleIndex"], built_in_rule_ids().len());
    assert_eq!(result["suppressions"][0]["kind"], "inSource");
}

#[test]
fn commit_prompts_name_their_commit_when_an_overridden_question_does_not() {
    let mut repo = TestRepo::new();
    repo.write("src/lib.rs", STORE_BASE);
    repo.write(
        ".ponder.toml",
        "[rules.missing-rationale.questions]\ngeneric_subject = \"Why?\"\nno_body = \"Why?\"\nno_reason = \"Why?\"\n",
    );
    repo.commit_all("Start\n\nA place to begin.");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("src/limits.rs", LIMITS);
    repo.write("src/store.rs", STORE);
    let sha = repo.commit_all("Add limits for @org/team");
    let short = &sha[..10];

    let github = run(repo.path(), &["main", "--format", "github"]);
    let command = github
        .stdout
        .lines()
        .filter_map(parse_command)
        .find(|c| property(c, "title").is_some_and(|t| t.contains("missing-rationale")))
        .expect("a missing-rationale notice");
    assert_eq!(
        property(&command, "title"),
        Some(format!("ponder missing-rationale (commit {short})").as_str())
    );
    assert!(
        command.data.starts_with(&format!(
            "Commit {short} (“Add limits for @org/team”): Why?"
        )),
        "{command:?}"
    );

    let sarif = run(repo.path(), &["main", "--format", "sarif"]);
    let log: Value = serde_json::from_str(&sarif.stdout).expect("SARIF is JSON");
    let result = log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["ruleId"] == "missing-rationale")
        .expect("a missing-rationale result");
    assert!(result["message"]["text"]
        .as_str()
        .expect("text")
        .starts_with(&format!(
            "Commit {short} (“Add limits for @org/team”): Why?"
        )));
    assert_eq!(result["properties"]["commit"], sha.as_str());
    assert_eq!(
        result["properties"]["commitSubject"],
        "Add limits for @org/team"
    );
}

#[test]
fn stale_answers_in_uncommitted_work_are_reported() {
    let mut repo = TestRepo::new();
    repo.write("src/store.rs", STORE_BASE);
    repo.commit_all("Start the store\n\nThe shop needs a place for its prices.");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(
        "src/store.rs",
        "pub fn noop() {}\n\npub fn count(items: &[u32]) -> usize {\n    // ponder: unhandled-failure: the list is never empty here\n    items.len()\n}\n",
    );
    let report = json_in(repo.path(), &[]);
    assert_eq!(report["includes_work_tree"], true);
    assert_eq!(
        report["stale_answers"],
        serde_json::json!([{"file": "src/store.rs", "line": 4, "rule": "unhandled-failure",
            "reason": "the list is never empty here", "known_rule": true,
            "did_you_mean": null, "needs_trailer": false}]),
        "{report:#}"
    );
    let github = run(repo.path(), &["--format", "github"]);
    let command = github
        .stdout
        .lines()
        .filter_map(parse_command)
        .find(|c| property(c, "title") == Some("ponder stale answer (unhandled-failure)"))
        .expect("a stale-answer notice");
    assert_eq!(property(&command, "file"), Some("src/store.rs"));
    assert_eq!(property(&command, "line"), Some("4"));
}

#[test]
fn require_answers_gates_every_format_and_still_prints_the_report() {
    let review = review_repo();
    for format in ["sarif", "github", "rdjson"] {
        let output = run_in(
            review.repo.path(),
            &["main", "--require-answers", "--format", format],
        );
        assert_eq!(output.code, Some(1), "{format}: unanswered prompts");
        assert!(
            output.utf8_stdout().contains("unhandled-failure"),
            "{format}: {output:?}"
        );
        // stderr says why the gate is shut, and nothing else: stdout is the report.
        assert!(
            output
                .stderr
                .starts_with("ponder: --require-answers does not pass")
                && output.stderr.lines().count() == 1,
            "{format}: {output:?}"
        );
    }
}

// ─── Markdown links ─────────────────────────────────────────────────────────────────────

#[test]
fn the_checklist_links_locations_when_the_repository_is_known() {
    let mut repo = TestRepo::new();
    repo.write("src/lib.rs", STORE_BASE);
    repo.commit_all("Start\n\nA place to begin, so that the next commit has a base.");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(
        "src/lib.rs",
        "pub fn noop() {}\n\npub fn first(v: &[u32]) -> u32 {\n    *v.first().unwrap()\n}\n",
    );
    let head =
        repo.commit_all("Add first\n\nCallers need the first reading because it is the oldest.");
    let markdown = |env: &[(&str, &str)], args: &[&str]| {
        let mut command = ponder();
        command
            .current_dir(repo.path())
            .args(["main", "--format", "markdown"])
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null");
        for (name, value) in env {
            command.env(name, value);
        }
        let output = command.output().expect("ponder runs");
        assert!(output.status.success());
        String::from_utf8(output.stdout).expect("UTF-8")
    };
    let location = "src/lib.rs#L4";
    let plain = markdown(&[], &[]);
    // Under the file's heading, an item names its lines; the link goes to the file's.
    assert!(
        plain.contains("#### `src/lib.rs`") && plain.contains("`L4`") && !plain.contains("]("),
        "{plain}"
    );
    let github = markdown(
        &[
            ("GITHUB_SERVER_URL", "https://github.com"),
            ("GITHUB_REPOSITORY", "octo/shop"),
        ],
        &[],
    );
    assert!(
        github.contains(&format!(
            "[`L4`](https://github.com/octo/shop/blob/{head}/{location})"
        )),
        "{github}"
    );
    let gitlab = markdown(
        &[("CI_PROJECT_URL", "https://gitlab.example.com/team/shop")],
        &[],
    );
    assert!(
        gitlab.contains(&format!(
            "(https://gitlab.example.com/team/shop/-/blob/{head}/{location})"
        )),
        "{gitlab}"
    );
    let given = markdown(&[], &["--link-base", "https://code.example.com/shop/blob/"]);
    assert!(
        given.contains(&format!(
            "(https://code.example.com/shop/blob/{head}/{location})"
        )),
        "{given}"
    );
}
