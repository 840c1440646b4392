//! Network family: socket, bind, listen, accept/accept4, connect, and sendto/sendmsg when they
//! name a destination (a send on a connected socket names none and is not recorded: its peer is
//! the connect's). Addresses are copied raw and decoded in userspace.

use aya_ebpf::{
    helpers::{bpf_get_current_pid_tgid, bpf_probe_read_kernel, bpf_probe_read_user},
    macros::tracepoint,
    programs::TracePointContext,
};
use tracer_common::{
    Config, EventKind, SyscallId, flags,
    network::{
        AF_NETLINK, FD_SENT, FD_SOURCES, FdSource, LISTEN_ADDR_ARG, LISTEN_ADDR_KNOWN, NL_HEAD,
        NetData, ReceivedData, SCM_RIGHTS, SOL_SOCKET, TCP_ESTABLISHED, TCP_LISTEN, UDP_PROTOCOLS,
    },
};

use crate::{
    emit::{event, now, read_user_bytes, syscall_event},
    maps::{AUTOBOUND, SENT_FILES, SentFile, config, inflight},
    probes::syscalls::{SyscallContext, check_entry, complete, zero},
    scope::in_scope,
};

/// `sock/sock_send_length`'s record (its `format` file, Linux 6.3 and later): the socket, its
/// family and protocol.
const SL_SK: usize = 8;
const SL_FAMILY: usize = 16;
const SL_PROTOCOL: usize = 18;

/// A send on a UDP socket of a recorded process (any send: sendto, sendmsg, sendmmsg, write,
/// an io_uring send; the tracepoint fires in `sock_sendmsg` after the protocol's sendmsg).
/// The kernel autobinds a socket with no local port at its first send (`inet_send_prepare`,
/// even if the send then fails), to a port from `ip_local_port_range`, and the socket then
/// receives datagrams there as if bound by bind(2): the first time a socket is seen here with
/// a port and no peer, a `bind` record flagged [`flags::AUTOBIND`] gives its local address.
/// Once per socket ([`AUTOBOUND`]): later sends cost a hash lookup. Userspace drops the record
/// of a socket whose bind(2) named the port itself.
#[tracepoint]
pub fn udp_autobind(ctx: TracePointContext) -> u32 {
    let _ = try_udp_autobind(&ctx);
    0
}

fn try_udp_autobind(ctx: &TracePointContext) -> Option<()> {
    let cfg = config();
    if cfg.has_sock_offsets == 0 {
        return None;
    }
    // SAFETY: reads inside the tracepoint record, checked by the helper.
    let protocol: u16 = unsafe { ctx.read_at(SL_PROTOCOL) }.ok()?;
    if !UDP_PROTOCOLS.contains(&protocol) {
        return None;
    }
    let pid_tgid = bpf_get_current_pid_tgid();
    if !in_scope(pid_tgid, cfg) {
        return None;
    }
    // SAFETY: as above.
    let family: u16 = unsafe { ctx.read_at(SL_FAMILY) }.ok()?;
    // SAFETY: as above.
    let sk: u64 = unsafe { ctx.read_at(SL_SK) }.ok()?;
    // The fd, when the send is one of the recorded send syscalls (its entry saved the args).
    let tid = pid_tgid as u32;
    // SAFETY: a map value read in place.
    let fd = match inflight(tid).map(|i| unsafe { &*i }) {
        Some(i)
            if i.syscall == SyscallId::Sendto as u16
                || i.syscall == SyscallId::Sendmsg as u16
                || i.syscall == SyscallId::Sendmmsg as u16 =>
        {
            i.args[0] as i32
        }
        _ => -1,
    };
    autobound(cfg, pid_tgid, sk, family, protocol, fd)
}

