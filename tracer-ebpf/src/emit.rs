//! Writing records: reserving ring-buffer space (counting every failure), filling the common
//! header, and copying user strings with truncation detection.

use aya_ebpf::{
    bindings::{BPF_RB_AVAIL_DATA, BPF_RB_FORCE_WAKEUP, BPF_RB_NO_WAKEUP},
    helpers::{
        bpf_get_current_pid_tgid, bpf_get_current_uid_gid, bpf_probe_read_user,
        generated::{self, bpf_get_current_cgroup_id, bpf_probe_read_user_str},
    },
    maps::ring_buf::RingBufEntry,
};
use tracer_common::{Config, Event, EventKind, Header, flags};

use crate::{
    maps::{EVENTS, LOST, SUBMITTED, TRUNCATED, count},
    task,
};

/// Space for one record of `kind`, or `None` after counting it as lost.
#[inline(always)]
pub fn reserve<T: 'static>(kind: EventKind) -> Option<RingBufEntry<Event<T>>> {
    let entry = EVENTS.reserve::<Event<T>>(0);
    if entry.is_none() {
        count(&LOST, kind);
    }
    entry
}

/// Fills the header of a record about the current task.
///
/// # Safety
/// `h` must point to writable record memory.
#[inline(always)]
pub unsafe fn fill_header(
    h: *mut Header,
    cfg: &Config,
    kind: EventKind,
    syscall: u16,
    ts_ns: u64,
    ret: i64,
) {
    let pid_tgid = bpf_get_current_pid_tgid();
    let uid_gid = bpf_get_current_uid_gid();
    let mut hdr_flags = 0;
    let (uid, gid, euid, egid) = match task::creds(cfg) {
        Some(c) => {
            hdr_flags |= flags::CREDS_FULL;
            (c.uid, c.gid, c.euid, c.egid)
        }
        None => (uid_gid as u32, (uid_gid >> 32) as u32, u32::MAX, u32::MAX),
    };
    let ppid = match task::ppid(cfg) {
        Some(p) => {
            hdr_flags |= flags::PPID_KNOWN;
            p
        }
        None => 0,
    };
    // SAFETY: the caller guarantees `h` is writable; every field is written.
    unsafe {
        (*h).ts_ns = ts_ns;
        (*h).cgroup_id = bpf_get_current_cgroup_id();
        (*h).ret = ret;
        (*h).pid = (pid_tgid >> 32) as u32;
        (*h).tid = pid_tgid as u32;
        (*h).ppid = ppid;
        (*h).uid = uid;
        (*h).gid = gid;
        (*h).euid = euid;
        (*h).egid = egid;
        (*h).kind = kind as u16;
        (*h).syscall = syscall;
        (*h).flags = hdr_flags;
        (*h)._pad = 0;
        // Straight into the record: the helper zeroes the buffer when it fails. (aya's wrapper
        // returns a copy, built in a zeroed stack array by a byte-at-a-time `memset` call.)
        generated::bpf_get_current_comm((&raw mut (*h).comm).cast(), 16);
    }
}

/// Outcome of copying one NUL-terminated user string.
pub struct StrRead {
    /// Bytes copied, without the NUL.
    pub len: u32,
    pub truncated: bool,
    pub failed: bool,
}

/// Copies the user string at `src` into `dst` (always NUL-terminated).
///
/// # Safety
/// `dst` must point to `N` writable bytes.
#[inline(always)]
pub unsafe fn read_user_str<const N: usize>(src: u64, dst: *mut [u8; N]) -> StrRead {
    if src == 0 {
        // SAFETY: dst has N ≥ 1 bytes.
        unsafe { (*dst)[0] = 0 };
        return StrRead {
            len: 0,
            truncated: false,
            failed: false,
        };
    }
    // SAFETY: dst has N bytes; the helper checks the user address.
    let n = unsafe { bpf_probe_read_user_str(dst.cast(), N as u32, src as *const _) };
    if n <= 0 {
        // SAFETY: as above.
        unsafe { (*dst)[0] = 0 };
        return StrRead {
            len: 0,
            truncated: false,
            failed: true,
        };
    }
    let n = n as usize;
    if n < N {
        return StrRead {
            len: (n - 1) as u32,
            truncated: false,
            failed: false,
        };
    }
    // The helper filled the buffer: the string was N-1 bytes long or longer. The byte after the
    // last one kept tells which.
    // SAFETY: a user read checked by the helper.
    let next: u8 = unsafe { bpf_probe_read_user((src + (N as u64) - 1) as *const u8) }.unwrap_or(0);
    StrRead {
        len: (N - 1) as u32,
        truncated: next != 0,
        failed: false,
    }
}

