//! Real processes, recorded by the real recorder, breaking and keeping claims; the verdicts and
//! their evidence are checked. Needs root and the tracer binary in `TRACER_BIN` (`cargo xtask
//! test` sets both up); without them every test fails saying so, none is skipped.
//!
//! Network actions only ever target 127.0.0.x.

use std::{
    path::{Path, PathBuf},
    process::Command,
    sync::atomic::{AtomicU32, Ordering},
};

use tracer::{
    claims::{Allow, Check, Claim, ClaimSet, Expect, Package, Source},
    trace::{Trace, read_trace},
    verdict::{Status, Verdict, judge},
};

/// The package the recorded shell stands for; its own dirs are allowlisted by default.
const PKG: &str = "tracer-claims-test";

fn tracer_bin() -> PathBuf {
    let bin = std::env::var_os("TRACER_BIN").unwrap_or_else(|| {
        panic!(
            "TRACER_BIN is not set: these tests record real processes with the tracer binary; \
             run them with `sudo -E cargo xtask test`, which builds it and sets TRACER_BIN"
        )
    });
    let bin = PathBuf::from(bin);
    assert!(
        bin.is_file(),
        "TRACER_BIN={} is not a file: build it with `cargo build -p tracer` (eBPF included)",
        bin.display()
    );
    bin
}

fn require_root() {
    // SAFETY: geteuid has no preconditions.
    let euid = unsafe { libc::geteuid() };
    assert_eq!(
        euid, 0,
        "recording needs root (eBPF): run `sudo -E cargo xtask test`"
    );
}

fn workdir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tracer-recorded-claims-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create the test's work directory");
    dir
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// Records `sh -c SCRIPT` (PATH limited to the system's, so no user shims add noise).
fn record(name: &str, script: &str) -> Trace {
    require_root();
    let bin = tracer_bin();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let out = workdir().join(format!("{name}-{n}.jsonl"));
    let status = Command::new(&bin)
        .args(["record", "-o"])
        .arg(&out)
        .args(["--", "/bin/sh", "-c", script])
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .status()
        .unwrap_or_else(|e| panic!("running {}: {e}", bin.display()));
    assert!(status.success(), "tracer record {name} failed: {status}");
    let trace = read_trace(&out).unwrap_or_else(|e| panic!("{e}"));
    let footer = trace
        .footer
        .as_ref()
        .expect("the recorder wrote its footer");
    assert_eq!(
        footer.total_lost(),
        0,
        "{name}: events lost: {:?}",
        footer.lost
    );
    trace
}

fn claim(check: Check, expect: Expect, allow: Allow) -> Claim {
    Claim {
        id: "C1".to_owned(),
        check,
        expect,
        source: Source::ClaimsFile { note: None },
        allow,
    }
}

/// The claims as the test package's.
fn claim_set(claims: Vec<Claim>) -> ClaimSet {
    ClaimSet {
        package: Package {
            name: Some(PKG.to_owned()),
            ..Package::default()
        },
        claims,
        not_checkable: Vec::new(),
        unrecognised: Vec::new(),
    }
}

fn verdict(trace: &Trace, c: Claim) -> Verdict {
    judge(trace, &claim_set(vec![c])).verdicts.remove(0)
}

fn absent(trace: &Trace, check: Check) -> Verdict {
    verdict(trace, claim(check, Expect::Absent, Allow::default()))
}

fn whats(v: &Verdict) -> Vec<&str> {
    v.evidence.shown.iter().map(|e| e.what.as_str()).collect()
}

fn assert_status(v: &Verdict, want: Status) {
    assert_eq!(
        v.status, want,
        "{}: {} (evidence {:?})",
        v.claim.check, v.reason, v.evidence.shown
    );
}

#[test]
fn spawning_a_child_contradicts_no_processes_spawned() {
    let t = record("spawn", "/bin/true; exit 0");
    let v = absent(&t, Check::ProcessesSpawned);
    assert_status(&v, Status::Contradicted);
    assert!(
        whats(&v).iter().any(|w| w.starts_with("exec /bin/true")),
        "{:?}",
        whats(&v)
    );
    assert_ne!(
        v.evidence.shown[0].pid,
        match &t.header.target {
            tracer::trace::Target::Command { pid, .. } => *pid,
            _ => 0,
        },
        "the child, not the shell itself"
    );
}

