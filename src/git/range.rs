//! Turns what the user typed (`A..B`, `A`, `--commit SHA`, or nothing) into a base and a
//! head commit, following the forms of DESIGN.md.

use git2::{BranchType, Oid, Repository};

use crate::error::Error;
use crate::local_file;

/// The range forms of the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RangeSpec {
    /// No argument: the current branch against the default branch (`origin/HEAD`, else
    /// main/master, else an upstream that is another branch), plus staged, unstaged and
    /// untracked work.
    Default,
    /// `A`: merge-base(A, HEAD)..HEAD.
    Since(String),
    /// `A..B`: exactly the commits reachable from B and not from A.
    Between(String, String),
    /// `A...B`: merge-base(A, B)..B.
    Symmetric(String, String),
    /// `--commit SHA`: one commit against its first parent.
    Commit(String),
    /// A pull request in CI: merge-base(the first of these that exists, HEAD)..HEAD.
    /// The candidates are the base branch (`origin/main`), then the base commit's SHA.
    PullRequestBase(Vec<String>),
}

impl RangeSpec {
    /// Parses the positional RANGE argument. An empty side means HEAD, as in git.
    pub fn parse(text: &str) -> RangeSpec {
        let side = |s: &str| {
            if s.is_empty() {
                "HEAD".to_string()
            } else {
                s.to_string()
            }
        };
        if let Some((a, b)) = text.split_once("...") {
            RangeSpec::Symmetric(side(a), side(b))
        } else if let Some((a, b)) = text.split_once("..") {
            RangeSpec::Between(side(a), side(b))
        } else {
            RangeSpec::Since(text.to_string())
        }
    }
}

/// A range ready to walk: commits reachable from `head` and not from `base`.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub base: Option<Oid>,
    pub head: Option<Oid>,
    /// Diff the range against the work tree (with the index) instead of `head`'s tree.
    pub include_work_tree: bool,
    /// `--commit`: the range is that one commit, even when it is a merge whose other
    /// parents bring in commits of their own.
    pub single_commit: bool,
    /// The branch (or revision) whose merge base with the head is `base`, for the forms
    /// that take a merge base: what the report names as the base it compared with.
    pub base_ref: Option<String>,
}

impl Resolved {
    pub fn head_sha(&self) -> Option<String> {
        self.head.map(|id| id.to_string())
    }
}

pub fn resolve(repo: &Repository, spec: &RangeSpec) -> Result<Resolved, Error> {
    match spec {
        RangeSpec::Between(a, b) => Ok(Resolved {
            base: Some(commit_id(repo, a)?),
            head: Some(commit_id(repo, b)?),
            include_work_tree: false,
            single_commit: false,
            base_ref: None,
        }),
        RangeSpec::Symmetric(a, b) => {
            let a_id = commit_id(repo, a)?;
            let b_id = commit_id(repo, b)?;
            Ok(Resolved {
                base: Some(merge_base(repo, a, a_id, b, b_id)?),
                head: Some(b_id),
                include_work_tree: false,
                single_commit: false,
                base_ref: Some(a.clone()),
            })
        }
        RangeSpec::Since(a) => {
            let a_id = commit_id(repo, a)?;
            let head_id = commit_id(repo, "HEAD")?;
            Ok(Resolved {
                base: Some(merge_base(repo, a, a_id, "HEAD", head_id)?),
                head: Some(head_id),
                include_work_tree: false,
                single_commit: false,
                base_ref: Some(a.clone()),
            })
        }
        RangeSpec::PullRequestBase(candidates) => {
            let head_id = commit_id(repo, "HEAD")?;
            let found = candidates.iter().find_map(|name| {
                let id = repo.revparse_single(name).ok()?.peel_to_commit().ok()?.id();
                Some((name, id))
            });
            let Some((name, base_id)) = found else {
                let first = candidates.first().map(String::as_str).unwrap_or("HEAD");
                return Err(missing_revision(repo, first, "not fetched"));
            };
            Ok(Resolved {
                base: Some(merge_base(repo, name, base_id, "HEAD", head_id)?),
                head: Some(head_id),
                include_work_tree: false,
                single_commit: false,
                base_ref: Some(name.clone()),
            })
        }
        RangeSpec::Commit(sha) => {
            let id = commit_id(repo, sha)?;
            // Checked here as well as where commits are listed, to name the parent the way
            // the user named the commit (`HEAD^`).
            if shallow_roots(repo).contains(&id) {
                return Err(Error::ShallowMissing {
                    revision: format!("{sha}^"),
                    fetch: "git fetch --deepen=1".to_string(),
                });
            }
            let commit = repo
                .find_commit(id)
                .map_err(|e| Error::git("reading", sha, e))?;
            // A root commit is compared with the empty tree.
            let base = commit.parent_id(0).ok();
            Ok(Resolved {
                base,
                head: Some(id),
                include_work_tree: false,
                single_commit: true,
                base_ref: None,
            })
        }
        RangeSpec::Default => resolve_default(repo),
    }
}

