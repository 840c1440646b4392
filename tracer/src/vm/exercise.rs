//! What `vm check` does to the package's units, and what came of it.
//!
//! A review talks about more than a first start: what a reload does, a restart, the timers
//! and socket activation. So the guest (`exercise.sh`, sourced into job.sh) picks the units
//! the package enables after install plus what their sockets, timers, paths and D-Bus files
//! activate (not every unit file shipped: chrony-wait.service waits for a clock sync that
//! never comes offline), starts each with a bounded time-out, and after the exercise runs the
//! lifecycle as phases of their own: reload (units that can), restart, trigger (each timer's
//! service started, one connection to each socket unit on loopback or its unix path, each
//! D-Bus name asked of the system bus again if its service went away), stop. A service only a
//! D-Bus file starts is not started by name: the start phase asks the bus for its name, the
//! activation a client's first call would make, so it runs through the exercise.
//! Every step leaves one line in `units.jsonl`; a failed step leaves the unit's journal tail.
//! The host reads them back here: the failures go to the report's first lines, and the
//! coverage (what ran, per phase) to its table and to the verdicts' witness.

use std::{collections::BTreeMap, fmt::Write as _, fs, path::Path, time::Duration};

use crate::{
    claims::UnitRun,
    trace::{EventData, Trace},
    verdict::witness::{Exercised, PhaseWindow, ScriptFailure},
};

use super::check::Phase;

/// The guest functions (`select_units`, `start_units`, `lifecycle`, `unit_step`).
pub const EXERCISE_SH: &str = include_str!("exercise.sh");

/// The most one start, reload, restart or stop may take. systemd's own default is 90 s per
/// unit, and a unit waiting on something that never comes offline used it whole; this keeps a
/// run's length bounded by the number of units.
pub const UNIT_TIMEOUT: Duration = Duration::from_secs(60);

/// One step on one unit, as the guest noted it (`units.jsonl`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UnitStep {
    pub unit: String,
    /// `start`, `reload`, `restart`, `trigger` (a timer's service started), `connect` (to a
    /// socket unit), `activate` (a D-Bus name asked for) or `stop`.
    pub step: String,
    /// systemctl's exit status (124: the time-out); null for a step skipped.
    pub status: Option<i32>,
    #[serde(default)]
    pub timed_out: bool,
    /// The unit's ActiveState right after the step.
    #[serde(default)]
    pub state: String,
    /// systemd's Result for the unit (`exit-code`, `timeout`, …).
    #[serde(default)]
    pub result: String,
    pub time: String,
    /// For `connect`: the address connected to (`tcp:127.0.0.1:PORT`, `unix:PATH`); for
    /// `activate`, the bus name (`dbus:NAME`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Why a step was not taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
}

impl UnitStep {
    pub fn ok(&self) -> bool {
        self.status == Some(0)
    }
}

/// A step that failed, with the unit's journal tail.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UnitFailure {
    pub unit: String,
    pub step: String,
    /// In words: exit status, time-out, state.
    pub why: String,
    pub journal_tail: String,
}

