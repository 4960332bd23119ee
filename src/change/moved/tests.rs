use std::collections::BTreeSet;

use super::MovedCode;
use crate::change::{FileChange, FileStatus, Hunk, Text, TextKey};

/// A file changed from `old` to `new`, with the removed and added lines and the hunks a
/// zero-context line diff gives (each run of changed lines is one hunk).
fn changed(path: &str, old: &str, new: &str) -> FileChange {
    let old_lines: Vec<&str> = old.lines().collect();
    let new_lines: Vec<&str> = new.lines().collect();
    // A plain LCS diff: enough for these small texts.
    let (n, m) = (old_lines.len(), new_lines.len());
    let mut table = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[i][j] = if old_lines[i] == new_lines[j] {
                table[i + 1][j + 1] + 1
            } else {
                table[i + 1][j].max(table[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut removed = BTreeSet::new();
    let mut added = BTreeSet::new();
    let mut hunks: Vec<Hunk> = Vec::new();
    let mut open: Option<Hunk> = None;
    while i < n || j < m {
        if i < n && j < m && old_lines[i] == new_lines[j] {
            hunks.extend(open.take());
            i += 1;
            j += 1;
            continue;
        }
        let hunk = open.get_or_insert(Hunk {
            old_start: i as u32 + 1,
            old_lines: 0,
            new_start: j as u32 + 1,
            new_lines: 0,
            added: 0,
            removed: 0,
        });
        if j < m && (i == n || table[i][j + 1] >= table[i + 1][j]) {
            added.insert(j as u32 + 1);
            hunk.new_lines += 1;
            hunk.added += 1;
            j += 1;
        } else {
            removed.insert(i as u32 + 1);
            hunk.old_lines += 1;
            hunk.removed += 1;
            i += 1;
        }
    }
    hunks.extend(open);
    let text = |content: &str, key: &str| {
        (!content.is_empty()).then(|| Text {
            key: TextKey(format!("{path}:{key}")),
            content: content.into(),
        })
    };
    FileChange {
        path: path.to_string(),
        old_path: None,
        status: FileStatus::Modified,
        old: text(old, "old"),
        new: text(new, "new"),
        skipped: None,
        hunks,
        added_lines: added,
        removed_lines: removed,
    }
}

fn old_lines(index: &MovedCode, file: &FileChange) -> Vec<u32> {
    file.added_lines
        .iter()
        .copied()
        .filter(|line| index.is_old(&file.path, *line))
        .collect()
}

const TABLE: &str = "\
const UNITS: &[(&str, u64)] = &[(\"b\", 1), (\"kb\", 1_000), (\"mb\", 1_000_000), (\"gb\", 1_000_000_000), (\"tb\", 1_000_000_000_000)];
";

const TABLE_REFLOWED: &str = "\
const UNITS: &[(&str, u64)] = &[
    (\"b\", 1),
    (\"kb\", 1_000),
    (\"mb\", 1_000_000),
    (\"gb\", 1_000_000_000),
    (\"tb\", 1_000_000_000_000),
];
";

#[test]
fn a_rustfmt_reflow_of_a_table_is_old_code() {
    let file = changed("src/units.rs", TABLE, TABLE_REFLOWED);
    let index = MovedCode::of(std::slice::from_ref(&file));
    assert_eq!(old_lines(&index, &file), vec![1, 2, 3, 4, 5, 6, 7]);
}

#[test]
fn a_reflow_that_also_adds_a_row_leaves_the_row_new() {
    let with_row = TABLE_REFLOWED.replace(
        "    (\"tb\", 1_000_000_000_000),\n",
        "    (\"tb\", 1_000_000_000_000),\n    (\"pb\", 1_000_000_000_000_000),\n",
    );
    let file = changed("src/units.rs", TABLE, &with_row);
    let index = MovedCode::of(std::slice::from_ref(&file));
    let old = old_lines(&index, &file);
    assert!(!old.contains(&7), "the new row is new code: {old:?}");
    assert!(old.contains(&3) && old.contains(&5), "{old:?}");
}

#[test]
fn a_function_moved_to_another_file_and_reindented_is_old_code() {
    let body = "fn load(path: &Path) -> Config {\n    let text = fs::read_to_string(path).unwrap();\n    toml::from_str(&text).unwrap()\n}\n";
    let from = changed(
        "src/main.rs",
        &format!("fn main() {{}}\n{body}"),
        "fn main() {}\n",
    );
    let moved = body
        .lines()
        .map(|l| format!("    {l}\n"))
        .collect::<String>();
    let to = changed(
        "src/config.rs",
        "impl Config {\n}\n",
        &format!("impl Config {{\n{moved}}}\n"),
    );
    let files = [from, to];
    let index = MovedCode::of(&files);
    assert_eq!(old_lines(&index, &files[1]), vec![2, 3, 4, 5]);
}

#[test]
fn new_code_beside_a_removal_elsewhere_stays_new() {
    let from = changed(
        "src/a.rs",
        "fn a() {\n    let text = fs::read_to_string(path).unwrap();\n}\n",
        "fn a() {\n}\n",
    );
    let to = changed(
        "src/b.rs",
        "fn b() {\n}\n",
        "fn b() {\n    let port = env::var(\"PORT\").unwrap();\n    let text = fs::read_to_string(other).unwrap();\n}\n",
    );
    let files = [from, to];
    let index = MovedCode::of(&files);
    assert!(old_lines(&index, &files[1]).is_empty());
}

#[test]
fn a_short_line_removed_from_another_file_is_not_a_move() {
    let from = changed("src/a.rs", "fn a() {\n    return;\n}\n", "fn a() {\n}\n");
    let to = changed(
        "src/b.rs",
        "fn b() {\n}\n",
        "fn b() {\n    if done {\n    return;\n    }\n}\n",
    );
    let files = [from, to];
    let index = MovedCode::of(&files);
    assert!(old_lines(&index, &files[1]).is_empty());
}

#[test]
fn reordered_imports_in_one_file_are_old_code() {
    let file = changed(
        "src/lib.rs",
        "use std::fs;\nuse std::io;\nfn f() {}\n",
        "use std::io;\nuse std::fs;\nfn f() {}\n",
    );
    let index = MovedCode::of(std::slice::from_ref(&file));
    assert_eq!(
        old_lines(&index, &file),
        file.added_lines.iter().copied().collect::<Vec<_>>()
    );
}

#[test]
fn a_joined_call_is_old_however_short() {
    let file = changed(
        "src/lib.rs",
        "fn f() {\n    g(a,\n      b);\n}\n",
        "fn f() {\n    g(a, b);\n}\n",
    );
    let index = MovedCode::of(std::slice::from_ref(&file));
    assert_eq!(old_lines(&index, &file), vec![2]);
}

#[test]
fn an_edited_line_keeps_its_removed_code_findable() {
    let file = changed(
        "src/lib.rs",
        "fn f() {\n    let x = v.pop().unwrap();\n}\n",
        "fn f() {\n    let x = v.pop().unwrap() + 1;\n}\n",
    );
    let index = MovedCode::of(std::slice::from_ref(&file));
    assert!(old_lines(&index, &file).is_empty());
    assert!(index.removed_from_file(&file, "v.pop().unwrap()"));
    assert!(!index.removed_from_file(&file, "w.pop().unwrap()"));
}

#[test]
fn braces_and_keywords_removed_elsewhere_do_not_make_a_new_branch_old() {
    let from = changed(
        "src/labels.rs",
        "fn label(x: u32) -> Option<String> {\n    if x > 0 {\n        Some(x.to_string())\n    } else {\n        return None;\n    }\n}\n",
        "fn label(x: u32) -> Option<String> {\n    (x > 0).then(|| x.to_string())\n}\n",
    );
    let to = changed(
        "src/lib.rs",
        "fn shelf_of(slot: u32) -> Option<u32> {\n    Some(slot / 12)\n}\n",
        "fn shelf_of(slot: u32) -> Option<u32> {\n    if slot > 0 {\n        Some((slot - 1) / 12)\n    } else {\n        return None;\n    }\n}\n",
    );
    let files = [from, to];
    let index = MovedCode::of(&files);
    assert!(
        old_lines(&index, &files[1]).is_empty(),
        "{:?}",
        old_lines(&index, &files[1])
    );
}

#[test]
fn an_else_removed_elsewhere_in_the_same_file_does_not_make_a_new_else_old() {
    let file = changed(
        "src/lib.rs",
        "fn a(x: bool) {\n    if x {\n        one();\n    } else {\n        two();\n    }\n}\nfn b() {\n    three();\n}\n",
        "fn a(x: bool) {\n    one();\n}\nfn b() {\n    if ready() {\n        three();\n    } else {\n        four();\n    }\n}\n",
    );
    let index = MovedCode::of(std::slice::from_ref(&file));
    let old = old_lines(&index, &file);
    assert!(!old.contains(&7), "the new else is new code: {old:?}");
}

#[test]
fn a_moved_line_whose_expression_gains_a_clause_is_not_old_code() {
    let file = changed(
        "src/dir.rs",
        "fn m(&self) {\n    let matcher = if !self.inner.opts.ignore {\n        empty()\n    };\n}\n",
        "fn m(&self) {\n    let matcher = if !self.inner.opts.ignore\n        || !self.inner.found.has_ignore_file\n    {\n        empty()\n    };\n}\n",
    );
    let index = MovedCode::of(std::slice::from_ref(&file));
    assert!(index.is_old("src/dir.rs", 2), "the line itself came back");
    assert!(index.is_old_code(&file, 2, "!self.inner.opts.ignore"));
    assert!(!index.is_old_code(
        &file,
        2,
        "!self.inner.opts.ignore || !self.inner.found.has_ignore_file"
    ));
}

#[test]
fn a_chain_split_into_a_let_statement_keeps_its_calls_old() {
    // The runtime's builder chain is cut after `expect` and bound to a name: the `expect`
    // line only gains a `;`, which ends a statement and is no code of its own.
    let file = changed(
        "src/main.rs",
        "fn main() {\n    let code = Builder::new_multi_thread()\n        .enable_all()\n        .build()\n        .expect(\"Failed building the Runtime\")\n        .block_on(run());\n}\n",
        "fn main() {\n    let runtime = Builder::new_multi_thread()\n        .enable_all()\n        .build()\n        .expect(\"Failed building the Runtime\");\n    let code = runtime.block_on(run());\n    runtime.shutdown_background();\n}\n",
    );
    let index = MovedCode::of(std::slice::from_ref(&file));
    assert!(index.is_old_code(
        &file,
        5,
        "Builder::new_multi_thread().enable_all().build().expect(\"Failed building the Runtime\")"
    ));
    let old = old_lines(&index, &file);
    assert!(
        !old.contains(&7),
        "the new shutdown call is new code: {old:?}"
    );
}

#[test]
fn a_changed_operator_is_new_code_however_small() {
    let file = changed(
        "src/lib.rs",
        "fn last(items: &[Item], offset: usize) -> &Item {\n    &items[items.len() - offset]\n}\n",
        "fn last(items: &[Item], offset: usize) -> &Item {\n    &items[items.len() + offset]\n}\n",
    );
    let index = MovedCode::of(std::slice::from_ref(&file));
    assert!(
        !index.is_old("src/lib.rs", 2),
        "`-` became `+`: the index is new code"
    );
}

#[test]
fn a_function_moved_to_a_new_file_and_made_pub_crate_is_old_code() {
    let classify = "fn classify(value: i64, limit: i64) -> &'static str {\n    if value > limit {\n        \"high\"\n    } else if value < -limit {\n        \"low\"\n    } else {\n        \"mid\"\n    }\n}\n";
    let rest = "pub fn keep() -> u32 {\n    1\n}\n\npub fn run(v: i64) -> &'static str {\n    classify(v, 10)\n}\n";
    let from = changed(
        "src/a.rs",
        &format!("pub fn keep() -> u32 {{\n    1\n}}\n\n{classify}\npub fn run(v: i64) -> &'static str {{\n    classify(v, 10)\n}}\n"),
        &format!("use crate::b::classify;\n\n{rest}"),
    );
    let mut to = changed("src/b.rs", "", &format!("pub(crate) {classify}"));
    to.status = FileStatus::Added;
    let files = [from, to];
    let index = MovedCode::of(&files);
    assert_eq!(old_lines(&index, &files[1]), (1..=9).collect::<Vec<u32>>());
}

#[test]
fn lines_that_say_nothing_between_moved_lines_moved_with_them() {
    // The old file keeps a twin of `_ => None,` and `}`, which the diff matches, so the
    // removed code has gaps where the added code has those lines.
    let helpers = "fn ident_at(tokens: &[Token], index: usize) -> Option<String> {\n    match tokens.get(index) {\n        Some(Token::Ident(ident)) => Some(ident.to_string()),\n        _ => None,\n    }\n}\n";
    let kept = "fn punct_at(tokens: &[Token], index: usize) -> Option<char> {\n    match tokens.get(index) {\n        Some(Token::Punct(punct)) => Some(punct.as_char()),\n        _ => None,\n    }\n}\n";
    let group = "fn group_at(tokens: &[Token], index: usize) -> Option<&Group> {\n    match tokens.get(index) {\n        Some(Token::Group(group)) => Some(group),\n        _ => None,\n    }\n}\n";
    let from = changed("src/calls.rs", &format!("{helpers}{group}{kept}"), kept);
    let mut to = changed(
        "src/tokens.rs",
        "",
        &format!("pub(super) {helpers}\npub(super) {group}"),
    );
    to.status = FileStatus::Added;
    let files = [from, to];
    let index = MovedCode::of(&files);
    assert_eq!(
        old_lines(&index, &files[1]),
        (1..=6).chain(8..=13).collect::<Vec<u32>>()
    );
}

#[test]
fn a_new_early_return_between_moved_lines_stays_new_when_it_names_something() {
    let body = "fn total(values: &[u32]) -> u32 {\n    let sum: u32 = values.iter().sum();\n    sum.saturating_mul(2)\n}\n";
    let from = changed(
        "src/a.rs",
        &format!("pub fn keep() {{}}\n{body}"),
        "pub fn keep() {}\n",
    );
    let with_check = body.replace(
        "    let sum",
        "    if values.len() > MAX_VALUES {\n        return u32::MAX;\n    }\n    let sum",
    );
    let mut to = changed("src/b.rs", "", &with_check);
    to.status = FileStatus::Added;
    let files = [from, to];
    let index = MovedCode::of(&files);
    let old = old_lines(&index, &files[1]);
    assert!(!old.contains(&2) && !old.contains(&3), "{old:?}");
}
