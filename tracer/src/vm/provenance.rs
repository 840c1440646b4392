//! Whose each process of a whole-guest trace is, and how it came to run.
//!
//! `vm check` records every process of the guest (the recorder alone is left out), because a
//! package starts things no slice or unit list foresees: its postinst runs `systemctl start`,
//! systemd starts its service when a socket is connected to or a timer fires, cron runs its
//! job. Here, after the run, each process is decided with what the guest reported:
//! - a process that runs an executable the package owns (dpkg's file list) is the package's,
//!   wherever it was started;
//! - so is every process in the cgroup of one of the package's units (an interpreter running
//!   the package's script, with the interpreter not the package's);
//! - and every descendant of one of its processes.
//!
//! For each process that became the package's on its own (a *root*: its parent was not the
//! package's), the way it was started is named: a unit (and who started the unit), an
//! activation (socket, D-Bus), a timer, a maintainer script, a cron or at job, or the exercise.
//!
//! The guest's own evidence is checked against the trace: a unit that systemd reported active,
//! with a main pid the trace has no event of, means the recording missed the package (see
//! [`unrecorded_units`]); `vm check` fails on it instead of reporting "not exercised".

use std::{
    collections::{BTreeMap, HashMap, HashSet},
    fmt, fs,
    path::Path,
};

use serde::Serialize;

use super::check::Phase;
use crate::{
    trace::{EventData, Trace},
    verdict::attribution::{basename, is_maintainer_script},
};

/// What the package owns in the guest, as the guest reported it after the install.
#[derive(Debug, Clone, Default)]
pub struct Ownership {
    /// Executable files of the packages (`executables.txt`), in both their `/usr` and
    /// their merged-`/usr` alias form.
    pub executables: HashSet<String>,
    /// The packages' unit files (`unit-files/`).
    pub units: Vec<UnitFile>,
    /// Cgroup ids (directory inodes) of the packages' units, from the guest's snapshots
    /// (`cgroups.txt`), with the unit each belongs to.
    pub cgroups: HashMap<u64, String>,
    /// The packages' D-Bus system services: unit -> bus name (`dbus-services.txt`, from their
    /// activation files' `Name=` and `SystemdService=`).
    pub dbus: HashMap<String, String>,
}

/// The parts of a unit file that tell how its processes start.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitFile {
    pub name: String,
    /// Programs of its `Exec*=` lines (prefixes such as `-` and `@` removed).
    pub programs: Vec<String>,
    /// A socket's `Accept=yes`: each connection starts an instance of `NAME@.service`.
    pub accept: bool,
    /// A socket's or timer's or path unit's explicit `Service=` / `Unit=`.
    pub triggers: Option<String>,
    /// A service's `BusName=`.
    pub bus_name: Option<String>,
}

impl UnitFile {
    pub fn parse(name: &str, text: &str) -> Self {
        let mut u = UnitFile {
            name: name.to_owned(),
            ..UnitFile::default()
        };
        for line in text.lines().map(str::trim) {
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let value = value.trim();
            match key.trim() {
                "ExecStart" | "ExecStartPre" | "ExecStartPost" | "ExecReload" | "ExecStop"
                | "ExecStopPost" | "ExecCondition" => {
                    if let Some(p) = value
                        .split_whitespace()
                        .next()
                        .map(|p| p.trim_start_matches(['-', '@', ':', '+', '!']))
                        .filter(|p| p.starts_with('/'))
                    {
                        u.programs.push(p.to_owned());
                    }
                }
                "Accept" => u.accept = matches!(value, "yes" | "true" | "1" | "on"),
                "Service" | "Unit" => u.triggers = Some(value.to_owned()),
                "BusName" => u.bus_name = Some(value.to_owned()),
                _ => {}
            }
        }
        u
    }

    fn suffix(&self) -> &str {
        self.name.rsplit('.').next().unwrap_or("")
    }

    /// Whether this socket, timer or path unit starts `service` (an instance name for
    /// `Accept=yes` sockets).
    fn activates(&self, service: &str) -> bool {
        let stem = self.name.rsplit_once('.').map_or("", |(s, _)| s);
        match &self.triggers {
            Some(t) => t == service,
            None if self.accept => service
                .strip_prefix(stem)
                .is_some_and(|rest| rest.starts_with('@')),
            None => service == format!("{stem}.service"),
        }
    }
}

