//! File family records (see `tracer-ebpf/src/probes/file.rs`).

use tracer_common::{
    Event as RawEvent, EventKind, SyscallId,
    file::{
        ArgLayout, F_DUPFD, F_DUPFD_CLOEXEC, F_SETFD, F_SETPIPE_SZ, FILE_SENT_MIN, FileData,
        FileRealData, NO_ARG, OpenData, OpenRealData, WALK_RESULT,
    },
    flags::{KERNEL_NAMED, REAL_PATH},
};

use super::{
    Cx, DecodeError, bit_names, procs::Fd, real_name, text, view_record, view_record_prefix,
};
use crate::trace::{EventData, LookedUp, PathRef};

const AT_FDCWD: i32 = -100;
const AT_REMOVEDIR: u64 = 0x200;
const AT_SYMLINK_NOFOLLOW: u64 = 0x100;
const AT_SYMLINK_FOLLOW: u64 = 0x400;
const O_CLOEXEC: u64 = libc::O_CLOEXEC as u64;
const MFD_CLOEXEC: u64 = libc::MFD_CLOEXEC as u64;

/// `O_*` names, compound ones first so that `O_TMPFILE` is not shown as `O_DIRECTORY`.
const OPEN_FLAGS: &[(u64, &str)] = &[
    (libc::O_TMPFILE as u64, "O_TMPFILE"),
    (libc::O_SYNC as u64, "O_SYNC"),
    (libc::O_WRONLY as u64, "O_WRONLY"),
    (libc::O_RDWR as u64, "O_RDWR"),
    (libc::O_CREAT as u64, "O_CREAT"),
    (libc::O_EXCL as u64, "O_EXCL"),
    (libc::O_NOCTTY as u64, "O_NOCTTY"),
    (libc::O_TRUNC as u64, "O_TRUNC"),
    (libc::O_APPEND as u64, "O_APPEND"),
    (libc::O_NONBLOCK as u64, "O_NONBLOCK"),
    (libc::O_DSYNC as u64, "O_DSYNC"),
    (libc::O_DIRECT as u64, "O_DIRECT"),
    (libc::O_LARGEFILE as u64, "O_LARGEFILE"),
    (libc::O_DIRECTORY as u64, "O_DIRECTORY"),
    (libc::O_NOFOLLOW as u64, "O_NOFOLLOW"),
    (libc::O_NOATIME as u64, "O_NOATIME"),
    (libc::O_CLOEXEC as u64, "O_CLOEXEC"),
    (libc::O_PATH as u64, "O_PATH"),
];

