//! Data tables: runs of added lines that are rows of literals (`("kb", 1_000),`,
//! `Unit::Kb => "kB",`, `name: "dark",`), which a reviewer reads as data, not as code
//! accepted unread. Judged line by line, without a parse, so that the counts before and
//! after a parse agree.

/// The line numbers among `lines` (added code lines, in order: number and text) that
/// belong to a data table: a run of at least `min_rows` table-like lines, each next to
/// the one before (blank and comment lines between them aside), at least half of them
/// holding a literal (`Country {`, `},` around the fields of a struct row hold none).
pub(super) fn table_lines(lines: &[(u32, &str)], min_rows: usize) -> Vec<u32> {
    let mut found = Vec::new();
    let mut run: Vec<(u32, bool)> = Vec::new();
    let mut flush = |run: &mut Vec<(u32, bool)>| {
        let rows = run.iter().filter(|(_, literal)| *literal).count();
        if min_rows > 0 && rows >= min_rows && rows * 2 >= run.len() {
            found.extend(run.iter().map(|(number, _)| *number));
        }
        run.clear();
    };
    for &(number, text) in lines {
        let Some(has_literal) = table_like(text) else {
            flush(&mut run);
            continue;
        };
        if run.last().is_some_and(|(last, _)| number > last + 2) {
            flush(&mut run);
        }
        run.push((number, has_literal));
    }
    flush(&mut run);
    found
}

/// Keywords that make a line code, whatever else it holds.
const CODE_WORDS: &[&str] = &[
    "let", "fn", "if", "else", "return", "match", "for", "while", "loop", "impl", "use", "mod",
    "break", "continue", "await", "move", "unsafe", "where",
];

/// `Some(has_literal)` when `line` could be a row of a table (literals, paths, field names,
/// brackets, `,`, `:`, `=>` and `|` only; no call of a lower-case function, no method,
/// no operator, no statement); `None` when it is code.
fn table_like(line: &str) -> Option<bool> {
    let mut has_literal = false;
    let mut chars = line.trim().chars().peekable();
    let mut previous_word: Option<String> = None;
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                while let Some(d) = chars.next() {
                    match d {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
                has_literal = true;
                previous_word = None;
            }
            '\'' => {
                // A char literal ('a', '\n'); a lifetime is no table.
                let body: String = chars.by_ref().take_while(|&d| d != '\'').collect();
                if body.is_empty() || body.chars().count() > 4 {
                    return None;
                }
                has_literal = true;
                previous_word = None;
            }
            c if c.is_ascii_digit() => {
                while chars
                    .peek()
                    .is_some_and(|d| d.is_ascii_alphanumeric() || *d == '_' || *d == '.')
                {
                    chars.next();
                }
                has_literal = true;
                previous_word = None;
            }
            c if c.is_alphabetic() || c == '_' => {
                let mut word = String::from(c);
                while let Some(&d) = chars.peek().filter(|d| d.is_alphanumeric() || **d == '_') {
                    word.push(d);
                    chars.next();
                }
                if CODE_WORDS.contains(&word.as_str()) {
                    return None;
                }
                if matches!(word.as_str(), "true" | "false") {
                    has_literal = true;
                }
                previous_word = Some(word);
            }
            '(' => {
                // `Some(1)` and `Unit::Kb(2)` build data; `parse(x)` calls code.
                if previous_word
                    .as_deref()
                    .is_some_and(|w| w.starts_with(|c: char| c.is_lowercase() || c == '_'))
                {
                    return None;
                }
                previous_word = None;
            }
            '=' => {
                // `=>` of a match arm; a lone `=` assigns.
                chars.next_if_eq(&'>')?;
                previous_word = None;
            }
            '-' => {
                // A negative number, not a subtraction.
                if !chars.peek().is_some_and(char::is_ascii_digit) {
                    return None;
                }
            }
            ')' | '[' | ']' | '{' | '}' | ',' | ':' | '|' | '&' | ' ' | '\t' => {
                previous_word = None;
            }
            _ => return None,
        }
    }
    Some(has_literal)
}

#[cfg(test)]
mod tests {
    use super::{table_like, table_lines};

    #[test]
    fn rows_of_literals_are_table_like() {
        for row in [
            "(\"kb\", 1_000),",
            "Unit::Kb => \"kB\",",
            "name: \"dark\",",
            "Some(-3),",
            "'\\n' => Key::Enter,",
            "\"a\" | \"b\" => Kind::Vowel,",
            "[0.25, 0.5, 1.0],",
        ] {
            assert_eq!(table_like(row), Some(true), "{row}");
        }
    }

    #[test]
    fn code_is_not_table_like() {
        for code in [
            "let size = 1_000;",
            "total += 1,",
            "parse(\"kb\"),",
            "Unit::Kb => value * 1_000,",
            "name: name.to_string(),",
            "if n > 3 {",
            "x => return Err(\"bad\"),",
            "fn render<'a>(&'a self) {",
        ] {
            assert_eq!(table_like(code), None, "{code}");
        }
    }

    #[test]
    fn only_a_long_enough_run_of_rows_is_a_table() {
        let mut lines: Vec<(u32, String)> = vec![(1, "const UNITS: &[(&str, u64)] = &[".into())];
        lines.extend((2..12).map(|n| (n, format!("    (\"u{n}\", {n}),"))));
        lines.push((12, "];".into()));
        lines.push((13, "let x = 1;".into()));
        let borrowed: Vec<(u32, &str)> = lines.iter().map(|(n, t)| (*n, t.as_str())).collect();
        let table = table_lines(&borrowed, 8);
        assert!(table.contains(&2) && table.contains(&11), "{table:?}");
        assert!(!table.contains(&13), "{table:?}");
        assert!(table_lines(&borrowed[..5], 8).is_empty());
    }
}
