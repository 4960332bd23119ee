//! "Did you mean …?": the known name nearest to a mistyped one (a branch, a rule id), for
//! the errors and stale answers that name what the user probably meant.

/// How alike two names must be (Jaro–Winkler, 0 to 1) for one to be offered for the
/// other: clap offers a subcommand from 0.7; names here are longer and fewer, so a
/// stricter bound keeps unrelated names out.
const LIKE_ENOUGH: f64 = 0.8;

/// The candidate nearest to `typed`, when one is near enough and is not `typed` itself.
/// A tie goes to the candidate listed first.
pub fn nearest<'a>(typed: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        if candidate == typed {
            continue;
        }
        let score = strsim::jaro_winkler(last_part(typed), last_part(candidate));
        if score >= LIKE_ENOUGH && best.is_none_or(|(top, _)| score > top) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, name)| name)
}

/// A name's last `/`-separated part: `origin/` or `feature/` shared by every candidate
/// would make unrelated names look alike.
fn last_part(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

/// [`nearest`] for a branch name, which also knows that `main` and `master` are confused
/// by habit, not by typing: a repository's default branch has one name or the other, and
/// the two are too unlike for the distance to pair them. `origin/` and the like are kept.
pub fn nearest_branch<'a>(typed: &str, branches: &'a [String]) -> Option<&'a str> {
    let by_spelling = nearest(typed, branches.iter().map(String::as_str));
    if by_spelling.is_some() {
        return by_spelling;
    }
    let (prefix, name) = match typed.rsplit_once('/') {
        Some((prefix, name)) => (format!("{prefix}/"), name),
        None => (String::new(), typed),
    };
    let other = match name {
        "main" => "master",
        "master" => "main",
        _ => return None,
    };
    let wanted = format!("{prefix}{other}");
    branches
        .iter()
        .find(|branch| **branch == wanted)
        .map(String::as_str)
}

/// The start of a help line that offers `name` ("did you mean `master`? " and `then`),
/// or nothing.
pub fn did_you_mean(name: Option<&str>, then: &str) -> String {
    name.map(|name| format!("did you mean `{name}`? {then}"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::{nearest, nearest_branch};

    #[test]
    fn near_names_are_offered_and_far_ones_are_not() {
        let rules = ["unhandled-failure", "untested-branch", "bulk-insertion"];
        assert_eq!(
            nearest("unhandled-failur", rules),
            Some("unhandled-failure")
        );
        assert_eq!(nearest("untested-brnach", rules), Some("untested-branch"));
        assert_eq!(nearest("style", rules), None);
        assert_eq!(nearest("bulk-insertion", rules), None);
    }

    #[test]
    fn main_and_master_stand_for_each_other() {
        let branches = vec!["master".to_string(), "origin/master".to_string()];
        assert_eq!(nearest_branch("main", &branches), Some("master"));
        assert_eq!(
            nearest_branch("origin/main", &branches),
            Some("origin/master")
        );
        let branches = vec!["main".to_string(), "feature".to_string()];
        assert_eq!(nearest_branch("mian", &branches), Some("main"));
        assert_eq!(nearest_branch("featuer", &branches), Some("feature"));
        assert_eq!(nearest_branch("release", &branches), None);
        let remote = vec!["origin/main".to_string(), "origin/topic".to_string()];
        assert_eq!(nearest_branch("origin/release", &remote), None);
        assert_eq!(nearest_branch("origin/mian", &remote), Some("origin/main"));
    }
}
