//! Network family records (see `tracer-ebpf/src/probes/network.rs`).

use std::net::{Ipv4Addr, Ipv6Addr};

use tracer_common::{
    Event as RawEvent, EventKind,
    network::{AF_NETLINK, NetData, ReceivedData},
};

use super::{Cx, DecodeError, procs::Fd, view_record};
use crate::trace::{EventData, NetlinkMsg, SockAddr};

const SOCK_CLOEXEC: i32 = libc::SOCK_CLOEXEC;

pub(super) fn decode(
    kind: EventKind,
    bytes: &[u8],
    cx: &mut Cx<'_>,
) -> Result<Option<EventData>, DecodeError> {
    if kind == EventKind::FdReceived {
        let r_rec = view_record::<RawEvent<ReceivedData>>(bytes)?;
        let r = &r_rec.data;
        return Ok(fd_received(r, cx));
    }
    let d_rec = view_record::<RawEvent<NetData>>(bytes)?;
    let d = &d_rec.data;
    let pid = cx.header.pid;
    let addr = sockaddr(&d.addr[..(d.addr_len as usize).min(d.addr.len())]);
    let ret = cx.header.ret;
    let ok = cx.ok();
    Ok(Some(match kind {
        EventKind::Socket => {
            if ok {
                cx.procs.new_fd(
                    pid,
                    ret as i32,
                    Fd::Socket {
                        bound: None,
                        netlink: (d.domain == i32::from(AF_NETLINK)).then_some(d.protocol),
                    },
                    d.sock_type & SOCK_CLOEXEC != 0,
                );
            }
            EventData::Socket {
                domain: domain_name(d.domain),
                sock_type: type_name(d.sock_type),
                protocol: d.protocol,
            }
        }
        EventKind::Bind if cx.header.flags & tracer_common::flags::AUTOBIND != 0 => {
            // The kernel side's record of a UDP socket's local address after a send: dropped
            // when a bind(2) seen on the fd named the port itself (the port is the one asked).
            let asked = (d.fd >= 0)
                .then(|| cx.procs.bound_addr(pid, d.fd))
                .flatten();
            if asked.is_some_and(|a| {
                !matches!(
                    a,
                    SockAddr::Inet { port: 0, .. } | SockAddr::Inet6 { port: 0, .. }
                )
            }) {
                return Ok(None);
            }
            if d.fd >= 0 && cx.procs.fd_of(pid, d.fd).is_some() {
                bound(cx, pid, d.fd, &addr);
            }
            EventData::Bind {
                fd: d.fd,
                addr,
                autobind: true,
            }
        }
        EventKind::Bind => {
            if ok {
                bound(cx, pid, d.fd, &addr);
            }
            EventData::Bind {
                fd: d.fd,
                addr,
                autobind: false,
            }
        }
        EventKind::Listen => EventData::Listen {
            fd: d.fd,
            backlog: d.backlog,
            // The kernel's own address of the socket (`listen_state`, TCP) first; else the
            // bind seen on the fd; else, for a socket bound before the trace (inherited,
            // socket-activated, a unix one) or auto-bound (the kernel enters LISTEN before it
            // picks the port, so `listen_state` saw port 0), /proc while the listener lives.
            addr: addr
                .filter(|a| {
                    !matches!(
                        a,
                        SockAddr::Inet { port: 0, .. } | SockAddr::Inet6 { port: 0, .. }
                    )
                })
                .or_else(|| cx.procs.bound_addr(pid, d.fd))
                .or_else(|| ok.then(|| crate::record::existing::socket_local(pid, d.fd))?),
        },
        EventKind::Accept => {
            let local = cx.procs.bound_addr(pid, d.fd);
            if ok {
                // accept4's SOCK_CLOEXEC (accept's flags are 0).
                cx.procs.new_fd(
                    pid,
                    ret as i32,
                    Fd::Socket {
                        bound: local.clone(),
                        netlink: None,
                    },
                    d.flags & SOCK_CLOEXEC != 0,
                );
            }
            EventData::Accept {
                fd: d.fd,
                peer: addr,
                local,
            }
        }
        EventKind::Connect => EventData::Connect { fd: d.fd, addr },
        EventKind::Send => {
            let netlink = (d.head_len > 0).then(|| {
                let protocol = cx.procs.netlink_protocol(pid, d.fd);
                netlink_msg(d, protocol, ret)
            });
            EventData::Send {
                fd: d.fd,
                addr,
                netlink,
            }
        }
        _ => unreachable!("network family kinds"),
    }))
}