#[test]
fn builtins_only_keep_no_processes_spawned() {
    let t = record("nospawn", ": nothing; exit 0");
    let v = absent(&t, Check::ProcessesSpawned);
    assert_status(&v, Status::Held);
    let v = absent(&t, Check::SetuidCalls);
    assert_status(&v, Status::Held);
}

/// A package's own `#!` script is allowed by its own name (its interpreter, dash, is the
/// runtime); a program run from a memfd is never allowed, whatever it is called, and the
/// evidence says nobody can review it.
#[test]
fn a_script_is_allowed_by_its_name_and_a_memfd_program_never() {
    let dir = workdir().join("script-memfd");
    std::fs::create_dir_all(&dir).expect("create the script dir");
    let script = dir.join("foo-helper");
    std::fs::write(&script, "#!/bin/sh\nexit 0\n").expect("write the script");
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod the script");
    let python = std::fs::canonicalize("/usr/bin/python3").expect("/usr/bin/python3");
    let python = python.to_str().expect("a UTF-8 path");
    let memfd = "import os; fd = os.memfd_create('true', 0); \
                 os.write(fd, open('/bin/true', 'rb').read()); \
                 os.execv(f'/proc/self/fd/{fd}', ['true'])";
    let t = record(
        "script-memfd",
        &format!("{}; {python} -c \"{memfd}\"; exit 0", script.display()),
    );
    // A bare name stands for a system program only: the package's own script (outside the
    // system's directories) is allowed by its path.
    let allow = Allow {
        programs: vec![
            script.display().to_string(),
            python.to_owned(),
            "true".to_owned(),
            "memfd:true (deleted)".to_owned(),
        ],
        ..Allow::default()
    };
    let v = verdict(&t, claim(Check::ProcessesSpawned, Expect::Absent, allow));
    assert_status(&v, Status::Contradicted);
    let w = whats(&v);
    assert_eq!(w.len(), 1, "only the memfd program: {w:?}");
    assert!(w[0].contains("which no one can review"), "{w:?}");
    assert!(
        !w.iter().any(|x| x.contains("foo-helper")),
        "the script is allowed: {w:?}"
    );
}

/// A program named like an allowed one is not it (round 11's a11_copy_named_true,
/// a11_hardlink_named_true, a11_bind_over_true): a copy of touch called `true` outside the
/// system's directories, a hard link made in the trace, and touch bind-mounted over
/// /usr/bin/true in a private mount namespace are each a spawn; /usr/bin/true itself is
/// allowed.
#[test]
fn a_copy_a_link_or_a_bind_mount_named_like_an_allowed_program_is_a_spawn() {
    let dir = workdir().join("named-true");
    for d in ["copy", "link"] {
        std::fs::create_dir_all(dir.join(d)).expect("create the test dirs");
    }
    let copy = dir.join("copy/true");
    std::fs::copy("/usr/bin/touch", &copy).expect("copy touch");
    let link = dir.join("link/true");
    let _ = std::fs::remove_file(&link);
    let d = dir.display();
    let t = record(
        "named-true",
        &format!(
            "/usr/bin/true; {copy} {d}/out-copy; /usr/bin/ln /usr/bin/touch {link} && \
             {link} {d}/out-link; /usr/bin/unshare -m /bin/sh -c \
             '/usr/bin/mount --bind /usr/bin/touch /usr/bin/true && /usr/bin/true {d}/out-bind'; \
             /usr/bin/unshare -m /bin/sh -c '/usr/bin/mount -t tmpfs none /usr/games && \
             /usr/bin/cp /usr/bin/touch /usr/games/true && /usr/games/true {d}/out-written'; \
             exit 0",
            copy = copy.display(),
            link = link.display(),
        ),
    );
    for out in ["out-copy", "out-link", "out-bind", "out-written"] {
        assert!(dir.join(out).exists(), "touch ran as {out}");
    }
    let allow = Allow {
        programs: ["true", "ln", "unshare", "sh", "dash", "mount", "cp"]
            .map(str::to_owned)
            .to_vec(),
        ..Allow::default()
    };
    let v = verdict(&t, claim(Check::ProcessesSpawned, Expect::Absent, allow));
    assert_status(&v, Status::Contradicted);
    let w = whats(&v);
    assert_eq!(
        w.len(),
        4,
        "the copy, the link, the bind, the written: {w:?}"
    );
    assert!(w[0].contains("copy/true"), "{w:?}");
    assert!(w[1].contains("link/true"), "{w:?}");
    assert!(
        w[2].contains("/usr/bin/true") && w[2].contains("is /usr/bin/touch in its mount namespace"),
        "{w:?}"
    );
    // A system path, on a tmpfs of the namespace's own: placed as it is, but the trace's cp
    // wrote the file there.
    assert!(
        w[3].contains("exec /usr/games/true")
            && w[3].contains("was written by an open for writing (event"),
        "{w:?}"
    );
    // The same with the allowed program named by its path: the bind alone.
    let allow = Allow {
        programs: [
            "/usr/bin/true",
            "/usr/bin/ln",
            "/usr/bin/unshare",
            "/usr/bin/sh",
            "/usr/bin/dash",
            "/usr/bin/mount",
            copy.to_str().expect("a UTF-8 path"),
            link.to_str().expect("a UTF-8 path"),
        ]
        .map(str::to_owned)
        .to_vec(),
        ..Allow::default()
    };
    let v = verdict(&t, claim(Check::ProcessesSpawned, Expect::Absent, allow));
    assert_status(&v, Status::Contradicted);
    let w = whats(&v);
    assert!(
        w.iter()
            .any(|x| x.contains("is /usr/bin/touch in its mount namespace")),
        "{w:?}"
    );
}

