//! Privilege family records (see `tracer-ebpf/src/probes/privilege.rs`).

use tracer_common::{
    Event as RawEvent, SyscallId,
    privilege::{
        FS_IOC_FSSETXATTR, FS_IOC_SETFLAGS, PREV_KNOWN_ARG, PREV_VALUE_ARG, PrivData,
        SET_TID_SIZE_ARG,
    },
};

use super::{Cx, DecodeError, bit_names, text, view_record};
use crate::trace::{ClockTime, EventData, PathRef, TimeZone};

const AT_FDCWD: i32 = -100;
/// clone(2)'s and unshare(2)'s flag for a new mount namespace.
const CLONE_NEWNS: u64 = 0x0002_0000;

pub(super) fn decode(bytes: &[u8], cx: &mut Cx<'_>) -> Result<Option<EventData>, DecodeError> {
    let d_rec = view_record::<RawEvent<PrivData>>(bytes)?;
    let d = &d_rec.data;
    let a = d.args;
    let s1 = text(&d.str1, d.str1_len);
    let s2 = text(&d.str2, d.str2_len);
    let s3 = text(&d.str3, d.str3_len);
    let opt = |s: String| (!s.is_empty()).then_some(s);
    use SyscallId::*;
    let Some(syscall) = cx.syscall else {
        return Ok(None);
    };
    // From here on the process's paths are not the recorder's: no host lookup names them.
    let own_view_left = match syscall {
        Unshare => a[0] & CLONE_NEWNS != 0,
        Setns => a[1] == 0 || a[1] & CLONE_NEWNS != 0,
        Chroot | PivotRoot => true,
        _ => false,
    };
    if own_view_left && cx.ok() {
        cx.procs.leave_host_view(cx.header.pid);
    }
    Ok(Some(match syscall {
        Setuid | Setfsuid => EventData::Setuid {
            requested: vec![a[0] as u32],
        },
        Setreuid => EventData::Setuid {
            requested: vec![a[0] as u32, a[1] as u32],
        },
        Setresuid => EventData::Setuid {
            requested: vec![a[0] as u32, a[1] as u32, a[2] as u32],
        },
        Setgid | Setfsgid => EventData::Setgid {
            requested: vec![a[0] as u32],
        },
        Setregid => EventData::Setgid {
            requested: vec![a[0] as u32, a[1] as u32],
        },
        Setresgid => EventData::Setgid {
            requested: vec![a[0] as u32, a[1] as u32, a[2] as u32],
        },
        Setgroups => EventData::Setgroups {
            groups: d.data[..(d.data_len as usize).min(d.data.len())]
                .chunks_exact(4)
                .map(|c| u32::from_ne_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
            count: a[0] as u32,
        },
        Capset => {
            // data: header (version, pid), then two {effective, permitted, inheritable} u32 triples.
            let word =
                |i: usize| u32::from_ne_bytes(d.data[i..i + 4].try_into().expect("4 bytes")) as u64;
            let set = |lo: usize| {
                (d.data_len >= 32).then(|| format!("{:#x}", word(8 + lo) | word(20 + lo) << 32))
            };
            EventData::Capset {
                effective: set(0),
                permitted: set(4),
                inheritable: set(8),
            }
        }
        Prctl => EventData::Prctl {
            option: prctl_name(a[0]),
            arg2: a[1],
        },
        Mount => EventData::Mount {
            source: opt(s1),
            target: cx.path(AT_FDCWD, s2),
            fstype: opt(s3),
            flags: a[3],
        },
        Umount2 => EventData::Umount {
            target: cx.path(AT_FDCWD, s1),
            flags: a[1],
        },
        Unshare => EventData::Unshare {
            flags: bit_names(a[0], crate::trace::describe::NS_FLAGS),
        },
        Setns => EventData::Setns {
            fd: a[0] as i32,
            nstype: bit_names(a[1], crate::trace::describe::NS_FLAGS),
        },
        Chroot => EventData::Chroot {
            path: cx.path(AT_FDCWD, s1),
        },
        PivotRoot => EventData::PivotRoot {
            new_root: cx.path(AT_FDCWD, s1),
            put_old: cx.path(AT_FDCWD, s2),
        },
        Ptrace => EventData::Ptrace {
            request: ptrace_name(a[0]),
            target_pid: a[1] as i32,
        },
        Bpf => EventData::Bpf {
            cmd: bpf_cmd_name(a[0]),
        },
        // kill(pid, sig), tkill(tid, sig), tgkill(tgid, tid, sig),
        // rt_sigqueueinfo(tgid, sig, info), rt_tgsigqueueinfo(tgid, tid, sig, info).
        Kill | RtSigqueueinfo => signal(syscall, a[0] as i32, None, a[1], &a),
        Tkill => signal(syscall, a[0] as i32, Some(a[0] as i32), a[1], &a),
        Tgkill | RtTgsigqueueinfo => signal(syscall, a[0] as i32, Some(a[1] as i32), a[2], &a),
        // pidfd_send_signal(pidfd, sig, info, flags): the target is the process the fd table
        // knows the pidfd for.
        PidfdSendSignal => {
            let pidfd = a[0] as i32;
            let pid = pidfd_process(cx, pidfd).unwrap_or(0);
            let tid = (pidfd == PIDFD_SELF_THREAD).then_some(cx.header.tid as i32);
            EventData::Signal {
                call: syscall.name().to_owned(),
                target_pid: pid as i32,
                target_tid: tid,
                signal: signal_name(a[1]),
                pidfd: Some(pidfd),
                target_unknown: pid == 0,
                target_ids: target_ids(&a),
            }
        }
        InitModule | FinitModule => EventData::ModuleLoad { params: opt(s1) },
        // The new mount API (open_tree, move_mount, fsopen, fsconfig, fsmount, fspick,
        // mount_setattr): paths relative to the call's dirfd (a[0], move_mount's second a[2]).
        OpenTree | OpenTreeAttr | Fspick | MountSetattr => {
            let path = cx.path(a[0] as i32, s1);
            if matches!(syscall, OpenTree | OpenTreeAttr) && cx.ok() {
                note_tree_fd(cx, &path, a[2]);
            }
            EventData::MountApi {
                call: syscall.name().to_owned(),
                path: Some(path),
                path2: None,
                name: None,
                flags: a[2],
            }
        }
        MoveMount => EventData::MountApi {
            call: syscall.name().to_owned(),
            path: Some(cx.path(a[0] as i32, s1)),
            path2: Some(cx.path(a[2] as i32, s2)),
            name: None,
            flags: a[4],
        },
        Fsopen | Fsconfig => EventData::MountApi {
            call: syscall.name().to_owned(),
            path: None,
            path2: None,
            name: opt(s1),
            flags: a[1],
        },
        Fsmount => EventData::MountApi {
            call: syscall.name().to_owned(),
            path: None,
            path2: None,
            name: None,
            flags: a[1],
        },
        Adjtimex | ClockAdjtime | ClockSettime | Settimeofday => clock(syscall, &a, d),
        Reboot | KexecLoad | KexecFileLoad | DeleteModule | Swapon | Swapoff | Sethostname
        | Setdomainname | Ioperm | Iopl | Acct | Quotactl | QuotactlFd | Syslog | PerfEventOpen
        | Vhangup | TimerfdCreate | TimerCreate => privileged_call(syscall, &a, d, s1, cx),
        // The inode flags ioctls change a file, not the system: `file_attr` events.
        Ioctl if matches!(a[1] as u32, FS_IOC_SETFLAGS | FS_IOC_FSSETXATTR) => {
            let fd = a[0] as i32;
            let data = &d.data[..(d.data_len as usize).min(d.data.len())];
            let value = data
                .get(..4)
                .map(|b| u64::from(u32::from_ne_bytes(b.try_into().expect("4"))));
            let setflags = a[1] as u32 == FS_IOC_SETFLAGS;
            let table = if setflags {
                super::file::FS_FLAGS
            } else {
                super::file::FS_XFLAGS
            };
            EventData::FileAttr {
                path: cx.procs.fd_path(cx.header.pid, fd).map(|p| PathRef {
                    resolved: Some(p),
                    given: None,
                    real: None,
                    looked_up: None,
                }),
                fd: Some(fd),
                op: Some(
                    if setflags {
                        "FS_IOC_SETFLAGS"
                    } else {
                        "FS_IOC_FSSETXATTR"
                    }
                    .to_owned(),
                ),
                flags: value.map(|v| bit_names(v, table)).unwrap_or_default(),
                flags_raw: value,
            }
        }
        Seccomp
        | LandlockCreateRuleset
        | LandlockAddRule
        | LandlockRestrictSelf
        | Personality
        | LsmSetSelfAttr => self_policy(syscall, &a, d, cx),
        Keyctl | AddKey | RequestKey => keyring(syscall, &a, opt(s3), opt(s1)),
        SchedSetscheduler | SchedSetparam | SchedSetattr | Setpriority | Prlimit64 | Setrlimit
        | FanotifyInit | Ioctl | IoprioSet | Clone3 | ProcessVmWritev => {
            gated_call(syscall, &a, d, cx.header.pid, cx.header.ret)
        }
        ProcessMadvise => process_madvise(&a, cx),
        _ => return Ok(None),
    }))
}

/// process_madvise(pidfd, iovec, vlen, advice, flags): advice on the memory of the process the
/// pidfd names. On another process it needs CAP_SYS_NICE (and PTRACE_MODE_READ; mm/madvise.c),
/// on the caller itself nothing. The target is named from the fd table, as for
/// pidfd_send_signal; one it does not know is counted as another process.
fn process_madvise(a: &[u64; 6], cx: &mut Cx<'_>) -> EventData {
    let pidfd = a[0] as i32;
    let target = pidfd_process(cx, pidfd);
    // include/uapi/asm-generic/mman-common.h: the advice process_madvise takes.
    let advice = match a[3] {
        3 => "MADV_WILLNEED".to_owned(),
        4 => "MADV_DONTNEED".to_owned(),
        20 => "MADV_COLD".to_owned(),
        21 => "MADV_PAGEOUT".to_owned(),
        25 => "MADV_COLLAPSE".to_owned(),
        n => format!("advice {n}"),
    };
    let op = match target {
        Some(pid) => format!("pid {pid} {advice}"),
        None => format!("pidfd {pidfd} (process unknown) {advice}"),
    };
    let privileged = target != Some(cx.header.pid);
    argument_gated(
        SyscallId::ProcessMadvise,
        "CAP_SYS_NICE",
        op,
        None,
        privileged,
        cx.header.ret,
    )
}

/// The process a pidfd names: the caller for the `PIDFD_SELF_*` values, else the one the fd
/// table knows the fd for (`pidfd_open`, or a `/proc/PID` directory opened).
fn pidfd_process(cx: &mut Cx<'_>, pidfd: i32) -> Option<u32> {
    match pidfd {
        PIDFD_SELF_THREAD | PIDFD_SELF_THREAD_GROUP => Some(cx.header.pid),
        fd => cx.procs.pidfd_target(cx.header.pid, fd),
    }
}

/// seccomp(op, flags, args), landlock_create_ruleset(attr, size, flags),
/// landlock_add_rule(fd, type, attr, flags), landlock_restrict_self(fd, flags),
/// personality(persona), lsm_set_self_attr(attr, ctx, size, flags): what the caller set for
/// itself. `data` holds the struct the call points to (the probe's copy).
fn self_policy(syscall: SyscallId, a: &[u64; 6], d: &PrivData, cx: &mut Cx<'_>) -> EventData {
    use SyscallId::*;
    let data = &d.data[..(d.data_len as usize).min(d.data.len())];
    let u64_at = |at: usize| {
        data.get(at..at + 8)
            .map(|b| u64::from_ne_bytes(b.try_into().expect("8")))
    };
    let (op, flags, detail, query) = match syscall {
        Seccomp => {
            let op = a[0];
            // struct sock_fprog: `unsigned short len`, then the filter's pointer.
            let len = data
                .get(..2)
                .map(|b| u16::from_ne_bytes(b.try_into().expect("2")));
            (
                Some(named(&SECCOMP_OPS, op as i64, || {
                    format!("SECCOMP_OP_{op}")
                })),
                bit_names(a[1], SECCOMP_FLAGS),
                (op == 1).then(|| match len {
                    Some(n) => format!("filter of {n} instructions"),
                    None => "filter unread".to_owned(),
                }),
                // The action and notification size queries change nothing.
                op == 2 || op == 3,
            )
        }
        LandlockCreateRuleset => {
            let size = a[1] as usize;
            let field = |at: usize, table: &[(u64, &str)], what: &str| {
                (size >= at + 8)
                    .then(|| u64_at(at))
                    .flatten()
                    .filter(|v| *v != 0)
                    .map(|v| format!("{what} {}", bit_names(v, table).join("|")))
            };
            let handled: Vec<String> = [
                field(0, LANDLOCK_FS, "handled fs"),
                field(8, LANDLOCK_NET, "handled net"),
                field(16, LANDLOCK_SCOPE, "scoped"),
            ]
            .into_iter()
            .flatten()
            .collect();
            (
                None,
                bit_names(a[2], LANDLOCK_CREATE_FLAGS),
                (!handled.is_empty()).then(|| handled.join("; ")),
                // LANDLOCK_CREATE_RULESET_VERSION / _ERRATA: the ABI asked, no ruleset made.
                a[2] != 0,
            )
        }
        LandlockAddRule => {
            let allowed = u64_at(0).map(|v| bit_names(v, LANDLOCK_FS).join("|"));
            let detail = match a[1] {
                // struct landlock_path_beneath_attr (packed): allowed_access, parent_fd.
                1 => {
                    let dir_fd = data
                        .get(8..12)
                        .map(|b| i32::from_ne_bytes(b.try_into().expect("4")));
                    let dir = dir_fd.map(|fd| {
                        cx.procs
                            .fd_path(cx.header.pid, fd)
                            .unwrap_or_else(|| format!("fd {fd}"))
                    });
                    Some(format!(
                        "allow {} beneath {}",
                        allowed.unwrap_or_else(|| "?".to_owned()),
                        dir.unwrap_or_else(|| "?".to_owned())
                    ))
                }
                // struct landlock_net_port_attr: allowed_access, port.
                2 => Some(format!(
                    "allow {} port {}",
                    u64_at(0).map_or("?".to_owned(), |v| bit_names(v, LANDLOCK_NET).join("|")),
                    u64_at(8).map_or("?".to_owned(), |p| p.to_string())
                )),
                _ => None,
            };
            (
                Some(match a[1] {
                    1 => "LANDLOCK_RULE_PATH_BENEATH".to_owned(),
                    2 => "LANDLOCK_RULE_NET_PORT".to_owned(),
                    t => format!("LANDLOCK_RULE_{t}"),
                }),
                Vec::new(),
                detail.map(|d| format!("ruleset fd {}: {d}", a[0] as i32)),
                false,
            )
        }
        LandlockRestrictSelf => (
            None,
            bit_names(a[1], LANDLOCK_RESTRICT_FLAGS),
            Some(format!("ruleset fd {}", a[0] as i32)),
            false,
        ),
        Personality => {
            let persona = a[0] as u32;
            if persona == u32::MAX {
                (Some("query".to_owned()), Vec::new(), None, true)
            } else {
                let domain = match persona & 0xff {
                    0 => "PER_LINUX".to_owned(),
                    8 => "PER_LINUX32".to_owned(),
                    other => format!("PER_{other:#x}"),
                };
                (
                    Some(domain),
                    bit_names(u64::from(persona & !0xff), PERSONALITY_FLAGS),
                    Some(format!("{persona:#x}")),
                    false,
                )
            }
        }
        // lsm_set_self_attr: struct lsm_ctx { u64 id, flags, len, ctx_len; u8 ctx[] }.
        _ => {
            let id = u64_at(0);
            let ctx_len = u64_at(24).unwrap_or(0) as usize;
            let ctx = data.get(32..).map(|c| text(c, ctx_len.min(c.len()) as u32));
            (
                Some(match a[0] {
                    100 => "LSM_ATTR_CURRENT".to_owned(),
                    101 => "LSM_ATTR_EXEC".to_owned(),
                    102 => "LSM_ATTR_FSCREATE".to_owned(),
                    103 => "LSM_ATTR_KEYCREATE".to_owned(),
                    104 => "LSM_ATTR_PREV".to_owned(),
                    105 => "LSM_ATTR_SOCKCREATE".to_owned(),
                    other => format!("LSM_ATTR_{other}"),
                }),
                Vec::new(),
                id.map(|id| {
                    format!(
                        "{} context {:?}",
                        match id {
                            101 => "SELinux".to_owned(),
                            102 => "Smack".to_owned(),
                            104 => "AppArmor".to_owned(),
                            other => format!("LSM {other}"),
                        },
                        ctx.unwrap_or_default()
                    )
                }),
                false,
            )
        }
    };
    EventData::SelfPolicy {
        call: syscall.name().to_owned(),
        op,
        flags,
        detail,
        query,
    }
}

/// add_key(type, description, payload, plen, keyring), request_key(type, description,
/// callout, keyring), keyctl(op, …): `key_type` and `description` are what the probe copied
/// (keyctl: KEYCTL_SEARCH's and KEYCTL_RESTRICT_KEYRING's type and description or
/// restriction, KEYCTL_JOIN_SESSION_KEYRING's name).
fn keyring(
    syscall: SyscallId,
    a: &[u64; 6],
    key_type: Option<String>,
    description: Option<String>,
) -> EventData {
    let (op, target) = match syscall {
        SyscallId::AddKey => (None, Some(key_spec(a[4] as i32))),
        SyscallId::RequestKey => (None, (a[3] != 0).then(|| key_spec(a[3] as i32))),
        _ => {
            let op = a[0];
            (
                Some(named(&KEYCTL_OPS, op as i64, || format!("KEYCTL_{op}"))),
                // JOIN_SESSION_KEYRING's first argument is a name, GET_PERSISTENT's a uid.
                (op != 1 && op != 22).then(|| key_spec(a[1] as i32)),
            )
        }
    };
    EventData::Keyring {
        call: syscall.name().to_owned(),
        op,
        key_type,
        description,
        target,
    }
}

/// A key or keyring id: the special ones by name (`KEY_SPEC_*`), others by serial number.
fn key_spec(id: i32) -> String {
    const NAMES: [&str; 8] = [
        "KEY_SPEC_THREAD_KEYRING",
        "KEY_SPEC_PROCESS_KEYRING",
        "KEY_SPEC_SESSION_KEYRING",
        "KEY_SPEC_USER_KEYRING",
        "KEY_SPEC_USER_SESSION_KEYRING",
        "KEY_SPEC_GROUP_KEYRING",
        "KEY_SPEC_REQKEY_AUTH_KEY",
        "KEY_SPEC_REQUESTOR_KEYRING",
    ];
    if id < 0 {
        named(&NAMES, -i64::from(id) - 1, || id.to_string())
    } else {
        id.to_string()
    }
}

/// keyctl(2)'s operations (include/uapi/linux/keyctl.h).
const KEYCTL_OPS: [&str; 33] = [
    "KEYCTL_GET_KEYRING_ID",
    "KEYCTL_JOIN_SESSION_KEYRING",
    "KEYCTL_UPDATE",
    "KEYCTL_REVOKE",
    "KEYCTL_CHOWN",
    "KEYCTL_SETPERM",
    "KEYCTL_DESCRIBE",
    "KEYCTL_CLEAR",
    "KEYCTL_LINK",
    "KEYCTL_UNLINK",
    "KEYCTL_SEARCH",
    "KEYCTL_READ",
    "KEYCTL_INSTANTIATE",
    "KEYCTL_NEGATE",
    "KEYCTL_SET_REQKEY_KEYRING",
    "KEYCTL_SET_TIMEOUT",
    "KEYCTL_ASSUME_AUTHORITY",
    "KEYCTL_GET_SECURITY",
    "KEYCTL_SESSION_TO_PARENT",
    "KEYCTL_REJECT",
    "KEYCTL_INSTANTIATE_IOV",
    "KEYCTL_INVALIDATE",
    "KEYCTL_GET_PERSISTENT",
    "KEYCTL_DH_COMPUTE",
    "KEYCTL_PKEY_QUERY",
    "KEYCTL_PKEY_ENCRYPT",
    "KEYCTL_PKEY_DECRYPT",
    "KEYCTL_PKEY_SIGN",
    "KEYCTL_PKEY_VERIFY",
    "KEYCTL_RESTRICT_KEYRING",
    "KEYCTL_MOVE",
    "KEYCTL_CAPABILITIES",
    "KEYCTL_WATCH_KEY",
];

/// seccomp(2)'s operations and flags (include/uapi/linux/seccomp.h).
const SECCOMP_OPS: [&str; 4] = [
    "SECCOMP_SET_MODE_STRICT",
    "SECCOMP_SET_MODE_FILTER",
    "SECCOMP_GET_ACTION_AVAIL",
    "SECCOMP_GET_NOTIF_SIZES",
];
const SECCOMP_FLAGS: &[(u64, &str)] = &[
    (1, "SECCOMP_FILTER_FLAG_TSYNC"),
    (2, "SECCOMP_FILTER_FLAG_LOG"),
    (4, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"),
    (8, "SECCOMP_FILTER_FLAG_NEW_LISTENER"),
    (16, "SECCOMP_FILTER_FLAG_TSYNC_ESRCH"),
    (32, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"),
];

/// Landlock's access rights, scopes and flags (include/uapi/linux/landlock.h), without their
/// `LANDLOCK_ACCESS_FS_` / `_NET_` / `LANDLOCK_SCOPE_` prefixes.
const LANDLOCK_FS: &[(u64, &str)] = &[
    (0x1, "EXECUTE"),
    (0x2, "WRITE_FILE"),
    (0x4, "READ_FILE"),
    (0x8, "READ_DIR"),
    (0x10, "REMOVE_DIR"),
    (0x20, "REMOVE_FILE"),
    (0x40, "MAKE_CHAR"),
    (0x80, "MAKE_DIR"),
    (0x100, "MAKE_REG"),
    (0x200, "MAKE_SOCK"),
    (0x400, "MAKE_FIFO"),
    (0x800, "MAKE_BLOCK"),
    (0x1000, "MAKE_SYM"),
    (0x2000, "REFER"),
    (0x4000, "TRUNCATE"),
    (0x8000, "IOCTL_DEV"),
];
const LANDLOCK_NET: &[(u64, &str)] = &[(0x1, "BIND_TCP"), (0x2, "CONNECT_TCP")];
const LANDLOCK_SCOPE: &[(u64, &str)] = &[(0x1, "ABSTRACT_UNIX_SOCKET"), (0x2, "SIGNAL")];
const LANDLOCK_CREATE_FLAGS: &[(u64, &str)] = &[
    (0x1, "LANDLOCK_CREATE_RULESET_VERSION"),
    (0x2, "LANDLOCK_CREATE_RULESET_ERRATA"),
];
const LANDLOCK_RESTRICT_FLAGS: &[(u64, &str)] = &[
    (0x1, "LANDLOCK_RESTRICT_SELF_LOG_SAME_EXEC_OFF"),
    (0x2, "LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON"),
    (0x4, "LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF"),
];

/// personality(2)'s flags (include/uapi/linux/personality.h). `READ_IMPLIES_EXEC` makes
/// readable memory executable and `ADDR_NO_RANDOMIZE` turns off ASLR for the caller and what
/// it execs.
const PERSONALITY_FLAGS: &[(u64, &str)] = &[
    (0x0020000, "UNAME26"),
    (0x0040000, "ADDR_NO_RANDOMIZE"),
    (0x0080000, "FDPIC_FUNCPTRS"),
    (0x0100000, "MMAP_PAGE_ZERO"),
    (0x0200000, "ADDR_COMPAT_LAYOUT"),
    (0x0400000, "READ_IMPLIES_EXEC"),
    (0x0800000, "ADDR_LIMIT_32BIT"),
    (0x1000000, "SHORT_INODE"),
    (0x2000000, "WHOLE_SECONDS"),
    (0x4000000, "STICKY_TIMEOUTS"),
    (0x8000000, "ADDR_LIMIT_3GB"),
];

/// reboot, kexec, delete_module, swap, host names, I/O ports, acct, quotactl, syslog,
/// perf_event_open, vhangup: the capability each needs and what it asked. `s1` is the path or
/// module name the probe copied; `data` the host name or the perf attr head.
fn privileged_call(
    syscall: SyscallId,
    a: &[u64; 6],
    d: &PrivData,
    s1: String,
    cx: &mut Cx<'_>,
) -> EventData {
    use SyscallId::*;
    let data = &d.data[..(d.data_len as usize).min(d.data.len())];
    let (capability, op, query) = match syscall {
        Reboot => ("CAP_SYS_BOOT", Some(reboot_cmd(a[2] as u32)), false),
        KexecLoad | KexecFileLoad => ("CAP_SYS_BOOT", None, false),
        DeleteModule => ("CAP_SYS_MODULE", None, false),
        Ioperm => (
            "CAP_SYS_RAWIO",
            Some(format!(
                "ports {:#x}+{} {}",
                a[0],
                a[1],
                if a[2] != 0 { "on" } else { "off" }
            )),
            false,
        ),
        Iopl => (
            "CAP_SYS_RAWIO",
            Some(format!("level {}", a[0] as u32)),
            false,
        ),
        Acct => ("CAP_SYS_PACCT", None, false),
        Quotactl | QuotactlFd => {
            let cmd = a[if syscall == Quotactl { 0 } else { 1 }] as u32;
            let (name, read) = quota_cmd(cmd >> 8);
            ("CAP_SYS_ADMIN", Some(name), read)
        }
        // With `kernel.dmesg_restrict` (Debian's default) every action needs CAP_SYSLOG,
        // close and open included: none is a query.
        Syslog => ("CAP_SYSLOG", Some(syslog_action(a[0] as i32)), false),
        PerfEventOpen => (
            "CAP_PERFMON",
            (data.len() >= 4)
                .then(|| perf_type(u32::from_ne_bytes(data[..4].try_into().expect("4")))),
            false,
        ),
        Vhangup => ("CAP_SYS_TTY_CONFIG", None, false),
        // Only timers on an alarm clock are recorded (`privilege::alarm_clock`).
        TimerfdCreate | TimerCreate => (
            "CAP_WAKE_ALARM",
            Some(
                if a[0] == 8 {
                    "CLOCK_REALTIME_ALARM"
                } else {
                    "CLOCK_BOOTTIME_ALARM"
                }
                .to_owned(),
            ),
            false,
        ),
        // swapon, swapoff, sethostname, setdomainname.
        _ => ("CAP_SYS_ADMIN", None, false),
    };
    let path = match syscall {
        Swapon | Swapoff | Acct | Quotactl if !s1.is_empty() => Some(cx.path(AT_FDCWD, s1.clone())),
        _ => None,
    };
    let name = match syscall {
        Sethostname | Setdomainname => Some(String::from_utf8_lossy(data).into_owned()),
        DeleteModule if !s1.is_empty() => Some(s1),
        _ => None,
    };
    EventData::PrivilegedCall {
        call: syscall.name().to_owned(),
        capability: capability.to_owned(),
        op,
        path,
        name,
        query,
    }
}

/// `fs.pipe-max-size` on this host, read once: the largest pipe an unprivileged process may
/// ask for. The trace's header keeps it (`pipe_max_size`).
pub fn pipe_max_size() -> Option<u64> {
    static MAX: std::sync::OnceLock<Option<u64>> = std::sync::OnceLock::new();
    *MAX.get_or_init(|| {
        std::fs::read_to_string("/proc/sys/fs/pipe-max-size")
            .ok()
            .and_then(|s| s.trim().parse().ok())
    })
}

/// fcntl(fd, F_SETPIPE_SZ, size): past `fs.pipe-max-size` (or the user's pipe quota, which
/// the kernel refuses with EPERM) it needs CAP_SYS_RESOURCE (fs/pipe.c, pipe_set_size). A
/// size within the limit is a query; a refusal with EPERM an attempt. With the limit unread,
/// the size is judged against the kernel's default, 1 MiB.
pub(crate) fn pipe_size(fd: i32, size: i64, ret: i64) -> EventData {
    let max = pipe_max_size();
    let size = size as u32;
    let op = format!(
        "fd {fd} F_SETPIPE_SZ {size} (pipe-max-size {})",
        max.map_or("unread, default 1048576".to_owned(), |m| m.to_string())
    );
    let over = u64::from(size) > max.unwrap_or(1 << 20);
    let refused = ret == -1;
    EventData::PrivilegedCall {
        call: "fcntl".to_owned(),
        capability: "CAP_SYS_RESOURCE".to_owned(),
        op: Some(if refused && !over {
            format!("{op} (refused: EPERM, the user's pipe quota)")
        } else {
            op
        }),
        path: None,
        name: None,
        query: !over && !refused,
    }
}

/// `-EPERM`, `-EACCES`: the kernel refused the call for want of a capability (or of the ids
/// it would have had to match without one). An attempt is a use.
fn refused(ret: i64) -> bool {
    ret == -1 || ret == -13
}

/// The calls that need a capability only for some of their arguments: real-time scheduling
/// and negative nice values (CAP_SYS_NICE), a raised hard resource limit (CAP_SYS_RESOURCE),
/// fanotify's permission classes and unlimited groups (CAP_SYS_ADMIN), the socket ioctls that
/// configure interfaces, routes and ARP (CAP_NET_ADMIN), TIOCSTI and TIOCCONS (CAP_SYS_ADMIN),
/// the real-time I/O class (CAP_SYS_NICE), clone3's `set_tid` (CAP_CHECKPOINT_RESTORE) and
/// process_vm_writev into another process (a ptrace POKE by another door).
/// `query` is true when the arguments ask for nothing a capability gates and the kernel did
/// not refuse the call: then it is no use of privilege. Arguments that could not be read count
/// as privileged.
fn gated_call(syscall: SyscallId, a: &[u64; 6], d: &PrivData, pid: u32, ret: i64) -> EventData {
    use SyscallId::*;
    let data = &d.data[..(d.data_len as usize).min(d.data.len())];
    let i32_at = |at: usize| {
        data.get(at..at + 4)
            .map(|b| i32::from_ne_bytes(b.try_into().expect("4")))
    };
    let u64_at = |at: usize| {
        data.get(at..at + 8)
            .map(|b| u64::from_ne_bytes(b.try_into().expect("8")))
    };
    let (capability, op, name, privileged) = match syscall {
        SchedSetscheduler => {
            let policy = a[1] as u32 & !SCHED_RESET_ON_FORK;
            let prio = i32_at(0);
            (
                "CAP_SYS_NICE",
                format!(
                    "pid {} {} priority {}",
                    a[0] as i32,
                    sched_policy(policy),
                    prio.map_or("?".to_owned(), |p| p.to_string())
                ),
                None,
                realtime(policy),
            )
        }
        SchedSetparam => {
            let prio = i32_at(0);
            (
                "CAP_SYS_NICE",
                format!(
                    "pid {} priority {}",
                    a[0] as i32,
                    prio.map_or("?".to_owned(), |p| p.to_string())
                ),
                None,
                // Only a real-time task has a priority above 0; raising it is the privilege.
                prio.is_none_or(|p| p > 0),
            )
        }
        SchedSetattr => {
            // struct sched_attr: size u32, sched_policy u32, sched_flags u64, sched_nice s32,
            // sched_priority u32, …
            let policy = i32_at(4).map(|p| p as u32);
            let nice = i32_at(16);
            let prio = i32_at(20);
            (
                "CAP_SYS_NICE",
                match (policy, nice, prio) {
                    (Some(policy), Some(nice), Some(prio)) => format!(
                        "pid {} {} nice {nice} priority {prio}",
                        a[0] as i32,
                        sched_policy(policy)
                    ),
                    _ => format!("pid {} (sched_attr unread)", a[0] as i32),
                },
                None,
                match (policy, nice) {
                    (Some(policy), Some(nice)) => realtime(policy) || nice < 0,
                    _ => true,
                },
            )
        }
        Setpriority => {
            let nice = a[2] as i32;
            (
                "CAP_SYS_NICE",
                format!("{} {} nice {nice}", prio_which(a[0]), a[1] as i32),
                None,
                nice < 0,
            )
        }
        Prlimit64 | Setrlimit => {
            let (pid, resource, new) = if syscall == Prlimit64 {
                (a[0] as i32, a[1], a[2])
            } else {
                (0, a[0], a[1])
            };
            let prev = (a[PREV_KNOWN_ARG] == 1).then_some(a[PREV_VALUE_ARG]);
            let max = u64_at(8);
            let limit = |v: Option<u64>| match v {
                Some(u64::MAX) => "unlimited".to_owned(),
                Some(v) => v.to_string(),
                None => "?".to_owned(),
            };
            let op = if new == 0 {
                format!("pid {pid} {} read", rlimit_name(resource))
            } else {
                format!(
                    "pid {pid} {} hard {} -> {}",
                    rlimit_name(resource),
                    limit(prev),
                    limit(max)
                )
            };
            // A hard limit above the one before is the privilege. Unknown either side (another
            // process's limit, an unread struct): counted.
            let raised = new != 0
                && match (prev, max) {
                    (Some(prev), Some(max)) => max > prev,
                    _ => true,
                };
            ("CAP_SYS_RESOURCE", op, None, raised)
        }
        FanotifyInit => {
            let flags = a[0];
            // FANOTIFY_ADMIN_INIT_FLAGS, and the requirement of a FID report mode without
            // CAP_SYS_ADMIN (fs/notify/fanotify/fanotify_user.c).
            let admin = flags & FAN_ADMIN_FLAGS != 0 || flags & FAN_FID_BITS == 0;
            (
                "CAP_SYS_ADMIN",
                format!("flags {flags:#x}"),
                None,
                admin || flags & FAN_ENABLE_AUDIT != 0,
            )
        }
        Ioctl => {
            let cmd = a[1] as u32;
            let (cmd_name, read) = ioctl_cmd(cmd);
            let ifname = (cmd >> 8 == 0x89 && data.len() >= 16).then(|| {
                let end = data[..16].iter().position(|b| *b == 0).unwrap_or(16);
                String::from_utf8_lossy(&data[..end]).into_owned()
            });
            let capability = if cmd >> 8 == 0x89 {
                "CAP_NET_ADMIN"
            } else if cmd == tracer_common::privilege::FIBMAP {
                "CAP_SYS_RAWIO"
            } else {
                "CAP_SYS_ADMIN"
            };
            (
                capability,
                format!("fd {} {cmd_name}", a[0] as i32),
                ifname.filter(|n| !n.is_empty()),
                !read,
            )
        }
        IoprioSet => {
            let class = (a[2] >> 13) & 7;
            (
                "CAP_SYS_NICE",
                format!(
                    "{} {} class {} level {}",
                    // IOPRIO_WHO_PROCESS is 1, PRIO_PROCESS 0.
                    prio_which(a[0].wrapping_sub(1)),
                    a[1] as i32,
                    match class {
                        1 => "RT".to_owned(),
                        2 => "BE".to_owned(),
                        3 => "IDLE".to_owned(),
                        c => c.to_string(),
                    },
                    a[2] & 0x1fff
                ),
                None,
                class == 1,
            )
        }
        // Another process's memory written, as ptrace's POKE does (the same access check:
        // PTRACE_MODE_ATTACH, CAP_SYS_PTRACE for another user's process). Into itself, nothing.
        ProcessVmWritev => {
            let target = a[0] as i32;
            (
                "CAP_SYS_PTRACE",
                format!("pid {target}"),
                None,
                target != pid as i32,
            )
        }
        // Clone3: only a clone3 with set_tid makes this record.
        _ => {
            let pids: Vec<String> = data
                .chunks_exact(4)
                .map(|c| i32::from_ne_bytes(c.try_into().expect("4")).to_string())
                .collect();
            (
                "CAP_CHECKPOINT_RESTORE",
                format!(
                    "set_tid {} (pid namespace levels: {})",
                    if pids.is_empty() {
                        "?".to_owned()
                    } else {
                        pids.join(",")
                    },
                    a[SET_TID_SIZE_ARG]
                ),
                None,
                true,
            )
        }
    };
    argument_gated(syscall, capability, op, name, privileged, ret)
}

/// The event of a call a capability gates only for some arguments: a query when the arguments
/// need none and the kernel did not refuse it; a refusal of one that needed none says so in
/// `op`.
fn argument_gated(
    syscall: SyscallId,
    capability: &str,
    op: String,
    name: Option<String>,
    privileged: bool,
    ret: i64,
) -> EventData {
    let refused = refused(ret);
    EventData::PrivilegedCall {
        call: syscall.name().to_owned(),
        capability: capability.to_owned(),
        op: Some(if refused && !privileged {
            format!(
                "{op} (refused: {})",
                if ret == -1 { "EPERM" } else { "EACCES" }
            )
        } else {
            op
        }),
        path: None,
        name,
        query: !privileged && !refused,
    }
}

/// `SCHED_RESET_ON_FORK`, or-ed into sched_setscheduler's policy.
const SCHED_RESET_ON_FORK: u32 = 0x4000_0000;

/// SCHED_FIFO, SCHED_RR, SCHED_DEADLINE: the policies that need CAP_SYS_NICE (or an
/// RLIMIT_RTPRIO, which only a privileged process can have raised).
fn realtime(policy: u32) -> bool {
    matches!(policy, 1 | 2 | 6)
}

fn sched_policy(policy: u32) -> String {
    const NAMES: [&str; 7] = [
        "SCHED_OTHER",
        "SCHED_FIFO",
        "SCHED_RR",
        "SCHED_BATCH",
        "SCHED_ISO",
        "SCHED_IDLE",
        "SCHED_DEADLINE",
    ];
    named(&NAMES, i64::from(policy), || format!("SCHED_{policy}"))
}

/// setpriority's and ioprio_set's `which`.
fn prio_which(which: u64) -> String {
    const NAMES: [&str; 3] = ["PRIO_PROCESS", "PRIO_PGRP", "PRIO_USER"];
    named(&NAMES, which as i64, || format!("WHICH_{which}"))
}

fn rlimit_name(resource: u64) -> String {
    const NAMES: [&str; 16] = [
        "RLIMIT_CPU",
        "RLIMIT_FSIZE",
        "RLIMIT_DATA",
        "RLIMIT_STACK",
        "RLIMIT_CORE",
        "RLIMIT_RSS",
        "RLIMIT_NPROC",
        "RLIMIT_NOFILE",
        "RLIMIT_MEMLOCK",
        "RLIMIT_AS",
        "RLIMIT_LOCKS",
        "RLIMIT_SIGPENDING",
        "RLIMIT_MSGQUEUE",
        "RLIMIT_NICE",
        "RLIMIT_RTPRIO",
        "RLIMIT_RTTIME",
    ];
    named(&NAMES, resource as i64, || format!("RLIMIT_{resource}"))
}

/// FAN_CLASS_CONTENT | FAN_CLASS_PRE_CONTENT | FAN_UNLIMITED_QUEUE | FAN_UNLIMITED_MARKS |
/// FAN_REPORT_PIDFD | FAN_REPORT_TID: only with CAP_SYS_ADMIN.
const FAN_ADMIN_FLAGS: u64 = 0x04 | 0x08 | 0x10 | 0x20 | 0x80 | 0x100;
/// FAN_REPORT_FID | FAN_REPORT_DIR_FID | FAN_REPORT_NAME | FAN_REPORT_TARGET_FID: without
/// CAP_SYS_ADMIN a group must report file ids.
const FAN_FID_BITS: u64 = 0x200 | 0x400 | 0x800 | 0x1000;
/// FAN_ENABLE_AUDIT: CAP_AUDIT_WRITE.
const FAN_ENABLE_AUDIT: u64 = 0x40;

/// An ioctl's name and whether it only reads (and needs no capability). The socket ioctls
/// not named as reads here (the `SIOCS*`, `SIOCADD*`, `SIOCDEL*`, bridge and bonding calls,
/// the device- and protocol-private ranges) count as privileged.
fn ioctl_cmd(cmd: u32) -> (String, bool) {
    let (name, read) = match cmd {
        0x1 => ("FIBMAP", false),
        0x5412 => ("TIOCSTI", false),
        0x541d => ("TIOCCONS", false),
        0x8901 => ("FIOSETOWN", true),
        0x8902 => ("SIOCSPGRP", true),
        0x8903 => ("FIOGETOWN", true),
        0x8904 => ("SIOCGPGRP", true),
        0x8905 => ("SIOCATMARK", true),
        0x8906 => ("SIOCGSTAMP", true),
        0x8907 => ("SIOCGSTAMPNS", true),
        0x890b => ("SIOCADDRT", false),
        0x890c => ("SIOCDELRT", false),
        0x8910 => ("SIOCGIFNAME", true),
        0x8911 => ("SIOCSIFLINK", false),
        0x8912 => ("SIOCGIFCONF", true),
        0x8913 => ("SIOCGIFFLAGS", true),
        0x8914 => ("SIOCSIFFLAGS", false),
        0x8915 => ("SIOCGIFADDR", true),
        0x8916 => ("SIOCSIFADDR", false),
        0x8917 => ("SIOCGIFDSTADDR", true),
        0x8918 => ("SIOCSIFDSTADDR", false),
        0x8919 => ("SIOCGIFBRDADDR", true),
        0x891a => ("SIOCSIFBRDADDR", false),
        0x891b => ("SIOCGIFNETMASK", true),
        0x891c => ("SIOCSIFNETMASK", false),
        0x891d => ("SIOCGIFMETRIC", true),
        0x891e => ("SIOCSIFMETRIC", false),
        0x8921 => ("SIOCGIFMTU", true),
        0x8922 => ("SIOCSIFMTU", false),
        0x8923 => ("SIOCSIFNAME", false),
        0x8924 => ("SIOCSIFHWADDR", false),
        0x8925 => ("SIOCGIFENCAP", true),
        0x8926 => ("SIOCSIFENCAP", false),
        0x8927 => ("SIOCGIFHWADDR", true),
        0x8931 => ("SIOCADDMULTI", false),
        0x8932 => ("SIOCDELMULTI", false),
        0x8933 => ("SIOCGIFINDEX", true),
        0x8934 => ("SIOCSIFPFLAGS", false),
        0x8935 => ("SIOCGIFPFLAGS", true),
        0x8936 => ("SIOCDIFADDR", false),
        0x8937 => ("SIOCSIFHWBROADCAST", false),
        0x8938 => ("SIOCGIFCOUNT", true),
        0x8942 => ("SIOCGIFTXQLEN", true),
        0x8943 => ("SIOCSIFTXQLEN", false),
        0x8946 => ("SIOCETHTOOL", false),
        0x8947 => ("SIOCGMIIPHY", true),
        0x8948 => ("SIOCGMIIREG", true),
        0x8949 => ("SIOCSMIIREG", false),
        0x894b => ("SIOCOUTQNSD", true),
        0x8953 => ("SIOCDARP", false),
        0x8954 => ("SIOCGARP", true),
        0x8955 => ("SIOCSARP", false),
        0x8970 => ("SIOCGIFMAP", true),
        0x8971 => ("SIOCSIFMAP", false),
        0x89a0 => ("SIOCBRADDBR", false),
        0x89a1 => ("SIOCBRDELBR", false),
        0x89a2 => ("SIOCBRADDIF", false),
        0x89a3 => ("SIOCBRDELIF", false),
        other => return (format!("{other:#x}"), false),
    };
    (name.to_owned(), read)
}

/// reboot(2)'s `cmd` (`LINUX_REBOOT_CMD_*`).
fn reboot_cmd(cmd: u32) -> String {
    match cmd {
        0x0123_4567 => "RESTART".into(),
        0xcdef_0123 => "HALT".into(),
        0x89ab_cdef => "CAD_ON".into(),
        0x0000_0000 => "CAD_OFF".into(),
        0x4321_fedc => "POWER_OFF".into(),
        0xa1b2_c3d4 => "RESTART2".into(),
        0xd000_fce2 => "SW_SUSPEND".into(),
        0x4558_4543 => "KEXEC".into(),
        other => format!("{other:#x}"),
    }
}

/// quotactl's subcommand (`cmd >> 8`) and whether it only reads.
fn quota_cmd(sub: u32) -> (String, bool) {
    let (name, read) = match sub {
        0x80_0001 => ("Q_SYNC", true),
        0x80_0002 => ("Q_QUOTAON", false),
        0x80_0003 => ("Q_QUOTAOFF", false),
        0x80_0004 => ("Q_GETFMT", true),
        0x80_0005 => ("Q_GETINFO", true),
        0x80_0006 => ("Q_SETINFO", false),
        0x80_0007 => ("Q_GETQUOTA", true),
        0x80_0008 => ("Q_SETQUOTA", false),
        0x80_0009 => ("Q_GETNEXTQUOTA", true),
        0x5801 => ("Q_XQUOTAON", false),
        0x5802 => ("Q_XQUOTAOFF", false),
        0x5803 => ("Q_XGETQUOTA", true),
        0x5804 => ("Q_XSETQLIM", false),
        0x5805 => ("Q_XGETQSTAT", true),
        0x5806 => ("Q_XQUOTARM", false),
        0x5807 => ("Q_XQUOTASYNC", true),
        0x5808 => ("Q_XGETQSTATV", true),
        0x5809 => ("Q_XGETNEXTQUOTA", true),
        other => return (format!("Q_{other:#x}"), false),
    };
    (name.to_owned(), read)
}

/// syslog(2)'s action (`SYSLOG_ACTION_*`).
fn syslog_action(action: i32) -> String {
    const NAMES: [&str; 11] = [
        "CLOSE",
        "OPEN",
        "READ",
        "READ_ALL",
        "READ_CLEAR",
        "CLEAR",
        "CONSOLE_OFF",
        "CONSOLE_ON",
        "CONSOLE_LEVEL",
        "SIZE_UNREAD",
        "SIZE_BUFFER",
    ];
    named(&NAMES, i64::from(action), || format!("ACTION_{action}"))
}

/// `perf_event_attr.type` (`PERF_TYPE_*`).
fn perf_type(t: u32) -> String {
    const NAMES: [&str; 6] = [
        "PERF_TYPE_HARDWARE",
        "PERF_TYPE_SOFTWARE",
        "PERF_TYPE_TRACEPOINT",
        "PERF_TYPE_HW_CACHE",
        "PERF_TYPE_RAW",
        "PERF_TYPE_BREAKPOINT",
    ];
    named(&NAMES, i64::from(t), || format!("PERF_TYPE_{t}"))
}

/// `names[i]`, or `other()` for a number the table does not name.
fn named(names: &[&str], i: i64, other: impl FnOnce() -> String) -> String {
    usize::try_from(i)
        .ok()
        .and_then(|i| names.get(i))
        .map_or_else(other, |n| (*n).to_owned())
}

/// `struct timex`'s `modes`: the calls that change the kernel's clock discipline.
const ADJ_MODES: &[(u64, &str)] = &[
    (0xa001, "ADJ_OFFSET_SS_READ"),
    (0x8001, "ADJ_OFFSET_SINGLESHOT"),
    (0x0001, "ADJ_OFFSET"),
    (0x0002, "ADJ_FREQUENCY"),
    (0x0004, "ADJ_MAXERROR"),
    (0x0008, "ADJ_ESTERROR"),
    (0x0010, "ADJ_STATUS"),
    (0x0020, "ADJ_TIMECONST"),
    (0x0080, "ADJ_TAI"),
    (0x0100, "ADJ_SETOFFSET"),
    (0x1000, "ADJ_MICRO"),
    (0x2000, "ADJ_NANO"),
    (0x4000, "ADJ_TICK"),
];

/// adjtime(3)'s read of the remaining offset: the one non-zero `modes` that changes nothing
/// (the kernel lets it pass without CAP_SYS_TIME).
const ADJ_OFFSET_SS_READ: u32 = 0xa001;

/// adjtimex(buf), clock_adjtime(clock, buf), clock_settime(clock, tp), settimeofday(tv, tz).
/// The probe copied `struct timex`'s head, the timespec, or the timeval and then the timezone
/// into `data`, `data_len` bytes of it.
fn clock(syscall: SyscallId, a: &[u64; 6], d: &PrivData) -> EventData {
    let len = (d.data_len as usize).min(d.data.len());
    let i64_at = |at: usize| {
        (at + 8 <= len).then(|| i64::from_ne_bytes(d.data[at..at + 8].try_into().expect("8")))
    };
    let i32_at = |at: usize| {
        (at + 4 <= len).then(|| i32::from_ne_bytes(d.data[at..at + 4].try_into().expect("4")))
    };
    let (clock, modes_raw, time, timezone, query) = match syscall {
        SyscallId::Adjtimex | SyscallId::ClockAdjtime => {
            let clock = if syscall == SyscallId::Adjtimex {
                "CLOCK_REALTIME".to_owned()
            } else {
                clock_name(a[0] as i32)
            };
            let modes = i32_at(0).map(|m| m as u32);
            let query = modes.is_some_and(|m| m == 0 || m == ADJ_OFFSET_SS_READ);
            (clock, modes, None, None, query)
        }
        SyscallId::ClockSettime => {
            let time = i64_at(0)
                .zip(i64_at(8))
                .map(|(sec, nsec)| ClockTime { sec, nsec });
            (clock_name(a[0] as i32), None, time, None, false)
        }
        _ => {
            // settimeofday: the timeval (16 bytes) when its pointer was set and read, then
            // the timezone (8 bytes); `data_len` is their sum.
            let tv_read = a[0] != 0 && (len == 16 || len == 24);
            let tz_at = if tv_read { 16 } else { 0 };
            let tz_read = a[1] != 0 && (len == 8 || len == 24);
            let time = tv_read
                .then(|| i64_at(0).zip(i64_at(8)))
                .flatten()
                .map(|(sec, usec)| ClockTime {
                    sec,
                    nsec: usec.saturating_mul(1000),
                });
            let timezone = tz_read
                .then(|| i32_at(tz_at).zip(i32_at(tz_at + 4)))
                .flatten()
                .map(|(minuteswest, dsttime)| TimeZone {
                    minuteswest,
                    dsttime,
                });
            let query = a[0] == 0 && a[1] == 0;
            ("CLOCK_REALTIME".to_owned(), None, time, timezone, query)
        }
    };
    EventData::Clock {
        call: syscall.name().to_owned(),
        clock,
        modes: modes_raw
            .map(|m| bit_names(u64::from(m), ADJ_MODES))
            .unwrap_or_default(),
        modes_raw,
        time,
        timezone,
        query,
    }
}

/// A clock id as the kernel reads it: the fixed clocks by name; a negative id with the low
/// bits `CLOCKFD` (3) is a dynamic clock, the fd `!id >> 3`; other negative ids are CPU-time
/// clocks of a process or thread.
fn clock_name(id: i32) -> String {
    const NAMES: [&str; 12] = [
        "CLOCK_REALTIME",
        "CLOCK_MONOTONIC",
        "CLOCK_PROCESS_CPUTIME_ID",
        "CLOCK_THREAD_CPUTIME_ID",
        "CLOCK_MONOTONIC_RAW",
        "CLOCK_REALTIME_COARSE",
        "CLOCK_MONOTONIC_COARSE",
        "CLOCK_BOOTTIME",
        "CLOCK_REALTIME_ALARM",
        "CLOCK_BOOTTIME_ALARM",
        "CLOCK_SGI_CYCLE",
        "CLOCK_TAI",
    ];
    if id < 0 && id & 7 == 3 {
        return format!("fd {}", !id >> 3);
    }
    named(&NAMES, i64::from(id), || format!("CLOCK_{id}"))
}

fn prctl_name(option: u64) -> String {
    match option {
        1 => "PR_SET_PDEATHSIG".into(),
        4 => "PR_SET_DUMPABLE".into(),
        8 => "PR_SET_KEEPCAPS".into(),
        15 => "PR_SET_NAME".into(),
        22 => "PR_SET_SECCOMP".into(),
        24 => "PR_CAPBSET_DROP".into(),
        28 => "PR_SET_SECUREBITS".into(),
        36 => "PR_SET_CHILD_SUBREAPER".into(),
        38 => "PR_SET_NO_NEW_PRIVS".into(),
        47 => "PR_CAP_AMBIENT".into(),
        other => format!("PR_{other}"),
    }
}

pub(crate) fn ptrace_name(request: u64) -> String {
    match request {
        0 => "PTRACE_TRACEME".into(),
        1 => "PTRACE_PEEKTEXT".into(),
        2 => "PTRACE_PEEKDATA".into(),
        4 => "PTRACE_POKETEXT".into(),
        5 => "PTRACE_POKEDATA".into(),
        16 => "PTRACE_ATTACH".into(),
        17 => "PTRACE_DETACH".into(),
        0x4206 => "PTRACE_SEIZE".into(),
        other => format!("PTRACE_{other}"),
    }
}

/// `PIDFD_SELF_THREAD` and `PIDFD_SELF_THREAD_GROUP` (include/uapi/linux/pidfd.h, 6.15): the
/// caller itself, without a pidfd.
const PIDFD_SELF_THREAD: i32 = -10000;
const PIDFD_SELF_THREAD_GROUP: i32 = -20000;

/// A signal event of a call whose target the arguments name.
fn signal(
    call: SyscallId,
    target_pid: i32,
    target_tid: Option<i32>,
    sig: u64,
    a: &[u64; 6],
) -> EventData {
    EventData::Signal {
        call: call.name().to_owned(),
        target_pid,
        target_tid,
        signal: signal_name(sig),
        pidfd: None,
        target_unknown: false,
        target_ids: target_ids(a),
    }
}

/// The target's real and saved uid the `signal_target` program left in the saved arguments.
fn target_ids(a: &[u64; 6]) -> Option<[u32; 2]> {
    use tracer_common::privilege::{TARGET_IDS_ARG, TARGET_KNOWN, TARGET_KNOWN_ARG};
    let ids = a[TARGET_IDS_ARG];
    (a[TARGET_KNOWN_ARG] == TARGET_KNOWN).then_some([ids as u32, (ids >> 32) as u32])
}

/// `SIGTERM` for 15; `0` is the existence probe, not a signal.
pub(crate) fn signal_name(sig: u64) -> String {
    const NAMES: [&str; 32] = [
        "0",
        "SIGHUP",
        "SIGINT",
        "SIGQUIT",
        "SIGILL",
        "SIGTRAP",
        "SIGABRT",
        "SIGBUS",
        "SIGFPE",
        "SIGKILL",
        "SIGUSR1",
        "SIGSEGV",
        "SIGUSR2",
        "SIGPIPE",
        "SIGALRM",
        "SIGTERM",
        "SIGSTKFLT",
        "SIGCHLD",
        "SIGCONT",
        "SIGSTOP",
        "SIGTSTP",
        "SIGTTIN",
        "SIGTTOU",
        "SIGURG",
        "SIGXCPU",
        "SIGXFSZ",
        "SIGVTALRM",
        "SIGPROF",
        "SIGWINCH",
        "SIGIO",
        "SIGPWR",
        "SIGSYS",
    ];
    named(&NAMES, sig as i64, || format!("SIG{sig}"))
}

fn bpf_cmd_name(cmd: u64) -> String {
    match cmd {
        0 => "BPF_MAP_CREATE".into(),
        1 => "BPF_MAP_LOOKUP_ELEM".into(),
        2 => "BPF_MAP_UPDATE_ELEM".into(),
        3 => "BPF_MAP_DELETE_ELEM".into(),
        4 => "BPF_MAP_GET_NEXT_KEY".into(),
        5 => "BPF_PROG_LOAD".into(),
        6 => "BPF_OBJ_PIN".into(),
        7 => "BPF_OBJ_GET".into(),
        8 => "BPF_PROG_ATTACH".into(),
        // The calls that find, detach or replace another's programs (issue 13: tampering).
        9 => "BPF_PROG_DETACH".into(),
        11 => "BPF_PROG_GET_NEXT_ID".into(),
        12 => "BPF_MAP_GET_NEXT_ID".into(),
        13 => "BPF_PROG_GET_FD_BY_ID".into(),
        14 => "BPF_MAP_GET_FD_BY_ID".into(),
        15 => "BPF_OBJ_GET_INFO_BY_FD".into(),
        16 => "BPF_PROG_QUERY".into(),
        28 => "BPF_LINK_CREATE".into(),
        29 => "BPF_LINK_UPDATE".into(),
        30 => "BPF_LINK_GET_FD_BY_ID".into(),
        31 => "BPF_LINK_GET_NEXT_ID".into(),
        34 => "BPF_LINK_DETACH".into(),
        other => format!("BPF_CMD_{other}"),
    }
}

/// open_tree's `OPEN_TREE_CLONE`, `AT_RECURSIVE` and `OPEN_TREE_CLOEXEC` (= `O_CLOEXEC`)
/// (include/uapi/linux/mount.h, fcntl.h).
const OPEN_TREE_CLONE: u64 = 1;
const AT_RECURSIVE: u64 = 0x8000;

/// The fd open_tree(2) returned, in the fd table under its path: files created relative to it
/// are then named where they are (round 9's f9_open_tree_detached: the kernel walk names a
/// file below a detached clone from the clone's top, as if from `/`). Without the clone the fd
/// is an O_PATH fd of the path; a recursive clone shows the same files. A clone without
/// AT_RECURSIVE leaves out the mounts below the path, so a name below one of them is another
/// file: that fd stays unknown (paths relative to it are unresolved, a gap).
fn note_tree_fd(cx: &mut Cx<'_>, path: &PathRef, flags: u64) {
    if flags & OPEN_TREE_CLONE != 0 && flags & AT_RECURSIVE == 0 {
        return;
    }
    if let Some(name) = &path.resolved {
        cx.procs.new_fd(
            cx.header.pid,
            cx.header.ret as i32,
            super::procs::Fd::Path(name.clone()),
            flags & libc::O_CLOEXEC as u64 != 0,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_ids_and_adjtimex_modes_are_named() {
        assert_eq!(clock_name(0), "CLOCK_REALTIME");
        assert_eq!(clock_name(11), "CLOCK_TAI");
        assert_eq!(clock_name(42), "CLOCK_42");
        // FD_TO_CLOCKID(3): a PTP device opened as fd 3.
        assert_eq!(clock_name((!3 << 3) | 3), "fd 3");
        // A CPU-time clock of another process is no dynamic clock.
        assert_eq!(
            clock_name((!100 << 3) | 2),
            format!("CLOCK_{}", (!100 << 3) | 2)
        );
        assert_eq!(bit_names(0xa001, ADJ_MODES), ["ADJ_OFFSET_SS_READ"]);
        assert_eq!(
            bit_names(0x8001 | 0x4000, ADJ_MODES),
            ["ADJ_OFFSET_SINGLESHOT", "ADJ_TICK"]
        );
        assert_eq!(
            bit_names(0x0003, ADJ_MODES),
            ["ADJ_OFFSET", "ADJ_FREQUENCY"]
        );
    }
}
