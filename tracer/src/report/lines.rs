//! The report's content as lines of words, shared by the Markdown and the plain-text renderer.
//! Each renderer chooses the layout (tables and bullets, or aligned columns and indentation) and
//! passes the escaping its medium needs: [`super::md`] for Markdown, [`printable`] for plain
//! text. The words are written once, so the two formats cannot drift apart.

use super::Report;
use crate::{
    claims::Source,
    summary::loss_line,
    verdict::{Evidence, FindingList, Findings, Installed, Origin, Verdict},
};

/// How a renderer makes text from a trace or a review inert in its medium.
pub type Esc = fn(&str) -> String;

/// Review statements are quoted up to this many characters: a pasted paragraph would bury the
/// verdicts.
const QUOTE_CHARS: usize = 200;

/// Not-checkable review lines listed before "and N more".
const NOT_CHECKABLE_LISTED: usize = 12;

pub fn clip(s: &str) -> String {
    if s.chars().count() <= QUOTE_CHARS {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(QUOTE_CHARS).collect::<String>())
    }
}

pub fn origin_label(o: Origin) -> &'static str {
    match o {
        Origin::Package => "package",
        Origin::MaintainerScript => "maintainer script",
        Origin::Harness => "harness",
        Origin::Other => "other",
    }
}

pub fn source_label(v: &Verdict) -> String {
    match &v.claim.source {
        Source::Review { line, .. } => format!("review line {line}"),
        Source::ClaimsFile { .. } => "claims file".to_owned(),
    }
}

/// The counts line at the top of every report.
pub fn outcome_line(r: &Report) -> String {
    let o = &r.outcome;
    let mut line = format!(
        "{} contradicted, {} inconclusive, {} held, {} not exercised (exit {}). A trace shows \
         one run: \"held\" means nothing in this run contradicts the claim, not that it is true.",
        o.contradicted, o.inconclusive, o.held, o.not_exercised, o.exit_code
    );
    if let Some(cut) = &r.environment.stream_cut {
        line.push_str(&format!(
            " THE TRACE WAS CUT: it covers {} to {} (guest clock) only; {}{}. What it shows \
             against a claim stands; nothing after the cut is known, so no claim can hold.",
            r.environment.start_time,
            cut.last_guest_time.as_deref().unwrap_or("its start"),
            cut.cause,
            cut.last_heartbeat_time
                .as_deref()
                .map(|t| format!(" (the recorder's last heartbeat: {t})"))
                .unwrap_or_default(),
        ));
    }
    let i = &r.findings.interference;
    if let Some(first) = i.items.first() {
        line.push_str(&format!(
            " THE PACKAGE INTERFERED WITH THE RECORDER ({} distinct attempt(s), first: {} by {}, \
             see below): no claim can hold.",
            i.total,
            first.what,
            crate::verdict::tamper::actor(first.pid, &first.comm)
        ));
    }
    line
}

/// One line per event shown, then "… and N more" when some were not.
pub fn evidence_lines(e: &Evidence, esc: Esc) -> Vec<String> {
    let mut out: Vec<String> = e
        .shown
        .iter()
        .map(|i| {
            format!(
                "#{} {} pid {} ({}, {}): {} → {}{}",
                i.seq,
                esc(&i.time),
                i.pid,
                esc(&i.comm),
                origin_label(i.origin),
                esc(&i.what),
                esc(&i.result),
                // A trace line standing for identical repeats (its `repeat`).
                if i.count > 1 {
                    format!(" ({}×)", i.count)
                } else {
                    String::new()
                }
            )
        })
        .collect();
    // Events, not items: an item with a count stands for that many.
    let shown: u64 = e.shown.iter().map(|i| i.count).sum();
    if e.total > shown {
        out.push(format!("… and {} more", e.total - shown));
    }
    out
}

/// The installed files shown as evidence of a contents claim (from the contents manifest).
pub fn installed_lines(i: &Installed, esc: Esc) -> Vec<String> {
    let mut out: Vec<String> = i
        .shown
        .iter()
        .map(|f| format!("installed: {}", esc(f)))
        .collect();
    if i.total > i.shown.len() as u64 {
        out.push(format!(
            "… and {} more installed",
            i.total - i.shown.len() as u64
        ));
    }
    out
}

/// The allowlist in force for a claim, when it has one.
pub fn allow_line(v: &Verdict, esc: Esc) -> Option<String> {
    let mut allow: Vec<String> = Vec::new();
    allow.extend(v.allow.programs.iter().map(|p| esc(p)));
    allow.extend(v.allow.paths.iter().map(|p| esc(p)));
    allow.extend(v.allow.destinations.iter().map(|p| esc(p)));
    allow.extend(v.allow.ports.iter().map(|p| format!("port {p}")));
    if !v.allow.variables.is_empty() {
        let vars: Vec<String> = v.allow.variables.iter().map(|x| esc(x)).collect();
        allow.push(format!("variables {}", vars.join(" ")));
    }
    (!allow.is_empty()).then(|| {
        format!(
            "Allowed: {} ({} instance(s) not counted).",
            allow.join(", "),
            v.allowed
        )
    })
}

