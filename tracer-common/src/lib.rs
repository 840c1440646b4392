//! The records that cross from the eBPF programs to userspace through the ring buffer, and the
//! configuration userspace hands the programs at load time.
//!
//! Both sides compile this crate: the eBPF side as `no_std` for the BPF target, userspace with
//! the `user` feature. Every struct is `#[repr(C)]` with explicit padding, so the layout is the
//! same on both sides and no uninitialised bytes reach userspace. Userspace validates every
//! discriminant it reads ([`EventKind::from_raw`], [`SyscallId::from_raw`]) instead of
//! transmuting: the kernel side is trusted to be ours, not to be bug-free.
#![no_std]

pub mod caller;
pub mod crypto;
pub mod environment;
pub mod file;
pub mod io_uring;
pub mod memlock;
pub mod network;
pub mod privilege;
pub mod process;
pub mod sockopt;

/// Bytes kept of one path or string argument, including its NUL. Longer values are cut, flagged
/// with [`flags::PATH_TRUNCATED`] / [`flags::PATH2_TRUNCATED`] and counted per kind.
pub const PATH_CAP: usize = 256;
/// Bytes kept of one socket address: `sizeof(struct sockaddr_storage)`.
pub const ADDR_CAP: usize = 128;
/// Slots in the per-kind counter arrays. Every [`EventKind`] value is below it.
pub const MAX_KINDS: u32 = 112;
/// Syscall numbers the programs look up in the number → [`SyscallId`] table; x86_64 and
/// aarch64 both stay below it.
pub const MAX_SYSCALL_NR: u32 = 512;

/// Which family an event kind belongs to. The numbering of [`EventKind`] groups them.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "user", derive(Hash, PartialOrd, Ord))]
pub enum Family {
    Process,
    File,
    Network,
    Privilege,
    /// Environment variables and randomness sources.
    Environment,
    /// io_uring rings and the operations submitted to them, which bypass the syscalls.
    IoUring,
}

