//! The decision a branch takes, as a key that survives a rewrite: `if let P = E`, a match
//! arm `P =>` on `E` and `let P = E else` all decide (E, P); the `else` of any of them, the
//! second arm of a two-arm match and a let-else's `else` decide "E does not match P";
//! `E.is_some()` decides (E, `Some(_)`); an `or_else` chain decides, for each alternative,
//! whether it is `Some`/`Ok`. Tokens are compared, not text, so whitespace and line breaks
//! do not count, and names a pattern binds are blanked (`Some(v)` and `Some(value)` are
//! one pattern). An early exit's key is its expression under the decision that leads to it.
//!
//! A key is a hash: rules only ask whether a branch's key was among a function's keys
//! before the change.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::ToTokens;
use syn::{Expr, Pat};

/// One way of writing a decision, hashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DecisionKey(u64);

fn key(parts: &[&str]) -> DecisionKey {
    let mut hasher = DefaultHasher::new();
    parts.hash(&mut hasher);
    DecisionKey(hasher.finish())
}

/// Tokens of a node, whitespace-independent.
fn tokens(node: &impl ToTokens) -> String {
    node.to_token_stream().to_string()
}

/// The keys of a condition and of its negation (what its `else` decides).
#[derive(Debug, Clone, Default)]
pub struct Decision {
    pub holds: Vec<DecisionKey>,
    pub fails: Vec<DecisionKey>,
}

impl Decision {
    /// `E` matches `P` (and its negation).
    fn matching(subject: &str, pattern: &str) -> Decision {
        Decision {
            holds: vec![key(&["match", subject, pattern])],
            fails: vec![key(&["no match", subject, pattern])],
        }
    }

    /// Both ways round: `E.is_none()` is `E` matching `None` and `E` not matching `Some(_)`.
    fn matching_either(subject: &str, pattern: &str, opposite: &str) -> Decision {
        let mut decision = Decision::matching(subject, pattern);
        let other = Decision::matching(subject, opposite);
        decision.holds.extend(other.fails);
        decision.fails.extend(other.holds);
        decision
    }

    /// The decision of an `if` condition.
    pub fn of_condition(condition: &Expr) -> Decision {
        match condition {
            Expr::Let(binding) => Decision::of_pattern(&binding.expr, &binding.pat),
            Expr::Paren(inner) => Decision::of_condition(&inner.expr),
            Expr::Unary(syn::ExprUnary {
                op: syn::UnOp::Not(_),
                expr,
                ..
            }) => {
                let inner = Decision::of_condition(expr);
                Decision {
                    holds: inner.fails,
                    fails: inner.holds,
                }
            }
            Expr::MethodCall(call) if call.args.is_empty() => {
                let subject = tokens(&call.receiver);
                let pair = match call.method.to_string().as_str() {
                    "is_some" => Some(("Some (_)", "None")),
                    "is_none" => Some(("None", "Some (_)")),
                    "is_ok" => Some(("Ok (_)", "Err (_)")),
                    "is_err" => Some(("Err (_)", "Ok (_)")),
                    _ => None,
                };
                match pair {
                    Some((pattern, opposite)) => {
                        Decision::matching_either(&subject, pattern, opposite)
                    }
                    None => Decision::boolean(condition),
                }
            }
            _ => Decision::boolean(condition),
        }
    }

    fn boolean(condition: &Expr) -> Decision {
        let text = tokens(condition);
        Decision {
            holds: vec![key(&["if", &text])],
            fails: vec![key(&["else", &text])],
        }
    }

    /// `subject` matches `pattern`, bound names blanked; `None` also decides "not `Some`".
    pub fn of_pattern(subject: &Expr, pattern: &Pat) -> Decision {
        let subject = tokens(subject);
        let pattern = match pattern {
            Pat::Guard(guarded) => {
                format!("{} if {}", blanked(&guarded.pat), tokens(&guarded.guard))
            }
            pattern => blanked(pattern),
        };
        match pattern.as_str() {
            "None" => Decision::matching_either(&subject, "None", "Some (_)"),
            "Some (_)" => Decision::matching_either(&subject, "Some (_)", "None"),
            "Ok (_)" => Decision::matching_either(&subject, "Ok (_)", "Err (_)"),
            "Err (_)" => Decision::matching_either(&subject, "Err (_)", "Ok (_)"),
            _ => Decision::matching(&subject, &pattern),
        }
    }

    /// The keys of arm `index` of a match on `subject`: its pattern, and in a two-arm
    /// match the second arm is also the first arm's `else`.
    pub fn of_arm(subject: &Expr, arms: &[syn::Arm], index: usize) -> Decision {
        let Some(arm) = arms.get(index) else {
            return Decision::default();
        };
        let mut decision = Decision::of_pattern(subject, &arm.pat);
        if arms.len() == 2 {
            let other = arms
                .get(1 - index)
                .map(|o| Decision::of_pattern(subject, &o.pat));
            if let Some(other) = other {
                decision.holds.extend(other.fails);
            }
        }
        decision
    }
}

/// A pattern's tokens with every lower-case binding (`v`, `ref mut v`, `_rest`) as `_`:
/// an identifier that is no path segment, field name, literal or keyword.
fn blanked(pattern: &Pat) -> String {
    blank(pattern.to_token_stream())
}

