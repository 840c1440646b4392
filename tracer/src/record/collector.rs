//! The consumer loop: ring buffer → decoder → trace file, until a stop condition; then the
//! final drain and the footer with the kernel's per-kind loss and truncation counts.

use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    fs::File,
    io::Write,
    os::fd::OwnedFd,
    os::unix::process::ExitStatusExt,
    path::PathBuf,
    time::Instant,
};

use aya::maps::{Map, MapData, PerCpuArray};
use tokio::{
    io::unix::AsyncFd,
    signal::unix::{Signal, SignalKind, signal},
};
use tracer_common::{ADDR_CAP, EventKind, PATH_CAP, process};

use crate::vm::stream::PortTee;

use super::{
    KILL_GRACE, RecordError, RecordOptions, TargetSpec,
    codescan::Scanner,
    existing, inherited,
    loader::Loaded,
    output::{TraceFile, Watch},
    ring::Ring,
    target,
    writer::Background,
};
use crate::{
    events::{Clock, Decoder, procs::Processes},
    trace::{
        Aggregator, Capabilities, Event, EventData, FORMAT_NAME, FORMAT_VERSION, Footer, Header,
        Kernel, Limits, MASKED_FIELDS, OutputTouch, Recorder, StopReason, Target, TargetExit, Tool,
        TraceWriter, TreeEnd, mask_argv,
    },
};

/// What a finished recording reports to its caller.
#[derive(Debug, Clone)]
pub struct RecordOutcome {
    pub output: PathBuf,
    pub events: u64,
    pub lost: u64,
    pub stop_reason: StopReason,
    pub stop_signal: Option<String>,
    pub target_exit: Option<TargetExit>,
    pub tree_end: Option<TreeEnd>,
}

type Out = PortTee<TraceFile>;

/// How often records queued below the wake-up mark are drained: the trace lags the kernel by
/// at most this much.
const DRAIN_INTERVAL: std::time::Duration = std::time::Duration::from_millis(50);

