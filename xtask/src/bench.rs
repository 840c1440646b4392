//! `cargo xtask bench`: what tracing costs, beside strace and bpftrace, and exact loss
//! accounting under flood (issue 6). docs/bench.md explains the method and how to read it.
//!
//! Each round runs every workload once under every configuration (the order rotates per round,
//! so slow drift of the machine does not always hit the same configuration), then the collector
//! section runs. The table goes to stdout and to benches/results/latest.md.

mod attachments;
mod bpftrace;
mod collector;
mod configs;
mod startstop;
mod table;
mod workloads;

use std::{
    fmt::Write as _,
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context as _, bail};

use crate::util::{is_root, run_cmd, workspace_root};
use configs::{CONFIGS, Ctx};
use workloads::WORKLOADS;

#[derive(clap::Args)]
pub struct Args {
    /// Rounds: each workload runs this many times under each configuration.
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
    /// Scaled-down work counts (about 1/20), for development; labelled QUICK in the table.
    #[arg(long)]
    pub quick: bool,
    /// Use this tracer binary instead of building `tracer` in release.
    #[arg(long)]
    pub tracer: Option<PathBuf>,
    /// Only these workloads (comma-separated: open, forkexec, connect, startup).
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// Skip the collector throughput and flood section.
    #[arg(long, conflicts_with = "collector_only")]
    pub no_collector: bool,
    /// Only the collector throughput and flood section (no overhead rounds).
    #[arg(long)]
    pub collector_only: bool,
    /// Only the start-and-stop rows (`tracer record -- /bin/true` beside `strace -f
    /// /bin/true`), `--rounds` times each.
    #[arg(long, conflicts_with_all = ["collector_only", "no_collector"])]
    pub start_stop_only: bool,
    /// Where to write the table (besides stdout). Default: benches/results/latest.md for a
    /// full run, benches/results/partial.md for a partial one (--quick, --only, a section
    /// skipped or alone), so that a partial run never replaces the full table.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

impl Args {
    /// Whether this run measures less than the whole bench.
    fn partial(&self) -> bool {
        self.quick
            || !self.only.is_empty()
            || self.no_collector
            || self.collector_only
            || self.start_stop_only
    }

    /// The table's file, relative to the workspace unless absolute.
    fn out_path(&self) -> PathBuf {
        match &self.out {
            Some(p) => p.clone(),
            None if self.partial() => PathBuf::from("benches/results/partial.md"),
            None => PathBuf::from("benches/results/latest.md"),
        }
    }
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    if !is_root() {
        bail!("the bench loads eBPF programs (tracer, bpftrace): run `sudo -E cargo xtask bench`");
    }
    if args.rounds == 0 {
        bail!("--rounds must be at least 1");
    }
    let root = workspace_root();
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let target_dir = if target_dir.is_relative() {
        root.join(target_dir)
    } else {
        target_dir
    };

    let tools = install_tools();
    run_cmd(Command::new("cargo").current_dir(&root).args([
        "build",
        "--release",
        "--quiet",
        "-p",
        "tracer-bench",
        "--bins",
    ]))
    .context("building the workloads")?;
    let (tracer, tracer_help) = find_tracer(args, &root);
    let tmp = std::env::temp_dir().join(format!("tracer-bench-{}", std::process::id()));
    std::fs::create_dir_all(&tmp)?;
    let ctx = Ctx {
        bins: target_dir.join("release"),
        tmp: tmp.clone(),
        quick: args.quick,
        tracer,
        strace: tools.clone().and_then(|()| tool_ok("strace", &["-V"])),
        bpftrace: tools.and_then(|()| tool_ok("bpftrace", &["--version"])),
        hooks: bpftrace::Hooks::fallback(),
    };
    let mut ctx = ctx;
    if let Ok(t) = &ctx.tracer {
        match recorder_hooks(t, &tmp) {
            Ok(h) => ctx.hooks = h,
            Err(e) => eprintln!(
                "bench: asking the recorder for its hooks failed ({e}); using the fallback list"
            ),
        }
    }
    let load_before = loadavg();
    let workloads: Vec<_> = WORKLOADS
        .iter()
        .filter(|w| args.only.is_empty() || args.only.iter().any(|o| o == w.name))
        .collect();
    if workloads.is_empty() {
        bail!("--only names no workload (have: open, forkexec, connect, startup)");
    }