/// The send-exit fallback of [`udp_autobind`] for kernels without `sock/sock_send_length`
/// (before 6.3: Debian 12's guest kernel): a sendto, sendmsg or sendmmsg of a recorded
/// process that named a destination and succeeded went through socket `fd`; its `struct
/// sock` is found through the fd table. An unconnected UDP socket must name a destination to
/// send, so these are the sends that autobind one. On newer kernels the tracepoint, which
/// fires inside the send, has already marked the socket in [`AUTOBOUND`] and this adds
/// nothing.
#[inline(always)]
fn send_autobind(cfg: &Config, pid_tgid: u64, fd: i32) -> Option<()> {
    if cfg.has_sock_offsets == 0 {
        return None;
    }
    let (file, _) = crate::task::file_of(cfg, fd)?;
    // SAFETY: kernel reads checked by the helper; a send that succeeded went through a socket
    // file, whose private data is its `struct socket`.
    unsafe {
        let socket: u64 =
            bpf_probe_read_kernel((file + u64::from(cfg.off_file_private)) as *const u64).ok()?;
        let sk: u64 =
            bpf_probe_read_kernel((socket + u64::from(cfg.off_socket_sk)) as *const u64).ok()?;
        let family: u16 =
            bpf_probe_read_kernel((sk + u64::from(cfg.off_skc_family)) as *const u16).ok()?;
        let protocol: u16 =
            bpf_probe_read_kernel((sk + u64::from(cfg.off_sk_protocol)) as *const u16).ok()?;
        if !UDP_PROTOCOLS.contains(&protocol) {
            return None;
        }
        autobound(cfg, pid_tgid, sk, family, protocol, fd)
    }
}

/// A `bind` record flagged [`flags::AUTOBIND`] for UDP socket `sk` of a recorded process,
/// the first time it is seen with a local port and no peer (see [`udp_autobind`]).
#[inline(always)]
fn autobound(
    cfg: &Config,
    pid_tgid: u64,
    sk: u64,
    family: u16,
    protocol: u16,
    fd: i32,
) -> Option<()> {
    if family != AF_INET && family != AF_INET6 {
        return None;
    }
    // SAFETY: kernel reads checked by the helper.
    let port: u16 =
        unsafe { bpf_probe_read_kernel((sk + u64::from(cfg.off_skc_num)) as *const u16) }.ok()?;
    if port == 0 {
        return None;
    }
    let seen = (pid_tgid & 0xffff_ffff_0000_0000) | u64::from(port);
    // SAFETY: a map value read by value.
    if unsafe { AUTOBOUND.get(sk) }.is_some_and(|v| *v == seen) {
        return None;
    }
    // A connected socket takes datagrams from its peer only: no endpoint, and not marked, so
    // that a send after a disconnect (connect(AF_UNSPEC)) is looked at again.
    // SAFETY: as above.
    let state: u8 =
        unsafe { bpf_probe_read_kernel((sk + u64::from(cfg.off_skc_state)) as *const u8) }.ok()?;
    if i32::from(state) == TCP_ESTABLISHED {
        return None;
    }
    let _ = AUTOBOUND.insert(sk, seen, 0);
    let mut addr = [0u8; 16];
    if family == AF_INET {
        // SAFETY: as above.
        let a: [u8; 4] = unsafe {
            bpf_probe_read_kernel((sk + u64::from(cfg.off_skc_rcv_saddr)) as *const [u8; 4])
        }
        .unwrap_or([0; 4]);
        addr[..4].copy_from_slice(&a);
    } else {
        // SAFETY: as above.
        addr = unsafe {
            bpf_probe_read_kernel((sk + u64::from(cfg.off_skc_v6_rcv_saddr)) as *const [u8; 16])
        }
        .unwrap_or([0; 16]);
    }
    // SAFETY: `d` is the reserved record's payload.
    event::<NetData>(cfg, EventKind::Bind, 0, now(), 0, |d, hdr_flags| unsafe {
        *hdr_flags |= flags::AUTOBIND;
        (*d).fd = fd;
        (*d).domain = i32::from(family);
        (*d).sock_type = 0;
        (*d).protocol = i32::from(protocol);
        (*d).backlog = 0;
        (*d).flags = 0;
        (*d)._pad = 0;
        (*d).head_len = 0;
        (*d)._pad2 = 0;
        zero(&raw mut (*d).addr);
        let p = port.to_be_bytes();
        let f = family.to_ne_bytes();
        let a = &mut (*d).addr;
        a[0] = f[0];
        a[1] = f[1];
        a[2] = p[0];
        a[3] = p[1];
        if family == AF_INET {
            a[4..8].copy_from_slice(&addr[..4]);
            (*d).addr_len = 16;
        } else {
            a[8..24].copy_from_slice(&addr);
            (*d).addr_len = 28;
        }
    })
}

