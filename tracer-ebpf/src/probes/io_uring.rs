//! io_uring family: operations submitted to a ring never pass through the syscalls the other
//! families hook, so they are recorded from the io_uring tracepoints.
//!
//! - `io_uring/io_uring_create` (fd @8, ctx @16, sq_entries @24, cq_entries @28, flags @32):
//!   a ring was set up.
//! - `io_uring/io_uring_submit_req` (ctx @8, req @16, user_data @24, opcode @32, flags @40,
//!   sq_thread @48; `io_uring_submit_sqe` before 6.2, flags @36 and sq_thread @41, offsets
//!   from its `format` file): fires in `io_submit_sqe` right after the request was initialised from its
//!   entry, in the submitting task (or the ring's SQPOLL thread, which shares its mm). The
//!   tracepoint has no fd, path or address, so the entry itself is read: `io_get_sqe` has just
//!   taken index `(ctx->cached_sq_head - 1) & (sq_entries - 1)`, through `ctx->sq_array` unless
//!   the ring was set up with `IORING_SETUP_NO_SQARRAY`, doubled for 128-byte entries
//!   (`IORING_SETUP_SQE128`); `ctx->sq_sqes` is the kernel's mapping of the entries (offsets
//!   from the kernel's BTF). The path, second path or socket address the entry points to is
//!   then read from the submitter's memory. The entry is shared with userspace, which may
//!   rewrite it after the kernel read it; docs/blind-spots.md says so.
//! - `io_uring/io_uring_complete` (ctx @8, req @16, user_data @24, res @32, cflags @36): the
//!   result of a request. Only the openat, openat2, accept and socket requests the submit
//!   program remembered in `URING_PENDING` (not into a fixed-file slot: `file_index` 0) make a
//!   record, so that userspace's fd table learns the fd they returned; every other completion
//!   costs one map lookup. The fd an openat or openat2 returned is walked there
//!   (`crate::walk::walk_fd`) and its name sent with the result, for userspace to give the
//!   operation's record as `real`: a path relative to a dirfd whose directory was renamed,
//!   or through a symlink, names another place than the file. The tracepoint runs in the
//!   task that posts the completion: the submitter, or one of its io-wq threads (a blocking
//!   open is punted there), which share its fd table.

use aya_ebpf::{
    helpers::{bpf_get_current_pid_tgid, bpf_probe_read_kernel, bpf_probe_read_user},
    macros::tracepoint,
    programs::TracePointContext,
};
use tracer_common::{
    Config, EventKind, flags,
    io_uring::{CQE_F_MORE, OpData, Pending, ResultData, ResultRealData, RingData, SQE_BYTES, op},
};

use crate::{
    emit::{event, note_str, now, read_user_bytes, read_user_str},
    maps::{LOST, TRACKED, URING_PENDING, config, count},
    scope::in_scope,
};

const SETUP_SQE128: u32 = 1 << 10;
const SETUP_NO_SQARRAY: u32 = 1 << 16;

const fn bit(op: u32) -> u64 {
    1 << op
}
/// Entries whose `addr` is a path.
const PATH_OPS: u64 = bit(op::OPENAT)
    | bit(op::OPENAT2)
    | bit(op::RENAMEAT)
    | bit(op::UNLINKAT)
    | bit(op::MKDIRAT)
    | bit(op::SYMLINKAT)
    | bit(op::LINKAT);
/// Entries whose `addr2` is a second path.
const PATH2_OPS: u64 = bit(op::RENAMEAT) | bit(op::SYMLINKAT) | bit(op::LINKAT);
/// Opens: their completion's fd is walked (`crate::walk`).
const OPEN_OPS: u64 = bit(op::OPENAT) | bit(op::OPENAT2);
/// Requests whose result is a new fd (unless `file_index` puts it in a fixed-file slot).
const FD_OPS: u64 = bit(op::OPENAT) | bit(op::OPENAT2) | bit(op::ACCEPT) | bit(op::SOCKET);

#[tracepoint]
pub fn io_uring_create(ctx: TracePointContext) -> u32 {
    let _ = try_io_uring_create(&ctx);
    0
}

