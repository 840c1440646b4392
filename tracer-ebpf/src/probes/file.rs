//! File family: open/openat/openat2/creat (`open_exit`), and unlink(at), rename(at)(2),
//! mkdir(at), rmdir, the chmod and chown families, link(at), symlink(at), (f)truncate,
//! mknod(at), memfd_create, chdir/fchdir (`file_exit`), each attached to the syscalls'
//! `syscalls/sys_exit_<name>`. `file_exit` takes its argument positions from the `FILE_ARGS`
//! map (userspace's table, from each syscall's `format` file), so that it has one code path
//! for every syscall: old verifiers (Linux 6.1) reject a program whose states multiply by the
//! number of syscalls.

use aya_ebpf::{helpers::bpf_probe_read_user, macros::tracepoint, programs::TracePointContext};
use tracer_common::{
    Config, SyscallId,
    file::{FileData, OpenData},
    flags,
};

use crate::{
    emit::{note_str, read_user_str, syscall_event},
    maps::{FILE_ARGS, config},
    probes::syscalls::{Completed, complete},
};

const AT_FDCWD: i64 = -100;
const O_WRONLY: u64 = 0o1;
const O_CREAT: u64 = 0o100;
const O_TRUNC: u64 = 0o1000;

#[tracepoint]
pub fn open_exit(ctx: TracePointContext) -> u32 {
    if let Some(done) = complete(&ctx) {
        let _ = emit_open(&done, &config());
    }
    0
}

#[tracepoint]
pub fn file_exit(ctx: TracePointContext) -> u32 {
    if let Some(done) = complete(&ctx) {
        let _ = emit_file(&done, &config());
    }
    0
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

/// `args[position]`, or 0 for an argument the syscall does not have.
#[inline(always)]
fn arg(a: &[u64; 6], position: u8) -> u64 {
    match position {
        0 => a[0],
        1 => a[1],
        2 => a[2],
        3 => a[3],
        4 => a[4],
        5 => a[5],
        _ => 0,
    }
}

fn emit_file(done: &Completed, cfg: &Config) -> Option<()> {
    let l = *FILE_ARGS.get(done.syscall as u32)?;
    let a = &done.inflight.args;
    let (path, path2) = (arg(a, l.path), arg(a, l.path2));
    // SAFETY: `d` is the reserved record's payload.
    syscall_event::<FileData>(done, cfg, |d, hdr_flags| unsafe {
        (*d).flags = arg(a, l.flags);
        (*d).length = arg(a, l.length) as i64;
        (*d).dev = arg(a, l.dev);
        (*d).dirfd = arg(a, l.dirfd) as i32;
        (*d).dirfd2 = arg(a, l.dirfd2) as i32;
        (*d).fd = arg(a, l.fd) as i32;
        (*d).mode = arg(a, l.mode) as u32;
        (*d).uid = arg(a, l.uid) as u32;
        (*d).gid = arg(a, l.gid) as u32;
        let read = read_user_str(path, &raw mut (*d).path);
        (*d).path_len = read.len;
        note_str(hdr_flags, &read, flags::PATH_TRUNCATED);
        let read2 = read_user_str(path2, &raw mut (*d).path2);
        (*d).path2_len = read2.len;
        note_str(hdr_flags, &read2, flags::PATH2_TRUNCATED);
    })
}
