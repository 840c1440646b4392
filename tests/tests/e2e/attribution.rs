//! Whose code did it: a small C daemon, a small Python daemon and a WSGI app under gunicorn's
//! worker model, each recorded quiet (only what its runtime does on its own) and noisy (it
//! spawns, draws randomness, reads a setting through getenv, connects), judged against the
//! negative claims a reviewer writes. The runtime's own doings (libc's malloc seed, systemd's
//! NOTIFY_SOCKET, CPython's random-module seed, libssl being mapped, gunicorn forking its
//! workers) never contradict; the package's code does. Network actions only target 127.0.0.x.

use std::{path::Path, time::Duration};

use tracer::{
    claims::{Check, ClaimSet, Package, RuntimeKind},
    trace::Trace,
    verdict::{Status, Verdict, judge, runtime::Cause},
};

use crate::common::*;

const CHECKS: &[Check] = &[
    Check::ProcessesSpawned,
    Check::Environment,
    Check::Crypto,
    Check::OutgoingDestinations,
];

/// The four claims, judged; the package has no named daemons, so the recorded command's tree
/// is the package.
fn verdicts(t: &Trace) -> Vec<Verdict> {
    judge(t, &absent_claims("attribution-test", CHECKS)).verdicts
}

fn of(vs: &[Verdict], check: Check) -> &Verdict {
    vs.iter().find(|v| v.claim.check == check).expect("judged")
}

fn show(v: &Verdict) -> String {
    format!(
        "{} {}: {}\n evidence {:?}\n runtime {:?}",
        v.claim.check,
        v.status.label(),
        v.reason,
        v.evidence
            .shown
            .iter()
            .map(|e| (&e.what, e.attribution.as_ref().map(|a| &a.why)))
            .collect::<Vec<_>>(),
        v.runtime
            .iter()
            .map(|g| (g.cause, &g.why, g.total))
            .collect::<Vec<_>>()
    )
}

fn expect(v: &Verdict, status: Status) {
    assert_eq!(v.status, status, "{}", show(v));
}

/// Every shown evidence event says it is the package's code.
fn all_package(v: &Verdict) {
    assert!(v.evidence.total > 0, "{}", show(v));
    for e in &v.evidence.shown {
        let a = e
            .attribution
            .as_ref()
            .expect("evidence carries its attribution");
        assert_eq!(a.cause, Cause::Package, "{}", show(v));
    }
}

fn runtime_did(v: &Verdict, why: &str) {
    assert!(
        v.runtime
            .iter()
            .any(|g| g.cause == Cause::Runtime && g.why.contains(why)),
        "runtime group with {why:?} expected: {}",
        show(v)
    );
    assert!(v.reason.contains("the runtime did"), "{}", show(v));
}

const C_DAEMON: &str = r#"
#include <arpa/inet.h>
#include <locale.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* libsystemd's: it reads NOTIFY_SOCKET (declared, so no development headers are needed). */
int sd_notify(int unset_environment, const char *state);

int main(int argc, char **argv) {
    /* What any daemon's runtime does: the locale (libc reads LANG, LC_*) and systemd's
       notification socket. */
    setlocale(LC_ALL, "");
    sd_notify(0, "READY=1");
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "spawn")) {
            pid_t p = fork();
            if (p == 0) {
                execl("/bin/true", "true", (char *)0);
                _exit(127);
            }
            waitpid(p, 0, 0);
        } else if (!strcmp(argv[i], "env")) {
            (void)getenv("DAEMON_SETTING");
        } else if (!strcmp(argv[i], "crypto")) {
            unsigned char b[32];
            if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b) return 1;
        } else if (!strcmp(argv[i], "connect")) {
            int s = socket(AF_INET, SOCK_STREAM, 0);
            struct sockaddr_in a;
            memset(&a, 0, sizeof a);
            a.sin_family = AF_INET;
            a.sin_port = htons(9);
            inet_pton(AF_INET, "127.0.0.9", &a.sin_addr);
            (void)connect(s, (struct sockaddr *)&a, sizeof a);
            close(s);
        }
    }
    return 0;
}
"#;