fn try_io_uring_create(ctx: &TracePointContext) -> Option<()> {
    let cfg = config();
    if !in_scope(bpf_get_current_pid_tgid(), cfg) {
        return None;
    }
    // SAFETY: reads inside the tracepoint record, checked by the helper.
    let (fd, sq, cq, fl) = unsafe {
        (
            ctx.read_at::<i32>(8).unwrap_or(-1),
            ctx.read_at::<u32>(24).unwrap_or(0),
            ctx.read_at::<u32>(28).unwrap_or(0),
            ctx.read_at::<u32>(32).unwrap_or(0),
        )
    };
    // SAFETY: `d` is the reserved record's payload.
    event::<RingData>(cfg, EventKind::IoUringCreate, 0, now(), 0, |d, _| unsafe {
        (*d).fd = fd;
        (*d).sq_entries = sq;
        (*d).cq_entries = cq;
        (*d).flags = fl;
    })
}

#[tracepoint]
pub fn io_uring_submit_req(ctx: TracePointContext) -> u32 {
    let _ = try_io_uring_submit_req(&ctx);
    0
}

/// The kernel address of the entry `io_get_sqe` just took from the ring `ring`.
#[inline(always)]
fn sqe_address(ring: *const u8, cfg: &Config) -> Option<u64> {
    if cfg.has_ring_offsets == 0 {
        return None;
    }
    // SAFETY: kernel reads checked by the helper; offsets from the kernel's BTF.
    unsafe {
        let at = |off: u32| ring.add(off as usize);
        let setup: u32 = bpf_probe_read_kernel(at(cfg.off_ctx_flags).cast()).ok()?;
        let entries: u32 = bpf_probe_read_kernel(at(cfg.off_ctx_sq_entries).cast()).ok()?;
        let head: u32 = bpf_probe_read_kernel(at(cfg.off_ctx_cached_sq_head).cast()).ok()?;
        let mut index = head.wrapping_sub(1) & entries.wrapping_sub(1);
        if setup & SETUP_NO_SQARRAY == 0 {
            let array: u64 = bpf_probe_read_kernel(at(cfg.off_ctx_sq_array).cast()).ok()?;
            index = bpf_probe_read_kernel((array + 4 * index as u64) as *const u32).ok()?;
        }
        if setup & SETUP_SQE128 != 0 {
            index <<= 1;
        }
        let sqes: u64 = bpf_probe_read_kernel(at(cfg.off_ctx_sq_sqes).cast()).ok()?;
        Some(sqes + SQE_BYTES as u64 * index as u64)
    }
}

/// The fields of `struct io_uring_sqe` read here (include/uapi/linux/io_uring.h).
#[repr(C)]
struct Sqe {
    opcode: u8,
    flags: u8,
    ioprio: u16,
    fd: i32,
    /// `off` / `addr2`.
    addr2: u64,
    addr: u64,
    len: u32,
    op_flags: u32,
    user_data: u64,
    buf_index: u16,
    personality: u16,
    /// `splice_fd_in` / `file_index` / `{ addr_len; __pad3 }`.
    addr_len: u32,
}

/// The head of `struct msghdr`: `void *msg_name; int msg_namelen;`.
#[repr(C)]
struct MsgName {
    name: u64,
    namelen: u32,
}