/// `sock/inet_sock_set_state`'s record (its `format` file): new state, local port (host
/// order), family, and the IPv4 and IPv6 local addresses.
const SS_NEWSTATE: usize = 20;
const SS_SPORT: usize = 24;
const SS_FAMILY: usize = 28;
const SS_SADDR: usize = 32;
const SS_SADDR_V6: usize = 40;
const AF_INET: u16 = 2;
const AF_INET6: u16 = 10;

/// A TCP socket entering LISTEN inside a recorded listen(2): its local address, for the
/// listen's record (see [`LISTEN_ADDR_ARG`]). Any other state change, or one outside a
/// recorded listen, is left alone after two loads and a lookup.
#[tracepoint]
pub fn listen_state(ctx: TracePointContext) -> u32 {
    let _ = try_listen_state(&ctx);
    0
}

fn try_listen_state(ctx: &TracePointContext) -> Option<()> {
    // SAFETY: reads inside the tracepoint record, checked by the helper.
    let newstate: i32 = unsafe { ctx.read_at(SS_NEWSTATE) }.ok()?;
    if newstate != TCP_LISTEN {
        return None;
    }
    let tid = bpf_get_current_pid_tgid() as u32;
    let inflight = inflight(tid)?;
    // SAFETY: a map value pointer, valid for this program's run.
    unsafe {
        if (*inflight).syscall != SyscallId::Listen as u16 {
            return None;
        }
        let port: u16 = ctx.read_at(SS_SPORT).ok()?;
        let family: u16 = ctx.read_at(SS_FAMILY).ok()?;
        let (lo, hi): (u64, u64) = if family == AF_INET {
            (u64::from(ctx.read_at::<u32>(SS_SADDR).ok()?), 0)
        } else if family == AF_INET6 {
            (
                ctx.read_at(SS_SADDR_V6).ok()?,
                ctx.read_at(SS_SADDR_V6 + 8).ok()?,
            )
        } else {
            return None;
        };
        (*inflight).args[LISTEN_ADDR_ARG] =
            LISTEN_ADDR_KNOWN | u64::from(family) << 16 | u64::from(port) << 32;
        (*inflight).args[LISTEN_ADDR_ARG + 1] = lo;
        (*inflight).args[LISTEN_ADDR_ARG + 2] = hi;
    }
    Some(())
}

/// A `struct sockaddr_in` or `sockaddr_in6` from what [`listen_state`] stored; its length
/// (0: nothing stored).
#[inline(always)]
unsafe fn listen_sockaddr(a: &[u64; 6], dst: *mut [u8; tracer_common::ADDR_CAP]) -> u32 {
    let w = a[LISTEN_ADDR_ARG];
    if w & 0xffff != LISTEN_ADDR_KNOWN {
        return 0;
    }
    let family = (w >> 16) as u16;
    let port = ((w >> 32) as u16).to_be_bytes();
    let lo = a[LISTEN_ADDR_ARG + 1].to_ne_bytes();
    let hi = a[LISTEN_ADDR_ARG + 2].to_ne_bytes();
    // SAFETY: `dst` is ADDR_CAP (at least 28) writable bytes.
    unsafe {
        let d = &mut *dst;
        let f = family.to_ne_bytes();
        d[0] = f[0];
        d[1] = f[1];
        d[2] = port[0];
        d[3] = port[1];
        if family == AF_INET {
            d[4..8].copy_from_slice(&lo[..4]);
            d[8..16].fill(0);
            16
        } else {
            // flowinfo, the address, scope id.
            d[4..8].fill(0);
            d[8..16].copy_from_slice(&lo);
            d[16..24].copy_from_slice(&hi);
            d[24..28].fill(0);
            28
        }
    }
}

