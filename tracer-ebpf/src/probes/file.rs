//! File family: open/openat/openat2/creat (`open_exit`), and unlink(at), rename(at)(2),
//! mkdir(at), rmdir, the chmod and chown families, link(at), symlink(at), (f)truncate,
//! mknod(at), memfd_create, chdir/fchdir, the xattr and utime calls, mq_open, mq_unlink and
//! file_setattr (`file_exit`), each attached to the syscalls'
//! `syscalls/sys_exit_<name>`. `file_exit` takes its argument positions from the `FILE_ARGS`
//! map (userspace's table, from each syscall's `format` file), so that it has one code path
//! for every syscall: old verifiers (Linux 6.1) reject a program whose states multiply by the
//! number of syscalls.
//!
//! Where the kernel runs BPF LSM programs (a guest kernel with `bpf` in its LSM list; not this
//! host), `lsm_file_open` on the `file_open` hook names the file an open syscall in progress
//! actually opened (symlinks followed, dirfd and cwd applied by the kernel), and `open_exit`
//! adds that name to the record. Opens the hook did not see (failed ones, `O_PATH`) keep the
//! syscall's own path only. Elsewhere, a successful open by a relative path is named by
//! walking the new fd's path in the kernel (`crate::walk`), a failed one by walking its dirfd
//! (or the cwd) and adding the path given, and that name is added the same way. `file_exit`
//! walks the directories a call's relative paths started from (its dirfds or the cwd) and
//! adds those directories' names (`crate::walk::name_dir`), and names the file a successful
//! open_by_handle_at opened by walking its new fd (`WALK_RESULT` in its `FILE_ARGS` entry).

use aya_ebpf::{
    helpers::{
        bpf_get_current_pid_tgid, bpf_probe_read_user,
        generated::{bpf_probe_read_kernel, bpf_probe_read_user_str},
    },
    macros::lsm,
    programs::LsmContext,
};
use tracer_common::{
    Config, Event, EventKind, PATH_CAP, RealPath, SyscallId,
    file::{
        FILE_SENT_MIN, FileData, FileRealData, HANDLE_BYTES, OpenData, OpenRealData, WALK_RESULT,
    },
    flags,
};

use crate::{
    emit::{note_str, read_user_bytes, read_user_str, syscall_event, syscall_event_sized},
    lsm,
    maps::{
        FILE_ARGS, FILE_SCRATCH, LOST, REAL_PATHS, by_hook, config, count, inflight, real_of,
        real_slot,
    },
    probes::syscalls::{Completed, SyscallContext, check_entry, complete, zero},
    scope,
};

const AT_FDCWD: i64 = -100;
const EFAULT: i32 = 14;
const O_WRONLY: u64 = 0o1;
const O_CREAT: u64 = 0o100;
const O_TRUNC: u64 = 0o1000;

crate::exit_programs!(open_exit, open_exit_raw, try_open_exit);

fn try_open_exit<C: SyscallContext>(ctx: &C) -> Option<()> {
    let done = complete(ctx)?;
    let cfg = config();
    if done.ret >= 0 {
        adopt_proc_mem(&done, cfg);
    }
    let tid = bpf_get_current_pid_tgid() as u32;
    // Only a name this very call put (see `REAL_PATHS`); none is looked for where no LSM
    // program runs.
    let lsm_named = cfg.lsm_paths != 0 && real_of(tid, done.inflight.ts_ns).is_some();
    let walked = if lsm_named {
        crate::walk::NOT_WALKED
    } else {
        crate::walk::walk_opened(&done, cfg)
    };
    emit_open(&done, cfg, tid, lsm_named, walked)
}

/// `O_ACCMODE`: a write-open has `O_WRONLY` or `O_RDWR` in it.
const O_ACCMODE: u64 = 0o3;
/// Bytes read of a path to see whether it is `/proc/N/mem`: `/proc/` and up to 10 digits,
/// `/mem` and the NUL fit.
const PROC_MEM_READ: usize = 24;

