//! One boot, one job: the host stages a payload directory (with `job.sh` at its top), the guest
//! runs it at boot (the `tracer-job` unit of the image) and powers off.
//!
//! Results come back one of two ways. With [`JobOptions::stream`] (`vm check`: evidence), only
//! over two virtio-serial ports the guest can only append to: the recorder's trace as it is
//! recorded, and the job's result files at its end (see `stream`); the host never reads a
//! disk the guest wrote. Without it (`vm run`: a developer's own job), the host copies
//! `result/` out of the output disk with `debugfs` after power-off. Nothing else crosses
//! between host and guest.

use std::{
    fs,
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use super::{
    Result, VmError, disk,
    image::Image,
    qemu::{self, Accel, Disk, Vm},
    qmp::PortWatch,
    stream::{
        HostLimits, HostTrace, RESULTS_PORT, StreamReport, TRACE_PORT, read_results, results_ended,
    },
    util::{RemoveOnDrop, io_err, unique_path},
};

/// How to run a job.
#[derive(Debug, Clone)]
pub struct JobOptions {
    /// Hard limit for the whole boot; the guest is killed after it.
    pub timeout: Duration,
    pub output_mib: u64,
    pub memory_mib: u32,
    /// Results over the stream ports only (no disk read), with the host's limits.
    pub stream: Option<HostLimits>,
}

impl Default for JobOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(600),
            output_mib: 1024,
            memory_mib: 1024,
            stream: None,
        }
    }
}

/// What came back.
#[derive(Debug, Clone, serde::Serialize)]
pub struct JobOutcome {
    /// `job.sh`'s exit status in the guest; `None` when it never came back (the guest was
    /// stopped by a host limit, or the results stream was cut).
    pub exit_status: Option<i32>,
    /// The trace and results streams, with [`JobOptions::stream`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream: Option<StreamReport>,
    pub accel: Accel,
    /// Host time from qemu start to the guest starting the job.
    pub boot_seconds: Option<f64>,
    /// Host time from qemu start to qemu exit.
    pub total_seconds: f64,
    pub console_log: PathBuf,
    /// Where the guest's `$TRACER_OUT` ended up on the host.
    pub result_dir: PathBuf,
}

const STARTED_MARK: &str = "tracer-job: started";
/// The guest's last console line before its power-off (the image's `tracer-job`).
const POWER_OFF_MARK: &str = "tracer-job: powering off";
/// How long a streamed job's guest may take, once its trace and results are in, to print
/// [`POWER_OFF_MARK`] (its last words on the console) before the host stops it.
const DONE_GRACE: Duration = Duration::from_secs(2);

