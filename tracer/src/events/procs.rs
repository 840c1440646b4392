//! Per-process state the kernel side does not send: cwd, fd table and parent.
//!
//! Paths reach userspace as the process passed them. Making them absolute needs the cwd (for
//! `AT_FDCWD`) or the directory behind a dirfd, which this table follows from the events
//! themselves: fork copies the parent's state, chdir/fchdir move the cwd, opens and sockets
//! fill the fd table, dups copy entries, and a successful exec drops the close-on-exec ones
//! (`O_CLOEXEC`, `SOCK_CLOEXEC`, `MFD_CLOEXEC`, dup3 and `F_DUPFD_CLOEXEC`, `F_SETFD`,
//! `CLOSE_RANGE_CLOEXEC`), as the kernel does. A process first seen mid-life (a `--pid` target, a unit's process) is
//! read from /proc once. What cannot be known stays unresolved and is counted, never guessed.
//! Paths are normalised lexically; symlinks are not followed (the kernel side cannot).

use std::collections::{HashMap, HashSet, VecDeque};

use crate::trace::{
    PathRef, SockAddr,
    procfs::{Link, Owner, magic_link},
};

const AT_FDCWD: i32 = -100;

#[derive(Debug, Clone)]
pub enum Fd {
    Path(String),
    Socket {
        bound: Option<SockAddr>,
        /// An `AF_NETLINK` socket's protocol (`NETLINK_ROUTE` is 0): what its messages' types
        /// mean.
        netlink: Option<i32>,
    },
    /// A pidfd (`pidfd_open`): the process it stands for, so that a signal sent through it
    /// names its target.
    Pidfd(u32),
}

#[derive(Debug, Clone, Default)]
pub struct Proc {
    pub ppid: Option<u32>,
    pub cwd: Option<String>,
    pub fds: HashMap<i32, Fd>,
    /// The fds of `fds` that a successful exec closes: without this, a later call through
    /// the same number in the new program would be named after the file the old one opened.
    pub cloexec: HashSet<i32>,
    /// When the process was forked (the fork record's time; 0 for one read from /proc or
    /// seeded): before it, its pid was another process's.
    pub born: u64,
    /// The last entries that left `fds` (closed, replaced, closed at exec), so that an fd the
    /// process sent over `SCM_RIGHTS` and closed before the receipt was read is still named
    /// after what it was when sent ([`Processes::fd_at`]).
    pub(crate) retired: VecDeque<Retired>,
    /// The latest `until` of entries dropped from `retired` to bound it: a question about an
    /// earlier time is not answered.
    pub(crate) forgotten_until: u64,
    /// Whether the process sees the file system as the recorder does (the same mount
    /// namespace and root): `Some(true)` for the command the recorder started and a process
    /// /proc showed so, inherited at fork; `Some(false)` from an unshare or clone of the mount
    /// namespace, a setns into one, a chroot or a pivot_root on; `None` when not known (a
    /// process gone before /proc was read). Only then is a path looked up on the host
    /// ([`super::lookup`]) a name of the file the process meant.
    pub host_view: Option<bool>,
}

/// An fd table entry that left the table at `until` (a record's time).
#[derive(Debug, Clone)]
pub(crate) struct Retired {
    fd: i32,
    what: Fd,
    until: u64,
}

/// Entries kept per process in [`Proc::retired`].
const RETIRED_KEPT: usize = 64;
/// Exited processes kept (with their fd tables) in [`Processes::gone`].
const GONE_KEPT: usize = 64;

impl Proc {
    /// `what` leaves the table at `now`.
    fn retire(&mut self, fd: i32, what: Fd, now: u64) {
        if self.retired.len() == RETIRED_KEPT
            && let Some(old) = self.retired.pop_front()
        {
            self.forgotten_until = self.forgotten_until.max(old.until);
        }
        self.retired.push_back(Retired {
            fd,
            what,
            until: now,
        });
    }

    /// Closes `fd` at `now`: its entry, if the table had one, is retired.
    fn close(&mut self, fd: i32, now: u64) {
        if let Some(what) = self.fds.remove(&fd) {
            self.retire(fd, what, now);
        }
    }

    /// What fd `fd` was at `at`: the first entry for it that left the table after `at`, or
    /// else the one in the table. (The kernel saw the fd open at `at`, so the entry live then
    /// is the first to leave after it.)
    fn fd_at(&self, fd: i32, at: u64) -> Option<Fd> {
        if self.forgotten_until > at {
            return None;
        }
        match self.retired.iter().find(|r| r.fd == fd && r.until > at) {
            Some(r) => Some(r.what.clone()),
            None => self.fds.get(&fd).cloned(),
        }
    }
}

