//! Neutralising repository text (paths, subjects, code, answers, notes) before any format
//! shows it: the one place that decides which characters are harmful. Control characters
//! (terminal escapes above all) and the bidirectional overrides and isolates that make text
//! read differently from what it is ("Trojan Source") become U+FFFD. Line breaks of every
//! kind are kept only where a format lays out lines itself (source code, each line under a
//! gutter); anywhere else a line break in a path or subject could start a line of its own —
//! a GitHub Actions workflow command (`::error …`) in a job log, a fake heading.

/// Whether `c` must never reach a reader raw. Line breaks and tabs are not in it: what to
/// do with them depends on the place.
pub fn is_harmful(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        || (c.is_control() && !is_line_break(c) && c != '\t')
}

/// Every character that a terminal, a log viewer or a Markdown renderer may take for the
/// end of a line.
pub fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0b}' | '\u{0c}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// `text` on one line: line breaks and tabs become spaces, harmful characters U+FFFD.
pub fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            c if is_line_break(c) || c == '\t' => ' ',
            c if is_harmful(c) => '\u{fffd}',
            c => c,
        })
        .collect()
}

/// `text` with its lines (`\n`, CRLF) and tabs kept, for source code shown line by line;
/// a lone carriage return (which lets what follows overwrite the line on a terminal), the
/// other line breaks and harmful characters become U+FFFD.
pub fn keeping_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let keep = match c {
            '\n' | '\t' => true,
            '\r' => chars.peek() == Some(&'\n'),
            c => !is_harmful(c) && !is_line_break(c),
        };
        out.push(if keep { c } else { '\u{fffd}' });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{keeping_lines, one_line};

    #[test]
    fn one_line_text_has_no_line_break_of_any_kind() {
        for text in [
            "src/a\n::error::x.rs",
            "a\r::error::x",
            "a\u{2028}b\u{85}c\u{0b}d\u{0c}e",
        ] {
            let cleaned = one_line(text);
            assert!(!cleaned.chars().any(super::is_line_break), "{cleaned:?}");
        }
        assert_eq!(one_line("\u{1b}[31mred\u{202e}"), "\u{fffd}[31mred\u{fffd}");
    }

    #[test]
    fn code_keeps_its_lines_but_not_a_lone_carriage_return() {
        assert_eq!(keeping_lines("a\r\nb\tc\n"), "a\r\nb\tc\n");
        assert_eq!(keeping_lines("ok\rfake"), "ok\u{fffd}fake");
        assert_eq!(keeping_lines("\u{1b}[31mred"), "\u{fffd}[31mred");
        assert_eq!(keeping_lines("a\u{2028}b"), "a\u{fffd}b");
    }
}
