//! Which program goes on which tracepoint, and the kernel numbers of the hooked syscalls.
//!
//! Syscalls are hooked one of three ways (see [`SyscallHooks`]). By default, where it can, the
//! recorder attaches the shared `sys_enter_raw` program to the BPF raw tracepoint `sys_enter` and
//! the `sys_exit_raw` dispatcher to `sys_exit`, and each hooked syscall becomes an entry of the
//! dispatcher's table (`syscall:<name>` in the header): two attachments in all, because the
//! kernel detaches perf tracepoints one at a time, each behind an RCU-tasks grace period, and a
//! BPF raw tracepoint builds no perf record for the syscalls nothing records. The same dispatch
//! can run on the perf tracepoints `raw_syscalls/sys_enter` and `sys_exit` (measured, not used:
//! every syscall of every process pays for a record). Otherwise every hooked syscall gets
//! `sys_enter` on `syscalls/sys_enter_<name>` and its family's exit program on
//! `syscalls/sys_exit_<name>`. Either way attaching is tried syscall by syscall: a kernel
//! without a syscall (no `init_module` on a kernel without modules, no `fchmodat2` before 6.6)
//! loses only that one, and the trace header says so. A dispatched way is never left half
//! working: one whose programs do not all load (a verifier stricter than this host's) or whose
//! dispatchers or table entries do not attach gives way to the next ([`SyscallHooks::next`],
//! [`SyscallChoice`]), and the header's `hooks.syscalls` names the way used and why.
//!
//! The hook names and the kind each feeds are the trace format's ([`crate::trace::hooks`]).
//!
//! LSM programs come on top where the kernel runs them (see [`LSM_PROGRAMS`]): they add the
//! kernel's name of opened and executed files to records the tracepoints make, so a kernel
//! without them loses that detail and nothing else.

use tracer_common::{EventKind, Family, SyscallId, crypto};

use crate::trace::{
    FailedHook, SyscallFallback, SyscallHooking,
    hooks::{
        IO_URING_SUBMIT_OLD, IO_URING_TRACEPOINTS, LSM_PROGRAMS, SCHED_RAW_TRACEPOINTS,
        SCHED_TRACEPOINTS, UPROBES, tracepoint_name,
    },
};

