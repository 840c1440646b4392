//! Naming a file an open opened from the kernel's own `struct file`, where no LSM hook names
//! it, and the directories relative paths start from (issue 11).
//!
//! Userspace names such an open by the directory's name when its fd was opened or the cwd
//! entered; a process outside the recording that renames that directory afterwards makes that
//! name stale, and a file created "inside" an allowed directory really lands outside it. Here
//! `open_exit` takes the new fd's `f_path` (dentry and vfsmount) and walks `d_parent` up to
//! the process's root (`current->fs->root`), crossing mounts through the `struct mount` around
//! each vfsmount (`mnt_parent`, `mnt_mountpoint`), as the kernel's `d_path` and Tracee's
//! `get_path_str` do. The name is built backwards in a per-CPU buffer with masked offsets and
//! put in `REAL_PATHS`, where the LSM `file_open` program puts its name: `emit_open` writes it
//! the same way, as the record's `real` path; a failed open by a relative path is named by
//! the directory it was relative to, walked the same way, and the path given after it: the
//! file it tried. `file_exit` walks, the same way, the directories the relative paths of a
//! call that names files started from (the dirfd's `f_path`, or `current->fs->pwd`): both
//! sides of rename(at)(2) and link(at), a symlink's new name, and the one path of mkdir(at),
//! mknod(at), unlink(at), rmdir, the chmod and chown families, truncate, the utime calls, the
//! path xattr calls and file_setattr (userspace's `FILE_ARGS` table says which), whether or
//! not the call succeeded, and writes them for userspace to join with the paths given
//! ([`name_dir`]). A chdir's walk, at its exit, is of the new cwd itself.
//!
//! The steps run in a `bpf_loop` callback (Linux 5.17+), which the verifier checks once, not
//! once per step. Reads are not under `rename_lock`: a rename racing with the walk can give a
//! name that mixes before and after. A name longer than [`PATH_CAP`] - 1 bytes or deeper than
//! [`WALK_DEPTH`] components, an unreadable step, and a walk that reaches a mount that is its
//! own parent without passing the process's root (a detached `open_tree` clone or lazily
//! unmounted tree, which would read as if from `/`; a dirfd or cwd outside a chroot) leave
//! the record `real_path_unnamed` (flagged and counted as truncated), never a partial or
//! misplaced name. Every successful open is walked, absolute paths too: a symlink in one
//! (`/allowed/lnk/x`, lnk → a directory elsewhere) or a magic link (`/proc/self/fd/N/x`,
//! relative to fd N) puts the file somewhere its path does not say. An io_uring
//! `IORING_OP_OPENAT`/`OPENAT2` is walked at its completion ([`walk_fd`]).

use core::ffi::c_void;

use aya_ebpf::{
    helpers::{
        bpf_probe_read_kernel, bpf_probe_read_user,
        generated::{bpf_get_current_task, bpf_loop},
    },
    macros::map,
    maps::PerCpuArray,
};
use tracer_common::{Config, PATH_CAP, RealPath, SyscallId, file::NO_ARG};

use crate::{
    maps::{REAL_PATHS, config, real_slot},
    probes::syscalls::Completed,
};

/// Components walked at most (mount crossings count as one each).
const WALK_DEPTH: u32 = 64;
/// `PATH_CAP - 1`: offsets into the buffer are masked with it to prove them in bounds.
const MASK: u32 = PATH_CAP as u32 - 1;
const WALKING: u32 = 0;
const DONE: u32 = 1;
const TOO_LONG: u32 = 2;
const UNREADABLE: u32 = 3;
/// The walk met a mount that is its own parent without passing the process's root.
const UNREACHABLE: u32 = 4;
const ENAMETOOLONG: i32 = 36;
/// The error of an unreachable name (the kernel's d_path says "(unreachable)").
const EXDEV: i32 = 18;
const EFAULT: i32 = 14;
const EBADF: i64 = 9;
const AT_FDCWD: i32 = -100;

