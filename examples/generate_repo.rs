//! Builds the synthetic repository the benchmarks run on:
//! `cargo run --release --example generate_repo -- DIR [FILES COMMITS BULK_EVERY]`.
//! The range to analyse is `bench-base..bench-head`.

#[path = "../benches/support/synthetic.rs"]
mod synthetic;

fn main() -> std::io::Result<()> {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = arguments.first() else {
        eprintln!("usage: generate_repo DIR [FILES COMMITS BULK_EVERY]");
        std::process::exit(2);
    };
    let number = |index: usize, default: usize| {
        arguments
            .get(index)
            .and_then(|a| a.parse().ok())
            .unwrap_or(default)
    };
    let small = synthetic::Size::small();
    let size = synthetic::Size {
        files: number(1, small.files),
        commits: number(2, small.commits),
        bulk_every: number(3, small.bulk_every),
        ..small
    };
    synthetic::generate(std::path::Path::new(dir), size, true)?;
    eprintln!("{dir}: {size:?}; range bench-base..bench-head");
    Ok(())
}