impl Ownership {
    /// Reads what the guest wrote to the output directory `out`.
    pub fn read(out: &Path) -> Self {
        let mut executables = HashSet::new();
        for line in fs::read_to_string(out.join("executables.txt"))
            .unwrap_or_default()
            .lines()
            .filter(|l| l.starts_with('/'))
        {
            executables.insert(line.to_owned());
            // Merged /usr: dpkg lists /bin/x where the kernel may exec /usr/bin/x, and back.
            for (a, b) in [
                ("/bin/", "/usr/bin/"),
                ("/sbin/", "/usr/sbin/"),
                ("/lib/", "/usr/lib/"),
            ] {
                if let Some(rest) = line.strip_prefix(a) {
                    executables.insert(format!("{b}{rest}"));
                } else if let Some(rest) = line.strip_prefix(b) {
                    executables.insert(format!("{a}{rest}"));
                }
            }
        }
        let mut units = Vec::new();
        if let Ok(dir) = fs::read_dir(out.join("unit-files")) {
            for entry in dir.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if let Ok(text) = fs::read_to_string(entry.path()) {
                    units.push(UnitFile::parse(&name, &text));
                }
            }
        }
        units.sort_by(|a, b| a.name.cmp(&b.name));
        let dbus = fs::read_to_string(out.join("dbus-services.txt"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.split_once(' '))
            .map(|(name, unit)| (unit.trim().to_owned(), name.to_owned()))
            .collect();
        let mut own = Ownership {
            executables,
            units,
            cgroups: HashMap::new(),
            dbus,
        };
        for line in fs::read_to_string(out.join("cgroups.txt"))
            .unwrap_or_default()
            .lines()
        {
            let mut it = line.splitn(3, ' ');
            let (Some(_phase), Some(id), Some(path)) = (it.next(), it.next(), it.next()) else {
                continue;
            };
            let (Ok(id), Some(last)) = (id.parse::<u64>(), path.rsplit('/').next()) else {
                continue;
            };
            if let Some(unit) = own.unit_of_cgroup(last) {
                own.cgroups.insert(id, unit);
            }
        }
        own
    }

    /// The package's service a cgroup directory name (`foo.service`, `foo@x.service`) is.
    fn unit_of_cgroup(&self, dir: &str) -> Option<String> {
        let unescaped = dir.replace("\\x2d", "-");
        let template = unescaped
            .split_once('@')
            .map(|(stem, _)| format!("{stem}@.service"));
        self.units
            .iter()
            .any(|u| u.name == unescaped || Some(&u.name) == template.as_ref())
            .then_some(unescaped)
    }

    /// The package's service file `unit` is (its template's for an instance), if it is one.
    fn service_of(&self, unit: &str) -> Option<&UnitFile> {
        let template = unit
            .split_once('@')
            .map(|(stem, _)| format!("{stem}@.service"));
        self.units.iter().find(|u| {
            u.suffix() == "service" && (u.name == unit || Some(&u.name) == template.as_ref())
        })
    }

    fn owns(&self, program: &str) -> bool {
        self.executables.contains(program)
    }

    /// The package's service whose program `program` is (a template's name for an instance).
    fn unit_running(&self, program: &str) -> Option<&UnitFile> {
        self.units
            .iter()
            .find(|u| u.suffix() == "service" && u.programs.iter().any(|p| p == program))
    }
}

/// How a process of the package came to run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StartedBy {
    /// systemd started one of the package's services; `by` says who asked for it, when the
    /// trace shows a `systemctl start` (or `deb-systemd-invoke`, `invoke-rc.d`, `service`).
    Unit { unit: String, by: Option<String> },
    /// systemd started it on demand: a connection to the package's socket, a D-Bus name.
    Activation { unit: String, trigger: String },
    /// A timer of the package fired.
    Timer { unit: String, timer: String },
    /// A maintainer script (or a process it started) ran it.
    MaintainerScript { script: String },
    /// cron, anacron or atd ran it.
    Job { scheduler: String },
    /// The exercise (the autopkgtest, `--exercise`) ran it.
    Exercise { phase: String },
    /// None of the above; `parent` is the program that started it.
    Other { parent: Option<String> },
}

impl fmt::Display for StartedBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartedBy::Unit { unit, by: Some(by) } => write!(f, "unit {unit}, started by {by}"),
            StartedBy::Unit { unit, by: None } => write!(f, "unit {unit}"),
            StartedBy::Activation { unit, trigger } => {
                write!(f, "activation of {unit} by {trigger}")
            }
            StartedBy::Timer { unit, timer } => write!(f, "timer {timer} (unit {unit})"),
            StartedBy::MaintainerScript { script } => write!(f, "maintainer script {script}"),
            StartedBy::Job { scheduler } => write!(f, "job run by {scheduler}"),
            StartedBy::Exercise { phase } => write!(f, "the exercise ({phase})"),
            StartedBy::Other { parent: Some(p) } => write!(f, "started by {p}"),
            StartedBy::Other { parent: None } => f.write_str("parent unknown"),
        }
    }
}

