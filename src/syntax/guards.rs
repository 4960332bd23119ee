//! What a condition establishes about the values it names, for the code it dominates:
//! the body of an `if` or `while`, the rest of a block after an early return or a
//! `let ... else`, the right side of `&&`, an `assert!`, a `for i in 0..v.len()` loop.
//! `!v.is_empty()`, `v.len() == 1`, `i < s.chars().count()`, `map.contains_key(&k)`,
//! `x.is_some()`, `matches!(x, Some(_))` each say something about one subject; an
//! operation is guarded only by a fact about its own receiver (the rule decides).

use quote::ToTokens;
use syn::{BinOp, Block, Expr, Pat, Stmt, UnOp};

use super::operations::{compact, without_views};

mod patterns;
mod qualified;

pub use patterns::{names_absence, names_success};

/// A fact about `subject` (compact text: `v`, `self.items`, `args.get(1)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guard {
    pub subject: String,
    pub fact: Fact,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fact {
    /// `!v.is_empty()`, `v.len() > 0`, `v.len() == 1`.
    NonEmpty,
    /// `x.is_some()`, `x.is_ok()`, `matches!(x, Some(_))`, `if let Some(_) = x`.
    Present,
    /// `map.contains_key(&k)`, `s.contains(':')`: holds the key or pattern.
    Contains(String),
    /// `s.starts_with(p)`.
    Prefix(String),
    /// `s.ends_with(p)`.
    Suffix(String),
    /// `i < v.len()`: the index is in bounds.
    Below(String),
    /// `end <= v.len()`: the index may end a range.
    AtMost(String),
    /// `n <= 255`: the value has an upper bound.
    Bounded,
    /// `v.len() == 4`: the collection has exactly this length.
    Length(u64),
    /// `for i in 0..4`: the value is below this number.
    Under(u64),
    /// `v.last()` is known to be `Some` (`let Some(x) = v.last() else { .. }`,
    /// `matches!(it.peek(), Some(_))`): what that says of `v` depends on the call.
    Found {
        call: String,
        argument: Option<String>,
    },
}

fn guard(subject: String, fact: Fact) -> Guard {
    Guard { subject, fact }
}

/// `value` is known to be `Some`/`Ok`; when it is a call on a receiver, that call found
/// something in the receiver.
fn present(value: &Expr, into: &mut Vec<Guard>) {
    into.push(guard(compact(value), Fact::Present));
    if let Expr::MethodCall(call) = value {
        let found = Fact::Found {
            call: call.method.to_string(),
            argument: call.args.first().map(compact),
        };
        into.push(guard(compact(without_views(&call.receiver)), found));
    }
}

/// `Some(at) = s.find('#')`, `Some(i) = v.iter().position(..)`: `at` and `i` are
/// positions inside the receiver. (A `find` on an iterator gives an element, not a
/// position: only a `find` called on the value itself counts.)
fn found_index(pat: &Pat, value: &Expr, into: &mut Vec<Guard>) {
    let (Pat::TupleStruct(some), Expr::MethodCall(call)) = (pat, value) else {
        return;
    };
    let Some(Pat::Ident(index)) = some.elems.first() else {
        return;
    };
    let positional = match call.method.to_string().as_str() {
        "position" | "rposition" => true,
        "find" | "rfind" => !matches!(call.receiver.as_ref(), Expr::MethodCall(_)),
        _ => false,
    };
    if positional && some.elems.len() == 1 {
        into.push(guard(
            compact(without_views(&call.receiver)),
            Fact::Below(index.ident.to_string()),
        ));
    }
}

/// Adapters that pass a range's numbers on unchanged.
const PRESERVING: &[&str] = &[
    "filter",
    "rev",
    "skip",
    "take",
    "step_by",
    "inspect",
    "skip_while",
    "take_while",
    "into_iter",
];

