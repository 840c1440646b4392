//! `tracer record`: run the recorder around a command, a process, a cgroup or a unit.

use std::{path::PathBuf, process::ExitCode, time::Duration};

use anyhow::Context as _;
use tracer::{
    record::{self, DEFAULT_BUFFER_BYTES, RecordOptions, TargetSpec, hooks::SyscallHooks},
    trace::StopReason,
};

/// `--syscall-hooks`.
#[derive(Clone, Copy, clap::ValueEnum)]
enum SyscallHookArg {
    Raw,
    PerSyscall,
    PerfRaw,
}

impl From<SyscallHookArg> for SyscallHooks {
    fn from(arg: SyscallHookArg) -> Self {
        match arg {
            SyscallHookArg::Raw => Self::Raw,
            SyscallHookArg::PerSyscall => Self::PerSyscall,
            SyscallHookArg::PerfRaw => Self::PerfRaw,
        }
    }
}

#[derive(clap::Args)]
#[command(
    about = "Record process, file, network and privilege events into a trace file",
    group(clap::ArgGroup::new("target").required(true).args(["command", "pid", "unit", "cgroup", "system"]))
)]
pub struct Args {
    /// Trace file to write (JSON Lines; see docs/trace-format.md); a name ending in `.zst` is
    /// written zstd-compressed.
    #[arg(short, long, default_value = "trace.jsonl")]
    output: PathBuf,
    /// Stop after this long ("30s", "5m", or seconds; at most 7 days); default: until the
    /// target's whole process tree has exited, or Ctrl-C.
    #[arg(short, long)]
    duration: Option<String>,
    /// Replace an existing output file.
    #[arg(long)]
    force: bool,
    /// When --duration or a signal ends the recording, leave the command's processes running
    /// (default: SIGTERM to the tree, SIGKILL 3 s later).
    #[arg(long)]
    leave_running: bool,
    /// Mask secret values in recorded command lines (`--password=****`), as for a trace that
    /// is attached to a bug; the header's `masked` says so.
    #[arg(long)]
    mask_secrets: bool,
    /// Ring buffer size in bytes (a power of two); larger absorbs bigger bursts.
    #[arg(long, default_value_t = DEFAULT_BUFFER_BYTES)]
    buffer_size: u32,
    /// Bytes of each exec's argv to keep (up to 65536); a longer command line is cut and flagged.
    #[arg(long, default_value_t = tracer_common::process::ARGV_DEFAULT)]
    argv_bytes: u32,
    /// Arguments of each exec to keep; more are cut and flagged.
    #[arg(long, default_value_t = tracer_common::process::MAX_ARGS_DEFAULT)]
    max_args: u32,
    /// How syscalls are hooked: `raw`, two BPF raw tracepoints dispatching by syscall (x86_64
    /// with the kernel's BTF); `perf-raw`, the same dispatch on the perf tracepoints
    /// `raw_syscalls/*` (every syscall of every process pays for a perf record);
    /// `per-syscall`, two tracepoints per syscall (stopping takes seconds). A way that cannot
    /// be used here (a program the kernel refuses, a hook that does not attach) gives way to
    /// the next in that order; the trace header's `hooks.syscalls` names the way used and
    /// why. See docs/trace-format.md.
    #[arg(long, value_enum, default_value_t = SyscallHookArg::Raw)]
    syscall_hooks: SyscallHookArg,
    /// The same as `--syscall-hooks raw`, the default (kept for scripts that pass it).
    #[arg(long, conflicts_with = "syscall_hooks")]
    raw_syscalls: bool,
    /// Run the command as this user (name or uid) with its groups, as `strace -u` does; without
    /// it the command runs as root, which changes what "does not run as root" sees.
    #[arg(short = 'u', long, value_name = "USER", requires = "command")]
    user: Option<String>,
    /// Also send every trace line, as it is written, over this port (a VM's virtio-serial
    /// port, `/dev/virtio-ports/tracer.trace`), framed as docs/vm.md describes, with
    /// heartbeats: `tracer vm check` uses it so the trace leaves the guest as it is recorded.
    #[arg(long, value_name = "PORT")]
    stream: Option<PathBuf>,
    /// Record a running process and its descendants (`-p` as in strace).
    #[arg(short = 'p', long)]
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
    /// No live status line on a terminal.
    #[arg(short, long)]
    quiet: bool,
    /// Write every event as a line of its own. By default a thread's identical repeats (the
    /// same call, fields and result; only the time differs) share one line with a count
    /// (`repeat`; see docs/trace-format.md).
    #[arg(long)]
    no_aggregate: bool,
    /// The command to start and record, with its arguments (after `--`).
    #[arg(last = true, value_name = "CMD")]
    command: Vec<String>,
}