/// A process that became the package's on its own, with everything it and its descendants did.
#[derive(Debug, Clone, Serialize)]
pub struct PackageProcess {
    pub pid: u32,
    /// The package's program it ran (or, when only its cgroup made it the package's, what it
    /// ran).
    pub program: String,
    pub time: String,
    /// The innermost phase it started in.
    pub phase: Option<String>,
    pub started_by: StartedBy,
    /// Processes of its tree (itself included) and their events.
    pub processes: u64,
    pub events: u64,
}

/// Every root process of the package in the trace, in the order they started.
pub fn package_processes(trace: &Trace, own: &Ownership, phases: &[Phase]) -> Vec<PackageProcess> {
    let mut parent: HashMap<u32, u32> = HashMap::new();
    let mut program: HashMap<u32, String> = HashMap::new();
    // pid -> index of its root in `roots`.
    let mut root_of: HashMap<u32, usize> = HashMap::new();
    let mut roots: Vec<PackageProcess> = Vec::new();
    // Every `systemctl start`-like command: the unit, the starter's pid and its phase.
    let mut starts: Vec<Start> = Vec::new();
    // pid -> trace position of the fork that made it.
    let mut forked_at: HashMap<u32, u64> = HashMap::new();
    for ev in &trace.events {
        if let Some(pp) = ev.ppid {
            parent.entry(ev.pid).or_insert(pp);
        }
        let ok = ev.result.as_ref().is_none_or(|r| r.ok());
        match &ev.data {
            EventData::Exit { .. } if ev.tid == ev.pid => {
                for s in starts
                    .iter_mut()
                    .filter(|s| s.pid == ev.pid && s.ended.is_none())
                {
                    s.ended = Some(ev.seq);
                }
            }
            EventData::Fork {
                child_pid,
                thread: false,
                ..
            } => {
                parent.insert(*child_pid, ev.pid);
                forked_at.insert(*child_pid, ev.seq);
                if let Some(p) = program.get(&ev.pid).cloned() {
                    program.insert(*child_pid, p);
                }
                match root_of.get(&ev.pid).copied() {
                    Some(r) => {
                        root_of.insert(*child_pid, r);
                        roots[r].processes += 1;
                    }
                    None => {
                        root_of.remove(child_pid);
                    }
                }
            }
            EventData::Exec { path, argv, .. } if ok => {
                let path = path.best().to_owned();
                for unit in started_units(&path, argv) {
                    starts.push(Start {
                        unit,
                        pid: ev.pid,
                        phase: phase_at(phases, &ev.time).map(str::to_owned),
                        seq: ev.seq,
                        ended: None,
                    });
                }
                // An interpreter running the package's script, or a maintainer script without
                // a `#!` line (dpkg then runs `/bin/sh SCRIPT`): the script is the program.
                let script = argv
                    .get(1)
                    .filter(|a| a.starts_with('/') && (own.owns(a) || is_maintainer_script(a)))
                    .cloned();
                let owned = own.owns(&path) || script.as_ref().is_some_and(|s| own.owns(s));
                program.insert(ev.pid, script.clone().unwrap_or_else(|| path.clone()));
                // A root its cgroup made (systemd's child, before it ran the unit's program)
                // is named by the first program it runs, the package's own if it runs one.
                if let Some(&r) = root_of.get(&ev.pid)
                    && roots[r].pid == ev.pid
                    && !own.owns(&roots[r].program)
                    && (owned || !roots[r].program.starts_with('/'))
                {
                    roots[r].program = script.clone().unwrap_or_else(|| path.clone());
                }
                if owned && !root_of.contains_key(&ev.pid) {
                    let when = forked_at.get(&ev.pid).copied().unwrap_or(ev.seq);
                    let started_by =
                        started_by(ev.pid, &path, &parent, &program, (&starts, when), own)
                            .unwrap_or_else(|| {
                                fallback(ev.pid, &parent, &program, phase_at(phases, &ev.time))
                            });
                    root_of.insert(ev.pid, roots.len());
                    roots.push(PackageProcess {
                        pid: ev.pid,
                        program: script.unwrap_or(path),
                        time: ev.time.clone(),
                        phase: phase_at(phases, &ev.time).map(str::to_owned),
                        started_by,
                        processes: 1,
                        events: 0,
                    });
                }
            }
            _ => {}
        }
        if !root_of.contains_key(&ev.pid)
            && let Some(unit) = own.cgroups.get(&ev.cgroup_id)
        {
            let prog = program
                .get(&ev.pid)
                .cloned()
                .unwrap_or_else(|| ev.comm.clone());
            let when = forked_at.get(&ev.pid).copied().unwrap_or(ev.seq);
            let started_by = unit_started_by(unit, &parent, &program, (&starts, when), own);
            root_of.insert(ev.pid, roots.len());
            roots.push(PackageProcess {
                pid: ev.pid,
                program: prog,
                time: ev.time.clone(),
                phase: phase_at(phases, &ev.time).map(str::to_owned),
                started_by,
                processes: 1,
                events: 0,
            });
        }
        if let Some(&r) = root_of.get(&ev.pid) {
            roots[r].events += ev.occurrences();
        }
    }
    roots
}

