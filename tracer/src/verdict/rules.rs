//! Which events speak to which claim. Each rule looks at one event and says whether it is an
//! instance of the claim's behaviour (a hit), an instance the allowlist accepts, or neither.
//! The definitions are the ones docs/claims.md gives; change both together.

use std::{
    collections::{HashMap, HashSet},
    net::IpAddr,
};

use super::{
    attribution::{Attribution, Origin, basename},
    places::Placed,
};
use crate::{
    claims::{Allow, Check},
    contents::{self, InstalledFile},
    trace::describe::{
        IoUringNet, addr_label, changed_paths, changed_places, failed, io_uring_net,
        keyctl_maybe_privileged, mlock_label, netlink_privileged, privilege_detail, secret_in_argv,
        shown_argv, sockopt_label,
    },
    trace::{Event, EventData, PathRef, SockAddr},
};

pub enum Hit {
    /// Not an instance of the behaviour.
    No,
    /// An instance the claim's allowlist accepts.
    Allowed,
    /// An instance: what it was, in words.
    Yes(String),
    /// Maybe an instance: the file or address it acts on cannot be placed (a magic link, a
    /// chroot, an AF_UNSPEC address on a socket of unknown family). The claim cannot hold.
    Unknown(String),
}

/// Which origins a check looks at.
pub fn scope(check: Check) -> &'static [Origin] {
    match check {
        Check::MaintainerAddsGroups | Check::MaintainerRemoves => &[Origin::MaintainerScript],
        Check::ChmodChownMixup | Check::SecretInArgv => {
            &[Origin::Package, Origin::MaintainerScript]
        }
        // Contents: what the install did, the maintainer scripts included.
        c if c.is_contents() => &[Origin::Package, Origin::MaintainerScript],
        _ => &[Origin::Package],
    }
}

/// Paths every process touches without it being notable file IO. /proc/self's magic links
/// (root, cwd, fd/N, exe) are not among them: [`super::places`] places them first.
const BENIGN: &[&str] = &[
    "/dev/null",
    "/dev/zero",
    "/dev/full",
    "/dev/tty",
    "/dev/pts/",
    "/dev/stdout",
    "/dev/stderr",
    "/proc/self/",
    "/proc/thread-self/",
];

const TEMP_DIRS: &[&str] = &["/tmp", "/var/tmp", "/dev/shm"];

/// Whether `path` is a [`BENIGN`] path of process `pid`: the kernel names a process's own
/// `/proc/self/…` file by its number (`pthread_setname_np` opens `/proc/self/task/T/comm`, and
/// the walk of the fd says `/proc/562/task/T/comm`), so `/proc/PID/…` of the event's own
/// process is `/proc/self/…`. Another process's `/proc/N/…` is not benign.
fn benign(path: &str, pid: u32) -> bool {
    if BENIGN.iter().any(|b| under(path, b)) {
        return true;
    }
    path.strip_prefix("/proc/")
        .and_then(|r| r.split_once('/'))
        .is_some_and(|(n, rest)| n.parse::<u32>() == Ok(pid) && !rest.is_empty())
}

/// Whether `path` is `prefix` or below it.
pub fn under(path: &str, prefix: &str) -> bool {
    let p = prefix.trim_end_matches('/');
    if prefix.ends_with('/') && path.starts_with(prefix) {
        return true;
    }
    path == p || path.strip_prefix(p).is_some_and(|r| r.starts_with('/'))
}

/// Directories whose programs a bare name in `allow.programs` (`"true"`) stands for: the
/// distribution's bin and sbin directories, and its library directories at any depth (a
/// package's helpers: /usr/lib/apt/methods/http, /usr/libexec/…). Not /usr/local (no package
/// installs there) nor any other place: a file called `true` anywhere else is whatever its
/// maker put there (round 11's a11_copy_named_true, a copy of touch in a scratch dir).
const SYSTEM_BIN_DIRS: &[&str] = &["/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/games"];
const SYSTEM_LIB_DIRS: &[&str] = &["/usr/lib", "/usr/lib64", "/usr/libexec", "/lib", "/lib64"];

/// Whether `path` is a program at a system path ([`SYSTEM_BIN_DIRS`], [`SYSTEM_LIB_DIRS`]).
fn system_program(path: &str) -> bool {
    if path.split('/').any(|c| c == ".." || c == ".") {
        return false;
    }
    let Some((dir, _)) = path.rsplit_once('/') else {
        return false;
    };
    SYSTEM_BIN_DIRS.contains(&dir) || SYSTEM_LIB_DIRS.iter().any(|l| under(dir, l))
}

/// Whether an `allow.programs` entry allows the program at `path`: an absolute entry that
/// path, a bare name a program of that name at a system path ([`system_program`]).
fn program_allowed(path: &str, programs: &[String]) -> bool {
    programs.iter().any(|a| {
        if a.starts_with('/') {
            a == path
        } else {
            !a.contains('/') && a == basename(path) && system_program(path)
        }
    })
}

fn allowed_path(path: &str, allow_paths: &[String]) -> bool {
    allow_paths.iter().any(|a| under(path, a))
}

pub struct Rules<'a> {
    /// Claim allowlist plus the package defaults that apply to this check.
    pub allow: &'a Allow,
    pub attribution: &'a Attribution,
    /// (pid, fd) pairs that called listen: their bind is reported at the listen.
    pub listened: &'a HashSet<(u32, i32)>,
    /// The exits that left a forked child running, by the exit's `seq`: see
    /// [`daemonizing_exits`].
    pub daemonized: &'a HashMap<u64, String>,
    /// Deaths by a core-dumping signal while the kernel may pipe core dumps to a helper, by
    /// the exit's `seq`: see [`core_helper_exits`].
    pub core_helpers: &'a HashMap<u64, String>,
    /// Core files the kernel wrote for a crashing package process, by the exit's `seq`: the
    /// file's path, or why it cannot be named. See [`core_files`].
    pub core_files: &'a HashMap<u64, Result<String, String>>,
    /// ptrace requests that changed a process whose own events are not the package's, by
    /// the request's `seq`: see [`ptrace_controls`].
    pub controlled: &'a HashMap<u64, String>,
    /// Signals and chowns that a capability gates by ids, by `seq`: see [`cred_gated`].
    pub cred_gated: &'a HashMap<u64, Result<String, String>>,
}

/// Signals whose default action dumps core (signal(7)): SIGQUIT, SIGILL, SIGTRAP, SIGABRT,
/// SIGBUS, SIGFPE, SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS.
const CORE_SIGNALS: &[i32] = &[3, 4, 5, 6, 7, 8, 11, 24, 25, 31];

/// The sysctl that names the core dump handler.
pub const CORE_PATTERN: &str = "/proc/sys/kernel/core_pattern";

/// Exits by a core-dumping signal at a time the kernel may have run a core dump helper: when
/// `kernel.core_pattern` starts with `|`, the kernel spawns that program (as root, through
/// call_usermodehelper, outside every recorded tree) for the dump, so "no processes spawned"
/// cannot hold over the crash. The pattern is the header's (read at start); unknown in an
/// older trace, and unknown after a write-open of core_pattern seen in the trace. The value
/// says why.
pub fn core_helper_exits(trace: &crate::trace::Trace) -> HashMap<u64, String> {
    let mut pattern: Result<Option<String>, &str> = match &trace.header.core_pattern {
        Some(p) if p.starts_with('|') => Ok(Some(p.clone())),
        Some(_) => Ok(None),
        None => Err("kernel.core_pattern is not in this trace (an older recorder)"),
    };
    let mut out = HashMap::new();
    for ev in &trace.events {
        match &ev.data {
            EventData::Open { path, access, .. }
                if path.best() == CORE_PATTERN && access != "read" && access != "path" =>
            {
                pattern = Err("kernel.core_pattern was opened for writing during the recording");
            }
            EventData::Exit {
                signal: Some(sig), ..
            } => {
                if !CORE_SIGNALS.contains(sig) {
                    continue;
                }
                let name = crate::events::signal_name(*sig as u64);
                let why = match &pattern {
                    Ok(None) => continue,
                    Ok(Some(p)) => format!(
                        "kernel.core_pattern {p:?} pipes core dumps to a program the kernel runs as root, outside the recorded tree"
                    ),
                    Err(why) => format!(
                        "{why}: it may pipe core dumps to a program the kernel runs outside the recorded tree"
                    ),
                };
                out.insert(
                    ev.seq,
                    format!("process {} killed by {name}; {why}", ev.pid),
                );
            }
            _ => {}
        }
    }
    out
}

/// Core files the kernel wrote itself, for exits by a signal with `core_dumped` (the kernel
/// sets it only when the dump was written) while `kernel.core_pattern` names a file (not a
/// `|` pipe: [`core_helper_exits`] has those). The file is the pattern, relative to the
/// crashing process's working directory when it is not absolute; that directory is known when
/// the trace saw the process (or an ancestor it inherited it from) chdir to an absolute path.
/// `%` specifiers stay as written (the kernel expands them), and with
/// `kernel.core_uses_pid` the kernel appends `.PID` to a pattern without `%p`: neither moves
/// the file to another directory. By exit `seq`: the path, or why it cannot be named.
pub fn core_files(trace: &crate::trace::Trace) -> HashMap<u64, Result<String, String>> {
    let mut pattern: Result<Option<String>, &str> = match &trace.header.core_pattern {
        Some(p) if p.starts_with('|') => Ok(None),
        Some(p) => Ok(Some(p.trim_end_matches('\n').to_owned())),
        None => Err("kernel.core_pattern is not in this trace (an older recorder)"),
    };
    // Working directory per process, where the trace shows it.
    let mut cwd: HashMap<u32, String> = HashMap::new();
    let mut out = HashMap::new();
    for ev in &trace.events {
        let ok = crate::trace::describe::succeeded(ev);
        match &ev.data {
            EventData::Open { path, access, .. }
                if path.best() == CORE_PATTERN && access != "read" && access != "path" =>
            {
                pattern = Err("kernel.core_pattern was opened for writing during the recording");
            }
            EventData::Chdir { path, .. } if ok => match path.as_ref().map(|p| p.best()) {
                Some(p) if p.starts_with('/') => {
                    cwd.insert(ev.pid, p.to_owned());
                }
                _ => {
                    cwd.remove(&ev.pid);
                }
            },
            EventData::Fork {
                child_pid,
                thread: false,
                ..
            } => match cwd.get(&ev.pid).cloned() {
                Some(d) => {
                    cwd.insert(*child_pid, d);
                }
                None => {
                    cwd.remove(child_pid);
                }
            },
            EventData::Exit {
                signal: Some(sig),
                core_dumped: true,
                ..
            } => {
                let name = crate::events::signal_name(*sig as u64);
                let file = match &pattern {
                    Ok(None) => continue,
                    Err(why) => Err(format!(
                        "process {} killed by {name} dumped core: {why}, so the file the kernel wrote is not known",
                        ev.pid
                    )),
                    Ok(Some(p)) if p.starts_with('/') => Ok(p.clone()),
                    Ok(Some(p)) => match cwd.get(&ev.pid) {
                        Some(d) => Ok(format!("{}/{p}", d.trim_end_matches('/'))),
                        None => Err(format!(
                            "process {} killed by {name} dumped core to {p:?} (kernel.core_pattern) in its working directory, which this trace does not show",
                            ev.pid
                        )),
                    },
                };
                out.insert(ev.seq, file);
            }
            EventData::Exit { .. } if ev.pid == ev.tid => {
                cwd.remove(&ev.pid);
            }
            _ => {}
        }
    }
    out
}

/// ptrace requests that only read the tracee, or stop, resume or detach it: PTRACE_TRACEME,
/// PEEKTEXT, PEEKDATA, PEEKUSR, CONT, KILL, SINGLESTEP, GETREGS, GETFPREGS, ATTACH, DETACH,
/// GETFPXREGS, SYSCALL, GET_THREAD_AREA, SINGLEBLOCK, SETOPTIONS, GETEVENTMSG, GETSIGINFO,
/// GETREGSET, SEIZE, INTERRUPT, LISTEN, PEEKSIGINFO, GETSIGMASK, SECCOMP_GET_FILTER,
/// SECCOMP_GET_METADATA, GET_SYSCALL_INFO, GET_RSEQ_CONFIGURATION,
/// GET_SYSCALL_USER_DISPATCH_CONFIG. Every other request (POKETEXT/POKEDATA/POKEUSR,
/// SETREGS, SETFPREGS, SETREGSET, SETSIGINFO, SETSIGMASK, SYSEMU, SET_SYSCALL_INFO, one this
/// list does not know) can change what the tracee runs.
const PTRACE_READ_ONLY: &[u64] = &[
    0, 1, 2, 3, 7, 8, 9, 12, 14, 16, 17, 18, 24, 25, 33, 0x4200, 0x4201, 0x4202, 0x4204, 0x4206,
    0x4207, 0x4208, 0x4209, 0x420a, 0x420c, 0x420d, 0x420e, 0x420f, 0x4211,
];

/// A ptrace request's number from its name in the trace (`PTRACE_POKEDATA`, `PTRACE_13`).
fn ptrace_request(name: &str) -> Option<u64> {
    Some(match name {
        "PTRACE_TRACEME" => 0,
        "PTRACE_PEEKTEXT" => 1,
        "PTRACE_PEEKDATA" => 2,
        "PTRACE_POKETEXT" => 4,
        "PTRACE_POKEDATA" => 5,
        "PTRACE_ATTACH" => 16,
        "PTRACE_DETACH" => 17,
        "PTRACE_SEIZE" => 0x4206,
        n => n.strip_prefix("PTRACE_")?.parse().ok()?,
    })
}

/// The ids of a recorded process, as far as the trace knows them: the real uid from its
/// latest event, the saved uid from its latest exec (`after`), kept through a setresuid that
/// names it and lost at any other setuid call.
#[derive(Clone, Copy, Default)]
struct KnownIds {
    uid: Option<u32>,
    suid: Option<u32>,
}