pub async fn run(
    loaded: &mut Loaded,
    opts: &RecordOptions,
    scope: target::Scope,
    run_as: Option<target::RunAs>,
    output: File,
    watch: Watch,
) -> Result<RecordOutcome, RecordError> {
    let out_err = |source| RecordError::Output {
        path: opts.output.clone(),
        source,
    };
    // Before anything is announced (the header): a Ctrl-C, a closed terminal (SIGHUP) or any
    // other terminating signal from then on must end the recording cleanly, with its footer.
    // Its sender is noted first (see `sender`).
    let stop_numbers: Vec<i32> = STOP_SIGNALS.iter().map(|&(n, _)| n).collect();
    super::sender::watch(&stop_numbers).map_err(RecordError::Ring)?;
    let mut signals = STOP_SIGNALS
        .iter()
        .map(|&(n, name)| Ok((name, signal(SignalKind::from_raw(n))?)))
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(RecordError::Ring)?;
    // SIGXFSZ comes with a write past a file-size limit someone set on the recorder: it is
    // not a stop (the write is retried under a raised limit, `output::FsizeGuard`), and its
    // default action would kill the recorder. Caught (a handler, unlike SIG_IGN, is not
    // inherited by the recorded command) and never read.
    let _xfsz = signal(SignalKind::from_raw(libc::SIGXFSZ)).map_err(RecordError::Ring)?;
    let clock = Clock::now();
    let started_at = Instant::now();
    let mut procs = Processes::with_procfs();
    let started = target::start(
        &opts.target,
        &scope,
        &mut loaded.ebpf,
        &mut procs,
        opts.leave_running,
        run_as.as_ref(),
    )?;
    // The target is in TRACKED (a command's child froze it already, before its exec): from
    // here on only the BPF programs change it.
    if let Err(why) = super::freeze::freeze(&loaded.ebpf, super::freeze::TRACKED) {
        tracing::warn!("TRACKED stays writable from userspace: {why}");
    }
    let mut header = header(&clock, started.target.clone(), loaded, opts);
    // The recorder's own programs are tracepoints, uprobes and LSM programs, never cgroup
    // programs: whatever is listed was attached by someone else.
    header.cgroup_bpf =
        super::cgroup_bpf::target_cgroup(&header.target).map(|c| super::cgroup_bpf::query(&c));
    (header.existing, header.existing_left_out) =
        existing::snapshot(&target::in_scope_at_start(&opts.target, &started.target));
    (header.inherited, header.inherited_left_out) = match &opts.target {
        TargetSpec::Command(_) => started.inherited.clone(),
        // The attached tree's descriptors, opened before the recording.
        TargetSpec::Pid(_) => {
            inherited::of_processes(&header.existing.iter().map(|p| p.pid).collect::<Vec<_>>())
        }
        _ => (Vec::new(), 0),
    };
    if opts.mask_secrets {
        header.masked = MASKED_FIELDS.iter().map(|f| (*f).to_owned()).collect();
        if let Target::Command { argv, .. } = &mut header.target {
            mask_argv(argv);
        }
        for p in &mut header.existing {
            mask_argv(&mut p.argv);
        }
    }
    let output = TraceFile::for_output(output, &opts.output).map_err(out_err)?;
    // In a VM (`vm check`), every line also leaves the guest over the stream as it is written.
    let output = match &opts.stream {
        Some(port) => PortTee::open(output, port).map_err(|source| RecordError::Output {
            path: port.clone(),
            source,
        })?,
        None => PortTee::plain(output),
    };
    let mut writer = TraceWriter::new(output);
    writer.header(&header).map_err(out_err)?;
    // On disk at once: a header means "recording", for whoever waits on the file.
    writer.flush().map_err(out_err)?;

    let ring = match loaded.ebpf.take_map("EVENTS") {
        Some(Map::RingBuf(data)) => {
            Ring::new(data).map_err(|e| RecordError::Load(e.to_string()))?
        }
        _ => return Err(RecordError::MissingMap("EVENTS")),
    };
    // SAFETY: the ring buffer owns its map fd, which stays open and the same until the AsyncFd
    // is dropped.
    let mut ring = unsafe { AsyncFd::register(ring) }.map_err(register_err)?;
    let lost_map = counter_map(&loaded.ebpf, "LOST")?;
    let mut sink = Sink {
        writer: Background::start(writer).map_err(out_err)?,
        lines: Aggregator::new(opts.aggregate),
        lost: LossWatch {
            map: lost_map,
            settled: HashMap::new(),
        },
        watch,
        tampered: Tampered::default(),
    };
    let mut decoder = Decoder::new(clock, procs);
    decoder.max_args = opts.max_args;
    // Paths the kernel walk names only at their start are looked up on this host as they
    // arrive (`events::lookup`).
    decoder.host_lookup = true;
    if let Target::Command { pid, .. } = &started.target {
        decoder.setup_pid = Some(*pid);
        // The spawn returned once the exec had happened (std waits for it).
        decoder.setup_until = Clock::now().start_mono_ns;
    }
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

    let mask = opts.mask_secrets;
    // The code the recorded processes run, scanned for crypto as they run it (see `codescan`).
    let mut scanner = Scanner::start();
    // A command is followed, like `strace -f`, until the last process of its tree is gone:
    // its own exit only records its status.
    let command = matches!(opts.target, TargetSpec::Command(_));
    let mut target_exit = None;
    let mut child_running = child.is_some();
    let mut last_status = Instant::now();
    // Bench only: the ring pre-filled by the command, then drained as fast as the collector
    // goes (see `BENCH_HOLD_RING`).
    let held = if command && std::env::var_os(BENCH_HOLD_RING).is_some() {
        hold_ring(&mut child).await;
        Some((Instant::now(), cpu_secs()))
    } else {
        None
    };
    let (stop_reason, stop_signal) = loop {
        tokio::select! {
            guard = ring.readable_mut() => {
                let mut guard = guard.map_err(RecordError::Ring)?;
                let drained = drain(guard.get_inner_mut(), &mut decoder, &mut sink, &mut scanner, mask, None).map_err(out_err)?;
                // A drain cut at its batch left records: the ring stays ready, so the next turn
                // of the loop drains on (after the other branches had their chance). The kernel
                // side wakes the collector only when the unread bytes reach another multiple
                // of `wakeup_bytes` (`tracer-ebpf/src/emit.rs`, `wakeup_flag`), not per record.
                if matches!(drained, Drained::Empty) {
                    guard.clear_ready();
                }
            }
            _ = tick.tick() => {
                drain(ring.get_mut(), &mut decoder, &mut sink, &mut scanner, mask, None).map_err(out_err)?;
                if opts.status_line && last_status.elapsed() >= STATUS_EVERY {
                    last_status = Instant::now();
                    status_line(&decoder, &loaded.ebpf, started_at);
                }
                if command && !child_running && target::live_tree(&loaded.ebpf).is_empty() {
                    break (StopReason::TargetExited, None);
                }
            }
            status = wait_child(&mut child), if child_running => {
                child_running = false;
                target_exit = status.map(|s| TargetExit { code: s.code(), signal: s.signal() });
                let left = target::live_tree(&loaded.ebpf);
                if left.is_empty() {
                    break (StopReason::TargetExited, None);
                }
                tracing::info!("the command exited; following the {} task(s) it left", left.len());
            }
            () = pid_exited(pidfd.as_ref()) => break (StopReason::TargetExited, None),
            () = sleep_until(deadline) => break (StopReason::Duration, None),
            name = any_signal(&mut signals) => break (StopReason::Signal, Some(name.to_owned())),
        }
    };
    // Its sender's name now, while it may still run (the tree is ended below).
    let stop_sender = STOP_SIGNALS
        .iter()
        .find(|(_, name)| stop_signal.as_deref() == Some(*name))
        .and_then(|&(n, _)| super::sender::of(n));
    // Everything the target did was queued before its exit was reported: take it all, up to
    // the moment of the stop. On a busy system (`--system`, a debug build) the kernel may queue
    // faster than this drains: what comes after the stop is not part of the recording.
    // Records submitted so far, per kind: each was reserved before this instant, so before any
    // record stamped after the cut-off below, and the drains to come read past it. One the
    // collector never read was skipped by someone moving the ring's consumer position.
    let submitted = per_kind(&loaded.ebpf, "SUBMITTED")?;
    let cutoff = Clock::now().start_mono_ns;
    while drain(
        ring.get_mut(),
        &mut decoder,
        &mut sink,
        &mut scanner,
        mask,
        Some(cutoff),
    )
    .map_err(out_err)?
        == Drained::Batch
    {}
    if let Some((released, cpu)) = held {
        // Written, not only read: the writer thread has caught up.
        sink.writer.sync().map_err(out_err)?;
        report_held_drain(released, cpu, &decoder, &loaded.ebpf);
    }
    let tree_end = if command && stop_reason != StopReason::TargetExited {
        let end = end_tree(&loaded.ebpf, opts.leave_running, &mut || {
            drain(
                ring.get_mut(),
                &mut decoder,
                &mut sink,
                &mut scanner,
                mask,
                None,
            )
            .map(|_| ())
        })
        .await
        .map_err(out_err)?;
        if child_running
            && let Some(c) = child.as_mut()
            && let Ok(Some(s)) = c.try_wait()
        {
            target_exit = Some(TargetExit {
                code: s.code(),
                signal: s.signal(),
            });
        }
        Some(end)
    } else {
        None
    };

    if opts.status_line {
        // Clear the status line: the CLI's closing line takes its place.
        eprint!("\r\x1b[K");
    }
    // Calls recorded at their entry whose return never came (a reboot still running): each
    // is written, without a result, before the footer that counts it.
    for event in decoder.unfinished() {
        scanner.note(&event);
        sink.push(event).map_err(out_err)?;
    }
    // Calls still running at the stop (a connect waiting for its handshake, an open of a
    // FIFO): written the same way, or counted lost when they cannot be.
    let mut at_stop = super::at_stop::calls_at_stop(&loaded.ebpf)?;
    for (kind, record) in &at_stop.records {
        match decoder.decode_at_stop(record) {
            Ok(Some(event)) => {
                scanner.note(&event);
                sink.push(event).map_err(out_err)?;
            }
            // Left out as the command's set-up, and counted there if it was not.
            Ok(None) => {}
            Err(_) => *at_stop.lost.entry(kind).or_default() += 1,
        }
    }
    sink.write_out(false).map_err(out_err)?;
    let mut lost = per_kind(&loaded.ebpf, "LOST")?;
    for (kind, n) in at_stop.lost {
        *lost.entry(kind.to_owned()).or_default() += n;
    }
    decoder.end_setup_unseen();
    for (kind, n) in &decoder.setup_lost {
        tracing::warn!(
            "{n} {kind} records of the command's process were left out as its set-up, and its exec was never read"
        );
        *lost.entry((*kind).to_owned()).or_default() += n;
    }
    let ring_skipped = skipped(&submitted, &decoder.read);
    tracing::debug!(
        "ring records submitted before the last drain: {:?}; read: {:?}",
        submitted
            .iter()
            .filter(|(_, n)| **n > 0)
            .collect::<BTreeMap<_, _>>(),
        decoder.read
    );
    tracing::debug!("ring bytes read per kind: {:?}", decoder.read_bytes);
    for (kind, n) in &ring_skipped {
        tracing::warn!("{n} {kind} records were submitted to the ring and never read");
        *lost.entry(kind.clone()).or_default() += n;
    }
    let (moves, moved_bytes) = ring.get_ref().moves();
    if moves > 0 {
        tracing::warn!(
            "someone else moved the ring buffer's consumer position {moves} time(s), past {moved_bytes} bytes of records"
        );
    }
    let mut truncated = per_kind(&loaded.ebpf, "TRUNCATED")?;
    for (kind, n) in &decoder.truncated {
        *truncated.entry((*kind).to_owned()).or_default() += n;
    }
    let events: BTreeMap<String, u64> = decoder
        .counts
        .iter()
        .map(|(k, v)| ((*k).to_owned(), *v))
        .collect();
    // Every line queued is written before the footer.
    let mut writer = sink.writer.finish().map_err(out_err)?;
    // Checked once the last line is written: only the publishing is left after.
    for what in sink.watch.at_end() {
        sink.tampered.push(None, what);
    }
    let tampered = sink.tampered.into_list();
    let footer = Footer {
        end_time: humantime::format_rfc3339_nanos(std::time::SystemTime::now()).to_string(),
        duration_ms: started_at.elapsed().as_millis() as u64,
        stop_reason,
        target_exit,
        stop_signal: stop_signal.clone(),
        stop_sender,
        tree_end,
        events,
        lost: lost.clone(),
        truncated: truncated.into_iter().filter(|(_, n)| *n > 0).collect(),
        unresolved_paths: decoder
            .unresolved
            .iter()
            .map(|(k, v)| ((*k).to_owned(), *v))
            .collect(),
        malformed: decoder.malformed,
        cut: None,
        code_scan: Some(scanner.finish(super::codescan::FINISH_WAIT)),
        fsize_limits_found: super::output::fsize_limits_found(),
        consumer_moved: moves > 0 || !ring_skipped.is_empty(),
        ring_skipped,
        tampered,
    };
    writer.footer(&footer).map_err(out_err)?;
    let mut file = writer.into_inner().map_err(out_err)?;
    file.flush().map_err(out_err)?;
    if let Err(e) = file.file_mut().finish() {
        // With a stream, the stream is the evidence (as for any write to the file).
        if opts.stream.is_none() {
            return Err(out_err(e));
        }
        tracing::warn!("the trace file failed ({e}); the stream has the whole trace");
    }
    file.end();
    Ok(RecordOutcome {
        output: opts.output.clone(),
        events: decoder.counts.values().sum(),
        lost: lost.values().sum(),
        stop_reason,
        stop_signal,
        target_exit,
        tree_end,
    })
}

