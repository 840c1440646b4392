//! Who called a probed library function (getenv, a crypto entry point): the file mapped at the
//! call's return address. See `tracer_common::caller` for why.
//!
//! The return address is exact at a uprobe on the function's first instruction: on x86_64 the
//! `call` has just pushed it (the word at the user stack pointer), on aarch64 it is the link
//! register. `bpf_get_stack`'s frame-pointer walk would start one frame too high: it skips the
//! immediate caller of a function that has not set up its frame yet, and Debian builds without
//! frame pointers anyway. The mapping holding the address is found with `bpf_find_vma` (kernel
//! 5.17+, tracing programs), whose callback reads the vma's file under the mmap lock: its name,
//! inode and device, and whether it is `mm->exe_file`. Everything the callback finds goes to a
//! per-CPU scratch record, not the stack: the callback's frame adds to its caller's, and a 6.1
//! verifier allows 512 bytes for the whole chain.

use core::ffi::c_void;

use aya_ebpf::{
    helpers::{
        bpf_probe_read_kernel, bpf_probe_read_user,
        generated::{bpf_find_vma, bpf_get_current_task, bpf_get_current_task_btf},
    },
    macros::map,
    maps::PerCpuArray,
    programs::ProbeContext,
};
use tracer_common::caller::{CALLER_NAME_CAP, Caller, CallerOffsets, status};

/// Set by userspace before load from the kernel's BTF (read-only data).
#[unsafe(no_mangle)]
static CALLER_OFFSETS: CallerOffsets = CallerOffsets {
    has: 0,
    regs_ret: u32::MAX,
    ret_on_stack: 0,
    vma_start: 0,
    vma_pgoff: 0,
    vma_file: 0,
    file_inode: 0,
    file_dentry: 0,
    inode_ino: 0,
    inode_sb: 0,
    sb_dev: 0,
    dentry_name: 0,
    task_mm: 0,
    mm_exe_file: 0,
    page_shift: 0,
};

/// The caller being resolved on this CPU: written by [`resolve`] and `on_vma`, copied into the
/// record by the probe. Uprobe programs do not nest on one CPU.
#[map]
static CALLER_SCRATCH: PerCpuArray<Caller> = PerCpuArray::with_max_entries(1, 0);

#[inline(always)]
fn field(f: &u32) -> usize {
    // SAFETY: a plain read of a field of a global; volatile so the compiler does not fold
    // the zeroes above.
    unsafe { core::ptr::read_volatile(f) as usize }
}

/// Reads a kernel value at `base + off`; `None` when unreadable.
#[inline(always)]
fn kread<T>(base: *const u8, off: usize) -> Option<T> {
    if base.is_null() {
        return None;
    }
    // SAFETY: bpf_probe_read_kernel checks the address; a bad read returns an error.
    unsafe { bpf_probe_read_kernel(base.wrapping_add(off).cast::<T>()) }.ok()
}

/// The return address of the call a uprobe on a function's entry fired for.
#[inline(always)]
pub fn return_address(ctx: &ProbeContext) -> Option<u64> {
    let o = &CALLER_OFFSETS;
    let at = field(&o.regs_ret);
    if at == u32::MAX as usize {
        return None;
    }
    let reg: u64 = kread(ctx.regs as *const u8, at)?;
    if field(&o.ret_on_stack) == 0 {
        return Some(reg);
    }
    // SAFETY: the helper checks the user address.
    unsafe { bpf_probe_read_user(reg as *const u64) }.ok()
}

/// Resolves `addr` (`None`: the return address could not be read) into the per-CPU scratch
/// record and returns it, for the probe to copy into its record.
#[inline(always)]
pub fn resolve(addr: Option<u64>) -> Option<*const Caller> {
    let c = CALLER_SCRATCH.get_ptr_mut(0)?;
    // SAFETY: a per-CPU slot; BPF programs do not migrate while they run.
    unsafe {
        (*c).addr = addr.unwrap_or(0);
        (*c).file_offset = 0;
        (*c).ino = 0;
        (*c).dev = 0;
        (*c).in_exe = 0;
        (*c).name_len = 0;
        (*c).name[0] = 0;
        (*c).status = match addr {
            None => status::UNREADABLE,
            Some(_) if field(&CALLER_OFFSETS.has) == 0 => status::ADDRESS_ONLY,
            Some(a) => {
                // The callback sets the status; left as NO_MAPPING when it does not run.
                (*c).status = status::NO_MAPPING;
                let _ = bpf_find_vma(
                    bpf_get_current_task_btf(),
                    a,
                    on_vma as *const () as *mut c_void,
                    core::ptr::null_mut(),
                    0,
                );
                (*c).status
            }
        };
    }
    Some(c)
}

/// `bpf_find_vma`'s callback: `long (*)(struct task_struct *, struct vm_area_struct *, void *)`.
/// Called with the mmap lock held, so the vma and its file are stable while it reads them.
extern "C" fn on_vma(_task: *mut c_void, vma: *mut c_void, _ctx: *mut c_void) -> i64 {
    let _ = describe(vma as *const u8);
    0
}

#[inline(always)]
fn describe(vma: *const u8) -> Option<()> {
    let c = CALLER_SCRATCH.get_ptr_mut(0)?;
    let o = &CALLER_OFFSETS;
    let start: u64 = kread(vma, field(&o.vma_start))?;
    let pgoff: u64 = kread(vma, field(&o.vma_pgoff))?;
    let file: *const u8 = kread(vma, field(&o.vma_file))?;
    // SAFETY: a per-CPU slot (see `resolve`).
    unsafe {
        (*c).file_offset = (*c)
            .addr
            .wrapping_sub(start)
            .wrapping_add(pgoff << (field(&o.page_shift) as u64 & 63));
        if file.is_null() {
            (*c).status = status::ANONYMOUS;
            return Some(());
        }
    }
    let inode: *const u8 = kread(file, field(&o.file_inode))?;
    let ino: u64 = kread(inode, field(&o.inode_ino))?;
    let sb: *const u8 = kread(inode, field(&o.inode_sb))?;
    let dev: u32 = kread(sb, field(&o.sb_dev)).unwrap_or(0);
    let dentry: *const u8 = kread(file, field(&o.file_dentry))?;
    let name: *const u8 = kread(dentry, field(&o.dentry_name))?;
    // The executable: `current->mm->exe_file->f_inode`, compared by inode.
    // SAFETY: a helper without pointer arguments.
    let task = unsafe { bpf_get_current_task() } as *const u8;
    let mm: *const u8 = kread(task, field(&o.task_mm)).unwrap_or(core::ptr::null());
    let exe: *const u8 = kread(mm, field(&o.mm_exe_file)).unwrap_or(core::ptr::null());
    let exe_inode: *const u8 = kread(exe, field(&o.file_inode)).unwrap_or(core::ptr::null());
    // SAFETY: a per-CPU slot; the helper bounds its write by the buffer's size.
    unsafe {
        (*c).ino = ino;
        (*c).dev = dev;
        (*c).in_exe = u32::from(!exe_inode.is_null() && exe_inode == inode);
        let n = aya_ebpf::helpers::generated::bpf_probe_read_kernel_str(
            (&raw mut (*c).name).cast(),
            CALLER_NAME_CAP as u32,
            name.cast(),
        );
        (*c).name_len = if n > 0 { (n - 1) as u32 } else { 0 };
        (*c).status = status::FILE;
    }
    Some(())
}