/// The family's syscalls are split over three exit programs, so that each is verified alone:
/// Linux 6.1's verifier gave up ("Argument list too long", its million instructions) on one
/// program holding the sends' autobind fallback and the receipts' fd sources as well.
/// `network_exit`: socket, bind, listen, accept, accept4, connect.
const PART_CORE: u8 = 0;
/// `send_exit`: sendto, sendmsg, sendmmsg.
const PART_SEND: u8 = 1;
/// `receive_exit`: pidfd_getfd, recvmsg, recvmmsg.
const PART_RECEIVE: u8 = 2;

crate::exit_programs!(network_exit, network_exit_raw, try_network_exit);
crate::exit_programs!(send_exit, send_exit_raw, try_send_exit);
crate::exit_programs!(receive_exit, receive_exit_raw, try_receive_exit);

fn try_network_exit<C: SyscallContext>(ctx: &C) -> Option<()> {
    network_part_exit::<C, PART_CORE>(ctx)
}

fn try_send_exit<C: SyscallContext>(ctx: &C) -> Option<()> {
    network_part_exit::<C, PART_SEND>(ctx)
}

fn try_receive_exit<C: SyscallContext>(ctx: &C) -> Option<()> {
    network_part_exit::<C, PART_RECEIVE>(ctx)
}

/// The head of `struct msghdr`: `void *msg_name; int msg_namelen;`.
#[repr(C)]
struct MsgName {
    name: u64,
    namelen: u32,
}

/// `struct msghdr`'s control fields: `void *msg_control` at 32, `size_t msg_controllen` at 40
/// (after the call: the bytes of control data the kernel wrote).
#[repr(C)]
struct MsgControl {
    control: u64,
    controllen: u64,
}
const MSG_CONTROL_OFFSET: u64 = 32;

/// The head of `struct cmsghdr`: `size_t cmsg_len; int cmsg_level; int cmsg_type;`.
#[repr(C)]
struct CmsgHead {
    len: u64,
    level: i32,
    kind: i32,
}

/// Control messages looked at for `SCM_RIGHTS` in one message: glibc and the common daemons
/// send it first, or second after `SCM_CREDENTIALS`.
const RIGHTS_SCAN: u64 = 2;
/// Bytes of a `struct cmsghdr` before its data.
const CMSG_DATA: u64 = 16;

/// The `SCM_RIGHTS` message among the first [`RIGHTS_SCAN`] control messages of the control
/// data at `control` (`len` bytes, the program's memory): where its fds start, and how many
/// whole fds it holds within `len`. The walk both ends of a pairing use.
#[inline(always)]
fn rights_fds(control: u64, len: u64) -> Option<(u64, u64)> {
    let mut off = 0u64;
    let mut i = 0;
    while i < RIGHTS_SCAN {
        if off + CMSG_DATA > len {
            return None;
        }
        // SAFETY: a user read checked by the helper.
        let head: CmsgHead = unsafe { bpf_probe_read_user((control + off) as *const _) }.ok()?;
        if head.len < CMSG_DATA {
            return None;
        }
        if head.level == SOL_SOCKET && head.kind == SCM_RIGHTS {
            let n = (head.len.min(len - off) - CMSG_DATA) / 4;
            return Some((control + off + CMSG_DATA, n));
        }
        off += (head.len + 7) & !7;
        i += 1;
    }
    None
}

