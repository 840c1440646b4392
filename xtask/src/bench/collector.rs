//! The collector's side: highest lossless throughput, bytes per event, peak RSS, and the flood
//! whose loss must balance exactly.
//!
//! All runs record `bench-flood` by pid after its start-up (`tracer_bench::recorded`), so the
//! trace holds only the flood's own events and the tracer's RSS from `wait4` is its own.

use std::{fmt::Write as _, path::Path, process::Command, time::Duration};

use tracer_bench::recorded::{RecordedRun, record_by_pid};

use super::configs::Ctx;

/// Issue 6: ≥1M events/s sustained by the collector on this 2-core machine.
const THROUGHPUT_TARGET: f64 = 1_000_000.0;
/// The flood's ring buffer: one page, the smallest the kernel accepts.
pub const FLOOD_BUFFER: &str = "4096";

struct Step {
    /// Requested rate; `None` = as fast as the producer goes.
    rate: Option<u64>,
    /// Producer threads.
    threads: usize,
    /// Recorded with the recorder's default aggregation of repeats (else `--no-aggregate`).
    aggregate: bool,
    /// Event lines in the trace (fewer than events when repeats share a line).
    lines: u64,
    /// Events written to the trace per second of the workload's run.
    written_per_s: f64,
    /// Operations per second the producer achieved.
    produced_per_s: f64,
    lost: u64,
    exact: bool,
    bytes_per_event: Option<f64>,
    rss_kib: u64,
    /// Events per voluntary context switch of the recorder: how many it takes per wake-up.
    events_per_wakeup: f64,
    /// The recorder's CPU time per event written, µs (its start-up included: an upper bound).
    cpu_us_per_event: f64,
}

pub struct Collector {
    steps: Vec<Result<Step, String>>,
    flood: Result<RecordedRun, String>,
    held: Vec<Result<Held, String>>,
    quick: bool,
}

/// Distinct events in the pre-filled ring: a million, issue 16's rate for one second.
const HELD_EVENTS: u64 = 1_000_000;
/// The pre-filled ring: 512 MiB holds the million ~280-byte socket records.
const HELD_BUFFER: &str = "536870912";
/// Drains of the pre-filled ring (the median is reported).
const HELD_ROUNDS: usize = 3;

/// One drain of a ring the producer filled while the collector was held
/// (`TRACER_BENCH_HOLD_RING`, the recorder's bench-only switch).
struct Held {
    events: u64,
    secs: f64,
    lost: u64,
    /// The recorder's CPU time over the drain.
    cpu_secs: f64,
    produced: u64,
}

/// Records `bench-flood` making `HELD_EVENTS` distinct failing socket() calls with the
/// collector held until it has exited; the recorder's stderr line says how fast it drained.
fn held_drain(ctx: &Ctx, tracer: &Path, count: u64) -> Result<Held, String> {
    let trace = ctx.tmp.join("held.jsonl");
    let out = Command::new(tracer)
        .env("TRACER_BENCH_HOLD_RING", "1")
        .env("FLOOD_OP", "socket-distinct")
        .args([
            "record",
            "-q",
            "--force",
            "--buffer-size",
            HELD_BUFFER,
            "-o",
        ])
        .arg(&trace)
        .arg("--")
        .arg(ctx.bins.join("bench-flood"))
        .arg("--count")
        .arg(count.to_string())
        .arg("--dir")
        .arg(&ctx.tmp)
        .output()
        .map_err(|e| e.to_string());
    let _ = std::fs::remove_file(&trace);
    let out = out?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!("{}: {}", out.status, stderr.trim()));
    }
    let line = stderr
        .lines()
        .find_map(|l| l.strip_prefix("tracer: bench: held ring drained: "))
        .ok_or_else(|| format!("no drain report: {}", stderr.trim()))?;
    // `N events in S s (R events/s), L lost, C s CPU (E events per CPU second)`
    let words: Vec<&str> = line.split_whitespace().collect();
    let num = |i: usize| -> Result<f64, String> {
        words
            .get(i)
            .and_then(|w| w.trim_matches(|c| c == '(' || c == ',').parse().ok())
            .ok_or_else(|| format!("unreadable drain report: {line}"))
    };
    let report = tracer_bench::report::Report::from_stdout(&String::from_utf8_lossy(&out.stdout))
        .map_err(|e| e.to_string())?;
    Ok(Held {
        events: num(0)? as u64,
        secs: num(3)?,
        lost: num(7)? as u64,
        cpu_secs: num(9)?,
        produced: report.ops.get("socket").copied().unwrap_or(0),
    })
}

