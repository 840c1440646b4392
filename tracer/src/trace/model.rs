//! The lines of a trace file, as Rust types. Field names here are the format: see
//! docs/trace-format.md, which documents each one.

use std::{borrow::Cow, collections::BTreeMap};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::EventKind;

/// One line of the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Line {
    Header(Box<Header>),
    Event(Box<Event>),
    Footer(Box<Footer>),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Header {
    /// Always [`super::FORMAT_NAME`].
    pub format: String,
    /// [`super::FORMAT_VERSION`] of the writer.
    pub version: u32,
    pub tool: Tool,
    pub kernel: Kernel,
    pub hostname: String,
    /// Wall-clock start, RFC 3339 with nanoseconds, UTC.
    pub start_time: String,
    /// CLOCK_MONOTONIC at start, to relate `ts_ns` of events to `start_time`.
    pub start_ts_ns: u64,
    pub target: Target,
    pub hooks: Hooks,
    pub capabilities: Capabilities,
    pub limits: Limits,
    /// Ring buffer size in bytes.
    pub buffer_bytes: u64,
    /// Fields whose secret values were masked (`record --mask-secrets`), e.g. `exec.argv`:
    /// a `--password=****` there is a secret that was on the command line, not the value.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub masked: Vec<String>,
    /// Processes already running in scope when recording started (`--pid`, `--unit`,
    /// `--cgroup`, `--system`), as /proc showed them then: what they did before is not in the
    /// trace. Empty for a command the recorder started.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub existing: Vec<ExistingProcess>,
    /// Processes running at start that were left out of `existing` (more than its limit).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub existing_left_out: u64,
    /// The recorder itself: an attempt on it (a ptrace of its pid, a write to its output) is
    /// interference, which the verdicts report (see `verdict::tamper`). Absent in older traces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorder: Option<Recorder>,
    /// `kernel.core_pattern` when the recording started (`/proc/sys/kernel/core_pattern`, its
    /// trailing newline cut). One that starts with `|` pipes core dumps to a program the kernel
    /// runs as root outside every recorded tree: a crash of a recorded process may then have
    /// spawned a process the trace cannot show. Absent in older traces, or when unreadable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub core_pattern: Option<String>,
    /// `fs.pipe-max-size` when the recording started: a pipe made larger (fcntl
    /// `F_SETPIPE_SZ`) needs CAP_SYS_RESOURCE. Absent in older traces, or when unreadable.
    /// Added 2026-12.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipe_max_size: Option<u64>,
    /// Open file descriptors the recorded processes held when recording started without
    /// opening them in the trace: for a command, those the recorder passed to it (its own
    /// descriptors without close-on-exec: stdin, stdout, stderr and whatever its caller left
    /// open); for `--pid`, each attached process's, from /proc. Reads and writes are not
    /// recorded, so a write through one (to a file, or a send on a connected socket) leaves no
    /// event: the verdicts read them as gaps (docs/claims.md, "Inherited descriptors"). Added
    /// in version 1 (2026-12): absent in older traces, and when there were none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inherited: Vec<InheritedFd>,
    /// Descriptors left out of `inherited` (more than its limit per process).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub inherited_left_out: u64,
    /// The BPF programs attached to the target's cgroup or inherited from its ancestors when
    /// the recording started (their effective set per cgroup attach type). A connect, sendmsg,
    /// bind or sockaddr hook among them can rewrite an address after the syscall's arguments
    /// were read: the destination, port and endpoint claims are inconclusive over such a
    /// trace (docs/claims.md). Added in version 1 (2026-12): absent in older traces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cgroup_bpf: Option<CgroupBpf>,
}

/// The header's `cgroup_bpf`: what `BPF_PROG_QUERY` (`BPF_F_QUERY_EFFECTIVE`) listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CgroupBpf {
    /// The cgroup directory queried (the target's).
    pub cgroup: String,
    pub programs: Vec<CgroupBpfProg>,
    /// Programs past the per-type limit, not listed.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub left_out: u64,
    /// Why a query failed (then programs may be missing from the list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One program of [`CgroupBpf`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CgroupBpfProg {
    /// The attach type, `cgroup_inet4_connect` for `BPF_CGROUP_INET4_CONNECT`.
    pub attach_type: String,
    /// The kernel's program id (`bpftool prog show id N`).
    pub id: u32,
    /// Its name and tag (hex), empty when it could not be read.
    pub name: String,
    pub tag: String,
}

impl CgroupBpfProg {
    /// Whether a program of this attach type can change where a socket connects, sends or
    /// binds, or the address it reports: the sockaddr hooks (connect, bind, sendmsg, recvmsg,
    /// getpeername, getsockname, of inet and unix sockets, which may write the address), and
    /// sock_ops and setsockopt programs (which set socket options: a setsockopt program can
    /// rewrite an `IP_OPTIONS` source route). Programs that can only let a packet or a call
    /// through or refuse it are not: cgroup skb (ingress and egress: their packet is read-only
    /// and they cannot redirect it; systemd's `IPAddressDeny=` attaches them), post_bind,
    /// sock_create (a mark or a device, no address), sysctl, device, getsockopt, release and
    /// LSM programs.
    pub fn rewrites_addresses(&self) -> bool {
        let t = self.attach_type.as_str();
        t.ends_with("_connect")
            || t.ends_with("_bind") && !t.ends_with("_post_bind")
            || t.ends_with("_sendmsg")
            || t.ends_with("_recvmsg")
            || t.ends_with("_getpeername")
            || t.ends_with("_getsockname")
            || matches!(t, "cgroup_sock_ops" | "cgroup_setsockopt")
    }
}

/// An open descriptor a recorded process held at start (see [`Header::inherited`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct InheritedFd {
    /// The process holding it (a command's: the command's pid).
    pub pid: u32,
    pub fd: i32,
    /// `file` (regular), `directory`, `char` (a terminal, /dev/null), `block`, `fifo`,
    /// `pipe`, `socket`, `other` (an anonymous inode: eventfd, epoll, …).
    pub kind: String,
    /// What /proc/PID/fd names: a path (` (deleted)` when unlinked), `pipe:[N]`,
    /// `socket:[N]`, `anon_inode:[eventfd]`.
    pub target: String,
    /// From the open flags: `read`, `write`, `read_write` (`path` for O_PATH).
    pub access: String,
    /// O_APPEND, O_NONBLOCK, … by name (not the access mode).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
    /// A socket's protocol and addresses, when /proc/PID/net names its inode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub socket: Option<InheritedSocket>,
}

/// An inherited socket as /proc/PID/net shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct InheritedSocket {
    /// `tcp`, `tcp6`, `udp`, `udp6`, `unix`.
    pub proto: String,
    /// `127.0.0.1:5000`, `[::1]:53`; a unix socket's path (null when unnamed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local: Option<String>,
    /// The peer of a connected TCP or UDP socket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer: Option<String>,
    /// A listening TCP or unix stream socket.
    pub listening: bool,
}

