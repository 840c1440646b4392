//! Whose action an event is. A trace of an install records apt, dpkg, maintainer scripts and
//! systemctl beside the daemon; only the daemon's tree may contradict a claim about the daemon,
//! maintainer-script actions are reported under their own name, and the harness is never held
//! against the package.

use schemars::JsonSchema;
use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::{
    claims::Package,
    trace::{EventData, Target, Trace},
};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// The package's daemon tree.
    Package,
    /// A dpkg maintainer script (preinst, postinst, prerm, postrm, config) and its children.
    MaintainerScript,
    /// The recording harness: tracer, systemctl, apt, dpkg and their children.
    Harness,
    /// Recorded, but outside the package's configured daemons (e.g. the shell that started them).
    Other,
}

/// Programs that drive a recording or an install, never the package under review.
const HARNESS: &[&str] = &[
    "tracer",
    "systemctl",
    "apt",
    "apt-get",
    "apt-cache",
    "apt-config",
    "apt-mark",
    "aptitude",
    "dpkg",
    "dpkg-deb",
    "dpkg-query",
    "dpkg-split",
    "dpkg-trigger",
    "dpkg-divert",
    "dpkg-statoverride",
    "unattended-upgr",
];

pub(crate) fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn is_harness(name: &str) -> bool {
    HARNESS.contains(&basename(name))
}

/// dpkg runs maintainer scripts from its info directory (or tmp.ci while unpacking).
pub(crate) fn is_maintainer_script(path: &str) -> bool {
    let in_dpkg =
        path.starts_with("/var/lib/dpkg/info/") || path.starts_with("/var/lib/dpkg/tmp.ci/");
    let name = basename(path);
    in_dpkg
        && ["preinst", "postinst", "prerm", "postrm", "config"]
            .iter()
            .any(|s| name == *s || name.ends_with(&format!(".{s}")))
}

/// The package whose control area `dpkg-deb --control DEB /var/lib/dpkg/tmp.ci` extracts, from
/// the archive's name (`NAME_VERSION_ARCH.deb`; apt hands dpkg links named
/// `NN-NAME_VERSION_ARCH.deb` in its `apt-dpkg-install-*` directory). dpkg runs it just before
/// that package's `tmp.ci/preinst`, and no other one in between.
fn control_unpacked(path: &str, argv: &[String]) -> Option<String> {
    if basename(path) != "dpkg-deb" {
        return None;
    }
    let at = argv.iter().position(|a| a == "--control" || a == "-e")?;
    let deb = argv.get(at + 1)?;
    let file = basename(deb).strip_suffix(".deb")?;
    let name = file.split('_').next()?;
    let in_apt_dir = deb
        .rsplit('/')
        .nth(1)
        .is_some_and(|d| d.starts_with("apt-dpkg-install-"));
    let name = match name.split_once('-') {
        Some((n, rest)) if in_apt_dir && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
            rest
        }
        _ => name,
    };
    (!name.is_empty()).then(|| name.to_owned())
}

/// dpkg's unpacks as a trace shows them: for each dpkg process, the package whose control
/// area it last extracted into tmp.ci, so that the `tmp.ci/preinst` it runs next (dpkg's name
/// for an unpacked package's preinst) is known by its package.
#[derive(Debug, Default)]
pub(crate) struct Unpacks(HashMap<u32, String>);

impl Unpacks {
    /// Notes a successful exec of `path` with `argv` by `ev`'s process.
    pub(crate) fn see(&mut self, ev: &crate::trace::Event, path: &str, argv: &[String]) {
        if let (Some(name), Some(dpkg)) = (control_unpacked(path, argv), ev.ppid) {
            self.0.insert(dpkg, name);
        }
    }

