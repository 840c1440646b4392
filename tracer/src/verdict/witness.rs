//! A witness for "held": a claim is held only when what it is about had a chance to happen.
//!
//! A trace with nothing contradicting a claim says little if the behaviour never ran: an
//! endpoint claim about a daemon that died at start-up, a postinst claim when the postinst
//! took another branch or never ran, a timer claim when the timer never fired. `vm check`
//! knows what it exercised (phases, units that ran past start-up, timer services run,
//! maintainer scripts per phase) and writes it as `exercised.json`; `tracer check --exercised`
//! reads it, and this module turns a "held" without its witness into "not exercised", naming
//! what was missing. It also lists, per claim, the phases whose events the claim was judged
//! on. A trace recorded without `vm check` has no such record: its verdicts are unchanged.

use std::collections::{BTreeMap, HashSet};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Attribution, Judgement, Status, Verdict, rules::scope};
use crate::{
    claims::{Check, Claim, Expect, Package, Source},
    trace::{EventData, Trace},
};

/// One phase of the run, as in `phases.jsonl` (guest wall clock, the trace's `time`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PhaseWindow {
    pub phase: String,
    pub start: String,
    pub end: Option<String>,
}

/// The version of `exercised.json` this tracer writes. 2: `units` (each unit's type, what
/// activates it, its cgroups and start jobs). A record without `version` is 1.
pub const EXERCISED_VERSION: u32 = 2;

fn version_one() -> u32 {
    1
}

/// What a run exercised, as `vm check` saw it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Exercised {
    /// [`EXERCISED_VERSION`] when written; 1 for a record from before versions.
    #[serde(default = "version_one")]
    pub version: u32,
    pub phases: Vec<PhaseWindow>,
    /// Services still active after the exercise or the trigger phase: the daemon ran past
    /// start-up.
    #[serde(default)]
    pub ran_past_startup: Vec<String>,
    /// Services of timers that ran (fired by the trigger phase).
    #[serde(default)]
    pub timer_services_run: Vec<String>,
    /// Units whose start failed.
    #[serde(default)]
    pub failed_units: Vec<String>,
    /// Per phase, the package's maintainer scripts that ran (`PKG.postinst configure`).
    #[serde(default)]
    pub maintainer_scripts: BTreeMap<String, Vec<String>>,
    /// The maintainer scripts that failed (`PKG.postinst configure in install: exit status
    /// 1`): what such a script does after the failure never ran.
    #[serde(default)]
    pub failed_scripts: Vec<String>,
    /// The same failures with where they are in the trace: what a failed script did up to its
    /// failure is evidence for the claims about it (an `exercised.json` written before this
    /// field has only `failed_scripts`, and its failures are judged by name alone).
    #[serde(default)]
    pub script_failures: Vec<ScriptFailure>,
    /// The install failed (`phase install ended with status 100`): nothing was started or
    /// exercised after it.
    #[serde(default)]
    pub install_failed: Option<String>,
    /// The cgroups of the package's units (directory inode -> unit name), from the guest's
    /// snapshots: what systemd does in them for the unit (binding a socket unit's ports) is
    /// judged as the package's (see [`crate::claims::Package::unit_cgroups`]).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub unit_cgroups: BTreeMap<u64, String>,
    /// How each of the package's units ran (see [`crate::claims::Package::unit_runs`]): a
    /// record without it leaves every process judged as before.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub units: BTreeMap<String, crate::claims::UnitRun>,
}

/// A maintainer script of the package that exited non-zero or was killed, as the trace shows
/// it: its process from its exec to its exit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ScriptFailure {
    /// The script and dpkg's first argument: `masakari-common.postinst configure`.
    pub script: String,
    /// The phase it exited in.
    pub phase: String,
    /// `exit status 1`, `killed by signal 9`.
    pub how: String,
    /// The script's process.
    pub pid: u32,
    /// `seq` of the script's exec and of its process's exit: what its tree did between them
    /// is all it did.
    pub exec_seq: u64,
    pub exit_seq: u64,
}

