//! What a failing operation is: which kind of call produced the failing value (I/O,
//! parsing, ...), what it works on, its index, key or pattern, and whether its input is
//! literal. The rules judge an operation from these facts; they never see the syntax.

use syn::spanned::Spanned;
use syn::Expr;

use super::guards::Guard;

/// What produced the value that is unwrapped: it decides which question fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Io,
    Parse,
    Conversion,
    Environment,
    Lookup,
    Other,
}

/// What a failing operation works on, as far as the text shows. Texts are compact: no
/// whitespace, no leading `&`, `&mut` or `*`, so that `& key` and `&key` compare equal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Operand {
    /// The call that produced the failing value: a method, a function's last path
    /// segment or a macro's name (`pop`, `read_to_string`, `write`); empty when none.
    pub call: String,
    /// The path before a function's name: `u8` in `u8::try_from(n)`, `fs` in `fs::read`.
    pub qualifier: Option<String>,
    /// What the call works on, with views peeled off: `v` in `v.iter().max()`, `s` in
    /// `s.chars().nth(i)`, the collection of `v[i]`, the target of `write!(out, ..)`.
    pub receiver: Option<String>,
    /// The first argument (an index, key or pattern), or the position an index needs.
    pub argument: Option<String>,
    /// How many arguments the call takes.
    pub arguments: usize,
    /// The failing value itself: `v.pop()` in `v.pop().unwrap()`.
    pub value: String,
    /// The value comes from literals alone (`"8080".parse()`, `Regex::new("a+")`).
    pub literal_input: bool,
    /// The string literal the call takes, unquoted: `OUT_DIR` in `env::var("OUT_DIR")`.
    pub literal_text: Option<String>,
    /// The receiver is a `String` this function declares (`let mut out = String::new()`,
    /// `out: &mut String`).
    pub receiver_is_string: bool,
    /// The index ends a range (`buf[a..b]`): it may equal the length.
    pub range_end: bool,
    /// The receiver's length, when its array type or a check before says it.
    pub receiver_length: Option<u64>,
    /// What the conditions that dominate the operation establish.
    pub guards: Vec<Guard>,
    /// The message an `expect` or a panic macro gives, when it is a string literal
    /// (a panic macro's format string, placeholders and all).
    pub message: Option<String>,
}

const IO_CALLS: &[&str] = &[
    "read_to_string",
    "read_to_end",
    "read",
    "write",
    "read_dir",
    "create_dir",
    "create_dir_all",
    "remove_file",
    "remove_dir",
    "remove_dir_all",
    "copy",
    "rename",
    "metadata",
    "symlink_metadata",
    "canonicalize",
    "open",
    "create",
    "connect",
    "bind",
    "accept",
    "read_line",
    "read_exact",
    "write_all",
    "flush",
    "sync_all",
    "set_permissions",
    "spawn",
    "output",
    "status",
    "wait",
    "hard_link",
    "read_link",
    "set_len",
    "seek",
    "send_to",
    "recv_from",
];
const PARSE_CALLS: &[&str] = &[
    "parse",
    "from_str",
    "from_str_radix",
    "from_slice",
    "from_reader",
    "from_value",
    "from_bytes",
    "decode",
    "parse_from",
    "deserialize",
];
const CONVERSION_CALLS: &[&str] = &[
    "try_from",
    "try_into",
    "from_utf8",
    "to_str",
    "from_u32",
    "from_digit",
    "checked_add",
    "checked_sub",
    "checked_mul",
    "checked_div",
    "to_u32",
    "to_usize",
    "to_i64",
    "to_u64",
];
const ENVIRONMENT_CALLS: &[&str] = &["var", "var_os", "current_dir", "home_dir", "current_exe"];
const LOOKUP_CALLS: &[&str] = &[
    "get",
    "get_mut",
    "first",
    "last",
    "next",
    "next_back",
    "find",
    "find_map",
    "position",
    "max",
    "min",
    "max_by",
    "min_by",
    "max_by_key",
    "min_by_key",
    "pop",
    "pop_front",
    "pop_back",
    "remove",
    "strip_prefix",
    "strip_suffix",
    "split_once",
    "rsplit_once",
    "nth",
    "peek",
    "captures",
    "name",
    "file_name",
    "file_stem",
    "parent",
    "extension",
    "last_mut",
    "first_mut",
    "iter_mut",
    "front",
    "back",
    "upgrade",
];

/// Methods that look at a value without changing what may fail: `x.as_ref().unwrap()`
/// fails exactly when `x.unwrap()` would.
const PASS_THROUGH: &[&str] = &[
    "as_ref",
    "as_mut",
    "as_deref",
    "as_deref_mut",
    "cloned",
    "copied",
];