/// Bench only, not a user option (`xtask bench`'s pre-filled ring): set, a command's recording
/// reads nothing from the ring until the command has exited, then drains it and reports on
/// stderr how many events it wrote in how long. A producer on this 2-core machine cannot make
/// 1M syscalls a second while the collector runs beside it; held, the collector's throughput
/// is measured alone, over a ring the producer filled (`--buffer-size` sets how much it holds).
pub const BENCH_HOLD_RING: &str = "TRACER_BENCH_HOLD_RING";

/// Waits, reading nothing, until the command has exited (its status stays for `wait_child`).
async fn hold_ring(child: &mut Option<tokio::process::Child>) {
    while let Some(c) = child.as_mut()
        && matches!(c.try_wait(), Ok(None))
    {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

/// The held ring's drain, for the bench: one line on stderr, with the recorder's CPU time
/// over the drain (all its threads), which a busy machine does not inflate as it does the
/// wall time.
fn report_held_drain(released: Instant, cpu_before: f64, decoder: &Decoder, ebpf: &aya::Ebpf) {
    let secs = released.elapsed().as_secs_f64();
    let cpu = cpu_secs() - cpu_before;
    let events: u64 = decoder.counts.values().sum();
    let lost: u64 = per_kind(ebpf, "LOST").map_or(0, |m| m.values().sum());
    eprintln!(
        "tracer: bench: held ring drained: {events} events in {secs:.3} s ({:.0} events/s), {lost} lost, {cpu:.3} s CPU ({:.0} events per CPU second)",
        events as f64 / secs.max(1e-9),
        events as f64 / cpu.max(1e-9)
    );
}

/// This process's user and system CPU time so far, all threads.
fn cpu_secs() -> f64 {
    // SAFETY: getrusage fills the struct it is given; all-zero is a valid initial value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: RUSAGE_SELF and a valid pointer.
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return 0.0;
    }
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// How often the live status line is redrawn.
const STATUS_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// `tracer: recording 12 s · 3456 events · 0 lost`, redrawn in place on stderr.
fn status_line(decoder: &Decoder, ebpf: &aya::Ebpf, started_at: Instant) {
    let events: u64 = decoder.counts.values().sum();
    let lost: u64 = per_kind(ebpf, "LOST").map_or(0, |m| m.values().sum());
    let lost = if lost == 0 {
        "0 lost".to_owned()
    } else {
        format!("{lost} LOST")
    };
    eprint!(
        "\r\x1b[Ktracer: recording {} s · {events} events · {lost}",
        started_at.elapsed().as_secs()
    );
}

/// Records read per drain: the loop gets back to its signals, deadline and exits even when the
/// kernel queues faster than this writes (a busy `--system` recording).
const DRAIN_BATCH: usize = 16_384;

/// Records after the stop that end the final drain: past the stop by this many in a row,
/// everything queued before it (the ring is in reservation order; CPUs interleave only
/// slightly) has been read.
const PAST_CUTOFF: usize = 4_096;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Drained {
    /// The ring is empty.
    Empty,
    /// A whole batch was read; there may be more.
    Batch,
    /// [`PAST_CUTOFF`] records in a row were later than the cut-off.
    PastCutoff,
}

/// Writes queued records (at most [`DRAIN_BATCH`]; with a `cutoff`, until records are well past
/// it), then flushes: what a drain read is on disk, so a killed recorder leaves a trace that
/// ends with whole events.
fn drain(
    ring: &mut Ring,
    decoder: &mut Decoder,
    sink: &mut Sink<'_>,
    scanner: &mut Scanner,
    mask: bool,
    cutoff: Option<u64>,
) -> std::io::Result<Drained> {
    let mut past = 0;
    let mut outcome = Drained::Batch;
    for _ in 0..DRAIN_BATCH {
        let Some(item) = ring.next() else {
            outcome = Drained::Empty;
            break;
        };
        match decoder.decode(item) {
            Ok(Some(mut event)) => {
                past = if cutoff.is_some_and(|c| event.ts_ns > c) {
                    past + 1
                } else {
                    0
                };
                if mask && let EventData::Exec { argv, .. } = &mut event.data {
                    mask_argv(argv);
                }
                scanner.note(&event);
                sink.push(event)?;
                if past >= PAST_CUTOFF {
                    outcome = Drained::PastCutoff;
                    break;
                }
            }
            Ok(None) => {}
            Err(err) => {
                tracing::warn!("malformed ring-buffer record ({} bytes): {err}", item.len())
            }
        }
    }
    sink.write_out(outcome == Drained::Empty)?;
    sink.writer.flush()?;
    Ok(outcome)
}

/// Lines held at most before they are written within a drain: a drain reads up to
/// [`DRAIN_BATCH`] records, and a workload of many threads that never repeat would otherwise
/// hold that many events in memory.
const HELD_MAX: usize = 4_096;

/// Where decoded events go: into lines (repeats aggregated, see [`Aggregator`]), then the
/// trace file.
struct Sink<'a> {
    writer: Background<Out>,
    lines: Aggregator,
    lost: LossWatch<'a>,
    /// What traced processes do to the trace file, seen in the lines as they are written.
    watch: Watch,
    tampered: Tampered,
}

/// Entries of the footer's `tampered` kept at most: a package that opens the trace a million
/// times is named by its first ones and counted.
const TAMPERED_MAX: usize = 64;

/// The footer's `tampered`, bounded.
#[derive(Default)]
struct Tampered {
    list: Vec<OutputTouch>,
    more: u64,
}

impl Tampered {
    fn push(&mut self, seq: Option<u64>, what: String) {
        if self.list.len() < TAMPERED_MAX {
            tracing::warn!("the trace file was tampered with: {what}");
            self.list.push(OutputTouch { seq, what });
        } else {
            self.more += 1;
        }
    }

    fn into_list(mut self) -> Vec<OutputTouch> {
        if self.more > 0 {
            self.list.push(OutputTouch {
                seq: None,
                what: format!("{} more event(s) touched the trace file", self.more),
            });
        }
        self.list
    }
}

impl Sink<'_> {
    fn push(&mut self, event: Event) -> std::io::Result<()> {
        self.lines.push(event);
        if self.lines.held() >= HELD_MAX {
            self.write_out(false)?;
        }
        Ok(())
    }

    /// Writes the held lines; a kind whose loss count changed since the ring was last read
    /// empty has its repeats written one per line (the loss may lie between them). `emptied`:
    /// this drain read the ring empty.
    fn write_out(&mut self, emptied: bool) -> std::io::Result<()> {
        let lost = self.lost.risen(self.lines.repeated_kinds(), emptied);
        let lines = self.lines.take(|kind| lost.contains(&kind));
        for ev in &lines {
            if let Some(what) = self.watch.event(ev) {
                self.tampered.push(Some(ev.seq), what);
            }
        }
        self.writer.lines(lines)
    }
}

