//! Judging claims against a trace.
//!
//! A trace is a record of one run: it can show that something happened, never that it cannot.
//! So an "absent" claim is *contradicted* by one event, and *held* only in the weak sense that
//! nothing in this run contradicts it, and only when the run could have seen a contradiction:
//! the package ran, the recorder finished, and no event or hook of a needed kind is missing.
//! Otherwise it is *not exercised* or *inconclusive*, saying why.

pub(crate) mod attribution;
mod codescan;
mod coverage;
mod existing;
mod findings;
mod inherited;
mod mounts;
mod places;
mod rules;
pub mod runtime;
#[cfg(test)]
pub(crate) mod synthetic;
pub mod tamper;
pub mod witness;

use schemars::JsonSchema;
use std::collections::{BTreeMap, HashMap, HashSet};

pub use attribution::{Attribution, Origin};
pub use coverage::{gaps, missing_hook, needed_kinds};
pub use findings::{FindingItem, FindingList, Findings};
pub use rules::{chmod_chown_mixup, destination_allowed, is_loopback, sets_setid_bit};
use serde::{Deserialize, Serialize};

use crate::{
    claims::{Allow, Check, Claim, ClaimSet, Expect, Package},
    contents::Manifest,
    trace::describe::{failed, outcome},
    trace::{Event, EventData, Family, Trace},
};
use rules::{Hit, Rules, scope};

/// How many evidence events a verdict shows; the rest are counted.
pub const SHOWN: usize = 5;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Events in the trace show the claim is false.
    Contradicted,
    /// The package ran, the trace is complete for what the claim needs, and nothing contradicts
    /// it (or, for a "does X" claim, X was seen).
    Held,
    /// What the claim speaks of did not run, or was not seen.
    NotExercised,
    /// The trace may be missing what would contradict the claim.
    Inconclusive,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Contradicted => "contradicted",
            Status::Held => "held",
            Status::NotExercised => "not exercised",
            Status::Inconclusive => "inconclusive",
        }
    }
}

/// One event shown as evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct EvidenceItem {
    pub seq: u64,
    pub time: String,
    pub pid: u32,
    pub comm: String,
    pub origin: Origin,
    /// What the event did, in words (secrets masked).
    pub what: String,
    /// `ok`, or the errno of a failed call.
    pub result: String,
    /// For a package process's event: whose code did it (the package's or its runtime's),
    /// and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<runtime::Attributed>,
    /// The identical events this item stands for: the trace line's `repeat` count (the same
    /// thread made the same call again, with the same result). Counted in every total.
    /// Absent when 1 (and in reports written before it existed).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub count: u64,
}

fn one() -> u64 {
    1
}

