//! Process family: fork/clone/vfork/clone3, exec and exit.
//!
//! - `sched/sched_process_fork` fires for every new task, in the parent (`child_pid`'s offset
//!   differs between kernels and comes from its `format` file through `Config`); a child of a tracked task is tracked from here on, before it runs. The clone flags
//!   come from the parent's saved syscall entry (clone: arg0; clone3: `clone_args.flags`, the
//!   first field of the user struct; fork: none; vfork: `CLONE_VM|CLONE_VFORK`).
//! - exec: argv dies with the old mm, so `sys_enter_execve(at)` copies filename and argv into
//!   `EXECS`; `sched/sched_process_exec` (filename @8 as __data_loc, pid @12, old_pid @16) emits
//!   the record with the credentials of the new image; a failed exec is emitted at
//!   `sys_exit_execve(at)` with its error.
//! - where BPF LSM programs run (a guest kernel; not this host), `lsm_bprm_check_security` adds
//!   the kernel's name of the executed file to the record being built (see `crate::lsm`);
//! - `sched/sched_process_exit` emits one exit record per process, with `task->exit_code`:
//!   when its last thread dies (`group_dead`, on kernels that have the field) or else when its
//!   leader thread exits.

use aya_ebpf::{
    helpers::{
        bpf_get_current_pid_tgid, bpf_get_current_uid_gid, bpf_probe_read_user,
        generated::{bpf_probe_read_kernel, bpf_probe_read_kernel_str, bpf_probe_read_user_str},
    },
    macros::{lsm, tracepoint},
    programs::{LsmContext, TracePointContext},
};
use tracer_common::{
    Config, Creds, EventKind, Inflight, SyscallId, flags,
    process::{ARG_CHUNK, ARGV_CAP, ExecData, ExitData, ForkData, MAX_ARGS},
    scope,
};

use crate::{
    emit::{event, note_str, now, read_user_str},
    lsm,
    maps::{EXEC_ZERO, EXECS, INFLIGHT, REAL_PATHS, TRACKED, config},
    probes::syscalls::complete,
    scope::in_scope,
    task,
};

const AT_FDCWD: i32 = -100;
const CLONE_VM: u64 = 0x100;
const CLONE_VFORK: u64 = 0x4000;
const CLONE_THREAD: u64 = 0x10000;

fn creds_now(cfg: &Config) -> Creds {
    task::creds(cfg).unwrap_or_else(|| {
        let ids = bpf_get_current_uid_gid();
        Creds {
            uid: ids as u32,
            gid: (ids >> 32) as u32,
            ..Creds::UNKNOWN
        }
    })
}

/// Copies filename and argv of an `execve`/`execveat` at entry, while they are still mapped.
#[inline(always)]
pub fn capture_exec(tid: u32, inflight: &Inflight, cfg: &Config) -> Option<()> {
    let zero = EXEC_ZERO.get_ptr(0)?;
    // SAFETY: a per-CPU map value, copied into the hash map.
    EXECS.insert(tid, unsafe { &*zero }, 0).ok()?;
    let e = EXECS.get_ptr_mut(tid)?;
    let a = inflight.args;
    let (dirfd, filename, argv, at_flags) = if inflight.syscall == SyscallId::Execve as u16 {
        (AT_FDCWD, a[0], a[1], 0)
    } else {
        (a[0] as i32, a[1], a[2], a[4] as u32)
    };
    let mut hdr_flags = 0;
    // SAFETY: `e` points to a map value we own until it is removed.
    unsafe {
        (*e).before = creds_now(cfg);
        (*e).dirfd = dirfd;
        (*e).at_flags = at_flags;
        let read = read_user_str(filename, &raw mut (*e).filename);
        note_str(&mut hdr_flags, &read, flags::PATH_TRUNCATED);
        (*e).filename_len = read.len;

        let buf = (*e).argv.as_mut_ptr();
        let mut off: usize = 0;
        let mut argc: u32 = 0;
        let mut i: u32 = 0;
        while i < MAX_ARGS {
            let arg: u64 = bpf_probe_read_user((argv + 8 * i as u64) as *const u64).unwrap_or(0);
            if arg == 0 {
                break;
            }
            if off >= ARGV_CAP {
                hdr_flags |= flags::ARGV_TRUNCATED;
                break;
            }
            // `off & (ARGV_CAP - 1)` is `off` (it is below ARGV_CAP); the mask shows the
            // verifier that `ARG_CHUNK` bytes from there stay inside the buffer.
            let n = bpf_probe_read_user_str(
                buf.add(off & (ARGV_CAP - 1)).cast(),
                ARG_CHUNK as u32,
                arg as *const _,
            );
            if n <= 0 {
                hdr_flags |= flags::READ_FAILED;
                break;
            }
            if n as usize >= ARG_CHUNK {
                hdr_flags |= flags::ARGV_TRUNCATED;
            }
            off += n as usize;
            argc += 1;
            i += 1;
        }
        if i == MAX_ARGS {
            let more: u64 =
                bpf_probe_read_user((argv + 8 * MAX_ARGS as u64) as *const u64).unwrap_or(0);
            if more != 0 {
                hdr_flags |= flags::ARGV_TRUNCATED;
            }
        }
        (*e).argc = argc;
        (*e).argv_len = off as u32;
        (*e).flags = hdr_flags;
    }
    Some(())
}

