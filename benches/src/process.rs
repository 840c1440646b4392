//! Process control for the bench and the flood test: spawning with a deadline, signals, the
//! `--wait-go` handshake, and the peak RSS of a child: its own `VmHWM`, polled while it runs.
//! Neither `getrusage(RUSAGE_CHILDREN)` (every child's peak mixed together) nor `wait4`'s
//! `ru_maxrss` will do: at exec the kernel folds the high-water mark of the mm being replaced
//! into the new program's `maxrss`, and a posix_spawn (vfork) child's mm before its exec is the
//! bench's own. A bench that had grown to 171 MiB reported every tracer run as 171 MiB.

use std::{
    io::{BufRead as _, BufReader, Read as _, Write as _},
    path::Path,
    process::{Child, ChildStdin, ChildStdout, Command, Stdio},
    time::{Duration, Instant},
};

/// Why a child could not be run to its end.
#[derive(Debug, thiserror::Error)]
pub enum ProcError {
    #[error("starting {cmd}: {source}")]
    Spawn { cmd: String, source: std::io::Error },
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Failed(String),
}

macro_rules! bail {
    ($($t:tt)*) => { return Err(ProcError::Failed(format!($($t)*))) };
}

fn spawn_err(cmd: &Command) -> impl FnOnce(std::io::Error) -> ProcError + '_ {
    move |source| ProcError::Spawn {
        cmd: format!("{cmd:?}"),
        source,
    }
}

/// How a finished child ended.
pub struct Finished {
    pub success: bool,
    pub status: String,
    pub stdout: String,
    pub stderr: String,
    /// Peak resident set of the child's program, in KiB (see the module's doc).
    pub max_rss_kib: u64,
    /// Voluntary context switches: for a collector, about how often it was woken for data.
    pub voluntary_switches: u64,
    /// User + system CPU seconds (with the children it waited for).
    pub cpu_secs: f64,
}

/// A spawned child whose stdout and stderr are read on threads (so a chatty child never blocks
/// on a full pipe) and that is killed if it outlives its deadline.
pub struct Running {
    pub child: Child,
    stdout: Option<std::thread::JoinHandle<String>>,
    stderr: Option<std::thread::JoinHandle<String>>,
    /// Polls the child's `VmHWM` until it is gone; yields the last (highest) value.
    hwm: Option<std::thread::JoinHandle<u64>>,
}

impl Running {
    pub fn spawn(cmd: &mut Command) -> Result<Running, ProcError> {
        Running::spawn_to(cmd, None)
    }

    /// Like [`Running::spawn`], with stdout going to `file` instead of a pipe.
    pub fn spawn_to(cmd: &mut Command, file: Option<std::fs::File>) -> Result<Running, ProcError> {
        let to_file = file.is_some();
        let stdout = match file {
            Some(f) => Stdio::from(f),
            None => Stdio::piped(),
        };
        cmd.stdin(Stdio::null())
            .stdout(stdout)
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().map_err(spawn_err(cmd))?;
        debug_assert!(to_file == child.stdout.is_none());
        let stdout = child
            .stdout
            .take()
            .map(|s| std::thread::spawn(move || slurp(s)));
        let stderr = child
            .stderr
            .take()
            .map(|s| std::thread::spawn(move || slurp(s)));
        let pid = child.id() as i32;
        let hwm = Some(std::thread::spawn(move || poll_hwm(pid)));
        Ok(Running {
            child,
            stdout,
            stderr,
            hwm,
        })
    }

    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// Whether it has exited (without reaping it, so `wait` still gets its usage).
    pub fn exited(&self) -> bool {
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        // SAFETY: WNOWAIT leaves the child waitable; `info` is a valid out pointer.
        let r = unsafe {
            libc::waitid(
                libc::P_PID,
                self.pid() as libc::id_t,
                &mut info,
                libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
            )
        };
        // SAFETY: reading the pid field waitid filled (0 when nothing has exited).
        r == 0 && unsafe { info.si_pid() } != 0
    }

    pub fn signal(&self, sig: i32) {
        // SAFETY: signalling our own child, which has not been reaped yet.
        unsafe { libc::kill(self.pid(), sig) };
    }