fn is_one(n: &u64) -> bool {
    *n == 1
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Evidence {
    /// Every matching event.
    pub total: u64,
    /// The first [`SHOWN`] of them.
    pub shown: Vec<EvidenceItem>,
}

impl Evidence {
    fn push(&mut self, item: EvidenceItem) {
        self.total = self.total.saturating_add(item.count);
        if self.shown.len() < SHOWN {
            self.shown.push(item);
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Verdict {
    pub claim: Claim,
    pub status: Status,
    /// One or two sentences, never claiming more than the trace shows.
    pub reason: String,
    pub evidence: Evidence,
    /// The same behaviour by maintainer scripts, when the claim is about the daemon: reported,
    /// not held against it.
    pub maintainer_scripts: Evidence,
    /// The same behaviour by the package's runtime (interpreter, application server, libc,
    /// systemd notification, dependencies), or by code not separable from it: by reason, not
    /// held against the package.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub runtime: Vec<runtime::RuntimeGroup>,
    /// Instances the allowlist accepted.
    pub allowed: u64,
    /// The allowlist in force: the claim's plus the package defaults.
    pub allow: Allow,
    /// What this trace could not have seen for this claim.
    pub gaps: Vec<String>,
    /// For a contents claim: the installed files (from the contents manifest) that are
    /// instances of it.
    #[serde(default, skip_serializing_if = "Installed::is_empty")]
    pub installed: Installed,
    /// The run's phases in which the claim's subject had events (`vm check` runs only; see
    /// [`witness`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub covered_by: Vec<String>,
}

/// Installed files shown as evidence of a contents claim.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Installed {
    /// Every matching file.
    pub total: u64,
    /// The first [`SHOWN`] of them, as `PKG: PATH (file, MODE OWNER:GROUP)`.
    pub shown: Vec<String>,
}

impl Installed {
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }
}

/// Events per origin: what was and was not held against the package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct OriginCounts {
    pub package: u64,
    pub maintainer_script: u64,
    pub harness: u64,
    pub other: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Judgement {
    pub verdicts: Vec<Verdict>,
    pub findings: Findings,
    pub origins: OriginCounts,
    /// Interpreters and application servers the package ran, each with the script or module
    /// it ran and the Python modules it opened.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interpreters: Vec<String>,
}

impl Judgement {
    /// The CLI's exit code: 1 when a claim is contradicted, else 4 when nothing was checked
    /// ([`Self::nothing_checked`]), else 3 when a claim is inconclusive, else 0.
    pub fn exit_code(&self) -> u8 {
        let any = |s| self.verdicts.iter().any(|v| v.status == s);
        if any(Status::Contradicted) {
            1
        } else if self.nothing_checked().is_some() {
            4
        } else if any(Status::Inconclusive) {
            3
        } else {
            0
        }
    }
}

impl Judgement {
    /// Why this check judged nothing, when it did not: no claims, no process of the package
    /// ran, or no claim was exercised. Such a run must not pass quietly (the CLI exits 4): a
    /// misspelt unit or package, a daemon that never started, an empty or unreadable review
    /// all look like this.
    pub fn nothing_checked(&self) -> Option<String> {
        if self.verdicts.is_empty() {
            return Some("there are no runtime-checkable claims to check".to_owned());
        }
        if self.origins.package == 0 && self.origins.maintainer_script == 0 {
            return Some(format!(
                "no process of the package ran in this trace ({} event(s), none the package's); \
                 check the package, unit or --daemon names and that the daemon started",
                self.origins.harness.saturating_add(self.origins.other)
            ));
        }
        if self
            .verdicts
            .iter()
            .all(|v| v.status == Status::NotExercised)
        {
            return Some(format!(
                "none of the {} claim(s) was exercised by this trace",
                self.verdicts.len()
            ));
        }
        None
    }
}

/// The allowlist a claim is judged with: its own plus the package's defaults for that check.
pub fn effective_allow(claim: &Claim, package: &Package) -> Allow {
    let mut allow = claim.allow.clone();
    match claim.check {
        Check::FileIo | Check::TempFiles => {
            for p in package.default_paths() {
                if !allow.paths.contains(&p) {
                    allow.paths.push(p);
                }
            }
        }
        Check::Environment => {
            for v in crate::claims::LIBC_VARIABLES {
                if !allow.variables.iter().any(|a| a == v) {
                    allow.variables.push((*v).to_owned());
                }
            }
        }
        Check::ExternalEndpoint | Check::PrivilegedPorts | Check::OpensPort => {
            for p in &package.ports {
                if !allow.ports.contains(p) {
                    allow.ports.push(*p);
                }
            }
        }
        _ => {}
    }
    allow
}

fn item(ev: &Event, origin: Origin, what: String) -> EvidenceItem {
    EvidenceItem {
        seq: ev.seq,
        time: ev.time.clone(),
        pid: ev.pid,
        comm: ev.comm.clone(),
        origin,
        what,
        result: outcome(ev),
        attribution: None,
        count: ev.occurrences(),
    }
}

pub(crate) fn listened(trace: &Trace) -> HashSet<(u32, i32)> {
    trace
        .events
        .iter()
        .filter_map(|ev| match &ev.data {
            EventData::Listen { fd, .. } => Some((ev.pid, *fd)),
            _ => None,
        })
        .collect()
}

/// Judges the claims on a trace alone: contents claims (what the install put on disk) are
/// not exercised unless the trace itself shows a maintainer script making such a file.
/// Everything `tracer diff` compares of a package in a trace, from one attribution: every
/// finding, uncapped (a report lists only the first [`findings::LISTED`] of each), and the
/// shared libraries its processes opened (`*.so`, `*.so.N`, by the kernel's name when known),
/// where a new dependency of an upload shows first.
pub fn package_activity(
    trace: &Trace,
    package: &Package,
) -> (Findings, std::collections::BTreeSet<String>) {
    let attribution = Attribution::compute(trace, package);
    let libraries = trace
        .events
        .iter()
        .zip(&attribution.per_event)
        .filter(|(ev, o)| **o == Origin::Package && !failed(ev.result.as_ref()))
        .filter_map(|(ev, _)| match &ev.data {
            EventData::Open { path, .. } => {
                let name = path.real.as_deref().unwrap_or(path.best());
                let file = name.rsplit('/').next().unwrap_or(name);
                (file.ends_with(".so") || file.contains(".so.")).then(|| name.to_owned())
            }
            _ => None,
        })
        .collect();
    let findings = findings::collect(trace, package, &attribution, &listened(trace), usize::MAX);
    (findings, libraries)
}

pub fn judge(trace: &Trace, claims: &ClaimSet) -> Judgement {
    judge_with(trace, claims, None)
}

/// Judges the claims on a trace and, for contents claims, the install's contents manifest.
pub fn judge_with(trace: &Trace, claims: &ClaimSet, contents: Option<&Manifest>) -> Judgement {
    let mut attribution = Attribution::compute(trace, &claims.package);
    if let Some(m) = contents {
        attribution
            .programs
            .own_files(m, &owned_packages(m, &claims.package));
    }
    let listened = listened(trace);
    let mut origins = OriginCounts::default();
    for o in &attribution.per_event {
        match o {
            Origin::Package => origins.package += 1,
            Origin::MaintainerScript => origins.maintainer_script += 1,
            Origin::Harness => origins.harness += 1,
            Origin::Other => origins.other += 1,
        }
    }
    let verdicts = claims
        .claims
        .iter()
        .map(|c| {
            let mut v = judge_one(trace, c, &claims.package, &attribution, &listened);
            v = existing::adjust(v, trace, &claims.package);
            if c.check.is_contents() {
                v = judge_contents(v, contents, &claims.package);
            }
            if c.check == Check::OwnsDbusName {
                v = judge_bus_name(v, contents, &claims.package);
            }
            if let Some(m) = contents {
                v.reason
                    .push_str(&depends_context(m, &claims.package, c.check));
            }
            v
        })
        .collect();
    Judgement {
        verdicts: output_tampered(interfered(verdicts, trace, &attribution), trace),
        findings: findings::collect(
            trace,
            &claims.package,
            &attribution,
            &listened,
            findings::LISTED,
        ),
        origins,
        interpreters: attribution.programs.interpreters(),
    }
}

/// A trace whose stream was cut (the host wrote its footer) covers the recording only up to
/// the cut. What came out before it is evidence, so a contradiction *seen* in it stands (the
/// package did that). Nothing else is sound: what happened after the cut is unknown, so no
/// claim holds, and a contradiction that rests on something *not* seen ("does X", X never
/// seen) may be wrong. And once the recorder is gone, a root package could write to its port:
/// a held would rest on lines the package may have written. Run after every other rule.
pub fn after_cut(judgement: &mut Judgement, trace: &Trace) {
    let Some(cut) = trace.integrity.stream_cut.as_deref() else {
        return;
    };
    for v in &mut judgement.verdicts {
        let seen_against = v.status == Status::Contradicted && v.claim.expect == Expect::Absent;
        if !matches!(v.status, Status::Held | Status::Contradicted) || seen_against {
            continue;
        }
        let was = v.status;
        v.status = Status::Inconclusive;
        v.reason = format!(
            "{}; but {cut}: {}",
            v.reason,
            if was == Status::Held {
                "no claim holds on a cut trace"
            } else {
                "it may have happened after the cut"
            }
        );
        if !v.gaps.iter().any(|g| g == cut) {
            v.gaps.push(cut.to_owned());
        }
    }
}

/// The recorder found its own output touched while it recorded (the footer's `tampered`: a
/// traced process wrote, renamed or removed the trace, or its name led elsewhere at the end).
/// The recorder published its own file, but what a traced process could do to the trace is
/// not bounded by what it did: no claim holds; what is seen against a claim still stands.
fn output_tampered(verdicts: Vec<Verdict>, trace: &Trace) -> Vec<Verdict> {
    let Some(first) = trace.footer.as_ref().and_then(|f| f.tampered.first()) else {
        return verdicts;
    };
    let n = trace.footer.as_ref().map_or(0, |f| f.tampered.len());
    let at = first
        .seq
        .map(|s| format!(" (event {s})"))
        .unwrap_or_default();
    let why = format!(
        "the recording's output was touched during the recording ({n} finding(s); first: {}{at}), \
         so the trace may not be the recorder's whole record",
        first.what
    );
    void_all(verdicts, &why)
}

/// When the package or its maintainer scripts interfered with the recorder (see [`tamper`]),
/// nothing they did afterwards is known to be in the trace: no claim holds, "not exercised"
/// means nothing either, and the attempt itself contradicts "no privileged functions".
fn interfered(
    mut verdicts: Vec<Verdict>,
    trace: &Trace,
    attribution: &Attribution,
) -> Vec<Verdict> {
    let mut attempts = Evidence::default();
    for (ev, origin) in trace.events.iter().zip(&attribution.per_event) {
        if matches!(origin, Origin::Package | Origin::MaintainerScript)
            && let Some(what) = tamper::attempt(&trace.header, ev)
        {
            attempts.push(item(ev, *origin, what));
        }
    }
    // The foreign stop first: of all attempts, the one that surely worked.
    if let Some(stop) = tamper::foreign_stop(trace, attribution) {
        attempts.total += 1;
        attempts.shown.truncate(SHOWN - 1);
        attempts.shown.insert(
            0,
            EvidenceItem {
                seq: stop.seq,
                time: stop.time,
                pid: stop.pid,
                comm: stop.comm,
                origin: stop.origin,
                what: stop.what,
                result: "ok".to_owned(),
                attribution: None,
                count: 1,
            },
        );
    }
    let Some(first) = attempts.shown.first() else {
        return possibly_interfered(verdicts, trace, attribution);
    };
    let by = tamper::actor(first.pid, &first.comm);
    let why = format!(
        "the package interfered with the recorder ({} attempt(s); first: {} by {by}), so the \
         trace may be missing or hiding what it did",
        attempts.total, first.what
    );
    for v in &mut verdicts {
        v.gaps.push(why.clone());
        if v.claim.check == Check::PrivilegedFunctions && v.claim.expect == Expect::Absent {
            v.status = Status::Contradicted;
            v.reason = format!("{why}; the attempt is itself a privileged call");
            for i in &attempts.shown {
                v.evidence.push(i.clone());
            }
            v.evidence.total = v.evidence.total.max(attempts.total);
        } else if v.status != Status::Contradicted {
            v.status = Status::Inconclusive;
            v.reason = why.clone();
        }
    }
    verdicts
}

/// Without a certain attempt, a signal of the package whose target the trace cannot name (see
/// [`tamper::possible_attempt`]) may still have hit the recorder: no claim holds, but nothing
/// is contradicted.
fn possibly_interfered(
    verdicts: Vec<Verdict>,
    trace: &Trace,
    attribution: &Attribution,
) -> Vec<Verdict> {
    let possible: Vec<(&Event, String)> = trace
        .events
        .iter()
        .zip(&attribution.per_event)
        .filter(|(_, o)| matches!(o, Origin::Package | Origin::MaintainerScript))
        .filter_map(|(ev, _)| tamper::possible_attempt(ev).map(|w| (ev, w)))
        .collect();
    // A lost signal record may have been one to the recorder.
    let lost = trace
        .footer
        .as_ref()
        .and_then(|f| f.lost.get(crate::trace::EventKind::Signal.name()))
        .copied()
        .unwrap_or(0);
    let why = match possible.first() {
        Some((ev, what)) => format!(
            "the package may have interfered with the recorder ({} signal(s) to an unknown \
             target or a process group; first: {what} by {}), so the trace may be missing what \
             it did",
            possible.len(),
            tamper::actor(ev.pid, &ev.comm)
        ),
        None if lost > 0 => format!(
            "{lost} signal event(s) were lost: one may have been sent to the recorder, so the \
             trace may be missing what the package did"
        ),
        // Someone lowered the recorder's file-size limit (the recorder raised it back and
        // retried its write: `record::output::FsizeGuard`), by a call the trace does not show
        // as the package's.
        None if let Some(found) = trace
            .footer
            .as_ref()
            .and_then(|f| f.fsize_limits_found.first()) =>
        {
            format!(
                "the recorder's file-size limit was set to {found} bytes from outside during the \
                 recording (by a process the trace does not show as the package's), so the \
                 package may have interfered with it"
            )
        }
        None => return verdicts,
    };
    void_all(verdicts, &why)
}

/// Every verdict not already contradicted becomes inconclusive for `why`, which each lists
/// as a gap: what the trace holds can no longer be taken as the whole record.
fn void_all(mut verdicts: Vec<Verdict>, why: &str) -> Vec<Verdict> {
    for v in &mut verdicts {
        v.gaps.push(why.to_owned());
        if v.status != Status::Contradicted {
            v.status = Status::Inconclusive;
            v.reason = why.to_owned();
        }
    }
    verdicts
}

fn judge_one(
    trace: &Trace,
    claim: &Claim,
    package: &Package,
    attribution: &Attribution,
    listened: &HashSet<(u32, i32)>,
) -> Verdict {
    let allow = effective_allow(claim, package);
    let in_scope = scope(claim.check);
    let exercised = attribution.per_event.iter().any(|o| in_scope.contains(o));
    let mut gaps = gaps(trace, claim.check);
    gaps.extend(unknown_addresses(trace, attribution, claim.check));
    gaps.extend(doubtful_evidence(trace, attribution, claim.check));
    if claim.check == Check::Environment {
        let n = trace
            .events
            .iter()
            .zip(&attribution.per_event)
            .filter(|(ev, o)| {
                **o == Origin::Package
                    && matches!(&ev.data, EventData::Getenv { name, .. } if name.is_empty())
            })
            .count();
        if n > 0 {
            gaps.push(format!(
                "{n} getenv call(s) whose variable name could not be read"
            ));
        }
    }
    if claim.check == Check::Environment
        && !gaps.iter().any(|g| g.starts_with("no hook for getenv"))
    {
        gaps.extend(env_blind_spots(trace, attribution));
    }
    let mut evidence = Evidence::default();
    let mut maintainer_scripts = Evidence::default();
    let mut allowed = 0;

    if claim.check == Check::RunsAsRoot {
        let RunAs {
            root,
            non_root,
            helpers,
            control,
            oneshot,
            job_processes,
        } = run_as(trace, attribution, package, claim.expect == Expect::Absent);
        for (ev, what) in &root {
            evidence.push(item(ev, Origin::Package, what.clone()));
        }
        // Only a oneshot's job ran: no daemon of the package did, as root or not.
        let jobs_only = job_processes > 0;
        let (status, reason) = match (claim.expect, root.is_empty(), non_root.is_empty()) {
            (Expect::Absent, true, true) if jobs_only && gaps.is_empty() => (
                Status::Held,
                "no daemon of the package ran: every process seen was a oneshot unit's job"
                    .to_owned(),
            ),
            (Expect::Absent, true, true) if jobs_only => (
                Status::Inconclusive,
                format!(
                    "only a oneshot unit's job was seen, but a daemon may be missing: {}",
                    gaps.join("; ")
                ),
            ),
            (_, true, true) => (
                Status::NotExercised,
                "no process of the package ran in this trace".to_owned(),
            ),
            (Expect::Absent, false, _) => (
                Status::Contradicted,
                format!("{} package process(es) ran as root", root.len()),
            ),
            (Expect::Present, false, _) => (
                Status::Held,
                format!("{} package process(es) ran as root", root.len()),
            ),
            (Expect::Absent, true, false) if gaps.is_empty() => (
                Status::Held,
                format!(
                    "all {} package process(es) seen ran with a non-root effective uid",
                    non_root.len()
                ),
            ),
            (Expect::Present, true, false) if !gaps.is_empty() => (
                Status::Inconclusive,
                format!(
                    "no package process seen as root, but a root one may be missing: {}",
                    gaps.join("; ")
                ),
            ),
            (Expect::Present, true, false) => {
                for (ev, what) in &non_root {
                    evidence.push(item(ev, Origin::Package, what.clone()));
                }
                (
                    Status::Contradicted,
                    format!(
                        "none of the {} package process(es) seen ran as root",
                        non_root.len()
                    ),
                )
            }
            (Expect::Absent, true, false) => (
                Status::Inconclusive,
                format!("no package process seen as root, but: {}", gaps.join("; ")),
            ),
        };
        let reason = match helpers {
            0 => reason,
            n => format!(
                "{reason}; {n} package program run(s) that a maintainer script ran and waited \
                 for left out (root because dpkg is, not daemons)"
            ),
        };
        let reason = if control.is_empty() {
            reason
        } else {
            format!(
                "{reason}; {} command(s) that systemd ran for a unit while its daemon ran and \
                 that ended before it (ExecReload=, ExecStop=, ExecStartPost=: not daemons) \
                 left out: {}",
                control.len(),
                control.join(", ")
            )
        };
        let reason = oneshot.iter().fold(reason, |r, (unit, n)| {
            format!(
                "{r}; {n} root process(es) of oneshot {unit}, ended within its job (start, \
                 reload or stop), left out (a job that runs and ends, not a daemon)"
            )
        });
        return Verdict {
            claim: claim.clone(),
            status,
            reason: with_uid_note(trace, reason),
            evidence,
            maintainer_scripts,
            runtime: Vec::new(),
            allowed,
            allow,
            gaps,
            installed: Installed::default(),
            covered_by: Vec::new(),
        };
    }

    // Only the daemonizing claim needs the walk over the process tree.
    let daemonized = if claim.check == Check::Daemonizes {
        rules::daemonizing_exits(trace)
    } else {
        std::collections::HashMap::new()
    };
    let core_helpers = if claim.check == Check::ProcessesSpawned {
        rules::core_helper_exits(trace)
    } else {
        std::collections::HashMap::new()
    };
    let core_files = if matches!(claim.check, Check::FileIo | Check::TempFiles) {
        rules::core_files(trace)
    } else {
        std::collections::HashMap::new()
    };
    let controlled = rules::ptrace_controls(trace, attribution);
    let cred_gated = if claim.check == Check::PrivilegedFunctions {
        rules::cred_gated(trace)
    } else {
        std::collections::HashMap::new()
    };
    let rules = Rules {
        allow: &allow,
        attribution,
        listened,
        daemonized: &daemonized,
        core_helpers: &core_helpers,
        core_files: &core_files,
        controlled: &controlled,
        cred_gated: &cred_gated,
    };
    let mut runtime_groups: Vec<runtime::RuntimeGroup> = Vec::new();
    let mut unplaced: Vec<String> = Vec::new();
    let mut unplaced_events: u64 = 0;
    for (i, (ev, origin)) in trace.events.iter().zip(&attribution.per_event).enumerate() {
        let counts = in_scope.contains(origin);
        if !counts && *origin != Origin::MaintainerScript {
            continue;
        }
        match rules.hit(claim.check, ev) {
            Hit::No => {}
            Hit::Allowed => allowed += u64::from(counts) * ev.occurrences(),
            Hit::Yes(what) if counts && *origin == Origin::Package => {
                let a = attribution.programs.cause(i, &ev.data, package);
                // "pid 526 ((sd-listen))" alone does not say why systemd's child is the
                // package: the line names the unit (the JSON's attribution says the rest).
                let what = match attribution.programs.manager_unit(i) {
                    Some(unit) if a.cause == runtime::Cause::Package => {
                        format!("{what} (by systemd for the package's {unit})")
                    }
                    _ => what,
                };
                let mut it = item(ev, *origin, what);
                it.attribution = Some(a.clone());
                if a.cause == runtime::Cause::Package {
                    evidence.push(it);
                } else {
                    runtime::push_group(&mut runtime_groups, it, a);
                }
            }
            Hit::Yes(what) if counts => evidence.push(item(ev, *origin, what)),
            Hit::Yes(what) => maintainer_scripts.push(item(ev, *origin, what)),
            // systemd's child setting up a unit (its move into the unit's cgroup, the
            // sandbox's mounts) is the service manager at work, as its hits are: no gap in the
            // package's evidence. What it does for a socket unit stays the package's.
            Hit::Unknown(_)
                if attribution.programs.manager_unit(i).is_some()
                    && !runtime::opens_a_units_socket(&ev.data) => {}
            Hit::Unknown(what) if counts => {
                unplaced_events += ev.occurrences();
                unplaced.push(format!("seq {} {what}", ev.seq));
            }
            Hit::Unknown(_) => {}
        }
    }
    if exercised {
        gaps.extend(inherited::gaps(trace, &rules, claim.check));
    }
    if let Some(first) = unplaced.first() {
        gaps.push(format!(
            "{unplaced_events} event(s) the trace cannot judge (a file or address it cannot place, a request it cannot read, a crash that may have run a helper), e.g. {first}"
        ));
    }
    if let Some(gap) = runtime::crypto_call_gap(trace, claim.check, &runtime_groups) {
        gaps.push(gap);
    }
    gaps.extend(codescan::crypto_code_gaps(
        trace,
        claim.check,
        package,
        attribution,
    ));
    gaps.extend(codescan::unhooked_crypto_libraries(
        trace,
        claim.check,
        attribution,
    ));
    let ran_by_runtime = runtime::summary(&runtime_groups, runtime::Cause::Runtime)
        .map(|s| format!("; the runtime did: {s}"))
        .unwrap_or_default();
    let not_separable = runtime::summary(&runtime_groups, runtime::Cause::NotSeparable);
    let who = if in_scope == [Origin::MaintainerScript] {
        "no maintainer script ran in this trace"
    } else {
        "no process of the package ran in this trace"
    };
    let (status, reason) = match claim.expect {
        Expect::Absent if evidence.total > 0 => (
            Status::Contradicted,
            format!(
                "{} event(s) in this trace contradict it{ran_by_runtime}",
                evidence.total
            ),
        ),
        Expect::Present if evidence.total > 0 => (
            Status::Held,
            format!("seen in this trace: {} event(s)", evidence.total),
        ),
        _ if !exercised => (Status::NotExercised, who.to_owned()),
        _ if let Some(ns) = not_separable => (
            Status::Inconclusive,
            format!(
                "cannot separate package code from interpreter: {ns}{}{ran_by_runtime}",
                if gaps.is_empty() {
                    String::new()
                } else {
                    format!("; and: {}", gaps.join("; "))
                }
            ),
        ),
        _ if !gaps.is_empty() => (
            Status::Inconclusive,
            format!("nothing seen, but: {}{ran_by_runtime}", gaps.join("; ")),
        ),
        Expect::Absent if !ran_by_runtime.is_empty() => (
            Status::Held,
            format!(
                "the package's own code did not do it{ran_by_runtime} (not held against the package); this covers only what ran while recording"
            ),
        ),
        Expect::Absent => (
            Status::Held,
            format!(
                "nothing in this trace contradicts it: the package's processes ran ({} events) and none of their {} events matches; this covers only what ran while recording",
                attribution
                    .per_event
                    .iter()
                    .filter(|o| in_scope.contains(o))
                    .count(),
                needed_kinds(claim.check)
                    .iter()
                    .map(|k| k.name())
                    .collect::<Vec<_>>()
                    .join("/")
            ),
        ),
        Expect::Present => (
            Status::NotExercised,
            format!(
                "not seen in this trace{ran_by_runtime}; a trace cannot show that it never happens"
            ),
        ),
    };
    Verdict {
        claim: claim.clone(),
        status,
        reason,
        evidence,
        maintainer_scripts,
        runtime: runtime_groups,
        allowed,
        allow,
        gaps,
        installed: Installed::default(),
        covered_by: Vec::new(),
    }
}

/// The manifest's packages that are the reviewed package's own binaries: by name, or built
/// from the reviewed source package.
fn owned_packages<'a>(m: &'a Manifest, package: &Package) -> Vec<&'a str> {
    m.packages
        .iter()
        .filter(|p| package.owns_binary(&p.package) || package.name.as_ref() == Some(&p.source))
        .map(|p| p.package.as_str())
        .collect()
}

