//! Branches that are rewrites, not new: a branch whose decision (see
//! `syntax::DecisionKey`: the same condition, or the same scrutinee and pattern, however
//! written — `if let`/`else`, `match`, let-else, an `or_else` chain, reflowed) was already
//! taken by the same function before the change. A new arm, a changed condition, a new
//! `else`, or the same condition in another function has a key the function did not
//! have, and stays new.

use std::collections::BTreeMap;

use crate::change::FileChange;
use crate::syntax::{parse_touched, DecisionKey, Function, ParsedFile, Site};

/// The base versions of one file's functions, parsed on first use: most changed
/// functions gain no branch, and a file whose change removed nothing has no rewrite.
pub struct BaseFunctions<'a> {
    file: &'a FileChange,
    parsed: Option<Option<ParsedFile>>,
}

impl<'a> BaseFunctions<'a> {
    pub fn of(file: &'a FileChange) -> BaseFunctions<'a> {
        BaseFunctions { file, parsed: None }
    }

    /// The decisions `function` (by module path, owner and name) took before the change.
    /// Only the items around removed lines are parsed: a function the change only added
    /// to cannot hold a rewritten branch.
    fn decisions(&mut self, function: &Function) -> BTreeMap<DecisionKey, u32> {
        let file = self.file;
        let parsed = self.parsed.get_or_insert_with(|| {
            let old = file.old.as_ref()?;
            if file.removed_lines.is_empty() {
                return None;
            }
            Some(parse_touched(&old.content, &file.removed_lines))
        });
        let Some(parsed) = parsed else {
            return BTreeMap::new();
        };
        let mut counts = BTreeMap::new();
        let same = parsed.functions.iter().filter(|base| {
            base.name == function.name
                && base.owner == function.owner
                && base.modules == function.modules
        });
        for (key, count) in same.flat_map(|base| base.decisions.iter()) {
            *counts.entry(*key).or_default() += count;
        }
        counts
    }

    /// `branches` without those the base version of `function` already took: a branch
    /// one of whose keys the function takes no more often now than before. (A second
    /// `else` of the same condition is new, though the function had one.)
    pub fn new_branches<'s, T>(
        &mut self,
        function: &Function,
        branches: Vec<(&'s Site, T)>,
    ) -> Vec<(&'s Site, T)> {
        let mut known: Option<BTreeMap<DecisionKey, u32>> = None;
        let mut kept = Vec::with_capacity(branches.len());
        for (site, branch) in branches {
            if site.decisions.is_empty() {
                kept.push((site, branch));
                continue;
            }
            let known = known.get_or_insert_with(|| self.decisions(function));
            let rewritten = site.decisions.iter().any(|key| {
                let before = known.get(key).copied().unwrap_or(0);
                let now = function.decisions.get(key).copied().unwrap_or(0);
                before > 0 && now <= before
            });
            if !rewritten {
                kept.push((site, branch));
            }
        }
        kept
    }
}
