//! Checks written as associated-function calls: `Option::is_some(&x)`,
//! `Result::is_err(&r)`, `Vec::is_empty(&v)`, `str::is_empty(s)`. They say what the method
//! call on the argument says, so they are read as that call.

use syn::{Expr, ExprCall, ExprMethodCall};

/// The checks whose qualified form is read: no argument but the value they check.
const CHECKS: &[&str] = &["is_some", "is_none", "is_ok", "is_err", "is_empty"];

/// `Type::check(&value)` as `value.check()`, when `call` is one of `CHECKS` on a type path.
pub(super) fn as_method_call(call: &ExprCall) -> Option<ExprMethodCall> {
    let Expr::Path(function) = call.func.as_ref() else {
        return None;
    };
    let segments = &function.path.segments;
    let method = segments.last()?;
    let on_a_type = segments.len() >= 2 || function.qself.is_some();
    if !on_a_type || !CHECKS.contains(&method.ident.to_string().as_str()) {
        return None;
    }
    let [value] = <[&Expr; 1]>::try_from(call.args.iter().collect::<Vec<_>>()).ok()?;
    let receiver = match value {
        Expr::Reference(reference) => reference.expr.as_ref(),
        other => other,
    };
    Some(ExprMethodCall {
        attrs: Vec::new(),
        receiver: Box::new(receiver.clone()),
        dot_token: Default::default(),
        method: method.ident.clone(),
        turbofish: None,
        paren_token: Default::default(),
        args: Default::default(),
    })
}
