//! Running the tracer and reading what it wrote.

use std::{
    os::{fd::RawFd, unix::process::CommandExt},
    path::{Path, PathBuf},
    process::{Command, Output},
    sync::atomic::{AtomicU32, Ordering},
};

use tracer::trace::{Event, EventData, Trace, read_trace};

pub fn tracer_bin() -> PathBuf {
    let path = std::env::var_os("TRACER_BIN").map(PathBuf::from).unwrap_or_else(|| {
        panic!("TRACER_BIN is not set: run the tests with `cargo xtask test` (it builds the tracer and sets it)")
    });
    assert!(
        path.is_file(),
        "TRACER_BIN={} does not exist: build it with `cargo build -p tracer`",
        path.display()
    );
    path
}

pub fn actor_bin() -> &'static str {
    env!("CARGO_BIN_EXE_actor")
}

pub fn require_root() {
    // SAFETY: geteuid has no preconditions.
    let euid = unsafe { libc::geteuid() };
    assert_eq!(
        euid, 0,
        "these tests load eBPF programs and must run as root (sudo -E cargo xtask test)"
    );
}

/// A directory removed on drop; unique per test.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        static N: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "tracer-e2e-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        Self(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub struct Recorded {
    pub trace: Trace,
    pub output: Output,
    pub dir: TempDir,
}

/// `tracer record -o DIR/trace.jsonl ARGS…`; panics with the tracer's stderr if it fails.
pub fn record(tag: &str, args: &[&str]) -> Recorded {
    record_env(tag, args, &[])
}

/// [`record`] with these environment variables set for the recorder.
pub fn record_env(tag: &str, args: &[&str], env: &[(&str, &str)]) -> Recorded {
    record_with(tag, args, env, &[])
}

/// [`record`] with descriptors the recorder's caller leaves open: each `(fd, as)` is dup2'ed
/// to `as` (without close-on-exec) in the recorder's process, so the recorded command
/// inherits it, as a daemon inherits what systemd or its parent passes.
pub fn record_passing_fds(tag: &str, args: &[&str], fds: &[(RawFd, RawFd)]) -> Recorded {
    record_with(tag, args, &[], fds)
}

fn record_with(tag: &str, args: &[&str], env: &[(&str, &str)], fds: &[(RawFd, RawFd)]) -> Recorded {
    require_root();
    let dir = TempDir::new(tag);
    let trace_path = dir.join("trace.jsonl");
    let mut cmd = Command::new(tracer_bin());
    cmd.arg("record")
        .arg("-o")
        .arg(&trace_path)
        .args(args)
        .envs(env.iter().copied());
    if !fds.is_empty() {
        let fds = fds.to_vec();
        // SAFETY: only dup2 and fcntl (async-signal-safe) between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                for &(fd, to) in &fds {
                    // dup2 of an fd onto its own number does nothing, so its close-on-exec
                    // flag (Rust sets it on every socket) would close it at exec: a test
                    // whose socket happened to get the number it passes it as (fd 9 with
                    // other tests' fds open) saw the child write to nothing.
                    let ok = if fd == to {
                        libc::fcntl(fd, libc::F_SETFD, 0) >= 0
                    } else {
                        libc::dup2(fd, to) >= 0
                    };
                    if !ok {
                        return Err(std::io::Error::last_os_error());
                    }
                }
                Ok(())
            });
        }
    }
    let output = cmd.output().expect("run tracer");
    assert!(
        output.status.success(),
        "tracer record failed ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let trace = read_trace(&trace_path).unwrap_or_else(|e| panic!("{e}"));
    assert_lines_match_the_schema(&trace_path);
    Recorded { trace, output, dir }
}

/// Every line of a fresh recording validates against the published trace schema
/// (docs/schemas/trace.schema.json, generated from the types): the schema describes what the
/// recorder really writes, for every kind the e2e tests make real processes do.
pub fn assert_lines_match_the_schema(trace_path: &Path) {
    static VALIDATOR: std::sync::OnceLock<jsonschema::Validator> = std::sync::OnceLock::new();
    let validator = VALIDATOR.get_or_init(|| {
        let schema = serde_json::to_value(tracer::schema::schema(tracer::schema::Format::Trace))
            .expect("schema as JSON");
        jsonschema::validator_for(&schema).expect("a valid JSON Schema")
    });
    let text = std::fs::read_to_string(trace_path).expect("read the trace");
    for (i, line) in text.lines().enumerate() {
        let value: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        if let Some(e) = validator.iter_errors(&value).next() {
            panic!(
                "{} line {}: {e} at {}: {line}",
                trace_path.display(),
                i + 1,
                e.instance_path
            );
        }
    }
}

/// Records `actor FAMILY DIR` where DIR is a fresh directory inside the recording's temp dir.
pub fn record_actor(family: &str) -> (Recorded, String, TempDir) {
    let work = TempDir::new(&format!("{family}-work"));
    let work_path = work.path().display().to_string();
    let rec = record(family, &["--", actor_bin(), family, &work_path]);
    let footer = rec
        .trace
        .footer
        .as_ref()
        .expect("a finished recording has a footer");
    assert_eq!(footer.total_lost(), 0, "events lost: {:?}", footer.lost);
    assert_eq!(footer.malformed, 0);
    (rec, work_path, work)
}

/// How many events match `pred`: events, not lines (a line with `repeat` is that many).
pub fn count_events(events: &[Event], pred: impl Fn(&Event) -> bool) -> u64 {
    events
        .iter()
        .filter(|e| pred(e))
        .map(|e| e.occurrences())
        .sum()
}

