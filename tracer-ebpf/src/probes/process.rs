//! Process family: fork/clone/vfork/clone3, exec and exit.
//!
//! - `sched/sched_process_fork` fires for every new task, in the parent (`child_pid`'s offset
//!   differs between kernels and comes from its `format` file through `Config`); a child of a tracked task is tracked from here on, before it runs. The clone flags
//!   come from the parent's saved syscall entry (clone: arg0; clone3: `clone_args.flags`, the
//!   first field of the user struct; fork: none; vfork: `CLONE_VM|CLONE_VFORK`).
//! - exec: `sys_enter_execve(at)` keeps the credentials before, the dirfd and the flags in
//!   `EXECS`; the raw tracepoint `sched_process_exec(p, old_pid, bprm)` emits the record from
//!   the new image: the kernel's filename (`bprm->filename`), the names of the file exec'd and
//!   of the interpreter the image runs (see [`emit_exec_image`]) and the argument area
//!   `mm->arg_start..arg_end`, which the kernel has just written, so it is in memory (a copy at
//!   entry fails in a forked child that has not touched the page of a string literal yet: BPF
//!   cannot fault pages in). A failed exec has no new image: it is emitted at
//!   `sys_exit_execve(at)` with its error, filename and argv read from the caller's pointers.
//!   Records carry argv with its real length, built in the per-CPU `EXEC_SCRATCH`.
//! - where BPF LSM programs run (a guest kernel; not this host), `lsm_bprm_check_security` adds
//!   the kernel's name of the executed file to the record being built (see `crate::lsm`);
//! - `sched/sched_process_exit` emits one exit record per process, with `task->exit_code`:
//!   when its last thread dies (`group_dead`, on kernels that have the field) or else when its
//!   leader thread exits.

use aya_ebpf::{
    helpers::{
        bpf_get_current_pid_tgid, bpf_get_current_uid_gid, bpf_probe_read_user,
        generated::{
            self as raw, bpf_get_smp_processor_id, bpf_probe_read_kernel, bpf_probe_read_kernel_str,
        },
    },
    macros::{lsm, raw_tracepoint, tracepoint},
    programs::{LsmContext, RawTracePointContext, TracePointContext},
};
use tracer_common::{
    Config, Creds, Event, EventKind, Inflight, PATH_CAP, SyscallId, flags,
    privilege::{self, PrivData},
    process::{
        ARG_CHUNK, ARGV_BUF, ARGV_MAX, CAPS_UNKNOWN, ExecData, ExecRecord, ExitData,
        FAILED_MAX_ARGS, ForkData,
    },
    scope, tracked,
};

use crate::{
    emit::{
        count_truncation, event, fill_header, note_str, now, read_user_bytes, read_user_str,
        ring_bytes, wakeup_flag,
    },
    lsm,
    maps::{
        ENTRY_ARGS, EVENTS, EXEC_SCRATCH, EXEC_ZERO, EXECS, INFLIGHT, LOST, REAL_PATHS, SUBMITTED,
        TRACKED, config, count, inflight,
    },
    probes::syscalls::{SyscallContext, complete},
    scope::in_scope,
    task,
};

const AT_FDCWD: i32 = -100;
const CLONE_VM: u64 = 0x100;
const CLONE_VFORK: u64 = 0x4000;
const CLONE_THREAD: u64 = 0x10000;

/// The pointer-sized field at `off` in the kernel struct at `base`.
#[inline(always)]
fn kread(base: *const u8, off: u32) -> Option<u64> {
    // SAFETY: a read checked by the helper.
    unsafe { aya_ebpf::helpers::bpf_probe_read_kernel(base.add(off as usize).cast::<u64>()) }.ok()
}

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

/// At `execve`/`execveat` entry: the credentials before, the dirfd and the flags. Filename and
/// argv are not read here: in a freshly forked child they may sit in pages the child has not
/// touched yet, which a BPF program cannot fault in.
#[inline(always)]
pub fn begin_exec(tid: u32, inflight: &Inflight, cfg: &Config) -> Option<()> {
    let zero = EXEC_ZERO.get_ptr(0)?;
    // SAFETY: a per-CPU map value, copied into the hash map.
    EXECS.insert(tid, unsafe { &*zero }, 0).ok()?;
    let e = EXECS.get_ptr_mut(tid)?;
    let a = inflight.args;
    let (dirfd, at_flags) = if inflight.syscall == SyscallId::Execve as u16 {
        (AT_FDCWD, 0)
    } else {
        (a[0] as i32, a[4] as u32)
    };
    // SAFETY: `e` points to a map value we own until it is removed.
    unsafe {
        (*e).before = creds_now(cfg);
        (*e).caps_before = task::cap_permitted(cfg).unwrap_or(CAPS_UNKNOWN);
        (*e).dirfd = dirfd;
        (*e).at_flags = at_flags;
    }
    Some(())
}