/// pidfd_getfd, or a recvmsg/recvmmsg whose control data may carry fds. The new fds enter
/// the fd table named only when a recorded process's table names the fd taken; every other one
/// is forgotten, so that no later call through it is named after a stale entry. A message the
/// kernel side kept whose control data turns out to carry no `SCM_RIGHTS` is no event.
/// `fd` of `pid` is a socket bound to `addr` (keeping what the table knows of its netlink
/// protocol): later calls on it are named after the address.
fn bound(cx: &mut Cx<'_>, pid: u32, fd: i32, addr: &Option<SockAddr>) {
    let netlink = cx.procs.netlink_protocol(pid, fd);
    cx.procs.set_fd(
        pid,
        fd,
        Fd::Socket {
            bound: addr.clone(),
            netlink,
        },
    );
}

fn fd_received(r: &ReceivedData, cx: &mut Cx<'_>) -> Option<EventData> {
    let d = &r.net;
    let pid = cx.header.pid;
    let call = cx.syscall.map_or("", |s| s.name()).to_owned();
    if cx.syscall == Some(tracer_common::SyscallId::PidfdGetfd) {
        let source_pid = cx.procs.pidfd_target(pid, d.fd);
        let source_fd = d.backlog;
        let what = source_pid.and_then(|s| cx.procs.fd_of(s, source_fd));
        let new = cx.header.ret as i32;
        let mut fds = Vec::new();
        if cx.ok() {
            fds.push(new);
            match &what {
                // pidfd_getfd's fd is always close-on-exec.
                Some(w) => cx.procs.new_fd(pid, new, w.clone(), true),
                None => cx.procs.close_fds(pid, new, new),
            }
        }
        return Some(EventData::FdReceived {
            call,
            fd: d.fd,
            source_pid,
            source_fd: Some(source_fd),
            fds,
            named: what.is_some(),
            what: what.map(|w| super::procs::describe_fd(&w)),
        });
    }
    let control = &d.addr[..(d.addr_len as usize).min(d.addr.len())];
    let fds = scm_rights(control);
    let cut = cx.header.flags
        & (tracer_common::flags::PATH_TRUNCATED | tracer_common::flags::READ_FAILED)
        != 0;
    if fds.is_empty() && !cut {
        return None;
    }
    // Each fd is named after what its sender's table held when it sent it (a recorded
    // process: the kernel side matched the open file itself); every other one is forgotten.
    let cloexec = d.flags & libc::MSG_CMSG_CLOEXEC != 0;
    let mut whats = Vec::new();
    let mut senders = Vec::new();
    for (i, &fd) in fds.iter().enumerate() {
        let source = r.sources.get(i).filter(|s| s.tgid != 0);
        let what = source.and_then(|s| cx.procs.fd_at(s.tgid, s.fd, s.ts_ns));
        match &what {
            Some(w) => cx.procs.new_fd(pid, fd, w.clone(), cloexec),
            None => cx.procs.close_fds(pid, fd, fd),
        }
        whats.push(what);
        senders.push(source.map(|s| (s.tgid, s.fd)));
    }
    let named = !cut && !whats.is_empty() && whats.iter().all(Option::is_some);
    // One sender for every fd (the usual single-fd message) is named as pidfd_getfd's is.
    let source_pid = match senders.first() {
        Some(Some((p, _))) if senders.iter().all(|s| s.map(|s| s.0) == Some(*p)) => Some(*p),
        _ => None,
    };
    let source_fd = match senders.as_slice() {
        [Some((_, f))] => Some(*f),
        _ => None,
    };
    let what = named.then(|| {
        whats
            .iter()
            .flatten()
            .map(super::procs::describe_fd)
            .collect::<Vec<_>>()
            .join(", ")
    });
    Some(EventData::FdReceived {
        call,
        fd: d.fd,
        source_pid,
        source_fd,
        fds,
        what,
        named,
    })
}

/// The fds of the `SCM_RIGHTS` messages in control data (`struct cmsghdr`s, 8-byte aligned).
fn scm_rights(mut control: &[u8]) -> Vec<i32> {
    const HEAD: usize = 16;
    let mut fds = Vec::new();
    while control.len() >= HEAD {
        let len = u64::from_ne_bytes(control[..8].try_into().expect("8 bytes")) as usize;
        let level = i32::from_ne_bytes(control[8..12].try_into().expect("4 bytes"));
        let kind = i32::from_ne_bytes(control[12..16].try_into().expect("4 bytes"));
        if len < HEAD {
            break;
        }
        let data = &control[HEAD..len.min(control.len())];
        if level == tracer_common::network::SOL_SOCKET && kind == tracer_common::network::SCM_RIGHTS
        {
            fds.extend(
                data.chunks_exact(4)
                    .map(|c| i32::from_ne_bytes(c.try_into().expect("4 bytes"))),
            );
        }
        let next = (len + 7) & !7;
        if next >= control.len() {
            break;
        }
        control = &control[next..];
    }
    fds
}