/// Methods that view a collection or string without changing whether it is empty or
/// how long it is: `s.chars().next()` is about `s`.
const VIEWS: &[&str] = &[
    "iter",
    "iter_mut",
    "into_iter",
    "chars",
    "bytes",
    "char_indices",
    "keys",
    "values",
    "values_mut",
    "as_slice",
    "as_str",
    "as_bytes",
    "borrow",
    "borrow_mut",
];

fn classify(name: &str) -> Operation {
    if IO_CALLS.contains(&name) {
        Operation::Io
    } else if PARSE_CALLS.contains(&name) {
        Operation::Parse
    } else if CONVERSION_CALLS.contains(&name) {
        Operation::Conversion
    } else if ENVIRONMENT_CALLS.contains(&name) {
        Operation::Environment
    } else if LOOKUP_CALLS.contains(&name) {
        Operation::Lookup
    } else {
        Operation::Other
    }
}

/// Looks through parentheses, `.await`, references and pass-through methods.
fn peel(expr: &Expr) -> &Expr {
    match expr {
        Expr::MethodCall(call) if PASS_THROUGH.contains(&call.method.to_string().as_str()) => {
            peel(&call.receiver)
        }
        Expr::Paren(inner) => peel(&inner.expr),
        Expr::Group(inner) => peel(&inner.expr),
        Expr::Await(inner) => peel(&inner.base),
        Expr::Reference(inner) => peel(&inner.expr),
        _ => expr,
    }
}

/// What kind of operation produced `expr`.
pub fn operation_of(expr: &Expr) -> Operation {
    match peel(expr) {
        Expr::MethodCall(call) => classify(&call.method.to_string()),
        Expr::Call(call) => match call.func.as_ref() {
            Expr::Path(path) => path
                .path
                .segments
                .last()
                .map(|segment| classify(&segment.ident.to_string()))
                .unwrap_or(Operation::Other),
            _ => Operation::Other,
        },
        _ => Operation::Other,
    }
}

/// The collection a view works on: `s` for `s.chars()`, `v` for `v.iter()`.
pub fn without_views(expr: &Expr) -> &Expr {
    match expr {
        Expr::MethodCall(call)
            if call.args.is_empty() && VIEWS.contains(&call.method.to_string().as_str()) =>
        {
            without_views(&call.receiver)
        }
        Expr::Paren(inner) => without_views(&inner.expr),
        Expr::Reference(inner) => without_views(&inner.expr),
        _ => expr,
    }
}

/// The source of `node` as one readable line, cut to a readable length.
pub fn code_of(node: &impl Spanned) -> String {
    let text = node.span().source_text().unwrap_or_default();
    // Join a multi-line expression as it would be written on one line: a method chain's
    // `.call()` continues the previous line without a space.
    let mut collapsed = String::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let glued = line.starts_with(['.', ')', ']', '?']) || collapsed.ends_with(['(', '[']);
        if !collapsed.is_empty() && !glued {
            collapsed.push(' ');
        }
        collapsed.push_str(&line.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    if collapsed.chars().count() > 90 {
        let cut: String = collapsed.chars().take(87).collect();
        format!("{cut}...")
    } else {
        collapsed
    }
}

/// The text of `expr` without whitespace, leading `&`, `&mut`, `*` or parentheses.
pub fn compact(node: &impl Spanned) -> String {
    let source = node.span().source_text().unwrap_or_default();
    let mut text = source.trim();
    loop {
        let stripped = if let Some(rest) = text.strip_prefix('&') {
            let rest = rest.trim_start();
            // `&mut x`, but not `&mutable`.
            match rest.strip_prefix("mut") {
                Some(after) if after.starts_with(|c: char| c.is_whitespace() || c == '(') => after,
                _ => rest,
            }
        } else if let Some(rest) = text.strip_prefix('*') {
            rest
        } else if let Some(inner) = text
            .strip_prefix('(')
            .and_then(|rest| rest.strip_suffix(')'))
            .filter(|inner| balanced(inner))
        {
            inner
        } else {
            break;
        };
        text = stripped.trim();
    }
    text.split_whitespace().collect()
}

fn balanced(text: &str) -> bool {
    let mut depth = 0i32;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return false;
        }
    }
    depth == 0
}

