//! How deep a text nests, measured before syn sees it. syn parses, visits and drops
//! syntax trees recursively, so a text that nests a few thousand levels deep — `((((…`,
//! `!!!!…x`, `a+a+a+…`, `x.f().f()…`, `Vec<Vec<…>>`, `else if` chains — overflows any
//! stack and aborts the process. Such text is not parsed at all: ponder says why and
//! falls back to the line checks it makes on any text that does not parse.
//!
//! The measure is an upper estimate of the syntax tree's depth, computed on proc-macro2's
//! token trees (whose lexer and drop are iterative) without recursion. A token's depth is
//! the number of groups around it plus the operators and keywords before it in its
//! segment of the enclosing group, where a segment ends where the parser must return to
//! the group's own level: at `;`, at `=>`, at `,` outside angle brackets, and after a
//! `{ … }` group followed by a word, an attribute or a label that starts a new statement
//! or item. Plain names and
//! literals do not nest; paths (`a::b`) are flat in syn and do not count.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

/// The deepest nesting ponder follows. Real code stays well below it: over the 6,755 Rust
/// files of ponder's dependencies the measure has a median of 13, a 99th percentile of 50
/// and a maximum of 156 (a generated table). `PARSE_STACK_BYTES` is sized for syn here.
pub const MAX_DEPTH: usize = 256;

/// Words that make a syntax tree deeper: prefix operators of an expression, type or
/// pattern, and the heads of expressions whose body is another expression.
const NESTING_WORDS: &[&str] = &[
    "return", "break", "yield", "move", "box", "if", "else", "while", "match", "loop", "for",
    "unsafe", "async", "await", "dyn", "impl", "as", "let", "mut", "ref", "in", "become",
];

/// Words after a `{ … }` group that still continue the expression or header before it.
const CONTINUES_AFTER_BRACES: &[&str] = &["else", "as", "where", "for", "in"];

/// Where the text first nests deeper than `MAX_DEPTH`: its 1-based line, or `None` when it
/// stays within the bound or does not tokenise (syn then rejects it without nesting deep).
#[cfg(test)]
pub fn too_deep(text: &str) -> Option<u32> {
    let stream: TokenStream = text.parse().ok()?;
    too_deep_tokens(&stream)
}

/// `too_deep` of a text already lexed into `stream`, so that the parser can reuse the
/// tokens instead of lexing the text a second time.
pub fn too_deep_tokens(stream: &TokenStream) -> Option<u32> {
    first_beyond(stream.clone(), MAX_DEPTH)
}

/// One group being scanned: what remains of it, its own depth, and the state of its
/// current segment.
struct Frame {
    tokens: proc_macro2::token_stream::IntoIter,
    base: usize,
    operators: usize,
    /// `<` not yet closed in the current segment: a `,` inside generics does not end it.
    open_angles: usize,
    /// The previous token was a `{ … }` group; a following statement word ends the segment.
    after_braces: bool,
    /// The previous token was a joint punctuation character (`-` of `->`, `=` of `=>`).
    joint: Option<char>,
    /// The previous token was `#`: a `!` after it makes an inner attribute.
    after_hash: bool,
}

impl Frame {
    fn new(stream: TokenStream, base: usize) -> Frame {
        Frame {
            tokens: stream.into_iter(),
            base,
            operators: 0,
            open_angles: 0,
            after_braces: false,
            joint: None,
            after_hash: false,
        }
    }

    fn end_segment(&mut self) {
        self.operators = 0;
        self.open_angles = 0;
    }

    fn depth(&self) -> usize {
        self.base + self.operators
    }
}

/// Whether a literal is a number with a `.` in it (`0.0` of `x.0.0`), read through its
/// `Display` without allocating: `to_string` would copy every literal of the text.
fn is_dotted_number(literal: &proc_macro2::Literal) -> bool {
    /// Sees the printed literal a piece at a time and remembers what it needs.
    #[derive(Default)]
    struct Sink {
        first: Option<char>,
        dot: bool,
    }
    impl std::fmt::Write for Sink {
        fn write_str(&mut self, piece: &str) -> std::fmt::Result {
            if self.first.is_none() {
                self.first = piece.chars().next();
            }
            // A string or character literal is not a number: stop reading it.
            match self.first {
                Some(first) if !first.is_ascii_digit() => Err(std::fmt::Error),
                _ => {
                    self.dot |= piece.contains('.');
                    Ok(())
                }
            }
        }
    }
    let mut sink = Sink::default();
    let _ = std::fmt::Write::write_fmt(&mut sink, format_args!("{literal}"));
    sink.first.is_some_and(|first| first.is_ascii_digit()) && sink.dot
}

