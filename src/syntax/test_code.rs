//! Is this test code? By path (tests/, benches/, examples/, tests.rs) and by attribute
//! (`#[cfg(test)]`, `#[test]`, `#[tokio::test]` and the other test-runner attributes).

use syn::Attribute;

/// Files that only test, benchmark or demonstrate code, judged by their path.
pub fn is_test_path(path: &str) -> bool {
    let segments: Vec<&str> = path.split('/').collect();
    let (directories, file) = segments.split_at(segments.len().saturating_sub(1));
    let in_test_directory = directories
        .iter()
        .any(|d| matches!(*d, "tests" | "benches" | "examples" | "test" | "fuzz"));
    let file = file.first().copied().unwrap_or("");
    let test_file = matches!(file, "tests.rs" | "test.rs")
        || file.ends_with("_tests.rs")
        || file.ends_with("_test.rs");
    in_test_directory || test_file
}

/// `#[test]`, `#[tokio::test]`, `#[rstest]`, `#[test_case(..)]`, `#[bench]`, ...
pub fn is_test_attribute(attribute: &Attribute) -> bool {
    let path = attribute.path();
    let Some(last) = path.segments.last() else {
        return false;
    };
    let name = last.ident.to_string();
    matches!(
        name.as_str(),
        "test" | "rstest" | "test_case" | "bench" | "quickcheck" | "proptest" | "wasm_bindgen_test"
    ) || name.ends_with("_test")
}

/// `#[cfg(test)]` or a `cfg` that requires `test` (`cfg(all(test, unix))`), but not
/// `cfg(not(test))`.
pub fn is_cfg_test(attribute: &Attribute) -> bool {
    if !attribute.path().is_ident("cfg") {
        return false;
    }
    let syn::Meta::List(list) = &attribute.meta else {
        return false;
    };
    let tokens = list.tokens.to_string();
    let words: Vec<&str> = tokens
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty())
        .collect();
    words.contains(&"test") && !words.contains(&"not")
}

#[cfg(test)]
mod tests {
    use super::is_test_path;

    #[test]
    fn test_paths() {
        assert!(is_test_path("tests/cli.rs"));
        assert!(is_test_path("crates/core/tests/it.rs"));
        assert!(is_test_path("benches/parse.rs"));
        assert!(is_test_path("examples/demo.rs"));
        assert!(is_test_path("src/parser/tests.rs"));
        assert!(!is_test_path("src/testing_utils.rs"));
        assert!(!is_test_path("src/lib.rs"));
        assert!(!is_test_path("tests.txt/src/lib.rs"));
    }
}
