//! The consumer loop: ring buffer → decoder → trace file, until a stop condition; then the
//! final drain and the footer with the kernel's per-kind loss and truncation counts.

use std::{
    collections::BTreeMap,
    fs::File,
    io::{BufWriter, Write},
    os::fd::OwnedFd,
    os::unix::process::ExitStatusExt,
    path::PathBuf,
    time::Instant,
};

use aya::maps::{MapData, PerCpuArray, RingBuf};
use tokio::{
    io::unix::AsyncFd,
    signal::unix::{SignalKind, signal},
};
use tracer_common::{ADDR_CAP, EventKind, PATH_CAP, process};

use super::{RecordError, RecordOptions, loader::Loaded, target};
use crate::{
    events::{Clock, Decoder, procs::Processes},
    trace::{
        Capabilities, FORMAT_NAME, FORMAT_VERSION, Footer, Header, Kernel, Limits, StopReason,
        TargetExit, Tool, TraceWriter,
    },
};

/// What a finished recording reports to its caller.
#[derive(Debug, Clone)]
pub struct RecordOutcome {
    pub output: PathBuf,
    pub events: u64,
    pub lost: u64,
    pub stop_reason: StopReason,
    pub target_exit: Option<TargetExit>,
}

type Writer = TraceWriter<BufWriter<File>>;

/// How often records queued below the wake-up mark are drained: the trace lags the kernel by
/// at most this much.
const DRAIN_INTERVAL: std::time::Duration = std::time::Duration::from_millis(50);

pub async fn run(
    loaded: &mut Loaded,
    opts: &RecordOptions,
    scope: target::Scope,
    output: File,
) -> Result<RecordOutcome, RecordError> {
    let out_err = |source| RecordError::Output {
        path: opts.output.clone(),
        source,
    };
    // Before anything is announced (the header): a Ctrl-C from then on must end the recording
    // cleanly, with its footer, not kill it.
    let mut sigint = signal(SignalKind::interrupt()).map_err(RecordError::Ring)?;
    let mut sigterm = signal(SignalKind::terminate()).map_err(RecordError::Ring)?;
    let clock = Clock::now();
    let started_at = Instant::now();
    let mut procs = Processes::with_procfs();
    let started = target::start(&opts.target, &scope, &mut loaded.ebpf, &mut procs)?;
    let header = header(&clock, started.target.clone(), loaded, opts.buffer_bytes);
    let mut writer = TraceWriter::new(BufWriter::with_capacity(1 << 20, output));
    writer.header(&header).map_err(out_err)?;
    // On disk at once: a header means "recording", for whoever waits on the file.
    writer.flush().map_err(out_err)?;

    let ring = RingBuf::try_from(
        loaded
            .ebpf
            .take_map("EVENTS")
            .ok_or(RecordError::MissingMap("EVENTS"))?,
    )
    .map_err(|e| RecordError::Load(e.to_string()))?;
    // SAFETY: the ring buffer owns its map fd, which stays open and the same until the AsyncFd
    // is dropped.
    let mut ring = unsafe { AsyncFd::register(ring) }.map_err(register_err)?;
    let mut decoder = Decoder::new(clock, procs);
    let mut child = started.child;
    let pidfd = match started.pidfd {
        // SAFETY: an OwnedFd moved into the AsyncFd: open and unchanged for its lifetime.
        Some(fd) => Some(unsafe { AsyncFd::register(fd) }.map_err(register_err)?),
        None => None,
    };
    let deadline = opts.duration.map(|d| tokio::time::Instant::now() + d);
    // Records below the wake-up mark are queued without waking us: drain them on a timer.
    let mut tick = tokio::time::interval(DRAIN_INTERVAL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);

    let (stop_reason, target_exit) = loop {
        tokio::select! {
            guard = ring.readable_mut() => {
                let mut guard = guard.map_err(RecordError::Ring)?;
                drain(guard.get_inner_mut(), &mut decoder, &mut writer).map_err(out_err)?;
                guard.clear_ready();
            }
            _ = tick.tick() => {
                drain(ring.get_mut(), &mut decoder, &mut writer).map_err(out_err)?;
            }
            status = wait_child(&mut child) => {
                let exit = status.map(|s| TargetExit { code: s.code(), signal: s.signal() });
                break (StopReason::TargetExited, exit);
            }
            () = pid_exited(pidfd.as_ref()) => break (StopReason::TargetExited, None),
            () = sleep_until(deadline) => break (StopReason::Duration, None),
            _ = sigint.recv() => break (StopReason::Signal, None),
            _ = sigterm.recv() => break (StopReason::Signal, None),
        }
    };
    // Everything the target did was queued before its exit was reported: take it all.
    drain(ring.get_mut(), &mut decoder, &mut writer).map_err(out_err)?;

    let lost = per_kind(&loaded.ebpf, "LOST")?;
    let truncated = per_kind(&loaded.ebpf, "TRUNCATED")?;
    let events: BTreeMap<String, u64> = decoder
        .counts
        .iter()
        .map(|(k, v)| ((*k).to_owned(), *v))
        .collect();
    let footer = Footer {
        end_time: humantime::format_rfc3339_nanos(std::time::SystemTime::now()).to_string(),
        duration_ms: started_at.elapsed().as_millis() as u64,
        stop_reason,
        target_exit,
        events,
        lost: lost.clone(),
        truncated: truncated.into_iter().filter(|(_, n)| *n > 0).collect(),
        unresolved_paths: decoder
            .unresolved
            .iter()
            .map(|(k, v)| ((*k).to_owned(), *v))
            .collect(),
        malformed: decoder.malformed,
    };
    writer.footer(&footer).map_err(out_err)?;
    let mut file = writer.into_inner();
    file.flush().map_err(out_err)?;
    Ok(RecordOutcome {
        output: opts.output.clone(),
        events: decoder.counts.values().sum(),
        lost: lost.values().sum(),
        stop_reason,
        target_exit,
    })
}