/// Calls a capability gates by the ids of the caller and of what it acts on, which only the
/// whole trace can judge, by `seq`: `Ok` names the use, `Err` says why the trace cannot tell.
///
/// - A signal (kernel/signal.c, `kill_ok_by_cred`): without CAP_KILL the sender's real or
///   effective uid must equal the target's real or saved uid. The target's ids are the ones
///   the kernel side read from its task as the signal was generated (`target_ids`), else
///   those of its events in the trace (its saved uid from its exec); a target the trace never saw is a
///   gap when the sender is root (an unprivileged sender whose signal was delivered matched the
///   ids, unless its exec gave it CAP_KILL, which `caps_gained` records). A signal refused with
///   EPERM asked for CAP_KILL; one that found no process (ESRCH) checked nothing. SIGCONT
///   within the sender's session needs no capability, and the session is not recorded: a
///   SIGCONT that fails the ids is a gap. A signal to a process group or to every process
///   (pid 0 or below) is not judged.
/// - A chown to a group (fs/attr.c, `chgrp_ok`): without CAP_CHOWN the group must be the
///   caller's fsgid (its egid) or one of its supplementary groups, which the trace knows only
///   after a setgroups of the process (or of the parent it forked from).
pub fn cred_gated(trace: &crate::trace::Trace) -> HashMap<u64, Result<String, String>> {
    let mut ids: HashMap<u32, KnownIds> = HashMap::new();
    let mut groups: HashMap<u32, Vec<u32>> = HashMap::new();
    let mut out = HashMap::new();
    for ev in &trace.events {
        let ok = ev.result.as_ref().is_none_or(|r| r.ok());
        match &ev.data {
            EventData::Signal {
                target_pid,
                signal,
                target_unknown: false,
                target_ids,
                ..
            } if *target_pid > 0 && *target_pid as u32 != ev.pid => {
                let sender = [ev.ids.uid, ev.ids.euid.unwrap_or(ev.ids.uid)];
                // The kernel's own reading of the target at the signal, else what the trace
                // saw of it.
                let target = match target_ids {
                    Some([uid, suid]) => KnownIds {
                        uid: Some(*uid),
                        suid: Some(*suid),
                    },
                    None => ids.get(&(*target_pid as u32)).copied().unwrap_or_default(),
                };
                let refused = ev.result.as_ref().is_some_and(|r| r.ret == -1);
                let matched = |id: Option<u32>| id.map(|id| sender.contains(&id));
                let what = format!("{} {signal} to pid {target_pid}", ev.call());
                // ESRCH: no such process, so no permission was checked (a daemon probing a
                // stale pid file with signal 0).
                let gone = ev.result.as_ref().is_some_and(|r| r.ret == -3);
                let verdict = if gone {
                    None
                } else if refused {
                    Some(Ok(format!("{what}, refused with EPERM (CAP_KILL)")))
                } else if matched(target.uid) == Some(true) || matched(target.suid) == Some(true) {
                    None
                } else if target.uid.is_none() {
                    sender.contains(&0).then(|| {
                        Err(format!(
                            "{what}: a process this trace did not record, whose ids are unknown; \
                             root signals another user's process with CAP_KILL"
                        ))
                    })
                } else if target.suid.is_none() {
                    Some(Err(format!(
                        "{what}: its real uid {} is not the sender's, and its saved uid, \
                         which would let the signal through without CAP_KILL, is unknown",
                        target.uid.unwrap_or_default()
                    )))
                } else if signal == "SIGCONT" {
                    Some(Err(format!(
                        "{what}, another user's process: SIGCONT needs no CAP_KILL within the \
                         sender's session, which the trace does not record"
                    )))
                } else {
                    Some(Ok(format!(
                        "{what}, a process of uid {} (CAP_KILL)",
                        target.uid.unwrap_or_default()
                    )))
                };
                if let Some(v) = verdict {
                    out.insert(ev.seq, v);
                }
            }
            EventData::Chown { uid, gid, .. }
                if *gid != u32::MAX
                    && *gid != ev.ids.egid.unwrap_or(ev.ids.gid)
                    && !crate::trace::describe::chown_to_another(ev, *uid) =>
            {
                let what = format!("chown to group {gid}");
                let v = match groups.get(&ev.pid) {
                    Some(g) if g.contains(gid) => None,
                    Some(_) => Some(Ok(format!(
                        "{what}, not one of the caller's groups (CAP_CHOWN)"
                    ))),
                    None => Some(Err(format!(
                        "{what}: without CAP_CHOWN only a group the caller is in, and the \
                         trace does not know its supplementary groups"
                    ))),
                };
                if let Some(v) = v {
                    out.insert(ev.seq, v);
                }
            }
            EventData::Setgroups { groups: g, count } if ok && g.len() == *count as usize => {
                groups.insert(ev.pid, g.clone());
            }
            EventData::Setgroups { .. } if ok => {
                groups.remove(&ev.pid);
            }
            EventData::Fork {
                child_pid,
                thread: false,
                ..
            } => {
                if let Some(g) = groups.get(&ev.pid).cloned() {
                    groups.insert(*child_pid, g);
                }
                if let Some(i) = ids.get(&ev.pid).copied() {
                    ids.insert(*child_pid, i);
                }
            }
            _ => {}
        }
        let known = ids.entry(ev.pid).or_default();
        match &ev.data {
            EventData::Exec { after: Some(c), .. } if ok => {
                *known = KnownIds {
                    uid: Some(c.uid),
                    suid: Some(c.suid),
                };
                continue;
            }
            EventData::Setuid { requested } if ok => {
                known.suid = match (ev.syscall.as_deref(), requested.as_slice()) {
                    (Some("setresuid"), [_, _, u32::MAX]) => known.suid,
                    (Some("setresuid"), [_, _, s]) => Some(*s),
                    (Some("setfsuid"), _) => known.suid,
                    _ => None,
                };
            }
            _ => {}
        }
        known.uid = Some(ev.ids.uid);
    }
    out
}

/// Successful calls that can change what another process runs, into a process whose events
/// are not the package's at that point (one outside the recorded tree: a process started
/// before the recording, a pid in another namespace; or the harness's): a ptrace request that
/// writes its memory, registers or signal state, an open of its `/proc/N/mem` for writing, a
/// process_vm_writev into it. The package then decides what that process does, and none of
/// it is recorded as the package's: every behaviour claim is inconclusive. Into a package
/// process, what it then does is recorded as the package's and judged. By the call's `seq`;
/// the value says why.
pub fn ptrace_controls(
    trace: &crate::trace::Trace,
    attribution: &Attribution,
) -> HashMap<u64, String> {
    let mut origin: HashMap<u32, Origin> = HashMap::new();
    let mut out = HashMap::new();
    // Processes the package adopted ([`adopted`]) that have not exited yet: by pid, the
    // adoption's seq and how it took them.
    let mut live_adopted: HashMap<u32, (u64, String)> = HashMap::new();
    for (ev, o) in trace.events.iter().zip(&attribution.per_event) {
        if let Some(victim) = adopted(ev)
            && *o == Origin::Package
        {
            // Recorded from here on, as the package's: control of it is no gap.
            origin.insert(victim, Origin::Package);
            if let EventData::Adopt { how, .. } = &ev.data {
                live_adopted.insert(victim, (ev.seq, how.clone()));
            }
        }
        if let EventData::Exit { .. } = &ev.data {
            live_adopted.remove(&ev.pid);
        }
        origin.insert(ev.pid, *o);
        origin.insert(ev.tid, *o);
        // A child is its parent's until its own events say otherwise.
        if let EventData::Fork {
            child_pid,
            child_tid,
            ..
        } = &ev.data
        {
            origin.insert(*child_pid, *o);
            origin.insert(*child_tid, *o);
        }
        match &ev.data {
            EventData::Ptrace {
                request,
                target_pid,
            } if !failed(ev.result.as_ref()) && *o == Origin::Package => {
                let writes = ptrace_request(request).is_none_or(|r| !PTRACE_READ_ONLY.contains(&r));
                let target = u32::try_from(*target_pid).ok();
                let recorded = target
                    .and_then(|t| origin.get(&t))
                    .is_some_and(|t| *t == Origin::Package);
                if writes && !recorded {
                    out.insert(
                        ev.seq,
                        format!(
                            "the package controlled process {target_pid} via ptrace ({request}): what {target_pid} did is not recorded as the package's"
                        ),
                    );
                }
            }
            EventData::Exit { .. } => {
                origin.remove(&ev.tid);
                if ev.pid == ev.tid {
                    origin.remove(&ev.pid);
                }
            }
            _ if failed(ev.result.as_ref()) || *o != Origin::Package => {}
            EventData::Open { path, access, .. } if access == "write" || access == "read_write" => {
                if let Some(target) = proc_mem_pid(path.best())
                    && target != ev.pid
                    && origin.get(&target) != Some(&Origin::Package)
                {
                    out.insert(
                        ev.seq,
                        format!(
                            "the package opened process {target}'s memory for writing ({}): what {target} did is not recorded as the package's",
                            path.best()
                        ),
                    );
                }
            }
            EventData::PrivilegedCall {
                call,
                op: Some(op),
                query: false,
                ..
            } if call == "process_vm_writev" => {
                if let Some(target) = op.strip_prefix("pid ").and_then(|p| p.parse::<u32>().ok())
                    && origin.get(&target) != Some(&Origin::Package)
                {
                    out.insert(
                        ev.seq,
                        format!(
                            "the package wrote into process {target}'s memory (process_vm_writev): what {target} did is not recorded as the package's"
                        ),
                    );
                }
            }
            _ => {}
        }
    }
    // An adopted process still running when the recording stopped may act later, on what the
    // package wrote into it, unrecorded.
    for (victim, (seq, how)) in live_adopted {
        out.entry(seq).or_insert_with(|| {
            format!(
                "the package took control of process {victim} ({how}), which was still running when the recording stopped: what it did after is not recorded"
            )
        });
    }
    out
}

/// The process an `adopt` event says the kernel side now records for `ev`'s process: one
/// whose adoption succeeded and that had a single thread when it was read (the named thread
/// is the one tracked: another thread of it would act unrecorded). `None` otherwise: the
/// control stays a gap ([`ptrace_controls`]).
pub fn adopted(ev: &Event) -> Option<u32> {
    match &ev.data {
        EventData::Adopt {
            victim_pid,
            victim_threads: Some(1),
            ..
        } if !failed(ev.result.as_ref()) => Some(*victim_pid),
        _ => None,
    }
}

/// The process whose memory `/proc/N/mem` or `/proc/N/task/T/mem` is (N).
fn proc_mem_pid(path: &str) -> Option<u32> {
    let rest = path.strip_prefix("/proc/")?;
    let (pid, rest) = rest.split_once('/')?;
    let pid = pid.parse().ok()?;
    match rest.split('/').collect::<Vec<_>>()[..] {
        ["mem"] => Some(pid),
        ["task", t, "mem"] if t.parse::<u32>().is_ok() => Some(pid),
        _ => None,
    }
}

/// The claims about what the package's processes do, which a process the package controls
/// through ptrace could do for it unrecorded. privileged_functions is not among them: the
/// ptrace itself contradicts it.
fn behaviour(check: Check) -> bool {
    matches!(
        check,
        Check::ProcessesSpawned
            | Check::FileIo
            | Check::TempFiles
            | Check::Networking
            | Check::OutgoingDestinations
            | Check::ExternalEndpoint
            | Check::OpensPort
            | Check::PrivilegedPorts
            | Check::Crypto
            | Check::Sudo
            | Check::SetuidCalls
            | Check::UserNobody
            | Check::WritesCgroups
            | Check::OwnsDbusName
            | Check::Daemonizes
    )
}

/// Exits of a process that forked a child (a process, not a thread) which was still running:
/// the parent went away and left the child in the background, which is what daemonizing is
/// (fork and exit, or the double fork's middle process exiting). In trace order; the value
/// says who left whom behind. setsid() is not recorded, so a shell's `cmd &` followed by its
/// exit counts too: it does put `cmd` into the background.
pub fn daemonizing_exits(trace: &crate::trace::Trace) -> HashMap<u64, String> {
    // Live child processes per parent pid.
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    let mut out = HashMap::new();
    for ev in &trace.events {
        match &ev.data {
            EventData::Fork {
                child_pid,
                thread: false,
                ..
            } => children.entry(ev.pid).or_default().push(*child_pid),
            // The process's exit (its leader's), not a thread's.
            EventData::Exit { .. } if ev.pid == ev.tid => {
                if let Some(siblings) = ev.ppid.and_then(|p| children.get_mut(&p)) {
                    siblings.retain(|c| *c != ev.pid);
                }
                let left: Vec<String> = children
                    .remove(&ev.pid)
                    .unwrap_or_default()
                    .iter()
                    .map(u32::to_string)
                    .collect();
                if !left.is_empty() {
                    out.insert(
                        ev.seq,
                        format!(
                            "pid {} ({}) exited leaving child {} running",
                            ev.pid,
                            ev.comm,
                            left.join(", ")
                        ),
                    );
                }
            }
            _ => {}
        }
    }
    out
}

/// Library name prefixes (of the file's basename) per library claim. A library mapped is a
/// library in use: its constructors ran and its functions are callable.
const WEBKIT_LIBS: &[&str] = &[
    "libwebkit2gtk-",
    "libwebkitgtk-",
    "libwebkitgtk6",
    "libjavascriptcoregtk-",
    "libQt5WebKit",
    "libQt6WebKit",
    "libQt5WebEngineCore",
    "libQt6WebEngineCore",
    "libwpewebkit-",
];
const JS_ENGINE_LIBS: &[&str] = &["libv8.so", "libv8_", "libv8-", "libnode.so", "libseed"];
const PAM_LIBS: &[&str] = &["libpam.so", "libpam_misc.so", "libpamc.so"];
const ONLINE_ACCOUNTS_LIBS: &[&str] = &[
    "libgoa-1.0.so",
    "libgoa-backend-1.0.so",
    "libaccounts-glib.so",
    "libsignon-glib.so",
    "libsignon-qt",
];

fn library_hit(ev: &Event, libs: &[&str]) -> Hit {
    match &ev.data {
        EventData::Open { path, .. } if !failed(ev.result.as_ref()) => {
            let p = path.best();
            let name = basename(p);
            if libs.iter().any(|l| name.starts_with(l)) && name.contains(".so") {
                Hit::Yes(format!("open {p} (library loaded)"))
            } else {
                Hit::No
            }
        }
        _ => Hit::No,
    }
}

/// `chmod u+s FILE`, `chmod 4755 FILE`, `dpkg-statoverride --add … 2755 FILE`: a command that
/// makes a setuid/setgid file.
pub fn sets_setid_bit(argv: &[String]) -> bool {
    let tool = argv.first().map(|a| basename(a)).unwrap_or("");
    let setid_mode = |a: &str| {
        (a.len() == 4 && a.starts_with(['2', '4', '6', '3', '5', '7']) && octal_mode(a))
            || (symbolic_mode(a) && a.contains('+') && a.contains('s'))
    };
    match tool {
        "chmod" => argv.iter().skip(1).any(|a| setid_mode(a)),
        "dpkg-statoverride" => {
            argv.iter().any(|a| a == "--add") && argv.iter().skip(1).any(|a| setid_mode(a))
        }
        _ => false,
    }
}

/// The event's file changes that `keep(path, op)` selects, as a hit naming them.
fn changes_hit(ev: &Event, keep: impl Fn(&str, &str) -> bool) -> Hit {
    let hits: Vec<String> = changed_paths(ev)
        .into_iter()
        .filter(|(p, op)| keep(p, op))
        .map(|(p, op)| format!("{op} {p}"))
        .collect();
    if hits.is_empty() {
        Hit::No
    } else {
        Hit::Yes(hits.join("; "))
    }
}

const SUDO_LIKE: &[&str] = &["sudo", "gksu", "gksudo", "pkexec", "su", "doas"];
const ADD_GROUPS: &[&str] = &[
    "addgroup", "groupadd", "adduser", "useradd", "usermod", "gpasswd",
];
/// Which D-Bus bus a unix socket address is, if it is one: the system bus's well-known path,
/// a session bus under /run/user/UID/bus, or dbus-daemon's abstract `/tmp/dbus-…` sockets.
pub fn bus_socket(path: Option<&str>, abstract_name: Option<&str>) -> Option<String> {
    match (path, abstract_name) {
        (Some(p @ ("/run/dbus/system_bus_socket" | "/var/run/dbus/system_bus_socket")), _) => {
            Some(format!("system bus (unix:{p})"))
        }
        (Some(p), _)
            if p.strip_prefix("/run/user/")
                .and_then(|r| r.strip_suffix("/bus"))
                .is_some_and(|uid| uid.chars().all(|c| c.is_ascii_digit())) =>
        {
            Some(format!("session bus (unix:{p})"))
        }
        (None, Some(a)) if a.starts_with("/tmp/dbus-") => Some(format!("bus (unix:@{a})")),
        _ => None,
    }
}