/// Emits the exec record built in `EXECS[key]`, then forgets it.
#[inline(always)]
fn emit_exec(key: u32, cfg: &Config, syscall: u16, ret: i64, after: Creds) -> Option<()> {
    let src = EXECS.get_ptr(key)?;
    // SAFETY: `d` is the reserved record's payload; `src` a map value of the same type.
    let result = event::<ExecData>(
        cfg,
        EventKind::Exec,
        syscall,
        now(),
        ret,
        |d, hdr_flags| unsafe {
            bpf_probe_read_kernel(d.cast(), size_of::<ExecData>() as u32, src.cast());
            (*d).after = after;
            *hdr_flags |= (*d).flags;
        },
    );
    let _ = EXECS.remove(key);
    result
}

/// `bprm_check_security(struct linux_binprm *bprm)`, then the decision so far.
#[lsm(hook = "bprm_check_security")]
pub fn lsm_bprm_check_security(ctx: LsmContext) -> i32 {
    lsm::watch(&ctx, 1, note_real_exec)
}

fn note_real_exec(ctx: &LsmContext, cfg: &Config) -> Option<()> {
    // Only execs whose entry was captured: the scope check.
    let e = EXECS.get_ptr_mut(bpf_get_current_pid_tgid() as u32)?;
    // SAFETY: `e` is a map value we own until the exec record is emitted.
    unsafe {
        // The hook runs again for a script's interpreter: keep the first, the file execve named.
        if (*e).real.len != 0 || (*e).real.error != 0 {
            return None;
        }
        let bprm: *const u8 = ctx.arg(0);
        // A load through the typed `struct linux_binprm *`, so the verifier types the result as
        // a `struct file *` (bpf_d_path needs that; a probe read would not give it).
        let file: *const u8 = *(bprm.add(cfg.off_bprm_file as usize) as *const *const u8);
        lsm::name_into(file.add(cfg.off_file_path as usize), &raw mut (*e).real);
        if (*e).real.error != 0 {
            (*e).flags |= flags::REAL_PATH_UNNAMED;
        }
    }
    Some(())
}

#[tracepoint]
pub fn sched_process_exec(ctx: TracePointContext) -> u32 {
    let _ = try_sched_process_exec(&ctx);
    0
}

fn try_sched_process_exec(ctx: &TracePointContext) -> Option<()> {
    let cfg = config();
    let pid_tgid = bpf_get_current_pid_tgid();
    let tid = pid_tgid as u32;
    // SAFETY: reads inside the tracepoint record.
    let old_pid: i32 = unsafe { ctx.read_at(16) }.ok()?;
    let old_tid = old_pid as u32;
    if old_tid != tid && TRACKED.get_ptr(old_tid).is_some() {
        // A non-leader thread exec'd and took over the leader's tid (de_thread), after the
        // old leader's exit removed that tid: keep following it.
        TRACKED.insert(tid, 1, 0).ok()?;
    }
    let after = creds_now(&cfg);
    if EXECS.get_ptr(old_tid).is_some() {
        let syscall =
            unsafe { INFLIGHT.get(old_tid) }.map_or(SyscallId::Execve as u16, |i| i.syscall);
        return emit_exec(old_tid, &cfg, syscall, 0, after);
    }
    if !in_scope(pid_tgid, &cfg) {
        return None;
    }
    // In scope but its entry was not seen (it started before recording, or the task joined the
    // scope by cgroup mid-exec): emit what the tracepoint itself knows, argv marked unread.
    // SAFETY: `d` is the reserved record's payload; the __data_loc field gives offset (low 16
    // bits) and length (high 16 bits) of the filename inside the tracepoint record.
    event::<ExecData>(&cfg, EventKind::Exec, 0, now(), 0, |d, hdr_flags| unsafe {
        let loc: u32 = ctx.read_at(8).unwrap_or(0);
        let base: *const u8 = aya_ebpf::EbpfContext::as_ptr(ctx).cast();
        let n = bpf_probe_read_kernel_str(
            (&raw mut (*d).filename).cast(),
            tracer_common::PATH_CAP as u32,
            base.add((loc & 0xffff) as usize).cast(),
        );
        (*d).filename_len = if n > 0 { (n - 1) as u32 } else { 0 };
        (*d).before = Creds::UNKNOWN;
        (*d).after = after;
        (*d).argc = 0;
        (*d).argv_len = 0;
        (*d).at_flags = 0;
        (*d).dirfd = AT_FDCWD;
        (*d).flags = flags::READ_FAILED;
        (*d).real.len = 0;
        (*d).real.error = 0;
        *hdr_flags |= flags::READ_FAILED;
    })
}