/// Where a program is attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Point {
    Tracepoint {
        category: &'static str,
        name: String,
    },
    /// A function of a shared library, in every process that maps it: at its entry, or at
    /// its return (`ret`).
    Uprobe {
        library: String,
        symbol: &'static str,
        ret: bool,
        /// The attach cookie the program reads (a crypto function's number; 0 otherwise).
        cookie: u64,
    },
    /// A BPF LSM hook (`security_<hook>` in the kernel).
    Lsm { hook: &'static str },
    /// A syscall's entry in an exit dispatcher's table (`table`: `EXITS` for the perf
    /// tracepoint `raw_syscalls/sys_exit`, `RAW_EXITS` for the raw tracepoint `sys_exit`): the
    /// program is its family's exit program of the dispatcher's type, tail-called for this
    /// syscall's exits.
    Syscall { id: SyscallId, table: &'static str },
    /// A BPF raw tracepoint (`BPF_PROG_TYPE_RAW_TRACEPOINT`): the program gets the
    /// tracepoint's arguments, and no perf record is built for it.
    RawTracepoint { name: &'static str },
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
            Point::RawTracepoint { name } => format!("raw_tracepoint:{name}"),
            Point::Uprobe {
                library,
                symbol,
                ret: false,
                ..
            } => format!("uprobe:{library}:{symbol}"),
            Point::Uprobe {
                library,
                symbol,
                ret: true,
                ..
            } => format!("uretprobe:{library}:{symbol}"),
            Point::Lsm { hook } => format!("lsm:{hook}"),
            Point::Syscall { id, .. } => format!("syscall:{}", id.name()),
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

/// The exit program of a syscall's family (`tracer-ebpf/src/probes/<family>.rs`): its perf
/// tracepoint version, or (`raw`) its BPF raw tracepoint version, which only the raw `sys_exit`
/// dispatcher can tail-call.
pub fn exit_program(id: SyscallId, raw: bool) -> &'static str {
    let (perf, bpf_raw) = match id.kind().family() {
        Family::Process => ("process_exit", "process_exit_raw"),
        // open_by_handle_at has no path string: its handle is copied by the generic program;
        // mq_open has neither dirfd nor `open_how`, only a queue's name.
        Family::File if matches!(id, SyscallId::OpenByHandleAt | SyscallId::MqOpen) => {
            ("file_exit", "file_exit_raw")
        }
        Family::File if id.kind() == tracer_common::EventKind::Open => {
            ("open_exit", "open_exit_raw")
        }
        Family::File => ("file_exit", "file_exit_raw"),
        // setsockopt and the mlock calls have exit programs of their own
        // (tracer-ebpf/src/probes/sockopt.rs, memlock.rs).
        _ if id.kind() == tracer_common::EventKind::Sockopt => ("sockopt_exit", "sockopt_exit_raw"),
        _ if id.kind() == tracer_common::EventKind::Mlock => ("memlock_exit", "memlock_exit_raw"),
        // The family's three exit programs (tracer-ebpf/src/probes/network.rs, `PART_*`).
        Family::Network
            if matches!(
                id,
                SyscallId::Sendto | SyscallId::Sendmsg | SyscallId::Sendmmsg
            ) =>
        {
            ("send_exit", "send_exit_raw")
        }
        Family::Network
            if matches!(
                id,
                SyscallId::PidfdGetfd | SyscallId::Recvmsg | SyscallId::Recvmmsg
            ) =>
        {
            ("receive_exit", "receive_exit_raw")
        }
        Family::Network => ("network_exit", "network_exit_raw"),
        Family::Privilege => ("privilege_exit", "privilege_exit_raw"),
        Family::Environment => ("environment_exit", "environment_exit_raw"),
        Family::IoUring => unreachable!("no syscall produces io_uring records"),
    };
    if raw { bpf_raw } else { perf }
}

/// The tracepoint a program of [`IO_URING_TRACEPOINTS`] goes on: `io_uring_submit_req` was
/// `io_uring_submit_sqe` before Linux 6.2 (same fields up to `opcode`; the others' offsets come
/// from its `format` file, see `tpformat::uring_offsets`).
pub fn io_uring_tracepoint(program: &'static str) -> &'static str {
    let exists = |name: &str| {
        std::path::Path::new(&format!("/sys/kernel/tracing/events/io_uring/{name}")).exists()
    };
    if program == "io_uring_submit_req"
        && !exists("io_uring_submit_req")
        && exists(IO_URING_SUBMIT_OLD)
    {
        IO_URING_SUBMIT_OLD
    } else {
        program
    }
}

/// How syscalls are hooked (see the module's comment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyscallHooks {
    /// BPF raw tracepoints `sys_enter` and `sys_exit`, dispatching by syscall (`RAW_EXITS`).
    Raw,
    /// Perf tracepoints `raw_syscalls/sys_enter` and `sys_exit`, dispatching by syscall
    /// (`EXITS`).
    PerfRaw,
    /// `syscalls/sys_enter_<name>` and `sys_exit_<name>` for each syscall.
    PerSyscall,
}

impl SyscallHooks {
    /// Whether syscalls reach their exit programs through a dispatcher's table.
    pub fn dispatched(self) -> bool {
        self != Self::PerSyscall
    }

    /// How `record --syscall-hooks` and the trace header (`hooks.syscalls`) name it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Raw => "raw",
            Self::PerfRaw => "perf-raw",
            Self::PerSyscall => "per-syscall",
        }
    }

    /// The way to try when this one cannot be used: the same dispatch on the perf
    /// tracepoints (the exit programs of the other program type), then each syscall's own
    /// tracepoints, whose failures are per hook and never make another way tried.
    pub fn next(self) -> Option<Self> {
        match self {
            Self::Raw => Some(Self::PerfRaw),
            Self::PerfRaw => Some(Self::PerSyscall),
            Self::PerSyscall => None,
        }
    }

    /// The programs this way needs before any of its syscalls is recorded: its dispatchers
    /// and every exit program of its table. The loader loads them all before attaching
    /// anything, so that one the verifier refuses (the raw exit programs on Linux 6.1, when
    /// their stack was too large) makes it take the next way instead of losing a family.
    /// Empty for [`Self::PerSyscall`].
    pub fn dispatch_programs(self) -> Vec<&'static str> {
        if !self.dispatched() {
            return Vec::new();
        }
        let raw = self == Self::Raw;
        let mut programs: Vec<&'static str> = RAW_SYSCALL_TRACEPOINTS
            .iter()
            .map(|&(perf, bpf_raw, _)| if raw { bpf_raw } else { perf })
            .collect();
        for &id in SyscallId::ALL {
            let program = exit_program(id, raw);
            if kernel_nr(id).is_some() && !programs.contains(&program) {
                programs.push(program);
            }
        }
        programs
    }

    /// Whether a hook label belongs to this way's dispatch: its dispatchers' tracepoints and
    /// the `syscall:NAME` entries of its table.
    pub fn owns_dispatch_label(self, label: &str) -> bool {
        let dispatcher = match self {
            Self::Raw => RAW_SYSCALL_TRACEPOINTS
                .iter()
                .any(|(_, _, name)| label == format!("raw_tracepoint:{name}")),
            Self::PerfRaw => RAW_SYSCALL_TRACEPOINTS
                .iter()
                .any(|(_, _, name)| label == format!("tracepoint:raw_syscalls/{name}")),
            Self::PerSyscall => return false,
        };
        dispatcher || label.starts_with("syscall:")
    }

    /// Why this dispatched way cannot stand, given the hooks that failed attaching it: a
    /// dispatcher's tracepoint did not attach, or a table entry of a syscall the kernel has
    /// could not be set (its program did not load, the table refused it). Then a whole family
    /// would go unrecorded, or every syscall. A syscall the kernel lacks (`absent`) is no
    /// reason. `None` for [`Self::PerSyscall`], whose failures are per hook.
    pub fn broken_by(self, failed: &[FailedHook]) -> Option<String> {
        if !self.dispatched() {
            return None;
        }
        failed
            .iter()
            .find(|f| self.owns_dispatch_label(&f.hook) && !f.absent)
            .map(|f| format!("{} did not attach: {}", f.hook, f.error))
    }
}

