//! The names of the kernel hooks a trace header lists (`hooks.attached`, `hooks.failed`,
//! `hooks.sources`), and which event kind each one feeds. The recorder builds its hook list
//! from these tables and later stages read a header's hooks through them, so both sides use
//! one spelling. Syscall hooks are derived from [`SyscallId`] and its [`SyscallId::kind`]:
//! a new syscall needs no entry here.

use tracer_common::SyscallId;

use super::EventKind;

/// The scheduler tracepoints (`sched/…`), each with its own program of the same name, and the
/// kind of record it writes.
pub const SCHED_TRACEPOINTS: &[(&str, EventKind)] = &[
    ("sched_process_fork", EventKind::Fork),
    ("sched_process_exit", EventKind::Exit),
];

/// The scheduler tracepoints attached as BPF raw tracepoints (`raw_tracepoint:NAME`), each
/// with its own program of the same name: `sched_process_exec` needs the tracepoint's
/// `bprm`, which its classic format leaves out (traces before 2026-12 name it
/// `tracepoint:sched/sched_process_exec`; [`hook_kind`] reads both).
pub const SCHED_RAW_TRACEPOINTS: &[(&str, EventKind)] = &[("sched_process_exec", EventKind::Exec)];

/// The io_uring tracepoints (`io_uring/…`), each with its own program of the same name, and the
/// kind it feeds.
pub const IO_URING_TRACEPOINTS: &[(&str, EventKind)] = &[
    ("io_uring_create", EventKind::IoUringCreate),
    ("io_uring_submit_req", EventKind::IoUringOp),
    ("io_uring_complete", EventKind::IoUringResult),
];

/// The watch for 32-bit syscalls, which the per-syscall tracepoints never see: (program, BPF
/// raw tracepoint, the kind it counts as lost). Its header label is `raw_tracepoint:sys_enter`.
pub const COMPAT_WATCH: (&str, &str, EventKind) =
    ("compat_enter", "sys_enter", EventKind::CompatSyscall);

/// The program recording a UDP socket's autobound port and its `sock/…` tracepoint (Linux 6.3
/// and later). It writes `bind` records: failed, bind claims are inconclusive; absent (an
/// older kernel), the exit of a send that names a destination writes them instead, and the
/// port rules leave a claim inconclusive over a send from a socket the trace never saw bound
/// and no record named (`verdict::places`).
pub const UDP_AUTOBIND: (&str, &str) = ("udp_autobind", "sock_send_length");

/// The name `io_uring_submit_req` had before Linux 6.2; the recorder attaches to it there.
pub const IO_URING_SUBMIT_OLD: &str = "io_uring_submit_sqe";

/// libc functions recorded with uprobes: (program, symbol, at return). All feed
/// [`EventKind::Getenv`]: the entry saves the name pointer (`uprobe:LIB:getenv`), the return
/// reads the name and writes the record (`uretprobe:LIB:getenv`).
pub const UPROBES: &[(&str, &str, bool)] = &[
    ("getenv_enter", "getenv", false),
    ("secure_getenv_enter", "secure_getenv", false),
    ("getenv_return", "getenv", true),
    ("secure_getenv_return", "secure_getenv", true),
];

/// LSM programs (program, `security_<hook>` name) and the kind of record each adds the kernel's
/// file name to. The `path_*` hooks (CONFIG_SECURITY_PATH) name a path call's files at the
/// moment of the call (`tracer-ebpf/src/probes/file_lsm.rs`; records flagged `kernel_named`).
pub const LSM_PROGRAMS: &[(&str, &str, EventKind)] = &[
    ("lsm_file_open", "file_open", EventKind::Open),
    (
        "lsm_bprm_check_security",
        "bprm_check_security",
        EventKind::Exec,
    ),
    ("lsm_path_chmod", "path_chmod", EventKind::Chmod),
    ("lsm_path_chown", "path_chown", EventKind::Chown),
    ("lsm_path_truncate", "path_truncate", EventKind::Truncate),
    ("lsm_path_mkdir", "path_mkdir", EventKind::Mkdir),
    ("lsm_path_mknod", "path_mknod", EventKind::Mknod),
    ("lsm_path_rmdir", "path_rmdir", EventKind::Rmdir),
    ("lsm_path_unlink", "path_unlink", EventKind::Unlink),
    ("lsm_path_symlink", "path_symlink", EventKind::Symlink),
    ("lsm_path_link", "path_link", EventKind::Link),
    ("lsm_path_rename", "path_rename", EventKind::Rename),
];

/// The syscall part of the tracepoint name: the kernel's `SYSCALL_DEFINE` name, which is
/// `umount` for the umount2 syscall.
pub fn tracepoint_name(id: SyscallId) -> &'static str {
    match id {
        SyscallId::Umount2 => "umount",
        other => other.name(),
    }
}

/// The syscall a `sys_enter_NAME` / `sys_exit_NAME` tracepoint belongs to.
pub fn syscall_of_tracepoint(name: &str) -> Option<SyscallId> {
    let sys = name
        .strip_prefix("sys_enter_")
        .or_else(|| name.strip_prefix("sys_exit_"))?;
    SyscallId::ALL
        .iter()
        .copied()
        .find(|&id| tracepoint_name(id) == sys)
}

