//! Which optional readings a parse makes beyond the functions and their sites: each serves
//! one rule that ships off by default, so a run parses for them only when that rule runs.

/// The optional passes of a parse (see `ParsedFile`'s fields of the same names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Passes {
    /// `#[allow]`, `unsafe` without SAFETY, bare `#[ignore]`, `todo!`/`dbg!`.
    pub silencers: bool,
    /// `let _ =`, `.ok();`, empty `Err(_)` arms.
    pub swallows: bool,
    /// What each function body could fail a test with.
    pub test_bodies: bool,
}

impl Passes {
    /// Every pass: what `syntax::parse` makes, for callers that do not say.
    pub const ALL: Passes = Passes {
        silencers: true,
        swallows: true,
        test_bodies: true,
    };

    /// The passes either set asks for.
    pub fn union(self, other: Passes) -> Passes {
        Passes {
            silencers: self.silencers || other.silencers,
            swallows: self.swallows || other.swallows,
            test_bodies: self.test_bodies || other.test_bodies,
        }
    }
}
