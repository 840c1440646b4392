//! What already ran in scope when recording started (`--pid`, `--unit`, `--cgroup`,
//! `--system`).
//!
//! The trace cannot show what a process did before it was recorded: a daemon that bound its
//! port, dropped (or kept) root, or spawned its helpers at start-up did so before a live
//! recording began. What it *is* at start can still be read from /proc: its user, its
//! capabilities, its command line and the sockets it listens on. The header keeps that
//! snapshot, so the verdicts can use the state as evidence and call the time before the
//! recording what it is: unobserved.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::Path;

use crate::events::procs::status_field;
use crate::trace::{ExistingProcess, SockAddr};

/// More is a whole machine (`--system`): the snapshot says how many it left out.
pub const MAX_PROCESSES: usize = 4096;
/// Arguments of a command line kept in the snapshot.
const MAX_ARGV_BYTES: usize = 4096;

/// The snapshot of `pids` (processes, not threads), in pid order, at most [`MAX_PROCESSES`];
/// the second value counts those left out.
pub fn snapshot(pids: &[u32]) -> (Vec<ExistingProcess>, u64) {
    let own = std::process::id();
    let mut pids: Vec<u32> = pids
        .iter()
        .copied()
        .filter(|&p| p != own)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    pids.sort_unstable();
    let cut = pids.len().saturating_sub(MAX_PROCESSES) as u64;
    pids.truncate(MAX_PROCESSES);
    let mut sockets = Sockets::default();
    let boot_secs = uptime_secs();
    let procs = pids
        .into_iter()
        .filter_map(|pid| read(pid, &mut sockets, boot_secs))
        .collect();
    (procs, cut)
}

/// Every process (thread-group leader) in a cgroup v2 directory and below it.
pub fn in_cgroup(dir: &Path) -> Vec<u32> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        if let Ok(procs) = std::fs::read_to_string(d.join("cgroup.procs")) {
            out.extend(procs.lines().filter_map(|l| l.trim().parse::<u32>().ok()));
        }
        if let Ok(entries) = std::fs::read_dir(&d) {
            stack.extend(
                entries
                    .flatten()
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                    .map(|e| e.path()),
            );
        }
    }
    out
}

/// Every process on the machine.
pub fn all() -> Vec<u32> {
    std::fs::read_dir("/proc")
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse().ok()))
                .collect()
        })
        .unwrap_or_default()
}

fn read(pid: u32, sockets: &mut Sockets, boot_secs: Option<f64>) -> Option<ExistingProcess> {
    let base = format!("/proc/{pid}");
    // Gone since it was listed, or a kernel thread (no status to speak of): nothing to keep.
    let status = std::fs::read_to_string(format!("{base}/status")).ok()?;
    let field = |name: &str| status_field(&status, name).map(str::to_owned);
    let ids = |name: &str| -> Vec<u32> {
        field(name)
            .map(|v| {
                v.split_whitespace()
                    .filter_map(|x| x.parse().ok())
                    .collect()
            })
            .unwrap_or_default()
    };
    let (uid, gid) = (ids("Uid"), ids("Gid"));
    let cmdline = std::fs::read(format!("{base}/cmdline")).unwrap_or_default();
    if cmdline.is_empty() && field("Kthread").as_deref() == Some("1") {
        return None;
    }
    let argv_cut = cmdline.len() > MAX_ARGV_BYTES;
    let argv = cmdline[..cmdline.len().min(MAX_ARGV_BYTES)]
        .split(|&b| b == 0)
        .filter(|a| !a.is_empty())
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect();
    let stat = std::fs::read_to_string(format!("{base}/stat")).unwrap_or_default();
    // Field 22 (starttime, clock ticks after boot) is the 20th after the parenthesised comm.
    let started_ticks: Option<f64> = stat
        .rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().nth(19))
        .and_then(|v| v.parse().ok());
    let ticks = nix::unistd::sysconf(nix::unistd::SysconfVar::CLK_TCK)
        .ok()
        .flatten()
        .unwrap_or(100) as f64;
    let running_secs = match (boot_secs, started_ticks) {
        (Some(up), Some(t)) => Some(((up - t / ticks).max(0.0) * 1000.0).round() / 1000.0),
        _ => None,
    };
    Some(ExistingProcess {
        pid,
        ppid: field("PPid").and_then(|v| v.parse().ok()).unwrap_or(0),
        comm: field("Name").unwrap_or_default(),
        exe: std::fs::read_link(format!("{base}/exe"))
            .ok()
            .map(|p| p.to_string_lossy().into_owned()),
        argv,
        argv_truncated: argv_cut,
        uid: uid.first().copied().unwrap_or(u32::MAX),
        euid: uid.get(1).copied().unwrap_or(u32::MAX),
        gid: gid.first().copied().unwrap_or(u32::MAX),
        cap_eff: field("CapEff").unwrap_or_default(),
        cgroup: std::fs::read_to_string(format!("{base}/cgroup"))
            .ok()
            .and_then(|c| {
                c.lines()
                    .find_map(|l| l.strip_prefix("0::").map(str::to_owned))
            }),
        running_secs,
        listening: sockets.listening_of(pid),
    })
}

