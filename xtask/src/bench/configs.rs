//! The configurations each workload runs under, and running one workload once under one.
//!
//! Every run's time is the workload's own measurement of its work loop (its report line), so
//! what a configuration costs to set up (loading eBPF programs, bpftrace's compile) is not
//! billed to the workload: the table compares the cost per operation while traced.

use std::{
    path::{Path, PathBuf},
    process::Command,
    time::Duration,
};

use tracer_bench::{
    accounting::{Balance, TraceCounts},
    process::{Held, Running},
    recorded,
    report::Report,
};

use super::{
    attachments::{self, Attachments},
    workloads::Workload,
};

/// How long a run waits for an earlier recording's hooks to be detached.
const DETACHER_WAIT: Duration = Duration::from_secs(120);

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Config {
    Untraced,
    TracerScoped,
    TracerOther,
    Strace,
    BpftracePrint,
    BpftraceEmpty,
}

pub const CONFIGS: &[Config] = &[
    Config::Untraced,
    Config::BpftraceEmpty,
    Config::TracerScoped,
    Config::TracerOther,
    Config::BpftracePrint,
    Config::Strace,
];

impl Config {
    pub fn label(self) -> &'static str {
        match self {
            Config::Untraced => "untraced",
            Config::TracerScoped => "tracer record -- WORKLOAD",
            Config::TracerOther => "tracer record --pid IDLE (workload unscoped)",
            Config::Strace => "strace -f -o FILE",
            Config::BpftracePrint => "bpftrace, same hooks, printf to file",
            Config::BpftraceEmpty => "bpftrace, same hooks, empty (floor)",
        }
    }
}

/// One run's result.
#[derive(Debug, Clone)]
pub struct Sample {
    pub secs: f64,
    /// Events in the trace / lost, for recorder runs.
    pub events: Option<u64>,
    pub lost: Option<u64>,
    /// Every operation is in the trace or counted lost (recorder runs).
    pub covered: Option<bool>,
    /// Anything unusual about this run (bpftrace's own lost-event reports, a scope leak).
    pub note: Option<String>,
    /// The workload's pid.
    pub pid: u32,
}

pub type Outcome = Result<Sample, String>;

/// What the runs need: paths and which tools are usable (`Err` says why not).
pub struct Ctx {
    pub bins: PathBuf,
    pub tmp: PathBuf,
    pub quick: bool,
    pub tracer: Result<PathBuf, String>,
    pub strace: Result<(), String>,
    pub bpftrace: Result<(), String>,
    pub hooks: super::bpftrace::Hooks,
}

impl Ctx {
    fn workload_cmd(&self, w: &Workload) -> Command {
        let mut cmd = Command::new(self.bins.join(w.bin));
        cmd.arg("--count")
            .arg(w.count(self.quick).to_string())
            .arg("--dir")
            .arg(&self.tmp);
        cmd
    }

    /// Why `cfg` cannot run at all, if it cannot.
    pub fn unavailable(&self, cfg: Config) -> Option<String> {
        match cfg {
            Config::Untraced => None,
            Config::TracerScoped | Config::TracerOther => self.tracer.as_ref().err().cloned(),
            Config::Strace => self.strace.as_ref().err().cloned(),
            Config::BpftracePrint | Config::BpftraceEmpty => self.bpftrace.as_ref().err().cloned(),
        }
    }

    pub fn run(&self, w: &Workload, cfg: Config) -> Outcome {
        if let Some(why) = self.unavailable(cfg) {
            return Err(format!("not run: {why}"));
        }
        let limit = w.limit(self.quick);
        // Before the run's own tool starts, nothing may be attached: another session's recorder
        // or bpftrace makes every configuration pay (at least) the floor. The previous
        // recording's detacher goes first: it holds that recording's hooks for seconds.
        attachments::wait_for_detachers(DETACHER_WAIT);
        let before = foreign_attachments();
        let outcome = self.run_once(w, cfg, limit);
        let after = match cfg {
            // Nothing of the run's own is attached any more (strace uses no BPF).
            Config::Untraced | Config::Strace => foreign_attachments(),
            _ => String::new(),
        };
        outcome.map(|mut s| {
            let notes: Vec<String> = [
                s.note.take().unwrap_or_default(),
                tagged("CONTAMINATED before the run", before),
                tagged("CONTAMINATED after the run", after),
            ]
            .into_iter()
            .filter(|n| !n.is_empty())
            .collect();
            s.note = (!notes.is_empty()).then(|| notes.join("; "));
            s
        })
    }

    fn run_once(&self, w: &Workload, cfg: Config, limit: Duration) -> Outcome {
        match cfg {
            Config::Untraced => plain(&mut self.workload_cmd(w), limit),
            Config::Strace => {
                let out = self.tmp.join("strace.out");
                let mut cmd = Command::new("strace");
                cmd.arg("-f").arg("-o").arg(&out);
                let wl = self.workload_cmd(w);
                cmd.arg(wl.get_program()).args(wl.get_args());
                let r = plain(&mut cmd, limit);
                let _ = std::fs::remove_file(&out);
                r
            }
            Config::BpftracePrint | Config::BpftraceEmpty => self.bpftrace(w, cfg, limit),
            Config::TracerScoped => self.tracer_scoped(w, limit),
            Config::TracerOther => self.tracer_other(w, limit),
        }
    }

