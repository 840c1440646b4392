//! Privilege family: credential changes, capabilities, prctl, namespaces and mounts, chroot,
//! pivot_root, ptrace, bpf, the clock calls; and module loading, which this kernel cannot hook
//! (named as failed).

use tracer::trace::{EventData, Trace};

use crate::common::*;

#[test]
fn records_privilege_changes() {
    let (rec, dir, _work) = record_actor("privilege");
    let t = &rec.trace;
    find(
        t,
        "setgroups",
        |e| matches!(&e.data, EventData::Setgroups { groups, count: 1 } if groups == &[65534]),
    );
    find(t, "setresgid", |e| {
        syscall_is(e, "setresgid")
            && matches!(&e.data, EventData::Setgid { requested } if requested == &[65534; 3])
    });
    let setuid = find(t, "setuid", |e| {
        syscall_is(e, "setuid")
            && matches!(&e.data, EventData::Setuid { requested } if requested == &[65534])
    });
    // The header ids are read at exit: after the change.
    assert_eq!((setuid.ids.uid, setuid.ids.euid), (65534, Some(65534)));
    find(
        t,
        "keepcaps",
        |e| matches!(&e.data, EventData::Prctl { option, arg2: 1 } if option == "PR_SET_KEEPCAPS"),
    );
    find(
        t,
        "no_new_privs",
        |e| matches!(&e.data, EventData::Prctl { option, .. } if option == "PR_SET_NO_NEW_PRIVS"),
    );
    find(
        t,
        "capset to empty",
        |e| matches!(&e.data, EventData::Capset { effective: Some(eff), .. } if eff == "0x0"),
    );
    find(
        t,
        "unshare mount ns",
        |e| matches!(&e.data, EventData::Unshare { flags } if flags == &["CLONE_NEWNS"]),
    );
    // A child cloned straight into new namespaces is a privilege change like unshare.
    let clone = find(t, "clone3 into new namespaces", |e| {
        matches!(&e.data, EventData::Fork { clone_flags, thread: false, .. }
            if clone_flags & (libc::CLONE_NEWUSER as u64) != 0)
    });
    assert_eq!(clone.syscall.as_deref(), Some("clone3"));
    assert_eq!(
        tracer::trace::describe::privilege_detail(clone).as_deref(),
        Some("child in new namespaces CLONE_NEWUTS|CLONE_NEWUSER")
    );
    let mnt = format!("{dir}/mnt");
    find(
        t,
        "mount tmpfs",
        |e| matches!(&e.data, EventData::Mount { source: Some(s), target, fstype: Some(f), .. } if s == "tracer-tmpfs" && f == "tmpfs" && path_is(target, &mnt)),
    );
    find(
        t,
        "umount2",
        |e| matches!(&e.data, EventData::Umount { target, .. } if path_is(target, &mnt)),
    );
    let pivot = find(
        t,
        "pivot_root attempt",
        |e| matches!(&e.data, EventData::PivotRoot { new_root, .. } if path_is(new_root, &mnt)),
    );
    assert!(
        pivot.result.as_ref().is_some_and(|r| r.ret < 0),
        "pivot_root on a non-mount point fails"
    );
    find(
        t,
        "setns",
        |e| matches!(&e.data, EventData::Setns { nstype, .. } if nstype == &["CLONE_NEWNET"]),
    );
    find(
        t,
        "chroot",
        |e| matches!(&e.data, EventData::Chroot { path } if path_is(path, &dir)),
    );
    find(
        t,
        "ptrace traceme",
        |e| matches!(&e.data, EventData::Ptrace { request, .. } if request == "PTRACE_TRACEME"),
    );
    find(
        t,
        "bpf map create",
        |e| matches!(&e.data, EventData::Bpf { cmd } if cmd == "BPF_MAP_CREATE"),
    );

    clock_calls_are_told_apart(t);
    privileged_calls_are_recorded(t, &dir);

    // Every hook is either attached or named as failed with a reason; module loading has no
    // tracepoint on a kernel without module support.
    let hooks = &t.header.hooks;
    for name in ["init_module", "finit_module"] {
        // Through the raw syscall tracepoints' dispatch table, or one tracepoint each.
        let labels = [
            format!("syscall:{name}"),
            format!("tracepoint:syscalls/sys_enter_{name}"),
        ];
        let listed = |label: &String| {
            usize::from(hooks.attached.contains(label))
                + hooks
                    .failed
                    .iter()
                    .filter(|f| f.hook == *label && !f.error.is_empty())
                    .count()
        };
        let times: usize = labels.iter().map(listed).sum();
        assert_eq!(times, 1, "{name} must be listed exactly once");
    }
}

