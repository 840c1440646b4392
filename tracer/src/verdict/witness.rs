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

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Attribution, Judgement, Status, rules::scope};
use crate::{
    claims::{Check, Claim, Expect, Package, Source},
    trace::{EventData, Trace},
};

/// One phase of the run, as in `phases.jsonl` (guest wall clock, the trace's `time`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseWindow {
    pub phase: String,
    pub start: String,
    pub end: Option<String>,
}

/// What a run exercised, as `vm check` saw it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exercised {
    pub phases: Vec<PhaseWindow>,
    /// Services still active after the exercise: the daemon ran past start-up.
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
    /// The install failed (`phase install ended with status 100`): nothing was started or
    /// exercised after it.
    #[serde(default)]
    pub install_failed: Option<String>,
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
                    .filter(|s| {
                        let file = s.split_whitespace().next().unwrap_or("");
                        kind.is_none_or(|k| file == k || file.ends_with(&format!(".{k}")))
                    })
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
            .filter(|s| {
                let file = s.split_whitespace().next().unwrap_or("");
                kind.is_none_or(|k| file == k || file.ends_with(&format!(".{k}")))
            })
            .map(String::as_str)
            .collect();
        (!failed.is_empty()).then(|| failed.join(", "))
    }

    /// Why no unit ran, when the install failed before any was started.
    fn no_unit_after_failed_install(&self) -> Option<String> {
        let why = self.install_failed.as_ref()?;
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
        Check::InstallsTimers => Family::Timer,
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
            (None, None) => Err(format!(
                "the package's {} never ran",
                kind.unwrap_or("maintainer scripts")
            )),
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
                if let Family::MaintainerScript(_) = family(&v.claim)
                    && v.gaps.is_empty()
                {
                    let seen = script_commands(trace, &attribution, v.claim.check);
                    if !seen.is_empty() {
                        v.status = Status::Contradicted;
                        v.reason = format!(
                            "{w}, and none of the {} such command(s) the maintainer scripts ran does it",
                            seen.len()
                        );
                        for (ev, what) in seen {
                            v.evidence
                                .push(super::item(ev, super::Origin::MaintainerScript, what));
                        }
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

/// The maintainer scripts' commands a claim about them is about (chmod, chown, chgrp for the
/// mix-up; useradd, adduser, groupadd, addgroup for added groups).
fn script_commands<'a>(
    trace: &'a Trace,
    attribution: &Attribution,
    check: Check,
) -> Vec<(&'a crate::trace::Event, String)> {
    let tools: &[&str] = match check {
        Check::ChmodChownMixup => &["chmod", "chown", "chgrp"],
        Check::MaintainerAddsGroups => &["useradd", "adduser", "groupadd", "addgroup"],
        _ => &[],
    };
    trace
        .events
        .iter()
        .zip(&attribution.per_event)
        .filter(|(_, o)| **o == super::Origin::MaintainerScript)
        .filter_map(|(ev, _)| match &ev.data {
            EventData::Exec { argv, .. }
                if argv
                    .first()
                    .is_some_and(|a| tools.contains(&super::attribution::basename(a))) =>
            {
                Some((ev, crate::trace::describe::shown_argv(argv)))
            }
            _ => None,
        })
        .collect()
}
