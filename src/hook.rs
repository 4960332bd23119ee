//! `ponder hook install` and `ponder hook uninstall`: a pre-push hook that asks ponder's
//! questions about what is being pushed, before it reaches the remote. The hook is a short POSIX shell script, so that
//! it needs nothing but `ponder` on the PATH (or `$PONDER`) and git itself.
//!
//! By default the hook never stops a push: prompts are questions, not verdicts, and a
//! missing or failing ponder is reported and passed over. Installed with
//! `--require-answers`, it stops the push while a prompt is unanswered (or ponder fails).

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::git::Repo;
use crate::local_file;

/// The line that identifies a hook as ponder's.
const HOOK_MARKER: &str = "# Installed by `ponder hook install`.";

#[derive(Debug, Clone, Copy, Default)]
pub struct HookOptions {
    /// Replace a hook that is already there.
    pub force: bool,
    /// Stop the push while any prompt is unanswered.
    pub require_answers: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Installed {
    Created(PathBuf),
    /// A different hook was there and was replaced: ponder's own with other options, or
    /// somebody else's with `--force`.
    Replaced(PathBuf),
    /// The same hook was already installed.
    Unchanged(PathBuf),
}

/// Writes the pre-push hook into the hooks folder git uses for the repository at `repo`.
pub fn install_pre_push(repo: &Path, options: HookOptions) -> Result<Installed, Error> {
    let repository = Repo::open(repo)?;
    let dir = repository.hooks_dir()?;
    let path = dir.join("pre-push");
    let script = pre_push_script(options.require_answers);
    let unwritable = |source: std::io::Error| Error::HookUnwritable {
        path: path.clone(),
        source,
    };
    // `symlink_metadata`: a dangling symlink is a hook too, and is not followed.
    let existing = std::fs::symlink_metadata(&path).is_ok();
    if existing {
        // A FIFO or a device named pre-push is somebody else's, never read.
        let current = local_file::read_regular_text(&path, 1024 * 1024, "the hook").ok();
        if current.as_deref() == Some(script.as_str()) {
            make_executable(&path).map_err(unwritable)?;
            return Ok(Installed::Unchanged(path));
        }
        // ponder's own hook, installed with other options, is replaced without `--force`:
        // only somebody else's hook is worth protecting.
        let ours = current.is_some_and(|text| text.contains(HOOK_MARKER));
        if !options.force && !ours {
            return Err(Error::HookExists { path });
        }
        std::fs::remove_file(&path).map_err(unwritable)?;
    }
    std::fs::create_dir_all(&dir).map_err(unwritable)?;
    std::fs::write(&path, script).map_err(unwritable)?;
    make_executable(&path).map_err(unwritable)?;
    Ok(if existing {
        Installed::Replaced(path)
    } else {
        Installed::Created(path)
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Uninstalled {
    /// ponder's hook was there and is gone.
    Removed(PathBuf),
    /// There was no pre-push hook.
    Absent(PathBuf),
}

/// Removes the pre-push hook when it is ponder's own, recognised by the marker line the
/// installer writes; anybody else's hook is left alone and is an error, so that a script
/// that meant to remove ponder's hook learns that it is still asked to run something.
pub fn uninstall_pre_push(repo: &Path) -> Result<Uninstalled, Error> {
    let repository = Repo::open(repo)?;
    let path = repository.hooks_dir()?.join("pre-push");
    if std::fs::symlink_metadata(&path).is_err() {
        return Ok(Uninstalled::Absent(path));
    }
    // A symlink is read through here, but only its own entry is removed below.
    let ours = std::fs::read_to_string(&path).is_ok_and(|text| is_ponders(&text));
    if !ours {
        return Err(Error::HookNotOurs {
            path,
            marker: HOOK_MARKER.to_string(),
        });
    }
    std::fs::remove_file(&path).map_err(|source| Error::HookUnwritable {
        path: path.clone(),
        source,
    })?;
    Ok(Uninstalled::Removed(path))
}

/// Whether a hook's text is the one `install_pre_push` writes: its marker is the second
/// line, right under the shebang, where a hook that merely mentions ponder has no reason
/// to put it.
fn is_ponders(text: &str) -> bool {
    text.lines().nth(1) == Some(HOOK_MARKER)
}

#[cfg(unix)]
fn make_executable(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
}

#[cfg(not(unix))]
fn make_executable(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

/// git gives a pre-push hook one line per pushed ref on stdin:
/// `<local ref> <local sha> <remote ref> <remote sha>`. For an existing remote branch the
/// range is `remote...local` (what the push adds, also after a rebase); for a new branch,
/// what it adds over everything the remote already has, or over the default branch when
/// the remote has no remote-tracking branches (a fork just added). Deletions are skipped.
fn pre_push_script(require_answers: bool) -> String {
    let (gate, on_failure) = if require_answers {
        (" --require-answers", "status=1")
    } else {
        ("", ":")
    };
    format!(
        r#"#!/bin/sh
{HOOK_MARKER}
# Asks ponder's questions about the commits being pushed. Skip it once with
# `git push --no-verify`; `ponder hook uninstall` removes it.
ponder="${{PONDER:-ponder}}"
if ! command -v "$ponder" >/dev/null 2>&1; then
    echo "pre-push: $ponder is not installed; not asking its questions" >&2
    exit 0
fi
remote="$1"
# What the remote already has: its remote-tracking branches (all of them when pushing to
# a URL rather than to a named remote).
if git remote get-url "$remote" >/dev/null 2>&1; then
    known="--remotes=$remote"
    tracking="refs/remotes/$remote/"
else
    known="--remotes"
    tracking="refs/remotes/"
fi
# A remote with no remote-tracking branches yet (a fork just added) tells nothing: what a
# new branch adds is then what it adds over the default branch, as `ponder` reads it.
if [ -z "$(git for-each-ref --count=1 --format=x "$tracking")" ]; then
    known=""
    for candidate in refs/remotes/origin/HEAD refs/remotes/origin/main \
        refs/remotes/origin/master refs/heads/main refs/heads/master; do
        if git rev-parse -q --verify "$candidate^{{commit}}" >/dev/null; then
            known="$candidate"
            break
        fi
    done
fi
zero=$(git hash-object --stdin </dev/null | tr '0-9a-f' '0')
status=0
while read -r local_ref local_sha remote_ref remote_sha; do
    [ "$local_sha" = "$zero" ] && continue
    if [ "$remote_sha" != "$zero" ] && git cat-file -e "$remote_sha^{{commit}}" 2>/dev/null; then
        range="$remote_sha...$local_sha"
    else
        if [ -z "$known" ]; then
            echo "pre-push: $remote has no branches and there is no main or master to compare $local_ref with; not asking about it" >&2
            continue
        fi
        if [ -z "$(git rev-list --max-count=1 "$local_sha" --not "$known")" ]; then
            continue
        fi
        base=$(git rev-list --boundary "$local_sha" --not "$known" | sed -n 's/^-//p' | head -n 1)
        if [ -z "$base" ]; then
            echo "pre-push: $local_ref shares no history with $remote; not asking about it" >&2
            continue
        fi
        range="$base..$local_sha"
    fi
    echo "pre-push: ponder $range ($local_ref)" >&2
    "$ponder" "$range"{gate} </dev/null || {on_failure}
done
exit $status
"#
    )
}