/// The clock calls, each harmless here (the clock is never changed): two queries, two sets the
/// kernel refuses as invalid, and one refused for want of CAP_SYS_TIME. Every one is recorded
/// with its arguments; only the queries are not privileged calls, so a "no privileged
/// functions" claim judged on the clock events alone is contradicted by the attempts and held
/// on the queries alone. Part of the `privilege` recording.
fn clock_calls_are_told_apart(t: &Trace) {
    use tracer::{
        claims::{Allow, Check, Claim, ClaimSet, Expect, Package, Source},
        trace::ClockTime,
        verdict::{Status, judge},
    };
    let errno = |e: &tracer::trace::Event| e.result.as_ref().and_then(|r| r.errno.clone());
    let detail = tracer::trace::describe::privilege_detail;

    let adjtimex = find(
        t,
        "adjtimex query",
        |e| matches!(&e.data, EventData::Clock { call, modes_raw: Some(0), query: true, .. } if call == "adjtimex"),
    );
    assert_eq!(errno(adjtimex), None, "a query succeeds");
    assert_eq!(detail(adjtimex), None, "a query is not a privileged call");
    let adjtime = find(t, "clock_adjtime query", |e| {
        matches!(&e.data, EventData::Clock { call, clock, modes_raw: Some(0), query: true, .. }
            if call == "clock_adjtime" && clock == "CLOCK_REALTIME")
    });
    assert_eq!(errno(adjtime), None);
    let settime = find(t, "clock_settime CLOCK_MONOTONIC", |e| {
        matches!(&e.data, EventData::Clock { call, clock, time: Some(ClockTime { sec: 12345, nsec: 6789 }), query: false, .. }
            if call == "clock_settime" && clock == "CLOCK_MONOTONIC")
    });
    assert_eq!(errno(settime).as_deref(), Some("EINVAL"));
    assert_eq!(
        detail(settime).as_deref(),
        Some("clock_settime CLOCK_MONOTONIC to 12345.000006789")
    );
    let settod = find(t, "settimeofday with an invalid timeval", |e| {
        matches!(&e.data, EventData::Clock { call, time: Some(ClockTime { sec: 12345, nsec: 2_000_000_000 }), timezone: None, query: false, .. }
            if call == "settimeofday")
    });
    assert_eq!(errno(settod).as_deref(), Some("EINVAL"));
    let denied = find(t, "adjtimex ADJ_TICK as nobody", |e| {
        matches!(&e.data, EventData::Clock { call, modes, query: false, .. }
            if call == "adjtimex" && modes == &["ADJ_TICK"])
    });
    assert_eq!(errno(denied).as_deref(), Some("EPERM"));
    assert_eq!(denied.ids.uid, 65534);
    for e in [adjtimex, adjtime, settime, settod, denied] {
        assert!(e.flags.is_empty(), "{:?}", e.flags);
    }

    let claims = ClaimSet {
        package: Package {
            name: Some("clock-test".to_owned()),
            ..Package::default()
        },
        claims: vec![Claim {
            id: "C1".to_owned(),
            check: Check::PrivilegedFunctions,
            expect: Expect::Absent,
            source: Source::ClaimsFile { note: None },
            allow: Allow::default(),
        }],
        not_checkable: Vec::new(),
        unrecognised: Vec::new(),
    };
    let only = |keep: &dyn Fn(&tracer::trace::Event) -> bool| {
        let mut sub = t.clone();
        sub.events.retain(|e| keep(e));
        judge(&sub, &claims).verdicts.remove(0)
    };
    let is_clock = |e: &tracer::trace::Event| matches!(e.data, EventData::Clock { .. });
    let sets = only(&|e| is_clock(e) && !matches!(e.data, EventData::Clock { query: true, .. }));
    assert_eq!(sets.status, Status::Contradicted, "{}", sets.reason);
    assert_eq!(sets.evidence.total, 3, "{:?}", sets.evidence.shown);
    let whats: Vec<&str> = sets
        .evidence
        .shown
        .iter()
        .map(|e| e.what.as_str())
        .collect();
    assert!(
        whats
            .iter()
            .any(|w| w.contains("settimeofday CLOCK_REALTIME to 12345.")),
        "{whats:?}"
    );
    let queries = only(&|e| matches!(e.data, EventData::Clock { query: true, .. }));
    assert_eq!(queries.status, Status::Held, "{}", queries.reason);
}

