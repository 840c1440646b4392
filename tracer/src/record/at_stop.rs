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
//! copied, see `tracer-ebpf/src/probes/syscalls.rs`) say which calls those are. Both keep one
//! slot per thread, overwritten in place by each call: an `INFLIGHT` slot whose call is
//! finished says so (`Inflight::in_call`), an `ENTRY_ARGS` copy names its call by its entry
//! time, and a slot is read until two reads agree ([`settled`]), since a thread still running
//! may be rewriting it; one that never settles is no call made an event. Each is made
//! a record of the layout the exit program would have written, from the entry's copy of its
//! argument and the thread's ids read from /proc (it is alive: a thread's exit clears its
//! entry), and goes through the decoder like any other, as an event without a result flagged
//! `unfinished`, and `args_unverified`: its argument was read at the entry only, before the
//! kernel's own copy, with no exit to compare it with. Those are the connects, the sendtos with
//! an address, the opens, openats and creats, and the sendmsgs and sendmmsgs with a
//! destination: the entry does not copy their `msghdr`, so its `msg_name` is read now from the
//! thread's memory (`/proc/TID/mem`; the thread is blocked in the call). The other calls that
//! may have acted, or opened, are counted lost for their kind, as is one of those that cannot
//! be made an event:
//! - a sendmsg with control data (its exit reads a source route there, which is not done here),
//!   or whose `msghdr` cannot be read;
//! - openat2 and open_by_handle_at (of a FIFO, say), whose `open_how` or handle the entry did
//!   not copy;
//! - a call whose entry copy failed (its page not yet faulted in) or was evicted, or whose
//!   thread /proc no longer shows inside it (it returned after the last drain: its record, if
//!   any, came after the stop).
//!
//! Blocking calls that have done nothing yet leave nothing out: an accept, a receive (their
//! records say what they got), a send without a destination (a sendto without an address, a
//! sendmsg without `msg_name` or control data: recorded by no exit program).
//! Fork, clone and exec have their events from the scheduler's tracepoints, reboot from its
//! entry's record. Other hooked calls are left alone too: they act at their return, and on a
//! busy system (`--system`) some are always straddling the stop (a `perf_event_open` waiting
//! for an RCU grace period, a close), which, counted lost, would make claims inconclusive by
//! chance. Rare ones may act before they return and are not counted: an unlink or rename on
//! a hung NFS server (the server may have done it), a close lingering on a socket (the fd is
//! already gone).
//!
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
use crate::events::procs::status_field;

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
    for key in inflight.keys() {
        let tid = key.map_err(|e| load("INFLIGHT", &e))?;
        match settled(|| inflight.get(&tid, 0).ok(), same_call) {
            Read::Settled(call) if call.in_call() => calls.push((call.ts_ns, tid, call, true)),
            // The thread's last call is finished, or the thread just ended.
            Read::Settled(_) | Read::Gone => {}
            Read::Unsettled(call) => calls.push((call.ts_ns, tid, call, false)),
        }
    }
    calls.sort_by_key(|&(ts, tid, _, _)| (ts, tid));
    let mut out = AtStop::default();
    for (_, tid, call, call_settled) in calls {
        let Some(id) = SyscallId::from_raw(call.syscall) else {
            continue;
        };
        let kind = id.kind().name();
        let copied = || match settled(|| entry_args.get(&tid, 0).ok(), same_entry) {
            Read::Settled(e) => Some(e).filter(|e| e.ts_ns == call.ts_ns && e.failed == 0),
            Read::Gone | Read::Unsettled(_) => None,
        };
        let record = match id {
            // Without an address no exit program writes a sendto: nothing is left out.
            SyscallId::Sendto if call.args[4] == 0 => continue,
            SyscallId::Connect | SyscallId::Sendto => {
                copied().filter(|_| still_in(tid, &call)).and_then(|e| {
                    net_record(tid, &call, &e.bytes[..(e.len as usize).min(ADDR_CAP)], 0)
                })
            }
            SyscallId::Sendmsg | SyscallId::Sendmmsg => match msg_destination(tid, id, &call) {
                // Neither a destination nor control data: no exit program writes it.
                Some(Dest::None) => continue,
                Some(Dest::Addr(addr, hdr_flags)) if still_in(tid, &call) => {
                    net_record(tid, &call, &addr, hdr_flags)
                }
                _ => None,
            },
            SyscallId::Open | SyscallId::Openat | SyscallId::Creat => copied()
                .filter(|_| still_in(tid, &call))
                .and_then(|e| open_record(tid, id, &call, &e)),
            SyscallId::Openat2 | SyscallId::OpenByHandleAt => None,
            // See the module's doc: nothing done yet, or an event from elsewhere.
            _ => continue,
        };
        // Half of one call and half of the next cannot be written as either.
        let record = record.filter(|_| call_settled);
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

/// A map slot as [`settled`] read it.
#[derive(Debug, PartialEq)]
enum Read<T> {
    /// Two reads in a row agreed.
    Settled(T),
    /// No reads in a row agreed (the last one is kept): its thread was writing it each time.
    Unsettled(T),
    /// The key is gone (its thread ended).
    Gone,
}

/// How many times a slot is read, at most, for two reads in a row to agree.
const READS: usize = 4;

/// Reads a slot the programs overwrite in place until two reads in a row agree (`same`): a
/// thread still running may be writing it while it is read, and a read then holds parts of
/// two calls. Writing a slot takes the program nanoseconds, and a read here is a syscall: two
/// equal reads are one state the thread left it in.
fn settled<T>(mut read: impl FnMut() -> Option<T>, same: impl Fn(&T, &T) -> bool) -> Read<T> {
    let Some(mut last) = read() else {
        return Read::Gone;
    };
    for _ in 1..READS {
        let Some(next) = read() else {
            return Read::Gone;
        };
        if same(&last, &next) {
            return Read::Settled(next);
        }
        last = next;
    }
    Read::Unsettled(last)
}

fn same_call(a: &Inflight, b: &Inflight) -> bool {
    (a.ts_ns, a.args, a.syscall, a.active) == (b.ts_ns, b.args, b.syscall, b.active)
}

fn same_entry(a: &EntryArg, b: &EntryArg) -> bool {
    (a.ts_ns, a.len, a.failed, a.bytes) == (b.ts_ns, b.len, b.failed, b.bytes)
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

/// Where a sendmsg or sendmmsg still running sends to, read now from its caller's memory
/// (the kernel side's entry does not copy it).
enum Dest {
    /// No `msg_name`, and no control data the exit would have read (a source route).
    None,
    /// The first message's `msg_name`, and the header flags its record gets.
    Addr(Vec<u8>, u32),
}

/// `struct msghdr`: `msg_name` at 0, `msg_namelen` at 8, `msg_control` at 32,
/// `msg_controllen` at 40; 56 bytes (`struct mmsghdr` adds `msg_len` and padding: 64).
const MSGHDR_BYTES: usize = 56;

/// The destination of a sendmsg or sendmmsg still running, as its exit program would have read
/// it (`network_part_exit`: the first message's `msg_name`), from `/proc/TID/mem`; `None` when
/// it cannot be read, or when a sendmsg has control data (the exit reads a source route in it,
/// `sockopt::send_control`, which is not done here).
fn msg_destination(tid: u32, id: SyscallId, call: &Inflight) -> Option<Dest> {
    use std::os::unix::fs::FileExt;
    let mem = std::fs::File::open(format!("/proc/{tid}/mem")).ok()?;
    let mut hdr = [0u8; MSGHDR_BYTES];
    mem.read_exact_at(&mut hdr, call.args[1]).ok()?;
    let word = |at: usize| u64::from_ne_bytes(hdr[at..at + 8].try_into().expect("8 bytes"));
    let (name, namelen) = (word(0), word(8) as u32);
    let control = word(32) != 0 && word(40) > 0;
    if id == SyscallId::Sendmsg && control {
        return None;
    }
    if name == 0 {
        return Some(Dest::None);
    }
    let mut addr = vec![0u8; (namelen as usize).min(ADDR_CAP)];
    mem.read_exact_at(&mut addr, name).ok()?;
    // sendmmsg(fd, msgvec, vlen, flags): later messages may name other destinations, which
    // are not read; the exit flags a batch of more than one message (it knows how many were
    // sent; here, how many were asked).
    let batch = id == SyscallId::Sendmmsg && call.args[2] > 1;
    Some(Dest::Addr(
        addr,
        if batch { flags::PATH_TRUNCATED } else { 0 },
    ))
}

/// A connect's or send's record, as `network_part_exit` writes it, with `raw` for its address
/// (the entry's copy, or a `msg_name` read at the stop).
fn net_record(tid: u32, call: &Inflight, raw: &[u8], hdr_flags: u32) -> Option<Vec<u8>> {
    let a = &call.args;
    let sflags = match SyscallId::from_raw(call.syscall)? {
        SyscallId::Connect => 0,
        SyscallId::Sendmsg => a[2],
        _ => a[3],
    };
    let fd = a[0];
    let mut addr = [0; ADDR_CAP];
    let len = raw.len().min(ADDR_CAP);
    addr[..len].copy_from_slice(&raw[..len]);
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
    let header = header_of(tid, call, hdr_flags)?;
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
    let field =
        |name: &str| status_field(&status, name).map(|v| v.split_whitespace().collect::<Vec<_>>());
    let num = |v: &Vec<&str>, i: usize| v.get(i)?.parse::<u32>().ok();
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
    use tracer_common::INFLIGHT_ACTIVE;

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
            active: INFLIGHT_ACTIVE,
            _pad: [0; 2],
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
            active: INFLIGHT_ACTIVE,
            _pad: [0; 2],
        };
        let sin = [2, 0, 0x1f, 0x90, 10, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0];
        let record = net_record(tid, &call, &sin, 0).expect("alive");
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

    /// A slot read while its thread rewrites it is taken only when two reads in a row agree;
    /// one that keeps changing is kept as unsettled (its call is counted lost, not written),
    /// and one whose key went away between reads is gone.
    #[test]
    fn a_slot_is_read_until_two_reads_agree() {
        let mut reads = [Some(1), Some(2), Some(2), Some(3)].into_iter();
        assert_eq!(
            settled(|| reads.next().flatten(), |a, b| a == b),
            Read::Settled(2)
        );
        let mut n = 0;
        let busy = settled(
            || {
                n += 1;
                Some(n)
            },
            |a, b| a == b,
        );
        assert_eq!(busy, Read::Unsettled(READS));
        let mut reads = [Some(1), None].into_iter();
        assert_eq!(
            settled(|| reads.next().flatten(), |a, b| a == b),
            Read::Gone
        );
        let mut none = std::iter::empty::<Option<u8>>();
        assert_eq!(settled(|| none.next().flatten(), |a, b| a == b), Read::Gone);

        let call = |ts_ns, active| Inflight {
            ts_ns,
            args: [3, 0x2000, 16, 0, 0, 0],
            syscall: SyscallId::Connect as u16,
            active,
            _pad: [0; 2],
        };
        assert!(same_call(&call(1, 1), &call(1, 1)));
        assert!(!same_call(&call(1, 1), &call(2, 1)));
        assert!(!same_call(&call(1, 1), &call(1, 0)));
        assert!(call(1, INFLIGHT_ACTIVE).in_call() && !call(1, 0).in_call());
        assert!(same_entry(&entry_of(1, b"/a"), &entry_of(1, b"/a")));
        assert!(!same_entry(&entry_of(1, b"/a"), &entry_of(1, b"/b")));
    }

    /// A thread that is gone cannot be described: no record (the call is counted lost).
    #[test]
    fn a_thread_gone_makes_no_record() {
        let call = Inflight {
            ts_ns: 1,
            args: [3, 0, 0, 0, 0, 0],
            syscall: SyscallId::Connect as u16,
            active: INFLIGHT_ACTIVE,
            _pad: [0; 2],
        };
        assert!(net_record(u32::MAX - 1, &call, &[2, 0], 0).is_none());
    }
}
