//! `tracer harden` on the committed VM examples' traces (cron and the Azure guest proxy agent,
//! both real runs) and on bad input.

use std::{path::PathBuf, process::Command};

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/vm")
        .join(name)
        .join("trace.jsonl.gz")
}

fn tracer(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tracer"))
        .args(args)
        .output()
        .expect("tracer runs");
    (
        out.status.code().expect("an exit code"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn drop_in(example_name: &str, daemon: &str) -> String {
    let trace = example(example_name);
    let (code, out, err) = tracer(&["harden", trace.to_str().unwrap(), "--daemon", daemon]);
    assert_eq!(code, 0, "{err}");
    out
}

/// cron writes only its pid file in /run and drops to the job's user with setresuid.
#[test]
fn cron_drop_in() {
    let text = drop_in("cron", "/usr/sbin/cron");
    assert!(text.contains("\nReadWritePaths=/run\n"), "{text}");
    assert!(
        text.contains("\nCapabilityBoundingSet=CAP_SETUID\n"),
        "{text}"
    );
    insta::assert_snapshot!("harden_cron", text);
}

/// The agent listens on loopback and tries the WireServer: the allow list has both, and the
/// failed attempt is named as such.
#[test]
fn azure_proxy_agent_drop_in() {
    let text = drop_in("azure-proxy-agent", "azure-proxy-agent");
    assert!(text.contains("\nIPAddressDeny=any\n"), "{text}");
    assert!(
        text.contains("\nIPAddressAllow=168.63.129.16 localhost\n"),
        "{text}"
    );
    assert!(text.contains("(failed here: ENETUNREACH)"), "{text}");
    insta::assert_snapshot!("harden_azure_proxy_agent", text);
}

#[test]
fn a_daemon_that_never_ran_is_one_line_error() {
    let trace = example("cron");
    let (code, out, err) = tracer(&["harden", trace.to_str().unwrap(), "--daemon", "nginx"]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("--daemon nginx: no process"), "{err}");
    let (code, _, err) = tracer(&["harden", "/nonexistent/trace.jsonl"]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn out_dir_gets_one_file_per_daemon() {
    let dir = std::env::temp_dir().join(format!("tracer-harden-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let trace = example("cron");
    let (code, _, err) = tracer(&[
        "harden",
        trace.to_str().unwrap(),
        "--daemon",
        "/usr/sbin/cron",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let written = std::fs::read_to_string(dir.join("cron.conf")).unwrap();
    assert!(written.starts_with("# Drafted by tracer"), "{written}");
    let _ = std::fs::remove_dir_all(&dir);
}
