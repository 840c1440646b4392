//! Kernel names of the files a path call (not an open) acts on, taken in the LSM path hooks
//! at the moment the kernel acts (issue 11, round 10's `f10_swap_*`).
//!
//! The exit program (`probes::file`) names a call's relative paths by walking the directory
//! they started from, and userspace looks the rest up on the host as the record arrives: a
//! symlink on the way that is swapped back right after the call (microseconds) leads that
//! lookup to a decoy. Where the kernel runs BPF LSM programs (the Debian guest; not this
//! host, where they do not load), the `path_*` hooks of `CONFIG_SECURITY_PATH` get the very
//! `struct path` / parent `struct path` and dentry the call is about to change, after the
//! kernel resolved every link: `path_chmod(path, mode)`, `path_chown(path, uid, gid)`,
//! `path_truncate(path)`, `path_mkdir(dir, dentry, mode)`, `path_mknod(dir, dentry, mode,
//! dev)`, `path_rmdir(dir, dentry)`, `path_unlink(dir, dentry)`, `path_symlink(dir, dentry,
//! old_name)`, `path_link(old_dentry, new_dir, new_dentry)` and `path_rename(old_dir,
//! old_dentry, new_dir, new_dentry, flags)` (Linux 5.19+; the argument lists as in the
//! guest's BTF). `bpf_d_path` is not allowed in these (not sleepable): the dentry is walked
//! with `crate::walk` on the directory's mount, and the name put in `REAL_PATHS` marked
//! `by_hook`, under the keys of the call's first and second path (`walk::SECOND`) as the
//! syscall's `FILE_ARGS` layout orders them. `file_exit` then skips its directory walks and
//! writes the names as `real`/`real2`, flagged `KERNEL_NAMED`.
//!
//! A name is kept only for a recorded syscall of the hook's kind in progress on this thread
//! (an AF_UNIX bind's mknod, an `O_TRUNC` open's truncate, an io_uring worker's op are not
//! these calls), and only when every path of the call was named whole: otherwise nothing is
//! kept and the call is named as before (its directories' walk and the host lookup).
//! io_uring's path operations run in the ring's worker threads, with no syscall in progress:
//! they keep their submission-time record and lookup.

use aya_ebpf::{
    helpers::{bpf_get_current_pid_tgid, bpf_probe_read_kernel},
    macros::lsm,
    programs::LsmContext,
};
use tracer_common::{Config, EventKind, SyscallId};

use crate::{
    lsm,
    maps::{REAL_PATHS, hook_slot, inflight},
    walk::{NAMED, SECOND, put_name, walk_dentry},
};

/// The call this hook runs in: a recorded syscall of a kind `ok` accepts, in progress on this
/// thread. Its thread id and entry time.
#[inline(always)]
fn call_of(ok: impl Fn(SyscallId) -> bool) -> Option<(u32, u64)> {
    let tid = bpf_get_current_pid_tgid() as u32;
    // SAFETY: a map value read in place.
    let call = unsafe { &*inflight(tid)? };
    let syscall = SyscallId::from_raw(call.syscall)?;
    ok(syscall).then_some((tid, call.ts_ns))
}

#[inline(always)]
fn kread(addr: u64) -> Option<u64> {
    // SAFETY: bpf_probe_read_kernel checks the address; a bad read returns an error.
    unsafe { bpf_probe_read_kernel(addr as *const u64) }.ok()
}

/// The dentry of the `struct path` at `path`, or `dentry` when one is given, and the path's
/// mount.
#[inline(always)]
fn target(path: u64, dentry: u64, cfg: &Config) -> Option<(u64, u64)> {
    let mnt = kread(path + u64::from(cfg.off_path_mnt))?;
    let d = if dentry != 0 {
        dentry
    } else {
        kread(path + u64::from(cfg.off_path_dentry))?
    };
    Some((d, mnt))
}

/// Walks `dentry` on `mnt` into a `by_hook` entry under `key` for the call at `ts_ns`. `None`
/// (and the entry removed) unless the walk named it whole.
#[inline(never)]
fn name_one(key: u32, ts_ns: u64, dentry: u64, mnt: u64) -> Option<()> {
    let cfg = crate::maps::config();
    let status = walk_dentry(dentry, mnt, cfg);
    if status != NAMED {
        let _ = REAL_PATHS.remove(key);
        return None;
    }
    let real = hook_slot(key, ts_ns)?;
    put_name(status, real)
}

/// Names a one-path call's file: the `struct path` at `path` (`dentry` 0), or `dentry` in the
/// directory `path`. `second`: the call's `FILE_ARGS` has it as its second path (symlink's
/// new name).
#[inline(always)]
fn name_single(
    ok: impl Fn(SyscallId) -> bool,
    path: u64,
    dentry: u64,
    second: bool,
    cfg: &Config,
) -> Option<()> {
    if cfg.walk_paths == 0 {
        return None;
    }
    let (tid, ts_ns) = call_of(ok)?;
    let (d, mnt) = target(path, dentry, cfg)?;
    let key = if second { tid | SECOND } else { tid };
    name_one(key, ts_ns, d, mnt)
}

/// Names a two-path call's files (rename's, link's): both, or neither.
#[inline(always)]
fn name_pair(
    ok: impl Fn(SyscallId) -> bool,
    (d1, m1): (u64, u64),
    (d2, m2): (u64, u64),
    cfg: &Config,
) -> Option<()> {
    if cfg.walk_paths == 0 {
        return None;
    }
    let (tid, ts_ns) = call_of(ok)?;
    name_one(tid, ts_ns, d1, m1)?;
    if name_one(tid | SECOND, ts_ns, d2, m2).is_none() {
        let _ = REAL_PATHS.remove(tid);
        return None;
    }
    Some(())
}

