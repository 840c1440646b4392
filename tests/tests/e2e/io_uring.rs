//! io_uring family: `actor io_uring` opens, unlinks, connects and sends through a ring (raw
//! syscalls, no open/connect/send syscall made for them); the trace has the ring and each
//! operation with its path or address. Named opens, creates, connects and sends are judged like
//! their syscalls; any other operation of a claim's family makes it inconclusive, never held.

use tracer::trace::EventData;

use crate::common::*;

#[test]
fn io_uring_operations_are_recorded_and_judged() {
    let (rec, dir, _work) = record_actor("io_uring");
    let t = &rec.trace;
    let actor = find(t, "the ring", |e| {
        matches!(e.data, EventData::IoUringCreate { sq_entries: 8, .. })
    })
    .pid;
    let op = |name: &str| {
        find(t, &format!("io_uring {name}"), |e| {
            e.pid == actor && matches!(&e.data, EventData::IoUringOp { op, .. } if op == name)
        })
    };
    let created = format!("{dir}/uring-created");
    for name in ["openat", "unlinkat"] {
        let EventData::IoUringOp {
            path,
            family,
            named,
            ..
        } = &op(name).data
        else {
            unreachable!()
        };
        assert!(
            path.as_ref().is_some_and(|p| path_is(p, &created)),
            "{name}: {path:?}"
        );
        assert_eq!((family.as_str(), *named), ("file", true));
    }
    for (name, ip) in [
        ("connect", "127.0.0.31"),
        ("sendmsg", "127.0.0.32"),
        ("bind", "127.0.0.33"),
    ] {
        let EventData::IoUringOp {
            addr,
            family,
            named,
            ..
        } = &op(name).data
        else {
            unreachable!()
        };
        let addr = serde_json::to_string(addr).unwrap();
        assert!(addr.contains(ip), "{name}: {addr}");
        assert_eq!((family.as_str(), *named), ("network", true));
    }
    let EventData::IoUringOp { family, .. } = &op("nop").data else {
        unreachable!()
    };
    assert_eq!(family, "other");
    // The ring's close took the file out of the fd table: the pipe on its number is unnamed.
    let after_close = find(t, "fchmod after the ring's close", |e| {
        matches!(
            &e.data,
            EventData::Chmod {
                fd: Some(_),
                mode: 0o627,
                ..
            }
        )
    });
    assert!(
        matches!(&after_close.data, EventData::Chmod { path: None, .. }),
        "named after the closed file: {after_close:?}"
    );
    uring_results_name_their_fds(t, &dir, actor);
    // The SQPOLL ring's kernel thread submitted this one: it is in the actor's process.
    let sqpoll_created = format!("{dir}/uring-sqpoll-created");
    let polled = find(
        t,
        "the SQPOLL ring's openat",
        |e| matches!(&e.data, EventData::IoUringOp { path: Some(p), .. } if path_is(p, &sqpoll_created)),
    );
    assert_eq!(polled.pid, actor);
    assert!(
        matches!(
            polled.data,
            EventData::IoUringOp {
                sq_thread: true,
                named: true,
                ..
            }
        ),
        "{polled:?}"
    );
    // No open syscall named the file: only the ring did.
    assert!(
        !t.events
            .iter()
            .any(|e| matches!(&e.data, EventData::Open { path, .. } if path_is(path, &created))),
        "an open syscall for {created}"
    );

    // Claims on this trace. The ring's named openat(O_CREAT) in /tmp is read like the
    // syscall: the temp-file claim is contradicted by it. So are its connect and addressed
    // sendmsg: the destination claim is contradicted by the connect to 127.0.0.31, and holds
    // when both destinations are allowed. The ring's bind is not read: a port claim is
    // inconclusive, with the reason.
    let review = rec.dir.join("review.txt");
    std::fs::write(
        &review,
        "No use of temp files.\n\
         Does not make outgoing connections other than to 127.0.0.1.\n\
         It only connects to 127.0.0.31 and 127.0.0.32.\n\
         Does not open privileged ports.\n",
    )
    .expect("write review");
    let out = std::process::Command::new(tracer_bin())
        .args(["check", "--review"])
        .arg(&review)
        .arg("--trace")
        .arg(rec.dir.join("trace.jsonl"))
        .output()
        .expect("run tracer check");
    let report = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{report}");
    for row in [
        "| No use of temp files | review line 1 | **contradicted** | create \\(io\\_uring\\) ",
        "| Outgoing connections only to the allowlist | review line 2 | **contradicted** | connect \\(io\\_uring\\) 127.0.0.31:9031",
        "| Outgoing connections only to the allowlist | review line 3 | held |",
        "| Does not open privileged ports | review line 4 | **inconclusive**",
    ] {
        assert!(report.contains(row), "{row}\n{report}");
    }
    assert!(
        report
            .contains("1 io\\_uring operations of the network family ran \\(0 of them unnamed\\)"),
        "{report}"
    );
}