/// The other capability-gated calls, each refused (as nobody, or for its arguments) and each
/// recorded with the capability it needs; quotactl's read is no privileged call. Part of the
/// `privilege` recording.
fn privileged_calls_are_recorded(t: &Trace, dir: &str) {
    use tracer::trace::describe::privilege_detail;
    let call = |name: &str, op: Option<&str>, cap: &str, errno: &str| {
        let e = find(t, name, |e| {
            matches!(&e.data, EventData::PrivilegedCall { call, op: o, capability, .. }
                if call == name && o.as_deref() == op && capability == cap)
        });
        assert_eq!(
            e.result.as_ref().and_then(|r| r.errno.as_deref()),
            Some(errno),
            "{name}"
        );
        assert!(e.flags.is_empty(), "{name}: {:?}", e.flags);
        e
    };
    call("reboot", Some("CAD_ON"), "CAP_SYS_BOOT", "EPERM");
    for name in ["sethostname", "setdomainname"] {
        let e = call(name, None, "CAP_SYS_ADMIN", "EPERM");
        assert!(
            matches!(&e.data, EventData::PrivilegedCall { name: Some(n), .. } if n == "tracer-e2e"),
            "{e:?}"
        );
    }
    // No CONFIG_X86_IOPL_IOPERM on this host's kernel: ENOSYS, recorded all the same.
    call("ioperm", Some("ports 0x80+1 on"), "CAP_SYS_RAWIO", "ENOSYS");
    call("iopl", Some("level 3"), "CAP_SYS_RAWIO", "ENOSYS");
    let missing = format!("{dir}/no-such-file");
    let acct = call("acct", None, "CAP_SYS_PACCT", "EPERM");
    assert!(
        matches!(&acct.data, EventData::PrivilegedCall { path: Some(p), .. } if path_is(p, &missing)),
        "{acct:?}"
    );
    let off = call("quotactl", Some("Q_QUOTAOFF"), "CAP_SYS_ADMIN", "ENOENT");
    assert_eq!(
        privilege_detail(off).as_deref(),
        Some(format!("quotactl Q_QUOTAOFF {missing} (CAP_SYS_ADMIN)").as_str())
    );
    let read = call("quotactl", Some("Q_GETFMT"), "CAP_SYS_ADMIN", "ENOENT");
    assert!(matches!(
        read.data,
        EventData::PrivilegedCall { query: true, .. }
    ));
    assert_eq!(
        privilege_detail(read),
        None,
        "a quota read is not privileged"
    );
    call("syslog", Some("SIZE_UNREAD"), "CAP_SYSLOG", "EPERM");
    call(
        "perf_event_open",
        Some("PERF_TYPE_SOFTWARE"),
        "CAP_PERFMON",
        "E2BIG",
    );
    call("vhangup", None, "CAP_SYS_TTY_CONFIG", "EPERM");
    // kexec, delete_module, swapon, swapoff: no syscall on this kernel, listed as absent.
    let hooks = &t.header.hooks;
    for name in ["kexec_load", "delete_module", "swapon"] {
        let label = format!("tracepoint:syscalls/sys_enter_{name}");
        let raw = format!("syscall:{name}");
        let absent = hooks
            .failed
            .iter()
            .any(|f| (f.hook == label || f.hook == raw) && f.absent);
        assert!(
            absent || hooks.attached.contains(&label) || hooks.attached.contains(&raw),
            "{name}: {:?}",
            hooks.failed
        );
    }
}