/// A process that ran before the recording started, as /proc showed it at start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ExistingProcess {
    pub pid: u32,
    pub ppid: u32,
    pub comm: String,
    /// The executable; null when unreadable.
    pub exe: Option<String>,
    /// The command line, cut at 4 KiB (`argv_truncated`).
    pub argv: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub argv_truncated: bool,
    pub uid: u32,
    pub euid: u32,
    pub gid: u32,
    /// Effective capabilities, hex as in /proc/PID/status.
    pub cap_eff: String,
    /// The cgroup v2 path.
    pub cgroup: Option<String>,
    /// How long it had been running when recording started.
    pub running_secs: Option<f64>,
    /// Listening TCP and unix-stream sockets and bound UDP sockets it held: "tcp 0.0.0.0:22".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub listening: Vec<String>,
}

/// The recording process, as it saw itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Recorder {
    pub pid: u32,
    /// The trace file it writes (absolute); it writes `<output>.partial` until it finishes.
    pub output: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Kernel {
    /// `uname -r`.
    pub release: String,
    /// `uname -v`.
    pub version: String,
    /// `uname -m`.
    pub machine: String,
}

/// What was recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Target {
    /// A command the tracer started; its process tree, followed at fork.
    Command {
        argv: Vec<String>,
        pid: u32,
        /// The user it ran as (`-u`), when not the recorder's own (root).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        user: Option<String>,
    },
    /// A running process and its descendants (children that existed at start included).
    Pid { pid: u32, comm: String },
    /// Every task in a cgroup (v2) and below it.
    Cgroup { path: String, id: u64 },
    /// A systemd unit: its cgroup.
    Unit {
        name: String,
        cgroup: String,
        id: u64,
    },
    /// Every task on the machine but the tracer.
    System,
}

/// Which kernel hooks were attached. A hook that failed to attach means its events are missing
/// from the trace: verdicts that need them are inconclusive.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Hooks {
    /// `tracepoint:CATEGORY/NAME`, `uprobe:LIBRARY:SYMBOL` and `lsm:HOOK` strings.
    pub attached: Vec<String>,
    pub failed: Vec<FailedHook>,
    /// Hooks that only add detail to records other hooks make (the LSM programs' kernel names
    /// of opened and executed files) and could not be used here, with why: their events are
    /// still recorded, without that detail, so nothing is missing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub detail_unavailable: Vec<FailedHook>,
    /// For each event kind, the attached hooks whose programs wrote or completed its records.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sources: BTreeMap<String, Vec<String>>,
    /// How syscalls were hooked, and why not the way asked for when another was used. Added
    /// in version 1 (2026-12); absent in traces of older recorders (their `attached` list
    /// shows the way).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub syscalls: Option<SyscallHooking>,
    /// Whether opens and other file calls by a relative path (to a directory fd or the cwd),
    /// failed ones included, are named by the kernel walking the opened file's or the
    /// directory's path (`real`), so that a directory renamed after its fd was opened does not
    /// leave a stale name. `false`: off, with why in `detail_unavailable` (`walk:open_exit`).
    /// Added 2026-12 (issue 11); absent in traces of older recorders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kernel_walked_names: Option<bool>,
}

/// The way syscalls were hooked (`record --syscall-hooks`: `raw`, `perf-raw`,
/// `per-syscall`), and each way tried before it that could not be used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SyscallHooking {
    /// The way used.
    pub mode: String,
    /// The way asked for (the default, `raw`, unless `--syscall-hooks` said otherwise).
    pub requested: String,
    /// The ways tried before `mode`, in order, each with why it was not used (a program that
    /// the kernel's verifier refused, a tracepoint that did not attach, a kernel without what
    /// the way needs). Empty when `mode` is `requested`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fallbacks: Vec<SyscallFallback>,
}

/// A way of hooking syscalls that was not used, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SyscallFallback {
    pub mode: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FailedHook {
    pub hook: String,
    pub error: String,
    /// The kernel has no such hook point at all (a syscall not built in, e.g. `init_module`
    /// without module support): nothing can happen through it, so nothing is missing.
    #[serde(default)]
    pub absent: bool,
}

/// What the kernel side could read on this kernel.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Capabilities {
    /// euid/egid/saved/fs ids and `task->real_parent` were readable (task offsets found in
    /// /sys/kernel/btf/vmlinux). Without it euid/egid are null and ppid comes from the fork tree.
    pub task_fields: bool,
}

/// Capture limits of this recorder build: longer values are cut and flagged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Limits {
    pub path_bytes: u32,
    pub argv_bytes: u32,
    pub arg_bytes: u32,
    pub max_args: u32,
    pub addr_bytes: u32,
}

/// One observed action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Event {
    /// Position in the file, from 0; gaps never occur (lost events are only counted).
    pub seq: u64,
    /// Wall clock, RFC 3339 with nanoseconds, UTC.
    pub time: String,
    /// CLOCK_MONOTONIC nanoseconds at syscall entry (scheduler events: when they fired).
    pub ts_ns: u64,
    /// Thread-group id.
    pub pid: u32,
    pub tid: u32,
    /// Parent's thread-group id; null when unknown.
    pub ppid: Option<u32>,
    pub comm: String,
    pub ids: Ids,
    pub cgroup_id: u64,
    /// The syscall that produced it; null for scheduler events (fork, exit, some execs).
    // Borrowed when the recorder names it (a static name, no allocation per event), owned
    // when read from a file.
    pub syscall: Option<Cow<'static, str>>,
    /// The syscall's return; null for scheduler events, and for a call whose return was never
    /// seen (flagged `no_return`: its thread ended inside it; `unfinished`: the recording
    /// stopped first).
    pub result: Option<SysResult>,
    /// Set when a path, argv or address was cut or could not be read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
    #[serde(flatten)]
    pub data: EventData,
    /// Present when this line stands for several identical events: the same thread made the
    /// same call with the same result, again and again (a storm of opens of one file). `ts_ns`
    /// and `time` are the first's; every field but the time is the same for all of them. Added
    /// in version 1 (2026-12): absent, the line is one event; readers count it as `count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat: Option<Repeat>,
}

impl Event {
    /// The syscall that produced it, or for a scheduler event its kind: what a line of
    /// evidence names as the call.
    pub fn call(&self) -> &str {
        self.syscall.as_deref().unwrap_or(self.data.kind().name())
    }

    /// How many events this line stands for: `repeat.count`, else 1. Everything that counts
    /// events (the footer check, the summary, verdict evidence, the bench's balance) counts
    /// this, so that `performed = in trace + lost` stays exact with aggregated lines.
    ///
    /// A trace is untrusted input: a crafted count of 0 still counts the line itself, and one
    /// above [`MAX_REPEAT`] counts as that much, so sums over a file's lines cannot overflow
    /// (the footer check then reports the difference).
    pub fn occurrences(&self) -> u64 {
        self.repeat
            .as_ref()
            .map_or(1, |r| r.count.clamp(1, MAX_REPEAT))
    }

    /// When the last of the events this line stands for happened (`ts_ns` without `repeat`).
    pub fn last_ts_ns(&self) -> u64 {
        self.repeat.as_ref().map_or(self.ts_ns, |r| r.last_ts_ns)
    }
}

/// The most events one line is counted as: far above what a recorder writes (a line holds at
/// most one drain of the ring, 16,384 records), far below what sums over a file's lines could
/// overflow with.
pub const MAX_REPEAT: u64 = 1 << 32;