/// This CPU's exec record buffer, with the header filled and the entry's state (`EXECS[key]`,
/// when it was seen) copied in; `None` after counting the record as lost.
#[inline(always)]
fn start_exec(key: u32, cfg: &Config, syscall: u16, ret: i64) -> Option<*mut ExecRecord> {
    // SAFETY: a helper without arguments.
    let cpu = unsafe { bpf_get_smp_processor_id() };
    let Some(r) = EXEC_SCRATCH.get_ptr_mut(cpu) else {
        count(&LOST, EventKind::Exec);
        return None;
    };
    // SAFETY: `r` is this CPU's scratch value; `src` a map value of the payload's type.
    unsafe {
        fill_header(
            &raw mut (*r).event.header,
            cfg,
            EventKind::Exec,
            syscall,
            now(),
            ret,
        );
        let d = &raw mut (*r).event.data;
        match EXECS.get_ptr(key) {
            Some(src) => {
                bpf_probe_read_kernel(d.cast(), size_of::<ExecData>() as u32, src.cast());
            }
            None => {
                // The entry was not seen (it started before recording, or the task joined the
                // scope by cgroup mid-exec): no credentials before.
                (*d).before = Creds::UNKNOWN;
                (*d).caps_before = CAPS_UNKNOWN;
                (*d).at_flags = 0;
                (*d).dirfd = AT_FDCWD;
                (*d).flags = 0;
                (*d).real.len = 0;
                (*d).real.error = 0;
            }
        }
        (*d).interp.len = 0;
        (*d).interp.error = 0;
        (*d).argv_len = 0;
        (*d).argv_total = 0;
        (*d).filename_len = 0;
    }
    Some(r)
}

/// Copies the record in `r` to the ring buffer with its real length (the fixed part and
/// `argv_len` bytes), counting a truncation or a loss.
#[inline(always)]
fn send_exec(r: *mut ExecRecord, cfg: &Config, after: Creds) -> Option<()> {
    // SAFETY: `r` is this CPU's scratch value, fully written up to `argv_len`.
    unsafe {
        let d = &raw mut (*r).event.data;
        (*d).after = after;
        (*d).caps_after = task::cap_permitted(cfg).unwrap_or(CAPS_UNKNOWN);
        let hdr_flags = (*r).event.header.flags | (*d).flags;
        (*r).event.header.flags = hdr_flags;
        count_truncation(EventKind::Exec, hdr_flags);
        let mut n = (*d).argv_len as usize;
        if n > ARGV_BUF {
            n = ARGV_BUF;
        }
        let bytes = core::slice::from_raw_parts(r.cast::<u8>(), size_of::<Event<ExecData>>() + n);
        if EVENTS
            .output::<[u8]>(bytes, wakeup_flag(cfg, ring_bytes(bytes.len()), false))
            .is_err()
        {
            count(&LOST, EventKind::Exec);
            return None;
        }
        count(&SUBMITTED, EventKind::Exec);
    }
    Some(())
}