#[derive(Debug, Default)]
pub struct Processes {
    map: HashMap<u32, Proc>,
    /// Read /proc for processes seen for the first time (off in tests of saved records).
    pub use_procfs: bool,
    /// File handles seen returned by name_to_handle_at (`TYPE:HEX`) → the file's path, to
    /// name what open_by_handle_at opens. Handles are valid machine-wide, not per process.
    handles: HashMap<String, String>,
    /// io_uring requests whose completion gives a new fd (key: the kernel's request address),
    /// from the submission record to the completion record.
    uring_pending: HashMap<u64, UringPending>,
    /// The recorder's own mount namespace and root, read once ([`Processes::with_procfs`]):
    /// what each process read from /proc is compared with ([`Proc::host_view`]).
    own_view: Option<View>,
    /// The time of the record being decoded: when table entries leave ([`Proc::retired`]).
    pub now: u64,
    /// The last processes that exited, with when (their fds left at their exit), for
    /// [`Processes::fd_at`]: a helper that sends an fd and exits before the receipt is read.
    gone: VecDeque<(u32, Proc, u64)>,
}

/// What an io_uring openat, openat2, accept or socket will give its process's fd table.
#[derive(Debug, Clone)]
pub struct UringPending {
    pub pid: u32,
    pub user_data: u64,
    /// What the new fd names; `None` when the submission named nothing the table can keep (an
    /// unresolved path): the fd is forgotten instead, unless its completion names it.
    pub what: Option<Fd>,
    pub cloexec: bool,
    /// An openat's or openat2's open flags, when known: its completion's kernel walk names
    /// the fd then ([`Processes::uring_completed`]).
    pub open_flags: Option<u64>,
}

impl Processes {
    pub fn with_procfs() -> Self {
        Self {
            use_procfs: true,
            own_view: View::of("/proc/self"),
            ..Self::default()
        }
    }

    pub fn note_handle(&mut self, handle: String, path: String) {
        self.handles.insert(handle, path);
    }

    pub fn handle_path(&self, handle: &str) -> Option<String> {
        self.handles.get(handle).cloned()
    }

    /// Registers a process whose state is known up front (the command the tracer started).
    pub fn seed(&mut self, pid: u32, proc: Proc) {
        self.map.insert(pid, proc);
    }

    /// Registers a running process from /proc (a `--pid` target and its descendants).
    pub fn seed_from_procfs(&mut self, pid: u32) {
        let proc = read_procfs(pid, self.own_view.as_ref());
        self.map.insert(pid, proc);
    }

    fn get(&mut self, pid: u32) -> &mut Proc {
        let (use_procfs, own_view) = (self.use_procfs, self.own_view.as_ref());
        self.map.entry(pid).or_insert_with(|| {
            if use_procfs {
                read_procfs(pid, own_view)
            } else {
                Proc::default()
            }
        })
    }

    pub fn ppid(&mut self, pid: u32) -> Option<u32> {
        self.get(pid).ppid
    }

    /// See [`Proc::host_view`].
    pub fn host_view(&mut self, pid: u32) -> bool {
        self.get(pid).host_view == Some(true)
    }

    /// The process no longer sees the file system as the recorder does (a new mount
    /// namespace, a chroot, …); nor will its children.
    pub fn leave_host_view(&mut self, pid: u32) {
        self.get(pid).host_view = Some(false);
    }

    /// A new process: a copy of its parent's cwd and fds (fork semantics; a thread shares its
    /// process's entry and needs none).
    pub fn fork(&mut self, parent: u32, child: u32) {
        let mut state = self.get(parent).clone();
        state.ppid = Some(parent);
        state.born = self.now;
        state.retired.clear();
        state.forgotten_until = 0;
        self.map.insert(child, state);
    }

    pub fn remove(&mut self, pid: u32) {
        if let Some(p) = self.map.remove(&pid) {
            if self.gone.len() == GONE_KEPT {
                self.gone.pop_front();
            }
            self.gone.push_back((pid, p, self.now));
        }
    }

    /// What fd `fd` of `pid` was at `at` (a record's time), when the table knew it then: the
    /// process may have closed or replaced it, or exited, since. A pid reused by a later
    /// process is not taken for the earlier one.
    pub fn fd_at(&self, pid: u32, fd: i32, at: u64) -> Option<Fd> {
        if let Some(p) = self.map.get(&pid).filter(|p| p.born <= at) {
            return p.fd_at(fd, at);
        }
        let (_, p, _) = self
            .gone
            .iter()
            .rev()
            .find(|(g, p, died)| *g == pid && p.born <= at && at < *died)?;
        p.fd_at(fd, at)
    }