    let mut cells: Vec<table::Cell> = workloads
        .iter()
        .flat_map(|w| {
            CONFIGS.iter().map(|&config| table::Cell {
                workload: w,
                config,
                outcomes: Vec::new(),
            })
        })
        .collect();
    let rounds = if args.collector_only || args.start_stop_only {
        0
    } else {
        args.rounds
    };
    if args.collector_only || args.start_stop_only {
        cells.clear();
    }
    let mut busy_runs: Vec<String> = Vec::new();
    for round in 0..rounds {
        for w in &workloads {
            for i in 0..CONFIGS.len() {
                let config = CONFIGS[(i + round) % CONFIGS.len()];
                eprintln!(
                    "bench: round {}/{} {} × {}",
                    round + 1,
                    args.rounds,
                    w.name,
                    config.label()
                );
                if let Some(load) = wait_for_quiet() {
                    busy_runs.push(format!(
                        "{} × {} ({load:.2} cores busy)",
                        w.name,
                        config.label()
                    ));
                }
                let outcome = ctx.run(w, config);
                if let Err(e) = &outcome {
                    eprintln!("bench:   {e}");
                }
                let cell = cells
                    .iter_mut()
                    .find(|c| c.workload.name == w.name && c.config == config)
                    .expect("every pair has a cell");
                cell.outcomes.push(outcome);
            }
        }
    }
    let start_stop = (!args.collector_only).then(|| {
        eprintln!("bench: start and stop, {} round(s)", args.rounds);
        startstop::run(
            ctx.tracer.as_deref().ok(),
            ctx.strace.is_ok(),
            &tmp,
            args.rounds,
        )
    });
    let collector =
        (!args.no_collector && !args.start_stop_only).then(|| collector::run(&ctx, &tracer_help));
    let load_after = loadavg();
    let _ = std::fs::remove_dir_all(&tmp);

    let mut md = header(args, &ctx, &load_before, &load_after);
    let _ = writeln!(
        md,
        "- quiet machine: each run waits up to {QUIET_WAIT_S} s until the CPUs were busy for less than {QUIET_CORES} of a core over {} s (/proc/stat); {}\n",
        QUIET_WINDOW.as_secs(),
        if busy_runs.is_empty() {
            "every run started quiet".to_owned()
        } else {
            format!(
                "**{} run(s) started on a busy machine**, their times are not comparable: {}",
                busy_runs.len(),
                busy_runs.join(", ")
            )
        }
    );
    if !cells.is_empty() {
        md.push_str(&table::render(&cells, args.quick));
        md.push('\n');
    }
    if let Some(rows) = &start_stop {
        md.push_str(&startstop::render(rows));
    }
    if let Some(c) = collector {
        md.push_str(&c.render());
    }
    print!("{md}");
    let out = args.out_path();
    let out = if out.is_relative() {
        root.join(&out)
    } else {
        out
    };
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&out, &md).with_context(|| format!("writing {}", out.display()))?;
    eprintln!("bench: table written to {}", out.display());
    Ok(())
}