/// The kernel's per-kind loss counts, as they were when the ring was last read empty.
///
/// The kernel counts a lost event without a place among the records. A loss counted at some
/// moment lies after every record reserved before it; those are all read once a drain has
/// read the ring empty after that moment (but for one another CPU reserved and had not yet
/// committed: a window of a BPF program's run), and not necessarily before — a drain can end
/// on its batch limit with older records still queued. So a kind's repeats may share a line
/// only when its count is what it was at the last drain that emptied the ring.
struct LossWatch<'a> {
    map: PerCpuArray<&'a MapData, u64>,
    settled: HashMap<EventKind, u64>,
}

impl LossWatch<'_> {
    /// Of `kinds`, those whose loss count changed since the ring was last read empty (0 before
    /// the first time: a loss before is one more reason to keep repeats apart, never one
    /// less). A count that cannot be read has changed. `emptied`: the ring was just read
    /// empty, so the counts read now are the new reference.
    fn risen(&mut self, kinds: BTreeSet<EventKind>, emptied: bool) -> BTreeSet<EventKind> {
        kinds
            .into_iter()
            .filter(|&kind| {
                let Ok(total) = kind_total(&self.map, kind) else {
                    return true;
                };
                let before = self.settled.get(&kind).copied().unwrap_or(0);
                if emptied {
                    self.settled.insert(kind, total);
                }
                before != total
            })
            .collect()
    }
}

