#!/usr/bin/env bash
# The ponder action's fallback install (action.yml): with no release binary for the
# action's ref, build ponder from the action's checkout with `cargo install --locked`
# into $RUNNER_TEMP/ponder-cargo, which actions/cache restores for the same commit, so
# that only the first job of a commit pays for the build.
set -euo pipefail

root="${RUNNER_TEMP:?RUNNER_TEMP is not set}/ponder-cargo"
if [ -x "$root/bin/ponder" ] || [ -x "$root/bin/ponder.exe" ]; then
    echo "ponder action: using the ponder built earlier for this commit (cache)" >&2
elif command -v cargo > /dev/null; then
    cargo install --locked --quiet --path "${GITHUB_ACTION_PATH:?}" --root "$root"
else
    echo "ponder action: no release binary for this action's ref, and no cargo on this runner to build one." >&2
    echo "  Pin the action to a release tag (ponder-rs/ponder@vX.Y.Z, or its commit SHA), or install a Rust toolchain first (for example with rustup)." >&2
    exit 2
fi
echo "$root/bin" >> "${GITHUB_PATH:-/dev/null}"
