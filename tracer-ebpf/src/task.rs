//! `task_struct` fields the helpers do not expose: credentials beyond uid/gid, the real parent
//! and the exit code. Read through offsets that userspace looked up in /sys/kernel/btf/vmlinux
//! (this host has no CO-RE-capable loader path for Rust programs); without them the fields are
//! reported as unknown, never guessed.

use aya_ebpf::helpers::{bpf_probe_read_kernel, generated::bpf_get_current_task};
use tracer_common::{Config, Creds};

#[inline(always)]
fn current_task() -> *const u8 {
    // SAFETY: a helper without pointer arguments.
    unsafe { bpf_get_current_task() as *const u8 }
}

/// The current task's eight credential ids.
#[inline(always)]
pub fn creds(cfg: &Config) -> Option<Creds> {
    if cfg.has_offsets == 0 {
        return None;
    }
    // SAFETY: bpf_probe_read_kernel checks the address; a bad read returns an error.
    unsafe {
        let cred: *const u8 =
            bpf_probe_read_kernel(current_task().add(cfg.off_task_cred as usize).cast()).ok()?;
        bpf_probe_read_kernel(cred.add(cfg.off_cred_uid as usize).cast()).ok()
    }
}

/// The thread-group id of the current task's real parent.
#[inline(always)]
pub fn ppid(cfg: &Config) -> Option<u32> {
    if cfg.has_offsets == 0 {
        return None;
    }
    // SAFETY: as above.
    unsafe {
        let parent: *const u8 =
            bpf_probe_read_kernel(current_task().add(cfg.off_task_real_parent as usize).cast())
                .ok()?;
        bpf_probe_read_kernel(parent.add(cfg.off_task_tgid as usize).cast()).ok()
    }
}

/// `task->exit_code` of the current (exiting) task.
#[inline(always)]
pub fn exit_code(cfg: &Config) -> Option<i32> {
    if cfg.has_offsets == 0 {
        return None;
    }
    // SAFETY: as above.
    unsafe {
        bpf_probe_read_kernel(current_task().add(cfg.off_task_exit_code as usize).cast()).ok()
    }
}