/// True when the value comes only from literals (`"1.0".parse()`, `Regex::new("a+")`):
/// such a call fails on every run or on none, unless it reads the machine.
pub fn only_literals(expr: &Expr) -> bool {
    match expr {
        Expr::Lit(_) => true,
        Expr::MethodCall(call) => {
            only_literals(&call.receiver) && call.args.iter().all(only_literals)
        }
        Expr::Call(call) => {
            matches!(call.func.as_ref(), Expr::Path(_))
                && call.args.iter().all(only_literals)
                && !call.args.is_empty()
        }
        Expr::Reference(reference) => only_literals(&reference.expr),
        Expr::Paren(inner) => only_literals(&inner.expr),
        _ => false,
    }
}

fn string_literal(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(text),
            ..
        }) => Some(text.value()),
        Expr::Reference(inner) => string_literal(&inner.expr),
        _ => None,
    }
}

/// The operand of the failing value `value` (the receiver of an `unwrap`, the expression
/// a `let _ =` throws away). Guards and the string fact are filled in by the caller.
pub fn operand_of(value: &Expr) -> Operand {
    let mut operand = Operand {
        value: compact(peel(value)),
        literal_input: only_literals(value),
        ..Operand::default()
    };
    match peel(value) {
        Expr::MethodCall(call) => {
            operand.call = call.method.to_string();
            operand.receiver = Some(compact(without_views(&call.receiver)));
            operand.argument = call.args.first().map(compact);
            operand.arguments = call.args.len();
            operand.literal_text = call.args.first().and_then(string_literal);
        }
        Expr::Call(call) => {
            if let Expr::Path(path) = call.func.as_ref() {
                let segments = &path.path.segments;
                operand.call = segments
                    .last()
                    .map(|segment| segment.ident.to_string())
                    .unwrap_or_default();
                if segments.len() > 1 {
                    let qualifier: Vec<String> = segments
                        .iter()
                        .take(segments.len() - 1)
                        .map(|segment| segment.ident.to_string())
                        .collect();
                    operand.qualifier = Some(qualifier.join("::"));
                }
            }
            operand.argument = call.args.first().map(compact);
            operand.arguments = call.args.len();
            operand.literal_text = call.args.first().and_then(string_literal);
        }
        Expr::Macro(mac) => {
            operand.call = mac
                .mac
                .path
                .segments
                .last()
                .map(|segment| segment.ident.to_string())
                .unwrap_or_default();
            if let Ok(arguments) = mac.mac.parse_body_with(
                syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated,
            ) {
                operand.receiver = arguments.first().map(compact);
                operand.arguments = arguments.len();
            }
        }
        _ => {}
    }
    operand
}

/// The operand of `value.expect(message)`: the value's, with the message.
pub fn expect_operand(call: &syn::ExprMethodCall) -> Operand {
    Operand {
        message: call.args.first().and_then(string_literal),
        ..operand_of(&call.receiver)
    }
}

/// The operand of a panic macro named `name`: its name, and its message when the first
/// argument is a string literal.
pub fn panic_operand(mac: &syn::Macro, name: &str) -> Operand {
    let message = mac
        .parse_body_with(syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated)
        .ok()
        .and_then(|arguments| arguments.first().and_then(string_literal));
    Operand {
        call: name.to_string(),
        message,
        ..Operand::default()
    }
}

/// The operand of `collection[index]`: the position that must be in bounds is the index,
/// or the end of a range (which may equal the length).
pub fn index_operand(expr: &syn::ExprIndex) -> Operand {
    let mut operand = Operand {
        call: "index".to_string(),
        receiver: Some(compact(without_views(&expr.expr))),
        value: compact(expr),
        ..Operand::default()
    };
    match expr.index.as_ref() {
        Expr::Range(range) => match (&range.start, &range.end, &range.limits) {
            (_, Some(end), syn::RangeLimits::HalfOpen(_)) => {
                operand.argument = Some(compact(end));
                operand.range_end = true;
            }
            (_, Some(end), syn::RangeLimits::Closed(_)) => operand.argument = Some(compact(end)),
            (Some(start), None, _) => {
                operand.argument = Some(compact(start));
                operand.range_end = true;
            }
            _ => {}
        },
        index => operand.argument = Some(compact(index)),
    }
    operand
}

/// An index fixed in the source (`bytes[0]`, `buf[..4]`): into an array it is checked when
/// the code compiles.
pub fn is_literal_index(expr: &Expr) -> bool {
    match expr {
        Expr::Lit(_) => true,
        Expr::Range(range) => {
            range.start.as_deref().is_none_or(is_literal_index)
                && range.end.as_deref().is_none_or(is_literal_index)
        }
        Expr::Paren(inner) => is_literal_index(&inner.expr),
        _ => false,
    }
}