/// The lines of `units.jsonl` that parse (the guest runs the package: a line it mangled is
/// dropped, never trusted).
pub fn steps_from_text(text: &str) -> Vec<UnitStep> {
    text.lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

pub fn read_steps(out: &Path) -> Vec<UnitStep> {
    steps_from_text(&fs::read_to_string(out.join("units.jsonl")).unwrap_or_default())
}

/// Every step that failed, with the journal tail the guest saved for it.
pub fn failures(out: &Path, steps: &[UnitStep]) -> Vec<UnitFailure> {
    steps
        .iter()
        .filter(|s| s.status.is_some_and(|st| st != 0))
        .map(|s| {
            let why = if s.timed_out {
                format!(
                    "no answer within {} s (cancelled), state {}",
                    UNIT_TIMEOUT.as_secs(),
                    s.state
                )
            } else {
                let mut w = format!("exit status {}, state {}", s.status.unwrap_or(-1), s.state);
                if !s.result.is_empty() && s.result != "success" {
                    let _ = write!(w, ", result {}", s.result);
                }
                w
            };
            // The unit name is the guest's; only a plain file name is looked up.
            let file = format!("{}.{}.txt", s.unit, s.step);
            let journal_tail = if file.contains('/') || file.starts_with('.') {
                String::new()
            } else {
                fs::read_to_string(out.join("unit-journal").join(file)).unwrap_or_default()
            };
            UnitFailure {
                unit: s.unit.clone(),
                step: s.step.clone(),
                why,
                journal_tail: journal_tail.trim_end().to_owned(),
            }
        })
        .collect()
}

/// The report's first lines when a unit failed: each failure and its journal tail, so that a
/// daemon that never ran is not read past.
pub fn failures_section(failures: &[UnitFailure]) -> String {
    if failures.is_empty() {
        return String::new();
    }
    let mut s = format!(
        "> **{} unit step(s) failed in the guest.** Claims about a unit that never ran are not exercised.\n",
        failures.len()
    );
    for f in failures {
        let _ = writeln!(s, ">\n> - `{}` {}: {}", f.unit, f.step, f.why);
        for l in f.journal_tail.lines() {
            let _ = writeln!(s, ">   `{}`", l.replace('`', "'"));
        }
    }
    s.push('\n');
    s
}

/// What the run exercised: the coverage table of the report, and what the witness of a "held"
/// verdict looks at.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Coverage {
    /// Units whose start succeeded.
    pub started: Vec<String>,
    /// Units whose start failed or timed out.
    pub failed: Vec<String>,
    /// Services still active after the exercise (or first started by the trigger phase and
    /// active at its end): they ran past start-up.
    pub ran_past_startup: Vec<String>,
    pub reloaded: Vec<String>,
    pub restarted: Vec<String>,
    /// Services started for a timer in the trigger phase.
    pub timers_fired: Vec<String>,
    /// Socket units connected to (`UNIT TARGET`).
    pub sockets_triggered: Vec<String>,
    /// Services started through the system bus, by asking for their D-Bus name (`UNIT
    /// dbus:NAME`).
    #[serde(default)]
    pub dbus_activated: Vec<String>,
    pub tests_run: usize,
    pub tests_passed: usize,
    /// Per phase, the maintainer scripts that ran in it (`postinst configure`, by file name).
    pub maintainer_scripts: BTreeMap<String, Vec<String>>,
    /// The maintainer scripts that exited non-zero or were killed, as the trace shows them
    /// (`PKG.postinst configure in install: exit status 1`).
    #[serde(default)]
    pub failed_scripts: Vec<String>,
    /// The same failures with the script's process and the span of the trace it ran in: the
    /// witness judges a claim about a failed script on what it did up to its failure.
    #[serde(default)]
    pub script_failures: Vec<ScriptFailure>,
    /// The cgroups of the package's units (directory inode -> unit), from the guest's
    /// snapshots (`cgroups.txt`): passed on to the verdicts in `exercised.json`.
    #[serde(default)]
    pub unit_cgroups: BTreeMap<u64, String>,
    /// How each unit ran: its type, what activates it, the cgroups the trace shows its
    /// processes in and when its jobs finished (`units-show.txt`, `unit-jobs.jsonl`).
    #[serde(default)]
    pub units: BTreeMap<String, UnitRun>,
}

