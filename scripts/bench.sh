#!/usr/bin/env bash
# Whole-command benchmarks: ponder against git on the same range, in the same run, as
# ratios (best of $RUNS wall-clock runs) with peak RSS, plus ponder's own stage times.
#
#   scripts/bench.sh                          # a generated synthetic repository
#   scripts/bench.sh REPO RANGE [HISTORY]     # a real one, e.g.
#   scripts/bench.sh ~/src/tokio tokio-1.28.0..tokio-1.52.0 HEAD~2000..HEAD
# HISTORY "-" skips the history row; SMALL=0 skips the small-branch row (and the stage
# times); RUNS=N sets the runs per command (default 3).
#
# Rows: range (`ponder A..B --format json` vs `git diff -p A B`), range/numstat (the same
# ponder run vs `git log --first-parent --numstat A..B`, the floor of a per-commit pass),
# range/ast-grep (vs ast-grep's one-rule `$X.unwrap()` scan of the range's new files, when
# installed), history
# (`ponder --each-commit` vs `git log -p --first-parent`), small branch (`ponder` with no
# argument on a three-commit branch with an uncommitted edit, in a shared clone, vs
# `git diff base...HEAD` + `git status`).
set -euo pipefail

RUNS=${RUNS:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
cargo build --release --quiet --manifest-path "$root/Cargo.toml" --bin ponder --example generate_repo
ponder=${PONDER:-$target/release/ponder}   # PONDER=path compares another build
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ $# -ge 2 ]; then
    repo=$(cd "$1" && pwd)
    range=$2
    history=${3:-$2}
else
    repo=$work/synthetic.git
    "$target/release/examples/generate_repo" "$repo" "${FILES:-200}" "${COMMITS:-2000}" "${BULK_EVERY:-50}" 2>/dev/null
    range=bench-base..bench-head
    history=$range
fi

# best wall time in seconds of RUNS runs, and the peak RSS in MB of the last one
measure() {
    local best="" rss
    for _ in $(seq "$RUNS"); do
        local start end
        start=$(date +%s%N)
        "$@" >/dev/null 2>&1
        end=$(date +%s%N)
        local t=$(( (end - start) / 1000000 ))
        if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
    done
    /usr/bin/time -o "$work/rss" -f '%M' "$@" >/dev/null 2>&1 || true
    rss=$(tail -1 "$work/rss")
    echo "$best $(( rss / 1024 ))"
}

row() { # label, git command string, ponder command string
    local label=$1 git_cmd=$2 ponder_cmd=$3
    read -r g_ms g_mb < <(measure bash -c "$git_cmd")
    read -r p_ms p_mb < <(measure bash -c "$ponder_cmd")
    awk -v l="$label" -v g="$g_ms" -v p="$p_ms" -v m="$p_mb" -v gm="$g_mb" \
        'BEGIN { r = (g > 0) ? p / g : 0; printf "%-13s git %7.3f s (%4d MB)  ponder %7.3f s (%4d MB)  ratio %5.1fx\n", l, g/1000, gm, p/1000, m, r }'
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1 /proc/loadavg)"
echo "repository: $repo"
base=${range%%..*}; head=${range##*..}
row "range" "git -C '$repo' diff -p '$base' '$head'" "'$ponder' --repo '$repo' '$range' --format json"
# The floor of a per-commit pass: git's own per-commit line counts over the range.
row "range/numstat" "git -C '$repo' log --first-parent --numstat '$base..$head'" "'$ponder' --repo '$repo' '$range' --format json"
# A one-rule structural scan of the range's new Rust files, when ast-grep is installed
# (npm: @ast-grep/cli): what a pattern tool pays for the same new code.
sg_bin=$(command -v ast-grep || command -v sg || true)
if [ -n "$sg_bin" ] && "$sg_bin" --version 2>/dev/null | grep -qi ast-grep; then
    new_files=$work/new-files
    mkdir -p "$new_files"
    git -C "$repo" diff --name-only --diff-filter=A "$base" "$head" -- '*.rs' > "$work/new-list"
    if [ -s "$work/new-list" ]; then
        git -C "$repo" archive "$head" $(cat "$work/new-list") | tar -x -C "$new_files"
        row "range/ast-grep" "'$sg_bin' run --lang rust --pattern '\$X.unwrap()' '$new_files'" "'$ponder' --repo '$repo' '$range' --format json"
    fi
fi
if [ "$history" != "-" ]; then
    row "history" "git -C '$repo' log -p --first-parent '$history'" "'$ponder' --repo '$repo' --each-commit '$history' --format json"
fi
if [ "${SMALL:-1}" = 0 ]; then exit 0; fi

# The small-branch case needs a work tree: a shared clone, three commits, one edit.
clone=$work/clone
git clone -q --shared "$repo" "$clone"
(
    cd "$clone"
    git checkout -q -b bench-small-branch
    # awk reads the whole list: `head` would close the pipe early, and under pipefail
    # git's SIGPIPE would end the script silently on a repository with many files.
    files=$(git ls-files '*.rs' | awk 'NR <= 300 && NR % 100 == 1')
    n=0
    for f in $files; do
        n=$((n + 1))
        printf '\npub fn bench_added_%s(value: &str) -> u32 {\n    value.parse().unwrap()\n}\n' "$n" >> "$f"
        git -c user.name=bench -c user.email=bench@example.com commit -q -am "Add helper $n

Callers need it because they parse settings."
    done
    first=${files%%$'\n'*}
    echo "// uncommitted" >> "$first"
)
row "small branch" "cd '$clone' && git diff origin/HEAD...HEAD && git status" "cd '$clone' && '$ponder'"

echo
echo "stages of the range run (ponder --timings; times summed over worker threads):"
"$ponder" --repo "$repo" "$range" --format json --timings 2>&1 >/dev/null | sed 's/^/  /'
if [ "$history" != "-" ]; then
    echo "stages of the history run:"
    "$ponder" --repo "$repo" --each-commit "$history" --format json --timings 2>&1 >/dev/null | sed 's/^/  /'
fi