    /// Waits up to `limit`, then SIGKILLs; reports how it ended and its peak RSS.
    pub fn wait(mut self, limit: Duration) -> Result<Finished, ProcError> {
        let deadline = Instant::now() + limit;
        let mut timed_out = false;
        while !self.exited() {
            if Instant::now() > deadline {
                self.signal(libc::SIGKILL);
                timed_out = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let mut status = 0;
        // SAFETY: an all-zero rusage is a valid value to be overwritten.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: waiting for our own child with valid out pointers.
        let r = unsafe { libc::wait4(self.pid(), &mut status, 0, &mut usage) };
        if r != self.pid() {
            bail!("wait4: {}", std::io::Error::last_os_error());
        }
        let out = self
            .stdout
            .take()
            .map(|h| h.join().unwrap_or_default())
            .unwrap_or_default();
        let err = self
            .stderr
            .take()
            .map(|h| h.join().unwrap_or_default())
            .unwrap_or_default();
        let hwm_kib = self.hwm.take().map(|h| h.join().unwrap_or(0)).unwrap_or(0);
        let status_text = if timed_out {
            format!("killed after {}s", limit.as_secs())
        } else if libc::WIFEXITED(status) {
            format!("exit {}", libc::WEXITSTATUS(status))
        } else {
            format!("signal {}", libc::WTERMSIG(status))
        };
        Ok(Finished {
            success: !timed_out && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
            status: status_text,
            stdout: out,
            stderr: err,
            // A child that exited before its exec was seen: wait4's figure, an upper bound.
            max_rss_kib: if hwm_kib > 0 {
                hwm_kib
            } else {
                usage.ru_maxrss.max(0) as u64
            },
            voluntary_switches: usage.ru_nvcsw.max(0) as u64,
            cpu_secs: secs(usage.ru_utime) + secs(usage.ru_stime),
        })
    }
}

/// The child's peak RSS, KiB: `VmHWM` polled every 5 ms from its exec until it exits (a zombie's
/// status has no `VmHWM`). Before the exec the child still runs on the bench's mm, whose mark
/// is not the child's: polls that still see the bench's own executable are skipped.
fn poll_hwm(pid: i32) -> u64 {
    let own = std::fs::read_link("/proc/self/exe").ok();
    let mut peak = 0;
    let mut execed = false;
    loop {
        if !execed {
            match std::fs::read_link(format!("/proc/{pid}/exe")) {
                Ok(exe) => execed = Some(&exe) != own.as_ref(),
                Err(_) => return peak,
            }
        }
        if execed {
            match vm_hwm_kib(pid) {
                Some(kib) => peak = peak.max(kib),
                None => return peak,
            }
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// `VmHWM` from /proc/PID/status, KiB: the peak RSS of the program the pid runs now.
fn vm_hwm_kib(pid: i32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .strip_suffix("kB")?
        .trim()
        .parse()
        .ok()
}

fn secs(t: libc::timeval) -> f64 {
    t.tv_sec as f64 + t.tv_usec as f64 / 1e6
}

fn slurp(mut r: impl std::io::Read) -> String {
    let mut s = Vec::new();
    let _ = r.read_to_end(&mut s);
    String::from_utf8_lossy(&s).into_owned()
}

/// A workload started with `--wait-go`: spawned, then held at the `ready` line until `go`,
/// answering probes meanwhile (see `helper::Opts::handshake`).
pub struct Held {
    pub child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl Held {
    pub fn spawn(cmd: &mut Command) -> Result<Held, ProcError> {
        cmd.arg("--wait-go")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let mut child = cmd.spawn().map_err(spawn_err(cmd))?;
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        let mut held = Held {
            child,
            stdin,
            stdout,
        };
        held.expect_line("ready")?;
        Ok(held)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    fn expect_line(&mut self, want: &str) -> Result<(), ProcError> {
        let mut line = String::new();
        self.stdout.read_line(&mut line)?;
        if line.trim() != want {
            bail!("workload said {line:?}, expected {want:?}");
        }
        Ok(())
    }

    fn send(&mut self, line: &str) -> Result<(), ProcError> {
        let stdin = self.stdin.as_mut().expect("stdin is open until go");
        stdin.write_all(line.as_bytes())?;
        stdin.flush()?;
        Ok(())
    }

    /// Makes the workload do one probe operation (a recorded `socket` call) and waits for it.
    pub fn probe(&mut self) -> Result<(), ProcError> {
        self.send("probe\n")?;
        self.expect_line("probed")
    }

    /// Lets it run and waits for it; returns the rest of its stdout.
    pub fn go(mut self, limit: Duration) -> Result<String, ProcError> {
        self.send("go\n")?;
        drop(self.stdin.take());
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait()? {
                let mut out = String::new();
                self.stdout.read_to_string(&mut out)?;
                if !status.success() {
                    bail!("workload failed: {status}");
                }
                return Ok(out);
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                bail!("workload killed after {}s", limit.as_secs());
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Probes until the recording bound for `trace` holds an event line (the header alone is
    /// not proof: a recorder may write it before attaching, or buffer it until the first
    /// event), or `rec` died, or `limit` passed. Returns the number of probes made. While it
    /// records, the recorder writes `trace`.partial and renames it to `trace` only when it
    /// stops, so that is the file watched.
    pub fn probe_until_recorded(
        &mut self,
        trace: &Path,
        rec: &Running,
        limit: Duration,
    ) -> Result<u64, ProcError> {
        let mut partial = trace.as_os_str().to_owned();
        partial.push(".partial");
        let partial = Path::new(&partial);
        let deadline = Instant::now() + limit;
        let mut probes = 0;
        loop {
            self.probe()?;
            probes += 1;
            std::thread::sleep(Duration::from_millis(50));
            let lines = std::fs::read(partial)
                .map(|b| b.iter().filter(|&&c| c == b'\n').count())
                .unwrap_or(0);
            if lines >= 2 {
                return Ok(probes);
            }
            if rec.exited() {
                bail!("the recorder exited before recording anything");
            }
            if Instant::now() > deadline {
                bail!(
                    "{probes} probes in {}s and no event in {}",
                    limit.as_secs(),
                    partial.display()
                );
            }
        }
    }
}

impl Drop for Held {
    /// A held workload that is never let go is killed, not released: closing its stdin would
    /// start its work unobserved.
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The regression: a bench grown large must not lend its size to the programs it runs.
    #[test]
    fn peak_rss_is_the_childs_not_the_spawners() {
        let big = vec![1u8; 256 << 20];
        // Touch every page so that they count in this process's RSS.
        let touched: u64 = big.iter().step_by(4096).map(|&b| u64::from(b)).sum();
        assert_eq!(touched, (256 << 20) / 4096);
        let run = Running::spawn(Command::new("sleep").arg("0.3")).expect("spawn sleep");
        let fin = run.wait(Duration::from_secs(10)).expect("wait for sleep");
        assert!(fin.success, "{}", fin.status);
        assert!(
            fin.max_rss_kib > 0 && fin.max_rss_kib < 64 << 10,
            "sleep's peak RSS reported as {} KiB (the spawner holds 256 MiB)",
            fin.max_rss_kib
        );
        drop(big);
    }
}
