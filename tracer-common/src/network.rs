//! Payload of the network family. Addresses are copied raw (`struct sockaddr_*`); userspace
//! decodes AF_INET, AF_INET6 and AF_UNIX (abstract names included).

use crate::ADDR_CAP;

#[repr(C)]
#[derive(Clone, Copy)]
pub struct NetData {
    /// The socket fd (socket: -1; its fd is the return value).
    pub fd: i32,
    /// socket: domain, type and protocol.
    pub domain: i32,
    pub sock_type: i32,
    pub protocol: i32,
    /// listen backlog.
    pub backlog: i32,
    /// accept4 flags, sendto/sendmsg flags.
    pub flags: i32,
    /// Bytes of `addr` that are valid (0: no address was given or could be read).
    pub addr_len: u32,
    pub _pad: u32,
    /// bind/connect: the address asked for; accept: the peer; sendto/sendmsg: the destination.
    pub addr: [u8; ADDR_CAP],
}