    fn bpftrace(&self, w: &Workload, cfg: Config, limit: Duration) -> Outcome {
        let prog = if cfg == Config::BpftraceEmpty {
            self.hooks.empty_program()
        } else {
            self.hooks.print_program()
        };
        let prog_path = self.tmp.join("bench.bt");
        let out_path = self.tmp.join("bpftrace.out");
        std::fs::write(&prog_path, prog).map_err(|e| e.to_string())?;
        let out = std::fs::File::create(&out_path).map_err(|e| e.to_string())?;
        let mut cmd = Command::new("bpftrace");
        cmd.arg(&prog_path);
        let bt = Running::spawn_to(&mut cmd, Some(out)).map_err(|e| e.to_string())?;
        let ready = wait_until_contains(&out_path, "ready\n", &bt, Duration::from_secs(120));
        if let Err(e) = ready {
            bt.signal(libc::SIGINT);
            let stderr = bt
                .wait(Duration::from_secs(30))
                .map(|f| f.stderr)
                .unwrap_or_default();
            return Err(format!(
                "bpftrace did not start: {e}; {}",
                first_line(&stderr)
            ));
        }
        // `ready` is printed from BEGIN, after bpftrace attached (0.17 attaches first); wait
        // until the kernel shows every hook with bpftrace's program on it, or the floor row
        // measures less than the recorder's hooks and cannot be trusted as a floor.
        let attached = wait_attached(bt.pid(), self.hooks.len(), Duration::from_secs(60));
        let result = plain(&mut self.workload_cmd(w), limit);
        bt.signal(libc::SIGINT);
        let fin = bt
            .wait(Duration::from_secs(120))
            .map_err(|e| e.to_string())?;
        // bpftrace reports what its perf buffer dropped as "Lost N events".
        let lost: u64 = std::fs::read_to_string(&out_path)
            .unwrap_or_default()
            .lines()
            .chain(fin.stderr.lines())
            .filter_map(|l| {
                l.strip_prefix("Lost ")?
                    .split_whitespace()
                    .next()?
                    .parse::<u64>()
                    .ok()
            })
            .sum();
        let _ = std::fs::remove_file(&out_path);
        let mut s = result?;
        let mut notes = Vec::new();
        match attached {
            Ok(n) if n < self.hooks.len() => notes.push(format!(
                "ONLY {n} of {} hooks attached when the workload ran",
                self.hooks.len()
            )),
            Ok(_) => {}
            Err(e) => notes.push(format!(
                "hooks attached when the workload ran: unknown ({e})"
            )),
        }
        if lost > 0 {
            notes.push(format!("bpftrace lost {lost} events"));
        }
        s.note = (!notes.is_empty()).then(|| notes.join("; "));
        Ok(s)
    }

    fn tracer_scoped(&self, w: &Workload, limit: Duration) -> Outcome {
        let tracer = self.tracer.as_ref().map_err(Clone::clone)?;
        let trace = self.tmp.join("scoped.jsonl");
        let wl = self.workload_cmd(w);
        let mut cmd = Command::new(tracer);
        // --force: each run reuses the same file name.
        cmd.arg("record")
            .arg("--force")
            .arg("-o")
            .arg(&trace)
            .arg("--");
        cmd.arg(wl.get_program()).args(wl.get_args());
        let fin = Running::spawn(&mut cmd)
            .and_then(|r| r.wait(limit))
            .map_err(|e| e.to_string())?;
        if !fin.success {
            return Err(format!(
                "tracer {}: {}",
                fin.status,
                first_line(&fin.stderr)
            ));
        }
        let report = Report::from_stdout(&fin.stdout).map_err(|e| e.to_string())?;
        let t = TraceCounts::read(&trace).map_err(|e| e.to_string())?;
        let _ = std::fs::remove_file(&trace);
        let balance = Balance::new(&report.ops, &t.lines, &t.lost);
        let mut note = None;
        let ours = self.hooks.labels();
        // `syscall:NAME` is an entry of a dispatcher's table, not an attachment.
        let theirs: std::collections::BTreeSet<String> = t
            .attached
            .iter()
            .filter(|l| !l.starts_with("syscall:"))
            .cloned()
            .collect();
        if !t.attached.is_empty() && ours != theirs {
            let only_bt: Vec<_> = ours.difference(&theirs).cloned().collect();
            let only_tr: Vec<_> = theirs.difference(&ours).cloned().collect();
            note = Some(format!(
                "hooks differ from bpftrace's: only bpftrace {only_bt:?}, only tracer {only_tr:?}"
            ));
        }
        if !balance.covered() {
            note = Some(format!("UNACCOUNTED: {}", balance.mismatches().join("; ")));
        } else if !t.footer_matches_lines() {
            note = Some("footer events differ from the event lines".into());
        }
        Ok(Sample {
            secs: report.elapsed_ns as f64 / 1e9,
            events: Some(t.total_events()),
            lost: Some(t.total_lost()),
            covered: Some(balance.covered()),
            note,
            pid: report.pid,
        })
    }

