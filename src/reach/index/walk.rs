//! Walking the call index: what a set of tests reaches within a few calls, breadth
//! first, and the path by which it got to a function (for the prompt's evidence).

use std::collections::{HashMap, VecDeque};

use super::CallIndex;

/// How a test reaches a function: the test, the functions in between, and the names on
/// the way that had several definitions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReachPath {
    /// `tests/reading.rs::comments_are_read`.
    pub test: String,
    pub through: Vec<String>,
    pub ambiguous: Vec<String>,
}

impl CallIndex {
    /// Everything `tests` reach within `max_depth` calls, breadth first.
    pub fn reach_from(&self, tests: &[usize], max_depth: usize) -> Reachability {
        self.walk(tests, max_depth, true)
    }

    /// `reach_from`, with or without the methods a named type brings along.
    fn walk(&self, tests: &[usize], max_depth: usize, implicit: bool) -> Reachability {
        let mut seen: HashMap<usize, Step> = HashMap::new();
        let mut queue = VecDeque::new();
        for &test in tests {
            if seen.contains_key(&test) {
                continue;
            }
            seen.insert(
                test,
                Step {
                    depth: 0,
                    from: None,
                    ambiguous: false,
                },
            );
            queue.push_back(test);
        }
        while let Some(node) = queue.pop_front() {
            let Some(depth) = seen.get(&node).map(|step| step.depth) else {
                continue;
            };
            if depth >= max_depth {
                continue;
            }
            let Some(next) = self.edges_of(node, implicit) else {
                continue;
            };
            for &(target, ambiguous) in next {
                if seen.contains_key(&target) {
                    continue;
                }
                seen.insert(
                    target,
                    Step {
                        depth: depth + 1,
                        from: Some(node),
                        ambiguous,
                    },
                );
                queue.push_back(target);
            }
        }
        Reachability { seen }
    }

    /// What `node` calls (with whether the call was ambiguous), and with `implicit` the
    /// methods the types it names bring along; worked out once per node.
    fn edges_of(&self, node: usize, implicit: bool) -> Option<&[(usize, bool)]> {
        let memo = self.edges.get(node)?.get(usize::from(implicit))?;
        let function = self.function(node)?;
        let next = memo.get_or_init(|| {
            let mut next: Vec<(usize, bool)> = Vec::new();
            for call in &function.calls {
                let (found, ambiguous) = self.resolve(node, call);
                next.extend(found.into_iter().map(|n| (n, ambiguous)));
            }
            for type_name in function.types.iter().filter(|_| implicit) {
                if let Some(methods) = self.implicit.get(type_name) {
                    next.extend(methods.iter().map(|&n| (n, false)));
                }
            }
            if function.runs_binary {
                let root = self.file(node).map(|f| f.root.clone()).unwrap_or_default();
                next.extend(self.mains(&root).into_iter().map(|n| (n, false)));
            }
            next
        });
        Some(next)
    }

    /// Whether `test` calls into the package's production code at all, within a few
    /// calls (its own helpers count on the way). A test that only calls what the index
    /// does not hold (a test-support crate running the code by a command string) tells
    /// the index nothing.
    pub fn reaches_production(&self, test: usize) -> bool {
        const HELPER_DEPTH: usize = 3;
        // Only calls by name: naming a type (`Value`) says nothing about what runs.
        let reach = self.walk(&[test], HELPER_DEPTH, false);
        reach.seen.keys().any(|&node| !self.is_test(node))
    }

    /// How the reach found by `reach_from` got to `node`, if it did.
    pub fn path_to(&self, reach: &Reachability, node: usize) -> Option<ReachPath> {
        let mut chain = vec![node];
        let mut ambiguous = Vec::new();
        let mut at = node;
        while let Some(step) = reach.seen.get(&at) {
            if step.ambiguous {
                if let Some(function) = self.function(at) {
                    ambiguous.push(function.name.clone());
                }
            }
            match step.from {
                Some(from) if chain.len() <= reach.seen.len() => {
                    chain.push(from);
                    at = from;
                }
                Some(_) => return None,
                None => break,
            }
        }
        if !reach.seen.contains_key(&node) {
            return None;
        }
        chain.reverse();
        let test = *chain.first()?;
        let test_name = format!(
            "{}::{}",
            self.file(test).map(|f| f.path.as_str()).unwrap_or(""),
            self.function(test).map(|f| f.name.as_str()).unwrap_or("")
        );
        let through = chain
            .iter()
            .skip(1)
            .take(chain.len().saturating_sub(2))
            .map(|&n| self.display(n))
            .collect();
        ambiguous.reverse();
        ambiguous.dedup();
        Some(ReachPath {
            test: test_name,
            through,
            ambiguous,
        })
    }
}

struct Step {
    depth: usize,
    from: Option<usize>,
    /// The call that led here had several definitions.
    ambiguous: bool,
}

/// What a set of tests reaches.
pub struct Reachability {
    seen: HashMap<usize, Step>,
}

impl Reachability {
    pub fn contains(&self, node: usize) -> bool {
        self.seen.contains_key(&node)
    }
}
