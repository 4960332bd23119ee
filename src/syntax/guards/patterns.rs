//! What a pattern says about the value it matches: `Some(..)`/`Ok(..)` that it is there,
//! `None`/`Err(..)` that it is missing or failed.

use syn::Pat;

fn variant_name(pat: &Pat) -> Option<String> {
    let path = match pat {
        Pat::TupleStruct(tuple) => &tuple.path,
        Pat::Path(path) => &path.path,
        Pat::Ident(ident) => return Some(ident.ident.to_string()),
        _ => return None,
    };
    path.segments
        .last()
        .map(|segment| segment.ident.to_string())
}

/// `Some(..)`, `Ok(..)` (or several of them): the value is there.
pub fn names_success(pat: &Pat) -> bool {
    match pat {
        Pat::Or(or) => or.cases.iter().all(names_success),
        Pat::Paren(inner) => names_success(&inner.pat),
        Pat::Guard(guarded) => names_success(&guarded.pat),
        _ => matches!(variant_name(pat).as_deref(), Some("Some" | "Ok")),
    }
}

/// `None`, `Err(..)`: the value is missing or failed.
pub fn names_absence(pat: &Pat) -> bool {
    match pat {
        Pat::Or(or) => or.cases.iter().all(names_absence),
        Pat::Paren(inner) => names_absence(&inner.pat),
        _ => matches!(variant_name(pat).as_deref(), Some("None" | "Err")),
    }
}
