//! `tracer record`: run the recorder around a command, a process, a cgroup or a unit.

use std::{path::PathBuf, process::ExitCode, time::Duration};

use anyhow::Context as _;
use tracer::record::{self, DEFAULT_BUFFER_BYTES, RecordOptions, TargetSpec};

#[derive(clap::Args)]
#[command(
    about = "Record process, file, network and privilege events into a trace file",
    group(clap::ArgGroup::new("target").required(true).args(["command", "pid", "unit", "cgroup", "system"]))
)]
pub struct Args {
    /// Trace file to write (JSON Lines; see docs/trace-format.md).
    #[arg(short, long, default_value = "trace.jsonl")]
    output: PathBuf,
    /// Stop after this long ("30s", "5m", or seconds); default: until the target exits or Ctrl-C.
    #[arg(short, long, value_parser = parse_duration)]
    duration: Option<Duration>,
    /// Ring buffer size in bytes (a power of two); larger absorbs bigger bursts.
    #[arg(long, default_value_t = DEFAULT_BUFFER_BYTES)]
    buffer_size: u32,
    /// Record a running process and its descendants.
    #[arg(long)]
    pid: Option<u32>,
    /// Record a systemd unit (every process in its cgroup).
    #[arg(long)]
    unit: Option<String>,
    /// Record every process in a cgroup v2 directory.
    #[arg(long)]
    cgroup: Option<PathBuf>,
    /// Record every process on the machine (not the default: noisy and costly).
    #[arg(long)]
    system: bool,
    /// The command to start and record, with its arguments (after `--`).
    #[arg(last = true, value_name = "CMD")]
    command: Vec<String>,
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    if let Ok(secs) = s.parse::<f64>()
        && secs.is_finite()
        && secs > 0.0
    {
        return Ok(Duration::from_secs_f64(secs));
    }
    humantime::parse_duration(s)
        .map_err(|e| format!("{e}; expected e.g. 30s, 5m or a number of seconds"))
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let target = if let Some(pid) = args.pid {
        TargetSpec::Pid(pid)
    } else if let Some(unit) = args.unit {
        TargetSpec::Unit(unit)
    } else if let Some(cgroup) = args.cgroup {
        TargetSpec::Cgroup(cgroup)
    } else if args.system {
        TargetSpec::System
    } else {
        TargetSpec::Command(args.command)
    };
    let opts = RecordOptions {
        target,
        output: args.output,
        duration: args.duration,
        buffer_bytes: args.buffer_size,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let outcome = runtime.block_on(record::record(opts))?;
    let lost = if outcome.lost == 0 {
        "nothing lost".to_owned()
    } else {
        format!("{} LOST (see the footer)", outcome.lost)
    };
    eprintln!(
        "tracer: {} events written to {}; {lost}",
        outcome.events,
        outcome.output.display()
    );
    Ok(ExitCode::SUCCESS)
}
