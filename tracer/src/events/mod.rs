//! From ring-buffer records to trace events.
//!
//! [`Decoder::decode`] validates a raw record (size, kind, syscall number: nothing from the
//! kernel is transmuted unchecked), then the family module (`process`, `file`, `network`,
//! `privilege`, `environment`, matching `tracer-ebpf/src/probes/`) turns its payload into [`EventData`],
//! while [`procs::Processes`] keeps what the kernel side cannot know: each process's cwd and
//! fd table, to make relative paths absolute, and the fork tree, for the parent when the
//! kernel could not read it.

mod environment;
mod errno;
mod file;
pub mod io_uring;
mod lookup;
mod memlock;
mod network;
mod privilege;
mod process;
pub mod procs;
mod sockopt;

pub use file::arg_layout as file_arg_layout;
pub use privilege::pipe_max_size;
pub(crate) use privilege::signal_name;

use std::{borrow::Cow, collections::BTreeMap, time::SystemTime};

use tracer_common::{EventKind, Family, Header, SyscallId, flags};

use crate::trace::{Event, EventData, Ids, SysResult};

/// A record userspace cannot make sense of. Counted in the footer (`malformed`); never expected.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("record of {len} bytes is shorter than its {need}-byte layout")]
    Short { len: usize, need: usize },
    #[error("unknown event kind {0}")]
    Kind(u16),
    #[error("unknown syscall id {0}")]
    Syscall(u16),
}

/// Reads a `#[repr(C)]` record from the front of `bytes`.
pub(crate) fn read_record<T: Copy>(bytes: &[u8]) -> Result<T, DecodeError> {
    let need = size_of::<T>();
    if bytes.len() < need {
        return Err(DecodeError::Short {
            len: bytes.len(),
            need,
        });
    }
    // SAFETY: the length was checked; T is a plain-old-data record (integers and arrays only,
    // every bit pattern valid), read unaligned because ring-buffer data is only 8-byte aligned.
    Ok(unsafe { std::ptr::read_unaligned(bytes.as_ptr().cast::<T>()) })
}

/// A `#[repr(C)]` record at the front of a ring-buffer record's bytes: read in place when the
/// bytes are aligned for it, as ring-buffer records are (8 bytes), else copied to the heap.
///
/// Why not [`read_record`] everywhere: the path records are kilobytes (a `PATH_MAX` buffer or
/// two), and a copy of each (with an allocation to keep it off the stack) was the collector's
/// largest single cost per open after the JSON (issue 16's drain profiles).
pub(crate) enum Rec<'a, T> {
    InPlace(&'a T),
    Copied(Box<T>),
}

impl<T> std::ops::Deref for Rec<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        match self {
            Rec::InPlace(r) => r,
            Rec::Copied(b) => b,
        }
    }
}

/// See [`Rec`]; `T` must be plain old data, as for [`read_record`].
pub(crate) fn view_record<T: Copy>(bytes: &[u8]) -> Result<Rec<'_, T>, DecodeError> {
    let need = size_of::<T>();
    if bytes.len() < need {
        return Err(DecodeError::Short {
            len: bytes.len(),
            need,
        });
    }
    let ptr = bytes.as_ptr();
    if ptr.align_offset(align_of::<T>()) == 0 {
        // SAFETY: the length and the alignment were checked; T is a plain-old-data record
        // (integers and arrays only, every bit pattern valid); the reference borrows `bytes`.
        Ok(Rec::InPlace(unsafe { &*ptr.cast::<T>() }))
    } else {
        read_record(bytes).map(|r| Rec::Copied(Box::new(r)))
    }
}

/// [`view_record`] of a record the kernel side may send cut after its first `min` bytes (a
/// file record without its unused path bytes): a shorter one is copied over zeroes, which is
/// what the bytes left out held. Shorter than `min` is [`DecodeError::Short`].
pub(crate) fn view_record_prefix<T: Copy>(
    bytes: &[u8],
    min: usize,
) -> Result<Rec<'_, T>, DecodeError> {
    if bytes.len() >= size_of::<T>() {
        return view_record(bytes);
    }
    if bytes.len() < min {
        return Err(DecodeError::Short {
            len: bytes.len(),
            need: min,
        });
    }
    // SAFETY: T is plain old data (integers and arrays only): all zeroes is a valid value, and
    // so is any byte pattern copied over its front (`bytes` is shorter than a T).
    let record = unsafe {
        let mut record = Box::new(std::mem::zeroed::<T>());
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), (&raw mut *record).cast::<u8>(), bytes.len());
        record
    };
    Ok(Rec::Copied(record))
}

/// The kernel's name of a file from an LSM hook, if one named it.
pub(crate) fn real_name(real: &tracer_common::RealPath) -> Option<String> {
    (real.len > 0).then(|| text(&real.path, real.len))
}

/// A NUL-padded byte buffer's first `len` bytes as text (invalid UTF-8 replaced).
pub(crate) fn text(buf: &[u8], len: u32) -> String {
    let bytes = &buf[..(len as usize).min(buf.len())];
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

/// Converts monotonic kernel timestamps to wall-clock time.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    pub start_wall: SystemTime,
    pub start_mono_ns: u64,
}

impl Clock {
    pub fn now() -> Self {
        let mono = nix::time::clock_gettime(nix::time::ClockId::CLOCK_MONOTONIC)
            .map(|t| t.tv_sec() as u64 * 1_000_000_000 + t.tv_nsec() as u64)
            .unwrap_or(0);
        Self {
            start_wall: SystemTime::now(),
            start_mono_ns: mono,
        }
    }

