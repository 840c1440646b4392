//! Every map the programs share with userspace, and the load-time configuration.

use core::sync::atomic::{Ordering, compiler_fence};

use aya_ebpf::{
    macros::map,
    maps::{Array, HashMap, LruHashMap, PerCpuArray, ProgramArray, RingBuf},
};
use tracer_common::{
    Config, EntryArg, Event, INFLIGHT_ACTIVE, Inflight, MAX_KINDS, MAX_SYSCALL_NR, RealPath,
    environment::GetenvPending,
    file::{ArgLayout, FileRealData},
    io_uring::Pending,
    process::{ExecData, ExecRecord},
};

/// The records. Userspace sets the real size at load time (`--buffer-size`).
#[map]
pub static EVENTS: RingBuf = RingBuf::with_byte_size(1 << 24, 0);

/// Threads being recorded (key: tid). Userspace seeds it with the target; `sched_process_fork`
/// adds children of tracked threads, `sched_process_exit` removes the dead.
#[map]
pub static TRACKED: HashMap<u32, u8> = HashMap::with_max_entries(1 << 16, 0);

/// Arguments of the syscall each recorded thread is in (key: tid). One slot per thread, made
/// by its first recorded call and overwritten in place by each next one ([`begin_call`]); the
/// exit marks it finished ([`end_call`]) and the thread's end removes it. An insert and a
/// delete per call were a third of the map work of an open+close storm (issue 16): an LRU
/// insert takes a node from the free list and a delete gives it back, each under the LRU's
/// locks. Every reader goes through [`inflight`], which gives only a call in progress. LRU so
/// that threads whose end was missed cannot fill it.
#[map]
pub static INFLIGHT: LruHashMap<u32, Inflight> = LruHashMap::with_max_entries(1 << 16, 0);

/// The call thread `tid` is inside, if it entered a recorded one whose exit has not run: a
/// pointer to its `INFLIGHT` slot, valid for the program's run.
#[inline(always)]
pub fn inflight(tid: u32) -> Option<*mut Inflight> {
    let slot = INFLIGHT.get_ptr_mut(tid)?;
    // SAFETY: a map value read in place.
    unsafe { (*slot).in_call() }.then_some(slot)
}

/// Saves `call` (its `active` is ignored) as the call thread `tid` is entering: into the
/// thread's slot in place, or a new one on its first call. `Err` when there is no room.
///
/// The slot is marked finished first and in progress last, so that userspace reading it while
/// the thread writes it (the at-stop reader, which reads each entry twice) never takes a half
/// written one for a call.
#[inline(always)]
pub fn begin_call(tid: u32, call: &Inflight) -> Result<(), ()> {
    let Some(slot) = INFLIGHT.get_ptr_mut(tid) else {
        let mut call = *call;
        call.active = INFLIGHT_ACTIVE;
        return INFLIGHT.insert(tid, &call, 0).map_err(|_| ());
    };
    // SAFETY: this thread's map value, written in place; only this thread's programs write it.
    unsafe {
        core::ptr::write_volatile(&raw mut (*slot).active, 0);
        compiler_fence(Ordering::SeqCst);
        (*slot).ts_ns = call.ts_ns;
        (*slot).args = call.args;
        (*slot).syscall = call.syscall;
        compiler_fence(Ordering::SeqCst);
        core::ptr::write_volatile(&raw mut (*slot).active, INFLIGHT_ACTIVE);
    }
    Ok(())
}

/// Marks the call in `slot` (from [`inflight`]) finished: its exit ran, or none can.
#[inline(always)]
pub fn end_call(slot: *mut Inflight) {
    // SAFETY: a map value pointer from `inflight`, valid for this program's run.
    unsafe { core::ptr::write_volatile(&raw mut (*slot).active, 0) };
}

/// What an exec's entry knows (credentials before, dirfd, flags, the LSM's name of the file)
/// until `sched_process_exec` or the failed exec's exit emits the record (key: tid).
#[map]
pub static EXECS: LruHashMap<u32, ExecData> = LruHashMap::with_max_entries(1 << 10, 0);

/// Zeroed template for a new `EXECS` entry: an `ExecData` does not fit on the 512-byte stack.
#[map]
pub static EXEC_ZERO: PerCpuArray<ExecData> = PerCpuArray::with_max_entries(1, 0);

