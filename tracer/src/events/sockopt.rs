//! `sockopt` records (see `tracer-ebpf/src/probes/sockopt.rs` and `tracer_common::sockopt`):
//! what a socket option asks of the kernel — a capability, crypto for the socket, a source
//! route — decided here from the option and its value, as the kernel decides it
//! (net/core/sock.c `sk_setsockopt`, net/ipv4/ip_sockglue.c, net/ipv4/ip_options.c,
//! net/ipv6/ipv6_sockglue.c, net/ipv6/datagram.c, net/ipv4/tcp.c, net/tls).

use std::net::{Ipv4Addr, Ipv6Addr};

use tracer_common::{Event as RawEvent, flags, sockopt::*};

use super::{Cx, DecodeError, view_record};
use crate::trace::{EventData, SourceRoute};

/// `CAP_NET_RAW or CAP_NET_ADMIN`: the kernel accepts either (`sockopt_ns_capable` of each).
const RAW_OR_ADMIN: &str = "CAP_NET_RAW or CAP_NET_ADMIN";

pub(super) fn decode(bytes: &[u8], cx: &mut Cx<'_>) -> Result<Option<EventData>, DecodeError> {
    let d_rec = view_record::<RawEvent<SockoptData>>(bytes)?;
    let d = &d_rec.data;
    let val = &d.val[..(d.val_len as usize).min(d.val.len())];
    let unread = cx.header.flags & (flags::READ_FAILED | flags::PATH_TRUNCATED) != 0;
    Ok(Some(judge(
        d.fd,
        d.level,
        d.optname,
        d.optlen,
        val,
        unread,
        cx.header.ret,
    )))
}

