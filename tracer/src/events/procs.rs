//! Per-process state the kernel side does not send: cwd, fd table and parent.
//!
//! Paths reach userspace as the process passed them. Making them absolute needs the cwd (for
//! `AT_FDCWD`) or the directory behind a dirfd, which this table follows from the events
//! themselves: fork copies the parent's state, chdir/fchdir move the cwd, opens and sockets
//! fill the fd table. A process first seen mid-life (a `--pid` target, a unit's process) is
//! read from /proc once. What cannot be known stays unresolved and is counted, never guessed.
//! Paths are normalised lexically; symlinks are not followed (the kernel side cannot).

use std::collections::HashMap;

use crate::trace::{PathRef, SockAddr};

const AT_FDCWD: i32 = -100;

#[derive(Debug, Clone)]
pub enum Fd {
    Path(String),
    Socket { bound: Option<SockAddr> },
}

#[derive(Debug, Clone, Default)]
pub struct Proc {
    pub ppid: Option<u32>,
    pub cwd: Option<String>,
    pub fds: HashMap<i32, Fd>,
}

#[derive(Debug, Default)]
pub struct Processes {
    map: HashMap<u32, Proc>,
    /// Read /proc for processes seen for the first time (off in tests of saved records).
    pub use_procfs: bool,
    /// File handles seen returned by name_to_handle_at (`TYPE:HEX`) → the file's path, to
    /// name what open_by_handle_at opens. Handles are valid machine-wide, not per process.
    handles: HashMap<String, String>,
}

impl Processes {
    pub fn with_procfs() -> Self {
        Self {
            use_procfs: true,
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
        let proc = read_procfs(pid);
        self.map.insert(pid, proc);
    }

    fn get(&mut self, pid: u32) -> &mut Proc {
        let use_procfs = self.use_procfs;
        self.map.entry(pid).or_insert_with(|| {
            if use_procfs {
                read_procfs(pid)
            } else {
                Proc::default()
            }
        })
    }

    pub fn ppid(&mut self, pid: u32) -> Option<u32> {
        self.get(pid).ppid
    }

    /// A new process: a copy of its parent's cwd and fds (fork semantics; a thread shares its
    /// process's entry and needs none).
    pub fn fork(&mut self, parent: u32, child: u32) {
        let mut state = self.get(parent).clone();
        state.ppid = Some(parent);
        self.map.insert(child, state);
    }

    pub fn remove(&mut self, pid: u32) {
        self.map.remove(&pid);
    }

    pub fn set_cwd(&mut self, pid: u32, cwd: Option<String>) {
        self.get(pid).cwd = cwd;
    }

    pub fn set_fd(&mut self, pid: u32, fd: i32, what: Fd) {
        self.get(pid).fds.insert(fd, what);
    }

    /// `new` names what `old` names (dup2 onto an open fd replaces it); an `old` the table
    /// does not know leaves `new` unknown too, never a stale name.
    pub fn dup_fd(&mut self, pid: u32, old: i32, new: i32) {
        let fds = &mut self.get(pid).fds;
        match fds.get(&old).cloned() {
            Some(what) => {
                fds.insert(new, what);
            }
            None => {
                fds.remove(&new);
            }
        }
    }

    /// Forgets fds `first..=last` (`last` may be `u32::MAX as i32`, i.e. -1: to the end).
    pub fn close_fds(&mut self, pid: u32, first: i32, last: i32) {
        let (first, last) = (first as u32, last as u32);
        if let Some(p) = self.map.get_mut(&pid) {
            p.fds
                .retain(|&fd, _| !(first..=last).contains(&(fd as u32)));
        }
    }

    pub fn fd_path(&mut self, pid: u32, fd: i32) -> Option<String> {
        match self.get(pid).fds.get(&fd)? {
            Fd::Path(p) => Some(p.clone()),
            Fd::Socket { .. } => None,
        }
    }

    pub fn bound_addr(&mut self, pid: u32, fd: i32) -> Option<SockAddr> {
        match self.get(pid).fds.get(&fd)? {
            Fd::Socket { bound } => bound.clone(),
            Fd::Path(_) => None,
        }
    }

    /// `given` made absolute against `dirfd` (or the cwd for `AT_FDCWD`).
    pub fn resolve(&mut self, pid: u32, dirfd: i32, given: String) -> PathRef {
        if given.starts_with('/') {
            let resolved = normalize(&given);
            let given = (resolved != given).then_some(given);
            return PathRef {
                resolved: Some(resolved),
                given,
                real: None,
            };
        }
        let base = if dirfd == AT_FDCWD {
            self.get(pid).cwd.clone()
        } else {
            self.fd_path(pid, dirfd)
        };
        match base {
            Some(base) => {
                let joined = if given.is_empty() {
                    base
                } else {
                    format!("{base}/{given}")
                };
                PathRef {
                    resolved: Some(normalize(&joined)),
                    given: Some(given),
                    real: None,
                }
            }
            None => PathRef {
                resolved: None,
                given: Some(given),
                real: None,
            },
        }
    }
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

fn read_procfs(pid: u32) -> Proc {
    let base = format!("/proc/{pid}");
    let cwd = std::fs::read_link(format!("{base}/cwd"))
        .ok()
        .map(|p| p.to_string_lossy().into_owned());
    let ppid = std::fs::read_to_string(format!("{base}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("PPid:"))
                .and_then(|v| v.trim().parse().ok())
        });
    let mut fds = HashMap::new();
    if let Ok(entries) = std::fs::read_dir(format!("{base}/fd")) {
        for entry in entries.flatten() {
            let Some(fd) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else {
                continue;
            };
            if let Ok(target) = std::fs::read_link(entry.path()) {
                let target = target.to_string_lossy().into_owned();
                if target.starts_with('/') {
                    fds.insert(fd, Fd::Path(target));
                } else if target.starts_with("socket:") {
                    fds.insert(fd, Fd::Socket { bound: None });
                }
            }
        }
    }
    Proc { ppid, cwd, fds }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