/// The findings sections, titled, in the order the report lists them.
pub fn finding_sections(f: &Findings) -> [(&'static str, &FindingList); 12] {
    [
        ("The package interfered with the recorder", &f.interference),
        ("Processes spawned", &f.processes_spawned),
        (
            "Files written outside the package's dirs",
            &f.files_written_outside,
        ),
        ("Listening sockets", &f.listening_sockets),
        ("Outgoing destinations", &f.outgoing_destinations),
        ("Privilege changes", &f.privilege_changes),
        (
            "Restrictions set on themselves (seccomp, landlock, …)",
            &f.self_policy,
        ),
        ("Kernel keyring calls", &f.keyring_use),
        ("Secrets visible in argv (masked here)", &f.secrets_in_argv),
        ("World-writable modes set", &f.world_writable),
        ("chmod/chown mix-ups", &f.chmod_chown_mixups),
        (
            "Removed by maintainer scripts (users, groups, files)",
            &f.maintainer_removals,
        ),
    ]
}

pub fn finding_lines(f: &FindingList, esc: Esc) -> Vec<String> {
    let mut out: Vec<String> = f
        .items
        .iter()
        .map(|i| {
            format!(
                "{} — {}× by {} ({}, {}), first #{}",
                esc(&i.what),
                i.count,
                i.pid,
                esc(&i.comm),
                origin_label(i.origin),
                i.first_seq
            )
        })
        .collect();
    if f.total > f.items.len() as u64 {
        out.push(format!("… and {} more", f.total - f.items.len() as u64));
    }
    out
}

pub fn not_checkable_lines(r: &Report, esc: Esc) -> Vec<String> {
    let mut out: Vec<String> = r
        .not_checkable
        .iter()
        .take(NOT_CHECKABLE_LISTED)
        .map(|n| format!("line {}: {} — {}", n.line, esc(&clip(&n.text)), esc(&n.why)))
        .collect();
    if r.not_checkable.len() > NOT_CHECKABLE_LISTED {
        out.push(format!(
            "… and {} more",
            r.not_checkable.len() - NOT_CHECKABLE_LISTED
        ));
    }
    out
}

/// The recording's environment: what a reader needs to weigh the verdicts.
pub fn environment_lines(r: &Report, esc: Esc) -> Vec<String> {
    let e = &r.environment;
    let a = &r.attribution;
    let mut out = vec![
        format!("kernel: {}; host: {}", esc(&e.kernel), esc(&e.hostname)),
        format!("recorder: {}; checker: {}", esc(&e.recorder), esc(&r.tool)),
        format!("target: {}", esc(&e.target)),
        format!(
            "started {}, {}",
            esc(&e.start_time),
            match (e.duration_ms, &e.stop_reason) {
                (Some(ms), Some(why)) =>
                    format!("ran {:.1} s, stopped: {}", ms as f64 / 1000.0, esc(why)),
                _ => "did not finish (no footer)".to_owned(),
            }
        ),
    ];
    let failed = if e.hooks_failed.is_empty() {
        String::new()
    } else {
        let hooks: Vec<String> = e.hooks_failed.iter().map(|h| esc(h)).collect();
        format!(" ({})", hooks.join("; "))
    };
    out.push(format!(
        "hooks: {} attached, {} failed{failed}",
        e.hooks_attached,
        e.hooks_failed.len(),
    ));
    if !e.hooks_absent.is_empty() {
        out.push(format!(
            "not in this kernel, so nothing missing: {}",
            esc(&e.hooks_absent.join(", "))
        ));
    }
    out.push(format!(
        "file names: {}",
        if e.kernel_file_names.is_empty() {
            "as the processes gave them (made absolute; symlinks not followed: no LSM hook named \
             files in this recording)"
                .to_owned()
        } else {
            format!(
                "as given, and the kernel's own names of opened and executed files ({})",
                esc(&e.kernel_file_names.join(", "))
            )
        }
    ));
    let counts: Vec<String> = e.events.iter().map(|(k, v)| format!("{k} {v}")).collect();
    out.push(format!(
        "events: {} ({})",
        e.events.values().sum::<u64>(),
        counts.join(", ")
    ));
    out.push(format!(
        "attribution: {} package, {} maintainer-script, {} harness and {} other events (harness and other never held against the package)",
        a.package, a.maintainer_script, a.harness, a.other
    ));
    out.push(esc(&loss_line(&e.loss)));
    if !e.task_fields {
        out.push("effective uids were not readable on this kernel: the real uid stands in".into());
    }
    out
}