/// Argument positions of the non-open file syscalls (`include/linux/syscalls.h`). The kernel side
/// copies `args[position]` by this table (the `FILE_ARGS` map); the decoder reads it back to know
/// which fields are real. `walk`/`walk2`: the path is a file's name relative to the dirfd (or
/// the cwd) that the exit names by walking that directory in the kernel (`real`/`real2`); not
/// a symlink's target (data), a queue's or a memfd's name.
pub fn arg_layout(id: SyscallId) -> Option<ArgLayout> {
    use SyscallId::*;
    let n = ArgLayout::NONE;
    let w = ArgLayout { walk: 1, ..n };
    let w2 = ArgLayout { walk2: 1, ..n };
    let both = ArgLayout {
        walk: 1,
        walk2: 1,
        ..n
    };
    Some(match id {
        // chdir: the walk at its exit is of the new cwd (userspace does not join).
        Unlink | Rmdir | Chdir => ArgLayout { path: 0, ..w },
        Unlinkat => ArgLayout {
            dirfd: 0,
            path: 1,
            flags: 2,
            ..w
        },
        Rename | Link => ArgLayout {
            path: 0,
            path2: 1,
            ..both
        },
        // The target is the link's contents, not a file this call names.
        Symlink => ArgLayout {
            path: 0,
            path2: 1,
            ..w2
        },
        Renameat => ArgLayout {
            dirfd: 0,
            path: 1,
            dirfd2: 2,
            path2: 3,
            ..both
        },
        Renameat2 | Linkat => ArgLayout {
            dirfd: 0,
            path: 1,
            dirfd2: 2,
            path2: 3,
            flags: 4,
            ..both
        },
        Symlinkat => ArgLayout {
            path: 0,
            dirfd2: 1,
            path2: 2,
            ..w2
        },
        Mkdir | Chmod => ArgLayout {
            path: 0,
            mode: 1,
            ..w
        },
        Mkdirat | Fchmodat => ArgLayout {
            dirfd: 0,
            path: 1,
            mode: 2,
            ..w
        },
        Fchmodat2 => ArgLayout {
            dirfd: 0,
            path: 1,
            mode: 2,
            flags: 3,
            ..w
        },
        Fchmod => ArgLayout {
            fd: 0,
            mode: 1,
            ..n
        },
        Chown | Lchown => ArgLayout {
            path: 0,
            uid: 1,
            gid: 2,
            ..w
        },
        Fchown => ArgLayout {
            fd: 0,
            uid: 1,
            gid: 2,
            ..n
        },
        Fchownat => ArgLayout {
            dirfd: 0,
            path: 1,
            uid: 2,
            gid: 3,
            flags: 4,
            ..w
        },
        Truncate => ArgLayout {
            path: 0,
            length: 1,
            ..w
        },
        Ftruncate => ArgLayout {
            fd: 0,
            length: 1,
            ..n
        },
        Mknod => ArgLayout {
            path: 0,
            mode: 1,
            dev: 2,
            ..w
        },
        Mknodat => ArgLayout {
            dirfd: 0,
            path: 1,
            mode: 2,
            dev: 3,
            ..w
        },
        MemfdCreate => ArgLayout {
            path: 0,
            flags: 1,
            ..n
        },
        Fchdir | Close | Dup | Dup2 => ArgLayout { fd: 0, ..n },
        // pidfd_open(pid, flags): the pid in `fd`.
        PidfdOpen => ArgLayout {
            fd: 0,
            flags: 1,
            ..n
        },
        Dup3 => ArgLayout {
            fd: 0,
            flags: 2,
            ..n
        },
        // fcntl(fd, cmd, arg): the command in `flags`, its argument in `length`.
        Fcntl => ArgLayout {
            fd: 0,
            flags: 1,
            length: 2,
            ..n
        },
        CloseRange => ArgLayout {
            fd: 0,
            length: 1,
            flags: 2,
            ..n
        },
        Setxattr | Lsetxattr => ArgLayout {
            path: 0,
            path2: 1,
            length: 3,
            flags: 4,
            ..w
        },
        Fsetxattr => ArgLayout {
            fd: 0,
            path2: 1,
            length: 3,
            flags: 4,
            ..n
        },
        Setxattrat | Removexattrat => ArgLayout {
            dirfd: 0,
            path: 1,
            flags: 2,
            path2: 3,
            ..w
        },
        Removexattr | Lremovexattr => ArgLayout {
            path: 0,
            path2: 1,
            ..w
        },
        Fremovexattr => ArgLayout {
            fd: 0,
            path2: 1,
            ..n
        },
        Utime | Utimes => ArgLayout { path: 0, ..w },
        Utimensat => ArgLayout {
            dirfd: 0,
            path: 1,
            flags: 3,
            ..w
        },
        Futimesat => ArgLayout {
            dirfd: 0,
            path: 1,
            ..w
        },
        NameToHandleAt => ArgLayout {
            dirfd: 0,
            path: 1,
            path2: 2,
            path2_raw: 1,
            flags: 4,
            ..n
        },
        // The new fd is walked at the exit: `real` is the file's own name.
        OpenByHandleAt => ArgLayout {
            fd: 0,
            path2: 1,
            path2_raw: 1,
            flags: 2,
            walk: WALK_RESULT,
            ..n
        },
        // mq_open(name, oflag, mode, attr), mq_unlink(name): a queue's name, not a path.
        MqOpen => ArgLayout {
            path: 0,
            flags: 1,
            mode: 2,
            ..n
        },
        MqUnlink => ArgLayout { path: 0, ..n },
        // file_setattr(dfd, filename, attr, size, at_flags): `struct file_attr` copied raw
        // like a file handle (its first 8 bytes are `fa_xflags`), its size in `length`.
        FileSetattr => ArgLayout {
            dirfd: 0,
            path: 1,
            path2: 2,
            path2_raw: 1,
            length: 3,
            flags: 4,
            ..w
        },
        _ => return None,
    })
}

