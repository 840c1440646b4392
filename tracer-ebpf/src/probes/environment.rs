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
    emit::{event, note_str, now, read_user_str, syscall_event},
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
    // SAFETY: `d` is the reserved record's payload.
    syscall_event::<GetrandomData>(&done, &cfg, |d, _| unsafe {
        (*d).count = done.inflight.args[1];
        (*d).flags = done.inflight.args[2] as u32;
        (*d)._pad = 0;
    })
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
    // A uprobe always has its first argument register; were it unreadable, the lookup is
    // written flagged `read_failed` with no name.
    let name: Option<u64> = ctx.arg(0);
    // SAFETY: `d` is the reserved record's payload.
    event::<GetenvData>(
        &cfg,
        EventKind::Getenv,
        0,
        now(),
        0,
        |d, hdr_flags| unsafe {
            (*d).secure = secure;
            if name.is_none() {
                *hdr_flags |= flags::READ_FAILED;
            }
            let read = read_user_str(name.unwrap_or(0), &raw mut (*d).name);
            (*d).name_len = read.len;
            note_str(hdr_flags, &read, flags::PATH_TRUNCATED);
        },
    )
}
