//! The flood check on a real recording: a workload that outruns a small ring buffer, recorded
//! by the real `tracer` binary by pid, must balance exactly per kind: operations performed =
//! events in the trace + events counted lost. Its opens are all the same call, which the
//! recorder writes as few lines with a count (`repeat`) when it reads many records at a time:
//! the second test has it do so, and the balance counts every line as its count. Needs root
//! (eBPF) and the tracer binary, whose path comes from `TRACER_BIN` (`cargo xtask test` sets
//! it). Nothing here is timed.

use std::{path::PathBuf, process::Command, time::Duration};

use tracer_bench::recorded::record_by_pid;

/// Opens performed: far more than a one-page ring buffer holds, so events are lost.
const OPS: u64 = 100_000;
/// The smallest ring buffer the kernel accepts (one page).
const SMALL_BUFFER: &str = "4096";

fn tracer_bin() -> PathBuf {
    let Some(bin) = std::env::var_os("TRACER_BIN") else {
        panic!(
            "TRACER_BIN is not set: this test runs the real tracer binary; run it through \
             `sudo -E cargo xtask test`, or set TRACER_BIN=path/to/tracer"
        );
    };
    let bin = PathBuf::from(bin);
    assert!(bin.is_file(), "TRACER_BIN={} is not a file", bin.display());
    bin
}

#[test]
fn flood_loss_is_fully_accounted_per_kind() {
    let tracer = tracer_bin();
    // SAFETY: geteuid has no preconditions.
    assert_eq!(
        unsafe { libc::geteuid() },
        0,
        "the flood test loads eBPF programs and needs root (sudo -E cargo xtask test)"
    );
    let dir = std::env::temp_dir().join(format!("tracer-bench-flood-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut workload = Command::new(env!("CARGO_BIN_EXE_bench-flood"));
    workload
        .args(["--count", &OPS.to_string(), "--dir"])
        .arg(&dir);
    let run = record_by_pid(
        &tracer,
        &mut workload,
        &dir.join("trace.jsonl"),
        &["--buffer-size".to_owned(), SMALL_BUFFER.to_owned()],
        Duration::from_secs(600),
    )
    .unwrap_or_else(|e| panic!("recording the flood failed: {e}"));

    assert_eq!(run.report.ops["open"], OPS);
    assert_accounted(&run);
    if run.balance.total_lost() == 0 {
        eprintln!(
            "note: the collector kept up with {OPS} opens in a {SMALL_BUFFER}-byte buffer; \
             only the no-loss side of the balance was exercised"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The flood of aggregated lines: the default ring (16 MiB, the collector woken at 1 MiB, so
/// it reads hundreds of records at a time), and a producer paced to what a debug build's
/// collector keeps up with (at 20,000 opens/s one lost 40%, and a kind that lost events has
/// its repeats written one per line).
const AGGREGATED_OPS: u64 = 20_000;
const AGGREGATED_RATE: &str = "5000";

#[test]
fn aggregated_repeats_are_fully_accounted_per_kind() {
    let tracer = tracer_bin();
    // SAFETY: geteuid has no preconditions.
    assert_eq!(
        unsafe { libc::geteuid() },
        0,
        "the flood test loads eBPF programs and needs root (sudo -E cargo xtask test)"
    );
    let dir = std::env::temp_dir().join(format!(
        "tracer-bench-flood-aggregated-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let mut workload = Command::new(env!("CARGO_BIN_EXE_bench-flood"));
    workload
        .args([
            "--count",
            &AGGREGATED_OPS.to_string(),
            "--rate",
            AGGREGATED_RATE,
            "--dir",
        ])
        .arg(&dir);
    let run = record_by_pid(
        &tracer,
        &mut workload,
        &dir.join("trace.jsonl"),
        &[],
        Duration::from_secs(600),
    )
    .unwrap_or_else(|e| panic!("recording the flood failed: {e}"));

    assert_eq!(run.report.ops["open"], AGGREGATED_OPS);
    // Far fewer lines than events: the identical opens share lines.
    assert!(
        run.trace.event_lines * 10 < run.trace.total_events(),
        "{} event lines for {} events",
        run.trace.event_lines,
        run.trace.total_events()
    );
    assert_accounted(&run);
    if run.balance.total_lost() > 0 {
        eprintln!(
            "note: {} events lost at {AGGREGATED_RATE}/s into the default buffer: the \
             balance held with losses and aggregated lines together",
            run.balance.total_lost()
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Every event of the run is in the trace or counted lost, and the footer agrees with the
/// events the lines carry (repeats counted).
fn assert_accounted(run: &tracer_bench::recorded::RecordedRun) {
    assert!(
        run.trace.footer_matches_lines(),
        "footer events {:?} differ from the events of the lines {:?}",
        run.trace.footer_events,
        run.trace.lines
    );
    assert!(
        run.balance.exact(),
        "unaccounted events: {:?}",
        run.balance.mismatches()
    );
}