/// One exec record being built per CPU (index: `bpf_get_smp_processor_id`), copied to the ring
/// with its real length. An `Array`, not a `PerCpuArray`: per-CPU values are limited to 32 KiB
/// and argv alone may take 64. Userspace sets the entries to the number of possible CPUs; the
/// programs that use it run with migration disabled and never nest on one CPU.
#[map]
pub static EXEC_SCRATCH: Array<ExecRecord> = Array::with_max_entries(1, 0);

/// The path or address of a call that may block, as its entry read it (key: tid), for its
/// exit to compare (`probes::syscalls::entry_copy`). Like `INFLIGHT`, one slot per thread
/// overwritten in place by each call that copies (its `ts_ns` names the call; the exit leaves
/// it), removed at the thread's end. LRU for the same reason as `INFLIGHT`; since it holds a
/// slot for every live thread that opened or connected, not only for those inside such a
/// call, it is sized for 16Ki threads (4.6 MiB). Past that the least recently used slots go:
/// a call blocked that long whose copy went is flagged `args_unverified` at its exit (counted
/// lost at the stop), never compared with another call's copy.
#[map]
pub static ENTRY_ARGS: LruHashMap<u32, EntryArg> = LruHashMap::with_max_entries(1 << 14, 0);

/// Zeroed template for a new `ENTRY_ARGS` entry (half the stack).
#[map]
pub static ENTRY_ZERO: PerCpuArray<EntryArg> = PerCpuArray::with_max_entries(1, 0);

/// Kernel names of files for the exit programs, keyed by tid (the thread's second path:
/// `tid | walk::SECOND`): the LSM `file_open` program's name of the file an open syscall in
/// progress opened, taken by `open_exit`; the walks' names (`crate::walk`), put and taken by
/// the exit program itself. LRU for the same reason as `INFLIGHT`.
///
/// Each entry carries the entry time (`Inflight::ts_ns`) of the call that put it there, and a
/// name is only taken by the exit of that same call ([`real_of`]): an entry left by a call
/// whose exit program never took it cannot name a later call of the same thread, or of a new
/// thread that got the same tid. Whether or not anything can leave one (the LSM hook runs
/// inside the syscall, and its exit runs even for a thread killed in the call, and a thread's
/// end removes its entry; but an exit dispatched to no program, an `INFLIGHT` entry evicted
/// mid-call, leave the name), the first name of a call (overlayfs opens its backing file
/// again inside the same open) is told from a leftover by the tag, not by being there first.
#[map]
pub static REAL_PATHS: LruHashMap<u32, RealSlot> = LruHashMap::with_max_entries(1 << 12, 0);

/// A `REAL_PATHS` value: the name and the call it is for.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct RealSlot {
    /// The entry time (`Inflight::ts_ns`) of the call that put the name: a thread's calls
    /// have distinct ones.
    pub ts_ns: u64,
    /// 1: an LSM path hook put the name (`crate::probes::file_lsm`): the file's own name at
    /// the moment of the call, not a directory to join a path to.
    pub by_hook: u64,
    pub real: RealPath,
}

/// Zeroed template for a new `REAL_PATHS` entry (a `RealPath` is half the stack).
#[map]
pub static REAL_ZERO: PerCpuArray<RealSlot> = PerCpuArray::with_max_entries(1, 0);

/// A zeroed `REAL_PATHS` entry under `key` for the call that entered at `ts_ns`, to be filled
/// in place (a `RealPath` is half the stack, so it is copied from [`REAL_ZERO`], never built
/// on it). With `keep_first`, `None` when that call put a name there already (the first one
/// wins); an entry of any other call is replaced.
#[inline(always)]
pub fn real_slot(key: u32, ts_ns: u64, keep_first: bool) -> Option<*mut RealPath> {
    if keep_first && real_of(key, ts_ns).is_some() {
        return None;
    }
    let zero = REAL_ZERO.get_ptr(0)?;
    // SAFETY: a per-CPU map value, copied into the hash map.
    REAL_PATHS.insert(key, unsafe { &*zero }, 0).ok()?;
    let slot = REAL_PATHS.get_ptr_mut(key)?;
    // SAFETY: this key's map value, just inserted.
    unsafe {
        (*slot).ts_ns = ts_ns;
        Some(&raw mut (*slot).real)
    }
}

/// [`real_slot`] for an LSM path hook's name (replacing any other), marked `by_hook`.
#[inline(always)]
pub fn hook_slot(key: u32, ts_ns: u64) -> Option<*mut RealPath> {
    let real = real_slot(key, ts_ns, false)?;
    let slot = REAL_PATHS.get_ptr_mut(key)?;
    // SAFETY: this key's map value, just inserted.
    unsafe { (*slot).by_hook = 1 };
    Some(real)
}

