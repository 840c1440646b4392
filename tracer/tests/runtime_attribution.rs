//! Whose code did it, on a real recording: gunicorn serving a WSGI app that imports `random`
//! and `ssl` (fixtures/recorded-gunicorn.jsonl.gz). Its runtime forks two workers, seeds
//! malloc, the hash and the random module, maps libssl and reads OpenSSL's variables; none of
//! that is the app's code. The report's runtime section is snapshotted, and the claims file's
//! two overrides are checked.

use std::path::{Path, PathBuf};

use tracer::{
    check::{CheckOptions, check},
    claims::{self, ClaimSet, RuntimeKind},
    report::{Inputs, render_markdown},
    trace::{Trace, read_trace},
    verdict::{Status, Verdict, judge, runtime::Cause},
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn recorded(name: &str) -> Trace {
    read_trace(&fixture(name)).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

fn gunicorn() -> Trace {
    recorded("recorded-gunicorn.jsonl.gz")
}

const CLAIMS: &str = r#"
[package]
name = "wsgiapp"

[[claim]]
check = "processes_spawned"
[[claim]]
check = "environment"
[[claim]]
check = "crypto"
[[claim]]
check = "outgoing_destinations"
"#;

fn claims(extra: &str) -> ClaimSet {
    let text = CLAIMS.replace(
        "name = \"wsgiapp\"",
        &format!("name = \"wsgiapp\"\n{extra}"),
    );
    let file = claims::parse_claims_file(&text, Path::new("wsgiapp.claims.toml"))
        .unwrap_or_else(|e| panic!("{e}"));
    claims::merge(claims::extract(""), file)
}

fn verdict(vs: &[Verdict], id: &str) -> Verdict {
    vs.iter()
        .find(|v| v.claim.id == id)
        .cloned()
        .expect("judged")
}

#[test]
fn gunicorn_runtime_is_shown_apart_and_never_contradicts() {
    let t = gunicorn();
    let set = claims("");
    let j = judge(&t, &set);
    let spawned = verdict(&j.verdicts, "C1");
    assert_eq!(spawned.status, Status::Held, "{}", spawned.reason);
    assert!(
        spawned
            .reason
            .contains("the runtime did: gunicorn's worker model"),
        "{}",
        spawned.reason
    );
    // The workers' own 64-byte reseed may be gunicorn's or the app's: not separable, so the
    // crypto claim is inconclusive, never contradicted.
    let crypto = verdict(&j.verdicts, "C3");
    assert_eq!(crypto.status, Status::Inconclusive, "{}", crypto.reason);
    assert!(
        crypto
            .reason
            .starts_with("cannot separate package code from interpreter"),
        "{}",
        crypto.reason
    );
    assert_eq!(crypto.evidence.total, 0);
    assert_eq!(
        verdict(&j.verdicts, "C4").status,
        Status::Held,
        "no connection"
    );
    assert!(
        j.interpreters
            .iter()
            .any(|i| i.starts_with("gunicorn running wsgiapp:app")),
        "{:?}",
        j.interpreters
    );

    let r = check(
        &t,
        &set,
        CheckOptions {
            contents: None,
            exercised: None,
            inputs: Inputs {
                review: None,
                claims_file: Some("wsgiapp.claims.toml".to_owned()),
                trace: "recorded-gunicorn.jsonl.gz".to_owned(),
                package: Some("wsgiapp".to_owned()),
                daemons: Vec::new(),
            },
        },
    )
    .report;
    let md = render_markdown(&r);
    let start = md
        .find("#### Runtime and dependencies")
        .expect("a runtime section");
    let end = md[start + 4..]
        .find("\n#### ")
        .map_or(md.len(), |e| start + 4 + e);
    insta::assert_snapshot!("runtime_section_gunicorn_md", &md[start..end]);
    insta::assert_json_snapshot!("runtime_crypto_gunicorn_json", r.verdicts[2].runtime);
}

#[test]
fn the_claims_file_moves_runtime_into_and_out_of_the_package() {
    let t = gunicorn();
    // "gunicorn's workers are part of this package": its forks now contradict.
    let j = judge(&t, &claims("runtime_is_package = [\"app_server_workers\"]"));
    let spawned = verdict(&j.verdicts, "C1");
    assert_eq!(spawned.status, Status::Contradicted, "{}", spawned.reason);
    assert_eq!(spawned.evidence.total, 2);
    for e in &spawned.evidence.shown {
        let a = e.attribution.as_ref().expect("attributed");
        assert_eq!(a.cause, Cause::Package);
        assert!(a.why.contains("the claims file counts"), "{}", a.why);
    }
    assert_eq!(
        RuntimeKind::AppServerWorkers.label(),
        "application server's worker model"
    );

    // "gunicorn is a dependency already reviewed": nothing it runs is the package's.
    let j = judge(&t, &claims("runtime_programs = [\"gunicorn\"]"));
    let crypto = verdict(&j.verdicts, "C3");
    assert_ne!(crypto.status, Status::Contradicted, "{}", crypto.reason);
    assert!(
        crypto
            .runtime
            .iter()
            .all(|g| g.cause == Cause::Runtime && g.why.contains("names gunicorn as runtime")),
        "{:?}",
        crypto.runtime
    );
}

/// A recording in which a linked library calls getenv and a crypto entry point in its own
/// constructor, libnettle (which the library links) reads its `NETTLE_FAT_*` variables, and
/// the program makes the same two calls itself (fixtures/recorded-callers.jsonl, see the
/// fixtures README).
fn callers() -> Trace {
    recorded("recorded-callers.jsonl")
}

const CALLER_CLAIMS: &str = r#"
[package]
name = "attrapp"

[[claim]]
check = "environment"
[[claim]]
check = "crypto"
"#;

#[test]
fn a_call_is_judged_by_its_caller_and_a_librarys_own_is_the_dependencys() {
    let t = callers();
    let file = claims::parse_claims_file(CALLER_CLAIMS, Path::new("attrapp.claims.toml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let set = claims::merge(claims::extract(""), file);
    let j = judge(&t, &set);
    for (id, what, library) in [
        (
            "C1",
            "getenv SOME_APP_SETTING",
            "libattrdep.so.1 called getenv(\"SOME_LIB_SETTING\") in its own code",
        ),
        (
            "C2",
            "call of nettle_sha256_init in libnettle.so (crypto library)",
            "libattrdep.so.1 called nettle_sha256_init in libnettle.so: a library's call, on the \
             program's request or for itself (only the immediate caller is known)",
        ),
    ] {
        let v = verdict(&j.verdicts, id);
        assert_eq!(v.status, Status::Contradicted, "{}", v.reason);
        let shown: Vec<&str> = v.evidence.shown.iter().map(|e| e.what.as_str()).collect();
        assert_eq!(shown, [what], "only the program's own call: {}", v.reason);
        let a = v.evidence.shown[0]
            .attribution
            .as_ref()
            .expect("attributed");
        assert_eq!(a.cause, Cause::Package);
        assert!(
            a.caller
                .as_deref()
                .is_some_and(|c| c.starts_with("attrapp (the executable)+0x")),
            "{a:?}"
        );
        let group = v
            .runtime
            .iter()
            .find(|g| g.why == library)
            .unwrap_or_else(|| panic!("{library:?} in {:?}", v.runtime));
        // A library's getenv is its own; its crypto call may be for the program.
        let (cause, runtime) = if id == "C1" {
            (Cause::Runtime, Some(RuntimeKind::Dependency))
        } else {
            (Cause::NotSeparable, None)
        };
        assert_eq!((group.cause, group.runtime), (cause, runtime));
    }
    // libnettle's own lookups, as chrony's would be: the dependency's, named.
    let env = verdict(&j.verdicts, "C1");
    assert!(
        env.runtime
            .iter()
            .any(|g| g.why
                == "libnettle.so.8.6 called getenv(\"NETTLE_FAT_VERBOSE\") in its own code"),
        "{:?}",
        env.runtime
    );
    insta::assert_json_snapshot!("caller_environment_json", (&env.evidence, &env.runtime));

    // With vm check's dpkg list naming the library as the package's own, its calls are the
    // package's too; libnettle's stay the dependency's.
    let manifest = tracer::contents::parse_manifest(
        r#"{"contents_version": 1, "packages": [{"package": "attrapp", "files": [
            {"path": "/usr/lib/x86_64-linux-gnu/libattrdep.so.1", "type": "file",
             "mode": "0644", "owner": "root", "group": "root"}]}]}"#,
        Path::new("contents.json"),
    )
    .expect("manifest");
    let owned = tracer::verdict::judge_with(&t, &set, Some(&manifest));
    let env = verdict(&owned.verdicts, "C1");
    assert_eq!(env.status, Status::Contradicted, "{}", env.reason);
    let mut shown: Vec<&str> = env.evidence.shown.iter().map(|e| e.what.as_str()).collect();
    shown.sort_unstable();
    assert_eq!(
        shown,
        ["getenv SOME_APP_SETTING", "getenv SOME_LIB_SETTING"],
        "{}",
        env.reason
    );
    assert!(
        env.evidence
            .shown
            .iter()
            .any(|e| e.attribution.as_ref().is_some_and(|a| a.why
                == "libattrdep.so.1, the package's own file, called getenv(\"SOME_LIB_SETTING\")")),
        "{:?}",
        env.evidence.shown
    );
    assert!(
        env.runtime
            .iter()
            .any(|g| g.why.starts_with("libnettle.so.8.6"))
    );

    // vm check's manifest also lists what apt installed as dependencies (masakari's run
    // brought python3.11, libsqlite3 and psycopg2 in): a library of a dependency package is
    // no file of the package's own, so its getenv stays the dependency's.
    let manifest = tracer::contents::parse_manifest(
        r#"{"contents_version": 1, "packages": [
            {"package": "attrapp", "files": []},
            {"package": "libattrdep1", "files": [
            {"path": "/usr/lib/x86_64-linux-gnu/libattrdep.so.1", "type": "file",
             "mode": "0644", "owner": "root", "group": "root"}]}]}"#,
        Path::new("contents.json"),
    )
    .expect("manifest");
    let dep = tracer::verdict::judge_with(&t, &set, Some(&manifest));
    let env = verdict(&dep.verdicts, "C1");
    let shown: Vec<&str> = env.evidence.shown.iter().map(|e| e.what.as_str()).collect();
    assert_eq!(shown, ["getenv SOME_APP_SETTING"], "{}", env.reason);
}