impl Coverage {
    /// From the guest's unit steps and states, the phases and the trace.
    pub fn build(
        steps: &[UnitStep],
        states: &str,
        phases: &[Phase],
        trace: &Trace,
        package_owns: &dyn Fn(&str) -> bool,
    ) -> Self {
        let units = |step: &str, ok: bool| -> Vec<String> {
            let mut v: Vec<String> = steps
                .iter()
                .filter(|s| s.step == step && s.ok() == ok && s.status.is_some())
                .map(|s| match (&s.target, step) {
                    (Some(t), "connect" | "activate") => format!("{} {t}", s.unit),
                    _ => s.unit.clone(),
                })
                .collect();
            v.dedup();
            v
        };
        // `units-state.txt`: `PHASE UNIT STATE PID`, at the end of each phase. A service a
        // socket connection or a bus name first started in the trigger phase, still active at
        // its end, ran past start-up too.
        let mut ran: Vec<String> = states
            .lines()
            .filter_map(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                match f.as_slice() {
                    ["exercise" | "trigger", u, "active", pid]
                        if u.ends_with(".service") && *pid != "0" =>
                    {
                        Some((*u).to_owned())
                    }
                    _ => None,
                }
            })
            .collect();
        ran.sort();
        ran.dedup();
        let tests: Vec<&Phase> = phases
            .iter()
            .filter(|p| p.phase.starts_with("autopkgtest:"))
            .collect();
        let failures = script_failures(trace, phases, package_owns);
        Coverage {
            started: units("start", true),
            failed: units("start", false),
            ran_past_startup: ran,
            reloaded: units("reload", true),
            restarted: units("restart", true),
            timers_fired: units("trigger", true),
            sockets_triggered: units("connect", true),
            dbus_activated: units("activate", true),
            tests_run: tests
                .iter()
                .filter(|p| {
                    p.result
                        .is_some_and(|r| r != super::autopkgtest::TestResult::Skip)
                })
                .count(),
            tests_passed: tests
                .iter()
                .filter(|p| p.result == Some(super::autopkgtest::TestResult::Pass))
                .count(),
            maintainer_scripts: maintainer_scripts_by_phase(trace, phases, package_owns),
            failed_scripts: failures.iter().map(ToString::to_string).collect(),
            script_failures: failures,
            unit_cgroups: BTreeMap::new(),
            units: BTreeMap::new(),
        }
    }

    /// From a `vm check` output directory (`units.jsonl`, `units-state.txt`) with its phases
    /// and trace; `packages` and `source` say whose maintainer scripts count.
    pub fn from_dir(
        out: &Path,
        phases: &[Phase],
        trace: &Trace,
        packages: &[String],
        source: &str,
    ) -> Self {
        let steps = read_steps(out);
        let states = fs::read_to_string(out.join("units-state.txt")).unwrap_or_default();
        let owns = |script: &str| super::check::owns_script(packages, source, script);
        let mut coverage = Self::build(&steps, &states, phases, trace, &owns);
        let own = super::provenance::Ownership::read(out);
        let procs = super::provenance::package_processes(trace, &own, phases);
        coverage.units = unit_runs(
            &fs::read_to_string(out.join("units-show.txt")).unwrap_or_default(),
            &fs::read_to_string(out.join("unit-jobs.jsonl")).unwrap_or_default(),
            &own.dbus,
            &trace.events,
            &procs,
        );
        coverage.unit_cgroups = own.cgroups.into_iter().collect();
        coverage
    }

    /// The report's coverage table (Markdown).
    pub fn table(&self) -> String {
        let list = |v: &[String]| {
            if v.is_empty() {
                "-".to_owned()
            } else {
                v.iter()
                    .map(|u| format!("`{}`", u.replace('|', "\\|")))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        let mut s = String::from("| Exercised | Count | Which |\n|-----------|-------|-------|\n");
        let mut row = |what: &str, v: &[String]| {
            let _ = writeln!(s, "| {what} | {} | {} |", v.len(), list(v));
        };
        row("units started", &self.started);
        row("units failed to start", &self.failed);
        row("units reloaded", &self.reloaded);
        row("units restarted", &self.restarted);
        row("timers fired", &self.timers_fired);
        row("sockets triggered", &self.sockets_triggered);
        row("D-Bus services activated", &self.dbus_activated);
        let _ = writeln!(
            s,
            "| autopkgtest tests run / passed | {} / {} | |",
            self.tests_run, self.tests_passed
        );
        if self.maintainer_scripts.is_empty() {
            s.push_str("| maintainer scripts | 0 | - |\n");
        }
        for (phase, scripts) in &self.maintainer_scripts {
            let _ = writeln!(
                s,
                "| maintainer scripts ({phase}) | {} | {} |",
                scripts.len(),
                list(scripts)
            );
        }
        if !self.failed_scripts.is_empty() {
            let _ = writeln!(
                s,
                "| maintainer scripts failed | {} | {} |",
                self.failed_scripts.len(),
                list(&self.failed_scripts)
            );
        }
        s
    }
}

/// The journal's messages from systemd for a unit's job done: `SD_MESSAGE_UNIT_STARTED`
/// ("Started X.", "Finished X." for a oneshot), `SD_MESSAGE_UNIT_RELOADED`,
/// `SD_MESSAGE_UNIT_STOPPED` and `SD_MESSAGE_UNIT_FAILED` ("Failed to start X.": a start job
/// that failed ended too; ras-mc-ctl.service's on a machine without EDAC).
pub const JOB_DONE_MESSAGE_IDS: [&str; 4] = [
    super::provenance::UNIT_STARTED_MESSAGE_ID,
    "7b05ebc668384222baa8881179cfda54",
    "9d1aaa27d60140bd96365438aad20286",
    "be02cf6855d2428ba40df7e9d022f03d",
];

/// Each unit's job that finished, with the time (RFC 3339, the trace's clock), from
/// `journalctl -o json` lines of [`JOB_DONE_MESSAGE_IDS`]. As for
/// [`super::provenance::journal_unit_starts`], a line not from systemd (`_PID` 1, journald's
/// own field) is dropped, and so is one of another message.
pub fn jobs_done(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|j| {
            j["MESSAGE_ID"]
                .as_str()
                .is_some_and(|m| JOB_DONE_MESSAGE_IDS.contains(&m))
                && j["_PID"].as_str() == Some("1")
        })
        .filter_map(|j| super::provenance::journal_unit_time(&j))
        .collect()
}