#[test]
fn a_temp_file_contradicts_no_temp_files_and_no_file_io() {
    let path = format!("/tmp/tracer-claims-{}.tmp", std::process::id());
    let t = record("tempfile", &format!("echo x > {path}; rm -f {path}"));
    let _ = std::fs::remove_file(&path);
    let v = absent(&t, Check::TempFiles);
    assert_status(&v, Status::Contradicted);
    assert!(
        whats(&v).contains(&format!("create {path}").as_str()),
        "{:?}",
        whats(&v)
    );
    let v = absent(&t, Check::FileIo);
    assert_status(&v, Status::Contradicted);
}

#[test]
fn writing_in_the_package_dir_keeps_no_notable_file_io() {
    let dir = format!("/var/lib/{PKG}");
    std::fs::create_dir_all(&dir).expect("create the package dir");
    let t = record(
        "owndir",
        &format!("echo x > {dir}/state; echo y >> {dir}/state"),
    );
    let _ = std::fs::remove_dir_all(&dir);
    let v = absent(&t, Check::FileIo);
    assert_status(&v, Status::Held);
    assert_eq!(v.allowed, 2, "both writes allowed as the package's own");
    let v = absent(&t, Check::TempFiles);
    assert_status(&v, Status::Held);
}

#[test]
fn reading_dev_urandom_contradicts_no_crypto_and_otherwise_it_stays_inconclusive() {
    let t = record("urandom", "head -c 16 /dev/urandom > /dev/null");
    let v = absent(&t, Check::Crypto);
    assert_status(&v, Status::Contradicted);
    assert!(
        whats(&v).contains(&"open /dev/urandom (random source)"),
        "{:?}",
        whats(&v)
    );
    // Builtins only: the shell's own start-up getrandom (glibc malloc, 8 bytes, GRND_NONBLOCK)
    // is allowed. Held when getrandom is hooked; without the hook it could have been missed.
    let t = record("norandom", ": nothing");
    let v = absent(&t, Check::Crypto);
    if hooked(&t, "getrandom") {
        assert_status(&v, Status::Held);
    } else {
        assert_status(&v, Status::Inconclusive);
        assert!(v.reason.contains("no hook for getrandom"), "{}", v.reason);
    }
}

#[test]
fn environment_reads_are_never_held() {
    // Reads a path that depends on $HOME: the environment was used, but no hook records it.
    let t = record("envpath", "cat \"$HOME/.profile\" > /dev/null 2>&1; exit 0");
    let v = absent(&t, Check::Environment);
    assert_status(&v, Status::Inconclusive);
    assert!(v.reason.contains("getenv"), "{}", v.reason);
}