/// The identical events a line stands for (`record` aggregates them unless `--no-aggregate`):
/// a reviewer needs the first occurrence and how often it happened, not a million lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Repeat {
    /// Events in all, the first included: at least 2.
    #[schemars(range(min = 2))]
    pub count: u64,
    /// CLOCK_MONOTONIC nanoseconds of the last one.
    pub last_ts_ns: u64,
    /// Wall clock of the last one, RFC 3339 with nanoseconds, UTC.
    pub last_time: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Ids {
    pub uid: u32,
    pub gid: u32,
    /// Null when the kernel side could not read it (see `capabilities.task_fields`).
    pub euid: Option<u32>,
    pub egid: Option<u32>,
}

/// A syscall return value; `errno` names a negative one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SysResult {
    pub ret: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errno: Option<Cow<'static, str>>,
}

impl SysResult {
    pub fn ok(&self) -> bool {
        self.ret >= 0
    }
}

/// A path as the process gave it and, when it could be made absolute, the absolute form
/// (lexically normalised; symlinks are not followed); and, where an LSM hook saw the file
/// opened or executed, the kernel's own name for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PathRef {
    /// Absolute path; null when the base of a relative path was unknown.
    pub resolved: Option<String>,
    /// The path as passed, when it differs from `resolved`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given: Option<String>,
    /// The file the kernel actually opened or executed, named from the open file (LSM
    /// `file_open` / `bprm_check_security` with `bpf_d_path`): symlinks followed. Absent when no
    /// such hook fed the event (the header's `hooks.sources` says which did), and when it is
    /// the same as `resolved`. (Session 25) In an event flagged `kernel_named`, the file a
    /// path call (chmod, mkdir, rename, …) acted on, walked in an LSM path hook at the call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub real: Option<String>,
    /// (2026-12, issue 11) What the recorder found when it looked this path up on the host as
    /// the event arrived, following symlinks and `..` physically: the calls that name a file
    /// by a path the kernel walk does not cover past its start (a relative path with a `/` or
    /// a `..`, an absolute path) or whose last link the call follows (chmod, chown without
    /// `AT_SYMLINK_NOFOLLOW`, truncate, utime, setxattr). Absent when no lookup was made (old
    /// recorders, failed calls, opens, a process in another mount namespace or root, a path
    /// through a magic link) and when the lookup found the name the event already has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub looked_up: Option<LookedUp>,
}

/// A recorder's lookup of a path on the host (see [`PathRef::looked_up`]). Not the kernel's
/// name: it was taken after the call, so a symlink swapped and swapped back in between is
/// not seen by it; `time` says when it was taken, so that the checker can see a recorded
/// change of the path's directories in between (docs/blind-spots.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LookedUp {
    #[serde(flatten)]
    pub found: Found,
    /// (2026-12, session 24) When the lookup was made, on the clock of the events' `time`
    /// (RFC 3339, nanoseconds): the checker does not trust a name looked up after a recorded
    /// event changed one of the path's directories. Absent from older recorders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
}

/// What a host lookup found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Found {
    /// The file's name on the host, its directory's symlinks and `..` followed (and its last
    /// link, for a call that follows it), where it differs from `real` or `resolved`.
    Name(String),
    /// The lookup failed, with the error (`ENOENT`: the directory is gone, removed since the
    /// call; `ELOOP`: a magic link on the way). Where the path had a `/` or a `..` past the
    /// directory the kernel named, the file cannot be placed.
    Failed(String),
}

impl LookedUp {
    /// The error of a failed lookup.
    pub fn failed(&self) -> Option<&str> {
        match &self.found {
            Found::Failed(e) => Some(e),
            Found::Name(_) => None,
        }
    }

    /// The name a successful lookup found.
    pub fn name(&self) -> Option<&str> {
        match &self.found {
            Found::Name(n) => Some(n),
            Found::Failed(_) => None,
        }
    }
}

impl PathRef {
    /// Every distinct name the event has for the file: the absolute (or given) path, then
    /// the kernel's name when it differs (a symlink, a bind mount), then the name the
    /// recorder looked up on the host when that differs.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.best())
            .chain(self.real.as_deref())
            .chain(self.looked_up_name())
    }

    /// The name a host lookup found ([`Found::Name`]).
    pub fn looked_up_name(&self) -> Option<&str> {
        self.looked_up.as_ref().and_then(LookedUp::name)
    }

    /// The absolute path if known, else the path as given. The name the process used: a
    /// reviewer recognises it, and a program's name in argv and unit files is this one.
    pub fn best(&self) -> &str {
        self.resolved
            .as_deref()
            .or(self.given.as_deref())
            .unwrap_or("")
    }
}

/// A socket address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "family", rename_all = "snake_case")]
pub enum SockAddr {
    Inet {
        ip: String,
        port: u16,
    },
    Inet6 {
        ip: String,
        port: u16,
    },
    /// `path` for a filesystem socket, `abstract_name` for an abstract one (Linux's leading NUL
    /// dropped), neither for an unnamed one.
    Unix {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        path: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        abstract_name: Option<String>,
    },
    /// Another family: its number and the raw bytes in hex.
    Other {
        number: u16,
        hex: String,
    },
}

/// A source route (an IPv4 `LSRR`/`SSRR` option, an IPv6 routing header): the addresses a
/// datagram goes through, in order, before the one its call names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SourceRoute {
    /// `LSRR`, `SSRR` (IPv4), `RH0`, `RH2` (Mobile IPv6), `SRH` (segment routing).
    pub kind: String,
    /// The hops; the first is the datagram's IP destination.
    pub hops: Vec<String>,
}

/// The eight ids of a credential set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
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

