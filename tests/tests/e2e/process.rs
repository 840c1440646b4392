//! Process family: fork (process, thread, vfork-style spawn), exec (argv, failure, truncation,
//! setuid), exit (code and signal).

use tracer::trace::EventData;

use crate::common::*;

#[test]
fn records_fork_exec_exit() {
    let (rec, dir, _work) = record_actor("process");
    let t = &rec.trace;
    let actor = find(t, "exec of the actor", |e| {
        exec_argv(e).is_some_and(|a| a.get(1).map(String::as_str) == Some("process"))
    });
    let actor_pid = actor.pid;

    // exec with argv, in a forked child whose ppid is the actor.
    let child_exec = find(t, "exec of /bin/true with argv", |e| {
        exec_argv(e).is_some_and(|a| a == ["/bin/true", "tracer-arg-1", "tracer arg 2"])
    });
    assert_eq!(child_exec.ppid, Some(actor_pid));
    assert_eq!(child_exec.result.as_ref().map(|r| r.ret), Some(0));
    let EventData::Exec {
        path,
        before,
        after,
        setid,
        ..
    } = &child_exec.data
    else {
        unreachable!()
    };
    assert!(path_is(path, "/bin/true"));
    assert!(!setid);
    assert_eq!(before.map(|c| c.euid), Some(0));
    assert_eq!(after.map(|c| c.euid), Some(0));
    find(t, "fork of that child", |e| {
        matches!(&e.data, EventData::Fork { child_pid, thread: false, .. } if *child_pid == child_exec.pid)
            && e.pid == actor_pid
    });

    // Exit code 7 and death by SIGKILL.
    find(t, "exit with code 7", |e| {
        matches!(&e.data, EventData::Exit { code: Some(7), .. })
    });
    find(t, "killed by SIGKILL", |e| {
        matches!(
            &e.data,
            EventData::Exit {
                signal: Some(9),
                code: None,
                ..
            }
        )
    });

    // A thread is a fork with `thread: true` in the same process.
    find(
        t,
        "thread creation",
        |e| matches!(&e.data, EventData::Fork { thread: true, child_pid, .. } if *child_pid == actor_pid),
    );
    // posix_spawn: clone with CLONE_VFORK (0x4000), then the exec.
    find(
        t,
        "vfork-style spawn",
        |e| matches!(&e.data, EventData::Fork { clone_flags, thread: false, .. } if clone_flags & 0x4000 != 0),
    );
    find(t, "spawned exec", |e| {
        exec_argv(e).is_some_and(|a| a == ["/bin/true", "spawned-by-actor"])
    });

    // A failed exec carries its error.
    let failed = find(
        t,
        "failed exec",
        |e| matches!(&e.data, EventData::Exec { path, .. } if path_is(path, &format!("{dir}/no-such-program"))),
    );
    let result = failed.result.as_ref().expect("syscall result");
    assert_eq!((result.ret, result.errno.as_deref()), (-2, Some("ENOENT")));

    // 1101 arguments: more than the 1024 the record keeps by default, flagged.
    let long = find(t, "exec with 1100 arguments", |e| {
        exec_argv(e).is_some_and(|a| a.get(1).map(String::as_str) == Some("many-0000"))
    });
    let (argv, argv_truncated) = argv_of(long);
    assert!(
        *argv_truncated,
        "argv of {} args kept: {}",
        1101,
        argv.len()
    );
    assert_eq!(argv.len(), 1024);
    assert_eq!(argv[1023], "many-1022");
    assert!(long.flags.iter().any(|f| f == "argv_truncated"));
    let footer = t.footer.as_ref().expect("footer");
    assert!(
        footer.truncated.get("exec").copied().unwrap_or(0) >= 1,
        "{:?}",
        footer.truncated
    );

    // "No secret in argv" cannot hold over that cut command line: the verdict on the
    // recorded exec alone is inconclusive, and says why (issue 11).
    {
        use tracer::{claims::Check, verdict::Status};
        let v = judge_one_event(t, long.seq, Check::SecretInArgv);
        assert_eq!(v.status, Status::Inconclusive, "{}", v.reason);
        assert!(
            v.gaps
                .iter()
                .any(|g| g.contains("cut after 1024 arguments")),
            "{:?}",
            v.gaps
        );
    }

    // A setuid-root program run by nobody: euid 65534 before, 0 after.
    let suid = find(
        t,
        "setuid exec",
        |e| matches!(&e.data, EventData::Exec { path, .. } if path_is(path, &format!("{dir}/suid-true"))),
    );
    let EventData::Exec {
        before,
        after,
        setid,
        ..
    } = &suid.data
    else {
        unreachable!()
    };
    assert!(*setid);
    assert_eq!(before.map(|c| (c.uid, c.euid)), Some((65534, 65534)));
    assert_eq!(after.map(|c| (c.uid, c.euid)), Some((65534, 0)));
    assert_eq!(suid.ids.euid, Some(0));
    assert!(
        matches!(
            suid.data,
            EventData::Exec {
                setid_file: true,
                ..
            }
        ),
        "{suid:?}"
    );
    assert!(matches!(
        child_exec.data,
        EventData::Exec {
            setid_file: false,
            ..
        }
    ));

    // Run by root: the ids do not change, and the kernel still saw the setuid bit; the
    // setuid_calls claim counts it (docs/claims.md: an exec of a setuid program).
    let by_root = find(t, "setuid exec by root", |e| {
        exec_argv(e).is_some_and(|a| a.get(1).map(String::as_str) == Some("suid-by-root"))
    });
    assert!(
        matches!(
            by_root.data,
            EventData::Exec {
                setid: false,
                setid_file: true,
                ..
            }
        ),
        "{by_root:?}"
    );
    {
        use tracer::{claims::Check, verdict::Status};
        let v = judge_one_event(t, by_root.seq, Check::SetuidCalls);
        assert_eq!(v.status, Status::Contradicted, "{}", v.reason);
    }

    // The actor's own exit closes the tree.
    find(t, "actor exit 0", |e| {
        e.pid == actor_pid && matches!(&e.data, EventData::Exit { code: Some(0), .. })
    });
}