fn flood_cmd(ctx: &Ctx, count: u64, rate: Option<u64>, op: &str, threads: usize) -> Command {
    let mut cmd = Command::new(ctx.bins.join("bench-flood"));
    cmd.env("FLOOD_OP", op)
        .env("FLOOD_THREADS", threads.to_string())
        .arg("--count")
        .arg(count.to_string())
        .arg("--dir")
        .arg(&ctx.tmp);
    if let Some(r) = rate {
        cmd.arg("--rate").arg(r.to_string());
    }
    cmd
}

fn record(
    ctx: &Ctx,
    tracer: &Path,
    cmd: &mut Command,
    extra: &[String],
) -> Result<RecordedRun, String> {
    let trace = ctx.tmp.join("collector.jsonl");
    let r = record_by_pid(tracer, cmd, &trace, extra, Duration::from_secs(600))
        .map_err(|e| e.to_string());
    let _ = std::fs::remove_file(&trace);
    r
}

/// Runs the throughput ramp and the flood.
pub fn run(ctx: &Ctx, tracer_help: &str) -> Collector {
    let tracer = match &ctx.tracer {
        Ok(t) => t.clone(),
        Err(e) => {
            return Collector {
                steps: vec![Err(format!("not run: {e}"))],
                flood: Err(format!("not run: {e}")),
                held: vec![Err(format!("not run: {e}"))],
                quick: ctx.quick,
            };
        }
    };
    // Seconds of work per step; rates rise by ~1.5× until events are lost or the producer (one
    // thread, failing socket() calls: the cheapest hooked syscall) cannot go faster.
    let secs: u64 = if ctx.quick { 1 } else { 3 };
    let rates: &[u64] = &[
        100_000, 150_000, 200_000, 300_000, 450_000, 700_000, 1_000_000, 1_500_000, 2_000_000,
        3_000_000,
    ];
    let mut steps = Vec::new();
    let mut producer_bound = false;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Paced single-thread steps, then unpaced with one thread, then one per core.
    let plan = rates
        .iter()
        .map(|&r| (Some(r), 1))
        .chain([(None, 1)])
        .chain((cores > 1).then_some((None, cores)));
    for (rate, threads) in plan {
        if producer_bound && rate.is_some() {
            // The producer cannot go faster paced: one unpaced step shows its ceiling.
            continue;
        }
        let count = rate.unwrap_or(1_000_000 * threads as u64) * secs;
        eprintln!("bench: collector throughput, rate {rate:?}/s, {threads} thread(s), {count} ops");
        let step = ramp_step(ctx, &tracer, count, rate, threads, true);
        let stop = match &step {
            Err(_) => true,
            Ok(s) => {
                producer_bound = rate.is_some_and(|r| s.produced_per_s < 0.9 * r as f64);
                s.lost > 0
            }
        };
        steps.push(step);
        if stop {
            break;
        }
    }
    // The producer's calls are all the same, so by default they share few lines: the same
    // unpaced producer once more with every event a line of its own, the collector's cost
    // without aggregation.
    if tracer_help.contains("--no-aggregate") {
        let count = 1_000_000 * secs;
        eprintln!("bench: collector throughput, unpaced, --no-aggregate, {count} ops");
        steps.push(ramp_step(ctx, &tracer, count, None, 1, false));
    }
    let flood = if tracer_help.contains("--buffer-size") {
        let count: u64 = if ctx.quick { 50_000 } else { 200_000 };
        eprintln!("bench: flood, {count} opens, {FLOOD_BUFFER}-byte ring buffer");
        record(
            ctx,
            &tracer,
            &mut flood_cmd(ctx, count, None, "open", 1),
            &["--buffer-size".to_owned(), FLOOD_BUFFER.to_owned()],
        )
    } else {
        Err("not run: `tracer record --help` has no --buffer-size".into())
    };
    let held = if tracer_help.contains("--buffer-size") {
        let count = if ctx.quick {
            HELD_EVENTS / 20
        } else {
            HELD_EVENTS
        };
        (0..HELD_ROUNDS)
            .map(|_| {
                eprintln!("bench: collector drain of a pre-filled ring, {count} distinct events");
                held_drain(ctx, &tracer, count)
            })
            .collect()
    } else {
        vec![Err(
            "not run: `tracer record --help` has no --buffer-size".into()
        )]
    };
    Collector {
        steps,
        flood,
        held,
        quick: ctx.quick,
    }
}

