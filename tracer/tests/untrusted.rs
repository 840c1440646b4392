//! Never a silent pass: runs that checked nothing, doctored or cut traces, crafted counts and
//! hostile strings, each through the real `tracer` binary on saved inputs (no root needed).
//! Each test asserts the exit code and the one line that says why, or the warning and the
//! inconclusive verdict.

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
    sync::atomic::{AtomicU32, Ordering},
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A scratch directory removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Self {
        static N: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "tracer-untrusted-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        Self(dir)
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> String {
        let p = self.0.join(name);
        std::fs::write(&p, bytes).expect("write scratch file");
        p.to_str().expect("utf-8 path").to_owned()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tracer(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tracer"))
        .args(args)
        .output()
        .expect("run the tracer binary")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Exit code `code` and exactly one stderr line starting with `prefix` and containing `needle`.
fn assert_one_line(out: &Output, code: i32, prefix: &str, needle: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(code), "exit code; stderr: {err}");
    assert!(!err.contains("panicked"), "{err}");
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with(prefix)).collect();
    assert_eq!(lines.len(), 1, "one {prefix:?} line expected: {err}");
    assert!(lines[0].contains(needle), "{needle:?} not in: {err}");
}

const QUIET_CLAIMS: &str = "[package]\nname = \"quietd\"\n[[claim]]\ncheck = \"file_io\"\n[[claim]]\ncheck = \"processes_spawned\"\n";

/// Exit code `code` and a `tracer: warning:` line containing `needle`.
fn assert_warning(out: &Output, code: i32, needle: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(code), "exit code; stderr: {err}");
    assert!(
        err.lines()
            .any(|l| l.starts_with("tracer: warning: ") && l.contains(needle)),
        "no warning {needle:?}: {err}"
    );
}

fn lines(name: &str) -> Vec<String> {
    std::fs::read_to_string(fixture(name))
        .expect("fixture")
        .lines()
        .map(str::to_owned)
        .collect()
}

fn json_report(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("JSON report ({e}); stderr: {}", stderr(out)))
}

fn status_of<'a>(report: &'a serde_json::Value, check: &str) -> &'a serde_json::Value {
    report["verdicts"]
        .as_array()
        .expect("verdicts")
        .iter()
        .find(|v| v["claim"]["check"] == check)
        .unwrap_or_else(|| panic!("no {check} verdict: {report:#}"))
}

