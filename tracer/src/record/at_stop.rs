//! The calls recorded threads were still inside when the recording stopped.
//!
//! A call's record is written at its exit. A `--leave-running`, `--pid`, `--unit` or
//! `--system` recording (every vm check) stops with its processes alive, and a call that has
//! not returned by then never gets its record: a connect waiting for its handshake (an address
//! that drops SYNs keeps it two minutes) has sent its SYN; an open of a FIFO waits for the
//! other end; a send blocked on a full socket has sent part of its data.
//!
//! After the last drain, the entries the kernel side keeps for each call in progress
//! (`INFLIGHT`: the call and its arguments; `ENTRY_ARGS`: the path or address the entry program
//! copied, see `tracer-ebpf/src/probes/syscalls.rs`) say which calls those are. Each is made
//! a record of the layout the exit program would have written, from the entry's copy of its
//! argument and the thread's ids read from /proc (it is alive: a thread's exit clears its
//! entry), and goes through the decoder like any other, as an event without a result flagged
//! `unfinished`, and `args_unverified`: its argument was read at the entry only, before the
//! kernel's own copy, with no exit to compare it with. Those are the connects, the sendtos with
//! an address, and the opens, openats and creats. The other calls that may have acted, or
//! opened, are counted lost for their kind, as is one of those that cannot be made an event:
//! - sendmsg and sendmmsg, whose destinations are in a `msghdr` the entry did not copy;
//! - openat2 and open_by_handle_at (of a FIFO, say), whose `open_how` or handle the entry did
//!   not copy;
//! - a call whose entry copy failed (its page not yet faulted in) or was evicted, or whose
//!   thread /proc no longer shows inside it (it returned after the last drain: its record, if
//!   any, came after the stop).
//!
//! Blocking calls that have done nothing yet leave nothing out: an accept, a receive (their
//! records say what they got), a sendto without an address (recorded by no exit program).
//! Fork, clone and exec have their events from the scheduler's tracepoints, reboot from its
//! entry's record. Other hooked calls are left alone too: on a busy system (`--system`) some
//! call is always straddling the stop (a `perf_event_open` waiting for an RCU grace period, a
//! close), and one that blocks for long before it acts on something a claim rests on (an
//! unlink on a hung NFS server, a close lingering on a socket) was not found.
//! The ring's io_uring operations are recorded at their submission, not at the exit of
//! `io_uring_enter`, so a ring waiting for completions hides none.

use std::collections::BTreeMap;

use tracer_common::{
    ADDR_CAP, EntryArg, Event as RawEvent, Header, Inflight, PATH_CAP, SyscallId,
    file::OpenData,
    flags,
    network::{NL_HEAD, NetData},
};

use super::RecordError;

