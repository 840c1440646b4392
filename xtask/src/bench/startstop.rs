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

use tracer_common::live_detachers;

use super::{
    attachments::{self, Attachments},
    table::stats,
};

/// Issue 16's target for `tracer record -- /bin/true`.
const TARGET_S: f64 = 1.0;

/// The row of a recording started right after another one returned (issue 16: it once waited
/// 12-49 s for the earlier one's hooks to be detached); its target is the lone one's.
const BACK_TO_BACK: &str = "back-to-back record of /bin/true";

pub struct Row {
    label: &'static str,
    secs: Vec<f64>,
    errors: Vec<String>,
    /// Runs that started while other processes' tracing attachments were live.
    contaminated: usize,
    /// Back-to-back runs that started with no detacher of the run before alive (so they show
    /// nothing of the wait they are there to measure).
    not_back_to_back: usize,
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
    let again = tr.as_ref().map(|c| {
        let mut c2 = Command::new(c.get_program());
        c2.args(c.get_args());
        c2
    });
    rows.push((row("tracer record -- /bin/true"), tr));
    rows.push((row(BACK_TO_BACK), again));
    for _ in 0..rounds {
        for (row, cmd) in &mut rows {
            let Some(cmd) = cmd else { continue };
            // The previous recording's detacher holds its hooks for seconds after it returned.
            attachments::wait_for_detachers(Duration::from_secs(120));
            if Attachments::live().is_ok_and(|a| !a.foreign(None).is_empty()) {
                row.contaminated += 1;
            }
            if row.label == BACK_TO_BACK {
                // The recording before it, unmeasured: the measured one starts the moment this
                // one has returned, while its detacher holds every hook.
                match cmd.stderr(Stdio::piped()).output() {
                    Ok(o) if o.status.success() => {}
                    Ok(o) => {
                        row.errors.push(format!(
                            "the first of the two: {}: {}",
                            o.status,
                            String::from_utf8_lossy(&o.stderr).trim()
                        ));
                        continue;
                    }
                    Err(e) => {
                        row.errors.push(e.to_string());
                        continue;
                    }
                }
                if live_detachers() == 0 {
                    row.not_back_to_back += 1;
                }
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
        not_back_to_back: 0,
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
        if r.label.starts_with("tracer") || r.label == BACK_TO_BACK {
            notes.push(match stats(&r.secs) {
                Some(s) if s.median <= TARGET_S => format!("target ≤{TARGET_S} s: met"),
                Some(s) => format!("target ≤{TARGET_S} s: **MISSED** ({:.2} s)", s.median),
                None => format!("target ≤{TARGET_S} s: not measured"),
            });
        }
        if r.label == BACK_TO_BACK {
            notes.push(
                "started the moment another recording of /bin/true returned (not measured), \
                 its hooks still being detached"
                    .to_owned(),
            );
            if r.not_back_to_back > 0 {
                notes.push(format!(
                    "{} run(s) found that detacher already gone",
                    r.not_back_to_back
                ));
            }
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