/// The calls a capability gates only for some arguments (actor `gated`, as nobody): each
/// privileged form is recorded with its arguments and its refusal and contradicts "No use of
/// privileged functions"; each unprivileged form is recorded as no privileged call. The same
/// in both hook modes: the default dispatch from the BPF raw tracepoints `sys_enter` and
/// `sys_exit`, and one tracepoint per syscall.
#[test]
fn gated_calls_are_recorded_in_both_modes() {
    let work = TempDir::new("gated-work");
    let work_path = work.path().display().to_string();
    for mode in [&[][..], &["--syscall-hooks", "per-syscall"][..]] {
        let mut args = mode.to_vec();
        args.extend(["--", actor_bin(), "gated", &work_path]);
        let rec = record("gated", &args);
        let t = &rec.trace;
        assert_eq!(
            t.footer.as_ref().expect("footer").total_lost(),
            0,
            "{mode:?}"
        );
        gated_calls_in(t, mode);
    }
}

fn gated_calls_in(t: &Trace, mode: &[&str]) {
    use tracer::trace::describe::privilege_detail;
    let errno = |e: &tracer::trace::Event| e.result.as_ref().and_then(|r| r.errno.clone());
    let call = |name: &str, op: &str| {
        find(t, &format!("{name} {op} ({mode:?})"), |e| {
            matches!(&e.data, EventData::PrivilegedCall { call, op: Some(o), .. }
                if call == name && o.starts_with(op))
        })
    };
    let privileged = |e: &tracer::trace::Event, cap: &str, err: &str| {
        let detail = privilege_detail(e).unwrap_or_default();
        assert!(detail.contains(cap), "{detail} ({mode:?})");
        assert_eq!(errno(e).as_deref(), Some(err), "{e:?}");
    };
    privileged(
        call("sched_setscheduler", "pid 0 SCHED_FIFO priority 1"),
        "CAP_SYS_NICE",
        "EPERM",
    );
    privileged(
        call("setpriority", "PRIO_PROCESS 0 nice -10"),
        "CAP_SYS_NICE",
        "EACCES",
    );
    let nicer = find(t, "a nicer setpriority", |e| {
        matches!(&e.data, EventData::PrivilegedCall { call, .. } if call == "setpriority")
            && e.result.as_ref().is_some_and(|r| r.ok())
    });
    assert_eq!(privilege_detail(nicer), None, "a higher nice needs nothing");
    privileged(
        call("ioprio_set", "PRIO_PROCESS 0 class RT"),
        "CAP_SYS_NICE",
        "EPERM",
    );
    // The hard limit before the call was read at its entry: the raise is named.
    let raise = call("prlimit64", "pid 0 RLIMIT_NOFILE hard ");
    privileged(raise, "CAP_SYS_RESOURCE", "EPERM");
    assert!(
        matches!(&raise.data, EventData::PrivilegedCall { op: Some(o), .. } if !o.contains('?')),
        "{raise:?}"
    );
    // glibc's setrlimit is prlimit64 on the caller.
    let lower = call("prlimit64", "pid 0 RLIMIT_CORE hard ");
    assert!(
        matches!(&lower.data, EventData::PrivilegedCall { op: Some(o), query: true, .. } if o.ends_with("-> 0") && !o.contains('?')),
        "{lower:?}"
    );
    privileged(call("fanotify_init", "flags 0x5"), "CAP_SYS_ADMIN", "EPERM");
    let mtu = find(t, "SIOCSIFMTU", |e| {
        matches!(&e.data, EventData::PrivilegedCall { call, op: Some(o), name: Some(n), .. }
            if call == "ioctl" && o.ends_with("SIOCSIFMTU") && n == "lo")
    });
    privileged(mtu, "CAP_NET_ADMIN", "EPERM");
    let read = find(
        t,
        "SIOCGIFMTU",
        |e| matches!(&e.data, EventData::PrivilegedCall { op: Some(o), .. } if o.ends_with("SIOCGIFMTU")),
    );
    assert_eq!(privilege_detail(read), None, "an interface read");
    let clone3 = call("clone3", "set_tid 4000000");
    assert!(
        privilege_detail(clone3).is_some_and(|d| d.contains("CAP_CHECKPOINT_RESTORE")),
        "{clone3:?}"
    );
    assert!(clone3.result.as_ref().is_some_and(|r| !r.ok()), "refused");
    privileged(call("process_vm_writev", "pid "), "CAP_SYS_PTRACE", "EPERM");
    // process_madvise on the recorder's memory (another process, named from the pidfd) is
    // refused; on the caller's own page it is a query.
    let madvise = |query: bool| {
        find(
            t,
            &format!("process_madvise query {query} ({mode:?})"),
            |e| {
                matches!(&e.data, EventData::PrivilegedCall { call, op: Some(o), query: q, .. }
                if call == "process_madvise" && o.starts_with("pid ") && o.contains("MADV_COLD") && *q == query)
            },
        )
    };
    let other = madvise(false);
    assert!(
        privilege_detail(other).is_some_and(|d| d.contains("CAP_SYS_NICE")),
        "{other:?}"
    );
    assert!(errno(other).is_some(), "refused: {other:?}");
    let own = madvise(true);
    assert_eq!(privilege_detail(own), None, "its own memory: {own:?}");
    assert!(own.result.as_ref().is_some_and(|r| r.ok()), "{own:?}");
    let netlink = |what: &str| {
        find(t, what, |e| {
            matches!(&e.data, EventData::Send { netlink: Some(n), .. }
                if n.protocol.as_deref() == Some("NETLINK_ROUTE") && n.msg_type.as_deref() == Some(what))
        })
    };
    assert_eq!(
        privilege_detail(netlink("RTM_NEWADDR")).as_deref(),
        Some("NETLINK_ROUTE RTM_NEWADDR (CAP_NET_ADMIN)")
    );
    assert_eq!(privilege_detail(netlink("RTM_GETLINK")), None, "a read");
}