/// What the calls in progress at the stop came to.
#[derive(Debug, Default)]
pub struct AtStop {
    /// One raw record per call made an event, in entry order, with its kind: for
    /// [`crate::events::Decoder::decode_at_stop`].
    pub records: Vec<(&'static str, Vec<u8>)>,
    /// Per kind, the calls that acted (or may have) and could not be made an event.
    pub lost: BTreeMap<&'static str, u64>,
}

/// The return a record made here carries. Never shown: the event has no result. Negative,
/// so that the decoder adds no fd to the process's table for an open still in progress.
const NO_RETURN_YET: i64 = -512;

/// Reads `INFLIGHT` and `ENTRY_ARGS` after the last drain (see the module's doc).
pub fn calls_at_stop(ebpf: &aya::Ebpf) -> Result<AtStop, RecordError> {
    let map = |name: &'static str| ebpf.map(name).ok_or(RecordError::MissingMap(name));
    let load = |name: &str, e: &dyn std::fmt::Display| RecordError::Load(format!("{name}: {e}"));
    let inflight = aya::maps::HashMap::<_, u32, Inflight>::try_from(map("INFLIGHT")?)
        .map_err(|e| load("INFLIGHT", &e))?;
    let entry_args = aya::maps::HashMap::<_, u32, EntryArg>::try_from(map("ENTRY_ARGS")?)
        .map_err(|e| load("ENTRY_ARGS", &e))?;
    let mut calls = Vec::new();
    for entry in inflight.iter() {
        let (tid, call) = entry.map_err(|e| load("INFLIGHT", &e))?;
        calls.push((call.ts_ns, tid, call));
    }
    calls.sort_by_key(|&(ts, tid, _)| (ts, tid));
    let mut out = AtStop::default();
    for (_, tid, call) in calls {
        let Some(id) = SyscallId::from_raw(call.syscall) else {
            continue;
        };
        let kind = id.kind().name();
        let copied = || {
            entry_args
                .get(&tid, 0)
                .ok()
                .filter(|e| e.ts_ns == call.ts_ns && e.failed == 0)
        };
        let record = match id {
            // Without an address no exit program writes a sendto: nothing is left out.
            SyscallId::Sendto if call.args[4] == 0 => continue,
            SyscallId::Connect | SyscallId::Sendto => copied()
                .filter(|_| still_in(tid, &call))
                .and_then(|e| net_record(tid, &call, &e)),
            SyscallId::Open | SyscallId::Openat | SyscallId::Creat => copied()
                .filter(|_| still_in(tid, &call))
                .and_then(|e| open_record(tid, id, &call, &e)),
            SyscallId::Sendmsg
            | SyscallId::Sendmmsg
            | SyscallId::Openat2
            | SyscallId::OpenByHandleAt => None,
            // See the module's doc: nothing done yet, or an event from elsewhere.
            _ => continue,
        };
        match record {
            Some(r) => out.records.push((kind, r)),
            None => {
                tracing::warn!(
                    "a {} call of thread {tid} was still running when the recording stopped, and cannot be written: counted lost",
                    id.name()
                );
                *out.lost.entry(kind).or_default() += 1;
            }
        }
    }
    Ok(out)
}

/// Whether thread `tid` is still inside `call` (its first two arguments, as
/// `/proc/TID/syscall` shows the call it is blocked in): not a call that returned since the
/// last drain, nor a thread id reused by another process since an exit the kernel side missed.
fn still_in(tid: u32, call: &Inflight) -> bool {
    let Ok(text) = std::fs::read_to_string(format!("/proc/{tid}/syscall")) else {
        return false;
    };
    // `NR ARG0 … ARG5 SP PC` in hex; `running` or `-1 SP PC` when not in a call.
    let args: Vec<Option<u64>> = text
        .split_whitespace()
        .skip(1)
        .take(2)
        .map(|a| u64::from_str_radix(a.trim_start_matches("0x"), 16).ok())
        .collect();
    args.len() == 2 && args[0] == Some(call.args[0]) && args[1] == Some(call.args[1])
}

/// A connect's or sendto's record, as `network_part_exit` writes it, from the entry's copy.
fn net_record(tid: u32, call: &Inflight, e: &EntryArg) -> Option<Vec<u8>> {
    let a = &call.args;
    let (fd, sflags) = if call.syscall == SyscallId::Connect as u16 {
        (a[0], 0)
    } else {
        (a[0], a[3])
    };
    let mut addr = [0; ADDR_CAP];
    let len = (e.len as usize).min(ADDR_CAP);
    addr[..len].copy_from_slice(&e.bytes[..len]);
    let data = NetData {
        fd: fd as i32,
        domain: 0,
        sock_type: 0,
        protocol: 0,
        backlog: 0,
        flags: sflags as i32,
        addr_len: len as u32,
        _pad: 0,
        addr,
        head_len: 0,
        _pad2: 0,
        head: [0; NL_HEAD],
    };
    let header = header_of(tid, call, 0)?;
    Some(bytes_of(&RawEvent { header, data }))
}

/// An open's record, as `emit_open_as` writes it, from the entry's copy of the path.
fn open_record(tid: u32, id: SyscallId, call: &Inflight, e: &EntryArg) -> Option<Vec<u8>> {
    const AT_FDCWD: i32 = libc::AT_FDCWD;
    let a = &call.args;
    let creat = (libc::O_CREAT | libc::O_WRONLY | libc::O_TRUNC) as u64;
    let (dirfd, open_flags, mode) = match id {
        SyscallId::Open => (AT_FDCWD, a[1], a[2]),
        SyscallId::Openat => (a[0] as i32, a[2], a[3]),
        _ => (AT_FDCWD, creat, a[1]),
    };
    let len = (e.len as usize).min(PATH_CAP);
    // The entry keeps `PATH_CAP - 1` bytes and a NUL at most: a path that long was cut.
    let hdr_flags = if len + 1 >= PATH_CAP {
        flags::PATH_TRUNCATED
    } else {
        0
    };
    let mut path = [0; PATH_CAP];
    path[..len].copy_from_slice(&e.bytes[..len]);
    let data = OpenData {
        flags: open_flags,
        resolve: 0,
        dirfd,
        mode: mode as u32,
        path_len: len as u32,
        _pad: 0,
        path,
    };
    let header = header_of(tid, call, hdr_flags)?;
    Some(bytes_of(&RawEvent { header, data }))
}

/// The header of thread `tid`'s call, its ids read from /proc now (the thread is still in the
/// call, so they are the ones it has in it); `None` when the thread is gone.
fn header_of(tid: u32, call: &Inflight, hdr_flags: u32) -> Option<Header> {
    let status = std::fs::read_to_string(format!("/proc/{tid}/status")).ok()?;
    let field = |name: &str| {
        status.lines().find_map(|l| {
            l.strip_prefix(name)?
                .strip_prefix(':')
                .map(|v| v.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
        })
    };
    let num = |v: &Vec<String>, i: usize| v.get(i)?.parse::<u32>().ok();
    let (tgid, ppid) = (field("Tgid")?, field("PPid")?);
    let (uids, gids) = (field("Uid")?, field("Gid")?);
    let comm = std::fs::read_to_string(format!("/proc/{tid}/comm")).ok()?;
    let mut comm_bytes = [0u8; 16];
    let name = comm.trim_end_matches('\n').as_bytes();
    let n = name.len().min(15);
    comm_bytes[..n].copy_from_slice(&name[..n]);
    let cgroup_id = super::cgroup_bpf::cgroup_of(tid)
        .and_then(|dir| std::fs::metadata(dir).ok())
        .map_or(0, |m| std::os::unix::fs::MetadataExt::ino(&m));
    Some(Header {
        ts_ns: call.ts_ns,
        cgroup_id,
        ret: NO_RETURN_YET,
        pid: num(&tgid, 0)?,
        tid,
        ppid: num(&ppid, 0)?,
        uid: num(&uids, 0)?,
        gid: num(&gids, 0)?,
        euid: num(&uids, 1)?,
        egid: num(&gids, 1)?,
        kind: SyscallId::from_raw(call.syscall)?.kind() as u16,
        syscall: call.syscall,
        flags: hdr_flags | flags::PPID_KNOWN | flags::CREDS_FULL | flags::ARGS_UNVERIFIED,
        _pad: 0,
        comm: comm_bytes,
    })
}

/// A record's bytes, as the ring would hold them.
fn bytes_of<T: Copy>(record: &T) -> Vec<u8> {
    // SAFETY: `T` is a `#[repr(C)]` record of integers and integer arrays with explicit
    // padding fields (every byte initialised), read as bytes for its own size.
    unsafe { std::slice::from_raw_parts(std::ptr::from_ref(record).cast::<u8>(), size_of::<T>()) }
        .to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        events::{Clock, Decoder, procs::Processes},
        trace::EventData,
    };

    fn entry_of(ts_ns: u64, text: &[u8]) -> EntryArg {
        let mut bytes = [0; PATH_CAP];
        bytes[..text.len()].copy_from_slice(text);
        EntryArg {
            ts_ns,
            len: text.len() as u32,
            failed: 0,
            bytes,
        }
    }

    /// An open of a FIFO still waiting for its writer, on this test's own thread: the event
    /// the decoder makes of it names the path, the flags and the thread, has no result, is
    /// flagged `unfinished` and `args_unverified`, and is not counted as read from
    /// the ring.
    #[test]
    fn a_call_at_the_stop_is_an_event_without_a_result() {
        let tid = nix::unistd::gettid().as_raw() as u32;
        let call = Inflight {
            ts_ns: 7,
            args: [
                libc::AT_FDCWD as u64,
                0x1000,
                libc::O_WRONLY as u64,
                0,
                0,
                0,
            ],
            syscall: SyscallId::Openat as u16,
            _pad: [0; 3],
        };
        let record = open_record(tid, SyscallId::Openat, &call, &entry_of(7, b"/run/x.fifo"))
            .expect("this thread is alive");
        let mut d = Decoder::new(Clock::now(), Processes::default());
        let ev = d.decode_at_stop(&record).unwrap().expect("an event");
        let EventData::Open { path, access, .. } = &ev.data else {
            panic!("an open: {ev:?}");
        };
        assert_eq!(path.best(), "/run/x.fifo");
        assert_eq!(access, "write");
        assert_eq!((ev.pid, ev.tid, ev.ts_ns), (std::process::id(), tid, 7));
        assert!(ev.result.is_none());
        assert_eq!(ev.flags, ["args_unverified", "unfinished"]);
        assert!(!crate::trace::describe::succeeded(&ev));
        assert!(d.read.is_empty(), "{:?}", d.read);
        assert_eq!(d.counts.get("open"), Some(&1));

        // A connect: its address from the entry's copy.
        let call = Inflight {
            ts_ns: 9,
            args: [3, 0x2000, 16, 0, 0, 0],
            syscall: SyscallId::Connect as u16,
            _pad: [0; 3],
        };
        let sin = [2, 0, 0x1f, 0x90, 10, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0];
        let record = net_record(tid, &call, &entry_of(9, &sin)).expect("alive");
        let ev = d.decode_at_stop(&record).unwrap().expect("an event");
        assert_eq!(
            crate::trace::describe::paths(&ev).len(),
            0,
            "a connect names an address, not a path"
        );
        match &ev.data {
            EventData::Connect {
                fd: 3,
                addr: Some(crate::trace::SockAddr::Inet { ip, port: 8080 }),
            } => assert_eq!(ip, "10.0.0.9"),
            other => panic!("{other:?}"),
        }
        assert_eq!(ev.flags, ["args_unverified", "unfinished"]);
    }

    /// A thread that is gone cannot be described: no record (the call is counted lost).
    #[test]
    fn a_thread_gone_makes_no_record() {
        let call = Inflight {
            ts_ns: 1,
            args: [3, 0, 0, 0, 0, 0],
            syscall: SyscallId::Connect as u16,
            _pad: [0; 3],
        };
        assert!(net_record(u32::MAX - 1, &call, &entry_of(1, &[2, 0])).is_none());
    }
}