    /// `script` (a maintainer script `ev`'s process runs) as dpkg's info directory would name
    /// it: `/var/lib/dpkg/info/PKG.preinst` for a `tmp.ci` script whose package is known, else
    /// as it is.
    pub(crate) fn named<'a>(
        &self,
        ev: &crate::trace::Event,
        script: &'a str,
    ) -> std::borrow::Cow<'a, str> {
        match (
            script.strip_prefix("/var/lib/dpkg/tmp.ci/"),
            ev.ppid.and_then(|dpkg| self.0.get(&dpkg)),
        ) {
            (Some(base), Some(pkg)) => format!("/var/lib/dpkg/info/{pkg}.{base}").into(),
            _ => script.into(),
        }
    }
}

pub(crate) fn is_daemon(package: &Package, path: &str, comm: &str) -> bool {
    package.daemons.iter().any(|d| {
        if d.contains('/') {
            d == path
        } else {
            // comm is cut at 15 bytes by the kernel.
            d == basename(path) || (d.len() >= 15 && d.starts_with(comm) && comm.len() == 15)
        }
    })
}

/// Origin of every event, and which package processes were spawned by the package.
#[derive(Debug, Clone)]
pub struct Attribution {
    /// Parallel to `trace.events`.
    pub per_event: Vec<Origin>,
    /// Pids forked by a package process (not the daemon roots themselves).
    pub spawned: HashSet<u32>,
    /// Pids that ran a successful exec.
    pub execed: HashSet<u32>,
    /// A forked child's last failed exec (`/usr/sbin/nscd [nscd -i passwd]: ENOENT`), for a
    /// fork that never ran another program: a reviewer reads "tried to run nscd", not "no exec".
    pub failed_execs: HashMap<u32, String>,
    /// Execs (by `seq`) in which a package process that already ran a program replaced it with
    /// another one, without a fork: a new program started by the package, as much as a
    /// forked child's exec is. The first exec of a daemon root (from the harness, systemd or
    /// a wrapper) is not one, and neither is a re-exec of the same program.
    pub replaced: HashSet<u64>,
    /// What each package process ran, for whose code an event is ([`super::runtime`]).
    pub programs: super::runtime::Programs,
    /// What the trace's paths and addresses name where their text alone does not say.
    pub places: super::places::Places,
}

