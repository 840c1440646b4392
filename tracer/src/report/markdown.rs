//! The Markdown report, short enough for a Launchpad comment: the verdict table first, then the
//! evidence of each claim that has some, other findings, lines not checkable, environment.

use std::fmt::Write as _;

use super::{Report, md};
use crate::{
    claims::Source,
    summary::loss_line,
    verdict::{Evidence, FindingList, Origin, Status, Verdict},
};

/// Review statements are quoted up to this many characters: a pasted paragraph would bury the
/// table.
const QUOTE_CHARS: usize = 200;

fn clip(s: &str) -> String {
    if s.chars().count() <= QUOTE_CHARS {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(QUOTE_CHARS).collect::<String>())
    }
}

/// Not-checkable review lines listed before "and N more".
const NOT_CHECKABLE_LISTED: usize = 12;

fn origin_label(o: Origin) -> &'static str {
    match o {
        Origin::Package => "package",
        Origin::MaintainerScript => "maintainer script",
        Origin::Harness => "harness",
        Origin::Other => "other",
    }
}

fn source_label(v: &Verdict) -> String {
    match &v.claim.source {
        Source::Review { line, .. } => format!("review line {line}"),
        Source::ClaimsFile { .. } => "claims file".to_owned(),
    }
}

fn status_cell(s: Status) -> String {
    match s {
        Status::Contradicted | Status::Inconclusive => format!("**{}**", s.label()),
        _ => s.label().to_owned(),
    }
}

/// The table's short evidence column: the first item, and how many in all.
fn evidence_cell(v: &Verdict) -> String {
    match v.evidence.shown.first() {
        Some(first) if v.evidence.total > 1 => {
            format!("{} (+{} more)", md(&first.what), v.evidence.total - 1)
        }
        Some(first) => md(&first.what),
        None if v.status == Status::Inconclusive => md(v.gaps.first().map_or("", |g| g.as_str())),
        None => "-".to_owned(),
    }
}

fn evidence_list(out: &mut String, e: &Evidence) {
    for i in &e.shown {
        let _ = writeln!(
            out,
            "- #{} {} pid {} ({}, {}): {} → {}",
            i.seq,
            md(&i.time),
            i.pid,
            md(&i.comm),
            origin_label(i.origin),
            md(&i.what),
            md(&i.result)
        );
    }
    if e.total > e.shown.len() as u64 {
        let _ = writeln!(out, "- … and {} more", e.total - e.shown.len() as u64);
    }
}

fn findings_list(out: &mut String, title: &str, f: &FindingList) {
    if f.total == 0 {
        return;
    }
    let _ = writeln!(out, "\n**{title}** ({})", f.total);
    for i in &f.items {
        let _ = writeln!(
            out,
            "- {} — {}× by {} ({}, {}), first #{}",
            md(&i.what),
            i.count,
            i.pid,
            md(&i.comm),
            origin_label(i.origin),
            i.first_seq
        );
    }
    if f.total > f.items.len() as u64 {
        let _ = writeln!(out, "- … and {} more", f.total - f.items.len() as u64);
    }
}

