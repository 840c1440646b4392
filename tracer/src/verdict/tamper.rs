//! Interference with the recorder: the package (or its maintainer scripts) acting on the
//! recorder or on the tracing machinery it stands on.
//!
//! A package that loads or queries BPF programs, traces the recorder's process, or writes
//! under bpffs, tracefs or debugfs may have detached, replaced or blinded the recorder; one
//! that writes to the recorder's trace file may have rewritten it. The trace file has other
//! names than its path: the recorder's `/proc/PID/fd/N` links (any write-open or link of
//! something under the recorder's /proc directory counts) and a hard link to it. Nothing it did after that is
//! known to be in the trace, so no claim can hold: every claim that is not contradicted becomes
//! inconclusive, and "No use of privileged functions" is contradicted by the attempt itself.
//! Failed attempts count too: an attempt is what the package meant to do.
//!
//! Only the package's and its maintainer scripts' processes are judged: in a whole-guest trace
//! systemd itself calls bpf() (cgroup device and firewall programs), and that is not the
//! package.

use super::attribution::{Attribution, Origin};
use crate::trace::{
    Event, EventData, Header, PORT_REOPENED, PathRef, STOPPED_BY_OTHER, StopReason, Trace,
};

/// The recorder was stopped by something other than its job: the host found that the
/// footer's stop was not the job's (`tracer vm check`, [`STOPPED_BY_OTHER`]), or that another
/// process wrote to the trace port once the recorder had closed it ([`PORT_REOPENED`]). The stop is an
/// attempt of its own, whoever sent it: its `kill` may be in the trace (then it is named there
/// too), or not (a process the attribution does not tie to the package, a signal the recorder
/// had not yet drained).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignStop {
    pub what: String,
    /// The sender's pid (0: unknown, or the kernel).
    pub pid: u32,
    pub comm: String,
    /// The sender's origin, from its events in the trace; `Other` when it has none.
    pub origin: Origin,
    /// The guest time the recording ended.
    pub time: String,
    /// The last event's seq: the stop came after it.
    pub seq: u64,
}

/// Who made an attempt, in words: a stop or a write to the stream whose process the trace
/// does not show has pid 0.
pub fn actor(pid: u32, comm: &str) -> String {
    if pid == 0 {
        "a process the trace does not name".to_owned()
    } else {
        format!("pid {pid} ({comm})")
    }
}

/// The foreign stop of `trace`, if its footer records one.
pub fn foreign_stop(trace: &Trace, attribution: &Attribution) -> Option<ForeignStop> {
    let footer = trace.footer.as_ref()?;
    let Some(cut) = footer.cut.as_ref() else {
        return signalled_by_package(trace, attribution);
    };
    let what = match cut.code.as_str() {
        STOPPED_BY_OTHER => "stopped the recorder",
        PORT_REOPENED => "wrote to the recorder's stream after it was closed",
        _ => return None,
    };
    let sender = footer.stop_sender.as_ref();
    let pid = sender.map_or(0, |s| s.pid);
    let origin = trace
        .events
        .iter()
        .zip(&attribution.per_event)
        .rev()
        .find(|(ev, _)| pid != 0 && ev.pid == pid)
        .map_or(Origin::Other, |(_, o)| *o);
    Some(ForeignStop {
        what: format!("{what}: {}", cut.detail),
        pid,
        comm: sender.and_then(|s| s.comm.clone()).unwrap_or_default(),
        origin,
        time: cut.last_guest_time.clone().unwrap_or_default(),
        seq: trace.events.last().map_or(0, |e| e.seq),
    })
}

/// A recording stopped by a signal whose sender the kernel named (kill, tkill: not a
/// sender's own claim) and which the trace shows as a package or maintainer-script process.
/// The signal itself may not be in the trace (pidfd_send_signal has no event of its own), but
/// the footer's sender is: the package stopped its recorder.
fn signalled_by_package(trace: &Trace, attribution: &Attribution) -> Option<ForeignStop> {
    let footer = trace.footer.as_ref()?;
    let sender = footer.stop_sender.as_ref()?;
    if footer.stop_reason != StopReason::Signal || !matches!(sender.how.as_str(), "kill" | "tkill")
    {
        return None;
    }
    let origin = trace
        .events
        .iter()
        .zip(&attribution.per_event)
        .rev()
        .find(|(ev, _)| sender.pid != 0 && ev.pid == sender.pid)
        .map(|(_, o)| *o)?;
    if !matches!(origin, Origin::Package | Origin::MaintainerScript) {
        return None;
    }
    Some(ForeignStop {
        what: format!(
            "stopped the recorder with {}",
            footer.stop_signal.as_deref().unwrap_or("a signal")
        ),
        pid: sender.pid,
        comm: sender.comm.clone().unwrap_or_default(),
        origin,
        time: footer.end_time.clone(),
        seq: trace.events.last().map_or(0, |e| e.seq),
    })
}

/// The tracing machinery's file systems: bpffs (pinned programs and maps), tracefs (the
/// tracepoints the programs hang on, and their enable switches) and debugfs (tracefs's old
/// mount point).
pub const MACHINERY: &[&str] = &["/sys/fs/bpf", "/sys/kernel/tracing", "/sys/kernel/debug"];

