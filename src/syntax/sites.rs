//! Finds, inside one function body, the lines where it can fail (unwrap, expect, panic
//! macros, runtime indexing, discarded fallible results), where it handles failure (`?`,
//! matching on `Err`/`None`, `map_err`, ...) and where it branches (if/else, match arms,
//! early returns, guarded break/continue, let-else).

use proc_macro2::Span;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Pat, Stmt};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// 1-based line of the token that marks the site (`.unwrap`, `if`, `[`, ...).
    pub line: u32,
    pub kind: SiteKind,
    /// The source of the expression, whitespace collapsed, cut to a readable length.
    pub code: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteKind {
    Failure(Failure),
    Handling(Handling),
    Branch(Branch),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    Unwrap(Operation),
    Expect(Operation),
    /// panic!, unreachable!, todo!, unimplemented!
    PanicMacro,
    /// Indexing with a value known only at run time.
    Index,
    /// A fallible result thrown away (`let _ = ...`, `.ok();`).
    Discarded(Operation),
}

/// What produced the value that is unwrapped: it decides which question fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Io,
    Parse,
    Conversion,
    Environment,
    Lookup,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handling {
    Try,
    MatchOnFailure,
    LetElse,
    Combinator,
    ReturnsFailure,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Branch {
    If,
    Else,
    MatchArm,
    EarlyReturn,
    GuardedBreak,
    GuardedContinue,
    LetElse,
}

pub fn collect_sites(block: &syn::Block) -> Vec<Site> {
    let mut finder = SiteFinder {
        sites: Vec::new(),
        conditional_depth: 0,
        loop_depths: Vec::new(),
        conditions: Vec::new(),
    };
    let last = block.stmts.len().saturating_sub(1);
    for (index, statement) in block.stmts.iter().enumerate() {
        // A `return` as the body's last statement is the normal exit, not an early one.
        if index == last {
            if let Stmt::Expr(Expr::Return(ret), _) = statement {
                if let Some(value) = &ret.expr {
                    finder.note_returned_failure(value, ret.return_token.span);
                    finder.visit_expr(value);
                }
                continue;
            }
        }
        finder.visit_stmt(statement);
    }
    if let Some(Stmt::Expr(tail, None)) = block.stmts.last() {
        finder.note_returned_failure(tail, tail.span());
    }
    finder.sites.sort_by_key(|s| s.line);
    finder.sites
}

struct SiteFinder {
    sites: Vec<Site>,
    /// How many if/match/closure bodies enclose the current expression.
    conditional_depth: usize,
    /// `conditional_depth` at the entry of each enclosing loop.
    loop_depths: Vec<usize>,
    /// The conditions (if conditions, match patterns) around the current expression.
    conditions: Vec<String>,
}

fn line_of(span: Span) -> u32 {
    span.start().line as u32
}

fn code_of(node: &impl Spanned) -> String {
    let text = node.span().source_text().unwrap_or_default();
    // Join a multi-line expression as it would be written on one line: a method chain's
    // `.call()` continues the previous line without a space.
    let mut collapsed = String::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let glued = line.starts_with(['.', ')', ']', '?']) || collapsed.ends_with(['(', '[']);
        if !collapsed.is_empty() && !glued {
            collapsed.push(' ');
        }
        collapsed.push_str(&line.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    if collapsed.chars().count() > 90 {
        let cut: String = collapsed.chars().take(87).collect();
        format!("{cut}...")
    } else {
        collapsed
    }
}

const IO_CALLS: &[&str] = &[
    "read_to_string",
    "read_to_end",
    "read",
    "write",
    "read_dir",
    "create_dir",
    "create_dir_all",
    "remove_file",
    "remove_dir",
    "remove_dir_all",
    "copy",
    "rename",
    "metadata",
    "symlink_metadata",
    "canonicalize",
    "open",
    "create",
    "connect",
    "bind",
    "accept",
    "read_line",
    "read_exact",
    "write_all",
    "flush",
    "sync_all",
    "set_permissions",
    "spawn",
    "output",
    "status",
    "wait",
    "hard_link",
    "read_link",
    "set_len",
    "seek",
    "send_to",
    "recv_from",
];
const PARSE_CALLS: &[&str] = &[
    "parse",
    "from_str",
    "from_str_radix",
    "from_slice",
    "from_reader",
    "from_value",
    "from_bytes",
    "decode",
    "parse_from",
    "deserialize",
];
const CONVERSION_CALLS: &[&str] = &[
    "try_from",
    "try_into",
    "from_utf8",
    "to_str",
    "from_u32",
    "from_digit",
    "checked_add",
    "checked_sub",
    "checked_mul",
    "checked_div",
    "to_u32",
    "to_usize",
    "to_i64",
    "to_u64",
];
const ENVIRONMENT_CALLS: &[&str] = &["var", "var_os", "current_dir", "home_dir", "current_exe"];
const LOOKUP_CALLS: &[&str] = &[
    "get",
    "get_mut",
    "first",
    "last",
    "next",
    "next_back",
    "find",
    "find_map",
    "position",
    "max",
    "min",
    "max_by",
    "min_by",
    "max_by_key",
    "min_by_key",
    "pop",
    "pop_front",
    "pop_back",
    "remove",
    "strip_prefix",
    "strip_suffix",
    "split_once",
    "rsplit_once",
    "nth",
    "peek",
    "captures",
    "name",
    "file_name",
    "file_stem",
    "parent",
    "extension",
    "last_mut",
    "first_mut",
    "iter_mut",
    "front",
    "back",
    "upgrade",
];
const HANDLING_METHODS: &[&str] = &[
    "map_err",
    "ok_or",
    "ok_or_else",
    "unwrap_or",
    "unwrap_or_else",
    "unwrap_or_default",
    "context",
    "with_context",
    "wrap_err",
    "wrap_err_with",
    "or_else",
    "map_or",
    "map_or_else",
    "is_ok",
    "is_err",
    "is_some",
    "is_none",
    "is_some_and",
    "is_ok_and",
    "ok",
    "unwrap_or_exit",
];
const PANIC_MACROS: &[&str] = &["panic", "unreachable", "todo", "unimplemented"];
const HANDLING_MACROS: &[&str] = &["bail", "ensure", "anyhow", "eyre", "format_err"];

fn classify(name: &str) -> Operation {
    if IO_CALLS.contains(&name) {
        Operation::Io
    } else if PARSE_CALLS.contains(&name) {
        Operation::Parse
    } else if CONVERSION_CALLS.contains(&name) {
        Operation::Conversion
    } else if ENVIRONMENT_CALLS.contains(&name) {
        Operation::Environment
    } else if LOOKUP_CALLS.contains(&name) {
        Operation::Lookup
    } else {
        Operation::Other
    }
}

/// What kind of operation produced `expr`, looking through parentheses, `.await` and
/// reference-taking methods.
fn operation_of(expr: &Expr) -> Operation {
    match expr {
        Expr::MethodCall(call) => {
            let name = call.method.to_string();
            if matches!(
                name.as_str(),
                "as_ref" | "as_mut" | "as_deref" | "cloned" | "copied"
            ) {
                return operation_of(&call.receiver);
            }
            classify(&name)
        }
        Expr::Call(call) => match call.func.as_ref() {
            Expr::Path(path) => path
                .path
                .segments
                .last()
                .map(|segment| classify(&segment.ident.to_string()))
                .unwrap_or(Operation::Other),
            _ => Operation::Other,
        },
        Expr::Paren(inner) => operation_of(&inner.expr),
        Expr::Await(inner) => operation_of(&inner.base),
        _ => Operation::Other,
    }
}

/// True when the value comes only from literals (`"1.0".parse()`, `Regex::new("a+")`):
/// such a call fails on every run or on none, so a test run already answers it.
fn only_literals(expr: &Expr) -> bool {
    match expr {
        Expr::Lit(_) => true,
        Expr::MethodCall(call) => {
            only_literals(&call.receiver) && call.args.iter().all(only_literals)
        }
        Expr::Call(call) => {
            matches!(call.func.as_ref(), Expr::Path(_))
                && call.args.iter().all(only_literals)
                && !call.args.is_empty()
        }
        Expr::Reference(reference) => only_literals(&reference.expr),
        Expr::Paren(inner) => only_literals(&inner.expr),
        _ => false,
    }
}

/// A value computed from literals alone by an operation that does not depend on the
/// machine: `"8080".parse()` fails on every run or on none. Reading a file or the
/// environment with a literal argument still depends on where the program runs.
fn deterministic(expr: &Expr) -> bool {
    only_literals(expr) && !matches!(operation_of(expr), Operation::Io | Operation::Environment)
}

/// A mutex, RwLock or Condvar result, whose only failure is poisoning by a panic in
/// another thread: `lock()`, `read()`, `write()` without arguments, and `Condvar::wait*`.
fn is_lock(expr: &Expr) -> bool {
    let Expr::MethodCall(call) = expr else {
        return false;
    };
    matches!(
        (call.method.to_string().as_str(), call.args.len()),
        ("lock" | "read" | "write", 0)
            | ("wait", 1)
            | ("wait_timeout" | "wait_while", 2)
            | ("wait_timeout_while", 3)
    )
}

fn names_failure_variant(pat: &Pat) -> bool {
    let name_of = |path: &syn::Path| {
        path.segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default()
    };
    match pat {
        Pat::TupleStruct(tuple) => matches!(name_of(&tuple.path).as_str(), "Err" | "Ok" | "Some"),
        Pat::Ident(ident) => ident.ident == "None",
        Pat::Path(path) => name_of(&path.path) == "None",
        Pat::Or(or) => or.cases.iter().any(names_failure_variant),
        Pat::Reference(reference) => names_failure_variant(&reference.pat),
        _ => false,
    }
}

fn is_literal_index(expr: &Expr) -> bool {
    match expr {
        Expr::Lit(_) => true,
        Expr::Range(range) => {
            range.start.as_deref().is_none_or(is_literal_index)
                && range.end.as_deref().is_none_or(is_literal_index)
        }
        Expr::Paren(inner) => is_literal_index(&inner.expr),
        _ => false,
    }
}

impl SiteFinder {
    fn push(&mut self, line: u32, kind: SiteKind, code: String) {
        self.sites.push(Site { line, kind, code });
    }

    /// A function whose value is `Err(..)`/`None` reports failure to its caller.
    fn note_returned_failure(&mut self, value: &Expr, span: Span) {
        let is_failure = match value {
            Expr::Call(call) => {
                matches!(call.func.as_ref(), Expr::Path(p) if p.path.is_ident("Err"))
            }
            Expr::Path(path) => path.path.is_ident("None"),
            _ => false,
        };
        if is_failure {
            self.push(
                line_of(span),
                SiteKind::Handling(Handling::ReturnsFailure),
                code_of(value),
            );
        }
    }

    fn conditional<F: FnOnce(&mut Self)>(&mut self, body: F) {
        self.conditional_depth += 1;
        body(self);
        self.conditional_depth -= 1;
    }

    /// Visits a body that runs only when `condition` holds, so that an exit inside it can
    /// say which condition leads there.
    fn guarded_by<F: FnOnce(&mut Self)>(&mut self, condition: String, body: F) {
        self.conditions.push(condition);
        self.conditional(body);
        self.conditions.pop();
    }

    /// `code`, followed by the innermost condition that leads to it.
    fn with_condition(&self, code: String) -> String {
        match self.conditions.last() {
            Some(condition) => format!("{code} (when {condition})"),
            None => code,
        }
    }

    fn guarded_in_loop(&self) -> bool {
        self.loop_depths
            .last()
            .is_some_and(|&depth| self.conditional_depth > depth)
    }

    fn discarded(&mut self, expr: &Expr, line: u32) {
        let operation = operation_of(expr);
        if operation != Operation::Other && operation != Operation::Lookup && !deterministic(expr) {
            self.push(
                line,
                SiteKind::Failure(Failure::Discarded(operation)),
                code_of(expr),
            );
        }
    }
}

impl<'ast> Visit<'ast> for SiteFinder {
    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        let name = call.method.to_string();
        let line = line_of(call.method.span());
        match name.as_str() {
            "unwrap" | "expect" if !is_lock(&call.receiver) && !deterministic(&call.receiver) => {
                let operation = operation_of(&call.receiver);
                let failure = if name == "unwrap" {
                    Failure::Unwrap(operation)
                } else {
                    Failure::Expect(operation)
                };
                self.push(line, SiteKind::Failure(failure), code_of(call));
            }
            _ if HANDLING_METHODS.contains(&name.as_str()) => {
                self.push(
                    line,
                    SiteKind::Handling(Handling::Combinator),
                    code_of(call),
                );
            }
            _ => {}
        }
        visit::visit_expr_method_call(self, call);
    }

    fn visit_expr_try(&mut self, expr: &'ast syn::ExprTry) {
        self.push(
            line_of(expr.question_token.span),
            SiteKind::Handling(Handling::Try),
            code_of(expr),
        );
        visit::visit_expr_try(self, expr);
    }

    fn visit_expr_index(&mut self, expr: &'ast syn::ExprIndex) {
        if !is_literal_index(&expr.index) {
            self.push(
                line_of(expr.bracket_token.span.open()),
                SiteKind::Failure(Failure::Index),
                code_of(expr),
            );
        }
        visit::visit_expr_index(self, expr);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let name = mac
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        let line = line_of(mac.path.span());
        if PANIC_MACROS.contains(&name.as_str()) {
            self.push(line, SiteKind::Failure(Failure::PanicMacro), code_of(mac));
        } else if HANDLING_MACROS.contains(&name.as_str()) {
            self.push(
                line,
                SiteKind::Handling(Handling::ReturnsFailure),
                code_of(mac),
            );
        }
        // Most macros (format!, vec!, assert!, write!) take expressions: look inside them.
        if let Ok(arguments) =
            mac.parse_body_with(Punctuated::<Expr, syn::Token![,]>::parse_terminated)
        {
            for argument in &arguments {
                self.visit_expr(argument);
            }
        } else if let Ok((value, count)) = mac.parse_body_with(repeat_expression) {
            // `vec![value; count]`
            self.visit_expr(&value);
            self.visit_expr(&count);
        }
    }

    fn visit_expr_if(&mut self, expr: &'ast syn::ExprIf) {
        self.push(
            line_of(expr.if_token.span),
            SiteKind::Branch(Branch::If),
            code_of(&expr.cond),
        );
        if let Expr::Let(condition) = expr.cond.as_ref() {
            if names_failure_variant(&condition.pat) {
                self.push(
                    line_of(expr.if_token.span),
                    SiteKind::Handling(Handling::MatchOnFailure),
                    code_of(&expr.cond),
                );
            }
        }
        self.visit_expr(&expr.cond);
        let condition = code_of(&expr.cond);
        self.guarded_by(condition.clone(), |finder| {
            finder.visit_block(&expr.then_branch)
        });
        if let Some((else_token, else_branch)) = &expr.else_branch {
            let code = match else_branch.as_ref() {
                Expr::If(next) => format!("else if {}", code_of(&next.cond)),
                _ => format!("else (of if {})", code_of(&expr.cond)),
            };
            self.push(
                line_of(else_token.span),
                SiteKind::Branch(Branch::Else),
                code,
            );
            let negated = format!("not {condition}");
            self.guarded_by(negated, |finder| finder.visit_expr(else_branch));
        }
    }

    fn visit_expr_match(&mut self, expr: &'ast syn::ExprMatch) {
        self.visit_expr(&expr.expr);
        if expr.arms.iter().any(|arm| names_failure_variant(&arm.pat)) {
            self.push(
                line_of(expr.match_token.span),
                SiteKind::Handling(Handling::MatchOnFailure),
                code_of(&expr.expr),
            );
        }
        // A match with one arm destructures; it does not choose between paths.
        let branches = expr.arms.len() > 1;
        for arm in &expr.arms {
            if branches {
                self.push(
                    line_of(arm.pat.span()),
                    SiteKind::Branch(Branch::MatchArm),
                    code_of(&arm.pat),
                );
            }
            self.guarded_by(code_of(&arm.pat), |finder| finder.visit_arm(arm));
        }
    }

    fn visit_expr_return(&mut self, expr: &'ast syn::ExprReturn) {
        let line = line_of(expr.return_token.span);
        let code = self.with_condition(code_of(expr));
        self.push(line, SiteKind::Branch(Branch::EarlyReturn), code);
        if let Some(value) = &expr.expr {
            self.note_returned_failure(value, expr.return_token.span);
        }
        visit::visit_expr_return(self, expr);
    }

    fn visit_expr_break(&mut self, expr: &'ast syn::ExprBreak) {
        if self.guarded_in_loop() {
            self.push(
                line_of(expr.break_token.span),
                SiteKind::Branch(Branch::GuardedBreak),
                self.with_condition(code_of(expr)),
            );
        }
        visit::visit_expr_break(self, expr);
    }

    fn visit_expr_continue(&mut self, expr: &'ast syn::ExprContinue) {
        if self.guarded_in_loop() {
            self.push(
                line_of(expr.continue_token.span),
                SiteKind::Branch(Branch::GuardedContinue),
                self.with_condition(code_of(expr)),
            );
        }
        visit::visit_expr_continue(self, expr);
    }

    fn visit_expr_for_loop(&mut self, expr: &'ast syn::ExprForLoop) {
        self.visit_expr(&expr.expr);
        self.loop_depths.push(self.conditional_depth);
        self.visit_block(&expr.body);
        self.loop_depths.pop();
    }

    fn visit_expr_while(&mut self, expr: &'ast syn::ExprWhile) {
        self.visit_expr(&expr.cond);
        self.loop_depths.push(self.conditional_depth);
        self.visit_block(&expr.body);
        self.loop_depths.pop();
    }

    fn visit_expr_loop(&mut self, expr: &'ast syn::ExprLoop) {
        self.loop_depths.push(self.conditional_depth);
        self.visit_block(&expr.body);
        self.loop_depths.pop();
    }

    fn visit_expr_closure(&mut self, expr: &'ast syn::ExprClosure) {
        // A closure's `return`, `break` and `?` belong to the closure, not to the loops
        // or the function around it.
        let saved_loops = std::mem::take(&mut self.loop_depths);
        let saved_conditions = std::mem::take(&mut self.conditions);
        self.conditional(|finder| visit::visit_expr_closure(finder, expr));
        self.loop_depths = saved_loops;
        self.conditions = saved_conditions;
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        if let Some(init) = &local.init {
            if let Some((_, diverge)) = &init.diverge {
                let line = line_of(local.let_token.span);
                let code = format!("let {} = {} else", code_of(&local.pat), code_of(&init.expr));
                self.push(line, SiteKind::Branch(Branch::LetElse), code.clone());
                self.push(line, SiteKind::Handling(Handling::LetElse), code);
                self.visit_pat(&local.pat);
                self.visit_expr(&init.expr);
                let unmatched = format!("{} does not match", code_of(&local.pat));
                self.guarded_by(unmatched, |finder| finder.visit_expr(diverge));
                return;
            }
            if let Pat::Wild(_) = &local.pat {
                // `let _ = fs::remove_file(path);` throws the failure away.
                self.discarded(&init.expr, line_of(local.let_token.span));
            }
        }
        visit::visit_local(self, local);
    }

    fn visit_stmt(&mut self, statement: &'ast Stmt) {
        if let Stmt::Expr(Expr::MethodCall(call), Some(_)) = statement {
            // `fallible().ok();` as a statement discards the error.
            if call.method == "ok" && call.args.is_empty() {
                self.discarded(&call.receiver, line_of(call.method.span()));
                self.visit_expr(&call.receiver);
                return;
            }
        }
        visit::visit_stmt(self, statement);
    }

    fn visit_item(&mut self, _item: &'ast syn::Item) {
        // Nested items (fns, impls inside a body) are rare; their sites would be
        // misattributed to the enclosing function, so they are left out.
    }
}

/// The body of `vec![value; count]` and other array-repeat-like macros.
fn repeat_expression(input: syn::parse::ParseStream<'_>) -> syn::Result<(Expr, Expr)> {
    let value: Expr = input.parse()?;
    input.parse::<syn::Token![;]>()?;
    let count: Expr = input.parse()?;
    Ok((value, count))
}
