//! Crypto in a program's own code: no library call, no syscall, so only the recorder's static
//! scan of the code a recorded process ran shows it (the footer's `code_scan`). Real programs
//! with SHA-256's round constants and RDRAND, round 2's RDRAND + AES-NI technique, a Python
//! script importing CPython's built-in BLAKE2, and a plain program are recorded; the trace
//! names what each file holds, and `tracer check` keeps "No cryptography" from holding over
//! the ones that hold crypto (inconclusive, the file named), and holds it over the plain one.

use std::path::Path;

use tracer::{
    claims::Check,
    trace::{CodeScan, Trace},
};

use crate::common::*;

/// SHA-256's 64 round constants in a table the program reads (FIPS 180-4), and RDRAND with its
/// carry check, as code that computes a digest-like value would hold them.
const SHA_RDRAND: &str = r#"
#include <stdio.h>
static const unsigned int K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};
int main(void) {
    unsigned long long r = 0;
    unsigned char ok = 0;
    for (int i = 0; i < 10 && !ok; i++)
        __asm__ volatile("rdrand %0; setc %1" : "=r"(r), "=qm"(ok));
    unsigned int h = 0x6a09e667;
    for (int i = 0; i < 64; i++)
        h = (h << 5 | h >> 27) ^ K[i] ^ (unsigned int)r;
    printf("%08x\n", h);
    return 0;
}
"#;

const PLAIN: &str = r#"
#include <stdio.h>
int main(int argc, char **argv) { printf("%d %s\n", argc, argv[0]); return 0; }
"#;

/// Round 2's x2_python_blake2, in small: CPython's built-in modules, no libcrypto mapped.
const PY_BLAKE2: &str =
    "#!/usr/bin/python3\nimport _blake2\nprint(_blake2.blake2b(b'x', key=b'k').hexdigest()[:8])\n";

fn scan_of<'a>(trace: &'a Trace, path: &str) -> &'a CodeScan {
    let scans = trace
        .footer
        .as_ref()
        .and_then(|f| f.code_scan.as_ref())
        .expect("the footer carries the code scan");
    scans
        .iter()
        .find(|s| s.path == path)
        .unwrap_or_else(|| panic!("no scan of {path} in {scans:#?}"))
}

/// `tracer check --format json` of a "No cryptography" claim: the verdict's status and reason.
fn check_crypto(dir: &Path, trace: &Path) -> (String, String) {
    let claims = dir.join("claims.toml");
    std::fs::write(
        &claims,
        "[package]\nname = \"codescan-test\"\n\n[[claim]]\ncheck = \"crypto\"\nexpect = \"absent\"\n",
    )
    .expect("write the claims file");
    let out = std::process::Command::new(tracer_bin())
        .args(["check", "--format", "json", "--claims"])
        .arg(&claims)
        .arg("--trace")
        .arg(trace)
        .output()
        .expect("run tracer check");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let v = report["verdicts"]
        .as_array()
        .and_then(|vs| vs.iter().find(|v| v["claim"]["check"] == "crypto"))
        .unwrap_or_else(|| panic!("no crypto verdict: {report:#}"));
    (
        v["status"].as_str().unwrap_or_default().to_owned(),
        v["reason"].as_str().unwrap_or_default().to_owned(),
    )
}

#[test]
fn crypto_in_a_programs_own_code_keeps_no_crypto_from_holding() {
    let work = TempDir::new("codescan");
    let bin = compile_c(work.path(), "sha_rdrand", SHA_RDRAND, &[]);
    let rec = record("codescan-sha", &["--", &bin]);
    let scan = scan_of(&rec.trace, &bin);
    assert!(scan.elf && scan.unscanned.is_none(), "{scan:?}");
    assert_eq!(scan.constants, ["SHA-256"], "{scan:?}");
    assert_eq!(scan.instructions, ["RDRAND"], "{scan:?}");
    // The loader the kernel ran with it is scanned too, as the runtime's.
    let loader = scan.interpreter.as_deref().expect("PT_INTERP");
    assert!(scan_of(&rec.trace, loader).unscanned.is_none());
    let (status, reason) = check_crypto(work.path(), &rec.dir.join("trace.jsonl"));
    assert_eq!(status, "inconclusive", "{reason}");
    assert!(
        reason.contains(&bin) && reason.contains("SHA-256") && reason.contains("RDRAND"),
        "{reason}"
    );
    // The library API of the same judgement agrees.
    let v = tracer::verdict::judge(
        &rec.trace,
        &absent_claims("codescan-test", &[Check::Crypto]),
    );
    assert_eq!(v.verdicts[0].status, tracer::verdict::Status::Inconclusive);
}

/// Round 2's x2_rdrand_aesni, built as run.py builds it: it was held before the scan.
#[test]
fn round2_rdrand_aesni_is_no_longer_held() {
    let work = TempDir::new("codescan-aesni");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("adversarial/round2");
    let bin = work.join("x2_rdrand_aesni");
    let out = std::process::Command::new("cc")
        .args(["-O0", "-no-pie", "-pthread", "-mrdrnd", "-maes"])
        .arg(format!("-DSCRATCH=\"{}\"", work.path().display()))
        .arg("-I")
        .arg(&src)
        .arg("-o")
        .arg(&bin)
        .arg(src.join("x2_rdrand_aesni.c"))
        .output()
        .expect("run cc");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bin = bin.display().to_string();
    let rec = record("codescan-aesni", &["--", &bin]);
    let scan = scan_of(&rec.trace, &bin);
    assert!(
        scan.instructions.iter().any(|i| i == "RDRAND")
            && scan.instructions.iter().any(|i| i == "AES-NI"),
        "{scan:?}"
    );
    let (status, reason) = check_crypto(work.path(), &rec.dir.join("trace.jsonl"));
    assert_eq!(status, "inconclusive", "{reason}");
    assert!(reason.contains("AES-NI"), "{reason}");
}

/// CPython's built-in `_blake2` maps no library and makes no call a uprobe sees; the script
/// the package ran imports it, and says so.
#[test]
fn a_python_script_importing_builtin_blake2_is_not_held() {
    let work = TempDir::new("codescan-py");
    let script = work.join("blake2.py");
    std::fs::write(&script, PY_BLAKE2).expect("write the script");
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod");
    let script = script.display().to_string();
    let rec = record("codescan-py", &["--", &script]);
    let scan = scan_of(&rec.trace, &script);
    assert_eq!(scan.imports, ["_blake2"], "{scan:?}");
    assert_eq!(scan.interpreter.as_deref(), Some("/usr/bin/python3"));
    let (status, reason) = check_crypto(work.path(), &rec.dir.join("trace.jsonl"));
    assert_eq!(status, "inconclusive", "{reason}");
    assert!(reason.contains("imports _blake2"), "{reason}");
}

/// A program with no crypto in it: the scan finds nothing in it, its loader and its libc
/// (the runtime's either way), and the claim holds.
#[test]
fn a_plain_program_still_holds_no_crypto() {
    let work = TempDir::new("codescan-plain");
    let bin = compile_c(work.path(), "plain", PLAIN, &[]);
    let rec = record("codescan-plain", &["--", &bin]);
    let scan = scan_of(&rec.trace, &bin);
    assert!(
        scan.found().is_none() && scan.unscanned.is_none(),
        "{scan:?}"
    );
    let (status, reason) = check_crypto(work.path(), &rec.dir.join("trace.jsonl"));
    assert_eq!(status, "held", "{reason}");
}