impl std::fmt::Display for ScriptFailure {
    /// `masakari-common.postinst configure in install: exit status 1`, as `failed_scripts`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} in {}: {}", self.script, self.phase, self.how)
    }
}

/// Whether a script name (`PKG.postinst configure`, `postinst`) is of `kind` (any, when
/// `None`).
fn of_kind(script: &str, kind: Option<&str>) -> bool {
    let file = script.split_whitespace().next().unwrap_or("");
    kind.is_none_or(|k| file == k || file.ends_with(&format!(".{k}")))
}

impl Exercised {
    /// The phase whose window holds `time` (the latest-starting one when windows nest).
    pub fn phase_at(&self, time: &str) -> Option<&str> {
        self.phases
            .iter()
            .filter(|p| p.start.as_str() <= time && p.end.as_deref().is_none_or(|e| time <= e))
            .max_by(|a, b| a.start.cmp(&b.start))
            .map(|p| p.phase.as_str())
    }

    /// Every script of `kind` (any, when `None`) that ran, with its phase: `PKG.postinst
    /// configure in install, …`.
    fn script_ran(&self, kind: Option<&str>) -> Option<String> {
        let ran: Vec<String> = self
            .maintainer_scripts
            .iter()
            .flat_map(|(phase, scripts)| {
                scripts
                    .iter()
                    .filter(|s| of_kind(s, kind))
                    .map(move |s| format!("{s} in {phase}"))
            })
            .collect();
        (!ran.is_empty()).then(|| ran.join(", "))
    }

    /// The scripts of `kind` (any, when `None`) that failed.
    fn script_failed(&self, kind: Option<&str>) -> Option<String> {
        let failed: Vec<&str> = self
            .failed_scripts
            .iter()
            .filter(|s| of_kind(s, kind))
            .map(String::as_str)
            .collect();
        (!failed.is_empty()).then(|| failed.join(", "))
    }

    /// The located failures of scripts of `kind` (any, when `None`).
    fn failures_of(&self, kind: Option<&str>) -> Vec<&ScriptFailure> {
        self.script_failures
            .iter()
            .filter(|f| of_kind(&f.script, kind))
            .collect()
    }

    /// The install's failure in words: the scripts that failed in it, then the phase's status
    /// (`masakari-common.postinst configure in install: exit status 1; phase install ended
    /// with status 100`).
    fn install_failure(&self) -> Option<String> {
        let phase = self.install_failed.as_ref()?;
        let scripts: Vec<&str> = self
            .failed_scripts
            .iter()
            .filter(|s| {
                ["install-old", "install", "upgrade"]
                    .iter()
                    .any(|p| s.contains(&format!(" in {p}:")))
            })
            .map(String::as_str)
            .collect();
        Some(if scripts.is_empty() {
            phase.clone()
        } else {
            format!("{}; {phase}", scripts.join(", "))
        })
    }

    /// Why no unit ran, when the install failed before any was started.
    fn no_unit_after_failed_install(&self) -> Option<String> {
        let why = self.install_failure()?;
        (self.ran_past_startup.is_empty() && self.timer_services_run.is_empty())
            .then(|| format!("the install failed ({why}) and no unit of the package was started"))
    }
}

/// The claim families a witness is asked of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Listening, binding, connecting: the daemon must run past start-up.
    NetworkEndpoint,
    /// What a maintainer script does: that script must have run (`None`: any of them).
    MaintainerScript(Option<&'static str>),
    /// What a timer runs: the timer's service must have run.
    Timer,
    /// What the daemon does: when units were started, one must have kept running (a claim
    /// about a unit that never started is not exercised).
    Daemon,
    /// Everything else (contents, what scripts and daemons both do): judged as before.
    Other,
}

const SCRIPTS: &[&str] = &["preinst", "postinst", "prerm", "postrm", "config"];

