//! Payload of `sockopt` records: the socket options a review claim can turn on (setsockopt(2)),
//! and the per-datagram source routes of sendmsg(2)'s control data.
//!
//! setsockopt is hot (every socket library sets `SO_REUSEADDR`, `TCP_NODELAY`, buffer sizes):
//! the entry program keeps only the (level, option) pairs of [`recorded`], so no other call
//! costs a record. The set comes from the kernel's own definitions
//! (include/uapi/asm-generic/socket.h, linux/in.h, in6.h, tcp.h, tls.h) and from where it checks
//! a capability or starts crypto (net/core/sock.c `sk_setsockopt`, net/ipv4/ip_sockglue.c,
//! net/ipv6/ipv6_sockglue.c, net/ipv4/tcp.c, net/tls):
//! - a capability: `SO_MARK` (CAP_NET_RAW or CAP_NET_ADMIN), `SO_PRIORITY` outside 0–6
//!   (`sk_set_prio_allowed`: CAP_NET_RAW or CAP_NET_ADMIN; CAP_NET_ADMIN only before 6.13),
//!   `SO_RCVBUFFORCE`, `SO_SNDBUFFORCE`, `SO_DEBUG` set (CAP_NET_ADMIN), `IP_TRANSPARENT` and
//!   `IPV6_TRANSPARENT` set (CAP_NET_RAW or CAP_NET_ADMIN), `IPV6_HOPOPTS`, `IPV6_DSTOPTS`,
//!   `IPV6_RTHDRDSTOPTS` (CAP_NET_RAW), `TCP_REPAIR` (CAP_NET_ADMIN);
//! - crypto done by the kernel for the socket: `TCP_MD5SIG`, `TCP_MD5SIG_EXT` (RFC 2385
//!   segment signatures), the TCP-AO key calls (RFC 5925), `TCP_ULP` (`tls`: kernel TLS,
//!   `espintcp`: IPsec in TCP), `SOL_TLS` `TLS_TX`/`TLS_RX` (the kTLS keys), `IP_IPSEC_POLICY`,
//!   `IP_XFRM_POLICY`, `IPV6_IPSEC_POLICY`, `IPV6_XFRM_POLICY`;
//! - where datagrams really go: `IP_OPTIONS` (a loose or strict source route: the first hop is
//!   the IP destination), `IPV6_RTHDR`, `IPV6_2292PKTOPTIONS` (which may carry one);
//! - context: `SO_BINDTODEVICE`, `SO_BINDTOIFINDEX` (CAP_NET_RAW only to change a device already
//!   bound, which the trace cannot tell), the socket filters (`SO_ATTACH_FILTER`,
//!   `SO_ATTACH_BPF`, `SO_ATTACH_REUSEPORT_CBPF`/`EBPF`), `IP_HDRINCL` (a raw socket's own
//!   headers), `IP_FREEBIND`, `IPV6_FREEBIND`.
//!
//! Never copied: a key. `TCP_MD5SIG`'s record keeps the peer address, flags, prefix length,
//! key length and ifindex (the 136 bytes before `tcpm_key`), `TCP_AO_ADD_KEY`'s the 208 bytes
//! before `key`, `TLS_TX`/`TLS_RX`'s the version and cipher (4 bytes before the IV and key).

/// Socket levels (include/linux/socket.h; `IPPROTO_*` for the protocol levels).
pub const SOL_IP: u32 = 0;
pub const SOL_SOCKET: u32 = 1;
pub const SOL_TCP: u32 = 6;
pub const SOL_IPV6: u32 = 41;
pub const SOL_TLS: u32 = 282;

/// `SOL_SOCKET` options (include/uapi/asm-generic/socket.h, x86_64 and aarch64).
pub const SO_DEBUG: u32 = 1;
pub const SO_PRIORITY: u32 = 12;
pub const SO_BINDTODEVICE: u32 = 25;
pub const SO_ATTACH_FILTER: u32 = 26;
pub const SO_SNDBUFFORCE: u32 = 32;
pub const SO_RCVBUFFORCE: u32 = 33;
pub const SO_MARK: u32 = 36;
pub const SO_ATTACH_BPF: u32 = 50;
pub const SO_ATTACH_REUSEPORT_CBPF: u32 = 51;
pub const SO_ATTACH_REUSEPORT_EBPF: u32 = 52;
pub const SO_BINDTOIFINDEX: u32 = 62;

/// `SOL_IP` options (include/uapi/linux/in.h).
pub const IP_HDRINCL: u32 = 3;
pub const IP_OPTIONS: u32 = 4;
/// As a setsockopt, a flag (pass received options back); as a control message of sendmsg, the
/// options of that datagram (`ip_cmsg_send`): a source route there reroutes it.
pub const IP_RETOPTS: u32 = 7;
pub const IP_FREEBIND: u32 = 15;
pub const IP_IPSEC_POLICY: u32 = 16;
pub const IP_XFRM_POLICY: u32 = 17;
pub const IP_TRANSPARENT: u32 = 19;

/// `SOL_IPV6` options (include/uapi/linux/in6.h, ipv6.h).
pub const IPV6_2292RTHDR: u32 = 5;
pub const IPV6_2292PKTOPTIONS: u32 = 6;
pub const IPV6_IPSEC_POLICY: u32 = 34;
pub const IPV6_XFRM_POLICY: u32 = 35;
pub const IPV6_HOPOPTS: u32 = 54;
pub const IPV6_RTHDRDSTOPTS: u32 = 55;
pub const IPV6_RTHDR: u32 = 57;
pub const IPV6_DSTOPTS: u32 = 59;
pub const IPV6_TRANSPARENT: u32 = 75;
pub const IPV6_FREEBIND: u32 = 78;