/// `path_chmod(const struct path *path, umode_t mode)`, then the decision so far.
#[lsm(hook = "path_chmod")]
pub fn lsm_path_chmod(ctx: LsmContext) -> i32 {
    lsm::watch(&ctx, 2, |ctx, cfg| {
        name_single(|s| s.kind() == EventKind::Chmod, ctx.arg(0), 0, false, cfg)
    })
}

/// `path_chown(const struct path *path, kuid_t uid, kgid_t gid)`.
#[lsm(hook = "path_chown")]
pub fn lsm_path_chown(ctx: LsmContext) -> i32 {
    lsm::watch(&ctx, 3, |ctx, cfg| {
        name_single(|s| s.kind() == EventKind::Chown, ctx.arg(0), 0, false, cfg)
    })
}

/// `path_truncate(const struct path *path)`: truncate and ftruncate (an `O_TRUNC` open's is
/// the open's, named by `file_open`).
#[lsm(hook = "path_truncate")]
pub fn lsm_path_truncate(ctx: LsmContext) -> i32 {
    lsm::watch(&ctx, 1, |ctx, cfg| {
        name_single(
            |s| s.kind() == EventKind::Truncate,
            ctx.arg(0),
            0,
            false,
            cfg,
        )
    })
}

/// `path_mkdir(const struct path *dir, struct dentry *dentry, umode_t mode)`.
#[lsm(hook = "path_mkdir")]
pub fn lsm_path_mkdir(ctx: LsmContext) -> i32 {
    lsm::watch(&ctx, 3, |ctx, cfg| {
        name_single(
            |s| s.kind() == EventKind::Mkdir,
            ctx.arg(0),
            ctx.arg(1),
            false,
            cfg,
        )
    })
}

/// `path_mknod(const struct path *dir, struct dentry *dentry, umode_t mode, unsigned int
/// dev)`: mknod(at) only (an AF_UNIX bind's socket file is the bind's).
#[lsm(hook = "path_mknod")]
pub fn lsm_path_mknod(ctx: LsmContext) -> i32 {
    lsm::watch(&ctx, 4, |ctx, cfg| {
        name_single(
            |s| s.kind() == EventKind::Mknod,
            ctx.arg(0),
            ctx.arg(1),
            false,
            cfg,
        )
    })
}

/// `path_rmdir(const struct path *dir, struct dentry *dentry)`: rmdir, unlinkat(AT_REMOVEDIR).
#[lsm(hook = "path_rmdir")]
pub fn lsm_path_rmdir(ctx: LsmContext) -> i32 {
    lsm::watch(&ctx, 2, |ctx, cfg| {
        name_single(
            |s| matches!(s, SyscallId::Rmdir | SyscallId::Unlinkat),
            ctx.arg(0),
            ctx.arg(1),
            false,
            cfg,
        )
    })
}

/// `path_unlink(const struct path *dir, struct dentry *dentry)`: unlink(at) (mq_unlink calls
/// no such hook).
#[lsm(hook = "path_unlink")]
pub fn lsm_path_unlink(ctx: LsmContext) -> i32 {
    lsm::watch(&ctx, 2, |ctx, cfg| {
        name_single(
            |s| matches!(s, SyscallId::Unlink | SyscallId::Unlinkat),
            ctx.arg(0),
            ctx.arg(1),
            false,
            cfg,
        )
    })
}

/// `path_symlink(const struct path *dir, struct dentry *dentry, const char *old_name)`: the
/// new name, the call's second path (the first is the link's text).
#[lsm(hook = "path_symlink")]
pub fn lsm_path_symlink(ctx: LsmContext) -> i32 {
    lsm::watch(&ctx, 3, |ctx, cfg| {
        name_single(
            |s| s.kind() == EventKind::Symlink,
            ctx.arg(0),
            ctx.arg(1),
            true,
            cfg,
        )
    })
}

/// `path_link(struct dentry *old_dentry, const struct path *new_dir, struct dentry
/// *new_dentry)`: the old file (on the new directory's mount: a link across mounts fails
/// with EXDEV before the hook) and the new name.
#[lsm(hook = "path_link")]
pub fn lsm_path_link(ctx: LsmContext) -> i32 {
    lsm::watch(&ctx, 3, |ctx, cfg| {
        let new_dir: u64 = ctx.arg(1);
        let mnt = kread(new_dir + u64::from(cfg.off_path_mnt))?;
        name_pair(
            |s| s.kind() == EventKind::Link,
            (ctx.arg(0), mnt),
            (ctx.arg(2), mnt),
            cfg,
        )
    })
}

/// `path_rename(const struct path *old_dir, struct dentry *old_dentry, const struct path
/// *new_dir, struct dentry *new_dentry, unsigned int flags)`: one call for an exchange too.
#[lsm(hook = "path_rename")]
pub fn lsm_path_rename(ctx: LsmContext) -> i32 {
    lsm::watch(&ctx, 5, |ctx, cfg| {
        let from = target(ctx.arg(0), ctx.arg(1), cfg)?;
        let to = target(ctx.arg(2), ctx.arg(3), cfg)?;
        name_pair(|s| s.kind() == EventKind::Rename, from, to, cfg)
    })
}