#[test]
fn listening_on_all_addresses_contradicts_no_external_endpoint() {
    let listen = |ip: &str| {
        format!(
            "/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind((\"{ip}\", 0)); s.listen(1); s.close()'"
        )
    };
    let t = record("listen-any", &listen("0.0.0.0"));
    let v = absent(&t, Check::ExternalEndpoint);
    assert_status(&v, Status::Contradicted);
    assert!(
        whats(&v)
            .iter()
            .any(|w| w.starts_with("listen on 0.0.0.0:")),
        "{:?}",
        whats(&v)
    );
    let t = record("listen-lo", &listen("127.0.0.1"));
    let v = absent(&t, Check::ExternalEndpoint);
    assert_status(&v, Status::Held);
    let v = absent(&t, Check::Networking);
    assert_status(&v, Status::Contradicted);
}

#[test]
fn connecting_outside_the_allowlist_contradicts_it() {
    // Nothing listens on 127.0.0.1:9: the connect fails with ECONNREFUSED, and still counts.
    let t = record(
        "connect",
        "/bin/bash -c 'echo > /dev/tcp/127.0.0.1/9' 2>/dev/null; exit 0",
    );
    let allow = |d: &[&str]| Allow {
        destinations: d.iter().map(|s| (*s).to_owned()).collect(),
        ..Allow::default()
    };
    let v = verdict(
        &t,
        claim(
            Check::OutgoingDestinations,
            Expect::Absent,
            allow(&["127.0.0.1:80", "169.254.169.254"]),
        ),
    );
    assert_status(&v, Status::Contradicted);
    assert_eq!(whats(&v), ["connect 127.0.0.1:9"]);
    assert_eq!(v.evidence.shown[0].result, "ECONNREFUSED");
    let v = verdict(
        &t,
        claim(
            Check::OutgoingDestinations,
            Expect::Absent,
            allow(&["127.0.0.1"]),
        ),
    );
    assert_status(&v, Status::Held);
    assert_eq!(v.allowed, 1);
}

/// glibc's getaddrinfo ranks several answers by connecting a UDP socket to each and undoing
/// it (RFC 6724 source selection), sending nothing. Python asking for the passive addresses of
/// a port gets `::` and `0.0.0.0`: the probe's connect to `::` (::1 for the kernel) is a gap
/// for "only connects to 127.0.0.1", never a contradiction; the one to `0.0.0.0` is
/// 127.0.0.1 and allowed. The same program connecting over TCP to 127.0.0.2 contradicts it.
#[test]
fn getaddrinfo_address_probes_are_no_connections() {
    let probe = "import socket; socket.getaddrinfo(None, 2121, socket.AF_UNSPEC, socket.SOCK_STREAM, 0, socket.AI_PASSIVE)";
    let t = record("gai-probe", &format!("python3 -c '{probe}'"));
    let only_lo = || Allow {
        destinations: vec!["127.0.0.1".to_owned()],
        ..Allow::default()
    };
    let v = verdict(
        &t,
        claim(Check::OutgoingDestinations, Expect::Absent, only_lo()),
    );
    // Without IPv6 the answer is 0.0.0.0 alone, probed by no one: held, nothing to show.
    let v6 = std::path::Path::new("/proc/net/if_inet6").exists();
    if v6 {
        assert_status(&v, Status::Inconclusive);
        assert!(
            v.reason.contains("UDP connect [::]:2121") && v.reason.contains("AF_UNSPEC"),
            "{}",
            v.reason
        );
    } else {
        assert_status(&v, Status::Held);
    }
    let t = record(
        "gai-then-tcp",
        &format!(
            "python3 -c '{probe}'; /bin/bash -c 'echo > /dev/tcp/127.0.0.2/9' 2>/dev/null; exit 0"
        ),
    );
    let v = verdict(
        &t,
        claim(Check::OutgoingDestinations, Expect::Absent, only_lo()),
    );
    assert_status(&v, Status::Contradicted);
    assert_eq!(whats(&v), ["connect 127.0.0.2:9"]);
}