/// An exec of a program with file capabilities (`cap_net_raw+ep` written as its
/// `security.capability` xattr, as setcap does), run as nobody: no uid changes, but the exec
/// gains CAP_NET_RAW, which the exec event names and "No use of privileged functions" counts.
#[test]
fn an_exec_that_gains_file_capabilities_is_privileged() {
    use std::os::unix::fs::PermissionsExt;
    use tracer::{
        claims::Check,
        verdict::{Status, judge},
    };
    let dir = TempDir::new("fcaps");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let prog = dir.path().join("fcaps-true");
    std::fs::copy("/bin/true", &prog).expect("copy /bin/true");
    std::fs::set_permissions(&prog, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    // struct vfs_cap_data, revision 2 with the effective bit: permitted CAP_NET_RAW (13).
    let mut cap = Vec::new();
    for word in [0x0200_0000u32 | 1, 1 << 13, 0, 0, 0] {
        cap.extend_from_slice(&word.to_le_bytes());
    }
    let path = std::ffi::CString::new(prog.to_str().expect("utf-8")).expect("no NUL");
    // SAFETY: valid C strings and a buffer of the given length.
    let rc = unsafe {
        libc::setxattr(
            path.as_ptr(),
            c"security.capability".as_ptr(),
            cap.as_ptr().cast(),
            cap.len(),
            0,
        )
    };
    assert_eq!(rc, 0, "setxattr: {}", std::io::Error::last_os_error());
    let prog = prog.to_str().expect("utf-8");
    let rec = record("fcaps", &["-u", "nobody", "--", prog]);
    let t = &rec.trace;
    let exec = find(
        t,
        "the exec with file capabilities",
        |e| matches!(&e.data, EventData::Exec { path, .. } if path.best() == prog),
    );
    assert!(
        matches!(&exec.data, EventData::Exec { caps_gained, setid: false, .. } if caps_gained == &["CAP_NET_RAW"]),
        "{exec:?}"
    );
    let set = absent_claims("fcaps", &[Check::PrivilegedFunctions]);
    let v = &judge(t, &set).verdicts[0];
    assert_eq!(v.status, Status::Contradicted, "{}", v.reason);
}

/// The calls that set the caller's own policy are `self_policy` events with what they set,
/// and none of them is a privileged function; the keyring calls are `keyring` events with the
/// key's type and description (never its payload).
#[test]
fn records_self_policy_and_keyring_calls() {
    let (rec, dir, _work) = record_actor("self-policy");
    let t = &rec.trace;
    let ok = |e: &tracer::trace::Event| e.result.as_ref().is_some_and(|r| r.ok());
    /// (call, op, flags, detail, query) of a `self_policy` event.
    type Pred<'a> = dyn Fn(&str, Option<&str>, &[String], Option<&str>, bool) -> bool + 'a;
    let policy = |what: &str, pred: &Pred<'_>| {
        let e = find(t, what, |e| match &e.data {
            EventData::SelfPolicy {
                call,
                op,
                flags,
                detail,
                query,
            } => pred(call, op.as_deref(), flags, detail.as_deref(), *query),
            _ => false,
        });
        assert_eq!(
            tracer::trace::describe::privilege_detail(e),
            None,
            "{what} is no privileged function"
        );
        e
    };
    let filter = policy("seccomp filter", &|call, op, _, detail, query| {
        call == "seccomp"
            && op == Some("SECCOMP_SET_MODE_FILTER")
            && detail == Some("filter of 1 instructions")
            && !query
    });
    assert!(ok(filter), "{filter:?}");
    policy("seccomp action query", &|call, op, _, _, query| {
        call == "seccomp" && op == Some("SECCOMP_GET_ACTION_AVAIL") && query
    });
    policy("landlock version query", &|call, _, flags, _, query| {
        call == "landlock_create_ruleset" && flags == ["LANDLOCK_CREATE_RULESET_VERSION"] && query
    });
    let ruleset = policy("landlock ruleset", &|call, _, _, detail, query| {
        call == "landlock_create_ruleset"
            && detail == Some("handled fs WRITE_FILE|REMOVE_FILE")
            && !query
    });
    assert!(ok(ruleset), "{ruleset:?}");
    let rule = policy("landlock rule", &|call, op, _, detail, _| {
        call == "landlock_add_rule"
            && op == Some("LANDLOCK_RULE_PATH_BENEATH")
            && detail.is_some_and(|d| d.ends_with(&format!("allow WRITE_FILE beneath {dir}")))
    });
    assert!(ok(rule), "{rule:?}");
    let restrict = policy("landlock restrict", &|call, _, _, _, _| {
        call == "landlock_restrict_self"
    });
    assert!(ok(restrict), "{restrict:?}");
    policy("personality query", &|call, op, _, _, query| {
        call == "personality" && op == Some("query") && query
    });
    let persona = policy("personality", &|call, op, flags, _, query| {
        call == "personality"
            && op == Some("PER_LINUX")
            && flags == ["ADDR_NO_RANDOMIZE", "READ_IMPLIES_EXEC"]
            && !query
    });
    assert!(ok(persona), "{persona:?}");
    // No LSM here takes it: the attempt is recorded with its refusal.
    policy("lsm_set_self_attr", &|call, op, _, detail, _| {
        call == "lsm_set_self_attr"
            && op == Some("LSM_ATTR_CURRENT")
            && detail == Some("AppArmor context \"tracer\"")
    });

    let keyring = |what: &str, call: &str, op: Option<&str>| {
        let e = find(t, what, |e| {
            syscall_is(e, call)
                && matches!(&e.data, EventData::Keyring { op: o, .. } if o.as_deref() == op)
        });
        assert!(ok(e), "{e:?}");
        assert_eq!(tracer::trace::describe::privilege_detail(e), None);
        e
    };
    let named = |e: &tracer::trace::Event| {
        matches!(&e.data, EventData::Keyring { key_type: Some(k), description: Some(d), .. }
            if k == "user" && d == "tracer-test-key")
    };
    let added = keyring("add_key", "add_key", None);
    assert!(named(added), "{added:?}");
    assert!(
        matches!(&added.data, EventData::Keyring { target: Some(r), .. } if r == "KEY_SPEC_PROCESS_KEYRING"),
        "{added:?}"
    );
    let serial = added.result.as_ref().expect("result").ret;
    let search = keyring("keyctl search", "keyctl", Some("KEYCTL_SEARCH"));
    assert!(named(search), "{search:?}");
    let request = keyring("request_key", "request_key", None);
    assert!(named(request), "{request:?}");
    let invalidate = keyring("keyctl invalidate", "keyctl", Some("KEYCTL_INVALIDATE"));
    assert!(
        matches!(&invalidate.data, EventData::Keyring { target: Some(k), .. } if *k == serial.to_string()),
        "{invalidate:?}"
    );
    // The payload is never in the trace.
    let text = std::fs::read_to_string(rec.dir.join("trace.jsonl")).expect("trace");
    assert!(!text.contains("not-a-secret"));
}

