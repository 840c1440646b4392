//! Issue 11, round 9's symlink techniques: a call by a path whose relative part goes through a
//! symlink (`lnk/x`, `lnk/../x`), or whose last link the call follows (chmod), lands where the
//! link leads; the kernel walk names only the directory the call started from. The recorder
//! looks such paths up on the host as their events arrive (`tracer/src/events/lookup.rs`), and
//! the trace names the true place in `looked_up`; not for a process in a mount namespace of
//! its own, whose paths the recorder's lookup does not see.

use std::path::Path;

use tracer::trace::{Event, EventData, Found, PathRef};

use crate::common::*;

/// The one event of `syscall` whose path (by `path_of`) was given as `given`.
fn by_given<'a>(
    events: &'a [Event],
    syscall: &str,
    given: &str,
    path_of: fn(&EventData) -> Option<&PathRef>,
) -> &'a PathRef {
    let found: Vec<&PathRef> = events
        .iter()
        .filter(|e| syscall_is(e, syscall))
        .filter_map(|e| path_of(&e.data))
        .filter(|p| p.given.as_deref() == Some(given) || p.resolved.as_deref() == Some(given))
        .collect();
    assert_eq!(found.len(), 1, "{syscall} {given}: {found:?}");
    found[0]
}

fn canon(p: &Path) -> String {
    std::fs::canonicalize(p)
        .expect("the file the call made")
        .display()
        .to_string()
}

#[test]
fn calls_through_a_symlink_in_the_relative_part_are_named_where_they_land() {
    let dir = TempDir::new("symlinks");
    let (allowed, out) = (dir.join("allowed"), dir.join("out"));
    for d in ["sl", "slc", "slr", "dd/sub", "leaf", "abs", "gone"] {
        std::fs::create_dir_all(out.join(d)).expect("mkdir -p");
    }
    std::fs::create_dir(&allowed).expect("mkdir");
    std::fs::write(out.join("slc/chm"), b"").expect("a file to chmod");
    std::fs::write(out.join("slr/victim"), b"").expect("a file to take");
    std::fs::write(out.join("leaf/file"), b"").expect("a file behind a link");
    for (link, to) in [
        ("lnk", "sl"),
        ("lnkc", "slc"),
        ("lnkr", "slr"),
        ("lnkdd", "dd/sub"),
        ("leaflnk", "leaf/file"),
        ("lnkabs", "abs"),
        ("lnkgone", "gone"),
    ] {
        std::os::unix::fs::symlink(out.join(to), allowed.join(link)).expect("symlink");
    }
    let script = format!(
        "import os, shutil\n\
         d = os.open('{a}', os.O_RDONLY | os.O_DIRECTORY)\n\
         os.mkdir('lnk/made', dir_fd=d)\n\
         os.chmod('lnkc/chm', 0o4755, dir_fd=d)\n\
         os.rename('lnkr/victim', 'taken', src_dir_fd=d, dst_dir_fd=d)\n\
         os.mkdir('lnkdd/../dotdot', dir_fd=d)\n\
         os.chmod('leaflnk', 0o4755, dir_fd=d)\n\
         os.mkdir('{a}/lnkabs/absmade')\n\
         os.mkdir('lnkgone/x', dir_fd=d)\n\
         os.unlink('{a}/lnkgone')\n\
         shutil.rmtree('{o}/gone')\n\
         import ctypes\n\
         libc = ctypes.CDLL(None, use_errno=True)\n\
         assert libc.unshare(0x20000) == 0, ctypes.get_errno()\n\
         os.mkdir('lnk/in_ns', dir_fd=d)\n",
        a = allowed.display(),
        o = out.display(),
    );
    let rec = record("symlinks", &["--", "/usr/bin/python3", "-c", &script]);
    let t = &rec.trace.events;
    assert!(
        allowed.join("taken").exists() && !out.join("slr/victim").exists(),
        "the rename took the file"
    );
    let mkdir: fn(&EventData) -> Option<&PathRef> = |d| match d {
        EventData::Mkdir { path, .. } => Some(path),
        _ => None,
    };
    let chmod: fn(&EventData) -> Option<&PathRef> = |d| match d {
        EventData::Chmod { path, .. } => path.as_ref(),
        _ => None,
    };
    let from: fn(&EventData) -> Option<&PathRef> = |d| match d {
        EventData::Rename { from, .. } => Some(from),
        _ => None,
    };
    let abs = format!("{}/lnkabs/absmade", allowed.display());
    let landed = [
        ("mkdirat", "lnk/made", mkdir, canon(&out.join("sl/made"))),
        ("fchmodat", "lnkc/chm", chmod, canon(&out.join("slc/chm"))),
        // The file taken: its old name, in the directory the link leads to.
        (
            "renameat",
            "lnkr/victim",
            from,
            format!("{}/victim", canon(&out.join("slr"))),
        ),
        // The kernel's `..` is the link target's parent, not the allowed dir.
        (
            "mkdirat",
            "lnkdd/../dotdot",
            mkdir,
            canon(&out.join("dd/dotdot")),
        ),
        ("fchmodat", "leaflnk", chmod, canon(&out.join("leaf/file"))),
        (
            "mkdir",
            abs.as_str(),
            mkdir,
            canon(&out.join("abs/absmade")),
        ),
    ];
    for (syscall, given, path_of, want) in landed {
        let p = by_given(t, syscall, given, path_of);
        assert_eq!(
            p.looked_up.as_ref().map(|l| &l.found),
            Some(&Found::Name(want.clone())),
            "{syscall} {given}: {p:?}"
        );
        assert!(
            p.looked_up.as_ref().is_some_and(|l| l.time.is_some()),
            "{p:?}"
        );
        assert!(p.names().any(|n| n == want), "{p:?}");
    }
    // Its link and directory were removed at once: the lookup found the true place if it
    // came first, else says it failed; never absent, never the name by letters.
    let gone = by_given(t, "mkdirat", "lnkgone/x", mkdir);
    let want = format!("{}/gone/x", canon(&out));
    match gone.looked_up.as_ref().map(|l| &l.found) {
        Some(Found::Name(n)) => assert_eq!(n, &want),
        Some(Found::Failed(e)) => assert_eq!(e, "ENOENT"),
        None => panic!("no lookup: {gone:?}"),
    }
    // In a mount namespace of its own the process's paths are not the recorder's: no lookup.
    let in_ns = by_given(t, "mkdirat", "lnk/in_ns", mkdir);
    assert_eq!(in_ns.looked_up, None, "{in_ns:?}");
    // A plain name below the walked dirfd needs none.
    let plain = by_given(t, "renameat", "taken", |d| match d {
        EventData::Rename { to, .. } => Some(to),
        _ => None,
    });
    assert_eq!(plain.looked_up, None, "{plain:?}");
}