/// "Does not run a daemon as root" is judged on more than the last uids seen: a process
/// that keeps root as its saved uid, or takes euid 0 back after dropping it, is root; one that
/// drops all three ids is not.
#[test]
fn root_kept_as_saved_uid_or_taken_back_is_running_as_root() {
    let py = |code: &str| format!("python3 -c 'import os; {code}'");
    let cases = [
        (
            "drop-all",
            "os.setresuid(65534, 65534, 65534)",
            Status::Held,
            "",
        ),
        (
            "drop-kept",
            "os.setresuid(65534, 65534, 0)",
            Status::Contradicted,
            "saved uid 0",
        ),
        (
            "regain",
            "os.setresuid(65534, 65534, 0); os.seteuid(0); os.seteuid(65534)",
            Status::Contradicted,
            "took euid 0 back after running with euid 65534",
        ),
    ];
    for (name, code, want, why) in cases {
        // The shell is the recorded command and stays root: judge the python process only.
        let t = record(name, &format!("exec {}", py(code)));
        let v = absent(&t, Check::RunsAsRoot);
        assert_status(&v, want);
        assert!(
            why.is_empty() || whats(&v).iter().any(|w| w.contains(why)),
            "{name}: {:?}",
            whats(&v)
        );
    }
}

#[test]
fn setuid_to_nobody_contradicts_privilege_claims() {
    let t = record(
        "setuid",
        "setpriv --reuid=65534 --regid=65534 --clear-groups /bin/true",
    );
    for check in [
        Check::SetuidCalls,
        Check::PrivilegedFunctions,
        Check::UserNobody,
    ] {
        let v = absent(&t, check);
        assert_status(&v, Status::Contradicted);
    }
    let v = absent(&t, Check::SetuidCalls);
    assert!(
        whats(&v).iter().any(|w| w.contains("uid -> 65534")),
        "{:?}",
        whats(&v)
    );
    let v = verdict(
        &t,
        claim(Check::RunsAsRoot, Expect::Absent, Allow::default()),
    );
    assert_status(&v, Status::Contradicted);
}

#[test]
fn a_password_on_the_command_line_is_seen_and_masked() {
    let t = record("secret", "/bin/echo --password hunter2 > /dev/null");
    let v = verdict(
        &t,
        claim(Check::SecretInArgv, Expect::Present, Allow::default()),
    );
    assert_status(&v, Status::Held);
    assert!(
        whats(&v).contains(&"command line: /bin/echo --password ****"),
        "{:?}",
        whats(&v)
    );
    let json = serde_json::to_string(&v).expect("verdict JSON");
    assert!(!json.contains("hunter2"), "{json}");
}

/// Whether the recorder attached a hook whose name contains `what`.
fn hooked(t: &Trace, what: &str) -> bool {
    t.header.hooks.attached.iter().any(|h| h.contains(what))
}

#[test]
fn getrandom_contradicts_no_crypto_when_hooked_else_inconclusive() {
    let t = record(
        "getrandom",
        "/usr/bin/python3 -c 'import os; os.getrandom(16)'",
    );
    let v = absent(&t, Check::Crypto);
    if hooked(&t, "getrandom") {
        assert_status(&v, Status::Contradicted);
        assert!(
            whats(&v)
                .iter()
                .any(|w| w.starts_with("getrandom of 16 bytes")),
            "{:?}",
            whats(&v)
        );
    } else {
        // Python reads no /dev/urandom for this: only a getrandom hook could see it.
        assert_status(&v, Status::Inconclusive);
        assert!(v.reason.contains("no hook for getrandom"), "{}", v.reason);
    }
}

#[test]
fn getenv_contradicts_no_environment_usage_when_hooked_else_inconclusive() {
    // ls looks up QUOTING_STYLE, LS_BLOCK_SIZE, … through getenv (and LC_*, TZ through libc).
    let t = record("getenv", "/usr/bin/ls / > /dev/null");
    let v = absent(&t, Check::Environment);
    if hooked(&t, "getenv") {
        assert_status(&v, Status::Contradicted);
        assert!(
            whats(&v).iter().all(|w| w.starts_with("getenv ")
                && !w.starts_with("getenv LC_")
                && !w.starts_with("getenv LANG")),
            "libc's own lookups are allowed: {:?}",
            whats(&v)
        );
        assert!(v.evidence.total >= 2 && v.allowed > 0, "{v:?}");
    } else {
        assert_status(&v, Status::Inconclusive);
        assert!(v.reason.contains("no hook for getenv"), "{}", v.reason);
    }
    // printenv walks environ without getenv: nothing seen, and still never "held".
    let t = record("environ", "/usr/bin/printenv HOME > /dev/null");
    let v = absent(&t, Check::Environment);
    assert_status(&v, Status::Inconclusive);
    if hooked(&t, "getenv") {
        assert!(v.reason.contains("without getenv"), "{}", v.reason);
    }
}