/// The single event matching `pred`, with a readable failure listing what was there.
pub fn find<'a>(trace: &'a Trace, what: &str, pred: impl Fn(&Event) -> bool) -> &'a Event {
    trace.events.iter().find(|e| pred(e)).unwrap_or_else(|| {
        let kinds: Vec<String> = trace
            .events
            .iter()
            .map(|e| {
                format!(
                    "{} {}",
                    e.data.kind(),
                    serde_json::to_string(&e.data).unwrap_or_default()
                )
            })
            .collect();
        panic!("no event: {what}\nevents:\n{}", kinds.join("\n"))
    })
}

/// The recorder named files by the kernel walk: a test of a walked name means nothing
/// without it, so it fails rather than passing on the fallback.
pub fn assert_kernel_walked(trace: &Trace) {
    let hooks = &trace.header.hooks;
    assert_eq!(hooks.kernel_walked_names, Some(true), "{hooks:?}");
}

/// FIFOs a test and its actor meet at (`ready`, `go`): each blocks until the other side
/// opens, so a step happens exactly between two of the actor's calls.
pub fn make_fifos<P: AsRef<Path>>(fifos: &[P]) {
    for fifo in fifos.iter().map(AsRef::as_ref) {
        let made = Command::new("mkfifo").arg(fifo).status().expect("mkfifo");
        assert!(made.success(), "mkfifo {}", fifo.display());
    }
}

pub fn syscall_is(e: &Event, name: &str) -> bool {
    e.syscall.as_deref() == Some(name)
}

pub fn path_is(p: &tracer::trace::PathRef, expected: &str) -> bool {
    p.resolved.as_deref() == Some(expected)
}

pub fn exec_argv(e: &Event) -> Option<&[String]> {
    match &e.data {
        EventData::Exec { argv, .. } => Some(argv),
        _ => None,
    }
}

/// A recording running in the background (for `--pid`, `--cgroup`: targets the test drives).
/// Dropped without being waited for (a panicking test), it kills the recorder, which would
/// otherwise hold the test's stdout open.
pub struct Running(Option<(std::process::Child, TempDir)>);

/// Starts `tracer record -o DIR/trace.jsonl ARGS…` and returns once it records: the header
/// line is written (to `trace.jsonl.partial`) only after every hook is attached and the target
/// is tracked.
pub fn start_recording(tag: &str, args: &[&str]) -> Running {
    require_root();
    let dir = TempDir::new(tag);
    let trace_path = dir.join("trace.jsonl");
    let mut child = Command::new(tracer_bin())
        .arg("record")
        .arg("-o")
        .arg(&trace_path)
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run tracer");
    // Written as NAME.partial until the footer is on disk, then renamed.
    let partial = dir.join("trace.jsonl.partial");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !std::fs::read_to_string(&partial).is_ok_and(|t| t.contains('\n')) {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("tracer exited before recording: {status}");
        }
        assert!(
            std::time::Instant::now() < deadline,
            "tracer did not start recording within 60 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    Running(Some((child, dir)))
}

impl Running {
    pub fn pid(&self) -> u32 {
        self.0.as_ref().map_or(0, |(child, _)| child.id())
    }

    /// SIGINT, as Ctrl-C would: the tracer drains, writes the footer and exits 0.
    pub fn stop(self) -> Recorded {
        if let Some((child, _)) = &self.0 {
            // SAFETY: signalling our own child.
            unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
        }
        self.wait_exit()
    }

    /// Waits for the tracer to stop by itself.
    pub fn wait_exit(mut self) -> Recorded {
        let (child, dir) = self.0.take().expect("waited for once");
        let output = child.wait_with_output().expect("wait for tracer");
        assert!(
            output.status.success(),
            "tracer: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let trace = read_trace(&dir.join("trace.jsonl")).unwrap_or_else(|e| panic!("{e}"));
        assert_lines_match_the_schema(&dir.join("trace.jsonl"));
        Recorded { trace, output, dir }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some((mut child, _)) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Exit code 2 and exactly one stderr line, `tracer: error: …` containing `needle`: how every
/// bad input and missing prerequisite must be reported.
pub fn assert_one_line_error(out: &Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "exit code; stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line expected: {stderr}");
    assert!(
        lines[0].starts_with("tracer: error: ") && lines[0].contains(needle),
        "{stderr}"
    );
}

/// Compiles C source with the system's cc into `dir/name`, with `extra` arguments (libraries
/// to link) after the source.
pub fn compile_c(dir: &Path, name: &str, source: &str, extra: &[&str]) -> String {
    let src = dir.join(format!("{name}.c"));
    std::fs::write(&src, source).expect("write C source");
    let bin = dir.join(name);
    let out = Command::new("cc")
        .arg("-O0")
        .arg("-o")
        .arg(&bin)
        .arg(&src)
        .args(extra)
        .output()
        .expect("run cc (the C compiler is needed for this test)");
    assert!(
        out.status.success(),
        "cc failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    bin.display().to_string()
}

/// "No X" claims from a claims file, one per check (C1, C2, …), for `package`: what the e2e
/// tests judge recordings against.
pub fn absent_claims(package: &str, checks: &[tracer::claims::Check]) -> tracer::claims::ClaimSet {
    use tracer::claims::{Allow, Claim, ClaimSet, Expect, Package, Source};
    ClaimSet {
        package: Package {
            name: Some(package.to_owned()),
            ..Package::default()
        },
        claims: checks
            .iter()
            .enumerate()
            .map(|(i, c)| Claim {
                id: format!("C{}", i + 1),
                check: *c,
                expect: Expect::Absent,
                source: Source::ClaimsFile { note: None },
                allow: Allow::default(),
            })
            .collect(),
        not_checkable: Vec::new(),
        unrecognised: Vec::new(),
    }
}