/// The package's Depends on a claim's libraries, as context beside the runtime evidence (a
/// dependency is a library that may be loaded, not one that was).
fn depends_context(m: &Manifest, package: &Package, check: Check) -> String {
    let deps = crate::contents::library_depends(m, &owned_packages(m, package), check);
    if deps.is_empty() {
        String::new()
    } else {
        format!(
            " (context, not evidence: the package Depends on {})",
            deps.join(", ")
        )
    }
}

/// A contents claim: the trace's verdict (what maintainer scripts created or chmod'ed) joined
/// with the manifest's installed files. Without a manifest only the trace speaks: a
/// contradiction stands, anything else is "not exercised" (the files were not examined).
/// Owning a D-Bus name is a bus message (RequestName), which no hook records: a connection to a
/// bus is all the trace shows. Without one the daemon cannot own a name, so "owns no name" is
/// held and "owns a name" not exercised, as judged; with one, neither can be decided, and the
/// D-Bus files the package ships are shown as context.
fn judge_bus_name(mut v: Verdict, contents: Option<&Manifest>, package: &Package) -> Verdict {
    if v.evidence.total == 0 {
        return v;
    }
    v.status = Status::Inconclusive;
    v.reason = format!(
        "the package's processes connected to a D-Bus bus ({} time(s)); the name a process \
         requests travels in a bus message, which is not recorded",
        v.evidence.total
    );
    if let Some(m) = contents {
        let owned = owned_packages(m, package);
        let files: Vec<String> = crate::contents::instances(m, Check::InstallsDbusFiles)
            .into_iter()
            .filter(|(p, _)| owned.contains(&p.as_str()))
            .map(|(p, what)| format!("{p}: {what}"))
            .collect();
        if files.is_empty() {
            v.reason
                .push_str("; the package ships no D-Bus service or policy file");
        } else {
            v.reason.push_str(&format!(
                "; the package ships D-Bus files: {}",
                files.join(", ")
            ));
        }
    }
    v
}

