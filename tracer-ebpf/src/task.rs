//! `task_struct` fields the helpers do not expose: credentials beyond uid/gid, the real parent,
//! the exit code and the argument area of the current image. Read through offsets that
//! userspace looked up in /sys/kernel/btf/vmlinux (this host has no CO-RE-capable loader path
//! for Rust programs); without them the fields are reported as unknown, never guessed.

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

/// The eight credential ids of `task` (a `struct task_struct *` the hook was given).
#[inline(always)]
pub fn creds_of(task: *const u8, cfg: &Config) -> Option<Creds> {
    if cfg.has_offsets == 0 || task.is_null() {
        return None;
    }
    // SAFETY: bpf_probe_read_kernel checks the address; a bad read returns an error.
    unsafe {
        let cred: *const u8 =
            bpf_probe_read_kernel(task.add(cfg.off_task_cred as usize).cast()).ok()?;
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

/// `[mm->arg_start, mm->arg_end)` of the current task: where the kernel laid out argv (the
/// strings, NUL-separated) on the stack of the image it just installed. Read at
/// `sched_process_exec`, when the kernel has written those pages itself, so they are present.
#[inline(always)]
pub fn arg_area(cfg: &Config) -> Option<(u64, u64)> {
    mm_pair(cfg, cfg.off_mm_arg_start, cfg.off_mm_arg_end)
}

/// The file the current task's image runs (`current->mm->exe_file`, a `struct file *`): at
/// `sched_process_exec`, the new image's; for a `#!` script, its interpreter's. None without
/// the offset, or when it is null or unreadable.
#[inline(always)]
pub fn exe_file(cfg: &Config) -> Option<u64> {
    if cfg.off_mm_exe_file == 0 {
        return None;
    }
    let (file, _) = mm_pair(cfg, cfg.off_mm_exe_file, cfg.off_mm_exe_file)?;
    (file != 0).then_some(file)
}

/// Whether the `struct file` at `file` has its set-user-ID bit, or set-group-ID with group
/// execute (the bits the kernel's `bprm_fill_uid` acts on). False when unread.
#[inline(always)]
pub fn setid_file(file: u64, cfg: &Config) -> bool {
    if cfg.has_inode_mode == 0 || cfg.off_file_inode == 0 {
        return false;
    }
    // SAFETY: probe reads of kernel memory, checked by the helper.
    unsafe {
        let Ok(inode) =
            bpf_probe_read_kernel::<u64>((file + u64::from(cfg.off_file_inode)) as *const u64)
        else {
            return false;
        };
        if inode == 0 {
            return false;
        }
        let Ok(mode) =
            bpf_probe_read_kernel::<u16>((inode + u64::from(cfg.off_inode_mode)) as *const u16)
        else {
            return false;
        };
        mode & 0o4000 != 0 || mode & 0o2010 == 0o2010
    }
}

/// Two `u64` fields of the current task's `mm_struct`, at offsets `a` and `b`. None without the
/// mm offsets, for a task with no address space (a kernel thread, an exiting task) and when a
/// read fails.
#[inline(always)]
fn mm_pair(cfg: &Config, a: u32, b: u32) -> Option<(u64, u64)> {
    if cfg.has_mm_offsets == 0 {
        return None;
    }
    // SAFETY: as above.
    unsafe {
        let mm: *const u8 =
            bpf_probe_read_kernel(current_task().add(cfg.off_task_mm as usize).cast()).ok()?;
        if mm.is_null() {
            return None;
        }
        let first: u64 = bpf_probe_read_kernel(mm.add(a as usize).cast()).ok()?;
        let second: u64 = bpf_probe_read_kernel(mm.add(b as usize).cast()).ok()?;
        Some((first, second))
    }
}

/// The current task's permitted capability set (`current->cred->cap_permitted`).
#[inline(always)]
pub fn cap_permitted(cfg: &Config) -> Option<u64> {
    if cfg.has_offsets == 0 || cfg.off_cred_cap_permitted == 0 {
        return None;
    }
    // SAFETY: as above.
    unsafe {
        let cred: *const u8 =
            bpf_probe_read_kernel(current_task().add(cfg.off_task_cred as usize).cast()).ok()?;
        bpf_probe_read_kernel(cred.add(cfg.off_cred_cap_permitted as usize).cast()).ok()
    }
}

/// The current process's hard limit of `resource` (`current->signal->rlim[resource].rlim_max`).
#[inline(always)]
pub fn hard_limit(cfg: &Config, resource: u64) -> Option<u64> {
    limit(cfg, resource, 8)
}

/// The current process's soft limit of `resource` (`current->signal->rlim[resource].rlim_cur`).
#[inline(always)]
pub fn soft_limit(cfg: &Config, resource: u64) -> Option<u64> {
    limit(cfg, resource, 0)
}

/// One field of `current->signal->rlim[resource]` (a `struct rlimit`: rlim_cur at 0, rlim_max
/// at 8).
#[inline(always)]
fn limit(cfg: &Config, resource: u64, field: usize) -> Option<u64> {
    if cfg.has_rlim_offsets == 0 || resource >= tracer_common::privilege::RLIM_NLIMITS {
        return None;
    }
    // SAFETY: as above; `resource` is below RLIM_NLIMITS, inside the array.
    unsafe {
        let signal: *const u8 =
            bpf_probe_read_kernel(current_task().add(cfg.off_task_signal as usize).cast()).ok()?;
        if signal.is_null() {
            return None;
        }
        let at = cfg.off_signal_rlim as usize + resource as usize * 16 + field;
        bpf_probe_read_kernel(signal.add(at).cast()).ok()
    }
}

/// The current address space's locked and total pages (`mm->locked_vm`, `mm->total_vm`).
#[inline(always)]
pub fn vm_pages(cfg: &Config) -> Option<(u64, u64)> {
    if cfg.has_vm_offsets == 0 {
        return None;
    }
    mm_pair(cfg, cfg.off_mm_locked_vm, cfg.off_mm_total_vm)
}

/// The open file behind fd `fd` of the current process (`current->files->fdt->fd[fd]`), as
/// an address: the identity the kernel itself gives an fd passed over `SCM_RIGHTS` (the
/// receiver's new fd points to the sender's `struct file`). None without the fd-table
/// offsets, for an fd out of the table and for a closed one. Read without the RCU lock the
/// kernel takes: a racing close or table resize makes the read fail or give a file that is
/// not in the table of [`crate::maps::SENT_FILES`], never a wrong sender. With the file, its
/// inode (`file->f_inode`).
#[inline(always)]
pub fn file_of(cfg: &Config, fd: i32) -> Option<(u64, u64)> {
    if cfg.has_fd_offsets == 0 || fd < 0 {
        return None;
    }
    // SAFETY: as above.
    unsafe {
        let files: *const u8 =
            bpf_probe_read_kernel(current_task().add(cfg.off_task_files as usize).cast()).ok()?;
        if files.is_null() {
            return None;
        }
        let fdt: *const u8 =
            bpf_probe_read_kernel(files.add(cfg.off_files_fdt as usize).cast()).ok()?;
        let max: u32 = bpf_probe_read_kernel(fdt.add(cfg.off_fdt_max_fds as usize).cast()).ok()?;
        if fd as u32 >= max {
            return None;
        }
        let array: *const u64 =
            bpf_probe_read_kernel(fdt.add(cfg.off_fdt_fd as usize).cast()).ok()?;
        let file: u64 = bpf_probe_read_kernel(array.add(fd as usize)).ok()?;
        if file == 0 {
            return None;
        }
        let inode: u64 =
            bpf_probe_read_kernel((file + u64::from(cfg.off_file_inode)) as *const u64).ok()?;
        Some((file, inode))
    }
}