/// sendmsg, sendmmsg (its first message) of a recorded process, at its entry: the open files
/// of its `SCM_RIGHTS` message are remembered as sent ([`SENT_FILES`]) before the kernel
/// queues them, so that a receiver whose recvmsg ends before this call does still finds them.
/// Keyed by the file the sender's fd points to, not by the numbers the message names: another
/// thread rewriting the message after this read makes the kernel send files not remembered
/// (received unnamed), never a remembered file that was not sent.
#[inline(always)]
pub fn note_sent_files(cfg: &Config, msghdr: u64, tgid: u32, ts_ns: u64) {
    if cfg.has_fd_offsets == 0 {
        return;
    }
    // SAFETY: user reads checked by the helper.
    let Ok(m) =
        (unsafe { bpf_probe_read_user::<MsgControl>((msghdr + MSG_CONTROL_OFFSET) as *const _) })
    else {
        return;
    };
    if m.control == 0 {
        return;
    }
    let Some((fds, n)) = rights_fds(m.control, m.controllen) else {
        return;
    };
    let mut k = 0u64;
    while k < FD_SENT as u64 && k < n {
        // SAFETY: as above.
        if let Ok(fd) = unsafe { bpf_probe_read_user::<i32>((fds + 4 * k) as *const _) }
            && let Some((file, inode)) = crate::task::file_of(cfg, fd)
        {
            let sent = SentFile {
                source: FdSource { tgid, fd, ts_ns },
                inode,
            };
            let _ = SENT_FILES.insert(file, sent, 0);
        }
        k += 1;
    }
}

/// recvmsg, recvmmsg: where the fds of the `SCM_RIGHTS` message in the control data the
/// kernel wrote at `control` (`len` bytes, the program's memory) came from. Each new fd's file
/// is looked up in [`SENT_FILES`] and taken from it: one send names one receipt. A file whose
/// inode differs from the one remembered is a reused `struct file`, not the one sent. Read
/// from the program's memory, as the record's copy was (Linux 6.1's verifier refuses a
/// variable offset into a ring buffer record).
///
/// # Safety
/// `sources` must point to [`FD_SOURCES`] writable entries.
#[inline(always)]
unsafe fn received_sources(
    cfg: &Config,
    control: u64,
    len: u64,
    sources: *mut [FdSource; FD_SOURCES],
) {
    let Some((fds, n)) = rights_fds(control, len.min(tracer_common::ADDR_CAP as u64)) else {
        return;
    };
    let mut k = 0usize;
    while k < FD_SOURCES && (k as u64) < n {
        // SAFETY: a user read checked by the helper.
        if let Ok(fd) = unsafe { bpf_probe_read_user::<i32>((fds + 4 * k as u64) as *const _) }
            && let Some((file, inode)) = crate::task::file_of(cfg, fd)
            // SAFETY: a map value read by value.
            && let Some(sent) = unsafe { SENT_FILES.get(&file) }.copied()
        {
            let _ = SENT_FILES.remove(&file);
            if sent.inode == inode {
                // SAFETY: `k` is below FD_SOURCES.
                unsafe { (*sources)[k] = sent.source };
            }
        }
        k += 1;
    }
}

/// Where a received message's control data is, when it may carry fds: its first control
/// message is `SCM_RIGHTS`, or there is more than one. `Err(())`: the msghdr or the control
/// data could not be read (the message may have carried fds). `Ok(None)`: no fds.
#[inline(always)]
fn rights(msghdr: u64) -> Result<Option<(u64, u64)>, ()> {
    // SAFETY: user reads checked by the helper.
    let m: MsgControl = unsafe { bpf_probe_read_user((msghdr + MSG_CONTROL_OFFSET) as *const _) }
        .map_err(|_| ())?;
    if m.control == 0 || m.controllen == 0 {
        return Ok(None);
    }
    // SAFETY: as above.
    let head: CmsgHead = unsafe { bpf_probe_read_user(m.control as *const _) }.map_err(|_| ())?;
    let aligned = (head.len + 7) & !7;
    if (head.level == SOL_SOCKET && head.kind == SCM_RIGHTS) || m.controllen > aligned {
        Ok(Some((m.control, m.controllen)))
    } else {
        Ok(None)
    }
}

