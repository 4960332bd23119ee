//! What each function body could fail a test with, as raw facts for assertion-free-test:
//! the macros it calls (with the first argument of each, to tell `assert!(x.is_ok())`
//! from a real check), the methods and functions it calls by name, whether it uses `?`,
//! and whether it computes a comparison it does not throw away. Which of those count as
//! an assertion is the rule's data, not this module's. Macro arguments that parse as
//! expressions are walked too (`println!("{}", x.unwrap())`); bodies of nested items are
//! their own.

use proc_macro2::TokenStream;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Attribute, BinOp, Block, Expr, ImplItem, Item, Stmt, Token};

use super::test_code::is_test_attribute;

/// One function's body, as a test or a helper of one.
#[derive(Debug, Clone, Default)]
pub struct TestBody {
    pub name: String,
    /// 1-based line of the function's name.
    pub line: u32,
    /// `#[test]`-like attribute (`#[bench]` is not one: a benchmark asserts nothing).
    pub is_test: bool,
    pub should_panic: bool,
    /// The signature returns something (`-> Result<..>`, `-> TestResult`): a test fails on
    /// an `Err` it returns, whatever builds it.
    pub returns_value: bool,
    pub macros: Vec<MacroUse>,
    pub methods: Vec<String>,
    /// The last segment of each called path (`check` for `common::check(..)`).
    pub calls: Vec<String>,
    pub uses_try: bool,
    /// A comparison (`==`, `<`, ...) that is not a statement of its own or `let _ =`.
    pub compares: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MacroUse {
    pub line: u32,
    /// The last segment of the macro's path (`assert_snapshot` for `insta::assert_snapshot!`).
    pub name: String,
    /// The first argument, whitespace removed (`result.is_ok()`), when it parses.
    pub first_argument: Option<String>,
}

/// Every free function and method of the file with a body, nested modules included.
pub fn collect(file: &syn::File) -> Vec<TestBody> {
    let mut bodies = Vec::new();
    items(&file.items, &mut bodies);
    bodies
}

fn items(list: &[Item], bodies: &mut Vec<TestBody>) {
    for item in list {
        match item {
            Item::Fn(function) => {
                bodies.push(body(&function.attrs, &function.sig, &function.block))
            }
            Item::Impl(implementation) => {
                for inner in &implementation.items {
                    if let ImplItem::Fn(method) = inner {
                        bodies.push(body(&method.attrs, &method.sig, &method.block));
                    }
                }
            }
            Item::Mod(module) => {
                if let Some((_, content)) = &module.content {
                    items(content, bodies);
                }
            }
            _ => {}
        }
    }
}

fn body(attrs: &[Attribute], signature: &syn::Signature, block: &Block) -> TestBody {
    let mut facts = TestBody {
        name: signature.ident.to_string(),
        line: signature.ident.span().start().line as u32,
        is_test: attrs
            .iter()
            .any(|a| is_test_attribute(a) && !a.path().is_ident("bench")),
        should_panic: attrs.iter().any(|a| a.path().is_ident("should_panic")),
        returns_value: !matches!(signature.output, syn::ReturnType::Default),
        ..TestBody::default()
    };
    Facts { body: &mut facts }.visit_block(block);
    facts
}

struct Facts<'a> {
    body: &'a mut TestBody,
}

impl Facts<'_> {
    fn macro_use(&mut self, path: &syn::Path, tokens: &TokenStream) {
        let name = path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        let arguments = syn::parse::Parser::parse2(
            Punctuated::<Expr, Token![,]>::parse_terminated,
            tokens.clone(),
        )
        .ok();
        let first_argument = arguments.as_ref().and_then(|list| list.first()).map(|e| {
            let text = quote::ToTokens::to_token_stream(e).to_string();
            text.split_whitespace().collect::<String>()
        });
        self.body.macros.push(MacroUse {
            line: path.span().start().line as u32,
            name,
            first_argument,
        });
        for argument in arguments.iter().flatten() {
            self.visit_expr(argument);
        }
    }
}

fn is_comparison(op: &BinOp) -> bool {
    matches!(
        op,
        BinOp::Eq(_) | BinOp::Ne(_) | BinOp::Lt(_) | BinOp::Le(_) | BinOp::Gt(_) | BinOp::Ge(_)
    )
}

impl<'ast> Visit<'ast> for Facts<'_> {
    // A nested item's body is its own function, not this one's.
    fn visit_item(&mut self, _: &'ast Item) {}

    fn visit_stmt(&mut self, statement: &'ast Stmt) {
        // `a == b;` and `let _ = a == b;` compute a comparison and drop it.
        let dropped = match statement {
            Stmt::Expr(Expr::Binary(binary), Some(_)) => Some(binary),
            Stmt::Local(local) if matches!(local.pat, syn::Pat::Wild(_)) => {
                match local.init.as_ref().map(|init| &*init.expr) {
                    Some(Expr::Binary(binary)) => Some(binary),
                    _ => None,
                }
            }
            _ => None,
        };
        match dropped {
            Some(binary) if is_comparison(&binary.op) => {
                self.visit_expr(&binary.left);
                self.visit_expr(&binary.right);
            }
            _ => visit::visit_stmt(self, statement),
        }
    }

    fn visit_expr_binary(&mut self, binary: &'ast syn::ExprBinary) {
        if is_comparison(&binary.op) {
            self.body.compares = true;
        }
        visit::visit_expr_binary(self, binary);
    }

    fn visit_expr_try(&mut self, expr: &'ast syn::ExprTry) {
        self.body.uses_try = true;
        visit::visit_expr_try(self, expr);
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        self.body.methods.push(call.method.to_string());
        visit::visit_expr_method_call(self, call);
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let Expr::Path(path) = &*call.func {
            if let Some(last) = path.path.segments.last() {
                self.body.calls.push(last.ident.to_string());
            }
        }
        visit::visit_expr_call(self, call);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.macro_use(&mac.path, &mac.tokens);
    }
}
