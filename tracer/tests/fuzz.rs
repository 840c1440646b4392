//! Mutation fuzzing of every parser that reads untrusted input: the review parser, the claims
//! TOML, the trace reader and what the guest writes (phase marks, console, autopkgtest control
//! files). Each target starts from a corpus kept in the repo (tests/fuzz/<target>/ and the
//! fixtures), applies random byte-level mutations (flips, inserts, deletes, splices of tokens
//! that break parsers: huge numbers, quotes, NULs, bidi overrides, cut lines), and runs the
//! input through the real library code down to the rendered output.
//!
//! A target fails on a panic or on a broken invariant (an escaped output that still holds a
//! control character, a reader that calls a trace intact when its footer disagrees). The
//! minimal failing input is written to the target's corpus directory, so it is replayed on
//! every later run and can be committed. Each target runs for TRACER_FUZZ_SECONDS (default 5)
//! seconds: bounded in `cargo xtask test`, longer by hand (docs/fuzzing.md).
//!
//! Why proptest and not cargo-fuzz or bolero: cargo-fuzz needs a nightly compiler (sanitizer
//! flags), which this project's toolchain does not have; proptest runs on stable, shrinks a
//! failure to a minimal input and needs no extra tooling.

use std::{
    io::Cursor,
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use proptest::{
    prelude::*,
    test_runner::{Config, TestCaseError, TestError, TestRunner},
};
use tracer::{
    claims::{self, ClaimSet},
    report::{escape, render_markdown, render_text},
    summary,
    trace::{Trace, read_trace, read_trace_from},
};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

/// Every file of the corpus directories, sorted (deterministic seed order).
fn corpus(dirs: &[&str], ext: &[&str]) -> Vec<Vec<u8>> {
    let mut files: Vec<PathBuf> = dirs
        .iter()
        .flat_map(|d| {
            std::fs::read_dir(root().join(d))
                .into_iter()
                .flatten()
                .flatten()
        })
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && (p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("crash-"))
                    || p.extension().is_some_and(|e| ext.iter().any(|x| e == *x)))
        })
        .collect();
    files.sort();
    let seeds: Vec<Vec<u8>> = files.iter().map(|p| std::fs::read(p).unwrap()).collect();
    assert!(!seeds.is_empty(), "empty corpus in {dirs:?}");
    seeds
}

fn budget() -> Duration {
    let secs = std::env::var("TRACER_FUZZ_SECONDS")
        .ok()
        .map(|v| {
            v.parse::<f64>()
                .ok()
                .filter(|s| s.is_finite() && *s > 0.0 && *s <= 86_400.0)
                .unwrap_or_else(|| {
                    panic!("TRACER_FUZZ_SECONDS={v}: expected seconds, 0 < s <= 86400")
                })
        })
        .unwrap_or(5.0);
    Duration::from_secs_f64(secs)
}