/// A successful exec, from the new image: the kernel's filename (`bprm->filename`, the string
/// the `sched_process_exec` tracepoint format copies) and the argument area the kernel itself
/// just wrote.
#[inline(always)]
fn emit_exec_image(bprm: *const u8, key: u32, cfg: &Config, syscall: u16) -> Option<()> {
    let r = start_exec(key, cfg, syscall, 0)?;
    // SAFETY: `r` is this CPU's scratch value; reads are checked by the helpers.
    unsafe {
        let d = &raw mut (*r).event.data;
        let mut rflags = (*d).flags;
        let mut interpreted = false;
        if cfg.off_bprm_filename == 0 {
            rflags |= flags::READ_FAILED;
        } else {
            let name: u64 = kread(bprm, cfg.off_bprm_filename).unwrap_or(0);
            let n = bpf_probe_read_kernel_str(
                (&raw mut (*d).filename).cast(),
                PATH_CAP as u32,
                name as *const _,
            );
            (*d).filename_len = if n > 0 { (n - 1) as u32 } else { 0 };
            if n <= 0 {
                rflags |= flags::READ_FAILED;
            } else if n as usize >= PATH_CAP {
                // The string filled the buffer: it may go on (a name of exactly PATH_CAP - 1
                // bytes is flagged too).
                rflags |= flags::PATH_TRUNCATED;
            }
            // `bprm->interp` starts as `bprm->filename`; binfmt_script and binfmt_misc point
            // it at their interpreter's name. Then the new image is that interpreter and the
            // file exec'd is already closed.
            if cfg.off_bprm_interp != 0 {
                let interp: u64 = kread(bprm, cfg.off_bprm_interp).unwrap_or(0);
                interpreted = interp != 0 && interp != name;
            }
        }
        match task::arg_area(cfg) {
            Some((start, end)) if end >= start => {
                let total = end - start;
                let mut want = total;
                if want > cfg.argv_cap as u64 {
                    want = cfg.argv_cap as u64;
                }
                if want > ARGV_MAX as u64 {
                    want = ARGV_MAX as u64;
                }
                if want < total {
                    rflags |= flags::ARGV_TRUNCATED;
                }
                (*d).argv_total = if total > u32::MAX as u64 {
                    u32::MAX
                } else {
                    total as u32
                };
                if want > 0 {
                    let err = raw::bpf_probe_read_user(
                        (&raw mut (*r).argv).cast(),
                        want as u32,
                        start as *const _,
                    );
                    if err == 0 {
                        (*d).argv_len = want as u32;
                    } else {
                        rflags |= flags::READ_FAILED;
                    }
                }
            }
            _ => rflags |= flags::READ_FAILED,
        }
        // The file the new image runs, by the kernel walk: the file exec'd itself (`real`: a
        // symlink's target, /proc/self/exe's file, the file behind an fd; issue 11), unless an
        // LSM hook named that already or the new image is an interpreter (`interp`). A
        // script's own file is not reachable here: without the LSM hook it has no `real`.
        let exe = task::exe_file(cfg);
        if let Some(file) = exe {
            let named = (*d).real.len != 0 || (*d).real.error != 0;
            let (slot, unnamed) = if named || interpreted {
                (&raw mut (*d).interp, flags::INTERP_UNNAMED)
            } else {
                (&raw mut (*d).real, flags::REAL_PATH_UNNAMED)
            };
            let _ = crate::walk::put_name(crate::walk::walk_file(file, cfg), slot);
            if (*slot).error != 0 {
                rflags |= unnamed;
            }
        }
        // A setuid/setgid program, whatever the ids did (docs/claims.md: setuid_calls).
        if let Some(file) = exe
            && task::setid_file(file, cfg)
        {
            rflags |= flags::SETID_FILE;
        }
        (*d).flags = rflags;
    }
    send_exec(r, cfg, creds_now(cfg))
}