/// The chmod to 04755 landed on the file at `path` (outside the allowed dir).
fn assert_setuid_mode(path: &Path) {
    let mode = std::fs::metadata(path).expect("stat").permissions();
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&mode) & 0o7777,
        0o4755,
        "the chmod landed outside"
    );
}

/// The file_io verdict is inconclusive and its text names `why`.
fn assert_inconclusive_because(verdict: &serde_json::Value, why: &str) {
    assert_eq!(verdict["status"], "inconclusive", "{verdict:#}");
    assert!(verdict.to_string().contains(why), "{verdict:#}");
}

/// Round 10's relink techniques (`symlinks/relink.c`), compiled and recorded in `mode` with a
/// fresh allowed directory and one outside it, made by `prepare`; then `tracer check` of
/// "No notable file IO" allowing only the allowed directory: the trace, the directories, and
/// the verdict's JSON.
fn relink(mode: &str, prepare: fn(&Path, &Path)) -> (Recorded, TempDir, serde_json::Value) {
    let work = TempDir::new(&format!("relink-{mode}"));
    let bin = compile_c(
        work.path(),
        "relink",
        include_str!("symlinks/relink.c"),
        &[],
    );
    let (allowed, out) = (work.join("allowed"), work.join("out"));
    std::fs::create_dir_all(&allowed).expect("mkdir allowed");
    std::fs::create_dir_all(&out).expect("mkdir out");
    prepare(&allowed, &out);
    let (a, o) = (allowed.display().to_string(), out.display().to_string());
    let rec = record(&format!("relink-{mode}"), &["--", &bin, mode, &a, &o]);
    let claims = work.join("claims.toml");
    std::fs::write(
        &claims,
        format!(
            "[package]\nname = \"relink\"\ndirs = [\"{a}\"]\n\n[[claim]]\ncheck = \"file_io\"\nexpect = \"absent\"\n"
        ),
    )
    .expect("write the claims file");
    let out = std::process::Command::new(tracer_bin())
        .args(["check", "--format", "json", "--claims"])
        .arg(&claims)
        .arg("--trace")
        .arg(rec.dir.join("trace.jsonl"))
        .output()
        .expect("run tracer check");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let verdict = report["verdicts"][0].clone();
    assert_eq!(verdict["claim"]["check"], "file_io", "{report:#}");
    (rec, work, verdict)
}