pub(super) fn decode(
    kind: EventKind,
    bytes: &[u8],
    cx: &mut Cx<'_>,
) -> Result<Option<EventData>, DecodeError> {
    if kind == EventKind::Open
        && !matches!(
            cx.syscall,
            Some(SyscallId::OpenByHandleAt | SyscallId::MqOpen)
        )
    {
        return decode_open(bytes, cx).map(Some);
    }
    // The kernel's names of the directories the paths are relative to, walked at the exit;
    // or, `KERNEL_NAMED`, of the files themselves, walked in an LSM path hook at the moment
    // of the call: then nothing is joined nor looked up, and they are the paths' `real`.
    let (kernel_dir, kernel_dir2) = if cx.header.flags & REAL_PATH != 0 {
        let r = &view_record::<RawEvent<FileRealData>>(bytes)?.data;
        (real_name(&r.real), real_name(&r.real2))
    } else {
        (None, None)
    };
    let hooked = cx.header.flags & KERNEL_NAMED != 0;
    let ((kernel_file, kernel_file2), (kernel_dir, kernel_dir2)) = if hooked {
        cx.host_lookup = false;
        ((kernel_dir, kernel_dir2), (None, None))
    } else {
        ((None, None), (kernel_dir, kernel_dir2))
    };
    let (kernel_dir, kernel_dir2) = (kernel_dir.as_deref(), kernel_dir2.as_deref());
    // Sent without the unused path bytes (`tracer-ebpf/src/probes/file.rs`, `sent_len`).
    let rec = view_record_prefix::<RawEvent<FileData>>(bytes, FILE_SENT_MIN)?;
    let d = &rec.data;
    let pid = cx.header.pid;
    // fcntl(F_SETPIPE_SZ): a privileged call above `fs.pipe-max-size`, or when refused.
    if cx.syscall == Some(SyscallId::Fcntl) && d.flags == F_SETPIPE_SZ {
        return Ok(Some(super::privilege::pipe_size(
            d.fd,
            d.length,
            cx.header.ret,
        )));
    }
    if kind == EventKind::Dup {
        if cx.ok() {
            let new = cx.header.ret as i32;
            match (cx.syscall, d.flags) {
                // fcntl(fd, F_SETFD, flags): FD_CLOEXEC (1) is the only fd flag.
                (Some(SyscallId::Fcntl), F_SETFD) => {
                    cx.procs.set_cloexec(pid, d.fd, d.length & 1 != 0)
                }
                (Some(SyscallId::Fcntl), F_DUPFD) => cx.procs.dup_fd(pid, d.fd, new, false),
                (Some(SyscallId::Fcntl), F_DUPFD_CLOEXEC) => cx.procs.dup_fd(pid, d.fd, new, true),
                // The kernel side keeps no other fcntl command.
                (Some(SyscallId::Fcntl), _) => {}
                // A pidfd names its process; it is always close-on-exec.
                (Some(SyscallId::PidfdOpen), _) => {
                    cx.procs.new_fd(pid, new, Fd::Pidfd(d.fd as u32), true)
                }
                // dup3(old, new, O_CLOEXEC); dup and dup2 clear the flag.
                _ => cx.procs.dup_fd(pid, d.fd, new, d.flags & O_CLOEXEC != 0),
            }
        }
        return Ok(None);
    }
    if kind == EventKind::Close {
        if cx.ok() {
            // close_range(first, last, flags): CLOSE_RANGE_CLOEXEC (4) only marks them, to
            // close at the next exec.
            let last = if cx.syscall == Some(SyscallId::CloseRange) {
                (d.flags & 4 == 0).then_some(d.length as u32 as i32)
            } else {
                Some(d.fd)
            };
            match last {
                Some(last) => cx.procs.close_fds(pid, d.fd, last),
                None => cx.procs.cloexec_fds(pid, d.fd, d.length as u32 as i32),
            }
        }
        return Ok(None);
    }
    // The kernel copied 0 for arguments the syscall lacks: give them their meaning.
    let layout = cx.syscall.and_then(arg_layout).unwrap_or(ArgLayout::NONE);
    let dirfd = if layout.dirfd == NO_ARG {
        AT_FDCWD
    } else {
        d.dirfd
    };
    let dirfd2 = if layout.dirfd2 == NO_ARG {
        AT_FDCWD
    } else {
        d.dirfd2
    };
    let flags = if cx.syscall == Some(SyscallId::Lchown) {
        d.flags | AT_SYMLINK_NOFOLLOW
    } else {
        d.flags
    };
    let p1 = text(&d.path, d.path_len);
    let handle = handle_text(&d.path2, d.path2_len);
    // file_setattr's `fa_xflags`, when the struct was read.
    let xflags =
        (d.path2_len >= 8).then(|| u64::from_ne_bytes(d.path2[..8].try_into().expect("8 bytes")));
    let p2 = if layout.path2_raw != 0 {
        String::new()
    } else {
        text(&d.path2, d.path2_len)
    };
    let syscall = cx.syscall;
    // The f* variants name a file by fd: its path when the fd table knows it; the others by path.
    let fd_call = matches!(
        syscall,
        Some(
            SyscallId::Fchmod
                | SyscallId::Fchown
                | SyscallId::Ftruncate
                | SyscallId::Fchdir
                | SyscallId::Fsetxattr
                | SyscallId::Fremovexattr
        )
    );
    let fd = fd_call.then_some(d.fd);
    // A path's host lookup (see `looked_up`); `follow`: the call follows a last-component
    // link. Not for a call by fd: the fd table names its file.
    let look = |cx: &mut Cx<'_>, path: Option<PathRef>, follow: bool| {
        path.map(|p| {
            if fd_call {
                p
            } else {
                looked_up(cx, p, dirfd, kernel_dir, follow)
            }
        })
    };
    let nofollow = flags & AT_SYMLINK_NOFOLLOW != 0;
    let target = |cx: &mut Cx<'_>, given: String| -> Option<PathRef> {
        if fd_call {
            cx.procs.fd_path(pid, d.fd).map(|p| PathRef {
                resolved: Some(p),
                given: None,
                real: None,
                looked_up: None,
            })
        } else {
            Some(under_real(cx.path(dirfd, given), kernel_dir))
        }
    };
    let mut data = match kind {
        // A POSIX message queue lives in the mqueue file system, which is mounted (where it
        // is) on /dev/mqueue: the queue is named there whatever the cwd.
        EventKind::Open if syscall == Some(SyscallId::MqOpen) => {
            let path = mq_path(&p1);
            if cx.ok()
                && let Some(name) = &path.resolved
            {
                // The kernel makes every queue descriptor close-on-exec.
                cx.procs
                    .new_fd(pid, cx.header.ret as i32, Fd::Path(name.clone()), true);
            }
            open_event(path, flags, d.mode, 0)
        }
        EventKind::Unlink if syscall == Some(SyscallId::MqUnlink) => EventData::Unlink {
            path: mq_path(&p1),
            dir: false,
        },
        EventKind::FileAttr => EventData::FileAttr {
            // AT_EMPTY_PATH with an empty name: the dirfd's own file.
            path: if p1.is_empty() {
                cx.procs.fd_path(pid, dirfd).map(|p| PathRef {
                    resolved: Some(p),
                    given: None,
                    real: None,
                    looked_up: None,
                })
            } else {
                let path = under_real(cx.path(dirfd, p1), kernel_dir);
                Some(looked_up(cx, path, dirfd, kernel_dir, !nofollow))
            },
            fd: None,
            op: None,
            flags: xflags.map(|v| bit_names(v, FS_XFLAGS)).unwrap_or_default(),
            flags_raw: xflags,
        },
        EventKind::Unlink => EventData::Unlink {
            path: named(cx, dirfd, p1, kernel_dir, false),
            dir: flags & AT_REMOVEDIR != 0,
        },
        EventKind::Rename => EventData::Rename {
            from: named(cx, dirfd, p1, kernel_dir, false),
            to: named(cx, dirfd2, p2, kernel_dir2, false),
            flags,
        },
        EventKind::Mkdir => EventData::Mkdir {
            path: named(cx, dirfd, p1, kernel_dir, false),
            mode: d.mode,
        },
        EventKind::Rmdir => EventData::Rmdir {
            path: named(cx, dirfd, p1, kernel_dir, false),
        },
        // A chmod follows its last link: fchmodat2's AT_SYMLINK_NOFOLLOW on a link fails
        // (EOPNOTSUPP, Linux 6.6+), so a successful one named no link.
        EventKind::Chmod => EventData::Chmod {
            path: {
                let p = target(cx, p1);
                look(cx, p, true)
            },
            fd,
            mode: d.mode,
        },
        EventKind::Chown => EventData::Chown {
            path: {
                let p = target(cx, p1);
                look(cx, p, !nofollow)
            },
            fd,
            uid: d.uid,
            gid: d.gid,
            nofollow: flags & AT_SYMLINK_NOFOLLOW != 0,
        },
        EventKind::Link => EventData::Link {
            target: named(cx, dirfd, p1, kernel_dir, flags & AT_SYMLINK_FOLLOW != 0),
            path: named(cx, dirfd2, p2, kernel_dir2, false),
        },
        EventKind::Symlink => EventData::Symlink {
            target: p1,
            path: named(cx, dirfd2, p2, kernel_dir2, false),
        },
        EventKind::Truncate => EventData::Truncate {
            path: {
                let p = target(cx, p1);
                look(cx, p, true)
            },
            fd,
            length: d.length,
        },
        EventKind::Mknod => EventData::Mknod {
            path: named(cx, dirfd, p1, kernel_dir, false),
            mode: d.mode,
            dev: d.dev,
        },
        EventKind::MemfdCreate => {
            if cx.ok() {
                // The kernel's own name of the file (/proc/PID/fd/N shows it): an exec or
                // a chmod through this fd is named by it, not by a stale entry of the fd.
                cx.procs.new_fd(
                    pid,
                    cx.header.ret as i32,
                    Fd::Path(format!("/memfd:{p1} (deleted)")),
                    flags & MFD_CLOEXEC != 0,
                );
            }
            EventData::MemfdCreate { name: p1, flags }
        }
        EventKind::Chdir => {
            let mut path = target(cx, p1);
            // The walk at a successful chdir's exit is of the new cwd itself: it is the
            // directory's name, not one to join the path to. The cwd kept follows it, so that
            // later relative paths are resolved under the directory's name now, not under one
            // a rename outside the recording made stale.
            if cx.ok()
                && !fd_call
                && let (Some(p), Some(dir)) = (path.as_mut(), kernel_dir)
                && p.given.as_deref().is_some_and(|g| !g.starts_with('/'))
            {
                p.real = (p.resolved.as_deref() != Some(dir)).then(|| dir.to_owned());
            }
            if cx.ok() {
                let cwd = path
                    .as_ref()
                    .and_then(|p| p.real.clone().or(p.resolved.clone()));
                cx.procs.set_cwd(pid, cwd);
            }
            EventData::Chdir { path, fd }
        }
        EventKind::Xattr => EventData::Xattr {
            path: {
                let p = target(cx, p1);
                let follow = !nofollow
                    && !matches!(
                        syscall,
                        Some(SyscallId::Lsetxattr | SyscallId::Lremovexattr)
                    );
                look(cx, p, follow)
            },
            fd,
            name: p2,
            op: if matches!(
                syscall,
                Some(
                    SyscallId::Removexattr
                        | SyscallId::Lremovexattr
                        | SyscallId::Fremovexattr
                        | SyscallId::Removexattrat
                )
            ) {
                "remove"
            } else {
                "set"
            }
            .to_owned(),
            flags,
        },
        EventKind::Utime => EventData::Utime {
            // utimensat(fd, NULL, …) sets the times of the fd's file.
            path: Some(named(cx, dirfd, p1, kernel_dir, !nofollow)),
            flags,
        },
        EventKind::NameToHandle => {
            let path = cx.path(dirfd, p1);
            let handle = cx.ok().then_some(handle).flatten();
            if let (Some(h), Some(p)) = (&handle, &path.resolved) {
                cx.procs.note_handle(h.clone(), p.clone());
            }
            EventData::NameToHandle {
                path,
                handle,
                flags,
            }
        }
        EventKind::Open => {
            // open_by_handle_at: named by the handle's name_to_handle_at earlier in the
            // trace, and by the kernel walk of its new fd (`kernel_dir`, the file's own name
            // here: `WALK_RESULT`), `real` where the two differ (a symlink in the path the
            // handle was made by, a rename since). A handle made outside the trace is named by
            // the walk alone; with neither, the path is unknown (counted unresolved) and the
            // handle is shown in its place.
            let given = handle.unwrap_or_default();
            let walked = kernel_dir.filter(|_| cx.ok()).map(str::to_owned);
            let mut path = PathRef {
                resolved: cx.procs.handle_path(&given),
                given: Some(format!("handle:{given}")),
                real: None,
                looked_up: None,
            };
            match (&path.resolved, walked) {
                (None, None) => *cx.unresolved += 1,
                (None, Some(w)) => path.resolved = Some(w),
                (Some(r), Some(w)) => path.real = (*r != w).then_some(w),
                (Some(_), None) => {}
            }
            if cx.ok()
                && let Some(name) = path.real.as_ref().or(path.resolved.as_ref())
            {
                cx.procs.new_fd(
                    pid,
                    cx.header.ret as i32,
                    Fd::Path(name.clone()),
                    flags & O_CLOEXEC != 0,
                );
            }
            open_event(path, flags, 0, 0)
        }
        _ => unreachable!("file family kinds"),
    };
    if hooked {
        kernel_named(&mut data, kernel_file, kernel_file2);
    }
    Ok(Some(data))
}