/// An exec of one of `programs` (by basename), shown with its command line: of the path
/// given, of the file the kernel named as the one exec'd (`real`: a symlink's target,
/// /proc/self/exe's file), so a link named otherwise does not hide the program (issue 11), or
/// of the interpreter its image runs (`interpreter`: a `#!/usr/bin/sudo` script runs sudo,
/// with sudo's setuid bit: the kernel honours an interpreter's, never a script's).
fn exec_of(path: &PathRef, interpreter: Option<&str>, argv: &[String], programs: &[&str]) -> Hit {
    let names = std::iter::once(path.best())
        .chain(path.real.as_deref())
        .chain(interpreter);
    if names.map(basename).any(|n| programs.contains(&n)) {
        Hit::Yes(format!(
            "exec {} [{}]",
            exec_label(path, interpreter),
            shown_argv(argv)
        ))
    } else {
        Hit::No
    }
}

/// An exec's program in words: the path, the file exec'd when the kernel named it otherwise,
/// and the interpreter its image runs (a script's).
fn exec_label(path: &PathRef, interpreter: Option<&str>) -> String {
    let mut label = match path.real.as_deref() {
        Some(real) => format!("{} (runs {real})", path.best()),
        None => path.best().to_owned(),
    };
    if let Some(interpreter) = interpreter {
        label.push_str(&format!(" (interpreter {interpreter})"));
    }
    label
}

/// Why a successful exec's program cannot be reviewed: the kernel could not name the file
/// exec'd (`real_path_unnamed`), a memfd's or a deleted file's name. `None` for a named one.
fn anonymous_program(ev: &Event, path: &PathRef) -> Option<&'static str> {
    let best = path.best();
    if best.contains("/memfd:") {
        Some("ran an anonymous in-memory program (a memfd), which no one can review")
    } else if best.ends_with(" (deleted)") {
        Some("ran a program from a deleted file, which no one can review")
    } else if ev.flags.iter().any(|f| f == "real_path_unnamed") {
        Some("ran a program the kernel could not name, which no one can review")
    } else {
        None
    }
}

/// Whether a successful exec's argv is the one the kernel builds for a `#!` script
/// (`INTERPRETER [ARG] SCRIPT ARGS…`, SCRIPT the path given). In a trace before `interpreter`
/// (2026-12, session 25), such an exec's `real` on a host without LSM named the interpreter.
fn script_argv(path: &PathRef, argv: &[String]) -> bool {
    path.given
        .as_deref()
        .is_some_and(|g| argv.iter().skip(1).take(2).any(|a| a == g))
}

const DEL_GROUPS: &[&str] = &["delgroup", "groupdel", "deluser", "userdel"];
/// Where maintainer scripts and their helpers keep and drop their own state while dpkg runs
/// them (deb-systemd-helper, ucf, debconf, dpkg's lock and status files): removals there are
/// the packaging machinery's, not the package removing something.
const SCRIPT_STATE: &[&str] = &[
    "/tmp",
    "/var/tmp",
    "/run",
    "/var/lib/dpkg",
    "/var/lib/systemd/deb-systemd-helper-enabled",
    "/var/lib/systemd/deb-systemd-helper-masked",
    "/var/lib/ucf",
    "/var/cache/debconf",
];
const NOBODY: u32 = 65534;

pub fn is_loopback(ip: &str) -> bool {
    match ip.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => v4.is_loopback(),
        Ok(IpAddr::V6(v6)) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Err(_) => false,
    }
}

fn inet(addr: &SockAddr) -> Option<(&str, u16)> {
    match addr {
        SockAddr::Inet { ip, port } | SockAddr::Inet6 { ip, port } => Some((ip, *port)),
        _ => None,
    }
}

/// Where the kernel sends a connect or datagram addressed to `ip`: itself, except for the
/// unspecified address, which means this host's loopback (net/ipv4/route.c: a flow without a
/// destination gets INADDR_LOOPBACK; tcp_v6_connect: "connect() to INADDR_ANY means
/// loopback"), and an IPv4-mapped IPv6 address, which an AF_INET6 socket sends as IPv4.
pub fn effective_destination(ip: &str) -> Option<IpAddr> {
    match ip.parse::<IpAddr>().ok()?.to_canonical() {
        IpAddr::V4(v4) if v4.is_unspecified() => Some(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST)),
        IpAddr::V6(v6) if v6.is_unspecified() => Some(IpAddr::V6(std::net::Ipv6Addr::LOCALHOST)),
        a => Some(a),
    }
}

