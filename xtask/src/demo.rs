//! `cargo xtask demo`: the README's first command. Sets the machine up, builds the tracer,
//! records the built-in example (a shell that lists /, creates /tmp/x, reads /etc/shadow and
//! connects to 127.0.0.1:9), summarizes the trace and checks the demo review against it.
//!
//! The demo review's claims are written to be partly false ("No processes spawned" while the
//! shell spawns four programs), so a contradicted verdict here is the expected outcome.

use std::process::Command;

use anyhow::{Context as _, bail};

use crate::util::{is_root, run_cmd, workspace_root};

/// The example from the recorder's issue, with absolute paths so that PATH shims (pyenv) do
/// not add their own execs to the demo.
const EXAMPLE: &str = "ls / >/dev/null; touch /tmp/x; cat /etc/shadow >/dev/null; \
    /usr/bin/python3 -c 'import socket; s=socket.socket(); s.connect((\"127.0.0.1\", 9))'";

pub fn run() -> anyhow::Result<()> {
    if !is_root() {
        bail!("the demo records with eBPF and needs root: run `sudo -E cargo xtask demo`");
    }
    crate::setup::run(&crate::setup::Args {
        check: false,
        vm: false,
    })?;
    let root = workspace_root();
    run_cmd(Command::new("cargo").current_dir(&root).args([
        "build",
        "--release",
        "--package",
        "tracer",
        "--bin",
        "tracer",
    ]))?;
    let tracer = root.join("target/release/tracer");
    let out = root.join("out/demo");
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    let trace = out.join("trace.jsonl");
    let report = out.join("report.md");

    println!("\n== recording: sh -c '{EXAMPLE}'");
    run_cmd(
        Command::new(&tracer)
            // --force: each run replaces the previous demo's trace.
            .args(["record", "--force", "-o"])
            .arg(&trace)
            .args(["--", "/bin/sh", "-c", EXAMPLE]),
    )?;

    println!("\n== tracer summarize {}", trace.display());
    run_cmd(Command::new(&tracer).arg("summarize").arg(&trace))?;

    println!("\n== tracer check --review examples/demo/review.txt");
    let status = Command::new(&tracer)
        .args(["check", "--review"])
        .arg(root.join("examples/demo/review.txt"))
        .arg("--trace")
        .arg(&trace)
        .arg("-o")
        .arg(&report)
        .status()
        .context("running tracer check")?;
    // 1: a claim is contradicted (expected: the demo review is partly false); 2: failure.
    if !matches!(status.code(), Some(0 | 1 | 3)) {
        bail!("tracer check failed: {status}");
    }
    let text = std::fs::read_to_string(&report)
        .with_context(|| format!("reading {}", report.display()))?;
    println!("{text}");
    println!(
        "== done: trace {}, report {} (tracer check exited {}: 1 means a claim is contradicted, as this demo review is meant to be)",
        trace.display(),
        report.display(),
        status.code().unwrap_or(-1)
    );
    Ok(())
}
