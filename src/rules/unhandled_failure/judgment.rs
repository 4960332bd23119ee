//! Whether one failing operation is worth a question: not when it is infallible by
//! construction (the idioms listed in the rule's TOML `[data]`), nor when a condition that
//! dominates it establishes what it needs about its own receiver (`!v.is_empty()` before
//! `v.pop()`). A check on another receiver does not count.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::syntax::{Fact, Failure, Operand, Operation};

/// The rule's `[data]`: idioms that cannot fail, and what each lookup needs.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Idioms {
    /// Method name and argument count of results that fail only by lock poisoning.
    poisoning: BTreeMap<String, usize>,
    /// Formatting macros that cannot fail into a `String`.
    string_writers: Vec<String>,
    /// Modes whose outcome depends on the machine even with literal input.
    machine_dependent: Vec<String>,
    /// Variables cargo always sets for a build script.
    build_script_environment: Vec<String>,
    /// Conversions that cannot fail once a check bounds the value.
    bounded_conversions: Vec<String>,
    /// Types whose `try_from` is such a conversion.
    integer_types: Vec<String>,
    /// Results nobody can act on, thrown away by convention: `receiver-ending.call`.
    ignorable_discards: Vec<String>,
    /// Calls documented never to fail, as `receiver-ending.call`.
    guaranteed_calls: Vec<String>,
    /// Words with which an `expect` or panic message says why it cannot fire.
    reason_markers: Vec<String>,
    /// The panic macros whose message can state such a reason (not `todo!`).
    reasoning_macros: Vec<String>,
    needs: Needs,
}

/// Lookups by what they need of their receiver to succeed.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Needs {
    non_empty: Vec<String>,
    in_bounds: Vec<String>,
    contains: Vec<String>,
    prefix: Vec<String>,
    suffix: Vec<String>,
}

/// The failure modes, as the TOML names them.
const MODES: &[&str] = &[
    "io",
    "parse",
    "conversion",
    "environment",
    "lookup",
    "other",
];

fn mode(operation: Operation) -> &'static str {
    match operation {
        Operation::Io => "io",
        Operation::Parse => "parse",
        Operation::Conversion => "conversion",
        Operation::Environment => "environment",
        Operation::Lookup => "lookup",
        Operation::Other => "other",
    }
}

impl Idioms {
    /// Reads the `[data]` table, or says why its shape is not the one this rule reads.
    pub fn read(data: &BTreeMap<String, toml::Value>) -> Result<Idioms, String> {
        let table: toml::Table = data.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        let idioms: Idioms = toml::Value::Table(table)
            .try_into()
            .map_err(|error| format!("[data] {error}"))?;
        if let Some(unknown) = idioms
            .machine_dependent
            .iter()
            .find(|name| !MODES.contains(&name.as_str()))
        {
            return Err(format!(
                "[data] machine_dependent names `{unknown}`, not one of {MODES:?}"
            ));
        }
        Ok(idioms)
    }
}

/// What the rule makes of one failure site.
#[derive(Debug, PartialEq, Eq)]
pub enum Judgment {
    /// It cannot fail, or a check before it makes it safe.
    Quiet,
    /// Worth a question; `subject` is what a check before it would have been about.
    Asked { subject: Option<String> },
}

