//! Where code silences a check or leaves a stand-in behind: `#[allow(..)]` and
//! `#![allow(..)]` attributes (with their lints, and whether they give a `reason`),
//! `unsafe` blocks, functions and impls, `#[ignore]` without a reason, and `todo!`,
//! `unimplemented!` and `dbg!` calls (inside other macros' arguments too). Each is found
//! with the line of its own token, the line where its statement or item starts (a
//! comment above that covers it), and whether it sits in test code. Comments are not in
//! the syntax tree: whether one gives a reason is the rule's reading of the text.

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Attribute, Meta, Token};

use super::test_code::{is_cfg_test, is_test_attribute};

/// Something that silences a check, or a stand-in left in the code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Silencer {
    /// 1-based line of the attribute, of the `unsafe` keyword, or of the macro's name.
    pub line: u32,
    /// 1-based line where the statement or item that holds it starts.
    pub anchor_line: u32,
    pub kind: SilencerKind,
    /// In test code: a `#[cfg(test)]` module or file, or a test function.
    pub in_test: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SilencerKind {
    /// `#[allow(..)]`, or `#![allow(..)]` when `inner`; `cfg_attr(.., allow(..))` too.
    Allow {
        lints: Vec<String>,
        /// `reason = ".."` among its arguments.
        has_reason: bool,
        inner: bool,
    },
    UnsafeBlock,
    /// An `unsafe fn` that is no trait impl's method; `documented` when its docs hold a
    /// `# Safety` section.
    UnsafeFn {
        documented: bool,
    },
    UnsafeImpl,
    /// `#[ignore]` with no reason string.
    Ignore,
    /// `todo!`, `unimplemented!` or `dbg!`: the macro's name.
    Leftover(&'static str),
}

/// Macros that stand in for code not written yet, or for debugging.
const LEFTOVER_MACROS: &[&str] = &["todo", "unimplemented", "dbg"];

pub fn collect(file: &syn::File, file_is_test: bool) -> Vec<Silencer> {
    let mut finder = Finder {
        in_test: file_is_test,
        anchors: Vec::new(),
        in_trait_impl: false,
        found: Vec::new(),
    };
    finder.visit_file(file);
    finder.found.sort_by_key(|silencer| silencer.line);
    finder.found
}

struct Finder {
    in_test: bool,
    /// Start lines of the statements and items around the current node, innermost last.
    anchors: Vec<u32>,
    in_trait_impl: bool,
    found: Vec<Silencer>,
}

fn line_of(span: Span) -> u32 {
    span.start().line as u32
}

impl Finder {
    fn push(&mut self, line: u32, kind: SilencerKind) {
        self.found.push(Silencer {
            line,
            anchor_line: self.anchors.last().copied().unwrap_or(line),
            kind,
            in_test: self.in_test,
        });
    }

    /// Visits a node that starts a statement or item at `line`, in test code when
    /// `test` (or already).
    fn within(&mut self, line: u32, test: bool, visit: impl FnOnce(&mut Finder)) {
        let was_test = self.in_test;
        self.in_test |= test;
        self.anchors.push(line);
        visit(self);
        self.anchors.pop();
        self.in_test = was_test;
    }

    /// Leftover macros named anywhere in a macro's tokens: syn does not parse the
    /// arguments of `println!` or `tokio::select!`, so they are found on the tokens.
    fn scan_tokens(&mut self, tokens: TokenStream) {
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        for (index, token) in tokens.iter().enumerate() {
            match token {
                TokenTree::Ident(ident) => {
                    let name = ident.to_string();
                    let bang = matches!(tokens.get(index + 1), Some(TokenTree::Punct(p)) if p.as_char() == '!');
                    let called = matches!(tokens.get(index + 2), Some(TokenTree::Group(_)));
                    if bang && called {
                        if let Some(macro_name) = leftover(&name) {
                            self.push(line_of(ident.span()), SilencerKind::Leftover(macro_name));
                        }
                    }
                }
                TokenTree::Group(group) => self.scan_tokens(group.stream()),
                _ => {}
            }
        }
    }
}

fn leftover(name: &str) -> Option<&'static str> {
    LEFTOVER_MACROS.iter().copied().find(|known| *known == name)
}