/// A command that asked systemd to start a unit.
struct Start {
    unit: String,
    pid: u32,
    phase: Option<String>,
    /// Trace positions of the request and of the requester's exit. `systemctl start` waits
    /// for the job, so a request whose process had exited before systemd forked the unit's
    /// process did not start it (`deb-systemd-invoke start` of a unit it then skips).
    seq: u64,
    ended: Option<u64>,
}

/// The units a `systemctl start|restart …`, `deb-systemd-invoke start …`, `invoke-rc.d NAME
/// start` or `service NAME start` asks for, with `.service` added where no suffix is given.
fn started_units(path: &str, argv: &[String]) -> Vec<String> {
    const VERBS: &[&str] = &[
        "start",
        "restart",
        "try-restart",
        "reload-or-restart",
        "try-reload-or-restart",
    ];
    let args: Vec<&str> = argv.iter().skip(1).map(String::as_str).collect();
    let names: Vec<&str> = match basename(path) {
        "systemctl" | "deb-systemd-invoke" => match args.iter().position(|a| VERBS.contains(a)) {
            Some(i) => args[i + 1..]
                .iter()
                .copied()
                .filter(|a| !a.starts_with('-'))
                .collect(),
            None => vec![],
        },
        "invoke-rc.d" | "service" => {
            let plain: Vec<&str> = args
                .iter()
                .copied()
                .filter(|a| !a.starts_with('-'))
                .collect();
            match plain.as_slice() {
                [name, verb, ..] if VERBS.contains(verb) => vec![*name],
                _ => vec![],
            }
        }
        _ => vec![],
    };
    names
        .into_iter()
        .map(|n| {
            if n.contains('.') {
                n.to_owned()
            } else {
                format!("{n}.service")
            }
        })
        .collect()
}

/// Ancestors of `pid`, nearest first (cycles and runaway chains are cut).
fn ancestors(pid: u32, parent: &HashMap<u32, u32>) -> Vec<u32> {
    let mut out = Vec::new();
    let mut p = pid;
    while let Some(&pp) = parent.get(&p) {
        if pp == p || out.contains(&pp) || out.len() > 64 {
            break;
        }
        out.push(pp);
        p = pp;
    }
    out
}

/// A maintainer script among the ancestors (or `pid` itself).
fn script_ancestor(
    pid: u32,
    parent: &HashMap<u32, u32>,
    program: &HashMap<u32, String>,
) -> Option<String> {
    std::iter::once(pid)
        .chain(ancestors(pid, parent))
        .filter_map(|p| program.get(&p))
        .find(|p| is_maintainer_script(p))
        .cloned()
}

/// How a process running the package's `path` was started, when systemd, a maintainer script
/// or a scheduler did it.
fn started_by(
    pid: u32,
    path: &str,
    parent: &HashMap<u32, u32>,
    program: &HashMap<u32, String>,
    (starts, when): (&[Start], u64),
    own: &Ownership,
) -> Option<StartedBy> {
    if let Some(script) = script_ancestor(pid, parent, program) {
        return Some(StartedBy::MaintainerScript { script });
    }
    let up = ancestors(pid, parent);
    // systemd's forked child runs the unit's program: its parent is pid 1 (or a systemd
    // --user manager); nothing between them ran another program.
    let by_systemd = up.first().is_some_and(|&p| {
        p == 1
            || program
                .get(&p)
                .is_some_and(|prog| basename(prog) == "systemd")
    });
    if by_systemd {
        let unit = own
            .unit_running(path)
            .map_or_else(|| format!("(a unit running {path})"), |u| u.name.clone());
        return Some(unit_started_by(&unit, parent, program, (starts, when), own));
    }
    up.iter()
        .filter_map(|p| program.get(p))
        .map(|p| basename(p))
        .find(|b| ["cron", "anacron", "atd"].contains(b))
        .map(|b| StartedBy::Job {
            scheduler: b.to_owned(),
        })
}