/// Sets the paths of a call an LSM path hook named (`KERNEL_NAMED`) to the kernel's names:
/// `first` for the call's first path, `second` for its second (rename's and link's new name,
/// symlink's only one), as `real` where it differs from the path as resolved. A path the hook
/// did not name keeps what it has.
fn kernel_named(data: &mut EventData, first: Option<String>, second: Option<String>) {
    let set = |p: &mut PathRef, name: Option<String>| {
        if let Some(name) = name.map(|n| super::procs::normalize(&n)) {
            p.real = (p.resolved.as_ref() != Some(&name)).then_some(name);
            p.looked_up = None;
        }
    };
    match data {
        EventData::Unlink { path, .. }
        | EventData::Mkdir { path, .. }
        | EventData::Rmdir { path }
        | EventData::Mknod { path, .. } => set(path, first),
        // A call by fd whose fd the table did not know is named by the kernel alone.
        EventData::Chmod { path, .. }
        | EventData::Chown { path, .. }
        | EventData::Truncate { path, .. } => match path {
            Some(p) => set(p, first),
            None => {
                *path = first.map(|n| PathRef {
                    resolved: Some(super::procs::normalize(&n)),
                    given: None,
                    real: None,
                    looked_up: None,
                });
            }
        },
        EventData::Rename { from, to, .. } => {
            set(from, first);
            set(to, second);
        }
        EventData::Link { target, path } => {
            set(target, first);
            set(path, second);
        }
        EventData::Symlink { path, .. } => set(path, second),
        _ => {}
    }
}