fn judge_contents(mut v: Verdict, contents: Option<&Manifest>, package: &Package) -> Verdict {
    let Some(manifest) = contents else {
        if v.evidence.total == 0 {
            v.status = Status::NotExercised;
            v.reason = "the installed files were not examined: no contents manifest (pass \
                        `--contents FILE`; `tracer vm check` collects one)"
                .to_owned();
        }
        return v;
    };
    let owned = owned_packages(manifest, package);
    if owned.is_empty() {
        v.status = Status::NotExercised;
        v.reason = format!(
            "the contents manifest lists none of the package's binary packages (it has: {})",
            manifest
                .packages
                .iter()
                .map(|p| p.package.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        return v;
    }
    for (pkg, what) in crate::contents::instances(manifest, v.claim.check) {
        if owned.contains(&pkg.as_str()) {
            v.installed.total += 1;
            if v.installed.shown.len() < SHOWN {
                v.installed.shown.push(format!("{pkg}: {what}"));
            }
        }
    }
    let seen = v.installed.total + v.evidence.total;
    // For unit_sandboxing "none" means: units without a directive (or no unit at all).
    let none = if v.claim.check == Check::UnitSandboxing {
        let units: Vec<&str> = manifest
            .packages
            .iter()
            .filter(|p| owned.contains(&p.package.as_str()))
            .flat_map(|p| p.units.iter().map(|u| u.path.as_str()))
            .collect();
        if units.is_empty() {
            format!("{} ship(s) no service unit", owned.join(", "))
        } else {
            format!(
                "no sandboxing directive in the [Service] section of {}",
                units.join(", ")
            )
        }
    } else {
        format!(
            "none of the files dpkg installed for {} is one, and no maintainer script made one in this run",
            owned.join(", ")
        )
    };
    let files = format!(
        "{} installed file(s) and {} maintainer-script event(s) of {}",
        v.installed.total,
        v.evidence.total,
        owned.join(", ")
    );
    (v.status, v.reason) = match v.claim.expect {
        Expect::Absent if seen > 0 => (Status::Contradicted, format!("{files} contradict it")),
        Expect::Present if seen > 0 => (Status::Held, format!("seen: {files}")),
        _ if !v.gaps.is_empty() => (
            Status::Inconclusive,
            format!(
                "no such file installed, but a maintainer script may have made one: {}",
                v.gaps.join("; ")
            ),
        ),
        Expect::Absent => (Status::Held, none),
        Expect::Present => (Status::Contradicted, none),
    };
    v
}

/// Listens and connects whose address the recorder could not read: they may be the instance
/// that contradicts an endpoint or destination claim.
fn unknown_addresses(trace: &Trace, attribution: &Attribution, check: Check) -> Vec<String> {
    let n = trace
        .events
        .iter()
        .zip(&attribution.per_event)
        .filter(|(_, o)| **o == Origin::Package)
        .filter(|(ev, _)| {
            matches!(
                (check, &ev.data),
                (
                    Check::ExternalEndpoint | Check::OpensPort,
                    EventData::Listen { addr: None, .. }
                ) if !attribution.places.autobound(ev.seq)
            ) || matches!(
                (check, &ev.data),
                (
                    Check::OutgoingDestinations | Check::Networking,
                    EventData::Connect { addr: None, .. }
                )
            )
        })
        .count();
    if n == 0 {
        return Vec::new();
    }
    let what = if matches!(check, Check::ExternalEndpoint | Check::OpensPort) {
        "listen(s) on a socket whose bind was not seen"
    } else {
        "connect(s) whose address could not be read"
    };
    vec![format!("{n} {what}")]
}

/// Events of the package that may not say what the kernel did: a path or address rewritten
/// while the call ran (`args_changed`, or `args_unverified`), a path whose base (a dirfd, an fd
/// behind `/proc/self/fd/N`) the trace does not know, and fds received from outside the
/// recording (`SCM_RIGHTS`, pidfd_getfd), through which file and network I/O is not named.
/// Each makes the claims resting on that kind inconclusive rather than held.
fn doubtful_evidence(trace: &Trace, attribution: &Attribution, check: Check) -> Vec<String> {
    let kinds = coverage::needed_kinds(check);
    let in_scope = scope(check);
    let io = kinds
        .iter()
        .any(|k| matches!(k.family(), Family::File | Family::Network));
    let (mut changed, mut unresolved, mut received, mut cut, mut ring_recv) = (0, 0, 0, 0, 0);
    let mut unnamed = 0;
    for (ev, o) in trace.events.iter().zip(&attribution.per_event) {
        if !in_scope.contains(o) {
            continue;
        }
        let kind = ev.data.kind();
        if kinds.contains(&kind) {
            if ev
                .flags
                .iter()
                .any(|f| f == "args_changed" || f == "args_unverified")
                && !opened_nothing(ev)
            {
                changed += ev.occurrences();
            }
            if crate::trace::describe::paths(ev)
                .iter()
                .any(|p| p.resolved.is_none())
            {
                unresolved += ev.occurrences();
            }
            // A path cut at the record's size, or a sendmmsg batch of which only the first
            // message's destination was read (round 7's n7_sendmmsg_deep: the 50th of 64
            // datagrams went elsewhere): the rest is not named.
            if ev.flags.iter().any(|f| f == "path_truncated") && !opened_nothing(ev) {
                cut += ev.occurrences();
            }
            // A relative path the kernel walk could not name (deeper than it walks, longer
            // than a record's path): its name rests on the name its dirfd or cwd had when
            // the recorder last saw it, which a rename by another process, or a symlink the
            // dirfd was opened through, makes another file's (round 9's f9_deep_symlinked_dir).
            if ev.flags.iter().any(|f| f == "real_path_unnamed")
                && !opened_nothing(ev)
                && crate::trace::describe::paths(ev)
                    .iter()
                    .any(|p| p.given.as_deref().is_some_and(|g| !g.starts_with('/')))
            {
                unnamed += ev.occurrences();
            }
        }
        if io && matches!(ev.data, EventData::FdReceived { named: false, .. }) {
            received += ev.occurrences();
        }
        // An io_uring recvmsg may receive fds (SCM_RIGHTS) whose arrival no record shows
        // (round 7's f7_uring_recvmsg_scm_file wrote through one, with io_uring).
        if io && matches!(&ev.data, EventData::IoUringOp { op, .. } if op == "recvmsg") {
            ring_recv += ev.occurrences();
        }
    }
    let mut out = Vec::new();
    if changed > 0 {
        out.push(format!(
            "{changed} call(s) whose path or address another thread may have rewritten while \
             it ran (flagged args_changed or args_unverified)"
        ));
    }
    if unresolved > 0 {
        out.push(format!(
            "{unresolved} call(s) on a path whose base the trace does not know (an fd it never \
             saw opened)"
        ));
    }
    if cut > 0 {
        out.push(format!(
            "{cut} call(s) whose path or address the record holds only in part (flagged \
             path_truncated: a path cut at its size, or a sendmmsg batch whose later messages' \
             destinations were not read)"
        ));
    }
    if unnamed > 0 {
        out.push(format!(
            "{unnamed} call(s) on a relative path the kernel could not name (flagged \
             real_path_unnamed): the name rests on what its directory was called when the \
             recorder saw it opened"
        ));
    }
    if ring_recv > 0 {
        out.push(format!(
            "{ring_recv} io_uring recvmsg operation(s), which may receive fds (SCM_RIGHTS) no \
             record names: what was done through them is not named"
        ));
    }
    if received > 0 {
        out.push(format!(
            "{received} time(s) fds came from outside the recording (SCM_RIGHTS, pidfd_getfd): \
             what was done through them is not named"
        ));
    }
    out
}

/// An open that failed without O_CREAT or O_TMPFILE: the kernel opened and made nothing,
/// whatever path it was given, so a path rewritten while it ran hides no file use.
fn opened_nothing(ev: &Event) -> bool {
    const CREAT: u64 = libc::O_CREAT as u64;
    const TMPFILE: u64 = libc::O_TMPFILE as u64;
    matches!(&ev.data, EventData::Open { flags_raw, .. }
        if flags_raw & CREAT == 0 && flags_raw & TMPFILE != TMPFILE)
        && failed(ev.result.as_ref())
}

/// A getenv uprobe sees calls of getenv, not reads of `environ` (printenv walks it),
/// interpreters' own copies (Python's os.environ) or static binaries without libc (Go): an
/// environment claim is never held, and the specific reasons are named.
fn env_blind_spots(trace: &Trace, attribution: &Attribution) -> Vec<String> {
    const INTERPRETERS: &[&str] = &["python", "perl", "ruby", "node", "java", "php", "lua"];
    let mut out = vec![
        "reads of the environment without getenv (walking environ, as printenv does) are not recorded"
            .to_owned(),
    ];
    let mut libc_loaded: HashSet<u32> = HashSet::new();
    let mut execed: Vec<(u32, String)> = Vec::new();
    for (ev, o) in trace.events.iter().zip(&attribution.per_event) {
        if *o != Origin::Package {
            continue;
        }
        match &ev.data {
            EventData::Exec { path, argv, .. } if !failed(ev.result.as_ref()) => {
                let name = path.best().rsplit('/').next().unwrap_or("").to_owned();
                // A script's interpreter shows in argv[0] when it was started by name.
                let arg0 = argv
                    .first()
                    .and_then(|a| a.rsplit('/').next())
                    .unwrap_or("")
                    .to_owned();
                if let Some(name) = [&name, &arg0]
                    .into_iter()
                    .find(|n| INTERPRETERS.iter().any(|i| n.starts_with(i)))
                {
                    let spot = format!(
                        "the package runs {name}, an interpreter that reads its environment without libc getenv"
                    );
                    if !out.contains(&spot) {
                        out.push(spot);
                    }
                }
                libc_loaded.remove(&ev.pid);
                execed.push((ev.pid, name));
            }
            EventData::Open { path, .. } if path.best().contains("/libc.so") => {
                libc_loaded.insert(ev.pid);
            }
            _ => {}
        }
    }
    for (pid, name) in execed {
        if !libc_loaded.contains(&pid) {
            let spot = format!(
                "{name} (pid {pid}) loaded no libc (a static binary, e.g. Go): its environment reads are invisible to a getenv hook"
            );
            if !out.contains(&spot) {
                out.push(spot);
            }
        }
    }
    out
}

fn with_uid_note(trace: &Trace, reason: String) -> String {
    if trace.header.capabilities.task_fields {
        reason
    } else {
        format!("{reason} (effective uid unreadable on this kernel: real uid used)")
    }
}

/// Events, each with what it shows in words.
type Described<'a> = Vec<(&'a Event, String)>;

/// Capabilities that give root's power back to a process of any uid (each one leads to full
/// root: load a module, write any file, take any uid, ptrace root's processes, set file
/// capabilities, raw devices, BPF): include/uapi/linux/capability.h numbers.
const ROOT_EQUIVALENT_CAPS: &[(u32, &str)] = &[
    (0, "CAP_CHOWN"),
    (1, "CAP_DAC_OVERRIDE"),
    (3, "CAP_FOWNER"),
    (6, "CAP_SETGID"),
    (7, "CAP_SETUID"),
    (16, "CAP_SYS_MODULE"),
    (17, "CAP_SYS_RAWIO"),
    (19, "CAP_SYS_PTRACE"),
    (21, "CAP_SYS_ADMIN"),
    (27, "CAP_MKNOD"),
    (31, "CAP_SETFCAP"),
    (39, "CAP_BPF"),
];

/// Per process, what its last ids do not show: the saved uid (set-user-ID programs and
/// setresuid keep root there, to take back at will), whether it ran as root after having
/// dropped it, and the effective capabilities a capset raised since its last exec or uid
/// change. Followed through forks; exec resets what the new image's ids say.
#[derive(Default)]
struct Privilege {
    /// pid → (saved uid when known, effective uid seen last).
    uids: HashMap<u32, (Option<u32>, u32)>,
    /// pid → root-equivalent capabilities in its effective set, by name.
    caps: HashMap<u32, Vec<&'static str>>,
}

impl Privilege {
    /// Follows `ev` for a process whose events are not the package's (its fork still hands
    /// the state to a package child).
    fn forget(&mut self, ev: &Event) {
        let _ = self.step(ev);
    }

    /// Follows `ev`; why its process is root in fact though its euid is not, the first time
    /// this event shows it.
    fn step(&mut self, ev: &Event) -> Option<String> {
        let euid = ev.ids.euid.unwrap_or(ev.ids.uid);
        let ok = ev.result.as_ref().is_none_or(|r| r.ok());
        let (saved, last_euid) = *self.uids.get(&ev.pid).unwrap_or(&(None, euid));
        let mut saved = saved;
        let mut why = None;
        match &ev.data {
            EventData::Fork {
                child_pid,
                thread: false,
                ..
            } => {
                self.uids.insert(*child_pid, (saved, euid));
                if let Some(c) = self.caps.get(&ev.pid).cloned() {
                    self.caps.insert(*child_pid, c);
                }
            }
            EventData::Exec { after, .. } if ok => {
                saved = after.map(|c| c.suid);
                self.caps.remove(&ev.pid);
            }
            EventData::Setuid { requested } if ok => {
                self.caps.remove(&ev.pid);
                saved = match (ev.syscall.as_deref().unwrap_or(""), requested.as_slice()) {
                    ("setresuid", [_, _, s]) if *s != u32::MAX => Some(*s),
                    ("setresuid", _) => saved,
                    // setreuid: the saved uid follows the new euid when the real uid is set or
                    // the euid set differs from the old real uid (kernel/sys.c).
                    ("setreuid", [r, e])
                        if *r != u32::MAX || (*e != u32::MAX && *e != ev.ids.uid) =>
                    {
                        Some(euid)
                    }
                    ("setreuid", _) => saved,
                    // setuid by a privileged process sets all three.
                    ("setuid", [u]) if last_euid == 0 => Some(*u),
                    _ => saved,
                };
            }
            EventData::Capset { effective, .. } if ok && euid != 0 => {
                let mask = effective
                    .as_deref()
                    .and_then(|h| u64::from_str_radix(h.trim_start_matches("0x"), 16).ok());
                if let Some(mask) = mask {
                    let names: Vec<&'static str> = ROOT_EQUIVALENT_CAPS
                        .iter()
                        .filter(|(bit, _)| mask & (1u64 << bit) != 0)
                        .map(|(_, n)| *n)
                        .collect();
                    if names.is_empty() {
                        self.caps.remove(&ev.pid);
                    } else {
                        self.caps.insert(ev.pid, names);
                    }
                }
            }
            _ => {}
        }
        if euid == 0 && last_euid != 0 && !matches!(ev.data, EventData::Exec { .. }) {
            why = Some(format!(
                "took euid 0 back after running with euid {last_euid} (#{} {})",
                ev.seq,
                ev.call()
            ));
        }
        self.uids.insert(ev.pid, (saved, euid));
        why
    }

    /// Why a process whose last euid is not 0 is still root: its saved uid, its capabilities.
    fn at_end(&self, pid: u32) -> Option<String> {
        if let Some((Some(0), _)) = self.uids.get(&pid) {
            return Some(
                "last seen with a non-root euid but saved uid 0: it can take root back at any time (seteuid(0))"
                    .to_owned(),
            );
        }
        self.caps.get(&pid).map(|caps| {
            format!(
                "last seen with a non-root euid but root-equivalent capabilities in its effective set ({})",
                caps.join(", ")
            )
        })
    }
}

/// Package processes by the ids of their last event, and those left out as no daemon.
struct RunAs<'a> {
    root: Described<'a>,
    non_root: Described<'a>,
    /// How many programs a maintainer script ran and waited for.
    helpers: usize,
    /// The unit control commands, each as "pid N (argv)".
    control: Vec<String>,
    /// Per oneshot unit, how many of its processes last seen as root ended within its job
    /// (left out).
    oneshot: BTreeMap<String, usize>,
    /// How many processes of oneshot jobs were left out, root or not.
    job_processes: usize,
}

