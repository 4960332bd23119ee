//! Test code by declaration: a file its parent module declares under `#[cfg(test)]`
//! (`#[cfg(test)] mod mocks;`, or `#[cfg(test)] #[path = "x_tests.rs"] mod tests;`) is
//! test code, and so is every file below it.

use std::sync::Arc;

use crate::syntax::calls::FileCalls;

/// How deep a chain of parent modules is followed.
const MAX_DEPTH: usize = 8;

/// Whether `path` is declared under `#[cfg(test)]` by its parent module, or its parent is
/// itself test code by declaration. `read` gives a file's calls-only reading by path.
pub fn declared_as_test(path: &str, read: &mut dyn FnMut(&str) -> Option<Arc<FileCalls>>) -> bool {
    let mut at = path.to_string();
    for _ in 0..MAX_DEPTH {
        let Some((module, parents)) = parents_of(&at) else {
            return false;
        };
        let mut next = None;
        for parent in parents {
            let Some(calls) = read(&parent) else {
                continue;
            };
            if calls.file_is_test {
                return true;
            }
            let parent_dir = parent.rsplit_once('/').map_or("", |(dir, _)| dir);
            let declares =
                |declared: &&crate::syntax::calls::ModuleDeclaration| match &declared.path {
                    Some(target) => {
                        let target = join(parent_dir, target);
                        target == at
                    }
                    None => declared.name == module,
                };
            if let Some(declaration) = calls.declared_modules.iter().find(declares) {
                if declaration.is_test {
                    return true;
                }
                next = Some(parent);
                break;
            }
        }
        match next {
            Some(parent) => at = parent,
            None => return false,
        }
    }
    false
}

/// `dir/relative` with `.` and `..` segments folded.
pub fn join(dir: &str, relative: &str) -> String {
    let mut segments: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for segment in relative.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    segments.join("/")
}

/// The module name `path` is declared as, and the files that may declare it.
fn parents_of(path: &str) -> Option<(String, Vec<String>)> {
    let (dir, file) = path.rsplit_once('/')?;
    let stem = file.strip_suffix(".rs")?;
    if matches!(stem, "lib" | "main") {
        return None;
    }
    let (module, parent_dir) = if stem == "mod" {
        let (up, name) = dir.rsplit_once('/').unwrap_or(("", dir));
        (name.to_string(), up.to_string())
    } else {
        (stem.to_string(), dir.to_string())
    };
    let joined = |name: &str| {
        if parent_dir.is_empty() {
            name.to_string()
        } else {
            format!("{parent_dir}/{name}")
        }
    };
    let mut parents = vec![joined("mod.rs"), joined("lib.rs"), joined("main.rs")];
    if !parent_dir.is_empty() {
        parents.insert(0, format!("{parent_dir}.rs"));
    }
    parents.dedup();
    Some((module, parents))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Arc;

    use super::declared_as_test;
    use crate::syntax::calls::read_calls;

    fn tree(files: &[(&str, &str)]) -> HashMap<String, Arc<crate::syntax::calls::FileCalls>> {
        files
            .iter()
            .map(|(path, text)| (path.to_string(), Arc::new(read_calls(text))))
            .collect()
    }

    fn declared(files: &HashMap<String, Arc<crate::syntax::calls::FileCalls>>, path: &str) -> bool {
        declared_as_test(path, &mut |p| files.get(p).cloned())
    }

    #[test]
    fn files_declared_under_cfg_test_are_test_code() {
        let files = tree(&[
            (
                "src/lib.rs",
                "mod store;\n#[cfg(test)]\nmod mocks;\n#[cfg(test)]\n#[path = \"store_fakes.rs\"]\nmod fakes;",
            ),
            ("src/store.rs", "mod disk;"),
            ("src/mocks/mod.rs", "mod clock;"),
        ]);
        assert!(declared(&files, "src/mocks.rs"));
        assert!(declared(&files, "src/mocks/mod.rs"));
        assert!(declared(&files, "src/mocks/clock.rs"));
        assert!(declared(&files, "src/store_fakes.rs"));
        assert!(!declared(&files, "src/store.rs"));
        assert!(!declared(&files, "src/store/disk.rs"));
        assert!(!declared(&files, "src/lib.rs"));
    }
}
