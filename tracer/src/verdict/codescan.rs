//! The crypto claim over the code the package ran: what the recorder's static scan of each
//! executed program and opened shared object found (the footer's `code_scan`, see
//! `record::codescan`).
//!
//! Crypto done in a program's own code — a built-in SHA-256, an AES round with AES-NI,
//! RDRAND — makes no call and no syscall the trace can see, so "No cryptography" can only be
//! held over code that was looked at. A scan says what a file contains, not what ran: a
//! finding in the package's own code makes the claim inconclusive (never contradicted), with
//! the file and what it holds named. Whose code a file is follows docs/claims.md ("Whose
//! code"):
//! - the package's: a program a package process ran natively (any program the package runs
//!   is its choice; an interpreter or application server is the runtime), a script it ran
//!   (a `#!` file), a shared object the package installed (the contents manifest of a
//!   `vm check`);
//! - the runtime's: the dynamic loader and the interpreter a file names, interpreter and
//!   application-server binaries, programs the claims file names in `runtime_programs`, and
//!   every other shared object (a dependency: libc, libpython, libsystemd… a library mapped is
//!   context; its calls are the `crypto` uprobes' business).
//!
//! A file of the package's that could not be scanned, or a trace whose recorder did not scan,
//! leaves the claim inconclusive too: it cannot be held over code nobody looked at.

use std::collections::{BTreeMap, HashMap};

use super::attribution::{Attribution, Origin, basename};
use super::runtime::is_runtime_program;
use crate::{
    claims::{Check, Package},
    trace::{CodeScan, EventData, Trace},
};

/// At most this many files are named in one reason; the rest are counted.
const NAMED: usize = 4;

/// The gaps the code scan leaves in a `crypto` claim: findings in the package's own code,
/// files of it not scanned, or no scan at all.
pub fn crypto_code_gaps(
    trace: &Trace,
    check: Check,
    package: &Package,
    attribution: &Attribution,
) -> Vec<String> {
    if check != Check::Crypto {
        return Vec::new();
    }
    let Some(footer) = &trace.footer else {
        // No footer: nothing is held anyway, and the missing footer says why.
        return Vec::new();
    };
    // A host-written footer of a cut stream: the cut already holds every claim back.
    if footer.cut.is_some() {
        return Vec::new();
    }
    let package_files = package_code(trace, package, attribution);
    if package_files.is_empty() {
        return Vec::new();
    }
    let Some(scans) = &footer.code_scan else {
        return vec![
            "the code run was not scanned for built-in crypto (older recorder)".to_owned(),
        ];
    };
    let by_name: HashMap<&str, &CodeScan> = scans
        .iter()
        .flat_map(|s| {
            std::iter::once((s.path.as_str(), s)).chain(s.real_path.as_deref().map(|r| (r, s)))
        })
        .collect();
    // The library functions a uprobe watched: a call to one is a `crypto` event, and a library
    // mapped with them is context (e2e attribution: a daemon that links libcrypto for a key it
    // draws only when asked holds "No cryptography" until it draws). A caller that enters one
    // past its probed first instruction is round 8's x8_evp_skip_entry, left open.
    let watched: std::collections::HashSet<&str> = uprobes(trace).map(|(_, f)| f).collect();
    let mut found: Vec<String> = Vec::new();
    let mut unscanned: Vec<String> = Vec::new();
    for (path, role) in &package_files {
        match by_name.get(path.as_str()) {
            None => unscanned.push(format!("{path} (not in the scan)")),
            Some(s) => {
                if let Some(what) = s.found_where(|f| !watched.contains(f)) {
                    found.push(format!("{path} ({role}) contains {what}"));
                }
                if let Some(why) = &s.unscanned {
                    unscanned.push(format!("{path} ({why})"));
                }
            }
        }
    }
    let mut gaps = Vec::new();
    if !found.is_empty() {
        gaps.push(format!(
            "the package's own code contains crypto (a static scan of the files it ran: \
             present in the file, not necessarily run): {}",
            named(&found)
        ));
    }
    if !unscanned.is_empty() {
        gaps.push(format!(
            "{} file(s) of the package's code could not be scanned for built-in crypto: {}",
            unscanned.len(),
            named(&unscanned)
        ));
    }
    gaps
}

