//! `tracer check`: judge a review's claims against a trace and write the report.
//!
//! Exit codes (also in the README and docs/claims.md): 0 nothing contradicted or inconclusive;
//! 1 a claim is contradicted; 2 bad input or infrastructure failure; 3 a claim is inconclusive
//! (and none contradicted); 4 nothing was checked (no claims, the package never ran, or no
//! claim was exercised), with a one-line reason on stderr.

use std::{
    path::{Path, PathBuf},
    process::ExitCode,
};

use anyhow::Context as _;
use tracer::{
    CheckOptions, Checked,
    claims::ClaimSet,
    contents::Manifest,
    report::{Inputs, Report, escape, render_markdown, render_text},
    trace::Trace,
    verdict::witness::Exercised,
};

/// No claim was judged: a run that checked nothing must not pass.
pub const EXIT_NOTHING_CHECKED: u8 = 4;

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// Plain text for a Launchpad comment: no Markdown escapes, lines of at most 100 characters.
    Text,
    Markdown,
    Json,
}

impl Format {
    /// The format asked for, else the one the output's name implies (`.txt`, `.md`, `.json`),
    /// else text on a terminal and Markdown into a pipe or another file.
    pub fn resolve(asked: Option<Format>, output: Option<&std::path::Path>) -> Format {
        use std::io::IsTerminal as _;
        if let Some(f) = asked {
            return f;
        }
        match output.and_then(|p| p.extension()).and_then(|e| e.to_str()) {
            Some("txt") => Format::Text,
            Some("json") => Format::Json,
            Some(_) => Format::Markdown,
            None if output.is_none() && std::io::stdout().is_terminal() => Format::Text,
            None => Format::Markdown,
        }
    }
}

#[derive(clap::Args)]
#[command(
    about = "Check a review's claims against a trace; exit 0 ok, 1 contradicted, 2 bad input, 3 inconclusive, 4 nothing checked",
    group(clap::ArgGroup::new("claims_source").required(true).multiple(true).args(["review", "claims"]))
)]
pub struct Args {
    /// The review text.
    #[arg(long)]
    review: Option<PathBuf>,
    /// A claims file (TOML): claims written or corrected by hand, allowlists, the package.
    #[arg(long)]
    claims: Option<PathBuf>,
    /// The trace written by `tracer record`.
    #[arg(long)]
    trace: PathBuf,
    /// Report format [default: from the output's extension (.txt, .md, .json); text on a
    /// terminal; Markdown otherwise].
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Write the report here instead of stdout.
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// The package's name (for the default allowlists of its own directories), when neither
    /// the review nor the claims file names it.
    #[arg(long)]
    package: Option<String>,
    /// A program of the package's daemons (repeatable); default: every process that is not the
    /// harness or a maintainer script.
    #[arg(long = "daemon")]
    daemons: Vec<String>,
    /// The install's contents manifest (JSON, written by `tracer vm check`): judges the claims
    /// about installed files (services, timers, cron jobs, setuid files, …).
    #[arg(long)]
    contents: Option<PathBuf>,
    /// What a `tracer vm check` run exercised (exercised.json in its output): a claim is held
    /// only when what it is about ran (a daemon past start-up, the maintainer script, the
    /// timer's service), and each verdict lists the phases that covered it.
    #[arg(long)]
    exercised: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut set = super::claims::load(args.review.as_ref(), args.claims.as_ref())?;
    if let Some(p) = args.package {
        set.package.name = Some(p);
    }
    set.package.daemons.extend(args.daemons);
    let trace = load_trace_warning(&args.trace)?;
    let contents = match &args.contents {
        Some(p) => Some(tracer::contents::read_manifest(p)?),
        None => None,
    };
    let named = Named {
        review: args.review.as_deref(),
        claims: args.claims.as_deref(),
        trace: &args.trace,
    };
    let exercised = args.exercised.as_deref().map(read_exercised).transpose()?;
    let checked = check_named(&named, &trace, &set, contents.as_ref(), exercised.as_ref());
    let text = render(
        &checked.report,
        Format::resolve(args.format, args.output.as_deref()),
    )?;
    super::emit(args.output.as_deref(), &text, "report")?;
    say_nothing_checked(&checked, &named);
    Ok(ExitCode::from(checked.exit_code()))
}

/// Reads a trace, saying on stderr what its integrity check found.
pub fn load_trace_warning(path: &Path) -> anyhow::Result<Trace> {
    let trace = super::claims::load_trace(path)?;
    for w in trace.integrity.warnings() {
        eprintln!("tracer: warning: {}: {w}", path.display());
    }
    Ok(trace)
}

/// The report in `format`. Escaped last, whatever a renderer missed: no control or bidi
/// character reaches a terminal or a JSON consumer.
pub fn render(report: &Report, format: Format) -> anyhow::Result<String> {
    Ok(match format {
        Format::Text => escape::terminal(&render_text(report)),
        Format::Markdown => escape::terminal(&render_markdown(report)),
        Format::Json => escape::json(report.to_json().context("serialising the report")?),
    })
}

/// The files a check reads, as the user named them: the report lists them and the "nothing
/// checked" line names them.
pub struct Named<'a> {
    pub review: Option<&'a Path>,
    pub claims: Option<&'a Path>,
    pub trace: &'a Path,
}

/// The library's [`tracer::check`], with the report's inputs named after `named`.
pub fn check_named(
    named: &Named<'_>,
    trace: &Trace,
    set: &ClaimSet,
    contents: Option<&Manifest>,
    exercised: Option<&Exercised>,
) -> Checked {
    let inputs = Inputs {
        review: named.review.map(|p| p.display().to_string()),
        claims_file: named.claims.map(|p| p.display().to_string()),
        trace: named.trace.display().to_string(),
        package: set.package.name.clone(),
        daemons: set.package.daemons.clone(),
    };
    tracer::check(
        trace,
        set,
        CheckOptions {
            contents,
            inputs,
            exercised,
        },
    )
}

/// The one-line reason on stderr that goes with exit code 4, naming the claims input and the
/// trace.
pub fn say_nothing_checked(checked: &Checked, named: &Named<'_>) {
    if checked.exit_code() == EXIT_NOTHING_CHECKED
        && let Some(why) = &checked.nothing_checked
    {
        let input = named
            .review
            .or(named.claims)
            .map_or(String::new(), |p| format!(" ({})", p.display()));
        eprintln!(
            "tracer: nothing checked: {why}{input}; trace {}",
            named.trace.display()
        );
    }
    tracing::info!(
        exit = checked.exit_code(),
        "checked {} claims",
        checked.report.verdicts.len()
    );
}

/// A `vm check` run's exercised.json: the witness of its "held" verdicts.
pub fn read_exercised(p: &Path) -> anyhow::Result<Exercised> {
    let text = std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
    serde_json::from_str::<Exercised>(&text).with_context(|| {
        format!(
            "{}: not an exercised.json of `tracer vm check` (expected its phases and units)",
            p.display()
        )
    })
}