/// How each unit ran, from the guest's `systemctl show -p Id,Type,TriggeredBy,BusName`
/// (`units-show.txt`: blocks of `Key=Value` lines, one per unit), the journal's job-done
/// messages (`unit-jobs.jsonl`, see [`jobs_done`]), the packages' D-Bus services (unit -> name) and the trace:
/// the cgroup each process a unit started (per `procs`) ran its first program in. A unit the
/// guest did not describe (a run before `units-show.txt`) has no type, and nothing is judged
/// differently for it.
pub fn unit_runs(
    show: &str,
    jobs: &str,
    dbus: &std::collections::HashMap<String, String>,
    events: &[crate::trace::Event],
    procs: &[super::provenance::PackageProcess],
) -> BTreeMap<String, UnitRun> {
    use super::provenance::StartedBy;
    let mut runs: BTreeMap<String, UnitRun> = BTreeMap::new();
    for block in show.split("\n\n") {
        let mut id = None;
        let mut run = UnitRun::default();
        for (k, v) in block.lines().filter_map(|l| l.split_once('=')) {
            let v = v.trim();
            match k.trim() {
                "Id" if !v.is_empty() => id = Some(v.to_owned()),
                "Type" if !v.is_empty() => run.service_type = Some(v.to_owned()),
                "TriggeredBy" => {
                    run.triggered_by = v.split_whitespace().map(str::to_owned).collect()
                }
                "BusName" if !v.is_empty() => run.bus_name = Some(v.to_owned()),
                _ => {}
            }
        }
        if let Some(id) = id {
            if run.bus_name.is_none() {
                run.bus_name = dbus.get(&id).cloned();
            }
            runs.insert(id, run);
        }
    }
    for (unit, time) in jobs_done(jobs) {
        if let Some(run) = runs.get_mut(&unit) {
            run.jobs_done.push(time);
        }
    }
    // Each unit-started process tree's root: the cgroup of its event at its start.
    let mut roots: BTreeMap<(u32, &str), &str> = BTreeMap::new();
    for p in procs {
        if let StartedBy::Unit { unit, .. }
        | StartedBy::Activation { unit, .. }
        | StartedBy::Timer { unit, .. } = &p.started_by
            && runs.contains_key(unit)
        {
            roots.insert((p.pid, p.time.as_str()), unit.as_str());
        }
    }
    let mut cgroups: Vec<(String, u64)> = Vec::new();
    for ev in events {
        if let Some(unit) = roots.remove(&(ev.pid, ev.time.as_str())) {
            cgroups.push((unit.to_owned(), ev.cgroup_id));
        }
    }
    for (unit, cgroup) in cgroups {
        if let Some(run) = runs.get_mut(&unit)
            && !run.cgroups.contains(&cgroup)
        {
            run.cgroups.push(cgroup);
        }
    }
    for run in runs.values_mut() {
        run.jobs_done.sort();
        run.cgroups.sort_unstable();
    }
    runs
}

/// The install phases, in the order the guest runs them.
const INSTALL_PHASES: &[&str] = &["install-old", "install", "upgrade"];

/// An install that failed: apt's status, which maintainer scripts failed, and the end of its
/// log. Everything after it (start, exercise, lifecycle) was skipped; the purge still ran.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InstallFailure {
    /// `install`, `upgrade` or `install-old`.
    pub phase: String,
    /// apt-get's exit status.
    pub status: i32,
    /// The package's maintainer scripts that failed, from the trace (their exit status).
    pub failed_scripts: Vec<String>,
    /// dpkg's own words on what failed (`installed X package post-installation script
    /// subprocess returned error exit status 1`), from the log.
    pub dpkg_errors: Vec<String>,
    /// The last lines of the phase's log (`install.log`, `install-old.log`).
    pub log_tail: String,
}

/// The install that failed, if one did: the first install phase with a non-zero status.
pub fn install_failure(
    out: &Path,
    phases: &[Phase],
    coverage: &Coverage,
) -> Option<InstallFailure> {
    let (phase, status) = failed_install(phases)?;
    // job.sh logs the install and the upgrade to install.log, the old version to its own.
    let log_name = if phase == "install-old" {
        "install-old.log"
    } else {
        "install.log"
    };
    let log = fs::read_to_string(out.join(log_name)).unwrap_or_default();
    let dpkg_errors = log
        .lines()
        .map(str::trim)
        .filter(|l| {
            l.starts_with("dpkg: error processing")
                || l.contains("script subprocess returned error exit status")
                || l.contains("subprocess was killed by signal")
        })
        .map(str::to_owned)
        .collect();
    let failed_scripts = coverage
        .failed_scripts
        .iter()
        .filter(|f| f.contains(&format!(" in {phase}:")))
        .cloned()
        .collect();
    Some(InstallFailure {
        phase: phase.to_owned(),
        status,
        failed_scripts,
        dpkg_errors,
        log_tail: super::util::tail(&log, 20).trim_end().to_owned(),
    })
}