/// Round 11's capability-gated calls, done for real by root: a raw IP socket (CAP_NET_RAW),
/// open_by_handle_at (CAP_DAC_READ_SEARCH), a chown to nobody (CAP_CHOWN) and a SIGTERM to a
/// child running as nobody (CAP_KILL: the sender's ids match neither the target's real nor its
/// saved uid). Each is evidence against "No use of privileged functions".
#[test]
fn capability_gated_calls_are_privileged() {
    use tracer::{
        claims::Check,
        verdict::{Status, judge},
    };
    require_root();
    let work = TempDir::new("capgated");
    let bin = compile_c(work.path(), "capgated", CAP_GATED_C, &[]);
    let file = work.join("f");
    std::fs::write(&file, "x").expect("write f");
    let file = file.to_str().expect("utf-8");
    let rec = record("capgated", &["--", &bin, file]);
    let t = &rec.trace;
    let child = find(t, "the child's exec of sleep as nobody", |e| {
        matches!(&e.data, EventData::Exec { after: Some(c), path, .. }
            if c.uid == 65534 && path.best().ends_with("/sleep"))
    })
    .pid;
    // The kernel side read the target's real and saved uid as the signal was generated.
    find(t, "the SIGTERM with its target's ids", |e| {
        matches!(&e.data, EventData::Signal { target_pid, target_ids: Some([65534, 65534]), .. }
            if *target_pid as u32 == child)
    });
    // Judged without the child's own setresuid/setresgid (privileged too, but not the point).
    let mut acts = t.clone();
    acts.events.retain(|e| {
        !matches!(
            e.data,
            EventData::Setuid { .. } | EventData::Setgid { .. } | EventData::Setgroups { .. }
        )
    });
    let set = absent_claims("capgated", &[Check::PrivilegedFunctions]);
    let v = &judge(&acts, &set).verdicts[0];
    assert_eq!(v.status, Status::Contradicted, "{}", v.reason);
    let shown: Vec<&str> = v.evidence.shown.iter().map(|i| i.what.as_str()).collect();
    for needle in [
        "socket AF_INET SOCK_RAW (CAP_NET_RAW)",
        "open_by_handle_at",
        "to owner 65534 (CAP_CHOWN)",
        &format!("kill SIGTERM to pid {child}, a process of uid 65534 (CAP_KILL)"),
    ] {
        assert!(
            shown.iter().any(|w| w.contains(needle)),
            "{needle} not in {shown:?}"
        );
    }
}