/// Fragments that break parsers more often than random bytes do.
const TOKENS: &[&[u8]] = &[
    b"\n",
    b"\r\n",
    b"\"",
    b"\\",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"=",
    b"\0",
    b"\xff\xfe",
    b"\xc3",
    b"\xe2\x80\xae",
    b"\x1b[2J",
    b"\xc2\x9b",
    b"18446744073709551615",
    b"-1",
    b"1e400",
    b"NaN",
    b"null",
    b"true",
    b"99999999999999999999999",
    b"\"seq\":18446744073709551615",
    b"\"kind\":\"open\"",
    b"\"type\":\"footer\"",
    b"\"type\":\"header\"",
    b"[[claim]]\n",
    b"check = \"",
    b"expect = \"present\"\n",
    b"No ",
    b"port 22 ",
    b"/tmp/",
    b"password=x ",
    b"Test-Command: ",
    b"Restrictions: ",
    b"Depends: @",
    b"tracer-job: ",
    b"{\"phase\":\"x\",\"event\":\"end\",\"time\":\"T25:99:99Z\"}\n",
];

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Insert(usize, Vec<u8>),
    Token(usize, usize),
    Delete(usize, usize),
    Duplicate(usize, usize, usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        1 => (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        1 => (any::<usize>(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(i, b)| Mutation::Insert(i, b)),
        3 => (any::<usize>(), 0..TOKENS.len()).prop_map(|(i, t)| Mutation::Token(i, t)),
        1 => (any::<usize>(), 1usize..64).prop_map(|(i, n)| Mutation::Delete(i, n)),
        1 => (any::<usize>(), 1usize..256, any::<usize>())
            .prop_map(|(i, n, to)| Mutation::Duplicate(i, n, to)),
        1 => any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(seed: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut v = seed.to_vec();
    for m in mutations {
        let at = |i: usize, len: usize| if len == 0 { 0 } else { i % (len + 1) };
        match m {
            Mutation::Flip(i, b) if !v.is_empty() => {
                let i = i % v.len();
                v[i] ^= b | 1;
            }
            Mutation::Flip(..) => {}
            Mutation::Insert(i, bytes) => {
                let i = at(*i, v.len());
                v.splice(i..i, bytes.iter().copied());
            }
            Mutation::Token(i, t) => {
                let i = at(*i, v.len());
                v.splice(i..i, TOKENS[*t].iter().copied());
            }
            Mutation::Delete(i, n) => {
                let i = at(*i, v.len());
                let end = (i + n).min(v.len());
                v.drain(i..end);
            }
            Mutation::Duplicate(i, n, to) => {
                let i = at(*i, v.len());
                let end = (i + n).min(v.len());
                let chunk = v[i..end].to_vec();
                let to = at(*to, v.len());
                v.splice(to..to, chunk);
            }
            Mutation::Truncate(i) => {
                let i = at(*i, v.len());
                v.truncate(i);
            }
        }
    }
    v
}

/// Runs `target` on every seed, then on mutated seeds until the time budget is spent.
fn fuzz(name: &str, seeds: Vec<Vec<u8>>, target: impl Fn(&[u8]) -> Result<(), String>) {
    for (i, s) in seeds.iter().enumerate() {
        if let Err(e) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| target(s)))
            .unwrap_or_else(|_| Err("panicked".into()))
        {
            panic!("fuzz {name}: corpus seed {i} fails: {e}");
        }
    }
    let n = seeds.len();
    let strategy = (0..n, prop::collection::vec(mutation(), 1..10))
        .prop_map(move |(i, m)| apply(&seeds[i], &m));
    let budget = budget();
    let started = Instant::now();
    let mut cases: u64 = 0;
    while started.elapsed() < budget {
        let mut runner = TestRunner::new(Config {
            cases: 64,
            failure_persistence: None,
            ..Config::default()
        });
        let result = runner.run(&strategy, |input| {
            target(&input).map_err(TestCaseError::fail)
        });
        match result {
            Ok(()) => cases += 64,
            Err(TestError::Fail(why, input)) => {
                let dir = root().join("fuzz").join(name);
                let hash = input.iter().fold(0xcbf29ce484222325u64, |h, b| {
                    (h ^ u64::from(*b)).wrapping_mul(0x100000001b3)
                });
                let path = dir.join(format!("crash-{hash:016x}"));
                let _ = std::fs::create_dir_all(&dir);
                let _ = std::fs::write(&path, &input);
                panic!(
                    "fuzz {name}: {why}; the minimal input is saved as {} (replayed on every run)",
                    path.display()
                );
            }
            Err(e) => panic!("fuzz {name}: {e}"),
        }
    }
    eprintln!(
        "fuzz {name}: {cases} mutated inputs and {n} seeds in {:.1} s, no failure",
        started.elapsed().as_secs_f64()
    );
}

fn fixture_trace(name: &str) -> Trace {
    read_trace(&root().join("fixtures").join(name)).expect("fixture trace")
}

/// Text meant for a terminal holds no control character but newline and tab, and no bidi
/// control.
fn inert(text: &str) -> Result<(), String> {
    match text.chars().find(|c| {
        (c.is_control() && *c != '\n' && *c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    }) {
        Some(c) => Err(format!("raw {c:?} in escaped output")),
        None => Ok(()),
    }
}

/// The report for `claims` on `trace`, both renderings, escaped as the CLI prints them.
fn report(trace: &Trace, claims: &ClaimSet) -> Result<(), String> {
    let options = tracer::CheckOptions::trace_only(claims, Some("fuzz"), "fuzz.jsonl");
    let r = tracer::check(trace, claims, options).report;
    inert(&escape::terminal(&render_markdown(&r)))?;
    inert(&escape::terminal(&render_text(&r)))?;
    let json = escape::json(r.to_json().map_err(|e| e.to_string())?);
    if json.contains('\u{202e}') {
        return Err("raw U+202E in the JSON report".into());
    }
    serde_json::from_str::<serde_json::Value>(&json).map_err(|e| format!("report JSON: {e}"))?;
    Ok(())
}

#[test]
fn fuzz_review_parser() {
    let daemon = fixture_trace("fixture-daemon.jsonl");
    fuzz(
        "review",
        corpus(&["fixtures/reviews", "fuzz/review"], &["txt"]),
        |bytes| {
            let set = claims::extract(&String::from_utf8_lossy(bytes));
            report(&daemon, &set)
        },
    );
}

#[test]
fn fuzz_claims_toml() {
    let quiet = fixture_trace("fixture-quiet.jsonl");
    fuzz("claims", corpus(&["fuzz/claims"], &["toml"]), |bytes| {
        let text = String::from_utf8_lossy(bytes);
        match claims::parse_claims_file(&text, Path::new("fuzz.toml")) {
            Ok(file) => report(&quiet, &claims::merge(claims::extract(""), file)),
            // An error is one line naming the file.
            Err(e) => {
                let msg = e.to_string();
                if msg.contains("fuzz.toml") {
                    Ok(())
                } else {
                    Err(format!("error without the file name: {msg}"))
                }
            }
        }
    });
}

#[test]
fn fuzz_trace_reader() {
    let claims = claims::extract(
        &std::fs::read_to_string(root().join("fixtures/reviews/masakari.security-review.txt"))
            .unwrap(),
    );
    fuzz(
        "trace",
        corpus(&["fixtures", "fuzz/trace"], &["jsonl"]),
        |bytes| {
            let Ok(trace) = read_trace_from(Cursor::new(bytes), Path::new("fuzz.jsonl")) else {
                return Ok(());
            };
            // An intact verdict on the footer means the counts really match.
            if let Some(f) = &trace.footer
                && trace.integrity.is_intact()
            {
                for (kind, n) in &f.events {
                    let read = trace
                        .events
                        .iter()
                        .filter(|e| e.data.kind().name() == kind)
                        .count() as u64;
                    if read != *n {
                        return Err(format!(
                            "called intact, but footer says {n} {kind}, read {read}"
                        ));
                    }
                }
            }
            let s = summary::summarize(&trace);
            inert(&escape::terminal(&summary::render_text(&s)))?;
            let json = escape::json(serde_json::to_string(&s).map_err(|e| e.to_string())?);
            if json.contains('\u{202e}') {
                return Err("raw U+202E in the summary JSON".into());
            }
            report(&trace, &claims)
        },
    );
}

#[test]
fn fuzz_guest_stream() {
    fuzz(
        "guest",
        corpus(
            &["fixtures/autopkgtest", "fuzz/guest"],
            &["control", "jsonl", "log"],
        ),
        |bytes| {
            let text = String::from_utf8_lossy(bytes);
            for p in tracer::vm::check::phases_from_text(&text) {
                if p.seconds.is_some_and(|s| !(0.0..=86_400.0).contains(&s)) {
                    return Err(format!("phase {} lasts {:?} s", p.phase, p.seconds));
                }
            }
            let mut from: usize = 0;
            for step in [0, 7, 13, usize::MAX / 2] {
                from = tracer::vm::job::relay_progress(
                    &text,
                    from.saturating_add(step) % (text.len() + 1),
                );
            }
            let _ = tracer::vm::autopkgtest::parse_control(&text);
            Ok(())
        },
    );
}