pub fn render_markdown(r: &Report) -> String {
    let mut out = String::new();
    let pkg = r.inputs.package.as_deref().unwrap_or("(package not named)");
    let _ = writeln!(out, "### Runtime check of review claims: {}\n", md(pkg));
    let o = &r.outcome;
    let _ = writeln!(
        out,
        "{} contradicted, {} inconclusive, {} held, {} not exercised (exit {}). A trace shows \
         one run: \"held\" means nothing in this run contradicts the claim, not that it is true.\n",
        o.contradicted, o.inconclusive, o.held, o.not_exercised, o.exit_code
    );
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
        evidence_list(&mut out, &v.evidence);
        if v.maintainer_scripts.total > 0 {
            let _ = writeln!(
                out,
                "Maintainer scripts did the same ({} event(s), not held against the daemon):",
                v.maintainer_scripts.total
            );
            evidence_list(&mut out, &v.maintainer_scripts);
        }
        let mut allow: Vec<String> = Vec::new();
        allow.extend(v.allow.programs.iter().map(|p| md(p)));
        allow.extend(v.allow.paths.iter().map(|p| md(p)));
        allow.extend(v.allow.destinations.iter().map(|p| md(p)));
        allow.extend(v.allow.ports.iter().map(|p| format!("port {p}")));
        if !v.allow.variables.is_empty() {
            allow.push(format!(
                "variables {}",
                v.allow
                    .variables
                    .iter()
                    .map(|x| md(x))
                    .collect::<Vec<_>>()
                    .join(" ")
            ));
        }
        if !allow.is_empty() {
            let _ = writeln!(
                out,
                "Allowed: {} ({} instance(s) not counted).",
                allow.join(", "),
                v.allowed
            );
        }
        if !v.gaps.is_empty() && v.status != Status::Inconclusive {
            let _ = writeln!(out, "Trace gaps: {}.", md(&v.gaps.join("; ")));
        }
    }

    let f = &r.findings;
    let _ = writeln!(
        out,
        "\n#### Other findings (package and maintainer scripts)"
    );
    let before = out.len();
    findings_list(&mut out, "Processes spawned", &f.processes_spawned);
    findings_list(
        &mut out,
        "Files written outside the package's dirs",
        &f.files_written_outside,
    );
    findings_list(&mut out, "Listening sockets", &f.listening_sockets);
    findings_list(&mut out, "Outgoing destinations", &f.outgoing_destinations);
    findings_list(&mut out, "Privilege changes", &f.privilege_changes);
    findings_list(
        &mut out,
        "Secrets visible in argv (masked here)",
        &f.secrets_in_argv,
    );
    findings_list(&mut out, "World-writable modes set", &f.world_writable);
    findings_list(&mut out, "chmod/chown mix-ups", &f.chmod_chown_mixups);
    if out.len() == before {
        let _ = writeln!(out, "\nNone.");
    }

    if !r.not_checkable.is_empty() {
        let _ = writeln!(
            out,
            "\n#### Not checkable at run time ({})",
            r.not_checkable.len()
        );
        for n in r.not_checkable.iter().take(NOT_CHECKABLE_LISTED) {
            let _ = writeln!(
                out,
                "- line {}: {} — {}",
                n.line,
                md(&clip(&n.text)),
                md(&n.why)
            );
        }
        if r.not_checkable.len() > NOT_CHECKABLE_LISTED {
            let _ = writeln!(
                out,
                "- … and {} more",
                r.not_checkable.len() - NOT_CHECKABLE_LISTED
            );
        }
    }
    if r.unrecognised_lines > 0 {
        let _ = writeln!(
            out,
            "\n{} other review line(s) were not recognised as claims (`tracer claims --json` lists them).",
            r.unrecognised_lines
        );
    }

    let e = &r.environment;
    let a = &r.attribution;
    let _ = writeln!(out, "\n#### Environment");
    let _ = writeln!(
        out,
        "- kernel: {}; host: {}",
        md(&e.kernel),
        md(&e.hostname)
    );
    let _ = writeln!(
        out,
        "- recorder: {}; checker: {}",
        md(&e.recorder),
        md(&r.tool)
    );
    let _ = writeln!(out, "- target: {}", md(&e.target));
    let _ = writeln!(
        out,
        "- started {}, {}",
        md(&e.start_time),
        match (e.duration_ms, &e.stop_reason) {
            (Some(ms), Some(why)) =>
                format!("ran {:.1} s, stopped: {}", ms as f64 / 1000.0, md(why)),
            _ => "did not finish (no footer)".to_owned(),
        }
    );
    let _ = writeln!(
        out,
        "- hooks: {} attached, {} failed{}",
        e.hooks_attached,
        e.hooks_failed.len(),
        if e.hooks_failed.is_empty() {
            String::new()
        } else {
            format!(
                " ({})",
                e.hooks_failed
                    .iter()
                    .map(|h| md(h))
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        }
    );
    if !e.hooks_absent.is_empty() {
        let _ = writeln!(
            out,
            "- not in this kernel, so nothing missing: {}",
            md(&e.hooks_absent.join(", "))
        );
    }
    let _ = writeln!(
        out,
        "- file names: {}",
        if e.kernel_file_names.is_empty() {
            "as the processes gave them (made absolute; symlinks not followed: no LSM hook named \
             files in this recording)"
                .to_owned()
        } else {
            format!(
                "as given, and the kernel's own names of opened and executed files ({})",
                md(&e.kernel_file_names.join(", "))
            )
        }
    );
    let counts: Vec<String> = e.events.iter().map(|(k, v)| format!("{k} {v}")).collect();
    let _ = writeln!(
        out,
        "- events: {} ({})",
        e.events.values().sum::<u64>(),
        counts.join(", ")
    );
    let _ = writeln!(
        out,
        "- attribution: {} package, {} maintainer-script, {} harness and {} other events (harness and other never held against the package)",
        a.package, a.maintainer_script, a.harness, a.other
    );
    let _ = writeln!(out, "- {}", md(&loss_line(&e.loss)));
    if !e.task_fields {
        let _ = writeln!(
            out,
            "- effective uids were not readable on this kernel: the real uid stands in"
        );
    }
    out
}