/// What `ev` did to the recorder or its machinery, in words; `None` when nothing.
pub fn attempt(header: &Header, ev: &Event) -> Option<String> {
    let recorder = header.recorder.as_ref();
    // The recorder's own /proc directory: its fd links reach the trace file (and its BPF
    // objects) by another name, and its mem file is its memory.
    let own_proc = recorder.map(|r| format!("/proc/{}", r.pid));
    let touched = |p: &PathRef| -> Option<String> {
        p.names()
            .find(|n| {
                MACHINERY.iter().any(|m| under(n, m))
                    || own_proc.as_deref().is_some_and(|d| under(n, d) && *n != d)
                    || recorder.is_some_and(|r| {
                        *n == r.output || n.strip_suffix(".partial") == Some(r.output.as_str())
                    })
            })
            .map(str::to_owned)
    };
    let either = |a: &Option<PathRef>, b: &Option<PathRef>| a.iter().chain(b).find_map(touched);
    let kind = ev.data.kind();
    match &ev.data {
        EventData::Bpf { cmd } => Some(format!("bpf({cmd})")),
        EventData::Signal {
            call,
            target_pid,
            signal,
            ..
        } if recorder.is_some_and(|r| i64::from(r.pid) == i64::from(*target_pid)) => Some(format!(
            "{call} {signal} to the recorder (pid {target_pid})"
        )),
        EventData::Ptrace {
            request,
            target_pid,
        } if recorder.is_some_and(|r| i64::from(r.pid) == i64::from(*target_pid)) => Some(format!(
            "ptrace {request} of the recorder (pid {target_pid})"
        )),
        // New resource limits for the recorder: a file-size limit makes its writes fail
        // (round 4's `a4_prlimit_recorder`), others starve it of fds or memory.
        EventData::PrivilegedCall {
            call,
            op: Some(op),
            ..
        } if call == "prlimit64"
            && recorder.is_some_and(|r| {
                op.strip_prefix("pid ")
                    .and_then(|rest| rest.split(' ').next())
                    .is_some_and(|pid| pid == r.pid.to_string())
            }) =>
        {
            Some(format!("prlimit64 {op} on the recorder"))
        }
        EventData::Open {
            path,
            access,
            flags,
            ..
        } if access != "read" || flags.iter().any(|f| f == "O_TRUNC") => {
            touched(path).map(|p| format!("open {p} for {access}"))
        }
        EventData::Unlink { path, .. }
        | EventData::Mkdir { path, .. }
        | EventData::Rmdir { path }
        | EventData::Mknod { path, .. }
        | EventData::Symlink { path, .. }
        | EventData::Mount { target: path, .. }
        | EventData::Umount { target: path, .. } => touched(path).map(|p| format!("{kind} {p}")),
        // A new name for the trace file (or for what a recorder's fd link points at) is a
        // way to open it for writing under a name nobody watches.
        EventData::Link { target, path } => touched(target)
            .or_else(|| touched(path))
            .map(|_| format!("link {} -> {}", path.best(), target.best())),
        EventData::Rename { from, to, .. } => touched(from)
            .or_else(|| touched(to))
            .map(|_| format!("rename {} -> {}", from.best(), to.best())),
        EventData::Truncate {
            path: Some(path), ..
        }
        | EventData::Chmod {
            path: Some(path), ..
        }
        | EventData::Chown {
            path: Some(path), ..
        }
        | EventData::Xattr {
            path: Some(path), ..
        }
        | EventData::Utime {
            path: Some(path), ..
        }
        // chattr +i or +a on the trace file: the recorder's writes then fail.
        | EventData::FileAttr {
            path: Some(path), ..
        } => touched(path).map(|p| format!("{kind} {p}")),
        EventData::MountApi {
            call, path, path2, ..
        } => either(path, path2).map(|p| format!("{call} {p}")),
        EventData::IoUringOp {
            op, path, path2, ..
        } => either(path, path2).map(|p| format!("io_uring {op} {p}")),
        _ => None,
    }
}

/// A signal that may have gone to the recorder although its target is not the recorder's
/// pid: one through a pidfd whose making the trace did not see (`CLONE_PIDFD`, inherited,
/// received), or one to a process group. In words; `None` for every other event.
pub fn possible_attempt(ev: &Event) -> Option<String> {
    match &ev.data {
        // kill(0), kill(-PGID), kill(-1): a process group, or every process. A recorded
        // command starts in the recorder's own process group, so such a signal may reach it.
        EventData::Signal {
            call,
            signal,
            target_pid,
            pidfd: None,
            ..
        } if *target_pid <= 0 && signal != "0" && call == "kill" => Some(format!(
            "{call} {signal} to {}, which may hold the recorder",
            match *target_pid {
                0 => "its own process group".to_owned(),
                -1 => "every process".to_owned(),
                g => format!("process group {}", -i64::from(g)),
            }
        )),
        EventData::Signal {
            call,
            signal,
            pidfd,
            target_unknown: true,
            ..
        } => Some(match pidfd {
            Some(fd) => format!("{call} {signal} through pidfd {fd}, whose process is unknown"),
            None => format!("{call} {signal} to a process the trace does not name"),
        }),
        _ => None,
    }
}

fn under(path: &str, dir: &str) -> bool {
    path.strip_prefix(dir)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}
