//! Payloads of the file family. Paths are as the process passed them; userspace makes them
//! absolute from the cwd and fd table it keeps per process.

use crate::{PATH_CAP, RealPath};

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

/// An open that an LSM `file_open` program saw (header flag [`crate::flags::REAL_PATH`]): the
/// syscall's fields and the kernel's name of the file it opened. Only such opens carry the
/// extra bytes.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct OpenRealData {
    pub open: OpenData,
    pub real: RealPath,
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

/// The shortest [`FileData`] record `file_exit` sends: the header, the fixed fields and the
/// path's NUL. A record without [`crate::flags::REAL_PATH`] whose `path2` is empty is sent
/// only up to its path's NUL (this and `path_len` bytes: a close sends 137 of the 648
/// bytes); userspace reads the bytes left out as zeroes. With a `path2`, or the kernel's
/// names, the whole record is sent.
pub const FILE_SENT_MIN: usize =
    core::mem::offset_of!(crate::Event<FileData>, data) + core::mem::offset_of!(FileData, path) + 1;
const _: () = assert!(FILE_SENT_MIN == 137 && size_of::<crate::Event<FileData>>() == 648);

/// What `file_exit` writes for every non-open file call: the syscall's fields, then, when the
/// header has [`crate::flags::REAL_PATH`], the kernel's names of the directories the paths
/// are relative to (the dirfd's or the cwd's, walked at the call's exit): `real` for `path`
/// (`dirfd`), `real2` for `path2` (`dirfd2`); userspace joins each path to its directory.
/// A side that was not walked has `len` 0; one whose walk failed has its `error`. Without
/// the flag the record ends after `file`: it is a [`FileData`] record, 528 bytes shorter
/// (every close, dup and fcntl, and every call by absolute paths).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct FileRealData {
    pub file: FileData,
    pub real: RealPath,
    pub real2: RealPath,
}

/// fcntl commands (include/uapi/asm-generic/fcntl.h, linux/fcntl.h) that change the fd table:
/// `F_DUPFD`, `F_SETFD` and `F_DUPFD_CLOEXEC`. fcntl is hot (every stdio `fdopen`, every lock),
/// so the kernel side keeps an entry only for these.
pub const F_DUPFD: u64 = 0;
pub const F_SETFD: u64 = 2;
pub const F_DUPFD_CLOEXEC: u64 = 1030;
/// fcntl(fd, F_SETPIPE_SZ, size): a pipe's capacity. Above `fs.pipe-max-size`, or past the
/// user's pipe quota, the kernel asks CAP_SYS_RESOURCE (fs/pipe.c, pipe_set_size); the
/// kernel side keeps an entry for it too.
pub const F_SETPIPE_SZ: u64 = 1031;

/// Marks an argument a syscall does not have in [`ArgLayout`].
pub const NO_ARG: u8 = 0xff;

/// Where each argument of a non-open file syscall is (position 0–5, or [`NO_ARG`]).
///
/// Userspace fills one per syscall into the `FILE_ARGS` map, and the exit program copies
/// `args[position]` (0 when absent) into [`FileData`]: one code path for every syscall. A
/// `match` on the syscall with constants per arm gave the verifier one state per arm through
/// the rest of the program, which Linux 6.1 rejects (E2BIG, a million instructions processed).
/// Userspace, which knows the syscall, turns absent arguments into their meaning (`AT_FDCWD`,
/// no fd).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArgLayout {
    pub path: u8,
    pub dirfd: u8,
    pub path2: u8,
    pub dirfd2: u8,
    pub fd: u8,
    pub mode: u8,
    pub uid: u8,
    pub gid: u8,
    pub flags: u8,
    pub length: u8,
    pub dev: u8,
    /// 1 when `path2` points to bytes, not a string: a `struct file_handle` (its two-word
    /// header, then the handle), [`HANDLE_BYTES`] copied raw.
    pub path2_raw: u8,
    /// 1 when `path` names a file relative to `dirfd` (or the cwd, without one) that the
    /// exit names by walking that directory in the kernel (`FileRealData::real`);
    /// [`WALK_RESULT`] when the call returns a new fd whose file the exit names by walking
    /// that fd (`real` is then the file's own name, not a directory's).
    pub walk: u8,
    /// The same for `path2` and `dirfd2` (`FileRealData::real2`).
    pub walk2: u8,
    pub _pad: [u8; 2],
}

/// [`ArgLayout::walk`] of open_by_handle_at, whose file no path names: a successful call's
/// new fd is walked at its exit, as an open's is.
pub const WALK_RESULT: u8 = 2;

/// Bytes of a `struct file_handle` kept: its header (`handle_bytes`, `handle_type`) and the
/// handle itself, which is at most `MAX_HANDLE_SZ` (128) bytes.
pub const HANDLE_BYTES: usize = 8 + 128;

impl ArgLayout {
    pub const NONE: ArgLayout = ArgLayout {
        path: NO_ARG,
        dirfd: NO_ARG,
        path2: NO_ARG,
        dirfd2: NO_ARG,
        fd: NO_ARG,
        mode: NO_ARG,
        uid: NO_ARG,
        gid: NO_ARG,
        flags: NO_ARG,
        length: NO_ARG,
        dev: NO_ARG,
        path2_raw: 0,
        walk: 0,
        walk2: 0,
        _pad: [0; 2],
    };
}
