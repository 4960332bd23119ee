//! Walks a parsed file's items (modules, impls, traits) and builds one `Function` per
//! function body, remembering which ones are test code.

use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::{Attribute, Block, ImplItem, Item, ReturnType, Signature, TraitItem, Type};

use super::sites::collect_sites;
use super::test_code::{is_cfg_test, is_test_attribute};
use super::{Function, ParsedFile, Returns};

pub fn collect(file: &syn::File) -> ParsedFile {
    let file_is_test = file.attrs.iter().any(is_cfg_test);
    let mut walker = Walker {
        modules: Vec::new(),
        functions: Vec::new(),
    };
    walker.items(&file.items, file_is_test);
    ParsedFile {
        parse_error: None,
        file_is_test,
        functions: walker.functions,
        silencers: Vec::new(),
        swallows: Vec::new(),
        test_bodies: Vec::new(),
    }
}

struct Walker {
    modules: Vec<String>,
    functions: Vec<Function>,
}

impl Walker {
    fn items(&mut self, items: &[Item], in_test: bool) {
        for item in items {
            match item {
                Item::Fn(function) => {
                    self.function(
                        &function.attrs,
                        &function.sig,
                        &function.block,
                        None,
                        in_test,
                        function.span(),
                    );
                }
                Item::Impl(implementation) => {
                    let in_test = in_test || implementation.attrs.iter().any(is_cfg_test);
                    let owner = type_name(&implementation.self_ty);
                    for impl_item in &implementation.items {
                        if let ImplItem::Fn(method) = impl_item {
                            self.function(
                                &method.attrs,
                                &method.sig,
                                &method.block,
                                owner.clone(),
                                in_test,
                                method.span(),
                            );
                        }
                    }
                }
                Item::Trait(definition) => {
                    let in_test = in_test || definition.attrs.iter().any(is_cfg_test);
                    let owner = Some(definition.ident.to_string());
                    for trait_item in &definition.items {
                        if let TraitItem::Fn(method) = trait_item {
                            if let Some(block) = &method.default {
                                self.function(
                                    &method.attrs,
                                    &method.sig,
                                    block,
                                    owner.clone(),
                                    in_test,
                                    method.span(),
                                );
                            }
                        }
                    }
                }
                Item::Mod(module) => {
                    if let Some((_, content)) = &module.content {
                        let in_test = in_test || module.attrs.iter().any(is_cfg_test);
                        self.modules.push(module.ident.to_string());
                        self.items(content, in_test);
                        self.modules.pop();
                    }
                }
                _ => {}
            }
        }
    }

    fn function(
        &mut self,
        attrs: &[Attribute],
        signature: &Signature,
        block: &Block,
        owner: Option<String>,
        in_test: bool,
        span: proc_macro2::Span,
    ) {
        let is_test = in_test || attrs.iter().any(|a| is_test_attribute(a) || is_cfg_test(a));
        let mut identifiers = BTreeSet::new();
        identifiers.insert(signature.ident.to_string());
        collect_identifiers(signature.to_token_stream(), &mut identifiers);
        // Re-tokenising a body copies it; one walk of the copy gives both the
        // identifiers and the shape.
        let shape = walk_body(block.to_token_stream(), &mut identifiers);
        let (sites, decisions) = collect_sites(signature.inputs.iter(), block);
        let start_line = attrs
            .iter()
            .map(|a| a.span().start().line)
            .chain(std::iter::once(span.start().line))
            .min()
            .unwrap_or(0) as u32;
        self.functions.push(Function {
            name: signature.ident.to_string(),
            owner,
            modules: self.modules.clone(),
            start_line,
            end_line: span.end().line as u32,
            is_test,
            is_ignored: attrs.iter().any(|a| a.path().is_ident("ignore")),
            returns: returns(&signature.output),
            sites,
            decisions,
            identifiers,
            doc: doc_lines(attrs),
            shape,
        });
    }
}

/// The last path segment of an impl's self type: `Config` for `impl<'a> Config<'a>`.
fn type_name(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        Type::Reference(reference) => type_name(&reference.elem),
        Type::Group(group) => type_name(&group.elem),
        Type::Paren(paren) => type_name(&paren.elem),
        _ => None,
    }
}

fn returns(output: &ReturnType) -> Returns {
    let ReturnType::Type(_, ty) = output else {
        return Returns::Nothing;
    };
    let Type::Path(path) = ty.as_ref() else {
        return Returns::Other;
    };
    let Some(last) = path.path.segments.last() else {
        return Returns::Other;
    };
    let name = last.ident.to_string();
    if name == "Option" {
        Returns::Option
    } else if name.ends_with("Result") {
        // `Result`, `io::Result`, `anyhow::Result`, `ParseResult`, ...
        Returns::Result
    } else if name == "Poll" {
        // `Poll<Result<..>>`/`Poll<Option<..>>` carry failure the same way.
        Returns::Result
    } else {
        Returns::Other
    }
}

fn doc_lines(attrs: &[Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(value) => match &value.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(text),
                    ..
                }) => Some(text.value().trim().to_string()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

fn collect_identifiers(tokens: TokenStream, into: &mut BTreeSet<String>) {
    for token in tokens {
        match token {
            TokenTree::Ident(ident) => {
                into.insert(ident.to_string());
            }
            TokenTree::Group(group) => collect_identifiers(group.stream(), into),
            _ => {}
        }
    }
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "else", "enum", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "move", "mut", "pub", "ref", "return", "self",
    "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "Some", "None", "Ok", "Err",
];

/// Collects a body's identifiers into `identifiers` and hashes its token structure with
/// names and literals blanked, so that two functions that differ only in names and
/// constants get the same shape: (hash, token count).
fn walk_body(tokens: TokenStream, identifiers: &mut BTreeSet<String>) -> (u64, usize) {
    fn feed(
        tokens: TokenStream,
        hasher: &mut std::collections::hash_map::DefaultHasher,
        identifiers: &mut BTreeSet<String>,
    ) -> usize {
        let mut count = 0;
        for token in tokens {
            count += 1;
            match token {
                TokenTree::Ident(ident) => {
                    let text = ident.to_string();
                    if KEYWORDS.contains(&text.as_str()) {
                        text.hash(hasher);
                    } else {
                        '_'.hash(hasher);
                    }
                    identifiers.insert(text);
                }
                TokenTree::Literal(_) => '0'.hash(hasher),
                TokenTree::Punct(punct) => punct.as_char().hash(hasher),
                TokenTree::Group(group) => {
                    let (open, close) = match group.delimiter() {
                        Delimiter::Parenthesis => ('(', ')'),
                        Delimiter::Brace => ('{', '}'),
                        Delimiter::Bracket => ('[', ']'),
                        Delimiter::None => ('<', '>'),
                    };
                    open.hash(hasher);
                    count += feed(group.stream(), hasher, identifiers);
                    close.hash(hasher);
                }
            }
        }
        count
    }
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    let count = feed(tokens, &mut hasher, identifiers);
    (hasher.finish(), count)
}