/// Decodes a raw `struct sockaddr_*` (native byte order for the family, network order for
/// ports and IPv4/IPv6 addresses).
pub fn sockaddr(raw: &[u8]) -> Option<SockAddr> {
    if raw.len() < 2 {
        return None;
    }
    let family = u16::from_ne_bytes([raw[0], raw[1]]);
    let port = || raw.get(2..4).map(|p| u16::from_be_bytes([p[0], p[1]]));
    Some(match family as i32 {
        libc::AF_INET if raw.len() >= 8 => SockAddr::Inet {
            ip: Ipv4Addr::new(raw[4], raw[5], raw[6], raw[7]).to_string(),
            port: port()?,
        },
        libc::AF_INET6 if raw.len() >= 24 => {
            let octets: [u8; 16] = raw[8..24].try_into().ok()?;
            SockAddr::Inet6 {
                ip: Ipv6Addr::from(octets).to_string(),
                port: port()?,
            }
        }
        libc::AF_UNIX => {
            let name = &raw[2..];
            match name.first() {
                None => SockAddr::Unix {
                    path: None,
                    abstract_name: None,
                },
                // Linux abstract namespace: a leading NUL, then bytes up to the length given.
                Some(0) => SockAddr::Unix {
                    path: None,
                    abstract_name: Some(String::from_utf8_lossy(&name[1..]).replace('\0', "@")),
                },
                Some(_) => {
                    let end = name.iter().position(|&b| b == 0).unwrap_or(name.len());
                    SockAddr::Unix {
                        path: Some(String::from_utf8_lossy(&name[..end]).into_owned()),
                        abstract_name: None,
                    }
                }
            }
        }
        _ => SockAddr::Other {
            number: family,
            hex: raw.iter().map(|b| format!("{b:02x}")).collect(),
        },
    })
}

fn domain_name(domain: i32) -> String {
    match domain {
        libc::AF_UNIX => "AF_UNIX".into(),
        libc::AF_INET => "AF_INET".into(),
        libc::AF_INET6 => "AF_INET6".into(),
        libc::AF_NETLINK => "AF_NETLINK".into(),
        libc::AF_PACKET => "AF_PACKET".into(),
        libc::AF_VSOCK => "AF_VSOCK".into(),
        libc::AF_ALG => "AF_ALG".into(),
        other => format!("AF_{other}"),
    }
}

fn type_name(sock_type: i32) -> String {
    // One string, with room for the flags: a type is named on every socket record.
    let mut name = String::with_capacity(48);
    match sock_type & 0xf {
        libc::SOCK_STREAM => name.push_str("SOCK_STREAM"),
        libc::SOCK_DGRAM => name.push_str("SOCK_DGRAM"),
        libc::SOCK_RAW => name.push_str("SOCK_RAW"),
        libc::SOCK_SEQPACKET => name.push_str("SOCK_SEQPACKET"),
        other => {
            use std::fmt::Write as _;
            let _ = write!(name, "SOCK_{other}");
        }
    }
    if sock_type & libc::SOCK_NONBLOCK != 0 {
        name.push_str("|SOCK_NONBLOCK");
    }
    if sock_type & libc::SOCK_CLOEXEC != 0 {
        name.push_str("|SOCK_CLOEXEC");
    }
    name
}

/// The first message of a send to a netlink address, from its `struct nlmsghdr`.
fn netlink_msg(d: &NetData, protocol: Option<i32>, ret: i64) -> NetlinkMsg {
    let head = &d.head[..(d.head_len as usize).min(d.head.len())];
    let (len, msg_type, flags) = if head.len() >= 8 {
        (
            Some(u32::from_ne_bytes(head[0..4].try_into().expect("4"))),
            Some(u16::from_ne_bytes(head[4..6].try_into().expect("2"))),
            Some(u16::from_ne_bytes(head[6..8].try_into().expect("2"))),
        )
    } else {
        (None, None, None)
    };
    // The bytes sent beyond the first message (aligned to 4) hold more messages, unread.
    let more = match len {
        Some(len) => ret > i64::from((len + 3) & !3),
        None => true,
    };
    NetlinkMsg {
        protocol: protocol.map(netlink_protocol_name),
        msg_type: msg_type.map(|t| netlink_type_name(protocol, t)),
        msg_type_raw: msg_type,
        flags,
        more,
    }
}