    pub fn set_cwd(&mut self, pid: u32, cwd: Option<String>) {
        self.get(pid).cwd = cwd;
    }

    /// A new fd (an open, a socket, an accept): it replaces whatever the number held.
    pub fn new_fd(&mut self, pid: u32, fd: i32, what: Fd, cloexec: bool) {
        let now = self.now;
        let p = self.get(pid);
        if let Some(old) = p.fds.insert(fd, what) {
            p.retire(fd, old, now);
        }
        set_flag(&mut p.cloexec, fd, cloexec);
    }

    /// What an open fd names changes (a bind gives a socket its address); its flags stay.
    pub fn set_fd(&mut self, pid: u32, fd: i32, what: Fd) {
        self.get(pid).fds.insert(fd, what);
    }

    /// `new` names what `old` names (dup2 onto an open fd replaces it); an `old` the table
    /// does not know leaves `new` unknown too, never a stale name. The close-on-exec flag is
    /// the new fd's own (dup and dup2 clear it, dup3 and `F_DUPFD_CLOEXEC` may set it).
    pub fn dup_fd(&mut self, pid: u32, old: i32, new: i32, cloexec: bool) {
        let now = self.now;
        let p = self.get(pid);
        let replaced = match p.fds.get(&old).cloned() {
            Some(what) => p.fds.insert(new, what),
            None => p.fds.remove(&new),
        };
        if let Some(r) = replaced {
            p.retire(new, r, now);
        }
        set_flag(&mut p.cloexec, new, cloexec);
    }

    /// fcntl(`F_SETFD`): the fd's close-on-exec flag.
    pub fn set_cloexec(&mut self, pid: u32, fd: i32, cloexec: bool) {
        set_flag(&mut self.get(pid).cloexec, fd, cloexec);
    }

    /// Forgets fds `first..=last` (`last` may be `u32::MAX as i32`, i.e. -1: to the end).
    pub fn close_fds(&mut self, pid: u32, first: i32, last: i32) {
        let now = self.now;
        if let Some(p) = self.map.get_mut(&pid) {
            // A single close (the common case) looks up its fd, not the whole table.
            if first == last {
                p.close(first, now);
                p.cloexec.remove(&first);
                return;
            }
            let closed: Vec<i32> = p
                .fds
                .keys()
                .copied()
                .filter(|&fd| in_range(fd, first, last))
                .collect();
            for fd in closed {
                p.close(fd, now);
            }
            p.cloexec.retain(|&fd| !in_range(fd, first, last));
        }
    }

    /// close_range(`CLOSE_RANGE_CLOEXEC`): fds `first..=last` close at the next exec.
    pub fn cloexec_fds(&mut self, pid: u32, first: i32, last: i32) {
        let p = self.get(pid);
        let marked: Vec<i32> = p
            .fds
            .keys()
            .copied()
            .filter(|&fd| in_range(fd, first, last))
            .collect();
        p.cloexec.extend(marked);
    }

    /// An io_uring request submitted whose completion is a new fd (`req`: its address).
    pub fn uring_submitted(&mut self, req: u64, pending: UringPending) {
        self.uring_pending.insert(req, pending);
    }

    /// The open flags of `tgid`'s openat or openat2 request `req` (`user_data`) waiting for
    /// its completion, when known.
    pub fn uring_open_flags(&self, tgid: u32, req: u64, user_data: u64) -> Option<u64> {
        self.uring_pending
            .get(&req)
            .filter(|p| p.user_data == user_data && p.pid == tgid)
            .and_then(|p| p.open_flags)
    }

    /// The completion of a request of `tgid` (`more`: a multishot accept goes on). A result
    /// matched to its submission names the fd as the kernel walk at the completion did
    /// (`walked`: an open's file, where the walk named it), else as the submission did; an fd
    /// the table cannot name (the submission record was lost, its path unresolved and not
    /// walked) is forgotten, never left with a stale name.
    pub fn uring_completed(
        &mut self,
        tgid: u32,
        req: u64,
        user_data: u64,
        res: i32,
        more: bool,
        walked: Option<Fd>,
    ) {
        let pending = if more {
            self.uring_pending.get(&req).cloned()
        } else {
            self.uring_pending.remove(&req)
        };
        if res < 0 {
            return;
        }
        let named = pending
            .filter(|p| p.user_data == user_data && p.pid == tgid)
            .and_then(|p| Some((p.pid, walked.or(p.what)?, p.cloexec)));
        match named {
            Some((pid, what, cloexec)) => self.new_fd(pid, res, what, cloexec),
            None => self.close_fds(tgid, res, res),
        }
    }