fn resolve_default(repo: &Repository) -> Result<Resolved, Error> {
    if repo.is_bare() {
        return Err(Error::BareNeedsRange);
    }
    let head = match repo.head() {
        Ok(reference) => reference.peel_to_commit().ok().map(|c| c.id()),
        Err(error) if error.code() == git2::ErrorCode::UnbornBranch => None,
        Err(error) => return Err(Error::git("reading", "HEAD", error)),
    };
    let Some(head) = head else {
        // Nothing committed yet: the whole work tree is the change.
        return Ok(Resolved {
            base: None,
            head: None,
            include_work_tree: true,
            single_commit: false,
            base_ref: None,
        });
    };
    let Some((name, base_tip)) = default_base(repo) else {
        return Err(Error::NoDefaultBase);
    };
    let base = merge_base(repo, &name, base_tip, "HEAD", head)?;
    Ok(Resolved {
        base: Some(base),
        head: Some(head),
        include_work_tree: true,
        single_commit: false,
        base_ref: Some(name),
    })
}

/// The branch the current one will be merged into: the default branch (`origin/HEAD`,
/// else main or master, on origin first, then local), else the upstream when it is
/// another branch. The upstream comes last because after `git push -u` it is the branch
/// itself on the remote, against which the branch has nothing to show.
fn default_base(repo: &Repository) -> Option<(String, Oid)> {
    let candidates = [
        "refs/remotes/origin/HEAD",
        "refs/remotes/origin/main",
        "refs/remotes/origin/master",
        "refs/heads/main",
        "refs/heads/master",
    ];
    let default = candidates.iter().find_map(|name| {
        // `origin/HEAD` is named by the branch it points at, as the report shows it.
        let reference = repo.find_reference(name).ok()?.resolve().ok()?;
        let target = reference.peel_to_commit().ok()?.id();
        Some((short_ref_name(reference.name().ok()?), target))
    });
    default.or_else(|| other_branch_upstream(repo))
}

/// The current branch's upstream, unless it is the same branch on a remote.
fn other_branch_upstream(repo: &Repository) -> Option<(String, Oid)> {
    let head = repo.head().ok()?;
    if !head.is_branch() {
        return None;
    }
    let local_name = head.name().ok()?.to_string();
    let branch = repo
        .find_branch(head.shorthand().ok()?, BranchType::Local)
        .ok()?;
    let upstream = branch.upstream().ok()?;
    // `branch.NAME.merge`: the branch's name where its upstream lives.
    let merges = repo.branch_upstream_merge(&local_name).ok()?;
    let same_branch =
        upstream.get().is_remote() && merges.as_str().ok() == Some(local_name.as_str());
    if same_branch {
        return None;
    }
    let target = upstream.get().target()?;
    Some((short_ref_name(upstream.get().name().ok()?), target))
}

fn short_ref_name(name: &str) -> String {
    name.trim_start_matches("refs/heads/")
        .trim_start_matches("refs/remotes/")
        .to_string()
}

/// See `Repo::swapped_range`.
pub(super) fn swapped_form(repo: &Repository, spec: &RangeSpec) -> Option<(String, String)> {
    let (a, b, dots) = match spec {
        RangeSpec::Between(a, b) => (a, b, ".."),
        RangeSpec::Symmetric(a, b) => (a, b, "..."),
        _ => return None,
    };
    let a_id = commit_id(repo, a).ok()?;
    let b_id = commit_id(repo, b).ok()?;
    let reversed = a_id != b_id && repo.graph_descendant_of(a_id, b_id).ok()?;
    reversed.then(|| (format!("{a}{dots}{b}"), format!("{b}{dots}{a}")))
}