/// Which family a claim is in: by its check, and for a review's own words, by what the
/// statement names (a script, a timer).
pub fn family(claim: &Claim) -> Family {
    let text = match &claim.source {
        Source::Review { text, .. } => text.to_lowercase(),
        _ => String::new(),
    };
    let named_script = SCRIPTS.iter().copied().find(|s| {
        text.split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| w == *s)
    });
    match claim.check {
        Check::ExternalEndpoint
        | Check::OpensPort
        | Check::PrivilegedPorts
        | Check::Networking
        | Check::OutgoingDestinations => Family::NetworkEndpoint,
        Check::MaintainerAddsGroups | Check::ChmodChownMixup => {
            Family::MaintainerScript(named_script)
        }
        // What the install put on disk is read from the contents manifest, whatever ran:
        // "installs no timers" cannot wait for a timer's service, and neither can a cron or
        // service claim written on the same line as a timer.
        c if c.is_contents() => Family::Other,
        _ if text.contains("timer") => Family::Timer,
        _ if named_script.is_some() || text.contains("maintainer script") => {
            Family::MaintainerScript(named_script)
        }
        c if !c.is_contents() && scope(c) == [super::Origin::Package] => Family::Daemon,
        _ => Family::Other,
    }
}

/// What the claim's witness is, when the run had it; `Err` with what was missing.
pub fn witness(claim: &Claim, ex: &Exercised) -> Result<Option<String>, String> {
    let family = family(claim);
    if let (Family::Daemon | Family::NetworkEndpoint | Family::Timer, Some(why)) =
        (family, ex.no_unit_after_failed_install())
    {
        return Err(why);
    }
    match family {
        Family::Other => Ok(None),
        Family::Daemon => match (ex.ran_past_startup.as_slice(), ex.failed_units.as_slice()) {
            ([], []) => Ok(None),
            ([], failed) => Err(format!(
                "no unit of the package kept running ({} failed to start)",
                failed.join(", ")
            )),
            (units, _) => Ok(Some(format!("{} ran past start-up", units.join(", ")))),
        },
        Family::NetworkEndpoint => match ex.ran_past_startup.as_slice() {
            [] if ex.failed_units.is_empty() => {
                Err("no daemon of the package ran past start-up".to_owned())
            }
            [] => Err(format!(
                "no daemon of the package ran past start-up ({} failed to start)",
                ex.failed_units.join(", ")
            )),
            units => Ok(Some(format!("{} ran past start-up", units.join(", ")))),
        },
        // A script that failed stopped part-way: what it does after that point never ran.
        Family::MaintainerScript(kind) => match (ex.script_ran(kind), ex.script_failed(kind)) {
            (_, Some(f)) => Err(format!(
                "{f} (what the script does after its failure never ran)"
            )),
            (Some(s), None) => Ok(Some(format!("{s} ran"))),
            // A preinst that failed leaves the postinst unrun: the install's failure says why.
            (None, None) => Err(match ex.install_failure() {
                Some(why) => format!(
                    "the package's {} never ran (the install failed: {why})",
                    kind.unwrap_or("maintainer scripts")
                ),
                None => format!(
                    "the package's {} never ran",
                    kind.unwrap_or("maintainer scripts")
                ),
            }),
        },
        Family::Timer => match ex.timer_services_run.as_slice() {
            [] => Err("no timer's service of the package ran".to_owned()),
            s => Ok(Some(format!("timer service(s) {} ran", s.join(", ")))),
        },
    }
}