/// `/dev/mqueue/NAME` for a queue's name as the syscall got it (glibc's mq_open and
/// mq_unlink drop the leading `/` the program wrote). No `given`: the name is not a path
/// relative to the cwd, and must not be judged as one.
fn mq_path(name: &str) -> PathRef {
    PathRef {
        resolved: Some(format!("/dev/mqueue/{}", name.trim_start_matches('/'))),
        given: None,
        real: None,
        looked_up: None,
    }
}

/// `FS_IOC_SETFLAGS`'s inode flags (include/uapi/linux/fs.h, `FS_*_FL`).
pub(super) const FS_FLAGS: &[(u64, &str)] = &[
    (0x0000_0001, "FS_SECRM_FL"),
    (0x0000_0002, "FS_UNRM_FL"),
    (0x0000_0004, "FS_COMPR_FL"),
    (0x0000_0008, "FS_SYNC_FL"),
    (0x0000_0010, "FS_IMMUTABLE_FL"),
    (0x0000_0020, "FS_APPEND_FL"),
    (0x0000_0040, "FS_NODUMP_FL"),
    (0x0000_0080, "FS_NOATIME_FL"),
    (0x0000_0400, "FS_NOCOMP_FL"),
    (0x0000_0800, "FS_ENCRYPT_FL"),
    (0x0000_1000, "FS_INDEX_FL"),
    (0x0000_4000, "FS_JOURNAL_DATA_FL"),
    (0x0000_8000, "FS_NOTAIL_FL"),
    (0x0001_0000, "FS_DIRSYNC_FL"),
    (0x0002_0000, "FS_TOPDIR_FL"),
    (0x0008_0000, "FS_EXTENT_FL"),
    (0x0010_0000, "FS_VERITY_FL"),
    (0x0080_0000, "FS_NOCOW_FL"),
    (0x0200_0000, "FS_DAX_FL"),
    (0x1000_0000, "FS_INLINE_DATA_FL"),
    (0x2000_0000, "FS_PROJINHERIT_FL"),
    (0x4000_0000, "FS_CASEFOLD_FL"),
];

