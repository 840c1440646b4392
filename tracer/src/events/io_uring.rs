//! io_uring family records (see `tracer-ebpf/src/probes/io_uring.rs`): ring creation, and each
//! submitted operation with the path or address its entry points to.

use tracer_common::{
    Event as RawEvent, EventKind, flags,
    io_uring::{CQE_F_MORE, OpData, ResultData, ResultRealData, RingData, op},
};

use super::{
    Cx, DecodeError,
    file::{opened_name, tmpfile_dir},
    network::sockaddr,
    procs::{Fd, UringPending},
    read_record, real_name, text, view_record,
};
use crate::trace::{EventData, PathRef};

const AT_FDCWD: i32 = -100;
const O_CLOEXEC: u64 = libc::O_CLOEXEC as u64;
const SOCK_CLOEXEC: u64 = libc::SOCK_CLOEXEC as u64;

/// `IORING_OP_*` names by number (include/uapi/linux/io_uring.h, Linux 6.18).
const OPS: &[&str] = &[
    "nop",
    "readv",
    "writev",
    "fsync",
    "read_fixed",
    "write_fixed",
    "poll_add",
    "poll_remove",
    "sync_file_range",
    "sendmsg",
    "recvmsg",
    "timeout",
    "timeout_remove",
    "accept",
    "async_cancel",
    "link_timeout",
    "connect",
    "fallocate",
    "openat",
    "close",
    "files_update",
    "statx",
    "read",
    "write",
    "fadvise",
    "madvise",
    "send",
    "recv",
    "openat2",
    "epoll_ctl",
    "splice",
    "provide_buffers",
    "remove_buffers",
    "tee",
    "shutdown",
    "renameat",
    "unlinkat",
    "mkdirat",
    "symlinkat",
    "linkat",
    "msg_ring",
    "fsetxattr",
    "setxattr",
    "fgetxattr",
    "getxattr",
    "socket",
    "uring_cmd",
    "send_zc",
    "sendmsg_zc",
    "read_multishot",
    "waitid",
    "futex_wait",
    "futex_wake",
    "futex_waitv",
    "fixed_fd_install",
    "ftruncate",
    "bind",
    "listen",
    "recv_zc",
    "epoll_wait",
    "readv_fixed",
    "writev_fixed",
    "pipe",
];

/// Which claims' family an operation belongs to: "file" (opens, creates or changes a file),
/// "network" (binds, connects, listens, accepts, sends), or "other" (reads and writes through
/// fds opened before, polling, timers, …).
pub fn op_family(opcode: u32) -> &'static str {
    match opcode {
        op::OPENAT | op::OPENAT2 | op::RENAMEAT | op::UNLINKAT | op::MKDIRAT | op::SYMLINKAT
        | op::LINKAT | 17 /* fallocate */ | 41 | 42 /* (f)setxattr */ | 54 /* fixed_fd_install */
        | 55 /* ftruncate */ => "file",
        op::SENDMSG | op::CONNECT | op::SEND | op::SEND_ZC | op::SENDMSG_ZC | op::BIND
        | 13 /* accept */ | 45 /* socket */ | 57 /* listen */ => "network",
        _ => "other",
    }
}