    /// The recorder scoped to another process (a held `bench-flood --count 0`, idle on its
    /// stdin) while the workload runs outside the scope: what scoping costs everyone else.
    fn tracer_other(&self, w: &Workload, limit: Duration) -> Outcome {
        let tracer = self.tracer.as_ref().map_err(Clone::clone)?;
        let trace = self.tmp.join("other.jsonl");
        let _ = std::fs::remove_file(&trace);
        let mut idle_cmd = Command::new(self.bins.join("bench-flood"));
        idle_cmd.args(["--count", "0", "--dir"]).arg(&self.tmp);
        let mut idle =
            Held::spawn(&mut idle_cmd).map_err(|e| format!("starting the idle process: {e}"))?;
        let mut cmd = Command::new(tracer);
        cmd.arg("record")
            .arg("--pid")
            .arg(idle.pid().to_string())
            .arg("-o")
            .arg(&trace);
        let rec = Running::spawn(&mut cmd).map_err(|e| e.to_string())?;
        if let Err(e) = idle.probe_until_recorded(&trace, &rec, Duration::from_secs(60)) {
            rec.signal(libc::SIGINT);
            let stderr = rec
                .wait(Duration::from_secs(10))
                .map(|f| f.stderr)
                .unwrap_or_default();
            return Err(format!(
                "tracer did not start: {e}; {}",
                first_line(&stderr)
            ));
        }
        let s = plain(&mut self.workload_cmd(w), limit);
        let idle_done = idle.go(Duration::from_secs(30));
        let fin = recorded::stop(rec).map_err(|e| e.to_string())?;
        let result = (|| {
            idle_done.map_err(|e| format!("idle process: {e}"))?;
            if !fin.success {
                return Err(format!(
                    "tracer {}: {}",
                    fin.status,
                    first_line(&fin.stderr)
                ));
            }
            let mut s = s?;
            let t = TraceCounts::read(&trace).map_err(|e| e.to_string())?;
            // The workload is outside the scope: any event of it is a scope leak.
            if t.pids.contains(&s.pid) {
                s.note = Some("SCOPE LEAK: the unscoped workload is in the trace".into());
            }
            s.events = Some(t.total_events());
            s.lost = Some(t.total_lost());
            Ok(s)
        })();
        let _ = std::fs::remove_file(&trace);
        result
    }
}

/// Runs a command whose stdout carries a workload's report; the sample is the report's time.
fn plain(cmd: &mut Command, limit: Duration) -> Outcome {
    let fin = Running::spawn(cmd)
        .and_then(|r| r.wait(limit))
        .map_err(|e| e.to_string())?;
    if !fin.success {
        return Err(format!("{}: {}", fin.status, first_line(&fin.stderr)));
    }
    let report = Report::from_stdout(&fin.stdout).map_err(|e| e.to_string())?;
    Ok(Sample {
        secs: report.elapsed_ns as f64 / 1e9,
        events: None,
        lost: None,
        covered: None,
        note: None,
        pid: report.pid,
    })
}

fn wait_until_contains(
    path: &Path,
    needle: &str,
    child: &Running,
    limit: Duration,
) -> Result<(), String> {
    let deadline = std::time::Instant::now() + limit;
    loop {
        if std::fs::read_to_string(path).is_ok_and(|s| s.contains(needle)) {
            return Ok(());
        }
        if child.exited() {
            return Err("it exited".into());
        }
        if std::time::Instant::now() > deadline {
            return Err(format!("no {needle:?} after {}s", limit.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn first_line(s: &str) -> String {
    let l = s
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    l.chars().take(160).collect()
}

/// The hooks `pid` holds once it holds `want` of them, or what it held at the deadline.
fn wait_attached(pid: i32, want: usize, limit: Duration) -> Result<usize, String> {
    let deadline = std::time::Instant::now() + limit;
    loop {
        // bpftool missing or failing: say so at once rather than wait out the limit and report
        // "0 attached", which reads as a broken floor when it is an unknown one.
        let held = Attachments::live()?.held_by(pid);
        if held >= want || std::time::Instant::now() >= deadline {
            return Ok(held);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Other processes' tracing attachments, described; empty when there are none (or bpftool
/// cannot say, which the note says).
fn foreign_attachments() -> String {
    match Attachments::live() {
        Ok(a) => a.foreign(None),
        Err(e) => format!("attachments unknown ({e})"),
    }
}

fn tagged(tag: &str, what: String) -> String {
    if what.is_empty() {
        what
    } else {
        format!("{tag}: {what}")
    }
}