fn try_io_uring_submit_req(ctx: &TracePointContext) -> Option<()> {
    let cfg = config();
    let pid_tgid = bpf_get_current_pid_tgid();
    if cfg.off_uring_sq_thread == 0 {
        return None;
    }
    // SAFETY: a read inside the tracepoint record, checked by the helper.
    let sq_thread =
        unsafe { ctx.read_at::<u8>(cfg.off_uring_sq_thread as usize) }.unwrap_or(0) as u32;
    // An SQPOLL ring's thread is made by create_io_thread, which fires no
    // sched_process_fork: it is never tracked itself, but it is a thread of the ring's
    // process, whose leader is.
    let scoped = in_scope(pid_tgid, cfg)
        || (sq_thread != 0 && TRACKED.get_ptr((pid_tgid >> 32) as u32).is_some());
    if !scoped {
        return None;
    }
    // SAFETY: reads inside the tracepoint record, checked by the helper.
    let (ring, req, user_data, opcode, req_flags) = unsafe {
        (
            ctx.read_at::<u64>(8).unwrap_or(0) as *const u8,
            ctx.read_at::<u64>(16).unwrap_or(0),
            ctx.read_at::<u64>(24).unwrap_or(0),
            ctx.read_at::<u8>(32).unwrap_or(0) as u32,
            ctx.read_at::<u32>(cfg.off_uring_flags as usize)
                .unwrap_or(0) as u64,
        )
    };
    let sqe_at = sqe_address(ring, cfg);
    // SAFETY: a kernel read checked by the helper.
    let sqe: Option<Sqe> =
        sqe_at.and_then(|at| unsafe { bpf_probe_read_kernel(at as *const Sqe) }.ok());
    // The entry must be the request's: the same opcode and user_data.
    let sqe = sqe.filter(|s| s.opcode as u32 == opcode && s.user_data == user_data);
    let (mut path1, mut path2, mut addr) = (0u64, 0u64, (0u64, 0u64));
    let mut msghdr_unreadable = false;
    let mut how_flags: Option<u64> = None;
    // An open into a fixed-file slot: its fd is in the ring's table, not the process's, and
    // its completion is not walked. Flagged `real_path_unnamed` (where the walk runs) so that
    // its path, a name read, is not taken for the file's.
    let mut unnamed = false;
    if let Some(s) = &sqe {
        if opcode == op::OPENAT2 {
            // SAFETY: a user read checked by the helper; `open_how` starts with its flags.
            how_flags = unsafe { bpf_probe_read_user(s.addr2 as *const u64) }.ok();
        }
        let ops = if opcode < 64 { 1u64 << opcode } else { 0 };
        // A new fd in the process's table: its completion is matched to this request. A
        // fixed-file slot (`file_index` non-zero, `IORING_FILE_INDEX_ALLOC` included) is not
        // in that table. An unread entry leaves the fd unknown.
        unnamed = ops & OPEN_OPS != 0 && s.addr_len != 0 && cfg.walk_paths != 0;
        if ops & FD_OPS != 0 && s.addr_len == 0 && req != 0 {
            let pending = Pending {
                user_data,
                tgid: (pid_tgid >> 32) as u32,
                opcode,
            };
            if URING_PENDING.insert(&req, &pending, 0).is_err() {
                count(&LOST, EventKind::IoUringResult);
            }
        }
        if ops & PATH_OPS != 0 {
            path1 = s.addr;
        }
        if ops & PATH2_OPS != 0 {
            path2 = s.addr2;
        }
        // (f)setxattr: `addr` is the attribute's name (read into the second string); setxattr's
        // path is `addr3`, the entry's word at 48, past what `Sqe` copies.
        if opcode == op::SETXATTR || opcode == op::FSETXATTR {
            path2 = s.addr;
        }
        if opcode == op::SETXATTR
            && let Some(at) = sqe_at
        {
            // SAFETY: a kernel read checked by the helper.
            path1 = unsafe { bpf_probe_read_kernel((at + 48) as *const u64) }.unwrap_or(0);
        }
        if opcode == op::CONNECT || opcode == op::BIND {
            addr = (s.addr, s.addr2);
        } else if opcode == op::SEND || opcode == op::SEND_ZC {
            addr = (s.addr2, (s.addr_len & 0xffff) as u64);
        } else if opcode == op::SENDMSG || opcode == op::SENDMSG_ZC {
            // SAFETY: a user read checked by the helper. An unreadable msghdr may name a
            // destination: the operation is flagged `read_failed`, never shown as a send
            // without one.
            match unsafe { bpf_probe_read_user(s.addr as *const MsgName) } {
                Ok(m) => addr = (m.name, m.namelen as u64),
                Err(_) => msghdr_unreadable = true,
            }
        }
    }
    // SAFETY: `d` is the reserved record's payload; `sqe_at` a kernel address read by the
    // helper.
    event::<OpData>(
        cfg,
        EventKind::IoUringOp,
        0,
        now(),
        0,
        |d, hdr_flags| unsafe {
            (*d).opcode = opcode;
            (*d).req = req;
            (*d).how_flags = how_flags.unwrap_or(0);
            (*d).how_read = u32::from(how_flags.is_some());
            (*d)._pad = 0;
            (*d).sq_thread = sq_thread;
            (*d).user_data = user_data;
            (*d).req_flags = req_flags;
            (*d).sqe_read = 0;
            if unnamed {
                *hdr_flags |= flags::REAL_PATH_UNNAMED;
            }
            if sqe.is_some()
                && let Some(at) = sqe_at
                && aya_ebpf::helpers::generated::bpf_probe_read_kernel(
                    (&raw mut (*d).sqe).cast(),
                    SQE_BYTES as u32,
                    at as *const _,
                ) == 0
            {
                (*d).sqe_read = 1;
            } else {
                *hdr_flags |= flags::READ_FAILED;
            }
            let r1 = read_user_str(path1, &raw mut (*d).str1);
            (*d).str1_len = r1.len;
            note_str(hdr_flags, &r1, flags::PATH_TRUNCATED);
            let r2 = read_user_str(path2, &raw mut (*d).str2);
            (*d).str2_len = r2.len;
            note_str(hdr_flags, &r2, flags::PATH2_TRUNCATED);
            (*d).addr_len = read_user_bytes(addr.0, addr.1, &raw mut (*d).addr);
            if msghdr_unreadable || (addr.0 != 0 && (*d).addr_len == 0) {
                *hdr_flags |= flags::READ_FAILED;
            }
        },
    )
}

