//! What every workload binary shares: its options, the ready/go handshake and the timer.
//!
//! Options (all optional): `--count N` replaces the full-size amount of work (the `--quick`
//! bench passes scaled-down counts), `--rate N` paces the work to N operations per second
//! (the throughput search), `--wait-go` makes the workload print `ready` after its own start-up
//! and block until a line arrives on stdin. The handshake lets a recorder attach with
//! `--pid` after the dynamic loader's opens and the like, so that every event of the recorded
//! window is one the workload counted: the exact loss check depends on it.

use std::{
    ffi::CString,
    io::{BufRead as _, Write as _},
    sync::atomic::{AtomicU64, Ordering},
    time::{Duration, Instant},
};

use crate::report::Report;

/// Probes answered during the handshake.
static PROBES: AtomicU64 = AtomicU64::new(0);

/// The trace kind of a handshake probe.
pub const PROBE_KIND: &str = "chdir";

fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// `socket(AF_INET, -1, 0)`: fails at once with EINVAL and is recorded (as kind `socket`).
/// The cheapest hooked syscall.
pub fn failed_socket() {
    // SAFETY: no pointers; the call fails and returns no fd.
    let fd = unsafe { libc::socket(libc::AF_INET, -1, 0) };
    if fd >= 0 {
        die("socket(AF_INET, -1, 0) unexpectedly succeeded");
    }
}

/// `socket(AF_INET, -1, protocol)`: fails as [`failed_socket`] does, and the record names the
/// protocol, so calls with different numbers are different events.
pub fn failed_socket_protocol(protocol: i32) {
    // SAFETY: no pointers; the call fails and returns no fd.
    let fd = unsafe { libc::socket(libc::AF_INET, -1, protocol) };
    if fd >= 0 {
        die("socket(AF_INET, -1, N) unexpectedly succeeded");
    }
}

/// Parsed command-line options of a workload.
#[derive(Debug, Clone, Default)]
pub struct Opts {
    pub count: Option<u64>,
    pub rate: Option<u64>,
    pub wait_go: bool,
    /// A directory for the files the workload creates (default: a fresh one under /tmp).
    pub dir: Option<String>,
}

