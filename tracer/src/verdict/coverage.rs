//! Whether a trace could have seen what a claim needs. An absence of evidence only means "held"
//! when every event of the needed kinds was recorded: the recorder finished (footer present),
//! lost none of them, and every hook that produces them attached. Which hooks fed which kind
//! is the trace header's `hooks.sources` (what the recorder really attached), and a hook's kind
//! comes from the trace layer's [`hook_kind`], which derives it from the syscall table: there is
//! no hand-kept hook list here.

use std::collections::BTreeSet;

use crate::{
    claims::Check,
    trace::{
        EventKind, Family, Trace,
        describe::{IoUringNet, io_uring_net},
        hook_kind,
    },
};

/// The event kinds whose absence a claim relies on.
pub fn needed_kinds(check: Check) -> &'static [EventKind] {
    use EventKind as K;
    match check {
        // ptrace: a write into an unrecorded process is a gap (verdict/rules.rs).
        Check::ProcessesSpawned => &[K::Fork, K::Exec, K::Ptrace],
        Check::FileIo => &[
            K::Open,
            K::Unlink,
            K::Rename,
            K::Mkdir,
            K::Rmdir,
            K::Chmod,
            K::Chown,
            K::Link,
            K::Symlink,
            K::Truncate,
            K::Mknod,
            K::Xattr,
            K::Utime,
            K::FileAttr,
            K::FdReceived,
            // The kernel's writes for the package: acct's file, a core dump; and a ptrace
            // write into an unrecorded process (verdict/rules.rs).
            K::PrivilegedCall,
            K::Exit,
            K::Ptrace,
        ],
        Check::TempFiles => &[
            K::Open,
            K::Mkdir,
            K::Rename,
            K::Link,
            K::Symlink,
            K::Mknod,
            K::MemfdCreate,
            // As for file_io.
            K::PrivilegedCall,
            K::Exit,
            K::Ptrace,
        ],
        Check::Environment => &[K::Getenv],
        Check::LdLibraryPath => &[K::Exec],
        Check::PrivilegedFunctions => &[
            K::SetUid,
            K::SetGid,
            K::SetGroups,
            K::Capset,
            K::Prctl,
            K::Mount,
            K::Umount,
            K::Unshare,
            K::Setns,
            K::Chroot,
            K::PivotRoot,
            K::Ptrace,
            K::Bpf,
            K::ModuleLoad,
            K::MountApi,
            K::Clock,
            K::PrivilegedCall,
            // chattr +i / +a (CAP_LINUX_IMMUTABLE).
            K::FileAttr,
            // keyctl's KEYCTL_CHOWN and KEYCTL_GET_PERSISTENT, read as gaps.
            K::Keyring,
            K::Exec,
            // A device node made (CAP_MKNOD).
            K::Mknod,
            // Capability-gated socket options; locks past RLIMIT_MEMLOCK (CAP_IPC_LOCK).
            K::Sockopt,
            K::Mlock,
            // open_by_handle_at (CAP_DAC_READ_SEARCH), raw sockets (CAP_NET_RAW), a chown to
            // another owner (CAP_CHOWN). A signal to another user's process (CAP_KILL) counts
            // too, but signal hooks are not asked for: recorders before 2026-12 had none, and
            // the claim over such a trace misses only CAP_KILL (docs/claims.md).
            K::Open,
            K::Socket,
            K::Chown,
        ],
        // AF_ALG sockets: the kernel's crypto API.
        // Socket options: TCP-MD5/TCP-AO signatures, kernel TLS, IPsec policies.
        Check::Crypto => &[K::Open, K::Getrandom, K::Socket, K::Sockopt],
        Check::Networking => &[
            K::Socket,
            K::Bind,
            K::Listen,
            K::Connect,
            K::Accept,
            K::Send,
            K::FdReceived,
        ],
        Check::ExternalEndpoint => &[K::Bind, K::Listen],
        Check::PrivilegedPorts => &[K::Bind],
        // Sockopt: source routes (the first hop is the datagram's IP destination).
        Check::OutgoingDestinations => &[K::Socket, K::Connect, K::Send, K::FdReceived, K::Sockopt],
        Check::RunsAsRoot => &[K::Fork, K::Exec, K::SetUid],
        Check::Sudo | Check::SecretInArgv | Check::MaintainerAddsGroups => &[K::Fork, K::Exec],
        Check::MaintainerRemoves => &[K::Exec, K::Unlink, K::Rmdir],
        // A parent's exit while its forked child lives on; both need the process events.
        Check::Daemonizes => &[K::Fork, K::Exit],
        // A bus connection; the name itself travels in a bus message.
        Check::OwnsDbusName => &[K::Connect],
        Check::UserNobody => &[K::SetUid, K::SetGid, K::SetGroups, K::Exec],
        Check::SetuidCalls => &[K::SetUid, K::SetGid, K::Exec],
        Check::ChmodByPath => &[K::Chmod],
        Check::ChmodChownMixup => &[K::Exec],
        Check::OpensPort => &[K::Bind, K::Listen],
        // Libraries are mapped after an open of the .so (ld.so and dlopen both open it).
        Check::Webkit | Check::JsEngine | Check::OnlineAccounts => &[K::Open],
        Check::SystemAuthentication => &[K::Open, K::Exec],
        // What maintainer scripts did to set a setuid bit; the installed modes come from the
        // contents manifest.
        Check::SetuidFiles => &[K::Chmod, K::Exec],
        // The contents manifest lists what dpkg unpacked; files a maintainer script creates
        // (a unit written by a postinst) are only in the trace.
        Check::InstallsServices
        | Check::InstallsTimers
        | Check::InstallsCronJobs
        | Check::InstallsInitScripts
        | Check::InstallsDbusFiles
        | Check::InstallsUdevRules
        | Check::InstallsPolkitFiles
        | Check::InstallsSudoers
        | Check::InstallsApparmorProfiles
        | Check::SbinExecutables
        | Check::BinariesInPath => &[K::Open, K::Rename, K::Link, K::Symlink],
        // The unit files' text in the contents manifest; a unit a maintainer script writes is
        // seen as a file created, not read.
        Check::UnitSandboxing => &[],
        Check::WritesCgroups => &[K::Open, K::Mkdir, K::Rmdir],
    }
}

