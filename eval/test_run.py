"""Unit tests of eval/run.py: how prompts meet labels, and which label files it refuses.

Run with `python3 -m unittest discover -s eval` (standard library only, no repositories).
"""

import contextlib
import io
import json
import tempfile
import textwrap
import unittest
from pathlib import Path

import run

RULES = {"unhandled-failure", "untested-branch", "bulk-insertion", "missing-rationale"}
REPOS = {"demo": run.Repo("demo", "someone/demo")}
SHA = "a" * 40


def write_labels(directory: Path, body: str) -> Path:
    path = directory / "demo.toml"
    path.write_text('repo = "demo"\n' + textwrap.dedent(body))
    return path


def commit_toml(extra: str = "", judged: str = '["unhandled-failure", "missing-rationale"]') -> str:
    return f"""
        [[commit]]
        sha = "{SHA}"
        style = "hobby"
        year = 2025
        summary = "reads a config file"
        judged = {judged}
        {extra}
        """


def ask_toml(rule: str, **fields) -> str:
    """One [[commit.ask]] table with a reason and the given extra fields."""
    lines = ["[[commit.ask]]", f'rule = "{rule}"', 'reason = "a reviewer would ask"']
    lines += [f"{key} = {json.dumps(value)}" for key, value in fields.items()]
    return "\n".join(lines) + "\n"


def prompt(rule, file=None, line=None, end_line=None, function=None, fingerprint="f1"):
    return {
        "rule": rule,
        "file": file,
        "line": line,
        "end_line": end_line,
        "function": function,
        "fingerprint": fingerprint,
        "question": f"a question about {function}",
    }


class Matching(unittest.TestCase):
    site = run.Site("unhandled-failure", "src/config.rs", 42, "load", "reason")

    def test_a_label_two_lines_outside_the_prompt_still_matches(self):
        self.assertTrue(run.covers(prompt("unhandled-failure", "src/config.rs", 44, 46), self.site))
        self.assertTrue(run.covers(prompt("unhandled-failure", "src/config.rs", 38, 40), self.site))

    def test_a_label_three_lines_away_or_in_another_file_does_not(self):
        self.assertFalse(run.covers(prompt("unhandled-failure", "src/config.rs", 45, 46), self.site))
        self.assertFalse(run.covers(prompt("unhandled-failure", "src/other.rs", 42, 42), self.site))

    def test_a_label_without_a_line_matches_by_function(self):
        site = run.Site("unhandled-failure", "src/config.rs", None, "load", "reason")
        self.assertTrue(run.covers(prompt("unhandled-failure", "src/config.rs", 90, 90, "load"), site))
        self.assertFalse(run.covers(prompt("unhandled-failure", "src/config.rs", 90, 90, "save"), site))


class Judging(unittest.TestCase):
    def commit(self, asks, quiets=(), judged=("unhandled-failure", "missing-rationale")):
        return run.Commit("demo", SHA, "hobby", 2025, "s", list(judged), list(asks), list(quiets), Path("demo.toml"))

    def test_site_and_commit_counts(self):
        asks = [
            run.Site("unhandled-failure", "src/a.rs", 10, "f", "read unwrapped"),
            run.Site("unhandled-failure", "src/a.rs", 30, "g", "parse unwrapped"),
        ]
        quiets = [run.Site("unhandled-failure", "src/a.rs", 50, "h", "guarded by is_empty")]
        prompts = [
            prompt("unhandled-failure", "src/a.rs", 10, 10, "f"),
            prompt("unhandled-failure", "src/a.rs", 50, 50, "h", "f2"),
            prompt("untested-branch", "src/a.rs", 12, 12, "f", "f3"),  # not judged: ignored
            prompt("missing-rationale", fingerprint="f4"),
        ]
        tallies = run.judge([self.commit(asks, quiets)], {SHA: prompts}, sorted(RULES))
        failure = tallies["unhandled-failure"]
        self.assertEqual((failure.judged, failure.labelled, failure.asked, failure.both), (1, 1, 1, 1))
        self.assertEqual((failure.prompts, failure.matched_prompts), (2, 1))
        self.assertEqual((failure.labels, failure.matched_labels), (2, 1))
        self.assertEqual([site.line for _, site in failure.misses], [30])
        self.assertEqual([(p["line"], predicted) for _, p, predicted in failure.noise], [(50, True)])
        rationale = tallies["missing-rationale"]
        self.assertEqual((rationale.labelled, rationale.asked, rationale.both), (0, 1, 0))
        self.assertEqual(len(rationale.noise), 1)
        self.assertEqual(tallies["untested-branch"].judged, 0)

    def test_a_line_yielded_to_another_rule_counts_as_asked_and_nothing_more(self):
        asks = [run.Site("unhandled-failure", "src/a.rs", 10, "f", "write discarded")]
        prompts = [
            prompt("swallowed-error", "src/a.rs", 10, 10, "f"),
            prompt("swallowed-error", "src/a.rs", 40, 40, "g", "f2"),  # no label: not UF's
        ]
        yields = {"unhandled-failure": ["swallowed-error"]}
        failure = run.judge([self.commit(asks)], {SHA: prompts}, sorted(RULES), yields)["unhandled-failure"]
        self.assertEqual((failure.asked, failure.both, failure.prompts, failure.matched_labels), (1, 1, 1, 1))
        self.assertEqual(failure.noise, [])
        unyielded = run.judge([self.commit(asks)], {SHA: prompts}, sorted(RULES))["unhandled-failure"]
        self.assertEqual((unyielded.asked, unyielded.matched_labels), (0, 0))


