//! What a path or a socket address in an event really names, where the event alone does not say.
//!
//! The rules judge a path by its name and an address by its family; both can be made to lie
//! without the recorder getting anything wrong:
//!
//! - a path through a magic link (`/proc/self/root/…`, `/proc/thread-self/fd/N/…`,
//!   `/dev/fd/N`) names whatever the link points at, not a file under /proc or /dev;
//! - after chroot(2) an absolute path names a file under the new root; after a mount (a bind
//!   mount over an allowed directory) or a setns(2) into another mount namespace, a path may
//!   name any file at all; openat2's RESOLVE_IN_ROOT takes an absolute path under its dirfd;
//! - an AF_UNSPEC address is read by an AF_INET socket as AF_INET (inet_bind accepts
//!   AF_UNSPEC with INADDR_ANY, udp_sendmsg any AF_UNSPEC address), and a `listen()` on a
//!   socket never bound binds it to an ephemeral port on every address.
//!
//! [`Places::compute`] walks the trace once, in order, and keeps per event what the rules need
//! to read such a path or address as the kernel did, or to say that it cannot be read: a path
//! that cannot be placed makes a file claim inconclusive, never "allowed".

use std::collections::{HashMap, HashSet};

use crate::trace::{Event, EventData, PathRef, SockAddr, Trace};

/// openat2's RESOLVE_IN_ROOT (include/uapi/linux/openat2.h).
const RESOLVE_IN_ROOT: u64 = 0x10;

/// How a process's paths map to the host's files at one event.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Root {
    /// Under a chroot: absolute paths are below this host directory.
    Chroot(String),
    /// The process's view of the file system is not known (a mount, pivot_root, setns).
    Unknown(String),
}

/// A path of an event, placed on the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placed {
    /// The host file's path.
    Host(String),
    /// Which file it is cannot be told from the trace: why.
    Unknown(String),
}

/// Per-event facts from the walk over the trace, keyed by event `seq`.
#[derive(Debug, Clone, Default)]
pub struct Places {
    roots: HashMap<u64, Root>,
    /// Binds, sends and listens with an AF_UNSPEC address: the address as the socket's own
    /// family reads it, or `None` when the socket's family is not known.
    unspec: HashMap<u64, Option<SockAddr>>,
    /// Listens on an inet socket created in the trace and never bound: autobound.
    autobound: HashSet<u64>,
    /// Events of a process that shares its fd table or its cwd with another process
    /// (clone(CLONE_FILES or CLONE_FS) without CLONE_THREAD): the other one can change what
    /// a dirfd or the cwd is between the recorded calls, so a relative path is not placed.
    shared_base: HashSet<u64>,
    /// Bind and move mounts in trace order: (target, source; `None` when not known).
    binds: Vec<(String, Option<String>)>,
    /// How many of `binds` were made before each event (events before the first: absent).
    binds_before: HashMap<u64, usize>,
}

/// mount(2)'s MS_BIND and MS_MOVE (include/uapi/linux/mount.h): the mounts that make a path
/// reach files that live elsewhere. Other mounts (tmpfs, proc, remounts, propagation changes)
/// bring a fresh file system or none, never another host path.
const MS_BIND_OR_MOVE: u64 = 0x1000 | 0x2000;

/// clone(2)'s CLONE_FS and CLONE_FILES (include/uapi/linux/sched.h).
const CLONE_FS_OR_FILES: u64 = 0x0000_0200 | 0x0000_0400;