/// The recorder's attached hooks: one short recording of `/bin/true`, read back.
fn recorder_hooks(tracer: &Path, tmp: &Path) -> anyhow::Result<bpftrace::Hooks> {
    let trace = tmp.join("hooks.jsonl");
    let out = Command::new(tracer)
        .arg("record")
        .arg("-o")
        .arg(&trace)
        .args(["--", "/bin/true"])
        .output()?;
    if !out.status.success() {
        bail!(
            "tracer record -- /bin/true: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let t = tracer_bench::accounting::TraceCounts::read(&trace)?;
    let _ = std::fs::remove_file(&trace);
    if t.attached.is_empty() {
        bail!("the trace header lists no attached hooks");
    }
    Ok(bpftrace::Hooks::from_recorder(&t.attached))
}

/// strace, bpftrace and bpftool, installed through setup's helpers (apt, root); `Err` says
/// why not. bpftool is what tells an untraced run from one that other tracing contaminated,
/// and whether the floor's bpftrace really held every hook: without it every row is "unknown".
fn install_tools() -> Result<(), String> {
    let missing = crate::setup::missing_packages(&["strace", "bpftrace", "bpftool"]);
    crate::setup::ensure_packages(&missing)
        .map_err(|e| format!("installing {}: {e:#}", missing.join(" ")))
}

fn tool_ok(tool: &str, version_arg: &[&str]) -> Result<(), String> {
    match Command::new(tool).args(version_arg).output() {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => Err(format!(
            "`{tool}` fails: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Err(e) => Err(format!("`{tool}` cannot run: {e}")),
    }
}

/// The tracer binary and its `record --help`, or why the tracer rows cannot run.
fn find_tracer(args: &Args, root: &Path) -> (Result<PathBuf, String>, String) {
    let bin = match &args.tracer {
        Some(t) => t.clone(),
        None => {
            let built = run_cmd(Command::new("cargo").current_dir(root).args([
                "build",
                "--release",
                "--quiet",
                "-p",
                "tracer",
                "--bin",
                "tracer",
            ]));
            if let Err(e) = built {
                return (Err(format!("building tracer failed: {e:#}")), String::new());
            }
            let dir = std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| root.join("target"));
            let dir = if dir.is_relative() {
                root.join(dir)
            } else {
                dir
            };
            dir.join("release/tracer")
        }
    };
    match Command::new(&bin).args(["record", "--help"]).output() {
        Ok(o) if o.status.success() => {
            let help = String::from_utf8_lossy(&o.stdout).into_owned();
            if !help.contains("--pid") {
                return (Err("`tracer record` has no --pid option yet".into()), help);
            }
            (Ok(bin), help)
        }
        Ok(o) => (
            Err(format!(
                "`tracer record --help` fails ({}): the recorder is not there yet",
                o.status
            )),
            String::new(),
        ),
        Err(e) => (
            Err(format!("{} cannot run: {e}", bin.display())),
            String::new(),
        ),
    }
}

fn cmd_line(cmd: &str, args: &[&str]) -> String {
    Command::new(cmd)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_owned()
        })
        .unwrap_or_else(|| "unavailable".into())
}

/// A run starts only when the CPUs were this busy, at most, over a short window (in cores:
/// 0.2 of one core summed over all of them)...
const QUIET_CORES: f64 = 0.2;
/// ...or after this long, flagged as busy in the table's head. On 2 shared cores one other
/// build running made the untraced and the floor rows equal and meaningless (issue 16).
const QUIET_WAIT_S: u64 = 120;
/// The window the busy share is measured over.
const QUIET_WINDOW: std::time::Duration = std::time::Duration::from_secs(2);

/// Waits until the CPUs are quiet; the busy cores seen last if they never got there.
///
/// Measured from /proc/stat over [`QUIET_WINDOW`], not from the 1-minute load average: that
/// average decays over minutes, so after each of the bench's own heavy runs (strace -f on the
/// open storm keeps a core busy for over a minute) it stayed high for a minute or two, and
/// the waits made a full run take hours on an otherwise idle machine. Between runs the bench
/// itself is idle, so what the window sees is other work.
fn wait_for_quiet() -> Option<f64> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(QUIET_WAIT_S);
    loop {
        let busy = busy_cores(QUIET_WINDOW);
        if busy < QUIET_CORES {
            return None;
        }
        if std::time::Instant::now() >= deadline {
            eprintln!(
                "bench:   the machine stayed busy ({busy:.2} cores); running anyway, flagged"
            );
            return Some(busy);
        }
    }
}