/// The exit of the syscalls of part `P` (a syscall of another part is not this program's:
/// userspace routes each to its own, `record::hooks::exit_program`).
#[inline(always)]
fn network_part_exit<C: SyscallContext, const P: u8>(ctx: &C) -> Option<()> {
    let done = complete(ctx)?;
    let a = done.inflight.args;
    let (mut fd, mut domain, mut sock_type, mut protocol, mut backlog, mut sflags) =
        (-1i64, 0u64, 0u64, 0u64, 0u64, 0u64);
    // (address pointer, its length)
    let mut addr: (u64, u64) = (0, 0);
    let mut unreadable = false;
    let mut batch = false;
    match done.syscall {
        SyscallId::Socket if P == PART_CORE => (domain, sock_type, protocol) = (a[0], a[1], a[2]),
        SyscallId::Bind | SyscallId::Connect if P == PART_CORE => {
            fd = a[0] as i64;
            addr = (a[1], a[2]);
        }
        SyscallId::Listen if P == PART_CORE => (fd, backlog) = (a[0] as i64, a[1]),
        SyscallId::Accept | SyscallId::Accept4 if P == PART_CORE => {
            fd = a[0] as i64;
            if done.syscall == SyscallId::Accept4 {
                sflags = a[3];
            }
            if done.ret >= 0 && a[1] != 0 && a[2] != 0 {
                // SAFETY: a user read checked by the helper; the kernel wrote the peer's length.
                let len: u32 = unsafe { bpf_probe_read_user(a[2] as *const u32) }.unwrap_or(0);
                addr = (a[1], len as u64);
            }
        }
        SyscallId::Sendto if P == PART_SEND => {
            if a[4] == 0 {
                return None;
            }
            (fd, sflags) = (a[0] as i64, a[3]);
            addr = (a[4], a[5]);
        }
        SyscallId::Sendmmsg if P == PART_SEND => {
            // `struct mmsghdr { struct msghdr msg_hdr; unsigned int msg_len; }`: the first
            // message's destination. Messages after it may name others: a batch of more than
            // one is flagged `path_truncated` (counted), so no destination claim can hold on it.
            match unsafe { bpf_probe_read_user(a[1] as *const MsgName) } {
                Ok(msg) if msg.name == 0 => return None,
                Ok(msg) => addr = (msg.name, msg.namelen as u64),
                Err(_) => unreadable = true,
            }
            batch = done.ret > 1;
            (fd, sflags) = (a[0] as i64, a[3]);
        }
        SyscallId::Sendmsg if P == PART_SEND => {
            // A source route in its control data: a `sockopt` record of its own.
            crate::probes::sockopt::send_control(&done, a[0], a[1]);
            // SAFETY: a user read checked by the helper. An unreadable msghdr may name a
            // destination: the send is written, flagged `read_failed`, without an address.
            match unsafe { bpf_probe_read_user(a[1] as *const MsgName) } {
                Ok(msg) if msg.name == 0 => return None,
                Ok(msg) => addr = (msg.name, msg.namelen as u64),
                Err(_) => unreadable = true,
            }
            (fd, sflags) = (a[0] as i64, a[2]);
        }
        // pidfd_getfd(pidfd, targetfd, flags): the fd is the result.
        SyscallId::PidfdGetfd if P == PART_RECEIVE => (fd, backlog) = (a[0] as i64, a[1]),
        // recvmsg(fd, msghdr, flags), recvmmsg(fd, mmsghdr, vlen, flags, timeout): only
        // messages whose control data may carry fds (`SCM_RIGHTS`) are recorded; recvmmsg's
        // first message is read, and a batch of more than one whose first message had control
        // data is flagged `path_truncated` (the others were not read).
        SyscallId::Recvmsg | SyscallId::Recvmmsg if P == PART_RECEIVE => {
            let mmsg = done.syscall == SyscallId::Recvmmsg;
            // recvmsg returns the bytes received (a datagram of 0 may carry fds), recvmmsg
            // the messages.
            if done.ret < 0 || (mmsg && done.ret == 0) {
                return None;
            }
            match rights(a[1]) {
                Ok(None) => return None,
                Ok(Some((control, len))) => {
                    addr = (control, len);
                    batch = len > tracer_common::ADDR_CAP as u64 || (mmsg && done.ret > 1);
                }
                Err(()) => unreadable = true,
            }
            (fd, sflags) = (a[0] as i64, if mmsg { a[3] } else { a[2] });
        }
        _ => return None,
    }
    let cfg = config();
    // An unconnected UDP socket's autobound port, before the send's own record.
    if P == PART_SEND && cfg.send_autobind != 0 && done.ret >= 0 {
        let _ = send_autobind(cfg, bpf_get_current_pid_tgid(), fd as i32);
    }
    // SAFETY: `d` is the reserved record's payload.
    let fill = |d: *mut NetData, hdr_flags: &mut u32| unsafe {
        if unreadable {
            *hdr_flags |= flags::READ_FAILED;
        }
        if batch {
            *hdr_flags |= flags::PATH_TRUNCATED;
        }
        (*d).fd = fd as i32;
        (*d).domain = domain as i32;
        (*d).sock_type = sock_type as i32;
        (*d).protocol = protocol as i32;
        (*d).backlog = backlog as i32;
        (*d).flags = sflags as i32;
        (*d)._pad = 0;
        let checked = matches!(done.syscall, SyscallId::Connect | SyscallId::Sendto);
        if checked {
            zero(&raw mut (*d).addr);
        }
        (*d).addr_len = if P == PART_CORE && done.syscall == SyscallId::Listen {
            listen_sockaddr(&a, &raw mut (*d).addr)
        } else {
            read_user_bytes(addr.0, addr.1, &raw mut (*d).addr)
        };
        if checked {
            *hdr_flags |= check_entry(&done, &raw const (*d).addr, (*d).addr_len);
        }
        (*d).head_len = 0;
        (*d)._pad2 = 0;
        let family = u16::from_ne_bytes([(*d).addr[0], (*d).addr[1]]);
        if P == PART_SEND && (*d).addr_len >= 2 && family == AF_NETLINK {
            (*d).head_len = netlink_head(done.syscall, &a, &raw mut (*d).head);
        }
    };
    if P == PART_RECEIVE {
        // SAFETY: `r` is the reserved record's payload.
        syscall_event::<ReceivedData>(&done, cfg, |r, hdr_flags| unsafe {
            fill(&raw mut (*r).net, hdr_flags);
            (*r).sources = [FdSource::default(); FD_SOURCES];
            if done.syscall != SyscallId::PidfdGetfd && !unreadable {
                received_sources(cfg, addr.0, addr.1, &raw mut (*r).sources);
            }
        })
    } else {
        syscall_event::<NetData>(&done, cfg, fill)
    }
}

/// A netlink message's first header (see [`NetData::head`]): sendto's buffer, or the first
/// iovec of sendmsg's (sendmmsg's first) msghdr. 0 when it cannot be read.
#[inline(always)]
unsafe fn netlink_head(syscall: SyscallId, a: &[u64; 6], dst: *mut [u8; NL_HEAD]) -> u32 {
    let (buf, len) = if syscall == SyscallId::Sendto {
        (a[1], a[2])
    } else {
        // SAFETY: user reads checked by the helper.
        let Ok(iov) = (unsafe { bpf_probe_read_user((a[1] + MSG_IOV_OFFSET) as *const u64) })
        else {
            return 0;
        };
        match unsafe { bpf_probe_read_user(iov as *const IoVec) } {
            Ok(v) => (v.base, v.len),
            Err(_) => return 0,
        }
    };
    // SAFETY: `dst` is NL_HEAD writable bytes.
    unsafe { read_user_bytes(buf, len.min(NL_HEAD as u64), dst) }
}

/// `struct msghdr`'s `msg_iov` (at 16) and the head of `struct iovec`.
const MSG_IOV_OFFSET: u64 = 16;
#[repr(C)]
struct IoVec {
    base: u64,
    len: u64,
}