/// The event kind whose records a hook (as a header names it: `tracepoint:CATEGORY/NAME`,
/// `uprobe:LIBRARY:SYMBOL`, `syscall:NAME`) writes, completes or saves arguments for; `None` for a hook this
/// build does not know (a newer recorder's) and for LSM hooks, which only add detail.
pub fn hook_kind(label: &str) -> Option<EventKind> {
    // A syscall in the raw syscall tracepoints' dispatch table.
    if let Some(name) = label.strip_prefix("syscall:") {
        return SyscallId::ALL
            .iter()
            .copied()
            .find(|&id| id.name() == name)
            .map(SyscallId::kind);
    }
    if let Some(name) = label.strip_prefix("raw_tracepoint:") {
        if name == COMPAT_WATCH.1 {
            return Some(COMPAT_WATCH.2);
        }
        return SCHED_RAW_TRACEPOINTS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|&(_, k)| k);
    }
    if let Some(rest) = label.strip_prefix("tracepoint:") {
        let (category, name) = rest.split_once('/')?;
        let find =
            |table: &[(&str, EventKind)]| table.iter().find(|(n, _)| *n == name).map(|&(_, k)| k);
        return match category {
            "sched" => find(SCHED_TRACEPOINTS).or_else(|| find(SCHED_RAW_TRACEPOINTS)),
            "io_uring" if name == IO_URING_SUBMIT_OLD => Some(EventKind::IoUringOp),
            "io_uring" => find(IO_URING_TRACEPOINTS),
            "syscalls" => syscall_of_tracepoint(name).map(SyscallId::kind),
            // The perf dispatch's entry program counts 32-bit syscalls, as the raw one does.
            "raw_syscalls" if name == COMPAT_WATCH.1 => Some(COMPAT_WATCH.2),
            // `udp_autobind`: the `bind` records of UDP sockets the kernel bound at a send.
            "sock" if name == UDP_AUTOBIND.1 => Some(EventKind::Bind),
            _ => None,
        };
    }
    if let Some(rest) = label
        .strip_prefix("uprobe:")
        .or_else(|| label.strip_prefix("uretprobe:"))
    {
        let symbol = rest.rsplit(':').next()?;
        if UPROBES.iter().any(|(_, s, _)| *s == symbol) {
            return Some(EventKind::Getenv);
        }
        // Crypto libraries' entry points (tracer_common::crypto::FUNCTIONS).
        return tracer_common::crypto::FUNCTIONS
            .iter()
            .any(|f| f.symbol == symbol && rest.contains(f.library))
            .then_some(EventKind::Crypto);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A crypto event names its function by number: a number used twice would name the
    /// wrong one, and each library's functions must be listed together (the hook builder
    /// takes each library once).
    #[test]
    fn crypto_functions_have_unique_numbers_and_grouped_libraries() {
        let fs = tracer_common::crypto::FUNCTIONS;
        let mut numbers: Vec<u32> = fs.iter().map(|f| f.number).collect();
        numbers.sort_unstable();
        numbers.dedup();
        assert_eq!(numbers.len(), fs.len());
        let mut libraries: Vec<&str> = fs.iter().map(|f| f.library).collect();
        libraries.dedup();
        let mut unique = libraries.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(libraries.len(), unique.len(), "{libraries:?}");
        for (label, symbol) in [
            (
                "uprobe:/usr/lib/x86_64-linux-gnu/libcrypt.so.1:crypt_r",
                "crypt_r",
            ),
            (
                "uprobe:/usr/lib/x86_64-linux-gnu/libmd.so.0:SHA256Data",
                "SHA256Data",
            ),
        ] {
            assert_eq!(hook_kind(label), Some(EventKind::Crypto), "{symbol}");
        }
        // libcrypt's prefix is not libcrypto's.
        assert_eq!(
            hook_kind("uprobe:/usr/lib/x86_64-linux-gnu/libcrypto.so.3:crypt_r"),
            None
        );
    }

    #[test]
    fn every_syscall_hook_names_its_kind() {
        for &id in SyscallId::ALL {
            for dir in ["enter", "exit"] {
                let label = format!("tracepoint:syscalls/sys_{dir}_{}", tracepoint_name(id));
                assert_eq!(hook_kind(&label), Some(id.kind()), "{label}");
            }
        }
        assert_eq!(
            hook_kind("tracepoint:sched/sched_process_exec"),
            Some(EventKind::Exec)
        );
        assert_eq!(
            hook_kind("raw_tracepoint:sched_process_exec"),
            Some(EventKind::Exec)
        );
        assert_eq!(
            hook_kind("tracepoint:io_uring/io_uring_submit_sqe"),
            Some(EventKind::IoUringOp)
        );
        assert_eq!(
            hook_kind("uprobe:/usr/lib/x86_64-linux-gnu/libc.so.6:secure_getenv"),
            Some(EventKind::Getenv)
        );
        assert_eq!(
            hook_kind("uretprobe:/usr/lib/x86_64-linux-gnu/libc.so.6:getenv"),
            Some(EventKind::Getenv)
        );
        assert_eq!(
            hook_kind("uprobe:/usr/lib/x86_64-linux-gnu/libcrypto.so.3:RAND_bytes"),
            Some(EventKind::Crypto)
        );
        assert_eq!(hook_kind("syscall:openat"), Some(EventKind::Open));
        assert_eq!(hook_kind("syscall:umount2"), Some(EventKind::Umount));
        assert_eq!(hook_kind("tracepoint:raw_syscalls/sys_exit"), None);
        assert_eq!(hook_kind("tracepoint:syscalls/sys_enter_umount2"), None);
        assert_eq!(hook_kind("tracepoint:syscalls/sys_exit_openat3"), None);
    }
}