/// The uprobes the header lists as attached (`uprobe:FILE:SYMBOL`), as (file, symbol).
fn uprobes(trace: &Trace) -> impl Iterator<Item = (&str, &str)> {
    trace
        .header
        .hooks
        .attached
        .iter()
        .filter_map(|h| h.strip_prefix("uprobe:")?.rsplit_once(':'))
}

/// Crypto libraries a package process mapped that no uprobe watched: the recorder hooks the
/// libraries it knows (`uprobe:FILE:SYMBOL` in the header), and a call into another one
/// (mbedTLS, wolfSSL, a copy of libcrypto at another path) leaves no event, so its mapping is
/// no longer mere context: the claim cannot hold.
pub fn unhooked_crypto_libraries(
    trace: &Trace,
    check: Check,
    attribution: &Attribution,
) -> Vec<String> {
    if check != Check::Crypto {
        return Vec::new();
    }
    let hooked: std::collections::HashSet<&str> =
        uprobes(trace).map(|(file, _)| merged_usr(file)).collect();
    // No uprobe at all: coverage.rs's gap ("no crypto uprobes in this trace") says it.
    if hooked.is_empty() {
        return Vec::new();
    }
    let mut unhooked: Vec<String> = Vec::new();
    for (ev, origin) in trace.events.iter().zip(&attribution.per_event) {
        if *origin != Origin::Package || !ev.result.as_ref().is_none_or(|r| r.ok()) {
            continue;
        }
        if let EventData::Open { path, .. } = &ev.data
            && super::runtime::is_crypto_library(path.best())
            && !path.names().any(|n| hooked.contains(merged_usr(n)))
            && !unhooked.iter().any(|u| u == path.best())
        {
            unhooked.push(path.best().to_owned());
        }
    }
    if unhooked.is_empty() {
        return Vec::new();
    }
    vec![format!(
        "crypto librar{} mapped with no uprobe on {}: calls into {} are not recorded",
        if unhooked.len() == 1 { "y" } else { "ies" },
        if unhooked.len() == 1 { "it" } else { "them" },
        named(&unhooked)
    )]
}

/// `/usr/lib/x` and `/lib/x` are one file on a merged-/usr system: the name without `/usr`.
fn merged_usr(p: &str) -> &str {
    p.strip_prefix("/usr")
        .filter(|r| r.starts_with('/'))
        .unwrap_or(p)
}

/// The files the package's processes ran that are its own code, each with how it ran it.
fn package_code(
    trace: &Trace,
    package: &Package,
    attribution: &Attribution,
) -> BTreeMap<String, &'static str> {
    let runtime_named = |p: &str| {
        package
            .runtime_programs
            .iter()
            .any(|r| r == p || r == basename(p))
    };
    let owned = &attribution.programs.owned;
    let mut files: BTreeMap<String, &'static str> = BTreeMap::new();
    for (ev, origin) in trace.events.iter().zip(&attribution.per_event) {
        if *origin != Origin::Package || !ev.result.as_ref().is_none_or(|r| r.ok()) {
            continue;
        }
        match &ev.data {
            EventData::Exec { path, argv, .. } => {
                let p = path.best();
                // A `#!` script execs as itself (argv[0] names its interpreter): the script
                // is the package's, the interpreter the runtime's.
                if p.is_empty() || is_runtime_program(p) || runtime_named(p) {
                    continue;
                }
                let script = argv.first().is_some_and(|a| is_runtime_program(a));
                if script && argv.iter().any(|a| runtime_named(a)) {
                    continue;
                }
                files
                    .entry(p.to_owned())
                    .or_insert(if script { "a script" } else { "a program" });
            }
            EventData::Open { path, access, .. }
                if access == "read" && owned.contains(basename(path.best())) =>
            {
                let p = path.best();
                if crate::record::codescan::is_shared_object(p) {
                    files
                        .entry(p.to_owned())
                        .or_insert("a library the package installed");
                }
            }
            _ => {}
        }
    }
    files
}

fn named(items: &[String]) -> String {
    let mut s = items
        .iter()
        .take(NAMED)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if items.len() > NAMED {
        s.push_str(&format!("; and {} more", items.len() - NAMED));
    }
    s
}