/// `NETLINK_*` protocol names (include/uapi/linux/netlink.h).
fn netlink_protocol_name(protocol: i32) -> String {
    match protocol {
        0 => "NETLINK_ROUTE".into(),
        4 => "NETLINK_SOCK_DIAG".into(),
        6 => "NETLINK_XFRM".into(),
        9 => "NETLINK_AUDIT".into(),
        12 => "NETLINK_NETFILTER".into(),
        15 => "NETLINK_KOBJECT_UEVENT".into(),
        16 => "NETLINK_GENERIC".into(),
        other => format!("NETLINK_{other}"),
    }
}

/// An rtnetlink message type (`RTM_*`) by name; other protocols' types as numbers.
fn netlink_type_name(protocol: Option<i32>, t: u16) -> String {
    const RTM: [&str; 12] = [
        "LINK",
        "ADDR",
        "ROUTE",
        "NEIGH",
        "RULE",
        "QDISC",
        "TCLASS",
        "TFILTER",
        "ACTION",
        "PREFIX",
        "MULTICAST",
        "ANYCAST",
    ];
    const OPS: [&str; 4] = ["NEW", "DEL", "GET", "SET"];
    match t {
        1 => "NLMSG_NOOP".into(),
        2 => "NLMSG_ERROR".into(),
        3 => "NLMSG_DONE".into(),
        t if protocol == Some(0) && t >= 16 && usize::from((t - 16) / 4) < RTM.len() => {
            format!(
                "RTM_{}{}",
                OPS[usize::from(t % 4)],
                RTM[usize::from((t - 16) / 4)]
            )
        }
        t => t.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_types_are_named_with_their_flags() {
        assert_eq!(type_name(libc::SOCK_STREAM), "SOCK_STREAM");
        assert_eq!(
            type_name(libc::SOCK_DGRAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC),
            "SOCK_DGRAM|SOCK_NONBLOCK|SOCK_CLOEXEC"
        );
        assert_eq!(type_name(15 | libc::SOCK_CLOEXEC), "SOCK_15|SOCK_CLOEXEC");
    }

    #[test]
    fn scm_rights_fds_are_found_among_control_messages() {
        let cmsg = |level: i32, kind: i32, data: &[u8]| {
            let mut m = ((16 + data.len()) as u64).to_ne_bytes().to_vec();
            m.extend_from_slice(&level.to_ne_bytes());
            m.extend_from_slice(&kind.to_ne_bytes());
            m.extend_from_slice(data);
            while !m.len().is_multiple_of(8) {
                m.push(0);
            }
            m
        };
        let fds: Vec<u8> = [5i32, 6].iter().flat_map(|f| f.to_ne_bytes()).collect();
        // SCM_CREDENTIALS (2) first, then SCM_RIGHTS.
        let mut control = cmsg(1, 2, &[0; 12]);
        control.extend(cmsg(1, 1, &fds));
        assert_eq!(scm_rights(&control), vec![5, 6]);
        // IP_PKTINFO alone: none.
        assert_eq!(scm_rights(&cmsg(0, 8, &[0; 12])), Vec::<i32>::new());
        // Cut or malformed: what can be read, no panic.
        assert_eq!(scm_rights(&control[..20]), Vec::<i32>::new());
        assert_eq!(scm_rights(&[0u8; 16]), Vec::<i32>::new());
    }

    #[test]
    fn decodes_inet_inet6_unix() {
        let mut v4 = vec![0u8; 16];
        v4[..2].copy_from_slice(&(libc::AF_INET as u16).to_ne_bytes());
        v4[2..4].copy_from_slice(&9u16.to_be_bytes());
        v4[4..8].copy_from_slice(&[127, 0, 0, 1]);
        assert_eq!(
            sockaddr(&v4),
            Some(SockAddr::Inet {
                ip: "127.0.0.1".into(),
                port: 9
            })
        );

        let mut v6 = vec![0u8; 28];
        v6[..2].copy_from_slice(&(libc::AF_INET6 as u16).to_ne_bytes());
        v6[2..4].copy_from_slice(&443u16.to_be_bytes());
        v6[23] = 1;
        assert_eq!(
            sockaddr(&v6),
            Some(SockAddr::Inet6 {
                ip: "::1".into(),
                port: 443
            })
        );

        let mut un = (libc::AF_UNIX as u16).to_ne_bytes().to_vec();
        un.extend_from_slice(b"\0tracer-test");
        assert_eq!(
            sockaddr(&un),
            Some(SockAddr::Unix {
                path: None,
                abstract_name: Some("tracer-test".into())
            })
        );
        let mut path = (libc::AF_UNIX as u16).to_ne_bytes().to_vec();
        path.extend_from_slice(b"/run/x.sock\0\0\0");
        assert_eq!(
            sockaddr(&path),
            Some(SockAddr::Unix {
                path: Some("/run/x.sock".into()),
                abstract_name: None
            })
        );
    }
}
