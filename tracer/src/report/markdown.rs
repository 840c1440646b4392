//! The Markdown report, for a forge or a tool that renders it: the verdict table first, then the
//! evidence of each claim that has some, other findings, lines not checkable, environment.
//! Launchpad comments are plain text: see [`super::text`].

use std::fmt::Write as _;

use super::{
    Report,
    lines::{
        allow_line, clip, environment_lines, evidence_lines, finding_lines, finding_sections,
        installed_lines, not_checkable_lines, outcome_line, source_label,
    },
    md,
    runtime::{TITLE, runtime_blocks},
};
use crate::{
    claims::Source,
    verdict::{Status, Verdict},
};

fn status_cell(s: Status) -> String {
    match s {
        Status::Contradicted | Status::Inconclusive => format!("**{}**", s.label()),
        _ => s.label().to_owned(),
    }
}

/// The table's short evidence column: the first item, and how many in all.
fn evidence_cell(v: &Verdict) -> String {
    if v.evidence.total == 0
        && let Some(first) = v.installed.shown.first()
    {
        return match v.installed.total {
            1 => md(first),
            n => format!("{} (+{} more)", md(first), n - 1),
        };
    }
    match v.evidence.shown.first() {
        Some(first) if v.evidence.total > 1 => {
            format!("{} (+{} more)", md(&first.what), v.evidence.total - 1)
        }
        Some(first) => md(&first.what),
        None if v.status == Status::Inconclusive => md(v.gaps.first().map_or("", |g| g.as_str())),
        None => "-".to_owned(),
    }
}

fn bullets(out: &mut String, lines: Vec<String>) {
    for l in lines {
        let _ = writeln!(out, "- {l}");
    }
}

pub fn render_markdown(r: &Report) -> String {
    let mut out = String::new();
    let pkg = r.inputs.package.as_deref().unwrap_or("(package not named)");
    let _ = writeln!(out, "### Runtime check of review claims: {}\n", md(pkg));
    let _ = writeln!(out, "{}\n", outcome_line(r));
    if r.verdicts.is_empty() {
        let _ = writeln!(out, "No runtime-checkable claim was found.\n");
    } else {
        let _ = writeln!(out, "| # | Claim | Source | Verdict | Evidence |");
        let _ = writeln!(out, "|---|---|---|---|---|");
        for v in &r.verdicts {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                md(&v.claim.id),
                md(v.claim.statement()),
                source_label(v),
                status_cell(v.status),
                evidence_cell(v)
            );
        }
    }

    let _ = writeln!(out, "\n#### Evidence");
    for v in &r.verdicts {
        let _ = writeln!(
            out,
            "\n**{} {}** — {}: {}",
            md(&v.claim.id),
            md(v.claim.statement()),
            v.status.label(),
            md(&v.reason)
        );
        if let Source::Review { text, .. } = &v.claim.source {
            let _ = writeln!(out, "> {}", md(&clip(text)));
        }
        bullets(&mut out, installed_lines(&v.installed, md));
        bullets(&mut out, evidence_lines(&v.evidence, md));
        if v.maintainer_scripts.total > 0 {
            let _ = writeln!(
                out,
                "Maintainer scripts did the same ({} event(s), not held against the daemon):",
                v.maintainer_scripts.total
            );
            bullets(&mut out, evidence_lines(&v.maintainer_scripts, md));
        }
        if let Some(allow) = allow_line(v, md) {
            let _ = writeln!(out, "{allow}");
        }
        if !v.gaps.is_empty() && v.status != Status::Inconclusive {
            let _ = writeln!(out, "Trace gaps: {}.", md(&v.gaps.join("; ")));
        }
        if !v.covered_by.is_empty() {
            let _ = writeln!(out, "Covered by phases: {}.", md(&v.covered_by.join(", ")));
        }
    }

    let blocks = runtime_blocks(r, md);
    if !blocks.is_empty() {
        let _ = writeln!(out, "\n#### {TITLE}");
        for b in blocks {
            let _ = writeln!(out, "\n**{}**", b.heading);
            bullets(&mut out, b.lines);
        }
    }

    let _ = writeln!(
        out,
        "\n#### Other findings (package and maintainer scripts)"
    );
    let before = out.len();
    for (title, list) in finding_sections(&r.findings) {
        if list.total == 0 {
            continue;
        }
        let _ = writeln!(out, "\n**{title}** ({})", list.total);
        bullets(&mut out, finding_lines(list, md));
    }
    if out.len() == before {
        let _ = writeln!(out, "\nNone.");
    }

    if !r.not_checkable.is_empty() {
        let _ = writeln!(
            out,
            "\n#### Not checkable at run time ({})",
            r.not_checkable.len()
        );
        bullets(&mut out, not_checkable_lines(r, md));
    }
    if r.unrecognised_lines > 0 {
        let _ = writeln!(
            out,
            "\n{} other review line(s) were not recognised as claims (`tracer claims --json` lists them).",
            r.unrecognised_lines
        );
    }

    let _ = writeln!(out, "\n#### Environment");
    bullets(&mut out, environment_lines(r, md));
    out
}
