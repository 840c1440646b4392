//! Privilege family: credential changes, capabilities, prctl, namespaces and mounts, chroot,
//! pivot_root, ptrace, bpf; and module loading, which this kernel cannot hook (named as failed).

use tracer::trace::EventData;

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