/// What happened: `kind` names the variant, `fields` holds its data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", content = "fields", rename_all = "snake_case")]
pub enum EventData {
    // -- process
    Fork {
        child_pid: u32,
        child_tid: u32,
        /// A thread (CLONE_THREAD) rather than a process.
        thread: bool,
        clone_flags: u64,
    },
    /// A process outside the recorded tree that this one took control of (a successful
    /// ptrace request on it, a write-open of its `/proc/N/mem`, a process_vm_writev into it):
    /// the kernel side added it to the tracked set, so what it does from here on is recorded,
    /// and is this process's doing. A failed `result` (the tracked set was full) means it was
    /// not added. Added in version 1 as a new kind (2026-12).
    Adopt {
        /// The process taken over, as the call named it (ptrace's tid; the pid otherwise).
        victim_pid: u32,
        /// Its name (`/proc/N/comm` when the record was read); null when it could not be read.
        victim_comm: Option<String>,
        /// Threads it had when the record was read (`/proc/N/status`); only the named one and
        /// the children it forks later are followed. Null when it could not be read.
        victim_threads: Option<u32>,
        /// The call that took control: `ptrace PTRACE_SEIZE`, `process_vm_writev`,
        /// `openat /proc/N/mem`.
        how: String,
    },
    Exec {
        /// The program as passed to execve, made absolute; its `real` is the kernel's name of
        /// the file exec'd (a symlink's target, the script itself for a `#!` script), where it
        /// differs. The program the process asked to run: rules that name programs read this.
        path: PathRef,
        /// The kernel's name of the interpreter the new image runs, where that is not the file
        /// exec'd: a `#!` script's interpreter (`/usr/bin/python3.12`), a binfmt_misc
        /// handler. Omitted for a binary. Added 2026-12 (before, a script's `real` named its
        /// interpreter).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        interpreter: Option<String>,
        argv: Vec<String>,
        argv_truncated: bool,
        /// Null when the entry was not seen (the task joined the scope mid-exec).
        before: Option<Creds>,
        after: Option<Creds>,
        /// The effective uid or gid changed (a setuid/setgid program).
        setid: bool,
        /// The file the new image runs has its setuid bit (or setgid with group execute), as
        /// the kernel saw its mode at the exec: a setuid/setgid program even when the ids did
        /// not change (root running a setuid-root program). Omitted when false. Added 2026-12.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        setid_file: bool,
        /// Capabilities the exec added to the permitted set (`CAP_NET_RAW`, …): a program
        /// with file capabilities, a setuid-root program, or root's exec after dropping some.
        /// Empty when none, or when the sets were not read. Added 2026-12.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        caps_gained: Vec<String>,
    },
    Exit {
        /// Raw wait status; null when unknown.
        status: Option<i32>,
        /// Exit code when it exited.
        code: Option<i32>,
        /// Signal number when a signal killed it.
        signal: Option<i32>,
        core_dumped: bool,
    },
    // -- file
    Open {
        path: PathRef,
        /// `O_*` names.
        flags: Vec<String>,
        flags_raw: u64,
        /// Only with O_CREAT or O_TMPFILE.
        mode: Option<u32>,
        /// "read", "write" or "read_write" from O_ACCMODE (O_PATH: "path").
        access: String,
        /// openat2's RESOLVE_* bits.
        #[serde(default, skip_serializing_if = "is_zero")]
        resolve: u64,
    },
    Unlink {
        path: PathRef,
        /// AT_REMOVEDIR: a directory removed through unlinkat.
        dir: bool,
    },
    Rename {
        from: PathRef,
        to: PathRef,
        flags: u64,
    },
    Mkdir {
        path: PathRef,
        mode: u32,
    },
    Rmdir {
        path: PathRef,
    },
    Chmod {
        /// The file, or for fchmod the file behind the fd when it is known.
        path: Option<PathRef>,
        fd: Option<i32>,
        mode: u32,
    },
    Chown {
        path: Option<PathRef>,
        fd: Option<i32>,
        /// -1 (u32::MAX) leaves the id unchanged.
        uid: u32,
        gid: u32,
        /// AT_SYMLINK_NOFOLLOW / lchown.
        nofollow: bool,
    },
    Link {
        /// The existing file.
        target: PathRef,
        /// The new name.
        path: PathRef,
    },
    Symlink {
        /// The link's content, as written (not resolved: it is what the link will point to).
        target: String,
        path: PathRef,
    },
    Truncate {
        path: Option<PathRef>,
        fd: Option<i32>,
        length: i64,
    },
    Mknod {
        path: PathRef,
        mode: u32,
        dev: u64,
    },
    MemfdCreate {
        name: String,
        flags: u64,
    },
    Chdir {
        path: Option<PathRef>,
        fd: Option<i32>,
    },
    /// An extended attribute set or removed (the `*xattr*` calls that change a file).
    Xattr {
        /// The file, or for the f* forms the file behind the fd when it is known.
        path: Option<PathRef>,
        fd: Option<i32>,
        /// The attribute, e.g. `security.capability`.
        name: String,
        /// `set` or `remove`.
        op: String,
        /// `XATTR_*` flags of a set, `AT_*` flags of the *at forms.
        flags: u64,
    },
    /// A file's timestamps set (utime, utimes, utimensat, futimesat).
    Utime {
        /// The file; for utimensat with a null path, the file behind the dirfd when known.
        path: Option<PathRef>,
        flags: u64,
    },
    /// A file's inode flags set: file_setattr, or the ioctls `FS_IOC_SETFLAGS` (chattr) and
    /// `FS_IOC_FSSETXATTR`. Immutable and append-only files (`FS_IMMUTABLE_FL`,
    /// `FS_XFLAG_APPEND`, …) are what an attacker or a careful daemon sets. Added in version 1
    /// as a new kind (2026-12).
    FileAttr {
        /// The file: by path (file_setattr), or the file behind the fd when the fd table knows
        /// it.
        path: Option<PathRef>,
        /// The ioctl's fd.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fd: Option<i32>,
        /// The ioctl's command (`FS_IOC_SETFLAGS`, `FS_IOC_FSSETXATTR`); null for file_setattr.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        op: Option<String>,
        /// The flags set, by name (`FS_*_FL` for FS_IOC_SETFLAGS, `FS_XFLAG_*` otherwise).
        flags: Vec<String>,
        /// The same as a number; null when the call's struct could not be read.
        flags_raw: Option<u64>,
    },
    /// name_to_handle_at: a file's handle, which open_by_handle_at later opens without a path.
    NameToHandle {
        path: PathRef,
        /// `TYPE:HEX` of the handle the kernel returned; null when it failed or was unreadable.
        handle: Option<String>,
        flags: u64,
    },
    // -- network
    Socket {
        domain: String,
        #[serde(rename = "type")]
        sock_type: String,
        protocol: i32,
    },
    Bind {
        fd: i32,
        addr: Option<SockAddr>,
        /// Not a bind(2): the local address a UDP socket had after a send, where no bind(2)
        /// named its port (the kernel autobound it at its first send, from
        /// `ip_local_port_range`; or a bind to port 0 let the kernel pick). `fd` is the
        /// send's, -1 when the send was not a recorded send call (write, io_uring).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        autobind: bool,
    },
    Listen {
        fd: i32,
        backlog: i32,
        /// The address bound to this fd earlier in the trace, when seen; for a socket bound
        /// before the trace (inherited, socket-activated), its local address read from
        /// /proc/PID/net when the event was decoded.
        addr: Option<SockAddr>,
    },
    Accept {
        fd: i32,
        /// The peer, when the process asked for it.
        peer: Option<SockAddr>,
        /// The listening address, when its bind was seen.
        local: Option<SockAddr>,
    },
    Connect {
        fd: i32,
        addr: Option<SockAddr>,
    },
    Send {
        fd: i32,
        addr: Option<SockAddr>,
        /// A send to a netlink address: its first message's header. Added in version 1
        /// (2026-12); absent for every other send.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        netlink: Option<NetlinkMsg>,
    },
    /// fds a process got from outside its own opens: over `SCM_RIGHTS` (recvmsg, recvmmsg)
    /// or taken from another process with pidfd_getfd. Unless `named`, the trace does not know
    /// what they are, so what the process does through them (reads, writes, sends) is not
    /// known to be a file or address the trace names. An fd a recorded process sent is named
    /// after its sender's fd (the kernel side matched the open file itself, not the numbers
    /// in the message). Added in version 1 (2026-12).
    FdReceived {
        call: String,
        /// The socket received on, or pidfd_getfd's pidfd.
        fd: i32,
        /// pidfd_getfd: the process behind the pidfd (from the fd table), when known;
        /// recvmsg: the recorded process that sent every fd of the message, when one did.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source_pid: Option<u32>,
        /// pidfd_getfd: the fd taken from it; recvmsg of one fd: the sender's fd.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source_fd: Option<i32>,
        /// The new fds in this process (pidfd_getfd: its result; `SCM_RIGHTS`: those in the
        /// control data read).
        fds: Vec<i32>,
        /// What the new fds are, when the fd table knows them from the source process (a
        /// file's path, `socket`; several joined by `, `): a pidfd_getfd from a recorded
        /// process, fds a recorded process sent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        what: Option<String>,
        /// The fd table knows what every new fd is; false when any came from outside the
        /// recording.
        named: bool,
    },
    // -- privilege
    Setuid {
        /// The ids asked for, in the call's order (setresuid: real, effective, saved; -1 as
        /// u32::MAX keeps one).
        requested: Vec<u32>,
    },
    Setgid {
        requested: Vec<u32>,
    },
    Setgroups {
        groups: Vec<u32>,
        count: u32,
    },
    Capset {
        /// Capability sets as hex masks; null when the data could not be read.
        effective: Option<String>,
        permitted: Option<String>,
        inheritable: Option<String>,
    },
    Prctl {
        option: String,
        arg2: u64,
    },
    Mount {
        source: Option<String>,
        target: PathRef,
        fstype: Option<String>,
        flags: u64,
    },
    Umount {
        target: PathRef,
        flags: u64,
    },
    Unshare {
        flags: Vec<String>,
    },
    Setns {
        fd: i32,
        nstype: Vec<String>,
    },
    Chroot {
        path: PathRef,
    },
    PivotRoot {
        new_root: PathRef,
        put_old: PathRef,
    },
    Ptrace {
        request: String,
        target_pid: i32,
    },
    Bpf {
        cmd: String,
    },
    /// A signal sent (kill, tkill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo,
    /// pidfd_send_signal): to the recorder, it is interference.
    Signal {
        call: String,
        /// kill's pid (a negative one is a process group), tgkill's and rt_tgsigqueueinfo's
        /// tgid, tkill's tid, rt_sigqueueinfo's pid, and for pidfd_send_signal the process
        /// behind the pidfd (from the fd table); 0 with `target_unknown`.
        target_pid: i32,
        /// tkill's, tgkill's and rt_tgsigqueueinfo's thread.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target_tid: Option<i32>,
        /// `SIGTERM`, …; `0` for the existence probe.
        signal: String,
        /// pidfd_send_signal's fd. Added in version 1 (2026-12).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pidfd: Option<i32>,
        /// The target could not be named: a pidfd the trace never saw made (`CLONE_PIDFD`,
        /// one inherited, received or taken from another process). Such a signal may have
        /// gone to the recorder, so no claim holds over it. Added in version 1 (2026-12).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        target_unknown: bool,
        /// The target's real and saved uid as the kernel generated the signal (read from its
        /// task at `signal_generate`): the ids kernel/signal.c's `kill_ok_by_cred` compares
        /// with the sender's real and effective uid. Absent when no signal was generated
        /// (refused, no such process, signal 0) or by older recorders. Added 2026-12-05.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target_ids: Option<[u32; 2]>,
    },
    ModuleLoad {
        params: Option<String>,
    },
    /// The new mount API: open_tree, move_mount, fsopen, fsconfig, fsmount, fspick,
    /// mount_setattr, open_tree_attr.
    MountApi {
        call: String,
        path: Option<PathRef>,
        /// move_mount's destination.
        path2: Option<PathRef>,
        /// fsopen's filesystem type, fsconfig's key.
        name: Option<String>,
        flags: u64,
    },
    /// A system clock set or adjusted (adjtimex, clock_adjtime, clock_settime, settimeofday:
    /// CAP_SYS_TIME), or only read through one of them (`query`). Added in version 1 as a new
    /// kind (2026-12).
    Clock {
        call: String,
        /// `CLOCK_REALTIME`, `CLOCK_TAI`, …, `CLOCK_<n>` for another number, `fd N` for a
        /// dynamic clock (a PTP device) opened as fd N. adjtimex and settimeofday act on
        /// CLOCK_REALTIME.
        clock: String,
        /// adjtimex, clock_adjtime: the `ADJ_*` names of `struct timex`'s `modes`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        modes: Vec<String>,
        /// adjtimex, clock_adjtime: `modes` as passed; null for the other calls, or when the
        /// struct could not be read (flag `read_failed`).
        modes_raw: Option<u32>,
        /// clock_settime's and settimeofday's new time (settimeofday's microseconds as
        /// nanoseconds); null when not given or unreadable.
        time: Option<ClockTime>,
        /// settimeofday's timezone; null when not given or unreadable.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        timezone: Option<TimeZone>,
        /// The call can change no clock and needs no privilege: adjtimex or clock_adjtime with
        /// `modes` 0 (or `ADJ_OFFSET_SS_READ`, adjtime(3)'s read), settimeofday with neither a
        /// time nor a zone. False when `modes` could not be read.
        query: bool,
    },
    /// Another call that needs a capability and acts on the system (reboot, kexec_load,
    /// kexec_file_load, delete_module, swapon, swapoff, sethostname, setdomainname, ioperm,
    /// iopl, acct, quotactl, quotactl_fd, syslog, perf_event_open, vhangup). Added in version
    /// 1 as a new kind (2026-12).
    PrivilegedCall {
        call: String,
        /// The capability the kernel checks for it (`CAP_SYS_BOOT`, …).
        capability: String,
        /// What it asks: reboot's command, quotactl's command, syslog's action, perf's event
        /// type, ioperm's port range, iopl's level; null where the call has no such argument.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        op: Option<String>,
        /// swapon's, swapoff's and acct's file, quotactl's block device.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        path: Option<PathRef>,
        /// sethostname's and setdomainname's new name, delete_module's module.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        /// The call changes nothing and needs no capability: quotactl's reads (`Q_GETQUOTA`,
        /// `Q_SYNC`, …). syslog's reads are not queries: with `kernel.dmesg_restrict` set,
        /// as on Debian, every action needs CAP_SYSLOG.
        query: bool,
    },
    /// A call that sets the caller's own security policy or execution domain: seccomp,
    /// landlock_create_ruleset, landlock_add_rule, landlock_restrict_self, personality,
    /// lsm_set_self_attr. They restrict (or, for personality's `READ_IMPLIES_EXEC` and
    /// `ADDR_NO_RANDOMIZE`, weaken) the process itself and need no capability, so no claim is
    /// contradicted by one. Added in version 1 as a new kind (2026-12).
    SelfPolicy {
        call: String,
        /// seccomp's operation (`SECCOMP_SET_MODE_FILTER`, …), landlock_add_rule's rule type
        /// (`LANDLOCK_RULE_PATH_BENEATH`), personality's execution domain (`PER_LINUX`;
        /// `query` for 0xffffffff), lsm_set_self_attr's attribute (`LSM_ATTR_CURRENT`, …).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        op: Option<String>,
        /// Flags by name: seccomp's `SECCOMP_FILTER_FLAG_*`, landlock's, personality's
        /// (`ADDR_NO_RANDOMIZE`, `READ_IMPLIES_EXEC`, …).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        flags: Vec<String>,
        /// What it sets, in words: a filter's length, the access rights a ruleset handles or
        /// a rule allows and beneath which directory (from the fd table) or on which port, the
        /// ruleset fd restricted to, the persona as a number, the LSM and context set.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        detail: Option<String>,
        /// The call only asks (personality(0xffffffff), seccomp's action and notification
        /// size queries, landlock's ABI version query): nothing was set.
        query: bool,
    },
    /// A kernel keyring call: add_key, request_key, keyctl. Keys hold secrets (the payload is
    /// never copied). Added in version 1 as a new kind (2026-12).
    Keyring {
        call: String,
        /// keyctl's operation (`KEYCTL_SEARCH`, …); null for add_key and request_key.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        op: Option<String>,
        /// The key's type (`user`, `logon`, `keyring`, …) and description (keyctl: those of
        /// KEYCTL_SEARCH, KEYCTL_RESTRICT_KEYRING's restriction, KEYCTL_JOIN_SESSION_KEYRING's
        /// keyring name); null where the call names none or they were unreadable.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key_type: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        description: Option<String>,
        /// The key or keyring acted on or added to: `KEY_SPEC_*` by name, else its serial.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target: Option<String>,
    },
    /// A socket option set with setsockopt(2) that needs a capability, makes the kernel do
    /// crypto for the socket, or reroutes its datagrams; or (`syscall` `sendmsg`) a datagram's
    /// own source route in sendmsg's control data (`IP_RETOPTS`, `IPV6_RTHDR`). Other options
    /// are not recorded (the kernel side drops them; see `tracer_common::sockopt`). Added in
    /// version 1 as a new kind (2026-12).
    Sockopt {
        /// The socket.
        fd: i32,
        /// `SOL_SOCKET`, `SOL_IP`, `SOL_IPV6`, `SOL_TCP`, `SOL_TLS`; `control` for a sendmsg
        /// whose control data was not all read.
        level: String,
        /// `SO_MARK`, `TCP_MD5SIG`, …; a sendmsg's control message type.
        option: String,
        /// setsockopt's `optlen`; a control message's data length.
        optlen: u32,
        /// An int option's value; null for the others or when unread.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<i64>,
        /// What else the value says, in words: the device bound to, the upper layer protocol,
        /// the peer of a TCP-MD5 or TCP-AO key (never the key), kTLS's version and cipher, a
        /// socket filter's length.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        detail: Option<String>,
        /// The capability the kernel checks for what was asked (`CAP_NET_ADMIN`, `CAP_NET_RAW
        /// or CAP_NET_ADMIN`); null when it checks none. Whether the call succeeded is in
        /// `result`: an attempt the kernel refused still asked for it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        capability: Option<String>,
        /// The crypto the kernel does for the socket from then on (TCP-MD5 or TCP-AO segment
        /// signatures, kernel TLS, an IPsec policy).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        crypto: Option<String>,
        /// A source route: the datagrams (a sendmsg's one, or every one of the socket after a
        /// setsockopt) go to its hops first, whatever address the connect or send names.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        route: Option<SourceRoute>,
        /// The option may reroute datagrams in a way the record does not tell: a route value
        /// unread or cut, `IPV6_2292PKTOPTIONS` (not decoded), a sendmsg's control data not all
        /// read.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        route_unknown: bool,
    },
    /// mlock, mlock2 or mlockall, with what tells whether the kernel let it past the caller's
    /// `RLIMIT_MEMLOCK` on CAP_IPC_LOCK: the limit and the address space's locked and total
    /// bytes, read at the call's exit. Added in version 1 as a new kind (2026-12).
    Mlock {
        /// mlock and mlock2: the range (`addr`, `len` bytes); null for mlockall.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        addr: Option<u64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        len: Option<u64>,
        /// `MLOCK_ONFAULT`; mlockall's `MCL_CURRENT`, `MCL_FUTURE`, `MCL_ONFAULT`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        flags: Vec<String>,
        /// `RLIMIT_MEMLOCK`'s soft limit (bytes); null when `unlimited` or unread.
        limit: Option<u64>,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        unlimited: bool,
        /// Bytes locked (`mm->locked_vm`) and mapped (`mm->total_vm`) in the caller's address
        /// space after the call; null when unread.
        locked: Option<u64>,
        total: Option<u64>,
        /// The call asked to lock past the limit, which only CAP_IPC_LOCK allows: true, false,
        /// or null when the record cannot tell (see `why`).
        over_limit: Option<bool>,
        /// How `over_limit` was decided, in words.
        why: String,
    },
    // -- environment
    /// Random bytes drawn with getrandom(2). Opens of /dev/random and /dev/urandom are `open`
    /// events.
    Getrandom {
        bytes: u64,
        /// `GRND_*` names.
        flags: Vec<String>,
    },
    /// An io_uring ring set up (`io_uring_setup`).
    IoUringCreate {
        fd: i32,
        sq_entries: u32,
        cq_entries: u32,
        /// `IORING_SETUP_*`.
        flags: u32,
    },
    /// An operation submitted to an io_uring ring: it bypasses the syscalls the other kinds
    /// come from. Recorded at submission (its result is not).
    IoUringOp {
        /// `IORING_OP_*` in lower case, e.g. `openat`, `connect`.
        op: String,
        /// `file`, `network` or `other`: which claims it concerns.
        family: String,
        /// The entry's fd (the file operated on, or the dirfd of a path); null when the
        /// entry could not be read.
        fd: Option<i32>,
        path: Option<PathRef>,
        /// The second path of renameat, symlinkat, linkat.
        path2: Option<PathRef>,
        /// connect, bind: the address; send/sendmsg (and _zc): the destination, if any.
        addr: Option<SockAddr>,
        /// The entry's per-operation flags (`open_flags`, `msg_flags`, …).
        op_flags: Option<u32>,
        /// The file or address the operation acts on is in the record.
        named: bool,
        /// Submitted by the ring's SQPOLL kernel thread.
        sq_thread: bool,
        /// setxattr, fsetxattr: the extended attribute's name (`path` is setxattr's path, or
        /// fsetxattr's fd's file when the fd table knows it). Added in version 1 (2026-12).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    /// An environment variable looked up through libc (a uprobe on getenv/secure_getenv).
    Getenv {
        name: String,
        /// secure_getenv, which returns nothing in setuid programs.
        secure: bool,
        /// The code that called it. Absent in traces of recorders that did not record it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        caller: Option<CallSite>,
    },
    /// A call into a crypto library's entry point (uprobes; see tracer_common::crypto).
    Crypto {
        /// The library's file name prefix: `libcrypto.so`, `libssl.so`, `libgcrypt.so`, …
        library: String,
        /// The function: `EVP_EncryptInit_ex`, `RAND_bytes`, `SSL_connect`, …
        function: String,
        /// The code that called it. Absent in traces of recorders that did not record it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        caller: Option<CallSite>,
    },
}

/// The first message of a send to a netlink address (`struct nlmsghdr`): what a netlink
/// request asks the kernel (an rtnetlink `RTM_NEWADDR` changes an interface's addresses).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct NetlinkMsg {
    /// The socket's protocol (`NETLINK_ROUTE`, …), from the socket call that made it; null
    /// when the trace does not show that call.
    pub protocol: Option<String>,
    /// The message type: `RTM_*` for rtnetlink, the number for other protocols; null when the
    /// header could not be read.
    pub msg_type: Option<String>,
    pub msg_type_raw: Option<u16>,
    /// `NLM_F_*` flags as a number.
    pub flags: Option<u16>,
    /// The send carried more bytes than the first message: further messages, not read.
    pub more: bool,
}

