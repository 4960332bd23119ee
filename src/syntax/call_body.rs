//! The calls inside one function body (or macro definition), for `calls`: plain, qualified
//! and method calls, macros, functions passed as values, the type names it mentions, and
//! whether it runs a package binary.

use proc_macro2::{Delimiter, TokenStream, TokenTree};

use super::calls::{Call, CallKind, FunctionCalls};
use super::tokens::{ident_at, is_arrow, punct_at};

const NOT_CALLS: &[&str] = &[
    "if", "while", "match", "return", "fn", "for", "in", "loop", "let", "as", "move", "async",
    "await", "unsafe", "where", "impl", "dyn", "mut", "ref", "box", "Some", "Ok", "Err", "None",
    "self", "Self", "crate", "super",
];

/// Reads a body's tokens for calls, type names and signs of running a binary.
#[derive(Default)]
pub(super) struct BodyReader {
    calls: Vec<Call>,
    types: Vec<String>,
    runs_binary: bool,
}

impl BodyReader {
    pub(super) fn types(&mut self, tokens: &[TokenTree]) {
        for token in tokens {
            match token {
                TokenTree::Ident(ident) => {
                    let word = ident.to_string();
                    if word.starts_with(|c: char| c.is_ascii_uppercase()) {
                        self.types.push(word);
                    }
                }
                TokenTree::Group(group) => {
                    let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                    self.types(&inner);
                }
                _ => {}
            }
        }
    }

    pub(super) fn read(&mut self, stream: TokenStream) {
        let tokens: Vec<TokenTree> = stream.into_iter().collect();
        let lone_argument = tokens.len() == 1;
        for (index, token) in tokens.iter().enumerate() {
            match token {
                TokenTree::Group(group) => self.read(group.stream()),
                TokenTree::Literal(literal) => {
                    if literal.to_string().contains("CARGO_BIN_EXE_") {
                        self.runs_binary = true;
                    }
                }
                TokenTree::Ident(ident) => {
                    let word = ident.to_string();
                    if matches!(
                        word.as_str(),
                        "cargo_bin" | "cargo_bin_cmd" | "assert_cmd" | "trycmd" | "snapbox"
                    ) {
                        self.runs_binary = true;
                    }
                    if word.starts_with(|c: char| c.is_ascii_uppercase()) {
                        self.types.push(word.clone());
                    }
                    if NOT_CALLS.contains(&word.as_str()) {
                        continue;
                    }
                    self.call_at(&tokens, index, word, lone_argument);
                }
                TokenTree::Punct(_) => {}
            }
        }
    }

    fn call_at(&mut self, tokens: &[TokenTree], index: usize, word: String, lone: bool) {
        let after_dot = index > 0 && punct_at(tokens, index - 1) == Some('.');
        let qualifier = (index >= 3
            && punct_at(tokens, index - 1) == Some(':')
            && punct_at(tokens, index - 2) == Some(':'))
        .then(|| ident_at(tokens, index - 3))
        .flatten();
        let mut next = index + 1;
        // A turbofish: `parse::<u32>(..)`.
        if punct_at(tokens, next) == Some(':')
            && punct_at(tokens, next + 1) == Some(':')
            && punct_at(tokens, next + 2) == Some('<')
        {
            let mut depth = 0usize;
            let mut at = next + 2;
            while let Some(token) = tokens.get(at) {
                if let TokenTree::Punct(punct) = token {
                    match punct.as_char() {
                        '<' => depth += 1,
                        '>' if !is_arrow(tokens, at) => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                at += 1;
            }
            next = at + 1;
        }
        let parenthesised = matches!(tokens.get(next), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis);
        let is_macro = punct_at(tokens, next) == Some('!')
            && matches!(tokens.get(next + 1), Some(TokenTree::Group(_)));
        let lowercase = word.starts_with(|c: char| c.is_lowercase() || c == '_');
        let kind = if is_macro {
            Some(CallKind::Macro)
        } else if parenthesised && after_dot {
            Some(CallKind::Method)
        } else if (parenthesised && lowercase)
            || (qualifier.is_some() && lowercase && punct_at(tokens, next) != Some(':'))
            || (lone && lowercase)
        {
            // A call, or a function passed as a value (`.map(Self::convert)`, `.map(parse)`).
            Some(CallKind::Function)
        } else {
            None
        };
        if let Some(kind) = kind {
            self.calls.push(Call {
                kind,
                name: word,
                qualifier: if kind == CallKind::Method {
                    None
                } else {
                    qualifier
                },
            });
        }
    }

    pub(super) fn finish(mut self, into: &mut FunctionCalls) {
        self.calls.sort();
        self.calls.dedup();
        self.types.sort();
        self.types.dedup();
        into.calls = self.calls;
        into.types = self.types;
        into.runs_binary = self.runs_binary;
    }
}
