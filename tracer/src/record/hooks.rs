//! Which program goes on which tracepoint, and the kernel numbers of the hooked syscalls.
//!
//! Every hooked syscall gets the shared `sys_enter` program on `syscalls/sys_enter_<name>` and
//! its family's exit program on `syscalls/sys_exit_<name>`. Attaching is tried hook by hook:
//! a kernel without a syscall (no `init_module` tracepoint on a kernel without modules, no
//! `fchmodat2` before 6.6) loses only that hook, and the trace header says so.
//!
//! LSM programs come on top where the kernel runs them (see [`LSM_PROGRAMS`]): they add the
//! kernel's name of opened and executed files to records the tracepoints make, so a kernel
//! without them loses that detail and nothing else.

use tracer_common::{EventKind, Family, SyscallId};

/// Where a program is attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Point {
    Tracepoint {
        category: &'static str,
        name: String,
    },
    /// A function of a shared library, in every process that maps it.
    Uprobe {
        library: String,
        symbol: &'static str,
    },
    /// A BPF LSM hook (`security_<hook>` in the kernel).
    Lsm { hook: &'static str },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hook {
    pub program: &'static str,
    pub point: Point,
    /// The kind of the records this hook's program writes or completes; `None` for the
    /// syscall entry hooks, which only save arguments, and for the exits of process-creating
    /// calls, whose records come from `sched_process_fork`.
    pub feeds: Option<EventKind>,
}

impl Hook {
    /// How the trace header names it.
    pub fn label(&self) -> String {
        match &self.point {
            Point::Tracepoint { category, name } => format!("tracepoint:{category}/{name}"),
            Point::Uprobe { library, symbol } => format!("uprobe:{library}:{symbol}"),
            Point::Lsm { hook } => format!("lsm:{hook}"),
        }
    }

    fn tracepoint(
        program: &'static str,
        category: &'static str,
        name: String,
        feeds: Option<EventKind>,
    ) -> Self {
        Self {
            program,
            point: Point::Tracepoint { category, name },
            feeds,
        }
    }
}

/// LSM programs and the kind of record each adds the kernel's file name to. Both hooks run
/// after the kernel resolved the path and every earlier security module allowed the operation,
/// on the file the process gets, and both allow `bpf_d_path`.
pub const LSM_PROGRAMS: &[(&str, &str, EventKind)] = &[
    ("lsm_file_open", "file_open", EventKind::Open),
    (
        "lsm_bprm_check_security",
        "bprm_check_security",
        EventKind::Exec,
    ),
];

/// The LSM hooks, tried after [`all_hooks`] where the kernel runs BPF LSM programs.
pub fn lsm_hooks() -> Vec<Hook> {
    LSM_PROGRAMS
        .iter()
        .map(|&(program, hook, kind)| Hook {
            program,
            point: Point::Lsm { hook },
            feeds: Some(kind),
        })
        .collect()
}

/// The C library this process runs with: the one the system's dynamically linked programs
/// use too. Taken from our own mappings rather than guessed from a path list.
pub fn libc_path() -> Option<String> {
    let maps = std::fs::read_to_string("/proc/self/maps").ok()?;
    maps.lines()
        .filter_map(|line| line.split_whitespace().nth(5))
        .find(|path| {
            path.rsplit('/')
                .next()
                .is_some_and(|name| name == "libc.so.6" || name.starts_with("libc-"))
        })
        .map(str::to_owned)
}

/// libc functions recorded with uprobes: (program, symbol).
pub const UPROBES: &[(&str, &str)] = &[
    ("getenv_enter", "getenv"),
    ("secure_getenv_enter", "secure_getenv"),
];

/// The scheduler tracepoints, each with its own program of the same name.
pub const SCHED_PROGRAMS: &[&str] = &[
    "sched_process_fork",
    "sched_process_exec",
    "sched_process_exit",
];

/// The exit program of a syscall's family (`tracer-ebpf/src/probes/<family>.rs`).
pub fn exit_program(id: SyscallId) -> &'static str {
    match id.kind().family() {
        Family::Process => "process_exit",
        Family::File if id.kind() == tracer_common::EventKind::Open => "open_exit",
        Family::File => "file_exit",
        Family::Network => "network_exit",
        Family::Privilege => "privilege_exit",
        Family::Environment => "environment_exit",
    }
}

/// The syscall part of the tracepoint name: the kernel's `SYSCALL_DEFINE` name, which is
/// `umount` for the umount2 syscall.
pub fn tracepoint_name(id: SyscallId) -> &'static str {
    match id {
        SyscallId::Umount2 => "umount",
        other => other.name(),
    }
}

/// Every hook, in attach order: scheduler ones first so that no child escapes.
pub fn all_hooks() -> Vec<Hook> {
    let mut hooks: Vec<Hook> = SCHED_PROGRAMS
        .iter()
        .zip([EventKind::Fork, EventKind::Exec, EventKind::Exit])
        .map(|(p, kind)| Hook::tracepoint(p, "sched", (*p).to_owned(), Some(kind)))
        .collect();
    for &id in SyscallId::ALL {
        let tp = tracepoint_name(id);
        hooks.push(Hook::tracepoint(
            "sys_enter",
            "syscalls",
            format!("sys_enter_{tp}"),
            None,
        ));
        let feeds = (id.kind() != EventKind::Fork).then_some(id.kind());
        hooks.push(Hook::tracepoint(
            exit_program(id),
            "syscalls",
            format!("sys_exit_{tp}"),
            feeds,
        ));
    }
    let libc = libc_path().unwrap_or_else(|| "libc.so.6".to_owned());
    for &(program, symbol) in UPROBES {
        hooks.push(Hook {
            program,
            point: Point::Uprobe {
                library: libc.clone(),
                symbol,
            },
            feeds: Some(EventKind::Getenv),
        });
    }
    hooks
}