/// Whether an LSM path hook named a path of the call that entered at `ts_ns` under `key`.
#[inline(always)]
pub fn by_hook(key: u32, ts_ns: u64) -> bool {
    // SAFETY: a map value, read in place.
    REAL_PATHS
        .get_ptr(key)
        .is_some_and(|slot| unsafe { (*slot).ts_ns == ts_ns && (*slot).by_hook != 0 })
}

/// The name under `key` that the call that entered at `ts_ns` put there, if it put one.
#[inline(always)]
pub fn real_of(key: u32, ts_ns: u64) -> Option<*const RealPath> {
    let slot = REAL_PATHS.get_ptr(key)?;
    // SAFETY: a map value, read in place.
    unsafe { ((*slot).ts_ns == ts_ns).then_some(&raw const (*slot).real) }
}

/// One file record being built per CPU (`probes::file::emit_file`), copied to the ring
/// without its kernel names when no walk named anything (`emit::syscall_event_sized`).
#[map]
pub static FILE_SCRATCH: PerCpuArray<Event<FileRealData>> = PerCpuArray::with_max_entries(1, 0);

/// The name pointer and return address of a getenv/secure_getenv call in progress (key: `tid << 1 | secure`),
/// saved at entry and read at return: a literal name in a page the program has not touched yet
/// cannot be read at entry (a BPF read never faults a page in), and by the return getenv has
/// compared it with the environment, so the page is in. LRU so that calls that never return
/// (the thread exits or longjmps) cannot fill it.
#[map]
pub static GETENV_NAMES: LruHashMap<u64, GetenvPending> = LruHashMap::with_max_entries(1 << 12, 0);

/// io_uring requests whose completion gives the submitter a new fd (key: the kernel's
/// `struct io_kiocb *`), from submission to completion. Not LRU: an entry that did not fit is
/// counted as a lost `io_uring_result` (its fd stays unknown to the table, never misnamed),
/// where an eviction would go uncounted. Removed at completion (a multishot accept's at its
/// last); a request that never completes (a ring torn down mid-flight) leaves its entry, and
/// the next request at that address replaces it.
#[map]
pub static URING_PENDING: HashMap<u64, Pending> = HashMap::with_max_entries(1 << 13, 0);

/// Kernel syscall number → our `SyscallId` (0: not hooked). Filled by userspace.
#[map]
pub static SYSCALLS: Array<u16> = Array::with_max_entries(MAX_SYSCALL_NR, 0);

/// `SyscallId` → the exit program of its family, which `sys_exit` on `raw_syscalls/sys_exit`
/// tail-calls: one attachment for every syscall's exit instead of one per syscall, whose
/// detach the kernel serializes at tens of milliseconds each. Filled by userspace.
#[map]
pub static EXITS: ProgramArray = ProgramArray::with_max_entries(256, 0);

/// `SyscallId` → argument positions of the non-open file syscalls. Filled by userspace.
#[map]
pub static FILE_ARGS: Array<ArgLayout> = Array::with_max_entries(256, 0);

/// UDP sockets whose local address a `bind` record (`AUTOBIND`) already gave (key: the
/// kernel's `struct sock *`; value: tgid << 32 | local port): one record per socket, not one
/// per send. A socket freed and another made at the same address with another port or in
/// another process gets its own record. LRU: a package with more live sockets than this
/// evicts old ones, which at worst get a second record.
#[map]
pub static AUTOBOUND: LruHashMap<u64, u64> = LruHashMap::with_max_entries(1 << 14, 0);

/// Files recorded processes sent over `SCM_RIGHTS` (key: the kernel's `struct file *`, which
/// the receiver's new fd points to), written by the sendmsg entry and taken (deleted) by the
/// recvmsg exit that receives the file. The value keeps the file's inode so that a `struct
/// file` freed and reused at the same address for another inode (a message never received)
/// is not taken for the sent one. LRU: at worst an old sent file is forgotten, and received
/// unnamed.
#[map]
pub static SENT_FILES: LruHashMap<u64, SentFile> = LruHashMap::with_max_entries(1 << 12, 0);

#[repr(C)]
#[derive(Clone, Copy)]
pub struct SentFile {
    pub source: tracer_common::network::FdSource,
    pub inode: u64,
}

/// Records the ring buffer had no room for, per `EventKind`.
#[map]
pub static LOST: PerCpuArray<u64> = PerCpuArray::with_max_entries(MAX_KINDS, 0);