/// The fds the ring's openat, openat2 and accept returned are in the fd table, named as their
/// submissions named them: a plain ftruncate on each names the file, a plain listen on the
/// accepted socket names the listener's address. A direct descriptor (a fixed-file slot, 40)
/// is not an fd: the ftruncate of fd 40 names nothing.
fn uring_results_name_their_fds(t: &tracer::trace::Trace, dir: &str, actor: u32) {
    let truncate_of = |fd: i32| {
        find(t, &format!("ftruncate of fd {fd}"), |e| {
            e.pid == actor
                && matches!(&e.data, EventData::Truncate { fd: Some(f), length: -1, .. } if *f == fd)
        })
    };
    let ring_fd = |what: &str| {
        let truncated: Vec<_> = t
            .events
            .iter()
            .filter(|e| e.pid == actor)
            .filter_map(|e| match &e.data {
                EventData::Truncate {
                    fd: Some(fd),
                    path,
                    length: -1,
                } => Some((*fd, path.clone())),
                _ => None,
            })
            .collect();
        let want = format!("{dir}/{what}");
        truncated
            .iter()
            .find(|(_, p)| p.as_ref().is_some_and(|p| path_is(p, &want)))
            .map(|(fd, _)| *fd)
            .unwrap_or_else(|| panic!("no ftruncate named {want}: {truncated:?}"))
    };
    // Named through the completions, with no open syscall for either file.
    for what in ["uring-result", "uring-result2"] {
        let fd = ring_fd(what);
        let ev = truncate_of(fd);
        assert_eq!(
            ev.result.as_ref().and_then(|r| r.errno.as_deref()),
            Some("EINVAL")
        );
        let want = format!("{dir}/{what}");
        assert!(
            !t.events
                .iter()
                .any(|e| matches!(&e.data, EventData::Open { path, .. } if path_is(path, &want))),
            "an open syscall for {want}"
        );
    }
    let slot = truncate_of(40);
    assert!(
        matches!(&slot.data, EventData::Truncate { path: None, .. }),
        "fd 40 named after a fixed-file slot: {slot:?}"
    );
    let listen = find(t, "listen on the ring-accepted socket", |e| {
        e.pid == actor
            && matches!(e.data, EventData::Listen { .. })
            && e.result
                .as_ref()
                .is_some_and(|r| r.errno.as_deref() == Some("EINVAL"))
    });
    let EventData::Listen { addr, .. } = &listen.data else {
        unreachable!()
    };
    let addr = serde_json::to_string(addr).unwrap();
    assert!(
        addr.contains("127.0.0.31"),
        "accepted socket unnamed: {addr}"
    );
}

/// Round 4's `f4_uring_setxattr`: IORING_OP_SETXATTR names its path in the entry's `addr3`
/// and IORING_OP_FSETXATTR acts on the entry's fd. Both are now named (the path, the fd's
/// file from the fd table, the attribute's name) and read like setxattr(2): a change of the
/// file, which contradicts "No notable file IO" instead of leaving it inconclusive.
#[test]
fn io_uring_setxattr_is_named_and_judged() {
    use tracer::{
        claims::Check,
        verdict::{Status, judge},
    };
    let (rec, dir, _work) = record_actor("uring-xattr");
    let t = &rec.trace;
    for (op, file, attr) in [
        ("setxattr", "uring-xattr", "user.tracer_uring"),
        ("fsetxattr", "uring-fxattr", "user.tracer_uring_fd"),
    ] {
        let mut value = [0u8; 32];
        let path = std::ffi::CString::new(format!("{dir}/{file}")).expect("path");
        let cattr = std::ffi::CString::new(attr).expect("name");
        // SAFETY: a getxattr into a local buffer of its size.
        let n = unsafe {
            libc::getxattr(
                path.as_ptr(),
                cattr.as_ptr(),
                value.as_mut_ptr().cast(),
                value.len(),
            )
        };
        assert_eq!(
            &value[..n.max(0) as usize],
            b"uring-value",
            "{op} set {attr} through the ring"
        );
        let e = find(
            t,
            &format!("io_uring {op}"),
            |e| matches!(&e.data, EventData::IoUringOp { op: o, .. } if o == op),
        );
        let EventData::IoUringOp {
            path, name, named, ..
        } = &e.data
        else {
            unreachable!()
        };
        assert!(*named, "{e:?}");
        assert_eq!(name.as_deref(), Some(attr), "{e:?}");
        assert!(
            path.as_ref()
                .is_some_and(|p| path_is(p, &format!("{dir}/{file}"))),
            "{e:?}"
        );
    }
    let v = &judge(t, &absent_claims("uring-xattr", &[Check::FileIo])).verdicts[0];
    assert_eq!(v.status, Status::Contradicted, "{}", v.reason);
    let whats: Vec<&str> = v.evidence.shown.iter().map(|e| e.what.as_str()).collect();
    assert!(
        whats
            .iter()
            .any(|w| w.contains("setxattr user.tracer_uring (io_uring)")),
        "{whats:?}"
    );
    assert!(
        !v.gaps.iter().any(|g| g.contains("io_uring")),
        "named operations are no gap: {:?}",
        v.gaps
    );
}