/// `/dev/loopN`: a block device backed by a file.
fn is_loop_device(path: &str) -> bool {
    path.strip_prefix("/dev/loop")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// `IP` or `IP:PORT` / `[IP6]:PORT` allowlist entries, matched against where the kernel sends
/// to `ip` ([`effective_destination`]): `0.0.0.0` is 127.0.0.1, `::ffff:10.0.0.1` is 10.0.0.1.
pub fn destination_allowed(ip: &str, port: u16, allow: &[String]) -> bool {
    let dest = effective_destination(ip);
    let same_ip = |a: &str| match (a.parse::<IpAddr>(), dest) {
        (Ok(x), Some(y)) => x.to_canonical() == y,
        _ => a == ip,
    };
    allow.iter().any(|entry| {
        let entry = entry.trim();
        if same_ip(entry) {
            return true;
        }
        let (host, p) = match entry.rsplit_once(':') {
            Some((h, p)) => (h.trim_start_matches('[').trim_end_matches(']'), p),
            None => return false,
        };
        same_ip(host) && p.parse::<u16>().is_ok_and(|p| p == port)
    })
}

fn octal_mode(s: &str) -> bool {
    (1..=4).contains(&s.len()) && s.chars().all(|c| ('0'..='7').contains(&c))
}

fn symbolic_mode(s: &str) -> bool {
    s.split(',').all(|part| {
        let who_end = part
            .find(|c: char| !"ugoa".contains(c))
            .unwrap_or(part.len());
        let rest = &part[who_end..];
        !rest.is_empty()
            && rest.starts_with(['+', '-', '='])
            && rest[1..].chars().all(|c| "rwxXstugo+-=".contains(c))
    })
}

/// `chmod user:group FILE` or `chown 0644 FILE`: the other tool's argument.
pub fn chmod_chown_mixup(argv: &[String]) -> Option<String> {
    let tool = basename(argv.first()?);
    // GNU chmod takes a mode that starts with '-' (`chmod -x FILE`), and --reference instead
    // of a mode: neither is an option to skip nor a mix-up.
    if tool == "chmod" && argv.iter().any(|a| a.starts_with("--reference")) {
        return None;
    }
    let is_option = |a: &str| a.starts_with('-') && !(tool == "chmod" && symbolic_mode(a));
    let first = argv.iter().skip(1).find(|a| !is_option(a))?;
    match tool {
        "chmod" if !(octal_mode(first) || symbolic_mode(first) || first.starts_with("--")) => Some(
            format!("chmod given `{first}`, not a mode (an owner: chown was meant?)"),
        ),
        "chown" | "chgrp"
            if (first.len() >= 3 && octal_mode(first) && first.starts_with('0'))
                || symbolic_mode(first) =>
        {
            Some(format!("{tool} given `{first}`, a mode (chmod was meant?)"))
        }
        _ => None,
    }
}

/// A connect or send to `a` for "only connects to X": allowed, or a hit named `what`.
/// `/proc/self/environ`, `/proc/thread-self/environ`, `/proc/PID/environ` or
/// `/proc/PID/task/TID/environ` of the process `pid` itself: its environment as the kernel
/// keeps it, which a program reads instead of calling getenv.
fn own_environ(path: &str, pid: u32) -> bool {
    let Some(rest) = path
        .strip_prefix("/proc/")
        .and_then(|r| r.strip_suffix("/environ"))
    else {
        return false;
    };
    let own = |p: &str| p == "self" || p.parse::<u32>() == Ok(pid);
    match rest.split('/').collect::<Vec<_>>().as_slice() {
        [p] => own(p) || *p == "thread-self",
        [p, "task", tid] => own(p) && tid.parse::<u32>().is_ok(),
        _ => false,
    }
}

fn destination_hit(what: &str, a: &SockAddr, allow: &Allow) -> Hit {
    match inet(a) {
        Some((ip, port)) if destination_allowed(ip, port, &allow.destinations) => Hit::Allowed,
        Some((ip, _)) => match effective_destination(ip) {
            Some(real) if real.to_string() != ip => Hit::Yes(format!(
                "{what} {} (the kernel sends it to {real})",
                addr_label(a)
            )),
            _ => Hit::Yes(format!("{what} {}", addr_label(a))),
        },
        None => Hit::No,
    }
}

/// Whether a source route's hop is an allowed destination: `Some(true)` when an `IP` entry
/// allows it, `None` when only `IP:PORT` entries name it (the route's record has no port),
/// `Some(false)` otherwise.
fn hop_allowed(ip: &str, allow: &[String]) -> Option<bool> {
    if destination_allowed(ip, 0, allow) {
        return Some(true);
    }
    let same = |host: &str| match (host.parse::<IpAddr>(), ip.parse::<IpAddr>()) {
        (Ok(x), Ok(y)) => x == y,
        _ => host == ip,
    };
    let with_port = allow.iter().any(|entry| {
        entry.trim().rsplit_once(':').is_some_and(|(host, port)| {
            port.parse::<u16>().is_ok() && same(host.trim_start_matches('[').trim_end_matches(']'))
        })
    });
    if with_port { None } else { Some(false) }
}

/// A `sockopt` event's source route against the allowed destinations. A sendmsg's route
/// carried its datagram to the hops (the first hop is its IP destination): a hop not allowed
/// contradicts. A setsockopt's route (`IP_OPTIONS`, `IPV6_RTHDR`) is the socket's from then
/// on: its hops are where the socket's later datagrams go, which no connect or send event
/// names, so a hop not allowed makes the claim inconclusive rather than contradicted (the
/// socket may never have sent). A route the record cannot tell is a gap.
fn source_route_hit(ev: &Event, allow: &Allow) -> Hit {
    let EventData::Sockopt {
        route,
        route_unknown,
        ..
    } = &ev.data
    else {
        return Hit::No;
    };
    let label = sockopt_label(ev).unwrap_or_default();
    let per_datagram = ev.syscall.as_deref() == Some("sendmsg");
    if *route_unknown {
        return Hit::Unknown(format!(
            "{label}: a source route the record does not name may send datagrams to an address the connect or send does not name"
        ));
    }
    let Some(route) = route else {
        return Hit::No;
    };
    let judged: Vec<(&String, Option<bool>)> = route
        .hops
        .iter()
        .map(|h| (h, hop_allowed(h, &allow.destinations)))
        .collect();
    let denied: Vec<&str> = judged
        .iter()
        .filter(|(_, a)| *a == Some(false))
        .map(|(h, _)| h.as_str())
        .collect();
    let unsure: Vec<&str> = judged
        .iter()
        .filter(|(_, a)| a.is_none())
        .map(|(h, _)| h.as_str())
        .collect();
    if !denied.is_empty() && per_datagram {
        Hit::Yes(format!(
            "{label} (the datagram goes to {} first, whatever address the call names)",
            denied.join(", ")
        ))
    } else if !denied.is_empty() {
        Hit::Unknown(format!(
            "{label}: source route: the socket's datagrams may go to {}, an address no connect or send names",
            denied.join(", ")
        ))
    } else if !unsure.is_empty() {
        Hit::Unknown(format!(
            "{label}: source route via {}, allowed only on some ports, and the route's record has no port",
            unsure.join(", ")
        ))
    } else {
        Hit::Allowed
    }
}

/// The event with `addr` as its bind, send or listen address.
fn with_addr(ev: &Event, a: &SockAddr) -> Event {
    let mut ev = ev.clone();
    match &mut ev.data {
        EventData::Bind { addr, .. }
        | EventData::Send { addr, .. }
        | EventData::Listen { addr, .. } => *addr = Some(a.clone()),
        _ => {}
    }
    ev
}

/// The event's changed paths placed on the host ([`super::places`]), split into the placed
/// ones and, in words, the ones that cannot be placed.
fn placed_changes(rules: &Rules<'_>, ev: &Event) -> (Vec<(String, String)>, Vec<String>) {
    let mut host = Vec::new();
    let mut unknown = Vec::new();
    let mut changes = changed_places(ev);
    match (&ev.data, rules.core_files.get(&ev.seq)) {
        // acct(path): the kernel appends a record to path for every process that exits.
        (
            EventData::PrivilegedCall {
                call,
                path: Some(p),
                ..
            },
            _,
        ) if call == "acct" && !failed(ev.result.as_ref()) => changes.push((
            p.best().to_owned(),
            "process accounting on (acct): the kernel appends to".to_owned(),
        )),
        (EventData::Exit { .. }, Some(Ok(p))) => {
            changes.push((p.clone(), "core dump written by the kernel to".to_owned()));
        }
        (EventData::Exit { .. }, Some(Err(why))) => unknown.push(why.clone()),
        _ => {}
    }
    for (p, op) in changes {
        match rules.attribution.places.place(ev, &p) {
            Placed::Host(h) => host.push((h, op)),
            Placed::Unknown(why) => unknown.push(format!("{op} {why}")),
        }
    }
    (host, unknown)
}

impl Rules<'_> {
    pub fn hit(&self, check: Check, ev: &Event) -> Hit {
        let hit = self.hit_in_netns(check, ev);
        if !self.attribution.places.other_netns(ev.seq) {
            return hit;
        }
        // Another namespace's 127.0.0.1 is another machine's: what the allowlist accepts by
        // its address may be anywhere. An address off the allowlist stays off it.
        let there = "on a socket made in another network namespace (after setns or unshare)";
        match hit {
            Hit::Allowed => Hit::Unknown(format!(
                "{} {there}: its addresses are not this host's",
                ev.data.kind()
            )),
            Hit::Yes(what) => Hit::Yes(format!("{what}, {there}")),
            hit => hit,
        }
    }

    fn hit_in_netns(&self, check: Check, ev: &Event) -> Hit {
        let ok = crate::trace::describe::succeeded(ev);
        if ok
            && matches!(
                check,
                Check::Networking
                    | Check::OutgoingDestinations
                    | Check::ExternalEndpoint
                    | Check::OpensPort
                    | Check::PrivilegedPorts
            )
        {
            let places = &self.attribution.places;
            match places.unspec(ev.seq) {
                Some(Some(a)) => return self.hit_placed(check, &with_addr(ev, a)),
                Some(None) => {
                    return Hit::Unknown(format!(
                        "{} with an AF_UNSPEC address on a socket of unknown family",
                        ev.data.kind()
                    ));
                }
                None => {}
            }
            if places.autobound(ev.seq)
                && matches!(check, Check::OpensPort | Check::ExternalEndpoint)
            {
                return Hit::Yes(
                    "listen on a socket never bound: the kernel binds it to an ephemeral port on every address (0.0.0.0)"
                        .to_owned(),
                );
            }
            // A move into another cgroup: its BPF programs were never listed (the header's
            // `cgroup_bpf` is the target's cgroup at start), and a connect or bind hook there
            // rewrites addresses after the calls' arguments were read.
            if let EventData::Open { path, access, .. } = &ev.data
                && access != "read"
                && access != "path"
                && matches!(
                    path.best().rsplit('/').next(),
                    Some("cgroup.procs" | "cgroup.threads")
                )
                && check != Check::Networking
            {
                return Hit::Unknown(format!(
                    "open {} for writing: a move into a cgroup whose BPF programs were not listed",
                    path.best()
                ));
            }
            if places.unbound_send(ev.seq)
                && matches!(
                    check,
                    Check::OpensPort | Check::ExternalEndpoint | Check::PrivilegedPorts
                )
            {
                return Hit::Unknown(format!(
                    "{} from a UDP socket never bound: the kernel bound it to a port the trace does not name (no autobind record)",
                    ev.data.kind()
                ));
            }
        }
        self.hit_placed(check, ev)
    }

    /// A call that controls another process ([`ptrace_controls`]) is a gap for the
    /// behaviour claims, unless the call is itself an instance (an open of /proc/N/mem for
    /// writing is file IO) or already a gap.
    fn hit_placed(&self, check: Check, ev: &Event) -> Hit {
        let hit = self.hit_event(check, ev);
        match (self.controlled.get(&ev.seq), hit) {
            (Some(why), Hit::No | Hit::Allowed) if behaviour(check) => Hit::Unknown(why.clone()),
            (_, hit) => hit,
        }
    }

    fn hit_event(&self, check: Check, ev: &Event) -> Hit {
        let ok = crate::trace::describe::succeeded(ev);
        let allow = self.allow;
        match (check, &ev.data) {
            (
                Check::ProcessesSpawned,
                EventData::Exec {
                    path,
                    interpreter,
                    argv,
                    setid,
                    setid_file,
                    ..
                },
            ) if ok
                && (self.attribution.spawned.contains(&ev.pid)
                    || self.attribution.replaced.contains(&ev.seq)) =>
            {
                let interpreter = interpreter.as_deref();
                let shown = format!(
                    "exec {} [{}]",
                    exec_label(path, interpreter),
                    shown_argv(argv)
                );
                // A program nobody can read is never one the claim allows, whatever its name.
                if let Some(why) = anonymous_program(ev, path) {
                    return Hit::Yes(format!("{shown}: {why}"));
                }
                let allowed = |p: &str| program_allowed(p, &allow.programs);
                let privileged = *setid || *setid_file;
                // A trace before `interpreter`: a script's `real` was its interpreter.
                let old_script = interpreter.is_none() && script_argv(path, argv);
                // A link named like an allowed program that runs another (round 10's
                // p10_exec_symlink_su) is not allowed. A script's interpreter needs no entry,
                // unless the image gained privileges through it (`#!/usr/bin/su`).
                let runs_allowed = match path.real.as_deref() {
                    Some(real) if old_script => !privileged || allowed(real),
                    Some(real) => allowed(real),
                    None => true,
                };
                let interpreter_allowed = match interpreter {
                    Some(i) if privileged => allowed(i),
                    _ => true,
                };
                if !(allowed(path.best()) && runs_allowed && interpreter_allowed) {
                    return Hit::Yes(shown);
                }
                // The name is allowed: the file must be the one the name stands for (round
                // 11's a11_bind_over_true, a bind mount of touch over /usr/bin/true).
                let ran = path.real.as_deref().unwrap_or(path.best());
                match self.attribution.places.place(ev, ran) {
                    Placed::Host(h) if h != ran && !allowed(&h) => {
                        return Hit::Yes(format!("{shown}: {ran} is {h} in its mount namespace"));
                    }
                    Placed::Host(_) => {}
                    Placed::Unknown(why) => {
                        return Hit::Unknown(format!("{shown}: which file it ran: {why}"));
                    }
                }
                match self.attribution.places.exec_file_changed(ev.seq, ran) {
                    Some((true, why)) => Hit::Yes(format!("{shown}: {why}")),
                    Some((false, why)) => Hit::Unknown(format!("{shown}: {why}")),
                    None => Hit::Allowed,
                }
            }
            (
                Check::ProcessesSpawned,
                EventData::Fork {
                    child_pid,
                    thread: false,
                    ..
                },
            ) if !self.attribution.execed.contains(child_pid) => {
                // A child that never ran another program: still a process spawned.
                match self.attribution.failed_execs.get(child_pid) {
                    Some(tried) => Hit::Yes(format!("fork of child {child_pid} (its exec of {tried})")),
                    None => Hit::Yes(format!("fork of child {child_pid} (no exec seen)")),
                }
            }
            // A file whose content the kernel runs as a program, as root and outside the
            // recorded tree (its usermode helper's exec is kthreadd's child): a write to it
            // may spawn what no exec event of the package shows.
            (Check::ProcessesSpawned, EventData::Open { path, access, .. })
                if ok && access != "read" && access != "path" && runs_a_helper(path.best()) =>
            {
                Hit::Unknown(format!(
                    "open {} for writing: the kernel runs the program written there itself, \
                     outside the recorded tree",
                    path.best()
                ))
            }
            (Check::ProcessesSpawned, EventData::Exit { .. }) => {
                match self.core_helpers.get(&ev.seq) {
                    Some(why) => Hit::Unknown(why.clone()),
                    None => Hit::No,
                }
            }
            // Another process's memory written: a shared file mapping of it would change the
            // file without any file call.
            (
                Check::FileIo | Check::TempFiles,
                EventData::PrivilegedCall {
                    call,
                    op,
                    query: false,
                    ..
                },
            ) if ok && call == "process_vm_writev" => Hit::Unknown(format!(
                "process_vm_writev into {}: a shared file mapping there would change its file",
                op.as_deref().unwrap_or("another process")
            )),
            // A seccomp filter with a user-notification listener hands the process's calls it
            // traps to whoever holds the listener: a supervisor can open a file, connect a
            // socket or run anything for it and install the result in it
            // (SECCOMP_IOCTL_NOTIF_ADDFD), or answer in its place, and neither the call nor what
            // the supervisor did is an event of this process (round 6).
            (
                c,
                EventData::SelfPolicy {
                    call, flags, ..
                },
            ) if ok
                && (behaviour(c) || c == Check::PrivilegedFunctions)
                && call == "seccomp"
                && flags.iter().any(|f| f == "SECCOMP_FILTER_FLAG_NEW_LISTENER") =>
            {
                Hit::Unknown(
                    "seccomp filter with a user-notification listener: another process may carry out or answer this process's calls, and what it does is not in this trace"
                        .to_owned(),
                )
            }
            // A successful ftruncate or inode-flags ioctl changed a regular file (or a
            // directory's flags): sockets and pipes refuse both. Through an fd the trace cannot
            // name (a fanotify event's fd, one received or inherited) it is any file at all.
            (
                Check::FileIo | Check::TempFiles,
                EventData::Truncate { path: None, fd, .. } | EventData::FileAttr { path: None, fd, .. },
            ) if ok => Hit::Unknown(format!(
                "{} through fd {}, whose file the trace cannot name",
                ev.syscall.as_deref().unwrap_or("change"),
                fd.map_or_else(|| "?".to_owned(), |f| f.to_string())
            )),
            (Check::FileIo, _) if ok => {
                let (changes, unknown) = placed_changes(self, ev);
                if changes.is_empty() && unknown.is_empty() {
                    return Hit::No;
                }
                let mut notable: Vec<&(String, String)> = changes
                    .iter()
                    .filter(|(p, _)| {
                        !(benign(p, ev.pid) || allowed_path(p, &allow.paths))
                    })
                    .collect();
                // A hard link gives an outside file a name inside an allowed directory: writes
                // through that name change the outside file. A link whose new name is allowed
                // is notable for the file it links (one whose new name is notable already is).
                let outside_link;
                if notable.is_empty()
                    && let EventData::Link { target, .. } = &ev.data
                {
                    let t = target.best();
                    if !(benign(t, ev.pid) || allowed_path(t, &allow.paths)) {
                        outside_link = (t.to_owned(), "hard link to".to_owned());
                        notable.push(&outside_link);
                    }
                }
                if notable.is_empty() && !unknown.is_empty() {
                    Hit::Unknown(unknown.join("; "))
                } else if notable.is_empty() {
                    Hit::Allowed
                } else {
                    Hit::Yes(
                        notable
                            .iter()
                            .map(|(p, op)| format!("{op} {p}"))
                            .collect::<Vec<_>>()
                            .join("; "),
                    )
                }
            }
            (Check::TempFiles, EventData::MemfdCreate { name, .. }) if ok => {
                Hit::Yes(format!("memfd_create {name} (an anonymous in-memory file)"))
            }
            (Check::TempFiles, EventData::Open { flags, path, .. })
                if ok && flags.iter().any(|f| f == "O_TMPFILE") =>
            {
                Hit::Yes(format!("open O_TMPFILE in {}", path.best()))
            }
            // A loop device's writes land in its backing file, which the trace does not name
            // (it was attached before, or by LOOP_CONFIGURE on an fd): it may be a temp file.
            (Check::TempFiles, EventData::Open { path, access, .. })
                if ok && access != "read" && access != "path" && is_loop_device(path.best()) =>
            {
                Hit::Unknown(format!(
                    "open {} for writing: a loop device writes its backing file, which may be a temp file",
                    path.best()
                ))
            }
            (Check::TempFiles, _) if ok => {
                let (changes, unknown) = placed_changes(self, ev);
                let temp: Vec<(String, String)> = changes
                    .into_iter()
                    .filter(|(p, _)| TEMP_DIRS.iter().any(|t| under(p, t) && p != t))
                    .collect();
                if temp.is_empty() && !unknown.is_empty() {
                    Hit::Unknown(unknown.join("; "))
                } else if temp.is_empty() {
                    Hit::No
                } else if temp.iter().all(|(p, _)| allowed_path(p, &allow.paths)) {
                    Hit::Allowed
                } else {
                    Hit::Yes(
                        temp.iter()
                            .map(|(p, op)| format!("{op} {p}"))
                            .collect::<Vec<_>>()
                            .join("; "),
                    )
                }
            }
            (
                Check::PrivilegedFunctions,
                EventData::Send {
                    netlink: Some(n), ..
                },
            ) if netlink_privileged(n).is_none() => Hit::Unknown(format!(
                "send of a netlink request the trace cannot judge ({} type {}{})",
                n.protocol.as_deref().unwrap_or("protocol unknown"),
                n.msg_type.as_deref().unwrap_or("unread"),
                if n.more {
                    ", further messages unread"
                } else {
                    ""
                }
            )),
            (Check::PrivilegedFunctions, EventData::Keyring { .. }) => {
                match keyctl_maybe_privileged(ev) {
                    Some(op) => Hit::Unknown(format!(
                        "keyctl {op}, which needs a capability for some arguments the trace \
                         does not keep (another owner or user)"
                    )),
                    None => Hit::No,
                }
            }
            // An io_uring command: on a socket, SOCKET_URING_OP_SETSOCKOPT (6.7+) sets an option
            // without the setsockopt syscall, and its option is not read.
            (
                Check::PrivilegedFunctions | Check::Crypto | Check::OutgoingDestinations,
                EventData::IoUringOp { op, .. },
            ) if op == "uring_cmd" => Hit::Unknown(
                "an io_uring command (IORING_OP_URING_CMD): on a socket it may set a socket option \
                 (SOCKET_URING_OP_SETSOCKOPT), which the trace does not read"
                    .to_owned(),
            ),
            // A lock the record cannot size against RLIMIT_MEMLOCK (MCL_FUTURE, an unread
            // limit): it may have needed CAP_IPC_LOCK.
            (
                Check::PrivilegedFunctions,
                EventData::Mlock {
                    over_limit: None, ..
                },
            ) => Hit::Unknown(format!(
                "{}: past RLIMIT_MEMLOCK only with CAP_IPC_LOCK, which the record cannot tell",
                mlock_label(ev).unwrap_or_default()
            )),
            (Check::PrivilegedFunctions, EventData::Signal { .. } | EventData::Chown { .. })
                if let Some(v) = self.cred_gated.get(&ev.seq) =>
            {
                match v {
                    Ok(what) => Hit::Yes(format!("{}: {what}", ev.data.kind())),
                    Err(why) => Hit::Unknown(why.clone()),
                }
            }
            (Check::PrivilegedFunctions, _) => match privilege_detail(ev) {
                Some(d) => Hit::Yes(format!("{}: {d}", ev.data.kind())),
                None => Hit::No,
            },
            // A name the recorder could not read may be libc's own lookup: a gap, not evidence
            // (see `unreadable` in verdict/mod.rs).
            (Check::Environment, EventData::Getenv { name, .. }) if name.is_empty() => Hit::No,
            // The whole environment read at once through procfs, without getenv.
            (Check::Environment, _)
                if let Some((call, path)) = opening(ev)
                    && path.names().any(|p| own_environ(p, ev.pid)) =>
            {
                Hit::Yes(format!(
                    "{call} {} (its own environment, read whole)",
                    path.best()
                ))
            }
            (Check::Environment, EventData::Getenv { name, .. }) => {
                let allowed = allow.variables.iter().any(|v| match v.strip_suffix('*') {
                    Some(prefix) => name.starts_with(prefix),
                    None => v == name,
                });
                if allowed {
                    Hit::Allowed
                } else {
                    Hit::Yes(format!("getenv {name}"))
                }
            }
            (Check::Crypto, EventData::Getrandom { bytes, .. }) => {
                // Start-up draws of the runtime (glibc's malloc tcache key, CPython's hash
                // seed) are hits too: verdict/runtime.rs attributes them to the runtime, and
                // the report shows them apart.
                Hit::Yes(format!("getrandom of {bytes} bytes (random source)"))
            }
            (
                Check::Crypto,
                EventData::Crypto {
                    library, function, ..
                },
            ) => Hit::Yes(format!("call of {function} in {library} (crypto library)")),
            // Crypto the kernel does for a socket: TCP-MD5 and TCP-AO signatures, kernel TLS,
            // an IPsec policy. Asked for is used, as for a library call.
            (
                Check::Crypto,
                EventData::Sockopt {
                    crypto: Some(what), ..
                },
            ) => Hit::Yes(format!(
                "{} ({what})",
                sockopt_label(ev).unwrap_or_default()
            )),
            (Check::Crypto, _)
                if let Some((call, path)) = opening(ev)
                    && let Some(what) = crypto_device(path.best()) =>
            {
                Hit::Yes(format!("{call} {} ({what})", path.best()))
            }
            (Check::Crypto, EventData::Open { path, .. })
                if ok && super::runtime::is_crypto_library(path.best()) =>
            {
                Hit::Yes(format!("open {} (crypto library mapped)", path.best()))
            }
            (Check::Crypto, EventData::Open { .. }) if ok => Hit::No,
            // The kernel's own public-key operations on a key in a keyring (security/keys/
            // keyctl_pkey.c): encrypt, decrypt, sign, verify; and its Diffie-Hellman.
            (Check::Crypto, EventData::Keyring { op: Some(op), .. })
                if ok
                    && matches!(
                        op.as_str(),
                        "KEYCTL_PKEY_ENCRYPT"
                            | "KEYCTL_PKEY_DECRYPT"
                            | "KEYCTL_PKEY_SIGN"
                            | "KEYCTL_PKEY_VERIFY"
                            | "KEYCTL_DH_COMPUTE"
                    ) =>
            {
                Hit::Yes(format!("keyctl {op} (the kernel's public-key crypto)"))
            }
            // An asymmetric key loaded into a keyring: the kernel parses its certificate and
            // holds it for public-key operations.
            (
                Check::Crypto,
                EventData::Keyring {
                    key_type: Some(t),
                    op: None,
                    ..
                },
            ) if ok && t == "asymmetric" => Hit::Yes("add_key of an asymmetric (public-key) key".to_owned()),
            // Key types whose payload the kernel makes and encrypts itself
            // (security/keys/encrypted-keys, trusted-keys: a random key sealed with AES or by
            // the TPM; big_key: stored AES-encrypted), added or asked for by type.
            (
                Check::Crypto,
                EventData::Keyring {
                    key_type: Some(t),
                    call,
                    ..
                },
            ) if ok && matches!(t.as_str(), "encrypted" | "trusted" | "big_key") => Hit::Yes(format!(
                "{call} of a {t} key (the kernel encrypts its payload)"
            )),
            // The kernel's crypto API: hashes and ciphers computed through a socket.
            (Check::Crypto, EventData::Socket { domain, .. })
                if ok && (domain == "AF_ALG" || domain == "AF_38") =>
            {
                Hit::Yes("socket AF_ALG (the kernel's crypto API)".to_owned())
            }
            // A packet socket sends whole frames: whatever addresses they carry, no send
            // event names them (write(2) on it, or a sendto to a link-layer address).
            (Check::OutgoingDestinations, EventData::Socket { domain, .. })
                if ok && domain == "AF_PACKET" =>
            {
                Hit::Unknown(
                    "an AF_PACKET socket: the frames it sends carry their destinations inside them, which no event names"
                        .to_owned(),
                )
            }
            // A raw IP socket that writes its own IP header (IPPROTO_RAW implies IP_HDRINCL,
            // for IPv6 too): each packet goes where its header says, and the address of its
            // sendto is not where it goes (net/ipv4/raw.c, raw_send_hdrinc). The header is not
            // read: a gap.
            (
                Check::OutgoingDestinations,
                EventData::Socket {
                    domain,
                    sock_type,
                    protocol: 255,
                },
            ) if ok && crate::trace::describe::raw_socket(domain, sock_type) => Hit::Unknown(format!(
                "a {domain} SOCK_RAW socket of protocol IPPROTO_RAW (IP_HDRINCL): its packets go \
                 where their own IP header says, which no event names"
            )),
            (
                Check::OutgoingDestinations,
                EventData::Sockopt {
                    option, value, fd, ..
                },
            ) if ok && option == "IP_HDRINCL" && *value != Some(0) => Hit::Unknown(format!(
                "IP_HDRINCL set on fd {fd}: the raw socket's packets go where their own IP \
                 header says, which no event names"
            )),
            (Check::Networking, EventData::Socket { domain, .. }) if ok => {
                if domain.contains("INET") || domain == "AF_PACKET" {
                    Hit::Yes(format!("socket {domain}"))
                } else {
                    Hit::No
                }
            }
            (
                Check::Networking,
                EventData::Bind { addr: Some(a), .. }
                | EventData::Connect { addr: Some(a), .. }
                | EventData::Send { addr: Some(a), .. },
            ) if inet(a).is_some() => Hit::Yes(format!("{} {}", ev.data.kind(), addr_label(a))),
            (Check::ExternalEndpoint, EventData::Listen { addr: Some(a), .. }) if ok => {
                match inet(a) {
                    Some((ip, port)) if !is_loopback(ip) => {
                        if allow.ports.contains(&port) {
                            Hit::Allowed
                        } else {
                            Hit::Yes(format!("listen on {}", addr_label(a)))
                        }
                    }
                    _ => Hit::No,
                }
            }
            (Check::ExternalEndpoint, EventData::Bind { addr: Some(a), fd, .. })
                if ok
                    && !self.listened(ev.pid, *fd)
                    && !self.attribution.places.connected_bind(ev.seq) =>
            {
                match inet(a) {
                    Some((ip, port)) if port != 0 && !is_loopback(ip) => {
                        if allow.ports.contains(&port) {
                            Hit::Allowed
                        } else {
                            Hit::Yes(bind_label(&ev.data, a, " (no listen: UDP?)"))
                        }
                    }
                    _ => Hit::No,
                }
            }
            (Check::PrivilegedPorts, EventData::Bind { addr: Some(a), .. }) if ok => {
                match inet(a) {
                    Some((_, port)) if (1..1024).contains(&port) => {
                        if allow.ports.contains(&port) {
                            Hit::Allowed
                        } else {
                            Hit::Yes(bind_label(&ev.data, a, ""))
                        }
                    }
                    _ => Hit::No,
                }
            }
            (
                Check::OutgoingDestinations,
                EventData::Connect { addr: Some(a), .. } | EventData::Send { addr: Some(a), .. },
            ) => match destination_hit(&ev.data.kind().to_string(), a, allow) {
                Hit::Yes(what) if self.attribution.places.udp_probe(ev.seq) => Hit::Unknown(format!(
                    "UDP {what}, undone by its next call (connect AF_UNSPEC): a UDP connect sends nothing by itself (glibc's getaddrinfo connects and disconnects this way to rank addresses), and sends on a connected socket are not recorded"
                )),
                hit => hit,
            },
            // A source route: the datagram goes to its hops before the address its call names.
            (Check::OutgoingDestinations, EventData::Sockopt { .. }) => {
                source_route_hit(ev, allow)
            }
            // A ring's connect or addressed send, read like the syscall it stands for.
            (Check::Networking | Check::OutgoingDestinations, EventData::IoUringOp { .. }) => {
                match io_uring_net(ev) {
                    Some(IoUringNet::Addressed(kind, a)) => {
                        let what = format!("{kind} (io_uring)");
                        if check == Check::Networking {
                            match inet(a) {
                                Some(_) => Hit::Yes(format!("{what} {}", addr_label(a))),
                                None => Hit::No,
                            }
                        } else {
                            destination_hit(&what, a, allow)
                        }
                    }
                    _ => Hit::No,
                }
            }
            (
                Check::Sudo,
                EventData::Exec {
                    path,
                    interpreter,
                    argv,
                    ..
                },
            ) if ok => exec_of(path, interpreter.as_deref(), argv, SUDO_LIKE),
            (Check::LdLibraryPath, EventData::Exec { path, argv, .. }) => {
                if argv.iter().any(|a| a.starts_with("LD_LIBRARY_PATH=")) {
                    Hit::Yes(format!("exec {} [{}]", path.best(), shown_argv(argv)))
                } else {
                    Hit::No
                }
            }
            (
                Check::UserNobody,
                EventData::Setuid { requested } | EventData::Setgid { requested },
            ) if requested.contains(&NOBODY) => {
                Hit::Yes(format!("{} to {NOBODY} (nobody/nogroup)", ev.data.kind()))
            }
            (Check::UserNobody, EventData::Setgroups { groups, .. })
                if groups.contains(&NOBODY) =>
            {
                Hit::Yes("setgroups with nogroup (65534)".to_owned())
            }
            (Check::UserNobody, EventData::Exec { path, .. })
                if ok && (ev.ids.uid == NOBODY || ev.ids.euid == Some(NOBODY)) =>
            {
                Hit::Yes(format!("exec {} running as nobody", path.best()))
            }
            (Check::SetuidCalls, EventData::Setuid { .. } | EventData::Setgid { .. }) => {
                match privilege_detail(ev) {
                    Some(d) => Hit::Yes(format!("{}: {d}", ev.data.kind())),
                    None => Hit::No,
                }
            }
            (
                Check::SetuidCalls,
                EventData::Exec {
                    setid: true,
                    path,
                    interpreter,
                    ..
                },
            ) if ok => Hit::Yes(format!(
                "exec of setuid/setgid program {}",
                exec_label(path, interpreter.as_deref())
            )),
            // The kernel saw the setuid/setgid bit on the file even though the ids did not
            // change (root running a setuid-root program): still an exec of one.
            (
                Check::SetuidCalls,
                EventData::Exec {
                    setid_file: true,
                    path,
                    interpreter,
                    ..
                },
            ) if ok => Hit::Yes(format!(
                "exec of setuid/setgid program {} (the ids did not change)",
                exec_label(path, interpreter.as_deref())
            )),
            // A command line cut at the capture limit may hold a secret past the cut: the
            // claim cannot hold over that exec (issue 11: a gap is never silently held).
            (
                Check::SecretInArgv,
                EventData::Exec {
                    path,
                    argv,
                    argv_truncated,
                    ..
                },
            ) => match secret_in_argv(argv) {
                Some(masked) => Hit::Yes(format!("command line: {masked}")),
                None if *argv_truncated => Hit::Unknown(format!(
                    "exec {}: its command line was cut after {} arguments (argv_truncated); a secret past the cut is not seen",
                    path.best(),
                    argv.len()
                )),
                None => Hit::No,
            },
            (
                Check::ChmodByPath,
                EventData::Chmod {
                    path: Some(p),
                    fd: None,
                    mode,
                },
            ) => {
                if ev.syscall.as_deref() == Some("fchmodat2") {
                    Hit::No
                } else {
                    Hit::Yes(format!(
                        "{} {} {mode:04o} (follows symlinks)",
                        ev.syscall.as_deref().unwrap_or("chmod"),
                        p.best()
                    ))
                }
            }
            (
                Check::MaintainerAddsGroups,
                EventData::Exec {
                    path,
                    interpreter,
                    argv,
                    ..
                },
            ) if ok => exec_of(path, interpreter.as_deref(), argv, ADD_GROUPS),
            (
                Check::OwnsDbusName,
                EventData::Connect {
                    addr:
                        Some(SockAddr::Unix {
                            path,
                            abstract_name,
                        }),
                    ..
                },
            ) if ok => match bus_socket(path.as_deref(), abstract_name.as_deref()) {
                Some(bus) => Hit::Yes(format!("connect to the {bus}")),
                None => Hit::No,
            },
            (Check::Daemonizes, EventData::Exit { .. }) => match self.daemonized.get(&ev.seq) {
                Some(what) => Hit::Yes(what.clone()),
                None => Hit::No,
            },
            (
                Check::MaintainerRemoves,
                EventData::Exec {
                    path,
                    interpreter,
                    argv,
                    ..
                },
            ) if ok => exec_of(path, interpreter.as_deref(), argv, DEL_GROUPS),
            (Check::MaintainerRemoves, _) if ok => changes_hit(ev, |p, op| {
                matches!(op, "remove" | "rmdir") && !SCRIPT_STATE.iter().any(|d| under(p, d))
            }),
            (Check::ChmodChownMixup, EventData::Exec { argv, .. }) if ok => {
                match chmod_chown_mixup(argv) {
                    Some(why) => Hit::Yes(format!("{} [{}]", why, shown_argv(argv))),
                    None => Hit::No,
                }
            }
            (Check::OpensPort, EventData::Listen { addr: Some(a), .. }) if ok => match inet(a) {
                Some((_, port)) if allow.ports.contains(&port) => Hit::Allowed,
                Some(_) => Hit::Yes(format!("listen on {}", addr_label(a))),
                None => Hit::No,
            },
            (Check::OpensPort, EventData::Bind { addr: Some(a), fd, .. })
                if ok
                    && !self.listened(ev.pid, *fd)
                    && !self.attribution.places.connected_bind(ev.seq) =>
            {
                match inet(a) {
                    Some((_, port)) if port != 0 && allow.ports.contains(&port) => Hit::Allowed,
                    Some((_, port)) if port != 0 => Hit::Yes(bind_label(&ev.data, a, " (no listen: UDP?)")),
                    _ => Hit::No,
                }
            }
            (Check::Webkit, _) => library_hit(ev, WEBKIT_LIBS),
            (Check::JsEngine, _) => library_hit(ev, JS_ENGINE_LIBS),
            (Check::OnlineAccounts, _) => library_hit(ev, ONLINE_ACCOUNTS_LIBS),
            (Check::SystemAuthentication, EventData::Open { path, .. })
                if ok && under(path.best(), "/etc/pam.d") && path.best() != "/etc/pam.d" =>
            {
                Hit::Yes(format!("open {} (PAM configuration)", path.best()))
            }
            (
                Check::SystemAuthentication,
                EventData::Exec {
                    path, interpreter, ..
                },
            ) if ok
                && std::iter::once(path.best())
                    .chain(path.real.as_deref())
                    .chain(interpreter.as_deref())
                    .any(|n| basename(n) == "unix_chkpwd") =>
            {
                Hit::Yes(format!(
                    "exec {} (PAM password check)",
                    exec_label(path, interpreter.as_deref())
                ))
            }
            (Check::SystemAuthentication, _) => library_hit(ev, PAM_LIBS),
            (Check::SetuidFiles, EventData::Chmod { path, mode, .. })
                if ok && mode & 0o6000 != 0 =>
            {
                Hit::Yes(format!(
                    "chmod {mode:04o} {} (sets a setuid/setgid bit)",
                    path.as_ref().map_or("(fd, path unknown)", |p| p.best())
                ))
            }
            (Check::SetuidFiles, EventData::Exec { path, argv, .. })
                if ok && sets_setid_bit(argv) =>
            {
                Hit::Yes(format!("exec {} [{}]", path.best(), shown_argv(argv)))
            }
            (Check::WritesCgroups, _) if ok => changes_hit(ev, |p, _| {
                under(p, "/sys/fs/cgroup") && p != "/sys/fs/cgroup"
            }),
            (Check::UnitSandboxing, _) => Hit::No,
            // A file a maintainer script (or the daemon) made where the install's would be.
            (c, _) if c.is_contents() && ok => changes_hit(ev, |p, op| {
                matches!(op, "create" | "write" | "rename into" | "link" | "symlink")
                    && contents::instance(c, &InstalledFile::plain(p)).is_some()
            }),
            _ => Hit::No,
        }
    }

    fn listened(&self, pid: u32, fd: i32) -> bool {
        self.listened.contains(&(pid, fd))
    }
}