fn uptime_secs() -> Option<f64> {
    std::fs::read_to_string("/proc/uptime")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Listening sockets by inode, read once per network namespace (a process in another
/// namespace has its own /proc/PID/net tables).
#[derive(Default)]
struct Sockets {
    by_netns: HashMap<String, BTreeMap<u64, String>>,
}

impl Sockets {
    fn listening_of(&mut self, pid: u32) -> Vec<String> {
        let base = format!("/proc/{pid}");
        let netns = std::fs::read_link(format!("{base}/ns/net"))
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        let table = self
            .by_netns
            .entry(netns)
            .or_insert_with(|| listening_table(&base));
        let mut out: Vec<String> = std::fs::read_dir(format!("{base}/fd"))
            .map(|entries| {
                entries
                    .flatten()
                    .filter_map(|e| std::fs::read_link(e.path()).ok())
                    .filter_map(|t| {
                        let t = t.to_string_lossy();
                        let inode = t.strip_prefix("socket:[")?.strip_suffix(']')?;
                        table.get(&inode.parse().ok()?).cloned()
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.sort();
        out.dedup();
        out
    }
}

/// "tcp 0.0.0.0:22", "udp6 [::]:53", "unix /run/x.sock" for every listening (TCP, unix
/// stream) or bound (UDP) socket of a network namespace, by inode.
fn listening_table(proc_base: &str) -> BTreeMap<u64, String> {
    let mut out = BTreeMap::new();
    for (file, proto, listen_state) in [
        ("tcp", "tcp", Some("0A")),
        ("tcp6", "tcp6", Some("0A")),
        ("udp", "udp", None),
        ("udp6", "udp6", None),
    ] {
        let Ok(text) = std::fs::read_to_string(format!("{proc_base}/net/{file}")) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split_whitespace().collect();
            let (Some(local), Some(state), Some(inode)) = (f.get(1), f.get(3), f.get(9)) else {
                continue;
            };
            if listen_state.is_some_and(|s| s != *state) {
                continue;
            }
            if let (Some(addr), Ok(inode)) = (hex_endpoint(local), inode.parse::<u64>())
                && inode != 0
            {
                out.insert(inode, format!("{proto} {addr}"));
            }
        }
    }
    if let Ok(text) = std::fs::read_to_string(format!("{proc_base}/net/unix")) {
        // Num RefCount Protocol Flags Type St Inode Path; flag 0x10000 is __SO_ACCEPTCON.
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split_whitespace().collect();
            let listening = f
                .get(3)
                .and_then(|v| u32::from_str_radix(v, 16).ok())
                .is_some_and(|flags| flags & 0x10000 != 0);
            if let (true, Some(Ok(inode))) = (listening, f.get(6).map(|v| v.parse::<u64>())) {
                let path = f.get(7).copied().unwrap_or("(unnamed)");
                out.insert(inode, format!("unix {path}"));
            }
        }
    }
    out
}

/// `0100007F:0016` → `127.0.0.1:22`; the IPv6 form, four host-order words → `[::1]:22`.
fn hex_endpoint(s: &str) -> Option<String> {
    hex_socket(s).map(|a| a.to_string())
}

/// [`hex_endpoint`] for the inherited descriptors' sockets.
pub(super) fn hex_socket_label(s: &str) -> Option<String> {
    hex_endpoint(s)
}

fn hex_socket(s: &str) -> Option<SocketAddr> {
    let (addr, port) = s.split_once(':')?;
    let port = u16::from_str_radix(port, 16).ok()?;
    match addr.len() {
        8 => {
            let v = u32::from_str_radix(addr, 16).ok()?;
            Some(SocketAddr::new(
                Ipv4Addr::from(v.to_le_bytes()).into(),
                port,
            ))
        }
        32 => {
            let mut bytes = [0u8; 16];
            for (i, word) in (0..4).map(|i| &addr[i * 8..i * 8 + 8]).enumerate() {
                let w = u32::from_str_radix(word, 16).ok()?;
                bytes[i * 4..i * 4 + 4].copy_from_slice(&w.to_le_bytes());
            }
            Some(SocketAddr::new(Ipv6Addr::from(bytes).into(), port))
        }
        _ => None,
    }
}

/// The local address of socket `fd` of live process `pid`, read from /proc: for a socket the
/// trace never saw bound (inherited from whoever started the target, passed by systemd's
/// socket activation, received over a unix socket), so that a `listen` on it still names its
/// port. `None` when the process or fd is gone, or the fd is no TCP, UDP or unix socket.
pub fn socket_local(pid: u32, fd: i32) -> Option<SockAddr> {
    let link = std::fs::read_link(format!("/proc/{pid}/fd/{fd}")).ok()?;
    let inode: u64 = link
        .to_str()?
        .strip_prefix("socket:[")?
        .strip_suffix(']')?
        .parse()
        .ok()?;
    let inode = inode.to_string();
    for file in ["tcp", "tcp6", "udp", "udp6"] {
        let Ok(text) = std::fs::read_to_string(format!("/proc/{pid}/net/{file}")) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.get(9) == Some(&inode.as_str()) {
                let a = hex_socket(f.get(1)?)?;
                let ip = a.ip().to_string();
                return Some(match a {
                    SocketAddr::V4(_) => SockAddr::Inet { ip, port: a.port() },
                    SocketAddr::V6(_) => SockAddr::Inet6 { ip, port: a.port() },
                });
            }
        }
    }
    let text = std::fs::read_to_string(format!("/proc/{pid}/net/unix")).ok()?;
    text.lines().skip(1).find_map(|line| {
        let f: Vec<&str> = line.split_whitespace().collect();
        (f.get(6) == Some(&inode.as_str())).then(|| match f.get(7) {
            Some(p) if p.starts_with('@') => SockAddr::Unix {
                path: None,
                abstract_name: Some(p[1..].to_owned()),
            },
            p => SockAddr::Unix {
                path: p.map(|p| (*p).to_owned()),
                abstract_name: None,
            },
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_hex_endpoints() {
        assert_eq!(hex_endpoint("0100007F:0016").unwrap(), "127.0.0.1:22");
        assert_eq!(hex_endpoint("00000000:0050").unwrap(), "0.0.0.0:80");
        assert_eq!(
            hex_endpoint("00000000000000000000000001000000:0035").unwrap(),
            "[::1]:53"
        );
        assert_eq!(hex_endpoint("junk"), None);
    }

    /// A real listener of this very process: the snapshot names it and our own user.
    #[test]
    fn snapshot_reads_a_live_listener() {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        // Our own pid is left out (the recorder); read it directly.
        let mut sockets = Sockets::default();
        let me = read(std::process::id(), &mut sockets, uptime_secs()).unwrap();
        assert!(
            me.listening.contains(&format!("tcp 127.0.0.1:{port}")),
            "{:?}",
            me.listening
        );
        assert_eq!(me.uid, nix::unistd::getuid().as_raw());
        assert!(me.running_secs.is_some());
        assert!(snapshot(&[std::process::id()]).0.is_empty());
    }

    /// A socket bound before anything watched it: its local address comes from /proc.
    #[test]
    fn socket_local_names_a_socket_by_its_fd() {
        use std::os::fd::AsRawFd;
        let me = std::process::id();
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        assert_eq!(
            socket_local(me, l.as_raw_fd()),
            Some(SockAddr::Inet {
                ip: "127.0.0.1".to_owned(),
                port
            })
        );
        let u = std::net::UdpSocket::bind("[::1]:0").unwrap();
        let port = u.local_addr().unwrap().port();
        assert_eq!(
            socket_local(me, u.as_raw_fd()),
            Some(SockAddr::Inet6 {
                ip: "::1".to_owned(),
                port
            })
        );
        let f = std::fs::File::open("/proc/self/status").unwrap();
        assert_eq!(socket_local(me, f.as_raw_fd()), None);
    }
}
