//! Payloads of the io_uring family: a ring's creation (`io_uring/io_uring_create`) and every
//! operation submitted to it (`io_uring/io_uring_submit_req`), with the submission queue entry
//! itself and the path, second path or socket address it points to.

use crate::{ADDR_CAP, PATH_CAP, RealPath};

/// Bytes of a submission queue entry (`struct io_uring_sqe`; the second half of a 128-byte
/// entry carries command data only).
pub const SQE_BYTES: usize = 64;

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct RingData {
    /// The ring's fd in the creating process.
    pub fd: i32,
    pub sq_entries: u32,
    pub cq_entries: u32,
    /// `IORING_SETUP_*`.
    pub flags: u32,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct OpData {
    /// The kernel's opcode (`IORING_OP_*`), from the tracepoint.
    pub opcode: u32,
    /// 1 when the ring's kernel thread submitted it (`IORING_SETUP_SQPOLL`).
    pub sq_thread: u32,
    /// 1 when `sqe` holds the entry: the ring's offsets were known and it was readable.
    pub sqe_read: u32,
    pub str1_len: u32,
    pub str2_len: u32,
    /// Bytes of `addr` that are valid.
    pub addr_len: u32,
    pub user_data: u64,
    /// `REQ_F_*` flags of the request.
    pub req_flags: u64,
    pub sqe: [u8; SQE_BYTES],
    /// The path `sqe.addr` points to (openat, openat2, renameat, unlinkat, mkdirat,
    /// symlinkat, linkat).
    pub str1: [u8; PATH_CAP],
    /// The second path, at `sqe.addr2` (renameat, symlinkat, linkat).
    pub str2: [u8; PATH_CAP],
    /// The socket address: connect and bind (`sqe.addr`, length `sqe.addr2`), send and
    /// send_zc with a destination (`sqe.addr2`, length `sqe.addr_len`), sendmsg and
    /// sendmsg_zc (the `msg_name` of the msghdr at `sqe.addr`).
    pub addr: [u8; ADDR_CAP],
    /// The kernel's request (`struct io_kiocb *`), from the tracepoint: what its completion
    /// ([`ResultData::req`]) is matched by.
    pub req: u64,
    /// openat2: the `flags` of the `struct open_how` at `sqe.addr2`, when `how_read` is 1 (the
    /// fd table needs `O_CLOEXEC` and `O_TMPFILE`).
    pub how_flags: u64,
    pub how_read: u32,
    pub _pad: u32,
}

/// The completion of an operation that returns a new fd (`io_uring/io_uring_complete`), for
/// the fd table (and an open's kernel name, [`ResultRealData`]): never written as an event. Only requests the submit program put in
/// `URING_PENDING` (an openat, openat2, accept or socket of a recorded process, not into a
/// fixed-file slot) have one.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct ResultData {
    pub req: u64,
    pub user_data: u64,
    /// The completion's result: the new fd, or a negative errno.
    pub res: i32,
    /// `IORING_CQE_F_*`.
    pub cflags: u32,
    /// The process that submitted it, whose fd table the fd is in (the completion may run
    /// in one of its io-wq or SQPOLL threads).
    pub tgid: u32,
    pub _pad: u32,
}

/// The completion of an `IORING_OP_OPENAT`/`OPENAT2` that the kernel walk saw (header flag
/// [`crate::flags::REAL_PATH`]): the kernel's name of the file the new fd opened, walked in
/// the completing task's fd table (the submitter's, or one of its io-wq threads', which
/// share it). Flagged [`crate::flags::REAL_PATH_UNNAMED`] when it could not be named (the
/// completion ran in another process, the walk failed); userspace gives the name to the
/// operation's record.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct ResultRealData {
    pub result: ResultData,
    pub real: RealPath,
}

/// What the submit program remembers of a request whose completion names a new fd.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct Pending {
    pub user_data: u64,
    pub tgid: u32,
    /// The request's `IORING_OP_*`: an open's completion walks its fd.
    pub opcode: u32,
}

/// `IORING_CQE_F_MORE`: a multishot request (accept) goes on completing.
pub const CQE_F_MORE: u32 = 1 << 1;

/// Opcodes (`IORING_OP_*`, include/uapi/linux/io_uring.h) whose entries the kernel side reads
/// pointers of, or userspace reads for the fd table.
pub mod op {
    pub const SENDMSG: u32 = 9;
    pub const ACCEPT: u32 = 13;
    pub const CONNECT: u32 = 16;
    pub const OPENAT: u32 = 18;
    pub const CLOSE: u32 = 19;
    pub const SEND: u32 = 26;
    pub const OPENAT2: u32 = 28;
    pub const RENAMEAT: u32 = 35;
    pub const UNLINKAT: u32 = 36;
    pub const MKDIRAT: u32 = 37;
    pub const SYMLINKAT: u32 = 38;
    pub const LINKAT: u32 = 39;
    pub const FSETXATTR: u32 = 41;
    pub const SETXATTR: u32 = 42;
    pub const SOCKET: u32 = 45;
    pub const SEND_ZC: u32 = 47;
    pub const SENDMSG_ZC: u32 = 48;
    pub const BIND: u32 = 56;
}