/// This architecture's number for a hooked syscall; `None` where it does not exist here
/// (aarch64 has only the `*at` forms).
pub fn kernel_nr(id: SyscallId) -> Option<i64> {
    use SyscallId::*;
    #[allow(unreachable_patterns, reason = "the legacy calls exist on x86_64 only")]
    let nr = match id {
        Execve => libc::SYS_execve,
        Execveat => libc::SYS_execveat,
        Clone => libc::SYS_clone,
        Clone3 => libc::SYS_clone3,
        Openat => libc::SYS_openat,
        Openat2 => libc::SYS_openat2,
        Unlinkat => libc::SYS_unlinkat,
        Renameat => libc::SYS_renameat,
        Renameat2 => libc::SYS_renameat2,
        Mkdirat => libc::SYS_mkdirat,
        Fchmod => libc::SYS_fchmod,
        Fchmodat => libc::SYS_fchmodat,
        Fchmodat2 => 452,
        Fchown => libc::SYS_fchown,
        Fchownat => libc::SYS_fchownat,
        Linkat => libc::SYS_linkat,
        Symlinkat => libc::SYS_symlinkat,
        Truncate => libc::SYS_truncate,
        Ftruncate => libc::SYS_ftruncate,
        Mknodat => libc::SYS_mknodat,
        MemfdCreate => libc::SYS_memfd_create,
        Chdir => libc::SYS_chdir,
        Fchdir => libc::SYS_fchdir,
        Socket => libc::SYS_socket,
        Bind => libc::SYS_bind,
        Listen => libc::SYS_listen,
        Accept => libc::SYS_accept,
        Accept4 => libc::SYS_accept4,
        Connect => libc::SYS_connect,
        Sendto => libc::SYS_sendto,
        Sendmsg => libc::SYS_sendmsg,
        Setuid => libc::SYS_setuid,
        Setgid => libc::SYS_setgid,
        Setreuid => libc::SYS_setreuid,
        Setregid => libc::SYS_setregid,
        Setresuid => libc::SYS_setresuid,
        Setresgid => libc::SYS_setresgid,
        Setfsuid => libc::SYS_setfsuid,
        Setfsgid => libc::SYS_setfsgid,
        Setgroups => libc::SYS_setgroups,
        Capset => libc::SYS_capset,
        Prctl => libc::SYS_prctl,
        Mount => libc::SYS_mount,
        Umount2 => libc::SYS_umount2,
        Unshare => libc::SYS_unshare,
        Setns => libc::SYS_setns,
        Chroot => libc::SYS_chroot,
        PivotRoot => libc::SYS_pivot_root,
        Ptrace => libc::SYS_ptrace,
        Bpf => libc::SYS_bpf,
        InitModule => libc::SYS_init_module,
        FinitModule => libc::SYS_finit_module,
        Getrandom => libc::SYS_getrandom,
        #[cfg(target_arch = "x86_64")]
        Fork => libc::SYS_fork,
        #[cfg(target_arch = "x86_64")]
        Vfork => libc::SYS_vfork,
        #[cfg(target_arch = "x86_64")]
        Open => libc::SYS_open,
        #[cfg(target_arch = "x86_64")]
        Creat => libc::SYS_creat,
        #[cfg(target_arch = "x86_64")]
        Unlink => libc::SYS_unlink,
        #[cfg(target_arch = "x86_64")]
        Rename => libc::SYS_rename,
        #[cfg(target_arch = "x86_64")]
        Mkdir => libc::SYS_mkdir,
        #[cfg(target_arch = "x86_64")]
        Rmdir => libc::SYS_rmdir,
        #[cfg(target_arch = "x86_64")]
        Chmod => libc::SYS_chmod,
        #[cfg(target_arch = "x86_64")]
        Chown => libc::SYS_chown,
        #[cfg(target_arch = "x86_64")]
        Lchown => libc::SYS_lchown,
        #[cfg(target_arch = "x86_64")]
        Link => libc::SYS_link,
        #[cfg(target_arch = "x86_64")]
        Symlink => libc::SYS_symlink,
        #[cfg(target_arch = "x86_64")]
        Mknod => libc::SYS_mknod,
        #[cfg(not(target_arch = "x86_64"))]
        _ => return None,
    };
    Some(nr)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every hooked syscall has a tracepoint on this kernel, except the ones a kernel without
    /// module support lacks. Reads tracefs, so it runs as root with tracefs mounted.
    #[test]
    fn hooks_exist_on_this_kernel() {
        crate::record::mounts::ensure_tracefs().expect("tracefs must be mountable (run as root)");
        let mut missing = Vec::new();
        for hook in all_hooks() {
            let Point::Tracepoint { category, name } = hook.point else {
                continue;
            };
            let dir = format!("/sys/kernel/tracing/events/{category}/{name}");
            if !std::path::Path::new(&dir).exists() {
                missing.push(name);
            }
        }
        missing.retain(|m| !m.contains("init_module"));
        assert!(missing.is_empty(), "tracepoints missing: {missing:?}");
    }
}
