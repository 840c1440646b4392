//! Payloads of the process family: fork (from `sched_process_fork`), exec (argv captured at
//! `execve` entry, emitted at `sched_process_exec` or at a failed `execve` exit) and exit (from
//! `sched_process_exit`).

use crate::{Creds, PATH_CAP, RealPath};

/// Bytes of argv kept in one exec record (NUL-separated arguments).
pub const ARGV_CAP: usize = 1024;
/// Bytes read of one argument; a longer one is cut and flagged.
pub const ARG_CHUNK: usize = 256;
/// Size of the argv buffer: the verifier needs every read to fit whatever the offset, so the
/// buffer holds [`ARGV_CAP`] plus one more chunk.
pub const ARGV_BUF: usize = ARGV_CAP + ARG_CHUNK;
/// Arguments read at most.
pub const MAX_ARGS: u32 = 64;

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct ForkData {
    /// Clone flags (0 for fork, `CLONE_VM|CLONE_VFORK` for vfork).
    pub clone_flags: u64,
    pub child_tid: u32,
    /// The child's thread-group id: its own tid for a new process, the parent's for a thread.
    pub child_pid: u32,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct ExecData {
    /// Credentials at `execve` entry.
    pub before: Creds,
    /// Credentials after the new image was installed (a setuid binary shows here).
    pub after: Creds,
    /// Arguments kept (not the full argc when truncated).
    pub argc: u32,
    /// Bytes used in `argv`.
    pub argv_len: u32,
    /// Bytes used in `filename`, without the NUL.
    pub filename_len: u32,
    /// `AT_*` flags of execveat, 0 for execve.
    pub at_flags: u32,
    /// The dirfd of execveat, `AT_FDCWD` for execve.
    pub dirfd: i32,
    /// Header `flags` bits gathered while argv was copied (truncation, failed reads).
    pub flags: u32,
    /// The path as passed to execve.
    pub filename: [u8; PATH_CAP],
    pub argv: [u8; super::process::ARGV_BUF],
    /// The executed file as the kernel named it (LSM `bprm_check_security`, the first check:
    /// the program or script execve was given, not its interpreter); `len` 0 without the hook.
    pub real: RealPath,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct ExitData {
    /// `task->exit_code`: a wait status (`code << 8`, or the signal number in the low 7 bits
    /// with 0x80 for a core dump). `-1` when the task offsets were unknown.
    pub exit_status: i32,
    pub _pad: u32,
}
