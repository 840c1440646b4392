//! Whether a trace could have seen what a claim needs. An absence of evidence only means "held"
//! when every event of the needed kinds was recorded: the recorder finished (footer present),
//! lost none of them, and every hook that produces them attached.

use crate::{claims::Check, trace::Trace};

/// The event kinds (as in the trace's `kind`) whose absence a claim relies on.
pub fn needed_kinds(check: Check) -> &'static [&'static str] {
    match check {
        Check::ProcessesSpawned => &["fork", "exec"],
        Check::FileIo => &[
            "open", "unlink", "rename", "mkdir", "rmdir", "chmod", "chown", "link", "symlink",
            "truncate", "mknod", "xattr", "utime",
        ],
        Check::TempFiles => &[
            "open",
            "mkdir",
            "rename",
            "link",
            "symlink",
            "mknod",
            "memfd_create",
        ],
        Check::Environment => &["getenv"],
        Check::LdLibraryPath => &["exec"],
        Check::PrivilegedFunctions => &[
            "setuid",
            "setgid",
            "setgroups",
            "capset",
            "prctl",
            "mount",
            "umount",
            "unshare",
            "setns",
            "chroot",
            "pivot_root",
            "ptrace",
            "bpf",
            "module_load",
            "mount_api",
            "exec",
        ],
        Check::Crypto => &["open", "getrandom"],
        Check::Networking => &["socket", "bind", "listen", "connect", "accept", "send"],
        Check::ExternalEndpoint => &["bind", "listen"],
        Check::PrivilegedPorts => &["bind"],
        Check::OutgoingDestinations => &["connect", "send"],
        Check::RunsAsRoot => &["fork", "exec", "setuid"],
        Check::Sudo | Check::SecretInArgv | Check::MaintainerAddsGroups => &["fork", "exec"],
        Check::UserNobody => &["setuid", "setgid", "setgroups", "exec"],
        Check::SetuidCalls => &["setuid", "setgid", "exec"],
        Check::ChmodByPath => &["chmod"],
        Check::ChmodChownMixup => &["exec"],
        Check::OpensPort => &["bind", "listen"],
        // Libraries are mapped after an open of the .so (ld.so and dlopen both open it).
        Check::Webkit | Check::JsEngine | Check::OnlineAccounts => &["open"],
        Check::SystemAuthentication => &["open", "exec"],
        // What maintainer scripts did to set a setuid bit; the installed modes come from the
        // contents manifest.
        Check::SetuidFiles => &["chmod", "exec"],
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
        | Check::BinariesInPath => &["open", "rename", "link", "symlink"],
        // The unit files' text in the contents manifest; a unit a maintainer script writes is
        // seen as a file created, not read.
        Check::UnitSandboxing => &[],
        Check::WritesCgroups => &["open", "mkdir", "rmdir"],
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
fn not_attached(kind: &str) -> String {
    match kind {
        "getenv" => "no hook for getenv/secure_getenv in this trace (environment reads are not \
                     recorded)"
            .to_owned(),
        "getrandom" => "no hook for getrandom in this trace (only opens of /dev/random, \
                        /dev/urandom and crypto libraries are recorded)"
            .to_owned(),
        k => format!("no hook for {k} events was attached"),
    }
}

/// The event kind a hook (`tracepoint:CATEGORY/NAME`) produces; `None` when unknown.
pub fn hook_kind(hook: &str) -> Option<&'static str> {
    let name = hook.rsplit('/').next().unwrap_or(hook);
    let name = name.rsplit(':').next().unwrap_or(name);
    match name {
        "io_uring_create" => return Some("io_uring_create"),
        "io_uring_submit_req" | "io_uring_submit_sqe" => return Some("io_uring_op"),
        _ => {}
    }
    if name.contains("getenv") {
        // uprobes on libc's getenv/secure_getenv, however the recorder names them.
        return Some("getenv");
    }
    let sys = name
        .strip_prefix("sys_enter_")
        .or_else(|| name.strip_prefix("sys_exit_"))
        .unwrap_or(name);
    Some(match sys {
        "sched_process_fork" | "clone" | "clone3" | "fork" | "vfork" => "fork",
        "sched_process_exec" | "execve" | "execveat" => "exec",
        "sched_process_exit" => "exit",
        "open" | "openat" | "openat2" | "creat" => "open",
        "unlink" | "unlinkat" => "unlink",
        "rename" | "renameat" | "renameat2" => "rename",
        "mkdir" | "mkdirat" => "mkdir",
        "rmdir" => "rmdir",
        "chmod" | "fchmod" | "fchmodat" | "fchmodat2" => "chmod",
        "chown" | "fchown" | "lchown" | "fchownat" => "chown",
        "link" | "linkat" => "link",
        "symlink" | "symlinkat" => "symlink",
        "truncate" | "ftruncate" => "truncate",
        "mknod" | "mknodat" => "mknod",
        "memfd_create" => "memfd_create",
        "chdir" | "fchdir" => "chdir",
        "setxattr" | "lsetxattr" | "fsetxattr" | "setxattrat" | "removexattr" | "lremovexattr"
        | "fremovexattr" | "removexattrat" => "xattr",
        "utime" | "utimes" | "utimensat" | "futimesat" => "utime",
        "name_to_handle_at" => "name_to_handle",
        "close" | "close_range" => "close",
        "open_by_handle_at" => "open",
        "open_tree" | "open_tree_attr" | "move_mount" | "fsopen" | "fsconfig" | "fsmount"
        | "fspick" | "mount_setattr" => "mount_api",
        "socket" => "socket",
        "bind" => "bind",
        "listen" => "listen",
        "accept" | "accept4" => "accept",
        "connect" => "connect",
        "sendto" | "sendmsg" | "sendmmsg" => "send",
        "setuid" | "setreuid" | "setresuid" | "setfsuid" => "setuid",
        "setgid" | "setregid" | "setresgid" | "setfsgid" => "setgid",
        "setgroups" => "setgroups",
        "capset" => "capset",
        "prctl" => "prctl",
        "mount" => "mount",
        "umount" | "umount2" => "umount",
        "unshare" => "unshare",
        "setns" => "setns",
        "chroot" => "chroot",
        "pivot_root" => "pivot_root",
        "ptrace" => "ptrace",
        "bpf" => "bpf",
        "init_module" | "finit_module" => "module_load",
        "getrandom" => "getrandom",
        _ => return None,
    })
}

/// Event kinds added to the recorder after format version 1 traces were first written.
const ADDED_LATER: &[&str] = &["xattr", "utime", "mount_api"];

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
                if let Some(n) = f.lost.get(*k).filter(|n| **n > 0) {
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
    // A recorder that never tried a hook lists it neither as attached nor as failed.
    let attached: Vec<&str> = trace
        .header
        .hooks
        .attached
        .iter()
        .filter_map(|h| hook_kind(h))
        .collect();
    let absent_from_kernel: Vec<&str> = trace
        .header
        .hooks
        .failed
        .iter()
        .filter(|f| f.absent)
        .filter_map(|f| hook_kind(&f.hook))
        .collect();
    // Kinds a recorder learned later: a trace whose header names no hook of one at all (neither
    // attached nor failed) was made by an older recorder, which had no such hook to try. Its
    // claims keep the coverage they had then; the events themselves are judged when present.
    let mentioned = |k: &str| {
        let hooks = &trace.header.hooks;
        hooks
            .attached
            .iter()
            .map(String::as_str)
            .chain(hooks.failed.iter().map(|f| f.hook.as_str()))
            .any(|h| hook_kind(h) == Some(k))
    };
    for k in kinds {
        let predates = ADDED_LATER.contains(k) && !mentioned(k);
        if !attached.contains(k) && !absent_from_kernel.contains(k) && !predates {
            out.push(not_attached(k));
        }
    }
    if let Some(m) = missing_hook(check) {
        out.push(m.to_owned());
    }
    out.extend(io_uring_gaps(trace, kinds));
    out.dedup();
    out
}

/// io_uring operations bypass the syscalls the other kinds come from, and no rule evaluates
/// the `io_uring_op` events: a claim about files or the network cannot hold where operations
/// of that family ran through a ring, named or not.
fn io_uring_gaps(trace: &Trace, kinds: &[&str]) -> Vec<String> {
    const FILE: &[&str] = &[
        "open", "unlink", "rename", "mkdir", "rmdir", "chmod", "chown", "link", "symlink",
        "truncate", "mknod", "xattr", "utime",
    ];
    const NETWORK: &[&str] = &["socket", "bind", "listen", "connect", "accept", "send"];
    let mut out = Vec::new();
    let unhooked = trace
        .header
        .hooks
        .failed
        .iter()
        .any(|f| !f.absent && hook_kind(&f.hook) == Some("io_uring_op"));
    for (family, family_kinds) in [("file", FILE), ("network", NETWORK)] {
        if !kinds.iter().any(|k| family_kinds.contains(k)) {
            continue;
        }
        if unhooked {
            out.push(format!(
                "io_uring operations were not recorded (the io_uring_submit_req hook failed): \
                 {family} operations through a ring would be missing"
            ));
        }
        let (mut n, mut unnamed) = (0, 0);
        for ev in &trace.events {
            if let crate::trace::EventData::IoUringOp {
                family: f, named, ..
            } = &ev.data
                && f == family
            {
                n += 1;
                if !named {
                    unnamed += 1;
                }
            }
        }
        if n > 0 {
            out.push(format!(
                "{n} io_uring operations of the {family} family ran ({unnamed} of them \
                 unnamed); they bypass the syscalls this check reads (see the io_uring_op \
                 events)"
            ));
        }
    }
    out
}
