//! Environment family: `getrandom(2)` (a syscall: shared entry, this exit program) and libc's
//! `getenv`/`secure_getenv` (uprobes on the C library, attached for every process and filtered
//! by scope here). A lookup is written at the function's return, with the name pointer saved at
//! entry: a literal name in a page not yet touched is unreadable at entry and readable then. A lookup that does not go through libc — Python's `os.environ`, Go's
//! runtime, a static binary — is not seen: a blind spot the claims documentation names.

use aya_ebpf::{
    helpers::bpf_get_current_pid_tgid,
    macros::{uprobe, uretprobe},
    programs::{ProbeContext, RetProbeContext},
};
use tracer_common::{
    EventKind,
    environment::{GetenvData, GetenvPending, GetrandomData},
    flags,
};

use crate::{
    caller::{resolve, return_address},
    emit::{event, note_str, now, read_user_str, syscall_event},
    maps::{GETENV_NAMES, LOST, config, count},
    probes::syscalls::{SyscallContext, complete},
    scope::in_scope,
};

crate::exit_programs!(environment_exit, environment_exit_raw, try_environment_exit);

fn try_environment_exit<C: SyscallContext>(ctx: &C) -> Option<()> {
    let done = complete(ctx)?;
    let cfg = config();
    // SAFETY: `d` is the reserved record's payload.
    syscall_event::<GetrandomData>(&done, cfg, |d, _| unsafe {
        (*d).count = done.inflight.args[1];
        (*d).flags = done.inflight.args[2] as u32;
        (*d)._pad = 0;
    })
}

#[uprobe]
pub fn getenv_enter(ctx: ProbeContext) -> u32 {
    let _ = save_getenv(&ctx, 0);
    0
}

#[uprobe]
pub fn secure_getenv_enter(ctx: ProbeContext) -> u32 {
    let _ = save_getenv(&ctx, 1);
    0
}

#[uretprobe]
pub fn getenv_return(_ctx: RetProbeContext) -> u32 {
    let _ = emit_getenv(0);
    0
}

#[uretprobe]
pub fn secure_getenv_return(_ctx: RetProbeContext) -> u32 {
    let _ = emit_getenv(1);
    0
}

fn pending_key(secure: u32) -> u64 {
    // The low 32 bits of pid_tgid: the thread id.
    ((bpf_get_current_pid_tgid() & 0xffff_ffff) << 1) | u64::from(secure)
}

/// Entry (`char *getenv(const char *name)`): saves the name pointer and the return address
/// (the caller, see `crate::caller`) for the return probe.
fn save_getenv(ctx: &ProbeContext, secure: u32) -> Option<()> {
    let cfg = config();
    if !in_scope(bpf_get_current_pid_tgid(), cfg) {
        return None;
    }
    // glibc's secure_getenv ends in a tail call of getenv: that getenv is the same lookup,
    // which secure_getenv's own record carries, and its return address is the return probe's
    // trampoline (secure_getenv's return was redirected there), not the caller.
    // SAFETY: only whether the entry exists is looked at.
    if secure == 0 && unsafe { GETENV_NAMES.get(&(pending_key(0) | 1)) }.is_some() {
        return None;
    }
    // A uprobe always has its first argument register; were it unreadable, the return probe
    // writes the lookup flagged `read_failed` with no name (pointer 0).
    let name: u64 = ctx.arg(0).unwrap_or(0);
    let ret = return_address(ctx);
    let pending = GetenvPending {
        name,
        ret_addr: ret.unwrap_or(0),
        ret_read: u64::from(ret.is_some()),
    };
    if GETENV_NAMES
        .insert(&pending_key(secure), &pending, 0)
        .is_err()
    {
        // Not saved (the map is full): a lookup not recorded is a lost one, counted as such.
        // Writing it from here instead would put this frame (with its copy of the config)
        // under the writer's: 544 bytes of combined stack, over the 512 a 6.1 guest's
        // verifier allows.
        count(&LOST, EventKind::Getenv);
        return None;
    }
    Some(())
}

/// Return: the lookup's record, the name read now that getenv has touched its page.
fn emit_getenv(secure: u32) -> Option<()> {
    let key = pending_key(secure);
    // SAFETY: the value is copied out before the entry is removed.
    let pending = unsafe { *GETENV_NAMES.get(&key)? };
    let _ = GETENV_NAMES.remove(&key);
    // Resolved here rather than at entry: the entry's frame is the tight one (see above).
    let Some(caller) = resolve((pending.ret_read != 0).then_some(pending.ret_addr)) else {
        count(&LOST, EventKind::Getenv);
        return None;
    };
    write_getenv(config(), secure, pending.name, caller)
}

fn write_getenv(
    cfg: &tracer_common::Config,
    secure: u32,
    name: u64,
    caller: *const tracer_common::caller::Caller,
) -> Option<()> {
    // SAFETY: `d` is the reserved record's payload.
    event::<GetenvData>(cfg, EventKind::Getenv, 0, now(), 0, |d, hdr_flags| unsafe {
        (*d).secure = secure;
        if name == 0 {
            *hdr_flags |= flags::READ_FAILED;
        }
        let read = read_user_str(name, &raw mut (*d).name);
        (*d).name_len = read.len;
        note_str(hdr_flags, &read, flags::PATH_TRUNCATED);
        (*d).caller = *caller;
    })
}