/// How systemd came to start `unit` (a service of the package).
fn unit_started_by(
    unit: &str,
    parent: &HashMap<u32, u32>,
    program: &HashMap<u32, String>,
    (starts, when): (&[Start], u64),
    own: &Ownership,
) -> StartedBy {
    // A service a shipped socket, timer or path unit triggers, and that nobody started by
    // name, was activated.
    let live = |s: &&Start| s.seq < when && s.ended.is_none_or(|e| e > when);
    let asked = starts
        .iter()
        .rev()
        .filter(live)
        .find(|Start { unit: u, .. }| {
            u == unit
                || (unit.contains('@')
                    && u.split_once('@').map(|(s, _)| s) == unit.split_once('@').map(|(s, _)| s))
        });
    if asked.is_none() {
        let template = unit
            .split_once('@')
            .map(|(stem, _)| format!("{stem}@.service"));
        let me = unit.to_owned();
        if let Some(t) = own.units.iter().find(|t| {
            t.suffix() != "service" && (t.activates(&me) || Some(&t.name) == template.as_ref())
        }) {
            let name = t.name.clone();
            return match t.suffix() {
                "timer" => StartedBy::Timer {
                    unit: me,
                    timer: name,
                },
                s => StartedBy::Activation {
                    unit: me,
                    trigger: format!("{s} {name}"),
                },
            };
        }
        // Its unit's BusName=, or a D-Bus activation file that names the unit.
        if let Some(bus) = own
            .units
            .iter()
            .find(|u| u.name == unit)
            .and_then(|u| u.bus_name.clone())
            .or_else(|| own.dbus.get(unit).cloned())
        {
            return StartedBy::Activation {
                unit: me,
                trigger: format!("D-Bus name {bus}"),
            };
        }
    }
    let by = asked.map(|start| match script_ancestor(start.pid, parent, program) {
        Some(script) => format!("maintainer script {script}"),
        None => {
            let who = program
                .get(&start.pid)
                .map_or_else(|| format!("pid {}", start.pid), |p| basename(p).to_owned());
            match &start.phase {
                Some(phase) => format!("{who} in phase {phase}"),
                None => who,
            }
        }
    });
    StartedBy::Unit {
        unit: unit.to_owned(),
        by,
    }
}

fn fallback(
    pid: u32,
    parent: &HashMap<u32, u32>,
    program: &HashMap<u32, String>,
    phase: Option<&str>,
) -> StartedBy {
    match phase {
        Some(p) if p == "exercise" || p.starts_with("autopkgtest:") => StartedBy::Exercise {
            phase: p.to_owned(),
        },
        _ => StartedBy::Other {
            parent: parent.get(&pid).and_then(|p| program.get(p)).cloned(),
        },
    }
}

/// The innermost phase whose window holds `time` (both RFC 3339 UTC with nanoseconds: they
/// compare as strings).
fn phase_at<'a>(phases: &'a [Phase], time: &str) -> Option<&'a str> {
    phases
        .iter()
        .filter(|p| p.start.as_str() <= time && p.end.as_deref().is_none_or(|e| time <= e))
        .max_by(|a, b| a.start.cmp(&b.start))
        .map(|p| p.phase.as_str())
}

/// A unit of the package that the guest saw run while the trace has nothing of it: the
/// recording missed what the package ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unrecorded {
    pub unit: String,
    /// How the guest saw it: `active with main pid 4242 after install`, or `started at T, in
    /// phase start, per the journal`.
    pub seen: String,
}

/// The journal's message id for a unit whose start job finished (systemd's
/// `SD_MESSAGE_UNIT_STARTED`: "Started X." or, for a oneshot, "Finished X.").
pub const UNIT_STARTED_MESSAGE_ID: &str = "39f53479d3a045ac8e11786248231fbf";