/// systemd's client library: sd_notify reads NOTIFY_SOCKET itself.
const LIBSYSTEMD: &str = "/usr/lib/x86_64-linux-gnu/libsystemd.so.0";

#[test]
fn c_daemon_runtime_is_not_the_package() {
    let work = TempDir::new("attr-c");
    assert!(
        Path::new(LIBSYSTEMD).is_file(),
        "{LIBSYSTEMD} is needed: apt-get install libsystemd0"
    );
    let bin = compile_c(work.path(), "cdaemon", C_DAEMON, &[LIBSYSTEMD]);

    let quiet = verdicts(&record("attr-c-quiet", &["--", &bin]).trace);
    expect(of(&quiet, Check::ProcessesSpawned), Status::Held);
    expect(of(&quiet, Check::OutgoingDestinations), Status::Held);
    // glibc's malloc seeds its tcache key with getrandom: the runtime's, shown apart.
    let crypto = of(&quiet, Check::Crypto);
    expect(crypto, Status::Held);
    runtime_did(crypto, "tcache");
    // NOTIFY_SOCKET is systemd's protocol; the claim stays inconclusive only because reads
    // of environ without getenv are invisible.
    let env = of(&quiet, Check::Environment);
    expect(env, Status::Inconclusive);
    assert_eq!(env.evidence.total, 0, "{}", show(env));
    runtime_did(env, "NOTIFY_SOCKET");

    let noisy = verdicts(
        &record(
            "attr-c-noisy",
            &["--", &bin, "spawn", "env", "crypto", "connect"],
        )
        .trace,
    );
    for check in CHECKS {
        let v = of(&noisy, *check);
        expect(v, Status::Contradicted);
        all_package(v);
    }
    let env = of(&noisy, Check::Environment);
    assert_eq!(
        env.evidence
            .shown
            .iter()
            .map(|e| e.what.as_str())
            .collect::<Vec<_>>(),
        ["getenv DAEMON_SETTING"],
        "only the daemon's own lookup: {}",
        show(env)
    );
    let crypto = of(&noisy, Check::Crypto);
    assert!(
        crypto
            .evidence
            .shown
            .iter()
            .all(|e| e.what == "getrandom of 32 bytes (random source)"),
        "{}",
        show(crypto)
    );
}

const PY_DAEMON: &str = r#"
import os, random, socket, ssl, subprocess, sys

# Python code reads os.environ, a dict made at start-up: no getenv call to see.
setting = os.environ.get("DAEMON_SETTING")
for a in sys.argv[1:]:
    if a == "spawn":
        subprocess.run(["/bin/true"], check=True)
    elif a == "crypto":
        os.urandom(32)
    elif a == "connect":
        s = socket.socket()
        try:
            s.connect(("127.0.0.9", 9))
        except OSError:
            pass
        s.close()
"#;

/// Debian's python3 (the system interpreter, not a developer's shim).
const PYTHON: &str = "/usr/bin/python3";