/// `struct fsxattr`'s and `struct file_attr`'s `xflags` (`FS_XFLAG_*`).
pub(super) const FS_XFLAGS: &[(u64, &str)] = &[
    (0x0000_0001, "FS_XFLAG_REALTIME"),
    (0x0000_0002, "FS_XFLAG_PREALLOC"),
    (0x0000_0008, "FS_XFLAG_IMMUTABLE"),
    (0x0000_0010, "FS_XFLAG_APPEND"),
    (0x0000_0020, "FS_XFLAG_SYNC"),
    (0x0000_0040, "FS_XFLAG_NOATIME"),
    (0x0000_0080, "FS_XFLAG_NODUMP"),
    (0x0000_0100, "FS_XFLAG_RTINHERIT"),
    (0x0000_0200, "FS_XFLAG_PROJINHERIT"),
    (0x0000_0400, "FS_XFLAG_NOSYMLINKS"),
    (0x0000_0800, "FS_XFLAG_EXTSIZE"),
    (0x0000_1000, "FS_XFLAG_EXTSZINHERIT"),
    (0x0000_2000, "FS_XFLAG_NODEFRAG"),
    (0x0000_4000, "FS_XFLAG_FILESTREAM"),
    (0x0000_8000, "FS_XFLAG_DAX"),
    (0x0001_0000, "FS_XFLAG_COWEXTSIZE"),
    (0x8000_0000, "FS_XFLAG_HASATTR"),
];