fn commit_id(repo: &Repository, spec: &str) -> Result<Oid, Error> {
    let object = repo.revparse_single(spec).map_err(|error| {
        if crate::error::is_out_of_memory(&error) {
            Error::git("resolving", spec, error)
        } else if spec == "HEAD" && repo.head().is_err() {
            Error::UnbornHead
        } else {
            missing_revision(repo, spec, error.message())
        }
    })?;
    object
        .peel_to_commit()
        .map(|commit| commit.id())
        .map_err(|_| Error::NotACommit {
            revision: spec.to_string(),
        })
}

fn merge_base(repo: &Repository, a: &str, a_id: Oid, b: &str, b_id: Oid) -> Result<Oid, Error> {
    repo.merge_base(a_id, b_id).map_err(|error| {
        if error.code() == git2::ErrorCode::NotFound && repo.is_shallow() {
            Error::ShallowNoMergeBase {
                a: a.to_string(),
                b: b.to_string(),
            }
        } else if error.code() == git2::ErrorCode::NotFound {
            Error::NoMergeBase {
                a: a.to_string(),
                b: b.to_string(),
            }
        } else {
            Error::git("finding the merge base of", &format!("{a} and {b}"), error)
        }
    })
}

/// A revision git cannot find: in a shallow clone, most likely one that was not fetched.
fn missing_revision(repo: &Repository, revision: &str, reason: &str) -> Error {
    if !repo.is_shallow() {
        // A remote-tracking name is fetched by its branch name on the remote.
        let on_remote = revision.strip_prefix("origin/").unwrap_or(revision);
        return Error::UnknownRevision {
            revision: revision.to_string(),
            reason: reason.to_string(),
            did_you_mean: crate::suggest::did_you_mean(
                near_branch(repo, revision).as_deref(),
                "If not, ",
            ),
            fetch: format!("git fetch origin {on_remote}"),
        };
    }
    // The base alone is not enough: the history that joins it to HEAD is missing too, so
    // the fix deepens the clone as it fetches. (actions/checkout's remote maps every
    // branch to `origin/BRANCH`, so this also creates the ref ponder looks for.)
    let fetch = if let Some(branch) = revision.strip_prefix("origin/") {
        format!("git fetch --unshallow origin {branch}")
    } else if revision.len() >= 7 && revision.chars().all(|c| c.is_ascii_hexdigit()) {
        format!("git fetch --unshallow origin {revision}")
    } else {
        "git fetch --unshallow".to_string()
    };
    Error::ShallowMissing {
        revision: revision.to_string(),
        fetch,
    }
}

/// The local or remote-tracking branch whose name is nearest to the one in `revision`
/// (what comes before a `~`, `^` or `@{…}` suffix, which is kept).
fn near_branch(repo: &Repository, revision: &str) -> Option<String> {
    let split = revision
        .find(['~', '^', '@', ':'])
        .unwrap_or(revision.len());
    let (name, suffix) = revision.split_at(split);
    let branches: Vec<String> = repo
        .branches(None)
        .ok()?
        .filter_map(|branch| {
            let (branch, _) = branch.ok()?;
            let name = branch.name().ok()??.to_string();
            // `origin/HEAD` is a pointer, not a branch anyone means to type.
            (!name.ends_with("/HEAD")).then_some(name)
        })
        .collect();
    crate::suggest::nearest_branch(name, &branches).map(|near| format!("{near}{suffix}"))
}

/// The commits at the edge of a shallow clone (`.git/shallow`), whose parents are missing.
pub(super) fn shallow_roots(repo: &Repository) -> Vec<Oid> {
    if !repo.is_shallow() {
        return Vec::new();
    }
    // One line of 41 bytes per root; a FIFO or a device there is no list of roots.
    let shallow = repo.commondir().join("shallow");
    local_file::read_regular_text(&shallow, 256 * 1024 * 1024, "the shallow file")
        .unwrap_or_default()
        .lines()
        .filter_map(|line| Oid::from_str(line.trim()).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::RangeSpec;

    #[test]
    fn range_argument_forms() {
        assert_eq!(
            RangeSpec::parse("v1..v2"),
            RangeSpec::Between("v1".into(), "v2".into())
        );
        assert_eq!(
            RangeSpec::parse("main..."),
            RangeSpec::Symmetric("main".into(), "HEAD".into())
        );
        assert_eq!(
            RangeSpec::parse("..topic"),
            RangeSpec::Between("HEAD".into(), "topic".into())
        );
        assert_eq!(RangeSpec::parse("main"), RangeSpec::Since("main".into()));
    }
}
