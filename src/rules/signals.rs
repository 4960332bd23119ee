//! Signals of code accepted unread, as bulk-insertion weighs them: comments that narrate
//! the next line, doc comments that only restate a function's name, near-identical
//! functions, and new public code with no test beside it.

use super::helpers::is_test_file;
use super::Message;
use crate::change::FileChange;
use crate::syntax::{line_comments, ParsedFile};

pub(super) fn signals<'a>(
    files: &'a [FileChange],
    parsed: &[(&FileChange, &ParsedFile)],
    new_functions: &[(&FileChange, &crate::syntax::Function)],
    (moved, tabled): (usize, usize),
    parsed_of: &dyn Fn(&'a FileChange) -> Option<&'a ParsedFile>,
) -> Vec<Message> {
    let mut evidence = Vec::new();
    if !new_functions.is_empty() {
        evidence.push(Message::new("new_functions").with("count", new_functions.len().to_string()));
    }

    let narrating: Vec<String> = parsed
        .iter()
        .flat_map(|(file, _)| narrating_comments(file))
        .collect();
    if let Some(example) = narrating.first() {
        evidence.push(
            Message::new("narrating")
                .with("count", narrating.len().to_string())
                .with("example", example.clone()),
        );
    }

    // Every new function counts here, accessors too: `/// Sets the factor.` on `factor`
    // is the pattern, however short the body.
    let restating: Vec<(String, String)> = parsed
        .iter()
        .flat_map(|(file, parsed)| {
            parsed.functions.iter().filter(|f| {
                !f.is_test
                    && (f.start_line..=f.end_line).all(|line| file.added_lines.contains(&line))
            })
        })
        .filter(|f| doc_restates_name(&f.doc, &f.name))
        .map(|f| (format!("/// {}", f.doc.join(" ")), f.qualified_name()))
        .collect();
    if let Some((example, function)) = restating.first() {
        evidence.push(
            Message::new("restating_docs")
                .with("count", restating.len().to_string())
                .with("example", example.clone())
                .with("function", function.clone()),
        );
    }

    // Groups of equal shape, in the order their first function appears (a shape's hash
    // says nothing a reader could follow).
    let mut shapes: Vec<(u64, Vec<String>)> = Vec::new();
    for (_, function) in new_functions {
        if function.shape.1 >= 25 {
            let name = format!("`{}`", function.qualified_name());
            match shapes
                .iter_mut()
                .find(|(shape, _)| *shape == function.shape.0)
            {
                Some((_, names)) => names.push(name),
                None => shapes.push((function.shape.0, vec![name])),
            }
        }
    }
    let similar: Vec<String> = shapes
        .into_iter()
        .map(|(_, names)| names)
        .filter(|g| g.len() > 1)
        .flatten()
        .collect();
    if !similar.is_empty() {
        let mut names: Vec<String> = similar.iter().take(6).cloned().collect();
        if similar.len() > 6 {
            names.push("…".to_string());
        }
        evidence.push(
            Message::new("near_identical")
                .with("count", similar.len().to_string())
                .with("names", names.join(", ")),
        );
    }

    let has_tests = files.iter().any(|file| {
        file.is_rust()
            && file.added_count() > 0
            && (is_test_file(file, parsed_of(file))
                || parsed_of(file).is_some_and(|p| {
                    // `cargo test` skips an `#[ignore]`d test: it tests nothing.
                    p.functions.iter().any(|f| {
                        f.is_test
                            && !f.is_ignored
                            && file
                                .added_lines
                                .range(f.start_line..=f.end_line)
                                .next()
                                .is_some()
                    })
                }))
    });
    if !has_tests {
        evidence.push(Message::new("no_tests"));
    }
    if moved > 0 {
        evidence.push(Message::new("moved").with("count", moved.to_string()));
    }
    if tabled > 0 {
        evidence.push(Message::new("tables").with("count", tabled.to_string()));
    }
    evidence
}

const FILLER: &[&str] = &[
    "a", "an", "the", "this", "that", "of", "to", "for", "and", "is", "it", "in", "on", "with",
    "new", "returns", "return", "gets", "get", "sets", "set", "creates", "create", "function",
    "method", "value", "given", "from", "by", "self", "instance",
];

/// Lower-case words of a comment or an identifier (snake_case and CamelCase split).
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for raw in text.split(|c: char| !c.is_alphanumeric()) {
        let mut current = String::new();
        let mut previous_lower = false;
        for c in raw.chars() {
            if c.is_uppercase() && previous_lower && !current.is_empty() {
                out.push(current.to_lowercase());
                current.clear();
            }
            previous_lower = c.is_lowercase() || c.is_ascii_digit();
            current.push(c);
        }
        if !current.is_empty() {
            out.push(current.to_lowercase());
        }
    }
    out
}

fn same_word(a: &str, b: &str) -> bool {
    let stem = |w: &str| w.chars().take(5).collect::<String>();
    a == b || (a.len() >= 4 && b.len() >= 4 && stem(a) == stem(b))
}

/// A doc comment that says no more than the name: `/// Gets the name.` on `get_name`.
fn doc_restates_name(doc: &[String], name: &str) -> bool {
    let [line] = doc else {
        return false;
    };
    let name_words = words(name);
    let doc_words: Vec<String> = words(line)
        .into_iter()
        .filter(|w| !FILLER.contains(&w.as_str()))
        .collect();
    !doc_words.is_empty()
        && doc_words
            .iter()
            .all(|w| name_words.iter().any(|n| same_word(w, n)))
}

/// Added full-line comments whose words are (almost) all in the next line of code:
/// `// increment the counter` above `counter += 1;`.
fn narrating_comments(file: &FileChange) -> Vec<String> {
    let Some(text) = file.new.as_ref() else {
        return Vec::new();
    };
    let lines: Vec<&str> = text.content.lines().collect();
    let mut found = Vec::new();
    for (line, comment) in line_comments(&text.content) {
        if !file.added_lines.contains(&line) {
            continue;
        }
        let Some(next) = lines.get(line as usize) else {
            continue;
        };
        if next.trim_start().starts_with("//") || next.trim().is_empty() {
            continue;
        }
        let comment_words: Vec<String> = words(&comment)
            .into_iter()
            .filter(|w| !FILLER.contains(&w.as_str()))
            .collect();
        if comment_words.is_empty() || comment_words.len() > 8 {
            continue;
        }
        let code_words = words(next);
        let matched = comment_words
            .iter()
            .filter(|w| code_words.iter().any(|c| same_word(w, c)))
            .count();
        if matched * 10 >= comment_words.len() * 7 {
            found.push(comment);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::{doc_restates_name, words};

    #[test]
    fn splits_identifiers_into_words() {
        assert_eq!(words("parseHTTPRequest"), vec!["parse", "httprequest"]);
        assert_eq!(words("get_user_name"), vec!["get", "user", "name"]);
    }

    #[test]
    fn doc_comments_that_only_restate_the_name() {
        assert!(doc_restates_name(
            &["Gets the user name.".into()],
            "get_user_name"
        ));
        assert!(!doc_restates_name(
            &["Returns the name, or the login when no display name is set.".into()],
            "user_name"
        ));
    }
}
