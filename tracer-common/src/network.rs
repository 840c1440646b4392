//! Payload of the network family. Addresses are copied raw (`struct sockaddr_*`); userspace
//! decodes AF_INET, AF_INET6 and AF_UNIX (abstract names included).

use crate::ADDR_CAP;

/// `SOL_SOCKET` and `SCM_RIGHTS` (include/linux/socket.h): a control message carrying fds.
pub const SOL_SOCKET: i32 = 1;
pub const SCM_RIGHTS: i32 = 1;

/// listen(2) names no address: the `listen_state` program on `sock/inet_sock_set_state`
/// (TCP_CLOSE → TCP_LISTEN, run inside the call, in the caller's context) stores the kernel's
/// own local address of the socket in the in-flight arguments, past the two listen uses:
/// `args[LISTEN_ADDR_ARG]` is [`LISTEN_ADDR_KNOWN`] | family << 16 | port (host order) << 32,
/// and the next two words the address bytes as the kernel keeps them (4 for IPv4, 16 for
/// IPv6). So a socket bound before the recording (inherited, socket-activated) still names its
/// port, and the address is the kernel's, not a copy of the program's memory.
pub const LISTEN_ADDR_ARG: usize = 2;
pub const LISTEN_ADDR_KNOWN: u64 = 1;
/// `TCP_LISTEN` in include/net/tcp_states.h.
pub const TCP_LISTEN: i32 = 10;
/// `TCP_ESTABLISHED`: also a connected UDP socket's state.
pub const TCP_ESTABLISHED: i32 = 1;
/// `IPPROTO_UDP`, `IPPROTO_UDPLITE`: the protocols whose first send autobinds a socket to a
/// port it then receives on (the `udp_autobind` program).
pub const UDP_PROTOCOLS: [u16; 2] = [17, 136];

#[repr(C)]
#[derive(Clone, Copy)]
pub struct NetData {
    /// The socket fd (socket: -1; its fd is the return value); pidfd_getfd: the pidfd.
    pub fd: i32,
    /// socket: domain, type and protocol.
    pub domain: i32,
    pub sock_type: i32,
    pub protocol: i32,
    /// listen backlog; pidfd_getfd: the fd taken from the other process.
    pub backlog: i32,
    /// accept4 flags, sendto/sendmsg flags.
    pub flags: i32,
    /// Bytes of `addr` that are valid (0: no address was given or could be read).
    pub addr_len: u32,
    pub _pad: u32,
    /// bind/connect: the address asked for; accept: the peer; sendto/sendmsg: the destination;
    /// recvmsg, recvmmsg: the control data received (`struct cmsghdr`s, the first
    /// [`ADDR_CAP`] bytes; more is flagged `path_truncated`).
    pub addr: [u8; ADDR_CAP],
    /// A send to an `AF_NETLINK` address: the first [`NL_HEAD`] bytes of the message (its
    /// first `struct nlmsghdr`: length, type, flags, sequence, port), `head_len` of them read.
    /// No other send's payload is copied.
    pub head_len: u32,
    pub _pad2: u32,
    pub head: [u8; NL_HEAD],
}

/// The record of an `fd_received` (recvmsg, recvmmsg, pidfd_getfd): the network record, then
/// where the first [`FD_SOURCES`] fds of an `SCM_RIGHTS` message came from, when a recorded
/// process sent them (its sendmsg saw the same open file in its fd table: [`FdSource`]); a zero
/// `tgid` where nothing recorded sent that file (always, for pidfd_getfd). Apart from
/// [`NetData`] so that the other network records (every connect, send, socket) do not carry
/// its 64 bytes through the ring.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct ReceivedData {
    pub net: NetData,
    pub sources: [FdSource; FD_SOURCES],
}

/// How many received fds of one message are looked up among the files recorded processes
/// sent: the first of an `SCM_RIGHTS` message (one fd per message is the common case:
/// privilege-separated helpers, socket activation); the others stay unnamed.
pub const FD_SOURCES: usize = 4;
/// How many fds of one sendmsg's `SCM_RIGHTS` message are remembered as sent.
pub const FD_SENT: usize = 8;

/// A file a recorded process sent over `SCM_RIGHTS`: the sender, its fd number for the file
/// and when it called sendmsg. Keyed in the kernel by the open file itself (`struct file *`,
/// which the receiver's new fd points to), so the receiver cannot make a file it got from
/// elsewhere look sent by a recorded process; userspace names it after what the sender's fd
/// table held at `ts_ns`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FdSource {
    pub tgid: u32,
    pub fd: i32,
    pub ts_ns: u64,
}

/// `AF_NETLINK`.
pub const AF_NETLINK: u16 = 16;
/// Bytes of `struct nlmsghdr`.
pub const NL_HEAD: usize = 16;