/// The file an event opens, with the call in words: a successful open(2)-family call
/// (`open`), or a ring's openat/openat2 (`openat (io_uring)`), whose result the submission
/// record cannot say, judged like the syscall.
fn opening(ev: &Event) -> Option<(String, &PathRef)> {
    match &ev.data {
        EventData::Open { path, .. } if !failed(ev.result.as_ref()) => {
            Some(("open".to_owned(), path))
        }
        EventData::IoUringOp {
            op,
            path: Some(path),
            ..
        } if op.starts_with("openat") => Some((format!("{op} (io_uring)"), path)),
        _ => None,
    }
}

/// Files naming a program the kernel starts by itself (call_usermodehelper): a cgroup v1
/// hierarchy's `release_agent`, the module loader, the hotplug and uevent helpers, the
/// core-dump pipe, the power-off command, binfmt_misc's interpreter registration.
fn runs_a_helper(path: &str) -> bool {
    basename(path) == "release_agent"
        || matches!(
            path,
            "/proc/sys/kernel/modprobe"
                | "/proc/sys/kernel/hotplug"
                | "/proc/sys/kernel/core_pattern"
                | "/proc/sys/kernel/poweroff_cmd"
                | "/sys/kernel/uevent_helper"
        )
        || (path.starts_with("/proc/sys/fs/binfmt_misc/") && basename(path) == "register")
}

/// Devices that hand out random bytes or do cryptography for whoever opens them: the kernel's
/// random devices, a hardware RNG, a TPM (random numbers, keys, sealing), cryptodev.
fn crypto_device(path: &str) -> Option<&'static str> {
    match path {
        "/dev/random" | "/dev/urandom" | "/dev/hwrng" => Some("random source"),
        // Each read is a fresh random (version 4) UUID from the kernel's generator.
        "/proc/sys/kernel/random/uuid" => Some("random source: a random UUID per read"),
        "/dev/crypto" => Some("cryptodev device"),
        p if p
            .strip_prefix("/dev/tpm")
            .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()) || n.starts_with("rm")) =>
        {
            Some("TPM device")
        }
        _ => None,
    }
}

/// A bind's evidence: `bind to ADDR` and `suffix`, or for the kernel's autobind of a UDP
/// socket at its first send, what made the port.
fn bind_label(data: &EventData, a: &SockAddr, suffix: &str) -> String {
    match data {
        EventData::Bind { autobind: true, .. } => format!(
            "autobind to {} (a UDP socket's send with no bind: the kernel picked the port from ip_local_port_range)",
            addr_label(a)
        ),
        _ => format!("bind to {}{suffix}", addr_label(a)),
    }
}