/// Applies the witness rule and the per-claim phases to a judgement made on `trace`.
pub fn apply(judgement: &mut Judgement, trace: &Trace, package: &Package, ex: &Exercised) {
    let attribution = Attribution::compute(trace, package);
    for v in &mut judgement.verdicts {
        let in_scope = scope(v.claim.check);
        let mut covered: Vec<String> = Vec::new();
        for (ev, o) in trace.events.iter().zip(&attribution.per_event) {
            if !in_scope.contains(o) {
                continue;
            }
            if let Some(p) = ex.phase_at(&ev.time)
                && !covered.iter().any(|c| c == p)
            {
                covered.push(p.to_owned());
            }
        }
        v.covered_by = covered;
        let family = family(&v.claim);
        if let Family::MaintainerScript(kind) = family
            && let Some(failed) = ex.script_failed(kind)
        {
            after_script_failure(v, trace, &attribution, ex, kind, &failed);
            continue;
        }
        match witness(&v.claim, ex) {
            // A "does X" claim held by its own events needs no other witness.
            Err(missing) if v.status == Status::Held && v.claim.expect == Expect::Absent => {
                v.status = Status::NotExercised;
                v.reason = format!(
                    "nothing contradicts it, but it was never exercised: {missing} (\"held\" needs it)"
                );
            }
            // A failed install explains a claim that found nothing to judge.
            Err(missing)
                if v.status == Status::NotExercised
                    && ex.install_failed.is_some()
                    && !v.reason.contains(&missing) =>
            {
                v.reason.push_str(&format!(" ({missing})"));
            }
            Ok(Some(w))
                if v.status == Status::NotExercised && v.claim.expect == Expect::Present =>
            {
                // The behaviour had its chance and did not happen: for a claim that a
                // maintainer script does X, the script's own commands are the evidence.
                if let Family::MaintainerScript(_) = family
                    && v.gaps.is_empty()
                {
                    let seen = script_commands(trace, &attribution, v.claim.check);
                    if !seen.is_empty() {
                        v.status = Status::Contradicted;
                        v.reason = format!(
                            "{w}, and none of the {} such command(s) the maintainer scripts ran does it",
                            seen.len()
                        );
                        push_commands(v, seen);
                    }
                }
            }
            Ok(Some(w)) if v.status == Status::Held => {
                v.reason.push_str(&format!(" (witness: {w})"));
            }
            _ => {}
        }
    }
}

/// A claim about a maintainer script that failed (exited non-zero or was killed) is judged
/// on what the script did up to its failure; nothing it would have done after it ran.
///
/// - What it did is evidence whatever came after: an X seen holds "does X" and contradicts
///   "no X".
/// - "No X" with no X seen is never held: the rest of the script never ran, and X may be in
///   it. It is "not exercised", naming the failure and, when the script failed before it ran
///   any command the claim is about (no chmod, chown or chgrp for the mix-up), saying so.
/// - "Does X" with no X seen is contradicted, as for a script that ran through, only when
///   every failed script of the kind ran commands the claim is about before its failure (the
///   code the claim is about ran, and those commands are the evidence, listed); when one
///   failed before any of them, the code the claim is about never ran: "not exercised".
fn after_script_failure(
    v: &mut Verdict,
    trace: &Trace,
    attribution: &Attribution,
    ex: &Exercised,
    kind: Option<&str>,
    failed: &str,
) {
    let tools = script_tools(v.claim.check);
    let after = "what the script does after its failure never ran";
    // Each failure located in the trace, with how many of the claim's commands its process
    // tree ran before it. A record without locations (an older exercised.json) names the
    // failures only.
    let located = ex.failures_of(kind);
    let all_located = located.len()
        == ex
            .failed_scripts
            .iter()
            .filter(|s| of_kind(s, kind))
            .count();
    let ran: Vec<(&ScriptFailure, usize)> = located
        .iter()
        .map(|f| (*f, commands_before_failure(trace, f, tools)))
        .collect();
    let before_any: Vec<String> = ran
        .iter()
        .filter(|(_, n)| *n == 0)
        .map(|(f, _)| f.to_string())
        .collect();
    let reached = !tools.is_empty() && all_located && !ran.is_empty() && before_any.is_empty();
    let named_tools = or_list(tools);
    let why = if !tools.is_empty() && !before_any.is_empty() {
        format!(
            "{} before it ran any {named_tools}: the code the claim is about never ran, and {after}",
            before_any.join(", ")
        )
    } else {
        format!("{failed} ({after})")
    };
    match (v.status, v.claim.expect) {
        // X seen: evidence, whatever the script did next.
        (Status::Held, Expect::Present) | (Status::Contradicted, Expect::Absent) => {
            v.reason.push_str(&format!(
                " ({failed}: what ran up to the failure is evidence)"
            ));
        }
        (Status::Held, _) => {
            v.status = Status::NotExercised;
            v.reason = if reached {
                format!(
                    "nothing contradicts it up to the failure, but {failed}: {after} (\"held\" needs the script to run to completion)"
                )
            } else {
                format!(
                    "nothing contradicts it, but it was never exercised: {why} (\"held\" needs the script to run to completion)"
                )
            };
        }
        (Status::NotExercised, Expect::Present) if reached && v.gaps.is_empty() => {
            let seen = script_commands(trace, attribution, v.claim.check);
            if seen.is_empty() {
                v.reason.push_str(&format!(" ({why})"));
                return;
            }
            let per_script: Vec<String> = ran
                .iter()
                .map(|(f, n)| format!("{f} after {n} of them"))
                .collect();
            let ran_scripts = ex
                .script_ran(kind)
                .map_or_else(String::new, |s| format!("{s} ran, and "));
            v.status = Status::Contradicted;
            v.reason = format!(
                "{ran_scripts}none of the {} such command(s) the maintainer scripts ran does it; judged on what ran up to the failure: {} ({after})",
                seen.len(),
                per_script.join(", ")
            );
            push_commands(v, seen);
        }
        _ => {
            if !v.reason.contains(failed) {
                v.reason.push_str(&format!(" ({why})"));
            }
        }
    }
}

