//! Words for one event or header field, shared by every stage that shows or judges events
//! (summary, verdict, report, diff): the paths an event changes, its privilege detail, address
//! and target labels, the command line with secrets masked. They describe the trace's own
//! types, so they live with them; no later stage reaches into another for them.

use super::{Event, EventData, EventKind, PathRef, SockAddr, SysResult, Target};

/// The paths an event changes, absolute when known, each with what was done to it; a file
/// the kernel named otherwise (the path was a symlink) is listed under both names, so a write
/// through a link into /tmp counts as a write in /tmp.
pub fn changed_paths(ev: &Event) -> Vec<(String, String)> {
    file_changes(ev)
        .into_iter()
        .flat_map(|(p, op)| {
            p.names()
                .map(|n| (n.to_owned(), op.clone()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The places an event changes, for judging where a file is: like [`changed_paths`], except
/// that a file the kernel named from the object itself (`real`: the walk of the opened file,
/// LSM's name) is at that name only. The path as written is then one way there, not a place:
/// `/var/run/foo/foo.pid`, opened through the `/var/run` → `/run` link, is the file
/// `/run/foo/foo.pid`, and a write through a link into /tmp is a write in /tmp, not where the
/// link lies. Without a kernel name every name counts, as in [`changed_paths`].
pub fn changed_places(ev: &Event) -> Vec<(String, String)> {
    file_changes(ev)
        .into_iter()
        .flat_map(|(p, op)| match p.real.as_deref() {
            Some(real) => vec![(real.to_owned(), op)],
            None => p.names().map(|n| (n.to_owned(), op.clone())).collect(),
        })
        .collect()
}

/// A syscall result as a reviewer reads it: `ok`, the errno name, or the raw value.
/// Every path an event names (the f* calls' path when the fd table knew it).
pub fn paths(ev: &Event) -> Vec<&PathRef> {
    match &ev.data {
        EventData::Exec { path, .. }
        | EventData::Open { path, .. }
        | EventData::Unlink { path, .. }
        | EventData::Mkdir { path, .. }
        | EventData::Rmdir { path }
        | EventData::Symlink { path, .. }
        | EventData::Mknod { path, .. }
        | EventData::NameToHandle { path, .. } => vec![path],
        EventData::Rename { from, to, .. } => vec![from, to],
        EventData::Link { target, path } => vec![target, path],
        EventData::Chmod { path, .. }
        | EventData::Chown { path, .. }
        | EventData::Truncate { path, .. }
        | EventData::Xattr { path, .. }
        | EventData::Utime { path, .. }
        | EventData::FileAttr { path, .. }
        | EventData::Chdir { path, .. } => path.iter().collect(),
        _ => Vec::new(),
    }
}

pub fn result_label(result: Option<&SysResult>) -> String {
    match result {
        None => "-".to_owned(),
        Some(r) if r.ok() => "ok".to_owned(),
        Some(r) => r
            .errno
            .as_deref()
            .map_or_else(|| format!("ret {}", r.ret), str::to_owned),
    }
}

/// What came of `ev`, in words: `ok`, the errno of a failed call, or, for a call whose return
/// was never seen (no result: flagged `no_return` or `unfinished`), that. A scheduler event
/// (no result, no flag) fired for what happened: `ok`.
pub fn outcome(ev: &Event) -> String {
    if ev.result.is_some() {
        return result_label(ev.result.as_ref());
    }
    let flagged = |name: &str| ev.flags.iter().any(|f| f == name);
    if flagged("no_return") {
        "no return (its thread ended inside the call)".to_owned()
    } else if flagged("unfinished") {
        "unfinished (no return seen before the recording stopped)".to_owned()
    } else {
        "ok".to_owned()
    }
}

/// [`result_label`], or for a call whose return was never seen (no result), `no return` or
/// `unfinished` after its flag: a short [`outcome`].
pub fn outcome_label(ev: &Event) -> String {
    if ev.result.is_some() || ev.syscall.is_none() {
        return result_label(ev.result.as_ref());
    }
    if ev.flags.iter().any(|f| f == "no_return") {
        "no return".to_owned()
    } else {
        "unfinished".to_owned()
    }
}

/// Whether `ev` is known to have done what it asked: a call that returned success, or a
/// scheduler event (it fires for what happened). A call whose return was never seen (no result:
/// flagged `no_return` or `unfinished`) is not: a connect still waiting for its handshake, an
/// open still waiting for a FIFO's writer. Such an event is an attempt all the same.
pub fn succeeded(ev: &Event) -> bool {
    ev.result
        .as_ref()
        .map_or(ev.syscall.is_none(), SysResult::ok)
}

/// Whether a syscall failed. Scheduler events (no result) count as succeeded: they only fire for
/// what happened.
pub fn failed(result: Option<&SysResult>) -> bool {
    result.is_some_and(|r| !r.ok())
}

/// One-line form of an address: `1.2.3.4:80`, `[::1]:80`, `unix:/run/x`, `unix:@name`.
pub fn addr_label(addr: &SockAddr) -> String {
    match addr {
        SockAddr::Inet { ip, port } => format!("{ip}:{port}"),
        SockAddr::Inet6 { ip, port } => format!("[{ip}]:{port}"),
        SockAddr::Unix {
            path: Some(p),
            abstract_name: _,
        } => format!("unix:{p}"),
        SockAddr::Unix {
            path: None,
            abstract_name: Some(a),
        } => format!("unix:@{a}"),
        SockAddr::Unix { .. } => "unix:(unnamed)".to_owned(),
        SockAddr::Other { number, hex } => format!("family {number}:{hex}"),
    }
}

/// Makes a name from the trace safe to print on a terminal: control characters (newlines, ANSI
/// escapes) become visible escapes, so a hostile file name cannot forge lines or recolour output.
pub fn printable(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            // Bidi overrides reorder what the reader sees (Trojan Source); show them too.
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// How a reviewer reads what was recorded: the command line (secrets masked), the pid, the
/// cgroup or unit, or the whole system.
pub fn target_label(target: &Target) -> String {
    match target {
        Target::Command { argv, pid, user } => {
            let shown = shown_argv(argv);
            match user {
                Some(user) => format!("command (pid {pid}, as {user}): {shown}"),
                None => format!("command (pid {pid}): {shown}"),
            }
        }
        Target::Pid { pid, comm } => format!("pid {pid} ({comm}) and descendants"),
        Target::Cgroup { path, .. } => format!("cgroup {path}"),
        Target::Unit { name, cgroup, .. } => format!("unit {name} (cgroup {cgroup})"),
        Target::System => "the whole system".to_owned(),
    }
}

/// The syscall kind an io_uring network operation stands for (`connect` for IORING_OP_CONNECT,
/// `send` for the send and sendmsg operations, …); `None` for operations of other families.
pub fn io_uring_net_kind(op: &str) -> Option<EventKind> {
    Some(match op {
        "connect" => EventKind::Connect,
        "send" | "send_zc" | "sendmsg" | "sendmsg_zc" => EventKind::Send,
        "bind" => EventKind::Bind,
        "listen" => EventKind::Listen,
        "accept" => EventKind::Accept,
        "socket" => EventKind::Socket,
        _ => return None,
    })
}

/// What the network rules read of an io_uring operation, as of the syscall it stands for.
pub enum IoUringNet<'a> {
    /// A connect, or a send naming a destination, with its address: read like
    /// `connect(2)`/`sendto(2)`. The address was copied at submission from the memory the
    /// entry points to, right after the kernel copied it (the kernel's connect and send
    /// preparation copies the address at submission too).
    Addressed(EventKind, &'a SockAddr),
    /// A send whose entry was read and names no destination: like a send on a connected
    /// socket, which the syscall rules do not read either (its peer is the connect's).
    NoDestination,
    /// Anything else of the network family (an unreadable entry or address, bind, listen,
    /// accept, socket): the rules do not read it, so it is a gap for claims about its kind.
    Unread(EventKind),
}

/// How the network rules see `ev`, if it is an io_uring network operation.
pub fn io_uring_net(ev: &Event) -> Option<IoUringNet<'_>> {
    let EventData::IoUringOp {
        op, addr, op_flags, ..
    } = &ev.data
    else {
        return None;
    };
    let kind = io_uring_net_kind(op)?;
    let unreadable = ev.flags.iter().any(|f| f == "read_failed");
    Some(match (kind, addr) {
        (EventKind::Connect | EventKind::Send, Some(a)) if !unreadable => {
            IoUringNet::Addressed(kind, a)
        }
        (EventKind::Send, None) if op_flags.is_some() && !unreadable => IoUringNet::NoDestination,
        _ => IoUringNet::Unread(kind),
    })
}

/// io_uring operations whose change [`file_changes`] reads from the record: the path and,
/// for openat, the open flags are in the submission entry; linkat's and symlinkat's new name is
/// the entry's second path (`path2`). Others of the file family (openat2's flags sit in a
/// struct the entry points to; removexattr, ftruncate, fallocate) stay a gap for file claims.
pub const IO_URING_FILE_OPS_READ: &[&str] = &[
    "openat",
    "unlinkat",
    "mkdirat",
    "renameat",
    "linkat",
    "symlinkat",
    "setxattr",
    "fsetxattr",
];

/// What a file event did to its path(s), for the "changed" list; `None` for reads.
pub fn file_changes(ev: &Event) -> Vec<(&PathRef, String)> {
    match &ev.data {
        EventData::IoUringOp {
            op,
            path: Some(path),
            path2,
            op_flags,
            named: true,
            name,
            ..
        } => {
            let flags = op_flags.unwrap_or(0);
            let o = |f: i32| flags & f as u32 != 0;
            let via = |what: &str| format!("{what} (io_uring)");
            match op.as_str() {
                "openat" if flags & libc::O_TMPFILE as u32 == libc::O_TMPFILE as u32 => {
                    vec![(path, via("tmpfile"))]
                }
                "openat" if o(libc::O_CREAT) => vec![(path, via("create"))],
                "openat" if flags & 3 != 0 || o(libc::O_TRUNC) => vec![(path, via("write"))],
                // AT_REMOVEDIR
                "unlinkat" if flags & 0x200 != 0 => vec![(path, via("rmdir"))],
                "unlinkat" => vec![(path, via("remove"))],
                "mkdirat" => vec![(path, via("mkdir"))],
                "setxattr" | "fsetxattr" => vec![(
                    path,
                    via(&format!("setxattr {}", name.as_deref().unwrap_or("?"))),
                )],
                "renameat" => match path2 {
                    Some(to) => vec![(path, via("rename away")), (to, via("rename into"))],
                    None => vec![(path, via("rename away"))],
                },
                // The first path is the old name (linkat) or the link's text (symlinkat): only
                // the new name, `path2`, is a change. Without it the op stays a gap (not read).
                "linkat" => path2.iter().map(|to| (to, via("link"))).collect(),
                "symlinkat" => path2.iter().map(|to| (to, via("symlink"))).collect(),
                _ => vec![],
            }
        }
        EventData::Open {
            path,
            flags,
            access,
            ..
        } => {
            let has = |f: &str| flags.iter().any(|x| x == f);
            if has("O_TMPFILE") {
                vec![(path, "tmpfile".to_owned())]
            } else if has("O_CREAT") {
                vec![(path, "create".to_owned())]
            } else if access == "write" || access == "read_write" || has("O_TRUNC") {
                vec![(path, "write".to_owned())]
            } else {
                vec![]
            }
        }
        EventData::Unlink { path, dir } => {
            vec![(path, if *dir { "rmdir" } else { "remove" }.to_owned())]
        }
        EventData::Rename { from, to, .. } => vec![
            (from, "rename away".to_owned()),
            (to, "rename into".to_owned()),
        ],
        EventData::Mkdir { path, mode } => vec![(path, format!("mkdir {mode:04o}"))],
        EventData::Rmdir { path } => vec![(path, "rmdir".to_owned())],
        EventData::Chmod {
            path: Some(path),
            mode,
            ..
        } => vec![(path, format!("chmod {mode:04o}"))],
        EventData::Chown {
            path: Some(path),
            uid,
            gid,
            ..
        } => vec![(path, format!("chown {}:{}", id_label(*uid), id_label(*gid)))],
        EventData::Link { path, .. } => vec![(path, "link".to_owned())],
        EventData::Symlink { path, .. } => vec![(path, "symlink".to_owned())],
        EventData::Truncate {
            path: Some(path), ..
        } => vec![(path, "truncate".to_owned())],
        EventData::Mknod { path, .. } => vec![(path, "mknod".to_owned())],
        EventData::Xattr {
            path: Some(path),
            name,
            op,
            ..
        } => vec![(path, format!("{op}xattr {name}"))],
        EventData::Utime {
            path: Some(path), ..
        } => vec![(path, "utime".to_owned())],
        EventData::FileAttr {
            path: Some(path),
            flags,
            flags_raw,
            ..
        } => vec![(
            path,
            match flags_raw {
                None => "set inode flags (unread)".to_owned(),
                Some(0) => "clear inode flags".to_owned(),
                Some(_) => format!("set inode flags {}", flags.join("|")),
            },
        )],
        _ => vec![],
    }
}

/// A uid or gid, with -1 (u32::MAX, "leave unchanged") written as such.
pub fn id_label(id: u32) -> String {
    if id == u32::MAX {
        "-1".to_owned()
    } else {
        id.to_string()
    }
}

/// Splits an absolute path into directory and name; a relative or unknown one goes under
/// `(unresolved)`.
/// A bind that makes an address others can reach: a fixed port, or a named unix socket.
pub fn is_server_bind(addr: &SockAddr) -> bool {
    match addr {
        SockAddr::Inet { port, .. } | SockAddr::Inet6 { port, .. } => *port != 0,
        SockAddr::Unix {
            path,
            abstract_name,
        } => path.is_some() || abstract_name.is_some(),
        SockAddr::Other { .. } => false,
    }
}

/// prctl options the recorder may leave unnamed (`PR_<number>`), by number
/// (include/uapi/linux/prctl.h), where the option matters to a claim.
const PRCTL_BY_NUMBER: &[(u32, &str)] = &[(35, "PR_SET_MM")];

/// A prctl option's name: `PR_35` is named `PR_SET_MM`; a named option is itself.
pub fn prctl_name(option: &str) -> &str {
    option
        .strip_prefix("PR_")
        .and_then(|n| n.parse::<u32>().ok())
        .and_then(|n| PRCTL_BY_NUMBER.iter().find(|(k, _)| *k == n))
        .map_or(option, |(_, name)| name)
}

/// `PR_CAP_AMBIENT`'s read-only sub-command (include/uapi/linux/prctl.h): is this capability
/// in the ambient set.
const PR_CAP_AMBIENT_IS_SET: u64 = 1;

/// prctl options that change what the process may do (PR_SET_NAME and the like do not).
/// PR_SET_MM rewrites the process's own memory map fields (its command line and environment
/// as /proc shows them, its exe link) and needs CAP_SYS_RESOURCE. PR_SET_SECCOMP and
/// PR_SET_NO_NEW_PRIVS are not here: they only take from the caller, like seccomp(2), and are
/// [`is_self_policy_prctl`]. Queries change nothing and are not here either:
/// `PR_CAP_AMBIENT` with `PR_CAP_AMBIENT_IS_SET` (`arg2` 1) is one option number shared with
/// the raise, lower and clear sub-commands, and libcap-ng runs it as it loads, to learn
/// whether the kernel has ambient capabilities (atd, through libpam and libaudit,
/// 2026-12-05); the other reads
/// (PR_CAPBSET_READ, PR_GET_KEEPCAPS, PR_GET_SECUREBITS, PR_GET_DUMPABLE) have numbers of
/// their own that the recorder leaves unnamed (`PR_23`, …) and no name here matches.
pub fn is_privilege_prctl(option: &str, arg2: u64) -> bool {
    let name = prctl_name(option);
    if name == "PR_CAP_AMBIENT" && arg2 == PR_CAP_AMBIENT_IS_SET {
        return false;
    }
    [
        "KEEPCAPS",
        "SECUREBITS",
        "CAPBSET",
        "CAP_AMBIENT",
        "DUMPABLE",
        "PR_SET_MM",
    ]
    .iter()
    .any(|p| name.contains(p))
}

/// prctl options by which a process restricts itself: a seccomp filter or strict mode
/// (PR_SET_SECCOMP, seccomp(2) by another door) and no_new_privs (which lets an unprivileged
/// process install a filter, and which systemd's `NoNewPrivileges=` sets). Neither needs a
/// capability: they belong with the `self_policy` calls, not with the privileged functions.
pub fn is_self_policy_prctl(option: &str) -> bool {
    let name = prctl_name(option);
    name == "PR_SET_SECCOMP" || name == "PR_SET_NO_NEW_PRIVS"
}

/// What a process set on itself, in words, for the summary's and the report's self-policy
/// lists: the `self_policy` calls that set something (not their queries) and the prctl forms
/// of the same restrictions. `None` for every other event.
pub fn self_policy_detail(ev: &Event) -> Option<String> {
    match &ev.data {
        EventData::SelfPolicy { query: true, .. } => None,
        EventData::SelfPolicy {
            call,
            op,
            flags,
            detail,
            ..
        } => Some(
            [
                Some(call.clone()),
                op.clone(),
                (!flags.is_empty()).then(|| flags.join("|")),
                detail.clone(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" "),
        ),
        EventData::Prctl { option, arg2 } if is_self_policy_prctl(option) => {
            Some(format!("prctl {} {arg2}", prctl_name(option)))
        }
        _ => None,
    }
}

/// A kernel keyring call in words: `keyctl KEYCTL_SEARCH user "name" on
/// KEY_SPEC_PROCESS_KEYRING`. Keys hold secrets, so a reviewer wants to see them; the payload
/// is never in the trace, only the key's type and description. `None` for other events.
pub fn keyring_detail(ev: &Event) -> Option<String> {
    let EventData::Keyring {
        call,
        op,
        key_type,
        description,
        target,
    } = &ev.data
    else {
        return None;
    };
    Some(
        [
            Some(call.clone()),
            op.clone(),
            key_type.clone(),
            description.as_ref().map(|d| format!("{d:?}")),
            target.as_ref().map(|t| format!("on {t}")),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" "),
    )
}

/// A `sockopt` event in words: `setsockopt fd 3 SOL_SOCKET SO_MARK 1381256501`, with what the
/// value says (never a key). `None` for other events.
pub fn sockopt_label(ev: &Event) -> Option<String> {
    let EventData::Sockopt {
        fd,
        level,
        option,
        value,
        detail,
        route,
        ..
    } = &ev.data
    else {
        return None;
    };
    let mut s = format!(
        "{} fd {fd} {level} {option}",
        ev.syscall.as_deref().unwrap_or("setsockopt")
    );
    if let Some(v) = value {
        s.push_str(&format!(" {v}"));
    }
    if let Some(d) = detail {
        s.push_str(&format!(": {d}"));
    }
    if let Some(r) = route {
        s.push_str(&format!(
            ": source route {} via {}",
            r.kind,
            r.hops.join(", ")
        ));
    }
    Some(s)
}

/// An `mlock` event in words: `mlock of 32 MiB (RLIMIT_MEMLOCK 8 MiB: …)`. `None` for other
/// events.
pub fn mlock_label(ev: &Event) -> Option<String> {
    let EventData::Mlock {
        len, flags, why, ..
    } = &ev.data
    else {
        return None;
    };
    let call = ev.syscall.as_deref().unwrap_or("mlock");
    let mut s = match len {
        Some(l) => format!("{call} of {l} bytes"),
        None => call.to_owned(),
    };
    if !flags.is_empty() {
        s.push_str(&format!(" {}", flags.join("|")));
    }
    s.push_str(&format!(" ({why})"));
    Some(s)
}

/// keyctl operations that may need a capability for arguments the trace does not keep:
/// KEYCTL_CHOWN to another owner or a group the caller is not in (CAP_SYS_ADMIN), and
/// KEYCTL_GET_PERSISTENT of another user's keyring (CAP_SETUID). A privilege claim reads them
/// as a gap, not as a use.
pub fn keyctl_maybe_privileged(ev: &Event) -> Option<&str> {
    match &ev.data {
        EventData::Keyring { op: Some(op), .. }
            if op == "KEYCTL_CHOWN" || op == "KEYCTL_GET_PERSISTENT" =>
        {
            Some(op)
        }
        _ => None,
    }
}

/// The inode flags only a process with CAP_LINUX_IMMUTABLE may set or clear: immutable and
/// append-only, in the `FS_IOC_SETFLAGS` and the `fsxattr` spelling.
pub const IMMUTABLE_FLAGS: &[&str] = &[
    "FS_IMMUTABLE_FL",
    "FS_APPEND_FL",
    "FS_XFLAG_IMMUTABLE",
    "FS_XFLAG_APPEND",
];

/// The extended attribute that holds a file's capabilities: setting or removing it is what
/// setcap(8) does, and the kernel asks CAP_SETFCAP for it.
pub const CAPABILITY_XATTR: &str = "security.capability";

/// Why changing extended attribute `name` takes a capability: a file's capabilities
/// (CAP_SETFCAP), or the trusted.* namespace (CAP_SYS_ADMIN, xattr(7), to set or remove alike).
fn privileged_xattr(name: &str) -> Option<&'static str> {
    if name == CAPABILITY_XATTR {
        Some("file capabilities: CAP_SETFCAP")
    } else if name.starts_with("trusted.") {
        Some("trusted.* attributes: CAP_SYS_ADMIN")
    } else {
        None
    }
}

/// unshare(2)'s and setns(2)'s flags by name (include/uapi/linux/sched.h).
pub const NS_FLAGS: &[(u64, &str)] = &[
    (0x0000_0080, "CLONE_NEWTIME"),
    (0x0000_0200, "CLONE_FS"),
    (0x0000_0400, "CLONE_FILES"),
    (0x0002_0000, "CLONE_NEWNS"),
    (0x0004_0000, "CLONE_SYSVSEM"),
    (0x0200_0000, "CLONE_NEWCGROUP"),
    (0x0400_0000, "CLONE_NEWUTS"),
    (0x0800_0000, "CLONE_NEWIPC"),
    (0x1000_0000, "CLONE_NEWUSER"),
    (0x2000_0000, "CLONE_NEWPID"),
    (0x4000_0000, "CLONE_NEWNET"),
];

/// The namespaces a clone created (`CLONE_NEW*`), as unshare(2) would name them. clone(2)
/// keeps the exit signal in its low byte, so CLONE_NEWTIME (0x80) counts only for clone3.
pub fn clone_namespaces(clone_flags: u64, syscall: Option<&str>) -> Vec<&'static str> {
    NS_FLAGS
        .iter()
        .filter(|(bit, name)| {
            clone_flags & bit != 0
                && name.starts_with("CLONE_NEW")
                && (*name != "CLONE_NEWTIME" || syscall == Some("clone3"))
        })
        .map(|(_, name)| *name)
        .collect()
}

/// A socket only CAP_NET_RAW may make: `AF_INET`/`AF_INET6` `SOCK_RAW`, any `AF_PACKET` one.
pub fn raw_socket(domain: &str, sock_type: &str) -> bool {
    let raw = sock_type.split('|').any(|t| t == "SOCK_RAW");
    domain == "AF_PACKET" || (raw && (domain == "AF_INET" || domain == "AF_INET6"))
}

/// A chown naming an owner other than the caller's fsuid (its euid, the real uid when the
/// euid was not read): the kernel asks CAP_CHOWN (fs/attr.c, chown_ok). -1 keeps the owner.
pub fn chown_to_another(ev: &Event, uid: u32) -> bool {
    uid != u32::MAX && uid != ev.ids.euid.unwrap_or(ev.ids.uid)
}

/// The file a chown names: its path, or its fd.
fn describe_target(ev: &Event) -> String {
    match &ev.data {
        EventData::Chown {
            path: Some(path), ..
        } => path.best().to_owned(),
        EventData::Chown { fd: Some(fd), .. } => format!("fd {fd}"),
        _ => "?".to_owned(),
    }
}

/// The privilege-relevant part of an event, as `(kind, detail)`; `None` for other events.
pub fn privilege_detail(ev: &Event) -> Option<String> {
    let ids = |v: &[u32]| v.iter().map(|i| id_label(*i)).collect::<Vec<_>>().join(",");
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "?".to_owned());
    Some(match &ev.data {
        EventData::Setuid { requested } => format!("uid -> {}", ids(requested)),
        EventData::Setgid { requested } => format!("gid -> {}", ids(requested)),
        EventData::Setgroups { groups, count } => format!("groups ({count}) -> {}", ids(groups)),
        EventData::Capset {
            effective,
            permitted,
            inheritable,
        } => format!(
            "effective {} permitted {} inheritable {}",
            opt(effective),
            opt(permitted),
            opt(inheritable)
        ),
        EventData::Prctl { option, arg2 } if is_privilege_prctl(option, *arg2) => {
            let name = prctl_name(option);
            if name == option {
                format!("{option} {arg2}")
            } else {
                format!("{name} ({option}) {arg2}")
            }
        }
        EventData::Xattr { path, name, op, .. } if let Some(why) = privileged_xattr(name) => {
            format!(
                "{op}xattr {name} on {} ({why})",
                path.as_ref().map_or("(fd, path unknown)", |p| p.best())
            )
        }
        EventData::IoUringOp {
            op,
            path,
            name: Some(name),
            ..
        } if (op == "setxattr" || op == "fsetxattr")
            && let Some(why) = privileged_xattr(name) =>
        {
            format!(
                "{op} (io_uring) {name} on {} ({why})",
                path.as_ref().map_or("(fd, path unknown)", |p| p.best())
            )
        }
        EventData::Mount {
            source,
            target,
            fstype,
            flags,
        } => format!(
            "{} on {} type {} flags {flags:#x}",
            opt(source),
            target.best(),
            opt(fstype)
        ),
        EventData::Umount { target, .. } => format!("umount {}", target.best()),
        EventData::Unshare { flags } => flags.join("|"),
        // A child born in new namespaces: unshare(2) by another door.
        EventData::Fork { clone_flags, .. }
            if !clone_namespaces(*clone_flags, ev.syscall.as_deref()).is_empty() =>
        {
            format!(
                "child in new namespaces {}",
                clone_namespaces(*clone_flags, ev.syscall.as_deref()).join("|")
            )
        }
        EventData::Setns { nstype, .. } => nstype.join("|"),
        EventData::Chroot { path } => path.best().to_owned(),
        EventData::PivotRoot { new_root, put_old } => {
            format!("{} (old root to {})", new_root.best(), put_old.best())
        }
        EventData::Ptrace {
            request,
            target_pid,
        } => format!("{request} pid {target_pid}"),
        EventData::Bpf { cmd } => cmd.clone(),
        // A device node made: the kernel asks CAP_MKNOD (FIFOs and sockets need none).
        EventData::Mknod { path, mode, dev } if matches!(mode & 0o170000, 0o020000 | 0o060000) => {
            // glibc's dev_t: major in bits 8-19 and 32-43, minor in bits 0-7 and 20-31.
            let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & !0xfff);
            let minor = (dev & 0xff) | ((dev >> 12) & !0xff);
            format!(
                "{} device {} {major}:{minor} (CAP_MKNOD)",
                if mode & 0o170000 == 0o020000 {
                    "character"
                } else {
                    "block"
                },
                path.best()
            )
        }
        // Capabilities an exec gave: file capabilities, a setuid-root program.
        EventData::Exec {
            path, caps_gained, ..
        } if !caps_gained.is_empty() && ev.result.as_ref().is_none_or(|r| r.ok()) => {
            format!("exec of {} gained {}", path.best(), caps_gained.join(","))
        }
        // A file opened by its handle: fs/fhandle.c's may_decode_fh asks CAP_DAC_READ_SEARCH
        // (or CAP_SYS_ADMIN over the mount's namespace) before it decodes anything, so every
        // call, refused or not, asked for a capability.
        EventData::Open { path, .. } if ev.syscall.as_deref() == Some("open_by_handle_at") => {
            format!("open_by_handle_at {} (CAP_DAC_READ_SEARCH)", path.best())
        }
        // A raw IP socket or a packet socket: CAP_NET_RAW (net/ipv4/af_inet.c's inet_create,
        // net/packet/af_packet.c's packet_create). A netlink "raw" socket needs none.
        EventData::Socket {
            domain, sock_type, ..
        } if raw_socket(domain, sock_type) => {
            format!("socket {domain} {sock_type} (CAP_NET_RAW)")
        }
        // A file given to another owner: fs/attr.c's chown_ok passes without CAP_CHOWN only
        // when the caller owns the file and the owner stays its fsuid. The caller's fsuid is
        // its euid (setfsuid aside).
        EventData::Chown { uid, .. } if chown_to_another(ev, *uid) => format!(
            "chown of {} to owner {} (CAP_CHOWN)",
            describe_target(ev),
            id_label(*uid)
        ),
        // A sysctl written (kernel.core_pattern, …): the kernel's own configuration, root's.
        EventData::Open { path, access, .. }
            if path.best().starts_with("/proc/sys/") && access != "read" && access != "path" =>
        {
            format!("sysctl {} opened for writing", path.best())
        }
        EventData::Send {
            netlink: Some(n), ..
        } if netlink_privileged(n) == Some(true) => format!(
            "{} {}{} ({})",
            n.protocol.as_deref().unwrap_or("netlink"),
            n.msg_type.as_deref().unwrap_or("?"),
            if n.more { " and more messages" } else { "" },
            netlink_capability(n)
        ),
        EventData::ModuleLoad { params } => format!("params {}", opt(params)),
        // chattr +i / +a: the kernel asks CAP_LINUX_IMMUTABLE to set or clear either flag.
        EventData::FileAttr { path, flags, .. }
            if flags.iter().any(|f| IMMUTABLE_FLAGS.contains(&f.as_str())) =>
        {
            format!(
                "inode flags {} on {} (CAP_LINUX_IMMUTABLE)",
                flags.join("|"),
                path.as_ref().map_or("(fd, path unknown)", |p| p.best())
            )
        }
        // A socket option the kernel checks a capability for (asked, whatever the result).
        EventData::Sockopt {
            capability: Some(capability),
            ..
        } => format!("{} ({capability})", sockopt_label(ev)?),
        // A lock past RLIMIT_MEMLOCK, which only CAP_IPC_LOCK allows.
        EventData::Mlock {
            over_limit: Some(true),
            ..
        } => format!("{} (CAP_IPC_LOCK)", mlock_label(ev)?),
        // A read of the clock's state, or of quotas, asks for no privilege.
        EventData::Clock { query: true, .. } | EventData::PrivilegedCall { query: true, .. } => {
            return None;
        }
        EventData::PrivilegedCall {
            call,
            capability,
            op,
            path,
            name,
            ..
        } => [
            Some(call.clone()),
            op.clone(),
            path.as_ref().map(|p| p.best().to_owned()),
            name.clone(),
            Some(format!("({capability})")),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" "),
        EventData::Clock {
            call,
            clock,
            modes,
            modes_raw,
            time,
            timezone,
            ..
        } => {
            let mut d = format!("{call} {clock}");
            if modes_raw.is_some() {
                d.push_str(&format!(" modes {}", modes.join("|")));
            }
            if let Some(t) = time {
                d.push_str(&format!(" to {}.{:09}", t.sec, t.nsec));
            }
            if let Some(tz) = timezone {
                d.push_str(&format!(" timezone {} min west", tz.minuteswest));
            }
            if modes_raw.is_none() && time.is_none() && timezone.is_none() {
                d.push_str(" (arguments unread)");
            }
            d
        }
        EventData::MountApi {
            call,
            path,
            path2,
            name,
            ..
        } => [
            Some(call.clone()),
            path.as_ref().map(|p| p.best().to_owned()),
            path2.as_ref().map(|p| format!("to {}", p.best())),
            name.clone(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" "),
        EventData::Exec {
            path,
            setid: true,
            before,
            after,
            ..
        } => match (before, after) {
            (Some(b), Some(a)) => format!(
                "setuid program {}: euid {} -> {}, egid {} -> {}",
                path.best(),
                b.euid,
                a.euid,
                b.egid,
                a.egid
            ),
            _ => format!("setuid program {}", path.best()),
        },
        _ => return None,
    })
}

/// A command line for a report: secrets masked, so the report does not repeat the leak.
pub fn shown_argv(argv: &[String]) -> String {
    secret_in_argv(argv).unwrap_or_else(|| argv.join(" "))
}

/// Looks for a secret in a command line; returns the command line with the secret masked.
pub fn secret_in_argv(argv: &[String]) -> Option<String> {
    const KEYS: &[&str] = &[
        "password",
        "passwd",
        "secret",
        "token",
        "api_key",
        "apikey",
        "api-key",
        "credential",
    ];
    // Not keys: a path (`/etc/passwd`) and a bare database or command name (`getent passwd
    // lxd`, seen in lxd's postinst), whose next word is a name, not a secret.
    let is_key = |s: &str| {
        let l = s.to_lowercase();
        KEYS.iter().any(|k| l.contains(k))
            && !l.contains("file")
            && !l.contains("stdin")
            && !l.contains('/')
            && l != "passwd"
    };
    // Tokens of every argument, so that `sh -c "… --password x"` is seen too; argv[0] is the
    // program and never a secret.
    let mut tokens: Vec<(usize, String)> = argv
        .iter()
        .enumerate()
        .skip(1)
        .flat_map(|(i, a)| {
            let parts: Vec<&str> = a.split_whitespace().collect();
            if parts.len() <= 1 {
                vec![(i, a.clone())]
            } else {
                parts.into_iter().map(|p| (i, p.to_owned())).collect()
            }
        })
        .collect();
    let mut found = false;
    for t in 0..tokens.len() {
        let tok = tokens[t].1.clone();
        if let Some((k, v)) = tok.split_once('=')
            && is_key(k)
            && !v.is_empty()
        {
            tokens[t].1 = format!("{k}=****");
            found = true;
            continue;
        }
        if is_key(&tok) && t + 1 < tokens.len() && !tokens[t + 1].1.starts_with('-') {
            tokens[t + 1].1 = "****".to_owned();
            found = true;
        }
    }
    if !found {
        return None;
    }
    let program = argv.first()?;
    let mut masked: Vec<String> = vec![program.clone()];
    let mut current = None;
    for (i, tok) in tokens {
        match masked.last_mut() {
            Some(m) if current == Some(i) => {
                m.push(' ');
                m.push_str(&tok);
            }
            _ => {
                masked.push(tok);
                current = Some(i);
            }
        }
    }
    Some(masked.join(" "))
}

/// Whether a netlink request needs a capability: `Some(true)` an rtnetlink request other
/// than a `RTM_GET*` read (rtnetlink_rcv_msg checks CAP_NET_ADMIN for every other kind), or
/// any message to xfrm, netfilter (both check CAP_NET_ADMIN for every message) or audit
/// (CAP_AUDIT_WRITE, CAP_AUDIT_CONTROL); `Some(false)` a read, or a protocol whose messages
/// need none (sock_diag, uevents, the generic netlink controller); `None` when the trace
/// cannot tell: the socket's protocol is unknown, the header was unread, a generic netlink
/// family's request (some need CAP_NET_ADMIN), or a read followed by further unread messages.
pub fn netlink_privileged(n: &crate::trace::NetlinkMsg) -> Option<bool> {
    let first = match (n.protocol.as_deref()?, n.msg_type_raw) {
        ("NETLINK_XFRM" | "NETLINK_NETFILTER" | "NETLINK_AUDIT", _) => return Some(true),
        (_, None) => return None,
        (_, Some(t)) if t < 16 => false,
        ("NETLINK_ROUTE", Some(t)) => t % 4 != 2,
        ("NETLINK_SOCK_DIAG" | "NETLINK_KOBJECT_UEVENT", _) => false,
        // GENL_ID_CTRL: family lookups.
        ("NETLINK_GENERIC", Some(16)) => false,
        _ => return None,
    };
    match (first, n.more) {
        (true, _) => Some(true),
        (false, false) => Some(false),
        (false, true) => None,
    }
}

/// The capability a privileged netlink request needs.
fn netlink_capability(n: &crate::trace::NetlinkMsg) -> &'static str {
    match n.protocol.as_deref() {
        Some("NETLINK_AUDIT") => "CAP_AUDIT_WRITE/CAP_AUDIT_CONTROL",
        _ => "CAP_NET_ADMIN",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ring's setxattr of `security.capability` is setcap(8) by another door.
    #[test]
    fn io_uring_setxattr_of_file_capabilities_is_privileged() {
        let line = |name: &str| {
            format!(
                r#"{{"seq": 1, "time": "t", "ts_ns": 1, "pid": 9, "tid": 9, "ppid": 1, "comm": "x",
                "ids": {{"uid": 0, "gid": 0, "euid": 0, "egid": 0}}, "cgroup_id": 0,
                "syscall": null, "result": null, "kind": "io_uring_op", "fields": {{"op": "setxattr",
                "family": "file", "fd": null, "path": {{"resolved": "/usr/bin/x"}}, "path2": null,
                "addr": null, "op_flags": 0, "named": true, "sq_thread": false, "name": "{name}"}}}}"#
            )
        };
        let ev: Event = serde_json::from_str(&line(CAPABILITY_XATTR)).expect("an event");
        assert_eq!(
            privilege_detail(&ev).as_deref(),
            Some(
                "setxattr (io_uring) security.capability on /usr/bin/x (file capabilities: CAP_SETFCAP)"
            )
        );
        assert_eq!(
            file_changes(&ev)
                .into_iter()
                .map(|(_, op)| op)
                .collect::<Vec<_>>(),
            ["setxattr security.capability (io_uring)"]
        );
        let ev: Event = serde_json::from_str(&line("user.x")).expect("an event");
        assert_eq!(privilege_detail(&ev), None);
    }

    /// A ring's linkat and symlinkat change their new name (the entry's second path), not
    /// their first (the old name, the link's text): round 10's f10_uring_linkat_link.
    #[test]
    fn io_uring_links_change_their_new_name() {
        let line = |op: &str, path: &str, path2: &str| {
            format!(
                r#"{{"seq": 1, "time": "t", "ts_ns": 1, "pid": 9, "tid": 9, "ppid": 1, "comm": "x",
                "ids": {{"uid": 0, "gid": 0, "euid": 0, "egid": 0}}, "cgroup_id": 0,
                "syscall": null, "result": null, "kind": "io_uring_op", "fields": {{"op": "{op}",
                "family": "file", "fd": null, "path": {{"resolved": "{path}"}},
                "path2": {{"resolved": "{path2}"}}, "addr": null, "op_flags": 0, "named": true,
                "sq_thread": false}}}}"#
            )
        };
        for (op, what) in [
            ("linkat", "link (io_uring)"),
            ("symlinkat", "symlink (io_uring)"),
        ] {
            let ev: Event =
                serde_json::from_str(&line(op, "/etc/shadow", "/out/l")).expect("an event");
            let changes: Vec<_> = file_changes(&ev)
                .into_iter()
                .map(|(p, w)| (p.best().to_owned(), w))
                .collect();
            assert_eq!(changes, [("/out/l".to_owned(), what.to_owned())], "{op}");
            assert!(IO_URING_FILE_OPS_READ.contains(&op));
        }
    }

    /// A prctl's privilege depends on its sub-command: `PR_CAP_AMBIENT_IS_SET` is a read
    /// (libcap-ng's probe in atd at load, seen on the guest), raising an ambient capability
    /// is not. Events as the recorder wrote them.
    #[test]
    fn an_ambient_capability_query_is_not_privileged() {
        let line = |option: &str, arg2: u64| {
            format!(
                r#"{{"seq": 11078, "time": "t", "ts_ns": 1, "pid": 432, "tid": 432, "ppid": 1,
                "comm": "atd", "ids": {{"uid": 0, "gid": 0, "euid": 0, "egid": 0}},
                "cgroup_id": 1756, "syscall": "prctl", "result": {{"ret": 0}}, "kind": "prctl",
                "fields": {{"option": "{option}", "arg2": {arg2}}}}}"#
            )
        };
        let detail = |option: &str, arg2: u64| {
            let ev: Event = serde_json::from_str(&line(option, arg2)).expect("an event");
            privilege_detail(&ev)
        };
        assert_eq!(detail("PR_CAP_AMBIENT", 1), None);
        // PR_CAP_AMBIENT_RAISE, _LOWER, _CLEAR_ALL change the ambient set.
        for sub in [2, 3, 4] {
            assert_eq!(
                detail("PR_CAP_AMBIENT", sub),
                Some(format!("PR_CAP_AMBIENT {sub}"))
            );
        }
        // The unnamed reads stay unmatched; the named setters still count.
        for read in ["PR_23", "PR_27", "PR_39", "PR_3", "PR_7"] {
            assert_eq!(detail(read, 0), None, "{read}");
        }
        assert_eq!(
            detail("PR_SET_KEEPCAPS", 1).as_deref(),
            Some("PR_SET_KEEPCAPS 1")
        );
        assert_eq!(detail("PR_35", 8).as_deref(), Some("PR_SET_MM (PR_35) 8"));
    }

    #[test]
    fn printable_escapes_controls() {
        assert_eq!(printable("a\nb\x1b[31mc"), "a\\nb\\u{1b}[31mc");
        assert_eq!(printable("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(printable("plain/path"), "plain/path");
    }

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| (*x).to_owned()).collect()
    }

    #[test]
    fn secrets_are_found_and_masked() {
        assert_eq!(
            secret_in_argv(&v(&[
                "lxc",
                "config",
                "set",
                "core.trust_password",
                "hunter2"
            ]))
            .as_deref(),
            Some("lxc config set core.trust_password ****")
        );
        assert_eq!(
            secret_in_argv(&v(&["sh", "-c", "x --password=s3cret; y"])).as_deref(),
            Some("sh -c x --password=**** y")
        );
        assert_eq!(
            secret_in_argv(&v(&["app", "--password-file", "/etc/p"])),
            None
        );
        assert_eq!(secret_in_argv(&v(&["ls", "-l"])), None);
        assert_eq!(secret_in_argv(&v(&["getent", "passwd", "lxd"])), None);
        assert_eq!(secret_in_argv(&v(&["grep", "/etc/passwd", "x"])), None);
        assert_eq!(
            secret_in_argv(&v(&["usermod", "--password", "h4sh", "u"])).as_deref(),
            Some("usermod --password **** u")
        );
    }
}