/// The first install phase that ended with a non-zero status, and that status.
fn failed_install(phases: &[Phase]) -> Option<(&str, i32)> {
    phases.iter().find_map(|p| match p.status {
        Some(st) if st != 0 && INSTALL_PHASES.contains(&p.phase.as_str()) => {
            Some((p.phase.as_str(), st))
        }
        _ => None,
    })
}

/// The report's first lines when the install failed: the failing step, its status, the
/// scripts that failed with their exit status (first line), dpkg's words and the log's tail.
/// The verdicts below were judged on what ran up to the failure and in the purge.
pub fn install_failure_section(f: &InstallFailure) -> String {
    let quote = |l: &str| l.replace('`', "'");
    let scripts = if f.failed_scripts.is_empty() {
        String::new()
    } else {
        format!(
            ": {}",
            f.failed_scripts
                .iter()
                .map(|s| format!("`{}`", quote(s)))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let mut s = format!(
        "> **The install failed** (phase `{}`, apt-get exit status {}){scripts}. No unit was started and nothing was exercised after it; the verdicts below are judged on what ran until then and in the purge: a claim about a script that failed is judged on what it did up to its failure, and a claim whose behaviour the failure prevented is not exercised.\n",
        f.phase, f.status
    );
    for e in &f.dpkg_errors {
        let _ = writeln!(s, ">\n> - `{}`", quote(e));
    }
    if !f.log_tail.is_empty() {
        s.push_str(">\n> The log's last lines:\n>\n");
        for l in f.log_tail.lines() {
            let _ = writeln!(s, ">   `{}`", quote(l));
        }
    }
    s.push('\n');
    s
}

/// The report's first lines for the package's maintainer scripts that failed outside a failed
/// install (a prerm or postrm in the purge, a script whose failure dpkg let pass): each with
/// its phase and exit status. Those of a failed install are in [`install_failure_section`].
pub fn script_failures_section(coverage: &Coverage, install: Option<&InstallFailure>) -> String {
    let others: Vec<String> = coverage
        .failed_scripts
        .iter()
        .filter(|s| install.is_none_or(|f| !f.failed_scripts.contains(s)))
        .map(|s| format!("`{}`", s.replace('`', "'")))
        .collect();
    if others.is_empty() {
        return String::new();
    }
    format!(
        "> **{} maintainer script(s) failed**: {}. A claim about a script that failed is judged on what it did up to its failure; what it does after it never ran.\n\n",
        others.len(),
        others.join(", ")
    )
}

/// What the verdicts' witness needs of this run (`exercised.json`, `tracer check --exercised`).
pub fn exercised(coverage: &Coverage, phases: &[Phase]) -> Exercised {
    Exercised {
        version: crate::verdict::witness::EXERCISED_VERSION,
        phases: phases
            .iter()
            .map(|p| PhaseWindow {
                phase: p.phase.clone(),
                start: p.start.clone(),
                end: p.end.clone(),
            })
            .collect(),
        ran_past_startup: coverage.ran_past_startup.clone(),
        timer_services_run: coverage.timers_fired.clone(),
        failed_units: coverage.failed.clone(),
        maintainer_scripts: coverage.maintainer_scripts.clone(),
        failed_scripts: coverage.failed_scripts.clone(),
        script_failures: coverage.script_failures.clone(),
        install_failed: failed_install(phases)
            .map(|(phase, st)| format!("phase {phase} ended with status {st}")),
        unit_cgroups: coverage.unit_cgroups.clone(),
        units: coverage.units.clone(),
    }
}

/// The package's maintainer scripts that ran, per phase: each exec of a script in dpkg's info
/// directory (or tmp.ci) with dpkg's first argument (`masakari-common.postinst configure`).
pub fn maintainer_scripts_by_phase(
    trace: &Trace,
    phases: &[Phase],
    package_owns: &dyn Fn(&str) -> bool,
) -> BTreeMap<String, Vec<String>> {
    let mut by: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (e, what) in script_runs(trace, package_owns) {
        let phase = phase_at(phases, &e.time).unwrap_or("-").to_owned();
        let v = by.entry(phase).or_default();
        if !v.contains(&what) {
            v.push(what);
        }
    }
    by
}

/// The package's maintainer scripts whose process exited non-zero or was killed (`PKG.postinst
/// configure in install: exit status 1`), each with the script's pid and the `seq` of its exec
/// and exit. The exit is the script's own (the pid that exec'd it; a script that exec'd
/// something else reports that program's exit).
pub fn script_failures(
    trace: &Trace,
    phases: &[Phase],
    package_owns: &dyn Fn(&str) -> bool,
) -> Vec<ScriptFailure> {
    let mut running: BTreeMap<u32, (String, u64)> = BTreeMap::new();
    let runs: Vec<(u64, u32, String)> = script_runs(trace, package_owns)
        .map(|(e, what)| (e.seq, e.pid, what))
        .collect();
    let mut next = runs.iter().peekable();
    let mut failed = Vec::new();
    for e in &trace.events {
        while let Some((seq, pid, what)) = next.next_if(|(seq, ..)| *seq <= e.seq) {
            running.insert(*pid, (what.clone(), *seq));
        }
        let EventData::Exit { code, signal, .. } = &e.data else {
            continue;
        };
        if e.tid != e.pid {
            continue;
        }
        let Some((what, exec_seq)) = running.remove(&e.pid) else {
            continue;
        };
        let how = match (code, signal) {
            (Some(0), _) => continue,
            (Some(c), _) => format!("exit status {c}"),
            (None, Some(sig)) => format!("killed by signal {sig}"),
            (None, None) => "exit status unknown".to_owned(),
        };
        failed.push(ScriptFailure {
            script: what,
            phase: phase_at(phases, &e.time).unwrap_or("-").to_owned(),
            how,
            pid: e.pid,
            exec_seq,
            exit_seq: e.seq,
        });
    }
    failed
}

/// Each exec of one of the package's maintainer scripts (in dpkg's info directory or tmp.ci),
/// named with dpkg's first argument: `masakari-common.postinst configure`.
fn script_runs<'a>(
    trace: &'a Trace,
    package_owns: &'a dyn Fn(&str) -> bool,
) -> impl Iterator<Item = (&'a crate::trace::Event, String)> + 'a {
    use crate::verdict::attribution::{Unpacks, is_maintainer_script};
    let mut unpacks = Unpacks::default();
    trace.events.iter().filter_map(move |e| {
        let EventData::Exec { path, argv, .. } = &e.data else {
            return None;
        };
        let p = path.resolved.as_deref()?;
        if e.result.as_ref().is_some_and(|r| !r.ok()) {
            return None;
        }
        unpacks.see(e, p, argv);
        if !is_maintainer_script(p) {
            return None;
        }
        let named = unpacks.named(e, p);
        if !package_owns(&named) {
            return None;
        }
        let base = p.rsplit('/').next().unwrap_or(p);
        let name = named.rsplit('/').next().unwrap_or(&named);
        // A `#!` script's argv is the interpreter's (`/bin/sh -e SCRIPT configure …`): dpkg's
        // arguments follow the script's path.
        let first = argv
            .iter()
            .position(|a| a.rsplit('/').next() == Some(base))
            .and_then(|i| argv.get(i + 1));
        Some(match first {
            Some(a) if !a.is_empty() => (e, format!("{name} {a}")),
            _ => (e, name.to_owned()),
        })
    })
}

/// The innermost phase whose window holds `time` (RFC 3339 UTC stamps of the same format
/// compare as text). The `ready` phase ends before anything of the package runs.
pub fn phase_at<'a>(phases: &'a [Phase], time: &str) -> Option<&'a str> {
    phases
        .iter()
        .filter(|p| p.start.as_str() <= time && p.end.as_deref().is_none_or(|e| time <= e))
        .max_by(|a, b| a.start.cmp(&b.start))
        .map(|p| p.phase.as_str())
}

