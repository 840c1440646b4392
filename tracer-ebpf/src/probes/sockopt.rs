//! Socket options (`sockopt` records): setsockopt(2) of the options that need a capability,
//! make the kernel do crypto for the socket, or change where its datagrams go
//! (`tracer_common::sockopt`; the entry program drops every other option), and the source
//! route a sendmsg(2) gives one datagram in its control data ([`send_control`], called from
//! the network family's exit). Values are copied at the exit, keys never.

use aya_ebpf::helpers::bpf_probe_read_user;
use tracer_common::{
    EventKind, SyscallId, flags,
    sockopt::{CMSG_SCAN, SOCKOPT_VAL_CAP, SockoptData, route_cmsg, value_bytes},
};

use crate::{
    emit::{event, read_user_bytes, syscall_event},
    maps::config,
    probes::syscalls::{Completed, SyscallContext, complete},
};

crate::exit_programs!(sockopt_exit, sockopt_exit_raw, try_sockopt_exit);

fn try_sockopt_exit<C: SyscallContext>(ctx: &C) -> Option<()> {
    let done = complete(ctx)?;
    let a = done.inflight.args;
    if done.syscall != SyscallId::Setsockopt {
        return None;
    }
    // setsockopt(fd, level, optname, optval, optlen)
    let (level, optname) = (a[1] as u32, a[2] as u32);
    let want = value_bytes(level, optname).unwrap_or(0) as u64;
    let optlen = a[4] as u32;
    let n = if (optlen as u64) < want {
        optlen as u64
    } else {
        want
    };
    let cfg = config();
    // SAFETY: `d` is the reserved record's payload.
    syscall_event::<SockoptData>(&done, cfg, |d, hdr_flags| unsafe {
        (*d).fd = a[0] as i32;
        (*d).level = level as i32;
        (*d).optname = optname as i32;
        (*d).optlen = optlen;
        (*d)._pad = 0;
        (*d).val_len = read_user_bytes(a[3], n, &raw mut (*d).val);
        if n > 0 && (*d).val_len == 0 {
            *hdr_flags |= flags::READ_FAILED;
        }
    })
}

/// `struct msghdr`'s `msg_control` (at 32) and `msg_controllen` (at 40).
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
const CMSG_HEAD: u64 = 16;

/// A sendmsg whose control data carries a source route (`IP_RETOPTS`, an IPv6 routing header)
/// writes a `sockopt` record of it beside its `send` record: the datagram's first hop is the
/// route's, not the address the call names. The first [`CMSG_SCAN`] control messages are
/// looked at; control data with more after them is written flagged `path_truncated` (level
/// -1 when no route was among those read), unreadable control data flagged `read_failed`.
#[inline(always)]
pub fn send_control(done: &Completed, fd: u64, msghdr: u64) {
    // SAFETY: user reads checked by the helper.
    let m: MsgControl =
        match unsafe { bpf_probe_read_user((msghdr + MSG_CONTROL_OFFSET) as *const _) } {
            Ok(m) => m,
            Err(_) => return,
        };
    if m.control == 0 || m.controllen < CMSG_HEAD {
        return;
    }
    let mut off = 0u64;
    let mut found: Option<(u64, u64, i32, i32)> = None;
    let mut unread = false;
    let mut i = 0;
    while i < CMSG_SCAN {
        if off + CMSG_HEAD > m.controllen {
            break;
        }
        // SAFETY: as above.
        let head: CmsgHead = match unsafe { bpf_probe_read_user((m.control + off) as *const _) } {
            Ok(h) => h,
            Err(_) => {
                unread = true;
                break;
            }
        };
        if head.len < CMSG_HEAD {
            break;
        }
        if route_cmsg(head.level, head.kind) {
            found = Some((
                m.control + off + CMSG_HEAD,
                head.len - CMSG_HEAD,
                head.level,
                head.kind,
            ));
            break;
        }
        off += (head.len + 7) & !7;
        i += 1;
    }
    let more = found.is_none() && i == CMSG_SCAN && off + CMSG_HEAD <= m.controllen;
    if found.is_none() && !more && !unread {
        return;
    }
    let cfg = config();
    let _ = event::<SockoptData>(
        cfg,
        EventKind::Sockopt,
        done.syscall as u16,
        done.inflight.ts_ns,
        done.ret,
        // SAFETY: `d` is the reserved record's payload.
        |d, hdr_flags| unsafe {
            (*d).fd = fd as i32;
            (*d)._pad = 0;
            match found {
                Some((data, len, level, kind)) => {
                    (*d).level = level;
                    (*d).optname = kind;
                    (*d).optlen = len as u32;
                    (*d).val_len = read_user_bytes(data, len, &raw mut (*d).val);
                    if len > 0 && (*d).val_len == 0 {
                        *hdr_flags |= flags::READ_FAILED;
                    }
                    if len > SOCKOPT_VAL_CAP as u64 {
                        *hdr_flags |= flags::PATH_TRUNCATED;
                    }
                }
                None => {
                    (*d).level = -1;
                    (*d).optname = 0;
                    (*d).optlen = m.controllen as u32;
                    (*d).val_len = 0;
                    *hdr_flags |= if unread {
                        flags::READ_FAILED
                    } else {
                        flags::PATH_TRUNCATED
                    };
                }
            }
        },
    );
}
