//! Question and evidence templates: `{name}` placeholders filled from a rule's variables.
//! The templates are data (`rules/<id>.toml`, `.ponder.toml`); this is their one renderer.
//!
//! `{name|one|many}` is the word that agrees with `name`'s number: `one` when the value is
//! `1`, `many` otherwise, so that `{count} {count|comment|comments}` reads "1 comment" and
//! "3 comments" without a rule writing either word.

/// Fills `{name}` placeholders. `{{` and `}}` stand for literal braces. A placeholder
/// without a value is kept visible as `{name}` (tests make sure that never ships).
pub fn render(template: &str, variables: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    for piece in pieces(template) {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Placeholder(name, forms) => {
                match (variables.iter().find(|(n, _)| *n == name), forms) {
                    (Some((_, value)), None) => out.push_str(value),
                    (Some((_, value)), Some((one, many))) => {
                        out.push_str(if value.trim() == "1" { one } else { many });
                    }
                    (None, _) => {
                        out.push('{');
                        out.push_str(name);
                        if let Some((one, many)) = forms {
                            out.push('|');
                            out.push_str(one);
                            out.push('|');
                            out.push_str(many);
                        }
                        out.push('}');
                    }
                }
            }
        }
    }
    out
}

/// The placeholder names a template uses.
pub fn placeholders(template: &str) -> Vec<String> {
    pieces(template)
        .into_iter()
        .filter_map(|piece| match piece {
            Piece::Placeholder(name, _) => Some(name.to_string()),
            Piece::Text(_) => None,
        })
        .collect()
}

enum Piece<'a> {
    Text(&'a str),
    /// A name, and the singular and plural words of `{name|one|many}`.
    Placeholder(&'a str, Option<(&'a str, &'a str)>),
}

fn pieces(template: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find(['{', '}']) {
        pieces.push(Piece::Text(&rest[..open]));
        let tail = &rest[open..];
        if let Some(after) = tail.strip_prefix("{{") {
            pieces.push(Piece::Text("{"));
            rest = after;
        } else if let Some(after) = tail.strip_prefix("}}") {
            pieces.push(Piece::Text("}"));
            rest = after;
        } else if let Some(after) = tail.strip_prefix('{') {
            match after.split_once('}') {
                Some((inside, after)) => {
                    pieces.push(placeholder(inside));
                    rest = after;
                }
                None => {
                    pieces.push(Piece::Text(tail));
                    rest = "";
                }
            }
        } else {
            pieces.push(Piece::Text("}"));
            rest = &tail[1..];
        }
    }
    pieces.push(Piece::Text(rest));
    pieces
}

/// `name` or `name|one|many`; any other number of `|` is kept as part of the name, so
/// that the template test reports it as a variable no rule supplies.
fn placeholder(inside: &str) -> Piece<'_> {
    let mut parts = inside.split('|');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(name), Some(one), Some(many), None) => Piece::Placeholder(name, Some((one, many))),
        _ => Piece::Placeholder(inside, None),
    }
}

#[cfg(test)]
mod tests {
    use super::{placeholders, render};

    #[test]
    fn a_plural_form_agrees_with_its_number() {
        let template = "{count} {count|comment|comments} that restate";
        let one = render(template, &[("count", "1".into())]);
        let many = render(template, &[("count", "3".into())]);
        let none = render(template, &[("count", "0".into())]);
        assert_eq!(one, "1 comment that restate");
        assert_eq!(many, "3 comments that restate");
        assert_eq!(none, "0 comments that restate");
        assert_eq!(placeholders(template), ["count", "count"]);
        assert_eq!(render("{n|a|b}", &[]), "{n|a|b}");
    }
}
