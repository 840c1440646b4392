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

    // 101 arguments: more than the record keeps, flagged.
    let long = find(t, "exec with 100 arguments", |e| {
        exec_argv(e).is_some_and(|a| a.get(1).map(String::as_str) == Some("many-000"))
    });
    let EventData::Exec {
        argv,
        argv_truncated,
        ..
    } = &long.data
    else {
        unreachable!()
    };
    assert!(*argv_truncated, "argv of {} args kept: {}", 101, argv.len());
    assert!(argv.len() < 101 && argv.len() > 10);
    assert!(long.flags.iter().any(|f| f == "argv_truncated"));
    let footer = t.footer.as_ref().expect("footer");
    assert!(
        footer.truncated.get("exec").copied().unwrap_or(0) >= 1,
        "{:?}",
        footer.truncated
    );

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

    // The actor's own exit closes the tree.
    find(t, "actor exit 0", |e| {
        e.pid == actor_pid && matches!(&e.data, EventData::Exit { code: Some(0), .. })
    });
}
