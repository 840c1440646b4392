//! `tracer harden`: a systemd drop-in drafted from what a daemon was seen doing.
//!
//! Each directive comes with the observation behind it, so a reviewer can judge the draft line
//! by line. It is a draft, not a proof: a trace shows the syscalls a run made, not every path a
//! daemon can take, nor the kernel's capability checks. The directives this module derives
//! are the ones a trace can support:
//! - `ProtectSystem=strict` with `ReadWritePaths=` from the observed writes;
//! - `PrivateTmp`, `ProtectHome`, `NoNewPrivileges`, `PrivateDevices`, the kernel and cgroup
//!   protections and `RestrictSUIDSGID`, each left out (with why) when the trace shows the
//!   daemon needs what it takes away;
//! - `RestrictAddressFamilies` from the sockets it created;
//! - `IPAddressDeny=any` with `IPAddressAllow=` from its destinations, unless it serves
//!   clients on a non-loopback address;
//! - `CapabilityBoundingSet` from the privileged calls it made (a lower bound).

mod render;
mod select;

use std::collections::{BTreeMap, BTreeSet};

use crate::trace::{EventData, SockAddr, Trace};
use crate::verdict::is_loopback;

pub use render::render;
pub use select::{DaemonSelector, select};

/// One drop-in: the daemon it is for and its directives in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// The daemon as given (`--daemon`), or "the recorded command".
    pub daemon: String,
    /// Processes of the daemon seen in the trace.
    pub processes: usize,
    pub directives: Vec<Directive>,
    /// Directives deliberately not set, with why.
    pub withheld: Vec<Withheld>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Directive {
    pub key: String,
    /// Its values, each one word of the unit file (a path, an address, a name).
    pub values: Vec<String>,
    /// The observations behind it, one line each (at most a few shown).
    pub because: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Withheld {
    pub key: &'static str,
    pub why: String,
}

/// Paths that `ProtectSystem=strict` leaves writable or other directives govern: writes there
/// need no `ReadWritePaths=`.
const API_FS: &[&str] = &["/dev", "/proc", "/sys", "/tmp", "/var/tmp", "/run/user"];

/// Top directories under which a daemon's own state lives one level down
/// (`/var/lib/NAME/...` → `/var/lib/NAME`).
const STATE_ROOTS: &[&str] = &[
    "/var/lib",
    "/var/log",
    "/var/cache",
    "/var/spool",
    "/run",
    "/etc",
    "/srv",
    "/opt",
    "/var/mail",
    "/var/www",
];

/// Device nodes `PrivateDevices=yes` keeps.
const PRIVATE_DEVICES_KEEP: &[&str] = &[
    "/dev/null",
    "/dev/zero",
    "/dev/full",
    "/dev/random",
    "/dev/urandom",
    "/dev/tty",
    "/dev/ptmx",
    "/dev/log",
    "/dev/stdin",
    "/dev/stdout",
    "/dev/stderr",
];

fn under(path: &str, dir: &str) -> bool {
    path == dir || path.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
}

/// Operations that need write access to the directory, not only to the file: the name
/// itself is created, removed or replaced.
fn changes_directory(op: &str) -> bool {
    [
        "create", "tmpfile", "rename", "remove", "mkdir", "rmdir", "link", "symlink", "mknod",
    ]
    .iter()
    .any(|o| op.starts_with(o))
}

/// What `ReadWritePaths=` should name for a change to `path`: the file itself when it was only
/// written (it exists, and nothing else nearby need be writable), its directory when a name
/// was created or removed; under /var/lib, /run and the like, the daemon's own directory
/// (`/var/lib/NAME/a/b` → `/var/lib/NAME`).
fn writable_dir(path: &str, op: &str) -> String {
    let target = if changes_directory(op) {
        match path.rfind('/') {
            Some(0) => "/",
            Some(i) => &path[..i],
            None => path,
        }
    } else {
        path
    };
    for root in STATE_ROOTS {
        if let Some(rest) = target.strip_prefix(root).and_then(|r| r.strip_prefix('/')) {
            let first = rest.split('/').next().unwrap_or(rest);
            return format!("{root}/{first}");
        }
    }
    target.to_owned()
}

/// Observations gathered from the daemon's events.
#[derive(Default)]
struct Seen {
    writes: BTreeMap<String, BTreeSet<String>>,
    tmp: BTreeSet<String>,
    home_read: BTreeSet<String>,
    home_written: BTreeSet<String>,
    devices: BTreeSet<String>,
    kernel_tunables: BTreeSet<String>,
    cgroup_writes: BTreeSet<String>,
    setid_execs: BTreeSet<String>,
    suid_chmods: BTreeSet<String>,
    families: BTreeSet<String>,
    /// Addresses connected or sent to, with " (failed here: ERRNO)" when it did not work.
    destinations: BTreeMap<String, String>,
    public_listeners: BTreeSet<String>,
    loopback_listeners: BTreeSet<String>,
    caps: BTreeMap<&'static str, BTreeSet<String>>,
    root: bool,
    /// Kernel modules loaded (their names as recorded).
    modules: BTreeSet<String>,
}

fn ip_of(addr: &SockAddr) -> Option<(&str, u16)> {
    match addr {
        SockAddr::Inet { ip, port } | SockAddr::Inet6 { ip, port } => Some((ip, *port)),
        _ => None,
    }
}

impl Seen {
    fn cap(&mut self, cap: &'static str, why: String) {
        self.caps.entry(cap).or_default().insert(why);
    }

    fn add(&mut self, ev: &crate::trace::Event) {
        let ok = ev.result.as_ref().is_none_or(|r| r.ok());
        if ev.ids.euid.unwrap_or(ev.ids.uid) == 0 || ev.ids.uid == 0 {
            self.root = true;
        }
        // A destination it tried counts, whether or not this VM could reach it: the
        // daemon means to, and the drop-in must let it where it runs for real.
        // A ring's connect or addressed send too (`describe::io_uring_net`).
        let addr = match &ev.data {
            EventData::Connect { addr: Some(a), .. } | EventData::Send { addr: Some(a), .. } => {
                Some(a)
            }
            _ => match crate::trace::describe::io_uring_net(ev) {
                Some(crate::trace::describe::IoUringNet::Addressed(_, a)) => Some(a),
                _ => None,
            },
        };
        if let Some(addr) = addr
            && let Some((ip, _)) = ip_of(addr)
        {
            // A non-blocking connect returns EINPROGRESS: under way, not failed.
            let label = crate::trace::describe::result_label(ev.result.as_ref());
            let tried = if ok || label == "EINPROGRESS" {
                String::new()
            } else {
                format!(" (failed here: {label})")
            };
            self.destinations.entry(ip.to_owned()).or_insert(tried);
        }
        if !ok {
            return;
        }
        for (path, op) in crate::trace::describe::file_changes(ev) {
            // The kernel's name: /var/run/x is /run/x, and systemd mounts the real path.
            let path = path.real.clone().unwrap_or_else(|| path.best().to_owned());
            if op.starts_with("chmod")
                && let EventData::Chmod { mode, .. } = &ev.data
                && mode & 0o6000 != 0
            {
                self.suid_chmods.insert(format!("{op} {path}"));
            }
            if under(&path, "/tmp") || under(&path, "/var/tmp") {
                self.tmp.insert(path);
            } else if ["/home", "/root", "/run/user"]
                .iter()
                .any(|h| under(&path, h))
            {
                self.home_written.insert(path);
            } else if under(&path, "/proc/sys")
                || (under(&path, "/sys") && !under(&path, "/sys/fs/cgroup"))
            {
                self.kernel_tunables.insert(path);
            } else if under(&path, "/sys/fs/cgroup") {
                self.cgroup_writes.insert(path);
            } else if under(&path, "/dev") {
                if !PRIVATE_DEVICES_KEEP.contains(&path.as_str())
                    && !under(&path, "/dev/shm")
                    && !under(&path, "/dev/pts")
                {
                    self.devices.insert(path);
                }
            } else if path.starts_with('/') && !API_FS.iter().any(|d| under(&path, d)) {
                self.writes
                    .entry(writable_dir(&path, &op))
                    .or_default()
                    .insert(format!("{op} {path}"));
            }
        }
        match &ev.data {
            EventData::Open { path, .. } => {
                let p = path.best();
                if ["/home", "/root"].iter().any(|h| under(p, h)) {
                    self.home_read.insert(p.to_owned());
                }
                if under(p, "/dev")
                    && !PRIVATE_DEVICES_KEEP.contains(&p)
                    && !under(p, "/dev/shm")
                    && !under(p, "/dev/pts")
                {
                    self.devices.insert(p.to_owned());
                }
            }
            EventData::Exec {
                path, setid: true, ..
            } => {
                self.setid_execs.insert(path.best().to_owned());
            }
            EventData::Socket {
                domain, sock_type, ..
            } => {
                self.families.insert(domain.clone());
                if sock_type.contains("RAW") || domain == "AF_PACKET" {
                    self.cap("CAP_NET_RAW", format!("{domain} {sock_type} socket"));
                }
            }
            EventData::Bind {
                addr: Some(addr), ..
            }
            | EventData::Listen {
                addr: Some(addr), ..
            } => {
                if let Some((ip, port)) = ip_of(addr) {
                    // The kernel's autobind takes any port of ip_local_port_range without a
                    // capability check.
                    let autobind = matches!(ev.data, EventData::Bind { autobind: true, .. });
                    if port != 0 && port < 1024 && !autobind {
                        self.cap("CAP_NET_BIND_SERVICE", format!("bind to {ip} port {port}"));
                    }
                    if matches!(ev.data, EventData::Listen { .. }) || port != 0 {
                        let label = crate::trace::describe::addr_label(addr);
                        if is_loopback(ip) {
                            self.loopback_listeners.insert(label);
                        } else {
                            self.public_listeners.insert(label);
                        }
                    }
                }
            }
            EventData::Setuid { .. } => {
                self.cap("CAP_SETUID", format!("{} by {}", kind_call(ev), ev.comm))
            }
            EventData::Setgid { .. } | EventData::Setgroups { .. } => {
                self.cap("CAP_SETGID", format!("{} by {}", kind_call(ev), ev.comm))
            }
            EventData::Chown { .. } => {
                self.cap("CAP_CHOWN", format!("{} by {}", kind_call(ev), ev.comm))
            }
            EventData::Mount { .. }
            | EventData::Umount { .. }
            | EventData::Unshare { .. }
            | EventData::Setns { .. }
            | EventData::PivotRoot { .. }
            | EventData::MountApi { .. } => {
                self.cap("CAP_SYS_ADMIN", format!("{} by {}", kind_call(ev), ev.comm))
            }
            EventData::Fork { clone_flags, .. }
                if !crate::trace::describe::clone_namespaces(
                    *clone_flags,
                    ev.syscall.as_deref(),
                )
                .is_empty() =>
            {
                self.cap(
                    "CAP_SYS_ADMIN",
                    format!("clone into new namespaces by {}", ev.comm),
                )
            }
            EventData::Chroot { .. } => {
                self.cap("CAP_SYS_CHROOT", format!("chroot by {}", ev.comm))
            }
            EventData::Ptrace { .. } => {
                self.cap("CAP_SYS_PTRACE", format!("ptrace by {}", ev.comm))
            }
            EventData::Bpf { .. } => {
                self.cap("CAP_BPF", format!("bpf by {}", ev.comm));
                self.cap("CAP_PERFMON", format!("bpf by {}", ev.comm));
            }
            // A read of the clock's state (adjtimex with modes 0) needs no capability.
            EventData::Clock { query: false, .. } => {
                self.cap("CAP_SYS_TIME", format!("{} by {}", kind_call(ev), ev.comm))
            }
            EventData::PrivilegedCall {
                capability,
                query: false,
                ..
            } => {
                if let Some(cap) = CAPABILITIES.iter().find(|c| *c == capability) {
                    self.cap(cap, format!("{} by {}", kind_call(ev), ev.comm))
                }
            }
            // A capability-gated socket option: CAP_NET_ADMIN satisfies each one asking for
            // "CAP_NET_RAW or CAP_NET_ADMIN".
            EventData::Sockopt {
                capability: Some(capability),
                ..
            } => {
                let cap = if capability.ends_with("CAP_NET_ADMIN") {
                    "CAP_NET_ADMIN"
                } else {
                    "CAP_NET_RAW"
                };
                self.cap(cap, format!("{} by {}", kind_call(ev), ev.comm))
            }
            // A lock past RLIMIT_MEMLOCK, or one (MCL_FUTURE) that may go past it later.
            EventData::Mlock {
                over_limit: Some(true) | None,
                ..
            } => self.cap("CAP_IPC_LOCK", format!("{} by {}", kind_call(ev), ev.comm)),
            EventData::ModuleLoad { .. } => {
                self.modules.insert(format!("a module (by {})", ev.comm));
                self.cap("CAP_SYS_MODULE", format!("module load by {}", ev.comm));
            }
            // chattr +i / +a.
            EventData::FileAttr { flags, .. }
                if flags
                    .iter()
                    .any(|f| crate::trace::describe::IMMUTABLE_FLAGS.contains(&f.as_str())) =>
            {
                self.cap(
                    "CAP_LINUX_IMMUTABLE",
                    format!("{} by {}", kind_call(ev), ev.comm),
                )
            }
            _ => {}
        }
    }
}

/// `Key=v1 v2`: for values from a fixed vocabulary (no spaces). Paths go through
/// [`push_values`].
fn push(d: &mut Vec<Directive>, line: String, because: Vec<String>) {
    let (key, value) = line.split_once('=').unwrap_or((&line, ""));
    let values = value.split_whitespace().map(str::to_owned).collect();
    push_values(d, key, values, because);
}

fn push_values(d: &mut Vec<Directive>, key: &str, values: Vec<String>, because: Vec<String>) {
    d.push(Directive {
        key: key.to_owned(),
        values,
        because,
    });
}

impl Directive {
    /// `Key=v1 v2` as written when every value is plain.
    pub fn line(&self) -> String {
        format!("{}={}", self.key, self.values.join(" "))
    }
}

fn kind_call(ev: &crate::trace::Event) -> String {
    ev.call().to_owned()
}

/// The capabilities a `privileged_call` event names, as the drop-in spells them.
const CAPABILITIES: &[&str] = &[
    "CAP_SYS_BOOT",
    "CAP_SYS_MODULE",
    "CAP_SYS_ADMIN",
    "CAP_SYS_RAWIO",
    "CAP_SYS_PACCT",
    "CAP_SYSLOG",
    "CAP_PERFMON",
    "CAP_SYS_TTY_CONFIG",
];

/// At most this many observations are quoted per directive.
const QUOTED: usize = 3;

fn quoted(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let all: Vec<String> = items.into_iter().collect();
    let mut out: Vec<String> = all.iter().take(QUOTED).cloned().collect();
    if all.len() > QUOTED {
        out.push(format!("… and {} more", all.len() - QUOTED));
    }
    out
}

/// The draft for the events `selected` picks out of `trace`.
pub fn draft(trace: &Trace, daemon: &str, selected: &[bool]) -> Draft {
    let mut seen = Seen::default();
    let mut pids = BTreeSet::new();
    for (ev, _) in trace.events.iter().zip(selected).filter(|(_, s)| **s) {
        pids.insert(ev.pid);
        seen.add(ev);
    }
    let mut d = Vec::new();
    let mut w = Vec::new();

    push(
        &mut d,
        "ProtectSystem=strict".into(),
        vec!["every write outside the paths below was to /tmp, /dev, /proc or /sys, or none was seen".into()],
    );
    if !seen.writes.is_empty() {
        push_values(
            &mut d,
            "ReadWritePaths",
            // A path inside another listed one adds nothing.
            seen.writes
                .keys()
                .filter(|p| !seen.writes.keys().any(|q| q != *p && under(p, q)))
                .cloned()
                .collect(),
            quoted(seen.writes.values().flat_map(|v| v.iter().take(1).cloned())),
        );
    }
    push(
        &mut d,
        "PrivateTmp=yes".into(),
        if seen.tmp.is_empty() {
            vec!["no file in /tmp or /var/tmp was written".into()]
        } else {
            let mut v = vec![
                "its own /tmp files keep working; a file another program expects there would not:"
                    .into(),
            ];
            v.extend(quoted(seen.tmp.iter().cloned()));
            v
        },
    );
    if !seen.home_written.is_empty() {
        w.push(Withheld {
            key: "ProtectHome",
            why: format!(
                "it wrote {}",
                seen.home_written.iter().next().cloned().unwrap_or_default()
            ),
        });
    } else if !seen.home_read.is_empty() {
        push(
            &mut d,
            "ProtectHome=read-only".into(),
            quoted(seen.home_read.iter().map(|p| format!("read {p}"))),
        );
    } else {
        push(
            &mut d,
            "ProtectHome=yes".into(),
            vec!["nothing under /home, /root or /run/user was opened".into()],
        );
    }
    let protections: [(&str, &BTreeSet<String>, &str, &str); 6] = [
        (
            "NoNewPrivileges",
            &seen.setid_execs,
            "it ran setuid or setgid",
            "no setuid or setgid program was run",
        ),
        (
            "RestrictSUIDSGID",
            &seen.suid_chmods,
            "it made setuid or setgid:",
            "no file was made setuid or setgid",
        ),
        (
            "PrivateDevices",
            &seen.devices,
            "it opened",
            "no device but null, zero, random, urandom, tty and pts was opened",
        ),
        (
            "ProtectKernelTunables",
            &seen.kernel_tunables,
            "it wrote",
            "nothing under /proc/sys or /sys was written",
        ),
        (
            "ProtectKernelModules",
            &seen.modules,
            "it loaded",
            "no kernel module was loaded",
        ),
        (
            "ProtectControlGroups",
            &seen.cgroup_writes,
            "it wrote",
            "nothing under /sys/fs/cgroup was written",
        ),
    ];
    for (key, evidence, verb, none_seen) in protections {
        if evidence.is_empty() {
            push(&mut d, format!("{key}=yes"), vec![none_seen.into()]);
        } else {
            w.push(Withheld {
                key,
                why: format!("{verb} {}", quoted(evidence.iter().cloned()).join(", ")),
            });
        }
    }
    if seen.families.is_empty() {
        push(
            &mut d,
            "RestrictAddressFamilies=none".into(),
            vec!["it created no socket".into()],
        );
    } else {
        push(
            &mut d,
            format!(
                "RestrictAddressFamilies={}",
                seen.families.iter().cloned().collect::<Vec<_>>().join(" ")
            ),
            vec!["the families of the sockets it created".into()],
        );
    }
    let inet = seen
        .families
        .iter()
        .any(|f| f == "AF_INET" || f == "AF_INET6");
    if !seen.public_listeners.is_empty() {
        w.push(Withheld {
            key: "IPAddressDeny",
            why: format!(
                "it serves clients on {}: an address list would have to name them",
                seen.public_listeners
                    .iter()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    } else if inet || !seen.destinations.is_empty() {
        push(
            &mut d,
            "IPAddressDeny=any".into(),
            vec!["then only the addresses below are reachable, both ways".into()],
        );
        let mut allow: BTreeSet<String> = seen
            .destinations
            .keys()
            .filter(|ip| !is_loopback(ip))
            .cloned()
            .collect();
        let local = !seen.loopback_listeners.is_empty()
            || seen.destinations.keys().any(|ip| is_loopback(ip));
        if local {
            allow.insert("localhost".into());
        }
        if !allow.is_empty() {
            let mut because: Vec<String> = seen
                .destinations
                .iter()
                .map(|(ip, tried)| format!("connected or sent to {ip}{tried}"))
                .collect();
            because.extend(
                seen.loopback_listeners
                    .iter()
                    .map(|l| format!("listened on {l}")),
            );
            push(
                &mut d,
                format!(
                    "IPAddressAllow={}",
                    allow.into_iter().collect::<Vec<_>>().join(" ")
                ),
                quoted(because),
            );
        }
    }
    if !seen.root {
        push(
            &mut d,
            "CapabilityBoundingSet=".into(),
            vec!["it never ran as root, and ran no setuid program".into()],
        );
        if !seen.setid_execs.is_empty() {
            d.pop();
            w.push(Withheld {
                key: "CapabilityBoundingSet",
                why: "it ran a setuid program, which needs its capabilities".into(),
            });
        }
    } else {
        let caps: Vec<&str> = seen.caps.keys().copied().collect();
        let mut because: Vec<String> = seen
            .caps
            .iter()
            .flat_map(|(c, why)| why.iter().take(1).map(move |y| format!("{c}: {y}")))
            .collect();
        because.push("a lower bound: the trace shows calls, not the kernel's capability checks (CAP_DAC_OVERRIDE for root-owned files it may need is not visible)".into());
        push(
            &mut d,
            format!("CapabilityBoundingSet={}", caps.join(" ")),
            because,
        );
    }
    Draft {
        daemon: daemon.to_owned(),
        processes: pids.len(),
        directives: d,
        withheld: w,
    }
}

#[cfg(test)]
mod tests;
