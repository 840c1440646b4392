//! `tracer claims`: what the checker understood of a review, before any trace is involved.

use std::{fmt::Write as _, io::Write as _, path::PathBuf, process::ExitCode};

use anyhow::Context as _;
use tracer::{
    claims::{self, ClaimSet, ClaimsFile, Source},
    trace::describe::printable,
};

#[derive(clap::Args)]
#[command(
    about = "List the runtime-checkable claims of a review, and the lines understood but not checkable"
)]
pub struct Args {
    /// The review text (as posted on the bug).
    review: PathBuf,
    /// A claims file (TOML) applied on top of the review.
    #[arg(long)]
    claims: Option<PathBuf>,
    /// Print JSON (claims, not-checkable and unrecognised lines).
    #[arg(long, conflicts_with = "toml")]
    json: bool,
    /// Print a claims file to edit and pass back with `tracer check --claims`.
    #[arg(long)]
    toml: bool,
}

/// Reads a review and an optional claims file; shared with `check`.
pub fn load(review: Option<&PathBuf>, claims_file: Option<&PathBuf>) -> anyhow::Result<ClaimSet> {
    let mut set = match review {
        Some(path) => {
            let bytes = std::fs::read(path).with_context(|| {
                format!(
                    "cannot read review {}; expected the review's text file",
                    path.display()
                )
            })?;
            let text = decode_review(&bytes).map_err(|why| {
                anyhow::anyhow!(
                    "{}: {why}; expected the review as plain text (save the bug comment as UTF-8)",
                    path.display()
                )
            })?;
            claims::extract(&text)
        }
        None => claims::extract(""),
    };
    if let Some(path) = claims_file {
        set = claims::merge(set, claims::read_claims_file(path)?);
    }
    Ok(set)
}

/// A review's bytes as text: UTF-8 (a BOM is dropped), or UTF-16 with its BOM, as editors on
/// Windows save it. UTF-16 without a BOM (NUL bytes between letters) is refused by name rather
/// than read as a text with no claims in it.
pub fn decode_review(bytes: &[u8]) -> Result<String, &'static str> {
    let utf16 = |rest: &[u8], unit: fn([u8; 2]) -> u16| {
        if !rest.len().is_multiple_of(2) {
            return Err("UTF-16 with an odd number of bytes (cut short)");
        }
        let units = rest.chunks_exact(2).map(|c| unit([c[0], c[1]]));
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .map_err(|_| "invalid UTF-16 (an unpaired surrogate)")
    };
    match bytes {
        [0xef, 0xbb, 0xbf, rest @ ..] => {
            String::from_utf8(rest.to_vec()).map_err(|_| "not UTF-8 text after its UTF-8 BOM")
        }
        [0xff, 0xfe, rest @ ..] => utf16(rest, u16::from_le_bytes),
        [0xfe, 0xff, rest @ ..] => utf16(rest, u16::from_be_bytes),
        _ if bytes.contains(&0) => Err("binary or UTF-16 text without a byte-order mark"),
        _ => String::from_utf8(bytes.to_vec()).map_err(|_| "not UTF-8 text"),
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let set = load(Some(&args.review), args.claims.as_ref())?;
    let out = if args.json {
        serde_json::to_string_pretty(&set).context("serialising claims")? + "\n"
    } else if args.toml {
        toml::to_string_pretty(&ClaimsFile::from_set(&set)).context("serialising claims")?
    } else {
        render(&set)
    };
    std::io::stdout()
        .write_all(out.as_bytes())
        .context("writing to stdout")?;
    Ok(ExitCode::SUCCESS)
}

fn render(set: &ClaimSet) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "package: {}",
        set.package
            .name
            .as_deref()
            .map_or("(not named; use a claims file)".to_owned(), printable)
    );
    let _ = writeln!(out, "\nruntime-checkable claims ({}):", set.claims.len());
    for c in &set.claims {
        let (line, text) = match &c.source {
            Source::Review { line, text, .. } => (format!("line {line}"), text.as_str()),
            Source::ClaimsFile { note } => {
                ("claims file".to_owned(), note.as_deref().unwrap_or(""))
            }
        };
        let _ = writeln!(
            out,
            "  {:<4} {:<22} {:<8} {}\n       {}: {}",
            c.id,
            c.check.name(),
            format!("{:?}", c.expect).to_lowercase(),
            c.statement(),
            line,
            printable(text)
        );
        if !c.allow.destinations.is_empty() {
            let _ = writeln!(
                out,
                "       allow: {}",
                printable(&c.allow.destinations.join(", "))
            );
        }
    }
    let _ = writeln!(
        out,
        "\nunderstood, not checkable at run time ({}):",
        set.not_checkable.len()
    );
    for n in &set.not_checkable {
        let _ = writeln!(
            out,
            "  line {:<4} {}\n             ({})",
            n.line,
            printable(&n.text),
            n.why
        );
    }
    let _ = writeln!(
        out,
        "\nnot recognised as claims: {} line(s) (--json lists them)",
        set.unrecognised.len()
    );
    out
}

/// A trace that cannot be read, as one line with a hint (the library's error already names the
/// file and what was expected; an I/O error gets the hint here).
pub fn load_trace(path: &std::path::Path) -> anyhow::Result<tracer::trace::Trace> {
    tracer::trace::read_trace(path).map_err(|e| match e {
        tracer::trace::TraceError::Io { .. } => {
            anyhow::anyhow!("{e}; expected a trace file written by `tracer record -o FILE`")
        }
        other => anyhow::anyhow!("{other}"),
    })
}
