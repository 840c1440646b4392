//! Environment family: `getrandom(2)` (a syscall: shared entry, this exit program) and libc's
//! `getenv`/`secure_getenv` (uprobes on the C library, attached for every process and filtered
//! by scope here). A lookup that does not go through libc — Python's `os.environ`, Go's
//! runtime, a static binary — is not seen: a blind spot the claims documentation names.

use aya_ebpf::{
    helpers::bpf_get_current_pid_tgid,
    macros::{tracepoint, uprobe},
    programs::{ProbeContext, TracePointContext},
};
use tracer_common::{
    EventKind,
    environment::{GetenvData, GetrandomData},
    flags,
};

use crate::{
    emit::{count_truncation, fill_header, note_str, now, read_user_str, reserve},
    maps::config,
    probes::syscalls::complete,
    scope::in_scope,
};

#[tracepoint]
pub fn environment_exit(ctx: TracePointContext) -> u32 {
    let _ = try_environment_exit(&ctx);
    0
}

fn try_environment_exit(ctx: &TracePointContext) -> Option<()> {
    let done = complete(ctx)?;
    let cfg = config();
    let kind = done.syscall.kind();
    let mut entry = reserve::<GetrandomData>(kind)?;
    let ev = entry.as_mut_ptr();
    // SAFETY: reserved record memory.
    unsafe {
        fill_header(
            &raw mut (*ev).header,
            &cfg,
            kind,
            done.syscall as u16,
            done.inflight.ts_ns,
            done.ret,
        );
        (*ev).data.count = done.inflight.args[1];
        (*ev).data.flags = done.inflight.args[2] as u32;
        (*ev).data._pad = 0;
    }
    entry.submit(0);
    Some(())
}

#[uprobe]
pub fn getenv_enter(ctx: ProbeContext) -> u32 {
    let _ = emit_getenv(&ctx, 0);
    0
}

#[uprobe]
pub fn secure_getenv_enter(ctx: ProbeContext) -> u32 {
    let _ = emit_getenv(&ctx, 1);
    0
}

fn emit_getenv(ctx: &ProbeContext, secure: u32) -> Option<()> {
    let cfg = config();
    if !in_scope(bpf_get_current_pid_tgid(), &cfg) {
        return None;
    }
    let name: u64 = ctx.arg(0)?;
    let kind = EventKind::Getenv;
    let mut entry = reserve::<GetenvData>(kind)?;
    let ev = entry.as_mut_ptr();
    // SAFETY: reserved record memory.
    unsafe {
        fill_header(&raw mut (*ev).header, &cfg, kind, 0, now(), 0);
        (*ev).data.secure = secure;
        let read = read_user_str(name, &raw mut (*ev).data.name);
        (*ev).data.name_len = read.len;
        note_str(&mut (*ev).header.flags, &read, flags::PATH_TRUNCATED);
        count_truncation(kind, (*ev).header.flags);
    }
    entry.submit(0);
    Some(())
}
