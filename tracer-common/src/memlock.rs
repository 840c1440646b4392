//! Payload of `mlock` records: mlock, mlock2 and mlockall, with what decides whether the kernel
//! needed CAP_IPC_LOCK for them (mm/mlock.c): the caller's `RLIMIT_MEMLOCK` soft limit and its
//! address space's locked and total pages, read in the call's exit program.
//!
//! The kernel lets a call lock past the limit only with CAP_IPC_LOCK (`do_mlock`: the pages asked
//! for plus `mm->locked_vm`, less those already locked in the range, against the limit;
//! `mlockall(MCL_CURRENT)`: `mm->total_vm` against it), and with a limit of 0 any lock needs it
//! (`can_do_mlock`).

/// `RLIMIT_MEMLOCK`.
pub const RLIMIT_MEMLOCK: u64 = 8;

/// `MCL_CURRENT`, `MCL_FUTURE`, `MCL_ONFAULT` (mlockall), `MLOCK_ONFAULT` (mlock2).
pub const MCL_CURRENT: u64 = 1;
pub const MCL_FUTURE: u64 = 2;
pub const MCL_ONFAULT: u64 = 4;
pub const MLOCK_ONFAULT: u64 = 1;

#[repr(C)]
#[derive(Clone, Copy)]
pub struct MlockData {
    /// The call's arguments: mlock and mlock2 `(addr, len, flags)` (mlock's flags 0),
    /// mlockall `(flags, 0, 0)`.
    pub args: [u64; 3],
    /// 1 when `limit` was read (the rlimit offsets were found in the kernel's BTF).
    pub limit_known: u32,
    /// 1 when `locked_pages` and `total_pages` were read (the mm offsets were found).
    pub mm_known: u32,
    /// `RLIMIT_MEMLOCK`'s soft limit (`rlim_cur`, bytes; `u64::MAX` unlimited) at the exit.
    pub limit: u64,
    /// `mm->locked_vm` after the call (pages).
    pub locked_pages: u64,
    /// `mm->total_vm` after the call (pages): what mlockall(MCL_CURRENT) is checked against.
    pub total_pages: u64,
}