/// The event for an option (level, optname) set with `val` (the bytes read of it; `unread`:
/// not all of what the record should hold was read), the call returning `ret`.
pub(crate) fn judge(
    fd: i32,
    level: i32,
    optname: i32,
    optlen: u32,
    val: &[u8],
    unread: bool,
    ret: i64,
) -> EventData {
    let int = (val.len() >= 4).then(|| i32::from_ne_bytes(val[..4].try_into().expect("4")));
    let (level_u, opt_u) = (level as u32, optname as u32);
    let mut capability: Option<&str> = None;
    let mut crypto: Option<String> = None;
    let mut detail: Option<String> = None;
    let mut route: Option<SourceRoute> = None;
    let mut route_unknown = false;
    let mut value = None;
    // An int's value the kernel tests against 0 (or a range): unread, the option counts as
    // asked for (an unread argument counts as privileged, as for the other gated calls).
    let set = |v: Option<i32>| v.is_none_or(|v| v != 0);
    match (level_u, opt_u) {
        _ if level < 0 => {
            // A sendmsg whose control data was not all read (or not readable).
            route_unknown = true;
            detail = Some(if unread && optlen > 0 {
                format!("control data of {optlen} bytes, not all read")
            } else {
                "control data unread".to_owned()
            });
        }
        (SOL_SOCKET, SO_MARK) => {
            value = int.map(i64::from);
            capability = Some(RAW_OR_ADMIN);
        }
        (SOL_SOCKET, SO_PRIORITY) => {
            value = int.map(i64::from);
            // `sk_set_prio_allowed`: TC_PRIO_BESTEFFORT (0) to TC_PRIO_INTERACTIVE (6) free.
            if int.is_none_or(|v| !(0..=6).contains(&v)) {
                capability = Some(RAW_OR_ADMIN);
            }
        }
        (SOL_SOCKET, SO_RCVBUFFORCE | SO_SNDBUFFORCE) => {
            value = int.map(i64::from);
            capability = Some("CAP_NET_ADMIN");
        }
        (SOL_SOCKET, SO_DEBUG) => {
            value = int.map(i64::from);
            if set(int) {
                capability = Some("CAP_NET_ADMIN");
            }
        }
        (SOL_SOCKET, SO_BINDTODEVICE | SO_BINDTOIFINDEX) => {
            if opt_u == SO_BINDTODEVICE {
                let end = val.iter().position(|b| *b == 0).unwrap_or(val.len());
                detail = Some(format!("device {}", String::from_utf8_lossy(&val[..end])));
            } else {
                value = int.map(i64::from);
            }
            // Only a socket already bound to a device needs CAP_NET_RAW to change it
            // (`sock_bindtoindex_locked`); the kernel's EPERM says it was.
            if ret == -1 {
                capability = Some("CAP_NET_RAW");
            }
        }
        (SOL_SOCKET, SO_ATTACH_FILTER | SO_ATTACH_REUSEPORT_CBPF) if val.len() >= 2 => {
            detail = Some(format!(
                "classic BPF filter of {} instructions",
                u16::from_ne_bytes([val[0], val[1]])
            ));
        }
        (SOL_SOCKET, SO_ATTACH_BPF | SO_ATTACH_REUSEPORT_EBPF) => {
            detail = int.map(|fd| format!("BPF program fd {fd}"));
        }
        (SOL_IP, IP_TRANSPARENT) | (SOL_IPV6, IPV6_TRANSPARENT) => {
            value = int.map(i64::from);
            if set(int) {
                capability = Some(RAW_OR_ADMIN);
            }
        }
        (SOL_IP, IP_HDRINCL | IP_FREEBIND) | (SOL_IPV6, IPV6_FREEBIND) => {
            value = int.map(i64::from);
        }
        (SOL_IPV6, IPV6_HOPOPTS | IPV6_DSTOPTS | IPV6_RTHDRDSTOPTS) => {
            capability = Some("CAP_NET_RAW");
        }
        (SOL_TCP, TCP_REPAIR) => {
            value = int.map(i64::from);
            capability = Some("CAP_NET_ADMIN");
        }
        // IPv4 options: setsockopt's IP_OPTIONS (every datagram of the socket) and sendmsg's
        // IP_RETOPTS control message (that datagram).
        (SOL_IP, IP_OPTIONS | IP_RETOPTS) if optlen > 0 => match ipv4_route(val) {
            Some(r) => route = Some(r),
            None if unread || (val.len() as u32) < optlen.min(40) => route_unknown = true,
            None => detail = Some(format!("{optlen} bytes of IP options, no source route")),
        },
        (SOL_IPV6, IPV6_RTHDR | IPV6_2292RTHDR) if optlen > 0 => match ipv6_route(val) {
            Some(r) if !unread => route = Some(r),
            _ => route_unknown = true,
        },
        (SOL_IPV6, IPV6_2292PKTOPTIONS) if optlen > 0 => {
            route_unknown = true;
            detail = Some(
                "RFC 2292 packet options (may carry a routing header; not decoded)".to_owned(),
            );
        }
        (SOL_TCP, TCP_MD5SIG | TCP_MD5SIG_EXT) => {
            // struct tcp_md5sig: address (128), flags, prefix length, key length, ifindex.
            let keylen = (val.len() >= 136).then(|| u16::from_ne_bytes([val[130], val[131]]));
            let peer = super::network::sockaddr(&val[..val.len().min(128)])
                .map(|a| crate::trace::describe::addr_label(&a));
            let prefix = (opt_u == TCP_MD5SIG_EXT && val.len() >= 136).then(|| val[129]);
            detail = Some(format!(
                "key for {}{}, {}",
                peer.as_deref().unwrap_or("?"),
                prefix.map(|p| format!("/{p}")).unwrap_or_default(),
                keylen.map_or("key length unread".to_owned(), |k| format!("{k}-byte key"))
            ));
            // A key length of 0 deletes the peer's key: no signatures from it.
            if keylen != Some(0) {
                crypto = Some("TCP-MD5 segment signatures (RFC 2385): the kernel signs and checks every segment with MD5".to_owned());
            }
        }
        (SOL_TCP, TCP_AO_ADD_KEY | TCP_AO_DEL_KEY | TCP_AO_INFO | TCP_AO_REPAIR) => {
            if opt_u == TCP_AO_ADD_KEY && val.len() >= 208 {
                let alg_end = val[128..192].iter().position(|b| *b == 0).unwrap_or(64);
                let peer = super::network::sockaddr(&val[..128])
                    .map(|a| crate::trace::describe::addr_label(&a));
                detail = Some(format!(
                    "{} key for {}/{}, send id {}, receive id {}, {}-byte key",
                    String::from_utf8_lossy(&val[128..128 + alg_end]),
                    peer.as_deref().unwrap_or("?"),
                    val[202],
                    val[203],
                    val[204],
                    val[207]
                ));
            }
            crypto = Some("TCP-AO segment authentication (RFC 5925): the kernel signs and checks every segment with the socket's keys".to_owned());
        }
        (SOL_TCP, TCP_ULP) => {
            let end = val.iter().position(|b| *b == 0).unwrap_or(val.len());
            let ulp = String::from_utf8_lossy(&val[..end]).into_owned();
            crypto = match ulp.as_str() {
                "tls" => Some("kernel TLS (TCP_ULP tls): the kernel encrypts and decrypts the connection once its keys are set".to_owned()),
                "espintcp" => Some("IPsec ESP in TCP (TCP_ULP espintcp)".to_owned()),
                _ if unread => Some("an upper layer protocol whose name was not read (tls would be kernel TLS)".to_owned()),
                _ => None,
            };
            detail = Some(format!("upper layer protocol {ulp:?}"));
        }
        (SOL_TLS, TLS_TX | TLS_RX) => {
            let (version, cipher) = if val.len() >= 4 {
                (
                    Some(u16::from_ne_bytes([val[0], val[1]])),
                    Some(u16::from_ne_bytes([val[2], val[3]])),
                )
            } else {
                (None, None)
            };
            let dir = if opt_u == TLS_TX { "send" } else { "receive" };
            detail = Some(format!(
                "{} {}",
                version.map_or("TLS version unread".to_owned(), tls_version),
                cipher.map_or("cipher unread".to_owned(), tls_cipher)
            ));
            crypto = Some(format!(
                "kernel TLS {dir} key (SOL_TLS {}): the kernel encrypts or decrypts the connection's records",
                if opt_u == TLS_TX { "TLS_TX" } else { "TLS_RX" }
            ));
        }
        (SOL_IP, IP_IPSEC_POLICY | IP_XFRM_POLICY)
        | (SOL_IPV6, IPV6_IPSEC_POLICY | IPV6_XFRM_POLICY)
            // No value and no length removes the socket's policy.
            if optlen > 0 =>
        {
            crypto = Some("an IPsec policy on the socket: the kernel's IPsec encrypts or authenticates its packets".to_owned());
        }
        _ => {}
    }
    EventData::Sockopt {
        fd,
        level: level_name(level),
        option: option_name(level, optname),
        optlen,
        value,
        detail,
        capability: capability.map(str::to_owned),
        crypto,
        route,
        route_unknown,
    }
}