/// f10_swap_chmod, f10_swap_mkdir: the link leads outside only for the call, and is swapped
/// back (a recorded RENAME_EXCHANGE) before the recorder's lookup, which then names the
/// decoy in the allowed directory. The claim is not held: the lookup's `time` says it came
/// after the swap back.
#[test]
fn a_link_swapped_back_before_the_lookup_leaves_the_call_unplaced() {
    let (rec, work, verdict) = relink("swap", |allowed, out| {
        for d in [out.join("sw"), allowed.join("decoy")] {
            std::fs::create_dir_all(&d).expect("mkdir");
            std::fs::write(d.join("x"), b"").expect("a file to chmod");
        }
        std::os::unix::fs::symlink("decoy", allowed.join("lnk")).expect("symlink");
        std::os::unix::fs::symlink(out.join("sw"), allowed.join("lnk.alt")).expect("symlink");
    });
    let out = work.join("out");
    assert_setuid_mode(&out.join("sw/x"));
    assert!(out.join("sw/made").is_dir(), "the mkdir landed outside");
    // The recorder looked both up, after the swap back: the decoy's names, with times.
    for (syscall, given) in [("fchmodat", "lnk/x"), ("mkdirat", "lnk/made")] {
        let p = by_given(&rec.trace.events, syscall, given, |d| match d {
            EventData::Chmod { path, .. } => path.as_ref(),
            EventData::Mkdir { path, .. } => Some(path),
            _ => None,
        });
        let l = p.looked_up.as_ref().expect("looked up");
        assert!(
            l.name().is_some_and(|n| n.contains("/allowed/decoy/")) && l.time.is_some(),
            "{p:?}"
        );
    }
    assert_eq!(verdict["status"], "inconclusive", "{verdict:#}");
    let text = verdict.to_string();
    assert!(
        text.contains("2 event(s) the trace cannot judge")
            && text.contains("allowed/lnk was changed by a rename"),
        "{verdict:#}"
    );
}

/// f10_uring_mkdirat_link, f10_uring_renameat_link, f10_uring_unlinkat_link: a ring's
/// MKDIRAT, RENAMEAT and UNLINKAT by a path through a link to outside are looked up as their
/// syscalls are, and the claim is contradicted by the names found.
#[test]
fn ring_path_operations_through_a_link_are_looked_up() {
    let (rec, work, verdict) = relink("uring", |allowed, out| {
        std::fs::create_dir_all(out.join("u")).expect("mkdir");
        std::fs::write(out.join("u/victim"), b"").expect("a file to unlink");
        std::fs::write(allowed.join("src"), b"").expect("a file to move");
        std::os::unix::fs::symlink(out.join("u"), allowed.join("ulnk")).expect("symlink");
    });
    let u = canon(&work.join("out/u"));
    assert!(Path::new(&u).join("made").is_dir() && Path::new(&u).join("moved").exists());
    assert!(
        !Path::new(&u).join("victim").exists(),
        "the unlink landed outside"
    );
    for (op, leaf) in [
        ("mkdirat", "made"),
        ("renameat", "moved"),
        ("unlinkat", "victim"),
    ] {
        let ev = find(
            &rec.trace,
            op,
            |e| matches!(&e.data, EventData::IoUringOp { op: o, .. } if o == op),
        );
        let EventData::IoUringOp { path, path2, .. } = &ev.data else {
            unreachable!()
        };
        let p = if op == "renameat" { path2 } else { path };
        let found = p.as_ref().and_then(PathRef::looked_up_name);
        assert_eq!(found, Some(format!("{u}/{leaf}").as_str()), "{ev:?}");
    }
    assert_eq!(verdict["status"], "contradicted", "{verdict:#}");
    let text = verdict.to_string();
    for leaf in ["made", "moved", "victim"] {
        assert!(text.contains(&format!("{u}/{leaf}")), "{leaf}: {verdict:#}");
    }
}

