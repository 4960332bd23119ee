//! A calls-only reading of a Rust file for the call index (`crate::reach`): its
//! functions (name, owner type, inline modules, test or not), the names each one calls,
//! and the modules the file declares (`#[cfg(test)] mod mocks;`).
//!
//! It lexes the text into tokens and walks items without building a syntax tree: a file's
//! unchanged neighbours are read this way for every package a change touches, and lexing
//! costs a fraction of a full parse. Macro arguments are plain tokens here, so calls inside
//! `assert_eq!(parse(..), ..)` or `vec![build()]` are seen like any other, and item-level
//! macros (`cfg_rt! { mod x; impl ... }`) are read as the items they wrap.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use std::str::FromStr;

use super::call_body::BodyReader;
pub use super::call_cache::{cached_calls, cached_read_calls, read_calls_of_all};
use super::tokens::{group_at, ident_at, is_trait_impl, punct_at, self_type};

/// What the call index knows about one version of one file.
#[derive(Debug, Clone, Default)]
pub struct FileCalls {
    /// `#![cfg(test)]` at the top of the file.
    pub file_is_test: bool,
    pub functions: Vec<FunctionCalls>,
    /// `mod NAME;` items: files this one declares as its submodules.
    pub declared_modules: Vec<ModuleDeclaration>,
    /// The text did not lex (an unclosed delimiter, say): nothing in it is known.
    pub unreadable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleDeclaration {
    pub name: String,
    /// Declared under `#[cfg(test)]` (or a cfg that requires `test`).
    pub is_test: bool,
    /// `#[path = "..."]`, as written.
    pub path: Option<String>,
}

/// One function (or `macro_rules!` macro) and what it calls.
#[derive(Debug, Clone, Default)]
pub struct FunctionCalls {
    pub name: String,
    /// The type or trait whose impl (or definition) holds the function.
    pub owner: Option<String>,
    /// Inline `mod` names from the file's root down to the function.
    pub modules: Vec<String>,
    /// A `#[test]`-like attribute, or inside `#[cfg(test)]`.
    pub is_test: bool,
    /// In an `impl Trait for Type`: callable through generics and trait objects.
    pub in_trait_impl: bool,
    /// `#[ignore]`: `cargo test` skips it unless asked.
    pub is_ignored: bool,
    /// A `macro_rules!` definition: invoked as `name!(..)`.
    pub is_macro: bool,
    pub calls: Vec<Call>,
    /// Capitalised names in the signature and body: the types a method call's receiver
    /// most likely has.
    pub types: Vec<String>,
    /// Runs a package binary: `env!("CARGO_BIN_EXE_..")`, `Command::cargo_bin`,
    /// `assert_cmd`, `cargo_bin_cmd!`, `trycmd`, `snapbox::cmd`.
    pub runs_binary: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Call {
    pub kind: CallKind,
    pub name: String,
    /// The path segment before the name: `Config` in `Config::load(..)`, `parse` in
    /// `parse::version()`.
    pub qualifier: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CallKind {
    /// `name(..)`, `path::name(..)`, or `path::name` passed as a value.
    Function,
    /// `receiver.name(..)`.
    Method,
    /// `name!(..)`.
    Macro,
}

/// Reads one text. Never panics; span data is released afterwards.
pub fn read_calls(text: &str) -> FileCalls {
    let tokens = TokenStream::from_str(text);
    let result = match tokens {
        Ok(tokens) => {
            let tokens: Vec<TokenTree> = tokens.into_iter().collect();
            let mut walker = ItemWalker::default();
            let file_is_test = inner_cfg_test(&tokens);
            walker.items(&tokens, file_is_test, None);
            FileCalls {
                file_is_test,
                functions: walker.functions,
                declared_modules: walker.declared,
                unreadable: false,
            }
        }
        Err(_) => FileCalls {
            unreadable: true,
            ..FileCalls::default()
        },
    };
    proc_macro2::extra::invalidate_current_thread_spans();
    result
}

/// What the attributes before an item say.
#[derive(Default, Clone)]
struct Attributes {
    cfg_test: bool,
    test: bool,
    ignored: bool,
    path: Option<String>,
}

#[derive(Default)]
struct ItemWalker {
    modules: Vec<String>,
    /// Inside an `impl Trait for Type` body.
    in_trait_impl: bool,
    functions: Vec<FunctionCalls>,
    declared: Vec<ModuleDeclaration>,
}

fn words(stream: &TokenStream) -> Vec<String> {
    let text = stream.to_string();
    text.split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// `#![cfg(test)]` among the file's leading inner attributes.
fn inner_cfg_test(tokens: &[TokenTree]) -> bool {
    let mut index = 0;
    while punct_at(tokens, index) == Some('#') && punct_at(tokens, index + 1) == Some('!') {
        if let Some(group) = group_at(tokens, index + 2) {
            if attribute(group.stream(), &mut Attributes::default()) {
                return true;
            }
        }
        index += 3;
    }
    false
}

/// Reads one attribute's content into `into`; returns whether it is a cfg requiring test.
fn attribute(stream: TokenStream, into: &mut Attributes) -> bool {
    let tokens: Vec<TokenTree> = stream.into_iter().collect();
    let Some(first) = ident_at(&tokens, 0) else {
        return false;
    };
    // The last path segment names the attribute: `tokio::test`, `rstest`.
    let mut last = first.clone();
    let mut index = 1;
    while punct_at(&tokens, index) == Some(':') && punct_at(&tokens, index + 1) == Some(':') {
        match ident_at(&tokens, index + 2) {
            Some(segment) => last = segment,
            None => break,
        }
        index += 3;
    }
    match first.as_str() {
        "cfg" => {
            let is_test = group_at(&tokens, 1).is_some_and(|group| {
                let words = words(&group.stream());
                words.iter().any(|w| w == "test") && !words.iter().any(|w| w == "not")
            });
            into.cfg_test |= is_test;
            is_test
        }
        "ignore" => {
            into.ignored = true;
            false
        }
        "path" => {
            if let Some(TokenTree::Literal(literal)) = tokens.get(2) {
                let text = literal.to_string();
                into.path = Some(text.trim_matches('"').to_string());
            }
            false
        }
        _ => {
            let test_like = matches!(
                last.as_str(),
                "test"
                    | "rstest"
                    | "test_case"
                    | "bench"
                    | "quickcheck"
                    | "proptest"
                    | "wasm_bindgen_test"
            ) || last.ends_with("_test");
            into.test |= test_like;
            false
        }
    }
}

impl ItemWalker {
    /// Walks the items of a file, module, impl or trait body. `owner` is the impl's or
    /// trait's type.
    fn items(&mut self, tokens: &[TokenTree], in_test: bool, owner: Option<&str>) {
        let mut attributes = Attributes::default();
        let mut index = 0;
        while index < tokens.len() {
            let Some(token) = tokens.get(index) else {
                break;
            };
            match token {
                TokenTree::Punct(punct) if punct.as_char() == '#' => {
                    let inner = punct_at(tokens, index + 1) == Some('!');
                    let at = if inner { index + 2 } else { index + 1 };
                    if let Some(group) = group_at(tokens, at) {
                        if group.delimiter() == Delimiter::Bracket && !inner {
                            attribute(group.stream(), &mut attributes);
                        }
                    }
                    index = at + 1;
                    continue;
                }
                TokenTree::Punct(punct) if punct.as_char() == ';' => {
                    attributes = Attributes::default();
                }
                TokenTree::Group(group) if group.delimiter() == Delimiter::Brace => {
                    attributes = Attributes::default();
                }
                TokenTree::Ident(ident) => {
                    let word = ident.to_string();
                    let test = in_test || attributes.cfg_test;
                    match word.as_str() {
                        "fn" => {
                            index = self.function(tokens, index, &attributes, test, owner);
                            attributes = Attributes::default();
                            continue;
                        }
                        "impl" | "trait" => {
                            index = self.implementation(tokens, index, &word, test);
                            attributes = Attributes::default();
                            continue;
                        }
                        "mod" => {
                            index = self.module(tokens, index, &attributes, test);
                            attributes = Attributes::default();
                            continue;
                        }
                        "macro_rules" => {
                            index = self.macro_rules(tokens, index, test);
                            attributes = Attributes::default();
                            continue;
                        }
                        _ => {
                            // An item-level macro (`cfg_rt! { .. }`) wraps items.
                            if punct_at(tokens, index + 1) == Some('!') {
                                if let Some(group) = group_at(tokens, index + 2) {
                                    if group.delimiter() == Delimiter::Brace {
                                        let inner: Vec<TokenTree> =
                                            group.stream().into_iter().collect();
                                        self.items(&inner, test, owner);
                                        attributes = Attributes::default();
                                        index += 3;
                                        continue;
                                    }
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
            index += 1;
        }
    }

    /// `fn NAME ... { body }` from `fn` at `start`; returns the index after the item.
    fn function(
        &mut self,
        tokens: &[TokenTree],
        start: usize,
        attributes: &Attributes,
        in_test: bool,
        owner: Option<&str>,
    ) -> usize {
        let Some(name) = ident_at(tokens, start + 1) else {
            return start + 1;
        };
        let mut index = start + 2;
        let mut signature = Vec::new();
        while let Some(token) = tokens.get(index) {
            match token {
                TokenTree::Group(group) if group.delimiter() == Delimiter::Brace => {
                    let mut function = FunctionCalls {
                        name,
                        owner: owner.map(str::to_string),
                        modules: self.modules.clone(),
                        is_test: in_test || attributes.test || attributes.cfg_test,
                        is_ignored: attributes.ignored,
                        in_trait_impl: self.in_trait_impl,
                        ..FunctionCalls::default()
                    };
                    let mut body = BodyReader::default();
                    body.types(&signature);
                    body.read(group.stream());
                    body.finish(&mut function);
                    self.functions.push(function);
                    return index + 1;
                }
                TokenTree::Punct(punct) if punct.as_char() == ';' => return index + 1,
                other => signature.push(other.clone()),
            }
            index += 1;
        }
        index
    }

    /// `impl ... { items }` or `trait NAME ... { items }`.
    fn implementation(
        &mut self,
        tokens: &[TokenTree],
        start: usize,
        keyword: &str,
        in_test: bool,
    ) -> usize {
        let mut index = start + 1;
        let mut header = Vec::new();
        while let Some(token) = tokens.get(index) {
            match token {
                TokenTree::Group(group) if group.delimiter() == Delimiter::Brace => {
                    let owner = if keyword == "trait" {
                        ident_at(&header, 0)
                    } else {
                        self_type(&header)
                    };
                    let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                    let outer = self.in_trait_impl;
                    self.in_trait_impl = keyword == "impl" && is_trait_impl(&header);
                    self.items(&inner, in_test, owner.as_deref());
                    self.in_trait_impl = outer;
                    return index + 1;
                }
                TokenTree::Punct(punct) if punct.as_char() == ';' => return index + 1,
                other => header.push(other.clone()),
            }
            index += 1;
        }
        index
    }

    fn module(
        &mut self,
        tokens: &[TokenTree],
        start: usize,
        attributes: &Attributes,
        in_test: bool,
    ) -> usize {
        let Some(name) = ident_at(tokens, start + 1) else {
            return start + 1;
        };
        match tokens.get(start + 2) {
            Some(TokenTree::Group(group)) if group.delimiter() == Delimiter::Brace => {
                let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                self.modules.push(name);
                self.items(&inner, in_test, None);
                self.modules.pop();
                start + 3
            }
            _ => {
                // Only a file's top-level declarations name files next to it.
                if self.modules.is_empty() {
                    self.declared.push(ModuleDeclaration {
                        name,
                        is_test: in_test,
                        path: attributes.path.clone(),
                    });
                }
                start + 2
            }
        }
    }

    /// `macro_rules! NAME { .. }`: a function-like entry whose calls are its rules' calls.
    fn macro_rules(&mut self, tokens: &[TokenTree], start: usize, in_test: bool) -> usize {
        let (Some(name), Some(group)) = (ident_at(tokens, start + 2), group_at(tokens, start + 3))
        else {
            return start + 1;
        };
        let mut function = FunctionCalls {
            name,
            modules: self.modules.clone(),
            is_test: in_test,
            is_macro: true,
            ..FunctionCalls::default()
        };
        let mut body = BodyReader::default();
        body.read(group.stream());
        body.finish(&mut function);
        self.functions.push(function);
        start + 4
    }
}

#[cfg(test)]
mod tests;