/// `(0..4).filter(|&i| legal[i])`: the closure's parameter is under the range's end.
pub fn closure_facts(receiver: &Expr, closure: &syn::ExprClosure, into: &mut Vec<Guard>) {
    let mut root = receiver;
    loop {
        root = match root {
            Expr::MethodCall(call) if PRESERVING.contains(&call.method.to_string().as_str()) => {
                &call.receiver
            }
            Expr::Paren(inner) => &inner.expr,
            _ => break,
        };
    }
    let Expr::Range(range) = root else {
        return;
    };
    let bound = match (&range.end, &range.limits) {
        (Some(end), syn::RangeLimits::HalfOpen(_)) => integer(end),
        (Some(end), syn::RangeLimits::Closed(_)) => integer(end).map(|n| n.saturating_add(1)),
        _ => None,
    };
    let parameter = match closure.inputs.first() {
        Some(Pat::Ident(name)) => Some(name),
        Some(Pat::Reference(reference)) => match reference.pat.as_ref() {
            Pat::Ident(name) => Some(name),
            _ => None,
        },
        _ => None,
    };
    if let (Some(bound), Some(parameter), 1) = (bound, parameter, closure.inputs.len()) {
        into.push(guard(parameter.ident.to_string(), Fact::Under(bound)));
    }
}

/// The facts `condition` establishes where it is `holds` (true in an `if` body, false in
/// its `else` and after an early return).
pub fn facts(condition: &Expr, holds: bool, into: &mut Vec<Guard>) {
    match condition {
        Expr::Paren(inner) => facts(&inner.expr, holds, into),
        Expr::Group(inner) => facts(&inner.expr, holds, into),
        Expr::Unary(unary) if matches!(unary.op, UnOp::Not(_)) => facts(&unary.expr, !holds, into),
        Expr::Binary(binary) => match binary.op {
            BinOp::And(_) if holds => {
                facts(&binary.left, true, into);
                facts(&binary.right, true, into);
            }
            BinOp::Or(_) if !holds => {
                facts(&binary.left, false, into);
                facts(&binary.right, false, into);
            }
            op => comparison(&binary.left, op, &binary.right, holds, into),
        },
        Expr::MethodCall(call) => method_facts(call, holds, into),
        Expr::Call(call) => {
            if let Some(call) = qualified::as_method_call(call) {
                method_facts(&call, holds, into);
            }
        }
        Expr::Let(binding) if holds && names_success(&binding.pat) => {
            present(&binding.expr, into);
            found_index(&binding.pat, &binding.expr, into);
        }
        Expr::Macro(mac) if mac.mac.path.is_ident("matches") => {
            if let Ok((value, pattern)) = mac.mac.parse_body_with(value_and_pattern) {
                let present = if holds {
                    names_success(&pattern)
                } else {
                    names_absence(&pattern)
                };
                if present {
                    self::present(&value, into);
                }
            }
        }
        _ => {}
    }
}

fn value_and_pattern(input: syn::parse::ParseStream<'_>) -> syn::Result<(Expr, Pat)> {
    let value: Expr = input.parse()?;
    input.parse::<syn::Token![,]>()?;
    let pattern = Pat::parse_multi_with_leading_vert(input)?;
    let _rest: proc_macro2::TokenStream = input.parse()?;
    Ok((value, pattern))
}

fn method_facts(call: &syn::ExprMethodCall, holds: bool, into: &mut Vec<Guard>) {
    let receiver = || compact(without_views(&call.receiver));
    let argument = || call.args.first().map(compact);
    match (call.method.to_string().as_str(), holds) {
        ("is_empty", false) => into.push(guard(receiver(), Fact::NonEmpty)),
        ("is_some" | "is_ok" | "is_some_and" | "is_ok_and", true)
        | ("is_none" | "is_err", false) => {
            into.push(guard(compact(&*call.receiver), Fact::Present))
        }
        ("contains", true) if is_range(&call.receiver) => {
            if let Some(value) = argument() {
                into.push(guard(value, Fact::Bounded));
            }
        }
        ("contains" | "contains_key", true) => {
            if let Some(key) = argument() {
                into.push(guard(receiver(), Fact::Contains(key)));
            }
        }
        ("starts_with", true) => {
            if let Some(prefix) = argument() {
                into.push(guard(receiver(), Fact::Prefix(prefix)));
            }
        }
        ("ends_with", true) => {
            if let Some(suffix) = argument() {
                into.push(guard(receiver(), Fact::Suffix(suffix)));
            }
        }
        _ => {}
    }
}

fn is_range(expr: &Expr) -> bool {
    match expr {
        Expr::Range(_) => true,
        Expr::Paren(inner) => is_range(&inner.expr),
        _ => false,
    }
}

