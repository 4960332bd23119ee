//! A deterministic synthetic Rust repository for benchmarks: many realistic modules
//! (structs, impls, matches, fallible calls, test modules), a long history of small edits,
//! and every so often a large one-shot commit that adds a whole module. Written with
//! `git fast-import`, so thousands of commits take seconds; the same size gives the same
//! commits (fixed author, dates and pseudo-random seed) on every machine.
//!
//! Tags: `bench-base` (the initial tree) and `bench-head` (the last commit).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

#[derive(Debug, Clone, Copy)]
pub struct Size {
    /// Modules in the initial tree.
    pub files: usize,
    /// Commits after the initial one.
    pub commits: usize,
    /// Every this many commits, one adds a whole new module of `bulk_functions` functions.
    pub bulk_every: usize,
    pub bulk_functions: usize,
    /// Functions per module in the initial tree.
    pub functions: usize,
}

impl Size {
    pub fn small() -> Size {
        Size {
            files: 60,
            commits: 200,
            bulk_every: 25,
            bulk_functions: 60,
            functions: 25,
        }
    }
}

/// xorshift: deterministic, no dependency.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const NOUNS: &[&str] = &[
    "order",
    "invoice",
    "customer",
    "shipment",
    "ledger",
    "account",
    "session",
    "token",
    "report",
    "price",
    "stock",
    "warehouse",
    "route",
    "payment",
    "refund",
    "batch",
];

fn function(random: &mut Random, module: usize, index: usize, serial: usize) -> String {
    let noun = NOUNS[random.below(NOUNS.len())];
    let name = format!("{noun}_{module}_{index}_{serial}");
    match random.below(4) {
        0 => format!(
            "/// Looks up the {noun} for `key`.\npub fn {name}(table: &HashMap<String, u64>, key: &str) -> Result<u64, Error> {{\n    let value = table.get(key).ok_or(Error::Missing(key.to_string()))?;\n    if *value > {limit} {{\n        return Err(Error::TooLarge(*value));\n    }}\n    Ok(value * {factor})\n}}\n\n",
            limit = 1000 + index,
            factor = 1 + serial % 7
        ),
        1 => format!(
            "pub fn {name}(input: &str) -> u64 {{\n    let parts: Vec<&str> = input.split(',').collect();\n    match parts.len() {{\n        0 => 0,\n        1 => parts[0].trim().parse().unwrap(),\n        _ => parts.iter().map(|p| p.trim().parse::<u64>().unwrap_or(0)).sum(),\n    }}\n}}\n\n"
        ),
        2 => format!(
            "impl Record {{\n    /// The {noun} total, capped.\n    pub fn {name}(&self, cap: u64) -> u64 {{\n        let mut total = 0;\n        for item in &self.items {{\n            if item.quantity == 0 {{\n                continue;\n            }}\n            total += item.quantity * item.price;\n        }}\n        total.min(cap)\n    }}\n}}\n\n"
        ),
        _ => format!(
            "pub fn {name}(path: &std::path::Path) -> std::io::Result<String> {{\n    let text = std::fs::read_to_string(path)?;\n    let first = text.lines().next().expect(\"a header line\");\n    Ok(first.to_uppercase())\n}}\n\n"
        ),
    }
}

fn module(random: &mut Random, module_index: usize, functions: usize, serial: usize) -> String {
    let mut text = String::from(
        "//! Generated for ponder's benchmarks.\n\nuse std::collections::HashMap;\n\nuse crate::{Error, Record};\n\n",
    );
    for index in 0..functions {
        text.push_str(&function(random, module_index, index, serial));
    }
    text.push_str(&format!(
        "#[cfg(test)]\nmod tests {{\n    #[test]\n    fn module_{module_index}_parses() {{\n        assert_eq!(1 + 1, 2);\n    }}\n}}\n"
    ));
    text
}

const LIB_RS: &str = "pub mod generated;\n\n#[derive(Debug)]\npub enum Error {\n    Missing(String),\n    TooLarge(u64),\n}\n\npub struct Item {\n    pub quantity: u64,\n    pub price: u64,\n}\n\npub struct Record {\n    pub items: Vec<Item>,\n}\n";

fn data(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(format!("data {}\n", text.len()).as_bytes());
    out.extend_from_slice(text.as_bytes());
    out.push(b'\n');
}