/// What an fd opened on `name` with open `flags` names in the fd table: an O_TMPFILE fd is
/// an unnamed file in the directory opened, not the directory.
pub(super) fn opened_name(name: &str, flags: u64) -> String {
    if flags & libc::O_TMPFILE as u64 == libc::O_TMPFILE as u64 {
        format!("{name}/#unnamed-tmpfile")
    } else {
        name.to_owned()
    }
}

/// The directory an O_TMPFILE open made its file in, from the kernel walk's name of the new
/// fd: the kernel names an unnamed file `#INODE` in that directory (`d_tmpfile`), a name no
/// path reaches. Any other open's name is kept.
pub(super) fn tmpfile_dir(real: String, flags: u64) -> String {
    let tmpfile = flags & libc::O_TMPFILE as u64 == libc::O_TMPFILE as u64;
    match real.rsplit_once('/') {
        Some((dir, last)) if tmpfile && last.starts_with('#') => {
            if dir.is_empty() {
                "/".to_owned()
            } else {
                dir.to_owned()
            }
        }
        _ => real,
    }
}

fn decode_open(bytes: &[u8], cx: &mut Cx<'_>) -> Result<EventData, DecodeError> {
    if cx.header.flags & REAL_PATH != 0 {
        let r = view_record::<RawEvent<OpenRealData>>(bytes)?;
        Ok(opened(&r.data.open, real_name(&r.data.real), cx))
    } else {
        let r = view_record::<RawEvent<OpenData>>(bytes)?;
        Ok(opened(&r.data, None, cx))
    }
}

/// `path` with `real` set to its relative name under `dir`, the kernel's name of the directory
/// the call started from (`file_exit`'s walk), where that differs from the name the fd table
/// or cwd gave: the directory was renamed since its fd was opened or the cwd entered.
fn under_real(mut path: PathRef, dir: Option<&str>) -> PathRef {
    if let (Some(dir), Some(given)) = (dir, path.given.as_deref())
        && !given.is_empty()
        && !given.starts_with('/')
    {
        let real = super::procs::normalize(&format!("{dir}/{given}"));
        path.real = (path.resolved.as_ref() != Some(&real)).then_some(real);
    }
    path
}

/// A path of a call by name: made absolute, with the kernel walk's name of its directory
/// ([`under_real`]) and what a host lookup found ([`looked_up`]).
fn named(
    cx: &mut Cx<'_>,
    dirfd: i32,
    given: String,
    kernel_dir: Option<&str>,
    follow_last: bool,
) -> PathRef {
    let path = under_real(cx.path(dirfd, given), kernel_dir);
    looked_up(cx, path, dirfd, kernel_dir, follow_last)
}

