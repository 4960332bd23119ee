#!/usr/bin/env bash
# The ponder action's step (action.yml): prints the report in the job log, posts the
# checklist comment when asked, and only then applies the gate, so that a failing gate
# still leaves its questions on the pull request. Inputs come as PONDER_* variables.
set -euo pipefail

flag() {
    case "${2:-false}" in
        true | false) ;;
        *)
            echo "ponder action: input '$1' must be true or false, not '$2'" >&2
            exit 2
            ;;
    esac
}
flag post "${PONDER_POST:-false}"
flag require-answers "${PONDER_REQUIRE_ANSWERS:-false}"

range=()
if [ -n "${PONDER_RANGE:-}" ]; then
    range=("$PONDER_RANGE")
fi
gate=()
if [ "${PONDER_REQUIRE_ANSWERS:-false}" = true ]; then
    gate=(--require-answers)
fi

# `${a[@]+"${a[@]}"}`: an empty array under `set -u` is an error in bash before 4.4
# (macOS runners' /bin/bash is 3.2), and both arrays are empty by default.
status=0
ponder ${range[@]+"${range[@]}"} --format "${PONDER_FORMAT:-human}" ${gate[@]+"${gate[@]}"} || status=$?
if [ "$status" -ge 2 ]; then
    exit "$status"
fi
if [ "${PONDER_POST:-false}" = true ]; then
    ponder post github ${range[@]+"${range[@]}"}
fi
if [ "$status" -eq 1 ]; then
    echo "ponder: some questions are unanswered (require-answers is on)" >&2
fi
exit "$status"