/// One walk in progress per CPU: the programs that walk run with migration disabled and do
/// not nest on one CPU.
#[repr(C)]
pub struct Walk {
    dentry: u64,
    vfsmnt: u64,
    /// `vfsmnt`'s `mnt_root`: read when the walk starts and when it crosses a mount, not at
    /// every step.
    mnt_root: u64,
    root_dentry: u64,
    root_mnt: u64,
    /// Where the name built so far starts in `buf` (`PATH_CAP`: nothing yet).
    off: u32,
    status: u32,
    /// Two `PATH_CAP` halves: the name is built in the first, backwards from its end; a
    /// masked write that starts in the first may run into the second.
    buf: [u8; 2 * PATH_CAP],
}

#[map]
static WALKS: PerCpuArray<Walk> = PerCpuArray::with_max_entries(1, 0);

#[inline(always)]
fn kread<T>(addr: u64) -> Option<T> {
    // SAFETY: bpf_probe_read_kernel checks the address; a bad read returns an error.
    unsafe { bpf_probe_read_kernel(addr as *const T) }.ok()
}

/// What [`walk_opened`] did: nothing to name ([`NOT_WALKED`]), or a walk's status, with
/// [`JOINED`] when it walked the directory of a failed open's relative path.
pub const NOT_WALKED: u32 = u32::MAX;
pub const JOINED: u32 = 1 << 16;

/// Walks, into this CPU's [`Walk`], what names the file an open opened: of a successful open
/// (any path), the new fd's (`done.ret`) own path; of a failed one by a relative path, the
/// directory it was relative to (the dirfd's, or the cwd's), to be joined with the path given
/// ([`put_opened`]): the file it tried to open. Called only where no LSM hook named the call.
/// `open_exit` writes the result straight into its record with [`put_opened`], in the same
/// program run: the walk is this CPU's until the program ends. (It used to go through a
/// `REAL_PATHS` entry, an LRU insert of a 272-byte template, a lookup, a 264-byte copy and a
/// delete per open: issue 16's open-storm profile.)
/// Not inlined: its frame is not `open_exit`'s.
#[inline(never)]
pub fn walk_opened(done: &Completed, cfg: &Config) -> u32 {
    // EBADF: no directory to walk (a dirfd not open).
    if cfg.walk_paths == 0 || done.ret == -EBADF {
        return NOT_WALKED;
    }
    let a = &done.inflight.args;
    let (dirfd, path) = match done.syscall {
        SyscallId::Openat | SyscallId::Openat2 => (a[0] as i32, a[1]),
        SyscallId::Open | SyscallId::Creat => (AT_FDCWD, a[0]),
        _ => return NOT_WALKED,
    };
    // Every successful open is walked from its new fd, whatever its path: an absolute one
    // may go through a symlink to a directory elsewhere (`/allowed/lnk/x`, lnk → /outside),
    // a magic link (`/proc/self/fd/N/x` is relative to fd N, whose name in the fd table a
    // rename makes stale; `/proc/PID/root/x`), or, with openat2's RESOLVE_IN_ROOT, start at
    // the dirfd. A failed one is named only by a relative path (its directory's walk and the
    // path given); an absolute or empty one names nothing more than the path read.
    if done.ret >= 0 {
        return walk(done.ret as i32, cfg);
    }
    // SAFETY: a user read checked by the helper.
    match unsafe { bpf_probe_read_user(path as *const u8) } {
        Ok(first) if first != 0 && first != b'/' => walk(dirfd, cfg) | JOINED,
        _ => NOT_WALKED,
    }
}

/// Writes [`walk_opened`]'s result (`walked`, not [`NOT_WALKED`]) into `real`, a record's:
/// the name walked, or, with [`JOINED`], the directory walked joined with `path`, the path the
/// failed open was given (read again).
#[inline(always)]
pub fn put_opened(walked: u32, real: *mut RealPath, path: u64) -> Option<()> {
    if walked & JOINED != 0 {
        put_joined(walked & !JOINED, real, path)
    } else {
        put_name(walked, real)
    }
}

