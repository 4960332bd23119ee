//! Names for the call index: the module a file is, and how a reach path reads.

use super::index::ReachPath;

/// The module a file is, from its path inside its package: `["parse", "hex"]` for
/// src/parse/hex.rs and src/parse/hex/mod.rs, `[]` for src/lib.rs, `["common"]` for
/// tests/common/mod.rs.
pub fn module_of_path(relative: &str) -> Vec<String> {
    let mut segments: Vec<&str> = relative.split('/').collect();
    if let Some(first) = segments.first() {
        if matches!(*first, "src" | "tests" | "benches" | "examples") {
            segments.remove(0);
        }
    }
    let Some(file) = segments.pop() else {
        return Vec::new();
    };
    let stem = file.strip_suffix(".rs").unwrap_or(file);
    let mut modules: Vec<String> = segments.iter().map(|s| s.to_string()).collect();
    if !matches!(stem, "mod" | "lib" | "main") {
        modules.push(stem.to_string());
    }
    modules
}

impl ReachPath {
    /// "`tests/x.rs::t` through `parse_all`, `classify`", for the evidence.
    pub fn describe(&self) -> String {
        let mut text = format!("`{}`", self.test);
        if !self.through.is_empty() {
            let names: Vec<String> = self.through.iter().map(|n| format!("`{n}`")).collect();
            text.push_str(&format!(" through {}", names.join(", ")));
        }
        if !self.ambiguous.is_empty() {
            let names: Vec<String> = self.ambiguous.iter().map(|n| format!("`{n}`")).collect();
            text.push_str(&format!(
                " (taking every definition of {}, a name with several)",
                names.join(", ")
            ));
        }
        text
    }
}
