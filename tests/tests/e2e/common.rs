//! Running the tracer and reading what it wrote.

use std::{
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
    require_root();
    let dir = TempDir::new(tag);
    let trace_path = dir.join("trace.jsonl");
    let output = Command::new(tracer_bin())
        .arg("record")
        .arg("-o")
        .arg(&trace_path)
        .args(args)
        .output()
        .expect("run tracer");
    assert!(
        output.status.success(),
        "tracer record failed ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let trace = read_trace(&trace_path).unwrap_or_else(|e| panic!("{e}"));
    Recorded { trace, output, dir }
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
