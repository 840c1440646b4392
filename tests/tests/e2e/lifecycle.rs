//! The recorder's own lifecycle, for real (root, the real binary): the output file is never
//! clobbered, shared or left world-readable; `--duration` is bounded; a daemonizing command is
//! followed to its last process; a stopped recording ends the tree it started (or leaves it
//! running when asked); every catchable signal writes the footer; a SIGKILLed recorder leaves
//! readable lines; secrets can be masked; a storm of identical events is a few lines that
//! count every one of them; recordings back to back or overlapping each keep their own events.

use std::{
    os::unix::fs::PermissionsExt as _,
    path::Path,
    process::{Command, Output, Stdio},
    time::{Duration, Instant},
};

use tracer::trace::{EventData, StopReason, read_trace};

use crate::common::*;

fn tracer(args: &[&str]) -> Output {
    Command::new(tracer_bin())
        .args(args)
        .output()
        .expect("run tracer")
}

fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
        !s.rsplit_once(')')
            .is_some_and(|(_, r)| r.trim_start().starts_with('Z'))
    })
}

/// The pids of the processes that exec'd `program` in a trace.
fn exec_pids(t: &tracer::trace::Trace, program: &str) -> Vec<u32> {
    t.events
        .iter()
        .filter(|e| e.result.as_ref().is_none_or(|r| r.ok()))
        .filter(
            |e| matches!(&e.data, EventData::Exec { path, .. } if path.best().ends_with(program)),
        )
        .map(|e| e.pid)
        .collect()
}

#[test]
fn the_output_is_never_clobbered_shared_or_world_readable() {
    require_root();
    let dir = TempDir::new("output");
    let out = dir.join("t.jsonl");
    let o = out.to_str().unwrap();
    std::fs::write(&out, "an earlier trace\n").unwrap();
    assert_one_line_error(
        &tracer(&["record", "-o", o, "--", "true"]),
        "exists; give another -o, or --force",
    );
    assert_one_line_error(
        &tracer(&["record", "-o", o, "--force", "--pid", "999999999"]),
        "no process 999999999",
    );
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "an earlier trace\n",
        "untouched"
    );
    assert!(
        !dir.join("t.jsonl.partial").exists(),
        "no partial file left"
    );

    // --force replaces it, complete, private.
    let r = tracer(&["record", "-o", o, "--force", "--", "true"]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    assert!(read_trace(&out).unwrap().footer.is_some());
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "traces hold command lines: 0600, not {mode:o}");

    // A second recorder on the same output while the first runs: refused.
    let fresh = dir.join("shared.jsonl");
    let f = fresh.to_str().unwrap();
    let first = start_recording_to(&fresh, &["--", "sleep", "300"]);
    assert_one_line_error(
        &tracer(&["record", "-o", f, "--", "true"]),
        "another tracer is recording",
    );
    let rec = first.stop();
    assert_eq!(rec.trace.footer.unwrap().stop_reason, StopReason::Signal);
}