fn first_beyond(stream: TokenStream, limit: usize) -> Option<u32> {
    let mut stack = vec![Frame::new(stream, 0)];
    while let Some(frame) = stack.last_mut() {
        let Some(token) = frame.tokens.next() else {
            stack.pop();
            continue;
        };
        let after_braces = std::mem::take(&mut frame.after_braces);
        let joint = frame.joint.take();
        if !matches!(token, TokenTree::Punct(_)) {
            frame.after_hash = false;
        }
        let line = token.span().start().line as u32;
        match token {
            TokenTree::Group(group) => {
                frame.after_braces = group.delimiter() == Delimiter::Brace;
                let base = frame.depth() + 1;
                if base > limit {
                    return Some(line);
                }
                stack.push(Frame::new(group.stream(), base));
                continue;
            }
            TokenTree::Ident(ident) => {
                // Compared in place: `to_string` would allocate for every word of the text.
                if after_braces && !CONTINUES_AFTER_BRACES.iter().any(|word| ident == word) {
                    frame.end_segment();
                }
                if NESTING_WORDS.iter().any(|word| ident == word) {
                    frame.operators += 1;
                }
            }
            TokenTree::Literal(literal) => {
                // `x.0.0` lexes as `x`, `.`, `0.0`: each such number hides a field access.
                if is_dotted_number(&literal) {
                    frame.operators += 1;
                }
            }
            TokenTree::Punct(punct) => {
                let character = punct.as_char();
                // An attribute or a label after a block starts the next statement.
                if after_braces && matches!(character, '#' | '\'') {
                    frame.end_segment();
                }
                if punct.spacing() == Spacing::Joint {
                    frame.joint = Some(character);
                }
                let after_hash = std::mem::replace(&mut frame.after_hash, character == '#');
                match (joint, character) {
                    (_, ';') | (Some('='), '>') => frame.end_segment(),
                    // Attributes (doc comments too) are lists in syn, not nesting.
                    (_, '#') => {}
                    (_, '!') if after_hash => {}
                    (_, ',') if frame.open_angles == 0 => frame.end_segment(),
                    // Separators inside generics, paths, lifetimes and the first half
                    // of `=>` or `==` do not nest.
                    (_, ',' | ':' | '\'') => {}
                    (_, '=') if punct.spacing() == Spacing::Joint => {}
                    (Some('-'), '>') => frame.operators += 1,
                    (_, '<') => {
                        frame.open_angles += 1;
                        frame.operators += 1;
                    }
                    (_, '>') => {
                        frame.open_angles = frame.open_angles.saturating_sub(1);
                        frame.operators += 1;
                    }
                    _ => frame.operators += 1,
                }
            }
        }
        if frame.depth() > limit {
            return Some(line);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{too_deep, MAX_DEPTH};

    /// Every way found to nest a syntax tree one level per few bytes.
    pub(crate) fn deep_texts(levels: usize) -> Vec<(&'static str, String)> {
        let body = |inner: String| format!("fn f() {{\n    let _ = {inner};\n}}\n");
        vec![
            (
                "parentheses",
                body(format!("{}x{}", "(".repeat(levels), ")".repeat(levels))),
            ),
            (
                "blocks",
                body(format!("{}x{}", "{".repeat(levels), "}".repeat(levels))),
            ),
            ("negations", body(format!("{}x", "!".repeat(levels)))),
            ("closures", body(format!("{}x", "|| ".repeat(levels)))),
            ("sums", body(format!("x{}", "+x".repeat(levels)))),
            ("assignments", body(format!("x{}", "=x".repeat(levels)))),
            ("method calls", body(format!("x{}", ".f()".repeat(levels)))),
            ("fields", body(format!("x{}", ".0".repeat(levels)))),
            ("tries", body(format!("x{}", "?".repeat(levels)))),
            ("returns", body("return ".repeat(levels))),
            ("references", body(format!("{}x", "&".repeat(levels)))),
            ("ranges", body(format!("{}x", "..".repeat(levels)))),
            ("casts", body(format!("x{}", " as u8".repeat(levels)))),
            (
                "else ifs",
                body(format!(
                    "if a {{}}{} else {{}}",
                    " else if a {}".repeat(levels)
                )),
            ),
            (
                "ifs",
                body(format!(
                    "{}x{}",
                    "if a { ".repeat(levels),
                    " } else { y }".repeat(levels)
                )),
            ),
            (
                "generics",
                format!(
                    "type T = {}u8{};\n",
                    "Vec<".repeat(levels),
                    ">".repeat(levels)
                ),
            ),
            (
                "generics with commas",
                format!(
                    "type T = {}u8{};\n",
                    "HashMap<u8, ".repeat(levels),
                    ">".repeat(levels)
                ),
            ),
            (
                "function types",
                format!("type T = {}u8;\n", "fn() -> ".repeat(levels)),
            ),
            (
                "pointer types",
                format!("type T = {}u8;\n", "*const ".repeat(levels)),
            ),
            (
                "patterns",
                format!("fn f() {{ let {}x = y; }}\n", "&".repeat(levels)),
            ),
            (
                "modules",
                format!(
                    "{}fn f() {{}}{}",
                    "mod m { ".repeat(levels),
                    " }".repeat(levels)
                ),
            ),
            (
                "macro arguments",
                body(format!("assert!({}x)", "!".repeat(levels))),
            ),
        ]
    }

    #[test]
    fn every_deep_construct_is_measured_past_the_bound() {
        for (name, text) in deep_texts(MAX_DEPTH + 1) {
            assert!(too_deep(&text).is_some(), "{name} was not measured deep");
        }
    }

    #[test]
    fn ordinary_code_is_far_below_the_bound() {
        for text in [
            include_str!("sites.rs"),
            include_str!("focus.rs"),
            include_str!("../rules/bulk_insertion.rs"),
            include_str!("../report/markdown/mod.rs"),
        ] {
            assert_eq!(too_deep(text), None);
        }
        let table = format!("const T: [i32; 4000] = [{}];\n", "-1, ".repeat(4000));
        assert_eq!(too_deep(&table), None, "a data table does not nest");
        let items = "pub fn f(a: &mut u8) -> Option<&u8> { if *a > 1 { None } else { Some(a) } }\n"
            .repeat(2000);
        assert_eq!(too_deep(&items), None, "items in a row do not nest");
        let arms = format!(
            "fn f() {{ match x {{ {} }} }}",
            "A::B => { f() }\n".repeat(2000)
        );
        assert_eq!(too_deep(&arms), None, "match arms do not nest");
    }

    #[test]
    fn the_line_named_is_where_the_bound_is_crossed() {
        let text = format!(
            "fn f() {{}}\n\nfn g() {{\n    {}x\n}}\n",
            "!".repeat(MAX_DEPTH * 2)
        );
        assert_eq!(too_deep(&text), Some(4));
    }

    /// The most levels of `construct` that stay within the bound.
    fn deepest_within_bound(construct: &str) -> String {
        let (mut within, mut beyond) = (1, MAX_DEPTH * 4);
        while beyond - within > 1 {
            let middle = (within + beyond) / 2;
            match deep_texts(middle)
                .into_iter()
                .find(|(name, _)| *name == construct)
            {
                Some((_, text)) if too_deep(&text).is_none() => within = middle,
                _ => beyond = middle,
            }
        }
        let (_, text) = deep_texts(within)
            .into_iter()
            .find(|(name, _)| *name == construct)
            .expect("a known construct");
        text
    }

    /// The stack of the parsing threads holds syn at the deepest nesting ponder lets
    /// through, for every construct (the test process aborts if it does not).
    #[test]
    fn syn_parses_every_construct_at_the_bound() {
        for (name, _) in deep_texts(1) {
            let text = deepest_within_bound(name);
            let parsed = crate::syntax::parse(&text);
            if let Some((_, reason)) = &parsed.parse_error {
                assert!(!reason.contains("deeper"), "{name}: {reason}");
            }
        }
    }
}