    pub fn wall(&self, ts_ns: u64) -> SystemTime {
        let delta = ts_ns as i128 - self.start_mono_ns as i128;
        if delta >= 0 {
            self.start_wall + std::time::Duration::from_nanos(delta as u64)
        } else {
            self.start_wall - std::time::Duration::from_nanos((-delta) as u64)
        }
    }

    /// `humantime::format_rfc3339_nanos`'s text, formatted faster (see
    /// [`crate::trace::rfc3339_nanos`]): one per event.
    pub fn rfc3339(&self, ts_ns: u64) -> String {
        crate::trace::rfc3339_nanos(self.wall(ts_ns))
    }
}

/// Turns records into events, keeping per-process state and per-kind counts.
pub struct Decoder {
    clock: Clock,
    seq: u64,
    pub procs: procs::Processes,
    /// Events produced, per kind name.
    pub counts: BTreeMap<&'static str, u64>,
    /// Records read from the ring, per the kind in their header, whether or not they made an
    /// event (a record that only updates state, a setup child's): compared with the kernel's
    /// count of records submitted (`SUBMITTED`) at the end of a recording.
    pub read: BTreeMap<&'static str, u64>,
    /// Bytes of the records in [`Decoder::read`], per kind name (the ring's own 8-byte
    /// record headers not counted): what each kind costs the ring, for `record -vv`.
    pub read_bytes: BTreeMap<&'static str, u64>,
    /// Relative paths left unresolved, per kind name.
    pub unresolved: BTreeMap<&'static str, u64>,
    pub malformed: u64,
    /// Records cut here rather than in the kernel (argv beyond `max_args`), per kind name; the
    /// footer adds them to the kernel's counts.
    pub truncated: BTreeMap<&'static str, u64>,
    /// Arguments kept per exec (`--max-args`).
    pub max_args: u32,
    /// A started command's process until its first successful exec: until then it is the
    /// recorder's own child setting itself up (the `-u` credential change, the parent-death
    /// signal), not the command, and its records other than exec attempts are left out.
    pub setup_pid: Option<u32>,
    /// A monotonic time by which that exec had happened (the spawn had returned). A record of
    /// the setup pid stamped later, with no successful exec read, means the exec's record was
    /// lost or skipped: the setup ends there, and the records left out are counted in
    /// `setup_lost` rather than gone silently (they may have been the command's).
    pub setup_until: u64,
    /// Per kind, records left out as setup whose exec record never came.
    pub setup_lost: BTreeMap<&'static str, u64>,
    setup_dropped: BTreeMap<&'static str, u64>,
    /// The events of calls recorded at their entry ([`flags::AT_ENTRY`]: calls whose exit
    /// may never fire, see [`SyscallId::may_not_return`]), by thread and entry stamp, until
    /// their exit's record brings the result or their thread's brings [`flags::NO_RETURN`].
    /// One event per call: the entry's record is held, not written, so that the trace does
    /// not show the call twice; what is still held when the recording stops is written by
    /// [`Decoder::unfinished`].
    entered: BTreeMap<(u32, u64), Event>,
    /// Look paths up on the host as their records arrive ([`lookup`]): a recording sets it;
    /// decoding saved records (tests) leaves it off, the host being another then.
    pub host_lookup: bool,
    /// io_uring openat/openat2 operations (into the process's fd table) by request, held
    /// until their completion brings the kernel's name of the file opened (`real`, or
    /// `real_path_unnamed`); what is still held when the recording stops is written by
    /// [`Decoder::unfinished`], as submitted.
    uring_held: BTreeMap<u64, (u64, Event)>,
}

impl Decoder {
    pub fn new(clock: Clock, procs: procs::Processes) -> Self {
        Self {
            clock,
            seq: 0,
            procs,
            counts: BTreeMap::new(),
            read: BTreeMap::new(),
            read_bytes: BTreeMap::new(),
            unresolved: BTreeMap::new(),
            malformed: 0,
            truncated: BTreeMap::new(),
            max_args: tracer_common::process::MAX_ARGS_DEFAULT,
            setup_pid: None,
            setup_until: u64::MAX,
            setup_lost: BTreeMap::new(),
            setup_dropped: BTreeMap::new(),
            entered: BTreeMap::new(),
            host_lookup: false,
            uring_held: BTreeMap::new(),
        }
    }

    /// The calls recorded at their entry whose return never came before the recording
    /// stopped, as events without a result, flagged `unfinished`: still inside the call at the
    /// stop (a reboot that hangs in device shutdown), or their exit's record was lost
    /// (counted in the footer). In entry order, after every event decoded so far; before
    /// them, the io_uring opens whose completion never came, as submitted.
    pub fn unfinished(&mut self) -> Vec<Event> {
        let mut uring: Vec<Event> = std::mem::take(&mut self.uring_held)
            .into_values()
            .map(|(_, event)| event)
            .collect();
        uring.sort_by_key(|e| e.ts_ns);
        let uring: Vec<Event> = uring.into_iter().map(|e| self.number(e)).collect();
        let entered: Vec<Event> = std::mem::take(&mut self.entered)
            .into_values()
            .map(|mut event| {
                event.result = None;
                event.flags.push("unfinished".to_owned());
                self.number(event)
            })
            .collect();
        uring.into_iter().chain(entered).collect()
    }