/// A successful write-open of `/proc/N/mem` (N another process) gives the caller that
/// process's memory, so it adopts N (`scope::adopt`). Only this absolute form is read here
/// (`/proc/N/task/T/mem`, a path relative to a dirfd on /proc, `/proc/self/mem` are not:
/// userspace keeps the claims inconclusive over those, as before). The path is read again
/// from the caller; a path rewritten since entry is flagged on the open record itself.
/// Not inlined: its buffer and the adopt record in `open_exit`'s frame would make the chain
/// `open_exit -> emit_open` exceed the 512 bytes Linux 6.1 allows a call chain.
#[inline(never)]
fn adopt_proc_mem(done: &Completed, cfg: &Config) {
    let a = done.inflight.args;
    let (path, open_flags) = match done.syscall {
        SyscallId::Open => (a[0], a[1]),
        SyscallId::Openat => (a[1], a[2]),
        SyscallId::Openat2 => {
            // SAFETY: a user read checked by the helper.
            match unsafe { bpf_probe_read_user(a[2] as *const u64) } {
                Ok(flags) => (a[1], flags),
                Err(_) => return,
            }
        }
        _ => (a[0], O_WRONLY),
    };
    if open_flags & O_ACCMODE == 0 {
        return;
    }
    let mut buf = [0u8; PROC_MEM_READ];
    // SAFETY: a user read into a stack buffer of the size given, checked by the helper.
    let n = unsafe {
        bpf_probe_read_user_str(
            buf.as_mut_ptr().cast(),
            PROC_MEM_READ as u32,
            path as *const _,
        )
    };
    if n < 12 || buf[..6] != *b"/proc/" {
        return;
    }
    let mut pid: u32 = 0;
    let mut i = 6;
    while i < 16 {
        let c = buf[i];
        if !c.is_ascii_digit() {
            break;
        }
        pid = pid.wrapping_mul(10).wrapping_add((c - b'0') as u32);
        i += 1;
    }
    if i == 6 || i >= 16 {
        return;
    }
    if buf[i] == b'/'
        && buf[i + 1] == b'm'
        && buf[i + 2] == b'e'
        && buf[i + 3] == b'm'
        && buf[i + 4] == 0
    {
        scope::adopt(
            pid,
            done.syscall as u16,
            done.inflight.ts_ns,
            open_flags,
            cfg,
        );
    }
}

/// `file_open(struct file *file)`, then the decision so far.
#[lsm(hook = "file_open")]
pub fn lsm_file_open(ctx: LsmContext) -> i32 {
    lsm::watch(&ctx, 1, note_real_open)
}

fn note_real_open(ctx: &LsmContext, cfg: &Config) -> Option<()> {
    let tid = bpf_get_current_pid_tgid() as u32;
    // An open syscall of a recorded thread is in progress: the scope check, and no name is
    // kept for the files the kernel opens on its own behalf (an exec's binary, its loader).
    // SAFETY: a map value read in place.
    let inflight = unsafe { &*inflight(tid)? };
    let syscall = SyscallId::from_raw(inflight.syscall)?;
    // mq_open's and open_by_handle_at's exit program (`file_exit`) takes no kernel name: none
    // is kept for them, or the thread's next open would find it and, the insert keeping the
    // first name, report it as that open's file.
    if syscall.kind() != EventKind::Open
        || matches!(syscall, SyscallId::MqOpen | SyscallId::OpenByHandleAt)
    {
        return None;
    }
    // The first name of this call is kept: an overlayfs open opens its backing file again
    // inside the same syscall, and the name the process sees is the first one. One another
    // call left (its exit never took it) is replaced.
    let real = real_slot(tid, inflight.ts_ns, true)?;
    let file: *const u8 = ctx.arg(0);
    // SAFETY: `file` is the hook's `struct file *`; `off_file_path` is its `f_path` member.
    unsafe { lsm::name_into(file.add(cfg.off_file_path as usize), real) };
    Some(())
}

crate::exit_programs!(file_exit, file_exit_raw, try_file_exit);

