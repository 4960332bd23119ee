//! What a function's parameters and `let`s declare about a name, as far as the text
//! shows: a `String` (a target `write!` cannot fail on), or an array of known length (which
//! `for i in 0..4` indexes in bounds).

use std::collections::{HashMap, HashSet};

use syn::{Expr, FnArg, Local, Pat, Type};

use super::guards::integer;

#[derive(Default)]
pub struct Declarations {
    strings: HashSet<String>,
    arrays: HashMap<String, u64>,
}

impl Declarations {
    pub fn parameter(&mut self, input: &FnArg) {
        if let FnArg::Typed(typed) = input {
            if let Pat::Ident(name) = typed.pat.as_ref() {
                self.typed(name.ident.to_string(), &typed.ty);
            }
        }
    }

    pub fn local(&mut self, local: &Local) {
        match &local.pat {
            Pat::Ident(name) => {
                let Some(init) = &local.init else {
                    return;
                };
                let name = name.ident.to_string();
                if makes_string(&init.expr) {
                    self.strings.insert(name.clone());
                }
                if let Some(length) = array_length(&init.expr) {
                    self.arrays.insert(name, length);
                }
            }
            Pat::Type(typed) => {
                if let Pat::Ident(name) = typed.pat.as_ref() {
                    self.typed(name.ident.to_string(), &typed.ty);
                }
            }
            _ => {}
        }
    }

    fn typed(&mut self, name: String, ty: &Type) {
        if is_string_type(ty) {
            self.strings.insert(name.clone());
        }
        if let Some(length) = array_type_length(ty) {
            self.arrays.insert(name, length);
        }
    }

    pub fn is_string(&self, name: &str) -> bool {
        self.strings.contains(name)
    }

    pub fn array_length(&self, name: &str) -> Option<u64> {
        self.arrays.get(name).copied()
    }
}

/// `String` or `&mut String`.
fn is_string_type(ty: &Type) -> bool {
    match ty {
        Type::Path(path) => path.path.is_ident("String"),
        Type::Reference(reference) => {
            reference.mutability.is_some() && is_string_type(&reference.elem)
        }
        _ => false,
    }
}

/// `String::new()`, `String::with_capacity(n)`, `String::from(..)`, `format!(..)`,
/// `x.to_string()`.
fn makes_string(expr: &Expr) -> bool {
    match expr {
        Expr::Call(call) => matches!(call.func.as_ref(), Expr::Path(path)
            if path.path.segments.len() == 2
                && path.path.segments.first().is_some_and(|s| s.ident == "String")),
        Expr::Macro(mac) => mac.mac.path.is_ident("format"),
        Expr::MethodCall(call) => call.method == "to_string",
        _ => false,
    }
}

/// `[u8; 16]`, `&[bool; 4]`.
fn array_type_length(ty: &Type) -> Option<u64> {
    match ty {
        Type::Array(array) => integer(&array.len),
        Type::Reference(reference) => array_type_length(&reference.elem),
        _ => None,
    }
}

/// `[0u8; 16]`, `[Move::Up, Move::Down]`.
fn array_length(expr: &Expr) -> Option<u64> {
    match expr {
        Expr::Repeat(repeat) => integer(&repeat.len),
        Expr::Array(array) => Some(array.elems.len() as u64),
        _ => None,
    }
}
