//! Detaching the hooks after the recorder has exited, so that `tracer record -- CMD` returns
//! when the trace is complete rather than when the kernel has finished tearing down.
//!
//! Closing a tracepoint's or a uprobe's perf event waits for an RCU grace period, and the
//! kernel does the uprobes one by one: on this 2-core machine closing ~240 attachments took
//! about 11 s after the footer was written, 85 % of a `record -- /bin/true` run (issue 16).
//! Nothing the user waits for depends on it: the footer is on disk and the output committed.
//!
//! So the recorder forks a detacher just before it exits. The detacher keeps only the BPF and
//! perf-event descriptors (every other descriptor is closed, so a caller reading the recorder's
//! stdout or stderr to EOF is not held up), waits on a pidfd until the recorder has gone, and
//! exits. The recorder's own closes are then not the last references; the detacher's exit is,
//! and it pays the grace periods in the background. Its comm is [`DETACHER_COMM`], which is how
//! the benchmark waits for it before an untraced run.
//!
//! While the detacher lives the programs stay attached; events they produce go to a ring that
//! nobody reads and only bump the old loss counters. In `--pid`/command scope an unrelated task
//! still pays one map lookup per hooked syscall for those seconds. A new recording is not
//! affected by them: its programs, maps and ring are its own instances (nothing is pinned or
//! shared), so it neither sees the old programs' records nor counts its processes twice.
//!
//! What the two do share is the kernel's tracing mutex: a perf tracepoint or uprobe attach
//! takes it, and every perf close holds it through RCU grace periods (a uprobe's close, two or
//! more: ~0.1 s each here). A recorder attaching while a detacher exits would wait behind one
//! close per attach, seconds in all (a CI run of back-to-back recordings once took over 60 s to
//! attach), and waiting for the detacher to finish first cost 12-49 s per back-to-back run
//! (issue 16). So the two take turns through [`ATTACH_LOCK`] (`flock`): a recorder holds it
//! shared while it attaches ([`AttachTurn`]); the detacher closes its links one at a time, each
//! under the lock held exclusive and only taken when free, so a recorder waits for at most the
//! one close in progress and the detacher goes on once the attaches are done. A detacher that
//! waited 1 s for a turn stops taking turns (recorders started back to back can hold the shared
//! lock without a gap for minutes), and the raw tracepoint and LSM links, which take no tracing
//! mutex, are closed at once.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

use tracer_common::DETACHER_COMM;

use super::loader::Loaded;

/// The lock recorders and detachers take turns with (see the module's comment). In /run, a
/// tmpfs only root writes to; elsewhere (a system without /run), in the temporary directory.
pub const ATTACH_LOCK: &str = "/run/tracer-attach.lock";

fn open_attach_lock() -> std::io::Result<OwnedFd> {
    use std::os::unix::fs::OpenOptionsExt;
    let open = |path: &std::path::Path| {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .custom_flags(libc::O_CLOEXEC)
            .open(path)
    };
    open(std::path::Path::new(ATTACH_LOCK))
        .or_else(|_| open(&std::env::temp_dir().join("tracer-attach.lock")))
        .map(OwnedFd::from)
}

/// A recorder's turn to attach: while it is held, detachers close nothing (one close already
/// under way is waited for). Released on drop. Without the lock file (an unwritable /run and
/// temporary directory) there is no turn to take, and attaching goes ahead regardless.
pub struct AttachTurn(Option<OwnedFd>);

impl AttachTurn {
    pub fn take() -> Self {
        let fd = match open_attach_lock() {
            Ok(fd) => fd,
            Err(e) => {
                tracing::debug!("no attach lock ({e}): attaching without taking turns");
                return Self(None);
            }
        };
        let started = std::time::Instant::now();
        // SAFETY: flock on a descriptor we own; EINTR is retried.
        while unsafe { libc::flock(fd.as_raw_fd(), libc::LOCK_SH) } < 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() != std::io::ErrorKind::Interrupted {
                tracing::debug!("attach lock: {e}: attaching without taking turns");
                return Self(None);
            }
        }
        let waited = started.elapsed();
        if waited > std::time::Duration::from_millis(20) {
            tracing::debug!(
                "waited {} ms for an earlier recording's detach step",
                waited.as_millis()
            );
        }
        Self(Some(fd))
    }
}

