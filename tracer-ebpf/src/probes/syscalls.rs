//! The shared syscall entry program, the exit dispatchers and the entry/exit pairing.
//!
//! Syscalls are hooked one of three ways (userspace picks, see `tracer::record::hooks`):
//! - BPF raw tracepoints (the default on x86_64): `sys_enter_raw` on the raw tracepoint
//!   `sys_enter` fires for every syscall and picks the hooked ones by number (`SYSCALLS`);
//!   `sys_exit_raw` on `sys_exit` tail-calls the raw version of the exit program of the syscall
//!   its thread entered (`RAW_EXITS`). Two attachments instead of two per syscall (the kernel
//!   serializes each tracepoint detach behind an RCU-tasks grace period, tens of milliseconds,
//!   which made stopping take seconds), and no perf record is built: an unrelated syscall pays
//!   two short program runs. The programs get `(struct pt_regs *regs, long id)` at entry and
//!   `(regs, long ret)` at exit; the arguments are read from `regs`.
//! - The same dispatch on the perf tracepoints `raw_syscalls/sys_enter` and `sys_exit`
//!   (`sys_enter`, `sys_exit`, `EXITS`): every syscall of every process builds a perf record.
//! - Per syscall: `sys_enter` on `syscalls/sys_enter_<name>` of every hooked syscall and each exit
//!   program on its `syscalls/sys_exit_<name>`.
//!
//! All these perf tracepoints share one layout (`__syscall_nr` or `id` at 8, six `unsigned long`
//! args from 16) and the exit ones another (`long ret` at 16), as their `format` files under
//! /sys/kernel/tracing/events/ show; fields are read with `bpf_probe_read_kernel`, so one program
//! fits either. [`SyscallContext`] hides the difference between the two program types, so each
//! family's exit code is written once and compiled for both ([`exit_programs!`]): a tail call
//! only reaches a program of its caller's type.

use core::sync::atomic::{Ordering, compiler_fence};

use aya_ebpf::{
    EbpfContext,
    helpers::{bpf_get_current_pid_tgid, bpf_probe_read_kernel, generated::bpf_get_current_task},
    macros::{map, raw_tracepoint, tracepoint},
    maps::ProgramArray,
    programs::{RawTracePointContext, TracePointContext},
};
use tracer_common::{
    ADDR_CAP, BLOCKED_NS, COMPAT_STATUS, Config, EventKind, Inflight, SyscallId,
    file::{F_DUPFD, F_DUPFD_CLOEXEC, F_SETFD, F_SETPIPE_SZ},
    flags, privilege,
};

use crate::{
    emit::{read_user_bytes, read_user_str},
    maps::{
        ENTRY_ARGS, ENTRY_ZERO, EXITS, LOST, SYSCALLS, begin_call, config, count, end_call,
        inflight,
    },
    probes::process,
    scope::in_scope,
};

const NR_OFFSET: usize = 8;
const ARGS_OFFSET: usize = 16;
const RET_OFFSET: usize = 16;

/// Where x86_64's `struct pt_regs` keeps a syscall's six arguments (`di`, `si`, `dx`, `r10`,
/// `r8`, `r9`). Userspace checks them against the kernel's BTF before it uses the raw
/// tracepoints (`tracer::record::loader::PT_REGS_ARGS`), and hooks each syscall's tracepoints
/// instead where they differ.
const PT_REGS_ARGS: [usize; 6] = [112, 104, 96, 56, 72, 64];
/// The first of the words of `struct pt_regs` that hold [`PT_REGS_ARGS`] (`r10`), and how many
/// words from it cover them all (up to `di`): the six are read with one helper call, not six
/// (each call is tens of nanoseconds, on every recorded syscall: issue 16's profile).
const PT_REGS_FIRST: usize = 56;
const PT_REGS_WORDS: usize = 8;
const _: () = {
    let mut i = 0;
    while i < 6 {
        assert!(PT_REGS_ARGS[i] >= PT_REGS_FIRST);
        assert!(PT_REGS_ARGS[i] < PT_REGS_FIRST + 8 * PT_REGS_WORDS);
        assert!((PT_REGS_ARGS[i] - PT_REGS_FIRST) % 8 == 0);
        i += 1;
    }
};

/// `RAW_EXITS`: `SyscallId` → the raw-tracepoint version of its family's exit program, which
/// `sys_exit_raw` tail-calls (a tail call only reaches a program of its own type, so the perf
/// dispatcher's `EXITS` cannot hold these). Filled by userspace.
#[map]
pub static RAW_EXITS: ProgramArray = ProgramArray::with_max_entries(256, 0);

