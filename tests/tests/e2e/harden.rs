//! `tracer harden` on a real recording: a daemon stand-in that keeps state under /var/lib,
//! uses /tmp and tries a loopback port gets a drop-in naming exactly those.

use std::process::Command;

use crate::common::*;

#[test]
fn a_recorded_daemon_gets_its_writes_and_destinations_in_the_drop_in() {
    let state = format!("/var/lib/tracer-e2e-harden-{}", std::process::id());
    let _ = std::fs::remove_dir_all(&state);
    std::fs::create_dir_all(&state).unwrap();
    // Port 9 of 127.0.0.9: nothing listens there; the connect fails, and still counts.
    let script = format!(
        "echo 1 > {state}/db; echo x > /tmp/tracer-e2e-harden-$$; rm -f /tmp/tracer-e2e-harden-$$; \
         exec /usr/bin/python3 -c \"import socket; s=socket.socket()\ntry: s.connect(('127.0.0.9', 9))\nexcept OSError: pass\""
    );
    let rec = record("harden", &["--", "/bin/sh", "-c", &script]);
    let _ = std::fs::remove_dir_all(&state);
    let trace = rec.dir.join("trace.jsonl");
    let out = Command::new(tracer_bin())
        .args(["harden", trace.to_str().unwrap()])
        .output()
        .expect("run tracer harden");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let directives: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    assert!(
        directives.contains(&format!("ReadWritePaths={state}").as_str()),
        "{text}"
    );
    assert!(directives.contains(&"PrivateTmp=yes"), "{text}");
    assert!(
        text.contains("/tmp/tracer-e2e-harden-"),
        "the /tmp use is named: {text}"
    );
    assert!(
        directives.contains(&"RestrictAddressFamilies=AF_INET"),
        "{text}"
    );
    assert!(directives.contains(&"IPAddressAllow=localhost"), "{text}");
    assert!(
        text.contains("connected or sent to 127.0.0.9 (failed here: ECONNREFUSED)"),
        "{text}"
    );
    // Recorded as root: the bounding set is what it called for, here nothing privileged.
    assert!(directives.contains(&"CapabilityBoundingSet="), "{text}");
}
