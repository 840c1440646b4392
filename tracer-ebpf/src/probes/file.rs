//! File family: open/openat/openat2/creat, unlink(at), rename(at)(2), mkdir(at), rmdir, the
//! chmod and chown families, link(at), symlink(at), (f)truncate, mknod(at), memfd_create,
//! chdir/fchdir. One exit program, attached to each `syscalls/sys_exit_<name>`; the argument
//! positions follow each syscall's `format` file (and `include/linux/syscalls.h`).

use aya_ebpf::{helpers::bpf_probe_read_user, macros::tracepoint, programs::TracePointContext};
use tracer_common::{
    Config, EventKind, SyscallId,
    file::{FileData, OpenData},
    flags,
};

use crate::{
    emit::{note_str, read_user_str, syscall_event},
    maps::config,
    probes::syscalls::{Completed, complete},
};

const AT_FDCWD: i64 = -100;
const O_WRONLY: u64 = 0o1;
const O_CREAT: u64 = 0o100;
const O_TRUNC: u64 = 0o1000;
const AT_SYMLINK_NOFOLLOW: u64 = 0x100;

#[tracepoint]
pub fn file_exit(ctx: TracePointContext) -> u32 {
    let _ = try_file_exit(&ctx);
    0
}

fn try_file_exit(ctx: &TracePointContext) -> Option<()> {
    let done = complete(ctx)?;
    let cfg = config();
    if done.syscall.kind() == EventKind::Open {
        emit_open(&done, &cfg)
    } else {
        emit_file(&done, &cfg)
    }
}

/// `struct open_how` of openat2 (include/uapi/linux/openat2.h).
#[repr(C)]
struct OpenHow {
    flags: u64,
    mode: u64,
    resolve: u64,
}

fn emit_open(done: &Completed, cfg: &Config) -> Option<()> {
    let a = done.inflight.args;
    let (dirfd, path, open_flags, mode, resolve) = match done.syscall {
        SyscallId::Open => (AT_FDCWD, a[0], a[1], a[2], 0),
        SyscallId::Openat => (a[0] as i64, a[1], a[2], a[3], 0),
        SyscallId::Openat2 => {
            // SAFETY: a user read checked by the helper.
            let how: OpenHow = unsafe { bpf_probe_read_user(a[2] as *const OpenHow) }.ok()?;
            (a[0] as i64, a[1], how.flags, how.mode, how.resolve)
        }
        _ => (AT_FDCWD, a[0], O_CREAT | O_WRONLY | O_TRUNC, a[1], 0),
    };
    // SAFETY: `d` is the reserved record's payload.
    syscall_event::<OpenData>(done, cfg, |d, hdr_flags| unsafe {
        (*d).flags = open_flags;
        (*d).resolve = resolve;
        (*d).dirfd = dirfd as i32;
        (*d).mode = mode as u32;
        (*d)._pad = 0;
        let read = read_user_str(path, &raw mut (*d).path);
        (*d).path_len = read.len;
        note_str(hdr_flags, &read, flags::PATH_TRUNCATED);
    })
}

/// Where each argument of a non-open file syscall goes.
struct Layout {
    dirfd: i64,
    path: u64,
    dirfd2: i64,
    path2: u64,
    fd: i64,
    mode: u64,
    uid: u64,
    gid: u64,
    flags: u64,
    length: u64,
    dev: u64,
}

fn layout(syscall: SyscallId, a: &[u64; 6]) -> Layout {
    let mut l = Layout {
        dirfd: AT_FDCWD,
        path: 0,
        dirfd2: AT_FDCWD,
        path2: 0,
        fd: -1,
        mode: 0,
        uid: 0,
        gid: 0,
        flags: 0,
        length: 0,
        dev: 0,
    };
    use SyscallId::*;
    match syscall {
        Unlink | Rmdir | Chdir => l.path = a[0],
        Unlinkat => (l.dirfd, l.path, l.flags) = (a[0] as i64, a[1], a[2]),
        Rename | Link | Symlink => (l.path, l.path2) = (a[0], a[1]),
        Renameat => (l.dirfd, l.path, l.dirfd2, l.path2) = (a[0] as i64, a[1], a[2] as i64, a[3]),
        Renameat2 | Linkat => {
            (l.dirfd, l.path, l.dirfd2, l.path2, l.flags) =
                (a[0] as i64, a[1], a[2] as i64, a[3], a[4])
        }
        Symlinkat => (l.path, l.dirfd2, l.path2) = (a[0], a[1] as i64, a[2]),
        Mkdir | Chmod => (l.path, l.mode) = (a[0], a[1]),
        Mkdirat | Fchmodat => (l.dirfd, l.path, l.mode) = (a[0] as i64, a[1], a[2]),
        Fchmodat2 => (l.dirfd, l.path, l.mode, l.flags) = (a[0] as i64, a[1], a[2], a[3]),
        Fchmod => (l.fd, l.mode) = (a[0] as i64, a[1]),
        Chown => (l.path, l.uid, l.gid) = (a[0], a[1], a[2]),
        Lchown => (l.path, l.uid, l.gid, l.flags) = (a[0], a[1], a[2], AT_SYMLINK_NOFOLLOW),
        Fchown => (l.fd, l.uid, l.gid) = (a[0] as i64, a[1], a[2]),
        Fchownat => {
            (l.dirfd, l.path, l.uid, l.gid, l.flags) = (a[0] as i64, a[1], a[2], a[3], a[4])
        }
        Truncate => (l.path, l.length) = (a[0], a[1]),
        Ftruncate => (l.fd, l.length) = (a[0] as i64, a[1]),
        Mknod => (l.path, l.mode, l.dev) = (a[0], a[1], a[2]),
        Mknodat => (l.dirfd, l.path, l.mode, l.dev) = (a[0] as i64, a[1], a[2], a[3]),
        MemfdCreate => (l.path, l.flags) = (a[0], a[1]),
        Fchdir => l.fd = a[0] as i64,
        _ => {}
    }
    l
}

fn emit_file(done: &Completed, cfg: &Config) -> Option<()> {
    let l = layout(done.syscall, &done.inflight.args);
    // SAFETY: `d` is the reserved record's payload.
    syscall_event::<FileData>(done, cfg, |d, hdr_flags| unsafe {
        (*d).flags = l.flags;
        (*d).length = l.length as i64;
        (*d).dev = l.dev;
        (*d).dirfd = l.dirfd as i32;
        (*d).dirfd2 = l.dirfd2 as i32;
        (*d).fd = l.fd as i32;
        (*d).mode = l.mode as u32;
        (*d).uid = l.uid as u32;
        (*d).gid = l.gid as u32;
        let read = read_user_str(l.path, &raw mut (*d).path);
        (*d).path_len = read.len;
        note_str(hdr_flags, &read, flags::PATH_TRUNCATED);
        let read2 = read_user_str(l.path2, &raw mut (*d).path2);
        (*d).path2_len = read2.len;
        note_str(hdr_flags, &read2, flags::PATH2_TRUNCATED);
    })
}
