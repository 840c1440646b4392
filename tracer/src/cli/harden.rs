//! `tracer harden`: draft a systemd drop-in per daemon from what it was seen doing.

use std::{path::PathBuf, process::ExitCode};

use anyhow::Context as _;
use tracer::{
    harden::{self, DaemonSelector},
    report::escape,
};

#[derive(clap::Args)]
#[command(
    about = "Draft a systemd hardening drop-in for each daemon from what a trace shows it doing",
    long_about = "Draft a systemd hardening drop-in for each daemon from what a trace shows it \
doing: ProtectSystem=strict with ReadWritePaths from its writes, PrivateTmp, ProtectHome, \
NoNewPrivileges, RestrictAddressFamilies from its sockets, IPAddressDeny/Allow from its \
destinations, CapabilityBoundingSet from its privileged calls. Every directive carries the \
observations behind it as comments; what the trace rules out is listed as not set. A draft \
from one run: install it and run the exercise again before trusting it."
)]
pub struct Args {
    /// Trace file written by `tracer record` (.jsonl, .jsonl.gz, .jsonl.zst, or - for stdin).
    trace: PathBuf,
    /// A daemon's program (absolute path or name); one drop-in each. Default: every process
    /// in the trace, as one daemon (a command recorded alone).
    #[arg(long = "daemon", value_name = "PROGRAM")]
    daemons: Vec<String>,
    /// Write each drop-in to DIR/NAME.conf (NAME: the daemon's program name) instead of stdout.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let trace = super::claims::load_trace(&args.trace)?;
    for w in trace.integrity.warnings() {
        eprintln!("tracer: warning: {}: {w}", args.trace.display());
    }
    let source = args
        .trace
        .file_name()
        .map_or_else(|| "stdin".to_owned(), |n| n.to_string_lossy().into_owned());
    let selectors: Vec<Option<DaemonSelector>> = if args.daemons.is_empty() {
        vec![None]
    } else {
        args.daemons
            .iter()
            .cloned()
            .map(DaemonSelector)
            .map(Some)
            .collect()
    };
    let mut texts = Vec::new();
    for sel in &selectors {
        let picked = harden::select(&trace, sel.as_ref());
        let name = sel
            .as_ref()
            .map_or("the recorded processes", |s| s.0.as_str());
        let draft = harden::draft(&trace, name, &picked);
        if draft.processes == 0 {
            anyhow::bail!(
                "--daemon {name}: no process in {} ran it; give the program's path or name as it was executed",
                args.trace.display()
            );
        }
        texts.push((name.to_owned(), harden::render(&draft, &source)));
    }
    match &args.out {
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| {
                format!("cannot create {}; choose a writable --out", dir.display())
            })?;
            for (name, text) in &texts {
                let file = dir.join(format!("{}.conf", name.rsplit('/').next().unwrap_or(name)));
                super::emit(Some(&file), text, "drop-in")?;
                eprintln!("tracer: wrote {}", file.display());
            }
        }
        None => {
            let all: Vec<String> = texts.into_iter().map(|(_, t)| t).collect();
            super::emit(None, &escape::terminal(&all.join("\n")), "drop-in")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