/// The lints an `allow` lists, and whether it gives a reason; `None` for other
/// attributes. `cfg_attr(pred, allow(..))` counts as the `allow` it applies.
fn allow_of(attribute: &Attribute) -> Option<(Vec<String>, bool)> {
    let path = attribute.path();
    if path.is_ident("allow") {
        return allow_arguments(&attribute.meta);
    }
    if !path.is_ident("cfg_attr") {
        return None;
    }
    let arguments = attribute
        .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
        .ok()?;
    arguments
        .iter()
        .skip(1)
        .find(|meta| meta.path().is_ident("allow"))
        .and_then(allow_arguments)
}

fn allow_arguments(meta: &Meta) -> Option<(Vec<String>, bool)> {
    let Meta::List(list) = meta else {
        return None;
    };
    let arguments = list
        .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
        .ok()?;
    let mut lints = Vec::new();
    let mut has_reason = false;
    for argument in &arguments {
        match argument {
            Meta::Path(path) => lints.push(path_text(path)),
            Meta::NameValue(pair) if pair.path.is_ident("reason") => has_reason = true,
            _ => {}
        }
    }
    Some((lints, has_reason))
}

fn path_text(path: &syn::Path) -> String {
    path.segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}

/// `#[ignore]` with no `= "reason"` (`#[ignore("..")]` is not valid, so a list is none).
fn is_bare_ignore(attribute: &Attribute) -> bool {
    attribute.path().is_ident("ignore") && matches!(attribute.meta, Meta::Path(_))
}

/// Doc comments with a `# Safety` heading.
fn documents_safety(attributes: &[Attribute]) -> bool {
    attributes
        .iter()
        .filter(|attribute| attribute.path().is_ident("doc"))
        .filter_map(|attribute| match &attribute.meta {
            Meta::NameValue(syn::MetaNameValue {
                value:
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(text),
                        ..
                    }),
                ..
            }) => Some(text.value()),
            _ => None,
        })
        .any(|text| text.trim().to_ascii_lowercase().starts_with("# safety"))
}

fn is_test_item(attributes: &[Attribute]) -> bool {
    attributes
        .iter()
        .any(|attribute| is_cfg_test(attribute) || is_test_attribute(attribute))
}

impl<'ast> Visit<'ast> for Finder {
    fn visit_attribute(&mut self, attribute: &'ast Attribute) {
        let line = line_of(attribute.span());
        if let Some((lints, has_reason)) = allow_of(attribute) {
            let inner = matches!(attribute.style, syn::AttrStyle::Inner(_));
            self.push(
                line,
                SilencerKind::Allow {
                    lints,
                    has_reason,
                    inner,
                },
            );
        } else if is_bare_ignore(attribute) {
            self.push(line, SilencerKind::Ignore);
        }
    }

    fn visit_item(&mut self, item: &'ast syn::Item) {
        let test = match item {
            syn::Item::Fn(function) => is_test_item(&function.attrs),
            syn::Item::Mod(module) => is_test_item(&module.attrs),
            syn::Item::Impl(implementation) => is_test_item(&implementation.attrs),
            _ => false,
        };
        self.within(line_of(item.span()), test, |finder| {
            visit::visit_item(finder, item)
        });
    }

    fn visit_item_fn(&mut self, function: &'ast syn::ItemFn) {
        if let syn::Safety::Unsafe(token) = &function.sig.safety {
            let documented = documents_safety(&function.attrs);
            self.push(line_of(token.span), SilencerKind::UnsafeFn { documented });
        }
        visit::visit_item_fn(self, function);
    }

    fn visit_item_impl(&mut self, implementation: &'ast syn::ItemImpl) {
        if let Some(token) = &implementation.unsafety {
            self.push(line_of(token.span), SilencerKind::UnsafeImpl);
        }
        let was = self.in_trait_impl;
        self.in_trait_impl = implementation.trait_.is_some();
        visit::visit_item_impl(self, implementation);
        self.in_trait_impl = was;
    }

    fn visit_impl_item(&mut self, item: &'ast syn::ImplItem) {
        let test = match item {
            syn::ImplItem::Fn(method) => is_test_item(&method.attrs),
            _ => false,
        };
        self.within(line_of(item.span()), test, |finder| {
            visit::visit_impl_item(finder, item)
        });
    }