/// The way syscalls end up hooked: the one asked for, and each way given up on the way there
/// with why (`hooks.syscalls` in the trace header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyscallChoice {
    pub requested: SyscallHooks,
    pub mode: SyscallHooks,
    pub fallbacks: Vec<(SyscallHooks, String)>,
}

impl SyscallChoice {
    pub fn new(requested: SyscallHooks) -> Self {
        Self {
            requested,
            mode: requested,
            fallbacks: Vec::new(),
        }
    }

    /// Gives up the current way for `why` and takes the next one; `false` (nothing changes)
    /// when there is none: per-syscall tracepoints are never given up.
    pub fn fall_back(&mut self, why: String) -> bool {
        let Some(next) = self.mode.next() else {
            return false;
        };
        tracing::info!("syscall hooks: trying {} instead", next.name());
        self.fallbacks.push((self.mode, why));
        self.mode = next;
        true
    }

    /// For the trace header.
    pub fn header(&self) -> SyscallHooking {
        SyscallHooking {
            mode: self.mode.name().to_owned(),
            requested: self.requested.name().to_owned(),
            fallbacks: self
                .fallbacks
                .iter()
                .map(|(mode, reason)| SyscallFallback {
                    mode: mode.name().to_owned(),
                    reason: reason.clone(),
                })
                .collect(),
        }
    }
}

/// Programs a test makes fail to load, from the hidden `TRACER_TEST_REFUSE_PROGRAMS`
/// (comma-separated program names): how the e2e tests check that a refused dispatch program
/// makes the recorder take the next way of hooking syscalls, and that a hook an older kernel
/// lacks (`udp_autobind` before 6.3) has its fallback, on a kernel whose verifier accepts them
/// all. Not a user option; docs/trace-format.md (`hooks.syscalls`) mentions it.
pub fn refused_by_test(program: &str) -> bool {
    static REFUSED: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    REFUSED
        .get_or_init(|| {
            std::env::var("TRACER_TEST_REFUSE_PROGRAMS")
                .map(|v| {
                    v.split(',')
                        .map(|p| p.trim().to_owned())
                        .filter(|p| !p.is_empty())
                        .collect()
                })
                .unwrap_or_default()
        })
        .iter()
        .any(|p| p == program)
}

/// The raw syscall tracepoints (program for the perf tracepoint, program for the BPF raw
/// tracepoint, tracepoint), in attach order: the exit first, so that no entry saved while the
/// other attaches waits for an exit that is not hooked yet.
pub const RAW_SYSCALL_TRACEPOINTS: &[(&str, &str, &str)] = &[
    ("sys_exit", "sys_exit_raw", "sys_exit"),
    ("sys_enter", "sys_enter_raw", "sys_enter"),
];

/// The hooks that record syscalls, in attach order: in a dispatched mode, the dispatch table
/// before the tracepoints that use it.
pub fn syscall_hooks(syscalls: SyscallHooks) -> Vec<Hook> {
    let mut hooks = Vec::new();
    let raw = syscalls == SyscallHooks::Raw;
    for &id in SyscallId::ALL {
        let feeds = (id.kind() != EventKind::Fork).then_some(id.kind());
        if syscalls.dispatched() {
            hooks.push(Hook {
                program: exit_program(id, raw),
                point: Point::Syscall {
                    id,
                    table: if raw { "RAW_EXITS" } else { "EXITS" },
                },
                feeds,
            });
            continue;
        }
        let tp = tracepoint_name(id);
        hooks.push(Hook::tracepoint(
            "sys_enter",
            "syscalls",
            format!("sys_enter_{tp}"),
            None,
        ));
        hooks.push(Hook::tracepoint(
            exit_program(id, false),
            "syscalls",
            format!("sys_exit_{tp}"),
            feeds,
        ));
    }
    match syscalls {
        SyscallHooks::PerSyscall => {
            // The per-syscall tracepoints never fire for a 32-bit syscall; the dispatchers'
            // entry programs count those themselves.
            let (program, name, kind) = crate::trace::hooks::COMPAT_WATCH;
            hooks.push(Hook {
                program,
                point: Point::RawTracepoint { name },
                feeds: Some(kind),
            });
        }
        SyscallHooks::PerfRaw => {
            for &(program, _, name) in RAW_SYSCALL_TRACEPOINTS {
                // The entry program counts the 32-bit syscalls here too (a fallback of the
                // default way, so the header must say the kind is watched).
                let feeds = (name == crate::trace::hooks::COMPAT_WATCH.1)
                    .then_some(crate::trace::hooks::COMPAT_WATCH.2);
                hooks.push(Hook::tracepoint(
                    program,
                    "raw_syscalls",
                    name.to_owned(),
                    feeds,
                ));
            }
        }
        SyscallHooks::Raw => {
            for &(_, program, name) in RAW_SYSCALL_TRACEPOINTS {
                // `raw_tracepoint:sys_enter` is also the label of the 32-bit watch of the
                // per-syscall mode, and this entry program counts those calls as well.
                let feeds = (name == crate::trace::hooks::COMPAT_WATCH.1)
                    .then_some(crate::trace::hooks::COMPAT_WATCH.2);
                hooks.push(Hook {
                    program,
                    point: Point::RawTracepoint { name },
                    feeds,
                });
            }
        }
    }
    hooks
}