impl Opts {
    /// Parses `std::env::args()`, exiting with a usage message on anything unknown.
    pub fn from_args() -> Opts {
        match Opts::parse(std::env::args().skip(1)) {
            Ok(o) => o,
            Err(e) => {
                eprintln!("{e}\nusage: [--count N] [--rate OPS_PER_S] [--wait-go] [--dir DIR]");
                std::process::exit(2);
            }
        }
    }

    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Opts, String> {
        let mut o = Opts::default();
        let mut it = args.into_iter();
        while let Some(a) = it.next() {
            let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
            match a.as_str() {
                "--count" => o.count = Some(parse_u64(&value("--count")?)?),
                "--rate" => o.rate = Some(parse_u64(&value("--rate")?)?),
                "--dir" => o.dir = Some(value("--dir")?),
                "--wait-go" => o.wait_go = true,
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        Ok(o)
    }

    /// The amount of work: `--count` or the workload's full size.
    pub fn count_or(&self, full: u64) -> u64 {
        self.count.unwrap_or(full)
    }

    /// With `--wait-go`: prints `ready`, then answers `probe` lines until a `go` line (or the
    /// end of stdin). A probe is one `chdir(".")` (kind [`PROBE_KIND`], which no workload uses
    /// otherwise), answered with `probed`: the bench probes until a probe shows up in the
    /// trace, which proves the recorder is attached (its header alone is not flushed before
    /// the first event). Probes made before the recorder attached are not in the trace, so they
    /// are reported apart from `ops` (see [`crate::accounting::Balance::with_probes`]). Neither
    /// `read` nor `write` is hooked, so the handshake adds no other event.
    pub fn handshake(&self) {
        if !self.wait_go {
            return;
        }
        say("ready");
        let stdin = std::io::stdin();
        let mut line = String::new();
        loop {
            line.clear();
            if stdin.lock().read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            match line.trim() {
                "probe" => {
                    // SAFETY: a valid C string; "." leaves the working directory as it is.
                    if unsafe { libc::chdir(c".".as_ptr()) } != 0 {
                        die("chdir(\".\") failed");
                    }
                    PROBES.fetch_add(1, Ordering::Relaxed);
                    say("probed");
                }
                _ => return,
            }
        }
    }

    /// A pacer for `--rate`, or one that never waits.
    pub fn pacer(&self) -> Pacer {
        Pacer {
            start: Instant::now(),
            per_op: self
                .rate
                .map(|r| Duration::from_secs_f64(1.0 / r.max(1) as f64)),
        }
    }
}

fn parse_u64(s: &str) -> Result<u64, String> {
    s.replace('_', "")
        .parse()
        .map_err(|e| format!("{s:?} is not a count: {e}"))
}

/// Spreads operations evenly over time: op `i` does not start before `i × period`. Sleeping
/// only when more than a millisecond ahead keeps the pacing cheap at high rates.
pub struct Pacer {
    start: Instant,
    per_op: Option<Duration>,
}

impl Pacer {
    pub fn before_op(&self, i: u64) {
        let Some(per_op) = self.per_op else { return };
        let due = per_op.mul_f64(i as f64);
        let now = self.start.elapsed();
        if due > now + Duration::from_millis(1) {
            std::thread::sleep(due - now);
        }
    }
}

/// Times the work loop and prints the report.
pub struct Run {
    workload: &'static str,
    start: Instant,
}

impl Run {
    pub fn start(workload: &'static str) -> Run {
        Run {
            workload,
            start: Instant::now(),
        }
    }

    /// Prints the report: `ops` and the handshake's probes.
    pub fn finish(self, ops: &[(&str, u64)]) {
        let elapsed_ns = self.start.elapsed().as_nanos() as u64;
        Report {
            workload: self.workload.into(),
            pid: std::process::id(),
            ops: ops
                .iter()
                .filter(|(_, n)| *n > 0)
                .map(|(k, n)| ((*k).to_owned(), *n))
                .collect(),
            probes: PROBES.load(Ordering::Relaxed),
            elapsed_ns,
        }
        .print();
    }
}

/// A fresh private directory for a workload's files, removed by the caller.
pub fn work_dir(opts: &Opts, workload: &str) -> std::path::PathBuf {
    let base = opts
        .dir
        .clone()
        .map(std::path::PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let dir = base.join(format!("tracer-bench-{workload}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| die(&format!("creating {dir:?}: {e}")));
    dir
}

/// Exits with a message: a workload that cannot do its work must not report counts.
pub fn die(msg: &str) -> ! {
    eprintln!("workload failed: {msg}");
    std::process::exit(1);
}

/// `fork` + `execv(path)` + `waitpid`, the classic way (not `posix_spawn`), as daemons that
/// run helpers do. Returns whether the child exited 0.
pub fn fork_exec_wait(path: &CString) -> bool {
    let argv = [path.as_ptr(), std::ptr::null()];
    // SAFETY: the child only calls async-signal-safe functions (execv, _exit) before exec.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        die(&format!("fork: {}", std::io::Error::last_os_error()));
    }
    if pid == 0 {
        // SAFETY: argv is a NULL-terminated array of valid C strings.
        unsafe {
            libc::execv(path.as_ptr(), argv.as_ptr());
            libc::_exit(127);
        }
    }
    let mut status = 0;
    // SAFETY: waiting for our own child with a valid status pointer.
    let r = unsafe { libc::waitpid(pid, &mut status, 0) };
    r == pid && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0
}

/// `openat` + `close` of `path`; the open is what the trace records.
pub fn open_close(path: &CString, flags: libc::c_int) {
    // SAFETY: a valid C string; the fd is closed right away.
    let fd = unsafe {
        libc::openat(
            libc::AT_FDCWD,
            path.as_ptr(),
            flags | libc::O_CLOEXEC,
            0o644,
        )
    };
    if fd < 0 {
        die(&format!(
            "open {path:?}: {}",
            std::io::Error::last_os_error()
        ));
    }
    // SAFETY: our own fd.
    unsafe { libc::close(fd) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_options() {
        let o = Opts::parse(
            ["--count", "1_000", "--wait-go", "--rate", "5"]
                .into_iter()
                .map(String::from),
        )
        .unwrap();
        assert_eq!(o.count, Some(1000));
        assert_eq!(o.rate, Some(5));
        assert!(o.wait_go);
        assert_eq!(o.count_or(9), 1000);
        assert!(Opts::parse(["--bogus".to_string()]).is_err());
        assert!(Opts::parse(["--count".to_string()]).is_err());
    }
}
