//! The guest kernel's LSM hooks, for real: this host cannot load BPF LSM programs (EPERM), the
//! Debian guest's 6.1 kernel runs them (`bpf` is in its LSM list). One boot of the guest image
//! (see tests/vm.rs), the recorder run in it on a command that opens, writes and executes files
//! through symlinks, and the trace brought back and judged on the host.
//!
//! What it proves: the header names the LSM hooks as attached and as sources of the open and
//! exec kinds; opens and execs carry the kernel's name of the file (`real`) where it differs
//! from the path the process used; failed opens carry none; and a verdict sees a write through
//! a symlink into /tmp for what it is.

mod guest;

use std::path::PathBuf;

use guest::scratch;

/// Links are made before recording; the recorded command only uses them.
const JOB: &str = r#"set -ex
ln -s /etc/hostname /root/name-link
ln -s /usr/bin/true /root/true-link
ln -s /tmp/written /root/write-link
long=/root/$(printf 'a%.0s' $(seq 200))/$(printf 'b%.0s' $(seq 100))
mkdir -p "$long" && echo x > "$long/f" && ln -s "$long/f" /root/long-link
printf '#!/bin/sh\nexit 0\n' > /root/script.sh
chmod +x /root/script.sh
cat /sys/kernel/security/lsm > "$TRACER_OUT/lsm.txt"
"$TRACER_PAYLOAD/tracer" record -o "$TRACER_OUT/trace.jsonl" -- sh -c \
  'cat /root/name-link > /dev/null; /root/true-link; /root/script.sh; cat /root/missing 2> /dev/null; echo x > /root/write-link; cat /root/long-link > /dev/null; exit 0' \
  > "$TRACER_OUT/record.log" 2>&1
"#;

