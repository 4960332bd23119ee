//! Question and evidence templates: `{name}` placeholders filled from a rule's variables.
//! The templates are data (`rules/<id>.toml`, `.ponder.toml`); this is their one renderer.

/// Fills `{name}` placeholders. `{{` and `}}` stand for literal braces. A placeholder
/// without a value is kept visible as `{name}` (tests make sure that never ships).
pub fn render(template: &str, variables: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    for piece in pieces(template) {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Placeholder(name) => match variables.iter().find(|(n, _)| *n == name) {
                Some((_, value)) => out.push_str(value),
                None => {
                    out.push('{');
                    out.push_str(name);
                    out.push('}');
                }
            },
        }
    }
    out
}

/// The placeholder names a template uses.
pub fn placeholders(template: &str) -> Vec<String> {
    pieces(template)
        .into_iter()
        .filter_map(|piece| match piece {
            Piece::Placeholder(name) => Some(name.to_string()),
            Piece::Text(_) => None,
        })
        .collect()
}

enum Piece<'a> {
    Text(&'a str),
    Placeholder(&'a str),
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
                Some((name, after)) => {
                    pieces.push(Piece::Placeholder(name));
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