fn commit(out: &mut Vec<u8>, serial: usize, message: &str, files: &BTreeMap<String, String>) {
    let when = 1_700_000_000 + serial as u64 * 3600;
    out.extend_from_slice(b"commit refs/heads/main\n");
    out.extend_from_slice(
        format!("committer Bench Author <bench@example.com> {when} +0000\n").as_bytes(),
    );
    data(out, message);
    for (path, text) in files {
        out.extend_from_slice(format!("M 100644 inline {path}\n").as_bytes());
        data(out, text);
    }
    out.push(b'\n');
}

/// Creates the repository in `dir` (which must not exist or be empty): a bare repository
/// when `bare`, else one with a work tree checked out at `bench-head`.
pub fn generate(dir: &Path, size: Size, bare: bool) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let git = |args: &[&str]| Command::new("git").arg("-C").arg(dir).args(args).status();
    let mut init = vec!["init", "-q", "-b", "main"];
    if bare {
        init.push("--bare");
    }
    git(&init)?;
    let mut random = Random(0x5eed_1234_abcd_0001);
    let mut stream = Vec::new();
    let mut modules: Vec<String> = Vec::new();
    let mut first = BTreeMap::new();
    first.insert(
        "Cargo.toml".to_string(),
        "[package]\nname = \"bench\"\nversion = \"0.1.0\"\nedition = \"2021\"\n".to_string(),
    );
    first.insert("src/lib.rs".to_string(), LIB_RS.to_string());
    let mut generated_mod = String::new();
    for index in 0..size.files {
        let text = module(&mut random, index, size.functions, 0);
        first.insert(format!("src/generated/module_{index}.rs"), text.clone());
        generated_mod.push_str(&format!("pub mod module_{index};\n"));
        modules.push(text);
    }
    first.insert("src/generated.rs".to_string(), generated_mod.clone());
    commit(
        &mut stream,
        0,
        "Import the generated crate\n\nThe benchmarks need a realistic starting tree.\n",
        &first,
    );
    stream.extend_from_slice(b"tag bench-base\nfrom refs/heads/main\ntagger Bench Author <bench@example.com> 1700000000 +0000\ndata 0\n\n");

    for serial in 1..=size.commits {
        let mut changed = BTreeMap::new();
        let message;
        if size.bulk_every > 0 && serial % size.bulk_every == 0 {
            let index = modules.len();
            let text = module(&mut random, index, size.bulk_functions, serial);
            changed.insert(format!("src/generated/module_{index}.rs"), text.clone());
            generated_mod.push_str(&format!("pub mod module_{index};\n"));
            changed.insert("src/generated.rs".to_string(), generated_mod.clone());
            modules.push(text);
            message = format!("Add module {index}\n");
        } else {
            // Edit one to three modules: replace a function, append another.
            for _ in 0..1 + random.below(3) {
                let index = random.below(modules.len());
                let mut text = modules[index].clone();
                // A top-level function only, so the module keeps balanced braces.
                let cut = text.find("\npub fn ").map(|at| at + 1).unwrap_or(0);
                let end = text[cut..]
                    .find("\n}\n\n")
                    .map(|e| cut + e + 4)
                    .unwrap_or(cut);
                let replacement = function(&mut random, index, 900 + serial, serial);
                text.replace_range(cut..end, &replacement);
                let tests = text.rfind("#[cfg(test)]").unwrap_or(text.len());
                let added = function(&mut random, index, 1000 + serial, serial);
                text.insert_str(tests, &added);
                changed.insert(format!("src/generated/module_{index}.rs"), text.clone());
                modules[index] = text;
            }
            message = if serial % 3 == 0 {
                format!("Update modules {serial}\n")
            } else {
                format!("Adjust pricing step {serial}\n\nCustomers were charged twice because the cap was applied late.\n")
            };
        }
        commit(&mut stream, serial, &message, &changed);
    }
    stream.extend_from_slice(b"tag bench-head\nfrom refs/heads/main\ntagger Bench Author <bench@example.com> 1700000000 +0000\ndata 0\n\n");

    let mut import = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["fast-import", "--quiet"])
        .stdin(Stdio::piped())
        .spawn()?;
    if let Some(stdin) = import.stdin.as_mut() {
        stdin.write_all(&stream)?;
    }
    let status = import.wait()?;
    if !status.success() {
        return Err(std::io::Error::other("git fast-import failed"));
    }
    if !bare {
        git(&["checkout", "-q", "-f", "main"])?;
    }
    git(&["gc", "-q"])?;
    Ok(())
}
