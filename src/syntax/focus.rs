//! Parsing only the items a change touched. Every rule reads only functions that contain
//! an added line, so an item (a function, a struct, an impl block) with no added line
//! cannot matter to it. Such items are blanked out (every byte but line breaks becomes a
//! space, so that lines and byte offsets stay where they were) before syn parses the
//! file; impl, trait and mod blocks that contain added lines are opened and their own
//! untouched items blanked. A commit that edits three lines of a 7,000-line file then
//! costs a tokenisation of the file and a parse of the functions around those lines,
//! instead of a parse of the whole file.
//!
//! Items are found on proc-macro2's token trees, so strings, comments and nested
//! delimiters are the lexer's business, not a text scan's. An item ends at a `;` or at a
//! `{ ... }` group that is followed by the start of another item. A wrong cut can only
//! split an item in two, and either half alone is not valid Rust: the caller parses the
//! blanked text and falls back to the whole file when syn rejects it.

use std::collections::BTreeSet;
use std::ops::Range;

use proc_macro2::{Delimiter, TokenStream, TokenTree};

/// Words that continue an expression or a header after a `{ ... }` group, so the group
/// does not end the item: `if a { b } else { c }`, `{ N } as usize`, `Type<{ N }> for X`.
const CONTINUES_AFTER_BRACES: &[&str] = &["else", "as", "where", "for", "in"];

/// `text` with every item that holds none of the `touched` lines (1-based) blanked out,
/// or `None` when nothing can be blanked or the text does not tokenise.
pub fn blank_untouched(text: &str, touched: &BTreeSet<u32>) -> Option<String> {
    let stream: TokenStream = text.parse().ok()?;
    let tokens: Vec<TokenTree> = stream.into_iter().collect();
    let mut blanks = Vec::new();
    collect_blanks(&tokens, touched, &mut blanks, 0);
    if blanks.is_empty() {
        return None;
    }
    let mut bytes = text.as_bytes().to_vec();
    for range in blanks {
        for byte in bytes.get_mut(range)? {
            if *byte != b'\n' && *byte != b'\r' {
                *byte = b' ';
            }
        }
    }
    String::from_utf8(bytes).ok()
}

/// `depth` counts the containers opened so far: past `MAX_DEPTH` the text is too deep to
/// be parsed anyway, and opening more would only recurse further.
fn collect_blanks(
    tokens: &[TokenTree],
    touched: &BTreeSet<u32>,
    blanks: &mut Vec<Range<usize>>,
    depth: usize,
) {
    if depth > super::depth::MAX_DEPTH {
        return;
    }
    for item in items(tokens) {
        let (Some(first), Some(last)) = (item.first(), item.last()) else {
            continue;
        };
        if is_inner_attribute(item) {
            continue;
        }
        let (start, end) = (first.span(), last.span());
        let lines = (start.start().line as u32)..=(end.end().line as u32);
        if touched.range(lines).next().is_none() {
            blanks.push(start.byte_range().start..end.byte_range().end);
        } else if let Some(body) = container_body(item) {
            let inner: Vec<TokenTree> = body.into_iter().collect();
            collect_blanks(&inner, touched, blanks, depth + 1);
        }
    }
}

/// Splits a sequence of item tokens (a file, or the inside of an impl, trait or mod
/// block) into items, attributes and doc comments included with the item they precede.
fn items(tokens: &[TokenTree]) -> Vec<&[TokenTree]> {
    let mut items = Vec::new();
    let mut start = 0;
    let mut index = 0;
    while let Some(token) = tokens.get(index) {
        let mut end = None;
        match token {
            TokenTree::Punct(punct) if punct.as_char() == ';' => end = Some(index),
            // `#![...]` is an item of its own; `#[...]` belongs to what follows.
            TokenTree::Punct(punct)
                if punct.as_char() == '#'
                    && index == start
                    && is_inner_attribute(tokens.get(index..).unwrap_or(&[])) =>
            {
                end = Some(index + 2)
            }
            TokenTree::Group(group) if group.delimiter() == Delimiter::Brace => {
                match tokens.get(index + 1) {
                    None => end = Some(index),
                    Some(TokenTree::Punct(punct)) if punct.as_char() == ';' => {
                        end = Some(index + 1)
                    }
                    Some(TokenTree::Punct(punct)) if punct.as_char() == '#' => end = Some(index),
                    Some(TokenTree::Ident(ident))
                        if !CONTINUES_AFTER_BRACES.iter().any(|word| ident == word) =>
                    {
                        end = Some(index)
                    }
                    _ => {}
                }
            }
            _ => {}
        }
        if let Some(end) = end {
            if let Some(item) = tokens.get(start..=end) {
                items.push(item);
            }
            start = end + 1;
            index = end;
        }
        index += 1;
    }
    if let Some(rest) = tokens.get(start..) {
        if !rest.is_empty() {
            items.push(rest);
        }
    }
    items
}

fn is_inner_attribute(tokens: &[TokenTree]) -> bool {
    matches!(
        tokens,
        [TokenTree::Punct(hash), TokenTree::Punct(bang), TokenTree::Group(group), ..]
            if hash.as_char() == '#'
                && bang.as_char() == '!'
                && group.delimiter() == Delimiter::Bracket
    )
}

/// The inside of an `impl`, `trait` or `mod` block, whose items can be blanked one by
/// one; `None` for any other item (a function whose signature says `impl Trait` too).
fn container_body(item: &[TokenTree]) -> Option<TokenStream> {
    let (last, header) = item.split_last()?;
    let TokenTree::Group(body) = last else {
        return None;
    };
    let keyword = item_keyword(header)?;
    let is_container =
        body.delimiter() == Delimiter::Brace && ["impl", "trait", "mod"].contains(&&*keyword);
    is_container.then(|| body.stream())
}