    /// An io_uring open's completion, with the kernel's name of the file it opened (`real`,
    /// `None`: none), or flagged `unnamed`: its held operation, with that name as its path's
    /// `real` where it differs from the name resolved, or flagged `real_path_unnamed`.
    fn uring_named(
        &mut self,
        req: u64,
        user_data: u64,
        real: Option<String>,
        unnamed: bool,
    ) -> Option<Event> {
        let (held_data, mut event) = self.uring_held.remove(&req)?;
        if held_data != user_data {
            // Not this completion's request: written as submitted.
            return Some(self.number(event));
        }
        if unnamed {
            if !event.flags.iter().any(|f| f == "real_path_unnamed") {
                event.flags.push("real_path_unnamed".to_owned());
            }
        } else if let (EventData::IoUringOp { path: Some(p), .. }, Some(real)) =
            (&mut event.data, real)
        {
            p.real = (p.resolved.as_ref() != Some(&real)).then_some(real);
        }
        Some(self.number(event))
    }

    /// Gives `event` the next position in the trace and counts it.
    fn number(&mut self, mut event: Event) -> Event {
        *self.counts.entry(event.data.kind().name()).or_default() += 1;
        event.seq = self.seq;
        self.seq += 1;
        event
    }

    /// The setup ended without its exec record: what was left out as setup is lost.
    pub fn end_setup_unseen(&mut self) {
        if self.setup_pid.take().is_some() {
            for (kind, n) in std::mem::take(&mut self.setup_dropped) {
                *self.setup_lost.entry(kind).or_default() += n;
            }
        }
    }

    /// One ring-buffer record → one event (`Ok(None)`: a record that only updates state).
    pub fn decode(&mut self, bytes: &[u8]) -> Result<Option<Event>, DecodeError> {
        let result = self.decode_inner(bytes, true);
        if result.is_err() {
            self.malformed += 1;
        }
        result
    }

    /// A record made by the recorder at the stop for a call still running then
    /// (`record::at_stop`), not read from the ring (so not counted in [`Decoder::read`]): its
    /// event, without a result and flagged `unfinished`.
    pub fn decode_at_stop(&mut self, bytes: &[u8]) -> Result<Option<Event>, DecodeError> {
        let mut event = self.decode_inner(bytes, false);
        match &mut event {
            Ok(Some(e)) => {
                e.result = None;
                e.flags.push("unfinished".to_owned());
                if e.flags.iter().any(|f| f == "path_truncated") {
                    *self.truncated.entry(e.data.kind().name()).or_default() += 1;
                }
            }
            Ok(None) => {}
            Err(_) => self.malformed += 1,
        }
        event
    }

    fn decode_inner(&mut self, bytes: &[u8], ring: bool) -> Result<Option<Event>, DecodeError> {
        let header: Header = read_record(bytes)?;
        let kind = EventKind::from_raw(header.kind).ok_or(DecodeError::Kind(header.kind))?;
        self.procs.now = header.ts_ns;
        if ring {
            *self.read.entry(kind.name()).or_default() += 1;
            *self.read_bytes.entry(kind.name()).or_default() += bytes.len() as u64;
        }
        let syscall = match header.syscall {
            0 => None,
            raw => Some(SyscallId::from_raw(raw).ok_or(DecodeError::Syscall(raw))?),
        };
        let mut unresolved = 0;
        let mut kernel_named = false;
        let mut uring = io_uring::Note::None;
        let data = {
            let mut cx = Cx {
                header: &header,
                syscall,
                procs: &mut self.procs,
                unresolved: &mut unresolved,
                kernel_named: &mut kernel_named,
                uring: &mut uring,
                max_args: self.max_args,
                host_lookup: self.host_lookup,
                clock: self.clock,
            };
            match kind.family() {
                // Their own decoders (events/sockopt.rs, events/memlock.rs).
                _ if kind == EventKind::Sockopt => sockopt::decode(bytes, &mut cx)?,
                _ if kind == EventKind::Mlock => memlock::decode(bytes, &mut cx)?,
                Family::Process => process::decode(kind, bytes, &mut cx)?,
                Family::File => file::decode(kind, bytes, &mut cx)?,
                Family::Network => network::decode(kind, bytes, &mut cx)?,
                Family::Privilege => privilege::decode(bytes, &mut cx)?,
                Family::Environment => environment::decode(kind, bytes, &mut cx)?,
                Family::IoUring => io_uring::decode(kind, bytes, &mut cx)?,
            }
        };
        if let io_uring::Note::Named {
            req,
            user_data,
            real,
            unnamed,
        } = uring
        {
            return Ok(self.uring_named(req, user_data, real, unnamed));
        }
        let Some(data) = data else { return Ok(None) };
        if self.setup_pid == Some(header.pid) {
            match &data {
                EventData::Exec { .. } if header.ret >= 0 => {
                    self.setup_pid = None;
                    self.setup_dropped.clear();
                }
                EventData::Exec { .. } => {}
                _ if header.ts_ns > self.setup_until => self.end_setup_unseen(),
                _ => {
                    *self.setup_dropped.entry(data.kind().name()).or_default() += 1;
                    return Ok(None);
                }
            }
        }
        let name = data.kind().name();
        let mut hdr_flags = header.flags;
        if let EventData::Exec {
            argv_truncated: true,
            ..
        } = data
            && hdr_flags & flags::ARGV_TRUNCATED == 0
        {
            // Cut here, at `max_args`: flagged and counted like a cut in the kernel.
            hdr_flags |= flags::ARGV_TRUNCATED;
            *self.truncated.entry(name).or_default() += 1;
        }
        if unresolved > 0 {
            *self.unresolved.entry(name).or_default() += unresolved;
        }
        if kernel_named {
            // The LSM hook named the file the kernel opened: the record names it (as `real`
            // when it differs from the path read), whatever another thread did to the path.
            hdr_flags &= !(flags::ARGS_CHANGED | flags::ARGS_UNVERIFIED);
        }
        let mut event = Event {
            seq: 0,
            time: self.clock.rfc3339(header.ts_ns),
            ts_ns: header.ts_ns,
            pid: header.pid,
            tid: header.tid,
            ppid: if header.flags & flags::PPID_KNOWN != 0 {
                Some(header.ppid)
            } else {
                self.procs.ppid(header.pid)
            },
            comm: text(&header.comm, 16),
            ids: ids(&header),
            cgroup_id: header.cgroup_id,
            syscall: syscall.map(|s| Cow::Borrowed(s.name())),
            result: syscall.map(|_| sys_result(header.ret)),
            flags: flag_names(hdr_flags),
            data,
            repeat: None,
        };
        if syscall.is_some_and(SyscallId::may_not_return) {
            let key = (header.tid, header.ts_ns);
            if header.flags & flags::AT_ENTRY != 0 {
                self.entered.insert(key, event);
                return Ok(None);
            }
            let entered = self.entered.remove(&key);
            if header.flags & flags::NO_RETURN != 0 {
                // The thread ended inside the call. The entry's record was read while the
                // caller's memory was still there: it is the event, without a result.
                if let Some(mut at_entry) = entered {
                    at_entry.flags.extend(event.flags);
                    event = at_entry;
                }
                event.result = None;
            }
            // Otherwise the exit's record is the call's, with its result.
        }
        if let io_uring::Note::Hold { req, user_data } = uring {
            // A request at the same address whose completion never came is written now.
            let earlier = self.uring_held.insert(req, (user_data, event));
            return Ok(earlier.map(|(_, e)| self.number(e)));
        }
        let event = self.number(event);
        // The process is gone after its exit record: forget its state.
        if let EventData::Exit { .. } = event.data {
            self.procs.remove(header.pid);
        }
        Ok(Some(event))
    }
}

