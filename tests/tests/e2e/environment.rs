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
        .filter(|h| h.starts_with("uprobe:"))
        .collect();
    assert_eq!(
        uprobes.len(),
        2,
        "getenv and secure_getenv uprobes attached: {:?}",
        t.header.hooks.failed
    );
    let random = find(t, "getrandom of 16 bytes", |e| {
        matches!(&e.data, EventData::Getrandom { bytes: 16, .. })
    });
    assert_eq!(random.result.as_ref().map(|r| r.ret), Some(16));
    find(
        t,
        "getenv TRACER_E2E_VAR",
        |e| matches!(&e.data, EventData::Getenv { name, secure: false } if name == "TRACER_E2E_VAR"),
    );
    find(
        t,
        "secure_getenv",
        |e| matches!(&e.data, EventData::Getenv { name, secure: true } if name == "TRACER_E2E_SECURE"),
    );
    find(
        t,
        "open of /dev/urandom",
        |e| matches!(&e.data, EventData::Open { path, .. } if path_is(path, "/dev/urandom")),
    );
}
