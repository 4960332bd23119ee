//! Finds, inside one function body, the lines where it can fail (unwrap, expect, panic
//! macros, runtime indexing, discarded fallible results), each with what it works on and
//! what the conditions around it establish (see `operations` and `guards`), and the lines
//! where it branches (if/else, match arms, early returns, guarded break/continue,
//! let-else).

use std::collections::BTreeMap;

use proc_macro2::Span;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Pat, Stmt};

use super::decisions::{self, Decision, DecisionKey};
use super::declarations::Declarations;
use super::guards::{self, names_absence, names_success, Guard};
use super::operations::{
    code_of, expect_operand, index_operand, is_literal_index, operand_of, operation_of,
    panic_operand, Operand, Operation,
};
use super::site::{Branch, Failure, Site, SiteKind};

/// The sites of one function body, and how many of its branches and `or_else`-like
/// calls take each decision key; `inputs` are its parameters (what they declare, a
/// `String` or an array, can make an operation on them infallible).
pub fn collect_sites<'a>(
    inputs: impl Iterator<Item = &'a syn::FnArg>,
    block: &syn::Block,
) -> (Vec<Site>, BTreeMap<DecisionKey, u32>) {
    let mut finder = SiteFinder::default();
    for input in inputs {
        finder.declared.parameter(input);
    }
    let last = block.stmts.len().saturating_sub(1);
    let mut statements = Vec::new();
    for (index, statement) in block.stmts.iter().enumerate() {
        // A `return` as the body's last statement is the normal exit, not an early one.
        if index == last {
            if let Stmt::Expr(Expr::Return(ret), _) = statement {
                if let Some(value) = &ret.expr {
                    finder.visit_expr(value);
                }
                continue;
            }
        }
        statements.push(statement);
    }
    finder.statements(statements);
    finder.sites.sort_by_key(|s| s.line);
    let mut keys = std::mem::take(&mut finder.fallbacks);
    for key in finder.sites.iter().flat_map(|s| s.decisions.iter()) {
        *keys.entry(*key).or_default() += 1;
    }
    (finder.sites, keys)
}

#[derive(Default)]
struct SiteFinder {
    sites: Vec<Site>,
    /// How many if/match/closure bodies enclose the current expression.
    conditional_depth: usize,
    /// `conditional_depth` at the entry of each enclosing loop.
    loop_depths: Vec<usize>,
    /// The conditions (if conditions, match patterns) around the current expression.
    conditions: Vec<String>,
    /// What the conditions dominating the current expression establish.
    facts: Vec<Guard>,
    /// How many failure handlers (an `Err`/`None` arm, an `unwrap_or_else` closure, a
    /// let-else's `else`) enclose the current expression: a `panic!` there is the
    /// author's answer to a failure, not a new one.
    handlers: usize,
    /// Names declared as a `String` or as arrays.
    declared: Declarations,
    /// The decision keys of the conditions around the current expression, innermost last.
    leading: Vec<Vec<DecisionKey>>,
    /// How many `or_else`-like calls take each decision.
    fallbacks: BTreeMap<DecisionKey, u32>,
}

fn line_of(span: Span) -> u32 {
    span.start().line as u32
}

/// Matching on `Err`/`None` or unwrapping into a fallback closure handles a failure.
const HANDLER_METHODS: &[&str] = &["unwrap_or_else", "or_else", "map_err", "ok_or_else"];

impl SiteFinder {
    fn push(&mut self, line: u32, kind: SiteKind, code: String, mut decisions: Vec<DecisionKey>) {
        decisions.sort_unstable();
        decisions.dedup();
        self.sites.push(Site {
            line,
            kind,
            code,
            operand: None,
            decisions,
        });
    }

    /// An exit site, keyed by its code under the decisions that lead to it.
    fn push_exit(&mut self, line: u32, branch: Branch, exit: &impl quote::ToTokens) {
        let code = self.with_condition(code_of(exit));
        let keys = decisions::of_exit(exit, self.leading.last().map(Vec::as_slice));
        self.push(line, SiteKind::Branch(branch), code, keys);
    }

    fn push_failure(&mut self, line: u32, failure: Failure, code: String, mut operand: Operand) {
        operand.guards = self.facts.clone();
        operand.receiver_is_string = operand
            .receiver
            .as_ref()
            .is_some_and(|receiver| self.declared.is_string(receiver));
        operand.receiver_length = operand
            .receiver
            .as_deref()
            .and_then(|receiver| self.length_of(receiver));
        self.sites.push(Site {
            line,
            kind: SiteKind::Failure(failure),
            code,
            operand: Some(Box::new(operand)),
            decisions: Vec::new(),
        });
    }

    /// The length of `subject`, from its array type or a `len() == N` check before.
    fn length_of(&self, subject: &str) -> Option<u64> {
        self.declared.array_length(subject).or_else(|| {
            self.facts.iter().rev().find_map(|guard| match guard.fact {
                guards::Fact::Length(length) if guard.subject == subject => Some(length),
                _ => None,
            })
        })
    }

