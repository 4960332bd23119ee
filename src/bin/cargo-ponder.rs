//! `cargo-ponder`: the same command as `ponder`, installed under the name cargo looks for
//! so that `cargo ponder` works. `main.rs` drops the `ponder` argument cargo passes.

#[path = "../main.rs"]
mod ponder_cli;

fn main() -> std::process::ExitCode {
    ponder_cli::main()
}
