//! Process family records (see `tracer-ebpf/src/probes/process.rs`).

use tracer_common::{
    Event as RawEvent, EventKind, SyscallId,
    process::{AdoptData, CAPS_UNKNOWN, ExecData, ExitData, ForkData},
};

use super::{Cx, DecodeError, read_record, text, view_record};
use crate::trace::{Creds, EventData};

const CLONE_THREAD: u64 = 0x10000;
const CLONE_NEWNS: u64 = 0x0002_0000;

pub(super) fn decode(
    kind: EventKind,
    bytes: &[u8],
    cx: &mut Cx<'_>,
) -> Result<Option<EventData>, DecodeError> {
    let pid = cx.header.pid;
    Ok(Some(match kind {
        EventKind::Fork => {
            let d = read_record::<RawEvent<ForkData>>(bytes)?.data;
            let thread = d.clone_flags & CLONE_THREAD != 0;
            if !thread {
                cx.procs.fork(pid, d.child_pid);
                if d.clone_flags & CLONE_NEWNS != 0 {
                    cx.procs.leave_host_view(d.child_pid);
                }
            }
            EventData::Fork {
                child_pid: d.child_pid,
                child_tid: d.child_tid,
                thread,
                clone_flags: d.clone_flags,
            }
        }
        EventKind::Exec => {
            let d_rec = view_record::<RawEvent<ExecData>>(bytes)?;
            let d = &d_rec.data;
            let fixed = size_of::<RawEvent<ExecData>>();
            let argv_bytes =
                bytes
                    .get(fixed..fixed + d.argv_len as usize)
                    .ok_or(DecodeError::Short {
                        len: bytes.len(),
                        need: fixed + d.argv_len as usize,
                    })?;
            let given = text(&d.filename, d.filename_len);
            let (dirfd, given) = exec_path(d.dirfd, given);
            let mut path = cx.path(dirfd, given);
            // The file exec'd, where its kernel name differs from the path given; the
            // interpreter its image runs, where that is another file (a script's).
            let real = super::real_name(&d.real);
            let interpreter = super::real_name(&d.interp).filter(|i| real.as_ref() != Some(i));
            path.real = real.filter(|r| path.resolved.as_ref() != Some(r));
            let (argv, cut) = split_argv(argv_bytes, cx.max_args);
            let before = creds(&d.before);
            let after = creds(&d.after);
            if cx.ok() {
                // The new program starts without the close-on-exec fds.
                cx.procs.exec(pid);
            }
            let setid = matches!((before, after), (Some(b), Some(a)) if b.euid != a.euid || b.egid != a.egid);
            let gained = if cx.ok() && d.caps_before != CAPS_UNKNOWN && d.caps_after != CAPS_UNKNOWN
            {
                d.caps_after & !d.caps_before
            } else {
                0
            };
            EventData::Exec {
                path,
                interpreter,
                argv,
                argv_truncated: cut || cx.header.flags & tracer_common::flags::ARGV_TRUNCATED != 0,
                before,
                after,
                setid,
                setid_file: cx.ok() && cx.header.flags & tracer_common::flags::SETID_FILE != 0,
                caps_gained: cap_names(gained),
            }
        }
        EventKind::Exit => {
            let d = read_record::<RawEvent<ExitData>>(bytes)?.data;
            let status = (d.exit_status != -1).then_some(d.exit_status);
            let (code, signal, core_dumped) = match status {
                Some(s) if s & 0x7f == 0 => (Some((s >> 8) & 0xff), None, false),
                Some(s) => (None, Some(s & 0x7f), s & 0x80 != 0),
                None => (None, None, false),
            };
            EventData::Exit {
                status,
                code,
                signal,
                core_dumped,
            }
        }
        EventKind::Adopt => {
            let d = read_record::<RawEvent<AdoptData>>(bytes)?.data;
            let victim = d.victim;
            let how = match cx.syscall {
                Some(SyscallId::Ptrace) => {
                    format!("ptrace {}", super::privilege::ptrace_name(d.request))
                }
                Some(s @ SyscallId::ProcessVmWritev) => s.name().to_owned(),
                Some(s) => format!("{} /proc/{victim}/mem", s.name()),
                None => "unknown".to_owned(),
            };
            // Read now, while the victim runs: the record says which process the package took.
            // Not for a failed adoption: its number may be of another pid namespace, where
            // /proc here would name an unrelated process.
            let ok = cx.ok();
            let read = |file: &str| {
                ok.then(|| std::fs::read_to_string(format!("/proc/{victim}/{file}")).ok())
                    .flatten()
            };
            let victim_comm = read("comm").map(|c| c.trim_end_matches('\n').to_owned());
            let victim_threads = read("status").and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("Threads:"))
                    .and_then(|n| n.trim().parse().ok())
            });
            EventData::Adopt {
                victim_pid: victim,
                victim_comm,
                victim_threads,
                how,
            }
        }
        _ => unreachable!("process family kinds are fork, adopt, exec and exit"),
    }))
}