/// The keyword that says what an item is (`fn`, `impl`, `struct`, ...): its first word
/// after attributes, visibility and the `unsafe`/`auto`/`default` qualifiers.
fn item_keyword(header: &[TokenTree]) -> Option<String> {
    let mut tokens = header.iter().peekable();
    while let Some(token) = tokens.next() {
        match token {
            TokenTree::Punct(punct) if punct.as_char() == '#' => {
                // `#[...]`, or `#![...]` inside a block: skip the `!` and the brackets.
                if matches!(tokens.peek(), Some(TokenTree::Punct(p)) if p.as_char() == '!') {
                    tokens.next();
                }
                tokens.next();
            }
            TokenTree::Ident(ident) => {
                let word = ident.to_string();
                match word.as_str() {
                    "pub" => {
                        // `pub(crate)`, `pub(in path)`
                        if matches!(tokens.peek(), Some(TokenTree::Group(g))
                            if g.delimiter() == Delimiter::Parenthesis)
                        {
                            tokens.next();
                        }
                    }
                    "unsafe" | "auto" | "default" => {}
                    _ => return Some(word),
                }
            }
            _ => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blanked(text: &str, touched: &[u32]) -> Option<String> {
        blank_untouched(text, &touched.iter().copied().collect())
    }

    /// The lines of `text` that still hold code after blanking.
    fn kept_lines(text: &str, touched: &[u32]) -> Vec<u32> {
        let out = blanked(text, touched).unwrap_or_else(|| text.to_string());
        assert_eq!(out.len(), text.len(), "byte offsets are kept");
        assert_eq!(out.lines().count(), text.lines().count(), "lines are kept");
        out.lines()
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty())
            .map(|(index, _)| index as u32 + 1)
            .collect()
    }

    const FILE: &str = "\
#![cfg_attr(docsrs, feature(doc_cfg))]
//! Docs.
use std::fmt;

/// A point.
struct Point { x: i32 }

impl Point {
    fn left(&self) -> i32 {
        self.x - 1
    }

    #[inline]
    fn right(&self) -> i32 {
        self.x + 1
    }
}

const LIMIT: usize = { 4 } as usize;

fn free() -> bool {
    if LIMIT > 2 { true } else { false }
}
";

    #[test]
    fn keeps_only_the_items_around_touched_lines_and_the_inner_attributes() {
        // Line 15 is in `right`: the impl header, `right` (with its attribute) and the
        // impl's closing brace stay; `left`, the struct, the const and `free` go.
        assert_eq!(kept_lines(FILE, &[15]), vec![1, 2, 8, 13, 14, 15, 16, 17]);
    }

    #[test]
    fn an_expression_with_braces_is_one_item() {
        // `{ 4 } as usize` and `if .. { } else { }` do not end their items early.
        assert_eq!(kept_lines(FILE, &[19]), vec![1, 2, 19]);
        assert_eq!(kept_lines(FILE, &[22]), vec![1, 2, 21, 22, 23]);
    }

    #[test]
    fn the_blanked_text_parses_to_the_touched_functions_only() {
        let out = blanked(FILE, &[10, 22]).unwrap_or_default();
        let parsed = crate::syntax::parse(&out);
        assert!(parsed.parse_error.is_none(), "{out}");
        let names: Vec<_> = parsed
            .functions
            .iter()
            .map(|f| f.qualified_name())
            .collect();
        assert_eq!(names, vec!["Point::left", "free"]);
        let full = crate::syntax::parse(FILE);
        let left = |p: &crate::syntax::ParsedFile| {
            p.functions
                .iter()
                .find(|f| f.name == "left")
                .map(|f| (f.start_line, f.end_line, f.identifiers.clone(), f.shape))
        };
        assert_eq!(left(&parsed), left(&full));
    }

    #[test]
    fn a_function_returning_impl_trait_is_not_opened_like_an_impl_block() {
        let text = "fn evens() -> impl Iterator<Item = u32> {\n    (0..10)\n        .filter(|n| n % 2 == 0)\n}\nfn other() {}\n";
        // Line 1 is touched: the whole function stays, body included.
        assert_eq!(kept_lines(text, &[1]), vec![1, 2, 3, 4]);
    }

    #[test]
    fn items_are_told_apart_by_their_keyword() {
        let words = |text: &str| {
            let tokens: Vec<TokenTree> = text.parse::<TokenStream>().unwrap().into_iter().collect();
            item_keyword(&tokens)
        };
        assert_eq!(
            words("#[cfg(test)] pub(crate) unsafe impl X for Y {}").as_deref(),
            Some("impl")
        );
        assert_eq!(words("/// Doc.\npub mod tests {}").as_deref(), Some("mod"));
        assert_eq!(words("pub fn f() -> impl Fn() {}").as_deref(), Some("fn"));
        assert_eq!(words("auto trait Marker {}").as_deref(), Some("trait"));
    }

    #[test]
    fn nothing_to_blank_or_no_tokens_means_no_blanked_text() {
        assert_eq!(blanked("fn a() {}\n", &[1]), None);
        assert_eq!(blanked("fn a() { \"open\n", &[1]), None);
    }

    #[test]
    fn multi_byte_text_in_a_blanked_item_keeps_offsets_and_utf8() {
        let text = "fn é() -> &'static str { \"ünïcödé\" }\nfn b() {}\n";
        assert_eq!(kept_lines(text, &[2]), vec![2]);
    }
}
