#!/usr/bin/env bash
# Writes the four places of a new rule (see CONTRIBUTING.md): src/rules/ID.rs with a
# compiling skeleton, rules/ID.toml, fixtures/ID/ with one asks- and one quiet- case,
# its line in the registry (src/rules/mod.rs) and in SARIF's rule properties. It also adds the rule to the README's
# section on the rules. It writes nothing if any of those already exists.
#
#   scripts/new-rule.sh todo-comment
set -euo pipefail
cd "$(dirname "$0")/.."

id="${1:-}"
if ! [[ "$id" =~ ^[a-z][a-z0-9]*(-[a-z0-9]+)*$ ]]; then
    echo "usage: scripts/new-rule.sh RULE-ID   (kebab-case, such as todo-comment)" >&2
    exit 2
fi
module="${id//-/_}"
type="$(echo "$id" | sed -E 's/(^|-)([a-z])/\U\2/g')"
for path in "src/rules/$module.rs" "rules/$id.toml" "fixtures/$id"; do
    if [ -e "$path" ]; then
        echo "new-rule: $path already exists; nothing written" >&2
        exit 2
    fi
done
grep -q "^mod $module;" src/rules/mod.rs && { echo "new-rule: $module is registered already" >&2; exit 2; }

cat > "src/rules/$module.rs" <<RUST
//! $id: TODO say in plain words what a careful reviewer would ask about, and which
//! evidence this rule looks for. This skeleton asks about every added line that contains
//! \`TODO\` in production Rust code; replace it with the real heuristic.

use super::definition::definition;
use super::helpers::{is_production_rust, location};
use super::{Context, Finding, Message, Rule, Scope};

pub struct $type;

impl Rule for $type {
    definition!("$id");

    fn variables(&self) -> &'static [(&'static str, &'static [&'static str])] {
        &[("questions.line", &["location"])]
    }

    fn scope(&self) -> Scope {
        Scope::Change
    }

    fn check(&self, context: &Context<'_>) -> Vec<Finding> {
        let mut findings = Vec::new();
        for file in context.files {
            if !is_production_rust(file, context.parsed_new(file)) {
                continue;
            }
            let numbers = file.added_lines.iter().copied();
            for (number, line) in numbers.zip(file.added_texts()) {
                if line.contains("TODO") {
                    let question =
                        Message::new("line").with("location", location(&file.path, number));
                    findings.push(Finding::at_line(question, &file.path, number));
                }
            }
        }
        findings
    }
}
RUST

cat > "rules/$id.toml" <<TOML
id = "$id"
title = "TODO a title"
summary = "TODO one sentence: what this rule asks about."
# A new rule ships off until the judgment corpus shows precision >= 0.80 on at least 30
# labelled commits (eval/README.md); eval/run.py judges it all the same.
enabled = false

[questions]
line = "This change adds a TODO at {location}. What would finishing it take, and who will know it is still open?"

[docs]
asks_about = """
TODO: what the rule asks about."""
why = """
TODO: why a reviewer asks."""
example_asks = """
    // TODO: an example that asks"""
example_quiet = """
    // an example that stays quiet"""
limits = """
TODO: what it cannot see."""
answering = """
Write the reason on the flagged line or the line above it:
    // ponder: $id: the reason"""
TOML

for case in asks quiet; do
    dir="fixtures/$id/$case-todo-example"
    mkdir -p "$dir/base/src" "$dir/commit-1/src"
    printf 'pub fn total(values: &[u32]) -> u32 {\n    values.iter().sum()\n}\n' > "$dir/base/src/lib.rs"
done
printf 'pub fn total(values: &[u32]) -> u32 {\n    // TODO: saturate instead of wrapping\n    values.iter().sum()\n}\n' \
    > "fixtures/$id/asks-todo-example/commit-1/src/lib.rs"
printf 'pub fn total(values: &[u32]) -> u32 {\n    values.iter().fold(0, |sum, v| sum.saturating_add(*v))\n}\n' \
    > "fixtures/$id/quiet-todo-example/commit-1/src/lib.rs"
cat > "fixtures/$id/asks-todo-example/scenario.toml" <<TOML
summary = "TODO: what the change is"
why = "TODO: why the rule must ask here"
range = "main"
config = """
[rules.$id]
enabled = true
"""

[[commits]]
dir = "commit-1"
message = """Leave a note about overflow in total

Sums of large inputs wrap today; this marks where saturating belongs."""

[[expect]]
rule = "$id"
file = "src/lib.rs"
line = 2
TOML
cat > "fixtures/$id/quiet-todo-example/scenario.toml" <<TOML
summary = "TODO: what the change is"
why = "TODO: why the rule must stay quiet here"
range = "main"
config = """
[rules.$id]
enabled = true
"""

[[commits]]
dir = "commit-1"
message = """Saturate the total instead of wrapping

Sums of large inputs wrapped around and reported tiny totals."""
TOML

# The registry: the module line after the last rule module, the rule after the last entry.
python3 - "$module" "$type" "$id" <<'PY'
import re, sys
module, type_, id_ = sys.argv[1:]
path = "src/rules/mod.rs"
text = open(path).read()
mods = [m for m in re.finditer(r"^(pub )?mod [a-z_]+;\n", text, re.M) if m.start() < text.index("\nuse ")]
at = mods[-1].end()
text = text[:at] + f"mod {module};\n" + text[at:]
close = text.index("    ]\n}", text.index("pub fn registry()"))
text = text[:close] + f"        Box::new({module}::{type_}),\n" + text[close:]
open(path, "w").write(text)
# SARIF describes every built-in rule with tags and a precision (src/report/sarif.rs).
sarif_path = "src/report/sarif.rs"
sarif = open(sarif_path).read()
table = sarif.index("const RULE_PROPERTIES")
end = sarif.index("\n];", table)
sarif = sarif[:end] + f'\n    ("{id_}", &["review"], "medium"),' + sarif[end:]
open(sarif_path, "w").write(sarif)
readme = open("README.md").read()
head = readme.index("\n## The rules")
section_end = readme.find("\n## ", head + 1)
headings = list(re.finditer(r"^#### [a-z0-9-]+\n\n(?:.+\n)+", readme[head:section_end], re.M))
at = head + headings[-1].end()
readme = readme[:at] + f"\n#### {id_}\n\nAsks when TODO: say when it asks.\n" + readme[at:]
open("README.md", "w").write(readme)
PY

cat <<DONE
Wrote src/rules/$module.rs, rules/$id.toml, fixtures/$id/ (asks-todo-example, quiet-todo-example),
and added $type to the registry in src/rules/mod.rs and a heading to the README's section on the rules.
Next: write the heuristic, real fixtures, then
  cargo test --test fixtures -- $id      # fails until you review the new snapshots
  cargo insta review
DONE