/// What a syscall hook's context gives, whichever program type it is.
pub trait SyscallContext: EbpfContext {
    /// The syscall number, at entry.
    fn nr(&self) -> Option<i64>;
    /// The six arguments, at entry.
    fn args(&self) -> Option<[u64; 6]>;
    /// The return value, at exit.
    fn ret(&self) -> Option<i64>;
}

/// A perf tracepoint: `syscalls/sys_{enter,exit}_<name>` or `raw_syscalls/sys_{enter,exit}`.
impl SyscallContext for TracePointContext {
    #[inline(always)]
    fn nr(&self) -> Option<i64> {
        // SAFETY: reads inside the tracepoint record, checked by the helper. The record is
        // the kernel's own and always this long.
        unsafe { self.read_at::<i32>(NR_OFFSET) }
            .ok()
            .map(i64::from)
    }

    #[inline(always)]
    fn args(&self) -> Option<[u64; 6]> {
        // SAFETY: as above.
        unsafe { self.read_at::<[u64; 6]>(ARGS_OFFSET) }.ok()
    }

    #[inline(always)]
    fn ret(&self) -> Option<i64> {
        // SAFETY: as above.
        unsafe { self.read_at::<i64>(RET_OFFSET) }.ok()
    }
}

/// A BPF raw tracepoint on `sys_enter` (`regs`, `id`) or `sys_exit` (`regs`, `ret`).
impl SyscallContext for RawTracePointContext {
    #[inline(always)]
    fn nr(&self) -> Option<i64> {
        Some(self.arg::<i64>(1))
    }

    #[inline(always)]
    fn args(&self) -> Option<[u64; 6]> {
        let regs: *const u8 = self.arg(0);
        // SAFETY: `regs` is the kernel's `struct pt_regs *` of this syscall; the read is
        // checked by the helper.
        let words: [u64; PT_REGS_WORDS] =
            unsafe { bpf_probe_read_kernel(regs.add(PT_REGS_FIRST).cast()) }.ok()?;
        let mut args = [0u64; 6];
        let mut i = 0;
        while i < 6 {
            args[i] = words[(PT_REGS_ARGS[i] - PT_REGS_FIRST) / 8];
            i += 1;
        }
        Some(args)
    }

    #[inline(always)]
    fn ret(&self) -> Option<i64> {
        Some(self.arg::<i64>(1))
    }
}