/// `path` with [`PathRef::looked_up`] set when the recorder looks paths up
/// ([`super::Decoder::host_lookup`]) and this one needs it: a successful call of a process
/// that sees the host's file system as the recorder does, by a path the kernel walk does not
/// name past its start: a relative one with a `/` or a `..` (`lnk/x`, `lnk/../x`), an
/// absolute one below `/`, or one whose last link the call follows (`follow_last`). The name
/// looked up keeps the path's `..` (the kernel goes up from a link's target, not from the
/// link), joined to the walked directory's name when there is one. A path below /proc or
/// /dev/fd (`/proc/self/fd/N/…`, `/proc/self/root/…`) is not looked up: the recorder's own
/// links would answer.
pub(super) fn looked_up(
    cx: &mut Cx<'_>,
    mut path: PathRef,
    dirfd: i32,
    kernel_dir: Option<&str>,
    follow_last: bool,
) -> PathRef {
    if !cx.host_lookup || !cx.ok() {
        return path;
    }
    let Some(given) = path.given.as_deref().or(path.resolved.as_deref()) else {
        return path;
    };
    let parts: Vec<&str> = given
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect();
    if parts.is_empty() || !(follow_last || parts.len() > 1 || parts.contains(&"..")) {
        return path;
    }
    let pid = cx.header.pid;
    let raw = if given.starts_with('/') {
        given.to_owned()
    } else {
        match kernel_dir
            .map(str::to_owned)
            .or_else(|| cx.procs.base(pid, dirfd))
        {
            Some(base) if base.starts_with('/') => format!("{base}/{given}"),
            _ => return path,
        }
    };
    // The /proc and /dev/fd links are the process's own (`verdict::places` reads them); the
    // recorder's lookup would follow its own, or refuse them (ELOOP) and leave them unplaced.
    let lexical_raw = super::procs::normalize(&raw);
    if !cx.procs.host_view(pid)
        || lexical_raw.starts_with("/proc/")
        || lexical_raw.starts_with("/dev/fd/")
        || cx.procs.normalize_for(pid, &raw) != Some(lexical_raw)
    {
        return path;
    }
    let lexical = path.real.as_deref().or(path.resolved.as_deref());
    path.looked_up = super::lookup::look_up(&raw, follow_last, lexical).map(|found| LookedUp {
        found,
        time: Some(cx.now()),
    });
    path
}

/// An open's event, and its fd in the process's table; `real`: the kernel's name of the file
/// (of a failed open by a relative path, the walked directory's name joined with the path
/// given, made normal here like every path).
fn opened(d: &OpenData, real: Option<String>, cx: &mut Cx<'_>) -> EventData {
    let mut path = cx.path(d.dirfd, text(&d.path, d.path_len));
    let real = if cx.ok() {
        real.map(|r| tmpfile_dir(r, d.flags))
    } else {
        real.map(|r| super::procs::normalize(&r))
    };
    // A failed open's name joins a path read again at the exit: it does not vouch for
    // what the kernel read, and the open's `args_changed`/`args_unverified` stay.
    *cx.kernel_named = real.is_some() && cx.ok();
    path.real = real.filter(|r| path.resolved.as_ref() != Some(r));
    // The fd table keeps the kernel's name when there is one: later fchmod/fchown by fd then
    // name the file itself, not the link it was opened through. An O_TMPFILE fd is an
    // unnamed file in the directory opened, not the directory: a linkat(AT_EMPTY_PATH) that
    // names it later shows it so.
    if cx.ok()
        && let Some(name) = path.real.as_ref().or(path.resolved.as_ref())
    {
        cx.procs.new_fd(
            cx.header.pid,
            cx.header.ret as i32,
            Fd::Path(opened_name(name, d.flags)),
            d.flags & O_CLOEXEC != 0,
        );
    }
    open_event(path, d.flags, d.mode, d.resolve)
}

/// `TYPE:HEX` of a raw `struct file_handle` (`handle_bytes`, `handle_type`, the handle).
fn handle_text(raw: &[u8], len: u32) -> Option<String> {
    let raw = &raw[..(len as usize).min(raw.len())];
    let size = u32::from_ne_bytes(raw.get(0..4)?.try_into().ok()?) as usize;
    let kind = i32::from_ne_bytes(raw.get(4..8)?.try_into().ok()?);
    let bytes = raw.get(8..8 + size)?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Some(format!("{kind}:{hex}"))
}

fn open_event(path: PathRef, flags: u64, mode: u32, resolve: u64) -> EventData {
    let tmpfile = flags & libc::O_TMPFILE as u64 == libc::O_TMPFILE as u64;
    let access = if flags & libc::O_PATH as u64 != 0 {
        "path"
    } else {
        match flags & libc::O_ACCMODE as u64 {
            0 => "read",
            1 => "write",
            _ => "read_write",
        }
    };
    let mut names = bit_names(flags, OPEN_FLAGS);
    if flags & libc::O_ACCMODE as u64 == 0 {
        names.insert(0, "O_RDONLY".to_owned());
    }
    EventData::Open {
        path,
        flags: names,
        flags_raw: flags,
        mode: (flags & libc::O_CREAT as u64 != 0 || tmpfile).then_some(mode),
        access: access.to_owned(),
        resolve,
    }
}