impl Drop for AttachTurn {
    fn drop(&mut self) {
        if let Some(fd) = &self.0 {
            // SAFETY: unlocking a descriptor we own (closing it would unlock too).
            unsafe { libc::flock(fd.as_raw_fd(), libc::LOCK_UN) };
        }
    }
}

/// Hands the attached hooks to a background detacher, or detaches them here when it cannot.
pub fn detach_in_background(mut loaded: Loaded) {
    match spawn_detacher() {
        Ok(()) => {
            // The detacher holds every link; this process's closes at exit are cheap.
            std::mem::forget(loaded);
        }
        Err(e) => {
            tracing::debug!("detaching in the foreground: {e}");
            loaded.detach();
        }
    }
}

/// Descriptors that keep a hook attached: perf events and BPF objects.
fn keeps_hook(target: &str) -> bool {
    target.starts_with("anon_inode:[perf_event]") || target.starts_with("anon_inode:bpf")
}

/// Of those, the ones whose last close detaches a hook (and may wait for grace periods): the
/// detacher closes them one at a time, in turn with recorders. Programs, maps and BTF are
/// freed by the kernel in the background and go at its exit.
fn detaches_hook(target: &str) -> bool {
    target.starts_with("anon_inode:[perf_event]") || target.starts_with("anon_inode:bpf_link")
}

/// Whether a link descriptor holds a perf event (a tracepoint's or a uprobe's), whose close
/// waits for grace periods under the tracing mutex: its `link_type` in fdinfo. A perf event's
/// own descriptor is one too; what cannot be read counts as one.
fn perf_backed(fd: RawFd) -> bool {
    std::fs::read_to_string(format!("/proc/self/fdinfo/{fd}")).map_or(true, |info| {
        info.lines()
            .find_map(|l| l.strip_prefix("link_type:"))
            .is_none_or(|t| t.trim() == "perf")
    })
}

/// How long the detacher sleeps when a recorder is attaching before it looks again.
const TURN_POLL: libc::timespec = libc::timespec {
    tv_sec: 0,
    tv_nsec: 10_000_000,
};

/// How many [`TURN_POLL`]s the detacher waits for a turn before it stops taking turns: 1 s.
const MAX_TURN_POLLS: u32 = 100;

/// The detacher's pause after each close: a recorder woken by the unlock gets the lock before
/// the detacher takes it again.
const AFTER_CLOSE: libc::timespec = libc::timespec {
    tv_sec: 0,
    tv_nsec: 1_000_000,
};