/// A time a clock call passes: seconds and nanoseconds, as given (an invalid one too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ClockTime {
    pub sec: i64,
    pub nsec: i64,
}

/// settimeofday's `struct timezone`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TimeZone {
    pub minuteswest: i32,
    pub dsttime: i32,
}

/// The code that called a probed library function (getenv, a crypto entry point): the file
/// mapped at the call's return address, read at the function's entry. It tells a library
/// calling for itself (libnettle's constructor reading `NETTLE_…`) from the program's own code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CallSite {
    /// The return address, hex (`0x7f…`); null when it could not be read from the stack.
    pub address: Option<String>,
    /// The mapped file's own name (a symlink's target: `libnettle.so.8.6`); null when not
    /// resolved.
    pub file: Option<String>,
    /// The return address's offset in that file, hex: for symbolizing it later.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inode: Option<u64>,
    /// The file's device, `MAJOR:MINOR`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dev: Option<String>,
    /// The file is the process's executable (`/proc/PID/exe`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub executable: bool,
    /// Why `file` is null: `anonymous mapping` (JIT code), `no mapping found`, `no kernel
    /// offsets`, `return address unreadable`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unresolved: Option<String>,
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

impl EventData {
    /// What this event records. The match is exhaustive, so a new variant does not compile
    /// until it has a kind; `kind().name()` is the `kind` string written in the trace.
    pub fn kind(&self) -> EventKind {
        match self {
            EventData::Fork { .. } => EventKind::Fork,
            EventData::Adopt { .. } => EventKind::Adopt,
            EventData::Exec { .. } => EventKind::Exec,
            EventData::Exit { .. } => EventKind::Exit,
            EventData::Open { .. } => EventKind::Open,
            EventData::Unlink { .. } => EventKind::Unlink,
            EventData::Rename { .. } => EventKind::Rename,
            EventData::Mkdir { .. } => EventKind::Mkdir,
            EventData::Rmdir { .. } => EventKind::Rmdir,
            EventData::Chmod { .. } => EventKind::Chmod,
            EventData::Chown { .. } => EventKind::Chown,
            EventData::Link { .. } => EventKind::Link,
            EventData::Symlink { .. } => EventKind::Symlink,
            EventData::Truncate { .. } => EventKind::Truncate,
            EventData::Mknod { .. } => EventKind::Mknod,
            EventData::MemfdCreate { .. } => EventKind::MemfdCreate,
            EventData::Chdir { .. } => EventKind::Chdir,
            EventData::Xattr { .. } => EventKind::Xattr,
            EventData::Utime { .. } => EventKind::Utime,
            EventData::NameToHandle { .. } => EventKind::NameToHandle,
            EventData::FileAttr { .. } => EventKind::FileAttr,
            EventData::Socket { .. } => EventKind::Socket,
            EventData::Bind { .. } => EventKind::Bind,
            EventData::Listen { .. } => EventKind::Listen,
            EventData::Accept { .. } => EventKind::Accept,
            EventData::Connect { .. } => EventKind::Connect,
            EventData::Send { .. } => EventKind::Send,
            EventData::FdReceived { .. } => EventKind::FdReceived,
            EventData::Setuid { .. } => EventKind::SetUid,
            EventData::Setgid { .. } => EventKind::SetGid,
            EventData::Setgroups { .. } => EventKind::SetGroups,
            EventData::Capset { .. } => EventKind::Capset,
            EventData::Prctl { .. } => EventKind::Prctl,
            EventData::Mount { .. } => EventKind::Mount,
            EventData::Umount { .. } => EventKind::Umount,
            EventData::Unshare { .. } => EventKind::Unshare,
            EventData::Setns { .. } => EventKind::Setns,
            EventData::Chroot { .. } => EventKind::Chroot,
            EventData::PivotRoot { .. } => EventKind::PivotRoot,
            EventData::Ptrace { .. } => EventKind::Ptrace,
            EventData::Bpf { .. } => EventKind::Bpf,
            EventData::Signal { .. } => EventKind::Signal,
            EventData::ModuleLoad { .. } => EventKind::ModuleLoad,
            EventData::MountApi { .. } => EventKind::MountApi,
            EventData::Clock { .. } => EventKind::Clock,
            EventData::PrivilegedCall { .. } => EventKind::PrivilegedCall,
            EventData::SelfPolicy { .. } => EventKind::SelfPolicy,
            EventData::Keyring { .. } => EventKind::Keyring,
            EventData::Sockopt { .. } => EventKind::Sockopt,
            EventData::Mlock { .. } => EventKind::Mlock,
            EventData::Getrandom { .. } => EventKind::Getrandom,
            EventData::Getenv { .. } => EventKind::Getenv,
            EventData::Crypto { .. } => EventKind::Crypto,
            EventData::IoUringCreate { .. } => EventKind::IoUringCreate,
            EventData::IoUringOp { .. } => EventKind::IoUringOp,
        }
    }
}