/// Records the outcome of a string copy in the header flags and the per-kind counter.
#[inline(always)]
pub fn note_str(hdr_flags: &mut u32, read: &StrRead, truncated_bit: u32) {
    if read.truncated {
        *hdr_flags |= truncated_bit;
    }
    if read.failed {
        *hdr_flags |= flags::READ_FAILED;
    }
}

/// Counts a record whose header carries any truncation bit.
#[inline(always)]
pub fn count_truncation(kind: EventKind, hdr_flags: u32) {
    const CUT: u32 = flags::PATH_TRUNCATED
        | flags::PATH2_TRUNCATED
        | flags::ARGV_TRUNCATED
        | flags::REAL_PATH_UNNAMED
        | flags::INTERP_UNNAMED;
    if hdr_flags & CUT != 0 {
        count(&TRUNCATED, kind);
    }
}

/// Copies `len` bytes (at most `N`) from user memory; returns the bytes copied, 0 on failure.
///
/// # Safety
/// `dst` must point to `N` writable bytes.
#[inline(always)]
pub unsafe fn read_user_bytes<const N: usize>(src: u64, len: u64, dst: *mut [u8; N]) -> u32 {
    if src == 0 || len == 0 {
        return 0;
    }
    let n = if len > N as u64 { N as u32 } else { len as u32 };
    // The bound is checked again on a value the compiler cannot see through: otherwise it
    // drops the check as proven, and 6.1's verifier, which does not always carry the bound of
    // the `min` above to the helper's size register (send_exit's netlink head after the
    // INFLIGHT slot change), rejects the program ("R2 min value is negative").
    // SAFETY: a read of a local.
    let n = unsafe { core::ptr::read_volatile(&n) };
    if n > N as u32 {
        return 0;
    }
    // SAFETY: `n` ≤ N bytes into `dst`; the helper checks the user address.
    let r = unsafe {
        aya_ebpf::helpers::generated::bpf_probe_read_user(dst.cast(), n, src as *const _)
    };
    if r == 0 { n } else { 0 }
}

/// CLOCK_MONOTONIC in nanoseconds.
#[inline(always)]
pub fn now() -> u64 {
    // SAFETY: a helper without arguments.
    unsafe { aya_ebpf::helpers::bpf_ktime_get_ns() }
}

/// Fills a record in place: the header about the current task, then `fill`'s payload (which
/// may add header flag bits); counts a truncation; returns the header's flags.
///
/// # Safety
/// `ev` must point to writable memory of an `Event<T>`.
#[inline(always)]
unsafe fn fill_record<T>(
    ev: *mut Event<T>,
    cfg: &Config,
    kind: EventKind,
    syscall: u16,
    ts_ns: u64,
    ret: i64,
    fill: impl FnOnce(*mut T, &mut u32),
) -> u32 {
    // SAFETY: the caller's `ev`; every header field is written by `fill_header`.
    let hdr_flags = unsafe {
        fill_header(&raw mut (*ev).header, cfg, kind, syscall, ts_ns, ret);
        let mut hdr_flags = (*ev).header.flags;
        fill(&raw mut (*ev).data, &mut hdr_flags);
        (*ev).header.flags = hdr_flags;
        hdr_flags
    };
    count_truncation(kind, hdr_flags);
    hdr_flags
}

