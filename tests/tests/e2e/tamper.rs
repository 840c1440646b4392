//! Interference with the recorder (issue 13): a real process calls bpf(), ptraces and
//! signals its recorder, writes to tracefs and bpffs and opens the recorder's trace file for writing; the
//! trace has each attempt, and the verdicts say the package interfered: no claim holds, "No use
//! of privileged functions" is contradicted.

use tracer::trace::EventData;

use crate::common::*;

#[test]
fn attempts_on_the_recorder_are_recorded_and_void_every_claim() {
    let work = TempDir::new("tamper-work");
    let work_path = work.path().display().to_string();
    let rec = record("tamper", &["--", actor_bin(), "tamper", &work_path]);
    let t = &rec.trace;
    let me = t
        .header
        .recorder
        .as_ref()
        .expect("the header names the recorder");
    find(
        t,
        "bpf(BPF_PROG_GET_NEXT_ID)",
        |e| matches!(&e.data, EventData::Bpf { cmd } if cmd == "BPF_PROG_GET_NEXT_ID"),
    );
    find(
        t,
        "ptrace of the recorder",
        |e| matches!(&e.data, EventData::Ptrace { target_pid, .. } if *target_pid as u32 == me.pid),
    );
    find(t, "SIGCONT to the recorder", |e| {
        matches!(&e.data, EventData::Signal { call, target_pid, signal, .. }
            if call == "kill" && *target_pid as u32 == me.pid && signal == "SIGCONT")
    });
    find(t, "trace_marker opened for write", |e| {
        matches!(&e.data, EventData::Open { path, access, .. }
            if path_is(path, "/sys/kernel/tracing/trace_marker") && access == "write")
    });
    find(
        t,
        "mkdir in bpffs",
        |e| matches!(&e.data, EventData::Mkdir { path, .. } if path_is(path, "/sys/fs/bpf/tracer-e2e-tamper")),
    );
    let partial = format!("{}.partial", me.output);
    find(
        t,
        "the recorder's trace opened for append",
        |e| matches!(&e.data, EventData::Open { path, access, .. } if path.names().any(|n| n == partial) && access == "write"),
    );

    let claims = rec.dir.join("claims.toml");
    std::fs::write(
        &claims,
        format!(
            "[package]\nname = \"actor\"\ndaemons = [\"{}\"]\n\n\
             [[claim]]\ncheck = \"privileged_functions\"\nexpect = \"absent\"\n\n\
             [[claim]]\ncheck = \"networking\"\nexpect = \"absent\"\n",
            actor_bin()
        ),
    )
    .expect("write claims");
    let out = std::process::Command::new(tracer_bin())
        .args(["check", "--format", "json", "--claims"])
        .arg(&claims)
        .arg("--trace")
        .arg(rec.dir.join("trace.jsonl"))
        .output()
        .expect("run tracer check");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_eq!(out.status.code(), Some(1), "{report:#}");
    let status = |check: &str| {
        report["verdicts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["claim"]["check"] == check)
            .map(|v| v["status"].as_str().unwrap().to_owned())
            .unwrap()
    };
    assert_eq!(status("privileged_functions"), "contradicted");
    // Nothing networked happened, yet it cannot hold: the package interfered.
    assert_eq!(status("networking"), "inconclusive");
    let attempts: Vec<String> = report["findings"]["interference"]["items"]
        .as_array()
        .expect("interference listed")
        .iter()
        .map(|i| i["what"].as_str().unwrap().to_owned())
        .collect();
    for want in [
        "bpf(BPF_PROG_GET_NEXT_ID)",
        "ptrace PTRACE_PEEKDATA of the recorder",
        "kill SIGCONT to the recorder",
        "open /sys/kernel/tracing/trace_marker for write",
        "mkdir /sys/fs/bpf/tracer-e2e-tamper",
        &format!("open {partial} for write"),
    ] {
        assert!(
            attempts.iter().any(|a| a.starts_with(want)),
            "{want} not among {attempts:#?}"
        );
    }
}