/// The `REAL_PATHS` key of a call's second path (`path2`, relative to `dirfd2`): the thread's
/// id with the top bit set, which no tid has (`PID_MAX_LIMIT` is 2^22).
pub const SECOND: u32 = 1 << 31;

/// Puts the kernel's name of the directory a call's relative path started from (its dirfd's,
/// or the cwd's) in `REAL_PATHS` under `key` (the thread's id, `| SECOND` for the second
/// path), walked at the call's exit, for `file_exit` to write as the record's `real`
/// (`real2`) directory; userspace joins the path to it. `walk`, `dirfd_arg` and `path_arg`
/// are the path's side of the call's `FILE_ARGS` entry: whether that path names a file
/// relative to a directory, where the dirfd is in the arguments ([`NO_ARG`] for a call
/// relative to the cwd), and where the path is. A failed call is walked too: it names the
/// file the call tried to create, remove or change. Any other entry of `key` is removed, so
/// that `file_exit` never takes one an open left. Not inlined: its frame and its branches are
/// not `file_exit`'s.
#[inline(never)]
pub fn name_dir(done: &Completed, walk: u8, dirfd_arg: u8, path_arg: u8, key: u32) {
    let cfg = config();
    if cfg.walk_paths != 0 && (walk == 0 || walk_dir(done, dirfd_arg, path_arg, key, cfg).is_none())
    {
        let _ = REAL_PATHS.remove(key);
    }
}

#[inline(always)]
fn walk_dir(done: &Completed, dirfd_arg: u8, path_arg: u8, key: u32, cfg: &Config) -> Option<()> {
    // EBADF: no directory to walk (a dirfd not open).
    if done.ret == -EBADF {
        return None;
    }
    let path = *done.inflight.args.get(usize::from(path_arg))?;
    // An absolute path needs no directory; an empty one (AT_EMPTY_PATH) names the dirfd's own
    // file, which userspace names from its fd table; a NULL one (utimensat's) names the fd's.
    // SAFETY: a user read checked by the helper.
    let first: u8 = unsafe { bpf_probe_read_user(path as *const u8) }.ok()?;
    if first == b'/' || first == 0 {
        return None;
    }
    let dirfd = match done.inflight.args.get(usize::from(dirfd_arg)) {
        Some(&fd) if dirfd_arg != NO_ARG => fd as i32,
        _ => AT_FDCWD,
    };
    // No LSM hook names these calls: whatever a lost exit left under this key is replaced.
    let real = real_slot(key, done.inflight.ts_ns, false)?;
    let status = walk(dirfd, cfg);
    put_name(status, real)
}

/// The status of a walk not done: the fd is in another task's table (`-ESRCH`).
pub const ELSEWHERE: u32 = 5;
const ESRCH: i32 = 3;

/// Walks fd `fd` of the current task's table into this CPU's [`Walk`] (an io_uring open's
/// completion, `crate::probes::io_uring`); [`put_name`] copies the result. Not inlined: its
/// frame is not the caller's.
#[inline(never)]
pub fn walk_fd(fd: i32, cfg: &Config) -> u32 {
    walk(fd, cfg)
}

/// Walks the `struct file` at `file` (the new image's, `crate::probes::process`) into this
/// CPU's [`Walk`]; [`put_name`] copies the result. Not inlined: its frame is not the caller's.
#[inline(never)]
pub fn walk_file(file: u64, cfg: &Config) -> u32 {
    start_file(file, cfg).unwrap_or(UNREADABLE)
}

#[inline(always)]
fn start_file(file: u64, cfg: &Config) -> Option<u32> {
    // SAFETY: a helper without pointer arguments.
    let task = unsafe { bpf_get_current_task() };
    let fs: u64 = kread(task + u64::from(cfg.off_task_fs))?;
    if fs == 0 {
        return None;
    }
    run(fs, file + u64::from(cfg.off_file_path), cfg)
}