fn level_name(level: i32) -> String {
    match level {
        -1 => "control".to_owned(),
        0 => "SOL_IP".to_owned(),
        1 => "SOL_SOCKET".to_owned(),
        6 => "SOL_TCP".to_owned(),
        41 => "SOL_IPV6".to_owned(),
        282 => "SOL_TLS".to_owned(),
        n => format!("level {n}"),
    }
}

fn option_name(level: i32, optname: i32) -> String {
    let name = match (level as u32, optname as u32) {
        _ if level < 0 => "unread",
        (SOL_SOCKET, SO_DEBUG) => "SO_DEBUG",
        (SOL_SOCKET, SO_PRIORITY) => "SO_PRIORITY",
        (SOL_SOCKET, SO_BINDTODEVICE) => "SO_BINDTODEVICE",
        (SOL_SOCKET, SO_ATTACH_FILTER) => "SO_ATTACH_FILTER",
        (SOL_SOCKET, SO_SNDBUFFORCE) => "SO_SNDBUFFORCE",
        (SOL_SOCKET, SO_RCVBUFFORCE) => "SO_RCVBUFFORCE",
        (SOL_SOCKET, SO_MARK) => "SO_MARK",
        (SOL_SOCKET, SO_ATTACH_BPF) => "SO_ATTACH_BPF",
        (SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF) => "SO_ATTACH_REUSEPORT_CBPF",
        (SOL_SOCKET, SO_ATTACH_REUSEPORT_EBPF) => "SO_ATTACH_REUSEPORT_EBPF",
        (SOL_SOCKET, SO_BINDTOIFINDEX) => "SO_BINDTOIFINDEX",
        (SOL_IP, IP_HDRINCL) => "IP_HDRINCL",
        (SOL_IP, IP_OPTIONS) => "IP_OPTIONS",
        (SOL_IP, IP_RETOPTS) => "IP_RETOPTS",
        (SOL_IP, IP_FREEBIND) => "IP_FREEBIND",
        (SOL_IP, IP_IPSEC_POLICY) => "IP_IPSEC_POLICY",
        (SOL_IP, IP_XFRM_POLICY) => "IP_XFRM_POLICY",
        (SOL_IP, IP_TRANSPARENT) => "IP_TRANSPARENT",
        (SOL_IPV6, IPV6_2292RTHDR) => "IPV6_2292RTHDR",
        (SOL_IPV6, IPV6_2292PKTOPTIONS) => "IPV6_2292PKTOPTIONS",
        (SOL_IPV6, IPV6_IPSEC_POLICY) => "IPV6_IPSEC_POLICY",
        (SOL_IPV6, IPV6_XFRM_POLICY) => "IPV6_XFRM_POLICY",
        (SOL_IPV6, IPV6_HOPOPTS) => "IPV6_HOPOPTS",
        (SOL_IPV6, IPV6_RTHDRDSTOPTS) => "IPV6_RTHDRDSTOPTS",
        (SOL_IPV6, IPV6_RTHDR) => "IPV6_RTHDR",
        (SOL_IPV6, IPV6_DSTOPTS) => "IPV6_DSTOPTS",
        (SOL_IPV6, IPV6_TRANSPARENT) => "IPV6_TRANSPARENT",
        (SOL_IPV6, IPV6_FREEBIND) => "IPV6_FREEBIND",
        (SOL_TCP, TCP_MD5SIG) => "TCP_MD5SIG",
        (SOL_TCP, TCP_REPAIR) => "TCP_REPAIR",
        (SOL_TCP, TCP_ULP) => "TCP_ULP",
        (SOL_TCP, TCP_MD5SIG_EXT) => "TCP_MD5SIG_EXT",
        (SOL_TCP, TCP_AO_ADD_KEY) => "TCP_AO_ADD_KEY",
        (SOL_TCP, TCP_AO_DEL_KEY) => "TCP_AO_DEL_KEY",
        (SOL_TCP, TCP_AO_INFO) => "TCP_AO_INFO",
        (SOL_TCP, TCP_AO_REPAIR) => "TCP_AO_REPAIR",
        (SOL_TLS, TLS_TX) => "TLS_TX",
        (SOL_TLS, TLS_RX) => "TLS_RX",
        _ => return format!("option {optname}"),
    };
    name.to_owned()
}

