//! `tracer summarize`: what a trace shows, for a human or (`--json`) a tool.

use std::{io::Write as _, path::PathBuf, process::ExitCode};

use anyhow::Context as _;
use tracer::{report::escape, summary};

#[derive(clap::Args)]
#[command(about = "Summarize a trace: process tree, files, sockets, privilege changes, loss")]
pub struct Args {
    /// Trace file written by `tracer record`.
    trace: PathBuf,
    /// Print the versioned JSON summary (docs/summary.md) instead of text.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let trace = super::claims::load_trace(&args.trace)?;
    for w in trace.integrity.warnings() {
        eprintln!("tracer: warning: {}: {w}", args.trace.display());
    }
    let s = summary::summarize(&trace);
    // Escaped at the edge: a crafted header or file name cannot drive the terminal or reorder
    // what is shown, whichever field it hides in.
    let text = if args.json {
        escape::json(serde_json::to_string_pretty(&s).context("serialising the summary")? + "\n")
    } else {
        escape::terminal(&summary::render_text(&s))
    };
    std::io::stdout()
        .write_all(text.as_bytes())
        .context("writing to stdout")?;
    Ok(ExitCode::SUCCESS)
}