class LabelChecks(unittest.TestCase):
    def load(self, body: str):
        with tempfile.TemporaryDirectory() as directory:
            path = write_labels(Path(directory), body)
            return run.load_labels(path, REPOS, RULES)

    def assert_refused(self, body: str, *words: str):
        with self.assertRaises(run.EvalError) as caught:
            self.load(body)
        for word in words:
            self.assertIn(word, str(caught.exception))

    def test_a_well_formed_file_loads(self):
        commits = self.load(commit_toml(ask_toml("unhandled-failure", file="src/config.rs", line=3)))
        self.assertEqual((commits[0].asks[0].file, commits[0].asks[0].line), ("src/config.rs", 3))

    def test_unknown_key_names_file_and_key(self):
        self.assert_refused(commit_toml('sumary = "typo"'), "demo.toml", "`sumary`")

    def test_judged_rule_ponder_does_not_know(self):
        self.assert_refused(commit_toml(judged='["unhandled-failures"]'), "unhandled-failures", "ponder rules")

    def test_code_rule_ask_without_file(self):
        self.assert_refused(commit_toml(ask_toml("unhandled-failure", line=3)), "`file` is missing")

    def test_ask_of_a_rule_not_judged(self):
        self.assert_refused(commit_toml(ask_toml("bulk-insertion")), "not in this commit's `judged`")

    def test_commit_rule_with_a_file(self):
        self.assert_refused(commit_toml(ask_toml("missing-rationale", file="src/a.rs")), "commit-level rule")

    def test_short_sha_and_unknown_repo(self):
        self.assert_refused(commit_toml().replace(SHA, "abc123"), "40-hex")
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "x.toml"
            path.write_text('repo = "nowhere"\n' + textwrap.dedent(commit_toml()))
            with self.assertRaises(run.EvalError) as caught:
                run.load_labels(path, REPOS, RULES)
            self.assertIn("repos.toml", str(caught.exception))


class Comparing(unittest.TestCase):
    def test_new_and_gone_only_over_what_both_runs_covered(self):
        other = "b" * 40
        old = {
            "ponder": "ponder 0.1.0",
            "shas": [SHA, other],
            "rules": ["unhandled-failure"],
            "prompts": [
                {"rule": "unhandled-failure", "repo": "demo", "sha": SHA, "file": "a.rs", "line": 1, "fingerprint": "gone", "question": "q"},
                {"rule": "unhandled-failure", "repo": "demo", "sha": SHA, "file": "a.rs", "line": 5, "fingerprint": "kept", "question": "q"},
                {"rule": "unhandled-failure", "repo": "demo", "sha": other, "file": "b.rs", "line": 1, "fingerprint": "x", "question": "q"},
            ],
        }
        new = [
            {"rule": "unhandled-failure", "repo": "demo", "sha": SHA, "file": "a.rs", "line": 9, "fingerprint": "kept", "question": "q"},
            {"rule": "unhandled-failure", "repo": "demo", "sha": SHA, "file": "a.rs", "line": 7, "fingerprint": "new", "question": "q"},
            {"rule": "untested-branch", "repo": "demo", "sha": SHA, "file": "a.rs", "line": 7, "fingerprint": "y", "question": "q"},
        ]
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "old.json"
            path.write_text(json.dumps(old))
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                run.compare(path, new, {SHA}, {"unhandled-failure", "untested-branch"})
        text = out.getvalue()
        self.assertIn("1 new, 1 gone, 1 unchanged", text)
        self.assertIn("+ unhandled-failure", text)
        self.assertIn("a.rs:7", text)
        self.assertIn("- unhandled-failure", text)
        self.assertNotIn("b.rs", text)  # a commit this run did not look at
        self.assertNotIn("untested-branch", text)  # a rule the record did not cover


class OffByDefault(unittest.TestCase):
    LISTING = (
        "unhandled-failure    Production code gains an operation that can fail.\n"
        "silenced-check       Asks about an added allow. (off by default)\n"
    )

    def test_rules_that_ship_off_are_found_in_the_listing(self):
        self.assertEqual(run.off_by_default(self.LISTING), ["silenced-check"])

    def test_the_config_turns_them_on_beside_the_commits_own(self):
        fresh = run.config_enabling(["silenced-check"], None)
        self.assertEqual(fresh.strip(), "[rules.silenced-check]\nenabled = true")
        own = 'skip = ["vendor/**"]\n[rules.silenced-check]\nenabled = false\n'
        kept = run.config_enabling(["silenced-check", "new-dependency"], own)
        self.assertTrue(kept.startswith(own))
        self.assertEqual(kept.count("[rules.silenced-check]"), 1)  # the commit's own choice stays
        self.assertIn("[rules.new-dependency]\nenabled = true", kept)


if __name__ == "__main__":
    unittest.main()
