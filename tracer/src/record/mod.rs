//! The recorder: loads the eBPF programs, attaches what this kernel allows, starts or selects
//! the target, and writes every event the ring buffer delivers to the trace file until the
//! target's process tree is gone, the duration runs out, or a signal arrives (every catchable
//! terminating signal: SIGINT, SIGTERM, SIGHUP, SIGQUIT, …; the footer is written in each case
//! and names the signal).
//!
//! A command target is followed as `strace -f` follows it: past the command's own exit, until
//! the last process of its tree (daemons that double-forked and detached included) has exited.
//! When `--duration` or a signal stops the recording first, the tree is sent SIGTERM and, after
//! [`KILL_GRACE`], SIGKILL, unless `--leave-running`; the direct child also gets SIGTERM if the
//! recorder itself is SIGKILLed (`PR_SET_PDEATHSIG`).
//!
//! Nothing is lost silently: records the kernel could not queue are counted per kind in the
//! `LOST` map and written to the footer, as are truncations and unresolved paths; hooks that
//! failed to attach are named in the header.

mod at_stop;
pub mod btf;
pub mod cgroup_bpf;
pub mod codescan;
mod collector;
pub mod existing;
mod freeze;
pub mod handoff;
pub mod hooks;
pub mod inherited;
mod loader;
pub mod mounts;
mod output;
mod ring;
mod sender;
#[cfg(test)]
mod stack;
pub mod target;
pub mod tpformat;
mod writer;

use std::path::PathBuf;
use std::time::Duration;

pub use collector::RecordOutcome;

/// What to record.
#[derive(Debug, Clone)]
pub enum TargetSpec {
    /// Start this command and follow its process tree.
    Command(Vec<String>),
    /// A running process and its descendants.
    Pid(u32),
    /// A cgroup v2 directory (absolute, or relative to /sys/fs/cgroup).
    Cgroup(PathBuf),
    /// A systemd unit, through its cgroup.
    Unit(String),
    /// Every process but the tracer.
    System,
}

#[derive(Debug, Clone)]
pub struct RecordOptions {
    pub target: TargetSpec,
    pub output: PathBuf,
    pub duration: Option<Duration>,
    /// Ring buffer size; a power of two, at least one page.
    pub buffer_bytes: u32,
    /// Replace an existing output file.
    pub force: bool,
    /// Leave a command's process tree running when `--duration` or a signal ends the recording.
    pub leave_running: bool,
    /// Mask secrets in recorded command lines (see `trace::mask_argv`); the header says so.
    pub mask_secrets: bool,
    /// Bytes of argv kept per exec (at most [`tracer_common::process::ARGV_MAX`]); longer
    /// command lines are cut and flagged.
    pub argv_bytes: u32,
    /// Arguments kept per exec; more are cut and flagged.
    pub max_args: u32,
    /// How syscalls are hooked, where the kernel allows (see [`hooks::SyscallHooks`]; the
    /// loader takes the next way, down to per-syscall tracepoints, where it cannot, and the
    /// header's `hooks.syscalls` says why).
    pub syscall_hooks: hooks::SyscallHooks,
    /// Run a command target as this user (name or uid), with its groups, as `strace -u` does.
    pub user: Option<String>,
    /// Keep a one-line live status on stderr (events, lost, elapsed): for a terminal.
    pub status_line: bool,
    /// A VM's virtio-serial port: every trace line also leaves over it, framed, with
    /// heartbeats (see `vm::stream`).
    pub stream: Option<PathBuf>,
    /// Leave detaching the hooks to a background process once the trace is complete (see
    /// [`handoff`]): for a command-line run, which should end when its trace does.
    pub background_detach: bool,
    /// Write a thread's identical repeats as one line with a count (see
    /// [`crate::trace::Aggregator`]); off: one line per event (`--no-aggregate`).
    pub aggregate: bool,
}

/// How long a command's tree has after SIGTERM before SIGKILL, when the recording is stopped.
pub const KILL_GRACE: Duration = Duration::from_secs(3);

/// The longest `--duration`: a week. Longer is a typo (or an overflow), not a recording.
pub const MAX_DURATION: Duration = Duration::from_secs(7 * 24 * 3600);

pub const DEFAULT_BUFFER_BYTES: u32 = 16 << 20;