macro_rules! numbered_enum {
    ($(#[$meta:meta])* $name:ident : $repr:ty { $($(#[$vmeta:meta])* $variant:ident = $value:expr => $text:literal,)* }) => {
        $(#[$meta])*
        #[repr($repr)]
        #[derive(Clone, Copy, PartialEq, Eq, Debug)]
        #[cfg_attr(feature = "user", derive(Hash, PartialOrd, Ord))]
        pub enum $name {
            $($(#[$vmeta])* $variant = $value,)*
        }

        impl $name {
            /// Every value, in numbering order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The value for a raw number read from the kernel, if it is one of ours.
            pub const fn from_raw(raw: $repr) -> Option<Self> {
                match raw {
                    $($value => Some($name::$variant),)*
                    _ => None,
                }
            }

            /// The stable lower-case name used in the trace file.
            pub const fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            /// The value a trace file's name stands for, if it is one of ours.
            pub fn from_name(name: &str) -> Option<Self> {
                match name {
                    $($text => Some($name::$variant),)*
                    _ => None,
                }
            }
        }

        /// Writes [`Self::name`], so messages read as the trace file does.
        #[cfg(feature = "user")]
        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

numbered_enum! {
    /// What an event records. The numbers are grouped by family (process 1–7, file 8–31,
    /// network 32–47, privilege 48–63 and, once that range was full, 96–111, environment
    /// 64–79, io_uring 80–95), index the per-kind counters, and are never reused.
    EventKind: u16 {
        Fork = 1 => "fork",
        Exec = 2 => "exec",
        Exit = 3 => "exit",
        /// A process outside the recorded tree that a recorded process took control of (a
        /// successful ptrace request on it, a write-open of its `/proc/N/mem`, a
        /// process_vm_writev into it), added to the tracked set from then on: what it does
        /// next is recorded, as the controlling package's doing (see [`process::AdoptData`]).
        Adopt = 4 => "adopt",
        Open = 8 => "open",
        Unlink = 9 => "unlink",
        Rename = 10 => "rename",
        Mkdir = 11 => "mkdir",
        Rmdir = 12 => "rmdir",
        Chmod = 13 => "chmod",
        Chown = 14 => "chown",
        Link = 15 => "link",
        Symlink = 16 => "symlink",
        Truncate = 17 => "truncate",
        Mknod = 18 => "mknod",
        MemfdCreate = 19 => "memfd_create",
        Chdir = 20 => "chdir",
        Xattr = 21 => "xattr",
        Utime = 22 => "utime",
        NameToHandle = 23 => "name_to_handle",
        /// A file's inode flags or extended attributes set (file_setattr; the ioctls
        /// `FS_IOC_SETFLAGS` and `FS_IOC_FSSETXATTR`, whose records come from the ioctl
        /// hook): immutable, append-only, no-dump, …
        FileAttr = 26 => "file_attr",
        /// An fd closed: it only updates userspace's fd table and is never written as an
        /// event (a later file on the same fd number must not be named after this one).
        Close = 24 => "close",
        /// An fd duplicated (dup, dup2, dup3, fcntl `F_DUPFD`/`F_DUPFD_CLOEXEC`), its
        /// close-on-exec flag set (fcntl `F_SETFD`), or a pidfd opened (`pidfd_open`): like
        /// `close`, it only updates userspace's fd table (the new fd names the old one's file,
        /// or the process a pidfd stands for; a close-on-exec fd is gone after an exec) and is
        /// never written as an event.
        Dup = 25 => "dup",
        Socket = 32 => "socket",
        Bind = 33 => "bind",
        Listen = 34 => "listen",
        Accept = 35 => "accept",
        Connect = 36 => "connect",
        Send = 37 => "send",
        /// fds a process got from outside its own opens: over `SCM_RIGHTS` (recvmsg,
        /// recvmmsg) or taken from another process (pidfd_getfd).
        FdReceived = 38 => "fd_received",
        /// A socket option that needs a capability, makes the kernel do crypto for the socket
        /// or reroutes its datagrams (setsockopt; see [`sockopt`]), or a sendmsg's per-datagram
        /// source route (its control data).
        Sockopt = 44 => "sockopt",
        SetUid = 48 => "setuid",
        SetGid = 49 => "setgid",
        SetGroups = 50 => "setgroups",
        Capset = 51 => "capset",
        Prctl = 52 => "prctl",
        Mount = 53 => "mount",
        Umount = 54 => "umount",
        Unshare = 55 => "unshare",
        Setns = 56 => "setns",
        Chroot = 57 => "chroot",
        PivotRoot = 58 => "pivot_root",
        Ptrace = 59 => "ptrace",
        Bpf = 60 => "bpf",
        ModuleLoad = 61 => "module_load",
        MountApi = 62 => "mount_api",
        /// A signal sent to a process or thread (kill, tkill, tgkill, rt_sigqueueinfo,
        /// rt_tgsigqueueinfo, pidfd_send_signal).
        Signal = 63 => "signal",
        Getrandom = 64 => "getrandom",
        Getenv = 65 => "getenv",
        /// A call into a crypto library's entry point (uprobes; see [`crypto`]).
        Crypto = 66 => "crypto",
        IoUringCreate = 80 => "io_uring_create",
        IoUringOp = 81 => "io_uring_op",
        /// The result of a ring's openat, openat2, accept or socket: like `close`, it only
        /// updates userspace's fd table (the new fd names what the submission named) and is
        /// never written as an event.
        IoUringResult = 82 => "io_uring_result",
        /// A call that sets or adjusts a system clock (adjtimex, clock_adjtime, clock_settime,
        /// settimeofday: CAP_SYS_TIME), or the read-only query some of them also serve.
        Clock = 96 => "clock",
        /// Another call that needs a capability and changes the system rather than the
        /// caller (reboot, kexec, module unload, swap, host and domain names, I/O ports,
        /// process accounting, quotas, the kernel log, perf events, vhangup, real-time scheduling
        /// and negative nice values, raised hard resource limits, fanotify groups, network
        /// interface ioctls, a chosen pid with clone3's `set_tid`).
        PrivilegedCall = 97 => "privileged_call",
        /// A 32-bit syscall (`int $0x80`, or a 32-bit program) by a recorded task. Its numbers
        /// are ia32's and the per-syscall tracepoints never fire for it, so what it did is not
        /// recorded: it is only counted, in the footer's `lost`, and never written as an event.
        CompatSyscall = 98 => "compat_syscall",
        /// A call that sets the caller's own security policy or execution domain: seccomp,
        /// landlock_create_ruleset, landlock_add_rule, landlock_restrict_self, personality,
        /// lsm_set_self_attr. They need no capability (seccomp's filter mode without
        /// no_new_privs aside, which the kernel refuses with EACCES): what the process does to
        /// itself, not to the system.
        SelfPolicy = 99 => "self_policy",
        /// A kernel keyring call: add_key, request_key, keyctl.
        Keyring = 100 => "keyring",
        /// mlock, mlock2, mlockall: with the caller's `RLIMIT_MEMLOCK` and locked pages, which
        /// tell whether the call went past the limit on CAP_IPC_LOCK (see [`memlock`]).
        Mlock = 104 => "mlock",
    }
}

impl EventKind {
    pub const fn family(self) -> Family {
        match self as u16 {
            0..=7 => Family::Process,
            8..=31 => Family::File,
            32..=47 => Family::Network,
            48..=63 => Family::Privilege,
            64..=79 => Family::Environment,
            80..=95 => Family::IoUring,
            _ => Family::Privilege,
        }
    }

    /// Index into the per-kind counter arrays.
    pub const fn index(self) -> u32 {
        self as u32
    }
}

numbered_enum! {
    /// The syscalls the programs hook, by our own stable number (the kernel's numbers differ per
    /// architecture; userspace fills the kernel-number → `SyscallId` table at load time).
    SyscallId: u16 {
        Execve = 1 => "execve",
        Execveat = 2 => "execveat",
        Clone = 3 => "clone",
        Clone3 = 4 => "clone3",
        Fork = 5 => "fork",
        Vfork = 6 => "vfork",
        Open = 16 => "open",
        Openat = 17 => "openat",
        Openat2 = 18 => "openat2",
        Creat = 19 => "creat",
        Unlink = 20 => "unlink",
        Unlinkat = 21 => "unlinkat",
        Rename = 22 => "rename",
        Renameat = 23 => "renameat",
        Renameat2 = 24 => "renameat2",
        Mkdir = 25 => "mkdir",
        Mkdirat = 26 => "mkdirat",
        Rmdir = 27 => "rmdir",
        Chmod = 28 => "chmod",
        Fchmod = 29 => "fchmod",
        Fchmodat = 30 => "fchmodat",
        Fchmodat2 = 31 => "fchmodat2",
        Chown = 32 => "chown",
        Fchown = 33 => "fchown",
        Lchown = 34 => "lchown",
        Fchownat = 35 => "fchownat",
        Link = 36 => "link",
        Linkat = 37 => "linkat",
        Symlink = 38 => "symlink",
        Symlinkat = 39 => "symlinkat",
        Truncate = 40 => "truncate",
        Ftruncate = 41 => "ftruncate",
        Mknod = 42 => "mknod",
        Mknodat = 43 => "mknodat",
        MemfdCreate = 44 => "memfd_create",
        Chdir = 45 => "chdir",
        Fchdir = 46 => "fchdir",
        Setxattr = 47 => "setxattr",
        Lsetxattr = 48 => "lsetxattr",
        Fsetxattr = 49 => "fsetxattr",
        Setxattrat = 50 => "setxattrat",
        Removexattr = 51 => "removexattr",
        Lremovexattr = 52 => "lremovexattr",
        Fremovexattr = 53 => "fremovexattr",
        Removexattrat = 54 => "removexattrat",
        Utime = 55 => "utime",
        Utimes = 56 => "utimes",
        Utimensat = 57 => "utimensat",
        Futimesat = 58 => "futimesat",
        NameToHandleAt = 59 => "name_to_handle_at",
        OpenByHandleAt = 60 => "open_by_handle_at",
        Close = 61 => "close",
        CloseRange = 62 => "close_range",
        Socket = 64 => "socket",
        Bind = 65 => "bind",
        Listen = 66 => "listen",
        Accept = 67 => "accept",
        Accept4 = 68 => "accept4",
        Connect = 69 => "connect",
        Sendto = 70 => "sendto",
        Sendmsg = 71 => "sendmsg",
        Sendmmsg = 72 => "sendmmsg",
        Setuid = 96 => "setuid",
        Setgid = 97 => "setgid",
        Setreuid = 98 => "setreuid",
        Setregid = 99 => "setregid",
        Setresuid = 100 => "setresuid",
        Setresgid = 101 => "setresgid",
        Setfsuid = 102 => "setfsuid",
        Setfsgid = 103 => "setfsgid",
        Setgroups = 104 => "setgroups",
        Capset = 105 => "capset",
        Prctl = 106 => "prctl",
        Mount = 107 => "mount",
        Umount2 = 108 => "umount2",
        Unshare = 109 => "unshare",
        Setns = 110 => "setns",
        Chroot = 111 => "chroot",
        PivotRoot = 112 => "pivot_root",
        Ptrace = 113 => "ptrace",
        Bpf = 114 => "bpf",
        InitModule = 115 => "init_module",
        FinitModule = 116 => "finit_module",
        OpenTree = 117 => "open_tree",
        MoveMount = 118 => "move_mount",
        Fsopen = 119 => "fsopen",
        Fsconfig = 120 => "fsconfig",
        Fsmount = 121 => "fsmount",
        Fspick = 122 => "fspick",
        MountSetattr = 123 => "mount_setattr",
        OpenTreeAttr = 124 => "open_tree_attr",
        Kill = 125 => "kill",
        Tkill = 126 => "tkill",
        Tgkill = 127 => "tgkill",
        Getrandom = 128 => "getrandom",
        Dup = 129 => "dup",
        Dup2 = 130 => "dup2",
        Dup3 = 131 => "dup3",
        /// Only its fd-table commands reach userspace: the kernel side drops every other
        /// fcntl at entry (see [`file::F_SETFD`]).
        Fcntl = 132 => "fcntl",
        Adjtimex = 133 => "adjtimex",
        ClockAdjtime = 134 => "clock_adjtime",
        ClockSettime = 135 => "clock_settime",
        Settimeofday = 136 => "settimeofday",
        Reboot = 137 => "reboot",
        KexecLoad = 138 => "kexec_load",
        KexecFileLoad = 139 => "kexec_file_load",
        DeleteModule = 140 => "delete_module",
        Swapon = 141 => "swapon",
        Swapoff = 142 => "swapoff",
        Sethostname = 143 => "sethostname",
        Setdomainname = 144 => "setdomainname",
        Ioperm = 145 => "ioperm",
        Iopl = 146 => "iopl",
        Acct = 147 => "acct",
        Quotactl = 148 => "quotactl",
        QuotactlFd = 149 => "quotactl_fd",
        Syslog = 150 => "syslog",
        PerfEventOpen = 151 => "perf_event_open",
        Vhangup = 152 => "vhangup",
        /// A signal through a pidfd (or a `/proc/PID` directory fd): the target is named from
        /// the fd table, by the `pidfd_open` that made the fd.
        PidfdSendSignal = 153 => "pidfd_send_signal",
        RtSigqueueinfo = 154 => "rt_sigqueueinfo",
        RtTgsigqueueinfo = 155 => "rt_tgsigqueueinfo",
        /// Only its fd reaches the fd table (a pidfd names a process, not a file), so that a
        /// later `pidfd_send_signal` on it names its target.
        PidfdOpen = 156 => "pidfd_open",
        PidfdGetfd = 157 => "pidfd_getfd",
        /// Only those whose control data may carry `SCM_RIGHTS` reach userspace: the kernel
        /// side drops the others at exit.
        Recvmsg = 158 => "recvmsg",
        Recvmmsg = 159 => "recvmmsg",
        SchedSetscheduler = 160 => "sched_setscheduler",
        SchedSetparam = 161 => "sched_setparam",
        SchedSetattr = 162 => "sched_setattr",
        Setpriority = 163 => "setpriority",
        /// The current hard limit is read at entry (see [`privilege::PREV_KNOWN_ARG`]).
        Prlimit64 = 164 => "prlimit64",
        Setrlimit = 165 => "setrlimit",
        FanotifyInit = 166 => "fanotify_init",
        /// Only the commands [`privilege::ioctl_recorded`] names reach userspace: the kernel
        /// side drops every other ioctl at entry.
        Ioctl = 167 => "ioctl",
        IoprioSet = 168 => "ioprio_set",
        ProcessVmWritev = 169 => "process_vm_writev",
        Seccomp = 170 => "seccomp",
        LandlockCreateRuleset = 171 => "landlock_create_ruleset",
        LandlockAddRule = 172 => "landlock_add_rule",
        LandlockRestrictSelf = 173 => "landlock_restrict_self",
        Personality = 174 => "personality",
        /// Linux 6.8.
        LsmSetSelfAttr = 175 => "lsm_set_self_attr",
        Keyctl = 176 => "keyctl",
        AddKey = 177 => "add_key",
        RequestKey = 178 => "request_key",
        /// An `open` of `/dev/mqueue/NAME`: its exit program is `file_exit` (no `open_how`, no
        /// dirfd), and the decoder names the queue.
        MqOpen = 179 => "mq_open",
        MqUnlink = 180 => "mq_unlink",
        /// Linux 6.17.
        FileSetattr = 181 => "file_setattr",
        /// Advice on another process's memory through a pidfd (Linux 5.10): CAP_SYS_NICE
        /// unless the pidfd is the caller's own.
        ProcessMadvise = 182 => "process_madvise",
        /// Only an alarm clock's timer reaches userspace ([`privilege::alarm_clock`]): it
        /// needs CAP_WAKE_ALARM.
        TimerfdCreate = 183 => "timerfd_create",
        TimerCreate = 184 => "timer_create",
        /// Only the options [`sockopt::recorded`] names reach userspace: the kernel side drops
        /// every other setsockopt at entry.
        Setsockopt = 190 => "setsockopt",
        Mlock = 191 => "mlock",
        Mlock2 = 192 => "mlock2",
        Mlockall = 193 => "mlockall",
    }
}

impl SyscallId {
    /// Calls whose `sys_exit` may never fire, recorded at their entry as well
    /// ([`flags::AT_ENTRY`]): reboot(2), which in a pid namespace other than the initial one
    /// ends its caller with `do_exit` inside the call, and in the initial one restarts, halts
    /// or kexecs the machine. kexec_load and kexec_file_load are not among them: they only
    /// load an image and return (the jump is `reboot(LINUX_REBOOT_CMD_KEXEC)`). exit and
    /// exit_group are not hooked: the process's `exit` event is their record.
    pub const fn may_not_return(self) -> bool {
        matches!(self, SyscallId::Reboot)
    }

    /// The event kind a completed call of this syscall produces. Process-creating calls produce
    /// their event from `sched_process_fork`/`sched_process_exec`; their syscall entry is kept
    /// only for the arguments (clone flags, argv).
    pub const fn kind(self) -> EventKind {
        use SyscallId::*;
        match self {
            Execve | Execveat => EventKind::Exec,
            Clone | Clone3 | Fork | Vfork => EventKind::Fork,
            Open | Openat | Openat2 | Creat | OpenByHandleAt | MqOpen => EventKind::Open,
            Setxattr | Lsetxattr | Fsetxattr | Setxattrat | Removexattr | Lremovexattr
            | Fremovexattr | Removexattrat => EventKind::Xattr,
            Utime | Utimes | Utimensat | Futimesat => EventKind::Utime,
            NameToHandleAt => EventKind::NameToHandle,
            Close | CloseRange => EventKind::Close,
            Dup | Dup2 | Dup3 | Fcntl | PidfdOpen => EventKind::Dup,
            Unlink | Unlinkat | MqUnlink => EventKind::Unlink,
            FileSetattr => EventKind::FileAttr,
            Rename | Renameat | Renameat2 => EventKind::Rename,
            Mkdir | Mkdirat => EventKind::Mkdir,
            Rmdir => EventKind::Rmdir,
            Chmod | Fchmod | Fchmodat | Fchmodat2 => EventKind::Chmod,
            Chown | Fchown | Lchown | Fchownat => EventKind::Chown,
            Link | Linkat => EventKind::Link,
            Symlink | Symlinkat => EventKind::Symlink,
            Truncate | Ftruncate => EventKind::Truncate,
            Mknod | Mknodat => EventKind::Mknod,
            MemfdCreate => EventKind::MemfdCreate,
            Chdir | Fchdir => EventKind::Chdir,
            Socket => EventKind::Socket,
            Bind => EventKind::Bind,
            Listen => EventKind::Listen,
            Accept | Accept4 => EventKind::Accept,
            Connect => EventKind::Connect,
            Sendto | Sendmsg | Sendmmsg => EventKind::Send,
            PidfdGetfd | Recvmsg | Recvmmsg => EventKind::FdReceived,
            Setuid | Setreuid | Setresuid | Setfsuid => EventKind::SetUid,
            Setgid | Setregid | Setresgid | Setfsgid => EventKind::SetGid,
            Setgroups => EventKind::SetGroups,
            Capset => EventKind::Capset,
            Prctl => EventKind::Prctl,
            Mount => EventKind::Mount,
            Umount2 => EventKind::Umount,
            Unshare => EventKind::Unshare,
            Setns => EventKind::Setns,
            Chroot => EventKind::Chroot,
            PivotRoot => EventKind::PivotRoot,
            Ptrace => EventKind::Ptrace,
            Bpf => EventKind::Bpf,
            InitModule | FinitModule => EventKind::ModuleLoad,
            OpenTree | MoveMount | Fsopen | Fsconfig | Fsmount | Fspick | MountSetattr
            | OpenTreeAttr => EventKind::MountApi,
            Getrandom => EventKind::Getrandom,
            Kill | Tkill | Tgkill | PidfdSendSignal | RtSigqueueinfo | RtTgsigqueueinfo => {
                EventKind::Signal
            }
            Adjtimex | ClockAdjtime | ClockSettime | Settimeofday => EventKind::Clock,
            Reboot | KexecLoad | KexecFileLoad | DeleteModule | Swapon | Swapoff | Sethostname
            | Setdomainname | Ioperm | Iopl | Acct | Quotactl | QuotactlFd | Syslog
            | PerfEventOpen | Vhangup | SchedSetscheduler | SchedSetparam | SchedSetattr
            | Setpriority | Prlimit64 | Setrlimit | FanotifyInit | Ioctl | IoprioSet
            | ProcessVmWritev | ProcessMadvise | TimerfdCreate | TimerCreate => {
                EventKind::PrivilegedCall
            }
            Seccomp
            | LandlockCreateRuleset
            | LandlockAddRule
            | LandlockRestrictSelf
            | Personality
            | LsmSetSelfAttr => EventKind::SelfPolicy,
            Keyctl | AddKey | RequestKey => EventKind::Keyring,
            Setsockopt => EventKind::Sockopt,
            Mlock | Mlock2 | Mlockall => EventKind::Mlock,
        }
    }
}

/// Bits of [`Header::flags`].
pub mod flags {
    /// The first path or string was longer than [`crate::PATH_CAP`] and was cut.
    pub const PATH_TRUNCATED: u32 = 1 << 0;
    /// The second path or string was cut.
    pub const PATH2_TRUNCATED: u32 = 1 << 1;
    /// argv had more arguments or bytes than the exec record keeps.
    pub const ARGV_TRUNCATED: u32 = 1 << 2;
    /// A user pointer could not be read (bad address, or paged out at the time).
    pub const READ_FAILED: u32 = 1 << 3;
    /// The credential fields are real: the task offsets were known. Without it only uid and gid
    /// (from `bpf_get_current_uid_gid`) are filled and the rest is `u32::MAX`.
    pub const CREDS_FULL: u32 = 1 << 4;
    /// `ppid` was read from `task->real_parent`; without it userspace fills it from the fork tree.
    pub const PPID_KNOWN: u32 = 1 << 5;
    /// An open record carries the kernel's name of the opened file after the syscall's own
    /// fields ([`crate::file::OpenRealData`] instead of [`crate::file::OpenData`]): an LSM
    /// `file_open` program saw the open, or the kernel walk named it (a failed open by a
    /// relative path: its directory's name and the path given). On a file record
    /// ([`crate::file::FileRealData`]), the kernel walk named a directory one of its paths is
    /// relative to (the dirfd's or the cwd's), at the call's exit.
    pub const REAL_PATH: u32 = 1 << 6;
    /// An LSM hook or the kernel walk saw the file (a file record: either directory) but could
    /// not name it (a name longer than [`crate::PATH_CAP`], a walk too deep or a step it could
    /// not read), so the record has no kernel name although the path used may not be the
    /// file's. Counted with the truncations of its kind.
    pub const REAL_PATH_UNNAMED: u32 = 1 << 7;
    /// A fork whose child could not be added to the tracked set (the map was full): the child
    /// and its descendants are not recorded. The fork is also counted as lost.
    pub const CHILD_UNTRACKED: u32 = 1 << 8;
    /// The path or address read at the syscall's exit differs from the one read at its entry:
    /// another thread rewrote it while the call ran (a FIFO's open, a connect that waits), so
    /// the record may not name what the kernel used. See [`crate::EntryArg`].
    pub const ARGS_CHANGED: u32 = 1 << 9;
    /// The argument could not be read at the entry of a call that then blocked (longer than
    /// [`crate::BLOCKED_NS`]): the exit's copy cannot be checked against it.
    pub const ARGS_UNVERIFIED: u32 = 1 << 10;
    /// A `bind` record the kernel side made itself, not from bind(2): the local address a UDP
    /// socket had after a send from a recorded process, when no bind(2) named a port for it
    /// (the kernel autobound it, or a bind to port 0 let it pick). See
    /// [`crate::network::UDP_PROTOCOLS`].
    pub const AUTOBIND: u32 = 1 << 11;
    /// A record written at the syscall's entry, before the call acts, for a call whose exit
    /// may never come ([`crate::SyscallId::may_not_return`]): its `ret` means nothing. The
    /// exit writes the call's record again with its result, or the thread's exit one with
    /// [`NO_RETURN`]; userspace keeps the entry's until then and writes one event.
    pub const AT_ENTRY: u32 = 1 << 12;
    /// The thread ended inside the call (`sched_process_exit` found its entry unanswered): the
    /// call never returned, so the record has no result. reboot(2) in a pid namespace other
    /// than the initial one kills the caller inside the call (`reboot_pid_ns` ends in
    /// `do_exit`), so no `sys_exit` ever fires for it.
    pub const NO_RETURN: u32 = 1 << 13;
    /// exec: the file the new image runs has its set-user-ID bit, or its set-group-ID bit
    /// with group execute (`inode->i_mode`, read at `sched_process_exec`): a setuid/setgid
    /// program, whether or not the ids changed (root running a setuid-root program). Not a cut.
    pub const SETID_FILE: u32 = 1 << 14;
    /// A file call (not an open): `real` and `real2` are the files' own names, walked in an
    /// LSM path hook (`path_chmod`, `path_rename`, …) at the moment the kernel did the call on
    /// them, not the directories the paths started from. With it, no host lookup is made.
    pub const KERNEL_NAMED: u32 = 1 << 15;
    /// exec: the kernel walk saw the file the new image runs as an interpreter (a `#!`
    /// script's, a binfmt_misc handler's) but could not name it: [`REAL_PATH_UNNAMED`] for
    /// the record's `interp`. Counted with the truncations of its kind.
    pub const INTERP_UNNAMED: u32 = 1 << 16;
}

/// A call that took longer than this (entry to exit) waited for something; a rewrite of its
/// argument by another thread during it is a real possibility, so an argument that could not
/// be read at its entry leaves it [`flags::ARGS_UNVERIFIED`].
pub const BLOCKED_NS: u64 = 1_000_000;

/// A path or address copied at a syscall's entry (key: tid), for the calls the kernel reads
/// their argument at the start of and may block in afterwards (open, openat, openat2, creat,
/// connect, sendto): the exit program compares it with its own copy, made after the kernel
/// faulted the page in. The kernel's own copy cannot be read from a tracepoint; the two ends
/// bracket it.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct EntryArg {
    /// The entry's `Inflight::ts_ns`: an entry left by an earlier call is not compared.
    pub ts_ns: u64,
    /// Bytes copied (a string's without its NUL).
    pub len: u32,
    /// 1 when the entry could not read it (a page not yet faulted in).
    pub failed: u32,
    pub bytes: [u8; PATH_CAP],
}

/// The part every event starts with.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct Header {
    /// CLOCK_MONOTONIC (`bpf_ktime_get_ns`) at syscall entry, or at the scheduler event.
    pub ts_ns: u64,
    /// cgroup v2 id of the task (the inode number of its cgroup directory).
    pub cgroup_id: u64,
    /// The syscall's return value; 0 for scheduler events.
    pub ret: i64,
    /// Thread-group id (what userspace calls the pid).
    pub pid: u32,
    /// Thread id.
    pub tid: u32,
    pub ppid: u32,
    pub uid: u32,
    pub gid: u32,
    pub euid: u32,
    pub egid: u32,
    /// [`EventKind`] number.
    pub kind: u16,
    /// [`SyscallId`] number, 0 for scheduler events.
    pub syscall: u16,
    /// [`flags`] bits.
    pub flags: u32,
    pub _pad: u32,
    pub comm: [u8; 16],
}

/// One ring-buffer record: the header and the kind's payload.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Event<T> {
    pub header: Header,
    pub data: T,
}

/// The eight ids of `struct cred`, in the kernel's order (uid, gid, suid, sgid, euid, egid,
/// fsuid, fsgid), read in one go.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Creds {
    pub uid: u32,
    pub gid: u32,
    pub suid: u32,
    pub sgid: u32,
    pub euid: u32,
    pub egid: u32,
    pub fsuid: u32,
    pub fsgid: u32,
}

impl Creds {
    /// Credentials that could not be read: every id `u32::MAX` (which no task can have).
    pub const UNKNOWN: Creds = Creds {
        uid: u32::MAX,
        gid: u32::MAX,
        suid: u32::MAX,
        sgid: u32::MAX,
        euid: u32::MAX,
        egid: u32::MAX,
        fsuid: u32::MAX,
        fsgid: u32::MAX,
    };
}

/// Which tasks the programs record.
/// Values of the `TRACKED` map: why a task is recorded.
pub mod tracked {
    /// The recorded tree: the target and everything it forked.
    pub const TREE: u8 = 1;
    /// A process the tree took control of ([`crate::EventKind::Adopt`]) and its children:
    /// recorded, but not the recorder's to wait for or to end.
    pub const ADOPTED: u8 = 2;
}

pub mod scope {
    /// Tasks whose tid is in the `TRACKED` map; children join at fork.
    pub const TRACKED: u32 = 0;
    /// Tasks in the cgroup `Config::cgroup_id` or below it, plus `TRACKED` ones.
    pub const CGROUP: u32 = 1;
    /// Every task but the tracer's own.
    pub const ALL: u32 = 2;
}

/// Set by userspace as a read-only global before load, so the verifier sees constants.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct Config {
    /// A [`scope`] value.
    pub scope: u32,
    /// Depth of the target cgroup below the root (root = 0), for
    /// `bpf_get_current_ancestor_cgroup_id`.
    pub cgroup_level: u32,
    pub cgroup_id: u64,
    /// The tracer's own thread-group id: never recorded, whatever the scope.
    pub self_tgid: u32,
    /// 1 when the offsets below were found in the kernel's BTF.
    pub has_offsets: u32,
    /// `offsetof(struct task_struct, cred)`.
    pub off_task_cred: u32,
    /// `offsetof(struct task_struct, real_parent)`.
    pub off_task_real_parent: u32,
    /// `offsetof(struct task_struct, tgid)`.
    pub off_task_tgid: u32,
    /// `offsetof(struct task_struct, exit_code)`.
    pub off_task_exit_code: u32,
    /// `offsetof(struct cred, uid)`: the eight ids follow it.
    pub off_cred_uid: u32,
    /// Offset of `child_pid` in the `sched_process_fork` record (20 on 6.18, where the comms are
    /// `__data_loc`; 44 on 6.1, where they are `char[16]`), read from its `format` file.
    pub off_fork_child_pid: u32,
    /// Offset of `group_dead` in the `sched_process_exit` record, 0 where the kernel has no
    /// such field (before 6.16): then a process's exit is its leader thread's exit.
    pub off_exit_group_dead: u32,
    /// Unread bytes in the ring buffer above which a record wakes the collector. Below it,
    /// records are queued silently and the collector drains them on its timer: one wake-up per
    /// batch instead of one per few records.
    pub wakeup_bytes: u32,
    /// 1 when the LSM programs that name opened and executed files (`lsm_file_open`,
    /// `lsm_bprm_check_security`) may run: the kernel's LSM list has `bpf` and the offsets
    /// below were found. With 0 the verifier prunes every lookup of their results.
    pub lsm_paths: u32,
    /// `offsetof(struct file, f_path)`.
    pub off_file_path: u32,
    /// `offsetof(struct linux_binprm, file)`.
    pub off_bprm_file: u32,
    /// `offsetof(struct linux_binprm, filename)` and `interp` (0: not found): at
    /// `sched_process_exec` the exec record's path is read from `filename`, and `interp`
    /// pointing elsewhere than `filename` tells a `#!` script or a binfmt_misc program (its
    /// handler changed the interpreter), whose new image is its interpreter.
    pub off_bprm_filename: u32,
    pub off_bprm_interp: u32,
    /// 1 when the three offsets below were found: argv is read from the new image.
    pub has_mm_offsets: u32,
    /// `offsetof(struct task_struct, mm)`.
    pub off_task_mm: u32,
    /// `offsetof(struct mm_struct, arg_start)`; `arg_end` follows at `off_mm_arg_end`.
    pub off_mm_arg_start: u32,
    pub off_mm_arg_end: u32,
    /// 1 when the `io_ring_ctx` offsets below were found: io_uring entries are read.
    pub has_ring_offsets: u32,
    /// `offsetof(struct io_ring_ctx, flags)`, `sq_array`, `sq_sqes`, `cached_sq_head`,
    /// `sq_entries`: where `io_get_sqe` finds the entry it just took.
    pub off_ctx_flags: u32,
    pub off_ctx_sq_array: u32,
    pub off_ctx_sq_sqes: u32,
    pub off_ctx_cached_sq_head: u32,
    pub off_ctx_sq_entries: u32,
    /// Offsets of `flags` and `sq_thread` in the io_uring submit tracepoint's record (0: the
    /// layout is not one the program knows, and the program records nothing).
    pub off_uring_flags: u32,
    pub off_uring_sq_thread: u32,
    /// 1 when `io_uring_complete` has the layout its program reads (req @16, user_data @24,
    /// res @32, cflags @36); with 0 the program records nothing and the hook is listed failed.
    pub uring_complete: u32,
    /// Bytes of argv kept per exec, at most [`process::ARGV_MAX`].
    pub argv_cap: u32,
    /// 1 when `sys_enter` skips the syscalls of 32-bit (ia32) tasks, by [`COMPAT_STATUS`] in
    /// `thread_info.status` at `off_thread_status`. `raw_syscalls/sys_enter` sees their calls
    /// with ia32 numbers, which `SYSCALLS` would read as other syscalls; the per-syscall
    /// tracepoints never fire for them.
    pub compat_check: u32,
    /// `offsetof(struct task_struct, thread_info) + offsetof(struct thread_info, status)`.
    pub off_thread_status: u32,
    /// 1 when the two offsets below were found: prlimit64 and setrlimit on the caller read its
    /// hard limit before the call, so that a raise (CAP_SYS_RESOURCE) can be told from a cut.
    pub has_rlim_offsets: u32,
    /// `offsetof(struct task_struct, signal)`.
    pub off_task_signal: u32,
    /// `offsetof(struct signal_struct, rlim)`: `RLIM_NLIMITS` × `{rlim_cur, rlim_max}`.
    pub off_signal_rlim: u32,
    /// `offsetof(struct cred, cap_permitted)` (a 64-bit set); 0 when not found, and then an
    /// exec's capabilities are unknown.
    pub off_cred_cap_permitted: u32,
    /// The recorder's pid namespace (`stat /proc/self/ns/pid`: `st_dev`, `st_ino`), the
    /// one `bpf_get_current_pid_tgid` and the `TRACKED` keys speak of. A process that names
    /// another by pid (ptrace, process_vm_writev, `/proc/N/mem`) from a different namespace
    /// names it by a number of that namespace: it is not adopted (`scope::adopt`). 0 and 0:
    /// unknown, nothing is adopted.
    pub pidns_dev: u64,
    pub pidns_ino: u64,
    /// 1 when the two offsets below were found (with `has_mm_offsets`): mlock records carry
    /// the address space's locked and total pages.
    pub has_vm_offsets: u32,
    /// `offsetof(struct mm_struct, locked_vm)`, `offsetof(struct mm_struct, total_vm)`.
    pub off_mm_locked_vm: u32,
    pub off_mm_total_vm: u32,
    /// 1 when the `struct sock_common` offsets below were found: the `udp_autobind` program
    /// reads a UDP socket's local address after a send.
    pub has_sock_offsets: u32,
    /// `offsetof(struct sock_common, skc_num)` (the local port, host order),
    /// `skc_rcv_saddr` (IPv4 local address), `skc_v6_rcv_saddr`, `skc_state`.
    pub off_skc_num: u32,
    pub off_skc_rcv_saddr: u32,
    pub off_skc_v6_rcv_saddr: u32,
    pub off_skc_state: u32,
    /// `offsetof(struct sock_common, skc_family)`, `offsetof(struct sock, sk_protocol)`:
    /// the send-exit fallback of `udp_autobind` finds a socket from an fd, not from a
    /// tracepoint that names its family and protocol.
    pub off_skc_family: u32,
    pub off_sk_protocol: u32,
    /// 1 when the fd-table offsets below were found: an fd sent over `SCM_RIGHTS` by a
    /// recorded process and received by one is named after the sender's file
    /// (`network::SENT_FILES`).
    pub has_fd_offsets: u32,
    /// `offsetof(struct task_struct, files)`, `offsetof(struct files_struct, fdt)`,
    /// `offsetof(struct fdtable, max_fds)`, `offsetof(struct fdtable, fd)`,
    /// `offsetof(struct file, f_inode)`, `offsetof(struct file, private_data)` (a socket
    /// file's `struct socket`), `offsetof(struct socket, sk)`.
    pub off_task_files: u32,
    pub off_files_fdt: u32,
    pub off_fdt_max_fds: u32,
    pub off_fdt_fd: u32,
    pub off_file_inode: u32,
    pub off_file_private: u32,
    pub off_socket_sk: u32,
    /// 1 when the kernel has no `sock/sock_send_length` for `udp_autobind` (before 6.3): the
    /// sends' exit finds an autobound UDP socket's port itself. 0 where the tracepoint does
    /// it, so that no send pays for the fd-table walk twice.
    pub send_autobind: u32,
    /// 1 when `open_exit` names a file opened by a relative path (to a dirfd or the cwd) by
    /// walking the new fd's `f_path` up to the process's root (`tracer-ebpf/src/walk.rs`):
    /// the kernel's own name now, not the directory's name when its fd was opened or the cwd
    /// entered; and `file_exit` names the directory (dirfd or cwd) a mkdir(at), unlink(at),
    /// rmdir, rename(at)(2), chmod or chown family call's relative path started from.
    /// Needs `has_fd_offsets`, `off_file_path` and the offsets below.
    pub walk_paths: u32,
    /// `offsetof(struct path, mnt)`, `offsetof(struct path, dentry)`.
    pub off_path_mnt: u32,
    pub off_path_dentry: u32,
    /// `offsetof(struct dentry, d_parent)`; `d_name.len`, `d_name.name` (a `struct qstr`).
    pub off_dentry_parent: u32,
    pub off_dentry_name_len: u32,
    pub off_dentry_name: u32,
    /// `offsetof(struct vfsmount, mnt_root)`.
    pub off_vfsmount_root: u32,
    /// `offsetof(struct mount, mnt)` (the `vfsmount` a `struct path` points to),
    /// `mnt_parent`, `mnt_mountpoint`.
    pub off_mount_mnt: u32,
    pub off_mount_parent: u32,
    pub off_mount_mountpoint: u32,
    /// `offsetof(struct task_struct, fs)`, `offsetof(struct fs_struct, root)` (a `struct path`).
    pub off_task_fs: u32,
    pub off_fs_root: u32,
    /// `offsetof(struct fs_struct, pwd)`: the cwd a call relative to `AT_FDCWD` starts from
    /// (`file_exit` names such a call's directory from it, like a dirfd's).
    pub off_fs_pwd: u32,
    /// `offsetof(struct mm_struct, exe_file)`: the file a successful exec's new image runs,
    /// walked at `sched_process_exec` into the record's `real`, or its `interp` for a script
    /// (0: not found, not walked).
    pub off_mm_exe_file: u32,
    /// 1 when `off_inode_mode` was found (it is 0 on current kernels: `i_mode` comes first).
    pub has_inode_mode: u32,
    /// `offsetof(struct inode, i_mode)`: the exec'd file's setuid/setgid bits.
    pub off_inode_mode: u32,
}

/// x86's `TS_COMPAT`: the thread is in a 32-bit syscall (arch/x86/include/asm/thread_info.h).
pub const COMPAT_STATUS: u32 = 0x0002;

/// The process name (comm, at most 15 bytes) of the recorder's background detacher
/// (`tracer::record::handoff`): the recorder names it so, and a new recording and the benchmark
/// find it by it.
pub const DETACHER_COMM: &core::ffi::CStr = c"tracer-detach";

/// How many processes named [`DETACHER_COMM`] are alive: earlier recordings whose hooks the
/// kernel is still detaching. A zombie is not counted: it has closed its descriptors (the
/// hooks are gone) and only waits to be reaped, which an init that is not systemd (a
/// container's, a sandbox's) may do many seconds late.
#[cfg(feature = "std")]
pub fn live_detachers() -> usize {
    extern crate std;
    std::fs::read_dir("/proc").map_or(0, |d| {
        d.flatten()
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .bytes()
                    .all(|b| b.is_ascii_digit())
            })
            .filter(|e| {
                std::fs::read_to_string(e.path().join("comm"))
                    .is_ok_and(|c| c.trim_end().as_bytes() == DETACHER_COMM.to_bytes())
            })
            .filter(|e| {
                // `PID (COMM) STATE …`: the state follows the last `)`.
                std::fs::read_to_string(e.path().join("stat")).is_ok_and(|s| {
                    s.rsplit_once(')')
                        .and_then(|(_, rest)| rest.split_whitespace().next())
                        .is_some_and(|state| state != "Z")
                })
            })
            .count()
    })
}