fn spawn_detacher() -> Result<(), String> {
    // Everything that allocates is done before fork: the child of a multi-threaded process may
    // only make async-signal-safe calls.
    let own = nix::unistd::getpid().as_raw();
    // SAFETY: a plain syscall with an integer pid and no flags.
    let pidfd = unsafe { libc::syscall(libc::SYS_pidfd_open, own, 0) };
    if pidfd < 0 {
        return Err(format!("pidfd_open: {}", std::io::Error::last_os_error()));
    }
    // SAFETY: the kernel just returned this descriptor to us and nothing else owns it.
    let pidfd = unsafe { OwnedFd::from_raw_fd(pidfd as RawFd) };
    let lock = open_attach_lock()
        .map_err(|e| tracing::debug!("no attach lock ({e}): detaching without taking turns"))
        .ok();
    let lock_fd = lock.as_ref().map_or(-1, AsRawFd::as_raw_fd);
    let mut close = Vec::new();
    let mut links = Vec::new();
    let mut kept = 0usize;
    let dir = std::fs::read_dir("/proc/self/fd").map_err(|e| format!("/proc/self/fd: {e}"))?;
    for entry in dir.flatten() {
        let Some(fd) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<RawFd>().ok())
        else {
            continue;
        };
        if fd == pidfd.as_raw_fd() || fd == lock_fd {
            continue;
        }
        match std::fs::read_link(entry.path()) {
            Ok(target) if keeps_hook(&target.to_string_lossy()) => {
                kept += 1;
                if detaches_hook(&target.to_string_lossy()) {
                    links.push((perf_backed(fd), fd));
                }
            }
            // The directory's own descriptor is gone by the time the child runs; closing a
            // closed number is harmless.
            _ => close.push(fd),
        }
    }
    if kept == 0 {
        return Err("no hook descriptors to hand over".into());
    }
    // The links that need no tracing mutex first (raw tracepoints, LSM): they go at once, and
    // the programs that run on every syscall of every process are gone before the seconds of
    // perf closes begin.
    links.sort_unstable();
    let (quick, perf): (Vec<_>, Vec<_>) = links.into_iter().partition(|(perf, _)| !perf);
    let quick: Vec<RawFd> = quick.into_iter().map(|(_, fd)| fd).collect();
    let links: Vec<RawFd> = perf.into_iter().map(|(_, fd)| fd).collect();
    let comm = DETACHER_COMM;
    // The recorder blocks SIGINT and SIGTERM to read them itself; the detacher must die of a
    // plain `kill` like any process.
    // SAFETY: sigemptyset only writes the set it is given.
    let unblocked = unsafe {
        let mut set = std::mem::zeroed::<libc::sigset_t>();
        libc::sigemptyset(&mut set);
        set
    };
    // SAFETY: after fork the child calls only async-signal-safe functions (setsid, sigprocmask,
    // prctl, close, poll, flock, nanosleep, _exit) on data prepared above, and never returns into
    // Rust code.
    match unsafe { libc::fork() } {
        -1 => Err(format!("fork: {}", std::io::Error::last_os_error())),
        0 => unsafe {
            libc::setsid();
            libc::sigprocmask(libc::SIG_SETMASK, &unblocked, std::ptr::null_mut());
            libc::prctl(libc::PR_SET_NAME, comm.as_ptr() as libc::c_ulong, 0, 0, 0);
            for fd in &close {
                libc::close(*fd);
            }
            let mut poll = libc::pollfd {
                fd: pidfd.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            // Readable once the recorder has exited and its descriptors are closed.
            while libc::poll(&mut poll, 1, -1) < 0 {}
            // Raw tracepoints and LSM links take no tracing mutex: close them at once, so the
            // programs that run on every syscall of every task are gone first, whatever the
            // recorders do.
            for fd in &quick {
                libc::close(*fd);
            }
            // A recorder holding the lock is attaching: wait until it is done, but not
            // forever. Recorders starting back to back (a parallel test run) can keep the
            // shared lock held without a gap for minutes; detachers waiting for a gap kept
            // their hooks attached all that time (136 of them once, each still costing every
            // process a uprobe hit on getenv). After MAX_TURN_POLLS without a turn the
            // detacher stops taking turns and closes the rest: recorders attaching then wait
            // behind its closes. Any other error (no lock file) means not taking turns either.
            let mut take_turns = lock_fd >= 0;
            for fd in &links {
                let mut polls = 0;
                let mut locked = take_turns;
                while locked && libc::flock(lock_fd, libc::LOCK_EX | libc::LOCK_NB) < 0 {
                    if !matches!(*libc::__errno_location(), libc::EWOULDBLOCK | libc::EINTR)
                        || polls >= MAX_TURN_POLLS
                    {
                        locked = false;
                        take_turns = false;
                        break;
                    }
                    polls += 1;
                    libc::nanosleep(&TURN_POLL, std::ptr::null_mut());
                }
                libc::close(*fd);
                if locked {
                    libc::flock(lock_fd, libc::LOCK_UN);
                }
                libc::nanosleep(&AFTER_CLOSE, std::ptr::null_mut());
            }
            libc::_exit(0)
        },
        child => {
            tracing::debug!(
                "{kept} hook descriptors ({} links) handed to detacher {child}",
                links.len()
            );
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{detaches_hook, keeps_hook};

    #[test]
    fn only_bpf_and_perf_descriptors_are_kept() {
        assert!(keeps_hook("anon_inode:[perf_event]"));
        assert!(keeps_hook("anon_inode:bpf_link"));
        assert!(keeps_hook("anon_inode:bpf-prog"));
        assert!(keeps_hook("anon_inode:bpf-map"));
        assert!(!keeps_hook("pipe:[1234]"));
        assert!(!keeps_hook("/dev/pts/0"));
        assert!(!keeps_hook("anon_inode:[eventfd]"));
        assert!(!keeps_hook("/tmp/trace.jsonl"));
    }

    #[test]
    fn links_and_perf_events_are_closed_one_at_a_time() {
        assert!(detaches_hook("anon_inode:[perf_event]"));
        assert!(detaches_hook("anon_inode:bpf_link"));
        assert!(!detaches_hook("anon_inode:bpf-prog"));
        assert!(!detaches_hook("anon_inode:bpf-map"));
        assert!(!detaches_hook("anon_inode:btf"));
    }
}