/// Boots `image` with `payload` (a directory holding `job.sh`), and copies what the job wrote
/// to `$TRACER_OUT` into `out_dir`, with the console log as `out_dir/console.log`.
pub fn run(image: &Image, payload: &Path, out_dir: &Path, opts: &JobOptions) -> Result<JobOutcome> {
    for p in [&image.disk, &image.kernel, &image.initrd] {
        if !p.is_file() {
            return Err(VmError::NoImage { path: p.clone() });
        }
    }
    fs::create_dir_all(out_dir).map_err(io_err(out_dir))?;
    let scratch = tempdir()?;
    let _cleanup = RemoveOnDrop(scratch.clone());
    let payload_img = scratch.join("payload.ext4");
    let output_img = scratch.join("output.ext4");
    disk::make_payload(payload, &payload_img)?;
    disk::make_output(&output_img, opts.output_mib)?;
    let console = out_dir.join("console.log");
    let _ = fs::remove_file(&console);

    let accel = qemu::choose_accel(image, &scratch)?;
    let disks = [
        Disk {
            path: image.disk.clone(),
            serial: "tracer-root",
            format: "qcow2",
            readonly: false,
            snapshot: true,
        },
        Disk {
            path: payload_img,
            serial: disk::PAYLOAD_LABEL,
            format: "raw",
            readonly: true,
            snapshot: false,
        },
        Disk {
            path: output_img.clone(),
            serial: disk::OUTPUT_LABEL,
            format: "raw",
            readonly: false,
            snapshot: false,
        },
    ];
    let mut cmd = qemu::command(image, accel, &disks, &console, opts.memory_mib);
    let trace_raw = scratch.join("trace.stream");
    let results_raw = scratch.join("results.stream");
    qemu::serial_ports(
        &mut cmd,
        &[(TRACE_PORT, &trace_raw), (RESULTS_PORT, &results_raw)],
    );
    let qmp_socket = scratch.join("qmp.sock");
    if opts.stream.is_some() {
        qemu::qmp(&mut cmd, &qmp_socket);
    }
    let mut host_trace = match opts.stream {
        Some(limits) => {
            let trace = out_dir.join("trace.jsonl");
            Some(HostTrace::new(&trace_raw, &trace, limits).map_err(io_err(&trace))?)
        }
        None => None,
    };
    let mut timed_out = None;
    tracing::info!(target: super::PROGRESS, %accel, timeout_s = opts.timeout.as_secs(), "vm: booting the guest");
    let started = Instant::now();
    let mut vm = Vm::spawn(cmd, console.clone())?;
    let port_watch = host_trace.is_some().then(|| {
        PortWatch::start(
            qmp_socket.clone(),
            qemu::port_device_id(TRACE_PORT),
            trace_raw.clone(),
        )
    });
    let mut boot_seconds = None;
    let mut relayed = 0;
    // A streamed job is done when the recorder's footer and the results' End frame are in;
    // the guest's own power-off (systemd stopping every unit: 5 s under TCG) adds nothing.
    let mut results_seen = 0;
    let mut done_at: Option<Instant> = None;
    let status = loop {
        if let Some(s) = vm.wait(Duration::from_millis(500))? {
            break Some(s);
        }
        let text = fs::read(&console)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        if boot_seconds.is_none() && text.contains(STARTED_MARK) {
            let s = started.elapsed().as_secs_f64();
            tracing::info!(target: super::PROGRESS, seconds = format!("{s:.1}"), "vm: guest booted, job running");
            boot_seconds = Some(s);
        }
        relayed = relay_progress(&text, relayed);
        if let Some(h) = host_trace.as_mut()
            && let Some(cause) = h.poll().map_err(io_err(&trace_raw))?
        {
            tracing::warn!(
                "vm: {}: stopping the guest (nothing it does is recorded any more)",
                cause.describe()
            );
            vm.kill();
            break None;
        }
        if port_watch.as_ref().is_some_and(PortWatch::reopened) {
            tracing::warn!(
                "vm: another process opened the trace port after the recorder closed it: stopping the guest"
            );
            vm.kill();
            break None;
        }
        if let Some(silent) = host_trace.as_ref().and_then(HostTrace::silent) {
            tracing::warn!(
                "vm: nothing on the trace stream for {} s (the recorder was killed or stopped): stopping the guest",
                silent.as_secs()
            );
            vm.kill();
            break None;
        }
        if done_at.is_none()
            && let Some(h) = host_trace.as_ref()
            && h.whole()
        {
            // Read again only when it grew: the guest decides how much it sends.
            let len = fs::metadata(&results_raw).map_or(0, |m| m.len());
            if len != results_seen {
                results_seen = len;
                if results_ended(&results_raw, &opts.stream.unwrap_or_default()) {
                    done_at = Some(Instant::now());
                }
            }
        }
        if let Some(at) = done_at
            && (text.contains(POWER_OFF_MARK) || at.elapsed() >= DONE_GRACE)
        {
            tracing::info!(
                target: super::PROGRESS,
                "vm: the trace and the job's results are in: stopping the guest (its power-off adds nothing)"
            );
            vm.kill();
            break None;
        }
        if started.elapsed() >= opts.timeout {
            vm.kill();
            if host_trace.is_some() {
                timed_out = Some(opts.timeout);
                tracing::warn!(
                    "vm: the guest did not finish within {} s: stopped; the trace is cut there",
                    opts.timeout.as_secs()
                );
                break None;
            }
            return Err(VmError::Timeout {
                seconds: opts.timeout.as_secs(),
                tail: vm.console_tail(25),
            });
        }
    };
    let total_seconds = started.elapsed().as_secs_f64();
    if let Some(s) = status
        && !s.success()
    {
        tracing::warn!("vm: qemu exited with {s}: {}", vm.stderr().trim());
    }
    if let Some(mut h) = host_trace {
        // qemu has exited (or been killed): every port event is in.
        if let Some(port) = port_watch.map(PortWatch::finish) {
            if let Some(e) = &port.error {
                tracing::warn!("vm: the trace port's opens and closes are unknown: {e}");
            }
            h.port_events(port);
        }
        return streamed(
            h,
            timed_out,
            &results_raw,
            &scratch,
            out_dir,
            opts,
            |exit_status, stream| JobOutcome {
                exit_status,
                stream: Some(stream),
                accel,
                boot_seconds,
                total_seconds,
                console_log: console.clone(),
                result_dir: out_dir.to_path_buf(),
            },
        );
    }
    let Some(status) = status else {
        return Err(VmError::NoResult {
            tail: vm.console_tail(25),
        });
    };
    if !status.success() {
        let qemu_err = vm.stderr();
        return Err(VmError::Command {
            command: "qemu-system-x86_64".into(),
            status: status.to_string(),
            detail: format!(
                "{}\nconsole tail:\n{}",
                qemu_err.trim(),
                vm.console_tail(15)
            ),
        });
    }
    tracing::info!(
        seconds = format!("{total_seconds:.1}"),
        "vm: guest powered off"
    );

    let dumped = scratch.join("dump");
    if !disk::read_output(&output_img, "result", &dumped)? {
        return Err(VmError::NoResult {
            tail: vm.console_tail(25),
        });
    }
    let result_dir = out_dir.to_path_buf();
    move_into(&dumped.join("result"), &result_dir)?;
    let exit_file = result_dir.join("exit-status");
    let exit_status = fs::read_to_string(&exit_file)
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .ok_or_else(|| VmError::NoResult {
            tail: vm.console_tail(25),
        })?;
    Ok(JobOutcome {
        exit_status: Some(exit_status),
        stream: None,
        accel,
        boot_seconds,
        total_seconds,
        console_log: console,
        result_dir,
    })
}