    /// A successful exec: the kernel closed the close-on-exec fds.
    pub fn exec(&mut self, pid: u32) {
        let now = self.now;
        let p = self.get(pid);
        let closed = std::mem::take(&mut p.cloexec);
        for fd in closed {
            p.close(fd, now);
        }
    }

    pub fn fd_path(&mut self, pid: u32, fd: i32) -> Option<String> {
        match self.get(pid).fds.get(&fd)? {
            Fd::Path(p) => Some(p.clone()),
            Fd::Socket { .. } | Fd::Pidfd(_) => None,
        }
    }

    /// What fd `fd` of `pid` is, when the table knows it. Only a process this recording
    /// follows is asked (another one's fds are not known from the trace).
    pub fn fd_of(&mut self, pid: u32, fd: i32) -> Option<Fd> {
        self.map.get(&pid)?.fds.get(&fd).cloned()
    }

    /// The netlink protocol of socket `fd` of `pid`, when the table knows it for one.
    pub fn netlink_protocol(&mut self, pid: u32, fd: i32) -> Option<i32> {
        match self.get(pid).fds.get(&fd)? {
            Fd::Socket { netlink, .. } => *netlink,
            Fd::Path(_) | Fd::Pidfd(_) => None,
        }
    }

    pub fn bound_addr(&mut self, pid: u32, fd: i32) -> Option<SockAddr> {
        match self.get(pid).fds.get(&fd)? {
            Fd::Socket { bound, .. } => bound.clone(),
            Fd::Path(_) | Fd::Pidfd(_) => None,
        }
    }

    /// The process a pidfd of `pid` stands for: one from `pidfd_open`, or a `/proc/PID`
    /// directory opened (pidfd_send_signal takes either). `None` when the table does not know
    /// the fd as either: it came from somewhere the trace does not show (`CLONE_PIDFD`, an
    /// inherited or received fd).
    pub fn pidfd_target(&mut self, pid: u32, fd: i32) -> Option<u32> {
        match self.get(pid).fds.get(&fd)? {
            Fd::Pidfd(target) => Some(*target),
            Fd::Path(p) => p
                .strip_prefix("/proc/")
                .and_then(|n| n.parse().ok())
                .filter(|&n| n > 0),
            Fd::Socket { .. } => None,
        }
    }

    /// `given` made absolute against `dirfd` (or the cwd for `AT_FDCWD`). The kernel's magic
    /// links on the way (`/proc/self/fd/N`, `/dev/fd/N`, `/proc/PID/cwd`, …: see
    /// [`Processes::normalize_for`]) are followed through the fd table.
    pub fn resolve(&mut self, pid: u32, dirfd: i32, given: String) -> PathRef {
        if given.starts_with('/') {
            let resolved = self.normalize_for(pid, &given);
            let given = (resolved.as_ref() != Some(&given)).then_some(given);
            return PathRef {
                resolved,
                given,
                real: None,
                looked_up: None,
            };
        }
        match self.base(pid, dirfd) {
            Some(base) => {
                let joined = if given.is_empty() {
                    base
                } else {
                    format!("{base}/{given}")
                };
                PathRef {
                    resolved: self.normalize_for(pid, &joined),
                    given: Some(given),
                    real: None,
                    looked_up: None,
                }
            }
            None => PathRef {
                resolved: None,
                given: Some(given),
                real: None,
                looked_up: None,
            },
        }
    }

    /// The name of the directory a relative path of `pid` starts from: `dirfd`'s, or the
    /// cwd's for `AT_FDCWD`.
    pub fn base(&mut self, pid: u32, dirfd: i32) -> Option<String> {
        if dirfd == AT_FDCWD {
            self.get(pid).cwd.clone()
        } else {
            self.fd_path(pid, dirfd)
        }
    }