/// Records submitted to the ring, per `EventKind`: the collector compares what it read with
/// it at the end, so records someone skipped by moving the ring's consumer position (its
/// consumer page is writable by whoever holds the ring's fd) are counted, not silently gone.
/// Frozen after load like the other counters: only the programs write it.
#[map]
pub static SUBMITTED: PerCpuArray<u64> = PerCpuArray::with_max_entries(MAX_KINDS, 0);

/// Records with a cut path, argv or address, per `EventKind`.
#[map]
pub static TRUNCATED: PerCpuArray<u64> = PerCpuArray::with_max_entries(MAX_KINDS, 0);

/// Set by userspace before load (read-only data, so the verifier prunes what the scope rules out).
#[unsafe(no_mangle)]
static CONFIG: Config = Config {
    scope: 0,
    cgroup_level: 0,
    cgroup_id: 0,
    self_tgid: 0,
    has_offsets: 0,
    off_task_cred: 0,
    off_task_real_parent: 0,
    off_task_tgid: 0,
    off_task_exit_code: 0,
    off_cred_uid: 0,
    off_fork_child_pid: 0,
    off_exit_group_dead: 0,
    wakeup_bytes: 0,
    lsm_paths: 0,
    off_file_path: 0,
    off_bprm_file: 0,
    off_bprm_filename: 0,
    off_bprm_interp: 0,
    has_mm_offsets: 0,
    off_task_mm: 0,
    off_mm_arg_start: 0,
    off_mm_arg_end: 0,
    argv_cap: 0,
    has_ring_offsets: 0,
    off_ctx_flags: 0,
    off_ctx_sq_array: 0,
    off_ctx_sq_sqes: 0,
    off_ctx_cached_sq_head: 0,
    off_ctx_sq_entries: 0,
    off_uring_flags: 0,
    off_uring_sq_thread: 0,
    uring_complete: 0,
    compat_check: 0,
    off_thread_status: 0,
    has_rlim_offsets: 0,
    off_task_signal: 0,
    off_signal_rlim: 0,
    off_cred_cap_permitted: 0,
    pidns_dev: 0,
    pidns_ino: 0,
    has_vm_offsets: 0,
    off_mm_locked_vm: 0,
    off_mm_total_vm: 0,
    has_sock_offsets: 0,
    off_skc_num: 0,
    off_skc_rcv_saddr: 0,
    off_skc_v6_rcv_saddr: 0,
    off_skc_state: 0,
    off_skc_family: 0,
    off_sk_protocol: 0,
    has_fd_offsets: 0,
    off_task_files: 0,
    off_files_fdt: 0,
    off_fdt_max_fds: 0,
    off_fdt_fd: 0,
    off_file_inode: 0,
    off_file_private: 0,
    off_socket_sk: 0,
    send_autobind: 0,
    walk_paths: 0,
    off_path_mnt: 0,
    off_path_dentry: 0,
    off_dentry_parent: 0,
    off_dentry_name_len: 0,
    off_dentry_name: 0,
    off_vfsmount_root: 0,
    off_mount_mnt: 0,
    off_mount_parent: 0,
    off_mount_mountpoint: 0,
    off_task_fs: 0,
    off_fs_root: 0,
    off_fs_pwd: 0,
    off_mm_exe_file: 0,
    has_inode_mode: 0,
    off_inode_mode: 0,
};

/// The configuration userspace set, read in place: each field is loaded where it is used.
///
/// A copy (the volatile read of the whole struct this was) put every field on the stack, and a
/// program passing `&Config` to a function the compiler kept separate (a BPF-to-BPF call)
/// carried a ~460-byte frame: with its callee's, more than the 512 bytes Linux 6.1 allows a
/// whole call chain ("combined stack size of 2 calls is 768"). Here only the pointer is read
/// volatile, so the compiler cannot see which global it points to and does not fold the
/// zeroes above; the verifier still sees a frozen read-only map value at a known offset and
/// prunes by its contents.
#[inline(always)]
pub fn config() -> &'static Config {
    let at: *const Config = &raw const CONFIG;
    // SAFETY: `at` is a local, read once; it points to a global that lives for the program.
    unsafe { &*core::ptr::read_volatile(&at) }
}

#[inline(always)]
pub fn count(map: &PerCpuArray<u64>, kind: tracer_common::EventKind) {
    if let Some(slot) = map.get_ptr_mut(kind.index()) {
        // SAFETY: a per-CPU slot; BPF programs do not migrate while they run.
        unsafe { *slot += 1 };
    }
}