/// "a, b or c".
fn or_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// The commands a claim about maintainer scripts is about (chmod, chown, chgrp for the
/// mix-up; useradd, adduser, groupadd, addgroup for added groups); none for the others.
fn script_tools(check: Check) -> &'static [&'static str] {
    match check {
        Check::ChmodChownMixup => &["chmod", "chown", "chgrp"],
        Check::MaintainerAddsGroups => &["useradd", "adduser", "groupadd", "addgroup"],
        _ => &[],
    }
}

/// Whether an exec runs one of `tools`: by its program (`/usr/sbin/addgroup`, a Perl script
/// whose argv starts with the interpreter) or its argv[0].
fn runs_tool(path: &str, argv: &[String], tools: &[&str]) -> bool {
    use super::attribution::basename;
    tools.contains(&basename(path)) || argv.first().is_some_and(|a| tools.contains(&basename(a)))
}

/// How many of `tools` the failed script's process tree ran (successful execs) between its
/// exec and its exit.
fn commands_before_failure(trace: &Trace, f: &ScriptFailure, tools: &[&str]) -> usize {
    if tools.is_empty() {
        return 0;
    }
    let mut tree: HashSet<u32> = HashSet::from([f.pid]);
    let mut n = 0;
    for ev in trace
        .events
        .iter()
        .filter(|e| (f.exec_seq..=f.exit_seq).contains(&e.seq))
    {
        if !tree.contains(&ev.pid) {
            continue;
        }
        match &ev.data {
            EventData::Fork {
                child_pid,
                thread: false,
                ..
            } => {
                tree.insert(*child_pid);
            }
            EventData::Exec { path, argv, .. }
                if ev.result.as_ref().is_none_or(|r| r.ok())
                    && runs_tool(path.best(), argv, tools) =>
            {
                n += 1;
            }
            _ => {}
        }
    }
    n
}

fn push_commands(v: &mut Verdict, seen: Vec<(&crate::trace::Event, String)>) {
    for (ev, what) in seen {
        v.evidence
            .push(super::item(ev, super::Origin::MaintainerScript, what));
    }
}

/// The maintainer scripts' commands a claim about them is about ([`script_tools`]).
fn script_commands<'a>(
    trace: &'a Trace,
    attribution: &Attribution,
    check: Check,
) -> Vec<(&'a crate::trace::Event, String)> {
    let tools = script_tools(check);
    trace
        .events
        .iter()
        .zip(&attribution.per_event)
        .filter(|(_, o)| **o == super::Origin::MaintainerScript)
        .filter_map(|(ev, _)| match &ev.data {
            EventData::Exec { path, argv, .. }
                if ev.result.as_ref().is_none_or(|r| r.ok())
                    && runs_tool(path.best(), argv, tools) =>
            {
                Some((ev, crate::trace::describe::shown_argv(argv)))
            }
            _ => None,
        })
        .collect()
}