/// Evidence no recorder hook can collect: the claim can be contradicted by what is recorded,
/// but never held.
pub fn missing_hook(check: Check) -> Option<&'static str> {
    match check {
        Check::LdLibraryPath => Some(
            "exec environments (envp) are not recorded and the dynamic loader reads \
             LD_LIBRARY_PATH without getenv; only `LD_LIBRARY_PATH=` in a command line can be seen",
        ),
        _ => None,
    }
}

/// What is missing when no hook of a kind was attached, in the words a reviewer needs.
fn not_attached(kind: EventKind) -> String {
    match kind {
        EventKind::Getenv => {
            "no hook for getenv/secure_getenv in this trace (environment reads are not \
                     recorded)"
                .to_owned()
        }
        EventKind::Getrandom => "no hook for getrandom in this trace (only opens of /dev/random, \
                        /dev/urandom and crypto libraries are recorded)"
            .to_owned(),
        k => format!("no hook for {k} events was attached"),
    }
}

/// Event kinds added to the recorder after format version 1 traces were first written.
const ADDED_LATER: &[EventKind] = &[
    EventKind::Xattr,
    EventKind::Utime,
    EventKind::MountApi,
    EventKind::Clock,
    EventKind::PrivilegedCall,
    EventKind::FdReceived,
    EventKind::FileAttr,
    EventKind::SelfPolicy,
    EventKind::Keyring,
    EventKind::Sockopt,
    EventKind::Mlock,
];