/// Cross-checks the guest's own evidence against the trace:
/// - `units-state.txt` (the guest's `systemctl show` after each phase): a unit with a main
///   pid (active, activating, reloading or deactivating) the trace has no event of;
/// - `unit-starts.jsonl` (the journal's unit-started messages of the whole boot): a service
///   of the package that was active at some time, while the trace shows none of its
///   processes. A oneshot that ran between two snapshots, or a socket's instance, is seen
///   only here.
///
/// A process of the unit is one `package_processes` says the unit started, or an event in
/// one of the unit's cgroups, or an exec of one of the unit's programs (`ExecStart=` and the
/// like: a unit running `/bin/sh -c …` has no program of the package's own).
pub fn unrecorded_units(
    trace: &Trace,
    out: &Path,
    own: &Ownership,
    procs: &[PackageProcess],
    phases: &[Phase],
) -> Vec<Unrecorded> {
    let seen: HashSet<u32> = trace.events.iter().map(|e| e.pid).collect();
    let mut missing = BTreeMap::new();
    let states = fs::read_to_string(out.join("units-state.txt")).unwrap_or_default();
    for line in states.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let [phase, unit, state, pid] = f.as_slice() else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        // A main pid is a process of the unit whatever the state it is in: `active`, or
        // `activating` (a daemon that never said it was ready), `reloading`, `deactivating`.
        if pid != 0 && !seen.contains(&pid) {
            missing.entry((*unit).to_owned()).or_insert(Unrecorded {
                unit: (*unit).to_owned(),
                seen: format!("{state} with main pid {pid} after {phase}"),
            });
        }
    }
    let starts = fs::read_to_string(out.join("unit-starts.jsonl")).unwrap_or_default();
    for (unit, time) in journal_unit_starts(&starts) {
        if missing.contains_key(&unit)
            || own.service_of(&unit).is_none()
            || unit_has_process(trace, own, procs, &unit)
        {
            continue;
        }
        let phase = phase_at(phases, &time).unwrap_or("none");
        missing.insert(
            unit.clone(),
            Unrecorded {
                unit,
                seen: format!("started at {time}, in phase {phase}, per the journal"),
            },
        );
    }
    missing.into_values().collect()
}

/// Whose each process of an output directory's trace is, once the guest's own evidence has
/// been checked against the trace (issue 19): a unit of the package that ran in the guest while
/// the trace has none of its processes is an error, never a run judged "not exercised". Both
/// `vm check` and `vm exercised` (a run judged again) go through here. `finished`: the job
/// sent its notes; a run cut by a host limit may not have, and is not cross-checked.
pub fn checked_processes(
    trace: &Trace,
    out: &Path,
    phases: &[Phase],
    finished: bool,
) -> Result<(Ownership, Vec<PackageProcess>), super::VmError> {
    let own = Ownership::read(out);
    let procs = package_processes(trace, &own, phases);
    let missed = if finished {
        unrecorded_units(trace, out, &own, &procs, phases)
    } else {
        Vec::new()
    };
    if !missed.is_empty() {
        return Err(super::VmError::Unrecorded {
            units: missed
                .iter()
                .map(|m| format!("{} ({})", m.unit, m.seen))
                .collect::<Vec<_>>()
                .join(", "),
            out: out.to_path_buf(),
        });
    }
    Ok((own, procs))
}

/// The units the journal says were started, with the time (RFC 3339, the trace's clock), from
/// `journalctl -o json` lines of [`UNIT_STARTED_MESSAGE_ID`]. The guest runs the package: a
/// line that is not such a message is dropped, and so is one another process than systemd
/// logged (`_PID` is journald's own field, which a logging process cannot set).
pub fn journal_unit_starts(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|j| {
            j["MESSAGE_ID"]
                .as_str()
                .is_none_or(|m| m == UNIT_STARTED_MESSAGE_ID)
        })
        .filter(|j| j["_PID"].as_str().is_none_or(|p| p == "1"))
        .filter_map(|j| journal_unit_time(&j))
        .collect()
}

/// A systemd journal message's unit and time (RFC 3339, the trace's clock), from its `UNIT`
/// and journald's `__REALTIME_TIMESTAMP` (microseconds).
pub fn journal_unit_time(j: &serde_json::Value) -> Option<(String, String)> {
    let unit = j["UNIT"].as_str()?.to_owned();
    let micros: u64 = j["__REALTIME_TIMESTAMP"].as_str()?.parse().ok()?;
    let t = std::time::UNIX_EPOCH.checked_add(std::time::Duration::from_micros(micros))?;
    Some((unit, humantime::format_rfc3339_nanos(t).to_string()))
}