/// Round 9's `f9_uring_openat_stale`: an IORING_OP_OPENAT and an OPENAT2 relative to a dirfd
/// whose directory another process moved after it was opened. The fd table names the dirfd
/// by its old name, under which nothing is; the kernel walks each returned fd at the
/// completion (in the submitter or its io-wq worker, which share its fd table) and the
/// operation's record names the file where it landed, as `real`.
#[test]
fn a_ring_open_by_a_moved_dirfd_is_named_where_it_lands() {
    require_root();
    let work = TempDir::new("uring-stale-work");
    let (sub, moved) = (work.join("sub"), work.join("moved"));
    std::fs::create_dir(&sub).expect("mkdir sub");
    let (ready, go) = (work.join("ready"), work.join("go"));
    make_fifos(&[&ready, &go]);
    let mover = {
        let (sub, moved) = (sub.clone(), moved.clone());
        std::thread::spawn(move || {
            // Until the actor holds the dirfd.
            std::fs::read(&ready).expect("wait for the actor");
            std::fs::rename(&sub, &moved).expect("move the dirfd's directory");
            std::fs::write(&go, b"go").expect("let the actor go on");
        })
    };
    let work_path = work.path().display().to_string();
    let rec = record(
        "uring-stale",
        &["--", actor_bin(), "uring-stale", &work_path],
    );
    mover.join().expect("the mover");
    let t = &rec.trace;
    assert_kernel_walked(t);
    for (op_name, file) in [
        ("openat", "uring-stale.txt"),
        ("openat2", "uring-stale2.txt"),
    ] {
        let landed = moved.join(file);
        assert!(landed.exists(), "the actor made {}", landed.display());
        let stale = sub.join(file).display().to_string();
        let e = find(t, &format!("the ring's {op_name} of {file}"), |e| {
            matches!(&e.data, EventData::IoUringOp { op, path: Some(p), .. }
                if op == op_name && path_is(p, &stale))
        });
        let EventData::IoUringOp { path: Some(p), .. } = &e.data else {
            unreachable!()
        };
        assert_eq!(
            p.real.as_deref(),
            Some(landed.display().to_string().as_str()),
            "{e:?}"
        );
        assert!(!e.flags.iter().any(|f| f == "real_path_unnamed"), "{e:?}");
    }
}

