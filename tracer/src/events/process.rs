//! Process family records (see `tracer-ebpf/src/probes/process.rs`).

use tracer_common::{
    Event as RawEvent, EventKind,
    process::{ExecData, ExitData, ForkData},
};

use super::{Cx, DecodeError, read_record, text};
use crate::trace::{Creds, EventData};

const CLONE_THREAD: u64 = 0x10000;
const AT_EMPTY_PATH: u32 = 0x1000;

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
            }
            EventData::Fork {
                child_pid: d.child_pid,
                child_tid: d.child_tid,
                thread,
                clone_flags: d.clone_flags,
            }
        }
        EventKind::Exec => {
            let d = Box::new(read_record::<RawEvent<ExecData>>(bytes)?.data);
            let given = text(&d.filename, d.filename_len);
            let mut path = if given.is_empty() && d.at_flags & AT_EMPTY_PATH != 0 {
                // execveat(fd, "", AT_EMPTY_PATH): the program is the fd itself.
                cx.path(d.dirfd, String::new())
            } else {
                cx.path(d.dirfd, given)
            };
            path.real = super::real_name(&d.real).filter(|r| path.resolved.as_ref() != Some(r));
            let argv_bytes = &d.argv[..(d.argv_len as usize).min(d.argv.len())];
            let argv: Vec<String> = argv_bytes
                .split(|&b| b == 0)
                .take(d.argc as usize)
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect();
            let before = creds(&d.before);
            let after = creds(&d.after);
            let setid = matches!((before, after), (Some(b), Some(a)) if b.euid != a.euid || b.egid != a.egid);
            EventData::Exec {
                path,
                argv,
                argv_truncated: cx.header.flags & tracer_common::flags::ARGV_TRUNCATED != 0,
                before,
                after,
                setid,
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
        _ => unreachable!("process family kinds are fork, exec and exit"),
    }))
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
