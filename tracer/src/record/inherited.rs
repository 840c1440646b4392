//! Descriptors the recorded processes held when recording started (the header's
//! `inherited`).
//!
//! The trace names a file when it sees the open; reads and writes are not hooked. A process
//! that was handed an open descriptor (a command started with an fd its caller left open,
//! `exec 9>/tmp/x; tracer record -- prog`; a daemon attached with `--pid` that opened its files
//! long before) can write through it and leave no event at all. What it holds at start is
//! knowable, though: /proc/PID/fd names each descriptor, /proc/PID/fdinfo gives its open flags
//! and /proc/PID/net its socket's addresses. The header keeps that list, so the verdicts can
//! say which claims such a descriptor could break unseen.

use std::collections::HashMap;
use std::os::unix::fs::FileTypeExt;

use super::existing::hex_socket_label;
use crate::trace::{InheritedFd, InheritedSocket};

/// Descriptors kept per process; a daemon with thousands of connections keeps the first.
pub const MAX_PER_PROCESS: usize = 256;

/// The descriptors a child of this process inherits now: ours without close-on-exec, as
/// `pid`'s (the child about to be spawned gets exactly these). The second value counts those
/// left out.
pub fn passed_to_child(pid: u32) -> (Vec<InheritedFd>, u64) {
    let (mut fds, cut) = read("/proc/self", true);
    for f in &mut fds {
        f.pid = pid;
    }
    (fds, cut)
}

/// The open descriptors of running processes (`--pid`), close-on-exec or not: the process
/// itself uses both.
pub fn of_processes(pids: &[u32]) -> (Vec<InheritedFd>, u64) {
    let own = std::process::id();
    let mut out = Vec::new();
    let mut cut = 0;
    for &pid in pids.iter().filter(|&&p| p != own) {
        let (mut fds, c) = read(&format!("/proc/{pid}"), false);
        for f in &mut fds {
            f.pid = pid;
        }
        out.extend(fds);
        cut += c;
    }
    (out, cut)
}

fn read(base: &str, skip_cloexec: bool) -> (Vec<InheritedFd>, u64) {
    let Ok(entries) = std::fs::read_dir(format!("{base}/fd")) else {
        return (Vec::new(), 0);
    };
    let mut fds: Vec<i32> = entries
        .flatten()
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse().ok()))
        .collect();
    fds.sort_unstable();
    let mut sockets: Option<HashMap<u64, InheritedSocket>> = None;
    let mut out = Vec::new();
    for fd in fds {
        let Some(flags) = open_flags(&format!("{base}/fdinfo/{fd}")) else {
            continue;
        };
        if skip_cloexec && flags & libc::O_CLOEXEC as u64 != 0 {
            continue;
        }
        let link = format!("{base}/fd/{fd}");
        let Ok(target) = std::fs::read_link(&link) else {
            continue;
        };
        let target = target.to_string_lossy().into_owned();
        let kind = if target.starts_with("pipe:") {
            "pipe"
        } else if target.starts_with("socket:") {
            "socket"
        } else if target.starts_with('/') {
            // The magic link opens the very file, deleted or not.
            match std::fs::metadata(&link).map(|m| m.file_type()) {
                Ok(t) if t.is_file() => "file",
                Ok(t) if t.is_dir() => "directory",
                Ok(t) if t.is_char_device() => "char",
                Ok(t) if t.is_block_device() => "block",
                Ok(t) if t.is_fifo() => "fifo",
                Ok(t) if t.is_socket() => "socket",
                _ => "other",
            }
        } else {
            "other"
        };
        let socket = target
            .strip_prefix("socket:[")
            .and_then(|i| i.strip_suffix(']'))
            .and_then(|i| i.parse::<u64>().ok())
            .and_then(|inode| {
                sockets
                    .get_or_insert_with(|| socket_table(base))
                    .get(&inode)
                    .cloned()
            });
        out.push(InheritedFd {
            pid: 0,
            fd,
            kind: kind.to_owned(),
            target,
            access: access(flags).to_owned(),
            flags: flag_names(flags),
            socket,
        });
    }
    let cut = out.len().saturating_sub(MAX_PER_PROCESS) as u64;
    out.truncate(MAX_PER_PROCESS);
    (out, cut)
}

/// The `flags:` line of an fdinfo file (octal).
fn open_flags(fdinfo: &str) -> Option<u64> {
    std::fs::read_to_string(fdinfo).ok().and_then(|s| {
        s.lines()
            .find_map(|l| l.strip_prefix("flags:"))
            .and_then(|v| u64::from_str_radix(v.trim(), 8).ok())
    })
}