/// Package processes by the ids of their last event: root and non-root; and which were left
/// out as no daemon.
///
/// A package program that a maintainer script ran and that ended while that script still ran
/// (`rtkitctl --reload` in a prerm, `foo --migrate` in a postinst) ran as root because dpkg
/// does, and is no daemon: it is left out. One the script started and that outlived it (a
/// postinst's `start-stop-daemon --background`, a `foo &`) is a daemon like any other.
///
/// Likewise a unit's control command: a process systemd started for a unit (its child in the
/// unit's cgroup) while an older process of that cgroup, the daemon, was running, and that
/// ended while the daemon still ran (`ExecReload=/usr/sbin/avahi-daemon -r`, which signals the
/// daemon and exits; `ExecStop=`, `ExecStartPost=`). The unit file asks for it and the
/// reviewer can read it there; its calls stay evidence for every other claim. A unit's first
/// process (`ExecStartPre=`, `ExecStart=` of a forking daemon) has no older process beside it
/// and counts as any other.
///
/// With `jobs` (a "no daemon as root" claim) and a `vm check` run's record of the units
/// ([`Package::unit_runs`]): a process of a oneshot unit's job (in one of its cgroups) that
/// ended before the job it began in (start, reload, stop) finished or failed is the job, not a
/// daemon, and is left out (tlp.service's script run at boot). One that outlived its job
/// counts, as does every process of a unit a socket or D-Bus name starts on demand, whatever
/// its type. Without the record nothing is left out this way.
fn run_as<'a>(
    trace: &'a Trace,
    attribution: &Attribution,
    package: &Package,
    jobs: bool,
) -> RunAs<'a> {
    // The oneshot units' cgroups (a vm run's snapshots and the trace's unit-started roots).
    let mut oneshot_cgroups: HashMap<u64, (&str, &crate::claims::UnitRun)> = HashMap::new();
    if jobs {
        for (unit, run) in package.unit_runs.iter().filter(|(_, r)| r.oneshot_job()) {
            let snapshot = package
                .unit_cgroups
                .iter()
                .filter(|(_, u)| *u == unit)
                .map(|(c, _)| *c);
            for c in run.cgroups.iter().copied().chain(snapshot) {
                oneshot_cgroups.insert(c, (unit.as_str(), run));
            }
        }
    }
    // Each package process's first event's time; those of a oneshot's job that ended within
    // it: pid -> (seq of its exit, unit).
    let mut first_time: HashMap<u32, &str> = HashMap::new();
    let mut in_job: HashMap<u32, Vec<(u64, &str)>> = HashMap::new();
    // Each process's nearest maintainer-script ancestor, and who has exited so far.
    let mut script_of: HashMap<u32, u32> = HashMap::new();
    let mut exited: HashSet<u32> = HashSet::new();
    let mut helpers: HashSet<u32> = HashSet::new();
    // Package processes alive per cgroup, with the seq of each one's first event; systemd's
    // children for a unit; the argv each last exec'd.
    let mut alive: HashMap<u64, HashMap<u32, u64>> = HashMap::new();
    let mut cgroup_of: HashMap<u32, u64> = HashMap::new();
    let mut managed: HashSet<u32> = HashSet::new();
    let mut argv_of: HashMap<u32, String> = HashMap::new();
    // (pid, seq of its exit, label): a pid used again later is another process.
    let mut control: Vec<(u32, u64, String)> = Vec::new();
    for (i, (ev, o)) in trace.events.iter().zip(&attribution.per_event).enumerate() {
        if *o == Origin::Package && !cgroup_of.contains_key(&ev.pid) {
            cgroup_of.insert(ev.pid, ev.cgroup_id);
            first_time.insert(ev.pid, ev.time.as_str());
            alive
                .entry(ev.cgroup_id)
                .or_default()
                .insert(ev.pid, ev.seq);
            if attribution.programs.manager_unit(i).is_some() {
                managed.insert(ev.pid);
            }
        }
        if let EventData::Exec { argv, .. } = &ev.data
            && ev.result.as_ref().is_none_or(|r| r.ok())
        {
            argv_of.insert(ev.pid, argv.join(" "));
        }
        match &ev.data {
            EventData::Fork {
                child_pid,
                thread: false,
                ..
            } => {
                let script = if *o == Origin::MaintainerScript {
                    Some(ev.pid)
                } else {
                    script_of.get(&ev.pid).copied()
                };
                match script {
                    Some(s) => script_of.insert(*child_pid, s),
                    None => script_of.remove(child_pid),
                };
                exited.remove(child_pid);
                helpers.remove(child_pid);
                first_time.remove(child_pid);
                if let Some(cgroup) = cgroup_of.remove(child_pid)
                    && let Some(peers) = alive.get_mut(&cgroup)
                {
                    peers.remove(child_pid);
                }
                managed.remove(child_pid);
            }
            // The process's exit (its leader's): a thread ending is not the process ending.
            EventData::Exit { .. } if ev.pid == ev.tid => {
                if *o == Origin::Package
                    && script_of.get(&ev.pid).is_some_and(|s| !exited.contains(s))
                {
                    helpers.insert(ev.pid);
                }
                exited.insert(ev.pid);
                if let Some(cgroup) = cgroup_of.get(&ev.pid)
                    && let Some((unit, run)) = oneshot_cgroups.get(cgroup)
                    && let Some(first) = first_time.get(&ev.pid)
                    && run
                        .job_done_after(first)
                        .is_some_and(|done| ev.time.as_str() <= done)
                {
                    in_job.entry(ev.pid).or_default().push((ev.seq, unit));
                }
                first_time.remove(&ev.pid);
                if let Some(cgroup) = cgroup_of.remove(&ev.pid) {
                    let peers = alive.entry(cgroup).or_default();
                    if let Some(first) = peers.remove(&ev.pid)
                        && managed.contains(&ev.pid)
                        && peers.values().any(|&since| since < first)
                    {
                        let argv = argv_of.get(&ev.pid).map_or("", String::as_str);
                        control.push((ev.pid, ev.seq, format!("pid {} ({argv})", ev.pid)));
                    }
                }
            }
            _ => {}
        }
    }
    let mut last: Vec<(u32, &Event)> = Vec::new();
    // Root in all but the last ids seen: taken back after a drop, kept as the saved uid, or
    // held as capabilities. The first such event per process, with why.
    let mut privilege = Privilege::default();
    let mut kept: HashMap<u32, (&Event, String)> = HashMap::new();
    // A oneshot job's process left out: (pid, seq of its exit) -> (unit, last seen as root).
    let mut job_root: HashMap<(u32, u64), (&str, bool)> = HashMap::new();
    for (i, (ev, o)) in trace.events.iter().zip(&attribution.per_event).enumerate() {
        if *o == Origin::Package
            && let Some((exit, unit)) = in_job
                .get(&ev.pid)
                .and_then(|v| v.iter().find(|(exit, _)| ev.seq <= *exit))
        {
            let euid = ev.ids.euid.unwrap_or(ev.ids.uid);
            job_root.insert((ev.pid, *exit), (unit, euid == 0));
            privilege.forget(ev);
            continue;
        }
        // systemd's child setting up a unit runs as root before the unit's `User=` applies:
        // that is the service manager, not a daemon of the package.
        if *o != Origin::Package
            || helpers.contains(&ev.pid)
            || control
                .iter()
                .any(|(pid, exit, _)| *pid == ev.pid && ev.seq <= *exit)
            || attribution.programs.manager_unit(i).is_some()
        {
            privilege.forget(ev);
            continue;
        }
        if let Some(why) = privilege.step(ev) {
            kept.entry(ev.pid).or_insert((ev, why));
        }
        match last.iter_mut().find(|(p, _)| *p == ev.pid) {
            Some(slot) => slot.1 = ev,
            None => last.push((ev.pid, ev)),
        }
    }
    let mut root = Vec::new();
    let mut non_root = Vec::new();
    for (_, ev) in last {
        let euid = ev.ids.euid.unwrap_or(ev.ids.uid);
        if euid != 0 {
            let at_end = privilege.at_end(ev.pid);
            if let Some((first, why)) = kept.remove(&ev.pid).or(at_end.map(|w| (ev, w))) {
                root.push((first, format!("process {} ({}) {why}", ev.pid, ev.comm)));
                continue;
            }
        }
        let what = format!(
            "process {} ({}) last seen with uid {} euid {}",
            ev.pid,
            ev.comm,
            ev.ids.uid,
            ev.ids
                .euid
                .map_or_else(|| "unknown".to_owned(), |e| e.to_string())
        );
        if euid == 0 {
            root.push((ev, what));
        } else {
            non_root.push((ev, what));
        }
    }
    RunAs {
        root,
        non_root,
        helpers: helpers.len(),
        control: control.into_iter().map(|(_, _, label)| label).collect(),
        job_processes: job_root.len(),
        oneshot: job_root.into_values().filter(|(_, root)| *root).fold(
            BTreeMap::new(),
            |mut m, (unit, _)| {
                *m.entry(unit.to_owned()).or_insert(0) += 1;
                m
            },
        ),
    }
}