/// Why the trace cannot support "held" for this check: each reason is a sentence.
pub fn gaps(trace: &Trace, check: Check) -> Vec<String> {
    let mut out = Vec::new();
    let kinds = needed_kinds(check);
    match &trace.footer {
        None => out.push(
            "the trace has no footer: the recording did not finish, so events may be missing"
                .to_owned(),
        ),
        Some(f) => {
            for k in kinds {
                if let Some(n) = f.lost.get(k.name()).filter(|n| **n > 0) {
                    out.push(format!("{n} {k} events were lost"));
                }
            }
        }
    }
    // The footer is checked, not trusted: events it counts that the file lacks are missing too.
    out.extend(trace.integrity.gaps(kinds));
    for failed in &trace.header.hooks.failed {
        if failed.absent {
            // The kernel has no such syscall (e.g. init_module without CONFIG_MODULES): nothing
            // could succeed through it, so nothing is missing. docs/claims.md lists it.
            continue;
        }
        match hook_kind(&failed.hook) {
            Some(k) if !kinds.contains(&k) => {}
            Some(_) => out.push(format!(
                "hook {} failed to attach ({})",
                failed.hook, failed.error
            )),
            None => out.push(format!(
                "hook {} failed to attach ({}) and its events are unknown to this checker",
                failed.hook, failed.error
            )),
        }
    }
    // A recorder that never tried a hook lists it neither as attached nor as failed. What fed
    // each kind is the header's `sources`, as the recorder wrote it; a header from before
    // `sources` existed is read through its attached hooks' names.
    let hooks = &trace.header.hooks;
    let attached: BTreeSet<EventKind> = if hooks.sources.is_empty() {
        hooks.attached.iter().filter_map(|h| hook_kind(h)).collect()
    } else {
        hooks
            .sources
            .iter()
            .filter(|(_, fed_by)| !fed_by.is_empty())
            .filter_map(|(kind, _)| EventKind::from_name(kind))
            .collect()
    };
    let absent_from_kernel: BTreeSet<EventKind> = hooks
        .failed
        .iter()
        .filter(|f| f.absent)
        .filter_map(|f| hook_kind(&f.hook))
        .collect();
    // Kinds a recorder learned later: a trace whose header names no hook of one at all (neither
    // attached nor failed) was made by an older recorder, which had no such hook to try. Its
    // claims keep the coverage they had then; the events themselves are judged when present.
    let mentioned = |k: EventKind| {
        hooks
            .attached
            .iter()
            .map(String::as_str)
            .chain(hooks.failed.iter().map(|f| f.hook.as_str()))
            .any(|h| hook_kind(h) == Some(k))
    };
    for &k in kinds {
        let predates = ADDED_LATER.contains(&k) && !mentioned(k);
        if !attached.contains(&k) && !absent_from_kernel.contains(&k) && !predates {
            out.push(not_attached(k));
        }
    }
    if let Some(m) = missing_hook(check) {
        out.push(m.to_owned());
    }
    out.extend(io_uring_gaps(trace, kinds));
    out.extend(compat_gaps(trace, kinds));
    out.extend(cgroup_bpf_gaps(trace, check));
    out.dedup();
    out
}

/// Cgroup BPF programs that can rewrite a socket's addresses run inside connect, bind and
/// sendmsg after the syscall's arguments were read: the trace names the address asked for,
/// not the one used. The header lists those attached to the target's cgroup at start
/// (`cgroup_bpf`); a query that failed leaves the same doubt. The address claims cannot hold
/// over either. (A package's process moving into another cgroup, whose programs were never
/// listed, is judged per event: `Rules::hit`.)
fn cgroup_bpf_gaps(trace: &Trace, check: Check) -> Vec<String> {
    if !matches!(
        check,
        Check::OutgoingDestinations
            | Check::ExternalEndpoint
            | Check::OpensPort
            | Check::PrivilegedPorts
    ) {
        return Vec::new();
    }
    let mut out = Vec::new();
    if let Some(c) = &trace.header.cgroup_bpf {
        let rewriting: Vec<String> = c
            .programs
            .iter()
            .filter(|p| p.rewrites_addresses())
            .map(|p| {
                let name = if p.name.is_empty() { "?" } else { &p.name };
                format!("{} program {name} (id {})", p.attach_type, p.id)
            })
            .collect();
        if !rewriting.is_empty() {
            out.push(format!(
                "BPF programs attached to the cgroup {} before the recording can rewrite socket addresses: {}",
                c.cgroup,
                rewriting.join(", ")
            ));
        }
        if let Some(e) = &c.error {
            out.push(format!(
                "the BPF programs of the cgroup {} could not all be listed ({e})",
                c.cgroup
            ));
        }
        if c.left_out > 0 {
            out.push(format!(
                "{} BPF programs of the cgroup {} were not listed",
                c.left_out, c.cgroup
            ));
        }
    }
    out
}

/// 32-bit syscalls (`int $0x80`) bypass the per-syscall tracepoints: the recorder counts them
/// (a lost `compat_syscall`) but cannot say what they did. A claim that rests on syscall
/// events cannot hold over them; processes (from the scheduler) and library calls (uprobes)
/// are seen either way.
fn compat_gaps(trace: &Trace, kinds: &[EventKind]) -> Vec<String> {
    let by_syscall = kinds.iter().any(|&k| {
        !matches!(k.family(), Family::Process)
            && !matches!(k, EventKind::Getenv | EventKind::Crypto)
    });
    if !by_syscall {
        return Vec::new();
    }
    let mut out = Vec::new();
    let lost = trace
        .footer
        .as_ref()
        .and_then(|f| f.lost.get(EventKind::CompatSyscall.name()))
        .copied()
        .unwrap_or(0);
    if lost > 0 {
        out.push(format!(
            "{lost} 32-bit syscall(s) (int $0x80) ran unrecorded: what they opened, connected \
             or changed is not in the trace"
        ));
    }
    out.extend(
        trace
            .header
            .hooks
            .failed
            .iter()
            .filter(|f| hook_kind(&f.hook) == Some(EventKind::CompatSyscall))
            .map(|f| format!("32-bit syscalls were not watched ({}: {})", f.hook, f.error)),
    );
    out
}