/// The program's path and the dirfd it is relative to. The kernel names the program of an
/// execveat relative to a dirfd `/dev/fd/N` (empty path, `AT_EMPTY_PATH`: the fd itself) or
/// `/dev/fd/N/PATH`; those become PATH (or nothing) relative to fd N, which the fd table names.
fn exec_path(dirfd: i32, filename: String) -> (i32, String) {
    if let Some(rest) = filename.strip_prefix("/dev/fd/") {
        let (fd, path) = rest.split_once('/').unwrap_or((rest, ""));
        if let Ok(fd) = fd.parse::<i32>() {
            return (fd, path.to_owned());
        }
    }
    (dirfd, filename)
}

/// The NUL-separated argument area as arguments, at most `max_args` of them; `true` when more
/// were cut off. A final argument without its NUL is the start of one that was cut. An exec
/// with an empty argv shows the one empty argument the kernel (5.18 and later) gives the program.
fn split_argv(bytes: &[u8], max_args: u32) -> (Vec<String>, bool) {
    if bytes.is_empty() {
        return (Vec::new(), false);
    }
    let bytes = bytes.strip_suffix(&[0]).unwrap_or(bytes);
    let mut argv: Vec<String> = bytes
        .split(|&b| b == 0)
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect();
    let cut = argv.len() > max_args as usize;
    argv.truncate(max_args as usize);
    (argv, cut)
}

/// `None` when the kernel could not read the full credentials (fields left at u32::MAX).
fn creds(c: &tracer_common::Creds) -> Option<Creds> {
    (c.euid != u32::MAX).then_some(Creds {
        uid: c.uid,
        gid: c.gid,
        suid: c.suid,
        sgid: c.sgid,
        euid: c.euid,
        egid: c.egid,
        fsuid: c.fsuid,
        fsgid: c.fsgid,
    })
}

/// The names of the capabilities in a set (`CAP_CHOWN` is bit 0), a number for a bit the
/// table does not name.
pub(crate) fn cap_names(set: u64) -> Vec<String> {
    const NAMES: [&str; 41] = [
        "CAP_CHOWN",
        "CAP_DAC_OVERRIDE",
        "CAP_DAC_READ_SEARCH",
        "CAP_FOWNER",
        "CAP_FSETID",
        "CAP_KILL",
        "CAP_SETGID",
        "CAP_SETUID",
        "CAP_SETPCAP",
        "CAP_LINUX_IMMUTABLE",
        "CAP_NET_BIND_SERVICE",
        "CAP_NET_BROADCAST",
        "CAP_NET_ADMIN",
        "CAP_NET_RAW",
        "CAP_IPC_LOCK",
        "CAP_IPC_OWNER",
        "CAP_SYS_MODULE",
        "CAP_SYS_RAWIO",
        "CAP_SYS_CHROOT",
        "CAP_SYS_PTRACE",
        "CAP_SYS_PACCT",
        "CAP_SYS_ADMIN",
        "CAP_SYS_BOOT",
        "CAP_SYS_NICE",
        "CAP_SYS_RESOURCE",
        "CAP_SYS_TIME",
        "CAP_SYS_TTY_CONFIG",
        "CAP_MKNOD",
        "CAP_LEASE",
        "CAP_AUDIT_WRITE",
        "CAP_AUDIT_CONTROL",
        "CAP_SETFCAP",
        "CAP_MAC_OVERRIDE",
        "CAP_MAC_ADMIN",
        "CAP_SYSLOG",
        "CAP_WAKE_ALARM",
        "CAP_BLOCK_SUSPEND",
        "CAP_AUDIT_READ",
        "CAP_PERFMON",
        "CAP_BPF",
        "CAP_CHECKPOINT_RESTORE",
    ];
    (0..64)
        .filter(|bit| set & (1u64 << bit) != 0)
        .map(|bit| {
            NAMES
                .get(bit)
                .map_or_else(|| format!("CAP_{bit}"), |n| (*n).to_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argv_area_splits_and_cuts() {
        assert_eq!(
            split_argv(b"/bin/sh\0-c\0echo hi\0", 1024),
            (vec!["/bin/sh".into(), "-c".into(), "echo hi".into()], false)
        );
        // An empty argument stays; an empty argv is empty.
        assert_eq!(split_argv(b"a\0\0b\0", 1024).0, vec!["a", "", "b"]);
        assert_eq!(split_argv(b"", 1024), (Vec::<String>::new(), false));
        assert_eq!(split_argv(b"\0", 1024).0, vec![""]);
        assert_eq!(
            split_argv(b"a\0b\0c\0", 2),
            (vec!["a".into(), "b".into()], true)
        );
        // Cut inside an argument: its start is kept.
        assert_eq!(split_argv(b"a\0bcd", 9).0, vec!["a", "bcd"]);
    }

    #[test]
    fn execveat_paths_name_their_dirfd() {
        assert_eq!(
            exec_path(-100, "/bin/true".into()),
            (-100, "/bin/true".into())
        );
        assert_eq!(exec_path(5, "/dev/fd/5".into()), (5, String::new()));
        assert_eq!(exec_path(5, "/dev/fd/5/x/y".into()), (5, "x/y".into()));
        assert_eq!(exec_path(-100, "rel".into()), (-100, "rel".into()));
    }
}
