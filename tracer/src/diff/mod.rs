//! `tracer diff OLD NEW`: what a package does now that it did not do before, and the reverse —
//! the stable-update and new-upstream check. A reviewer who accepted version N reads only what
//! changed in N+1, instead of the whole report again.
//!
//! Two traces are compared on their summaries (every process in them), two reports on their
//! findings (the package's own events only) and verdicts. A trace and a report are not
//! compared with each other: the one counts everything, the other only the package, and the
//! difference would be noise. With a review (`--review`/`--claims`), two traces are judged
//! first and their verdicts compared as well.
//!
//! Facets are compared as sets of words without pids, times or counts: what ran, what was
//! written, what listened, where it connected, which privileges changed. A name that differs
//! every run (a random temp file name) shows up as gone and new; the report says so.

mod render;

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

pub use render::{render_markdown, render_text};

use crate::{
    report::Report,
    summary::{DirGroup, ProcessNode, Summary},
    verdict::{FindingList, Findings, Status},
};

/// Bumped on any change a consumer of the diff JSON would misread.
pub const DIFF_VERSION: u32 = 1;

/// The exit code when NEW contradicts a claim that OLD did not.
pub const EXIT_NEWLY_CONTRADICTED: u8 = 1;
/// The exit code, with `--fail-on-new`, when NEW does anything OLD did not.
pub const EXIT_SOMETHING_NEW: u8 = 5;

/// One side's behaviour as sets of words.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Behaviour {
    /// In the order facets are reported; names are stable (the JSON uses them).
    pub facets: Vec<(&'static str, BTreeSet<String>)>,
    /// Whether a facet's list was capped where it came from (a report lists 10 per finding).
    pub capped: Vec<&'static str>,
}

impl Behaviour {
    /// A facet's items with what differs from run to run by chance made alike (see
    /// [`stable`]): two runs of the same package must not differ by their pids.
    fn facet(&self, name: &str) -> BTreeSet<String> {
        self.facets
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, s)| s.iter().map(|item| stable(item)).collect())
            .unwrap_or_default()
    }
}