fn blank(stream: TokenStream) -> String {
    let tokens: Vec<TokenTree> = stream.into_iter().collect();
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    for (index, token) in tokens.iter().enumerate() {
        let punct_at = |at: Option<usize>| match at.and_then(|at| tokens.get(at)) {
            Some(TokenTree::Punct(p)) => Some(p.as_char()),
            Some(TokenTree::Group(g)) if g.delimiter() != Delimiter::None => Some('('),
            _ => None,
        };
        let next = punct_at(Some(index + 1));
        let previous = punct_at(index.checked_sub(1));
        out.push(match token {
            TokenTree::Group(group) => {
                let inner = blank(group.stream());
                match group.delimiter() {
                    Delimiter::Parenthesis => format!("({inner})"),
                    Delimiter::Brace => format!("{{{inner}}}"),
                    Delimiter::Bracket => format!("[{inner}]"),
                    Delimiter::None => inner,
                }
            }
            TokenTree::Ident(ident) => {
                let name = ident.to_string();
                let binding = name.starts_with(|c: char| c.is_lowercase() || c == '_')
                    && !matches!(name.as_str(), "true" | "false" | "ref" | "mut" | "box")
                    && !matches!(next, Some(':' | '(' | '!'))
                    && previous != Some(':');
                if binding {
                    "_".to_string()
                } else {
                    name
                }
            }
            other => other.to_string(),
        });
    }
    out.join(" ")
}

/// The key of an exit (`return`, `break`, `continue` with its value) under each of the
/// decisions that lead to it, or on its own when none does.
pub fn of_exit(exit: &impl ToTokens, leading: Option<&[DecisionKey]>) -> Vec<DecisionKey> {
    let text = tokens(exit);
    match leading {
        Some(keys) if !keys.is_empty() => keys
            .iter()
            .map(|k| key(&["exit", &text, &k.0.to_string()]))
            .collect(),
        _ => vec![key(&["exit", &text])],
    }
}

/// What an `or`/`or_else`/`unwrap_or…` call decides, written as an `if let` chain: for each
/// alternative it tries (the receiver, unless it is itself such a call, and what `or`
/// and `or_else` fall back to), whether it is `Some`/`Ok`, and the `else` of that.
pub fn of_fallback_call(call: &syn::ExprMethodCall) -> Vec<DecisionKey> {
    let method = call.method.to_string();
    let tries_argument = matches!(method.as_str(), "or" | "or_else");
    let falls_back = tries_argument
        || matches!(
            method.as_str(),
            "unwrap_or" | "unwrap_or_else" | "unwrap_or_default" | "map_or" | "map_or_else"
        );
    if !falls_back {
        return Vec::new();
    }
    let mut alternatives: Vec<&Expr> = Vec::new();
    let receiver_chains = matches!(call.receiver.as_ref(),
        Expr::MethodCall(inner) if inner.method == "or" || inner.method == "or_else");
    if !receiver_chains {
        alternatives.push(&call.receiver);
    }
    if tries_argument {
        if let Some(argument) = call.args.first() {
            alternatives.push(match argument {
                Expr::Closure(closure) => &closure.body,
                other => other,
            });
        }
    }
    let mut keys = Vec::new();
    for alternative in alternatives {
        let subject = tokens(alternative);
        for (pattern, opposite) in [("Some (_)", "None"), ("Ok (_)", "Err (_)")] {
            let decision = Decision::matching_either(&subject, pattern, opposite);
            keys.extend(decision.holds);
            keys.extend(decision.fails);
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use crate::syntax::{parse, Site};

    /// The decision keys of each branch site of the only function in `source`.
    fn branch_keys(source: &str) -> Vec<Vec<super::DecisionKey>> {
        let parsed = parse(source);
        let sites: Vec<&Site> = parsed.functions.iter().flat_map(|f| &f.sites).collect();
        sites.iter().map(|site| site.decisions.clone()).collect()
    }

    fn shares_a_key(a: &[super::DecisionKey], b: &[super::DecisionKey]) -> bool {
        a.iter().any(|key| b.contains(key))
    }

    #[test]
    fn if_let_else_and_a_two_arm_match_take_the_same_decisions() {
        let if_let =
            branch_keys("fn f(x: Option<u8>) -> u8 { if let Some(v) = x { v } else { 0 } }");
        let matched =
            branch_keys("fn f(x: Option<u8>) -> u8 { match x { Some(n) => n, None => 0 } }");
        assert!(shares_a_key(&if_let[0], &matched[0]));
        assert!(shares_a_key(&if_let[1], &matched[1]));
        assert!(!shares_a_key(&if_let[0], &matched[1]));
    }

    #[test]
    fn a_changed_comparison_is_another_decision_and_line_breaks_are_not() {
        let before = branch_keys("fn f(a: u8, b: u8) -> bool { if a < b { true } else { false } }");
        let after = branch_keys("fn f(a: u8, b: u8) -> bool { if a <= b { true } else { false } }");
        let wrapped = branch_keys(
            "fn f(a: u8, b: u8) -> bool {\n    if a\n        < b\n    { true } else { false } }",
        );
        assert!(!shares_a_key(&before[0], &after[0]));
        assert!(shares_a_key(&before[0], &wrapped[0]));
    }
}