/// Why recording stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// The command's whole process tree (daemons it left behind included), or the `--pid`
    /// process, exited.
    TargetExited,
    /// `--duration` ran out.
    Duration,
    /// A signal to the recorder (SIGINT, SIGTERM, SIGHUP, …; `stop_signal` names it).
    Signal,
    /// The trace came out of a VM over a stream that stopped before the recorder's footer:
    /// the host wrote this footer, and `cut` says how and when (see `vm::stream`).
    StreamCut,
}

/// [`StreamCut::code`] when the recorder's footer came but its stop was not the job's (another
/// signal, or the job's signal from another sender): the package stopped the recorder.
pub const STOPPED_BY_OTHER: &str = "stopped_by_other";

/// [`StreamCut::code`] when another guest process opened the trace port after the recorder had
/// closed it: it wrote to the stream, so the package interfered with the recorder's evidence.
pub const PORT_REOPENED: &str = "port_reopened";

/// How a streamed trace was cut, as the host saw it. The counts of the host's footer are what
/// the host received; what the recorder lost is unknown, so every claim is inconclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct StreamCut {
    /// One sentence: the recorder stopped sending, the guest stopped, a host limit was hit…
    pub cause: String,
    /// The same as a code: `recorder_stopped`, `guest_stopped`, `host_timeout`,
    /// `size_limit`, `rate_limit`, `malformed`, [`STOPPED_BY_OTHER`], [`PORT_REOPENED`].
    pub code: String,
    /// What the host observed (the limit, the error).
    pub detail: String,
    /// The guest's wall clock of the last event received: nothing after it is known.
    pub last_guest_time: Option<String>,
    /// The guest's wall clock of the recorder's last heartbeat: it was alive then, but events
    /// it had not yet read from the kernel died with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_heartbeat_time: Option<String>,
    /// The host's wall clock when it cut the trace.
    pub host_time: String,
}

