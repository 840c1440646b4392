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