/// Whether the trace shows a process of the package's service `unit`.
fn unit_has_process(trace: &Trace, own: &Ownership, procs: &[PackageProcess], unit: &str) -> bool {
    // Provenance names an instance's process by its template (`answer@.service`).
    let template = unit
        .split_once('@')
        .map(|(stem, _)| format!("{stem}@.service"));
    let named = |u: &str| u == unit || Some(u) == template.as_deref();
    if procs.iter().any(|p| match &p.started_by {
        StartedBy::Unit { unit: u, .. }
        | StartedBy::Activation { unit: u, .. }
        | StartedBy::Timer { unit: u, .. } => named(u),
        _ => false,
    }) {
        return true;
    }
    let programs: Vec<&str> = own
        .service_of(unit)
        .map(|u| u.programs.iter().map(String::as_str).collect())
        .unwrap_or_default();
    trace.events.iter().any(|e| {
        own.cgroups.get(&e.cgroup_id).is_some_and(|u| named(u))
            || matches!(&e.data, EventData::Exec { path, .. }
                if programs.iter().any(|p| same_program(p, path.best())))
    })
}

/// `/bin/x` and `/usr/bin/x` are one file on a merged-`/usr` system.
fn same_program(a: &str, b: &str) -> bool {
    let strip = |p: &str| p.strip_prefix("/usr").unwrap_or(p).to_owned();
    a == b || strip(a) == strip(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_files_say_what_they_start() {
        let s = UnitFile::parse(
            "echo.socket",
            "[Socket]\nListenStream=127.0.0.1:7\nAccept=yes\n",
        );
        assert!(s.accept);
        assert!(s.activates("echo@0-127.0.0.1:7-127.0.0.1:5000.service"));
        assert!(!s.activates("echo.service"));
        let t = UnitFile::parse("tick.timer", "[Timer]\nOnActiveSec=1\n");
        assert!(t.activates("tick.service"));
        let t = UnitFile::parse("tick.timer", "[Timer]\nUnit=other.service\n");
        assert!(t.activates("other.service") && !t.activates("tick.service"));
        let d = UnitFile::parse(
            "d.service",
            "[Service]\nExecStartPre=-/usr/bin/pre x\nExecStart=@/usr/sbin/d d -f\nBusName=org.x\n",
        );
        assert_eq!(d.programs, ["/usr/bin/pre", "/usr/sbin/d"]);
        assert_eq!(d.bus_name.as_deref(), Some("org.x"));
    }

    /// A unit systemd called active whose main pid never appears in the trace is reported
    /// (vm check fails on it); one whose main pid did something is not, nor is an inactive
    /// unit or one without a main process (a socket, a timer).
    #[test]
    fn an_active_unit_missing_from_the_trace_is_reported() {
        let trace = crate::trace::read_trace(Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/fixture-quiet.jsonl"
        )))
        .unwrap();
        let dir = std::env::temp_dir().join(format!("tracer-unrecorded-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(
            dir.join("units-state.txt"),
            "install quietd.service active 700\ninstall escaped.service active 4242\n\
             start escaped.service active 4242\nstart gone.service inactive 0\n\
             start quietd.socket active \n",
        )
        .unwrap();
        let own = Ownership::default();
        assert_eq!(
            unrecorded_units(&trace, &dir, &own, &[], &[]),
            [Unrecorded {
                unit: "escaped.service".into(),
                seen: "active with main pid 4242 after install".into()
            }]
        );
        let _ = fs::remove_dir_all(&dir);
    }

    /// Issue 19's cross-check beyond active units: a service of the package that the journal
    /// says was started, with no process of it in the trace, is reported with when and in
    /// which phase; one whose program ran is not, nor is a unit that is not the package's, nor
    /// a mangled line.
    #[test]
    fn a_unit_the_journal_saw_started_without_a_process_in_the_trace_is_reported() {
        let trace = crate::trace::read_trace(Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/fixture-quiet.jsonl"
        )))
        .unwrap();
        let dir = std::env::temp_dir().join(format!("tracer-journal-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        // 1795435200 s: 2026-11-23T12:00:00Z.
        let line = |unit: &str, micros: u64| {
            format!(
                "{{\"__REALTIME_TIMESTAMP\":\"{micros}\",\"UNIT\":\"{unit}\",\"MESSAGE_ID\":\"{UNIT_STARTED_MESSAGE_ID}\"}}\n"
            )
        };
        fs::write(
            dir.join("unit-starts.jsonl"),
            line("quietd.service", 1_795_435_200_010_000)
                + &line("quietd-clean.service", 1_795_435_200_500_000)
                + &line(
                    "quietd-answer@1-127.0.0.1:7-127.0.0.1:5.service",
                    1_795_435_200_600_000,
                )
                + &line("systemd-tmpfiles-clean.service", 1_795_435_200_700_000)
                // Logged by another process than systemd: not evidence.
                + &line("quietd-forged.service", 1_795_435_200_800_000)
                    .replace("\"UNIT\"", "\"_PID\":\"4242\",\"UNIT\"")
                + "{\"UNIT\":\"quietd-clean.service\"}\nnot json\n",
        )
        .unwrap();
        let own = Ownership {
            executables: HashSet::new(),
            units: vec![
                UnitFile::parse("quietd.service", "[Service]\nExecStart=/usr/sbin/quietd\n"),
                UnitFile::parse(
                    "quietd-clean.service",
                    "[Service]\nType=oneshot\nExecStart=/bin/sh -c 'rm -f /var/lib/quietd/*'\n",
                ),
                UnitFile::parse(
                    "quietd-answer@.service",
                    "[Service]\nExecStart=/usr/sbin/quietd-answer\n",
                ),
                UnitFile::parse(
                    "quietd-forged.service",
                    "[Service]\nExecStart=/usr/sbin/quietd-forged\n",
                ),
            ],
            cgroups: HashMap::new(),
            dbus: HashMap::new(),
        };
        let phases = crate::vm::check::phases_from_text(
            "{\"phase\":\"trigger\",\"event\":\"start\",\"time\":\"2026-11-23T12:00:00.400000000Z\"}\n\
             {\"phase\":\"trigger\",\"event\":\"end\",\"time\":\"2026-11-23T12:00:01.000000000Z\",\"status\":0}\n",
        );
        let missed = unrecorded_units(&trace, &dir, &own, &[], &phases);
        let _ = fs::remove_dir_all(&dir);
        assert_eq!(
            missed,
            [
                Unrecorded {
                    unit: "quietd-answer@1-127.0.0.1:7-127.0.0.1:5.service".into(),
                    seen: "started at 2026-11-23T12:00:00.600000000Z, in phase trigger, per the journal"
                        .into()
                },
                Unrecorded {
                    unit: "quietd-clean.service".into(),
                    seen: "started at 2026-11-23T12:00:00.500000000Z, in phase trigger, per the journal"
                        .into()
                },
            ]
        );
    }

    /// The Azure agent's case (issue 19), from an excerpt of its real guest trace: its postinst
    /// (no `#!` line, so `/bin/sh SCRIPT`) runs `systemctl start`, systemd forks and runs the
    /// daemon; the daemon is the package's, started by the unit at the postinst's request.
    #[test]
    fn a_daemon_the_postinst_starts_is_the_packages_and_says_so() {
        let trace = crate::trace::read_trace(Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/vm-azure-postinst-start.jsonl"
        )))
        .unwrap();
        let own = Ownership {
            executables: ["/usr/sbin/azure-proxy-agent".to_owned()].into(),
            units: vec![UnitFile::parse(
                "azure-proxy-agent.service",
                "[Service]\nExecStart=/usr/sbin/azure-proxy-agent\n",
            )],
            cgroups: HashMap::new(),
            dbus: HashMap::new(),
        };
        let procs = package_processes(&trace, &own, &[]);
        assert_eq!(procs.len(), 1, "{procs:#?}");
        assert_eq!(procs[0].program, "/usr/sbin/azure-proxy-agent");
        assert_eq!(
            procs[0].started_by,
            StartedBy::Unit {
                unit: "azure-proxy-agent.service".into(),
                by: Some("maintainer script /var/lib/dpkg/info/azure-proxy-agent.postinst".into())
            }
        );
        assert!(procs[0].events > 1, "{procs:#?}");
        // Without the package's executables, nothing in the trace is the package's.
        assert!(package_processes(&trace, &Ownership::default(), &[]).is_empty());
    }

    #[test]
    fn start_commands_name_their_units() {
        let v = |s: &str| s.split(' ').map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(
            started_units(
                "/usr/bin/systemctl",
                &v("systemctl --no-block start a b.socket")
            ),
            ["a.service", "b.socket"]
        );
        assert_eq!(
            started_units(
                "/usr/bin/deb-systemd-invoke",
                &v("deb-systemd-invoke restart a.service")
            ),
            ["a.service"]
        );
        assert_eq!(
            started_units(
                "/usr/sbin/invoke-rc.d",
                &v("invoke-rc.d --skip-systemd-native x start")
            ),
            ["x.service"]
        );
        assert!(started_units("/usr/bin/systemctl", &v("systemctl daemon-reload")).is_empty());
        assert!(started_units("/usr/bin/systemctl", &v("systemctl stop a")).is_empty());
    }
}