    /// [`normalize`], with the kernel's magic links followed as the process `pid` sees them:
    /// `/proc/self/fd/N`, `/proc/thread-self/fd/N`, `/proc/PID/fd/N`,
    /// `/proc/PID/task/TID/fd/N` and `/dev/fd/N` name the file behind fd N (the `/dev/fd` link
    /// leads to `/proc/self/fd`), and `/proc/…/cwd` the process's cwd, from the tables this
    /// recorder keeps. Made absolute lexically, they would name `/proc/self/fd/3` instead of
    /// the file written. `None` when a link's target is unknown (an fd the trace never saw
    /// opened, a socket, another process the recording does not follow): unresolved, never a
    /// guess. A link is followed where it appears, before the `..` after it, as the kernel does.
    pub fn normalize_for(&mut self, pid: u32, path: &str) -> Option<String> {
        // Most paths cannot hold a magic link: the plain lexical pass, without allocating per
        // component (this runs for every path of every event).
        if !path.contains("proc") && !path.contains("fd") {
            return Some(normalize(path));
        }
        let mut parts: Vec<String> = Vec::new();
        for part in path.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                p => parts.push(p.to_owned()),
            }
            if let Some(m) = magic_link(&parts).filter(|m| m.len == parts.len()) {
                let owner = match m.owner {
                    Owner::Caller => pid,
                    Owner::Pid(p) => p,
                };
                // Only the fd and cwd links are followed (the root and exe links stay as
                // given, as docs/trace-format.md says).
                let target = match m.link {
                    Link::Fd(Some(_)) | Link::Cwd
                        if owner != pid && !self.map.contains_key(&owner) =>
                    {
                        // Another process the recording does not follow: its fds are not
                        // known.
                        return None;
                    }
                    Link::Fd(Some(fd)) => self.fd_path(owner, fd),
                    Link::Cwd => self.get(owner).cwd.clone(),
                    _ => continue,
                }?;
                if !target.starts_with('/') {
                    return None;
                }
                parts = normalize(&target)
                    .split('/')
                    .filter(|p| !p.is_empty())
                    .map(str::to_owned)
                    .collect();
            }
        }
        Some(format!("/{}", parts.join("/")))
    }
}

/// An fd table entry in words: a file's path, `socket` (with its bound address), `pidfd PID`.
pub fn describe_fd(fd: &Fd) -> String {
    match fd {
        Fd::Path(p) => p.clone(),
        Fd::Socket { bound: Some(a), .. } => {
            format!("socket bound to {}", crate::trace::describe::addr_label(a))
        }
        Fd::Socket { bound: None, .. } => "socket".to_owned(),
        Fd::Pidfd(pid) => format!("pidfd {pid}"),
    }
}

fn set_flag(set: &mut HashSet<i32>, fd: i32, on: bool) {
    if on {
        set.insert(fd);
    } else {
        set.remove(&fd);
    }
}

/// `fd` in `first..=last`, compared unsigned as the kernel does (`last` -1 is the end).
fn in_range(fd: i32, first: i32, last: i32) -> bool {
    (first as u32..=last as u32).contains(&(fd as u32))
}

/// Removes `.`, `..` and repeated slashes without touching the filesystem.
pub fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// A field of a `/proc/PID/status` text: what follows `NAME:` on its line, trimmed
/// (`status_field(s, "Uid")` is "0\t0\t0\t0"); `None` when the kernel shows no such field.
pub fn status_field<'a>(status: &'a str, name: &str) -> Option<&'a str> {
    status
        .lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
        .map(str::trim)
}

/// What /proc shows of process `pid`; `own_view`: the recorder's (see [`View`]).
fn read_procfs(pid: u32, own_view: Option<&View>) -> Proc {
    let base = format!("/proc/{pid}");
    let cwd = std::fs::read_link(format!("{base}/cwd"))
        .ok()
        .map(|p| p.to_string_lossy().into_owned());
    let ppid = std::fs::read_to_string(format!("{base}/status"))
        .ok()
        .and_then(|s| status_field(&s, "PPid")?.parse().ok());
    let mut fds = HashMap::new();
    let mut cloexec = HashSet::new();
    if let Ok(entries) = std::fs::read_dir(format!("{base}/fd")) {
        for entry in entries.flatten() {
            let Some(fd) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else {
                continue;
            };
            if fd_cloexec(&format!("{base}/fdinfo/{fd}")) {
                cloexec.insert(fd);
            }
            if let Ok(target) = std::fs::read_link(entry.path()) {
                let target = target.to_string_lossy().into_owned();
                if target.starts_with('/') {
                    fds.insert(fd, Fd::Path(target));
                } else if target.starts_with("socket:") {
                    fds.insert(
                        fd,
                        Fd::Socket {
                            bound: None,
                            netlink: None,
                        },
                    );
                }
            }
        }
    }
    Proc {
        ppid,
        cwd,
        fds,
        cloexec,
        host_view: View::of(&base)
            .zip(own_view)
            .map(|(view, own)| view == *own),
        ..Proc::default()
    }
}

/// A process's mount namespace and root directory (device and inode): two processes with the
/// same see the file system alike.
#[derive(Debug, Clone, PartialEq, Eq)]
struct View {
    ns: std::path::PathBuf,
    root: (u64, u64),
}

impl View {
    /// The view of the process at `base` (`/proc/PID`, `/proc/self`); `None` when /proc no
    /// longer shows it.
    fn of(base: &str) -> Option<Self> {
        use std::os::unix::fs::MetadataExt;
        let ns = std::fs::read_link(format!("{base}/ns/mnt")).ok()?;
        let root = std::fs::metadata(format!("{base}/root")).ok()?;
        Some(Self {
            ns,
            root: (root.dev(), root.ino()),
        })
    }
}