#[cfg(test)]
mod tests {
    use super::{own_environ, program_allowed};

    #[test]
    fn a_bare_program_name_stands_for_a_system_program_only() {
        let allow = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let names = allow(&["true", "http"]);
        assert!(program_allowed("/usr/bin/true", &names));
        assert!(program_allowed("/bin/true", &names));
        assert!(program_allowed("/usr/sbin/true", &names));
        assert!(program_allowed("/usr/lib/apt/methods/http", &names));
        assert!(!program_allowed("/tmp/redteam/bin/true", &names));
        assert!(!program_allowed("/usr/local/bin/true", &names));
        assert!(!program_allowed("/usr/bin/../../tmp/true", &names));
        assert!(!program_allowed("/usr/bin/false", &names));
        assert!(!program_allowed("true", &names));
        // An absolute entry is that path, wherever it is.
        let paths = allow(&["/usr/bin/true", "/opt/pkg/true"]);
        assert!(program_allowed("/usr/bin/true", &paths));
        assert!(program_allowed("/opt/pkg/true", &paths));
        assert!(!program_allowed("/bin/true", &paths));
    }

    #[test]
    fn own_environ_is_the_callers() {
        assert!(benign("/proc/7/task/9/comm", 7));
        assert!(benign("/proc/self/task/9/comm", 7));
        assert!(!benign("/proc/8/task/9/comm", 7));
        assert!(!benign("/proc/7", 7));
        assert!(!benign("/proc/sys/kernel/core_pattern", 7));
        assert!(own_environ("/proc/self/environ", 7));
        assert!(own_environ("/proc/thread-self/environ", 7));
        assert!(own_environ("/proc/7/environ", 7));
        assert!(own_environ("/proc/7/task/9/environ", 7));
        assert!(!own_environ("/proc/1/environ", 7));
        assert!(!own_environ("/proc/self/cmdline", 7));
        assert!(!own_environ("/proc/self/task/x/environ", 7));
    }