fn tls_version(v: u16) -> String {
    match v {
        0x0303 => "TLS 1.2".to_owned(),
        0x0304 => "TLS 1.3".to_owned(),
        v => format!("TLS version {v:#06x}"),
    }
}

/// `TLS_CIPHER_*` (include/uapi/linux/tls.h).
fn tls_cipher(c: u16) -> String {
    match c {
        51 => "AES-GCM-128".to_owned(),
        52 => "AES-GCM-256".to_owned(),
        53 => "AES-CCM-128".to_owned(),
        54 => "ChaCha20-Poly1305".to_owned(),
        55 => "SM4-GCM".to_owned(),
        56 => "SM4-CCM".to_owned(),
        57 => "ARIA-GCM-128".to_owned(),
        58 => "ARIA-GCM-256".to_owned(),
        c => format!("cipher {c}"),
    }
}

/// `IPOPT_LSRR`, `IPOPT_SSRR`, `IPOPT_END`, `IPOPT_NOOP`.
const IPOPT_LSRR: u8 = 0x83;
const IPOPT_SSRR: u8 = 0x89;

/// The source route in IPv4 options as a program passes them (`ip_options_get` with no packet:
/// `[type, length, pointer 4, first hop, …]`): every address of it, the first hop first. The
/// kernel sends to the first hop and puts the call's address last (net/ipv4/ip_options.c).
/// `None` when there is no complete route option.
pub(crate) fn ipv4_route(opts: &[u8]) -> Option<SourceRoute> {
    let mut i = 0;
    while i < opts.len() {
        match opts[i] {
            0 => return None,
            1 => i += 1,
            t => {
                let len = *opts.get(i + 1)? as usize;
                if len < 2 || i + len > opts.len() {
                    return None;
                }
                if (t == IPOPT_LSRR || t == IPOPT_SSRR) && len >= 7 {
                    let hops = opts[i + 3..i + len]
                        .chunks_exact(4)
                        .map(|a| Ipv4Addr::new(a[0], a[1], a[2], a[3]).to_string())
                        .collect();
                    return Some(SourceRoute {
                        kind: if t == IPOPT_LSRR { "LSRR" } else { "SSRR" }.to_owned(),
                        hops,
                    });
                }
                i += len;
            }
        }
    }
    None
}