impl Attribution {
    pub fn compute(trace: &Trace, package: &Package) -> Self {
        let target_pid = match &trace.header.target {
            Target::Command { pid, .. } | Target::Pid { pid, .. } => Some(*pid),
            _ => None,
        };
        // A whole-system trace holds every process of the machine: without named daemons,
        // "everything outside the harness" would be init, udev and journald too, so nothing
        // unnamed is the package's there.
        let configured =
            !package.daemons.is_empty() || matches!(trace.header.target, Target::System);
        let outside = if configured {
            Origin::Other
        } else {
            Origin::Package
        };
        let mut state: HashMap<u32, Origin> = HashMap::new();
        let mut spawned = HashSet::new();
        let mut execed = HashSet::new();
        let mut failed_execs = HashMap::new();
        let mut replaced = HashSet::new();
        // The program each package process runs, from its last exec as the package (kept
        // over fork: a child runs its parent's program until it execs).
        let mut running: HashMap<u32, String> = HashMap::new();
        // Daemon roots whose first program is a `#!` script (a unit's wrapper that reads a
        // config and `exec`s the daemon): their next exec of a package program is the start.
        let mut wrappers: HashSet<u32> = HashSet::new();
        let mut per_event = Vec::with_capacity(trace.events.len());
        let mut unpacks = Unpacks::default();
        // Processes working for one of the package's units before running a program of
        // their own (systemd's children in the unit's cgroup), and the unit each first
        // worked for (what they run until they exec: `Programs`).
        let mut managed: HashSet<u32> = HashSet::new();
        let mut unit_of: HashMap<u32, String> = HashMap::new();
        for ev in &trace.events {
            let mut origin = *state.entry(ev.pid).or_insert_with(|| {
                if Some(ev.pid) == target_pid && ev.comm != "tracer" {
                    outside
                } else if is_harness(&ev.comm) {
                    Origin::Harness
                } else if configured && is_daemon(package, "", &ev.comm) {
                    Origin::Package
                } else {
                    outside
                }
            });
            // systemd forks a child for a unit and moves it into the unit's cgroup; until it
            // runs a program, what it does is the unit file at work (a socket unit's ports
            // bound in `(sd-listen)`, a service's sandbox set up): the package's, under the
            // service manager's name (verdict/runtime.rs says which of it counts).
            if origin == Origin::Other
                && !execed.contains(&ev.pid)
                && let Some(unit) = package.unit_cgroups.get(&ev.cgroup_id)
            {
                origin = Origin::Package;
                state.insert(ev.pid, origin);
                managed.insert(ev.pid);
                unit_of.entry(ev.pid).or_insert_with(|| unit.clone());
            }
            if let Some(victim) = super::rules::adopted(ev) {
                // A process taken over: from here on it does what its new master wrote into
                // it, as a child would. Another program's process, not one the package ran:
                // what it already runs is not the package's program.
                state.insert(victim, origin);
                running.remove(&victim);
                if origin == Origin::Package {
                    spawned.insert(victim);
                } else {
                    spawned.remove(&victim);
                }
                execed.remove(&victim);
                failed_execs.remove(&victim);
            }
            match &ev.data {
                EventData::Fork {
                    child_pid,
                    thread: false,
                    ..
                } => {
                    state.insert(*child_pid, origin);
                    match running.get(&ev.pid).cloned() {
                        Some(p) => running.insert(*child_pid, p),
                        None => running.remove(child_pid),
                    };
                    if origin == Origin::Package {
                        spawned.insert(*child_pid);
                    } else {
                        spawned.remove(child_pid);
                    }
                    execed.remove(child_pid);
                    failed_execs.remove(child_pid);
                }
                EventData::Exec { path, argv, .. }
                    if ev.result.as_ref().is_some_and(|r| !r.ok()) =>
                {
                    let why = ev.result.as_ref().and_then(|r| r.errno.clone());
                    failed_execs.insert(
                        ev.pid,
                        format!(
                            "{} [{}]: {}",
                            path.best(),
                            crate::trace::describe::shown_argv(argv),
                            why.as_deref().unwrap_or("failed")
                        ),
                    );
                }
                EventData::Exec { path, argv, .. } if ev.result.as_ref().is_none_or(|r| r.ok()) => {
                    let path = path.best();
                    unpacks.see(ev, path, argv);
                    // Systemd's work for a unit ends with the exec of a program.
                    let was_managed = managed.remove(&ev.pid);
                    let script = if is_maintainer_script(path) {
                        Some(path)
                    } else {
                        argv.get(1)
                            .map(String::as_str)
                            .filter(|a| is_maintainer_script(a))
                    };
                    origin = if let Some(script) = script {
                        // Another package's script (a dependency being set up) is not the
                        // reviewed package's doing.
                        if package.owns_script(&unpacks.named(ev, script)) {
                            Origin::MaintainerScript
                        } else {
                            Origin::Other
                        }
                    } else if configured
                        && (is_daemon(package, path, &ev.comm)
                            || argv.get(1).is_some_and(|a| {
                                a.starts_with('/') && is_daemon(package, a, &ev.comm)
                            }))
                    {
                        // The daemon's program, or an interpreter running it as its script.
                        Origin::Package
                    } else if is_harness(path)
                        && origin != Origin::MaintainerScript
                        && origin != Origin::Package
                    {
                        // The harness is never the package; but a package process that runs
                        // systemctl or dpkg itself is doing so as the package. A program's
                        // name is the package's to choose (a copy of itself named `dpkg`): a
                        // name never moves a process out of the package.
                        Origin::Harness
                    } else if origin == Origin::Harness && Some(ev.pid) == target_pid {
                        // The recorded command, replacing the tracer's forked child.
                        outside
                    } else if was_managed {
                        // A unit's helper command that is not the package's program
                        // (`ExecStartPre=/bin/mkdir …`): as before, not the package's.
                        outside
                    } else {
                        origin
                    };
                    state.insert(ev.pid, origin);
                    execed.insert(ev.pid);
                    let wrapped = wrappers.remove(&ev.pid);
                    if origin == Origin::Package {
                        let previous = running.insert(ev.pid, path.to_owned());
                        let root = !spawned.contains(&ev.pid);
                        // A wrapper script handing over to the package's daemon is how the
                        // daemon starts, not a program the package runs besides it.
                        let start = wrapped && is_daemon(package, path, &ev.comm);
                        if previous.as_ref().is_some_and(|p| p != path) && root && !start {
                            replaced.insert(ev.seq);
                        }
                        if previous.is_none() && root && runs_a_script(path, argv) {
                            wrappers.insert(ev.pid);
                        }
                    } else {
                        running.remove(&ev.pid);
                    }
                }
                _ => {}
            }
            per_event.push(origin);
        }
        let programs = super::runtime::Programs::compute(trace, &per_event, &unit_of);
        let mut places = super::places::Places::compute(trace);
        places.set_foreign(
            trace
                .events
                .iter()
                .zip(&per_event)
                .filter(|(_, o)| !matches!(o, Origin::Package | Origin::MaintainerScript))
                .map(|(ev, _)| ev.seq)
                .collect(),
        );
        Attribution {
            per_event,
            spawned,
            execed,
            failed_execs,
            replaced,
            programs,
            places,
        }
    }
}