/// The guest side of a socket trigger (`tracer vm connect`): one connection to `target`
/// (`tcp:HOST:PORT`, `tcp:[::1]:PORT` or `unix:PATH`), a line written, up to a second for an
/// answer, closed. Loopback and unix paths only: the guest has no other network, and a target
/// elsewhere is refused before any socket is made.
pub fn connect(target: &str, datagram: bool) -> std::io::Result<usize> {
    use std::io::{Read as _, Write as _};
    let bad = || {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("{target}: expected tcp:127.0.0.1:PORT, tcp:[::1]:PORT or unix:PATH"),
        )
    };
    let line = b"tracer\n";
    let wait = Some(Duration::from_secs(1));
    if let Some(path) = target.strip_prefix("unix:") {
        if datagram {
            let s = std::os::unix::net::UnixDatagram::unbound()?;
            return s.send_to(line, path);
        }
        let mut s = std::os::unix::net::UnixStream::connect(path)?;
        s.set_read_timeout(wait)?;
        s.write_all(line)?;
        let mut buf = [0u8; 256];
        return Ok(s.read(&mut buf).unwrap_or(0));
    }
    let addr: std::net::SocketAddr = target
        .strip_prefix("tcp:")
        .ok_or_else(bad)?
        .parse()
        .map_err(|_| bad())?;
    if !addr.ip().is_loopback() {
        return Err(bad());
    }
    if datagram {
        let bind = if addr.is_ipv6() {
            "[::1]:0"
        } else {
            "127.0.0.1:0"
        };
        let s = std::net::UdpSocket::bind(bind)?;
        return s.send_to(line, addr);
    }
    let mut s = std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    s.set_read_timeout(wait)?;
    s.write_all(line)?;
    let mut buf = [0u8; 256];
    Ok(s.read(&mut buf).unwrap_or(0))
}