/// Every hook, in attach order: scheduler ones first so that no child escapes, then
/// [`syscall_hooks`].
pub fn all_hooks(syscalls: SyscallHooks) -> Vec<Hook> {
    let mut hooks: Vec<Hook> = SCHED_TRACEPOINTS
        .iter()
        .map(|&(p, kind)| Hook::tracepoint(p, "sched", p.to_owned(), Some(kind)))
        .collect();
    hooks.extend(SCHED_RAW_TRACEPOINTS.iter().map(|&(name, kind)| Hook {
        program: name,
        point: Point::RawTracepoint { name },
        feeds: Some(kind),
    }));
    hooks.extend(syscall_hooks(syscalls));
    for &(program, kind) in IO_URING_TRACEPOINTS {
        hooks.push(Hook::tracepoint(
            program,
            "io_uring",
            io_uring_tracepoint(program).to_owned(),
            Some(kind),
        ));
    }
    // The target's real and saved uid of a recorded signal call, as the kernel generates the
    // signal (kill_ok_by_cred's ids). Feeds no kind of its own: without it the verdict judges
    // the target by the ids the trace saw it with.
    hooks.push(Hook {
        program: "signal_target",
        point: Point::RawTracepoint {
            name: "signal_generate",
        },
        feeds: None,
    });
    // The kernel's local address of a socket a recorded listen(2) puts in LISTEN.
    hooks.push(Hook::tracepoint(
        "listen_state",
        "sock",
        "inet_sock_set_state".to_owned(),
        None,
    ));
    // The local port a UDP socket of a recorded process has after a send (autobound: no
    // bind(2) named it). Linux 6.3 and later; where absent, the send syscalls' exit finds the
    // socket through the fd table (`send_autobind`), and the port rules leave a claim
    // inconclusive over a send from a socket never bound that no record named
    // (verdict::places).
    hooks.push(Hook::tracepoint(
        crate::trace::hooks::UDP_AUTOBIND.0,
        "sock",
        crate::trace::hooks::UDP_AUTOBIND.1.to_owned(),
        Some(EventKind::Bind),
    ));
    let libc = libc_path().unwrap_or_else(|| "libc.so.6".to_owned());
    for &(program, symbol, ret) in UPROBES {
        hooks.push(Hook {
            program,
            point: Point::Uprobe {
                library: libc.clone(),
                symbol,
                ret,
                cookie: 0,
            },
            feeds: Some(EventKind::Getenv),
        });
    }
    let libdir = std::path::Path::new(&libc)
        .parent()
        .map(std::path::Path::to_path_buf);
    if let Some(dir) = libdir {
        hooks.extend(crypto_hooks(&dir));
    }
    hooks
}

/// The crypto libraries in `dir` (the C library's directory), each at its soname's file
/// (`libcrypto.so.3`), and the [`crypto::FUNCTIONS`] each exports: one `crypto_call` hook per
/// function, its number as the cookie. A library that is not installed, or a function a
/// version does not export, is nothing missing; one installed after recording starts is not
/// probed (uprobes attach to files).
pub fn crypto_hooks(dir: &std::path::Path) -> Vec<Hook> {
    let mut hooks = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return hooks;
    };
    let names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let mut libraries: Vec<&str> = crypto::FUNCTIONS.iter().map(|f| f.library).collect();
    libraries.dedup();
    for prefix in libraries {
        // The soname (`PREFIX.N`), not the development link (`PREFIX`) or the full version.
        let Some(file) = names
            .iter()
            .filter(|n| {
                n.strip_prefix(prefix)
                    .and_then(|r| r.strip_prefix('.'))
                    .is_some_and(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit()))
            })
            .min_by_key(|n| n.len())
        else {
            continue;
        };
        let path = dir.join(file);
        let exported = dynamic_symbols(&path);
        for f in crypto::FUNCTIONS.iter().filter(|f| f.library == prefix) {
            if exported.iter().any(|s| s == f.symbol) {
                hooks.push(Hook {
                    program: "crypto_call",
                    point: Point::Uprobe {
                        library: path.display().to_string(),
                        symbol: f.symbol,
                        ret: false,
                        cookie: u64::from(f.number),
                    },
                    feeds: Some(EventKind::Crypto),
                });
            }
        }
    }
    hooks
}