/// An output named `.zst` is a zstd stream that reads back as the same trace a plain output
/// holds: every event, the footer, its counts.
#[test]
fn a_zst_output_is_compressed_and_reads_back_whole() {
    require_root();
    let dir = TempDir::new("zst");
    let work = dir.join("work");
    std::fs::create_dir(&work).unwrap();
    let script = format!(
        "for i in $(seq 1 200); do : > {w}/f$i; cat {w}/f$i; done",
        w = work.display()
    );
    let out = dir.join("t.jsonl.zst");
    let r = tracer(&[
        "record",
        "-o",
        out.to_str().unwrap(),
        "--",
        "sh",
        "-c",
        &script,
    ]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(&bytes[..4], &[0x28, 0xb5, 0x2f, 0xfd], "zstd magic");
    let t = read_trace(&out).unwrap();
    let footer = t.footer.as_ref().expect("footer");
    assert_eq!(
        footer.events.values().sum::<u64>(),
        t.events.iter().map(|e| e.occurrences()).sum::<u64>(),
        "every event line is there"
    );
    let f199 = work.join("f199");
    let opened = t.events.iter().filter(|e| {
        matches!(&e.data, EventData::Open { path, .. } if path.best() == f199.to_str().unwrap())
    });
    assert!(opened.count() >= 2, "f199 created and read");
    // JSON lines compress well: far smaller than the plain lines they decode to.
    let plain = zstd::stream::decode_all(&bytes[..]).unwrap();
    assert!(
        bytes.len() * 4 < plain.len(),
        "{} compressed bytes for {} plain",
        bytes.len(),
        plain.len()
    );
}

/// Like `start_recording`, to a given path (returns once the header is in the partial file).
fn start_recording_to(path: &Path, args: &[&str]) -> RunningAt {
    require_root();
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let child = Command::new(tracer_bin())
        .arg("record")
        .arg("-o")
        .arg(path)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tracer");
    let mut running = RunningAt {
        child: Some(child),
        path: path.to_owned(),
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while !std::fs::read_to_string(&partial).is_ok_and(|t| t.contains('\n')) {
        if let Ok(Some(status)) = running.child.as_mut().unwrap().try_wait() {
            panic!("tracer exited before recording: {status}");
        }
        assert!(
            Instant::now() < deadline,
            "tracer did not start recording within 60 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    running
}

struct RunningAt {
    child: Option<std::process::Child>,
    path: std::path::PathBuf,
}

struct Stopped {
    trace: tracer::trace::Trace,
    stderr: String,
}

impl RunningAt {
    fn signal(&self, sig: i32) {
        // SAFETY: signalling our own child.
        unsafe { libc::kill(self.child.as_ref().unwrap().id() as i32, sig) };
    }

    fn wait(mut self) -> Stopped {
        let out = self.child.take().unwrap().wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "tracer: {stderr}");
        let trace = read_trace(&self.path).unwrap_or_else(|e| panic!("{e}"));
        Stopped { trace, stderr }
    }

    fn stop(self) -> Stopped {
        self.signal(libc::SIGINT);
        self.wait()
    }
}

impl Drop for RunningAt {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

#[test]
fn bad_durations_are_one_line_errors_before_any_probe() {
    require_root();
    let dir = TempDir::new("duration");
    let o = dir.join("t.jsonl");
    for d in [
        "0",
        "0s",
        "18446744073709551615",
        "1e19",
        "inf",
        "NaN",
        "8d",
    ] {
        let started = Instant::now();
        let out = tracer(&[
            "record",
            "-o",
            o.to_str().unwrap(),
            "--duration",
            d,
            "--",
            "true",
        ]);
        assert_one_line_error(&out, &format!("--duration {d}: "));
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{d}: refused before loading probes"
        );
        assert!(!o.exists(), "{d}: no trace written");
    }
}

#[test]
fn a_daemonizing_command_is_followed_to_its_last_process() {
    let work = TempDir::new("daemonize-work");
    let marker = work.join("marker");
    // The command double-forks a daemon into its own session and exits 3 at once; the daemon
    // writes its marker 2 s later, long after the command is gone.
    let script = format!(
        "(setsid sh -c 'sleep 2; echo up > {}' &); exit 3",
        marker.display()
    );
    let rec = record("daemonize", &["--", "sh", "-c", &script]);
    let footer = rec.trace.footer.as_ref().unwrap();
    assert_eq!(footer.stop_reason, StopReason::TargetExited);
    assert_eq!(footer.target_exit.and_then(|e| e.code), Some(3));
    let stderr = String::from_utf8_lossy(&rec.output.stderr);
    assert!(stderr.contains("tracer: sh exited with 3"), "{stderr}");
    let open = find(
        &rec.trace,
        "the daemon's write of its marker",
        |e| matches!(&e.data, EventData::Open { path, .. } if path_is(path, marker.to_str().unwrap())),
    );
    // The orphan stays in the tree: its fork chain leads back to the command.
    let command_pid = match rec.trace.header.target {
        tracer::trace::Target::Command { pid, .. } => pid,
        ref t => panic!("{t:?}"),
    };
    let mut parent_of = std::collections::HashMap::new();
    for e in &rec.trace.events {
        if let EventData::Fork {
            child_pid,
            thread: false,
            ..
        } = e.data
        {
            parent_of.insert(child_pid, e.pid);
        }
    }
    let mut p = open.pid;
    let mut chain = vec![p];
    while let Some(&up) = parent_of.get(&p) {
        p = up;
        chain.push(p);
    }
    assert_eq!(p, command_pid, "fork chain {chain:?} ends at the command");
    assert_eq!(std::fs::read_to_string(&marker).unwrap(), "up\n");
}

#[test]
fn a_stopped_recording_ends_the_tree_unless_asked_not_to() {
    // The tree ignores SIGTERM: it takes SIGKILL after the grace period.
    let rec = record(
        "stoptree",
        &[
            "--duration",
            "1",
            "--",
            "sh",
            "-c",
            "trap '' TERM; sleep 300",
        ],
    );
    let footer = rec.trace.footer.as_ref().unwrap();
    assert_eq!(footer.stop_reason, StopReason::Duration);
    let end = footer.tree_end.expect("tree_end after --duration");
    assert!(end.terminated >= 2 && end.killed >= 2, "{end:?}");
    for pid in exec_pids(&rec.trace, "sleep") {
        assert!(!alive(pid), "sleep {pid} left running");
    }
    let stderr = String::from_utf8_lossy(&rec.output.stderr);
    assert!(stderr.contains("stopped: --duration ran out"), "{stderr}");

    // The tree lets go of the recorder's stdout and stderr: what is left running must not
    // hold the test's pipes open.
    let rec = record(
        "leave",
        &[
            "--duration",
            "1",
            "--leave-running",
            "--",
            "sh",
            "-c",
            "exec >/dev/null 2>&1; sleep 300",
        ],
    );
    let footer = rec.trace.footer.as_ref().unwrap();
    assert_eq!(
        footer.tree_end.map(|e| e.left_running),
        Some(2),
        "{footer:?}"
    );
    let pids = exec_pids(&rec.trace, "sleep");
    assert_eq!(pids.len(), 1);
    assert!(alive(pids[0]), "--leave-running kept it");
    // SAFETY: the test's own leftover sleep.
    unsafe { libc::kill(pids[0] as i32, libc::SIGKILL) };
}

#[test]
fn every_catchable_signal_writes_the_footer() {
    for (sig, name) in [
        (libc::SIGHUP, "SIGHUP"),
        (libc::SIGQUIT, "SIGQUIT"),
        (libc::SIGTERM, "SIGTERM"),
        (libc::SIGUSR1, "SIGUSR1"),
    ] {
        let dir = TempDir::new("signal");
        let out = dir.join("t.jsonl");
        let running = start_recording_to(&out, &["--", "sleep", "300"]);
        running.signal(sig);
        let stopped = running.wait();
        let footer = stopped
            .trace
            .footer
            .unwrap_or_else(|| panic!("{name}: no footer"));
        assert_eq!(footer.stop_reason, StopReason::Signal, "{name}");
        assert_eq!(footer.stop_signal.as_deref(), Some(name));
        assert!(
            stopped
                .stderr
                .contains(&format!("stopped: {name} received")),
            "{}",
            stopped.stderr
        );
        assert!(
            footer.tree_end.is_some_and(|e| e.terminated == 1),
            "{name}: {footer:?}"
        );
    }
}

#[test]
fn a_sigkilled_recorder_leaves_readable_lines() {
    let dir = TempDir::new("sigkill");
    let out = dir.join("t.jsonl");
    let running = start_recording_to(
        &out,
        &[
            "--",
            "sh",
            "-c",
            "while :; do cat /dev/null; sleep 0.05; done",
        ],
    );
    std::thread::sleep(Duration::from_millis(800));
    running.signal(libc::SIGKILL);
    let mut running = running;
    let _ = running.child.take().unwrap().wait();
    assert!(!out.exists(), "the output appears only complete");
    let partial = dir.join("t.jsonl.partial");
    let t = read_trace(&partial).unwrap_or_else(|e| panic!("{e}"));
    assert!(t.footer.is_none() && t.integrity.no_footer);
    assert!(!t.events.is_empty(), "events before the kill are readable");
    // The reader says so, and a new recording to the same output refuses the leftovers.
    let s = tracer(&["summarize", partial.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&s.stderr).contains("the trace has no footer"));
    assert_one_line_error(
        &tracer(&["record", "-o", out.to_str().unwrap(), "--", "true"]),
        "holds the lines of a recording that did not finish",
    );
    // The direct child got SIGTERM with the recorder (PR_SET_PDEATHSIG).
    let sh = exec_pids(&t, "sh");
    std::thread::sleep(Duration::from_millis(300));
    for pid in sh {
        assert!(!alive(pid), "sh {pid} outlived the SIGKILLed recorder");
    }
}

#[test]
fn secrets_are_masked_when_asked_and_the_header_says_so() {
    let argv = ["--", "/bin/true", "--password=hunter2", "--token", "abc123"];
    let plain = record("nomask", &argv);
    let text = std::fs::read_to_string(plain.dir.join("trace.jsonl")).unwrap();
    assert!(text.contains("hunter2") && plain.trace.header.masked.is_empty());

    let masked = record("mask", &[&["--mask-secrets"][..], &argv].concat());
    let text = std::fs::read_to_string(masked.dir.join("trace.jsonl")).unwrap();
    assert!(
        !text.contains("hunter2") && !text.contains("abc123"),
        "{text}"
    );
    assert_eq!(masked.trace.header.masked, ["exec.argv", "target.argv"]);
    let e = find(&masked.trace, "exec of true", |e| {
        exec_argv(e).is_some_and(|a| a.first().is_some_and(|p| p.ends_with("true")))
    });
    assert_eq!(
        exec_argv(e).unwrap()[1..],
        ["--password=****", "--token", "****"]
    );
}

/// A live target's processes ran before the recording: the header keeps what /proc showed of
/// them at start (user, listening sockets, how long they had run), because what they did
/// before is not in the trace.
#[test]
fn processes_running_before_a_pid_recording_are_in_the_header() {
    use std::io::BufRead as _;
    require_root();
    let mut listener = std::process::Command::new("/usr/bin/python3")
        .args([
            "-c",
            "import socket,time\ns=socket.socket()\ns.bind(('127.0.0.1',0))\ns.listen()\nprint(s.getsockname()[1],flush=True)\ntime.sleep(120)",
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("start python3");
    let mut port = String::new();
    std::io::BufReader::new(listener.stdout.take().unwrap())
        .read_line(&mut port)
        .unwrap();
    let pid = listener.id();
    let rec = record(
        "existing",
        &[
            "-p",
            &pid.to_string(),
            "--duration",
            "1s",
            "--leave-running",
        ],
    );
    let _ = listener.kill();
    let _ = listener.wait();
    let existing = &rec.trace.header.existing;
    let me = existing
        .iter()
        .find(|p| p.pid == pid)
        .unwrap_or_else(|| panic!("pid {pid} not in existing: {existing:?}"));
    assert_eq!(
        me.listening,
        [format!("tcp 127.0.0.1:{}", port.trim())],
        "{me:?}"
    );
    assert_eq!((me.uid, me.euid), (0, 0));
    assert!(
        me.exe
            .as_deref()
            .is_some_and(|e| e.starts_with("/usr/bin/python3")),
        "{me:?}"
    );
    assert!(
        me.argv.first().is_some_and(|a| a.ends_with("python3")),
        "{me:?}"
    );
    assert!(me.running_secs.is_some_and(|s| s > 0.0), "{me:?}");
}

/// On a terminal `record` keeps a live status line (events, lost, elapsed), cleared before
/// its closing line; in a pipe or a log (every other test here) there is none.
#[test]
fn a_terminal_gets_a_live_status_line_and_a_pipe_no_status_and_no_colour() {
    require_root();
    let dir = TempDir::new("status");
    let trace = dir.join("t.jsonl");
    let typescript = dir.join("typescript");
    let cmd = format!(
        "{} record -o {} -- sleep 2.5",
        tracer_bin().display(),
        trace.display()
    );
    let out = std::process::Command::new("script")
        .args(["-qec", &cmd])
        .arg(&typescript)
        .output()
        .expect("run script(1)");
    assert!(out.status.success(), "{out:?}");
    let seen = std::fs::read_to_string(&typescript).unwrap();
    // Which second the first status line shows depends on how long the start took (over 2 s
    // on a loaded 2-core machine); its shape does not.
    let status_line = seen
        .split("\r\x1b[Ktracer: recording ")
        .skip(1)
        .any(|rest| {
            let digits = rest.chars().take_while(char::is_ascii_digit).count();
            digits > 0 && rest[digits..].starts_with(" s · ")
        });
    assert!(status_line, "{seen:?}");
    assert!(seen.contains(" events · 0 lost"), "{seen:?}");
    assert!(
        seen.contains("\r\x1b[Ktracer: sleep exited with 0"),
        "{seen:?}"
    );
    // Piped, with debug logging: neither the status line nor colour escapes.
    let piped = tracer(&[
        "-vv",
        "record",
        "-o",
        dir.join("p.jsonl").to_str().unwrap(),
        "--",
        "true",
    ]);
    let stderr = String::from_utf8_lossy(&piped.stderr);
    assert!(stderr.contains("DEBUG"), "{stderr}");
    assert!(!stderr.contains("tracer: recording "), "{stderr}");
    assert!(!stderr.contains('\x1b'), "{stderr}");
}

/// Opens the `actor storm` makes of its file (its `STORM_OPENS`).
const STORM_OPENS: u64 = 10_000;

/// The storm's read opens of DIR/storm: (lines, events).
fn storm_opens(t: &tracer::trace::Trace, dir: &str) -> (Vec<tracer::trace::Event>, u64) {
    let storm = format!("{dir}/storm");
    let lines: Vec<_> = t
        .events
        .iter()
        .filter(|e| {
            matches!(&e.data, EventData::Open { path, access, .. }
                if path.best() == storm && access == "read")
        })
        .cloned()
        .collect();
    let events = lines.iter().map(|e| e.occurrences()).sum();
    (lines, events)
}

#[test]
fn a_storm_of_identical_opens_is_a_few_lines_that_count_every_open() {
    let work = TempDir::new("storm-work");
    let dir = work.path().display().to_string();
    let rec = record("storm", &["--", actor_bin(), "storm", &dir]);
    let t = &rec.trace;
    let footer = t.footer.as_ref().expect("footer");
    assert_eq!(footer.total_lost(), 0, "events lost: {:?}", footer.lost);
    // The reader's footer check counts a line as its events, and seq numbers the lines.
    assert!(t.integrity.is_intact(), "{:?}", t.integrity.warnings());
    let (lines, opens) = storm_opens(t, &dir);
    assert_eq!(opens, STORM_OPENS, "every open counted once: {lines:?}");
    assert!(
        lines.len() as u64 * 100 <= STORM_OPENS,
        "{} lines for {STORM_OPENS} identical opens",
        lines.len()
    );
    // Each line is a run of one thread's opens, in time order, the first's time its own.
    let mut previous_last = 0;
    for l in &lines {
        assert!(l.ts_ns >= previous_last, "runs in order: {l:?}");
        if let Some(r) = &l.repeat {
            assert!(r.count >= 2 && r.last_ts_ns > l.ts_ns, "{r:?}");
            // RFC 3339 UTC with nanoseconds: later sorts after.
            assert!(r.last_time > l.time, "{r:?}");
        }
        previous_last = l.last_ts_ns();
    }
    // The open after the storm is a line of its own.
    let after = format!("{dir}/after-storm");
    find(t, "the open after the storm", |e| {
        matches!(&e.data, EventData::Open { path, .. } if path.best() == after)
            && e.repeat.is_none()
    });
    // The footer and the summary count events, not lines.
    assert!(
        footer.events["open"] >= STORM_OPENS + 2,
        "{:?}",
        footer.events
    );
    let summary = tracer::summary::summarize(t);
    assert_eq!(
        summary.recording.events,
        footer.events.values().sum::<u64>()
    );

    // `--no-aggregate`: the same storm is a line per open.
    let work = TempDir::new("storm-work");
    let dir = work.path().display().to_string();
    let rec = record(
        "storm",
        &["--no-aggregate", "--", actor_bin(), "storm", &dir],
    );
    let t = &rec.trace;
    assert!(t.integrity.is_intact(), "{:?}", t.integrity.warnings());
    assert!(t.events.iter().all(|e| e.repeat.is_none()));
    let (lines, opens) = storm_opens(t, &dir);
    assert_eq!((lines.len() as u64, opens), (STORM_OPENS, STORM_OPENS));
}

/// Live processes named `tracer-detach` (`tracer_common::DETACHER_COMM`): recordings' hooks
/// still being detached in the background.
fn detacher_pids() -> Vec<u32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|c| c.trim_end() == "tracer-detach")
                && alive(pid)
        })
        .collect()
}

/// Every process that made an event in a trace.
fn trace_pids(t: &tracer::trace::Trace) -> std::collections::BTreeSet<u32> {
    t.events.iter().map(|e| e.pid).collect()
}

/// A recording holds the open that created `own` and no event that names `other`, and shares
/// no process with `other_trace`: the other recording's programs (still attached, or being
/// detached) never write into this one's ring.
/// Each of two recordings (name, trace, its marker) holds its own events and none of the
/// other's.
fn assert_apart(a: (&str, &tracer::trace::Trace, &Path), b: (&str, &tracer::trace::Trace, &Path)) {
    assert_only_own_events(a.0, a.1, a.2, b.2, b.1);
    assert_only_own_events(b.0, b.1, b.2, a.2, a.1);
}

fn assert_only_own_events(
    what: &str,
    t: &tracer::trace::Trace,
    own: &Path,
    other: &Path,
    other_trace: &tracer::trace::Trace,
) {
    let footer = t
        .footer
        .as_ref()
        .expect("a finished recording has a footer");
    assert_eq!(
        footer.total_lost(),
        0,
        "{what}: events lost: {:?}",
        footer.lost
    );
    let own = own.to_str().unwrap();
    find(
        t,
        &format!("{what}: the creation of {own}"),
        |e| matches!(&e.data, EventData::Open { path, .. } if path_is(path, own)),
    );
    let other = other.to_str().unwrap();
    for e in &t.events {
        let line = serde_json::to_string(e).unwrap();
        assert!(
            !line.contains(other),
            "{what} holds the other's event: {line}"
        );
    }
    let shared: Vec<u32> = trace_pids(t)
        .intersection(&trace_pids(other_trace))
        .copied()
        .collect();
    assert!(
        shared.is_empty(),
        "{what} shares processes {shared:?} with the other trace"
    );
}

#[test]
fn back_to_back_and_overlapping_recordings_each_keep_their_own_events() {
    require_root();
    let work = TempDir::new("b2b-work");
    let touch = |name: &str| format!("touch {}", work.join(name).display());

    // Back to back: the second starts the moment the first has returned, while the first's
    // hooks are still being detached in the background (seconds: one grace period per perf
    // close), and does not wait for that.
    let first = record("b2b-first", &["--", "sh", "-c", &touch("first")]);
    let detaching = detacher_pids();
    assert!(
        !detaching.is_empty(),
        "the first recording left its hooks to no background detacher"
    );
    let started = Instant::now();
    let second = record("b2b-second", &["--", "sh", "-c", &touch("second")]);
    let took = started.elapsed();
    assert!(
        detaching.iter().any(|&pid| alive(pid)),
        "every detacher alive when the second recording started was gone when it ended \
         ({took:?}): it cannot be told whether the second waited for them"
    );
    assert_apart(
        ("the first recording", &first.trace, &work.join("first")),
        ("the second recording", &second.trace, &work.join("second")),
    );

    // Overlapping: a third starts recording and waits for `go`; a fourth starts, records and
    // ends meanwhile; then the third goes on and ends.
    let go = work.join("go");
    let wait_then_touch = format!(
        "while [ ! -e {} ]; do sleep 0.05; done; {}",
        go.display(),
        touch("third")
    );
    let third = start_recording("b2b-third", &["--", "sh", "-c", &wait_then_touch]);
    let fourth = record("b2b-fourth", &["--", "sh", "-c", &touch("fourth")]);
    std::fs::write(&go, "").unwrap();
    let third = third.wait_exit();
    assert_apart(
        (
            "the overlapped recording",
            &third.trace,
            &work.join("third"),
        ),
        (
            "the overlapping recording",
            &fourth.trace,
            &work.join("fourth"),
        ),
    );
}

/// The detachers of this test's tracer binary that were not in `before`: at least one (the
/// recording that just returned left its hooks to one). Other binaries' detachers (another
/// worktree's test run) are not this test's.
fn new_detachers(before: &[u32]) -> Vec<u32> {
    let bin = std::fs::canonicalize(tracer_bin()).expect("the tracer binary");
    let mine: Vec<u32> = detacher_pids()
        .into_iter()
        .filter(|p| !before.contains(p))
        .filter(|p| std::fs::read_link(format!("/proc/{p}/exe")).is_ok_and(|e| e == bin))
        .collect();
    assert!(
        !mine.is_empty(),
        "the recording left no background detacher"
    );
    mine
}

/// Waits up to `limit` for every pid in `pids` to be gone; the ones still alive.
fn still_alive_after(pids: &[u32], limit: std::time::Duration) -> Vec<u32> {
    let started = Instant::now();
    loop {
        let alive: Vec<u32> = pids.iter().copied().filter(|&p| alive(p)).collect();
        if alive.is_empty() || started.elapsed() > limit {
            return alive;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

/// A detacher takes turns with recorders that are attaching (the attach lock), but it does
/// not wait for a turn forever: recorders started back to back (a parallel test run) once held
/// the shared lock for minutes, and 136 detachers kept their hooks attached all that time.
/// With the lock held shared throughout, the detacher still finishes; and it dies of a plain
/// SIGTERM (the recorder blocks SIGTERM for itself, and the detacher once inherited that).
#[test]
fn a_detacher_does_not_wait_forever_for_its_turn_and_dies_of_sigterm() {
    use std::os::fd::AsRawFd;
    require_root();
    let lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(tracer::record::handoff::ATTACH_LOCK)
        .expect("open the attach lock");
    // A recorder's turn held for the whole test. The recording below takes it shared too.
    // SAFETY: flock on a descriptor this test owns.
    assert_eq!(unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_SH) }, 0);
    let before = detacher_pids();
    let _ = record("turns-1", &["--", "/bin/true"]);
    let mine = new_detachers(&before);
    // Liveness, not speed: 1 s without a turn, then its closes (seconds).
    let left = still_alive_after(&mine, std::time::Duration::from_secs(180));
    assert!(
        left.is_empty(),
        "detachers {left:?} still hold their hooks 180 s after the recording ended, waiting for a turn"
    );

    // Still holding the lock: the next detacher waits its second for a turn, alive to be
    // signalled.
    let before = detacher_pids();
    let _ = record("turns-2", &["--", "/bin/true"]);
    let mine = new_detachers(&before);
    drop(lock);
    for &pid in &mine {
        // SAFETY: a signal to a process this test's recording made.
        unsafe { libc::kill(pid as i32, libc::SIGTERM) };
    }
    let left = still_alive_after(&mine, std::time::Duration::from_secs(180));
    assert!(left.is_empty(), "detachers {left:?} survived SIGTERM");
}
