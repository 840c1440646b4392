//! Bad input and missing prerequisites: one line naming the problem and the fix, exit code 2,
//! never a panic.

use std::process::{Command, Output};

use crate::common::*;

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("run tracer")
}

#[test]
fn not_root_is_refused_with_a_hint() {
    require_root();
    let dir = TempDir::new("notroot");
    let out = run(Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(tracer_bin())
        .args(["record", "-o"])
        .arg(dir.join("t.jsonl"))
        .args(["--", "true"]));
    assert_one_line_error(&out, "needs root");
    assert!(String::from_utf8_lossy(&out.stderr).contains("sudo"));
}

#[test]
fn unwritable_output_missing_command_and_bad_targets() {
    require_root();
    let dir = TempDir::new("errors");
    let trace = dir.join("t.jsonl");
    let t = trace.to_str().unwrap();
    let tracer = tracer_bin();
    assert_one_line_error(
        &run(Command::new(&tracer).args([
            "record",
            "-o",
            "/nonexistent-tracer-dir/t.jsonl",
            "--",
            "true",
        ])),
        "cannot write the trace to /nonexistent-tracer-dir/t.jsonl",
    );
    assert_one_line_error(
        &run(Command::new(&tracer).args(["record", "-o", t, "--", "/nonexistent-tracer-cmd"])),
        "cannot start /nonexistent-tracer-cmd",
    );
    assert_one_line_error(
        &run(Command::new(&tracer).args(["record", "-o", t, "--pid", "999999999"])),
        "no process 999999999",
    );
    assert_one_line_error(
        &run(Command::new(&tracer).args(["record", "-o", t, "--cgroup", "/nonexistent-tracer-cg"])),
        "not found",
    );
    assert_one_line_error(
        &run(Command::new(&tracer).args([
            "record",
            "-o",
            t,
            "--buffer-size",
            "5000",
            "--",
            "true",
        ])),
        "power of two",
    );
    assert_one_line_error(
        &run(Command::new(&tracer).args([
            "record",
            "-o",
            t,
            "--unit",
            "no-such-tracer-test.service",
        ])),
        "no-such-tracer-test.service",
    );
    // Usage errors come from the argument parser: exit 2, no panic.
    for args in [
        &["record", "-o", t][..],
        &["record", "--duration", "soon", "--", "true"][..],
    ] {
        let out = run(Command::new(&tracer).args(args));
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    }
}