/// A `--duration`: seconds or a humantime span, more than 0 and at most
/// [`record::MAX_DURATION`]. Checked here, before anything is loaded: a value that overflows
/// (`18446744073709551615`, `1e19`) or is zero is one line of error, never a panic.
fn parse_duration(s: &str) -> anyhow::Result<Duration> {
    let bad = |why: &str| {
        anyhow::anyhow!(
            "--duration {s}: {why}; expected more than 0 and at most 7 days, e.g. 30s, 5m, 2h or a number of seconds"
        )
    };
    let d = match s.trim().parse::<f64>() {
        Ok(secs) if !secs.is_finite() => return Err(bad("not a finite number")),
        Ok(secs) if secs > record::MAX_DURATION.as_secs_f64() => return Err(bad("too long")),
        Ok(secs) if secs <= 0.0 => return Err(bad("not positive")),
        Ok(secs) => Duration::from_secs_f64(secs),
        Err(_) => humantime::parse_duration(s).map_err(|e| bad(&e.to_string()))?,
    };
    if d.is_zero() {
        return Err(bad("not positive"));
    }
    if d > record::MAX_DURATION {
        return Err(bad("too long"));
    }
    Ok(d)
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let duration = args.duration.as_deref().map(parse_duration).transpose()?;
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
        duration,
        buffer_bytes: args.buffer_size,
        force: args.force,
        leave_running: args.leave_running,
        mask_secrets: args.mask_secrets,
        argv_bytes: args.argv_bytes,
        max_args: args.max_args,
        syscall_hooks: if args.raw_syscalls {
            SyscallHooks::Raw
        } else {
            args.syscall_hooks.into()
        },
        user: args.user,
        // A live line only where someone watches it: never in a log file or a pipe.
        status_line: std::io::IsTerminal::is_terminal(&std::io::stderr()) && !args.quiet,
        stream: args.stream,
        background_detach: true,
        aggregate: !args.no_aggregate,
    };
    let program = match &opts.target {
        TargetSpec::Command(argv) => argv.first().cloned(),
        _ => None,
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
    // The command's status, as `strace -f` reports it; not our exit code (2 is ours).
    if let (Some(program), Some(exit)) = (&program, outcome.target_exit) {
        match (exit.code, exit.signal) {
            (Some(code), _) => say(format_args!("tracer: {program} exited with {code}")),
            (None, Some(sig)) => say(format_args!("tracer: {program} killed by signal {sig}")),
            (None, None) => {}
        }
    }
    let why = match (outcome.stop_reason, &outcome.stop_signal) {
        (StopReason::TargetExited, _) => "the target's processes exited".to_owned(),
        (StopReason::Duration, _) => "--duration ran out".to_owned(),
        (StopReason::Signal, Some(sig)) => format!("{sig} received"),
        (StopReason::Signal, None) => "a signal was received".to_owned(),
        (StopReason::StreamCut, _) => "the stream was cut".to_owned(),
    };
    let tree = match outcome.tree_end {
        Some(t) if t.left_running > 0 => format!("; {} process(es) left running", t.left_running),
        Some(t) if t.terminated > 0 => format!(
            "; {} process(es) of the command stopped ({} with SIGKILL)",
            t.terminated, t.killed
        ),
        _ => String::new(),
    };
    say(format_args!(
        "tracer: stopped: {why}{tree}; {} events written to {}; {lost}",
        outcome.events,
        outcome.output.display()
    ));
    Ok(ExitCode::SUCCESS)
}

/// One line on stderr, whatever becomes of it: `eprintln!` panics when stderr fails, and in a
/// VM the recorder's stderr is a file on a disk the package under review can fill.
fn say(line: std::fmt::Arguments<'_>) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "{line}");
}