/// Walks the dentry at `dentry` on the vfsmount at `vfsmnt` (an LSM path hook's file: the
/// hook's `struct path`'s, or its directory's mount with the new or old dentry in it,
/// `crate::probes::file_lsm`) into this CPU's [`Walk`]; [`put_name`] copies the result, which
/// [`DONE`] says is whole. Not inlined: its frame is not the caller's.
#[inline(never)]
pub fn walk_dentry(dentry: u64, vfsmnt: u64, cfg: &Config) -> u32 {
    start_dentry(dentry, vfsmnt, cfg).unwrap_or(UNREADABLE)
}

/// The status of a finished walk that named its file ([`walk_dentry`]).
pub const NAMED: u32 = DONE;

#[inline(always)]
fn start_dentry(dentry: u64, vfsmnt: u64, cfg: &Config) -> Option<u32> {
    // SAFETY: a helper without pointer arguments.
    let task = unsafe { bpf_get_current_task() };
    let fs: u64 = kread(task + u64::from(cfg.off_task_fs))?;
    if fs == 0 || dentry == 0 || vfsmnt == 0 {
        return None;
    }
    run_at(fs, dentry, vfsmnt, cfg)
}

/// Copies this CPU's finished walk (`status`) into `real`, or its error.
#[inline(always)]
pub fn put_name(status: u32, real: *mut RealPath) -> Option<()> {
    let w = WALKS.get_ptr_mut(0)?;
    // SAFETY: `real` is this thread's map value, `w` this CPU's; the copy is bounded by MASK
    // on both sides (`off` ≥ 1, so at most PATH_CAP - 1 bytes, leaving the NUL).
    unsafe {
        match status {
            DONE if (*w).off >= PATH_CAP as u32 => {
                (*real).path[0] = b'/';
                (*real).len = 1;
                (*real).error = 0;
            }
            DONE => {
                let off = (*w).off & MASK;
                let len = (PATH_CAP as u32 - off) & MASK;
                aya_ebpf::helpers::generated::bpf_probe_read_kernel(
                    (&raw mut (*real).path).cast(),
                    len,
                    (&raw const (*w).buf).cast::<u8>().add(off as usize).cast(),
                );
                (*real).len = len;
                (*real).error = 0;
            }
            TOO_LONG | WALKING => (*real).error = -ENAMETOOLONG,
            UNREACHABLE => (*real).error = -EXDEV,
            ELSEWHERE => (*real).error = -ESRCH,
            _ => (*real).error = -EFAULT,
        }
    }
    Some(())
}

/// Copies this CPU's finished walk of a directory (`status`) into `real` with `/` and the
/// path `path` (relative to it) after it: the name of the file a failed open tried. The path
/// is read into the second half of the buffer, just after the directory's name, and the
/// whole copied at once. Too long for `PATH_CAP` - 1 bytes: `-ENAMETOOLONG`, no name.
#[inline(always)]
fn put_joined(status: u32, real: *mut RealPath, path: u64) -> Option<()> {
    if status != DONE {
        return put_name(status, real);
    }
    let w = WALKS.get_ptr_mut(0)?;
    // SAFETY: `w` is this CPU's slot: the read writes `PATH_CAP` - 1 bytes from `PATH_CAP` + 1,
    // the end of `buf`; the copy into `real` is bounded by MASK (at most PATH_CAP - 1 bytes,
    // leaving the NUL), and its source, `off` + that, stays in `buf`.
    unsafe {
        let buf = (&raw mut (*w).buf).cast::<u8>();
        // Counts the NUL.
        let n = aya_ebpf::helpers::generated::bpf_probe_read_user_str(
            buf.add(PATH_CAP + 1).cast(),
            PATH_CAP as u32 - 1,
            path as *const c_void,
        );
        if n <= 0 {
            (*real).error = -EFAULT;
            return Some(());
        }
        *buf.add(PATH_CAP) = b'/';
        // The root directory's name is empty here: `/` and the path are the whole name.
        let off = if (*w).off >= PATH_CAP as u32 {
            PATH_CAP as u32
        } else {
            (*w).off
        };
        // The directory's bytes, `/`, and the path's without its NUL.
        let len = PATH_CAP as u32 - off + n as u32;
        if len >= PATH_CAP as u32 {
            (*real).error = -ENAMETOOLONG;
            return Some(());
        }
        // Read back through memory: the compiler, knowing `len` < PATH_CAP here, would drop
        // the mask, and the verifier cannot follow the subtraction to that bound.
        let len = core::ptr::read_volatile(&len) & MASK;
        aya_ebpf::helpers::generated::bpf_probe_read_kernel(
            (&raw mut (*real).path).cast(),
            len,
            buf.add(off as usize).cast(),
        );
        (*real).len = len;
        (*real).error = 0;
    }
    Some(())
}