/// Whether an exec of `path` with `argv` is the kernel running a `#!` script: argv[0] is then
/// the interpreter and the script follows it, as argv[1] or after the one option a `#!` line
/// may give.
fn runs_a_script(path: &str, argv: &[String]) -> bool {
    argv.first().is_some_and(|a| a != path)
        && (argv.get(1).is_some_and(|a| a == path)
            || (argv.get(1).is_some_and(|o| o.starts_with('-'))
                && argv.get(2).is_some_and(|a| a == path)))
}

#[cfg(test)]
mod tests {
    use super::control_unpacked;
    use crate::verdict::{Status, judge, synthetic};
    use serde_json::json;

    /// A synthetic trace of (kind, pid, syscall, fields, cgroup id) events.
    fn in_cgroups(events: &[(&str, u32, &str, serde_json::Value, u64)]) -> crate::trace::Trace {
        let mut t = synthetic::trace(
            &synthetic::fixture_header(),
            events
                .iter()
                .map(|(k, pid, sc, f, _)| (k.to_string(), *pid, sc.to_string(), f.clone())),
        );
        for (ev, (.., cgroup)) in t.events.iter_mut().zip(events) {
            ev.cgroup_id = *cgroup;
        }
        t
    }

    /// A socket unit's port, bound by systemd's `(sd-listen)` child in the unit's cgroup,
    /// is the package's endpoint (rpcbind.socket's 0.0.0.0:111 was a silent pass); systemd
    /// setting up the service before its program runs is not the package's privileged call.
    #[test]
    fn systemd_working_in_a_package_units_cgroup() {
        let inet = json!({"family": "inet", "ip": "0.0.0.0", "port": 111});
        let fork = |child: u32| json!({"child_pid": child, "child_tid": child, "thread": false, "clone_flags": 17});
        let events = [
            ("fork", 1, "clone", fork(20), 1),
            (
                "socket",
                20,
                "socket",
                json!({"domain": "AF_INET", "type": "SOCK_STREAM", "protocol": 0}),
                7,
            ),
            ("bind", 20, "bind", json!({"fd": 3, "addr": inet}), 7),
            (
                "listen",
                20,
                "listen",
                json!({"fd": 3, "backlog": 4096, "addr": inet}),
                7,
            ),
            ("fork", 1, "clone", fork(21), 1),
            (
                "setgroups",
                21,
                "setgroups",
                json!({"groups": [65534], "count": 1}),
                8,
            ),
            (
                "exec",
                21,
                "execve",
                json!({"path": {"resolved": "/sbin/rpcbind"}, "argv": ["/sbin/rpcbind", "-f"], "argv_truncated": false, "setid": false}),
                8,
            ),
        ];
        let t = in_cgroups(&events);
        let mut claims =
            crate::claims::extract("- does not open any port\n- No use of privileged functions\n");
        claims.package.name = Some("rpcbind".into());
        claims.package.daemons = vec!["/sbin/rpcbind".into()];
        let status = |claims: &crate::claims::ClaimSet| -> Vec<Status> {
            judge(&t, claims)
                .verdicts
                .iter()
                .map(|v| v.status)
                .collect()
        };
        // Without the run's unit cgroups, systemd's children are not the package's (the
        // fixture's header has no footer: nothing can be held, but nothing contradicts).
        assert_eq!(
            status(&claims),
            [Status::Inconclusive, Status::Inconclusive]
        );
        claims.package.unit_cgroups = [
            (7, "rpcbind.socket".to_owned()),
            (8, "rpcbind.service".to_owned()),
        ]
        .into();
        let j = judge(&t, &claims);
        assert_eq!(j.verdicts[0].status, Status::Contradicted);
        let first = &j.verdicts[0].evidence.shown[0];
        assert_eq!(first.pid, 20);
        assert!(first.what.contains("rpcbind.socket"), "{}", first.what);
        // The setgroups before the exec is systemd's (runtime), not the package's call.
        assert_eq!(
            j.verdicts[1].status,
            Status::Inconclusive,
            "{}",
            j.verdicts[1].reason
        );
        assert_eq!(j.verdicts[1].evidence.total, 0);
        assert!(
            j.verdicts[1]
                .reason
                .contains("systemd setting up the package's rpcbind.service"),
            "{}",
            j.verdicts[1].reason
        );
    }

