//! Where code lets an error pass without a trace, beyond the discarded results the
//! failure sites already record (`let _ = ..`, `.ok();`): a match on a `Result` whose
//! catch-all arm does nothing (`Err(_) => {}`, or `_ => {}` beside an `Ok(..)` arm), and
//! an `if let Ok(..) = ..` with no `else` on an I/O call. Each is found with its line,
//! its code and the operation the matched expression performs.

use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Pat};

use super::operations::{code_of, operation_of};
use super::Operation;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Swallow {
    /// 1-based line of the catch-all arm's pattern, or of the `if`.
    pub line: u32,
    pub kind: SwallowKind,
    /// The arm (`Err(_) => {}`) or the condition (`let Ok(text) = fs::read(path)`).
    pub code: String,
    /// The matched expression (`fs::remove_file(path)`).
    pub subject: String,
    /// What the matched expression does, as the failure sites classify it.
    pub operation: Operation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SwallowKind {
    /// A match on a `Result` whose `Err(_)` or `_` arm has an empty body.
    EmptyCatchAll,
    /// `if let Ok(..) = io_call()` with no `else`.
    IfLetOkWithoutElse,
}

pub fn collect(file: &syn::File) -> Vec<Swallow> {
    let mut finder = Finder { found: Vec::new() };
    finder.visit_file(file);
    finder.found.sort_by_key(|swallow| swallow.line);
    finder.found
}

struct Finder {
    found: Vec<Swallow>,
}

/// The name a tuple-struct pattern matches (`Ok` in `Ok(value)`), guards and
/// references peeled off.
fn variant_of(pattern: &Pat) -> Option<String> {
    match pattern {
        Pat::TupleStruct(tuple) => tuple.path.segments.last().map(|s| s.ident.to_string()),
        Pat::Reference(inner) => variant_of(&inner.pat),
        Pat::Paren(inner) => variant_of(&inner.pat),
        _ => None,
    }
}

/// `_`, or `Err(_)` / `Err(_name)`: an arm that takes every error without a look at it.
fn catches_all(pattern: &Pat) -> bool {
    match pattern {
        Pat::Wild(_) => true,
        Pat::TupleStruct(tuple) => {
            let is_err = tuple.path.segments.last().is_some_and(|s| s.ident == "Err");
            let ignored = tuple.elems.iter().all(|element| match element {
                Pat::Wild(_) => true,
                Pat::Ident(name) => name.ident.to_string().starts_with('_'),
                _ => false,
            });
            is_err && tuple.elems.len() == 1 && ignored
        }
        _ => false,
    }
}

/// `{}`, `()` or `{ () }`: a body that does nothing.
fn does_nothing(body: &Expr) -> bool {
    match body {
        Expr::Block(block) => block.block.stmts.is_empty() && block.label.is_none(),
        Expr::Tuple(tuple) => tuple.elems.is_empty(),
        _ => false,
    }
}

impl<'ast> Visit<'ast> for Finder {
    fn visit_expr_match(&mut self, expr: &'ast syn::ExprMatch) {
        let on_result = expr
            .arms
            .iter()
            .any(|arm| matches!(variant_of(&arm.pat).as_deref(), Some("Ok" | "Err")));
        if on_result {
            for arm in &expr.arms {
                // A guarded arm (`Pat::Guard`) chooses what it catches: it is no catch-all.
                if catches_all(&arm.pat) && does_nothing(&arm.body) {
                    self.found.push(Swallow {
                        line: arm.pat.span().start().line as u32,
                        kind: SwallowKind::EmptyCatchAll,
                        code: format!("{} => {{}}", code_of(&arm.pat)),
                        subject: code_of(&expr.expr),
                        operation: operation_of(&expr.expr),
                    });
                }
            }
        }
        visit::visit_expr_match(self, expr);
    }

    fn visit_expr_if(&mut self, expr: &'ast syn::ExprIf) {
        if let (Expr::Let(binding), None) = (expr.cond.as_ref(), &expr.else_branch) {
            let operation = operation_of(&binding.expr);
            if variant_of(&binding.pat).as_deref() == Some("Ok") && operation == Operation::Io {
                self.found.push(Swallow {
                    line: expr.if_token.span.start().line as u32,
                    kind: SwallowKind::IfLetOkWithoutElse,
                    code: code_of(&expr.cond),
                    subject: code_of(&binding.expr),
                    operation,
                });
            }
        }
        visit::visit_expr_if(self, expr);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(u32, SwallowKind)> {
        let file: syn::File = syn::parse_str(text).expect("test text parses");
        collect(&file)
            .into_iter()
            .map(|s| (s.line, s.kind))
            .collect()
    }

    #[test]
    fn empty_catch_alls_on_results_only() {
        let text = "fn f(p: &str) {\n    match std::fs::remove_file(p) {\n        Ok(()) => {}\n        Err(_) => {}\n    }\n    match parse(p) {\n        Ok(v) => use_it(v),\n        _ => (),\n    }\n    match kind {\n        Kind::A => go(),\n        _ => {}\n    }\n    match load(p) {\n        Ok(v) => use_it(v),\n        Err(e) => log(e),\n    }\n}\n";
        assert_eq!(
            found(text),
            vec![
                (4, SwallowKind::EmptyCatchAll),
                (8, SwallowKind::EmptyCatchAll)
            ]
        );
    }

    #[test]
    fn if_let_ok_without_else_on_io() {
        let text = "fn f(p: &str) {\n    if let Ok(text) = std::fs::read_to_string(p) {\n        show(text);\n    }\n    if let Ok(n) = s.parse::<u8>() {\n        show(n);\n    }\n    if let Ok(meta) = std::fs::metadata(p) {\n        show(meta);\n    } else {\n        warn(p);\n    }\n}\n";
        assert_eq!(found(text), vec![(2, SwallowKind::IfLetOkWithoutElse)]);
    }
}