/// The collection whose length `expr` is: `v` for `v.len()`, `s` for `s.chars().count()`.
fn length_of(expr: &Expr) -> Option<String> {
    match expr {
        Expr::MethodCall(call) if call.args.is_empty() => match call.method.to_string().as_str() {
            "len" => Some(compact(without_views(&call.receiver))),
            "count" => Some(compact(without_views(&call.receiver))),
            _ => None,
        },
        Expr::Paren(inner) => length_of(&inner.expr),
        _ => None,
    }
}

pub fn integer(expr: &Expr) -> Option<u64> {
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(value),
            ..
        }) => value.base10_parse().ok(),
        _ => None,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Order {
    Less,
    LessOrEqual,
    Equal,
    NotEqual,
    GreaterOrEqual,
    Greater,
}

impl Order {
    fn of(op: BinOp) -> Option<Order> {
        Some(match op {
            BinOp::Lt(_) => Order::Less,
            BinOp::Le(_) => Order::LessOrEqual,
            BinOp::Eq(_) => Order::Equal,
            BinOp::Ne(_) => Order::NotEqual,
            BinOp::Ge(_) => Order::GreaterOrEqual,
            BinOp::Gt(_) => Order::Greater,
            _ => return None,
        })
    }

    fn negated(self) -> Order {
        match self {
            Order::Less => Order::GreaterOrEqual,
            Order::LessOrEqual => Order::Greater,
            Order::Equal => Order::NotEqual,
            Order::NotEqual => Order::Equal,
            Order::GreaterOrEqual => Order::Less,
            Order::Greater => Order::LessOrEqual,
        }
    }

    /// The same relation with its sides swapped: `a < b` is `b > a`.
    fn mirrored(self) -> Order {
        match self {
            Order::Less => Order::Greater,
            Order::LessOrEqual => Order::GreaterOrEqual,
            Order::GreaterOrEqual => Order::LessOrEqual,
            Order::Greater => Order::Less,
            other => other,
        }
    }
}

fn comparison(left: &Expr, op: BinOp, right: &Expr, holds: bool, into: &mut Vec<Guard>) {
    let Some(order) = Order::of(op) else {
        return;
    };
    let order = if holds { order } else { order.negated() };
    // Put the length, if any, on the left: `i < v.len()` reads as `v.len() > i`.
    let (length, order, other) = match (length_of(left), length_of(right)) {
        (Some(length), _) => (Some(length), order, right),
        (None, Some(length)) => (Some(length), order.mirrored(), left),
        (None, None) => (None, order, right),
    };
    let Some(collection) = length else {
        // A plain comparison bounds the smaller side from above: `n <= 255`, `limit > n`.
        match order {
            Order::Less | Order::LessOrEqual => into.push(guard(compact(left), Fact::Bounded)),
            Order::Greater | Order::GreaterOrEqual => {
                into.push(guard(compact(right), Fact::Bounded))
            }
            _ => {}
        }
        return;
    };
    let bound = compact(other);
    let literal = integer(other);
    match order {
        Order::Greater => {
            into.push(guard(collection.clone(), Fact::Below(bound)));
            into.push(guard(collection, Fact::NonEmpty));
        }
        Order::GreaterOrEqual | Order::Equal => {
            if let (Some(length), Order::Equal) = (literal, order) {
                into.push(guard(collection.clone(), Fact::Length(length)));
            }
            if literal.is_some_and(|n| n >= 1) {
                into.push(guard(collection.clone(), Fact::NonEmpty));
            }
            into.push(guard(collection, Fact::AtMost(bound)));
        }
        Order::NotEqual if literal == Some(0) => into.push(guard(collection, Fact::NonEmpty)),
        _ => {}
    }
}

