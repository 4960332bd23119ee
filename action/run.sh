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
format="${PONDER_FORMAT:-human}"
case "$format" in
    sarif) extension=sarif ;;
    json | rdjson | gitlab) extension=json ;;
    markdown) extension=md ;;
    *) extension=txt ;;
esac
dir="${RUNNER_TEMP:-}"
if [ -z "$dir" ]; then
    dir="$(mktemp -d)"
fi
report="$dir/ponder-report.$extension"
status=0
ponder ${range[@]+"${range[@]}"} --format "$format" ${gate[@]+"${gate[@]}"} > "$report" || status=$?
if [ "$status" -ge 2 ]; then
    exit "$status"
fi
# A SARIF log is for upload, not for reading in the log.
if [ "$format" != sarif ]; then
    cat "$report"
fi
echo "report-file=$report" >> "${GITHUB_OUTPUT:-/dev/null}"
if [ "$format" = sarif ]; then
    echo "sarif-file=$report" >> "${GITHUB_OUTPUT:-/dev/null}"
    echo "ponder: SARIF log written to $report (the sarif-file output)" >&2
fi
if [ "${PONDER_POST:-false}" = true ]; then
    ponder post github ${range[@]+"${range[@]}"}
fi
if [ "$status" -eq 1 ]; then
    echo "ponder: some questions are unanswered (require-answers is on)" >&2
fi
exit "$status"