/// A failed exec, at its syscall's exit: no new image, so filename and argv are read from the
/// caller's pointers (by now the kernel has touched the filename's page itself; argv's only if
/// it got as far as copying it, else the record is flagged `read_failed`).
#[inline(always)]
fn emit_exec_failed(tid: u32, inflight: &Inflight, cfg: &Config, ret: i64) -> Option<()> {
    let r = start_exec(tid, cfg, inflight.syscall, ret)?;
    let a = inflight.args;
    let (filename, argv) = if inflight.syscall == SyscallId::Execve as u16 {
        (a[0], a[1])
    } else {
        (a[1], a[2])
    };
    let mut cap = cfg.argv_cap as usize;
    if cap > ARGV_MAX {
        cap = ARGV_MAX;
    }
    // SAFETY: `r` is this CPU's scratch value; every write below stays inside it (see ARGV_BUF).
    unsafe {
        let d = &raw mut (*r).event.data;
        let mut rflags = (*d).flags;
        let read = read_user_str(filename, &raw mut (*d).filename);
        note_str(&mut rflags, &read, flags::PATH_TRUNCATED);
        (*d).filename_len = read.len;
        (*d).flags = rflags;

        // The offset and the flags live in the record, not in registers: loaded back from map
        // memory they are plain numbers to the verifier, so the paths through one iteration
        // merge instead of doubling with every argument.
        let buf = (&raw mut (*r).argv).cast::<u8>();
        let mut i: u32 = 0;
        while i < FAILED_MAX_ARGS {
            let arg: u64 = bpf_probe_read_user((argv + 8 * i as u64) as *const u64).unwrap_or(0);
            if arg == 0 {
                break;
            }
            let off = (*d).argv_len as usize;
            if off >= cap {
                (*d).flags |= flags::ARGV_TRUNCATED;
                break;
            }
            // `off & (ARGV_MAX - 1)` is `off` (it is below ARGV_MAX); the mask shows the
            // verifier that `ARG_CHUNK` bytes from there stay inside the buffer.
            let n = raw::bpf_probe_read_user_str(
                buf.add(off & (ARGV_MAX - 1)).cast(),
                ARG_CHUNK as u32,
                arg as *const _,
            );
            if n <= 0 {
                (*d).flags |= flags::READ_FAILED;
                break;
            }
            if n as usize >= ARG_CHUNK {
                (*d).flags |= flags::ARGV_TRUNCATED;
            }
            (*d).argv_len = (off + n as usize) as u32;
            i += 1;
        }
        if i == FAILED_MAX_ARGS {
            let more: u64 =
                bpf_probe_read_user((argv + 8 * FAILED_MAX_ARGS as u64) as *const u64).unwrap_or(0);
            if more != 0 {
                (*d).flags |= flags::ARGV_TRUNCATED;
            }
        }
        (*d).argv_total = (*d).argv_len;
    }
    send_exec(r, cfg, creds_now(cfg))
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

/// `sched_process_exec(struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)`, as
/// a raw tracepoint: the classic format has the filename but not `bprm`, whose `interp` tells a
/// script from a binary.
#[raw_tracepoint(tracepoint = "sched_process_exec")]
pub fn sched_process_exec(ctx: RawTracePointContext) -> i32 {
    let _ = try_sched_process_exec(&ctx);
    0
}

fn try_sched_process_exec(ctx: &RawTracePointContext) -> Option<()> {
    let cfg = config();
    let pid_tgid = bpf_get_current_pid_tgid();
    let tid = pid_tgid as u32;
    let old_tid = ctx.arg::<u64>(1) as u32;
    let bprm: *const u8 = ctx.arg(2);
    if old_tid != tid
        && let Some(why) = TRACKED.get_ptr(old_tid)
    {
        // A non-leader thread exec'd and took over the leader's tid (de_thread), after the
        // old leader's exit removed that tid: keep following it, for the same reason.
        // SAFETY: a map value read by copy.
        if TRACKED.insert(tid, unsafe { *why }, 0).is_err() {
            count(&LOST, EventKind::Exec);
        }
    }
    let seen = EXECS.get_ptr(old_tid).is_some();
    if !seen && !in_scope(pid_tgid, cfg) {
        return None;
    }
    let syscall = if seen {
        // SAFETY: a map value read in place.
        inflight(old_tid).map_or(SyscallId::Execve as u16, |i| unsafe { (*i).syscall })
    } else {
        0
    };
    let result = emit_exec_image(bprm, old_tid, cfg, syscall);
    let _ = EXECS.remove(old_tid);
    result
}

crate::exit_programs!(
    /// Exit of execve/execveat/clone/clone3/fork/vfork. Only a failed exec produces a record
    /// here: a successful one was emitted by `sched_process_exec`, new tasks by
    /// `sched_process_fork`.
    process_exit,
    process_exit_raw,
    try_process_exit
);

fn try_process_exit<C: SyscallContext>(ctx: &C) -> Option<()> {
    let done = complete(ctx)?;
    if done.syscall == SyscallId::Clone3 {
        return clone3_set_tid(&done);
    }
    if done.syscall.kind() != EventKind::Exec {
        return None;
    }
    let tid = bpf_get_current_pid_tgid() as u32;
    let result = if done.ret < 0 {
        emit_exec_failed(tid, &done.inflight, config(), done.ret)
    } else {
        None
    };
    let _ = EXECS.remove(tid);
    result
}

/// clone3 with `set_tid`: the caller chose the child's pid (in each pid namespace), which needs
/// CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN. Recorded at the parent's exit, whether or not the
/// kernel created the child (a refused attempt is a use too), as a `privileged_call` record;
/// the fork itself comes from `sched_process_fork`. clone_args that cannot be read are counted
/// as a lost `privileged_call` (the call may have asked for a pid).
#[inline(always)]
fn clone3_set_tid(done: &crate::probes::syscalls::Completed) -> Option<()> {
    let a = done.inflight.args;
    // SAFETY: user reads checked by the helper; the kernel copied clone_args at entry.
    let size: u64 = match unsafe {
        bpf_probe_read_user((a[0] + privilege::CLONE_ARGS_SET_TID_SIZE) as *const u64)
    } {
        Ok(size) => size,
        Err(_) => {
            count(&LOST, EventKind::PrivilegedCall);
            return None;
        }
    };
    if size == 0 {
        return None;
    }
    // SAFETY: as above.
    let set_tid: u64 =
        unsafe { bpf_probe_read_user((a[0] + privilege::CLONE_ARGS_SET_TID) as *const u64) }
            .unwrap_or(0);
    let cfg = config();
    // SAFETY: `d` is the reserved record's payload.
    event::<PrivData>(
        cfg,
        EventKind::PrivilegedCall,
        SyscallId::Clone3 as u16,
        done.inflight.ts_ns,
        done.ret,
        |d, hdr_flags| unsafe {
            (*d).args = a;
            (*d).args[privilege::SET_TID_SIZE_ARG] = size;
            let want = if size > 16 { 64 } else { size * 4 };
            (*d).data_len = read_user_bytes(set_tid, want, &raw mut (*d).data);
            if (*d).data_len == 0 {
                *hdr_flags |= flags::READ_FAILED;
            }
            (*d).str1_len = 0;
            (*d).str2_len = 0;
            (*d).str3_len = 0;
        },
    )
}

#[tracepoint]
pub fn sched_process_fork(ctx: TracePointContext) -> u32 {
    let _ = try_sched_process_fork(&ctx);
    0
}

fn try_sched_process_fork(ctx: &TracePointContext) -> Option<()> {
    let cfg = config();
    let pid_tgid = bpf_get_current_pid_tgid();
    if !in_scope(pid_tgid, cfg) {
        return None;
    }
    // SAFETY: reads inside the tracepoint record.
    let Ok(child_tid) = (unsafe { ctx.read_at::<i32>(cfg.off_fork_child_pid as usize) }) else {
        count(&LOST, EventKind::Fork);
        return None;
    };
    let child_tid = child_tid as u32;
    // A child that cannot be tracked (the map is full) is not followed: its fork is still
    // written, flagged, and counted as lost, so that no claim about the tree can hold.
    // The child is tracked for its parent's reason: the tree's, or an adopted process's.
    let tid = pid_tgid as u32;
    // SAFETY: a map value read by copy.
    let why = TRACKED
        .get_ptr(tid)
        .map_or(tracked::TREE, |v| unsafe { *v });
    let untracked = cfg.scope != scope::ALL && TRACKED.insert(child_tid, why, 0).is_err();
    if untracked {
        count(&LOST, EventKind::Fork);
    }
    // SAFETY: a map value read in place.
    let (syscall, clone_flags) = match inflight(tid).map(|i| unsafe { &*i }) {
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
        cfg,
        EventKind::Fork,
        syscall,
        now(),
        child_tid as i64,
        |d, hdr_flags| unsafe {
            if untracked {
                *hdr_flags |= flags::CHILD_UNTRACKED;
            }
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
    if !in_scope(pid_tgid, cfg) {
        return None;
    }
    let tid = pid_tgid as u32;
    let _ = TRACKED.remove(tid);
    // A call left unanswered by a thread that ends: it never returned. One that may not
    // return (reboot) is written, flagged, from its saved entry.
    // SAFETY: a map value read by copy.
    let call = inflight(tid).map(|i| unsafe { *i });
    // The thread's slots go with it, whether or not it was in a call.
    let _ = INFLIGHT.remove(tid);
    let _ = ENTRY_ARGS.remove(tid);
    if let Some(inflight) = call
        && let Some(id) = SyscallId::from_raw(inflight.syscall)
        && id.may_not_return()
    {
        let _ = super::privilege::unanswered(&inflight, id, flags::NO_RETURN, cfg);
    }
    let _ = EXECS.remove(tid);
    if cfg.lsm_paths != 0 {
        let _ = REAL_PATHS.remove(tid);
    }
    let process_dead = if cfg.off_exit_group_dead != 0 {
        // SAFETY: a read inside the tracepoint record.
        match unsafe { ctx.read_at::<u8>(cfg.off_exit_group_dead as usize) } {
            Ok(dead) => dead != 0,
            Err(_) => {
                count(&LOST, EventKind::Exit);
                return None;
            }
        }
    } else {
        tid == (pid_tgid >> 32) as u32
    };
    if !process_dead {
        return None;
    }
    let exit_status = task::exit_code(cfg).unwrap_or(-1);
    // SAFETY: `d` is the reserved record's payload.
    event::<ExitData>(cfg, EventKind::Exit, 0, now(), 0, |d, _| unsafe {
        (*d).exit_status = exit_status;
        (*d)._pad = 0;
    })
}