/// The exec of a program whose argv contains `marker`.
fn exec_with<'a>(t: &'a tracer::trace::Trace, marker: &str) -> &'a tracer::trace::Event {
    find(t, &format!("exec with {marker}"), |e| {
        exec_argv(e).is_some_and(|a| a.iter().any(|x| x.contains(marker)))
    })
}

fn exec_path(e: &tracer::trace::Event) -> &tracer::trace::PathRef {
    match &e.data {
        EventData::Exec { path, .. } => path,
        _ => unreachable!("an exec"),
    }
}

/// Every way `actor exec-tricks` starts a program is in the trace, with its argv and the program
/// it ran, and a successful exec carries no `read_failed`.
#[test]
fn exec_tricks_are_recorded() {
    let (rec, dir, _work) = record_actor("exec-tricks");
    let t = &rec.trace;
    let ok = |e: &tracer::trace::Event| {
        assert_eq!(e.result.as_ref().map(|r| r.ret), Some(0), "{e:?}");
        assert!(!e.flags.iter().any(|f| f == "read_failed"), "{e:?}");
    };

    // fork + exec of string literals: the whole argv, from the new image.
    let literal = exec_with(t, "fork-literal-marker");
    ok(literal);
    assert_eq!(
        exec_argv(literal).unwrap(),
        ["/bin/sh", "-c", "exit 0 # fork-literal-marker"]
    );
    assert!(path_is(exec_path(literal), "/bin/sh"));

    for marker in ["via-vfork", "via-clone3", "from-thread", "after-rename"] {
        let e = exec_with(t, marker);
        ok(e);
        assert!(path_is(exec_path(e), "/bin/true"), "{marker}: {e:?}");
    }
    // vfork and clone3 show as forks with their syscall.
    find(t, "vfork", |e| {
        matches!(e.data, EventData::Fork { clone_flags, .. } if clone_flags & 0x4000 != 0)
            && syscall_is(e, "vfork")
    });
    find(t, "clone3", |e| {
        matches!(e.data, EventData::Fork { .. }) && syscall_is(e, "clone3")
    });

    // execveat with AT_EMPTY_PATH: the program is the fd, named from the fd table, which
    // keeps the kernel walk's name of the file opened: /usr/bin/true on a merged /usr, where
    // /bin is a link.
    let true_file = std::fs::canonicalize("/bin/true").expect("/bin/true");
    let true_file = true_file.to_str().expect("a UTF-8 path");
    let by_fd = exec_with(t, "via-execveat-empty");
    ok(by_fd);
    assert!(syscall_is(by_fd, "execveat"));
    assert!(path_is(exec_path(by_fd), true_file), "{by_fd:?}");
    let by_dirfd = exec_with(t, "via-execveat-dirfd");
    ok(by_dirfd);
    assert!(path_is(exec_path(by_dirfd), true_file), "{by_dirfd:?}");

    // Through a symlink named otherwise, and through /proc/self/exe: `real` is the file the
    // kernel ran, walked from the new image's exe_file (issue 11, round 10's
    // p10_exec_symlink_su).
    let by_link = exec_with(t, "via-symlink");
    ok(by_link);
    assert!(
        path_is(exec_path(by_link), &format!("{dir}/innocent-helper")),
        "{by_link:?}"
    );
    assert_eq!(
        exec_path(by_link).real.as_deref(),
        Some(true_file),
        "{by_link:?}"
    );
    assert!(
        matches!(
            &by_link.data,
            EventData::Exec {
                interpreter: None,
                ..
            }
        ),
        "a binary has no interpreter: {by_link:?}"
    );
    let self_exe = exec_with(t, "via-proc-self-exe");
    ok(self_exe);
    let actor_file = std::fs::canonicalize(actor_bin()).expect("the actor");
    assert_eq!(
        exec_path(self_exe).real.as_deref(),
        actor_file.to_str(),
        "{self_exe:?}"
    );

    // A memfd program: its name says memfd, and the memfd_create is there.
    let memfd = exec_with(t, "via-memfd");
    ok(memfd);
    let p = exec_path(memfd);
    assert!(
        p.best().contains("memfd:tracer-memfd-exec"),
        "memfd exec path: {p:?}"
    );
    // The kernel walk cannot name a memfd (its mount is not below the process's root): the
    // exec is flagged, with neither a `real` nor an `interpreter`.
    assert!(
        memfd.flags.iter().any(|f| f == "real_path_unnamed"),
        "{memfd:?}"
    );
    assert_eq!(p.real, None, "{memfd:?}");
    assert!(
        matches!(
            &memfd.data,
            EventData::Exec {
                interpreter: None,
                ..
            }
        ),
        "{memfd:?}"
    );
    find(
        t,
        "memfd_create",
        |e| matches!(&e.data, EventData::MemfdCreate { name, .. } if name == "tracer-memfd-exec"),
    );

    // A `#!` script: the script's path, and the interpreter's argv the kernel built. The file
    // exec'd is the script (`real`, where the LSM hook names it; without it the script's file
    // is closed by the time the image runs and `real` is left out), never its interpreter,
    // which is `interpreter`, walked from the new image.
    let script = exec_with(t, "script-marker");
    ok(script);
    assert!(path_is(exec_path(script), &format!("{dir}/script.sh")));
    assert_eq!(
        exec_argv(script).unwrap(),
        ["/bin/sh", &format!("{dir}/script.sh"), "script-marker"]
    );
    let sh_file = std::fs::canonicalize("/bin/sh").expect("/bin/sh");
    let interpreter_of = |e: &tracer::trace::Event| match &e.data {
        EventData::Exec { interpreter, .. } => interpreter.clone(),
        _ => unreachable!("an exec"),
    };
    assert_eq!(
        interpreter_of(script).as_deref(),
        sh_file.to_str(),
        "{script:?}"
    );
    assert_eq!(exec_path(script).real, None, "{script:?}");
    let py = exec_with(t, "python-script-marker");
    ok(py);
    assert!(path_is(exec_path(py), &format!("{dir}/tool.py")), "{py:?}");
    assert_eq!(exec_path(py).real, None, "{py:?}");
    let python = std::fs::canonicalize("/usr/bin/python3").expect("/usr/bin/python3");
    assert_eq!(interpreter_of(py).as_deref(), python.to_str(), "{py:?}");

    // An empty argv: the one empty argument the kernel gives the program.
    find(t, "exec with an empty argv", |e| {
        exec_argv(e).is_some_and(|a| a == [""]) && e.result.as_ref().is_some_and(|r| r.ok())
    });

    // 20 KiB of argv: kept to its last argument, not flagged.
    let long = exec_with(t, "end-of-long-argv");
    ok(long);
    let (argv, argv_truncated) = argv_of(long);
    assert_eq!(argv.len(), 22);
    assert_eq!(argv[21], "--password=end-of-long-argv");
    assert!(!argv_truncated);

    // 100 KiB: cut at the limit and flagged, counted in the footer.
    let huge = exec_with(t, "huge-argv");
    let (argv, argv_truncated) = argv_of(huge);
    assert!(*argv_truncated);
    // The last argument kept is the start of one that was cut: it has no NUL.
    let kept: usize = argv.iter().map(|a| a.len() + 1).sum::<usize>() - 1;
    let limit = t.header.limits.argv_bytes as usize;
    assert!(kept <= limit && kept > limit - 10_002, "{kept} of {limit}");
    assert!(rec.trace.footer.as_ref().unwrap().truncated["exec"] >= 1);

    // The double-forked grandchild: its exec, in a process whose parent exited.
    let orphan = exec_with(t, "double-forked");
    ok(orphan);

    // The renamed process acts under its new name; its pid ties it to the actor's fork.
    let renamed = find(
        t,
        "open by the renamed process",
        |e| matches!(&e.data, EventData::Open { path, .. } if path_is(path, &format!("{dir}/renamed-comm-file"))),
    );
    assert_eq!(renamed.comm, "kworker/0:1");
    find(t, "prctl PR_SET_NAME", |e| {
        e.pid == renamed.pid
            && matches!(&e.data, EventData::Prctl { option, .. } if option.contains("SET_NAME"))
    });
    find(
        t,
        "the renamed process's fork",
        |e| matches!(e.data, EventData::Fork { child_pid, .. } if child_pid == renamed.pid),
    );
}