/// Sums a per-CPU, per-kind counter map; every kind is listed, zeros included.
/// Per kind, the records the kernel side submitted that the collector did not read: skipped
/// by a move of the ring's consumer position (the collector reads every record up to it).
fn skipped(
    submitted: &BTreeMap<String, u64>,
    read: &BTreeMap<&'static str, u64>,
) -> BTreeMap<String, u64> {
    submitted
        .iter()
        .filter_map(|(kind, &s)| {
            let r = read.get(kind.as_str()).copied().unwrap_or(0);
            (s > r).then(|| (kind.clone(), s - r))
        })
        .collect()
}

fn per_kind(ebpf: &aya::Ebpf, name: &'static str) -> Result<BTreeMap<String, u64>, RecordError> {
    let map = counter_map(ebpf, name)?;
    let mut out = BTreeMap::new();
    for kind in EventKind::ALL {
        let total =
            kind_total(&map, *kind).map_err(|e| RecordError::Load(format!("{name}: {e}")))?;
        out.insert(kind.name().to_owned(), total);
    }
    Ok(out)
}

/// One of the kernel side's per-CPU, per-kind counter maps (`LOST`, `TRUNCATED`, …).
fn counter_map<'a>(
    ebpf: &'a aya::Ebpf,
    name: &'static str,
) -> Result<PerCpuArray<&'a MapData, u64>, RecordError> {
    PerCpuArray::try_from(ebpf.map(name).ok_or(RecordError::MissingMap(name))?)
        .map_err(|e| RecordError::Load(e.to_string()))
}