pub(super) fn decode(
    kind: EventKind,
    bytes: &[u8],
    cx: &mut Cx<'_>,
) -> Result<Option<EventData>, DecodeError> {
    if kind == EventKind::IoUringCreate {
        let d = read_record::<RawEvent<RingData>>(bytes)?.data;
        return Ok(Some(EventData::IoUringCreate {
            fd: d.fd,
            sq_entries: d.sq_entries,
            cq_entries: d.cq_entries,
            flags: d.flags,
        }));
    }
    if kind == EventKind::IoUringResult {
        // An open's completion carries the kernel's name of the file (`walk_fd`).
        let (d, real) = if cx.header.flags & flags::REAL_PATH != 0 {
            let r = &view_record::<RawEvent<ResultRealData>>(bytes)?.data;
            (r.result, Some(real_name(&r.real)))
        } else {
            (read_record::<RawEvent<ResultData>>(bytes)?.data, None)
        };
        let more = d.cflags & CQE_F_MORE != 0;
        // The fd is named by the walk, as an openat(2)'s is (`file::opened`): a later call on
        // it names the file, not the link or moved directory it was opened through. An
        // O_TMPFILE's walk names `DIR/#INODE`, a name no path reaches: it is named by its
        // directory, and its fd `DIR/#unnamed-tmpfile`, as open(2)'s.
        let open_flags = cx.procs.uring_open_flags(d.tgid, d.req, d.user_data);
        let real = real.flatten().map(|r| match open_flags {
            Some(f) => tmpfile_dir(r, f),
            None => r,
        });
        let walked = open_flags
            .zip(real.as_deref())
            .map(|(f, r)| Fd::Path(opened_name(r, f)));
        cx.procs
            .uring_completed(d.tgid, d.req, d.user_data, d.res, more, walked);
        if !more {
            *cx.uring = Note::Named {
                req: d.req,
                user_data: d.user_data,
                real,
                unnamed: cx.header.flags & flags::REAL_PATH_UNNAMED != 0,
            };
        }
        return Ok(None);
    }
    let d_rec = view_record::<RawEvent<OpData>>(bytes)?;
    let d = &d_rec.data;
    let sqe = (d.sqe_read != 0).then_some(&d.sqe);
    let word = |s: &[u8; 64], at: usize| u32::from_ne_bytes(s[at..at + 4].try_into().expect("4"));
    // sqe.fd: the file operated on, or the dirfd of the *at operations.
    let fd = sqe.map(|s| word(s, 4) as i32);
    let op_flags = sqe.map(|s| word(s, 28));
    // A ring's close of an fd (`file_index` 0: not a fixed-file slot) is forgotten at
    // submission, like close(2): a later file on the same number must not be named after
    // this one. Its result is not recorded; an fd it failed to close is unknown, never misnamed.
    if d.opcode == op::CLOSE
        && let (Some(s), Some(fd)) = (sqe, fd)
        && word(s, 44) == 0
    {
        cx.procs.close_fds(cx.header.pid, fd, fd);
    }
    let dirfd = fd.unwrap_or(AT_FDCWD);
    let s1 = text(&d.str1, d.str1_len);
    let s2 = text(&d.str2, d.str2_len);
    // (f)setxattr: setxattr's path is looked up from the cwd (the kernel passes AT_FDCWD),
    // fsetxattr's file is the entry's fd.
    let mut path = match d.opcode {
        op::SETXATTR => (!s1.is_empty()).then(|| cx.path(AT_FDCWD, s1)),
        op::FSETXATTR => fd
            .and_then(|fd| cx.procs.fd_path(cx.header.pid, fd))
            .map(|p| PathRef {
                resolved: Some(p),
                given: None,
                real: None,
                looked_up: None,
            }),
        _ => (!s1.is_empty()).then(|| cx.path(dirfd, s1)),
    };
    // linkat and renameat: the second path's dirfd is sqe.len.
    let dirfd2 = match d.opcode {
        op::RENAMEAT | op::LINKAT => sqe.map_or(AT_FDCWD, |s| word(s, 24) as i32),
        _ => dirfd,
    };
    let xattr = matches!(d.opcode, op::SETXATTR | op::FSETXATTR);
    // (f)setxattr: the second string is the attribute's name.
    let name = (xattr && !s2.is_empty()).then(|| s2.to_owned());
    let mut path2 = (!xattr && !s2.is_empty()).then(|| cx.path(dirfd2, s2));
    // The path operations are looked up on the host as their syscalls are
    // (`file::looked_up`): no tracepoint walks the path an io-wq worker resolves either.
    // Looked up as the submission is decoded: these operations send no completion (only a
    // new fd's does), and a drain runs behind the rings by up to its interval, by when the
    // worker, which starts at once, has long done the operation — the same delay after the
    // call as a syscall's lookup has, so the same swap window, which `verdict::places`
    // closes with the lookup's `time`. A symlinkat's first string is the link's text, not
    // a path it reaches.
    let (look1, look2) = match d.opcode {
        op::UNLINKAT | op::MKDIRAT => (true, false),
        op::RENAMEAT | op::LINKAT => (true, true),
        op::SYMLINKAT => (false, true),
        _ => (false, false),
    };
    if look1 && let Some(p) = path.take() {
        path = Some(super::file::looked_up(cx, p, dirfd, None, false));
    }
    if look2 && let Some(p) = path2.take() {
        path2 = Some(super::file::looked_up(cx, p, dirfd2, None, false));
    }
    let addr = sockaddr(&d.addr[..(d.addr_len as usize).min(d.addr.len())]);
    let family = op_family(d.opcode);
    // Named: the operation's path, address or fd's file is in the record. A send on a
    // connected socket names no destination, like send(2).
    let named = match d.opcode {
        op::OPENAT | op::OPENAT2 | op::UNLINKAT | op::MKDIRAT => path.is_some(),
        op::RENAMEAT | op::SYMLINKAT | op::LINKAT => path.is_some() && path2.is_some(),
        op::SETXATTR | op::FSETXATTR => path.is_some() && name.is_some(),
        op::CONNECT | op::BIND | op::SEND | op::SEND_ZC | op::SENDMSG | op::SENDMSG_ZC => {
            addr.is_some()
        }
        _ => false,
    };
    if let Some(s) = sqe
        && remember_new_fd(d, s, path.as_ref(), cx)
        && matches!(d.opcode, op::OPENAT | op::OPENAT2)
    {
        *cx.uring = Note::Hold {
            req: d.req,
            user_data: d.user_data,
        };
    }
    Ok(Some(EventData::IoUringOp {
        op: OPS
            .get(d.opcode as usize)
            .map_or_else(|| format!("op_{}", d.opcode), |n| (*n).to_owned()),
        family: family.to_owned(),
        fd: fd.filter(|_| path.is_none() || dirfd != AT_FDCWD),
        path,
        path2,
        addr,
        op_flags,
        named,
        sq_thread: d.sq_thread != 0,
        name,
    }))
}