/// Exit of execve/execveat/clone/clone3/fork/vfork. Only a failed exec produces a record here:
/// a successful one was emitted by `sched_process_exec`, new tasks by `sched_process_fork`.
#[tracepoint]
pub fn process_exit(ctx: TracePointContext) -> u32 {
    let _ = try_process_exit(&ctx);
    0
}

fn try_process_exit(ctx: &TracePointContext) -> Option<()> {
    let done = complete(ctx)?;
    if done.syscall.kind() != EventKind::Exec {
        return None;
    }
    let tid = bpf_get_current_pid_tgid() as u32;
    if done.ret < 0 {
        let cfg = config();
        return emit_exec(tid, &cfg, done.syscall as u16, done.ret, creds_now(&cfg));
    }
    let _ = EXECS.remove(tid);
    None
}

#[tracepoint]
pub fn sched_process_fork(ctx: TracePointContext) -> u32 {
    let _ = try_sched_process_fork(&ctx);
    0
}

fn try_sched_process_fork(ctx: &TracePointContext) -> Option<()> {
    let cfg = config();
    let pid_tgid = bpf_get_current_pid_tgid();
    if !in_scope(pid_tgid, &cfg) {
        return None;
    }
    // SAFETY: reads inside the tracepoint record.
    let child_tid: i32 = unsafe { ctx.read_at(cfg.off_fork_child_pid as usize) }.ok()?;
    let child_tid = child_tid as u32;
    if cfg.scope != scope::ALL {
        TRACKED.insert(child_tid, 1, 0).ok()?;
    }
    let tid = pid_tgid as u32;
    let (syscall, clone_flags) = match unsafe { INFLIGHT.get(tid) } {
        Some(i) => {
            let flags = match SyscallId::from_raw(i.syscall) {
                Some(SyscallId::Clone) => i.args[0],
                // SAFETY: a user read checked by the helper.
                Some(SyscallId::Clone3) => {
                    unsafe { bpf_probe_read_user(i.args[0] as *const u64) }.unwrap_or(0)
                }
                Some(SyscallId::Vfork) => CLONE_VM | CLONE_VFORK,
                _ => 0,
            };
            (i.syscall, flags)
        }
        None => (0, 0),
    };
    let child_pid = if clone_flags & CLONE_THREAD != 0 {
        (pid_tgid >> 32) as u32
    } else {
        child_tid
    };
    // SAFETY: `d` is the reserved record's payload.
    event::<ForkData>(
        &cfg,
        EventKind::Fork,
        syscall,
        now(),
        child_tid as i64,
        |d, _| unsafe {
            (*d).clone_flags = clone_flags;
            (*d).child_tid = child_tid;
            (*d).child_pid = child_pid;
        },
    )
}

#[tracepoint]
pub fn sched_process_exit(ctx: TracePointContext) -> u32 {
    let _ = try_sched_process_exit(&ctx);
    0
}

fn try_sched_process_exit(ctx: &TracePointContext) -> Option<()> {
    let cfg = config();
    let pid_tgid = bpf_get_current_pid_tgid();
    if !in_scope(pid_tgid, &cfg) {
        return None;
    }
    let tid = pid_tgid as u32;
    let _ = TRACKED.remove(tid);
    let _ = INFLIGHT.remove(tid);
    let _ = EXECS.remove(tid);
    if cfg.lsm_paths != 0 {
        let _ = REAL_PATHS.remove(tid);
    }
    let process_dead = if cfg.off_exit_group_dead != 0 {
        // SAFETY: a read inside the tracepoint record.
        unsafe { ctx.read_at::<u8>(cfg.off_exit_group_dead as usize) }.ok()? != 0
    } else {
        tid == (pid_tgid >> 32) as u32
    };
    if !process_dead {
        return None;
    }
    let exit_status = task::exit_code(&cfg).unwrap_or(-1);
    // SAFETY: `d` is the reserved record's payload.
    event::<ExitData>(&cfg, EventKind::Exit, 0, now(), 0, |d, _| unsafe {
        (*d).exit_status = exit_status;
        (*d)._pad = 0;
    })
}
