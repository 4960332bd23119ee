#!/usr/bin/env bash
# The ponder action's install step (action.yml): downloads the release binary for the
# action's own version and verifies its checksum, so that a job spends seconds, not the
# minutes a build of libgit2 takes. Without a release for the action's ref (a branch, a
# fork, a commit that is no release), it says so and leaves the build to the next steps
# (`cargo install --locked`, cached by commit). Writes `installed=true|false` and
# `commit=SHA` to $GITHUB_OUTPUT.
#
# Inputs (environment): PONDER_ACTION_REF (github.action_ref), PONDER_ACTION_REPOSITORY
# (github.action_repository), GITHUB_ACTION_PATH, RUNNER_TEMP, GITHUB_SERVER_URL;
# PONDER_RELEASE_URL overrides where releases are downloaded from (a mirror, a test).
set -euo pipefail

output() { echo "$1=$2" >> "${GITHUB_OUTPUT:-/dev/null}"; }
note() { echo "ponder action: $*" >&2; }

action_path="${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}"

fallback() {
    # What the cargo fallback's cache is keyed by: the commit when the ref is one; else (a
    # branch, whose commit the downloaded action does not record) a hash of the action's
    # files, which changes exactly when the commit's content does.
    if [[ "${PONDER_ACTION_REF:-}" =~ ^[0-9a-f]{40}$ ]]; then
        commit="$PONDER_ACTION_REF"
    else
        sum() { if command -v sha256sum > /dev/null; then sha256sum; else shasum -a 256; fi; }
        commit="$(cd "$action_path" && find . -type f -not -path './target/*' -not -path './.git/*' -print0 \
            | LC_ALL=C sort -z | xargs -0 cat | sum | cut -c1-40)"
    fi
    output commit "$commit"
    note "$1; building ponder with cargo instead (cached by commit)"
    output installed false
    exit 0
}

ref="${PONDER_ACTION_REF:-}"
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$action_path/Cargo.toml" | head -n 1)"
case "$ref" in
    v[0-9]*) tag="$ref" ;;
    *)
        # A commit pin is the release's when the release says it was built from it.
        if [[ "$ref" =~ ^[0-9a-f]{40}$ ]] && [ -n "$version" ]; then
            tag="v$version"
        else
            fallback "the action's ref '${ref:-none}' is not a release tag"
        fi
        ;;
esac

case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) target=x86_64-unknown-linux-gnu ;;
    Linux-aarch64 | Linux-arm64) target=aarch64-unknown-linux-gnu ;;
    Darwin-x86_64) target=x86_64-apple-darwin ;;
    Darwin-arm64) target=aarch64-apple-darwin ;;
    MINGW*-x86_64 | MSYS*-x86_64 | CYGWIN*-x86_64) target=x86_64-pc-windows-msvc ;;
    *) fallback "no release binary for $(uname -s) $(uname -m)" ;;
esac

repository="${PONDER_ACTION_REPOSITORY:-}"
base="${PONDER_RELEASE_URL:-${GITHUB_SERVER_URL:-https://github.com}/$repository/releases/download}"
archive="ponder-$tag-$target.tar.gz"
work="${RUNNER_TEMP:?RUNNER_TEMP is not set}/ponder-release"
rm -rf "$work" && mkdir -p "$work/bin"

fetch() { curl --fail --silent --show-error --location --retry 3 --output "$work/$1" "$base/$tag/$1" 2>/dev/null; }
fetch SHA256SUMS || fallback "no release $tag at $base"
if [ "$tag" != "$ref" ]; then
    fetch COMMIT || fallback "release $tag does not say which commit it was built from"
    [ "$(tr -d '[:space:]' < "$work/COMMIT")" = "$ref" ] || fallback "commit $ref is not release $tag"
fi
fetch "$archive" || fallback "release $tag has no $archive"

expected="$(awk -v name="$archive" '$2 == name || $2 == "*" name { print $1 }' "$work/SHA256SUMS")"
if command -v sha256sum > /dev/null; then
    actual="$(sha256sum "$work/$archive" | awk '{ print $1 }')"
else
    actual="$(shasum -a 256 "$work/$archive" | awk '{ print $1 }')"
fi
if [ -z "$expected" ] || [ "$expected" != "$actual" ]; then
    # A mismatch is not a reason to build instead: something changed the download.
    note "the checksum of $archive does not match SHA256SUMS of release $tag (expected '${expected:-none}', got '$actual'); refusing to run it"
    exit 1
fi
tar -xzf "$work/$archive" -C "$work/bin"
echo "$work/bin" >> "${GITHUB_PATH:-/dev/null}"
note "installed ponder $tag ($target) from the release, checksum verified"
output installed true