/// What a family decoder needs besides its payload.
pub(crate) struct Cx<'a> {
    pub header: &'a Header,
    pub syscall: Option<SyscallId>,
    pub procs: &'a mut procs::Processes,
    /// Paths of this event whose base was unknown.
    pub unresolved: &'a mut u64,
    /// An LSM hook named the file this call opened (the kernel's own name for it).
    pub kernel_named: &'a mut bool,
    /// An io_uring open to hold until its completion, or the completion naming it.
    pub uring: &'a mut io_uring::Note,
    pub max_args: u32,
    /// See [`Decoder::host_lookup`].
    pub host_lookup: bool,
    /// The events' clock: a host lookup's `time` is on it.
    pub clock: Clock,
}

impl Cx<'_> {
    pub fn ok(&self) -> bool {
        self.header.ret >= 0
    }

    /// The time now, as an event's `time` says it (CLOCK_MONOTONIC is what the kernel
    /// side's `bpf_ktime_get_ns` reads).
    pub fn now(&self) -> String {
        let mono = nix::time::clock_gettime(nix::time::ClockId::CLOCK_MONOTONIC)
            .map(|t| t.tv_sec() as u64 * 1_000_000_000 + t.tv_nsec() as u64)
            .unwrap_or(self.header.ts_ns);
        self.clock.rfc3339(mono)
    }

    /// Makes `given` absolute against `dirfd` (or the cwd) of the current process.
    pub fn path(&mut self, dirfd: i32, given: String) -> crate::trace::PathRef {
        let path = self.procs.resolve(self.header.pid, dirfd, given);
        if path.resolved.is_none() {
            *self.unresolved += 1;
        }
        path
    }
}

fn ids(h: &Header) -> Ids {
    let full = h.flags & flags::CREDS_FULL != 0;
    Ids {
        uid: h.uid,
        gid: h.gid,
        euid: full.then_some(h.euid),
        egid: full.then_some(h.egid),
    }
}

pub(crate) fn sys_result(ret: i64) -> SysResult {
    let errno = (-4095..0)
        .contains(&ret)
        .then(|| errno::errno_name((-ret) as i32).map(Cow::Borrowed))
        .flatten();
    SysResult { ret, errno }
}

fn flag_names(bits: u32) -> Vec<String> {
    [
        (flags::PATH_TRUNCATED, "path_truncated"),
        (flags::PATH2_TRUNCATED, "path2_truncated"),
        (flags::ARGV_TRUNCATED, "argv_truncated"),
        (flags::READ_FAILED, "read_failed"),
        (flags::REAL_PATH_UNNAMED, "real_path_unnamed"),
        (flags::INTERP_UNNAMED, "interp_unnamed"),
        (flags::CHILD_UNTRACKED, "child_untracked"),
        (flags::ARGS_CHANGED, "args_changed"),
        (flags::ARGS_UNVERIFIED, "args_unverified"),
        (flags::NO_RETURN, "no_return"),
        (flags::KERNEL_NAMED, "kernel_named"),
    ]
    .iter()
    .filter(|(bit, _)| bits & bit != 0)
    .map(|(_, name)| (*name).to_owned())
    .collect()
}