    /// Visits a block's statements; what an early return or a let-else establishes holds
    /// for the statements after it.
    fn statements<'ast>(&mut self, statements: impl IntoIterator<Item = &'ast Stmt>) {
        let held = self.facts.len();
        for statement in statements {
            self.visit_stmt(statement);
            guards::facts_after(statement, &mut self.facts);
        }
        self.facts.truncate(held);
    }

    /// Visits `body` where `facts` hold.
    fn knowing<F: FnOnce(&mut Self)>(&mut self, facts: Vec<Guard>, body: F) {
        let held = self.facts.len();
        self.facts.extend(facts);
        body(self);
        self.facts.truncate(held);
    }

    fn handling<F: FnOnce(&mut Self)>(&mut self, handles: bool, body: F) {
        self.handlers += usize::from(handles);
        body(self);
        self.handlers -= usize::from(handles);
    }

    fn conditional<F: FnOnce(&mut Self)>(&mut self, body: F) {
        self.conditional_depth += 1;
        body(self);
        self.conditional_depth -= 1;
    }

    /// Visits a body that runs only when `condition` holds, so that an exit inside it can
    /// say which condition leads there.
    fn guarded_by<F: FnOnce(&mut Self)>(
        &mut self,
        condition: String,
        keys: Vec<DecisionKey>,
        body: F,
    ) {
        self.conditions.push(condition);
        self.leading.push(keys);
        self.conditional(body);
        self.leading.pop();
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
        if operation != Operation::Other && operation != Operation::Lookup {
            self.push_failure(
                line,
                Failure::Discarded(operation),
                code_of(expr),
                operand_of(expr),
            );
        }
    }
}

fn condition_facts(condition: &Expr, holds: bool) -> Vec<Guard> {
    let mut facts = Vec::new();
    guards::facts(condition, holds, &mut facts);
    facts
}

impl<'ast> Visit<'ast> for SiteFinder {
    fn visit_block(&mut self, block: &'ast syn::Block) {
        self.statements(&block.stmts);
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        let name = call.method.to_string();
        let line = line_of(call.method.span());
        let mut taken = decisions::of_fallback_call(call);
        taken.sort_unstable();
        taken.dedup();
        for key in taken {
            *self.fallbacks.entry(key).or_default() += 1;
        }
        if name == "unwrap" || name == "expect" {
            let operation = operation_of(&call.receiver);
            let failure = if name == "unwrap" {
                Failure::Unwrap(operation)
            } else {
                Failure::Expect(operation)
            };
            let operand = if name == "expect" {
                expect_operand(call)
            } else {
                operand_of(&call.receiver)
            };
            self.push_failure(line, failure, code_of(call), operand);
        }
        self.visit_expr(&call.receiver);
        let handles = HANDLER_METHODS.contains(&name.as_str());
        self.handling(handles, |finder| {
            for argument in &call.args {
                let mut known = Vec::new();
                if let Expr::Closure(closure) = argument {
                    guards::closure_facts(&call.receiver, closure, &mut known);
                }
                finder.knowing(known, |finder| finder.visit_expr(argument));
            }
        });
    }

    fn visit_expr_index(&mut self, expr: &'ast syn::ExprIndex) {
        if !is_literal_index(&expr.index) {
            self.push_failure(
                line_of(expr.bracket_token.span.open()),
                Failure::Index,
                code_of(expr),
                index_operand(expr),
            );
        }
        visit::visit_expr_index(self, expr);
    }