fn try_file_exit<C: SyscallContext>(ctx: &C) -> Option<()> {
    let done = complete(ctx)?;
    // An LSM path hook named the call's files themselves (`probes::file_lsm`): no directory
    // is walked, and the names are written as they are.
    let tid = bpf_get_current_pid_tgid() as u32;
    let ts = done.inflight.ts_ns;
    let hooked = by_hook(tid, ts) || by_hook(tid | crate::walk::SECOND, ts);
    if !hooked {
        name_dirs(&done);
    }
    emit_file(&done, config(), hooked)
}

/// Walks the directories the call's relative paths started from, before its record is built.
/// Called beside `emit_file`, not from it: Linux 6.1's verifier caps a call chain's stack at
/// 512 bytes, each frame rounded up to 32, and `emit_file` → `name_dir` → the `bpf_loop`
/// callback came to 544 there (kernels since 6.13 give tracing programs a private stack and
/// accept it, so only a 6.1 guest showed it). Not inlined, to keep its frame off both chains.
/// A call that names no file by a relative path (close, dup, fcntl: the hottest of the family)
/// touches no `REAL_PATHS` entry at all (see [`walks`]).
#[inline(never)]
fn name_dirs(done: &Completed) {
    let Some(l) = FILE_ARGS.get(done.syscall as u32) else {
        return;
    };
    if !walks(l) {
        return;
    }
    let tid = bpf_get_current_pid_tgid() as u32;
    if l.walk == WALK_RESULT {
        name_result(done, tid);
        return;
    }
    crate::walk::name_dir(done, l.walk, l.dirfd, l.path, tid);
    crate::walk::name_dir(done, l.walk2, l.dirfd2, l.path2, tid | crate::walk::SECOND);
}

/// open_by_handle_at (`WALK_RESULT`): its file, named by no path, is named by walking the
/// new fd, as `name_opened` names an open's, for `emit_file` to write as `real`. A failed
/// call names nothing; whatever a lost exit left under `tid` is removed.
#[inline(always)]
fn name_result(done: &Completed, tid: u32) {
    let cfg = config();
    if cfg.walk_paths == 0 {
        return;
    }
    let named = done.ret >= 0
        && real_slot(tid, done.inflight.ts_ns, false)
            .and_then(|real| {
                crate::walk::put_name(crate::walk::walk_fd(done.ret as i32, cfg), real)
            })
            .is_some();
    if !named {
        let _ = REAL_PATHS.remove(tid);
    }
}

/// `struct open_how` of openat2 (include/uapi/linux/openat2.h).
#[repr(C)]
struct OpenHow {
    flags: u64,
    mode: u64,
    resolve: u64,
}

/// Writes the open's record: with the name the LSM hook put in `REAL_PATHS` (`lsm_named`), or
/// the one `walk_opened` walked (`walked`, this CPU's walk, written straight into the record),
/// or with the syscall's path only.
fn emit_open(done: &Completed, cfg: &Config, tid: u32, lsm_named: bool, walked: u32) -> Option<()> {
    if lsm_named {
        if let Some(real) = real_of(tid, done.inflight.ts_ns) {
            let result = emit_open_as::<OpenRealData>(done, cfg, |d, hdr_flags| {
                // SAFETY: `d` is the reserved record's payload, `real` a map value.
                unsafe {
                    bpf_probe_read_kernel(
                        (&raw mut (*d).real).cast(),
                        size_of::<RealPath>() as u32,
                        real.cast(),
                    );
                    *hdr_flags |= flags::REAL_PATH;
                    if (*real).error != 0 {
                        *hdr_flags |= flags::REAL_PATH_UNNAMED;
                    }
                    &raw mut (*d).open
                }
            });
            let _ = REAL_PATHS.remove(tid);
            return result;
        }
    }
    if walked != crate::walk::NOT_WALKED {
        let (_, path) = open_dirfd_path(done);
        return emit_open_as::<OpenRealData>(done, cfg, |d, hdr_flags| {
            // SAFETY: `d` is the reserved record's payload.
            unsafe {
                let real = &raw mut (*d).real;
                (*real).len = 0;
                (*real).error = 0;
                if crate::walk::put_opened(walked, real, path).is_none() {
                    (*real).error = -EFAULT;
                }
                *hdr_flags |= flags::REAL_PATH;
                if (*real).error != 0 {
                    *hdr_flags |= flags::REAL_PATH_UNNAMED;
                }
                &raw mut (*d).open
            }
        });
    }
    emit_open_as::<OpenData>(done, cfg, |d, _| d)
}