impl Places {
    pub fn compute(trace: &Trace) -> Self {
        let mut out = Places::default();
        let mut root: HashMap<u32, Root> = HashMap::new();
        // After a move_mount by any recorded process, no later path is known to name the file
        // it names on the host (its source is an fd). Bind mounts are kept in `binds`: a mount
        // in the host's namespace changes every process's view, so they apply to every later
        // event (a private namespace's would apply to fewer: this errs towards "not placed").
        let mut mounted: Option<String> = None;
        let mut sockets: HashMap<(u32, i32), String> = HashMap::new();
        let mut shared: HashSet<u32> = HashSet::new();
        for ev in &trace.events {
            if shared.contains(&ev.pid) {
                out.shared_base.insert(ev.seq);
            }
            let ok = ev.result.as_ref().is_none_or(|r| r.ok());
            if !out.binds.is_empty() {
                out.binds_before.insert(ev.seq, out.binds.len());
            }
            if let Some(why) = &mounted {
                out.roots.insert(ev.seq, Root::Unknown(why.clone()));
            } else if let Some(r) = root.get(&ev.pid) {
                out.roots.insert(ev.seq, r.clone());
            }
            match &ev.data {
                EventData::Fork {
                    child_pid,
                    thread,
                    clone_flags,
                    ..
                } => {
                    if !thread && clone_flags & CLONE_FS_OR_FILES != 0 {
                        shared.insert(ev.pid);
                        shared.insert(*child_pid);
                    }
                    match root.get(&ev.pid).cloned() {
                        Some(r) => root.insert(*child_pid, r),
                        None => root.remove(child_pid),
                    };
                }
                EventData::Chroot { path } if ok => {
                    let new = match (root.get(&ev.pid), absolute_given(path)) {
                        (Some(Root::Unknown(why)), _) => Root::Unknown(why.clone()),
                        (Some(Root::Chroot(base)), Some(p)) => Root::Chroot(join(base, &p)),
                        (None, _) if path.resolved.is_some() => {
                            Root::Chroot(path.best().to_owned())
                        }
                        _ => Root::Unknown(format!(
                            "after chroot({}), whose directory is not known",
                            path.best()
                        )),
                    };
                    root.insert(ev.pid, new);
                }
                EventData::PivotRoot { new_root, .. } if ok => {
                    root.insert(
                        ev.pid,
                        Root::Unknown(format!("after pivot_root({})", new_root.best())),
                    );
                }
                EventData::Setns { nstype, .. }
                    if ok && (nstype.is_empty() || nstype.iter().any(|n| n.contains("NEWNS"))) =>
                {
                    root.insert(
                        ev.pid,
                        Root::Unknown("after setns into another mount namespace".to_owned()),
                    );
                }
                EventData::Mount {
                    target,
                    source,
                    flags,
                    ..
                } if ok && flags & MS_BIND_OR_MOVE != 0 => {
                    let source = source.clone().filter(|s| s.starts_with('/'));
                    out.binds.push((target.best().to_owned(), source));
                }
                EventData::MountApi { call, .. } if ok && call == "move_mount" => {
                    mounted = Some(format!("after {call}"));
                }
                EventData::Socket { domain, .. } => {
                    if let Some(fd) = ev.result.as_ref().filter(|r| r.ok()).map(|r| r.ret)
                        && let Ok(fd) = i32::try_from(fd)
                    {
                        sockets.insert((ev.pid, fd), domain.clone());
                    }
                }
                EventData::Bind { fd, addr } | EventData::Send { fd, addr } if ok => {
                    if let Some(a @ SockAddr::Other { number: 0, .. }) = addr {
                        let family = sockets.get(&(ev.pid, *fd)).map(String::as_str);
                        out.unspec.insert(ev.seq, unspec_as(family, a));
                    }
                }
                EventData::Listen { fd, addr, .. } if ok => match addr {
                    Some(a @ SockAddr::Other { number: 0, .. }) => {
                        let family = sockets.get(&(ev.pid, *fd)).map(String::as_str);
                        out.unspec.insert(ev.seq, unspec_as(family, a));
                    }
                    None if sockets
                        .get(&(ev.pid, *fd))
                        .is_some_and(|d| d == "AF_INET" || d == "AF_INET6") =>
                    {
                        out.autobound.insert(ev.seq);
                    }
                    _ => {}
                },
                _ => {}
            }
        }
        out
    }