/// A file's name as the kernel itself builds it from the open file (`bpf_d_path` on
/// `file->f_path`, in an LSM hook): absolute, symlinks followed, after the kernel has let the
/// open or exec go ahead. Relative to the process's root, like every path it passes.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct RealPath {
    /// Bytes in `path` without the NUL; 0 when no LSM hook named the file.
    pub len: u32,
    /// `bpf_d_path`'s error (a negative errno: `-ENAMETOOLONG` for a name longer than
    /// [`PATH_CAP`]), 0 otherwise.
    pub error: i32,
    pub path: [u8; PATH_CAP],
}

/// What the enter program saves per thread for the exit program.
///
/// One entry per recorded thread, kept from call to call and overwritten in place (an LRU
/// insert and a delete per syscall cost more than the program's own work: issue 16): the
/// exit marks it finished ([`Inflight::active`] 0) instead of deleting it, and every reader
/// tells a call in progress from the thread's last finished one by that field.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct Inflight {
    pub ts_ns: u64,
    pub args: [u64; 6],
    pub syscall: u16,
    /// [`INFLIGHT_ACTIVE`] from the entry to the exit of the call, 0 after.
    pub active: u16,
    pub _pad: [u16; 2],
}

/// [`Inflight::active`] of a call in progress.
pub const INFLIGHT_ACTIVE: u16 = 1;

impl Inflight {
    /// Whether the thread is inside this call (its exit has not run).
    #[inline(always)]
    pub fn in_call(&self) -> bool {
        self.active == INFLIGHT_ACTIVE
    }
}

#[cfg(feature = "user")]
mod pod {
    // SAFETY: all of these are `#[repr(C)]`, `Copy`, made of integers and integer arrays with
    // explicit padding, so every bit pattern is a valid value.
    unsafe impl aya::Pod for super::Config {}
    unsafe impl aya::Pod for super::Inflight {}
    unsafe impl aya::Pod for super::Header {}
    unsafe impl aya::Pod for super::file::ArgLayout {}
    unsafe impl aya::Pod for super::RealPath {}
    unsafe impl aya::Pod for super::EntryArg {}
    unsafe impl aya::Pod for super::caller::CallerOffsets {}
}