#[tracepoint]
pub fn io_uring_complete(ctx: TracePointContext) -> u32 {
    let _ = try_io_uring_complete(&ctx);
    0
}

fn try_io_uring_complete(ctx: &TracePointContext) -> Option<()> {
    let cfg = config();
    if cfg.uring_complete == 0 {
        return None;
    }
    // SAFETY: a read inside the tracepoint record, checked by the helper.
    let req = unsafe { ctx.read_at::<u64>(16) }.ok()?;
    // SAFETY: a map value read by copy.
    let pending = *unsafe { URING_PENDING.get(&req) }?;
    // SAFETY: reads inside the tracepoint record, checked by the helper. Without them the
    // fd cannot be named: the result is lost, and counted.
    let read = unsafe {
        (
            ctx.read_at::<u64>(24),
            ctx.read_at::<i32>(32),
            ctx.read_at::<u32>(36),
        )
    };
    let (Ok(user_data), Ok(res), Ok(cflags)) = read else {
        let _ = URING_PENDING.remove(&req);
        count(&LOST, EventKind::IoUringResult);
        return None;
    };
    // A multishot accept goes on completing: keep its entry until the last.
    if cflags & CQE_F_MORE == 0 {
        let _ = URING_PENDING.remove(&req);
    }
    // Another request at a recycled address: not the one remembered.
    if user_data != pending.user_data {
        return None;
    }
    let fill = |d: *mut ResultData| {
        // SAFETY: `d` is the reserved record's payload.
        unsafe {
            (*d).req = req;
            (*d).user_data = user_data;
            (*d).res = res;
            (*d).cflags = cflags;
            (*d).tgid = pending.tgid;
            (*d)._pad = 0;
        }
    };
    let opened = res >= 0 && pending.opcode < 64 && (1u64 << pending.opcode) & OPEN_OPS != 0;
    if !opened || cfg.walk_paths == 0 {
        return event::<ResultData>(cfg, EventKind::IoUringResult, 0, now(), 0, |d, _| fill(d));
    }
    // The new fd is in the submitter's table, which the completing task shares when it is
    // one of the submitter's threads (io-wq workers and the SQPOLL thread are, made with
    // CLONE_FILES | CLONE_THREAD); any other (a kworker running a dead task's fallback work)
    // has another table, where the fd is not this file: no walk.
    let status = if (bpf_get_current_pid_tgid() >> 32) as u32 == pending.tgid {
        crate::walk::walk_fd(res, cfg)
    } else {
        crate::walk::ELSEWHERE
    };
    // SAFETY: `d` is the reserved record's payload; `put_name` copies this CPU's walk.
    event::<ResultRealData>(
        cfg,
        EventKind::IoUringResult,
        0,
        now(),
        0,
        |d, hdr_flags| unsafe {
            fill(&raw mut (*d).result);
            let real = &raw mut (*d).real;
            (*real).len = 0;
            (*real).error = 0;
            if crate::walk::put_name(status, real).is_none() {
                (*real).error = -14;
            }
            *hdr_flags |= flags::REAL_PATH;
            if (*real).error != 0 {
                *hdr_flags |= flags::REAL_PATH_UNNAMED;
            }
        },
    )
}