/// Walks fd `fd`'s path (the cwd's for `AT_FDCWD`) into this CPU's [`Walk`]; returns its
/// status.
#[inline(always)]
fn walk(fd: i32, cfg: &Config) -> u32 {
    start(fd, cfg).unwrap_or(UNREADABLE)
}

#[inline(always)]
fn start(fd: i32, cfg: &Config) -> Option<u32> {
    // SAFETY: a helper without pointer arguments.
    let task = unsafe { bpf_get_current_task() };
    let fs: u64 = kread(task + u64::from(cfg.off_task_fs))?;
    if fs == 0 {
        return None;
    }
    let f_path = if fd == AT_FDCWD {
        fs + u64::from(cfg.off_fs_pwd)
    } else {
        let (file, _) = crate::task::file_of(cfg, fd)?;
        file + u64::from(cfg.off_file_path)
    };
    run(fs, f_path, cfg)
}

/// Walks the `struct path` at `f_path` up to the root of the task's `fs` (`fs`) into this
/// CPU's [`Walk`]; returns its status.
#[inline(always)]
fn run(fs: u64, f_path: u64, cfg: &Config) -> Option<u32> {
    let dentry = kread(f_path + u64::from(cfg.off_path_dentry))?;
    let vfsmnt = kread(f_path + u64::from(cfg.off_path_mnt))?;
    run_at(fs, dentry, vfsmnt, cfg)
}

/// Walks `dentry` on `vfsmnt` up to the root of the task's `fs` (`fs`) into this CPU's
/// [`Walk`]; returns its status.
#[inline(always)]
fn run_at(fs: u64, dentry: u64, vfsmnt: u64, cfg: &Config) -> Option<u32> {
    let root = fs + u64::from(cfg.off_fs_root);
    let w = WALKS.get_ptr_mut(0)?;
    // SAFETY: this CPU's slot.
    unsafe {
        (*w).dentry = dentry;
        (*w).vfsmnt = vfsmnt;
        (*w).mnt_root = kread(vfsmnt + u64::from(cfg.off_vfsmount_root))?;
        (*w).root_dentry = kread(root + u64::from(cfg.off_path_dentry))?;
        (*w).root_mnt = kread(root + u64::from(cfg.off_path_mnt))?;
        (*w).off = PATH_CAP as u32;
        (*w).status = WALKING;
        bpf_loop(
            WALK_DEPTH,
            step as *const () as *mut c_void,
            core::ptr::null_mut(),
            0,
        );
        Some((*w).status)
    }
}

/// `bpf_loop`'s callback, `long (*)(u64 index, void *ctx)`: 0 to go on, 1 to stop.
extern "C" fn step(_index: u64, _ctx: *mut c_void) -> i64 {
    let Some(w) = WALKS.get_ptr_mut(0) else {
        return 1;
    };
    if step_once(w).is_none() {
        // SAFETY: this CPU's slot.
        unsafe { (*w).status = UNREADABLE };
    }
    // SAFETY: as above.
    if unsafe { (*w).status } == WALKING {
        0
    } else {
        1
    }
}