/// Writes every queued record, then flushes: what a drain read is on disk, so a killed recorder
/// leaves a trace that ends with whole events.
fn drain(
    ring: &mut RingBuf<MapData>,
    decoder: &mut Decoder,
    writer: &mut Writer,
) -> std::io::Result<()> {
    while let Some(item) = ring.next() {
        match decoder.decode(&item) {
            Ok(Some(event)) => writer.event(&event)?,
            Ok(None) => {}
            Err(err) => {
                tracing::warn!("malformed ring-buffer record ({} bytes): {err}", item.len())
            }
        }
    }
    writer.flush()
}

/// Sums a per-CPU, per-kind counter map; every kind is listed, zeros included.
fn per_kind(ebpf: &aya::Ebpf, name: &'static str) -> Result<BTreeMap<String, u64>, RecordError> {
    let map: PerCpuArray<&MapData, u64> =
        PerCpuArray::try_from(ebpf.map(name).ok_or(RecordError::MissingMap(name))?)
            .map_err(|e| RecordError::Load(e.to_string()))?;
    let mut out = BTreeMap::new();
    for kind in EventKind::ALL {
        let total = map
            .get(&kind.index(), 0)
            .map(|values| values.iter().sum())
            .map_err(|e| RecordError::Load(format!("{name}: {e}")))?;
        out.insert(kind.name().to_owned(), total);
    }
    Ok(out)
}

async fn wait_child(child: &mut Option<tokio::process::Child>) -> Option<std::process::ExitStatus> {
    match child {
        Some(c) => c.wait().await.ok(),
        None => std::future::pending().await,
    }
}

async fn pid_exited(fd: Option<&AsyncFd<OwnedFd>>) {
    match fd {
        Some(fd) => {
            let _ = fd.readable().await;
        }
        None => std::future::pending().await,
    }
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

fn header(
    clock: &Clock,
    target: crate::trace::Target,
    loaded: &Loaded,
    buffer_bytes: u32,
) -> Header {
    let uts = nix::sys::utsname::uname().ok();
    let field = |f: fn(&nix::sys::utsname::UtsName) -> &std::ffi::OsStr| {
        uts.as_ref()
            .map(|u| f(u).to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    Header {
        format: FORMAT_NAME.to_owned(),
        version: FORMAT_VERSION,
        tool: Tool {
            name: "tracer".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        },
        kernel: Kernel {
            release: field(nix::sys::utsname::UtsName::release),
            version: field(nix::sys::utsname::UtsName::version),
            machine: field(nix::sys::utsname::UtsName::machine),
        },
        hostname: nix::unistd::gethostname()
            .map(|h| h.to_string_lossy().into_owned())
            .unwrap_or_default(),
        start_time: clock.rfc3339(clock.start_mono_ns),
        start_ts_ns: clock.start_mono_ns,
        target,
        hooks: loaded.hooks.clone(),
        capabilities: Capabilities {
            task_fields: loaded.task_fields,
        },
        limits: Limits {
            path_bytes: PATH_CAP as u32 - 1,
            argv_bytes: process::ARGV_CAP as u32,
            arg_bytes: process::ARG_CHUNK as u32 - 1,
            max_args: process::MAX_ARGS,
            addr_bytes: ADDR_CAP as u32,
        },
        buffer_bytes: buffer_bytes as u64,
    }
}

fn register_err<T>(e: tokio::io::unix::AsyncFdRegisterError<T>) -> RecordError {
    RecordError::Ring(std::io::Error::other(e.to_string()))
}
