//! What a site is: a line of a function where it can fail or where it branches, with the
//! code there, what fails, and the decisions a branch takes. `sites` finds them.

use super::decisions::DecisionKey;
use super::operations::{Operand, Operation};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// 1-based line of the token that marks the site (`.unwrap`, `if`, `[`, ...).
    pub line: u32,
    pub kind: SiteKind,
    /// The source of the expression, whitespace collapsed, cut to a readable length.
    pub code: String,
    /// For a failure site: what fails, and what the conditions before it establish.
    pub operand: Option<Box<Operand>>,
    /// For a branch: the ways of writing the decision it takes (see `decisions`).
    pub decisions: Vec<DecisionKey>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteKind {
    Failure(Failure),
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
