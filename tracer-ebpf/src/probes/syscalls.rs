//! The shared syscall entry program, the exit dispatcher and the entry/exit pairing.
//!
//! `sys_enter` is attached to `raw_syscalls/sys_enter`, which fires for every syscall, and picks
//! the hooked ones by number (`SYSCALLS`); `sys_exit` on `raw_syscalls/sys_exit` tail-calls the
//! exit program of the syscall its thread entered (`EXITS`). Two attachments instead of two per
//! syscall: the kernel serializes each tracepoint detach behind an RCU-tasks grace period (tens
//! of milliseconds), which made stopping take seconds. Where that dispatch cannot be set up,
//! userspace attaches `sys_enter` to `syscalls/sys_enter_<name>` of every hooked syscall and each
//! exit program to its `syscalls/sys_exit_<name>` instead. All these tracepoints share one
//! layout (`__syscall_nr` or `id` at 8, six `unsigned long` args from 16) and the exit ones
//! another (`long ret` at 16), as their `format` files under /sys/kernel/tracing/events/ show;
//! fields are read with `bpf_probe_read_kernel`, so one program fits either.

use aya_ebpf::{
    helpers::{bpf_get_current_pid_tgid, bpf_probe_read_kernel, generated::bpf_get_current_task},
    macros::{raw_tracepoint, tracepoint},
    programs::{RawTracePointContext, TracePointContext},
};
use tracer_common::{
    COMPAT_STATUS, Config, EventKind, Inflight, SyscallId,
    file::{F_DUPFD, F_DUPFD_CLOEXEC, F_SETFD},
};

use crate::{
    maps::{EXITS, INFLIGHT, LOST, SYSCALLS, config, count},
    probes::process,
    scope::in_scope,
};

const NR_OFFSET: usize = 8;
const ARGS_OFFSET: usize = 16;
const RET_OFFSET: usize = 16;

#[tracepoint]
pub fn sys_enter(ctx: TracePointContext) -> u32 {
    let _ = try_sys_enter(&ctx);
    0
}

fn try_sys_enter(ctx: &TracePointContext) -> Option<()> {
    let cfg = config();
    let pid_tgid = bpf_get_current_pid_tgid();
    if !in_scope(pid_tgid, &cfg) {
        return None;
    }
    // SAFETY: reads inside the tracepoint record, checked by the helper. The record is the
    // kernel's own and always this long; a failed read cannot name the syscall to count it.
    let nr: i32 = unsafe { ctx.read_at(NR_OFFSET) }.ok()?;
    // A 32-bit syscall's number is not the one `SYSCALLS` is indexed by: counted, not read.
    if in_compat_syscall(&cfg) != Some(false) {
        count(&LOST, EventKind::CompatSyscall);
        return None;
    }
    let syscall = *SYSCALLS.get(nr as u32)?;
    if syscall == 0 {
        return None;
    }
    let kind = SyscallId::from_raw(syscall)?.kind();
    // SAFETY: as above.
    let Ok(args) = (unsafe { ctx.read_at::<[u64; 6]>(ARGS_OFFSET) }) else {
        count(&LOST, kind);
        return None;
    };
    // fcntl is hot (locks, flag reads, stdio's fdopen): only the commands that change the fd
    // table get an entry, so no other fcntl costs a record.
    if syscall == SyscallId::Fcntl as u16 {
        let cmd = args[1] as u32 as u64;
        if cmd != F_DUPFD && cmd != F_DUPFD_CLOEXEC && cmd != F_SETFD {
            return None;
        }
    }
    let inflight = Inflight {
        ts_ns: crate::emit::now(),
        args,
        syscall,
        _pad: [0; 3],
    };
    let tid = pid_tgid as u32;
    if INFLIGHT.insert(tid, inflight, 0).is_err() {
        // Without its entry the exit program cannot pair the call: it is lost.
        count(&LOST, kind);
        return None;
    }
    if syscall == SyscallId::Execve as u16 || syscall == SyscallId::Execveat as u16 {
        let _ = process::begin_exec(tid, &inflight, &cfg);
    }
    Some(())
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
    if cfg.compat_check == 0 || !in_scope(bpf_get_current_pid_tgid(), &cfg) {
        return 0;
    }
    if in_compat_syscall(&cfg) != Some(false) {
        count(&LOST, EventKind::CompatSyscall);
    }
    0
}

/// On `raw_syscalls/sys_exit`: hands a recorded thread's syscall exit to its family's exit
/// program. Unrecorded threads have no entry: one hash lookup is all they pay.
#[tracepoint]
pub fn sys_exit(ctx: TracePointContext) -> u32 {
    let tid = bpf_get_current_pid_tgid() as u32;
    // SAFETY: a map value read by copy.
    let Some(syscall) = (unsafe { INFLIGHT.get(tid) }).map(|i| i.syscall) else {
        return 0;
    };
    // SAFETY: the context is this program's own; on success the call does not return.
    unsafe { EXITS.tail_call(&ctx, u32::from(syscall)) };
    // No exit program for a hooked syscall: its entry cannot be completed.
    let _ = INFLIGHT.remove(tid);
    if let Some(id) = SyscallId::from_raw(syscall) {
        count(&LOST, id.kind());
    }
    0
}

/// A completed syscall of a recorded thread.
pub struct Completed {
    pub inflight: Inflight,
    pub syscall: SyscallId,
    pub ret: i64,
}

/// Pairs a `sys_exit_*` hit with the saved entry of the same thread and forgets the entry.
/// `None` for threads outside the scope (they have no entry): the only cost they pay here.
#[inline(always)]
pub fn complete(ctx: &TracePointContext) -> Option<Completed> {
    let tid = bpf_get_current_pid_tgid() as u32;
    // SAFETY: the entry is copied out before it is removed.
    let inflight = *unsafe { INFLIGHT.get(tid) }?;
    let _ = INFLIGHT.remove(tid);
    let syscall = SyscallId::from_raw(inflight.syscall)?;
    // SAFETY: a read inside the tracepoint record, checked by the helper.
    let Ok(ret) = (unsafe { ctx.read_at::<i64>(RET_OFFSET) }) else {
        count(&LOST, syscall.kind());
        return None;
    };
    Some(Completed {
        inflight,
        syscall,
        ret,
    })
}