/// Why recording could not start or finish. Each message names the problem and the fix.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecordError {
    #[error(
        "recording needs root (loading eBPF programs needs CAP_BPF and CAP_PERFMON); run it with sudo"
    )]
    NotRoot,
    #[error(
        "this tracer was built without its eBPF programs (AYA_BUILD_SKIP); rebuild without it after `cargo xtask setup`"
    )]
    NoEbpfObject,
    #[error(
        "tracefs is not mounted on /sys/kernel/tracing and mounting it failed ({errno}); mount it with `mount -t tracefs tracefs /sys/kernel/tracing`"
    )]
    Tracefs { errno: nix::errno::Errno },
    #[error(
        "this kernel refused the eBPF programs ({0}); it needs BPF, BTF-less tracepoint programs and ring buffers (Linux 5.8 or later)"
    )]
    Load(String),
    #[error("no hook could be attached; nothing would be recorded ({first_error})")]
    NothingAttached { first_error: String },
    #[error("{path} exists; give another -o, or --force to replace it")]
    OutputExists { path: PathBuf },
    #[error("another tracer is recording to {path}; give another -o")]
    OutputBusy { path: PathBuf },
    #[error(
        "{path} holds the lines of a recording that did not finish (a killed recorder); move it away, or --force to discard it"
    )]
    StalePartial { path: PathBuf },
    #[error(
        "{path} appeared while recording; the trace is kept in {partial} (--force replaces the output)"
    )]
    OutputAppeared { path: PathBuf, partial: PathBuf },
    #[error("cannot write the trace to {path}: {source}; choose a writable path with -o")]
    Output {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot start {command}: {source}; check the command name and PATH")]
    Spawn {
        command: String,
        #[source]
        source: std::io::Error,
    },
    #[error("-u {user}: no such user; give a user name or uid from /etc/passwd")]
    NoSuchUser { user: String },
    #[error("-u {user}: only a command started by the recorder can be run as another user")]
    UserWithoutCommand { user: String },
    #[error("no process {pid}; give the pid of a running process")]
    NoSuchPid { pid: u32 },
    #[error("cgroup {path} not found; expected a directory of the cgroup v2 hierarchy")]
    NoSuchCgroup { path: PathBuf },
    #[error("unit {unit}: {reason}; give a loaded systemd unit (e.g. cron.service)")]
    Unit { unit: String, reason: String },
    #[error("--buffer-size {0}: expected a power of two of at least 4096 bytes")]
    BufferSize(u32),
    #[error(
        "--argv-bytes {0}: expected 1 to {max} bytes",
        max = tracer_common::process::ARGV_MAX
    )]
    ArgvBytes(u32),
    #[error("reading the ring buffer failed: {0}")]
    Ring(std::io::Error),
    #[error("recorder map {0} is missing from the eBPF object")]
    MissingMap(&'static str),
}

/// Records until the target exits, the duration ends, or a signal arrives.
pub async fn record(opts: RecordOptions) -> Result<RecordOutcome, RecordError> {
    if !nix::unistd::geteuid().is_root() {
        return Err(RecordError::NotRoot);
    }
    if opts.buffer_bytes < 4096 || !opts.buffer_bytes.is_power_of_two() {
        return Err(RecordError::BufferSize(opts.buffer_bytes));
    }
    let object = loader::object().ok_or(RecordError::NoEbpfObject)?;
    // The target first: a bad --pid, unit, cgroup or user fails before any file is touched.
    let scope = target::resolve_scope(&opts.target)?;
    let run_as = opts
        .user
        .as_deref()
        .map(|user| target::resolve_user(user, &opts.target))
        .transpose()?;
    let output = output::Output::prepare(&opts.output, opts.force)?;
    mounts::ensure_tracefs()?;
    mounts::ensure_bpffs();
    if opts.argv_bytes == 0 || opts.argv_bytes > tracer_common::process::ARGV_MAX as u32 {
        return Err(RecordError::ArgvBytes(opts.argv_bytes));
    }
    let mut loaded = loader::load(
        object,
        &scope,
        opts.buffer_bytes,
        opts.argv_bytes,
        opts.syscall_hooks,
    )?;
    // The load's parses are freed; give them back before the ring's pages are mapped.
    crate::alloc::release_freed();
    let outcome = collector::run(
        &mut loaded,
        &opts,
        scope,
        run_as,
        output.file()?,
        output.watch()?,
    )
    .await;
    if let Err(e) = &outcome {
        // In a VM the host learns why the trace ends without a footer.
        crate::vm::stream::report_failure(&e.to_string());
    }
    let outcome = outcome.and_then(|o| output.commit().map(|()| o));
    if opts.background_detach {
        handoff::detach_in_background(loaded);
    } else {
        loaded.detach();
    }
    outcome
}