/// The names of the functions a shared library exports (empty when it cannot be read).
fn dynamic_symbols(path: &std::path::Path) -> Vec<String> {
    use object::{Object, ObjectSymbol};
    let Ok(data) = std::fs::read(path) else {
        return Vec::new();
    };
    let Ok(file) = object::File::parse(&*data) else {
        return Vec::new();
    };
    file.dynamic_symbols()
        .filter(|s| s.is_definition())
        .filter_map(|s| s.name().ok().map(str::to_owned))
        .collect()
}

/// Words in a syscall's kernel name that put it in a family the recorder covers: it creates a
/// process; opens, creates or changes a file; binds, connects or sends; changes credentials,
/// capabilities, namespaces or mounts; or sets a clock. Every syscall of the running kernel whose name has one
/// of them must be hooked ([`SyscallId`]) or left out on purpose ([`LEFT_OUT`]); any other one
/// (a syscall newer than this recorder) is reported as a failed hook, so that no claim can hold
/// without it.
pub const FAMILY_WORDS: &[&str] = &[
    "exec",
    "clone",
    "fork",
    "open",
    "creat",
    "link",
    "rename",
    "mkdir",
    "mknod",
    "rmdir",
    "chmod",
    "chown",
    "truncate",
    "xattr",
    "utime",
    "handle",
    "memfd",
    "chdir",
    "alloc",
    "file_set",
    "mq_",
    "copy_file",
    "send",
    "recvm",
    "splice",
    "bind",
    "connect",
    "listen",
    "accept",
    "socket",
    "setuid",
    "setgid",
    "setre",
    "setres",
    "setfs",
    "setgroups",
    "cap",
    "setns",
    "unshare",
    "chroot",
    "pivot_root",
    "ptrace",
    "bpf",
    "kill",
    "sigqueue",
    "module",
    "prctl",
    "mount",
    "fsopen",
    "fsconfig",
    "fspick",
    "open_tree",
    "process_vm",
    "pidfd_getfd",
    "key",
    "sethostname",
    "setdomainname",
    "seccomp",
    "landlock",
    "personality",
    "perf_event",
    "io_uring",
    "lsm_set",
    "adjtime",
    "settime",
    "reboot",
    "kexec",
    "swap",
    "ioperm",
    "iopl",
    "acct",
    "quotactl",
    "syslog",
    "vhangup",
    "sched_set",
    "priority",
    "rlimit",
    "fanotify",
    "ioctl",
    "ioprio",
    "sockopt",
    "mlock",
    "madvise",
    "mrelease",
];

/// Syscalls of a covered family that are not hooked, and why. docs/trace-format.md lists them
/// and docs/blind-spots.md the ones that are blind spots.
pub const LEFT_OUT: &[(&str, &str)] = &[
    (
        "madvise",
        "advice on the caller's own memory, needs no capability",
    ),
    (
        "process_mrelease",
        "frees the memory of a process already killed (its pidfd), which the kill decided",
    ),
    ("getsockopt", "reads"),
    ("readlink", "reads a link, changes nothing"),
    ("readlinkat", "reads a link, changes nothing"),
    ("getxattr", "reads"),
    ("lgetxattr", "reads"),
    ("fgetxattr", "reads"),
    ("getxattrat", "reads"),
    ("listxattr", "reads"),
    ("llistxattr", "reads"),
    ("flistxattr", "reads"),
    ("listxattrat", "reads"),
    ("capget", "reads"),
    ("getpriority", "reads"),
    ("sched_get_priority_max", "reads"),
    ("sched_get_priority_min", "reads"),
    ("getrlimit", "reads"),
    ("ioprio_get", "reads"),
    (
        "sched_setaffinity",
        "CPU placement; CAP_SYS_NICE only for another user's task: blind spot",
    ),
    (
        "fanotify_mark",
        "marks on a group: the fanotify_init that made it is recorded",
    ),
    (
        "fallocate",
        "writes through an fd: the open with write access is recorded",
    ),
    (
        "copy_file_range",
        "writes through fds: the opens are recorded",
    ),
    (
        "splice",
        "moves data between fds: the opens, connects and sends naming a destination are recorded",
    ),
    (
        "sendfile64",
        "sends on a connected socket: its connect is recorded",
    ),
    (
        "memfd_secret",
        "anonymous memory without a name; not a file",
    ),
    (
        "socketpair",
        "a connected pair inside the process, no address",
    ),
    ("file_getattr", "reads"),
    ("mq_timedsend", "POSIX message queues: no address"),
    ("mq_getsetattr", "POSIX message queues"),
    ("mq_notify", "POSIX message queues"),
    ("mq_timedreceive", "reads"),
    ("pkey_alloc", "memory protection keys, not credentials"),
    ("pkey_free", "memory protection keys, not credentials"),
    ("pkey_mprotect", "memory protection keys, not credentials"),
    ("process_vm_readv", "reads"),
    (
        "io_uring_setup",
        "recorded from the io_uring tracepoints (io_uring_create)",
    ),
    (
        "io_uring_enter",
        "recorded from the io_uring tracepoints (io_uring_submit_req)",
    ),
    (
        "io_uring_register",
        "registers buffers and files for a ring; its operations are recorded",
    ),
    ("listmount", "reads"),
    ("statmount", "reads"),
    (
        "get_mempolicy",
        "not a privilege change (matched by name only)",
    ),
    (
        "set_mempolicy",
        "not a privilege change (matched by name only)",
    ),
    (
        "set_mempolicy_home_node",
        "not a privilege change (matched by name only)",
    ),
    // Matched by name only: not in a covered family.
    (
        "arch_prctl",
        "the caller's FS/GS base and CPUID faulting, not privileges",
    ),
    ("epoll_create", "an event queue, not a file"),
    ("epoll_create1", "an event queue, not a file"),
    ("timer_create", "a timer, not a file"),
    ("timerfd_create", "a timer, not a file"),
    ("lsm_list_modules", "reads"),
    ("mbind", "memory policy"),
    ("vmsplice", "maps memory into a pipe"),
    ("timer_settime", "arms a timer, sets no clock"),
    ("timerfd_settime", "arms a timer, sets no clock"),
];