/// The end of a streamed job: the trace's footer (the recorder's or the host's), then the
/// result files from their port, within the limits. A missing or cut results stream is
/// reported, not an error: the trace is the evidence, and the report says what is missing.
fn streamed(
    host: HostTrace,
    timed_out: Option<Duration>,
    results_raw: &Path,
    scratch: &Path,
    out_dir: &Path,
    opts: &JobOptions,
    outcome: impl FnOnce(Option<i32>, StreamReport) -> JobOutcome,
) -> Result<JobOutcome> {
    let started = host.started();
    let mut report = host.finish(timed_out).map_err(io_err(results_raw))?;
    if !started {
        tracing::warn!("vm: the recorder's trace never came over the stream");
    }
    let limits = opts.stream.unwrap_or_default();
    let results = scratch.join("results");
    fs::create_dir_all(&results).map_err(io_err(&results))?;
    let status = match read_results(results_raw, &results, &limits) {
        Ok(s) => {
            report.results_complete = true;
            Some(s)
        }
        Err(why) => {
            tracing::warn!("vm: the job's results are not whole: {why}");
            report.results_problem = Some(why);
            None
        }
    };
    move_into(&results, out_dir)?;
    Ok(outcome(status, report))
}

/// Moves each entry of `from` into `to`, replacing what is there.
fn move_into(from: &Path, to: &Path) -> Result<()> {
    for entry in fs::read_dir(from).map_err(io_err(from))? {
        let entry = entry.map_err(io_err(from))?;
        let dest = to.join(entry.file_name());
        if dest.is_dir() {
            fs::remove_dir_all(&dest).map_err(io_err(&dest))?;
        }
        fs::rename(entry.path(), &dest).map_err(io_err(&dest))?;
    }
    Ok(())
}

/// Logs the guest's `tracer-job:` console lines past byte `from` (whole lines only): the
/// progress of a job that runs for minutes. Returns the new offset. Public for the fuzz
/// harness (tests/fuzz.rs): the console is written by the guest.
pub fn relay_progress(text: &str, from: usize) -> usize {
    let Some(chunk) = text.get(from..) else {
        return from;
    };
    let Some(end) = chunk.rfind('\n') else {
        return from;
    };
    for line in chunk[..end].lines() {
        if let Some(msg) = line.trim_end_matches('\r').split("tracer-job: ").nth(1) {
            tracing::info!(target: super::PROGRESS, "guest: {msg}");
        }
    }
    from + end + 1
}

fn tempdir() -> Result<PathBuf> {
    let dir = unique_path(&std::env::temp_dir(), "tracer-vm");
    fs::create_dir_all(&dir).map_err(io_err(&dir))?;
    Ok(dir)
}