/// One step of the throughput ramp: `count` failing socket() calls at `rate` (unpaced: as
/// fast as `threads` go).
fn ramp_step(
    ctx: &Ctx,
    tracer: &Path,
    count: u64,
    rate: Option<u64>,
    threads: usize,
    aggregate: bool,
) -> Result<Step, String> {
    let mut cmd = flood_cmd(ctx, count, rate, "socket", threads);
    let extra = if aggregate {
        Vec::new()
    } else {
        vec!["--no-aggregate".to_owned()]
    };
    record(ctx, tracer, &mut cmd, &extra).map(|run| {
        let elapsed = run.report.elapsed_ns as f64 / 1e9;
        Step {
            rate,
            threads,
            aggregate,
            lines: run.trace.event_lines,
            written_per_s: run.trace.total_events() as f64 / elapsed,
            produced_per_s: run.report.total_ops() as f64 / elapsed,
            lost: run.trace.total_lost(),
            exact: run.balance.exact(),
            bytes_per_event: run.trace.bytes_per_event(),
            rss_kib: run.tracer_max_rss_kib,
            events_per_wakeup: run.trace.total_events() as f64 / run.tracer_wakeups.max(1) as f64,
            cpu_us_per_event: run.tracer_cpu_secs * 1e6 / run.trace.total_events().max(1) as f64,
        }
    })
}