/// Whether a kernel syscall name belongs to a covered family.
pub fn in_family(name: &str) -> bool {
    FAMILY_WORDS.iter().any(|w| name.contains(w))
}

/// What the recorder does with a kernel syscall: `Ok(id)` hooked, `Err(why)` left out, `None`
/// outside the covered families (or unknown to this recorder when [`in_family`] says it is in).
pub fn classify(name: &str) -> Option<Result<SyscallId, &'static str>> {
    if let Some(&id) = SyscallId::ALL
        .iter()
        .find(|&&id| tracepoint_name(id) == name)
    {
        return Some(Ok(id));
    }
    LEFT_OUT
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, why)| Err(*why))
}

/// The kernel's syscalls (the names of its `syscalls/sys_enter_*` tracepoints).
pub fn kernel_syscalls() -> std::io::Result<Vec<String>> {
    let mut names: Vec<String> = std::fs::read_dir("/sys/kernel/tracing/events/syscalls")?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_prefix("sys_enter_"))
                .map(str::to_owned)
        })
        .collect();
    names.sort();
    Ok(names)
}

/// The kernel's syscalls of a covered family that this recorder neither hooks nor leaves out
/// on purpose.
pub fn unclassified(kernel: &[String]) -> Vec<String> {
    kernel
        .iter()
        .filter(|n| in_family(n) && classify(n).is_none())
        .cloned()
        .collect()
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
        Kill => libc::SYS_kill,
        Tkill => libc::SYS_tkill,
        Tgkill => libc::SYS_tgkill,
        PidfdSendSignal => libc::SYS_pidfd_send_signal,
        RtSigqueueinfo => libc::SYS_rt_sigqueueinfo,
        RtTgsigqueueinfo => libc::SYS_rt_tgsigqueueinfo,
        PidfdOpen => libc::SYS_pidfd_open,
        PidfdGetfd => libc::SYS_pidfd_getfd,
        Recvmsg => libc::SYS_recvmsg,
        Recvmmsg => libc::SYS_recvmmsg,
        InitModule => libc::SYS_init_module,
        FinitModule => libc::SYS_finit_module,
        Getrandom => libc::SYS_getrandom,
        Adjtimex => libc::SYS_adjtimex,
        ClockAdjtime => libc::SYS_clock_adjtime,
        ClockSettime => libc::SYS_clock_settime,
        Settimeofday => libc::SYS_settimeofday,
        Reboot => libc::SYS_reboot,
        KexecLoad => libc::SYS_kexec_load,
        KexecFileLoad => libc::SYS_kexec_file_load,
        DeleteModule => libc::SYS_delete_module,
        Swapon => libc::SYS_swapon,
        Swapoff => libc::SYS_swapoff,
        Sethostname => libc::SYS_sethostname,
        Setdomainname => libc::SYS_setdomainname,
        Acct => libc::SYS_acct,
        Quotactl => libc::SYS_quotactl,
        QuotactlFd => libc::SYS_quotactl_fd,
        Syslog => libc::SYS_syslog,
        PerfEventOpen => libc::SYS_perf_event_open,
        Vhangup => libc::SYS_vhangup,
        SchedSetscheduler => libc::SYS_sched_setscheduler,
        SchedSetparam => libc::SYS_sched_setparam,
        SchedSetattr => libc::SYS_sched_setattr,
        Setpriority => libc::SYS_setpriority,
        Prlimit64 => libc::SYS_prlimit64,
        Setrlimit => libc::SYS_setrlimit,
        FanotifyInit => libc::SYS_fanotify_init,
        Ioctl => libc::SYS_ioctl,
        IoprioSet => libc::SYS_ioprio_set,
        ProcessVmWritev => libc::SYS_process_vm_writev,
        ProcessMadvise => libc::SYS_process_madvise,
        TimerfdCreate => libc::SYS_timerfd_create,
        TimerCreate => libc::SYS_timer_create,
        Seccomp => libc::SYS_seccomp,
        LandlockCreateRuleset => libc::SYS_landlock_create_ruleset,
        LandlockAddRule => libc::SYS_landlock_add_rule,
        LandlockRestrictSelf => libc::SYS_landlock_restrict_self,
        Personality => libc::SYS_personality,
        // Linux 6.8 and 6.17, the same on every architecture; not in the libc crate yet.
        LsmSetSelfAttr => 460,
        FileSetattr => 469,
        Keyctl => libc::SYS_keyctl,
        AddKey => libc::SYS_add_key,
        RequestKey => libc::SYS_request_key,
        Setsockopt => libc::SYS_setsockopt,
        Mlock => libc::SYS_mlock,
        Mlock2 => libc::SYS_mlock2,
        Mlockall => libc::SYS_mlockall,
        MqOpen => libc::SYS_mq_open,
        MqUnlink => libc::SYS_mq_unlink,
        #[cfg(target_arch = "x86_64")]
        Ioperm => libc::SYS_ioperm,
        #[cfg(target_arch = "x86_64")]
        Iopl => libc::SYS_iopl,
        Dup => libc::SYS_dup,
        Dup2 => libc::SYS_dup2,
        Dup3 => libc::SYS_dup3,
        Fcntl => libc::SYS_fcntl,
        Close => libc::SYS_close,
        CloseRange => libc::SYS_close_range,
        Setxattr => libc::SYS_setxattr,
        Lsetxattr => libc::SYS_lsetxattr,
        Fsetxattr => libc::SYS_fsetxattr,
        Removexattr => libc::SYS_removexattr,
        Lremovexattr => libc::SYS_lremovexattr,
        Fremovexattr => libc::SYS_fremovexattr,
        // Linux 6.13 numbers, the same on every architecture (asm-generic and x86_64 agree
        // from 424 on); not in the libc crate yet.
        Setxattrat => 463,
        Removexattrat => 466,
        Utimensat => libc::SYS_utimensat,
        NameToHandleAt => libc::SYS_name_to_handle_at,
        OpenByHandleAt => libc::SYS_open_by_handle_at,
        Sendmmsg => libc::SYS_sendmmsg,
        OpenTree => libc::SYS_open_tree,
        MoveMount => libc::SYS_move_mount,
        Fsopen => libc::SYS_fsopen,
        Fsconfig => libc::SYS_fsconfig,
        Fsmount => libc::SYS_fsmount,
        Fspick => libc::SYS_fspick,
        MountSetattr => libc::SYS_mount_setattr,
        // Linux 6.15.
        OpenTreeAttr => 467,
        #[cfg(target_arch = "x86_64")]
        Utime => libc::SYS_utime,
        #[cfg(target_arch = "x86_64")]
        Utimes => libc::SYS_utimes,
        #[cfg(target_arch = "x86_64")]
        Futimesat => libc::SYS_futimesat,
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
    /// module, kexec or swap support lacks. Reads tracefs, so it runs as root with tracefs mounted.
    #[test]
    fn hooks_exist_on_this_kernel() {
        crate::record::mounts::ensure_tracefs().expect("tracefs must be mountable (run as root)");
        let mut missing = Vec::new();
        let both = all_hooks(SyscallHooks::PerSyscall)
            .into_iter()
            .chain(all_hooks(SyscallHooks::PerfRaw));
        for hook in both {
            let Point::Tracepoint { category, name } = hook.point else {
                continue;
            };
            let dir = format!("/sys/kernel/tracing/events/{category}/{name}");
            if !std::path::Path::new(&dir).exists() {
                missing.push(name);
            }
        }
        // Syscalls a kernel has only with their feature: modules, kexec, swap.
        const OPTIONAL: &[&str] = &["init_module", "delete_module", "kexec", "swapo"];
        missing.retain(|m| !OPTIONAL.iter().any(|o| m.contains(o)));
        assert!(missing.is_empty(), "tracepoints missing: {missing:?}");
    }

    /// The hooked list is checked against the kernel's own syscall table: every syscall of a
    /// covered family on this kernel is hooked or left out with a reason.
    #[test]
    fn every_family_syscall_of_this_kernel_is_classified() {
        crate::record::mounts::ensure_tracefs().expect("tracefs must be mountable (run as root)");
        let kernel = kernel_syscalls().expect("tracefs syscalls directory");
        assert!(kernel.len() > 300, "{} syscalls", kernel.len());
        assert_eq!(unclassified(&kernel), Vec::<String>::new());
        for &id in SyscallId::ALL {
            // close, close_range, the dups and fcntl only keep the fd table right.
            let state_only = matches!(
                id,
                SyscallId::Close
                    | SyscallId::CloseRange
                    | SyscallId::Dup
                    | SyscallId::Dup2
                    | SyscallId::Dup3
                    | SyscallId::Fcntl
            );
            assert!(
                in_family(tracepoint_name(id)) || state_only || id == SyscallId::Getrandom,
                "{id:?}"
            );
        }
    }

    fn failed(hook: &str, absent: bool) -> FailedHook {
        FailedHook {
            hook: hook.to_owned(),
            error: "program open_exit_raw did not load: combined stack size of 2 calls is 768"
                .to_owned(),
            absent,
        }
    }

    /// The default way gives way to the perf dispatch, that one to each syscall's own
    /// tracepoints, which are never given up; the header names the way used, the one asked
    /// for, and each given up with its reason, in order.
    #[test]
    fn ways_fall_back_raw_then_perf_raw_then_per_syscall() {
        let mut choice = SyscallChoice::new(SyscallHooks::Raw);
        assert!(choice.fall_back("open_exit_raw refused".to_owned()));
        assert_eq!(choice.mode, SyscallHooks::PerfRaw);
        assert!(choice.fall_back("sys_exit did not attach".to_owned()));
        assert_eq!(choice.mode, SyscallHooks::PerSyscall);
        assert!(!choice.fall_back("never taken".to_owned()));
        assert_eq!(choice.mode, SyscallHooks::PerSyscall);
        let header = choice.header();
        assert_eq!(header.mode, "per-syscall");
        assert_eq!(header.requested, "raw");
        assert_eq!(
            header.fallbacks,
            [
                SyscallFallback {
                    mode: "raw".to_owned(),
                    reason: "open_exit_raw refused".to_owned()
                },
                SyscallFallback {
                    mode: "perf-raw".to_owned(),
                    reason: "sys_exit did not attach".to_owned()
                }
            ]
        );
        let asked = SyscallChoice::new(SyscallHooks::PerfRaw).header();
        assert_eq!(
            (asked.mode.as_str(), asked.requested.as_str()),
            ("perf-raw", "perf-raw")
        );
        assert!(asked.fallbacks.is_empty());
    }

    /// A refused table entry of a syscall the kernel has, or a dispatcher that did not attach,
    /// breaks a dispatched way; a syscall the kernel lacks, another way's hooks or any other
    /// hook do not, and per-syscall tracepoints are never broken as a whole.
    #[test]
    fn what_breaks_a_dispatched_way() {
        use SyscallHooks::*;
        let absent = [failed("syscall:fchmodat2", true)];
        assert_eq!(Raw.broken_by(&absent), None);
        let other = [
            failed("tracepoint:io_uring/io_uring_complete", false),
            failed("tracepoint:syscalls/sys_exit_openat", false),
        ];
        assert_eq!(Raw.broken_by(&other), None);
        assert_eq!(PerfRaw.broken_by(&other), None);
        let entry = [
            failed("syscall:fchmodat2", true),
            failed("syscall:openat", false),
        ];
        let why = Raw
            .broken_by(&entry)
            .expect("a refused exit program breaks raw");
        assert!(
            why.starts_with("syscall:openat did not attach: program open_exit_raw"),
            "{why}"
        );
        assert!(PerfRaw.broken_by(&entry).is_some());
        assert_eq!(PerSyscall.broken_by(&entry), None);
        let raw_exit = [failed("raw_tracepoint:sys_exit", false)];
        assert!(Raw.broken_by(&raw_exit).is_some());
        // The per-syscall mode's 32-bit watch has the label of raw's entry dispatcher.
        assert_eq!(PerfRaw.broken_by(&raw_exit), None);
        let perf_enter = [failed("tracepoint:raw_syscalls/sys_enter", false)];
        assert!(PerfRaw.broken_by(&perf_enter).is_some());
        assert_eq!(Raw.broken_by(&perf_enter), None);
    }

    /// Each dispatched way loads its own dispatchers and the exit programs of its own type
    /// before attaching: all six families' for raw (the ones Linux 6.1 refused among them),
    /// none of the other type's.
    #[test]
    fn a_dispatched_way_preloads_its_own_programs() {
        let raw = SyscallHooks::Raw.dispatch_programs();
        for p in [
            "sys_exit_raw",
            "sys_enter_raw",
            "open_exit_raw",
            "file_exit_raw",
            "process_exit_raw",
            "network_exit_raw",
            "privilege_exit_raw",
            "environment_exit_raw",
        ] {
            assert!(raw.contains(&p), "{p} in {raw:?}");
        }
        assert!(raw.iter().all(|p| p.ends_with("_raw")), "{raw:?}");
        assert_eq!(raw[..2], ["sys_exit_raw", "sys_enter_raw"]);
        let perf = SyscallHooks::PerfRaw.dispatch_programs();
        assert_eq!(perf.len(), raw.len());
        assert!(perf.contains(&"open_exit") && perf.contains(&"sys_exit"));
        assert!(perf.iter().all(|p| !p.ends_with("_raw")), "{perf:?}");
        assert!(SyscallHooks::PerSyscall.dispatch_programs().is_empty());
    }

    #[test]
    fn a_new_syscall_of_a_family_is_unclassified() {
        let kernel = [
            "openat3".to_owned(),
            "getpid".to_owned(),
            "openat".to_owned(),
        ];
        assert_eq!(unclassified(&kernel), ["openat3"]);
    }
}