/// An exec's argv and whether it was cut.
fn argv_of(e: &tracer::trace::Event) -> (&[String], &bool) {
    match &e.data {
        EventData::Exec {
            argv,
            argv_truncated,
            ..
        } => (argv, argv_truncated),
        _ => unreachable!("an exec"),
    }
}

/// `-u USER` runs the command as that user, as `strace -u` does: the exec's credentials are the
/// user's from the start (not root's), and the header names the user.
#[test]
fn runs_the_command_as_another_user() {
    let rec = record(
        "as-nobody",
        &["-u", "nobody", "--", "/bin/sh", "-c", "id -u"],
    );
    let t = &rec.trace;
    assert!(
        matches!(&t.header.target, tracer::trace::Target::Command { user: Some(u), .. } if u == "nobody"),
        "header target: {:?}",
        t.header.target
    );
    let id = find(
        t,
        "exec of id",
        |e| matches!(&e.data, EventData::Exec { argv, .. } if argv.first().is_some_and(|a| a == "id")),
    );
    let EventData::Exec {
        before: Some(before),
        after: Some(after),
        ..
    } = &id.data
    else {
        panic!("exec of id without credentials: {id:?}")
    };
    for creds in [before, after] {
        assert_eq!((creds.uid, creds.euid, creds.gid), (65534, 65534, 65534));
    }
    assert_eq!(String::from_utf8_lossy(&rec.output.stdout).trim(), "65534");
    // The credential change and the parent-death signal are the recorder's set-up of its
    // child, before the command's first exec: not the command's privileged calls.
    let setup: Vec<_> = t
        .events
        .iter()
        .filter(|e| {
            matches!(
                e.data,
                EventData::Setuid { .. }
                    | EventData::Setgid { .. }
                    | EventData::Setgroups { .. }
                    | EventData::Prctl { .. }
            )
        })
        .collect();
    assert!(setup.is_empty(), "{setup:?}");
}

