//! Payloads of the process family: fork (from `sched_process_fork`), exec (filename and argv
//! read from the new image at `sched_process_exec`, or from the caller at a failed `execve`
//! exit) and exit (from `sched_process_exit`).

use crate::{Creds, PATH_CAP, RealPath};

/// Most bytes of argv one exec record can carry: the size of the scratch buffer the record is
/// built in. `--argv-bytes` chooses the limit up to this.
pub const ARGV_MAX: usize = 1 << 16;
/// Default bytes of argv kept: whole command lines of every real daemon, and far more than the
/// 16 KiB a review's "secret in argv" check needs to see to the end of a long line.
pub const ARGV_DEFAULT: u32 = 32 << 10;
/// Default number of arguments kept (cut in userspace, which counts them).
pub const MAX_ARGS_DEFAULT: u32 = 1024;
/// A failed exec leaves no new image to read argv from: its arguments are read one by one from
/// the caller's pointers, each cut at this many bytes.
pub const ARG_CHUNK: usize = 1024;
/// Arguments read at most of a failed exec.
pub const FAILED_MAX_ARGS: u32 = 256;
/// Size of the argv part of the scratch buffer: the verifier needs every per-argument read of a
/// failed exec to fit whatever the offset, so it holds [`ARGV_MAX`] plus one more chunk.
pub const ARGV_BUF: usize = ARGV_MAX + ARG_CHUNK;

/// A capability set that could not be read (no 64-bit set has every bit: 41 capabilities).
pub const CAPS_UNKNOWN: u64 = u64::MAX;

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct ForkData {
    /// Clone flags (0 for fork, `CLONE_VM|CLONE_VFORK` for vfork).
    pub clone_flags: u64,
    pub child_tid: u32,
    /// The child's thread-group id: its own tid for a new process, the parent's for a thread.
    pub child_pid: u32,
}

/// The fixed part of an exec record. `argv_len` bytes of argv (NUL-separated arguments, as the
/// kernel lays them out in the new image) follow it in the ring-buffer record: only the real
/// length travels, not the maximum.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct ExecData {
    /// Credentials at `execve` entry.
    pub before: Creds,
    /// Credentials after the new image was installed (a setuid binary shows here).
    pub after: Creds,
    /// The permitted capability set at entry and after the new image was installed (file
    /// capabilities or a setuid-root program show here); [`CAPS_UNKNOWN`] when unread.
    pub caps_before: u64,
    pub caps_after: u64,
    /// Bytes of argv that follow this struct in the record.
    pub argv_len: u32,
    /// Bytes of the whole argument area (`mm->arg_end - mm->arg_start`) of a successful exec;
    /// for a failed one, the bytes read. Larger than `argv_len` when argv was cut.
    pub argv_total: u32,
    /// Bytes used in `filename`, without the NUL.
    pub filename_len: u32,
    /// `AT_*` flags of execveat, 0 for execve.
    pub at_flags: u32,
    /// The dirfd of execveat, `AT_FDCWD` for execve.
    pub dirfd: i32,
    /// Header `flags` bits gathered while the record was built (truncation, failed reads).
    pub flags: u32,
    /// A successful exec: the kernel's `bprm->filename` (the path as passed; `/dev/fd/N` or
    /// `/dev/fd/N/PATH` for an execveat relative to a dirfd). A failed one: the path as passed.
    pub filename: [u8; PATH_CAP],
    /// The file exec'd as the kernel named it: the program or script execve was given, not
    /// its interpreter (a symlink's target, /proc/self/exe's file, the file behind an fd).
    /// Named by LSM `bprm_check_security` (its first check) where BPF LSM programs run, else
    /// by the kernel walk of the new image's file (`mm->exe_file`) when that is the file
    /// exec'd; `len` 0 for a script there (its file is closed by `sched_process_exec`).
    pub real: RealPath,
    /// The interpreter the new image runs, by the kernel walk of `mm->exe_file`, when the
    /// exec'd file was a `#!` script or a binfmt_misc program, or when the LSM hook named
    /// `real` (userspace drops it when it is the same file); `len` 0 otherwise.
    pub interp: RealPath,
}

/// An exec record as the kernel side builds it, in a per-CPU scratch buffer (too large for the
/// stack, and for the ring buffer's fixed-size reservations), before it is copied to the ring
/// with its real length.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct ExecRecord {
    pub event: crate::Event<ExecData>,
    pub argv: [u8; ARGV_BUF],
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct ExitData {
    /// `task->exit_code`: a wait status (`code << 8`, or the signal number in the low 7 bits
    /// with 0x80 for a core dump). `-1` when the task offsets were unknown.
    pub exit_status: i32,
    pub _pad: u32,
}

/// An adoption: the recorded task in the header took control of task `victim` (by the header's
/// syscall: ptrace, process_vm_writev, or an open of `/proc/N/mem` for writing), which was not
/// recorded. The header's `ret` is 0 when `victim` was added to the tracked set, or the map's
/// error (a negative errno: full) when it could not be, so its actions stay unrecorded.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct AdoptData {
    /// The ptrace request; the open flags; 0 for process_vm_writev.
    pub request: u64,
    /// The task taken over, as the call named it (a tid for ptrace, a pid otherwise).
    pub victim: u32,
    pub _pad: u32,
}
