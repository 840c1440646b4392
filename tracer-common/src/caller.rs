//! Who called a probed library function: the immediate caller of a getenv or crypto call,
//! named by the file mapped at its return address.
//!
//! A negative claim about a package ("No environment variable usage") must not be contradicted
//! by a library the package links calling getenv for itself (libnettle's constructor reads
//! `NETTLE_…`). At a uprobe on a function's entry the return address is the word at the user
//! stack pointer (x86_64) or the link register (aarch64): exact, and independent of frame
//! pointers, which Debian does not build with. The kernel side looks up the mapping that holds
//! it (`bpf_find_vma`) and records the mapped file's name, inode, device and the offset in it,
//! and whether it is the process's own executable (`mm->exe_file`).

/// Bytes kept of the caller file's name (its dentry name: the file itself, not a symlink).
pub const CALLER_NAME_CAP: usize = 64;

/// How far the caller of a call could be resolved ([`Caller::status`]).
pub mod status {
    /// No caller recorded (not read, or a record from before callers were recorded).
    pub const NONE: u32 = 0;
    /// The return address was read but no lookup was possible (the kernel's struct offsets
    /// were unknown).
    pub const ADDRESS_ONLY: u32 = 1;
    /// The return address was read and the mapping that holds it named.
    pub const FILE: u32 = 2;
    /// The return address lies in an anonymous mapping (JIT code, a trampoline).
    pub const ANONYMOUS: u32 = 3;
    /// No mapping holds the return address, or the lookup failed (`bpf_find_vma` busy or
    /// refused: its per-CPU lock is taken when a lookup nests).
    pub const NO_MAPPING: u32 = 4;
    /// The return address could not be read from the user stack.
    pub const UNREADABLE: u32 = 5;
}

/// The caller part of a getenv or crypto record.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct Caller {
    /// The return address of the probed call.
    pub addr: u64,
    /// Its offset in the mapped file: `addr - vm_start + vm_pgoff * PAGE_SIZE`.
    pub file_offset: u64,
    /// The mapped file's inode number.
    pub ino: u64,
    /// The mapped file's device (`sb->s_dev`, the kernel's `MKDEV` encoding).
    pub dev: u32,
    /// One of [`status`].
    pub status: u32,
    /// 1 when the mapped file is the process's executable (`mm->exe_file`).
    pub in_exe: u32,
    pub name_len: u32,
    pub name: [u8; CALLER_NAME_CAP],
}

/// Kernel struct member offsets the lookup reads, found in the kernel's BTF by userspace and
/// set before load (read-only data, so the verifier sees constants). `has == 0`: unknown, only
/// the return address is recorded.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct CallerOffsets {
    /// 1 when the struct offsets below are known (the return address is read without them).
    pub has: u32,
    /// Where the return address is at a function's entry: its offset in `pt_regs` (x86_64:
    /// `sp`; aarch64: `regs[30]`, the link register); `u32::MAX` on an unknown architecture.
    pub regs_ret: u32,
    /// 1 when that register points at the return address (x86_64's stack pointer), 0 when it
    /// holds it.
    pub ret_on_stack: u32,
    pub vma_start: u32,
    pub vma_pgoff: u32,
    pub vma_file: u32,
    pub file_inode: u32,
    pub file_dentry: u32,
    pub inode_ino: u32,
    pub inode_sb: u32,
    pub sb_dev: u32,
    pub dentry_name: u32,
    pub task_mm: u32,
    pub mm_exe_file: u32,
    pub page_shift: u32,
}