/// io_uring operations bypass the syscalls the other kinds come from. The file rules read
/// named openat, unlinkat, mkdirat, renameat, linkat and symlinkat operations like the syscalls
/// (`describe::file_changes`), the network rules named connects and sends
/// (`describe::io_uring_net`); every other operation of a claim's family is a gap: a claim
/// about files or the network cannot hold where such operations ran through a ring.
fn io_uring_gaps(trace: &Trace, kinds: &[EventKind]) -> Vec<String> {
    let mut out = Vec::new();
    let unhooked = trace
        .header
        .hooks
        .failed
        .iter()
        .any(|f| !f.absent && hook_kind(&f.hook) == Some(EventKind::IoUringOp));
    for (family, name) in [(Family::File, "file"), (Family::Network, "network")] {
        // A socket option set through a ring is a `uring_cmd` (family "other"), which the
        // rules read themselves: `sockopt` alone does not make network operations a gap.
        if !kinds
            .iter()
            .any(|k| k.family() == family && *k != EventKind::Sockopt)
        {
            continue;
        }
        if unhooked {
            out.push(format!(
                "io_uring operations were not recorded (the io_uring_submit_req hook failed): \
                 {name} operations through a ring would be missing"
            ));
        }
        let (mut n, mut unnamed) = (0, 0);
        for ev in &trace.events {
            if let crate::trace::EventData::IoUringOp {
                family: f,
                named,
                op,
                path2,
                ..
            } = &ev.data
                && f == name
            {
                // A named file operation the rules read (its path, its open flags) is judged
                // like the syscall it stands for: evidence, not a gap. A link's new name is
                // its second path.
                if family == Family::File
                    && *named
                    && crate::trace::describe::IO_URING_FILE_OPS_READ.contains(&op.as_str())
                    && (path2.is_some() || !matches!(op.as_str(), "linkat" | "symlinkat"))
                {
                    continue;
                }
                // So is a connect or addressed send; a send naming no destination is like a
                // send on a connected socket. Other network operations are a gap only for
                // claims that read their kind (an accept says nothing about destinations).
                if family == Family::Network {
                    match io_uring_net(ev) {
                        Some(IoUringNet::Addressed(..) | IoUringNet::NoDestination) => continue,
                        Some(IoUringNet::Unread(kind)) if !kinds.contains(&kind) => continue,
                        _ => {}
                    }
                }
                n += ev.occurrences();
                if !named {
                    unnamed += ev.occurrences();
                }
            }
        }
        if n > 0 {
            out.push(format!(
                "{n} io_uring operations of the {name} family ran ({unnamed} of them \
                 unnamed) that this check cannot read; they bypass the syscalls it reads (see \
                 the io_uring_op events)"
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::verdict::synthetic;

    fn header_with(programs: serde_json::Value) -> serde_json::Value {
        let mut h = synthetic::fixture_header();
        h["cgroup_bpf"] = json!({"cgroup": "/sys/fs/cgroup/x", "programs": programs});
        h
    }

    /// A sockaddr hook listed in the header is a gap for the address claims only; a program
    /// that can only refuse (systemd's IPAddressDeny= egress filter) is none.
    #[test]
    fn cgroup_programs_that_rewrite_addresses_are_gaps() {
        let prog = |t: &str| json!({"attach_type": t, "id": 7, "name": "p", "tag": "00"});
        let t = synthetic::trace(&header_with(json!([prog("cgroup_inet4_connect")])), []);
        let gaps = cgroup_bpf_gaps(&t, Check::OutgoingDestinations);
        assert_eq!(gaps.len(), 1, "{gaps:?}");
        assert!(gaps[0].contains("cgroup_inet4_connect program p (id 7)"));
        assert!(cgroup_bpf_gaps(&t, Check::OpensPort).len() == 1);
        assert!(cgroup_bpf_gaps(&t, Check::FileIo).is_empty());

        let t = synthetic::trace(&header_with(json!([prog("cgroup_inet_egress")])), []);
        assert!(cgroup_bpf_gaps(&t, Check::OutgoingDestinations).is_empty());
    }
}