/// Writes one record: reserves it (counting a failure as lost), fills the header about the
/// current task, lets `fill` write the payload (and add header flag bits), counts a truncation,
/// and submits. Every probe emits through here.
#[inline(always)]
pub fn event<T: 'static>(
    cfg: &Config,
    kind: EventKind,
    syscall: u16,
    ts_ns: u64,
    ret: i64,
    fill: impl FnOnce(*mut T, &mut u32),
) -> Option<()> {
    let mut entry = reserve::<T>(kind)?;
    // SAFETY: reserved record memory of the right size for `Event<T>`.
    unsafe { fill_record(entry.as_mut_ptr(), cfg, kind, syscall, ts_ns, ret, fill) };
    entry.submit(wakeup_flag(cfg, ring_bytes(size_of::<Event<T>>()), true));
    count(&SUBMITTED, kind);
    Some(())
}

/// `syscall_event` for a record whose tail is sent only when it holds something: it is built in
/// `scratch` (this CPU's map value, as long as the longest layout; the programs that use one
/// run with preemption disabled and never nest on one CPU), and `len(flags)` of it, chosen by
/// its header flags once filled, is copied to the ring. One code path fills every layout.
#[inline(always)]
pub fn syscall_event_sized<T: 'static>(
    done: &crate::probes::syscalls::Completed,
    cfg: &Config,
    scratch: *mut Event<T>,
    fill: impl FnOnce(*mut T, &mut u32),
    len: impl FnOnce(u32) -> usize,
) -> Option<()> {
    let kind = done.syscall.kind();
    // SAFETY: `scratch` is this CPU's map value, an `Event<T>`.
    let hdr_flags = unsafe {
        fill_record(
            scratch,
            cfg,
            kind,
            done.syscall as u16,
            done.inflight.ts_ns,
            done.ret,
            fill,
        )
    };
    let n = len(hdr_flags).min(size_of::<Event<T>>());
    // SAFETY: `n` bytes of the scratch value, written above.
    let bytes = unsafe { core::slice::from_raw_parts(scratch.cast::<u8>(), n) };
    if EVENTS
        .output::<[u8]>(bytes, wakeup_flag(cfg, ring_bytes(n), false))
        .is_err()
    {
        count(&LOST, kind);
        return None;
    }
    count(&SUBMITTED, kind);
    Some(())
}

/// Bytes a record of `len` takes in the ring: the kernel's 8-byte header, rounded up to 8.
#[inline(always)]
pub const fn ring_bytes(len: usize) -> u64 {
    ((len + 8 + 7) & !7) as u64
}

/// The wakeup flag for a record of `ring_len` bytes ([`ring_bytes`]): the collector is woken
/// when the unread records reach a multiple of `wakeup_bytes` with this one, and not again
/// until they reach the next. `reserved`: the record is already counted in the ring's unread
/// bytes (reserved, not yet submitted), not about to be (`bpf_ringbuf_output`).
///
/// Waking at every record once the ring holds `wakeup_bytes` (as before) sent one wakeup per
/// record whenever the collector fell behind: each queues an irq_work whose self-IPI is an
/// APIC register write, a VM exit under a hypervisor. In the open storm that was the largest
/// single cost of recording (issue 16's profile: `native_write_msr` under `irq_work_queue`,
/// 16% of the workload's samples). A multiple crossed by two CPUs at once may wake nobody:
/// the next multiple does, and the collector's timer drains the ring meanwhile.
#[inline(always)]
pub fn wakeup_flag(cfg: &Config, ring_len: u64, reserved: bool) -> u64 {
    let step = cfg.wakeup_bytes as u64;
    let avail = EVENTS.query(BPF_RB_AVAIL_DATA as u64);
    let (before, after) = if reserved {
        (avail.saturating_sub(ring_len), avail)
    } else {
        (avail, avail + ring_len)
    };
    let crossed = match (before.checked_div(step), after.checked_div(step)) {
        (Some(b), Some(a)) => a != b,
        // No step set: every record wakes.
        _ => true,
    };
    if crossed {
        BPF_RB_FORCE_WAKEUP as u64
    } else {
        BPF_RB_NO_WAKEUP as u64
    }
}

/// `event` for a completed syscall: its kind, entry time and return value.
#[inline(always)]
pub fn syscall_event<T: 'static>(
    done: &crate::probes::syscalls::Completed,
    cfg: &Config,
    fill: impl FnOnce(*mut T, &mut u32),
) -> Option<()> {
    event(
        cfg,
        done.syscall.kind(),
        done.syscall as u16,
        done.inflight.ts_ns,
        done.ret,
        fill,
    )
}