/// Issue 11: the fd a ring's openat returns is named, in the fd table, by the kernel walk's
/// name of the file at the open's completion, as an openat(2)'s fd is: a later fchmod(2), a
/// ring's fsetxattr on it, a ring's or a syscall's mkdirat relative to it, a linkat of it
/// name the file where it is, not the symlink it was opened through. An O_TMPFILE made by the
/// ring is named as one made by open(2) is: by its directory, `#unnamed-tmpfile` in it.
#[test]
fn the_fds_a_ring_opens_are_named_where_the_kernel_walk_found_them() {
    require_root();
    let work = TempDir::new("uring-fd-real-work");
    let (allowed, out) = (work.join("allowed"), work.join("out"));
    std::fs::create_dir(&allowed).expect("mkdir allowed");
    std::fs::create_dir(&out).expect("mkdir out");
    std::os::unix::fs::symlink(&out, allowed.join("lnk")).expect("symlink");
    let work_path = work.path().display().to_string();
    let rec = record(
        "uring-fd-real",
        &["--", actor_bin(), "uring-fd-real", &work_path],
    );
    let t = &rec.trace;
    assert_kernel_walked(t);
    let canon = |p: std::path::PathBuf| {
        std::fs::canonicalize(p)
            .expect("made by the actor")
            .display()
            .to_string()
    };
    let (a, o) = (canon(allowed.clone()), canon(out.clone()));
    let resolved = |p: Option<&tracer::trace::PathRef>| p.and_then(|p| p.resolved.clone());
    // The ring's open went through the link: its `real` is the file.
    let f = format!("{o}/f");
    let open = find(t, "the ring's openat of lnk/f", |e| {
        matches!(&e.data, EventData::IoUringOp { op, path: Some(p), .. }
            if op == "openat" && path_is(p, &format!("{a}/lnk/f")))
    });
    let EventData::IoUringOp { path: Some(p), .. } = &open.data else {
        unreachable!()
    };
    assert_eq!(p.real.as_deref(), Some(f.as_str()), "{open:?}");
    // Its fd, used by a syscall and by the ring.
    let fchmod = find(t, "fchmod of the ring's fd", |e| {
        syscall_is(e, "fchmod") && matches!(e.data, EventData::Chmod { mode: 0o640, .. })
    });
    let EventData::Chmod { path, .. } = &fchmod.data else {
        unreachable!()
    };
    assert_eq!(resolved(path.as_ref()), Some(f.clone()), "{fchmod:?}");
    let fsetxattr = find(
        t,
        "the ring's fsetxattr",
        |e| matches!(&e.data, EventData::IoUringOp { op, .. } if op == "fsetxattr"),
    );
    let EventData::IoUringOp { path, .. } = &fsetxattr.data else {
        unreachable!()
    };
    assert_eq!(resolved(path.as_ref()), Some(f), "{fsetxattr:?}");
    // A directory opened by the ring through the link, then made in by the ring and by
    // mkdirat(2).
    let ring_mkdir = find(
        t,
        "the ring's mkdirat",
        |e| matches!(&e.data, EventData::IoUringOp { op, .. } if op == "mkdirat"),
    );
    let EventData::IoUringOp { path, .. } = &ring_mkdir.data else {
        unreachable!()
    };
    assert_eq!(
        resolved(path.as_ref()),
        Some(canon(out.join("ring-made"))),
        "{ring_mkdir:?}"
    );
    let sys_mkdir = find(t, "mkdirat(2) of sys-made", |e| {
        syscall_is(e, "mkdirat")
            && matches!(&e.data, EventData::Mkdir { path, .. }
                if path.given.as_deref() == Some("sys-made"))
    });
    let EventData::Mkdir { path, .. } = &sys_mkdir.data else {
        unreachable!()
    };
    assert_eq!(
        path.resolved,
        Some(canon(out.join("sys-made"))),
        "{sys_mkdir:?}"
    );
    // O_TMPFILE in lnk: the ring's and open(2)'s name the same directory, and their fds the
    // same unnamed file in it.
    let lnk = format!("{a}/lnk");
    let ring_tmp = find(t, "the ring's O_TMPFILE", |e| {
        matches!(&e.data, EventData::IoUringOp { op, path: Some(p), op_flags: Some(fl), .. }
            if op == "openat" && path_is(p, &lnk) && fl & libc::O_TMPFILE as u32 != 0)
    });
    let sys_tmp = find(t, "open(2)'s O_TMPFILE", |e| {
        matches!(&e.data, EventData::Open { path, flags_raw, .. }
            if path_is(path, &lnk) && flags_raw & libc::O_TMPFILE as u64 != 0)
    });
    let (
        EventData::IoUringOp {
            path: Some(ring_p), ..
        },
        EventData::Open { path: sys_p, .. },
    ) = (&ring_tmp.data, &sys_tmp.data)
    else {
        unreachable!()
    };
    assert_eq!(ring_p.real.as_deref(), Some(o.as_str()), "{ring_tmp:?}");
    assert_eq!(ring_p.real, sys_p.real, "{ring_tmp:?}\n{sys_tmp:?}");
    let unnamed = format!("{o}/#unnamed-tmpfile");
    let tmp_chmods: Vec<_> = t
        .events
        .iter()
        .filter(|e| syscall_is(e, "fchmod"))
        .filter_map(|e| match &e.data {
            EventData::Chmod {
                mode: 0o600, path, ..
            } => Some(resolved(path.as_ref())),
            _ => None,
        })
        .collect();
    assert_eq!(tmp_chmods, [Some(unnamed.clone()), Some(unnamed.clone())]);
    for linked in ["ring-tmp", "sys-tmp"] {
        let to = format!("{a}/{linked}");
        let link = find(
            t,
            &format!("linkat to {linked}"),
            |e| matches!(&e.data, EventData::Link { path, .. } if path_is(path, &to)),
        );
        let EventData::Link { target, .. } = &link.data else {
            unreachable!()
        };
        assert_eq!(
            target.resolved.as_deref(),
            Some(unnamed.as_str()),
            "{link:?}"
        );
    }
}
