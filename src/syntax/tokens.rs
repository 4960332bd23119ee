//! Token-tree helpers for the lexed (calls-only) readers: what token stands at an index,
//! and what an `impl` header is for. They read `proc_macro2` tokens, never a syntax tree.

use proc_macro2::{Spacing, TokenTree};

pub(super) fn ident_at(tokens: &[TokenTree], index: usize) -> Option<String> {
    match tokens.get(index) {
        Some(TokenTree::Ident(ident)) => Some(ident.to_string()),
        _ => None,
    }
}

pub(super) fn punct_at(tokens: &[TokenTree], index: usize) -> Option<char> {
    match tokens.get(index) {
        Some(TokenTree::Punct(punct)) => Some(punct.as_char()),
        _ => None,
    }
}

pub(super) fn group_at(tokens: &[TokenTree], index: usize) -> Option<&proc_macro2::Group> {
    match tokens.get(index) {
        Some(TokenTree::Group(group)) => Some(group),
        _ => None,
    }
}

/// The type an impl header is for: `Wrapper` in `impl<T> fmt::Display for Wrapper<T>
/// where T: Debug`, `Config` in `impl<'a> Config<'a>`.
pub(super) fn self_type(header: &[TokenTree]) -> Option<String> {
    let mut depth = 0usize;
    let mut after_for: Option<usize> = None;
    let mut index = 0;
    // Skip the impl's own generics first.
    if punct_at(header, 0) == Some('<') {
        for (at, token) in header.iter().enumerate() {
            if let TokenTree::Punct(punct) = token {
                match punct.as_char() {
                    '<' => depth += 1,
                    '>' if !is_arrow(header, at) => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            index = at + 1;
                            break;
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    depth = 0;
    for (at, token) in header.iter().enumerate().skip(index) {
        match token {
            TokenTree::Punct(punct) if punct.as_char() == '<' => depth += 1,
            TokenTree::Punct(punct) if punct.as_char() == '>' && !is_arrow(header, at) => {
                depth = depth.saturating_sub(1)
            }
            TokenTree::Ident(ident) if depth == 0 && ident == "for" => after_for = Some(at + 1),
            TokenTree::Ident(ident) if depth == 0 && ident == "where" => break,
            _ => {}
        }
    }
    let from = after_for.unwrap_or(index);
    let mut name = None;
    depth = 0;
    for (at, token) in header.iter().enumerate().skip(from) {
        match token {
            TokenTree::Punct(punct) if punct.as_char() == '<' => depth += 1,
            TokenTree::Punct(punct) if punct.as_char() == '>' && !is_arrow(header, at) => {
                depth = depth.saturating_sub(1)
            }
            TokenTree::Ident(ident) if depth == 0 => {
                let word = ident.to_string();
                if word == "where" {
                    break;
                }
                let lifetime = at > 0 && punct_at(header, at - 1) == Some('\'');
                if !lifetime && !matches!(word.as_str(), "dyn" | "mut" | "const" | "impl") {
                    name = Some(word);
                }
            }
            _ => {}
        }
    }
    name
}

/// `impl<..> Trait for Type`: a `for` outside the generics (not `for<'a>` bounds).
pub(super) fn is_trait_impl(header: &[TokenTree]) -> bool {
    let mut depth = 0usize;
    header.iter().enumerate().any(|(at, token)| match token {
        TokenTree::Punct(punct) if punct.as_char() == '<' => {
            depth += 1;
            false
        }
        TokenTree::Punct(punct) if punct.as_char() == '>' && !is_arrow(header, at) => {
            depth = depth.saturating_sub(1);
            false
        }
        TokenTree::Ident(ident) => {
            depth == 0 && ident == "for" && punct_at(header, at + 1) != Some('<')
        }
        _ => false,
    })
}

/// The `>` of `->`.
pub(super) fn is_arrow(tokens: &[TokenTree], at: usize) -> bool {
    at > 0
        && matches!(tokens.get(at - 1), Some(TokenTree::Punct(p)) if p.as_char() == '-' && p.spacing() == Spacing::Joint)
}
