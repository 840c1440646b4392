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
//! still pays one map lookup per hooked syscall for those seconds.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

use tracer_common::{DETACHER_COMM, live_detachers};

use super::loader::Loaded;

/// Waits, up to `limit`, until no earlier recording's detacher is left. The kernel serializes
/// tracepoint attaches and detaches (each detach holds the tracing mutex through an RCU grace
/// period), so a recorder started while one is tearing down waits behind every close: a CI
/// run of back-to-back recordings once took over 60 s to attach. Waiting here first keeps the
/// old order (one recording's teardown, then the next one's start) without making a single
/// run wait for its own.
pub fn wait_for_earlier(limit: std::time::Duration) {
    let deadline = std::time::Instant::now() + limit;
    let mut said = false;
    while live_detachers() > 0 && std::time::Instant::now() < deadline {
        if !said {
            tracing::info!("waiting for an earlier recording's hooks to be detached");
            said = true;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
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
    let mut close = Vec::new();
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
        if fd == pidfd.as_raw_fd() {
            continue;
        }
        match std::fs::read_link(entry.path()) {
            Ok(target) if keeps_hook(&target.to_string_lossy()) => kept += 1,
            // The directory's own descriptor is gone by the time the child runs; closing a
            // closed number is harmless.
            _ => close.push(fd),
        }
    }
    if kept == 0 {
        return Err("no hook descriptors to hand over".into());
    }
    let comm = DETACHER_COMM;
    // SAFETY: after fork the child calls only async-signal-safe functions (setsid, prctl,
    // close, poll, _exit) on data prepared above, and never returns into Rust code.
    match unsafe { libc::fork() } {
        -1 => Err(format!("fork: {}", std::io::Error::last_os_error())),
        0 => unsafe {
            libc::setsid();
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
            libc::_exit(0)
        },
        child => {
            tracing::debug!("{kept} hook descriptors handed to detacher {child}");
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::keeps_hook;

    #[test]
    fn only_bpf_and_perf_descriptors_are_kept() {
        assert!(keeps_hook("anon_inode:[perf_event]"));
        assert!(keeps_hook("anon_inode:bpf-link"));
        assert!(keeps_hook("anon_inode:bpf-prog"));
        assert!(keeps_hook("anon_inode:bpf-map"));
        assert!(!keeps_hook("pipe:[1234]"));
        assert!(!keeps_hook("/dev/pts/0"));
        assert!(!keeps_hook("anon_inode:[eventfd]"));
        assert!(!keeps_hook("/tmp/trace.jsonl"));
    }
}