/// `upgrade-stale.txt`: each service (`unit pid`) whose main process from before the upgrade
/// still ran when the units were started (see `start_verb` in exercise.sh).
pub fn left_running_by_upgrade(dir: &Path) -> Vec<String> {
    fs::read_to_string(dir.join("upgrade-stale.txt"))
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The report's line about services the upgrade left running their old version: a reviewer
/// of the upgrade wants to know, and the verdicts before the start phase are about the old
/// program.
pub fn left_running_section(stale: &[String]) -> String {
    if stale.is_empty() {
        return String::new();
    }
    let list: Vec<String> = stale
        .iter()
        .map(|l| match l.split_once(' ') {
            Some((unit, pid)) => format!("`{unit}` (pid {pid})"),
            None => format!("`{l}`"),
        })
        .collect();
    format!(
        "Not restarted by the upgrade: {} still ran the previous version's process after it; the start phase restarted {}, so the exercise ran the version checked.\n\n",
        list.join(", "),
        if stale.len() == 1 { "it" } else { "them" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// exercise.sh's start_verb in a real sh, with systemctl answering the main pids: a
    /// service still on its pre-upgrade pid is restarted and noted, others are started.
    #[test]
    fn a_service_the_upgrade_left_running_is_restarted() {
        let dir = std::env::temp_dir().join(format!("tracer-stale-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let script = format!(
            "{EXERCISE_SH}\n\
             systemctl() {{ case \"$*\" in *old.service*) echo 541 ;; *moved.service*) echo 900 ;; *) echo 0 ;; esac; }}\n\
             for u in old.service moved.service new.service; do echo \"$u $(start_verb $u)\"; done\n"
        );
        let run = |before: Option<&str>| {
            let _ = fs::remove_file(dir.join("upgrade-stale.txt"));
            match before {
                Some(b) => fs::write(dir.join("active-before-upgrade.txt"), b).unwrap(),
                None => {
                    let _ = fs::remove_file(dir.join("active-before-upgrade.txt"));
                }
            }
            let out = std::process::Command::new("sh")
                .arg("-c")
                .arg(&script)
                .env("O", &dir)
                .output()
                .unwrap();
            assert!(out.status.success(), "{out:?}");
            String::from_utf8(out.stdout).unwrap()
        };
        // An upgrade: old.service kept its pid, moved.service was restarted by the postinst.
        let out = run(Some("old.service 541\nmoved.service 300\n"));
        assert_eq!(
            out,
            "old.service restart\nmoved.service start\nnew.service start\n"
        );
        let stale = left_running_by_upgrade(&dir);
        assert_eq!(stale, ["old.service 541"]);
        let line = left_running_section(&stale);
        assert!(line.contains("`old.service` (pid 541)"), "{line}");
        // A first install: nothing was running before, every service is started.
        let out = run(None);
        assert_eq!(
            out,
            "old.service start\nmoved.service start\nnew.service start\n"
        );
        assert!(left_running_by_upgrade(&dir).is_empty());
        assert_eq!(left_running_section(&[]), "");
        let _ = fs::remove_dir_all(&dir);
    }

    /// The guest's `systemctl show` blocks and journal lines read back as each unit's run; the
    /// journal lines of another unit, or not from systemd, are not its jobs.
    #[test]
    fn unit_runs_from_systemctl_show_and_the_journal() {
        let show = "Id=tlp.service\nType=oneshot\nTriggeredBy=\nBusName=\n\n\
                    Id=ras-mc-ctl.service\nType=oneshot\nTriggeredBy=\nBusName=\n\n\
                    Id=food.service\nType=notify\nTriggeredBy=food.socket\nBusName=\n\n\
                    Id=food.socket\nType=\nTriggeredBy=\nBusName=\n\n\
                    Id=busd.service\nType=simple\nTriggeredBy=\nBusName=\n";
        let line = |unit: &str, micros: u64, pid: u32, id: &str| {
            format!(
                "{{\"__REALTIME_TIMESTAMP\":\"{micros}\",\"UNIT\":\"{unit}\",\"MESSAGE_ID\":\"{id}\",\"_PID\":\"{pid}\"}}\n"
            )
        };
        let [started, _, stopped, failed] = JOB_DONE_MESSAGE_IDS;
        let starts = [
            line("tlp.service", 1_795_000_002_000_000, 1, stopped),
            line("ras-mc-ctl.service", 1_795_000_001_000_000, 1, failed),
            line("tlp.service", 1_795_000_001_000_000, 1, started),
            // Not systemd's; "Starting X." is no job done.
            line("tlp.service", 1_795_000_003_000_000, 4242, started),
            line(
                "tlp.service",
                1_795_000_004_000_000,
                1,
                "7d4958e842da4a758f6c1cdc7b36dcc5",
            ),
            line("other.service", 1_795_000_001_000_000, 1, started),
        ]
        .concat();
        let dbus = [("busd.service".to_owned(), "org.example.Busd".to_owned())].into();
        let runs = unit_runs(show, &starts, &dbus, &[], &[]);
        assert_eq!(
            runs.keys().collect::<Vec<_>>(),
            [
                "busd.service",
                "food.service",
                "food.socket",
                "ras-mc-ctl.service",
                "tlp.service"
            ]
        );
        assert_eq!(runs["ras-mc-ctl.service"].jobs_done.len(), 1);
        let tlp = &runs["tlp.service"];
        assert_eq!(tlp.service_type.as_deref(), Some("oneshot"));
        assert!(tlp.oneshot_job());
        assert_eq!(tlp.jobs_done.len(), 2, "{:?}", tlp.jobs_done);
        assert!(tlp.jobs_done[0] < tlp.jobs_done[1]);
        assert_eq!(
            tlp.job_done_after("2026-11-01T00:00:00.000000000Z"),
            Some(tlp.jobs_done[0].as_str())
        );
        assert_eq!(runs["food.service"].triggered_by, ["food.socket"]);
        assert_eq!(runs["food.socket"].service_type, None);
        assert_eq!(
            runs["busd.service"].bus_name.as_deref(),
            Some("org.example.Busd")
        );
    }

    #[test]
    fn connect_refuses_all_but_loopback() {
        for t in [
            "tcp:10.0.0.1:80",
            "tcp:localhost:80",
            "udp:127.0.0.1:9",
            "x",
        ] {
            let e = connect(t, false).unwrap_err();
            assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput, "{t}");
        }
    }

    #[test]
    fn connect_reaches_a_loopback_listener() {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let h = std::thread::spawn(move || {
            use std::io::{Read as _, Write as _};
            let (mut c, _) = l.accept().unwrap();
            let mut b = [0u8; 7];
            c.read_exact(&mut b).unwrap();
            c.write_all(b"hello\n").unwrap();
            b
        });
        assert_eq!(connect(&format!("tcp:127.0.0.1:{port}"), false).unwrap(), 6);
        assert_eq!(&h.join().unwrap(), b"tracer\n");
    }

    #[test]
    fn failed_steps_carry_their_journal() {
        let dir = std::env::temp_dir().join(format!("tracer-units-{}", std::process::id()));
        fs::create_dir_all(dir.join("unit-journal")).unwrap();
        fs::write(
            dir.join("units.jsonl"),
            "{\"unit\":\"a.service\",\"step\":\"start\",\"status\":0,\"timed_out\":false,\"state\":\"active\",\"result\":\"success\",\"time\":\"t\"}\n\
             {\"unit\":\"w.service\",\"step\":\"start\",\"status\":124,\"timed_out\":true,\"state\":\"inactive\",\"result\":\"success\",\"time\":\"t\"}\n\
             not json\n",
        )
        .unwrap();
        fs::write(
            dir.join("unit-journal/w.service.start.txt"),
            "w: waiting for sync\n",
        )
        .unwrap();
        let steps = read_steps(&dir);
        assert_eq!(steps.len(), 2);
        let f = failures(&dir, &steps);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].unit, "w.service");
        assert!(
            f[0].why.starts_with("no answer within 60 s"),
            "{}",
            f[0].why
        );
        let s = failures_section(&f);
        assert!(
            s.contains("`w.service` start") && s.contains("waiting for sync"),
            "{s}"
        );
        let _ = fs::remove_dir_all(&dir);
    }
}