/// What became of a command's process tree when the recording was stopped before it ended
/// (`--duration` or a signal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TreeEnd {
    /// Processes still running, sent SIGTERM.
    pub terminated: u64,
    /// Of those, processes still running after the grace period, sent SIGKILL.
    pub killed: u64,
    /// Processes left running (`--leave-running`).
    pub left_running: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Footer {
    pub end_time: String,
    pub duration_ms: u64,
    pub stop_reason: StopReason,
    /// Exit status of a command target (`code` or `signal`), when it exited.
    pub target_exit: Option<TargetExit>,
    /// The signal that stopped the recording (`SIGHUP`, …), with `stop_reason` "signal".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_signal: Option<String>,
    /// Who sent `stop_signal`, as the kernel told the recorder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_sender: Option<StopSender>,
    /// A command's tree when the recording stopped before it ended; absent when it ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tree_end: Option<TreeEnd>,
    /// Events written, per kind (kinds with none are left out).
    pub events: BTreeMap<String, u64>,
    /// Events the kernel could not deliver (ring buffer full), per kind; every kind is listed.
    /// Also the calls still running when the recording stopped that had acted (or may have)
    /// and could not be written as `unfinished` events (a sendmsg's destinations were never
    /// read).
    pub lost: BTreeMap<String, u64>,
    /// Events with a cut path, argv or address, per kind.
    pub truncated: BTreeMap<String, u64>,
    /// Relative paths whose base (cwd or dirfd) was unknown, per kind.
    pub unresolved_paths: BTreeMap<String, u64>,
    /// Ring-buffer records userspace could not decode (a bug if ever non-zero).
    pub malformed: u64,
    /// Written by the host, not the recorder: the trace's stream stopped here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cut: Option<StreamCut>,
    /// What the code that ran contains: one entry per program a recorded process exec'd
    /// (and the ELF or `#!` interpreter it names) and per shared object it opened. Crypto
    /// done in a program's own code makes no call a trace can see, so a crypto claim reads
    /// this. Absent in traces of recorders that did not scan (added to version 1, 2026-12)
    /// and in footers the host writes for a cut stream; empty when nothing was run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_scan: Option<Vec<CodeScan>>,
    /// The recorder's own file-size limit (`RLIMIT_FSIZE`) was found lowered while it wrote
    /// the trace (someone else set it: prlimit64 on the recorder's pid), and raised back: the
    /// limits found, in bytes, in order. A write refused at the limit was retried, so the
    /// trace is whole; that someone changed the recorder's limit is interference. Omitted when
    /// empty (added to version 1, 2026-12).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fsize_limits_found: Vec<u64>,
    /// Per kind, records the kernel side submitted to the ring buffer that the collector never
    /// read: someone holding the ring's fd moved its consumer position past them. They are
    /// also counted in `lost`, so the claims resting on their kinds are inconclusive. Added in
    /// version 1 (2026-12): absent when none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ring_skipped: BTreeMap<String, u64>,
    /// Set when the ring's consumer position was moved by someone other than the collector:
    /// the collector found a position it did not write (it swaps its own in with a
    /// compare-and-exchange and checks before each record), or `ring_skipped` is not empty.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub consumer_moved: bool,
    /// What was done to the recorder's own output while it recorded: a traced process opened
    /// it (or its `.partial`) for writing, renamed, linked, unlinked or truncated it, or the
    /// recorder found at the end that the `.partial` name no longer led to the file it wrote
    /// (replaced or removed) or that its file had gained another name. Whatever is at the
    /// output's name may then not be the recorder's whole record: no claim holds. The
    /// recorder publishes its own file whatever the name leads to (`record::output`). Added
    /// in version 1 (2026-12): absent when nothing was found.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tampered: Vec<OutputTouch>,
}

