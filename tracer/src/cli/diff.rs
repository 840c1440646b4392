//! `tracer diff OLD NEW`: what changed between two runs (two traces, or two report.json files).
//! Exit codes: 0 nothing newly contradicted; 1 NEW contradicts a claim OLD did not; 5 with
//! `--fail-on-new`, NEW does something OLD did not; 2 bad input.

use std::{
    path::{Path, PathBuf},
    process::ExitCode,
};

use anyhow::{Context as _, bail};
use tracer::{
    diff::{self, Behaviour},
    report::{Report, escape},
    summary::summarize,
    trace::Trace,
};

use super::check::{Format, Named, check_named};

#[derive(clap::Args)]
#[command(
    about = "Compare two runs (traces or report.json): new and gone behaviour, changed verdicts; exit 1 newly contradicted, 5 new (--fail-on-new)"
)]
pub struct Args {
    /// The reviewed run: a trace or a report.json.
    old: PathBuf,
    /// The run to review: the same kind of file as OLD.
    new: PathBuf,
    /// A review to judge both traces against (reports carry their own verdicts).
    #[arg(long)]
    review: Option<PathBuf>,
    /// A claims file (TOML) to judge both traces against.
    #[arg(long)]
    claims: Option<PathBuf>,
    /// The package's name, when neither the review nor the claims file names it.
    #[arg(long)]
    package: Option<String>,
    /// A program of the package's daemons (repeatable), as for `tracer check`: in a whole-guest
    /// trace (vm check) only named daemons, their children and the package's maintainer
    /// scripts are the package's. vm check lists them in daemons.txt.
    #[arg(long = "daemon")]
    daemons: Vec<String>,
    /// Exit 5 when NEW does anything OLD did not.
    #[arg(long)]
    fail_on_new: bool,
    /// Output format [default: from -o's extension; text on a terminal; Markdown otherwise].
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Write the diff here instead of stdout.
    #[arg(short, long)]
    output: Option<PathBuf>,
}

enum Run {
    Trace(Box<Trace>),
    Report(Box<Report>),
}

/// A trace, else a report.json. The trace is tried first: it is the large input, and reading
/// it once as bytes for a report attempt and again as a trace doubled the I/O; a report fails
/// the trace reader at its first line.
fn load(path: &Path) -> anyhow::Result<Run> {
    let trace_error = match super::claims::load_trace(path) {
        Ok(trace) => return Ok(Run::Trace(Box::new(trace))),
        Err(e) => e,
    };
    std::fs::read(path)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Report>(&bytes).ok())
        .map(|report| Run::Report(Box::new(report)))
        .ok_or(trace_error)
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let (old, new) = (load(&args.old)?, load(&args.new)?);
    let label = |p: &Path| p.display().to_string();
    let (ol, nl) = (label(&args.old), label(&args.new));
    let with_claims = args.review.is_some() || args.claims.is_some();
    if !with_claims && (args.package.is_some() || !args.daemons.is_empty()) {
        bail!(
            "--package and --daemon name whose behaviour to compare; give --review or --claims with them"
        );
    }
    let (ob, nb, compared, verdicts): (Behaviour, Behaviour, &str, _) = match (&old, &new) {
        // With a review or claims file, the package is known: compare what the package did
        // (a whole-guest trace holds apt, journald and udev too, which differ every run).
        (Run::Trace(o), Run::Trace(n)) if with_claims => {
            let mut set = super::claims::load(args.review.as_ref(), args.claims.as_ref())?;
            if let Some(p) = &args.package {
                set.package.name = Some(p.clone());
            }
            set.package.daemons.extend(args.daemons.iter().cloned());
            let named = |trace| Named {
                review: args.review.as_deref(),
                claims: args.claims.as_deref(),
                trace,
            };
            let or = check_named(&named(args.old.as_path()), o, &set, None, None).report;
            let nr = check_named(&named(args.new.as_path()), n, &set, None, None).report;
            (
                diff::behaviour_of_package(o, &set.package),
                diff::behaviour_of_package(n, &set.package),
                "traces judged for the package (all its findings)",
                diff::verdict_changes(&or, &nr),
            )
        }
        (Run::Trace(o), Run::Trace(n)) => (
            diff::behaviour_of_summary(&summarize(o)),
            diff::behaviour_of_summary(&summarize(n)),
            "traces (every recorded process)",
            Vec::new(),
        ),
        (Run::Report(o), Run::Report(n)) => {
            if with_claims {
                bail!(
                    "--review/--claims judge traces; {} and {} are reports, which carry their own verdicts",
                    ol,
                    nl
                );
            }
            (
                diff::behaviour_of_report(o),
                diff::behaviour_of_report(n),
                "reports (the package's own findings)",
                diff::verdict_changes(o, n),
            )
        }
        _ => bail!(
            "{ol} and {nl} are a trace and a report; expected two traces or two report.json files \
             (a report counts only the package's events, a trace every process)"
        ),
    };
    let d = diff::diff((&ol, &ob), (&nl, &nb), compared, verdicts, args.fail_on_new);
    let text = match Format::resolve(args.format, args.output.as_deref()) {
        // Escaped at the edge as `check` does: no control or bidi character gets through.
        Format::Text => escape::terminal(&diff::render_text(&d)),
        Format::Markdown => escape::terminal(&diff::render_markdown(&d)),
        Format::Json => escape::json(d.to_json().context("serialising the diff")?),
    };
    super::emit(args.output.as_deref(), &text, "diff")?;
    Ok(ExitCode::from(d.exit_code))
}