    #[test]
    fn crypto_devices() {
        for (p, want) in [
            ("/dev/hwrng", Some("random source")),
            ("/dev/urandom", Some("random source")),
            ("/dev/tpm0", Some("TPM device")),
            ("/dev/tpmrm0", Some("TPM device")),
            ("/dev/crypto", Some("cryptodev device")),
            ("/dev/tpmx", None),
            ("/dev/tty0", None),
        ] {
            assert_eq!(super::crypto_device(p), want, "{p}");
        }
    }

    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| (*x).to_owned()).collect()
    }

    #[test]
    fn chmod_chown_mixups() {
        assert!(chmod_chown_mixup(&v(&["chmod", "masakari:masakari", "/f"])).is_some());
        assert!(chmod_chown_mixup(&v(&["chown", "0640", "/f"])).is_some());
        assert!(chmod_chown_mixup(&v(&["chown", "u+rw", "/f"])).is_some());
        assert!(chmod_chown_mixup(&v(&["chmod", "0640", "/f"])).is_none());
        assert!(chmod_chown_mixup(&v(&["chmod", "-R", "g+w,o-rwx", "/f"])).is_none());
        assert!(chmod_chown_mixup(&v(&["chown", "masakari:masakari", "/f"])).is_none());
        // Seen in masakari's postinst: a mode that starts with '-' is not an option.
        assert!(chmod_chown_mixup(&v(&["chmod", "-x", "/etc/init.d/masakari-api"])).is_none());
        assert!(chmod_chown_mixup(&v(&["chmod", "--reference=/a", "/f"])).is_none());
        assert!(chmod_chown_mixup(&v(&["chmod", "-R", "masakari:masakari", "/f"])).is_some());
    }

    #[test]
    fn source_route_hops_against_the_allowlist() {
        let allow = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(hop_allowed("127.0.0.3", &allow(&["127.0.0.3"])), Some(true));
        assert_eq!(
            hop_allowed("127.0.0.3", &allow(&["127.0.0.1"])),
            Some(false)
        );
        // Named only with a port: the route's record has none to compare.
        assert_eq!(hop_allowed("127.0.0.3", &allow(&["127.0.0.3:53"])), None);
        assert_eq!(hop_allowed("::1", &allow(&["[::1]:53"])), None);
        assert_eq!(hop_allowed("::1", &allow(&["::1"])), Some(true));
        assert_eq!(hop_allowed("::2", &allow(&["::1"])), Some(false));
    }

    #[test]
    fn destinations_and_loopback() {
        let allow = v(&["127.0.0.1", "169.254.169.254:80", "[::1]:53"]);
        assert!(destination_allowed("127.0.0.1", 9, &allow));
        assert!(destination_allowed("169.254.169.254", 80, &allow));
        assert!(!destination_allowed("169.254.169.254", 443, &allow));
        assert!(destination_allowed("::1", 53, &allow));
        assert!(!destination_allowed("127.0.0.2", 9, &allow));
        assert!(is_loopback("127.0.0.5") && is_loopback("::1") && is_loopback("::ffff:127.0.0.1"));
        assert!(!is_loopback("0.0.0.0") && !is_loopback("::"));
        // Where the kernel sends: the unspecified address is this host's loopback, an
        // IPv4-mapped address is the IPv4 one.
        let lo4 = v(&["127.0.0.1"]);
        assert!(destination_allowed("0.0.0.0", 2121, &lo4));
        assert!(destination_allowed("::ffff:127.0.0.1", 80, &lo4));
        assert!(!destination_allowed("::", 2121, &lo4));
        assert!(destination_allowed("::", 2121, &v(&["::1"])));
        assert!(destination_allowed(
            "::ffff:10.1.2.3",
            53,
            &v(&["10.1.2.3:53"])
        ));
        assert!(!destination_allowed("::ffff:10.1.2.3", 53, &lo4));
    }

    /// Round 6: an ftruncate through an fd the trace cannot name (fanotify handed it over)
    /// changed some file, which file claims cannot place; the kernel's keyring public-key
    /// operations are crypto.
    #[test]
    fn unnamed_truncates_are_gaps_and_keyring_pkey_is_crypto() {
        use serde_json::json;
        let t = trace_of(
            None,
            &[
                ("truncate", 10, json!({"path": null, "fd": 4, "length": 0})),
                (
                    "truncate",
                    10,
                    json!({"path": {"resolved": "/var/lib/x/f"}, "fd": 5, "length": 0}),
                ),
                (
                    "keyring",
                    10,
                    json!({"call": "add_key", "key_type": "asymmetric", "description": "k", "target": "KEY_SPEC_PROCESS_KEYRING"}),
                ),
                (
                    "keyring",
                    10,
                    json!({"call": "keyctl", "op": "KEYCTL_PKEY_ENCRYPT", "target": "5"}),
                ),
                (
                    "keyring",
                    10,
                    json!({"call": "keyctl", "op": "KEYCTL_SEARCH", "key_type": "user", "description": "k", "target": "5"}),
                ),
            ],
        );
        let allow = Allow {
            paths: v(&["/var/lib/x"]),
            ..Allow::default()
        };
        let file = hits(&t, Check::FileIo, &allow);
        assert!(
            file[0].starts_with("unknown: ") && file[0].contains("fd 4"),
            "{file:?}"
        );
        assert_eq!(file[1], "allowed", "{file:?}");
        let crypto = hits(&t, Check::Crypto, &Allow::default());
        assert!(
            crypto[2].starts_with("yes: add_key of an asymmetric"),
            "{crypto:?}"
        );
        assert!(
            crypto[3].starts_with("yes: keyctl KEYCTL_PKEY_ENCRYPT"),
            "{crypto:?}"
        );
        assert_eq!(crypto[4], "-", "{crypto:?}");
    }

    /// A UDP socket bound to a wildcard address and then connected (unbound's outgoing
    /// queries, found on a vm check) takes datagrams from its peer only: no endpoint. One that
    /// stays unconnected, or is disconnected again, is one.
    #[test]
    fn a_bind_then_connect_is_no_endpoint_unless_disconnected() {
        use serde_json::json;
        let sock = json!({"domain": "AF_INET6", "type": "SOCK_DGRAM", "protocol": 0});
        let bind = |fd: i32, port: u16| json!({"fd": fd, "addr": {"family": "inet6", "ip": "::", "port": port}});
        let connect = |fd: i32| json!({"fd": fd, "addr": {"family": "inet6", "ip": "2001:db8::1", "port": 53}});
        let unspec = json!({"fd": 5, "addr": {"family": "other", "number": 0, "hex": "0000"}});
        let mut t = trace_of(
            None,
            &[
                ("socket", 10, sock.clone()),
                ("bind", 10, bind(3, 43119)),
                ("connect", 10, connect(3)),
                ("socket", 10, sock.clone()),
                ("bind", 10, bind(4, 5000)),
                ("socket", 10, sock),
                ("bind", 10, bind(5, 5001)),
                ("connect", 10, connect(5)),
                ("connect", 10, unspec),
            ],
        );
        let fds = [3, 4, 5];
        let mut n = 0;
        for ev in &mut t.events {
            if matches!(ev.data, EventData::Socket { .. }) {
                ev.result = Some(crate::trace::SysResult {
                    ret: fds[n],
                    errno: None,
                });
                n += 1;
            }
        }
        for check in [Check::ExternalEndpoint, Check::OpensPort] {
            let h = hits(&t, check, &Allow::default());
            assert_eq!(h[1], "-", "{check}: connected after the bind: {h:?}");
            assert!(h[4].starts_with("yes: bind to [::]:5000"), "{check}: {h:?}");
            assert!(
                h[6].starts_with("yes: bind to [::]:5001"),
                "{check}: disconnected again: {h:?}"
            );
        }
    }

    /// Round 6: a write to a loop device lands in its backing file, wherever that is.
    #[test]
    fn loop_devices_are_numbered_block_devices() {
        assert!(is_loop_device("/dev/loop0") && is_loop_device("/dev/loop12"));
        assert!(!is_loop_device("/dev/loop-control") && !is_loop_device("/dev/loop"));
    }

    /// Round 6: a seccomp filter with a user-notification listener lets another process do
    /// the calls it traps for this one; a plain filter does not.
    #[test]
    fn a_seccomp_listener_is_a_gap_for_behaviour_claims() {
        use serde_json::json;
        let filter = |flags: serde_json::Value| json!({"call": "seccomp", "op": "SECCOMP_SET_MODE_FILTER", "flags": flags, "detail": "filter of 4 instructions", "query": false});
        let t = trace_of(
            None,
            &[
                (
                    "self_policy",
                    10,
                    filter(json!(["SECCOMP_FILTER_FLAG_NEW_LISTENER"])),
                ),
                (
                    "self_policy",
                    10,
                    filter(json!(["SECCOMP_FILTER_FLAG_TSYNC"])),
                ),
            ],
        );
        for check in [
            Check::FileIo,
            Check::OutgoingDestinations,
            Check::ProcessesSpawned,
        ] {
            let h = hits(&t, check, &Allow::default());
            assert!(
                h[0].starts_with("unknown: seccomp filter with a user-notification listener"),
                "{check}: {h:?}"
            );
            assert!(!h[1].starts_with("unknown: seccomp"), "{check}: {h:?}");
        }
    }

    /// Round 6: 127.0.0.1 in another network namespace is another machine's loopback. A
    /// socket made after unshare(CLONE_NEWNET) (or in a child of such a process) that connects
    /// to an allowed address is a gap; one that connects off the allowlist is still off it.
    #[test]
    fn sockets_of_another_network_namespace_are_not_this_hosts() {
        use serde_json::json;
        let sock = json!({"domain": "AF_INET", "type": "SOCK_STREAM", "protocol": 0});
        let connect = |ip: &str| json!({"fd": 3, "addr": {"family": "inet", "ip": ip, "port": 80}});
        let mut t = trace_of(
            None,
            &[
                ("socket", 10, sock.clone()),
                ("connect", 10, connect("127.0.0.1")),
                ("unshare", 10, json!({"flags": ["CLONE_NEWNET"]})),
                ("connect", 10, connect("127.0.0.1")),
                ("socket", 10, sock.clone()),
                ("connect", 10, connect("127.0.0.1")),
                ("connect", 10, connect("127.0.0.2")),
                (
                    "fork",
                    10,
                    json!({"child_pid": 11, "child_tid": 11, "thread": false, "clone_flags": 17}),
                ),
                ("socket", 11, sock),
                ("connect", 11, connect("127.0.0.1")),
            ],
        );
        for ev in &mut t.events {
            if matches!(ev.data, EventData::Socket { .. }) {
                ev.result = Some(crate::trace::SysResult {
                    ret: 3,
                    errno: None,
                });
            }
        }
        let allow = Allow {
            destinations: v(&["127.0.0.1"]),
            ..Allow::default()
        };
        let h = hits(&t, Check::OutgoingDestinations, &allow);
        assert_eq!(h[1], "allowed", "made before the unshare: {h:?}");
        assert_eq!(
            h[3], "allowed",
            "the socket made before it stays here: {h:?}"
        );
        assert!(
            h[5].starts_with("unknown: connect on a socket made in another network namespace"),
            "{h:?}"
        );
        assert!(
            h[6].starts_with("yes: connect 127.0.0.2:80, on a socket made in another"),
            "{h:?}"
        );
        assert!(
            h[9].starts_with("unknown: "),
            "the child inherits the namespace: {h:?}"
        );
    }

    /// glibc's getaddrinfo ranks its answers by connecting a UDP socket to each and
    /// disconnecting it (connect AF_UNSPEC) right away: no packet leaves, so such a connect
    /// to an address off the allowlist is a gap (sends on a connected socket are not
    /// recorded), not a contradiction. A UDP connect the thread does not undo at once (a DNS
    /// query: connect, then send), and any TCP connect, stay contradictions.
    #[test]
    fn a_udp_connect_undone_at_once_is_a_gap_not_a_connection() {
        use serde_json::json;
        let sock = |domain: &str, ty: &str| json!({"domain": domain, "type": ty, "protocol": 0});
        let connect = |addr: serde_json::Value| json!({"fd": 4, "addr": addr});
        let unspec = json!({"family": "other", "number": 0, "hex": "0000000000000000"});
        let mut t = trace_of(
            None,
            &[
                ("socket", 10, sock("AF_INET6", "SOCK_DGRAM|SOCK_CLOEXEC")),
                (
                    "connect",
                    10,
                    connect(json!({"family": "inet6", "ip": "::", "port": 2121})),
                ),
                ("connect", 10, connect(unspec.clone())),
                (
                    "connect",
                    10,
                    connect(json!({"family": "inet", "ip": "0.0.0.0", "port": 2121})),
                ),
                ("socket", 10, sock("AF_INET", "SOCK_DGRAM|SOCK_NONBLOCK")),
                (
                    "connect",
                    10,
                    connect(json!({"family": "inet", "ip": "10.9.9.9", "port": 53})),
                ),
                ("socket", 10, sock("AF_INET", "SOCK_STREAM")),
                (
                    "connect",
                    10,
                    connect(json!({"family": "inet", "ip": "10.9.9.8", "port": 80})),
                ),
                ("connect", 10, connect(unspec)),
            ],
        );
        // Every socket is fd 4, the fd glibc's probe reuses.
        for ev in &mut t.events {
            if matches!(ev.data, EventData::Socket { .. }) {
                ev.result = Some(crate::trace::SysResult {
                    ret: 4,
                    errno: None,
                });
            }
        }
        let allow = Allow {
            destinations: v(&["127.0.0.1"]),
            ..Allow::default()
        };
        let h = hits(&t, Check::OutgoingDestinations, &allow);
        assert!(
            h[1].starts_with("unknown: UDP connect [::]:2121 (the kernel sends it to ::1), undone"),
            "{h:?}"
        );
        assert_eq!(h[3], "allowed", "0.0.0.0 is 127.0.0.1: {h:?}");
        assert_eq!(
            h[5], "yes: connect 10.9.9.9:53",
            "a DNS query's connect: {h:?}"
        );
        assert_eq!(h[7], "yes: connect 10.9.9.8:80", "a TCP connect: {h:?}");
    }

    /// Round 8: a connect cut short by a signal (SIGKILL in the handshake) returns
    /// -ERESTARTSYS at the exit the recorder sees. It was attempted (its SYN had left): it
    /// counts against "No outgoing connections" like any failed connect, named by its errno,
    /// and it is no success.
    #[test]
    fn an_interrupted_connect_is_an_attempt_not_a_success() {
        use serde_json::json;
        let mut t = trace_of(
            None,
            &[(
                "connect",
                10,
                json!({"fd": 3, "addr": {"family": "inet", "ip": "127.0.0.2", "port": 47806}}),
            )],
        );
        t.events[0].result = Some(crate::events::sys_result(-512));
        let r = t.events[0].result.clone().expect("a result");
        assert_eq!((r.ok(), r.errno.as_deref()), (false, Some("ERESTARTSYS")));
        assert_eq!(
            crate::trace::describe::result_label(t.events[0].result.as_ref()),
            "ERESTARTSYS"
        );
        let allow = Allow {
            destinations: v(&["127.0.0.1"]),
            ..Allow::default()
        };
        let h = hits(&t, Check::OutgoingDestinations, &allow);
        assert_eq!(h, ["yes: connect 127.0.0.2:47806"]);
    }

    /// A connect still waiting for its handshake when the recording stopped: written from its
    /// entry, without a result, flagged `unfinished`. An attempt like the interrupted one
    /// above, and no success: its socket is not connected, and a bus connect still waiting
    /// owns no name.
    #[test]
    fn a_connect_still_running_at_the_stop_is_an_attempt_not_a_success() {
        use serde_json::json;
        let mut t = trace_of(
            None,
            &[
                (
                    "connect",
                    10,
                    json!({"fd": 3, "addr": {"family": "inet", "ip": "10.1.2.3", "port": 443}}),
                ),
                (
                    "connect",
                    10,
                    json!({"fd": 4, "addr": {"family": "unix", "path": "/run/dbus/system_bus_socket"}}),
                ),
            ],
        );
        for ev in &mut t.events {
            ev.result = None;
            ev.flags = vec!["args_unverified".to_owned(), "unfinished".to_owned()];
        }
        assert!(!crate::trace::describe::succeeded(&t.events[0]));
        let allow = Allow {
            destinations: v(&["127.0.0.1"]),
            ..Allow::default()
        };
        let h = hits(&t, Check::OutgoingDestinations, &allow);
        assert_eq!(h[0], "yes: connect 10.1.2.3:443", "{h:?}");
        let h = hits(&t, Check::OwnsDbusName, &Allow::default());
        assert_eq!(h[1], "-", "{h:?}");
    }

    /// Round 8: reboot in a pid namespace of its own kills its caller inside the call. The
    /// event recorded at its entry has no result and is flagged `no_return`; it is a use of a
    /// privileged function all the same (an attempt is a use).
    #[test]
    fn a_call_that_never_returned_is_still_a_use() {
        use serde_json::json;
        let mut t = trace_of(
            None,
            &[(
                "privileged_call",
                10,
                json!({"call": "reboot", "capability": "CAP_SYS_BOOT", "op": "RESTART", "query": false}),
            )],
        );
        t.events[0].result = None;
        t.events[0].flags = vec!["no_return".to_owned()];
        let h = hits(&t, Check::PrivilegedFunctions, &Allow::default());
        assert!(h[0].starts_with("yes: privileged_call: reboot"), "{h:?}");
        assert!(
            crate::trace::describe::outcome(&t.events[0]).starts_with("no return"),
            "{:?}",
            t.events[0]
        );
    }

    /// A trace: the fixture's header with `core_pattern`, then `events` (kind, pid, fields).
    fn trace_of(
        core_pattern: Option<&str>,
        events: &[(&str, u32, serde_json::Value)],
    ) -> crate::trace::Trace {
        let mut header = crate::verdict::synthetic::fixture_header();
        header["core_pattern"] = serde_json::json!(core_pattern);
        let events = events
            .iter()
            .map(|(kind, pid, fields)| (kind.to_string(), *pid, kind.to_string(), fields.clone()));
        crate::verdict::synthetic::trace(&header, events)
    }

    /// A command line cut at the capture limit without a secret in what was kept leaves
    /// "no secret in argv" unknown for that exec; a secret in what was kept is still a hit,
    /// and a whole command line without one is no instance.
    #[test]
    fn a_cut_command_line_is_unknown_for_secrets() {
        use serde_json::json;
        let exec = |argv: &[&str], cut: bool| {
            json!({"path": {"resolved": "/usr/bin/touch"}, "argv": argv, "argv_truncated": cut,
                "before": null, "after": null, "setid": false})
        };
        let t = trace_of(
            None,
            &[
                ("exec", 10, exec(&["touch", "-c", "pad"], true)),
                ("exec", 11, exec(&["touch", "--password=x1"], true)),
                ("exec", 12, exec(&["touch", "-c", "pad"], false)),
            ],
        );
        let h = hits(&t, Check::SecretInArgv, &Allow::default());
        assert_eq!(
            h[0],
            "unknown: exec /usr/bin/touch: its command line was cut after 3 arguments (argv_truncated); a secret past the cut is not seen"
        );
        assert!(h[1].starts_with("yes: command line: "), "{h:?}");
        assert_eq!(h[2], "-");
    }

    /// A program matched by name is matched by the file the kernel ran (`real`) too: a link
    /// named otherwise to su is an exec of su (round 10's p10_exec_symlink_su).
    #[test]
    fn a_link_to_su_is_su() {
        use serde_json::json;
        let exec = |given: &str, real: Option<&str>| {
            json!({"path": {"given": given, "resolved": given, "real": real},
                "argv": [given], "argv_truncated": false,
                "before": null, "after": null, "setid": false})
        };
        let t = trace_of(
            None,
            &[
                (
                    "exec",
                    10,
                    exec("/tmp/ALLOWED/rtm10_helper", Some("/usr/bin/su")),
                ),
                ("exec", 11, exec("/tmp/ALLOWED/rtm10_helper", None)),
                ("exec", 12, exec("/usr/bin/sudo", None)),
            ],
        );
        let h = hits(&t, Check::Sudo, &Allow::default());
        assert_eq!(
            h,
            [
                "yes: exec /tmp/ALLOWED/rtm10_helper (runs /usr/bin/su) [/tmp/ALLOWED/rtm10_helper]",
                "-",
                "yes: exec /usr/bin/sudo [/usr/bin/sudo]",
            ]
        );
    }

    /// A package script run by its interpreter is the package's program: allowed by the
    /// script's name, its interpreter needing no entry, unless the image gained privileges
    /// through it (`#!/usr/bin/su`, which the sudo rule sees too); a program run from a memfd
    /// is never allowed, whatever it is called.
    #[test]
    fn a_script_is_its_own_program_and_a_memfd_one_is_nobodys() {
        use serde_json::json;
        let fork = |child: u32| json!({"child_pid": child, "child_tid": child, "thread": false, "clone_flags": 17});
        let exec = |resolved: &str, interpreter: Option<&str>, setid: bool| {
            json!({"path": {"given": resolved, "resolved": resolved},
                "interpreter": interpreter, "argv": ["/bin/sh", resolved],
                "argv_truncated": false, "before": null, "after": null, "setid": setid})
        };
        let mut t = trace_of(
            None,
            &[
                ("fork", 10, fork(11)),
                (
                    "exec",
                    11,
                    exec("/usr/sbin/foo-helper", Some("/usr/bin/python3.12"), false),
                ),
                ("fork", 10, fork(12)),
                (
                    "exec",
                    12,
                    exec("/usr/sbin/foo-helper", Some("/usr/bin/su"), true),
                ),
                ("fork", 10, fork(13)),
                ("exec", 13, exec("/memfd:foo-helper (deleted)", None, false)),
                ("fork", 10, fork(14)),
                ("exec", 14, exec("/usr/sbin/foo-helper", None, false)),
            ],
        );
        t.events[7].flags = vec!["real_path_unnamed".to_owned()];
        let allow = Allow {
            programs: vec![
                "foo-helper".to_owned(),
                "memfd:foo-helper (deleted)".to_owned(),
            ],
            ..Allow::default()
        };
        let h = hits(&t, Check::ProcessesSpawned, &allow);
        assert_eq!(h[1], "allowed", "{h:?}");
        assert_eq!(
            h[3],
            "yes: exec /usr/sbin/foo-helper (interpreter /usr/bin/su) [/bin/sh /usr/sbin/foo-helper]"
        );
        assert!(
            h[5].ends_with("ran an anonymous in-memory program (a memfd), which no one can review"),
            "{h:?}"
        );
        // A named program whose file the kernel could not name is not allowed either.
        assert!(
            h[7].ends_with("ran a program the kernel could not name, which no one can review"),
            "{h:?}"
        );
        let sudo = hits(&t, Check::Sudo, &Allow::default());
        assert_eq!(sudo[1], "-", "python is not su");
        assert!(sudo[3].starts_with("yes: exec /usr/sbin/foo-helper (interpreter /usr/bin/su)"));
    }

    /// What each event is for `check`, in words: `-` (no), `allowed`, `yes: …`, `unknown: …`.
    fn hits(trace: &crate::trace::Trace, check: Check, allow: &Allow) -> Vec<String> {
        let attribution = Attribution::compute(trace, &crate::claims::Package::default());
        let none = HashMap::new();
        let core_files = core_files(trace);
        let controlled = ptrace_controls(trace, &attribution);
        let rules = Rules {
            allow,
            attribution: &attribution,
            listened: &HashSet::new(),
            daemonized: &none,
            core_helpers: &none,
            core_files: &core_files,
            controlled: &controlled,
            cred_gated: &cred_gated(trace),
        };
        trace
            .events
            .iter()
            .map(|ev| match rules.hit(check, ev) {
                Hit::No => "-".to_owned(),
                Hit::Allowed => "allowed".to_owned(),
                Hit::Yes(w) => format!("yes: {w}"),
                Hit::Unknown(w) => format!("unknown: {w}"),
            })
            .collect()
    }

    /// acct(path) turns process accounting on: the kernel appends a record to path for every
    /// process that exits, so it is a write of path; acct(NULL) turns it off.
    #[test]
    fn acct_is_a_write_of_its_file() {
        use serde_json::json;
        let acct = |path: serde_json::Value| json!({"call": "acct", "capability": "CAP_SYS_PACCT", "path": path, "query": false});
        let t = trace_of(
            Some("core"),
            &[
                (
                    "privileged_call",
                    10,
                    acct(json!({"resolved": "/tmp/acct.log"})),
                ),
                ("privileged_call", 10, acct(serde_json::Value::Null)),
            ],
        );
        let file_io = hits(&t, Check::FileIo, &Allow::default());
        assert!(
            file_io[0].starts_with("yes: ") && file_io[0].contains("/tmp/acct.log"),
            "{file_io:?}"
        );
        assert_eq!(file_io[1], "-");
        let temp = hits(&t, Check::TempFiles, &Allow::default());
        assert!(
            temp[0].starts_with("yes: ") && temp[0].contains("acct"),
            "{temp:?}"
        );
        let allowed = Allow {
            paths: vec!["/tmp".to_owned()],
            ..Allow::default()
        };
        assert_eq!(hits(&t, Check::FileIo, &allowed)[0], "allowed");
    }

    /// Round 11's capability-gated calls: open_by_handle_at (CAP_DAC_READ_SEARCH), a raw
    /// socket (CAP_NET_RAW), a chown to another owner (CAP_CHOWN), a signal to another
    /// user's process (CAP_KILL, kill_ok_by_cred); and what needs none.
    #[test]
    fn round11_capability_gated_calls() {
        use serde_json::json;
        let creds = |u: u32| {
            json!({"uid": u, "gid": u, "suid": u, "sgid": u, "euid": u, "egid": u,
                "fsuid": u, "fsgid": u})
        };
        let exec = |u: u32| {
            json!({"path": {"resolved": "/usr/bin/sleep"}, "argv": ["sleep"],
                "argv_truncated": false, "before": creds(0), "after": creds(u), "setid": false})
        };
        let kill = |pid: i32, sig: &str| json!({"call": "kill", "target_pid": pid, "signal": sig});
        let chown = |uid: u32, gid: u32| {
            json!({"path": {"resolved": "/tmp/f"}, "fd": null, "uid": uid, "gid": gid,
                "nofollow": false})
        };
        let open = json!({"path": {"resolved": "/etc/hostname"}, "flags": [], "flags_raw": 0,
            "mode": null, "access": "read"});
        let socket = |d: &str, t: &str| json!({"domain": d, "type": t, "protocol": 255});
        let events = [
            ("exec", 20, "execve", exec(65534)),
            ("exec", 21, "execve", exec(0)),
            ("signal", 10, "kill", kill(20, "SIGTERM")),
            ("signal", 10, "kill", kill(21, "SIGTERM")),
            ("signal", 10, "kill", kill(4242, "SIGTERM")),
            ("signal", 10, "kill", kill(4243, "0")),
            ("chown", 10, "fchownat", chown(65534, 65534)),
            ("chown", 10, "fchownat", chown(0, u32::MAX)),
            ("chown", 10, "fchownat", chown(u32::MAX, 4)),
            ("open", 10, "open_by_handle_at", open.clone()),
            ("open", 10, "openat", open),
            ("socket", 10, "socket", socket("AF_INET", "SOCK_RAW")),
            ("socket", 10, "socket", socket("AF_PACKET", "SOCK_DGRAM")),
            ("socket", 10, "socket", socket("AF_NETLINK", "SOCK_RAW")),
            (
                "sockopt",
                10,
                "setsockopt",
                json!({"fd": 3, "level": "SOL_IP", "option": "IP_HDRINCL", "optlen": 4,
                    "value": 1}),
            ),
        ];
        let mut t = crate::verdict::synthetic::trace(
            &crate::verdict::synthetic::fixture_header(),
            events
                .iter()
                .map(|(k, p, c, f)| (k.to_string(), *p, c.to_string(), f.clone())),
        );
        // kill(4243, 0) found no such process: no permission was checked.
        t.events[5].result = Some(crate::trace::SysResult {
            ret: -3,
            errno: Some("ESRCH".into()),
        });
        let h = hits(&t, Check::PrivilegedFunctions, &Allow::default());
        assert_eq!(h[..2], ["-", "-"]);
        assert_eq!(h[5], "-", "ESRCH: no process, no check");
        assert!(
            h[2].starts_with(
                "yes: signal: kill SIGTERM to pid 20, a process of uid 65534 (CAP_KILL)"
            ),
            "{h:?}"
        );
        assert_eq!(h[3], "-", "same uid: no capability");
        assert!(
            h[4].starts_with(
                "unknown: kill SIGTERM to pid 4242: a process this trace did not record"
            ),
            "{h:?}"
        );
        assert!(
            h[6].contains("chown of /tmp/f to owner 65534") && h[6].contains("CAP_CHOWN"),
            "{h:?}"
        );
        assert_eq!(h[7], "-", "a chown to oneself");
        assert!(h[8].starts_with("unknown: chown to group 4"), "{h:?}");
        assert!(h[9].contains("CAP_DAC_READ_SEARCH"), "{h:?}");
        assert_eq!(h[10], "-");
        assert!(
            h[11].contains("socket AF_INET SOCK_RAW (CAP_NET_RAW)"),
            "{h:?}"
        );
        assert!(h[12].contains("CAP_NET_RAW"), "{h:?}");
        assert_eq!(h[13], "-", "netlink needs no capability");
        // IP_HDRINCL, or IPPROTO_RAW which implies it: the packet's own header names where
        // it goes (round 11's n11_raw_hdrincl_daddr).
        let d = hits(&t, Check::OutgoingDestinations, &Allow::default());
        assert!(
            d[11].starts_with("unknown: a AF_INET SOCK_RAW socket of protocol IPPROTO_RAW"),
            "{d:?}"
        );
        assert!(
            d[14].starts_with("unknown: IP_HDRINCL set on fd 3"),
            "{d:?}"
        );
    }

    /// A character or block device node needs CAP_MKNOD; a FIFO or a socket needs nothing.
    #[test]
    fn a_device_node_is_privileged() {
        use serde_json::json;
        let mknod =
            |mode: u32, dev: u64| json!({"path": {"resolved": "/tmp/n"}, "mode": mode, "dev": dev});
        let t = trace_of(
            None,
            &[
                ("mknod", 10, mknod(0o020644, 0x103)),
                ("mknod", 10, mknod(0o060600, (259 << 8) | (256 << 12) | 1)),
                ("mknod", 10, mknod(0o010644, 0)),
                ("mknod", 10, mknod(0o140644, 0)),
            ],
        );
        let h = hits(&t, Check::PrivilegedFunctions, &Allow::default());
        assert!(
            h[0].contains("character device /tmp/n 1:3 (CAP_MKNOD)"),
            "{h:?}"
        );
        assert!(h[1].contains("block device /tmp/n 259:257"), "{h:?}");
        assert_eq!(h[2..], ["-", "-"]);
    }

    /// p5_cgroup_release_agent (round 5): the package set a cgroup v1 release agent, and the
    /// kernel ran it; a write-open of such a file makes "No processes spawned" inconclusive.
    #[test]
    fn a_file_the_kernel_runs_is_a_spawn_the_trace_cannot_see() {
        use serde_json::json;
        let open = |path: &str, access: &str| json!({"path": {"resolved": path}, "flags": ["O_WRONLY"], "flags_raw": 1, "mode": null, "access": access});
        let events = [
            ("open", 10, open("/tmp/cg/release_agent", "write")),
            ("open", 10, open("/proc/sys/kernel/modprobe", "write")),
            (
                "open",
                10,
                open("/proc/sys/fs/binfmt_misc/register", "write"),
            ),
            ("open", 10, open("/tmp/cg/release_agent", "read")),
            ("open", 10, open("/tmp/cg/notify_on_release", "write")),
        ];
        let t = trace_of(None, &events);
        let h = hits(&t, Check::ProcessesSpawned, &Allow::default());
        for (i, hit) in h.iter().enumerate().take(3) {
            assert!(
                hit.starts_with("unknown: open ") && hit.contains("the kernel runs"),
                "{i}: {h:?}"
            );
        }
        assert_eq!(&h[3..], ["-", "-"]);
    }

    /// Round 5's held claims over recorded events (blind red team, 2026-12-03): a trusted.*
    /// xattr, a kernel random UUID, and the ring's openat of a random device or of the
    /// process's own environ, judged like the syscalls.
    #[test]
    fn round5_recorded_but_held() {
        use serde_json::json;
        let uring_open = |path: &str| {
            json!({"op": "openat", "family": "file", "fd": null, "path": {"resolved": path},
                   "path2": null, "addr": null, "op_flags": 0, "named": true, "sq_thread": false})
        };
        let events = [
            (
                "xattr",
                10,
                json!({"path": {"resolved": "/tmp/x"}, "fd": null, "name": "trusted.x", "op": "set", "flags": 0}),
            ),
            (
                "open",
                10,
                json!({"path": {"resolved": "/proc/sys/kernel/random/uuid"}, "flags": ["O_RDONLY"], "flags_raw": 0, "mode": null, "access": "read"}),
            ),
            ("io_uring_op", 10, uring_open("/dev/urandom")),
            ("io_uring_op", 10, uring_open("/proc/self/environ")),
            (
                "xattr",
                10,
                json!({"path": {"resolved": "/tmp/x"}, "fd": null, "name": "user.x", "op": "set", "flags": 0}),
            ),
        ];
        let t = trace_of(None, &events);
        let privileged = hits(&t, Check::PrivilegedFunctions, &Allow::default());
        assert!(privileged[0].contains("CAP_SYS_ADMIN"), "{privileged:?}");
        assert_eq!(privileged[4], "-", "a user.* attribute needs no privilege");
        let crypto = hits(&t, Check::Crypto, &Allow::default());
        assert!(
            crypto[1].starts_with("yes: open /proc/sys/kernel/random/uuid"),
            "{crypto:?}"
        );
        assert!(
            crypto[2].starts_with("yes: openat (io_uring) /dev/urandom"),
            "{crypto:?}"
        );
        assert_eq!(crypto[3], "-");
        let spawned = hits(&t, Check::ProcessesSpawned, &Allow::default());
        assert!(spawned.iter().all(|h| h == "-"), "{spawned:?}");
        let env = hits(&t, Check::Environment, &Allow::default());
        assert!(
            env[3].starts_with("yes: openat (io_uring) /proc/self/environ"),
            "{env:?}"
        );
        assert_eq!(env[2], "-");
    }

    /// A crash that dumped core under a file core_pattern: the kernel wrote the file, in the
    /// process's working directory for a relative pattern. Named when the pattern and the
    /// directory are known, a gap when either is not; a pipe pattern is no file here.
    #[test]
    fn a_core_dump_is_a_file_the_kernel_writes() {
        use serde_json::json;
        let crash = json!({"status": 139, "code": null, "signal": 11, "core_dumped": true});
        let events = [
            (
                "chdir",
                10,
                json!({"path": {"resolved": "/tmp/dir"}, "fd": null}),
            ),
            (
                "fork",
                10,
                json!({"child_pid": 11, "child_tid": 11, "thread": false, "clone_flags": 17}),
            ),
            ("exit", 11, crash.clone()),
            ("exit", 12, crash.clone()),
            (
                "exit",
                10,
                json!({"status": 11, "code": null, "signal": 11, "core_dumped": false}),
            ),
        ];
        let t = trace_of(Some("core"), &events);
        let h = hits(&t, Check::FileIo, &Allow::default());
        assert!(
            h[2].starts_with("yes: core dump") && h[2].ends_with("/tmp/dir/core"),
            "{h:?}"
        );
        assert!(
            h[3].starts_with("unknown: ") && h[3].contains("working directory"),
            "{h:?}"
        );
        assert_eq!(h[4], "-", "no core dumped");
        let temp = hits(&t, Check::TempFiles, &Allow::default());
        assert!(temp[2].contains("/tmp/dir/core"), "{temp:?}");

        let t = trace_of(Some("/var/crash/core.%e.%p"), &events);
        let h = hits(&t, Check::FileIo, &Allow::default());
        assert!(h[3].ends_with("/var/crash/core.%e.%p"), "{h:?}");
        assert_eq!(hits(&t, Check::TempFiles, &Allow::default())[3], "-");

        let t = trace_of(Some("|/usr/lib/systemd/systemd-coredump %P"), &events);
        assert!(
            hits(&t, Check::FileIo, &Allow::default())
                .iter()
                .all(|h| h == "-")
        );

        let t = trace_of(None, &events);
        let h = hits(&t, Check::FileIo, &Allow::default());
        assert!(
            h[2].starts_with("unknown: ") && h[2].contains("older recorder"),
            "{h:?}"
        );
    }

    /// A write into another process by ptrace makes the behaviour claims a gap when that
    /// process is not recorded as the package's; reads, attaching and a package child are not.
    #[test]
    fn ptrace_control_of_an_unrecorded_process_is_a_gap() {
        use serde_json::json;
        let pt = |req: &str, pid: i32| json!({"request": req, "target_pid": pid});
        let t = trace_of(
            None,
            &[
                ("ptrace", 10, pt("PTRACE_SEIZE", 999)),
                ("ptrace", 10, pt("PTRACE_PEEKTEXT", 999)),
                ("ptrace", 10, pt("PTRACE_12", 999)),
                ("ptrace", 10, pt("PTRACE_POKEDATA", 999)),
                ("ptrace", 10, pt("PTRACE_13", 999)),
                ("ptrace", 10, pt("PTRACE_99999", 999)),
                (
                    "fork",
                    10,
                    json!({"child_pid": 11, "child_tid": 11, "thread": false, "clone_flags": 17}),
                ),
                ("ptrace", 11, pt("PTRACE_TRACEME", 0)),
                ("ptrace", 10, pt("PTRACE_POKEDATA", 11)),
            ],
        );
        for check in [
            Check::ProcessesSpawned,
            Check::FileIo,
            Check::Networking,
            Check::TempFiles,
        ] {
            let h = hits(&t, check, &Allow::default());
            assert_eq!(h[..3], ["-", "-", "-"], "{check:?}");
            for i in 3..6 {
                assert!(
                    h[i].starts_with("unknown: the package controlled process 999 via ptrace"),
                    "{check:?} {h:?}"
                );
            }
            assert_eq!(h[8], "-", "{check:?}: its own child's acts are recorded");
        }
        // The ptrace itself is a privileged function, as before.
        let h = hits(&t, Check::PrivilegedFunctions, &Allow::default());
        assert!(
            h[3].starts_with("yes: ptrace: PTRACE_POKEDATA pid 999"),
            "{h:?}"
        );
    }

    /// A process the package adopted (an `adopt` event) is recorded as the package's: control
    /// of it is no gap, its exec is a process spawned, and it is a gap of its own only while
    /// it outlives the recording. A victim with more threads than the tracked one stays a gap.
    #[test]
    fn an_adopted_process_is_the_package() {
        use serde_json::json;
        let pt = |req: &str, pid: i32| json!({"request": req, "target_pid": pid});
        let adopt = |pid: u32, threads: u32| {
            json!({"victim_pid": pid, "victim_comm": "sleep", "victim_threads": threads,
                "how": "ptrace PTRACE_SEIZE"})
        };
        let t = trace_of(
            None,
            &[
                ("adopt", 10, adopt(999, 1)),
                ("ptrace", 10, pt("PTRACE_SEIZE", 999)),
                ("ptrace", 10, pt("PTRACE_POKEDATA", 999)),
                (
                    "exec",
                    999,
                    json!({"path": {"resolved": "/bin/touch"}, "argv": ["touch", "/x"],
                        "argv_truncated": false, "before": null, "after": null, "setid": false}),
                ),
                (
                    "exit",
                    999,
                    json!({"status": 0, "code": 0, "signal": null, "core_dumped": false}),
                ),
                ("adopt", 10, adopt(888, 3)),
                ("ptrace", 10, pt("PTRACE_POKEDATA", 888)),
                ("adopt", 10, adopt(777, 1)),
                ("ptrace", 10, pt("PTRACE_POKEDATA", 777)),
            ],
        );
        let h = hits(&t, Check::ProcessesSpawned, &Allow::default());
        assert_eq!(h[..3], ["-", "-", "-"], "{h:?}");
        assert_eq!(h[3], "yes: exec /bin/touch [touch /x]", "{h:?}");
        assert_eq!(h[5], "-", "{h:?}");
        assert!(
            h[6].starts_with("unknown: the package controlled process 888 via ptrace"),
            "{h:?}"
        );
        assert!(
            h[7].starts_with(
                "unknown: the package took control of process 777 (ptrace PTRACE_SEIZE), which was still running"
            ),
            "{h:?}"
        );
        assert_eq!(h[8], "-", "{h:?}");
    }

    /// The other doors into another process's memory: /proc/N/mem opened for writing, and
    /// process_vm_writev. A gap for the behaviour claims, as a ptrace write is; the open stays
    /// file IO, and a write into the process's own memory or its child's is no gap.
    #[test]
    fn writing_an_unrecorded_process_memory_is_a_gap() {
        use serde_json::json;
        let open = |path: &str, access: &str| {
            json!({"path": {"resolved": path}, "flags": ["O_RDWR"], "flags_raw": 2,
                "mode": null, "access": access})
        };
        let pvw = |op: &str| json!({"call": "process_vm_writev", "capability": "CAP_SYS_PTRACE", "op": op, "query": false});
        let t = trace_of(
            None,
            &[
                ("open", 10, open("/proc/999/mem", "read_write")),
                ("open", 10, open("/proc/999/task/1000/mem", "write")),
                ("open", 10, open("/proc/999/mem", "read")),
                ("open", 10, open("/proc/10/mem", "read_write")),
                ("privileged_call", 10, pvw("pid 998")),
                (
                    "fork",
                    10,
                    json!({"child_pid": 11, "child_tid": 11, "thread": false, "clone_flags": 17}),
                ),
                ("open", 10, open("/proc/11/mem", "write")),
                ("privileged_call", 10, pvw("pid 11")),
            ],
        );
        let h = hits(&t, Check::ProcessesSpawned, &Allow::default());
        assert!(
            h[0].starts_with("unknown: the package opened process 999's memory"),
            "{h:?}"
        );
        assert!(
            h[1].starts_with("unknown: the package opened process 999's memory"),
            "{h:?}"
        );
        assert_eq!(h[2..4], ["-", "-"], "a read, its own memory");
        assert!(
            h[4].starts_with("unknown: the package wrote into process 998's memory"),
            "{h:?}"
        );
        assert_eq!(h[6..], ["-", "-"], "its own child");
        let h = hits(&t, Check::FileIo, &Allow::default());
        assert!(
            h[0].starts_with("yes: ") && h[0].contains("/proc/999/mem"),
            "{h:?}"
        );
    }

    /// Those rules need their kinds recorded: without the ptrace hook, file_io could not see
    /// a write into another process, so it cannot hold.
    #[test]
    fn the_kernels_writes_and_ptrace_are_needed_kinds() {
        let mut t = trace_of(Some("core"), &[]);
        t.header.hooks.attached.retain(|h| !h.contains("ptrace"));
        t.header.hooks.sources.retain(|k, _| k != "ptrace");
        t.header.hooks.failed.push(crate::trace::FailedHook {
            hook: "tracepoint:syscalls/sys_enter_ptrace".to_owned(),
            error: "EPERM (test)".to_owned(),
            absent: false,
        });
        for check in [Check::ProcessesSpawned, Check::FileIo, Check::TempFiles] {
            let gaps = super::super::coverage::gaps(&t, check);
            assert!(
                gaps.iter().any(|g| g.contains("sys_enter_ptrace")),
                "{check:?}: {gaps:?}"
            );
        }
        for check in [Check::FileIo, Check::TempFiles] {
            let kinds = super::super::coverage::needed_kinds(check);
            assert!(
                kinds.contains(&crate::trace::EventKind::PrivilegedCall),
                "{check:?}: acct"
            );
            assert!(
                kinds.contains(&crate::trace::EventKind::Exit),
                "{check:?}: core dumps"
            );
        }
    }

    #[test]
    fn under_is_path_aware() {
        assert!(under("/var/lib/pkg/x", "/var/lib/pkg"));
        assert!(under("/var/lib/pkg", "/var/lib/pkg"));
        assert!(!under("/var/lib/pkgother/x", "/var/lib/pkg"));
        assert!(under("/dev/pts/3", "/dev/pts/"));
    }
}