const CAP_GATED_C: &str = r#"
#define _GNU_SOURCE
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    int s = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
    if (s < 0) { perror("socket"); return 1; }
    close(s);
    struct { struct file_handle h; unsigned char b[128]; } fh;
    fh.h.handle_bytes = sizeof fh.b;
    int mount_id;
    if (name_to_handle_at(AT_FDCWD, argv[1], &fh.h, &mount_id, 0) < 0) { perror("name_to_handle_at"); return 1; }
    int mnt = open("/", O_RDONLY | O_DIRECTORY);
    int fd = open_by_handle_at(mnt, &fh.h, O_RDONLY);
    if (fd >= 0) close(fd);
    if (fchownat(AT_FDCWD, argv[1], 65534, 65534, 0) < 0) { perror("fchownat"); return 1; }
    pid_t c = fork();
    if (c == 0) {
        if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534)) _exit(2);
        execl("/bin/sleep", "sleep", "30", (char *)0);
        _exit(3);
    }
    usleep(300000);
    if (kill(c, SIGTERM) < 0) { perror("kill"); return 1; }
    waitpid(c, 0, 0);
    return 0;
}
"#;

/// Round 11's calls that had no record: ioctl(FIBMAP) (CAP_SYS_RAWIO), a timer on an alarm
/// clock (CAP_WAKE_ALARM) by timerfd_create and timer_create, and a pipe grown past
/// `fs.pipe-max-size` (CAP_SYS_RESOURCE). Each is recorded, allowed or refused, and each is
/// evidence against "No use of privileged functions"; a timer on CLOCK_MONOTONIC and a pipe
/// within the limit are not recorded as uses.
#[test]
fn rawio_alarm_and_pipe_size_calls_are_privileged() {
    use tracer::{
        claims::Check,
        verdict::{Status, judge},
    };
    require_root();
    let work = TempDir::new("capcalls");
    let bin = compile_c(work.path(), "capcalls", CAP_CALLS_C, &[]);
    let file = work.join("f");
    std::fs::write(&file, vec![b'x'; 8192]).expect("write f");
    let file = file.to_str().expect("utf-8");
    let rec = record("capcalls", &["--", &bin, file]);
    let t = &rec.trace;
    let max = t
        .header
        .pipe_max_size
        .expect("the header keeps fs.pipe-max-size");
    let call = |name: &'static str, op: &'static str| {
        find(t, name, move |e| {
            matches!(&e.data, EventData::PrivilegedCall { call, op: Some(o), .. }
                if call == name && o.contains(op))
        })
    };
    call("ioctl", "FIBMAP");
    call("timerfd_create", "CLOCK_BOOTTIME_ALARM");
    call("timer_create", "CLOCK_REALTIME_ALARM");
    let small = call("fcntl", "F_SETPIPE_SZ 65536");
    assert!(
        matches!(small.data, EventData::PrivilegedCall { query: true, .. }) || max < 65536,
        "{small:?}"
    );
    assert_eq!(
        count_events(&t.events, |e| syscall_is(e, "timerfd_create")),
        1,
        "the CLOCK_MONOTONIC timer is not recorded"
    );
    let set = absent_claims("capcalls", &[Check::PrivilegedFunctions]);
    let v = &judge(t, &set).verdicts[0];
    assert_eq!(v.status, Status::Contradicted, "{}", v.reason);
    let shown: Vec<&str> = v.evidence.shown.iter().map(|i| i.what.as_str()).collect();
    let big = format!("F_SETPIPE_SZ {}", 2 * max);
    for needle in [
        "FIBMAP",
        "CLOCK_BOOTTIME_ALARM",
        "CLOCK_REALTIME_ALARM",
        big.as_str(),
    ] {
        assert!(
            shown.iter().any(|w| w.contains(needle)),
            "{needle} not in {shown:?}"
        );
    }
    assert!(
        !shown.iter().any(|w| w.contains("F_SETPIPE_SZ 65536")),
        "{shown:?}"
    );
}

const CAP_CALLS_C: &str = r#"
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/fs.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    int f = open(argv[1], O_RDONLY);
    if (f < 0) { perror("open"); return 1; }
    int block = 0;
    ioctl(f, FIBMAP, &block);
    close(f);
    int t = timerfd_create(CLOCK_BOOTTIME_ALARM, 0);
    if (t >= 0) close(t);
    t = timerfd_create(CLOCK_MONOTONIC, 0);
    if (t >= 0) close(t);
    struct sigevent sev = { .sigev_notify = SIGEV_NONE };
    timer_t id;
    if (timer_create(CLOCK_REALTIME_ALARM, &sev, &id) == 0) timer_delete(id);
    FILE *m = fopen("/proc/sys/fs/pipe-max-size", "r");
    long max = 1048576;
    if (m) { if (fscanf(m, "%ld", &max) != 1) max = 1048576; fclose(m); }
    int p[2];
    if (pipe(p) < 0) { perror("pipe"); return 1; }
    fcntl(p[1], F_SETPIPE_SZ, 65536);
    fcntl(p[1], F_SETPIPE_SZ, (int)(2 * max));
    return 0;
}
"#;