/// One thing done to the recorder's output (see [`Footer::tampered`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OutputTouch {
    /// The event that did it; absent for what the recorder found itself at the end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
    /// What was done, in words.
    pub what: String,
}

/// A static scan of one file a recorded process ran (see `record::codescan`): the crypto
/// constants anywhere in it and the crypto instructions in its executable sections.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CodeScan {
    /// The path as the trace's exec or open event names it.
    pub path: String,
    /// The file it is, symlinks followed, when that differs from `path`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub real_path: Option<String>,
    /// An ELF file (an executable or shared object). A file that is neither ELF nor a `#!`
    /// script holds no machine code the recorder knows how to run.
    pub elf: bool,
    /// The program the kernel also ran for it: an ELF file's `PT_INTERP` (the dynamic
    /// loader), a `#!` script's interpreter. Scanned as an entry of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interpreter: Option<String>,
    /// Crypto constants found: `SHA-256`, `SHA-512`, `SHA-1`, `MD5`, `AES`,
    /// `SHA-2/BLAKE2 IV`, `BLAKE2`, `ChaCha/Salsa`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constants: Vec<String>,
    /// Crypto instructions in its executable sections: `RDRAND`, `RDSEED`, `AES-NI`,
    /// `SHA-NI`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instructions: Vec<String>,
    /// For a Python `#!` script: the crypto modules it imports (`hashlib`, `hmac`,
    /// `secrets`, `ssl`, `_blake2`, `_sha256`, `cryptography`, …), by top-level name. For an
    /// ELF file (2026-12-04): the crypto library functions it imports that start crypto by
    /// themselves (`SHA256_Init`, `AES_set_encrypt_key`, `crypt`, `gcry_md_open`, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub imports: Vec<String>,
    /// Why it could not be scanned, or scanned only in part (`deleted`, `unreadable: …`,
    /// `cut at N bytes`): what it holds is unknown. Absent when it was scanned whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unscanned: Option<String>,
}

impl CodeScan {
    /// A file by this name, nothing known about it yet.
    pub fn new(path: String) -> Self {
        CodeScan {
            path,
            real_path: None,
            elf: false,
            interpreter: None,
            constants: Vec::new(),
            instructions: Vec::new(),
            imports: Vec::new(),
            unscanned: None,
        }
    }

    /// What was found, in words: `SHA-256/BLAKE2 constants, RDRAND instructions`.
    pub fn found(&self) -> Option<String> {
        self.found_where(|_| true)
    }

    /// [`Self::found`] with only the imports `keep` keeps (the verdict leaves out the library
    /// functions a uprobe watched: a call to one is an event of its own).
    pub fn found_where(&self, keep: impl Fn(&str) -> bool) -> Option<String> {
        let imports: Vec<String> = self
            .imports
            .iter()
            .filter(|i| keep(i.as_str()))
            .cloned()
            .collect();
        let parts: Vec<String> = [
            (&self.constants, "constants", ""),
            (&self.instructions, "instructions", ""),
            (&imports, "", "imports "),
        ]
        .into_iter()
        .filter(|(v, _, _)| !v.is_empty())
        .map(|(v, after, before)| format!("{before}{} {after}", v.join("/")).trim().to_owned())
        .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

/// Who sent the signal that stopped the recording, from the kernel's `siginfo`. A stop must
/// be told from a stop by someone else: in `tracer vm check` the job stops the recorder, and a
/// package that sends it the same SIGINT must not pass for the job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct StopSender {
    /// `kill` (kill(2)) or `tkill` (tkill, tgkill): the kernel wrote the pid. `queued`
    /// (sigqueue and the like): the pid is the sender's own claim, unchecked. `kernel`: no
    /// process (a terminal's Ctrl-C, a timer, a CPU limit). `other`: any other `si_code`.
    pub how: String,
    /// The sender's pid (0 from the kernel).
    pub pid: u32,
    /// The sender's command name when the recorder looked (gone: absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comm: Option<String>,
    /// The sender is the recorder's parent, and the kernel vouches for its pid (`kill` or
    /// `tkill`): the process that started the recorder stopped it.
    pub parent: bool,
}

impl Footer {
    /// Saturating: a crafted footer's counts cannot wrap around to "0 lost".
    pub fn total_lost(&self) -> u64 {
        self.lost
            .values()
            .fold(0u64, |acc, n| acc.saturating_add(*n))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TargetExit {
    pub code: Option<i32>,
    pub signal: Option<i32>,
}