/// The dirfd and path of an open family call, from its saved arguments.
#[inline(always)]
fn open_dirfd_path(done: &Completed) -> (i64, u64) {
    let a = &done.inflight.args;
    match done.syscall {
        SyscallId::Openat | SyscallId::Openat2 => (a[0] as i64, a[1]),
        _ => (AT_FDCWD, a[0]),
    }
}

/// Writes an open record whose payload `T` holds an `OpenData` that `open_part` points to
/// (after filling anything else of `T`).
#[inline(always)]
fn emit_open_as<T: 'static>(
    done: &Completed,
    cfg: &Config,
    open_part: impl FnOnce(*mut T, &mut u32) -> *mut OpenData,
) -> Option<()> {
    let a = done.inflight.args;
    let (dirfd, path, open_flags, mode, resolve) = match done.syscall {
        SyscallId::Open => (AT_FDCWD, a[0], a[1], a[2], 0),
        SyscallId::Openat => (a[0] as i64, a[1], a[2], a[3], 0),
        SyscallId::Openat2 => {
            // SAFETY: a user read checked by the helper. Unreadable, the open is still written,
            // flagged `read_failed`, with no flags.
            match unsafe { bpf_probe_read_user(a[2] as *const OpenHow) } {
                Ok(how) => (a[0] as i64, a[1], how.flags, how.mode, how.resolve),
                Err(_) => (a[0] as i64, a[1], 0, 0, u64::MAX),
            }
        }
        _ => (AT_FDCWD, a[0], O_CREAT | O_WRONLY | O_TRUNC, a[1], 0),
    };
    // SAFETY: `d` is the reserved record's payload.
    syscall_event::<T>(done, cfg, |t, hdr_flags| unsafe {
        let d = open_part(t, hdr_flags);
        if resolve == u64::MAX {
            *hdr_flags |= flags::READ_FAILED;
        }
        (*d).flags = open_flags;
        (*d).resolve = if resolve == u64::MAX { 0 } else { resolve };
        (*d).dirfd = dirfd as i32;
        (*d).mode = mode as u32;
        (*d)._pad = 0;
        zero(&raw mut (*d).path);
        let read = read_user_str(path, &raw mut (*d).path);
        (*d).path_len = read.len;
        note_str(hdr_flags, &read, flags::PATH_TRUNCATED);
        *hdr_flags |= check_entry(done, &raw const (*d).path, read.len);
    })
}

/// Whether a call of this layout walks a directory for either of its paths. One that walks
/// none neither puts nor takes a `REAL_PATHS` entry: a name left there by another call (an
/// open's) is tagged with that call's entry time, so it could never be taken for this one,
/// and the thread's end removes it. Without this, every close paid four hash deletes and two
/// lookups for names it never has (issue 16's open-storm profile).
#[inline(always)]
fn walks(l: &tracer_common::file::ArgLayout) -> bool {
    l.walk != 0 || l.walk2 != 0
}

/// `args[position]`, or 0 for an argument the syscall does not have: one bounds check and an
/// indexed read, not a branch per position (the verifier walks each branch).
#[inline(always)]
fn arg(a: &[u64; 6], position: u8) -> u64 {
    a.get(usize::from(position)).copied().unwrap_or(0)
}