/// The facts a `for` loop gives its body: `for i in 0..v.len()` and
/// `for (i, x) in v.iter().enumerate()` keep `i` in bounds of `v`; `for i in 0..4`, or an
/// enumeration of a collection whose `length` is known, keeps `i` under that number.
pub fn loop_facts(
    pat: &Pat,
    iterated: &Expr,
    length: &dyn Fn(&str) -> Option<u64>,
    into: &mut Vec<Guard>,
) {
    match (pat, iterated) {
        (Pat::Ident(index), Expr::Range(range)) => {
            let index = index.ident.to_string();
            match (&range.end, &range.limits) {
                (Some(end), syn::RangeLimits::HalfOpen(_)) => {
                    if let Some(collection) = length_of(end) {
                        into.push(guard(collection, Fact::Below(index.clone())));
                    }
                    if let Some(bound) = integer(end) {
                        into.push(guard(index, Fact::Under(bound)));
                    }
                }
                (Some(end), syn::RangeLimits::Closed(_)) => {
                    if let Some(bound) = integer(end) {
                        into.push(guard(index, Fact::Under(bound.saturating_add(1))));
                    }
                }
                _ => {}
            }
        }
        (Pat::Tuple(tuple), Expr::MethodCall(call)) if call.method == "enumerate" => {
            if let Some(Pat::Ident(index)) = tuple.elems.first() {
                let collection = compact(without_views(&call.receiver));
                let index = index.ident.to_string();
                if let Some(bound) = length(&collection) {
                    into.push(guard(index.clone(), Fact::Under(bound)));
                }
                into.push(guard(collection, Fact::Below(index)));
            }
        }
        (_, Expr::Paren(inner)) => loop_facts(pat, &inner.expr, length, into),
        _ => {}
    }
}

const DIVERGING_MACROS: &[&str] = &["panic", "unreachable", "todo", "unimplemented", "bail"];

fn diverging_macro(mac: &syn::Macro) -> bool {
    mac.path
        .segments
        .last()
        .is_some_and(|segment| DIVERGING_MACROS.contains(&segment.ident.to_string().as_str()))
}

/// The block never falls through: it returns, breaks, continues, panics or exits.
pub fn diverges(block: &Block) -> bool {
    block.stmts.iter().any(|statement| match statement {
        Stmt::Expr(expr, _) => expr_diverges(expr),
        Stmt::Macro(mac) => diverging_macro(&mac.mac),
        _ => false,
    })
}

fn expr_diverges(expr: &Expr) -> bool {
    match expr {
        Expr::Return(_) | Expr::Break(_) | Expr::Continue(_) => true,
        Expr::Macro(mac) => diverging_macro(&mac.mac),
        Expr::Call(call) => matches!(call.func.as_ref(),
            Expr::Path(path) if path.path.segments.last().is_some_and(|s| s.ident == "exit")),
        Expr::Block(block) => diverges(&block.block),
        _ => false,
    }
}

/// The facts a statement establishes for the statements after it in its block: an
/// early return, a `let ... else`, an `assert!`.
pub fn facts_after(statement: &Stmt, into: &mut Vec<Guard>) {
    match statement {
        Stmt::Expr(Expr::If(branch), _) => {
            let then_exits = diverges(&branch.then_branch);
            match &branch.else_branch {
                None if then_exits => facts(&branch.cond, false, into),
                Some((_, otherwise)) => {
                    let else_exits = expr_diverges(otherwise);
                    if then_exits && !else_exits {
                        facts(&branch.cond, false, into);
                    } else if else_exits && !then_exits {
                        facts(&branch.cond, true, into);
                    }
                }
                None => {}
            }
        }
        // `while jobs.is_empty() { jobs = ready.wait(jobs)?; }` ends only when the
        // condition fails, unless its body breaks out.
        Stmt::Expr(Expr::While(each), _) if !breaks(each.body.to_token_stream()) => {
            facts(&each.cond, false, into)
        }
        Stmt::Local(local) => {
            if let Some(init) = &local.init {
                if init.diverge.is_some() && names_success(&local.pat) {
                    present(&init.expr, into);
                    found_index(&local.pat, &init.expr, into);
                }
            }
        }
        Stmt::Macro(mac) if mac.mac.path.is_ident("assert") => assert_facts(&mac.mac, into),
        Stmt::Expr(Expr::Macro(mac), _) if mac.mac.path.is_ident("assert") => {
            assert_facts(&mac.mac, into)
        }
        _ => {}
    }
}

fn breaks(tokens: proc_macro2::TokenStream) -> bool {
    tokens.into_iter().any(|token| match token {
        proc_macro2::TokenTree::Ident(ident) => ident == "break",
        proc_macro2::TokenTree::Group(group) => breaks(group.stream()),
        _ => false,
    })
}

fn assert_facts(mac: &syn::Macro, into: &mut Vec<Guard>) {
    if let Ok(arguments) =
        mac.parse_body_with(syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated)
    {
        if let Some(condition) = arguments.first() {
            facts(condition, true, into);
        }
    }
}
