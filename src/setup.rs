//! What a run sets up before it reads the change: the rules (built-in and the
//! configuration's `[[custom]]` ones) with the configuration that sets them, the coverage
//! file, and the parse counts it reports at the end.

use crate::config::Config;
use crate::git::{RangeSpec, Repo};
use crate::rules::{self, Rule};
use crate::syntax::ParseCache;
use crate::timings::Timings;
use crate::{reach, Error, Request};

/// The rules of a run: the built-in ones and the configuration's `[[custom]]` ones, with
/// the configuration that sets them.
pub struct AllRules {
    pub rules: Vec<Box<dyn Rule>>,
    pub config: Config,
}

pub fn all_rules(repo: &Repo, request: &Request, head: Option<&str>) -> Result<AllRules, Error> {
    let mut rules = rules::registry();
    let definitions: Vec<_> = rules.iter().map(|rule| rule.definition()).collect();
    let from_work_tree = request.range == RangeSpec::Default;
    let config = Config::load(
        repo,
        request.config.as_ref(),
        from_work_tree,
        head,
        &definitions,
    )?;
    for rule in &rules {
        let id = &rule.definition().id;
        if let Some(reason) = config
            .rules
            .get(id)
            .and_then(|settings| rule.thresholds_problem(settings))
        {
            return Err(Error::ThresholdsMismatch {
                rule: id.clone(),
                reason,
            });
        }
    }
    rules.extend(
        config
            .custom
            .iter()
            .map(|custom| Box::new(custom.clone()) as Box<dyn Rule>),
    );
    Ok(AllRules { rules, config })
}

pub fn count_parses(cache: &ParseCache, timings: &mut Timings) {
    let (texts, bytes) = cache.parsed();
    timings.count("parsed texts", texts);
    timings.count("parsed bytes", bytes);
}

/// `--coverage PATH`, read once for the run.
pub fn read_coverage(repo: &Repo, request: &Request) -> Result<Option<reach::Coverage>, Error> {
    request
        .coverage
        .as_ref()
        .map(|path| reach::Coverage::read(path, repo.work_dir().as_deref()))
        .transpose()
}

/// Every rule a run in `repo` would have (the built-in ones, then the configuration's
/// `[[custom]]` ones), each with whether the configuration leaves it enabled: what `ponder
/// rules` lists. The configuration is `explicit`, else the work tree's `.ponder.toml`; a
/// folder that is no repository (or a bare one) has the defaults.
pub fn configured_rules(
    repo: &std::path::Path,
    explicit: Option<&std::path::PathBuf>,
) -> Result<Vec<(crate::model::RuleDefinition, bool)>, Error> {
    let builtin = rules::registry();
    let definitions: Vec<_> = builtin.iter().map(|rule| rule.definition()).collect();
    let config = match (Repo::open(repo), explicit) {
        (Ok(repo), _) => Config::load(&repo, explicit, true, None, &definitions)?,
        (Err(_), Some(path)) => Config::read(path, &definitions)?,
        (Err(_), None) => Config::defaults(&definitions),
    };
    let enabled = |id: &str| config.rules.get(id).is_none_or(|settings| settings.enabled);
    let mut listed: Vec<_> = definitions
        .iter()
        .map(|definition| ((*definition).clone(), enabled(&definition.id)))
        .collect();
    listed.extend(
        config
            .custom
            .iter()
            .map(|custom| (custom.definition.clone(), enabled(&custom.id))),
    );
    Ok(listed)
}

/// The syntax passes the run's enabled rules read, so that a parse makes no reading that
/// no rule of the run will look at.
pub fn syntax_passes(all: &AllRules) -> crate::syntax::Passes {
    all.rules
        .iter()
        .filter(|rule| {
            all.config
                .rules
                .get(&rule.definition().id)
                .is_none_or(|settings| settings.enabled)
        })
        .fold(crate::syntax::Passes::default(), |passes, rule| {
            passes.union(rule.syntax_passes())
        })
}

#[cfg(test)]
mod tests {
    use super::{syntax_passes, AllRules};
    use crate::config::Config;
    use crate::rules;
    use crate::syntax::Passes;

    fn with(enabled: &[&str]) -> AllRules {
        let rules = rules::registry();
        let definitions: Vec<_> = rules.iter().map(|rule| rule.definition()).collect();
        let mut config = Config::defaults(&definitions);
        for id in enabled {
            if let Some(settings) = config.rules.get_mut(*id) {
                settings.enabled = true;
            }
        }
        AllRules { rules, config }
    }

    #[test]
    fn a_parse_reads_only_what_the_enabled_rules_need() {
        // The rules that read the optional passes ship off by default.
        assert_eq!(syntax_passes(&with(&[])), Passes::default());
        let passes = syntax_passes(&with(&["silenced-check", "assertion-free-test"]));
        assert!(
            passes.silencers && passes.test_bodies && !passes.swallows,
            "{passes:?}"
        );
        assert_eq!(
            syntax_passes(&with(&[
                "silenced-check",
                "swallowed-error",
                "assertion-free-test"
            ])),
            Passes::ALL
        );
    }
}