/// The fd's close-on-exec flag from its `fdinfo` (`flags:` in octal, `O_CLOEXEC` included).
fn fd_cloexec(fdinfo: &str) -> bool {
    std::fs::read_to_string(fdinfo)
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("flags:"))
                .and_then(|v| u64::from_str_radix(v.trim(), 8).ok())
        })
        .is_some_and(|f| f & libc::O_CLOEXEC as u64 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The recorder's own view, read once, is its processes' unless they left it; a process
    /// /proc no longer shows has no known view.
    #[test]
    fn processes_in_the_recorders_view_are_told_by_their_namespace_and_root() {
        let mut p = Processes::with_procfs();
        assert!(p.own_view.is_some());
        let me = std::process::id();
        assert!(p.host_view(me));
        p.leave_host_view(me);
        assert!(!p.host_view(me));
        assert_eq!(read_procfs(u32::MAX, p.own_view.as_ref()).host_view, None);
    }

    /// A field is its whole name before the colon; the value is trimmed.
    #[test]
    fn a_status_field_is_found_by_its_whole_name() {
        let status = "Name:\tcron\nUmask:\t0022\nUid:\t0\t1\t2\t3\n";
        assert_eq!(status_field(status, "Uid"), Some("0\t1\t2\t3"));
        assert_eq!(status_field(status, "Name"), Some("cron"));
        assert_eq!(status_field(status, "U"), None);
        assert_eq!(status_field(status, "Gid"), None);
    }

    /// An fd sent at time 10 and closed at 20, its number reused at 30, its process gone at
    /// 40 and the pid reused by a process forked at 50: asked about time 10 each time, the
    /// table names the file sent.
    #[test]
    fn an_fd_is_named_as_it_was_when_sent() {
        let mut p = Processes::default();
        p.seed(1, Proc::default());
        p.now = 5;
        p.new_fd(1, 3, Fd::Path("/etc/sent".into()), false);
        assert_eq!(path_at(&p, 1, 3, 10).as_deref(), Some("/etc/sent"));
        p.now = 20;
        p.close_fds(1, 3, 3);
        assert_eq!(path_at(&p, 1, 3, 10).as_deref(), Some("/etc/sent"));
        p.now = 30;
        p.new_fd(1, 3, Fd::Path("/etc/later".into()), false);
        assert_eq!(path_at(&p, 1, 3, 10).as_deref(), Some("/etc/sent"));
        assert_eq!(path_at(&p, 1, 3, 35).as_deref(), Some("/etc/later"));
        p.now = 40;
        p.remove(1);
        assert_eq!(path_at(&p, 1, 3, 10).as_deref(), Some("/etc/sent"));
        p.seed(7, Proc::default());
        p.now = 50;
        p.fork(7, 1);
        assert_eq!(path_at(&p, 1, 3, 10).as_deref(), Some("/etc/sent"));
        assert_eq!(
            path_at(&p, 1, 3, 45),
            None,
            "between the two processes of pid 1"
        );
    }

    /// Past the entries kept, an earlier time is not answered rather than answered wrong.
    #[test]
    fn a_time_older_than_the_kept_entries_is_not_answered() {
        let mut p = Processes::default();
        p.seed(1, Proc::default());
        p.now = 1;
        p.new_fd(1, 3, Fd::Path("/etc/sent".into()), false);
        for i in 0..RETIRED_KEPT as u64 + 2 {
            p.now = 10 + i;
            p.new_fd(1, 4, Fd::Path(format!("/tmp/{i}")), false);
        }
        assert_eq!(path_at(&p, 1, 3, 5), None);
    }

    fn path_at(p: &Processes, pid: u32, fd: i32, at: u64) -> Option<String> {
        match p.fd_at(pid, fd, at)? {
            Fd::Path(path) => Some(path),
            other => panic!("not a path: {other:?}"),
        }
    }

    #[test]
    fn normalizes_lexically() {
        assert_eq!(normalize("/a/./b//c/../d"), "/a/b/d");
        assert_eq!(normalize("/.."), "/");
    }

    #[test]
    fn resolves_against_cwd_dirfd_and_marks_unknown() {
        let mut p = Processes::default();
        p.seed(
            1,
            Proc {
                cwd: Some("/home/u".into()),
                ..Proc::default()
            },
        );
        p.set_fd(1, 5, Fd::Path("/etc".into()));
        assert_eq!(
            p.resolve(1, AT_FDCWD, "x".into()).resolved.as_deref(),
            Some("/home/u/x")
        );
        assert_eq!(
            p.resolve(1, 5, "passwd".into()).resolved.as_deref(),
            Some("/etc/passwd")
        );
        let unknown = p.resolve(1, 9, "y".into());
        assert_eq!(
            (unknown.resolved, unknown.given.as_deref()),
            (None, Some("y"))
        );
        let abs = p.resolve(1, AT_FDCWD, "/tmp/x".into());
        assert_eq!((abs.resolved.as_deref(), abs.given), (Some("/tmp/x"), None));
    }

    /// `/proc/self/fd/N`, `/proc/thread-self/fd/N`, `/proc/PID/fd/N`, `/dev/fd/N` and
    /// `/proc/…/cwd` name what the table knows, followed before a `..`; an unknown fd, a
    /// socket or a process the recording does not follow leave the path unresolved.
    #[test]
    fn magic_links_are_followed_through_the_fd_table() {
        let mut p = Processes::default();
        p.seed(
            7,
            Proc {
                cwd: Some("/home/u".into()),
                ..Proc::default()
            },
        );
        p.new_fd(7, 3, Fd::Path("/etc/secret".into()), false);
        p.new_fd(7, 4, Fd::Path("/srv/dir".into()), false);
        p.new_fd(
            7,
            5,
            Fd::Socket {
                bound: None,
                netlink: None,
            },
            false,
        );
        let r = |p: &mut Processes, path: &str| p.resolve(7, AT_FDCWD, path.into());
        for given in [
            "/proc/self/fd/3",
            "/proc/thread-self/fd/3",
            "/proc/7/fd/3",
            "/proc/7/task/9/fd/3",
            "/dev/fd/3",
            "/proc/./self//fd/3",
        ] {
            let got = r(&mut p, given);
            assert_eq!(got.resolved.as_deref(), Some("/etc/secret"), "{given}");
            assert_eq!(got.given.as_deref(), Some(given));
        }
        assert_eq!(
            r(&mut p, "/proc/self/fd/4/../x").resolved.as_deref(),
            Some("/srv/x")
        );
        assert_eq!(
            r(&mut p, "/dev/fd/4/a/b").resolved.as_deref(),
            Some("/srv/dir/a/b")
        );
        assert_eq!(
            r(&mut p, "/proc/self/cwd/f").resolved.as_deref(),
            Some("/home/u/f")
        );
        // Relative to a dirfd or cwd that is itself /proc/self/fd.
        p.new_fd(7, 6, Fd::Path("/proc/self/fd".into()), false);
        assert_eq!(
            p.resolve(7, 6, "3".into()).resolved.as_deref(),
            Some("/etc/secret")
        );
        for unknown in [
            "/proc/self/fd/9",
            "/proc/self/fd/5",
            "/proc/99/fd/3",
            "/dev/fd/9/x",
        ] {
            let got = r(&mut p, unknown);
            assert_eq!(got.resolved, None, "{unknown}");
            assert_eq!(got.given.as_deref(), Some(unknown));
        }
        // Not magic: the directory itself, other /proc files, a name that only looks alike.
        assert_eq!(
            r(&mut p, "/proc/self/fd").resolved.as_deref(),
            Some("/proc/self/fd")
        );
        assert_eq!(
            r(&mut p, "/proc/self/status").resolved.as_deref(),
            Some("/proc/self/status")
        );
        assert_eq!(
            r(&mut p, "/dev/fdx/3").resolved.as_deref(),
            Some("/dev/fdx/3")
        );
        // A pidfd names its process, and a /proc/PID directory fd does too.
        p.new_fd(7, 10, Fd::Pidfd(42), true);
        p.new_fd(7, 11, Fd::Path("/proc/43".into()), false);
        assert_eq!(p.pidfd_target(7, 10), Some(42));
        assert_eq!(p.pidfd_target(7, 11), Some(43));
        assert_eq!(p.pidfd_target(7, 3), None);
        assert_eq!(p.pidfd_target(7, 12), None);
    }

    #[test]
    fn fork_copies_cwd_and_fds() {
        let mut p = Processes::default();
        p.seed(
            1,
            Proc {
                cwd: Some("/srv".into()),
                ..Proc::default()
            },
        );
        p.set_fd(1, 3, Fd::Path("/var".into()));
        p.fork(1, 2);
        assert_eq!(p.ppid(2), Some(1));
        assert_eq!(
            p.resolve(2, 3, "log".into()).resolved.as_deref(),
            Some("/var/log")
        );
    }

    #[test]
    fn exec_drops_close_on_exec_fds_only() {
        let mut p = Processes::default();
        p.new_fd(1, 3, Fd::Path("/etc/a".into()), true);
        p.new_fd(1, 4, Fd::Path("/etc/b".into()), false);
        p.dup_fd(1, 4, 5, true);
        p.dup_fd(1, 3, 6, false);
        p.new_fd(1, 7, Fd::Path("/etc/c".into()), false);
        p.set_cloexec(1, 7, true);
        p.new_fd(1, 8, Fd::Path("/etc/d".into()), true);
        p.set_cloexec(1, 8, false);
        p.new_fd(1, 9, Fd::Path("/etc/e".into()), false);
        p.cloexec_fds(1, 9, -1);
        p.fork(1, 2);
        p.exec(2);
        let kept = |p: &mut Processes, fd| p.fd_path(2, fd);
        assert_eq!(kept(&mut p, 3), None);
        assert_eq!(kept(&mut p, 4).as_deref(), Some("/etc/b"));
        assert_eq!(kept(&mut p, 5), None);
        assert_eq!(kept(&mut p, 6).as_deref(), Some("/etc/a"));
        assert_eq!(kept(&mut p, 7), None);
        assert_eq!(kept(&mut p, 8).as_deref(), Some("/etc/d"));
        assert_eq!(kept(&mut p, 9), None);
        // The parent did not exec: its table is whole.
        assert_eq!(p.fd_path(1, 3).as_deref(), Some("/etc/a"));
        // A new fd on a reused number starts without the flag.
        p.new_fd(2, 3, Fd::Path("/etc/f".into()), false);
        p.exec(2);
        assert_eq!(p.fd_path(2, 3).as_deref(), Some("/etc/f"));
    }

    /// A ring's result names its fd as the kernel walk or else the submission did; a multishot accept's entry stays
    /// for its next result; a result without its submission (or of another request at the
    /// same address) forgets the number instead of keeping a stale name; a failure changes
    /// nothing.
    #[test]
    fn uring_results_name_fds_only_when_matched() {
        let mut p = Processes::default();
        let pending = |user_data, what: &str| UringPending {
            pid: 1,
            user_data,
            what: Some(Fd::Path(what.into())),
            cloexec: false,
            open_flags: None,
        };
        p.uring_submitted(0xa0, pending(7, "/srv/a"));
        p.uring_completed(1, 0xa0, 7, 5, false, None);
        assert_eq!(p.fd_path(1, 5).as_deref(), Some("/srv/a"));
        // Gone after its completion: a second result at that address names nothing.
        p.set_fd(1, 6, Fd::Path("/stale".into()));
        p.uring_completed(1, 0xa0, 7, 6, false, None);
        assert_eq!(p.fd_path(1, 6), None);
        // Another request's user_data, or another process's: not named.
        p.uring_submitted(0xb0, pending(8, "/srv/b"));
        p.uring_completed(1, 0xb0, 9, 7, false, None);
        assert_eq!(p.fd_path(1, 7), None);
        p.uring_submitted(0xb0, pending(8, "/srv/b"));
        p.uring_completed(2, 0xb0, 8, 7, false, None);
        assert_eq!(p.fd_path(1, 7), None);
        // A multishot request goes on (CQE_F_MORE); a failure names nothing.
        p.uring_submitted(0xc0, pending(10, "/srv/c"));
        p.uring_completed(1, 0xc0, 10, -11, true, None);
        p.uring_completed(1, 0xc0, 10, 8, true, None);
        p.uring_completed(1, 0xc0, 10, 9, false, None);
        assert_eq!(p.fd_path(1, 8).as_deref(), Some("/srv/c"));
        assert_eq!(p.fd_path(1, 9).as_deref(), Some("/srv/c"));
        p.set_fd(1, 10, Fd::Path("/stale".into()));
        p.uring_completed(1, 0xc0, 10, -9, false, None);
        assert_eq!(p.fd_path(1, 10).as_deref(), Some("/stale"));
        // An open's completion walked: the kernel's name wins over the submission's, and
        // names an fd whose submitted path was unresolved.
        p.uring_submitted(0xd0, pending(11, "/srv/lnk/d"));
        let walked = || Some(Fd::Path("/elsewhere/d".into()));
        p.uring_completed(1, 0xd0, 11, 11, false, walked());
        assert_eq!(p.fd_path(1, 11).as_deref(), Some("/elsewhere/d"));
        p.uring_submitted(
            0xe0,
            UringPending {
                what: None,
                ..pending(12, "")
            },
        );
        p.uring_completed(1, 0xe0, 12, 12, false, walked());
        assert_eq!(p.fd_path(1, 12).as_deref(), Some("/elsewhere/d"));
    }
}