pub fn judge(failure: Failure, operand: &Operand, build_script: bool, idioms: &Idioms) -> Judgment {
    if idioms.infallible(failure, operand, build_script)
        || idioms.guarded(failure, operand)
        || idioms.reason_stated(failure, operand)
    {
        return Judgment::Quiet;
    }
    let subject = match failure {
        Failure::Index => operand.receiver.clone(),
        _ if idioms.needs_of(&operand.call).is_some() => operand.receiver.clone(),
        Failure::Unwrap(_) | Failure::Expect(_) if operand.call.is_empty() => {
            Some(operand.value.clone()).filter(|value| !value.is_empty())
        }
        _ => None,
    };
    Judgment::Asked { subject }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Need {
    NonEmpty,
    InBounds,
    Contains,
    Prefix,
    Suffix,
}

impl Idioms {
    /// `expect("`inner` can only be None in a destructor")`: the message says why it
    /// cannot fire, so the reason a question would ask for is already written down.
    /// `expect("should never happen")` gives none, and is still asked.
    fn reason_stated(&self, failure: Failure, operand: &Operand) -> bool {
        let can_state = match failure {
            Failure::Expect(_) => true,
            Failure::PanicMacro => self.reasoning_macros.contains(&operand.call),
            _ => false,
        };
        can_state
            && operand.message.as_deref().is_some_and(|message| {
                let message = message.to_lowercase();
                self.reason_markers
                    .iter()
                    .any(|marker| contains_phrase(&message, marker))
            })
    }

    fn infallible(&self, failure: Failure, operand: &Operand, build_script: bool) -> bool {
        let operation = match failure {
            Failure::Unwrap(operation) | Failure::Expect(operation) => operation,
            Failure::Discarded(operation) => operation,
            Failure::PanicMacro | Failure::Index => return false,
        };
        let has = |list: &[String], name: &str| list.iter().any(|entry| entry == name);
        let called = |list: &[String]| {
            list.iter().any(|entry| {
                entry.rsplit_once('.').is_some_and(|(ending, call)| {
                    call == operand.call
                        && operand
                            .receiver
                            .as_deref()
                            .is_some_and(|receiver| receiver.ends_with(ending))
                })
            })
        };
        let ignorable =
            matches!(failure, Failure::Discarded(_)) && called(&self.ignorable_discards);
        let guaranteed =
            !matches!(failure, Failure::Discarded(_)) && called(&self.guaranteed_calls);
        ignorable
            || guaranteed
            || (operand.literal_input && !has(&self.machine_dependent, mode(operation)))
            || self.poisoning.get(&operand.call) == Some(&operand.arguments)
            || (operand.receiver_is_string && has(&self.string_writers, &operand.call))
            || (build_script
                && operation == Operation::Environment
                && operand
                    .literal_text
                    .as_deref()
                    .is_some_and(|name| has(&self.build_script_environment, name)))
    }

    fn needs_of(&self, call: &str) -> Option<Need> {
        let needs = &self.needs;
        [
            (&needs.non_empty, Need::NonEmpty),
            (&needs.in_bounds, Need::InBounds),
            (&needs.contains, Need::Contains),
            (&needs.prefix, Need::Prefix),
            (&needs.suffix, Need::Suffix),
        ]
        .into_iter()
        .find(|(calls, _)| calls.iter().any(|name| name == call))
        .map(|(_, need)| need)
    }

    fn guarded(&self, failure: Failure, operand: &Operand) -> bool {
        let knows = |subject: &str, fact: &Fact| {
            operand
                .guards
                .iter()
                .any(|guard| guard.subject == subject && guard.fact == *fact)
        };
        let receiver = operand.receiver.as_deref().unwrap_or("");
        let argument = operand.argument.clone().unwrap_or_default();
        // `let Some(x) = v.last() else ..` says what `v.last()` needs, and so what
        // `v.pop()` needs; `map.get(&k).is_some()` says what `map[&k]` needs.
        let found = |need: Need, with_argument: bool| {
            operand.guards.iter().any(|guard| match &guard.fact {
                Fact::Found {
                    call,
                    argument: found,
                } => {
                    guard.subject == receiver
                        && self.needs_of(call).is_some_and(|n| n == need)
                        && (!with_argument || found.as_deref() == Some(argument.as_str()))
                }
                _ => false,
            })
        };
        // `for i in 0..4` over a `[T; 4]`.
        let under_length = || {
            operand.receiver_length.is_some_and(|length| {
                operand.guards.iter().any(|guard| {
                    guard.subject == argument
                        && matches!(guard.fact, Fact::Under(bound) if bound <= length)
                })
            })
        };
        let in_bounds = || {
            under_length()
                || knows(receiver, &Fact::Below(argument.clone()))
                || knows(receiver, &Fact::Contains(argument.clone()))
                || found(Need::InBounds, true)
        };
        match failure {
            Failure::PanicMacro => false,
            Failure::Index => {
                in_bounds()
                    || (operand.range_end && knows(receiver, &Fact::AtMost(argument.clone())))
                    // `i < len` makes `v[i + 1..]` start at most at the end.
                    || (operand.range_end
                        && argument.strip_suffix("+1").is_some_and(|index| {
                            knows(receiver, &Fact::Below(index.to_string()))
                        }))
                    || (argument == format!("{receiver}.len()-1")
                        && knows(receiver, &Fact::NonEmpty))
            }
            Failure::Unwrap(_) | Failure::Expect(_) | Failure::Discarded(_) => {
                if knows(&operand.value, &Fact::Present) {
                    return true;
                }
                if self.bounded_conversions.contains(&operand.call) {
                    let converted = if operand.call == "try_into" {
                        Some(receiver)
                    } else {
                        operand
                            .qualifier
                            .as_ref()
                            .filter(|ty| self.integer_types.contains(ty))
                            .map(|_| argument.as_str())
                    };
                    if converted
                        .is_some_and(|value| knows(value, &Fact::Bounded) || small_remainder(value))
                    {
                        return true;
                    }
                }
                match self.needs_of(&operand.call) {
                    Some(Need::NonEmpty) => {
                        knows(receiver, &Fact::NonEmpty) || found(Need::NonEmpty, false)
                    }
                    Some(Need::InBounds) => {
                        in_bounds() || (argument == "0" && knows(receiver, &Fact::NonEmpty))
                    }
                    Some(Need::Contains) => {
                        knows(receiver, &Fact::Contains(argument.clone()))
                            || found(Need::Contains, true)
                    }
                    Some(Need::Prefix) => knows(receiver, &Fact::Prefix(argument.clone())),
                    Some(Need::Suffix) => knows(receiver, &Fact::Suffix(argument.clone())),
                    None => false,
                }
            }
        }
    }
}

/// `n % 10`: a remainder by a small literal fits every integer type.
fn small_remainder(value: &str) -> bool {
    value
        .rsplit_once('%')
        .and_then(|(_, divisor)| divisor.parse::<u64>().ok())
        .is_some_and(|divisor| divisor <= 128)
}

/// `phrase` in `text` as whole words: "because" in "because the queue is full", not
/// "only" in "commonly".
fn contains_phrase(text: &str, phrase: &str) -> bool {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(phrase).any(|(start, _)| {
        let end = start + phrase.len();
        let before = text.get(..start).and_then(|head| head.chars().next_back());
        let after = text.get(end..).and_then(|tail| tail.chars().next());
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
}

#[cfg(test)]
mod tests {
    use super::contains_phrase;

    #[test]
    fn a_reason_marker_counts_only_as_whole_words() {
        assert!(contains_phrase("none only because of drop", "because"));
        assert!(contains_phrase("`inner` can only be none", "can only"));
        assert!(!contains_phrase("commonly unset", "only"));
        assert!(!contains_phrase("because_of", "because"));
        assert!(!contains_phrase("", "because"));
    }
}