    /// A path of `ev` placed on the host: through a magic link, a chroot, RESOLVE_IN_ROOT.
    pub fn place(&self, ev: &Event, path: &str) -> Placed {
        let n = self.binds_before.get(&ev.seq).copied().unwrap_or(0);
        if let Some((target, source)) = self.binds[..n]
            .iter()
            .rev()
            .find(|(t, _)| super::rules::under(path, t))
        {
            return match source {
                Some(s) => Placed::Host(join(s, &path[target.trim_end_matches('/').len()..])),
                None => Placed::Unknown(format!(
                    "{path} (below a bind mount on {target} whose source is not known)"
                )),
            };
        }
        if let Some(root) = self.roots.get(&ev.seq) {
            return match root {
                Root::Unknown(why) => Placed::Unknown(format!("{path} ({why})")),
                Root::Chroot(base) if path.starts_with('/') => match magic(path, &[ev.pid, ev.tid])
                {
                    Magic::Plain => Placed::Host(join(base, path)),
                    _ => Placed::Unknown(format!("{path} (a magic link, under a chroot)")),
                },
                Root::Chroot(_) => Placed::Unknown(format!("{path} (under a chroot)")),
            };
        }
        if self.shared_base.contains(&ev.seq)
            && changed_refs(ev).iter().any(|r| {
                r.best() == path && r.given.as_deref().is_some_and(|g| !g.starts_with('/'))
            })
        {
            return Placed::Unknown(format!(
                "{path} (relative, in a process sharing its fd table or cwd with another)"
            ));
        }
        if let EventData::Open {
            resolve, path: p, ..
        } = &ev.data
            && resolve & RESOLVE_IN_ROOT != 0
            && p.best() == path
            && (absolute_given(p).is_some() || path.split('/').any(|c| c == ".."))
        {
            return Placed::Unknown(format!(
                "{path} (openat2 RESOLVE_IN_ROOT: below the dirfd, not the root)"
            ));
        }
        match magic(path, &[ev.pid, ev.tid]) {
            Magic::Plain => Placed::Host(path.to_owned()),
            Magic::Root(rest) => Placed::Host(rest),
            Magic::Link => Placed::Unknown(format!("{path} (through a magic link)")),
        }
    }

    /// An AF_UNSPEC address of a bind, send or listen as the socket read it; `Some(None)` when
    /// the socket's family is not known; `None` when the event has no such address.
    pub fn unspec(&self, seq: u64) -> Option<Option<&SockAddr>> {
        self.unspec.get(&seq).map(Option::as_ref)
    }

    /// Whether this listen autobound its never-bound socket.
    pub fn autobound(&self, seq: u64) -> bool {
        self.autobound.contains(&seq)
    }
}

/// The path references of an event that can name a changed file.
fn changed_refs(ev: &Event) -> Vec<&PathRef> {
    match &ev.data {
        EventData::Open { path, .. }
        | EventData::Unlink { path, .. }
        | EventData::Mkdir { path, .. }
        | EventData::Rmdir { path }
        | EventData::Mknod { path, .. }
        | EventData::Symlink { path, .. } => vec![path],
        EventData::Link { target, path } => vec![target, path],
        EventData::Rename { from, to, .. } => vec![from, to],
        EventData::Truncate { path, .. }
        | EventData::Chmod { path, .. }
        | EventData::Chown { path, .. }
        | EventData::Xattr { path, .. }
        | EventData::Utime { path, .. } => path.iter().collect(),
        _ => vec![],
    }
}

/// The path as given when it was absolute (then a chroot prefixes it as it is).
fn absolute_given(p: &PathRef) -> Option<String> {
    p.given
        .as_deref()
        .or(p.resolved.as_deref())
        .filter(|g| g.starts_with('/'))
        .map(str::to_owned)
}

fn join(base: &str, path: &str) -> String {
    let base = base.trim_end_matches('/');
    let path = path.trim_start_matches('/');
    if path.is_empty() {
        if base.is_empty() { "/" } else { base }.to_owned()
    } else {
        format!("{base}/{path}")
    }
}

