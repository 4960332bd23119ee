//! What `syn::parse_file` does to a text before it lexes it, done here because ponder lexes
//! the text itself (to bound its nesting first).

/// What `syn::parse_file` does before it lexes: drops a byte order mark, and takes a
/// shebang line off (its line break stays, so line numbers do not move). `#![attr]` is
/// an inner attribute, not a shebang.
pub(super) fn split_shebang(text: &str) -> (&str, Option<String>) {
    let content = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(rest) = content.strip_prefix("#!") else {
        return (content, None);
    };
    if skip_blank_and_comments(rest).starts_with('[') {
        return (content, None);
    }
    match content.find('\n') {
        Some(end) => (&content[end..], Some(content[..end].to_string())),
        None => ("", Some(content.to_string())),
    }
}

/// `text` from its first character that is neither white space nor inside a comment.
fn skip_blank_and_comments(mut text: &str) -> &str {
    loop {
        let trimmed = text.trim_start();
        if let Some(rest) = trimmed.strip_prefix("//") {
            text = rest.find('\n').map_or("", |end| &rest[end..]);
        } else if let Some(rest) = trimmed.strip_prefix("/*") {
            text = rest.find("*/").map_or("", |end| &rest[end + 2..]);
        } else {
            return trimmed;
        }
    }
}