#[test]
fn an_unknown_user_is_one_line_error() {
    require_root();
    let dir = TempDir::new("bad-user");
    let out = std::process::Command::new(tracer_bin())
        .args(["record", "-o"])
        .arg(dir.join("t.jsonl"))
        .args(["-u", "no-such-user-xyz", "--", "true"])
        .output()
        .expect("run tracer");
    assert_one_line_error(&out, "-u no-such-user-xyz: no such user");
    assert!(!dir.join("t.jsonl").exists(), "no trace for a refused run");
}

/// A process killed by SIGSEGV, recorded with the host's `kernel.core_pattern` in the header.
/// With a pipe pattern (`|helper`) the kernel would run a helper for the dump outside the
/// recorded tree, so "No processes spawned" is inconclusive over the crash; with a file
/// pattern the crash spawns nothing and the claim holds (the shell's `kill` is a builtin).
/// The host's pattern is read, never changed.
#[test]
fn a_crash_is_judged_with_the_core_pattern_it_ran_under() {
    use tracer::{
        claims::Check,
        verdict::{Status, judge},
    };
    let rec = record("crash", &["--", "/bin/sh", "-c", "kill -SEGV $$"]);
    let t = &rec.trace;
    let pattern = std::fs::read_to_string("/proc/sys/kernel/core_pattern").expect("core_pattern");
    assert_eq!(
        t.header.core_pattern.as_deref(),
        Some(pattern.trim_end_matches('\n'))
    );
    find(t, "the shell's death by SIGSEGV", |e| {
        matches!(
            e.data,
            EventData::Exit {
                signal: Some(11),
                ..
            }
        )
    });
    let set = absent_claims("crash", &[Check::ProcessesSpawned]);
    let v = &judge(t, &set).verdicts[0];
    if pattern.starts_with('|') {
        assert_eq!(v.status, Status::Inconclusive, "{}", v.reason);
    } else {
        assert_eq!(v.status, Status::Held, "{}", v.reason);
    }
}

/// The verdict on "no `check`" (a claims-file claim) judged on the trace's event `seq` alone.
fn judge_one_event(
    t: &tracer::trace::Trace,
    seq: u64,
    check: tracer::claims::Check,
) -> tracer::verdict::Verdict {
    use tracer::claims::{Allow, Claim, ClaimSet, Expect, Package, Source};
    let claims = ClaimSet {
        package: Package::default(),
        claims: vec![Claim {
            id: "C1".to_owned(),
            check,
            expect: Expect::Absent,
            source: Source::ClaimsFile { note: None },
            allow: Allow::default(),
        }],
        not_checkable: Vec::new(),
        unrecognised: Vec::new(),
    };
    let mut only = t.clone();
    only.events.retain(|e| e.seq == seq);
    tracer::verdict::judge(&only, &claims).verdicts.remove(0)
}