    fn visit_expr_binary(&mut self, expr: &'ast syn::ExprBinary) {
        // `i < v.len() && v[i] == x`: the right side runs only when the left holds.
        let right_knows = match expr.op {
            syn::BinOp::And(_) => condition_facts(&expr.left, true),
            syn::BinOp::Or(_) => condition_facts(&expr.left, false),
            _ => Vec::new(),
        };
        self.visit_expr(&expr.left);
        self.knowing(right_knows, |finder| finder.visit_expr(&expr.right));
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let name = mac
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        let line = line_of(mac.path.span());
        let answers_failure = name == "panic" && self.handlers > 0;
        if PANIC_MACROS.contains(&name.as_str()) && !answers_failure {
            let operand = panic_operand(mac, &name);
            self.push_failure(line, Failure::PanicMacro, code_of(mac), operand);
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
        let decision = Decision::of_condition(&expr.cond);
        self.push(
            line_of(expr.if_token.span),
            SiteKind::Branch(Branch::If),
            code_of(&expr.cond),
            decision.holds.clone(),
        );
        self.visit_expr(&expr.cond);
        let (then_handles, else_handles) = match expr.cond.as_ref() {
            Expr::Let(binding) => (names_absence(&binding.pat), names_success(&binding.pat)),
            _ => (false, false),
        };
        let condition = code_of(&expr.cond);
        self.knowing(condition_facts(&expr.cond, true), |finder| {
            finder.handling(then_handles, |finder| {
                finder.guarded_by(condition.clone(), decision.holds, |finder| {
                    finder.visit_block(&expr.then_branch)
                })
            })
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
                decision.fails.clone(),
            );
            let negated = format!("not {condition}");
            self.knowing(condition_facts(&expr.cond, false), |finder| {
                finder.handling(else_handles, |finder| {
                    finder.guarded_by(negated, decision.fails, |finder| {
                        finder.visit_expr(else_branch)
                    })
                })
            });
        }
    }

    fn visit_expr_match(&mut self, expr: &'ast syn::ExprMatch) {
        self.visit_expr(&expr.expr);
        // A match with one arm destructures; it does not choose between paths.
        let branches = expr.arms.len() > 1;
        for (index, arm) in expr.arms.iter().enumerate() {
            let decision = Decision::of_arm(&expr.expr, &expr.arms, index);
            if branches {
                self.push(
                    line_of(arm.pat.span()),
                    SiteKind::Branch(Branch::MatchArm),
                    code_of(&arm.pat),
                    decision.holds.clone(),
                );
            }
            let (pattern, known) = match &arm.pat {
                Pat::Guard(guarded) => {
                    (guarded.pat.as_ref(), condition_facts(&guarded.guard, true))
                }
                pattern => (pattern, Vec::new()),
            };
            let handles = names_absence(pattern);
            self.knowing(known, |finder| {
                finder.handling(handles, |finder| {
                    finder.guarded_by(code_of(&arm.pat), decision.holds, |finder| {
                        finder.visit_arm(arm)
                    })
                })
            });
        }
    }

    fn visit_expr_return(&mut self, expr: &'ast syn::ExprReturn) {
        self.push_exit(line_of(expr.return_token.span), Branch::EarlyReturn, expr);
        visit::visit_expr_return(self, expr);
    }

    fn visit_expr_break(&mut self, expr: &'ast syn::ExprBreak) {
        if self.guarded_in_loop() {
            self.push_exit(line_of(expr.break_token.span), Branch::GuardedBreak, expr);
        }
        visit::visit_expr_break(self, expr);
    }

    fn visit_expr_continue(&mut self, expr: &'ast syn::ExprContinue) {
        if self.guarded_in_loop() {
            self.push_exit(
                line_of(expr.continue_token.span),
                Branch::GuardedContinue,
                expr,
            );
        }
        visit::visit_expr_continue(self, expr);
    }

    fn visit_expr_for_loop(&mut self, expr: &'ast syn::ExprForLoop) {
        self.visit_expr(&expr.expr);
        let mut known = Vec::new();
        guards::loop_facts(
            &expr.pat,
            &expr.expr,
            &|subject| self.length_of(subject),
            &mut known,
        );
        self.loop_depths.push(self.conditional_depth);
        self.knowing(known, |finder| finder.visit_block(&expr.body));
        self.loop_depths.pop();
    }

    fn visit_expr_while(&mut self, expr: &'ast syn::ExprWhile) {
        self.visit_expr(&expr.cond);
        self.loop_depths.push(self.conditional_depth);
        self.knowing(condition_facts(&expr.cond, true), |finder| {
            finder.visit_block(&expr.body)
        });
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
        let saved_leading = std::mem::take(&mut self.leading);
        self.conditional(|finder| visit::visit_expr_closure(finder, expr));
        self.loop_depths = saved_loops;
        self.conditions = saved_conditions;
        self.leading = saved_leading;
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        self.declared.local(local);
        if let Some(init) = &local.init {
            if let Some((_, diverge)) = &init.diverge {
                let line = line_of(local.let_token.span);
                let code = format!("let {} = {} else", code_of(&local.pat), code_of(&init.expr));
                let decision = Decision::of_pattern(&init.expr, &local.pat);
                let branch = SiteKind::Branch(Branch::LetElse);
                self.push(line, branch, code, decision.fails.clone());
                self.visit_pat(&local.pat);
                self.visit_expr(&init.expr);
                let unmatched = format!("{} does not match", code_of(&local.pat));
                self.handling(true, |finder| {
                    finder.guarded_by(unmatched, decision.fails, |finder| {
                        finder.visit_expr(diverge)
                    })
                });
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

const PANIC_MACROS: &[&str] = &["panic", "unreachable", "todo", "unimplemented"];

/// The body of `vec![value; count]` and other array-repeat-like macros.
fn repeat_expression(input: syn::parse::ParseStream<'_>) -> syn::Result<(Expr, Expr)> {
    let value: Expr = input.parse()?;
    input.parse::<syn::Token![;]>()?;
    let count: Expr = input.parse()?;
    Ok((value, count))
}