/// An IPv6 routing header (`struct ipv6_rt_hdr`: next header, length in 8-byte units past the
/// first 8, type, segments left; then type 0/2's addresses or a segment routing header's
/// segments from byte 8). `None` when it is cut or of another type.
pub(crate) fn ipv6_route(h: &[u8]) -> Option<SourceRoute> {
    if h.len() < 8 {
        return None;
    }
    let n = h[1] as usize / 2;
    let kind = match h[2] {
        0 => "RH0",
        2 => "RH2",
        4 => "SRH",
        _ => return None,
    };
    let addrs = h.get(8..8 + n * 16)?;
    let mut hops: Vec<String> = addrs
        .chunks_exact(16)
        .map(|a| Ipv6Addr::from(<[u8; 16]>::try_from(a).expect("16")).to_string())
        .collect();
    if kind == "SRH" {
        // Segments are kept last to first; the one sent to first is `segments left`'s.
        hops.reverse();
    }
    Some(SourceRoute {
        kind: kind.to_owned(),
        hops,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lsrr_hops_in_the_programs_form() {
        // What round 5's n5_lsrr_first_hop passes: NOP, LSRR len 7 ptr 4 via 127.0.0.3.
        let r = ipv4_route(&[1, 0x83, 7, 4, 127, 0, 0, 3]).unwrap();
        assert_eq!(r.kind, "LSRR");
        assert_eq!(r.hops, ["127.0.0.3"]);
        // A record-route option is no source route.
        assert_eq!(ipv4_route(&[7, 7, 4, 0, 0, 0, 0]), None);
        // A cut option is none either.
        assert_eq!(ipv4_route(&[0x89, 11, 4, 10, 0, 0, 1]), None);
    }

    #[test]
    fn ipv6_routing_headers() {
        let mut h = vec![0u8, 2, 0, 1, 0, 0, 0, 0];
        h.extend_from_slice(&Ipv6Addr::LOCALHOST.octets());
        let r = ipv6_route(&h).unwrap();
        assert_eq!(
            (r.kind.as_str(), r.hops.as_slice()),
            ("RH0", &["::1".to_owned()][..])
        );
        assert_eq!(ipv6_route(&h[..20]), None);
    }

    fn int(v: i32) -> Vec<u8> {
        v.to_ne_bytes().to_vec()
    }

    fn fields(e: EventData) -> (Option<String>, Option<String>) {
        match e {
            EventData::Sockopt {
                capability, crypto, ..
            } => (capability, crypto),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn capabilities_follow_the_kernels_checks() {
        let cap = |level, opt, v: i32, ret| fields(judge(3, level, opt, 4, &int(v), false, ret)).0;
        let l = |x: u32| x as i32;
        assert_eq!(
            cap(l(SOL_SOCKET), l(SO_MARK), 5, 0).as_deref(),
            Some(RAW_OR_ADMIN)
        );
        // Priorities 0–6 are free; 7 needs the capability.
        assert_eq!(cap(l(SOL_SOCKET), l(SO_PRIORITY), 6, 0), None);
        assert_eq!(
            cap(l(SOL_SOCKET), l(SO_PRIORITY), 7, -1).as_deref(),
            Some(RAW_OR_ADMIN)
        );
        assert_eq!(
            cap(l(SOL_SOCKET), l(SO_RCVBUFFORCE), 1 << 20, 0).as_deref(),
            Some("CAP_NET_ADMIN")
        );
        // IP_TRANSPARENT only when set.
        assert_eq!(cap(l(SOL_IP), l(IP_TRANSPARENT), 0, 0), None);
        assert_eq!(
            cap(l(SOL_IP), l(IP_TRANSPARENT), 1, 0).as_deref(),
            Some(RAW_OR_ADMIN)
        );
        assert_eq!(cap(l(SOL_IP), l(IP_FREEBIND), 1, 0), None);
        // A device bind needs CAP_NET_RAW only to change one already bound: the kernel's
        // EPERM says so.
        assert_eq!(cap(l(SOL_SOCKET), l(SO_BINDTOIFINDEX), 1, 0), None);
        assert_eq!(
            cap(l(SOL_SOCKET), l(SO_BINDTOIFINDEX), 1, -1).as_deref(),
            Some("CAP_NET_RAW")
        );
    }

    #[test]
    fn tcp_md5_is_crypto_and_its_key_is_not_kept() {
        let mut v = vec![0u8; 136];
        v[..2].copy_from_slice(&2u16.to_ne_bytes());
        v[4..8].copy_from_slice(&[127, 0, 0, 1]);
        v[130..132].copy_from_slice(&16u16.to_ne_bytes());
        let e = judge(3, 6, TCP_MD5SIG as i32, 216, &v, false, 0);
        let EventData::Sockopt { detail, crypto, .. } = &e else {
            panic!()
        };
        assert!(crypto.as_deref().unwrap().contains("RFC 2385"), "{e:?}");
        assert_eq!(detail.as_deref(), Some("key for 127.0.0.1:0, 16-byte key"));
        // Key length 0 deletes the key.
        v[130..132].copy_from_slice(&0u16.to_ne_bytes());
        assert_eq!(
            fields(judge(3, 6, TCP_MD5SIG as i32, 216, &v, false, 0)).1,
            None
        );
    }
}
