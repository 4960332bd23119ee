//! What a diagnostic may quote of the input it is about: a window of a few hundred bytes
//! around the error, never the whole offending line (a 900 KB line of `.ponder.toml` would
//! otherwise fill the terminal), and a value echoed in a message cut short. Both are
//! neutralised: a terminal escape in a config file or an argument never reaches stderr raw.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::report::neutral;

/// Bytes of context kept on each side of the error.
const CONTEXT: usize = 160;
/// Longest stretch a label underlines; a longer span is cut to its start.
const MAX_LABEL: usize = 120;
/// Characters of a user's value a message echoes.
const MAX_QUOTED: usize = 80;
const ELLIPSIS: &str = "…";

/// `value` as a message may echo it: on one line, harmful characters replaced, at most
/// [`MAX_QUOTED`] characters (then an ellipsis).
pub fn quoted(value: &str) -> String {
    let mut chars = value.chars();
    let mut cut: String = chars.by_ref().take(MAX_QUOTED).collect();
    if chars.next().is_some() {
        cut.push_str(ELLIPSIS);
    }
    neutral::one_line(&cut)
}

/// A window of a source text, shown by miette as if it were the whole text: offsets, line
/// and column numbers are those of the original.
#[derive(Debug, Clone)]
pub struct Excerpt {
    name: String,
    /// The window, with an ellipsis where it was cut; length-preserving neutralised.
    text: String,
    /// The original offset of `text`'s first byte.
    base: usize,
    /// The original line (0-based) and byte column of `text`'s first byte.
    line: usize,
    column: usize,
}

impl Excerpt {
    /// The window of `source` around `span`, and the span to label in it (cut to
    /// [`MAX_LABEL`] bytes).
    pub fn around(
        name: &str,
        source: &str,
        span: Option<SourceSpan>,
    ) -> (Excerpt, Option<SourceSpan>) {
        let start = floor_boundary(source, span.map_or(0, |s| s.offset()));
        let label_end =
            floor_boundary(source, start + span.map_or(0, |s| s.len()).min(MAX_LABEL)).max(start);
        let line_start = source
            .get(..start)
            .and_then(|before| before.rfind('\n'))
            .map_or(0, |newline| newline + 1);
        let (from, cut_front) = if start - line_start > CONTEXT + ELLIPSIS.len() {
            (ceil_boundary(source, start - CONTEXT), true)
        } else {
            (line_start, false)
        };
        let line_end = source
            .get(label_end..)
            .and_then(|after| after.find('\n'))
            .map_or(source.len(), |newline| label_end + newline);
        let (to, cut_back) = if line_end - label_end > CONTEXT + ELLIPSIS.len() {
            (floor_boundary(source, label_end + CONTEXT), true)
        } else {
            (line_end, false)
        };
        let window = source.get(from..to).unwrap_or_default();
        let mut text = String::with_capacity(window.len() + 2 * ELLIPSIS.len());
        if cut_front {
            text.push_str(ELLIPSIS);
        }
        text.push_str(&same_length_neutral(window));
        if cut_back {
            text.push_str(ELLIPSIS);
        }
        // The leading ellipsis stands in for the bytes just before `from`.
        let base = if cut_front {
            from - ELLIPSIS.len()
        } else {
            from
        };
        let before = source.get(..base).unwrap_or_default();
        let line = before.matches('\n').count();
        let column = base - before.rfind('\n').map_or(0, |newline| newline + 1);
        let excerpt = Excerpt {
            name: neutral::one_line(name),
            text,
            base,
            line,
            column,
        };
        let label = span.map(|_| SourceSpan::from(start..label_end));
        (excerpt, label)
    }

    /// The window as shown, for tests.
    pub fn text(&self) -> &str {
        &self.text
    }
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let offset = span.offset().saturating_sub(self.base).min(self.text.len());
        let len = span.len().min(self.text.len() - offset);
        let local = SourceSpan::from((offset, len));
        let contents =
            self.text
                .as_str()
                .read_span(&local, context_lines_before, context_lines_after)?;
        let column = if contents.line() == 0 {
            contents.column() + self.column
        } else {
            contents.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            contents.data(),
            SourceSpan::from((contents.span().offset() + self.base, contents.span().len())),
            contents.line() + self.line,
            column,
            contents.line_count() + self.line,
        )))
    }
}

/// `text` with every harmful character (and line break other than `\n` and CRLF) replaced
/// by as many `?` as it has bytes, so that offsets into it stay those of the original.
fn same_length_neutral(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let keep = match c {
            '\n' | '\t' => true,
            '\r' => chars.peek() == Some(&'\n'),
            c => !neutral::is_harmful(c) && !neutral::is_line_break(c),
        };
        if keep {
            out.push(c);
        } else {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        }
    }
    out
}

fn floor_boundary(text: &str, mut index: usize) -> usize {
    index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

fn ceil_boundary(text: &str, mut index: usize) -> usize {
    index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index += 1;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::{quoted, Excerpt};
    use miette::{SourceCode, SourceSpan};

    #[test]
    fn a_long_line_is_shown_as_a_window_around_the_error() {
        let source = format!("[rules]\nskip = \"{}\" oops\n", "a".repeat(100_000));
        let at = source.find("oops").expect("there");
        let (excerpt, label) = Excerpt::around("x.toml", &source, Some((at, 4).into()));
        assert!(excerpt.text().len() < 500, "{}", excerpt.text().len());
        assert!(excerpt.text().starts_with('…'));
        assert!(excerpt.text().contains("oops"));
        let label = label.expect("a label");
        let contents = excerpt.read_span(&label, 0, 0).expect("in the window");
        assert_eq!(contents.data(), b"oops");
        // Line 2, at its real column.
        assert_eq!(contents.line(), 1);
        assert_eq!(contents.column(), at - "[rules]\n".len());
    }

    #[test]
    fn short_lines_are_kept_whole_and_escapes_replaced() {
        let source = "a = 1\nb = \u{1b}[31m\nc = 3\n";
        let at = source.find('b').expect("there");
        let (excerpt, label) = Excerpt::around("x.toml", source, Some(SourceSpan::from((at, 1))));
        assert_eq!(excerpt.text(), "b = ?[31m");
        let contents = excerpt
            .read_span(&label.expect("label"), 1, 1)
            .expect("read");
        assert_eq!(contents.line(), 1);
    }

    #[test]
    fn quoted_values_are_short_and_inert() {
        assert_eq!(quoted("main\u{1b}[31m"), "main\u{fffd}[31m");
        let long = quoted(&"x".repeat(10_000));
        assert!(long.chars().count() <= 81 && long.ends_with('…'));
    }
}