/// An AF_UNSPEC sockaddr (`family`, then the rest) read as an AF_INET socket reads it: the
/// port and IPv4 address in sockaddr_in's places.
fn unspec_as(family: Option<&str>, a: &SockAddr) -> Option<SockAddr> {
    let SockAddr::Other { hex, .. } = a else {
        return None;
    };
    if family != Some("AF_INET") || hex.len() < 16 {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok();
    let port = u16::from_be_bytes([byte(2)?, byte(3)?]);
    let ip = std::net::Ipv4Addr::new(byte(4)?, byte(5)?, byte(6)?, byte(7)?);
    Some(SockAddr::Inet {
        ip: ip.to_string(),
        port,
    })
}

enum Magic {
    /// Not a magic link.
    Plain,
    /// `/proc/self/root/REST`: the process's own root, i.e. `/REST` (a chroot is handled
    /// before this).
    Root(String),
    /// A link to an open file or another process's root or cwd: not placeable from its name.
    Link,
}

/// Whether `path` goes through one of the process's own /proc magic links or /dev/fd:
/// `/proc/{self,thread-self,PID}` (and `…/task/TID`) followed by `root`, `cwd`, `fd`,
/// `map_files` or `exe`, `PID` being one of `own`. Another process's /proc entries stay
/// plain paths: a /proc path is never allowlisted, so a write there is notable as it is.
fn magic(path: &str, own: &[u32]) -> Magic {
    if path == "/dev/fd" {
        return Magic::Plain;
    }
    if path.starts_with("/dev/fd/") {
        return Magic::Link;
    }
    let Some(rest) = path.strip_prefix("/proc/") else {
        return Magic::Plain;
    };
    let mut parts = rest.split('/').peekable();
    let who = parts.next().unwrap_or("");
    let own =
        who == "self" || who == "thread-self" || who.parse::<u32>().is_ok_and(|p| own.contains(&p));
    if !own {
        return Magic::Plain;
    }
    let mut own_root = own;
    if parts.peek() == Some(&"task") {
        parts.next();
        parts.next();
        own_root = false;
    }
    let link = parts.next().unwrap_or("");
    let below: Vec<&str> = parts.collect();
    match link {
        "root" if own_root => Magic::Root(format!("/{}", below.join("/"))),
        "root" | "cwd" | "exe" => Magic::Link,
        "fd" | "map_files" if !below.is_empty() && !below[0].is_empty() => Magic::Link,
        _ => Magic::Plain,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placed(path: &str) -> String {
        match magic(path, &[42]) {
            Magic::Plain => format!("plain {path}"),
            Magic::Root(r) => format!("root {r}"),
            Magic::Link => "link".to_owned(),
        }
    }

    #[test]
    fn magic_links_are_told_from_proc_files() {
        assert_eq!(placed("/proc/self/root/etc/passwd"), "root /etc/passwd");
        assert_eq!(placed("/proc/thread-self/root/tmp/x"), "root /tmp/x");
        assert_eq!(placed("/proc/42/root/tmp/x"), "root /tmp/x");
        assert_eq!(placed("/proc/42/fd/3"), "link");
        assert_eq!(
            placed("/proc/1234/root/tmp/x"),
            "plain /proc/1234/root/tmp/x"
        );
        assert_eq!(placed("/proc/thread-self/fd/3/name"), "link");
        assert_eq!(placed("/proc/self/fd/3"), "link");
        assert_eq!(placed("/proc/self/task/7/fd/3"), "link");
        assert_eq!(placed("/proc/self/cwd/x"), "link");
        assert_eq!(placed("/dev/fd/3"), "link");
        assert_eq!(placed("/proc/self/fd"), "plain /proc/self/fd");
        assert_eq!(placed("/proc/self/comm"), "plain /proc/self/comm");
        assert_eq!(placed("/proc/sys/kernel/x"), "plain /proc/sys/kernel/x");
        assert_eq!(placed("/tmp/x"), "plain /tmp/x");
    }

    #[test]
    fn unspec_reads_as_inet_only_on_an_inet_socket() {
        let a = SockAddr::Other {
            number: 0,
            hex: "0000b7fd7f0000010000000000000000".to_owned(),
        };
        assert_eq!(
            unspec_as(Some("AF_INET"), &a),
            Some(SockAddr::Inet {
                ip: "127.0.0.1".to_owned(),
                port: 47101
            })
        );
        assert_eq!(unspec_as(Some("AF_INET6"), &a), None);
        assert_eq!(unspec_as(None, &a), None);
    }

    #[test]
    fn chroot_joins() {
        assert_eq!(join("/srv/jail", "/etc/x"), "/srv/jail/etc/x");
        assert_eq!(join("/", "/etc/x"), "/etc/x");
    }
}
