//! Runs the rules on one unit of a change: a commit's diff, the work in progress, or the
//! change as a whole. It parses what the unit's rules need (the Rust files' new versions
//! for rules that judge the change, what a commit rule asks for), builds the unit's change
//! index on first use, and turns each finding into a pending prompt.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, OnceLock};

use crate::answers::KnownRules;
use crate::change::{Commit, FileChange, MovedCode, Text, TextKey};
use crate::config::Config;
use crate::model::{RuleDefinition, RuleSettings};
use crate::prompts::{self, Pending};
use crate::reach::Reach;
use crate::rules::{Context, Rule, Scope};
use crate::syntax::{ParseCache, ParseRequest, Syntax};
use crate::timings::Timings;

/// The rules of one run with their settings, and the run's parse cache.
pub struct Rules<'a> {
    all: &'a [Box<dyn Rule>],
    enabled: Vec<(&'a dyn Rule, &'a RuleSettings)>,
    cache: &'a ParseCache,
}

/// What judging a unit gives: its pending prompts, and the parses it made (which say
/// which files could not be parsed).
pub struct Judged {
    pub pending: Vec<Pending>,
    pub syntax: Syntax,
}

impl<'a> Rules<'a> {
    /// The rules of `all` that `config` leaves enabled (every `[[custom]]` rule is).
    pub fn new(all: &'a [Box<dyn Rule>], config: &'a Config, cache: &'a ParseCache) -> Self {
        let enabled = all
            .iter()
            .filter_map(|rule| {
                let settings = config.rules.get(&rule.definition().id)?;
                settings.enabled.then_some((rule.as_ref(), settings))
            })
            .collect();
        Rules {
            all,
            enabled,
            cache,
        }
    }

    fn of_scope(
        &self,
        scopes: &[Scope],
    ) -> impl Iterator<Item = &(&'a dyn Rule, &'a RuleSettings)> {
        let scopes = scopes.to_vec();
        self.enabled
            .iter()
            .filter(move |(rule, _)| scopes.contains(&rule.scope()))
    }

    /// Whether judging `commit` with the commit rules needs its files' texts.
    pub fn commit_needs_texts(&self, commit: Option<&Commit>, files: &[FileChange]) -> bool {
        self.of_scope(&[Scope::Commit])
            .any(|(rule, settings)| rule.needs_texts(commit, files, settings))
    }

    /// Judges `files` (of `commit`, when they are its diff) with the rules of `scopes`.
    pub fn judge(
        &self,
        files: &[FileChange],
        commit: Option<&Commit>,
        scopes: &[Scope],
        reach: &Reach<'_>,
        timings: &mut Timings,
    ) -> Judged {
        let moved = OnceLock::new();
        let moved_code = || moved.get_or_init(|| MovedCode::of(files));
        let mut texts: Vec<Text> = Vec::new();
        if self
            .of_scope(scopes)
            .any(|(rule, _)| rule.scope() == Scope::Change)
        {
            texts.extend(
                files
                    .iter()
                    .filter(|file| file.is_rust())
                    .filter_map(|file| file.new.clone()),
            );
        }
        for (rule, settings) in self.of_scope(scopes) {
            if rule.scope() == Scope::Commit {
                texts.extend(rule.texts_to_parse(files, moved_code(), settings));
            }
        }
        let syntax = timings.measure("parse", || self.parse(texts, files));

        let start = std::time::Instant::now();
        let mut pending = Vec::new();
        for (rule, settings) in self.of_scope(scopes) {
            let context = Context {
                files,
                commit: commit.filter(|_| rule.scope() == Scope::Commit),
                syntax: &syntax,
                settings,
                moved: &moved,
                reach,
            };
            let id = &rule.definition().id;
            for finding in rule.check(&context) {
                pending.push(prompts::pending(
                    id,
                    finding,
                    settings,
                    files,
                    commit,
                    rule.answered_by(),
                ));
            }
        }
        timings.add("rules", start.elapsed());
        Judged { pending, syntax }
    }

    /// Parses `texts`, each around the lines `files` add to it: rules read only the
    /// functions that hold an added line.
    fn parse(&self, texts: Vec<Text>, files: &[FileChange]) -> Syntax {
        let mut touched: HashMap<&TextKey, BTreeSet<u32>> = HashMap::new();
        for file in files {
            if let Some(text) = &file.new {
                touched
                    .entry(&text.key)
                    .or_default()
                    .extend(file.added_lines.iter().copied());
            }
        }
        let requests = texts
            .into_iter()
            .map(|text| ParseRequest {
                touched: touched.get(&text.key).cloned().map(Arc::new),
                key: text.key,
                content: text.content,
            })
            .collect();
        self.cache.syntax_for(requests)
    }

    /// The settings of rule `id`, when it is enabled.
    pub fn enabled_settings(&self, id: &str) -> Option<&'a RuleSettings> {
        self.enabled
            .iter()
            .find(|(rule, _)| rule.definition().id == id)
            .map(|(_, settings)| *settings)
    }

    /// Every rule id of the run, enabled or not, with what answers it: for telling a
    /// stale answer from a misspelt one, and an answer of the wrong form.
    pub fn ids(&self) -> KnownRules {
        KnownRules {
            forms: self
                .all
                .iter()
                .map(|rule| (rule.definition().id.clone(), rule.answered_by()))
                .collect(),
            yields_to: self
                .all
                .iter()
                .filter(|rule| !rule.definition().yields_to.is_empty())
                .map(|rule| {
                    let definition = rule.definition();
                    (definition.id.clone(), definition.yields_to.clone())
                })
                .collect(),
        }
    }

    /// The definitions of every rule of the run, in order, for the report.
    pub fn definitions(&self) -> Vec<RuleDefinition> {
        self.all
            .iter()
            .map(|rule| rule.definition().clone())
            .collect()
    }
}