#[test]
fn python_daemon_runtime_is_not_the_package() {
    assert!(
        Path::new(PYTHON).is_file(),
        "{PYTHON} is needed: apt-get install python3"
    );
    let work = TempDir::new("attr-py");
    let script = work.join("pydaemon.py");
    std::fs::write(&script, PY_DAEMON).expect("write script");
    let script = script.display().to_string();

    let rec = record("attr-py-quiet", &["--", PYTHON, &script]);
    let quiet = verdicts(&rec.trace);
    expect(of(&quiet, Check::ProcessesSpawned), Status::Held);
    expect(of(&quiet, Check::OutgoingDestinations), Status::Held);
    // `import random` seeds the Mersenne Twister; `import ssl` maps libssl: the runtime's.
    // With the library mapped and its calls unrecorded, "no crypto" cannot be held.
    let crypto = of(&quiet, Check::Crypto);
    assert_eq!(crypto.evidence.total, 0, "{}", show(crypto));
    runtime_did(crypto, "Mersenne Twister");
    runtime_did(crypto, "mapped: a library loaded is context");
    // An interpreter reads os.environ without getenv: never held, and never contradicted by
    // the interpreter's own lookups.
    let env = of(&quiet, Check::Environment);
    expect(env, Status::Inconclusive);
    assert_eq!(env.evidence.total, 0, "{}", show(env));
    // The report names what the interpreter ran.
    let judged = tracer::verdict::judge(
        &rec.trace,
        &ClaimSet {
            package: Package::default(),
            claims: Vec::new(),
            not_checkable: Vec::new(),
            unrecognised: Vec::new(),
        },
    );
    assert!(
        judged
            .interpreters
            .iter()
            .any(|i| i.starts_with("python3") && i.contains(&script)),
        "{:?}",
        judged.interpreters
    );

    let noisy = verdicts(
        &record(
            "attr-py-noisy",
            &["--", PYTHON, &script, "spawn", "crypto", "connect"],
        )
        .trace,
    );
    for check in [
        Check::ProcessesSpawned,
        Check::Crypto,
        Check::OutgoingDestinations,
    ] {
        let v = of(&noisy, check);
        expect(v, Status::Contradicted);
        all_package(v);
    }
    let spawned = of(&noisy, Check::ProcessesSpawned);
    assert!(
        spawned.evidence.shown.iter().any(|e| e
            .attribution
            .as_ref()
            .is_some_and(|a| a.why == format!("python3 running {script} ran /bin/true"))),
        "{}",
        show(spawned)
    );
}

const WSGI_APP: &str = r#"
import os, subprocess

def app(environ, start_response):
    if os.path.exists(os.path.join(os.path.dirname(__file__), "noisy")):
        subprocess.run(["/bin/true"], check=True)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok\n"]
"#;