fn emit_file(done: &Completed, cfg: &Config, hooked: bool) -> Option<()> {
    let Some(l) = FILE_ARGS.get(done.syscall as u32).copied() else {
        count(&LOST, done.syscall.kind());
        return None;
    };
    let a = &done.inflight.args;
    let (path, path2) = (arg(a, l.path), arg(a, l.path2));
    let tid = bpf_get_current_pid_tgid() as u32;
    let tid2 = tid | crate::walk::SECOND;
    let named = hooked || (cfg.walk_paths != 0 && walks(&l));
    let Some(scratch) = FILE_SCRATCH.get_ptr_mut(0) else {
        count(&LOST, done.syscall.kind());
        return None;
    };
    // Every file record is built with room for the walked directories (one code path for the
    // verifier); `real` and `real2` are written, flagged, and sent, only when a walk named
    // them: a record without `REAL_PATH` is the `FileData` alone.
    // SAFETY: `r` is the record's payload in this CPU's scratch.
    let result = syscall_event_sized::<FileRealData>(
        done,
        cfg,
        scratch,
        |r, hdr_flags| unsafe {
            let d = &raw mut (*r).file;
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
            if l.path2_raw != 0 {
                let n = read_user_bytes(path2, HANDLE_BYTES as u64, &raw mut (*d).path2);
                if n == 0 && path2 != 0 {
                    *hdr_flags |= flags::READ_FAILED;
                }
                (*d).path2_len = n;
            } else {
                let read2 = read_user_str(path2, &raw mut (*d).path2);
                (*d).path2_len = read2.len;
                note_str(hdr_flags, &read2, flags::PATH2_TRUNCATED);
            }
            // Last: the verifier carries the flags' three outcomes through the rest of the
            // program, and little is left of it here.
            if named {
                take_real(tid, done.inflight.ts_ns, &raw mut (*r).real, hdr_flags);
                take_real(tid2, done.inflight.ts_ns, &raw mut (*r).real2, hdr_flags);
                if hooked {
                    *hdr_flags |= flags::KERNEL_NAMED;
                }
            }
        },
        // SAFETY: the record just filled in `scratch`.
        |hdr_flags| unsafe { sent_len(&raw const (*scratch).data.file, hdr_flags) },
    );
    if named {
        let _ = REAL_PATHS.remove(tid);
        let _ = REAL_PATHS.remove(tid2);
    }
    result
}

/// Bytes of a file record to send (see [`FILE_SENT_MIN`]): all of it with the kernel's names;
/// without them, the `FileData` alone, or only up to the path's NUL when `path2` is empty
/// (every close, dup and fcntl: 137 bytes of 648).
///
/// # Safety
/// `d` is the filled record's payload.
#[inline(always)]
unsafe fn sent_len(d: *const FileData, hdr_flags: u32) -> usize {
    if hdr_flags & flags::REAL_PATH != 0 {
        return size_of::<Event<FileRealData>>();
    }
    // SAFETY: the caller's `d`.
    let (path_len, path2_len) = unsafe { ((*d).path_len, (*d).path2_len) };
    if path2_len != 0 {
        return size_of::<Event<FileData>>();
    }
    // `path_len` is below PATH_CAP (a power of two): the mask only shows the verifier so.
    FILE_SENT_MIN + (path_len as usize & (PATH_CAP - 1))
}

/// Copies the name this call's walk (the call that entered at `ts_ns`) put under `key` into
/// a record's `dst`, and flags the record: `REAL_PATH`, and `REAL_PATH_UNNAMED` when the walk
/// failed. Without one, `dst` is empty (`len` 0).
///
/// # Safety
/// `dst` is in the record being written.
#[inline(always)]
unsafe fn take_real(key: u32, ts_ns: u64, dst: *mut RealPath, hdr_flags: &mut u32) {
    // SAFETY: the caller's `dst`; `real` is a map value.
    unsafe {
        (*dst).len = 0;
        (*dst).error = 0;
        if let Some(real) = real_of(key, ts_ns) {
            bpf_probe_read_kernel(dst.cast(), size_of::<RealPath>() as u32, real.cast());
            *hdr_flags |= flags::REAL_PATH;
            if (*real).error != 0 {
                *hdr_flags |= flags::REAL_PATH_UNNAMED;
            }
        }
    }
}