/// One component: prepends `/NAME` of the current dentry and moves to its parent, or crosses
/// to the mount below, or ends the walk (`status`). `None`: a read failed.
#[inline(always)]
fn step_once(w: *mut Walk) -> Option<()> {
    let cfg = config();
    // SAFETY: `w` is this CPU's slot; every kernel read is checked by the helper.
    unsafe {
        let dentry = (*w).dentry;
        let vfsmnt = (*w).vfsmnt;
        if dentry == (*w).root_dentry && vfsmnt == (*w).root_mnt {
            (*w).status = DONE;
            return Some(());
        }
        let mnt_root = (*w).mnt_root;
        let (parent, len, name) = dentry_head(dentry, cfg)?;
        if dentry == mnt_root || dentry == parent {
            // The top of a mount (or a dentry cut from its tree): go on from where the mount
            // is mounted. A mount that is its own parent is the namespace's root mount, a
            // detached one (an `open_tree` clone, a tree unmounted with MNT_DETACH) or one
            // not attached yet, and a dentry cut from its tree has escaped: reached without
            // passing the process's root (checked above), the name would read as if from a
            // `/` the file is not below (d_path's "unreachable" and its names outside a
            // chroot). None is given.
            let mnt = vfsmnt.wrapping_sub(u64::from(cfg.off_mount_mnt));
            let mnt_parent: u64 = kread(mnt + u64::from(cfg.off_mount_parent))?;
            if dentry != mnt_root || mnt_parent == mnt || mnt_parent == 0 {
                (*w).status = UNREACHABLE;
                return Some(());
            }
            let vfsmnt = mnt_parent + u64::from(cfg.off_mount_mnt);
            (*w).dentry = kread(mnt + u64::from(cfg.off_mount_mountpoint))?;
            (*w).mnt_root = kread(vfsmnt + u64::from(cfg.off_vfsmount_root))?;
            (*w).vfsmnt = vfsmnt;
            return Some(());
        }
        let off = (*w).off;
        // Room for `/NAME` with the name kept at most PATH_CAP - 1 bytes (`off` stays ≥ 1).
        if len == 0 || len + 1 >= off {
            (*w).status = TOO_LONG;
            return Some(());
        }
        let new = (off - len - 1) & MASK;
        let buf = (&raw mut (*w).buf).cast::<u8>();
        let at = (new + 1) & MASK;
        if aya_ebpf::helpers::generated::bpf_probe_read_kernel(
            buf.add(at as usize).cast(),
            len & MASK,
            name as *const c_void,
        ) != 0
        {
            return None;
        }
        // An O_TMPFILE file's dentry is named "/" under its directory: the directory is its name.
        if !(len == 1 && *buf.add(at as usize) == b'/') {
            *buf.add(new as usize) = b'/';
            (*w).off = new;
        }
        (*w).dentry = parent;
    }
    Some(())
}

/// `d_parent` and `d_name` (`struct qstr`: `hash`, `len`, `name`) as they lie in `struct
/// dentry`, one after the other (6.1 and 6.18 among others); [`dentry_head`] checks the
/// offsets userspace took from the kernel's BTF before it reads them as one.
#[repr(C)]
#[derive(Clone, Copy)]
struct DentryHead {
    parent: u64,
    hash: u32,
    len: u32,
    name: u64,
}

/// A dentry's parent, name length and name pointer: one read of [`DentryHead`] where the
/// kernel's offsets are laid out so (the walk's hottest step took three reads), three reads
/// elsewhere.
#[inline(always)]
fn dentry_head(dentry: u64, cfg: &Config) -> Option<(u64, u32, u64)> {
    let parent = cfg.off_dentry_parent;
    if cfg.off_dentry_name_len == parent + 12 && cfg.off_dentry_name == parent + 16 {
        let h: DentryHead = kread(dentry + u64::from(parent))?;
        return Some((h.parent, h.len, h.name));
    }
    Some((
        kread(dentry + u64::from(parent))?,
        kread(dentry + u64::from(cfg.off_dentry_name_len))?,
        kread(dentry + u64::from(cfg.off_dentry_name))?,
    ))
}