/// Names of the set bits of `value` from `table`, plus the leftover bits in hex.
pub(crate) fn bit_names(value: u64, table: &[(u64, &str)]) -> Vec<String> {
    let mut rest = value;
    let mut names = Vec::new();
    for &(bit, name) in table {
        if bit != 0 && rest & bit == bit {
            names.push(name.to_owned());
            rest &= !bit;
        }
    }
    if rest != 0 {
        names.push(format!("{rest:#x}"));
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errno_names() {
        assert_eq!(sys_result(-111).errno.as_deref(), Some("ECONNREFUSED"));
        assert_eq!(sys_result(3).errno, None);
        // A connect cut short by a signal (round 8's `a8_killed_in_connect`).
        assert_eq!(sys_result(-512).errno.as_deref(), Some("ERESTARTSYS"));
        // Neither libc's nor the kernel's: the number alone.
        assert_eq!(sys_result(-600).errno, None);
    }

    #[test]
    fn short_record_is_an_error_not_a_panic() {
        let mut d = Decoder::new(Clock::now(), procs::Processes::default());
        assert!(matches!(
            d.decode(&[0u8; 10]),
            Err(DecodeError::Short { .. })
        ));
        assert_eq!(d.malformed, 1);
    }

    /// A file record the kernel side cut after its path's NUL reads as the whole record with
    /// zeroes after it; one cut before the fixed fields end is short.
    #[test]
    fn a_file_record_cut_after_its_path_reads_as_zero_padded() {
        use tracer_common::file::{FILE_SENT_MIN, FileData};
        type Rec = tracer_common::Event<FileData>;
        let mut bytes = vec![0xaau8; size_of::<Rec>()];
        let data = std::mem::offset_of!(Rec, data);
        let at = |field: usize| data + field;
        bytes[at(std::mem::offset_of!(FileData, fd))..][..4].copy_from_slice(&7i32.to_ne_bytes());
        bytes[at(std::mem::offset_of!(FileData, path_len))..][..4]
            .copy_from_slice(&3u32.to_ne_bytes());
        bytes[at(std::mem::offset_of!(FileData, path))..][..4].copy_from_slice(b"abc\0");
        let cut = &bytes[..FILE_SENT_MIN + 3];
        let r = view_record_prefix::<Rec>(cut, FILE_SENT_MIN).expect("long enough");
        assert_eq!(r.data.fd, 7);
        assert_eq!(&r.data.path[..4], b"abc\0");
        assert!(r.data.path[4..].iter().all(|&b| b == 0));
        assert!(r.data.path2.iter().all(|&b| b == 0));
        assert!(matches!(
            view_record_prefix::<Rec>(&bytes[..FILE_SENT_MIN - 1], FILE_SENT_MIN),
            Err(DecodeError::Short { .. })
        ));
    }

    #[test]
    fn unknown_kind_is_rejected() {
        let mut bytes = vec![0u8; size_of::<Header>()];
        let off = std::mem::offset_of!(Header, kind);
        bytes[off..off + 2].copy_from_slice(&999u16.to_le_bytes());
        let mut d = Decoder::new(Clock::now(), procs::Processes::default());
        assert_eq!(d.decode(&bytes), Err(DecodeError::Kind(999)));
    }

    /// A record of `T` as the kernel side writes it: all zero but the header's kind, call,
    /// return and thread `tid` (its process's only one). `T`: integers and byte arrays only.
    fn record_of<T: Copy>(
        kind: EventKind,
        syscall: SyscallId,
        tid: u32,
        ret: i64,
    ) -> tracer_common::Event<T> {
        // SAFETY: every record payload is integers and byte arrays: all-zero is a valid value.
        let mut ev: tracer_common::Event<T> = unsafe { std::mem::zeroed() };
        ev.header.kind = kind as u16;
        ev.header.syscall = syscall as u16;
        ev.header.pid = tid;
        ev.header.tid = tid;
        ev.header.ret = ret;
        ev
    }

    /// An open record as the kernel side writes it, with the LSM's name of the file or not.
    fn open_record(given: &str, real: Option<&str>, ret: i64) -> Vec<u8> {
        use tracer_common::file::{OpenData, OpenRealData};
        let mut ev = record_of::<OpenRealData>(EventKind::Open, SyscallId::Openat, 42, ret);
        ev.data.open.dirfd = -100;
        ev.data.open.path[..given.len()].copy_from_slice(given.as_bytes());
        ev.data.open.path_len = given.len() as u32;
        if let Some(r) = real {
            ev.header.flags |= flags::REAL_PATH;
            ev.data.real.path[..r.len()].copy_from_slice(r.as_bytes());
            ev.data.real.len = r.len() as u32;
        }
        let len = if real.is_some() {
            size_of::<tracer_common::Event<OpenRealData>>()
        } else {
            size_of::<tracer_common::Event<OpenData>>()
        };
        // SAFETY: reading the first `len` bytes of a plain-old-data value.
        unsafe { std::slice::from_raw_parts((&raw const ev).cast::<u8>(), len) }.to_vec()
    }

    /// An open record of pid 42 stamped `ts_ns`.
    fn open_at(ts_ns: u64) -> Vec<u8> {
        let mut bytes = open_record("/etc/hostname", None, 3);
        let off = std::mem::offset_of!(Header, ts_ns);
        bytes[off..off + 8].copy_from_slice(&ts_ns.to_ne_bytes());
        bytes
    }

    #[test]
    fn setup_records_whose_exec_never_came_are_lost_not_gone() {
        let mut d = Decoder::new(Clock::now(), procs::Processes::default());
        d.setup_pid = Some(42);
        d.setup_until = 1_000;
        // Before the spawn returned, with no exec read: left out, as set-up.
        assert_eq!(d.decode(&open_at(500)), Ok(None));
        assert_eq!(d.decode(&open_at(900)), Ok(None));
        assert!(d.setup_lost.is_empty());
        // After it, still no exec: the exec's record was lost or skipped. This record is the
        // command's, and the two left out are counted lost.
        assert!(d.decode(&open_at(1_500)).unwrap().is_some());
        assert_eq!(d.setup_pid, None);
        assert_eq!(d.setup_lost.get("open"), Some(&2));
        // A setup the recording ended in counts the same way.
        let mut d = Decoder::new(Clock::now(), procs::Processes::default());
        d.setup_pid = Some(42);
        d.setup_until = 1_000;
        assert_eq!(d.decode(&open_at(500)), Ok(None));
        d.end_setup_unseen();
        assert_eq!(d.setup_lost.get("open"), Some(&1));
    }

    fn open_path(d: &mut Decoder, bytes: &[u8]) -> crate::trace::PathRef {
        match d.decode(bytes).unwrap().unwrap().data {
            crate::trace::EventData::Open { path, .. } => path,
            other => panic!("not an open: {other:?}"),
        }
    }

    #[test]
    fn open_records_carry_the_kernels_name_when_an_lsm_hook_gave_one() {
        let mut d = Decoder::new(Clock::now(), procs::Processes::default());
        let linked = open_path(&mut d, &open_record("/root/link", Some("/etc/hostname"), 3));
        assert_eq!(linked.best(), "/root/link");
        assert_eq!(linked.real.as_deref(), Some("/etc/hostname"));
        assert_eq!(
            linked.names().collect::<Vec<_>>(),
            ["/root/link", "/etc/hostname"]
        );
        // The fd table keeps the file itself, for later calls by fd.
        assert_eq!(d.procs.fd_path(42, 3).as_deref(), Some("/etc/hostname"));
        // The same name as the path used is not repeated.
        let plain = open_path(&mut d, &open_record("/etc/passwd", Some("/etc/passwd"), 4));
        assert_eq!(plain.real, None);
        // Without the hook (this host), the record is the short one.
        let bare = open_path(&mut d, &open_record("/etc/group", None, 5));
        assert_eq!(bare.real, None);
        assert_eq!(bare.best(), "/etc/group");
    }

    /// An open_tree record of thread 42: `open_tree(AT_FDCWD, path, flags)` returned fd 5.
    fn open_tree_record(path: &str, flags: u64) -> Vec<u8> {
        use tracer_common::privilege::PrivData;
        let mut ev = record_of::<PrivData>(EventKind::MountApi, SyscallId::OpenTree, 42, 5);
        ev.data.args = [(-100i64) as u64, 0, flags, 0, 0, 0];
        ev.data.str1[..path.len()].copy_from_slice(path.as_bytes());
        ev.data.str1_len = path.len() as u32;
        // SAFETY: reading a plain-old-data value's bytes.
        unsafe { std::slice::from_raw_parts((&raw const ev).cast::<u8>(), size_of_val(&ev)) }
            .to_vec()
    }

    /// A file created relative to open_tree's fd is named below the tree's path (round 9's
    /// f9_open_tree_detached), unless the fd is a clone without its submounts.
    #[test]
    fn open_tree_fds_name_their_tree() {
        let dirfd_open = |d: &mut Decoder| {
            let mut bytes = open_record("a/b", None, 6);
            let off =
                std::mem::offset_of!(tracer_common::Event<tracer_common::file::OpenData>, data)
                    + std::mem::offset_of!(tracer_common::file::OpenData, dirfd);
            bytes[off..off + 4].copy_from_slice(&5i32.to_ne_bytes());
            open_path(d, &bytes)
        };
        for (flags, want) in [
            (0, Some("/srv/tree/a/b")),
            (1 | 0x8000, Some("/srv/tree/a/b")),
            (1, None),
        ] {
            let mut d = Decoder::new(Clock::now(), procs::Processes::default());
            assert!(
                d.decode(&open_tree_record("/srv/tree", flags))
                    .unwrap()
                    .is_some()
            );
            let p = dirfd_open(&mut d);
            assert_eq!(p.resolved.as_deref(), want, "flags {flags:#x}");
        }
    }

    /// A reboot record of thread 43 entered at `ts_ns`, with header flags `bits`.
    fn reboot_record(bits: u32, ret: i64, ts_ns: u64) -> Vec<u8> {
        use tracer_common::privilege::PrivData;
        let mut ev = record_of::<PrivData>(EventKind::PrivilegedCall, SyscallId::Reboot, 43, ret);
        ev.header.ts_ns = ts_ns;
        ev.header.flags = bits;
        // LINUX_REBOOT_MAGIC1, MAGIC2, LINUX_REBOOT_CMD_RESTART.
        ev.data.args = [0xfee1_dead, 0x2812_1969, 0x0123_4567, 0, 0, 0];
        // SAFETY: reading a plain-old-data value's bytes.
        unsafe { std::slice::from_raw_parts((&raw const ev).cast::<u8>(), size_of_val(&ev)) }
            .to_vec()
    }

    #[test]
    fn a_call_recorded_at_entry_is_one_event_whatever_its_end() {
        let op = |e: &Event| match &e.data {
            EventData::PrivilegedCall { call, op, .. } => format!("{call} {op:?}"),
            other => panic!("not a privileged call: {other:?}"),
        };
        let mut d = Decoder::new(Clock::now(), procs::Processes::default());
        // Entry, then its exit: the exit's record, with the result.
        assert_eq!(d.decode(&reboot_record(flags::AT_ENTRY, 0, 100)), Ok(None));
        let returned = d.decode(&reboot_record(0, -1, 100)).unwrap().unwrap();
        assert_eq!(returned.result.as_ref().map(|r| r.ret), Some(-1));
        assert_eq!(returned.seq, 0);
        assert!(returned.flags.is_empty(), "{returned:?}");
        assert_eq!(op(&returned), r#"reboot Some("RESTART")"#);
        // Entry, then the thread's end inside the call: the entry's event, without a result.
        assert_eq!(d.decode(&reboot_record(flags::AT_ENTRY, 0, 200)), Ok(None));
        let died = d
            .decode(&reboot_record(flags::NO_RETURN, 0, 200))
            .unwrap()
            .unwrap();
        assert_eq!((died.seq, died.result.as_ref()), (1, None));
        assert_eq!(died.flags, ["no_return"]);
        assert_eq!(op(&died), r#"reboot Some("RESTART")"#);
        assert_eq!(
            crate::trace::describe::outcome(&died),
            "no return (its thread ended inside the call)"
        );
        // A thread's end whose entry record was lost: still the call, from the saved arguments.
        let alone = d
            .decode(&reboot_record(flags::NO_RETURN, 0, 250))
            .unwrap()
            .unwrap();
        assert_eq!(
            (alone.result.as_ref(), alone.flags.as_slice()),
            (None, &["no_return".to_owned()][..])
        );
        // Entry, and nothing more before the stop: written by `unfinished`, after the rest.
        assert_eq!(d.decode(&reboot_record(flags::AT_ENTRY, 0, 300)), Ok(None));
        let open = d.decode(&open_at(400)).unwrap().unwrap();
        assert_eq!(open.seq, 3);
        let left = d.unfinished();
        assert_eq!(left.len(), 1);
        assert_eq!(
            (left[0].seq, left[0].ts_ns, left[0].result.as_ref()),
            (4, 300, None)
        );
        assert_eq!(left[0].flags, ["unfinished"]);
        assert!(d.unfinished().is_empty());
        assert_eq!(d.counts.get("privileged_call"), Some(&4));
    }

    /// A mkdirat record of thread 42 by `given` relative to its cwd, returning 0.
    fn mkdir_record(given: &str) -> Vec<u8> {
        use tracer_common::file::FileData;
        let mut ev = record_of::<FileData>(EventKind::Mkdir, SyscallId::Mkdirat, 42, 0);
        ev.data.dirfd = -100;
        ev.data.path[..given.len()].copy_from_slice(given.as_bytes());
        ev.data.path_len = given.len() as u32;
        // SAFETY: reading a plain-old-data value's bytes.
        unsafe { std::slice::from_raw_parts((&raw const ev).cast::<u8>(), size_of_val(&ev)) }
            .to_vec()
    }

    /// The decoder of a recording looks `lnk/x` up on the host for a process that sees the
    /// host as the recorder does, and stops after the process unshares its mount namespace.
    #[test]
    fn paths_are_looked_up_until_the_process_leaves_the_recorders_view() {
        let base = std::env::temp_dir().join(format!("tracer-view-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(base.join("out")).unwrap();
        std::fs::create_dir_all(base.join("cwd")).unwrap();
        std::os::unix::fs::symlink(base.join("out"), base.join("cwd/lnk")).unwrap();
        let mut d = Decoder::new(Clock::now(), procs::Processes::default());
        d.host_lookup = true;
        d.procs.seed(
            42,
            procs::Proc {
                cwd: Some(base.join("cwd").display().to_string()),
                host_view: Some(true),
                ..procs::Proc::default()
            },
        );
        let mkdir_path = |d: &mut Decoder| match d.decode(&mkdir_record("lnk/x")).unwrap() {
            Some(Event {
                data: EventData::Mkdir { path, .. },
                ..
            }) => path,
            other => panic!("not a mkdir: {other:?}"),
        };
        let want = format!(
            "{}/x",
            std::fs::canonicalize(base.join("out")).unwrap().display()
        );
        let found = mkdir_path(&mut d).looked_up.expect("looked up");
        assert_eq!(found.name(), Some(want.as_str()));
        // Its time is on the events' clock, after the record's own.
        let time = found.time.expect("the lookup's time");
        let at = humantime::parse_rfc3339(&time).expect("RFC 3339");
        assert!(at >= d.clock.wall(0), "{time}");
        let mut unshare = record_of::<tracer_common::privilege::PrivData>(
            EventKind::Unshare,
            SyscallId::Unshare,
            42,
            0,
        );
        unshare.data.args[0] = 0x0002_0000;
        // SAFETY: reading a plain-old-data value's bytes.
        let bytes = unsafe {
            std::slice::from_raw_parts((&raw const unshare).cast::<u8>(), size_of_val(&unshare))
        };
        assert!(d.decode(bytes).unwrap().is_some());
        assert_eq!(mkdir_path(&mut d).looked_up, None);
        std::fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn bit_names_keep_unknown_bits() {
        assert_eq!(bit_names(0b101, &[(1, "A"), (2, "B")]), vec!["A", "0x4"]);
    }

    /// The bytes of a record.
    fn bytes_of<T>(ev: &tracer_common::Event<T>) -> Vec<u8> {
        // SAFETY: reading a plain-old-data value's own bytes.
        unsafe {
            std::slice::from_raw_parts((&raw const *ev).cast::<u8>(), size_of_val(ev)).to_vec()
        }
    }

    /// An io_uring openat of pid 42's request `req` of the absolute `path`, as submitted.
    fn uring_open(req: u64, user_data: u64, path: &str) -> Vec<u8> {
        uring_open_flags(req, user_data, path, 0)
    }

    /// The same with open `flags`.
    fn uring_open_flags(req: u64, user_data: u64, path: &str, flags: u32) -> Vec<u8> {
        use tracer_common::io_uring::OpData;
        // SAFETY: integers and byte arrays only: all-zero is a valid value.
        let mut ev: tracer_common::Event<OpData> = unsafe { std::mem::zeroed() };
        ev.header.kind = EventKind::IoUringOp as u16;
        (ev.header.pid, ev.header.tid) = (42, 42);
        let d = &mut ev.data;
        (d.opcode, d.req, d.user_data, d.sqe_read) = (18, req, user_data, 1);
        d.sqe[0] = 18;
        d.sqe[4..8].copy_from_slice(&(-100i32).to_ne_bytes());
        d.sqe[28..32].copy_from_slice(&flags.to_ne_bytes());
        d.sqe[32..40].copy_from_slice(&user_data.to_ne_bytes());
        d.str1[..path.len()].copy_from_slice(path.as_bytes());
        d.str1_len = path.len() as u32;
        bytes_of(&ev)
    }

    /// Its completion (fd 5) with the kernel walk's name of the file.
    fn uring_opened(req: u64, user_data: u64, real: &str) -> Vec<u8> {
        use tracer_common::io_uring::ResultRealData;
        // SAFETY: as above.
        let mut ev: tracer_common::Event<ResultRealData> = unsafe { std::mem::zeroed() };
        ev.header.kind = EventKind::IoUringResult as u16;
        ev.header.flags = flags::REAL_PATH;
        (ev.header.pid, ev.header.tid) = (42, 42);
        let r = &mut ev.data.result;
        (r.req, r.user_data, r.res, r.tgid) = (req, user_data, 5, 42);
        ev.data.real.path[..real.len()].copy_from_slice(real.as_bytes());
        ev.data.real.len = real.len() as u32;
        bytes_of(&ev)
    }

    #[test]
    fn a_ring_open_is_written_at_its_completion_with_the_kernels_name() {
        let mut d = Decoder::new(Clock::now(), procs::Processes::default());
        // Held until its completion, which names the file elsewhere (a symlink, a moved dir).
        assert_eq!(d.decode(&uring_open(7, 1, "/srv/a/x")), Ok(None));
        let e = d
            .decode(&uring_opened(7, 1, "/elsewhere/x"))
            .expect("decodes")
            .expect("the operation, at its completion");
        let EventData::IoUringOp { path: Some(p), .. } = &e.data else {
            panic!("{e:?}")
        };
        assert_eq!(
            (p.resolved.as_deref(), p.real.as_deref()),
            (Some("/srv/a/x"), Some("/elsewhere/x"))
        );
        // The fd table names its fd by the kernel's name, as an openat(2)'s.
        assert_eq!(d.procs.fd_path(42, 5).as_deref(), Some("/elsewhere/x"));
        // An O_TMPFILE: the walk's `DIR/#INODE` is its directory, as open(2)'s is, and its fd
        // an unnamed file there.
        let tmpfile = (libc::O_TMPFILE | libc::O_WRONLY) as u32;
        assert_eq!(
            d.decode(&uring_open_flags(9, 3, "/srv/lnk", tmpfile)),
            Ok(None)
        );
        let e = d
            .decode(&uring_opened(9, 3, "/elsewhere/#1234"))
            .expect("decodes")
            .expect("the O_TMPFILE, at its completion");
        let EventData::IoUringOp { path: Some(p), .. } = &e.data else {
            panic!("{e:?}")
        };
        assert_eq!(p.real.as_deref(), Some("/elsewhere"), "{e:?}");
        assert_eq!(
            d.procs.fd_path(42, 5).as_deref(),
            Some("/elsewhere/#unnamed-tmpfile")
        );
        // One whose completion never came is written when the recording stops, as submitted.
        assert_eq!(d.decode(&uring_open(8, 2, "/srv/b")), Ok(None));
        let left = d.unfinished();
        assert_eq!(left.len(), 1, "{left:?}");
        assert!(
            matches!(&left[0].data, EventData::IoUringOp { path: Some(p), .. }
                if p.resolved.as_deref() == Some("/srv/b") && p.real.is_none()),
            "{left:?}"
        );
    }
}