    /// systemd's child moving itself into the package unit's cgroup (`cgroup.procs` opened
    /// for writing, before the unit's program runs) is the service manager at work: no gap in
    /// the package's destination claims. The same open by the daemon's own program is one (a
    /// move into a cgroup whose BPF programs were not listed). Every `vm check` was
    /// inconclusive on "no outgoing connections" over systemd's move (lighttpd, session 17).
    #[test]
    fn systemds_move_into_the_units_cgroup_is_no_gap() {
        let fork = |child: u32| json!({"child_pid": child, "child_tid": child, "thread": false, "clone_flags": 17});
        let procs = json!({"path": {"resolved": "/sys/fs/cgroup/system.slice/food.service/cgroup.procs"}, "flags": ["O_WRONLY"], "flags_raw": 1, "mode": null, "access": "write"});
        let exec = json!({"path": {"resolved": "/usr/sbin/food"}, "argv": ["/usr/sbin/food"], "argv_truncated": false, "setid": false});
        let reason = |daemon_moves: bool| {
            let mut events = vec![
                ("fork", 1, "clone", fork(21), 1u64),
                ("open", 21, "openat", procs.clone(), 8),
                ("exec", 21, "execve", exec.clone(), 8),
            ];
            if daemon_moves {
                events.push(("open", 21, "openat", procs.clone(), 8));
            }
            let t = in_cgroups(&events);
            let mut claims = crate::claims::extract("- Does not make outgoing connections.\n");
            claims.package.name = Some("food".into());
            claims.package.daemons = vec!["/usr/sbin/food".into()];
            claims.package.unit_cgroups = [(8, "food.service".to_owned())].into();
            judge(&t, &claims).verdicts.remove(0).reason
        };
        let systemd_only = reason(false);
        assert!(!systemd_only.contains("cgroup.procs"), "{systemd_only}");
        let daemon_too = reason(true);
        assert!(
            daemon_too.contains("cgroup.procs for writing"),
            "{daemon_too}"
        );
    }

