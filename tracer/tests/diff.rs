//! `tracer diff` on real recordings saved as fixtures (recorded-quiet: a daemon stand-in that
//! only reads; recorded-mixed: the same plus a spawn, a temp file, a connect and a setuid —
//! tracer/tests/fixtures/README.md) and on the committed examples' reports.

use std::{path::PathBuf, process::Command};

use tracer::{
    diff::{self, EXIT_NEWLY_CONTRADICTED, EXIT_SOMETHING_NEW},
    report::Report,
    summary::summarize,
    trace::read_trace,
};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
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

#[test]
fn traces_diff_lists_new_and_gone_behaviour() {
    let quiet = summarize(&read_trace(&fixture("recorded-quiet.jsonl")).unwrap());
    let mixed = summarize(&read_trace(&fixture("recorded-mixed.jsonl")).unwrap());
    let (q, m) = (
        diff::behaviour_of_summary(&quiet),
        diff::behaviour_of_summary(&mixed),
    );
    let d = diff::diff(("quiet", &q), ("mixed", &m), "traces", Vec::new(), false);
    let facet = |name: &str| d.facets.iter().find(|f| f.facet == name).unwrap();
    assert!(
        facet("programs executed")
            .new
            .contains(&"/usr/bin/python3".to_owned())
    );
    assert!(
        facet("destinations")
            .new
            .iter()
            .any(|a| a.starts_with("127.0.0.1:9 "))
    );
    assert!(
        facet("privilege changes")
            .new
            .iter()
            .any(|p| p.starts_with("setuid "))
    );
    assert_eq!(d.exit_code, 0, "no claims, no --fail-on-new");
    // The reverse direction: what the mixed run did is gone.
    let back = diff::diff(("mixed", &m), ("quiet", &q), "traces", Vec::new(), true);
    assert!(
        back.facets
            .iter()
            .find(|f| f.facet == "programs executed")
            .unwrap()
            .gone
            .contains(&"/usr/bin/python3".to_owned())
    );
    // Same run against itself: nothing new, nothing gone.
    let same = diff::diff(("q", &q), ("q", &q), "traces", Vec::new(), true);
    assert!(
        same.facets
            .iter()
            .all(|f| f.new.is_empty() && f.gone.is_empty())
    );
    assert_eq!(same.exit_code, 0);
    insta::assert_snapshot!("diff_quiet_mixed_text", diff::render_text(&d));
    insta::assert_snapshot!("diff_quiet_mixed_md", diff::render_markdown(&d));
    insta::assert_snapshot!("diff_quiet_mixed_json", d.to_json().unwrap());
}

#[test]
fn cli_exit_codes() {
    let (q, m) = (
        fixture("recorded-quiet.jsonl"),
        fixture("recorded-mixed.jsonl"),
    );
    let review = fixture("reviews/masakari.security-review.txt");
    let (q, m, review) = (
        q.to_str().unwrap(),
        m.to_str().unwrap(),
        review.to_str().unwrap(),
    );
    // New behaviour that contradicts the review's claims: 1, with the changed verdicts.
    let (code, out, _) = tracer(&["diff", q, m, "--review", review, "--format", "text"]);
    assert_eq!(code, i32::from(EXIT_NEWLY_CONTRADICTED), "{out}");
    assert!(
        out.contains("No use of temp files: held -> contradicted"),
        "{out}"
    );
    // The same two runs without a review: only --fail-on-new fails.
    assert_eq!(tracer(&["diff", q, m]).0, 0);
    assert_eq!(
        tracer(&["diff", q, m, "--fail-on-new"]).0,
        i32::from(EXIT_SOMETHING_NEW)
    );
    // A run against itself is nothing new.
    assert_eq!(tracer(&["diff", q, q, "--fail-on-new"]).0, 0);
    // Every line of the text output fits a comment.
    for l in out.lines() {
        assert!(l.chars().count() <= 100, "{l}");
    }
}

#[test]
fn cli_rejects_a_trace_against_a_report_and_missing_files() {
    let q = fixture("recorded-quiet.jsonl");
    let report = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/vm/lxd/report.json");
    let (code, _, err) = tracer(&["diff", q.to_str().unwrap(), report.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("expected two traces or two report.json files"),
        "{err}"
    );
    let (code, _, err) = tracer(&["diff", "/nonexistent/a.jsonl", q.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("/nonexistent/a.jsonl") && err.contains("expected a trace"),
        "{err}"
    );
}

#[test]
fn reports_diff_compares_findings_and_verdicts() {
    let load = |name: &str| -> Report {
        let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../examples/vm")
            .join(name)
            .join("report.json");
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
    };
    let (a, b) = (load("masakari"), load("masakari"));
    let d = diff::diff(
        ("a", &diff::behaviour_of_report(&a)),
        ("b", &diff::behaviour_of_report(&b)),
        "reports",
        diff::verdict_changes(&a, &b),
        true,
    );
    assert!(d.verdicts.is_empty());
    assert!(!d.anything_new());
    // One verdict turned: reported, and a newly contradicted claim fails.
    let mut b = a.clone();
    let v = b
        .verdicts
        .iter_mut()
        .find(|v| v.status == tracer::verdict::Status::Held)
        .expect("a held verdict");
    v.status = tracer::verdict::Status::Contradicted;
    let changes = diff::verdict_changes(&a, &b);
    assert_eq!(changes.len(), 1);
    let d = diff::diff(
        ("a", &diff::behaviour_of_report(&a)),
        ("b", &diff::behaviour_of_report(&b)),
        "reports",
        changes,
        false,
    );
    assert_eq!(d.exit_code, EXIT_NEWLY_CONTRADICTED);
}

/// The committed mosquitto example (two real vm check runs, bookworm and bookworm-backports):
/// diffing its traces for the package reproduces its diff.txt, with the new upload's
/// libwebsockets and its postrm deleting the user.
#[test]
fn mosquitto_upgrade_example_is_reproduced_from_its_traces() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/diff/mosquitto");
    let p = |f: &str| dir.join(f).to_str().unwrap().to_owned();
    let (code, out, err) = tracer(&[
        "diff",
        &p("old/trace.jsonl.gz"),
        &p("new/trace.jsonl.gz"),
        "--review",
        &p("review.txt"),
        "--daemon",
        "/usr/sbin/mosquitto",
        "--format",
        "text",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("+ /usr/lib/x86_64-linux-gnu/libwebsockets.so.17"),
        "{out}"
    );
    assert!(out.contains("deluser --quiet --system mosquitto"), "{out}");
    let committed = std::fs::read_to_string(dir.join("diff.txt")).unwrap();
    // Only the title (up to the first blank line) names the inputs, by the paths given.
    let body = |s: &str| {
        s.split_once("\n\n")
            .map(|(_, b)| b.to_owned())
            .unwrap_or_default()
    };
    assert_eq!(body(&out), body(&committed));
    let (code, _, err) = tracer(&[
        "diff",
        &p("old/report.json"),
        &p("new/report.json"),
        "--daemon",
        "x",
    ]);
    assert_eq!(code, 2, "--daemon without --review is refused: {err}");
}