/// A kind's count in such a map, summed over the CPUs.
fn kind_total(
    map: &PerCpuArray<&MapData, u64>,
    kind: EventKind,
) -> Result<u64, aya::maps::MapError> {
    map.get(&kind.index(), 0).map(|values| values.iter().sum())
}

/// The terminating signals a process can catch: each ends the recording with its footer.
/// (SIGPIPE is ignored by the Rust runtime: a closed stderr is an error, not a stop.)
const STOP_SIGNALS: &[(i32, &str)] = &[
    (libc::SIGINT, "SIGINT"),
    (libc::SIGTERM, "SIGTERM"),
    (libc::SIGHUP, "SIGHUP"),
    (libc::SIGQUIT, "SIGQUIT"),
    (libc::SIGUSR1, "SIGUSR1"),
    (libc::SIGUSR2, "SIGUSR2"),
    (libc::SIGALRM, "SIGALRM"),
    (libc::SIGVTALRM, "SIGVTALRM"),
    (libc::SIGPROF, "SIGPROF"),
    (libc::SIGXCPU, "SIGXCPU"),
    (libc::SIGPWR, "SIGPWR"),
    (libc::SIGSTKFLT, "SIGSTKFLT"),
];

/// The name of the first of `signals` to arrive.
async fn any_signal(signals: &mut [(&'static str, Signal)]) -> &'static str {
    std::future::poll_fn(|cx| {
        for (name, s) in signals.iter_mut() {
            if s.poll_recv(cx).is_ready() {
                return std::task::Poll::Ready(*name);
            }
        }
        std::task::Poll::Pending
    })
    .await
}

/// Ends a command's tree that outlived the recording: SIGTERM to every process, SIGKILL to
/// those still there after [`KILL_GRACE`]; events keep being drained meanwhile, so the tree's
/// shutdown is in the trace. With `leave_running`, only counts what is left.
async fn end_tree(
    ebpf: &aya::Ebpf,
    leave_running: bool,
    drain: &mut impl FnMut() -> std::io::Result<()>,
) -> std::io::Result<TreeEnd> {
    let processes = |ebpf| {
        target::live_tree(ebpf)
            .into_iter()
            .map(|(_, tgid)| tgid)
            .collect::<std::collections::BTreeSet<u32>>()
    };
    let left = processes(ebpf);
    let mut end = TreeEnd {
        terminated: 0,
        killed: 0,
        left_running: 0,
    };
    if leave_running {
        end.left_running = left.len() as u64;
        return Ok(end);
    }
    let signal_all = |set: &std::collections::BTreeSet<u32>, sig| {
        for &p in set {
            // SAFETY: kill takes a pid and a signal number; a pid gone meanwhile is ESRCH.
            unsafe { libc::kill(p as libc::pid_t, sig) };
        }
    };
    signal_all(&left, libc::SIGTERM);
    end.terminated = left.len() as u64;
    let deadline = tokio::time::Instant::now() + KILL_GRACE;
    loop {
        drain()?;
        let now = processes(ebpf);
        if now.is_empty() {
            return Ok(end);
        }
        if tokio::time::Instant::now() >= deadline {
            signal_all(&now, libc::SIGKILL);
            end.killed = now.len() as u64;
            break;
        }
        tokio::time::sleep(DRAIN_INTERVAL).await;
    }
    // SIGKILL cannot be refused: wait (briefly) for the exits to be recorded.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(2);
    while !processes(ebpf).is_empty() && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(DRAIN_INTERVAL).await;
    }
    drain()?;
    Ok(end)
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
    opts: &RecordOptions,
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
            argv_bytes: opts.argv_bytes.min(process::ARGV_MAX as u32),
            arg_bytes: process::ARG_CHUNK as u32 - 1,
            max_args: opts.max_args,
            addr_bytes: ADDR_CAP as u32,
        },
        buffer_bytes: opts.buffer_bytes as u64,
        masked: Vec::new(),
        existing: Vec::new(),
        existing_left_out: 0,
        inherited: Vec::new(),
        inherited_left_out: 0,
        recorder: Some(Recorder {
            pid: std::process::id(),
            output: std::path::absolute(&opts.output)
                .unwrap_or_else(|_| opts.output.clone())
                .to_string_lossy()
                .into_owned(),
        }),
        core_pattern: std::fs::read_to_string("/proc/sys/kernel/core_pattern")
            .ok()
            .map(|p| p.trim_end_matches('\n').to_owned()),
        pipe_max_size: crate::events::pipe_max_size(),
        cgroup_bpf: None,
    }
}

fn register_err<T>(e: tokio::io::unix::AsyncFdRegisterError<T>) -> RecordError {
    RecordError::Ring(std::io::Error::other(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only a kind read less often than it was submitted counts, by the difference; a kind read
    /// more often (submitted after the count was taken) counts nothing.
    #[test]
    fn skipped_records_are_the_submitted_ones_never_read() {
        let submitted: BTreeMap<String, u64> = [("open", 10), ("exec", 2), ("exit", 0)]
            .into_iter()
            .map(|(k, n)| (k.to_owned(), n))
            .collect();
        let read: BTreeMap<&'static str, u64> = [("open", 7), ("exec", 3)].into_iter().collect();
        let s = skipped(&submitted, &read);
        assert_eq!(
            s.into_iter().collect::<Vec<_>>(),
            vec![("open".to_owned(), 3)]
        );
    }
}