/// Records gunicorn (two workers) serving the app on 127.0.0.1:PORT, asks it for one page,
/// and stops it with SIGTERM, as systemd would.
fn record_gunicorn(tag: &str, dir: &Path, port: u16) -> Trace {
    let pidfile = dir.join("gunicorn.pid");
    let bind = format!("127.0.0.1:{port}");
    let running = start_recording(
        tag,
        &[
            "--",
            "/usr/bin/gunicorn",
            "--workers",
            "2",
            "--bind",
            &bind,
            "--pid",
            &pidfile.display().to_string(),
            "--chdir",
            &dir.display().to_string(),
            "wsgiapp:app",
        ],
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let reply = loop {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::{Read, Write};
            s.set_read_timeout(Some(Duration::from_secs(20))).ok();
            s.write_all(b"GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                .expect("send request");
            let mut out = String::new();
            let _ = s.read_to_string(&mut out);
            break out;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "gunicorn did not listen on {bind} within 60 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(reply.contains("200 OK"), "gunicorn answered: {reply}");
    let pid: i32 = std::fs::read_to_string(&pidfile)
        .expect("gunicorn's pid file")
        .trim()
        .parse()
        .expect("a pid");
    // SAFETY: signalling the gunicorn master this test started.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    let rec = running.wait_exit();
    rec.trace
}

const GUNICORN: &str = "/usr/bin/gunicorn";

#[test]
fn gunicorn_workers_are_the_runtime_and_the_app_is_the_package() {
    assert!(
        Path::new(GUNICORN).is_file(),
        "{GUNICORN} is needed: apt-get install gunicorn"
    );
    let work = TempDir::new("attr-gunicorn");
    std::fs::write(work.join("wsgiapp.py"), WSGI_APP).expect("write app");

    let quiet = verdicts(&record_gunicorn("attr-gunicorn-quiet", work.path(), 18431));
    let spawned = of(&quiet, Check::ProcessesSpawned);
    expect(spawned, Status::Held);
    runtime_did(spawned, "gunicorn's worker model");

    std::fs::write(work.join("noisy"), "").expect("mark noisy");
    let noisy = verdicts(&record_gunicorn("attr-gunicorn-noisy", work.path(), 18432));
    let spawned = of(&noisy, Check::ProcessesSpawned);
    expect(spawned, Status::Contradicted);
    all_package(spawned);
    assert!(
        spawned
            .evidence
            .shown
            .iter()
            .any(|e| e.what.starts_with("exec /usr/bin/true")
                || e.what.starts_with("exec /bin/true")),
        "{}",
        show(spawned)
    );
    runtime_did(spawned, "gunicorn's worker model");
}

/// Links OpenSSL's libcrypto; calls RAND_bytes only when asked. Declared here, not included,
/// so no development headers are needed.
const CRYPTO_DAEMON: &str = r#"
#include <string.h>
int RAND_bytes(unsigned char *buf, int num);
int main(int argc, char **argv) {
    unsigned char key[32];
    if (argc > 1 && !strcmp(argv[1], "key")) return RAND_bytes(key, sizeof key) != 1;
    return 0;
}
"#;

/// The libcrypto the system's programs use, next to the C library.
const LIBCRYPTO: &str = "/usr/lib/x86_64-linux-gnu/libcrypto.so.3";

#[test]
fn a_mapped_crypto_library_is_context_and_a_call_is_evidence() {
    assert!(
        Path::new(LIBCRYPTO).is_file(),
        "{LIBCRYPTO} is needed: apt-get install libssl3"
    );
    let work = TempDir::new("attr-crypto");
    let bin = compile_c(work.path(), "cryptod", CRYPTO_DAEMON, &[LIBCRYPTO]);

    let rec = record("attr-crypto-quiet", &["--", &bin]);
    assert!(
        rec.trace
            .header
            .hooks
            .attached
            .iter()
            .any(|h| h.starts_with("uprobe:") && h.ends_with("libcrypto.so.3:RAND_bytes")),
        "a crypto uprobe attached: {:?}",
        rec.trace.header.hooks.failed
    );
    let quiet = verdicts(&rec.trace);
    let crypto = of(&quiet, Check::Crypto);
    expect(crypto, Status::Held);
    runtime_did(crypto, "libcrypto.so.3 mapped");

    let noisy = verdicts(&record("attr-crypto-noisy", &["--", &bin, "key"]).trace);
    let crypto = of(&noisy, Check::Crypto);
    expect(crypto, Status::Contradicted);
    all_package(crypto);
    assert!(
        crypto
            .evidence
            .shown
            .iter()
            .any(|e| e.what == "call of RAND_bytes in libcrypto.so (crypto library)"),
        "{}",
        show(crypto)
    );
}

/// A library the program links, which calls getenv and a crypto entry point for itself, in
/// its constructor, as libnettle's does (`NETTLE_FAT_*`). Declared, not included: no
/// development headers needed.
const DEP_LIBRARY: &str = r#"
#include <stdlib.h>
void nettle_sha256_init(void *ctx);
__attribute__((constructor)) static void dep_init(void) {
    char ctx[512];
    (void)getenv("SOME_LIB_SETTING");
    nettle_sha256_init(ctx);
}
"#;

/// Links the library; with `own`, makes the same kinds of call from its own code.
const DEP_PROGRAM: &str = r#"
#include <stdlib.h>
#include <string.h>
void nettle_sha256_init(void *ctx);
int main(int argc, char **argv) {
    char ctx[512];
    if (argc > 1 && !strcmp(argv[1], "own")) {
        (void)getenv("SOME_APP_SETTING");
        nettle_sha256_init(ctx);
    }
    return 0;
}
"#;

/// nettle, which the crypto uprobes cover (`nettle_sha256_init`), next to the C library.
const LIBNETTLE: &str = "/usr/lib/x86_64-linux-gnu/libnettle.so.8";

/// The getenv and crypto calls a linked library makes in its own code are the dependency's,
/// named in the runtime section; the program's own calls, through the same functions, are
/// the package's. Told apart by the caller: the file at the call's return address.
#[test]
fn a_librarys_own_getenv_and_crypto_calls_are_the_dependencys() {
    assert!(
        Path::new(LIBNETTLE).is_file(),
        "{LIBNETTLE} is needed: apt-get install libnettle8"
    );
    let work = TempDir::new("attr-caller");
    // gcc takes the options after the source as well.
    let lib = compile_c(
        work.path(),
        "libattrdep.so.1",
        DEP_LIBRARY,
        &["-shared", "-fPIC", "-Wl,-soname,libattrdep.so.1", LIBNETTLE],
    );
    let rpath = format!("-Wl,-rpath,{}", work.path().display());
    let bin = compile_c(
        work.path(),
        "attrapp",
        DEP_PROGRAM,
        &["-Wl,--no-as-needed", &lib, &rpath, LIBNETTLE],
    );

    // Only the library calls: nothing is the package's. Its crypto call may be on the
    // program's behalf (the immediate caller cannot tell), so "no crypto" is not held.
    let quiet = verdicts(&record("attr-caller-quiet", &["--", &bin]).trace);
    let crypto = of(&quiet, Check::Crypto);
    expect(crypto, Status::Inconclusive);
    assert_eq!(crypto.evidence.total, 0, "{}", show(crypto));
    assert!(
        crypto.runtime.iter().any(|g| g.cause == Cause::NotSeparable
            && g.why
                == "libattrdep.so.1 called nettle_sha256_init in libnettle.so: a library's call, \
                    on the program's request or for itself (only the immediate caller is known)"),
        "{}",
        show(crypto)
    );
    // An environment claim is never held (reads of environ are invisible), but nothing
    // contradicts it and the library's lookup is shown as the dependency's.
    let env = of(&quiet, Check::Environment);
    expect(env, Status::Inconclusive);
    assert_eq!(env.evidence.total, 0, "{}", show(env));
    runtime_did(
        env,
        "libattrdep.so.1 called getenv(\"SOME_LIB_SETTING\") in its own code",
    );
    let dep = env
        .runtime
        .iter()
        .find(|g| g.why.contains("SOME_LIB_SETTING"))
        .expect("the library's group");
    let shown = dep.shown[0].attribution.as_ref().expect("its attribution");
    assert_eq!(
        shown.runtime,
        Some(RuntimeKind::Dependency),
        "{}",
        show(env)
    );
    assert!(
        shown
            .caller
            .as_deref()
            .is_some_and(|c| c.starts_with("libattrdep.so.1+0x")),
        "the caller is named: {shown:?}"
    );

    // The program's own calls contradict, whatever the variable's name; the library's stay
    // apart.
    let own = verdicts(&record("attr-caller-own", &["--", &bin, "own"]).trace);
    for (check, what) in [
        (Check::Environment, "getenv SOME_APP_SETTING"),
        (
            Check::Crypto,
            "call of nettle_sha256_init in libnettle.so (crypto library)",
        ),
    ] {
        let v = of(&own, check);
        expect(v, Status::Contradicted);
        all_package(v);
        assert_eq!(
            v.evidence
                .shown
                .iter()
                .map(|e| e.what.as_str())
                .collect::<Vec<_>>(),
            [what],
            "only the program's own call: {}",
            show(v)
        );
        let a = v.evidence.shown[0]
            .attribution
            .as_ref()
            .expect("attributed");
        assert!(
            a.caller
                .as_deref()
                .is_some_and(|c| c.starts_with("attrapp (the executable)+0x")),
            "{a:?}"
        );
        // The library's own call is shown apart: the dependency's getenv, a crypto call
        // that is not separable.
        assert!(
            v.runtime
                .iter()
                .any(|g| g.cause != Cause::Package && g.why.starts_with("libattrdep.so.1 called")),
            "{}",
            show(v)
        );
    }
}