/// Defines a family's exit program for both program types from one body
/// (`fn(&impl SyscallContext) -> Option<()>`): `$name`, a perf tracepoint program for
/// `syscalls/sys_exit_<name>` and the perf dispatcher, and `$raw`, a BPF raw tracepoint
/// program for `sys_exit_raw`'s tail calls.
#[macro_export]
macro_rules! exit_programs {
    ($(#[$doc:meta])* $name:ident, $raw:ident, $body:ident) => {
        $(#[$doc])*
        #[aya_ebpf::macros::tracepoint]
        pub fn $name(ctx: aya_ebpf::programs::TracePointContext) -> u32 {
            let _ = $body(&ctx);
            0
        }

        $(#[$doc])*
        #[aya_ebpf::macros::raw_tracepoint]
        pub fn $raw(ctx: aya_ebpf::programs::RawTracePointContext) -> i32 {
            let _ = $body(&ctx);
            0
        }
    };
}

/// On `syscalls/sys_enter_<name>` or `raw_syscalls/sys_enter`.
#[tracepoint]
pub fn sys_enter(ctx: TracePointContext) -> u32 {
    let _ = try_sys_enter(&ctx);
    0
}

/// On the raw tracepoint `sys_enter`.
#[raw_tracepoint]
pub fn sys_enter_raw(ctx: RawTracePointContext) -> i32 {
    let _ = try_sys_enter(&ctx);
    0
}

#[inline(always)]
fn try_sys_enter<C: SyscallContext>(ctx: &C) -> Option<()> {
    let cfg = config();
    let pid_tgid = bpf_get_current_pid_tgid();
    if !in_scope(pid_tgid, cfg) {
        return None;
    }
    // A failed read cannot name the syscall to count it.
    let nr = ctx.nr()?;
    // A 32-bit syscall's number is not the one `SYSCALLS` is indexed by: counted, not read.
    if in_compat_syscall(cfg) != Some(false) {
        count(&LOST, EventKind::CompatSyscall);
        return None;
    }
    let syscall = *SYSCALLS.get(nr as u32)?;
    if syscall == 0 {
        return None;
    }
    let id = SyscallId::from_raw(syscall)?;
    let kind = id.kind();
    let Some(args) = ctx.args() else {
        count(&LOST, kind);
        return None;
    };
    // fcntl is hot (locks, flag reads, stdio's fdopen): only the commands that change the fd
    // table get an entry, so no other fcntl costs a record.
    if syscall == SyscallId::Fcntl as u16 {
        let cmd = args[1] as u32 as u64;
        if cmd != F_DUPFD && cmd != F_DUPFD_CLOEXEC && cmd != F_SETFD && cmd != F_SETPIPE_SZ {
            return None;
        }
    }
    // ioctl is hotter still: only the commands that can configure the system are kept.
    if syscall == SyscallId::Ioctl as u16 && !privilege::ioctl_recorded(args[1]) {
        return None;
    }
    // setsockopt is hot too: only the options that need a capability, start crypto or
    // reroute datagrams are kept (`tracer_common::sockopt`).
    if syscall == SyscallId::Setsockopt as u16
        && !tracer_common::sockopt::recorded(args[1], args[2])
    {
        return None;
    }
    // A timer on an alarm clock needs CAP_WAKE_ALARM; one on any other clock is nothing.
    if (syscall == SyscallId::TimerfdCreate as u16 || syscall == SyscallId::TimerCreate as u16)
        && !tracer_common::privilege::alarm_clock(args[0])
    {
        return None;
    }
    // prlimit64 without new limits only reads (glibc's start-up asks every process's stack
    // limit): no entry.
    if syscall == SyscallId::Prlimit64 as u16 && args[2] == 0 {
        return None;
    }
    let mut args = args;
    // listen has two arguments: the third word is where `listen_state` leaves the socket's
    // address, so whatever the record held there is cleared.
    if syscall == SyscallId::Listen as u16 {
        args[tracer_common::network::LISTEN_ADDR_ARG] = 0;
    }
    // A signal call's fifth and sixth words carry the target's ids, if `signal_target` sees
    // the signal generated: cleared of whatever the registers held.
    if kind == tracer_common::EventKind::Signal {
        args[tracer_common::privilege::TARGET_KNOWN_ARG] = 0;
        args[tracer_common::privilege::TARGET_IDS_ARG] = 0;
    }
    if syscall == SyscallId::Prlimit64 as u16 || syscall == SyscallId::Setrlimit as u16 {
        hard_limit_before(syscall, &mut args, cfg, pid_tgid);
    }
    let inflight = Inflight {
        ts_ns: crate::emit::now(),
        args,
        syscall,
        active: tracer_common::INFLIGHT_ACTIVE,
        _pad: [0; 2],
    };
    let tid = pid_tgid as u32;
    if begin_call(tid, &inflight).is_err() {
        // Without its entry the exit program cannot pair the call: it is lost.
        count(&LOST, kind);
        return None;
    }
    if syscall == SyscallId::Execve as u16 || syscall == SyscallId::Execveat as u16 {
        let _ = process::begin_exec(tid, &inflight, cfg);
    }
    // A call whose exit may never fire is written now, before it acts; its exit (or its
    // thread's) completes it. A failed write is counted lost by `event`.
    if id.may_not_return() {
        let _ = super::privilege::unanswered(&inflight, id, flags::AT_ENTRY, cfg);
    }
    entry_copy(tid, syscall, &inflight);
    if syscall == SyscallId::Sendmsg as u16 || syscall == SyscallId::Sendmmsg as u16 {
        super::network::note_sent_files(cfg, args[1], (pid_tgid >> 32) as u32, inflight.ts_ns);
    }
    Some(())
}

/// prlimit64 on the caller and setrlimit: the resource's hard limit before the call, into the
/// saved arguments neither call uses (see [`privilege::PREV_KNOWN_ARG`]), so that userspace can
/// tell a raise (CAP_SYS_RESOURCE) from a cut. Another process's limit is not read.
#[inline(always)]
fn hard_limit_before(syscall: u16, args: &mut [u64; 6], cfg: &Config, pid_tgid: u64) {
    let (target, resource) = if syscall == SyscallId::Prlimit64 as u16 {
        (args[0] as u32, args[1])
    } else {
        (0, args[0])
    };
    let own = target == 0 || target == (pid_tgid >> 32) as u32;
    match crate::task::hard_limit(cfg, resource).filter(|_| own) {
        Some(max) => {
            args[privilege::PREV_KNOWN_ARG] = 1;
            args[privilege::PREV_VALUE_ARG] = max;
        }
        None => {
            args[privilege::PREV_KNOWN_ARG] = 0;
            args[privilege::PREV_VALUE_ARG] = 0;
        }
    }
}

/// The calls whose path or address the kernel copies at their start and that may then block
/// (an open of a FIFO or a device, a connect waiting for its handshake, a send on a full
/// socket): their argument is copied here too, so that the exit can tell whether another
/// thread rewrote it while the call waited ([`check_entry`]). Nothing else pays for it.
///
/// The thread's `ENTRY_ARGS` slot is overwritten in place (its bytes zeroed, then read): an
/// insert of the 272-byte zero template and the exit's delete were an LRU node taken and given
/// back per open. The copy's `ts_ns` is cleared first and set last, so that the at-stop reader
/// (which reads it twice) never pairs a half-written copy with its call.
#[inline(always)]
fn entry_copy(tid: u32, syscall: u16, inflight: &Inflight) {
    let a = &inflight.args;
    let (src, len) = match SyscallId::from_raw(syscall) {
        Some(SyscallId::Open | SyscallId::Creat) => (a[0], 0),
        Some(SyscallId::Openat | SyscallId::Openat2) => (a[1], 0),
        Some(SyscallId::Connect) => (a[1], a[2]),
        Some(SyscallId::Sendto) => (a[4], a[5]),
        _ => return,
    };
    if src == 0 {
        return;
    }
    let e = match ENTRY_ARGS.get_ptr_mut(tid) {
        Some(e) => {
            // SAFETY: this thread's map value; its `bytes` has PATH_CAP bytes. Only this
            // thread's programs write it.
            unsafe {
                core::ptr::write_volatile(&raw mut (*e).ts_ns, 0);
                compiler_fence(Ordering::SeqCst);
                zero::<{ tracer_common::PATH_CAP }>(&raw mut (*e).bytes);
            }
            e
        }
        None => {
            let Some(zero) = ENTRY_ZERO.get_ptr(0) else {
                return;
            };
            // SAFETY: a per-CPU map value (`ts_ns` 0), copied into the hash map. A failed
            // insert leaves no copy of this call, which the exit treats as an unread one.
            if ENTRY_ARGS.insert(tid, unsafe { &*zero }, 0).is_err() {
                return;
            }
            let Some(e) = ENTRY_ARGS.get_ptr_mut(tid) else {
                return;
            };
            e
        }
    };
    // SAFETY: `e` is this thread's map value; the helpers check the user address.
    unsafe {
        if len == 0 {
            let r = read_user_str(src, &raw mut (*e).bytes);
            (*e).len = r.len;
            (*e).failed = u32::from(r.failed);
        } else {
            let n = read_user_bytes(src, len, (&raw mut (*e).bytes).cast::<[u8; ADDR_CAP]>());
            (*e).len = n;
            (*e).failed = u32::from(n == 0);
        }
        compiler_fence(Ordering::SeqCst);
        core::ptr::write_volatile(&raw mut (*e).ts_ns, inflight.ts_ns);
    }
}

/// Zeroes `N` bytes at `dst` (a record's path or address field before the exit's copy, so
/// that [`check_entry`] can compare whole words without branching on the length).
///
/// # Safety
/// `dst` must point to `N` writable bytes, `N` at most [`tracer_common::PATH_CAP`].
#[inline(always)]
pub unsafe fn zero<const N: usize>(dst: *mut [u8; N]) {
    if let Some(z) = ENTRY_ZERO.get_ptr(0) {
        // SAFETY: the template's `bytes` has PATH_CAP ≥ N zero bytes; `dst` has N.
        unsafe {
            aya_ebpf::helpers::generated::bpf_probe_read_kernel(
                dst.cast(),
                N as u32,
                (&raw const (*z).bytes).cast(),
            )
        };
    }
}

/// Compares an argument read at the exit (`len` bytes at `exit`, zero after them: see
/// [`zero`]) with the entry's copy of the same call (left in place for the thread's next):
/// [`flags::ARGS_CHANGED`] when they differ, [`flags::ARGS_UNVERIFIED`] when the entry could
/// not read it and the call blocked (see [`BLOCKED_NS`]); 0 otherwise.
///
/// The words are compared without a branch per word: a loop that could stop at any word
/// would give the verifier one state per word to carry through the rest of the program.
///
/// # Safety
/// `exit` must point to `N` readable, 8-byte-aligned bytes, `N` a multiple of 8 and at most
/// [`tracer_common::PATH_CAP`].
#[inline(always)]
pub unsafe fn check_entry<const N: usize>(done: &Completed, exit: *const [u8; N], len: u32) -> u32 {
    let tid = bpf_get_current_pid_tgid() as u32;
    let blocked = crate::emit::now().wrapping_sub(done.inflight.ts_ns) > BLOCKED_NS;
    let unverified = if blocked { flags::ARGS_UNVERIFIED } else { 0 };
    let Some(e) = ENTRY_ARGS.get_ptr(tid) else {
        return unverified;
    };
    // SAFETY: `e` is a map value with PATH_CAP ≥ N bytes; `exit` has N (the caller's promise).
    let result = unsafe {
        if (*e).ts_ns != done.inflight.ts_ns || (*e).failed != 0 {
            unverified
        } else {
            let a = exit.cast::<u64>();
            let b = (&raw const (*e).bytes).cast::<u64>();
            let mut diff = u64::from((*e).len ^ len);
            let mut i = 0;
            while i < N / 8 {
                diff |= *a.add(i) ^ *b.add(i);
                i += 1;
            }
            if diff != 0 { flags::ARGS_CHANGED } else { 0 }
        }
    };
    result
}

/// Whether the current syscall is a 32-bit one (`Some(false)` where the check is off); `None`
/// when the task's status cannot be read.
#[inline(always)]
fn in_compat_syscall(cfg: &Config) -> Option<bool> {
    if cfg.compat_check == 0 {
        return Some(false);
    }
    // SAFETY: a helper without pointer arguments; the read is checked by the helper.
    let status: u32 = unsafe {
        let task = bpf_get_current_task() as *const u8;
        bpf_probe_read_kernel(task.add(cfg.off_thread_status as usize).cast()).ok()?
    };
    Some(status & COMPAT_STATUS != 0)
}

/// A BPF raw tracepoint on `sys_enter` (no perf record is built, so an unrelated syscall pays
/// one program run): counts the 32-bit syscalls of recorded tasks, which the per-syscall
/// tracepoints never see (`int $0x80` from a 64-bit program opens, connects and changes ids
/// unseen). Each is a lost `compat_syscall`, so no claim built on syscalls is held over it.
#[raw_tracepoint(tracepoint = "sys_enter")]
pub fn compat_enter(_ctx: RawTracePointContext) -> i32 {
    let cfg = config();
    if cfg.compat_check == 0 || !in_scope(bpf_get_current_pid_tgid(), cfg) {
        return 0;
    }
    if in_compat_syscall(cfg) != Some(false) {
        count(&LOST, EventKind::CompatSyscall);
    }
    0
}

/// On `raw_syscalls/sys_exit`: hands a recorded thread's syscall exit to its family's exit
/// program. Unrecorded threads have no entry: one hash lookup is all they pay.
#[tracepoint]
pub fn sys_exit(ctx: TracePointContext) -> u32 {
    dispatch_exit(&ctx, &EXITS);
    0
}

/// On the raw tracepoint `sys_exit`: the same, through the raw exit programs.
#[raw_tracepoint]
pub fn sys_exit_raw(ctx: RawTracePointContext) -> i32 {
    dispatch_exit(&ctx, &RAW_EXITS);
    0
}

#[inline(always)]
fn dispatch_exit<C: EbpfContext>(ctx: &C, exits: &ProgramArray) {
    let tid = bpf_get_current_pid_tgid() as u32;
    let Some(slot) = inflight(tid) else {
        return;
    };
    // SAFETY: a map value read in place.
    let syscall = unsafe { (*slot).syscall };
    // SAFETY: the context is this program's own; on success the call does not return.
    unsafe { exits.tail_call(ctx, u32::from(syscall)) };
    // No exit program for a hooked syscall: its entry cannot be completed.
    end_call(slot);
    if let Some(id) = SyscallId::from_raw(syscall) {
        count(&LOST, id.kind());
    }
}

/// A completed syscall of a recorded thread.
pub struct Completed {
    pub inflight: Inflight,
    pub syscall: SyscallId,
    pub ret: i64,
}

/// Pairs a `sys_exit_*` hit with the saved entry of the same thread and marks the entry
/// finished. `None` for threads outside the scope (they have no entry) and for a thread in no
/// recorded call: the only cost they pay here.
#[inline(always)]
pub fn complete<C: SyscallContext>(ctx: &C) -> Option<Completed> {
    let tid = bpf_get_current_pid_tgid() as u32;
    let slot = inflight(tid)?;
    // SAFETY: the entry is copied out before it is marked finished.
    let inflight = unsafe { *slot };
    end_call(slot);
    let syscall = SyscallId::from_raw(inflight.syscall)?;
    let Some(ret) = ctx.ret() else {
        count(&LOST, syscall.kind());
        return None;
    };
    Some(Completed {
        inflight,
        syscall,
        ret,
    })
}
