//! Start and stop: the wall time of recording a command that does nothing
//! (`tracer record -- /bin/true`) beside `strace -f /bin/true` and `/bin/true` alone (issue 16,
//! target ≤ 1 s). It is what a user waits for around every recording: loading and attaching
//! the programs, and detaching them, which the kernel does one attachment at a time.

use std::{
    fmt::Write as _,
    path::Path,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use super::{
    attachments::{self, Attachments},
    table::stats,
};

/// Issue 16's target for `tracer record -- /bin/true`.
const TARGET_S: f64 = 1.0;

pub struct Row {
    label: &'static str,
    secs: Vec<f64>,
    errors: Vec<String>,
    /// Runs that started while other processes' tracing attachments were live.
    contaminated: usize,
}

/// Runs each command `rounds` times (interleaved), measuring its wall time from spawn to exit.
pub fn run(tracer: Option<&Path>, strace: bool, tmp: &Path, rounds: usize) -> Vec<Row> {
    let trace = tmp.join("startstop.jsonl");
    let mut rows: Vec<(Row, Option<Command>)> = Vec::new();
    let mut plain = Command::new("/bin/true");
    plain.stdout(Stdio::null());
    rows.push((row("/bin/true"), Some(plain)));
    let mut st = Command::new("strace");
    st.args(["-f", "-o", "/dev/null", "/bin/true"]);
    rows.push((row("strace -f /bin/true"), strace.then_some(st)));
    let tr = tracer.map(|t| {
        let mut c = Command::new(t);
        c.args(["record", "--force", "-q", "-o"])
            .arg(&trace)
            .args(["--", "/bin/true"]);
        c
    });
    rows.push((row("tracer record -- /bin/true"), tr));
    for _ in 0..rounds {
        for (row, cmd) in &mut rows {
            let Some(cmd) = cmd else { continue };
            // The previous recording's detacher holds its hooks for seconds after it returned.
            attachments::wait_for_detachers(Duration::from_secs(120));
            if Attachments::live().is_ok_and(|a| !a.foreign(None).is_empty()) {
                row.contaminated += 1;
            }
            let start = Instant::now();
            match cmd.stderr(Stdio::piped()).output() {
                Ok(o) if o.status.success() => row.secs.push(start.elapsed().as_secs_f64()),
                Ok(o) => row.errors.push(format!(
                    "{}: {}",
                    o.status,
                    String::from_utf8_lossy(&o.stderr).trim()
                )),
                Err(e) => row.errors.push(e.to_string()),
            }
            // The next command starts on a settled machine.
            std::thread::sleep(Duration::from_millis(200));
        }
    }
    let _ = std::fs::remove_file(&trace);
    rows.into_iter().map(|(r, _)| r).collect()
}

fn row(label: &'static str) -> Row {
    Row {
        label,
        secs: Vec::new(),
        errors: Vec::new(),
        contaminated: 0,
    }
}

pub fn render(rows: &[Row]) -> String {
    let mut md = String::from(
        "## Start and stop\n\nWall time from spawn to exit of a command that does nothing.\n\n\
         | command | ok runs | median s | min s | max s | notes |\n|---|---|---|---|---|---|\n",
    );
    for r in rows {
        let n = r.secs.len() + r.errors.len();
        let mut notes = Vec::new();
        if r.label.starts_with("tracer") {
            notes.push(match stats(&r.secs) {
                Some(s) if s.median <= TARGET_S => format!("target ≤{TARGET_S} s: met"),
                Some(s) => format!("target ≤{TARGET_S} s: **MISSED** ({:.2} s)", s.median),
                None => format!("target ≤{TARGET_S} s: not measured"),
            });
        }
        if r.contaminated > 0 {
            notes.push(format!(
                "{} run(s) started while other processes' tracing attachments were live",
                r.contaminated
            ));
        }
        if let Some(e) = r.errors.first() {
            notes.push(format!("{} failed: {e}", r.errors.len()));
        }
        let _ = match stats(&r.secs) {
            Some(s) => writeln!(
                md,
                "| {} | {}/{n} | {:.3} | {:.3} | {:.3} | {} |",
                r.label,
                r.secs.len(),
                s.median,
                s.min,
                s.max,
                notes.join("; ")
            ),
            None if n == 0 => writeln!(md, "| {} | – | – | – | – | not run |", r.label),
            None => writeln!(
                md,
                "| {} | 0/{n} | – | – | – | {} |",
                r.label,
                notes.join("; ")
            ),
        };
    }
    md.push('\n');
    md
}