/// f10_uring_linkat_link: a ring's LINKAT and SYMLINKAT whose new names go through a link to
/// outside. Both new names (the entries' second paths) are looked up where they landed, and
/// the claim is contradicted by them, not left inconclusive as ring operations it cannot read.
#[test]
fn ring_links_made_through_a_link_are_looked_up_and_judged() {
    let (rec, work, verdict) = relink("uringlink", |allowed, out| {
        std::fs::create_dir_all(out.join("u")).expect("mkdir");
        std::fs::write(allowed.join("src"), b"").expect("a file to link");
        std::os::unix::fs::symlink(out.join("u"), allowed.join("ulnk")).expect("symlink");
    });
    let u = canon(&work.join("out/u"));
    assert!(
        Path::new(&u).join("hard").exists(),
        "the link landed outside"
    );
    assert!(
        Path::new(&u).join("sym").symlink_metadata().is_ok(),
        "the symlink landed outside"
    );
    for (op, leaf) in [("linkat", "hard"), ("symlinkat", "sym")] {
        let ev = find(
            &rec.trace,
            op,
            |e| matches!(&e.data, EventData::IoUringOp { op: o, .. } if o == op),
        );
        let EventData::IoUringOp { path2, .. } = &ev.data else {
            unreachable!()
        };
        let found = path2.as_ref().and_then(PathRef::looked_up_name);
        assert_eq!(found, Some(format!("{u}/{leaf}").as_str()), "{ev:?}");
    }
    assert_eq!(verdict["status"], "contradicted", "{verdict:#}");
    let text = verdict.to_string();
    for (what, leaf) in [("link (io_uring)", "hard"), ("symlink (io_uring)", "sym")] {
        assert!(
            text.contains(&format!("{u}/{leaf}")) && text.contains(what),
            "{leaf}: {verdict:#}"
        );
    }
    assert!(
        !text.contains("cannot read"),
        "no ring gap left: {verdict:#}"
    );
}

/// f10_mntns_link_chmod: in a mount namespace of its own (not looked up: the host's view is
/// not the process's), a chmod below a symlink the process made is not placed by its
/// letters, which on the host name a plain directory in the allowed one.
#[test]
fn a_path_below_a_link_made_in_another_mount_namespace_is_not_placed() {
    let (rec, work, verdict) = relink("mntns", |allowed, out| {
        std::fs::create_dir_all(out.join("m")).expect("mkdir");
        std::fs::write(out.join("m/y"), b"").expect("a file to chmod");
        std::fs::create_dir_all(allowed.join("ns/l")).expect("mkdir");
        std::fs::write(allowed.join("ns/l/y"), b"").expect("the host's twin");
    });
    assert_setuid_mode(&work.join("out/m/y"));
    let ev = find(&rec.trace, "the chmod", |e| syscall_is(e, "chmod"));
    let EventData::Chmod { path: Some(p), .. } = &ev.data else {
        panic!("{ev:?}")
    };
    assert_eq!(
        p.looked_up, None,
        "another namespace is not looked up: {p:?}"
    );
    assert_inconclusive_because(&verdict, "a symlink made by a recorded event");
}

/// f10_uring_direct_open: a ring's open through a link to outside into a direct descriptor
/// (no fd: the kernel walk names no file, `real_path_unnamed`) and a write through that
/// fixed slot. Neither is placed by the path's letters: the claim is not held.
#[test]
fn a_write_through_a_direct_descriptor_opened_through_a_link_is_not_placed() {
    let (rec, work, verdict) = relink("direct", |allowed, out| {
        std::fs::create_dir_all(out.join("d")).expect("mkdir");
        std::os::unix::fs::symlink(out.join("d"), allowed.join("dlnk")).expect("symlink");
    });
    let written = std::fs::read(work.join("out/d/f")).expect("the file landed outside");
    assert_eq!(written, b"through a direct descriptor\n");
    let open = find(
        &rec.trace,
        "the ring's open",
        |e| matches!(&e.data, EventData::IoUringOp { op, .. } if op == "openat"),
    );
    assert!(
        open.flags.iter().any(|f| f == "real_path_unnamed"),
        "{open:?}"
    );
    assert_inconclusive_because(&verdict, "real_path_unnamed");
}

/// f10_swap_dir_for_link: a real directory in the allowed one exchanged with a link to
/// outside for the call only; the lookup, after the exchange back, finds the path as written
/// (no `looked_up`, no time). The recorded exchange after the call leaves it unplaced.
#[test]
fn a_directory_exchanged_with_a_link_for_the_call_only_leaves_it_unplaced() {
    let (_rec, work, verdict) = relink("swapdir", |allowed, out| {
        for d in [out.join("sd"), allowed.join("d")] {
            std::fs::create_dir_all(&d).expect("mkdir");
            std::fs::write(d.join("x"), b"").expect("a file to chmod");
        }
        std::os::unix::fs::symlink(out.join("sd"), allowed.join("d.alt")).expect("symlink");
    });
    assert_setuid_mode(&work.join("out/sd/x"));
    assert_inconclusive_because(&verdict, "allowed/d was replaced by a rename");
}