impl Collector {
    fn render_held(&self, out: &mut String) {
        let _ = writeln!(
            out,
            "### Collector drain of a pre-filled ring (ring buffer {HELD_BUFFER} bytes)\n"
        );
        let _ = writeln!(
            out,
            "The recorder reads nothing until its command has exited (`TRACER_BENCH_HOLD_RING`, a bench-only switch, not a user option): `bench-flood` fills the ring with distinct failing `socket(AF_INET, -1, N)` calls (a protocol number of their own each, so no two share a line), then the collector drains it alone: decode, aggregation, JSON, the trace file written and flushed. Events/s = events written / time from the command's exit to the ring read empty. What it does not show: the collector keeping up beside a producer on the same 2 cores.\n"
        );
        let _ = writeln!(
            out,
            "| round | produced calls | events written | drain s | events/s | lost | recorder CPU s | events per CPU s |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---|---|---|");
        let mut rates = Vec::new();
        for (i, h) in self.held.iter().enumerate() {
            match h {
                Ok(h) => {
                    let rate = h.events as f64 / h.secs.max(1e-9);
                    rates.push(rate);
                    let _ = writeln!(
                        out,
                        "| {} | {} | {} | {:.3} | {rate:.0} | {} | {:.3} | {:.0} |",
                        i + 1,
                        h.produced,
                        h.events,
                        h.secs,
                        h.lost,
                        h.cpu_secs,
                        h.events as f64 / h.cpu_secs.max(1e-9)
                    );
                }
                Err(e) => {
                    let _ = writeln!(
                        out,
                        "| {} | – | – | – | – | {} |",
                        i + 1,
                        e.replace('|', "/")
                    );
                }
            }
        }
        let _ = writeln!(out);
        if let Some(s) = super::table::stats(&rates) {
            let verdict = if s.median >= THROUGHPUT_TARGET {
                "met"
            } else {
                "**MISSED**"
            };
            let _ = writeln!(
                out,
                "Drain of a pre-filled ring, median of {}: **{:.0} events/s**; target ≥1M events/s: {verdict}.\n",
                rates.len(),
                s.median
            );
        }
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "### Collector throughput (`tracer record --pid`, default ring buffer)\n"
        );
        let _ = writeln!(
            out,
            "Producer: one thread calling `socket(AF_INET, -1, 0)` (fails at once; recorded) at a set rate for {} s per step (rates rise ~1.5× a step), then unpaced, then unpaced with one thread per core; the ramp stops at the first loss. The calls are identical, so the recorder writes each thread's run of them as few lines with a count (`repeat`, its default): events are counted, every line as its `repeat.count`; the last row records the unpaced producer with `--no-aggregate`, every event a line.\n",
            if self.quick { "1 (QUICK)" } else { "3" }
        );
        let _ = writeln!(
            out,
            "| requested rate | produced ops/s | events written/s | event lines | lost | balance exact | bytes/event | events per tracer wake-up | tracer CPU µs/event | tracer peak RSS |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|---|");
        let mut best: Option<&Step> = None;
        let mut rss = 0;
        for s in &self.steps {
            match s {
                Ok(s) => {
                    let _ = writeln!(
                        out,
                        "| {}{} | {:.0} | {:.0} | {} | {} | {} | {} | {:.1} | {:.2} | {} MiB |",
                        match (s.rate, s.threads) {
                            (Some(r), _) => r.to_string(),
                            (None, 1) => "unpaced".to_owned(),
                            (None, t) => format!("unpaced, {t} threads"),
                        },
                        if s.aggregate { "" } else { ", --no-aggregate" },
                        s.produced_per_s,
                        s.written_per_s,
                        s.lines,
                        s.lost,
                        if s.exact { "yes" } else { "**NO**" },
                        s.bytes_per_event.map_or("–".into(), |b| format!("{b:.0}")),
                        s.events_per_wakeup,
                        s.cpu_us_per_event,
                        s.rss_kib / 1024
                    );
                    rss = rss.max(s.rss_kib);
                    if s.lost == 0
                        && s.exact
                        && best.is_none_or(|b| s.written_per_s > b.written_per_s)
                    {
                        best = Some(s);
                    }
                }
                Err(e) => {
                    let _ = writeln!(
                        out,
                        "| – | – | – | – | – | – | – | – | – | {} |",
                        e.replace('|', "/")
                    );
                }
            }
        }
        let _ = writeln!(out);
        match best {
            Some(b) => {
                let bound = if self.steps.iter().flatten().all(|s| s.lost == 0) {
                    " (no step lost events: the producer, not the collector, set the limit)"
                } else {
                    ""
                };
                let verdict = if b.written_per_s >= THROUGHPUT_TARGET {
                    "met".to_owned()
                } else if bound.is_empty() {
                    format!("**MISSED** ({:.2}M events/s)", b.written_per_s / 1e6)
                } else {
                    format!(
                        "**not demonstrated** (the producer topped out at {:.2}M events/s)",
                        b.written_per_s / 1e6
                    )
                };
                let _ = writeln!(
                    out,
                    "Highest lossless throughput: **{:.0} events/s**{bound}; target ≥1M events/s: {verdict}. Bytes per event in the trace: {}. Tracer peak RSS: {} MiB.\n",
                    b.written_per_s,
                    b.bytes_per_event.map_or("–".into(), |x| format!("{x:.0}")),
                    rss / 1024
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "Highest lossless throughput: not measured (no lossless step).\n"
                );
            }
        }
        self.render_held(&mut out);
        let _ = writeln!(
            out,
            "### Loss under flood (ring buffer {FLOOD_BUFFER} bytes)\n"
        );
        match &self.flood {
            Err(e) => {
                let _ = writeln!(out, "{e}\n");
            }
            Ok(run) => {
                let _ = writeln!(
                    out,
                    "| kind | performed | in trace | counted lost | unaccounted |"
                );
                let _ = writeln!(out, "|---|---|---|---|---|");
                for (k, b) in &run.balance.kinds {
                    let _ = writeln!(
                        out,
                        "| {k} | {} | {} | {} | {} |",
                        b.performed,
                        b.in_trace,
                        b.lost,
                        b.unaccounted()
                    );
                }
                let _ = writeln!(
                    out,
                    "\nBalance performed = in trace + lost per kind: {}; footer events match the event lines: {}; tracer peak RSS {} MiB.\n",
                    if run.balance.exact() {
                        "**exact**"
                    } else {
                        "**NOT exact**"
                    },
                    if run.trace.footer_matches_lines() {
                        "yes"
                    } else {
                        "**no**"
                    },
                    run.tracer_max_rss_kib / 1024
                );
            }
        }
        out
    }
}
