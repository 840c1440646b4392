//! The diff in words: plain text (a Launchpad comment) and Markdown; JSON is the serde shape.

use std::fmt::Write as _;

use super::Diff;
use crate::{
    report::{md, wrap},
    trace::describe::printable,
    verdict::Status,
};

fn status(s: Option<Status>) -> &'static str {
    s.map_or("(no such claim)", Status::label)
}

fn headline(d: &Diff) -> String {
    let new: usize = d.facets.iter().map(|f| f.new.len()).sum();
    let gone: usize = d.facets.iter().map(|f| f.gone.len()).sum();
    format!(
        "{new} new and {gone} gone behaviour(s), {} changed verdict(s), {} newly contradicted \
         (exit {}). Compared: {}.",
        d.verdicts.len(),
        d.newly_contradicted().count(),
        d.exit_code,
        d.compared
    )
}

/// Facets a side listed only in part (a report's first 10 items): whatever lies beyond is
/// invisible to the diff, whether or not the listed items differ. Never left unsaid.
fn blind(d: &Diff) -> Option<String> {
    let capped: Vec<&str> = d
        .facets
        .iter()
        .filter(|f| f.capped)
        .map(|f| f.facet.as_str())
        .collect();
    (!capped.is_empty()).then(|| {
        format!(
            "Not compared in full: {} (a report lists only the first items of each); a \
             difference beyond them does not show here. Diff the two traces with --review or \
             --claims to compare everything the package did.",
            capped.join(", ")
        )
    })
}

const CAPPED: &str = "(a side listed only its first items: \"gone\" may mean \"not listed\")";

pub fn render_text(d: &Diff) -> String {
    let mut out = String::new();
    wrap(
        &mut out,
        "",
        "  ",
        &format!(
            "Behaviour diff: {} -> {}",
            printable(&d.old),
            printable(&d.new)
        ),
    );
    out.push('\n');
    wrap(&mut out, "", "", &headline(d));
    if let Some(b) = blind(d) {
        out.push('\n');
        wrap(&mut out, "", "", &printable(&b));
    }
    if !d.verdicts.is_empty() {
        let _ = writeln!(out, "\nVerdicts that changed");
        for v in &d.verdicts {
            let line = format!(
                "{}: {} -> {}",
                printable(&v.claim),
                status(v.old),
                status(v.new)
            );
            wrap(&mut out, "    ", "      ", &line);
        }
    }
    for f in &d.facets {
        if f.new.is_empty() && f.gone.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{}", f.facet);
        if f.capped {
            let _ = writeln!(out, "    {CAPPED}");
        }
        for n in &f.new {
            wrap(&mut out, "    + ", "      ", &printable(n));
        }
        for g in &f.gone {
            wrap(&mut out, "    - ", "      ", &printable(g));
        }
    }
    out
}

pub fn render_markdown(d: &Diff) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### Behaviour diff: {} → {}\n", md(&d.old), md(&d.new));
    let _ = writeln!(out, "{}", md(&headline(d)));
    if let Some(b) = blind(d) {
        let _ = writeln!(out, "\n{}", md(&b));
    }
    if !d.verdicts.is_empty() {
        let _ = writeln!(out, "\n| Claim | Old | New |\n|---|---|---|");
        for v in &d.verdicts {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                md(&v.claim),
                status(v.old),
                status(v.new)
            );
        }
    }
    for f in &d.facets {
        if f.new.is_empty() && f.gone.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n**{}**", md(&f.facet));
        if f.capped {
            let _ = writeln!(out, "{}", md(CAPPED));
        }
        for n in &f.new {
            let _ = writeln!(out, "- new: {}", md(n));
        }
        for g in &f.gone {
            let _ = writeln!(out, "- gone: {}", md(g));
        }
    }
    out
}
