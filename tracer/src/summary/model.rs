//! The summary's JSON shape. Field names here are the format (docs/summary.md).

use schemars::JsonSchema;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Summary {
    /// Always [`super::SUMMARY_VERSION`].
    pub summary_version: u32,
    pub recording: Recording,
    /// Process trees: roots are processes whose parent is not in the trace.
    pub processes: Vec<ProcessNode>,
    pub files: Files,
    pub sockets: Sockets,
    pub privilege: Vec<PrivilegeChange>,
    /// Restrictions processes set on themselves: seccomp filters (seccomp(2) or
    /// prctl(PR_SET_SECCOMP)), no_new_privs, landlock, personality, LSM attributes. Not
    /// privilege changes (none needs a capability), but what a reviewer of a daemon's
    /// hardening looks for. Added to version 1 (2026-12): absent from older summaries.
    #[serde(default)]
    pub self_policy: Vec<CallUse>,
    /// Kernel keyring calls (add_key, request_key, keyctl): keys hold secrets. Added to
    /// version 1 (2026-12): absent from older summaries.
    #[serde(default)]
    pub keyring: Vec<CallUse>,
    /// getenv lookups and getrandom draws (empty when the recorder had no such hooks: see
    /// `recording`).
    #[serde(default)]
    pub environment: EnvironmentUse,
    pub loss: Loss,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct EnvironmentUse {
    /// Variables looked up through libc getenv/secure_getenv, by name (`""` when unreadable).
    pub getenv: Vec<Lookup>,
    pub getrandom_calls: u64,
    pub getrandom_bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Lookup {
    pub name: String,
    pub count: u64,
    pub pids: Vec<u32>,
}

/// Where and how the trace was recorded, from its header and footer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Recording {
    pub tool_version: String,
    pub kernel: String,
    pub hostname: String,
    pub start_time: String,
    /// The recorded target, as one line (`command: sh -c …`, `unit: x.service`).
    pub target: String,
    /// Null when the recording did not finish.
    pub duration_ms: Option<u64>,
    pub stop_reason: Option<String>,
    pub events: u64,
    pub hooks_attached: usize,
    /// Hooks that exist in the kernel but could not be attached: their events are missing.
    pub hooks_failed: Vec<String>,
    /// Hooks whose point this kernel does not have at all (no module support, a syscall newer
    /// than the kernel): nothing can happen through them, so nothing is missing.
    #[serde(default)]
    pub hooks_absent: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ProcessNode {
    pub pid: u32,
    pub ppid: Option<u32>,
    /// The last command name seen.
    pub comm: String,
    pub uid: u32,
    /// Null when the kernel side could not read it.
    pub euid: Option<u32>,
    pub execs: Vec<ExecInfo>,
    pub exit: Option<ExitInfo>,
    pub children: Vec<ProcessNode>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ExecInfo {
    pub seq: u64,
    /// The program the process asked to run (a script's own path, not its interpreter's).
    pub path: String,
    /// The interpreter its image runs, where that is another file (a `#!` script's). Added
    /// 2026-12 (session 25).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interpreter: Option<String>,
    pub argv: Vec<String>,
    pub argv_truncated: bool,
    /// A setuid/setgid program changed the effective ids.
    pub setid: bool,
    /// `ok` or the errno of a failed execve.
    pub result: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ExitInfo {
    pub code: Option<i32>,
    pub signal: Option<i32>,
    pub core_dumped: bool,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Files {
    /// Files changed in any way (written, created, removed, renamed, re-moded, re-owned).
    pub changed: Vec<DirGroup>,
    /// Files opened for reading only, successfully; an open still waiting when the recording
    /// stopped (a FIFO's) is listed with the op `read (unfinished)`.
    pub read: Vec<DirGroup>,
    /// Read-only opens that failed (library and config searches, mostly): counted, not listed.
    pub read_failed: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DirGroup {
    pub dir: String,
    pub files: Vec<FileEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FileEntry {
    /// The name inside `dir`.
    pub name: String,
    /// What was done, e.g. `write`, `create`, `remove`, `chmod 0644`; a failed attempt carries
    /// its errno: `create (EACCES)`; a call still running when the recording stopped,
    /// `(unfinished)`.
    pub ops: Vec<String>,
    pub pids: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Sockets {
    pub listening: Vec<Listening>,
    /// Addresses bound (port ≠ 0 or a unix path) on sockets never seen listening: UDP servers,
    /// unix datagram sockets, or binds before a lost listen.
    pub bound: Vec<Listening>,
    pub connected: Vec<Connection>,
    /// sendto/sendmsg with an explicit destination.
    pub sent_to: Vec<Connection>,
    /// Connections accepted, per listening address.
    pub accepted: Vec<Connection>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Listening {
    pub pid: u32,
    pub comm: String,
    /// Null when the bind was not seen.
    pub addr: Option<String>,
    pub result: String,
}

/// One address and outcome, with how often and by whom.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Connection {
    pub addr: String,
    pub result: String,
    pub count: u64,
    pub pids: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PrivilegeChange {
    pub seq: u64,
    pub time: String,
    pub pid: u32,
    pub comm: String,
    /// Event kind (`setuid`, `capset`, `mount`, …, or `exec` of a setuid program).
    pub kind: String,
    pub detail: String,
    pub result: String,
}

/// One call of a self-policy or keyring event, in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CallUse {
    pub seq: u64,
    pub time: String,
    pub pid: u32,
    pub comm: String,
    /// The call (`seccomp`, `landlock_add_rule`, `prctl`, `keyctl`, …).
    pub call: String,
    /// What it set or did: `seccomp SECCOMP_SET_MODE_FILTER filter of 12 instructions`,
    /// `keyctl KEYCTL_SEARCH user "name" on KEY_SPEC_SESSION_KEYRING` (never a key's payload).
    pub detail: String,
    pub result: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Loss {
    /// False when the trace has no footer: the recorder did not finish, and what was lost is
    /// unknown.
    pub finished: bool,
    /// Kinds with lost events only.
    pub lost: BTreeMap<String, u64>,
    pub total_lost: u64,
    pub truncated: BTreeMap<String, u64>,
    pub unresolved_paths: BTreeMap<String, u64>,
    pub malformed: u64,
    /// Where the file and its footer disagree (events cut out, `seq` gaps, a cut last line):
    /// one sentence each. Not empty means the loss counts cannot be trusted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub integrity: Vec<String>,
}