fn access(flags: u64) -> &'static str {
    if flags & libc::O_PATH as u64 != 0 {
        return "path";
    }
    match flags & libc::O_ACCMODE as u64 {
        0 => "read",
        1 => "write",
        _ => "read_write",
    }
}

fn flag_names(flags: u64) -> Vec<String> {
    [
        (libc::O_APPEND, "O_APPEND"),
        (libc::O_NONBLOCK, "O_NONBLOCK"),
        (libc::O_SYNC, "O_SYNC"),
        (libc::O_DIRECT, "O_DIRECT"),
        (libc::O_CLOEXEC, "O_CLOEXEC"),
    ]
    .iter()
    .filter(|(bit, _)| flags & *bit as u64 != 0)
    .map(|(_, name)| (*name).to_owned())
    .collect()
}

/// Every TCP, UDP and unix socket of `base`'s network namespace, by inode.
fn socket_table(base: &str) -> HashMap<u64, InheritedSocket> {
    let mut out = HashMap::new();
    for proto in ["tcp", "tcp6", "udp", "udp6"] {
        let Ok(text) = std::fs::read_to_string(format!("{base}/net/{proto}")) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split_whitespace().collect();
            let (Some(local), Some(remote), Some(state), Some(inode)) =
                (f.get(1), f.get(2), f.get(3), f.get(9))
            else {
                continue;
            };
            let Ok(inode) = inode.parse::<u64>() else {
                continue;
            };
            let listening = proto.starts_with("tcp") && *state == "0A";
            // A peer of port 0 is no peer: a listening or unconnected socket.
            let peer = hex_socket_label(remote).filter(|p| !p.ends_with(":0"));
            out.insert(
                inode,
                InheritedSocket {
                    proto: proto.to_owned(),
                    local: hex_socket_label(local),
                    peer,
                    listening,
                },
            );
        }
    }
    if let Ok(text) = std::fs::read_to_string(format!("{base}/net/unix")) {
        // Num RefCount Protocol Flags Type St Inode Path; flag 0x10000 is __SO_ACCEPTCON.
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split_whitespace().collect();
            let Some(Ok(inode)) = f.get(6).map(|v| v.parse::<u64>()) else {
                continue;
            };
            out.insert(
                inode,
                InheritedSocket {
                    proto: "unix".to_owned(),
                    local: f.get(7).map(|p| (*p).to_owned()),
                    peer: None,
                    listening: f
                        .get(3)
                        .and_then(|v| u32::from_str_radix(v, 16).ok())
                        .is_some_and(|flags| flags & 0x10000 != 0),
                },
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsRawFd;

    /// A file opened without close-on-exec, and a connected loopback socket, of this very
    /// process: both are listed with what they are.
    #[test]
    fn lists_a_writable_file_and_a_connected_socket() {
        let dir = std::env::temp_dir().join(format!("tracer-inherited-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("out");
        let file = std::fs::File::create(&path).unwrap();
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let conn = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        let (fds, _) = of_processes(&[]);
        assert!(fds.is_empty());
        let (fds, cut) = read("/proc/self", false);
        assert_eq!(cut, 0);
        let f = fds
            .iter()
            .find(|f| f.fd == file.as_raw_fd())
            .expect("the file");
        assert_eq!(
            (f.kind.as_str(), f.access.as_str()),
            ("file", "write"),
            "{f:?}"
        );
        assert_eq!(f.target, path.to_string_lossy());
        assert!(f.flags.iter().any(|x| x == "O_CLOEXEC"), "Rust opens so");
        // With close-on-exec, a child would not get it.
        let (passed, _) = passed_to_child(1);
        assert!(!passed.iter().any(|f| f.fd == file.as_raw_fd()));
        let s = fds
            .iter()
            .find(|f| f.fd == conn.as_raw_fd())
            .and_then(|f| f.socket.clone())
            .expect("the socket");
        assert_eq!(s.proto, "tcp");
        assert_eq!(
            s.peer.as_deref(),
            Some(format!("127.0.0.1:{port}").as_str())
        );
        assert!(!s.listening);
        let s = fds
            .iter()
            .find(|f| f.fd == l.as_raw_fd())
            .and_then(|f| f.socket.clone())
            .expect("the listener");
        assert!(s.listening && s.peer.is_none(), "{s:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