#[test]
fn record_then_check_end_to_end() {
    // The whole pipeline through the binary: record, then `check` with a real review.
    let t_path = workdir().join("e2e-check.jsonl");
    require_root();
    let bin = tracer_bin();
    let status = Command::new(&bin)
        .args(["record", "-o"])
        .arg(&t_path)
        .args([
            "--",
            "/bin/sh",
            "-c",
            "/bin/true; echo x > /tmp/tracer-e2e-check.tmp; rm -f /tmp/tracer-e2e-check.tmp",
        ])
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .status()
        .expect("run tracer record");
    assert!(status.success());
    let review = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/reviews/masakari.security-review.txt");
    let out = Command::new(&bin)
        .args(["check", "--format", "json", "--review"])
        .arg(&review)
        .arg("--trace")
        .arg(&t_path)
        .output()
        .expect("run tracer check");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert_eq!(report["report_version"], 1);
    let status_of = |check: &str| {
        report["verdicts"]
            .as_array()
            .and_then(|v| v.iter().find(|x| x["claim"]["check"] == check))
            .map(|x| x["status"].as_str().unwrap_or("").to_owned())
    };
    assert_eq!(
        status_of("processes_spawned").as_deref(),
        Some("contradicted")
    );
    assert_eq!(status_of("temp_files").as_deref(), Some("contradicted"));
    // Contradicted when getenv is hooked (the shell and coreutils look up variables of their
    // own), inconclusive otherwise; never held.
    assert!(
        matches!(
            status_of("environment").as_deref(),
            Some("contradicted" | "inconclusive")
        ),
        "{:?}",
        status_of("environment")
    );
    let md = Command::new(&bin)
        .args(["check", "--review"])
        .arg(&review)
        .arg("--trace")
        .arg(&t_path)
        .output()
        .expect("run tracer check");
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(
        md.starts_with("### Runtime check of review claims: masakari"),
        "{md}"
    );
    assert!(
        md.contains("| C12 | No processes spawned | review line 57 | **contradicted** |"),
        "{md}"
    );
}

#[test]
fn hostile_file_names_are_escaped_in_the_report() {
    // A real file whose name carries a newline, a table row, an ANSI escape and HTML.
    let t = record(
        "hostile",
        "/usr/bin/python3 -c 'import os; p = \"/tmp/tracer-evil\\n| C9 | held |\\x1b[31m<b>x\"; open(p, \"w\").close(); os.unlink(p)'",
    );
    let claims = ClaimSet {
        package: Package {
            name: Some(PKG.to_owned()),
            ..Package::default()
        },
        claims: vec![claim(Check::TempFiles, Expect::Absent, Allow::default())],
        not_checkable: Vec::new(),
        unrecognised: Vec::new(),
    };
    let j = judge(&t, &claims);
    assert_status(&j.verdicts[0], Status::Contradicted);
    assert!(
        j.verdicts[0]
            .evidence
            .shown
            .iter()
            .any(|e| e.what.contains("/tmp/tracer-evil\n| C9")),
        "the evidence keeps the real name: {:?}",
        j.verdicts[0].evidence.shown
    );
    let report = tracer::report::Report::build(
        &t,
        &tracer::summary::summarize(&t),
        &claims,
        j,
        tracer::report::Inputs {
            review: None,
            claims_file: None,
            trace: "hostile".to_owned(),
            package: Some(PKG.to_owned()),
            daemons: Vec::new(),
        },
    );
    let md = tracer::report::render_markdown(&report);
    assert!(md.contains("tracer-evil\\\\n\\| C9 \\| held \\|"), "{md}");
    assert!(!md.contains("\n| C9"), "{md}");
    assert!(!md.contains('\x1b'), "{md}");
    assert!(!md.contains("<b>"), "{md}");
    let text = tracer::summary::render_text(&tracer::summary::summarize(&t));
    assert!(!text.contains('\x1b') && !text.contains("evil\n"), "{text}");
}

