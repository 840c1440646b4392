//! Payloads of the file family. Paths are as the process passed them; userspace makes them
//! absolute from the cwd and fd table it keeps per process.

use crate::PATH_CAP;

/// open, openat, openat2, creat.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct OpenData {
    /// `O_*` flags (creat: `O_CREAT|O_WRONLY|O_TRUNC`).
    pub flags: u64,
    /// `RESOLVE_*` of openat2, else 0.
    pub resolve: u64,
    /// `AT_FDCWD` (-100) for open and creat.
    pub dirfd: i32,
    pub mode: u32,
    pub path_len: u32,
    pub _pad: u32,
    pub path: [u8; PATH_CAP],
}

/// Every other file operation; unused fields are 0 (fds: -1).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct FileData {
    /// `AT_*` flags, `RENAME_*` flags or memfd flags.
    pub flags: u64,
    /// truncate length.
    pub length: i64,
    /// mknod device number.
    pub dev: u64,
    pub dirfd: i32,
    /// The second path's dirfd (rename, link).
    pub dirfd2: i32,
    /// The fd operated on by fchmod, fchown, ftruncate, fchdir.
    pub fd: i32,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub path_len: u32,
    pub path2_len: u32,
    /// The path operated on (rename: old; link/symlink: the target as written).
    pub path: [u8; PATH_CAP],
    /// rename: new path; link and symlink: the new name.
    pub path2: [u8; PATH_CAP],
}