/// `SOL_TCP` options (include/uapi/linux/tcp.h).
pub const TCP_MD5SIG: u32 = 14;
pub const TCP_REPAIR: u32 = 19;
pub const TCP_ULP: u32 = 31;
pub const TCP_MD5SIG_EXT: u32 = 32;
pub const TCP_AO_ADD_KEY: u32 = 38;
pub const TCP_AO_DEL_KEY: u32 = 39;
pub const TCP_AO_INFO: u32 = 40;
pub const TCP_AO_REPAIR: u32 = 42;

/// `SOL_TLS` options (include/uapi/linux/tls.h).
pub const TLS_TX: u32 = 1;
pub const TLS_RX: u32 = 2;

/// Bytes of the option's value kept: enough for the largest keyless head (`struct tcp_ao_add`
/// up to its `key`) and an IPv6 routing header with 12 addresses.
pub const SOCKOPT_VAL_CAP: usize = 208;

/// How many bytes of a recorded option's value the record keeps (at most the `optlen` given):
/// an int's 4, a name's 16, a source route's whole option, the keyless head of a key
/// structure. `None`: the option is not recorded.
pub const fn value_bytes(level: u32, optname: u32) -> Option<u32> {
    Some(match (level, optname) {
        (SOL_SOCKET, SO_BINDTODEVICE) => 16,
        // `struct sock_fprog`: its length (the filter itself is not copied).
        (SOL_SOCKET, SO_ATTACH_FILTER | SO_ATTACH_REUSEPORT_CBPF) => 2,
        (
            SOL_SOCKET,
            SO_DEBUG
            | SO_PRIORITY
            | SO_SNDBUFFORCE
            | SO_RCVBUFFORCE
            | SO_MARK
            | SO_ATTACH_BPF
            | SO_ATTACH_REUSEPORT_EBPF
            | SO_BINDTOIFINDEX,
        ) => 4,
        // At most 40 bytes of IPv4 options.
        (SOL_IP, IP_OPTIONS) => 40,
        (SOL_IP, IP_HDRINCL | IP_FREEBIND | IP_TRANSPARENT) => 4,
        (SOL_IP, IP_IPSEC_POLICY | IP_XFRM_POLICY) => 0,
        (SOL_IPV6, IPV6_RTHDR) => SOCKOPT_VAL_CAP as u32,
        // The extension header's head (next header, length).
        (SOL_IPV6, IPV6_HOPOPTS | IPV6_DSTOPTS | IPV6_RTHDRDSTOPTS) => 8,
        (SOL_IPV6, IPV6_2292PKTOPTIONS | IPV6_IPSEC_POLICY | IPV6_XFRM_POLICY) => 0,
        (SOL_IPV6, IPV6_TRANSPARENT | IPV6_FREEBIND) => 4,
        // `struct tcp_md5sig` up to `tcpm_key`: address, flags, prefix length, key length,
        // ifindex.
        (SOL_TCP, TCP_MD5SIG | TCP_MD5SIG_EXT) => 136,
        // `struct tcp_ao_add` up to `key`; `struct tcp_ao_del` (no key) whole.
        (SOL_TCP, TCP_AO_ADD_KEY) => 208,
        (SOL_TCP, TCP_AO_DEL_KEY) => 144,
        (SOL_TCP, TCP_AO_INFO | TCP_AO_REPAIR) => 0,
        (SOL_TCP, TCP_REPAIR) => 4,
        // The upper layer protocol's name (`TCP_ULP_NAME_MAX`).
        (SOL_TCP, TCP_ULP) => 16,
        // `struct tls_crypto_info`: version and cipher type; the IV and key follow, not copied.
        (SOL_TLS, TLS_TX | TLS_RX) => 4,
        _ => return None,
    })
}

/// Whether a setsockopt of (level, optname) is recorded (see the module's comment).
pub const fn recorded(level: u64, optname: u64) -> bool {
    level <= u32::MAX as u64 && optname <= u32::MAX as u64 && {
        value_bytes(level as u32, optname as u32).is_some()
    }
}

/// A sendmsg control message that reroutes its datagram: `IP_RETOPTS` (IPv4 options) or an
/// IPv6 routing header (`IPV6_RTHDR`, `IPV6_2292RTHDR`).
pub const fn route_cmsg(level: i32, kind: i32) -> bool {
    (level == SOL_IP as i32 && kind == IP_RETOPTS as i32)
        || (level == SOL_IPV6 as i32
            && (kind == IPV6_RTHDR as i32 || kind == IPV6_2292RTHDR as i32))
}

/// Control messages of one sendmsg the exit program looks through for a route.
pub const CMSG_SCAN: usize = 4;

#[repr(C)]
#[derive(Clone, Copy)]
pub struct SockoptData {
    /// The socket.
    pub fd: i32,
    /// setsockopt's level and option; for a sendmsg, the control message's level and type
    /// (-1 and 0 when no route was found but the control data was not all read).
    pub level: i32,
    pub optname: i32,
    /// setsockopt's `optlen`; sendmsg: the control message's data length.
    pub optlen: u32,
    /// Bytes of `val` read (at most [`value_bytes`] and `optlen`).
    pub val_len: u32,
    pub _pad: u32,
    pub val: [u8; SOCKOPT_VAL_CAP],
}
