//! Tells text inside string literals from real comments: an answer comment written in a
//! test's Rust snippet (`r#"... // ponder: ..."#`) is data, not an answer.

use std::str::FromStr;

use proc_macro2::{TokenStream, TokenTree};

/// For each (1-based line, 0-based column in characters), whether it lies inside a literal
/// of `text`. Text that does not tokenize yields `false` everywhere: the caller then treats
/// what it found as a comment, which is what it most likely is.
pub fn in_string_literal(text: &str, positions: &[(u32, usize)]) -> Vec<bool> {
    let mut spans = Vec::new();
    if let Ok(tokens) = TokenStream::from_str(text) {
        collect_literal_spans(tokens, &mut spans);
    }
    proc_macro2::extra::invalidate_current_thread_spans();
    positions
        .iter()
        .map(|&(line, column)| {
            let position = (line as usize, column);
            spans
                .iter()
                .any(|(start, end)| *start <= position && position < *end)
        })
        .collect()
}

type Position = (usize, usize);

/// Walks the token trees with a stack of its own rather than by recursion: the text can
/// nest deeper than any thread's stack.
fn collect_literal_spans(tokens: TokenStream, spans: &mut Vec<(Position, Position)>) {
    let mut pending = vec![tokens.into_iter()];
    while let Some(tokens) = pending.last_mut() {
        let Some(token) = tokens.next() else {
            pending.pop();
            continue;
        };
        match token {
            TokenTree::Group(group) => pending.push(group.stream().into_iter()),
            TokenTree::Literal(literal) => {
                let span = literal.span();
                let (start, end) = (span.start(), span.end());
                spans.push(((start.line, start.column), (end.line, end.column)));
            }
            TokenTree::Ident(_) | TokenTree::Punct(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::in_string_literal;

    #[test]
    fn comments_in_raw_strings_are_literal_text() {
        let text = "const SNIPPET: &str = r#\"\nlet x = v[i]; // ponder: unhandled-failure: in a string\n\"#;\nfn f() {\n    g(); // ponder: unhandled-failure: a real comment\n}\n";
        assert_eq!(
            in_string_literal(text, &[(2, 14), (5, 9)]),
            vec![true, false]
        );
    }

    #[test]
    fn text_that_does_not_tokenize_counts_as_comments() {
        assert_eq!(
            in_string_literal("fn f( { // ponder: x: y", &[(1, 9)]),
            vec![false]
        );
    }
}