    fn visit_impl_item_fn(&mut self, method: &'ast syn::ImplItemFn) {
        // A trait impl's `unsafe fn` carries the trait's contract, documented there.
        if let (syn::Safety::Unsafe(token), false) = (&method.sig.safety, self.in_trait_impl) {
            let documented = documents_safety(&method.attrs);
            self.push(line_of(token.span), SilencerKind::UnsafeFn { documented });
        }
        visit::visit_impl_item_fn(self, method);
    }

    fn visit_stmt(&mut self, statement: &'ast syn::Stmt) {
        self.within(line_of(statement.span()), false, |finder| {
            visit::visit_stmt(finder, statement)
        });
    }

    fn visit_expr_unsafe(&mut self, block: &'ast syn::ExprUnsafe) {
        self.push(line_of(block.unsafe_token.span), SilencerKind::UnsafeBlock);
        visit::visit_expr_unsafe(self, block);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let name = mac
            .path
            .segments
            .last()
            .map(|segment| segment.ident.to_string())
            .unwrap_or_default();
        if let Some(macro_name) = leftover(&name) {
            self.push(line_of(mac.path.span()), SilencerKind::Leftover(macro_name));
        }
        self.scan_tokens(mac.tokens.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::SilencerKind::*;
    use super::*;

    fn found(text: &str) -> Vec<(u32, SilencerKind, bool)> {
        let file: syn::File = syn::parse_str(text).expect("test text parses");
        collect(&file, false)
            .into_iter()
            .map(|s| (s.line, s.kind, s.in_test))
            .collect()
    }

    #[test]
    fn allows_with_their_lints_and_reasons() {
        let text = "#![allow(dead_code)]\n#[allow(clippy::too_many_arguments, reason = \"mirrors the C API\")]\nfn f() {}\n#[cfg_attr(windows, allow(unused_imports))]\nuse std::fs;\n#[expect(unused)]\nfn g() {}\n";
        assert_eq!(
            found(text),
            vec![
                (
                    1,
                    Allow {
                        lints: vec!["dead_code".into()],
                        has_reason: false,
                        inner: true
                    },
                    false
                ),
                (
                    2,
                    Allow {
                        lints: vec!["clippy::too_many_arguments".into()],
                        has_reason: true,
                        inner: false
                    },
                    false
                ),
                (
                    4,
                    Allow {
                        lints: vec!["unused_imports".into()],
                        has_reason: false,
                        inner: false
                    },
                    false
                ),
            ]
        );
    }

    #[test]
    fn unsafe_blocks_fns_and_impls_with_their_anchor() {
        let text = "unsafe impl Send for P {}\n/// # Safety\n/// `p` is valid.\npub unsafe fn read(p: *const u8) -> u8 {\n    let v =\n        unsafe { *p };\n    v\n}\nimpl Sync for Q {}\nimpl GlobalAlloc for A {\n    unsafe fn alloc(&self, l: Layout) -> *mut u8 { todo!() }\n}\n";
        let file: syn::File = syn::parse_str(text).expect("parses");
        let found = collect(&file, false);
        let kinds: Vec<(u32, u32, &SilencerKind)> = found
            .iter()
            .map(|s| (s.line, s.anchor_line, &s.kind))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (1, 1, &UnsafeImpl),
                (4, 2, &UnsafeFn { documented: true }),
                (6, 5, &UnsafeBlock),
                (11, 11, &Leftover("todo")),
            ]
        );
    }

    #[test]
    fn leftovers_inside_macro_arguments_and_test_code() {
        let text = "fn f(x: u8) { println!(\"{}\", dbg!(x)); unimplemented!() }\n#[cfg(test)]\nmod tests {\n    #[test]\n    #[ignore]\n    fn slow() { dbg!(1); }\n    #[test]\n    #[ignore = \"needs the network\"]\n    fn online() {}\n}\n";
        assert_eq!(
            found(text),
            vec![
                (1, Leftover("dbg"), false),
                (1, Leftover("unimplemented"), false),
                (5, Ignore, true),
                (6, Leftover("dbg"), true),
            ]
        );
    }
}