/// How many cores' worth of CPU time was spent on anything but idle and I/O wait during
/// `window` (the first line of /proc/stat, in USER_HZ ticks).
fn busy_cores(window: std::time::Duration) -> f64 {
    let sample = || -> Option<(u64, u64)> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        let ticks: Vec<u64> = stat
            .lines()
            .next()?
            .split_whitespace()
            .skip(1)
            .filter_map(|v| v.parse().ok())
            .collect();
        // user nice system idle iowait irq softirq steal (guest times are inside user/nice).
        let total: u64 = ticks.iter().take(8).sum();
        let idle = ticks.get(3)? + ticks.get(4).unwrap_or(&0);
        Some((total, idle))
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    let Some((t0, i0)) = sample() else { return 0.0 };
    std::thread::sleep(window);
    let Some((t1, i1)) = sample() else { return 0.0 };
    let total = t1.saturating_sub(t0);
    if total == 0 {
        return 0.0;
    }
    let busy = total.saturating_sub(i1.saturating_sub(i0));
    cores * busy as f64 / total as f64
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

fn header(args: &Args, ctx: &Ctx, load_before: &str, load_after: &str) -> String {
    let mut h = String::new();
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "?".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let commit = cmd_line(
        "git",
        &[
            "-C",
            &workspace_root().to_string_lossy(),
            "describe",
            "--always",
            "--dirty",
        ],
    );
    let tracer_version = match &ctx.tracer {
        Ok(t) => cmd_line(&t.to_string_lossy(), &["--version"]),
        Err(_) => "not available".into(),
    };
    let _ = writeln!(h, "# tracer benchmarks\n");
    if args.quick {
        let _ = writeln!(
            h,
            "**QUICK MODE: work counts scaled down to about 1/20 of issue 6's sizes; for development, not for conclusions.**\n"
        );
    }
    let _ = writeln!(
        h,
        "- date: {}",
        cmd_line("date", &["-u", "+%Y-%m-%d %H:%M UTC"])
    );
    let _ = writeln!(h, "- kernel: {}", kernel.trim());
    let _ = writeln!(h, "- cores: {cores} ({cpu})");
    let _ = writeln!(
        h,
        "- tool: {} (workspace {} at {commit})",
        tracer_version,
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(h, "- strace: {}", cmd_line("strace", &["-V"]));
    let _ = writeln!(h, "- bpftrace: {}", cmd_line("bpftrace", &["--version"]));
    let _ = writeln!(
        h,
        "- hooks (bpftrace programs): {}, from {}",
        ctx.hooks.len(),
        ctx.hooks.source
    );
    let _ = writeln!(
        h,
        "- rounds: {} (configurations interleaved, order rotated per round); load average before: {load_before}, after: {load_after}",
        if args.collector_only {
            "none (--collector-only)".to_owned()
        } else {
            args.rounds.to_string()
        }
    );
    let _ = writeln!(
        h,
        "- times: the workload's own measurement of its work loop (setup of the tracer or bpftrace not included); × floor = median / median of bpftrace with empty programs\n"
    );
    for w in WORKLOADS
        .iter()
        .filter(|w| args.only.is_empty() || args.only.iter().any(|o| o == w.name))
    {
        let _ = writeln!(h, "- `{}`: {} × {}", w.name, w.count(args.quick), w.unit);
    }
    h.push('\n');
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(clap::Parser)]
    struct Cli {
        #[command(flatten)]
        args: Args,
    }

    fn out_of(argv: &[&str]) -> PathBuf {
        let argv = std::iter::once("bench").chain(argv.iter().copied());
        Cli::parse_from(argv).args.out_path()
    }

    /// A partial run (one section, fewer workloads, scaled down) must not replace the full
    /// table in latest.md: the start-and-stop re-run of 2026-12-03 did, and the full table had
    /// to be restored from git.
    #[test]
    fn only_a_full_run_writes_latest_md() {
        assert_eq!(out_of(&[]), PathBuf::from("benches/results/latest.md"));
        for partial in [
            &["--start-stop-only"][..],
            &["--collector-only"],
            &["--no-collector"],
            &["--quick"],
            &["--only", "open"],
        ] {
            assert_eq!(
                out_of(partial),
                PathBuf::from("benches/results/partial.md"),
                "{partial:?}"
            );
        }
        assert_eq!(
            out_of(&["--quick", "--out", "/tmp/x.md"]),
            PathBuf::from("/tmp/x.md")
        );
    }

    /// A spinning thread shows up as about one busy core; the window measures the machine now.
    #[test]
    fn busy_cores_sees_a_spinning_thread() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let spin = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    std::hint::spin_loop();
                }
            })
        };
        let busy = busy_cores(std::time::Duration::from_millis(500));
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        spin.join().unwrap();
        assert!(
            busy >= 0.8,
            "a spinning thread, but only {busy:.2} cores busy"
        );
        assert!(busy <= cores + 0.01, "{busy:.2} busy of {cores} cores");
    }
}