/// What an io_uring record asks of the decoder beyond its event.
#[derive(Debug, Default)]
pub(crate) enum Note {
    #[default]
    None,
    /// An openat or openat2 into the process's fd table: its event waits for its completion.
    Hold { req: u64, user_data: u64 },
    /// That completion: the kernel's name of the file opened, or `unnamed` (the walk could
    /// not name it). Without either, the operation is written as submitted.
    Named {
        req: u64,
        user_data: u64,
        real: Option<String>,
        unnamed: bool,
    },
}

/// An openat, openat2, accept or socket whose result is a new fd of the process (not a
/// fixed-file slot: `file_index`, the entry's word at 44, is 0): what that fd will name, kept
/// until its completion (`Processes::uring_completed`). The kernel side sends completions
/// for exactly these requests. Whether it was one.
fn remember_new_fd(d: &OpData, sqe: &[u8; 64], path: Option<&PathRef>, cx: &mut Cx<'_>) -> bool {
    let word = |at: usize| u32::from_ne_bytes(sqe[at..at + 4].try_into().expect("4"));
    let dword = |at: usize| u64::from_ne_bytes(sqe[at..at + 8].try_into().expect("8"));
    if word(44) != 0 {
        return false;
    }
    let pid = cx.header.pid;
    let op_flags = u64::from(word(28));
    let named = |path: Option<&PathRef>, flags: u64| {
        (
            path.and_then(|p| p.resolved.as_deref())
                .map(|n| Fd::Path(opened_name(n, flags))),
            flags & O_CLOEXEC != 0,
            Some(flags),
        )
    };
    let (what, cloexec, open_flags) = match d.opcode {
        op::OPENAT => named(path, op_flags),
        // openat2's flags are in its `open_how`, which the kernel side read; without them the
        // fd is not named.
        op::OPENAT2 if d.how_read != 0 => named(path, d.how_flags),
        op::OPENAT2 => (None, true, None),
        // accept: the listener's address, as accept(2) does; `accept_flags` at 28.
        op::ACCEPT => (
            Some(Fd::Socket {
                bound: cx.procs.bound_addr(pid, word(4) as i32),
                netlink: None,
            }),
            op_flags & SOCK_CLOEXEC != 0,
            None,
        ),
        // socket: its type (`SOCK_CLOEXEC` included) is the entry's `off`, at 8.
        op::SOCKET => (
            Some(Fd::Socket {
                bound: None,
                netlink: None,
            }),
            dword(8) & SOCK_CLOEXEC != 0,
            None,
        ),
        _ => return false,
    };
    cx.procs.uring_submitted(
        d.req,
        UringPending {
            pid,
            user_data: d.user_data,
            what,
            cloexec,
            open_flags,
        },
    );
    true
}