/// The recorder's trace from `out`, one JSON value per line.
fn trace_events(out: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(out.join("trace.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Asserts the trace header lists each of `hooks` as attached.
fn assert_attached(events: &[serde_json::Value], hooks: &[&str]) {
    let header = &events[0]["hooks"];
    for hook in hooks {
        assert!(
            header["attached"]
                .as_array()
                .unwrap()
                .iter()
                .any(|h| h == hook),
            "{hook} not attached: {header:#}"
        );
    }
}

/// `tracer check --format json` of `out`'s trace against a claims file holding `claims`.
fn judge(tracer: &std::path::Path, out: &std::path::Path, claims: &str) -> std::process::Output {
    let file = out.join("claims.toml");
    std::fs::write(&file, claims).unwrap();
    std::process::Command::new(tracer)
        .args(["check", "--format", "json", "--claims"])
        .arg(&file)
        .arg("--trace")
        .arg(out.join("trace.jsonl"))
        .output()
        .expect("tracer check runs")
}

#[test]
fn guest_lsm_hooks_name_the_files_behind_symlinks() {
    guest::require_root();
    let tracer = PathBuf::from(env!("CARGO_BIN_EXE_tracer"));
    let image = guest::image();
    let payload = scratch("lsm-payload");
    std::fs::copy(&tracer, payload.join("tracer")).expect("tracer copied to the payload");
    std::fs::write(payload.join("job.sh"), JOB).unwrap();
    let out = scratch("lsm-out");
    guest::run_job(&image, &payload, &out, &["record.log"]);
    let lsms = std::fs::read_to_string(out.join("lsm.txt")).unwrap();
    assert!(
        lsms.split(',').any(|l| l.trim() == "bpf"),
        "the guest kernel runs BPF LSM programs: {lsms}"
    );

    let events = trace_events(&out);
    assert_attached(&events, &["lsm:file_open", "lsm:bprm_check_security"]);
    let hooks = &events[0]["hooks"];
    assert!(
        hooks.get("detail_unavailable").is_none(),
        "every detail hook was usable: {hooks:#}"
    );
    let sources = |kind: &str| -> Vec<String> {
        hooks["sources"][kind]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_owned())
            .collect()
    };
    assert!(sources("open").contains(&"lsm:file_open".to_owned()));
    // The syscall side of opens comes from the default way of hooking syscalls, the BPF raw
    // tracepoints' dispatch, whose table entry for openat is named `syscall:openat`.
    assert_eq!(hooks["syscalls"]["mode"], "raw", "{hooks:#}");
    assert!(sources("open").contains(&"syscall:openat".to_owned()));
    assert!(sources("exec").contains(&"lsm:bprm_check_security".to_owned()));
    assert!(sources("exec").contains(&"raw_tracepoint:sched_process_exec".to_owned()));

    let first = |kind: &str, resolved: &str| {
        events
            .iter()
            .find(|e| e["kind"] == kind && e["fields"]["path"]["resolved"] == resolved)
            .unwrap_or_else(|| panic!("no {kind} of {resolved} in the trace"))
    };
    // Read through a link: the kernel names the file itself.
    let read = first("open", "/root/name-link");
    assert_eq!(read["fields"]["path"]["real"], "/etc/hostname", "{read}");
    // Executed through a link.
    let exec = first("exec", "/root/true-link");
    assert_eq!(exec["fields"]["path"]["real"], "/usr/bin/true", "{exec}");
    // A script: the first check is the script, not its interpreter; the same name is not
    // repeated.
    let script = first("exec", "/root/script.sh");
    assert!(script["fields"]["path"].get("real").is_none(), "{script}");
    // Its interpreter, walked from the new image, is a field of its own.
    assert_eq!(script["fields"]["interpreter"], "/usr/bin/dash", "{script}");
    assert!(exec["fields"].get("interpreter").is_none(), "{exec}");
    // A failed open never reached the hook.
    let missing = first("open", "/root/missing");
    assert_eq!(missing["result"]["errno"], "ENOENT", "{missing}");
    assert!(missing["fields"]["path"].get("real").is_none(), "{missing}");
    // Written through a link into /tmp.
    let write = first("open", "/root/write-link");
    assert_eq!(write["fields"]["path"]["real"], "/tmp/written", "{write}");

    // A file whose name is longer than the path limit: seen, not named, and said so.
    let long = first("open", "/root/long-link");
    assert!(long["fields"]["path"].get("real").is_none(), "{long}");
    assert!(
        long["flags"]
            .as_array()
            .is_some_and(|f| f.iter().any(|f| f == "real_path_unnamed")),
        "{long}"
    );

    let footer = events.last().unwrap();
    assert_eq!(footer["type"], "footer", "the recorder finished its trace");
    assert!(
        footer["truncated"]["open"].as_u64().unwrap_or(0) >= 1,
        "the unnamed file is counted: {footer}"
    );

    // On the host, from the trace alone: the write through the link is a temp file.
    let check = judge(
        &tracer,
        &out,
        "[package]\nname = \"linkwriter\"\n\n[[claim]]\ncheck = \"temp_files\"\nexpect = \"absent\"\n",
    );
    assert_eq!(
        check.status.code(),
        Some(1),
        "the temp-file claim is contradicted: {}",
        String::from_utf8_lossy(&check.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let verdict = &report["verdicts"][0];
    assert_eq!(verdict["status"], "contradicted", "{verdict:#}");
    let shown = verdict["evidence"]["shown"].to_string();
    assert!(shown.contains("/tmp/written"), "{shown}");

    let _ = std::fs::remove_dir_all(&payload);
    let _ = std::fs::remove_dir_all(&out);
}

/// Round 10's `f10_swap_chmod`/`f10_swap_mkdir` in the guest (`relink swap`, the e2e tests'
/// program, built static on the host): `lnk` leads outside the allowed directory only for the
/// call, exchanged back microseconds later, before any lookup. The LSM path hooks name the
/// files the kernel acted on, in the call: the trace names the real place, flagged
/// `kernel_named`, with no host lookup, and the file claim is contradicted by it (on this
/// host's recorder the same trace leaves the call unplaced, inconclusive).
const SWAP_JOB: &str = r#"set -ex
w=/root/swap; a=$w/allowed; o=$w/out
mkdir -p $a/decoy $o/sw
touch $a/decoy/x $o/sw/x
ln -s decoy $a/lnk
ln -s $o/sw $a/lnk.alt
"$TRACER_PAYLOAD/tracer" record -o "$TRACER_OUT/trace.jsonl" -- "$TRACER_PAYLOAD/relink" swap $a $o \
  > "$TRACER_OUT/record.log" 2>&1
stat -c %a $o/sw/x > "$TRACER_OUT/mode.txt"
test -d $o/sw/made
"#;

#[test]
fn guest_lsm_path_hooks_name_a_swapped_link_s_real_place() {
    guest::require_root();
    let tracer = PathBuf::from(env!("CARGO_BIN_EXE_tracer"));
    let image = guest::image();
    let payload = scratch("lsm-swap-payload");
    std::fs::copy(&tracer, payload.join("tracer")).expect("tracer copied to the payload");
    let src = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/tests/e2e/symlinks/relink.c"
    );
    let cc = std::process::Command::new("cc")
        .args(["-static", "-O2", "-o"])
        .arg(payload.join("relink"))
        .arg(src)
        .output()
        .expect("cc runs");
    assert!(
        cc.status.success(),
        "{}",
        String::from_utf8_lossy(&cc.stderr)
    );
    std::fs::write(payload.join("job.sh"), SWAP_JOB).unwrap();
    let out = scratch("lsm-swap-out");
    guest::run_job(&image, &payload, &out, &["record.log"]);
    assert_eq!(
        std::fs::read_to_string(out.join("mode.txt"))
            .unwrap()
            .trim(),
        "4755",
        "the chmod landed outside"
    );

    let events = trace_events(&out);
    assert_attached(
        &events,
        &["lsm:path_chmod", "lsm:path_mkdir", "lsm:path_rename"],
    );
    for (syscall, real) in [
        ("fchmodat", "/root/swap/out/sw/x"),
        ("mkdirat", "/root/swap/out/sw/made"),
    ] {
        let ev = events
            .iter()
            .find(|e| e["syscall"] == syscall)
            .unwrap_or_else(|| panic!("no {syscall} in the trace"));
        let path = &ev["fields"]["path"];
        assert_eq!(path["real"], real, "{ev}");
        assert!(path.get("looked_up").is_none(), "no host lookup: {ev}");
        assert!(
            ev["flags"]
                .as_array()
                .is_some_and(|f| f.iter().any(|f| f == "kernel_named")),
            "{ev}"
        );
    }
    // The exchanges themselves are named by the hook too: both sides, in the allowed dir.
    let swap = events
        .iter()
        .find(|e| e["syscall"] == "renameat2")
        .expect("the exchange");
    assert_eq!(swap["fields"]["from"]["resolved"], "/root/swap/allowed/lnk");
    assert!(
        swap["flags"]
            .as_array()
            .is_some_and(|f| f.iter().any(|f| f == "kernel_named")),
        "{swap}"
    );
    let footer = events.last().unwrap();
    assert_eq!(footer["type"], "footer", "the recorder finished its trace");

    // On the host, from the trace alone: contradicted by the real places, not inconclusive.
    let check = judge(
        &tracer,
        &out,
        "[package]\nname = \"relink\"\ndirs = [\"/root/swap/allowed\"]\n\n[[claim]]\ncheck = \"file_io\"\nexpect = \"absent\"\n",
    );
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let verdict = &report["verdicts"][0];
    assert_eq!(verdict["status"], "contradicted", "{verdict:#}");
    let text = verdict.to_string();
    for real in ["/root/swap/out/sw/x", "/root/swap/out/sw/made"] {
        assert!(text.contains(real), "{real}: {verdict:#}");
    }

    let _ = std::fs::remove_dir_all(&payload);
    let _ = std::fs::remove_dir_all(&out);
}
