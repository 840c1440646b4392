//! Environment family: getrandom(2) and libc getenv/secure_getenv (uprobes), and the open of
//! /dev/urandom, which is an ordinary open event.

use tracer::trace::EventData;

use crate::common::*;

#[test]
fn records_randomness_and_environment_lookups() {
    let (rec, _dir, _work) = record_actor("environment");
    let t = &rec.trace;
    let uprobes: Vec<&String> = t
        .header
        .hooks
        .attached
        .iter()
        .filter(|h| h.starts_with("uprobe:") && h.contains("getenv"))
        .collect();
    assert_eq!(
        uprobes.len(),
        2,
        "getenv and secure_getenv uprobes attached: {:?}",
        t.header.hooks.failed
    );
    let returns = t
        .header
        .hooks
        .attached
        .iter()
        .filter(|h| h.starts_with("uretprobe:"))
        .count();
    assert_eq!(returns, 2, "and their return probes");
    let random = find(t, "getrandom of 16 bytes", |e| {
        matches!(&e.data, EventData::Getrandom { bytes: 16, .. })
    });
    assert_eq!(random.result.as_ref().map(|r| r.ret), Some(16));
    find(
        t,
        "getenv TRACER_E2E_VAR",
        |e| matches!(&e.data, EventData::Getenv { name, secure: false, .. } if name == "TRACER_E2E_VAR"),
    );
    find(
        t,
        "secure_getenv",
        |e| matches!(&e.data, EventData::Getenv { name, secure: true, .. } if name == "TRACER_E2E_SECURE"),
    );
    find(
        t,
        "open of /dev/urandom",
        |e| matches!(&e.data, EventData::Open { path, .. } if path_is(path, "/dev/urandom")),
    );
}

/// A name in a page the program has not touched when getenv is entered: a BPF read cannot
/// fault the page in, so at entry the name is unreadable. The struct keeps the literal 256 KiB
/// from anything else in the file (the kernel maps up to 64 KiB around a touched page).
const UNTOUCHED: &str = r#"
#include <stdlib.h>

static const struct {
    char before[256 * 1024];
    char name[64];
    char after[256 * 1024];
} lit __attribute__((aligned(4096))) = {{1}, "TRACER_UNTOUCHED_LITERAL", {1}};

int main(void) {
    return getenv(lit.name) != 0;
}
"#;

#[test]
fn a_getenv_name_in_an_untouched_page_is_read_at_return() {
    let work = TempDir::new("getenv-untouched");
    let bin = compile_c(work.path(), "untouched", UNTOUCHED, &[]);
    let rec = record("getenv-untouched", &["--", &bin]);
    let pid = match &rec.trace.header.target {
        tracer::trace::Target::Command { pid, .. } => *pid,
        other => panic!("a command target: {other:?}"),
    };
    find(
        &rec.trace,
        "getenv TRACER_UNTOUCHED_LITERAL by the program",
        |e| {
            e.pid == pid
                && matches!(&e.data, EventData::Getenv { name, .. } if name == "TRACER_UNTOUCHED_LITERAL")
        },
    );
    let unread = rec
        .trace
        .events
        .iter()
        .filter(|e| {
            e.pid == pid && matches!(&e.data, EventData::Getenv { name, .. } if name.is_empty())
        })
        .count();
    assert_eq!(unread, 0, "no lookup of the program lost its name");
}

/// Round 4's `e4_proc_self_environ`: a program reads its environment whole through
/// /proc/self/environ, with no getenv call. The open is recorded, and it contradicts "No
/// environment variable usage" (before, the claim was only inconclusive, for the generic
/// reason that reads without getenv are not recorded). Another process's environ is no read
/// of its own.
#[test]
fn reading_its_own_proc_environ_contradicts_no_environment_usage() {
    use tracer::{
        claims::Check,
        verdict::{Status, judge},
    };
    let rec = record(
        "proc-environ",
        &[
            "--",
            "/bin/sh",
            "-c",
            "cat /proc/self/environ >/dev/null; cat /proc/1/environ >/dev/null 2>&1; true",
        ],
    );
    let t = &rec.trace;
    find(
        t,
        "the open of /proc/self/environ",
        |e| matches!(&e.data, EventData::Open { path, .. } if path_is(path, "/proc/self/environ")),
    );
    let v = &judge(t, &absent_claims("proc-environ", &[Check::Environment])).verdicts[0];
    assert_eq!(v.status, Status::Contradicted, "{}", v.reason);
    let whats: Vec<&str> = v.evidence.shown.iter().map(|e| e.what.as_str()).collect();
    assert!(
        whats
            .iter()
            .any(|w| w.starts_with("open /proc/self/environ")),
        "{whats:?}"
    );
    assert!(!whats.iter().any(|w| w.contains("/proc/1/")), "{whats:?}");
}