/// A daemon recorded live (`--pid`) bound its port and spawned nothing *before* the recording:
/// its listening socket at start contradicts "does not open a port", and "no processes
/// spawned" is inconclusive for the time it ran unobserved, never held.
#[test]
fn a_daemon_running_before_a_pid_recording_is_judged_by_its_state_and_not_held_blind() {
    use std::io::BufRead as _;
    require_root();
    let mut daemon = Command::new("/usr/bin/python3")
        .args([
            "-c",
            "import socket,time\ns=socket.socket()\ns.bind(('127.0.0.1',0))\ns.listen()\nprint(s.getsockname()[1],flush=True)\ntime.sleep(120)",
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("start python3");
    let mut listening = String::new();
    std::io::BufReader::new(daemon.stdout.take().unwrap())
        .read_line(&mut listening)
        .unwrap();
    let out = workdir().join(format!(
        "live-{}.jsonl",
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let status = Command::new(tracer_bin())
        .args(["record", "--leave-running", "--duration", "1s", "-o"])
        .arg(&out)
        .args(["-p", &daemon.id().to_string()])
        .status()
        .expect("run tracer");
    let _ = daemon.kill();
    let _ = daemon.wait();
    assert!(status.success());
    let t = read_trace(&out).unwrap_or_else(|e| panic!("{e}"));
    let port = verdict(
        &t,
        claim(Check::OpensPort, Expect::Absent, Allow::default()),
    );
    assert_status(&port, Status::Contradicted);
    assert!(
        port.reason.contains(&format!(
            "was listening on tcp 127.0.0.1:{}",
            listening.trim()
        )),
        "{}",
        port.reason
    );
    let external = absent(&t, Check::ExternalEndpoint);
    assert!(
        external.reason.contains("held such a socket"),
        "loopback only: {}",
        external.reason
    );
    let spawned = absent(&t, Check::ProcessesSpawned);
    assert_status(&spawned, Status::Inconclusive);
    assert!(
        spawned
            .reason
            .contains("already running when recording started"),
        "{}",
        spawned.reason
    );
    let root = absent(&t, Check::RunsAsRoot);
    assert_status(&root, Status::Contradicted);
    assert!(
        root.reason.contains("was running as root"),
        "{}",
        root.reason
    );
}

/// Removes the stand-in maintainer script however the test ends.
struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Writes an executable stand-in maintainer script where dpkg keeps the package's own
/// (`/var/lib/dpkg/info/PKG.postrm`): attribution knows a maintainer script by that path.
fn postrm(body: &str) -> RemoveOnDrop {
    use std::os::unix::fs::PermissionsExt as _;
    let path = PathBuf::from(format!("/var/lib/dpkg/info/{PKG}.postrm"));
    std::fs::write(&path, format!("#!/bin/sh\n{body}\nexit 0\n"))
        .unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
        .unwrap_or_else(|e| panic!("chmod {}: {e}", path.display()));
    RemoveOnDrop(path)
}

/// A postrm that removes a file of the package and runs userdel contradicts "maintainer
/// scripts remove no users, groups or files", with both shown as the script's; one that only
/// removes its own temp file keeps it.
#[test]
fn a_postrm_removing_a_file_and_a_user_contradicts_no_removals() {
    let pid = std::process::id();
    let victim = format!("/var/lib/{PKG}-state-{pid}");
    std::fs::write(&victim, "x").expect("create the file the postrm removes");
    // Removed even when the recording fails and panics before the postrm ran.
    let _victim = RemoveOnDrop(PathBuf::from(&victim));
    let script = postrm(&format!(
        "rm -f {victim}\nuserdel tracer-no-such-user-{pid} 2>/dev/null || true"
    ));
    let t = record("postrm-removes", &format!("{} purge", script.0.display()));
    let v = absent(&t, Check::MaintainerRemoves);
    assert_status(&v, Status::Contradicted);
    let w = whats(&v);
    assert!(w.contains(&format!("remove {victim}").as_str()), "{w:?}");
    assert!(
        w.iter()
            .any(|x| x.starts_with("exec ") && x.contains("userdel")),
        "{w:?}"
    );
    assert!(
        v.evidence
            .shown
            .iter()
            .all(|e| e.origin == tracer::verdict::Origin::MaintainerScript),
        "{:?}",
        v.evidence.shown
    );
    let v = verdict(
        &t,
        claim(Check::MaintainerRemoves, Expect::Present, Allow::default()),
    );
    assert_status(&v, Status::Held);
    // The same removals are a finding of the report, claimed or not.
    let found = judge(&t, &claim_set(Vec::new()))
        .findings
        .maintainer_removals;
    let items: Vec<&str> = found.items.iter().map(|i| i.what.as_str()).collect();
    assert!(
        items.contains(&format!("remove {victim}").as_str())
            && items.iter().any(|x| x.contains("userdel")),
        "{items:?}"
    );

    let tmp = format!("/tmp/{PKG}-scratch-{pid}");
    let script = postrm(&format!("echo x > {tmp}\nrm -f {tmp}"));
    let t = record("postrm-tmp", &format!("{} purge", script.0.display()));
    let v = absent(&t, Check::MaintainerRemoves);
    assert_status(&v, Status::Held);
}

/// A shell that puts a child into the background and exits (the fork-and-exit of a daemon)
/// contradicts "does not daemonize"; one that waits for its child keeps it.
#[test]
fn forking_into_the_background_contradicts_does_not_daemonize() {
    let t = record("daemonize", "(sleep 1 &); exit 0");
    let v = absent(&t, Check::Daemonizes);
    assert_status(&v, Status::Contradicted);
    assert!(
        whats(&v)
            .iter()
            .any(|w| w.contains("exited leaving child") && w.contains("running")),
        "{:?}",
        whats(&v)
    );
    let v = verdict(
        &t,
        claim(Check::Daemonizes, Expect::Present, Allow::default()),
    );
    assert_status(&v, Status::Held);

    let t = record("foreground", "/bin/true; exit 0");
    let v = absent(&t, Check::Daemonizes);
    assert_status(&v, Status::Held);
}

/// A process that connects to a session bus socket (`/run/user/UID/bus`; a real unix listener
/// the process itself opens, so nothing outside the test is touched) makes "owns no D-Bus name"
/// inconclusive, never held: the name would travel in a bus message, which is not recorded. A
/// process that connects to no bus keeps it.
#[test]
fn connecting_to_a_bus_makes_bus_name_claims_inconclusive() {
    // An uid no account has, under a /run/user this test creates and removes.
    let dir = PathBuf::from(format!("/run/user/{}", 4_000_000 + std::process::id()));
    let run_user_existed = Path::new("/run/user").exists();
    std::fs::create_dir_all(&dir).expect("create the bus directory");
    let _cleanup = RemoveDirOnDrop(if run_user_existed {
        dir.clone()
    } else {
        PathBuf::from("/run/user")
    });
    let bus = dir.join("bus");
    let t = record(
        "bus",
        &format!(
            "/usr/bin/python3 -c \"import socket; s=socket.socket(socket.AF_UNIX); \
             s.bind('{p}'); s.listen(1); c=socket.socket(socket.AF_UNIX); c.connect('{p}')\"",
            p = bus.display()
        ),
    );
    let v = absent(&t, Check::OwnsDbusName);
    assert_status(&v, Status::Inconclusive);
    assert!(
        whats(&v)
            .iter()
            .any(|w| w.contains("session bus") && w.contains(&*bus.to_string_lossy())),
        "{:?}",
        whats(&v)
    );
    assert!(v.reason.contains("not recorded"), "{}", v.reason);
    let v = verdict(
        &t,
        claim(Check::OwnsDbusName, Expect::Present, Allow::default()),
    );
    assert_status(&v, Status::Inconclusive);

    let t = record("nobus", "/bin/true");
    let v = absent(&t, Check::OwnsDbusName);
    assert_status(&v, Status::Held);
}

/// Removes a directory tree however the test ends.
struct RemoveDirOnDrop(PathBuf);

impl Drop for RemoveDirOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
