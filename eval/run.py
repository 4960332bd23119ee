#!/usr/bin/env python3
"""Judge ponder on the labelled corpus: precision and recall per rule, misses, noise.

Each labelled commit is analysed on its own (`ponder --commit SHA`, against its first
parent) and its prompts are matched with the labels a reviewer wrote for it before ponder
was run. `--record` and `--compare` show how a rule change moves the prompts on real code,
as clippy's lintcheck does. Python 3.11 standard library only; not part of `cargo test`.
See eval/README.md.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import re
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

EVAL_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = EVAL_DIR.parent

# Rules judged for a whole commit: their labels carry no file and match by commit alone.
# Every other rule is a code rule, judged per site (file and line, or function).
COMMIT_RULES = {"bulk-insertion", "missing-rationale"}

# A prompt covers `line..end_line`; a label this close to it still names the same site,
# because where an operation "is" (the call, the receiver, the statement) is fuzzy by a line
# or two.
LINE_SLACK = 2

STYLES = {"polished", "hobby"}
SHA = re.compile(r"^[0-9a-f]{40}$")
FILE_KEYS = {"repo", "commit"}
COMMIT_KEYS = {"sha", "style", "year", "summary", "judged", "ask", "quiet"}
COMMIT_REQUIRED = {"sha", "style", "year", "summary", "judged"}
SITE_KEYS = {"rule", "file", "line", "function", "reason"}


class EvalError(Exception):
    """A problem with the corpus or the environment; reported with exit status 2."""


# ── labels ──────────────────────────────────────────────────────────────────────────────


@dataclass
class Site:
    rule: str
    file: str | None
    line: int | None
    function: str | None
    reason: str


@dataclass
class Commit:
    repo: str
    sha: str
    style: str
    year: int
    summary: str
    judged: list[str]
    asks: list[Site]
    quiets: list[Site]
    source: Path


@dataclass
class Repo:
    name: str
    github: str
    git_dir: Path | None = None


def load_repos(path: Path) -> dict[str, Repo]:
    data = read_toml(path)
    unknown = set(data) - {"repo"}
    if unknown:
        raise EvalError(f"{path}: unknown key `{sorted(unknown)[0]}` (only [[repo]] tables)")
    repos = {}
    for index, entry in enumerate(data.get("repo", [])):
        where = f"{path}: [[repo]] #{index + 1}"
        check_keys(entry, {"name", "github"}, {"name", "github"}, where)
        name, github = entry["name"], entry["github"]
        if not isinstance(name, str) or not isinstance(github, str) or "/" not in github:
            raise EvalError(f"{where}: `name` must be a string, `github` an `owner/name`")
        if name in repos:
            raise EvalError(f"{where}: repository `{name}` is listed twice")
        repos[name] = Repo(name, github)
    return repos


def read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise EvalError(f"{path} does not exist") from None
    except tomllib.TOMLDecodeError as error:
        raise EvalError(f"{path} is not valid TOML: {error}") from None


def check_keys(table: dict, allowed: set[str], required: set[str], where: str) -> None:
    if not isinstance(table, dict):
        raise EvalError(f"{where}: expected a table")
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise EvalError(f"{where}: unknown key `{unknown[0]}` (allowed: {', '.join(sorted(allowed))})")
    missing = sorted(required - set(table))
    if missing:
        raise EvalError(f"{where}: missing key `{missing[0]}`")


def expect_type(table: dict, key: str, kind: type | tuple, where: str) -> None:
    if key in table and (not isinstance(table[key], kind) or isinstance(table[key], bool)):
        raise EvalError(f"{where}: `{key}` has the wrong type ({type(table[key]).__name__})")


def load_labels(path: Path, repos: dict[str, Repo], known_rules: set[str]) -> list[Commit]:
    data = read_toml(path)
    check_keys(data, FILE_KEYS, {"repo"}, str(path))
    repo = data["repo"]
    if repo not in repos:
        raise EvalError(f"{path}: `repo = \"{repo}\"` is not a name in eval/repos.toml")
    commits, seen = [], set()
    for index, entry in enumerate(data.get("commit", [])):
        where = f"{path}: [[commit]] #{index + 1}"
        check_keys(entry, COMMIT_KEYS, COMMIT_REQUIRED, where)
        for key, kind in [("sha", str), ("style", str), ("year", int), ("summary", str), ("judged", list)]:
            expect_type(entry, key, kind, where)
        sha = entry["sha"]
        where = f"{path}: commit {sha[:10]}"
        if not SHA.match(sha):
            raise EvalError(f"{where}: `sha` must be a full 40-hex lowercase SHA")
        if sha in seen:
            raise EvalError(f"{where}: the commit is labelled twice")
        seen.add(sha)
        if entry["style"] not in STYLES:
            raise EvalError(f"{where}: `style` must be one of {sorted(STYLES)}")
        judged = entry["judged"]
        for rule in judged:
            if rule not in known_rules:
                raise EvalError(f"{where}: `judged` names `{rule}`, which `ponder rules` does not list")
        if len(set(judged)) != len(judged):
            raise EvalError(f"{where}: `judged` names a rule twice")
        asks = [load_site(site, f"{where}: [[commit.ask]] #{i + 1}", judged) for i, site in enumerate(entry.get("ask", []))]
        quiets = [load_site(site, f"{where}: [[commit.quiet]] #{i + 1}", judged) for i, site in enumerate(entry.get("quiet", []))]
        commits.append(Commit(repo, sha, entry["style"], entry["year"], entry["summary"], judged, asks, quiets, path))
    if not commits:
        raise EvalError(f"{path}: no [[commit]] tables")
    return commits


def load_site(table: dict, where: str, judged: list[str]) -> Site:
    check_keys(table, SITE_KEYS, {"rule", "reason"}, where)
    for key, kind in [("rule", str), ("file", str), ("line", int), ("function", str), ("reason", str)]:
        expect_type(table, key, kind, where)
    rule = table["rule"]
    if rule not in judged:
        raise EvalError(f"{where}: `rule = \"{rule}\"` is not in this commit's `judged`")
    if not table["reason"].strip():
        raise EvalError(f"{where}: `reason` is empty")
    if rule in COMMIT_RULES:
        for key in ("file", "line", "function"):
            if key in table:
                raise EvalError(f"{where}: `{key}` given for `{rule}`, a commit-level rule")
    else:
        if "file" not in table:
            raise EvalError(f"{where}: `file` is missing for `{rule}`, a code rule")
        if "line" not in table and "function" not in table:
            raise EvalError(f"{where}: a `{rule}` site needs `line` or `function`")
        if table.get("line", 1) < 1:
            raise EvalError(f"{where}: `line` is 1-based")
    return Site(rule, table.get("file"), table.get("line"), table.get("function"), table["reason"])


# ── repositories and ponder ─────────────────────────────────────────────────────────────


def default_mirror() -> Path | None:
    """`../.mirror` beside the checkout, or the nearest `.mirror` of an ancestor (a worktree)."""
    for directory in [PROJECT_ROOT.parent, *PROJECT_ROOT.parent.parents]:
        candidate = directory / ".mirror"
        if candidate.is_dir():
            return candidate
    return None


def is_git_dir(path: Path) -> bool:
    return (path / "HEAD").is_file() and (path / "objects").is_dir()


def locate_repos(repos: dict[str, Repo], mirror: Path | None, overrides: dict[str, Path], wanted: set[str]) -> None:
    for name in sorted(wanted):
        repo = repos[name]
        if name in overrides:
            candidates = [overrides[name], overrides[name] / ".git"]
        elif mirror is not None:
            base = mirror / repo.github.replace("/", "+")
            candidates = [base / "repo", base, base / ".git"]
        else:
            candidates = []
        found = next((path for path in candidates if is_git_dir(path)), None)
        if found is None:
            looked = ", ".join(str(path) for path in candidates) or "nowhere (no .mirror found)"
            raise EvalError(
                f"repository `{name}` ({repo.github}) not found; looked in {looked}\n"
                f"  help: fetch it (in this workplace: the fetch tool, github:{repo.github}; elsewhere:\n"
                f"        git clone --bare https://github.com/{repo.github}), then pass --mirror DIR\n"
                f"        or --repo {name}=PATH"
            )
        repo.git_dir = found


def git(git_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", f"--git-dir={git_dir}", *args], capture_output=True, text=True)


def check_commits(commits: list[Commit], repos: dict[str, Repo]) -> None:
    for commit in commits:
        git_dir = repos[commit.repo].git_dir
        parents = git(git_dir, "rev-list", "--parents", "-n", "1", f"{commit.sha}^{{commit}}")
        if parents.returncode != 0:
            raise EvalError(f"{commit.source}: commit {commit.sha} is not in {commit.repo} ({git_dir})")
        if len(parents.stdout.split()) > 2:
            raise EvalError(f"{commit.source}: commit {commit.sha[:10]} is a merge; label its first-parent commits instead")


def rule_listing(ponder: Path) -> str:
    result = subprocess.run([str(ponder), "rules"], capture_output=True, text=True)
    if result.returncode != 0:
        raise EvalError(f"`{ponder} rules` failed: {result.stderr.strip()}")
    return result.stdout


def known_rules(ponder: Path) -> set[str]:
    return {line.split()[0] for line in rule_listing(ponder).splitlines() if line.strip()}


OFF_BY_DEFAULT = "(off by default)"


def off_by_default(listing: str) -> list[str]:
    """The rules `ponder rules` says ship turned off: the corpus is what decides whether
    they may be turned on, so they are judged like every other rule."""
    return [line.split()[0] for line in listing.splitlines() if line.strip().endswith(OFF_BY_DEFAULT)]


def rule_yields(folder: Path) -> dict[str, list[str]]:
    """Per rule, the rules it yields a line to (`yields_to` in rules/ID.toml of this
    checkout): their question on a line stands for its own."""
    yields = {}
    for path in sorted(folder.glob("*.toml")):
        definition = read_toml(path)
        if definition.get("yields_to"):
            yields[definition.get("id", path.stem)] = list(definition["yields_to"])
    return yields


def config_enabling(rules: list[str], existing: str | None) -> str:
    """A configuration that turns `rules` on: the commit's own .ponder.toml (if it has one)
    plus an `enabled = true` table for each rule it does not configure itself."""
    text = existing or ""
    for rule in rules:
        if f"[rules.{rule}]" not in text:
            text += f"\n[rules.{rule}]\nenabled = true\n"
    return text


def checkout_state() -> str:
    """The last commit of the checkout that changed ponder's source: with the default
    --ponder, what the binary was (presumably) built from. A version number alone cannot
    tell two builds of one release apart."""
    source = ["--", "src", "rules", "Cargo.toml", "Cargo.lock"]
    last = subprocess.run(["git", "-C", str(PROJECT_ROOT), "log", "-1", "--format=%h %s", *source], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(PROJECT_ROOT), "status", "--porcelain", *source], capture_output=True, text=True)
    if last.returncode != 0 or not last.stdout.strip():
        return "unknown"
    return last.stdout.strip() + (" (plus uncommitted changes)" if dirty.stdout.strip() else "")


def ponder_version(ponder: Path) -> str:
    result = subprocess.run([str(ponder), "--version"], capture_output=True, text=True)
    return result.stdout.strip() or "unknown"


def run_ponder(ponder: Path, git_dir: Path, sha: str, enable: list[str] | None = None) -> list[dict]:
    command = [str(ponder), "--repo", str(git_dir), "--commit", sha, "--format", "json"]
    with tempfile.TemporaryDirectory() as directory:
        if enable:
            shown = git(git_dir, "show", f"{sha}:.ponder.toml")
            config = Path(directory) / "ponder.toml"
            config.write_text(config_enabling(enable, shown.stdout if shown.returncode == 0 else None))
            command += ["--config", str(config)]
        result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise EvalError(f"ponder failed on {sha[:10]} (exit {result.returncode}): {result.stderr.strip()[:2000]}")
    try:
        return json.loads(result.stdout)["prompts"]
    except (json.JSONDecodeError, KeyError) as error:
        raise EvalError(f"ponder's JSON for {sha[:10]} is unreadable: {error}") from None


# ── matching ────────────────────────────────────────────────────────────────────────────


def covers(prompt: dict, site: Site) -> bool:
    """Whether a prompt is about the labelled site: same file, and the line (widened) or,
    when the label gives no line, the function."""
    if prompt.get("file") != site.file:
        return False
    if site.line is not None:
        start = prompt.get("line")
        if start is None:
            return False
        end = prompt.get("end_line") or start
        return start - LINE_SLACK <= site.line <= end + LINE_SLACK
    return prompt.get("function") == site.function


@dataclass
class Tally:
    judged: int = 0  # commits judged for the rule
    labelled: int = 0  # commits with an ask label
    asked: int = 0  # commits where ponder asked
    both: int = 0
    prompts: int = 0
    matched_prompts: int = 0
    labels: int = 0
    matched_labels: int = 0
    misses: list = field(default_factory=list)
    noise: list = field(default_factory=list)


def judge(
    commits: list[Commit],
    prompts_by_sha: dict[str, list[dict]],
    rules: list[str],
    yields: dict[str, list[str]] | None = None,
) -> dict[str, Tally]:
    yields = yields or {}
    tallies = {rule: Tally() for rule in rules}
    for commit in commits:
        prompts = prompts_by_sha[commit.sha]
        for rule in commit.judged:
            if rule not in tallies:
                continue
            tally = tallies[rule]
            asks = [site for site in commit.asks if site.rule == rule]
            quiets = [site for site in commit.quiets if site.rule == rule]
            found = [prompt for prompt in prompts if prompt["rule"] == rule]
            # One line, one question: where this rule yields a line to another rule
            # (`yields_to` in its TOML), that rule's prompt on a labelled site asks it.
            found += [
                prompt
                for prompt in prompts
                if prompt["rule"] in yields.get(rule, ())
                and any(covers(prompt, site) for site in asks)
            ]
            tally.judged += 1
            tally.labelled += bool(asks)
            tally.asked += bool(found)
            tally.both += bool(asks) and bool(found)
            if rule in COMMIT_RULES:
                if asks and not found:
                    tally.misses.append((commit, asks[0]))
                if found and not asks:
                    tally.noise.append((commit, found[0], bool(quiets)))
                continue
            tally.prompts += len(found)
            tally.labels += len(asks)
            for prompt in found:
                if any(covers(prompt, site) for site in asks):
                    tally.matched_prompts += 1
                else:
                    tally.noise.append((commit, prompt, any(covers(prompt, site) for site in quiets)))
            for site in asks:
                if any(covers(prompt, site) for prompt in found):
                    tally.matched_labels += 1
                else:
                    tally.misses.append((commit, site))
    return tallies


# ── output ──────────────────────────────────────────────────────────────────────────────


def ratio(part: int, whole: int) -> str:
    return f"{part / whole:.2f}" if whole else "  – "


def print_table(tallies: dict[str, Tally]) -> None:
    header = f"{'rule':<18} {'judged':>6} {'labelled':>8} {'asked':>5} {'both':>4} {'c.prec':>6} {'c.rec':>6}   {'prompts':>7} {'s.prec':>6} {'labels':>6} {'s.rec':>6}"
    print(header)
    print("─" * len(header))
    for rule, t in tallies.items():
        row = f"{rule:<18} {t.judged:>6} {t.labelled:>8} {t.asked:>5} {t.both:>4} {ratio(t.both, t.asked):>6} {ratio(t.both, t.labelled):>6}"
        if rule in COMMIT_RULES:
            row += f"   {'':>7} {'':>6} {'':>6} {'':>6}"
        else:
            row += f"   {t.prompts:>7} {ratio(t.matched_prompts, t.prompts):>6} {t.labels:>6} {ratio(t.matched_labels, t.labels):>6}"
        print(row)
    print()
    print("c.prec = commits asked and labelled / commits asked; c.rec = … / commits labelled")
    print("s.prec = prompts matching an ask label / prompts; s.rec = ask labels matched / ask labels")


def site_text(file: str | None, line: int | None) -> str:
    if file is None:
        return "(commit)"
    return f"{file}:{line}" if line is not None else file


def print_lists(tallies: dict[str, Tally]) -> None:
    for rule, t in tallies.items():
        if t.misses:
            print(f"\nmisses of {rule} ({len(t.misses)}): labelled, not asked")
            for commit, site in t.misses:
                where = site_text(site.file, site.line)
                function = f" in {site.function}" if site.function else ""
                print(f"  {commit.repo} {commit.sha[:10]} {where}{function} — {site.reason}")
        if t.noise:
            print(f"\nnoise of {rule} ({len(t.noise)}): asked, not labelled")
            for commit, prompt, predicted in t.noise:
                where = site_text(prompt.get("file"), prompt.get("line"))
                mark = " [predicted by a quiet label]" if predicted else ""
                print(f"  {commit.repo} {commit.sha[:10]} {where}{mark} — {one_line(prompt['question'])}")


def one_line(text: str, width: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def record_entries(commits: list[Commit], prompts_by_sha: dict[str, list[dict]], rules: set[str]) -> list[dict]:
    entries = []
    for commit in commits:
        for prompt in prompts_by_sha[commit.sha]:
            if prompt["rule"] not in rules:
                continue
            entries.append(
                {
                    "rule": prompt["rule"],
                    "repo": commit.repo,
                    "sha": commit.sha,
                    "file": prompt.get("file"),
                    "line": prompt.get("line"),
                    "function": prompt.get("function"),
                    "fingerprint": prompt.get("fingerprint"),
                    "question": one_line(prompt.get("question", "")),
                }
            )
    entries.sort(key=lambda e: (e["repo"], e["sha"], e["rule"], e["file"] or "", e["line"] or 0, e["fingerprint"] or ""))
    return entries


def compare(path: Path, entries: list[dict], shas: set[str], rules: set[str]) -> None:
    try:
        recorded = json.loads(path.read_text())
        recorded_prompts = recorded["prompts"]
        recorded_shas, recorded_rules = set(recorded["shas"]), set(recorded["rules"])
    except FileNotFoundError:
        raise EvalError(f"--compare {path}: no such file (make one with --record)") from None
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise EvalError(f"--compare {path}: not a recorded run (missing {error})") from None
    # Only what both runs looked at: a run restricted by --rule, or a corpus that has grown
    # since the recording, must not show up as prompts that appeared or went.
    common_shas, common_rules = shas & recorded_shas, rules & recorded_rules
    old = [e for e in recorded_prompts if e["sha"] in common_shas and e["rule"] in common_rules]
    new = [e for e in entries if e["sha"] in common_shas and e["rule"] in common_rules]

    def key(entry: dict) -> tuple:
        # The fingerprint is stable when lines move, so a moved prompt is neither new nor gone.
        return (entry["repo"], entry["sha"], entry["rule"], entry["fingerprint"])

    old_keys, new_keys = {key(e) for e in old}, {key(e) for e in new}
    added = [e for e in new if key(e) not in old_keys]
    gone = [e for e in old if key(e) not in new_keys]
    made_by = recorded.get("ponder", "unknown ponder") + (f" at {recorded['checkout']}" if recorded.get("checkout") else "")
    print(f"\ncompared with {path} ({made_by}): "
          f"{len(added)} new, {len(gone)} gone, {len(new_keys & old_keys)} unchanged")
    for sign, group in (("+", added), ("-", gone)):
        for e in group:
            print(f"  {sign} {e['rule']:<18} {e['repo']} {e['sha'][:10]} {site_text(e['file'], e['line'])} — {e['question']}")
    not_compared = len(shas - recorded_shas)
    if not_compared:
        print(f"  ({not_compared} labelled commits are not in the recorded run and were not compared)")


# ── main ────────────────────────────────────────────────────────────────────────────────


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Run ponder on the labelled corpus and judge it.")
    parser.add_argument("--ponder", type=Path, default=PROJECT_ROOT / "target/release/ponder", help="the ponder binary (default: target/release/ponder)")
    parser.add_argument("--mirror", type=Path, help="folder holding owner+name/ git directories (default: ../.mirror, or the nearest .mirror above)")
    parser.add_argument("--repo", action="append", default=[], metavar="NAME=PATH", help="git directory of one repository (repeatable)")
    parser.add_argument("--rule", action="append", default=[], metavar="ID", help="judge only this rule (repeatable)")
    parser.add_argument("--labels", type=Path, default=EVAL_DIR / "labels", help="folder of label files")
    parser.add_argument("--jobs", type=int, default=2, help="ponder processes at once (default 2)")
    parser.add_argument("--record", type=Path, metavar="FILE", help="write this run's prompts as JSON")
    parser.add_argument("--compare", type=Path, metavar="FILE", help="print prompts new and gone against a recorded run")
    parser.add_argument("--summary", action="store_true", help="print only the table, not misses and noise")
    parser.add_argument("--check", action="store_true", help="only check the labels and the repositories")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    ponder = args.ponder
    if not ponder.is_file():
        raise EvalError(f"no ponder binary at {ponder}\n  help: build it with `cargo build --release`, or pass --ponder PATH")
    listing = rule_listing(ponder)
    rules_known = {line.split()[0] for line in listing.splitlines() if line.strip()}
    enable = off_by_default(listing)
    for rule in args.rule:
        if rule not in rules_known:
            raise EvalError(f"--rule {rule}: ponder knows {', '.join(sorted(rules_known))}")
    overrides = {}
    for item in args.repo:
        name, sep, path = item.partition("=")
        if not sep or not name or not path:
            raise EvalError(f"--repo {item}: expected NAME=PATH")
        overrides[name] = Path(path)

    repos = load_repos(EVAL_DIR / "repos.toml")
    for name in overrides:
        if name not in repos:
            raise EvalError(f"--repo {name}=…: `{name}` is not in eval/repos.toml")
    label_files = sorted(args.labels.glob("*.toml"))
    if not label_files:
        raise EvalError(f"no label files in {args.labels}")
    commits = [commit for path in label_files for commit in load_labels(path, repos, rules_known)]
    mirror = args.mirror or default_mirror()
    if args.mirror is not None and not args.mirror.is_dir():
        raise EvalError(f"--mirror {args.mirror}: not a directory")
    locate_repos(repos, mirror, overrides, {commit.repo for commit in commits})
    check_commits(commits, repos)
    if args.check:
        print(f"{len(commits)} labelled commits in {len(label_files)} files: labels and repositories are in order")
        return 0

    rules = args.rule or sorted(rules_known)
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {commit.sha: pool.submit(run_ponder, ponder, repos[commit.repo].git_dir, commit.sha, enable) for commit in commits}
        prompts_by_sha = {sha: future.result() for sha, future in futures.items()}

    tallies = judge(commits, prompts_by_sha, rules, rule_yields(EVAL_DIR.parent / "rules"))
    repo_count = len({commit.repo for commit in commits})
    print(f"ponder {ponder_version(ponder).removeprefix('ponder ')} on {len(commits)} labelled commits of {repo_count} repositories\n")
    print_table(tallies)
    if not args.summary:
        print_lists(tallies)
    entries = record_entries(commits, prompts_by_sha, set(rules))
    if args.compare:
        compare(args.compare, entries, {commit.sha for commit in commits}, set(rules))
    if args.record:
        record = {
            "ponder": ponder_version(ponder),
            "checkout": checkout_state(),
            "shas": sorted(commit.sha for commit in commits),
            "rules": rules,
            "prompts": entries,
        }
        args.record.write_text(json.dumps(record, indent=1) + "\n")
        print(f"\nrecorded {len(entries)} prompts in {args.record}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except EvalError as error:
        print(f"eval: error: {error}", file=sys.stderr)
        sys.exit(2)
