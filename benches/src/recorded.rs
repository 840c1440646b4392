//! A workload recorded by `tracer record --pid`, attached after the workload's own start-up.
//!
//! The workload is started with `--wait-go` and held at its `ready` line; the recorder is
//! started on its pid; the workload is probed (one recorded `chdir(".")` each, counted apart in
//! its report) until a probe shows up in the trace, which proves the recorder is attached; then
//! the workload is let go. Every event of the recorded window is one the workload counted, so
//! `performed = in trace + lost` must hold exactly, per kind. The bench's throughput and flood
//! sections and `tests/flood.rs` all use this.

use std::{
    path::Path,
    process::Command,
    time::{Duration, Instant},
};

use crate::{
    accounting::{Balance, TraceCounts, TraceError},
    process::{Held, ProcError, Running},
    report::{Report, ReportError},
};

/// What one recorded run gave.
#[derive(Debug)]
pub struct RecordedRun {
    pub report: Report,
    pub trace: TraceCounts,
    pub balance: Balance,
    /// The recorder's peak RSS, KiB (it has no children in `--pid` mode: this is its own).
    pub tracer_max_rss_kib: u64,
    /// The recorder's voluntary context switches over the whole run (start-up included).
    pub tracer_wakeups: u64,
    /// The recorder's CPU seconds over the whole run (loading its programs included).
    pub tracer_cpu_secs: f64,
    pub tracer_status: String,
    pub tracer_stderr: String,
}

#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("workload: {0}")]
    Workload(ProcError),
    #[error("tracer: {0}")]
    Tracer(ProcError),
    #[error("tracer never got ready: {err} (stderr: {stderr})")]
    NotReady { err: ProcError, stderr: String },
    #[error("tracer {status}; stderr: {stderr}")]
    TracerFailed { status: String, stderr: String },
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error(transparent)]
    Trace(#[from] TraceError),
}

/// Records `workload` by pid with `tracer record --pid PID -o TRACE EXTRA…`.
pub fn record_by_pid(
    tracer: &Path,
    workload: &mut Command,
    trace: &Path,
    extra: &[String],
    limit: Duration,
) -> Result<RecordedRun, RecordError> {
    let _ = std::fs::remove_file(trace);
    let mut held = Held::spawn(workload).map_err(RecordError::Workload)?;
    let mut cmd = Command::new(tracer);
    cmd.arg("record")
        .arg("--pid")
        .arg(held.pid().to_string())
        .arg("-o")
        .arg(trace)
        .args(extra);
    let rec = match Running::spawn(&mut cmd) {
        Ok(r) => r,
        Err(e) => {
            drop(held);
            return Err(RecordError::Tracer(e));
        }
    };
    if let Err(err) = held.probe_until_recorded(trace, &rec, Duration::from_secs(60)) {
        rec.signal(libc::SIGINT);
        let stderr = rec
            .wait(Duration::from_secs(10))
            .map(|f| f.stderr)
            .unwrap_or_default();
        return Err(RecordError::NotReady { err, stderr });
    }
    let out = match held.go(limit) {
        Ok(out) => out,
        Err(e) => {
            rec.signal(libc::SIGINT);
            let _ = rec.wait(Duration::from_secs(30));
            return Err(RecordError::Workload(e));
        }
    };
    let report = Report::from_stdout(&out)?;
    let fin = stop(rec)?;
    if !fin.success {
        return Err(RecordError::TracerFailed {
            status: fin.status,
            stderr: fin.stderr,
        });
    }
    let trace = TraceCounts::read(trace)?;
    let balance = Balance::with_probes(
        &report.ops,
        &trace.lines,
        &trace.lost,
        crate::helper::PROBE_KIND,
        report.probes,
    );
    Ok(RecordedRun {
        report,
        trace,
        balance,
        tracer_max_rss_kib: fin.max_rss_kib,
        tracer_wakeups: fin.voluntary_switches,
        tracer_cpu_secs: fin.cpu_secs,
        tracer_status: fin.status,
        tracer_stderr: fin.stderr,
    })
}

/// Lets a `--pid` recorder notice its target is gone and finish (draining what the ring buffer
/// still holds); interrupts it if it does not within a few seconds.
pub fn stop(rec: Running) -> Result<crate::process::Finished, RecordError> {
    let grace = Instant::now() + Duration::from_secs(10);
    while !rec.exited() && Instant::now() < grace {
        std::thread::sleep(Duration::from_millis(10));
    }
    if !rec.exited() {
        rec.signal(libc::SIGINT);
    }
    rec.wait(Duration::from_secs(60))
        .map_err(RecordError::Tracer)
}