#[test]
fn nothing_checked_exits_4_with_one_line() {
    let s = Scratch::new();
    let claims = s.write("claims.toml", QUIET_CLAIMS);
    let quiet = fixture("fixture-quiet.jsonl");
    let quiet = quiet.to_str().unwrap();

    // A header-only trace: the recorder started and nothing ran.
    let header_only = s.write(
        "header-only.jsonl",
        lines("fixture-quiet.jsonl")[0].clone() + "\n",
    );
    let out = tracer(&["check", "--claims", &claims, "--trace", &header_only]);
    assert_one_line(
        &out,
        4,
        "tracer: nothing checked: ",
        "no process of the package ran",
    );

    // A misspelt daemon (or unit, or package): the package's processes never ran.
    let out = tracer(&[
        "check", "--claims", &claims, "--trace", quiet, "--daemon", "quietdd",
    ]);
    assert_one_line(
        &out,
        4,
        "tracer: nothing checked: ",
        "no process of the package ran",
    );
    assert_eq!(
        json_report(&tracer(&[
            "check", "--claims", &claims, "--trace", quiet, "--daemon", "quietdd", "--format",
            "json",
        ]))["outcome"]["exit_code"],
        4,
        "the report says so too"
    );

    // An empty review: no claims at all.
    let empty = s.write("empty.txt", "");
    let out = tracer(&["check", "--review", &empty, "--trace", quiet]);
    assert_one_line(
        &out,
        4,
        "tracer: nothing checked: ",
        "no runtime-checkable claims",
    );
    assert!(
        stderr(&out).contains("empty.txt"),
        "names the review: {}",
        stderr(&out)
    );

    // The same claims on the intact trace are checked: not 4.
    let out = tracer(&["check", "--claims", &claims, "--trace", quiet]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn utf16_reviews_are_decoded_or_refused_by_name() {
    let s = Scratch::new();
    let review = std::fs::read_to_string(fixture("reviews/masakari.security-review.txt")).unwrap();
    let daemon = fixture("fixture-daemon.jsonl");
    let daemon = daemon.to_str().unwrap();
    let utf8 = tracer(&[
        "check",
        "--review",
        fixture("reviews/masakari.security-review.txt")
            .to_str()
            .unwrap(),
        "--trace",
        daemon,
        "--format",
        "json",
    ]);
    for (name, bom, unit) in [
        (
            "le.txt",
            [0xff_u8, 0xfe],
            u16::to_le_bytes as fn(u16) -> [u8; 2],
        ),
        ("be.txt", [0xfe, 0xff], u16::to_be_bytes),
    ] {
        let mut bytes = bom.to_vec();
        bytes.extend(review.encode_utf16().flat_map(unit));
        let path = s.write(name, bytes);
        let out = tracer(&[
            "check", "--review", &path, "--trace", daemon, "--format", "json",
        ]);
        assert_eq!(
            out.status.code(),
            utf8.status.code(),
            "{name}: {}",
            stderr(&out)
        );
        assert_eq!(
            json_report(&out)["verdicts"],
            json_report(&utf8)["verdicts"],
            "{name}: the same claims and verdicts as the UTF-8 review"
        );
    }
    // Without a BOM: refused in one line, never read as a review with no claims.
    let bytes: Vec<u8> = review.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let path = s.write("nobom.txt", bytes);
    let out = tracer(&["check", "--review", &path, "--trace", daemon]);
    assert_one_line(
        &out,
        2,
        "tracer: error: ",
        "UTF-16 text without a byte-order mark",
    );
    assert!(stderr(&out).contains("nobom.txt"));
}

#[test]
fn events_cut_out_under_an_intact_footer_are_found() {
    let s = Scratch::new();
    let claims = s.write("claims.toml", QUIET_CLAIMS);
    // Cut one open event; the footer still counts it and says "0 lost".
    let mut l = lines("fixture-quiet.jsonl");
    let i = l
        .iter()
        .position(|x| x.contains("\"kind\": \"open\""))
        .expect("an open event");
    l.remove(i);
    let cut = s.write("cut.jsonl", l.join("\n") + "\n");
    let out = tracer(&[
        "check", "--claims", &claims, "--trace", &cut, "--format", "json",
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_warning(
        &out,
        3,
        "1 open event(s) counted in the footer are not in the file",
    );
    let r = json_report(&out);
    let file_io = status_of(&r, "file_io");
    assert_eq!(file_io["status"], "inconclusive", "{file_io:#}");
    assert!(
        file_io["gaps"]
            .to_string()
            .contains("1 open event(s) counted in the footer"),
        "{file_io:#}"
    );
    let summary = tracer(&["summarize", &cut]);
    let text = String::from_utf8_lossy(&summary.stdout);
    assert!(
        text.contains("loss: UNKNOWN - the trace file does not match its footer"),
        "{text}"
    );
    assert!(!text.contains("loss: none"), "{text}");

    // Cut it and fix the footer's count: the seq numbering still shows the hole, and every
    // claim is inconclusive because the missing kind is unknown.
    let fixed: Vec<String> = l
        .iter()
        .map(|x| {
            if x.contains("\"type\": \"footer\"") {
                x.replace("\"open\": 4", "\"open\": 3")
            } else {
                x.clone()
            }
        })
        .collect();
    let doctored = s.write("doctored.jsonl", fixed.join("\n") + "\n");
    let out = tracer(&[
        "check", "--claims", &claims, "--trace", &doctored, "--format", "json",
    ]);
    assert_warning(&out, 3, "missing from the seq numbering");
    let r = json_report(&out);
    for check in ["file_io", "processes_spawned"] {
        assert_eq!(
            status_of(&r, check)["status"],
            "inconclusive",
            "{check}: {r:#}"
        );
    }
}

#[test]
fn crafted_counts_do_not_wrap_to_nothing_lost() {
    let s = Scratch::new();
    let claims = s.write("claims.toml", QUIET_CLAIMS);
    let l: Vec<String> = lines("fixture-quiet.jsonl")
        .into_iter()
        .map(|x| {
            if x.contains("\"type\": \"footer\"") {
                // u64::MAX + 1 = 0 if summed with wrapping arithmetic.
                x.replace("\"open\": 0", "\"open\": 18446744073709551615")
                    .replace("\"exec\": 0", "\"exec\": 1")
                    .replace(
                        "\"truncated\": {}",
                        "\"truncated\": {\"open\": 18446744073709551615, \"exec\": 1}",
                    )
            } else {
                x
            }
        })
        .collect();
    let crafted = s.write("crafted.jsonl", l.join("\n") + "\n");
    let summary = tracer(&["summarize", &crafted]);
    assert_eq!(summary.status.code(), Some(0), "{}", stderr(&summary));
    let text = String::from_utf8_lossy(&summary.stdout);
    assert!(
        text.contains("loss: 18446744073709551615 events LOST"),
        "{text}"
    );
    let out = tracer(&[
        "check", "--claims", &claims, "--trace", &crafted, "--format", "json",
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(
        status_of(&json_report(&out), "file_io")["status"],
        "inconclusive"
    );
}

#[test]
fn a_killed_recorder_leaves_a_readable_trace_without_footer() {
    let s = Scratch::new();
    let claims = s.write("claims.toml", QUIET_CLAIMS);
    let l = lines("fixture-quiet.jsonl");
    // No footer, and the last event cut in the middle (no newline), as a SIGKILL leaves it.
    let body = l[..l.len() - 2].join("\n") + "\n" + &l[l.len() - 2][..40];
    let killed = s.write("killed.jsonl", body);
    let summary = tracer(&["summarize", "--json", &killed]);
    assert_eq!(summary.status.code(), Some(0), "{}", stderr(&summary));
    let err = stderr(&summary);
    assert!(err.contains("the trace has no footer"), "{err}");
    assert!(err.contains("the last line was cut"), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&summary.stdout).unwrap();
    assert_eq!(v["loss"]["finished"], false, "{v:#}");
    let out = tracer(&[
        "check", "--claims", &claims, "--trace", &killed, "--format", "json",
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(
        status_of(&json_report(&out), "file_io")["status"],
        "inconclusive"
    );
    // A cut line anywhere but at the end is a broken file, not a killed recorder.
    let mut bad = l.clone();
    bad[2].truncate(40);
    let bad = s.write("bad.jsonl", bad.join("\n") + "\n");
    assert_one_line(
        &tracer(&["summarize", &bad]),
        2,
        "tracer: error: ",
        "bad.jsonl:3: not a trace line",
    );
}

#[test]
fn hostile_header_strings_are_escaped_in_text_and_json() {
    let s = Scratch::new();
    let l: Vec<String> = lines("fixture-quiet.jsonl")
        .into_iter()
        .map(|x| {
            x.replace(
                "\"hostname\": \"fixture-host\"",
                "\"hostname\": \"evil\\u001b[2J\\u009b31m\\u202etxt.exe\"",
            )
            .replace(
                "\"release\": \"6.18.0-fixture\"",
                "\"release\": \"6.18\\u0007\\u2066x\"",
            )
        })
        .collect();
    let trace = s.write("hostile.jsonl", l.join("\n") + "\n");
    for args in [&["summarize"][..], &["summarize", "--json"][..]] {
        let out = tracer(&[args, &[trace.as_str()]].concat());
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = String::from_utf8(out.stdout).unwrap();
        for bad in ['\x1b', '\u{9b}', '\u{202e}', '\x07', '\u{2066}'] {
            assert!(
                !text.contains(bad),
                "{args:?}: raw {:?} in output:\n{text}",
                bad
            );
        }
        assert!(
            text.contains("202e"),
            "{args:?}: the override is shown escaped:\n{text}"
        );
    }
    let claims = s.write("claims.toml", QUIET_CLAIMS);
    for format in ["text", "markdown", "json"] {
        let out = tracer(&[
            "check", "--claims", &claims, "--trace", &trace, "--format", format,
        ]);
        let text = String::from_utf8(out.stdout).unwrap();
        for bad in ['\x1b', '\u{9b}', '\u{202e}', '\x07', '\u{2066}'] {
            assert!(!text.contains(bad), "{format}: raw {:?} in report", bad);
        }
    }
}