/// An item with its run-specific numbers replaced by `N`: a child's pid (`fork of child
/// 476`), a pid or counter that tools append to a file name (`/etc/group.473`, shadow's lock
/// copies; `tracer-ready-1796175829087873300.scope`). Shorter numbers stay: ports, versions
/// (`python3.11`, `libssl.so.3`) and modes are what a diff is for.
pub fn stable(item: &str) -> String {
    let mut out = String::with_capacity(item.len());
    let mut rest = item;
    while let Some(i) = rest.find(|c: char| c.is_ascii_digit()) {
        let (before, from) = rest.split_at(i);
        let len = from
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(from.len());
        let (digits, after) = from.split_at(len);
        let prev = before.chars().last();
        let next = after.chars().next();
        let child_pid = before.ends_with("child ");
        // `.473` ending a name (not `.11` of a version, not `.473.` inside one).
        let name_suffix = prev == Some('.')
            && digits.len() >= 3
            && next.is_none_or(|c| c == '/' || c == ':' || c == ' ' || c == ',');
        let long_id = prev == Some('-') && digits.len() >= 6;
        out.push_str(before);
        out.push_str(if child_pid || name_suffix || long_id {
            "N"
        } else {
            digits
        });
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Programs executed (successfully), files changed, listeners, destinations and privilege
/// changes of every process in a trace.
pub fn behaviour_of_summary(s: &Summary) -> Behaviour {
    fn walk(n: &ProcessNode, out: &mut BTreeSet<String>) {
        for e in &n.execs {
            if e.result == "ok" {
                out.insert(e.path.clone());
            }
        }
        for c in &n.children {
            walk(c, out);
        }
    }
    let mut programs = BTreeSet::new();
    for n in &s.processes {
        walk(n, &mut programs);
    }
    let files = |groups: &[DirGroup]| -> BTreeSet<String> {
        groups
            .iter()
            .flat_map(|g| {
                g.files.iter().map(move |f| {
                    let dir = g.dir.trim_end_matches('/');
                    format!("{dir}/{}: {}", f.name, f.ops.join(", "))
                })
            })
            .collect()
    };
    let listeners = s
        .sockets
        .listening
        .iter()
        .chain(&s.sockets.bound)
        .filter(|l| l.result == "ok")
        .map(|l| {
            l.addr
                .clone()
                .unwrap_or_else(|| "(address not seen)".into())
        })
        .collect();
    let destinations = s
        .sockets
        .connected
        .iter()
        .chain(&s.sockets.sent_to)
        .map(|c| format!("{} ({})", c.addr, c.result))
        .collect();
    let privilege = s
        .privilege
        .iter()
        .map(|p| format!("{} {} ({})", p.kind, p.detail, p.result))
        .collect();
    Behaviour {
        facets: vec![
            ("programs executed", programs),
            ("files changed", files(&s.files.changed)),
            ("listeners", listeners),
            ("destinations", destinations),
            ("privilege changes", privilege),
        ],
        capped: Vec::new(),
    }
}

/// Everything the package did in a trace, for comparing two runs of it: all its findings
/// (uncapped) and the libraries its processes loaded.
pub fn behaviour_of_package(
    trace: &crate::trace::Trace,
    package: &crate::claims::Package,
) -> Behaviour {
    let (findings, libraries) = crate::verdict::package_activity(trace, package);
    let mut b = behaviour_of_findings(&findings);
    b.facets.push(("libraries loaded", libraries));
    b
}

/// The package's own findings in a report (its lists hold the first 10 of each).
pub fn behaviour_of_report(r: &Report) -> Behaviour {
    behaviour_of_findings(&r.findings)
}

/// The package's own findings, as a report lists them or uncapped from a trace
/// ([`crate::verdict::package_activity`]).
pub fn behaviour_of_findings(f: &Findings) -> Behaviour {
    let mut capped = Vec::new();
    let mut set = |name: &'static str, l: &FindingList| {
        if l.total > l.items.len() as u64 {
            capped.push(name);
        }
        (name, l.items.iter().map(|i| i.what.clone()).collect())
    };
    let facets = vec![
        set("programs executed", &f.processes_spawned),
        set("files changed", &f.files_written_outside),
        set("listeners", &f.listening_sockets),
        set("destinations", &f.outgoing_destinations),
        set("privilege changes", &f.privilege_changes),
        set("self-set restrictions", &f.self_policy),
        set("keyring calls", &f.keyring_use),
        set("secrets in argv", &f.secrets_in_argv),
        set("world-writable modes", &f.world_writable),
        set("chmod/chown mix-ups", &f.chmod_chown_mixups),
        set("maintainer-script removals", &f.maintainer_removals),
    ];
    Behaviour { facets, capped }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FacetDiff {
    pub facet: String,
    pub new: Vec<String>,
    pub gone: Vec<String>,
    /// A side listed only its first items: "gone" may be only not listed.
    pub capped: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerdictChange {
    /// The claim's statement (ids can shift between two reviews).
    pub claim: String,
    pub old: Option<Status>,
    pub new: Option<Status>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diff {
    /// Always [`DIFF_VERSION`].
    pub diff_version: u32,
    pub old: String,
    pub new: String,
    /// `traces` or `reports`.
    pub compared: String,
    pub facets: Vec<FacetDiff>,
    pub verdicts: Vec<VerdictChange>,
    /// 0, [`EXIT_NEWLY_CONTRADICTED`] or [`EXIT_SOMETHING_NEW`].
    pub exit_code: u8,
}

impl Diff {
    /// Anything NEW does that OLD did not.
    pub fn anything_new(&self) -> bool {
        self.facets.iter().any(|f| !f.new.is_empty())
            || self
                .verdicts
                .iter()
                .any(|v| v.new.is_some() && v.old != v.new)
    }

    pub fn newly_contradicted(&self) -> impl Iterator<Item = &VerdictChange> {
        self.verdicts
            .iter()
            .filter(|v| v.new == Some(Status::Contradicted) && v.old != v.new)
    }

    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string_pretty(self).map(|s| s + "\n")
    }
}

/// The verdicts of two reports, matched by claim statement; only the changed ones.
pub fn verdict_changes(old: &Report, new: &Report) -> Vec<VerdictChange> {
    let key = |r: &Report| -> Vec<(String, Status)> {
        r.verdicts
            .iter()
            .map(|v| (v.claim.statement().to_owned(), v.status))
            .collect()
    };
    let (o, n) = (key(old), key(new));
    let mut statements: Vec<String> = o.iter().chain(&n).map(|(s, _)| s.clone()).collect();
    statements.sort();
    statements.dedup();
    statements
        .into_iter()
        .filter_map(|claim| {
            let find = |side: &[(String, Status)]| {
                side.iter().find(|(s, _)| *s == claim).map(|(_, st)| *st)
            };
            let (old, new) = (find(&o), find(&n));
            (old != new).then_some(VerdictChange { claim, old, new })
        })
        .collect()
}

/// Compares two behaviours (and the verdict changes, when there were claims to judge).
pub fn diff(
    old: (&str, &Behaviour),
    new: (&str, &Behaviour),
    compared: &str,
    verdicts: Vec<VerdictChange>,
    fail_on_new: bool,
) -> Diff {
    let mut names: Vec<&'static str> = old.1.facets.iter().map(|(n, _)| *n).collect();
    for (n, _) in &new.1.facets {
        if !names.contains(n) {
            names.push(n);
        }
    }
    let facets = names
        .into_iter()
        .map(|name| {
            let (o, n) = (old.1.facet(name), new.1.facet(name));
            FacetDiff {
                facet: name.to_owned(),
                new: n.difference(&o).cloned().collect(),
                gone: o.difference(&n).cloned().collect(),
                capped: old.1.capped.contains(&name) || new.1.capped.contains(&name),
            }
        })
        .collect();
    let mut d = Diff {
        diff_version: DIFF_VERSION,
        old: old.0.to_owned(),
        new: new.0.to_owned(),
        compared: compared.to_owned(),
        facets,
        verdicts,
        exit_code: 0,
    };
    d.exit_code = if d.newly_contradicted().next().is_some() {
        EXIT_NEWLY_CONTRADICTED
    } else if fail_on_new && d.anything_new() {
        EXIT_SOMETHING_NEW
    } else {
        0
    };
    d
}

#[cfg(test)]
mod stable_tests {
    use super::stable;

    #[test]
    fn run_specific_numbers_are_made_alike_and_meaningful_ones_kept() {
        assert_eq!(
            stable("fork of child 476 (no exec seen)"),
            "fork of child N (no exec seen)"
        );
        assert_eq!(stable("create /etc/group.473"), "create /etc/group.N");
        assert_eq!(
            stable("/etc/gshadow.481: create, remove"),
            "/etc/gshadow.N: create, remove"
        );
        assert_eq!(
            stable("/run/systemd/transient/tracer-ready-1796175829087873300.scope: create"),
            "/run/systemd/transient/tracer-ready-N.scope: create"
        );
        for kept in [
            "127.0.0.1:1883",
            "/usr/lib/python3.11/ssl.py",
            "/usr/lib/x86_64-linux-gnu/libssl.so.3",
            "chmod 0644 /etc/x",
            "exec /usr/bin/foo-2.0.21",
        ] {
            assert_eq!(stable(kept), kept);
        }
    }
}