    /// A unit's control command (`ExecReload=/usr/sbin/avahi-daemon -r`: systemd runs it as
    /// root beside the daemon, it signals the daemon and exits) is no daemon running as root;
    /// the same root program with no older process of its unit beside it (`ExecStartPre=`,
    /// or a daemon that never drops root) is. avahi's reload contradicted "does not run a
    /// daemon as root" for a daemon that had dropped to its own user.
    #[test]
    fn a_units_control_command_is_no_daemon() {
        let fork = |child: u32| json!({"child_pid": child, "child_tid": child, "thread": false, "clone_flags": 17});
        let exec = |argv: &[&str]| json!({"path": {"resolved": argv[0]}, "argv": argv, "argv_truncated": false, "setid": false});
        let exit = json!({"status": 0, "code": 0, "signal": null, "core_dumped": false});
        let judged = |early_helper: bool| {
            let mut events = vec![
                ("fork", 1, "clone", fork(30), 1u64, 0u32),
                ("exec", 30, "execve", exec(&["/usr/sbin/food", "-s"]), 8, 0),
                (
                    "setuid",
                    30,
                    "setuid",
                    json!({"requested": [101, 101, 101]}),
                    8,
                    101,
                ),
                ("fork", 1, "clone", fork(31), 1, 0),
                ("exec", 31, "execve", exec(&["/usr/sbin/food", "-r"]), 8, 0),
                ("exit", 31, "exit_group", exit.clone(), 8, 0),
                ("exit", 30, "exit_group", exit.clone(), 8, 101),
            ];
            if early_helper {
                // The same command before the daemon started: nothing older beside it.
                let helper: Vec<_> = events.drain(3..6).collect();
                events.splice(0..0, helper);
            }
            let mut t = synthetic::trace(
                &synthetic::fixture_header(),
                events
                    .iter()
                    .map(|(k, pid, sc, f, ..)| (k.to_string(), *pid, sc.to_string(), f.clone())),
            );
            for (ev, (.., cgroup, uid)) in t.events.iter_mut().zip(&events) {
                ev.cgroup_id = *cgroup;
                ev.ids.uid = *uid;
                ev.ids.euid = Some(*uid);
            }
            let mut claims = crate::claims::extract("- does not run a daemon as root\n");
            claims.package.name = Some("food".into());
            claims.package.daemons = vec!["/usr/sbin/food".into()];
            claims.package.unit_cgroups = [(8, "food.service".to_owned())].into();
            let v = judge(&t, &claims).verdicts.remove(0);
            (v.status, v.reason)
        };
        let (status, reason) = judged(false);
        assert_ne!(status, Status::Contradicted, "{reason}");
        assert!(reason.contains("pid 31 (/usr/sbin/food -r)"), "{reason}");
        let (status, reason) = judged(true);
        assert_eq!(status, Status::Contradicted, "{reason}");
    }

    fn argv(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn the_package_whose_control_area_dpkg_unpacks() {
        let control = |deb: &str| {
            control_unpacked(
                "/usr/bin/dpkg-deb",
                &argv(&["dpkg-deb", "--control", deb, "/var/lib/dpkg/tmp.ci"]),
            )
        };
        // apt's numbered links: the number is not the name.
        assert_eq!(
            control("/tmp/apt-dpkg-install-kVrLuz/07-sgml-base_1.31_all.deb").as_deref(),
            Some("sgml-base")
        );
        assert_eq!(
            control("/tmp/apt-dpkg-install-kVrLuz/15-rtkit_0.13-5_amd64.deb").as_deref(),
            Some("rtkit")
        );
        // Elsewhere a leading number is part of the name.
        assert_eq!(
            control("/root/0ad-data_0.0.26-1_all.deb").as_deref(),
            Some("0ad-data")
        );
        assert_eq!(control("/root/07-foo_1_all.deb").as_deref(), Some("07-foo"));
        // Not an unpack of a control area.
        assert_eq!(
            control_unpacked(
                "/usr/bin/dpkg-deb",
                &argv(&["dpkg-deb", "--fsys-tarfile", "/x/a_1_all.deb"])
            ),
            None
        );
        assert_eq!(
            control_unpacked(
                "/usr/bin/tar",
                &argv(&["tar", "--control", "/x/a_1_all.deb"])
            ),
            None
        );
    }
}
