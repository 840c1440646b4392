//! Loading the eBPF object and attaching its programs hook by hook.

use aya::{
    Ebpf, EbpfLoader,
    maps::{Array, MapData, ProgramArray},
    programs::{
        Lsm, RawTracePoint, TracePoint, UProbe,
        lsm::LsmLinkId,
        raw_trace_point::RawTracePointLinkId,
        trace_point::TracePointLinkId,
        uprobe::{UProbeAttachLocation, UProbeAttachPoint, UProbeLinkId, UProbeScope},
    },
};
use tracer_common::{Config, SyscallId, file::ArgLayout};

use super::{
    RecordError,
    btf::{Btf, FileOffsets, MmOffsets, RingOffsets, RlimOffsets, TaskOffsets},
    hooks::{self, Hook, Point, SyscallChoice, SyscallHooks},
    mounts,
    target::Scope,
};
use crate::trace::{FailedHook, Hooks};

/// The eBPF object built by build.rs, or `None` in a userspace-only build.
pub fn object() -> Option<&'static [u8]> {
    #[cfg(not(tracer_no_ebpf))]
    {
        Some(aya::include_bytes_aligned!(concat!(
            env!("OUT_DIR"),
            "/tracer"
        )))
    }
    #[cfg(tracer_no_ebpf)]
    {
        None
    }
}

/// The collector is woken when the ring is this fraction full (and drains on its timer
/// otherwise): far enough from full that a burst arriving while it wakes up still fits.
const WAKEUP_FRACTION: u32 = 16;

pub struct Loaded {
    pub ebpf: Ebpf,
    pub hooks: Hooks,
    /// The task_struct offsets were found: full credentials and real ppid.
    pub task_fields: bool,
    links: Vec<(&'static str, LinkId)>,
}

enum LinkId {
    Tracepoint(TracePointLinkId),
    RawTracepoint(RawTracePointLinkId),
    Uprobe(UProbeLinkId),
    Lsm(LsmLinkId),
}

impl Loaded {
    /// Detaches every hook. Closing a tracepoint's perf event waits for an RCU grace period
    /// (about 0.1 s here), so 130 hooks closed one after the other take seconds; closed from
    /// one thread each, the waits overlap.
    pub fn detach(&mut self) {
        let mut tracepoints = Vec::with_capacity(self.links.len());
        let mut uprobes = Vec::new();
        let mut lsms = Vec::new();
        let mut raw = Vec::new();
        for (name, id) in self.links.drain(..) {
            let Some(program) = self.ebpf.program_mut(name) else {
                continue;
            };
            match id {
                LinkId::Tracepoint(id) => {
                    let tp: Option<&mut TracePoint> = program.try_into().ok();
                    tracepoints.extend(tp.and_then(|p| p.take_link(id).ok()));
                }
                LinkId::RawTracepoint(id) => {
                    let rt: Option<&mut RawTracePoint> = program.try_into().ok();
                    raw.extend(rt.and_then(|p| p.take_link(id).ok()));
                }
                LinkId::Uprobe(id) => {
                    let up: Option<&mut UProbe> = program.try_into().ok();
                    uprobes.extend(up.and_then(|p| p.take_link(id).ok()));
                }
                LinkId::Lsm(id) => {
                    let lsm: Option<&mut Lsm> = program.try_into().ok();
                    lsms.extend(lsm.and_then(|p| p.take_link(id).ok()));
                }
            }
        }
        drop(lsms);
        drop(raw);
        std::thread::scope(|scope| {
            for link in tracepoints {
                scope.spawn(move || drop(link));
            }
            for link in uprobes {
                scope.spawn(move || drop(link));
            }
        });
    }
}

/// One exec scratch buffer per possible CPU (`bpf_get_smp_processor_id` indexes them).
fn scratch_entries() -> Result<u32, RecordError> {
    aya::util::nr_cpus()
        .map(|n| n as u32)
        .map_err(|(path, e)| RecordError::Load(format!("cannot count the CPUs from {path}: {e}")))
}

/// Where the getenv and crypto probes find their caller (see `tracer-ebpf/src/caller.rs`):
/// the return address's place at a function's entry, by architecture, and the kernel struct
/// offsets that name the file it lies in. Without them the records carry the return address
/// only, and their caller is not resolved.
fn caller_offsets(btf: Option<&Btf>) -> tracer_common::caller::CallerOffsets {
    let mut o = match btf.map(super::btf::caller_offsets) {
        Some(Ok(o)) => o,
        Some(Err(err)) => {
            tracing::warn!("no vma offsets ({err}): getenv and crypto callers will not be named");
            tracer_common::caller::CallerOffsets::default()
        }
        None => tracer_common::caller::CallerOffsets::default(),
    };
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    o.page_shift = if page > 0 {
        (page as u64).trailing_zeros()
    } else {
        12
    };
    let word = std::mem::size_of::<u64>() as u32;
    (o.regs_ret, o.ret_on_stack) = if cfg!(target_arch = "x86_64") {
        // struct pt_regs: r15 … orig_ax, ip, cs, flags, sp (the 20th word).
        (19 * word, 1)
    } else if cfg!(target_arch = "aarch64") {
        // struct user_pt_regs: regs[31] (x30 is the link register), sp, pc, pstate.
        (30 * word, 0)
    } else {
        (u32::MAX, 0)
    };
    o
}

/// Whether the LSM programs can name files here, and if not, why.
fn lsm_readiness(btf: Option<&Btf>) -> Result<FileOffsets, String> {
    let lsms = mounts::active_lsms()?;
    if !lsms.iter().any(|l| l == "bpf") {
        return Err(format!(
            "BPF LSM programs do not run on this kernel: `bpf` is not in its LSM list ({}); \
             boot with lsm=...,bpf for kernel file names",
            lsms.join(",")
        ));
    }
    let btf = btf.ok_or("the kernel's BTF is unreadable")?;
    FileOffsets::from_btf(btf).map_err(|e| e.to_string())
}

pub fn load(
    object: &[u8],
    scope: &Scope,
    buffer_bytes: u32,
    argv_bytes: u32,
    wanted: SyscallHooks,
) -> Result<Loaded, RecordError> {
    match load_once(object, scope, buffer_bytes, argv_bytes, wanted, None)? {
        Ok(loaded) => Ok(loaded),
        // The open exit program with the kernel walk did not pass this kernel's verifier:
        // everything is loaded again without the walk (the verifier prunes it), so that opens
        // are recorded as before, and the header says why their names are not walked.
        Err(why) => {
            tracing::warn!("{why}: loading again without it");
            load_once(object, scope, buffer_bytes, argv_bytes, wanted, Some(&why))?
                .map_err(RecordError::Load)
        }
    }
}

/// [`load`], with the kernel walk of relative paths off where `walk_refused` says why; an
/// inner `Err` (only without `walk_refused`) when the open or file exit program was refused
/// with the walk on, before anything was attached.
fn load_once(
    object: &[u8],
    scope: &Scope,
    buffer_bytes: u32,
    argv_bytes: u32,
    wanted: SyscallHooks,
    walk_refused: Option<&str>,
) -> Result<Result<Loaded, String>, RecordError> {
    let btf = Btf::from_sys_fs()
        .map_err(|err| tracing::warn!("kernel BTF unreadable: {err}"))
        .ok();
    let offsets = btf.as_ref().and_then(|btf| {
        TaskOffsets::from_btf(btf)
            .map_err(|err| {
                tracing::warn!("no task offsets ({err}): euid/egid and real ppid will be unknown")
            })
            .ok()
    });
    // aya's parse of the kernel BTF, made once: the object's relocations need it and so does
    // loading an LSM program. Left to itself `EbpfLoader::new` parses it again, and two live
    // parses (some 15 MiB each while they grow) were most of the recorder's peak heap.
    let kernel_btf = aya::Btf::from_sys_fs()
        .map_err(|e| tracing::warn!("aya cannot parse the kernel BTF: {}", error_chain(&e)))
        .ok();
    let lsm = lsm_readiness(btf.as_ref()).and_then(|files| {
        kernel_btf
            .as_ref()
            .map(|kernel_btf| (files, kernel_btf))
            .ok_or_else(|| "aya cannot parse the kernel BTF".to_owned())
    });
    let sched = super::tpformat::sched_offsets()?;
    // The 32-bit syscall watch (`compat_enter`) reads the same flag as the dispatchers.
    let thread_status = thread_status_offset(btf.as_ref());
    let mut config = Config {
        scope: scope.mode,
        cgroup_level: scope.cgroup_level,
        cgroup_id: scope.cgroup_id,
        self_tgid: std::process::id(),
        wakeup_bytes: buffer_bytes / WAKEUP_FRACTION,
        argv_cap: argv_bytes.min(tracer_common::process::ARGV_MAX as u32),
        compat_check: u32::from(thread_status.is_some()),
        off_thread_status: thread_status.unwrap_or(0),
        off_fork_child_pid: sched.fork_child_pid,
        off_exit_group_dead: sched.exit_group_dead,
        ..Config::default()
    };
    // Unreadable, the zeroes match no namespace and nothing is adopted.
    if let Ok(ns) = std::fs::metadata("/proc/self/ns/pid") {
        use std::os::unix::fs::MetadataExt;
        config.pidns_dev = ns.dev();
        config.pidns_ino = ns.ino();
    }
    if let Some(off) = offsets {
        config.has_offsets = 1;
        config.off_task_cred = off.task_cred;
        config.off_task_real_parent = off.task_real_parent;
        config.off_task_tgid = off.task_tgid;
        config.off_task_exit_code = off.task_exit_code;
        config.off_cred_uid = off.cred_uid;
        if let Some(btf) = btf.as_ref() {
            match btf.member_offset("cred", "cap_permitted") {
                Ok(o) => config.off_cred_cap_permitted = o,
                Err(err) => tracing::warn!(
                    "no cred.cap_permitted offset ({err}): exec capability gains unknown"
                ),
            }
        }
    }
    // The exec record's filename and the script test (`bprm->interp`) at sched_process_exec.
    match btf.as_ref().map(|b| {
        Ok::<_, super::btf::BtfError>((
            b.member_offset("linux_binprm", "filename")?,
            b.member_offset("linux_binprm", "interp")?,
        ))
    }) {
        Some(Ok((filename, interp))) => {
            config.off_bprm_filename = filename;
            config.off_bprm_interp = interp;
        }
        Some(Err(err)) => tracing::warn!(
            "no linux_binprm filename/interp offsets ({err}): successful execs have no filename"
        ),
        None => tracing::warn!("no kernel BTF: successful execs have no filename"),
    }
    match btf.as_ref().map(MmOffsets::from_btf) {
        Some(Ok(mm)) => {
            config.has_mm_offsets = 1;
            config.off_task_mm = mm.task_mm;
            config.off_mm_arg_start = mm.mm_arg_start;
            config.off_mm_arg_end = mm.mm_arg_end;
            // The new image's file, named by the kernel walk at sched_process_exec.
            match btf
                .as_ref()
                .map(|b| b.member_offset("mm_struct", "exe_file"))
            {
                Some(Ok(o)) => config.off_mm_exe_file = o,
                Some(Err(err)) => tracing::warn!(
                    "no mm_struct.exe_file offset ({err}): execs are named by the path given only"
                ),
                None => {}
            }
            match btf.as_ref().map(|b| b.member_offset("inode", "i_mode")) {
                Some(Ok(o)) => {
                    config.has_inode_mode = 1;
                    config.off_inode_mode = o;
                }
                Some(Err(err)) => tracing::warn!(
                    "no inode.i_mode offset ({err}): an exec of a setuid program by root is not flagged"
                ),
                None => {}
            }
        }
        Some(Err(err)) => {
            tracing::warn!("no mm offsets ({err}): successful execs will have no argv")
        }
        None => {}
    }
    // mlock records: the address space's locked and total pages, which tell a lock past
    // RLIMIT_MEMLOCK (CAP_IPC_LOCK) from one within it.
    if config.has_mm_offsets == 1
        && let Some(btf) = btf.as_ref()
    {
        match (
            btf.member_offset("mm_struct", "locked_vm"),
            btf.member_offset("mm_struct", "total_vm"),
        ) {
            (Ok(locked), Ok(total)) => {
                config.has_vm_offsets = 1;
                config.off_mm_locked_vm = locked;
                config.off_mm_total_vm = total;
            }
            (Err(err), _) | (_, Err(err)) => tracing::warn!(
                "no mm_struct locked_vm/total_vm offsets ({err}): mlock records without locked pages"
            ),
        }
    }
    // A UDP socket's local address after a send (`udp_autobind`).
    if let Some(btf) = btf.as_ref() {
        let m = |f: &str| btf.member_offset("sock_common", f);
        let family_protocol = m("skc_family").and_then(|family| {
            btf.member_offset("sock", "sk_protocol")
                .map(|protocol| (family, protocol))
        });
        match (
            m("skc_num"),
            m("skc_rcv_saddr"),
            m("skc_v6_rcv_saddr"),
            m("skc_state"),
            family_protocol,
        ) {
            (Ok(num), Ok(v4), Ok(v6), Ok(state), Ok((family, protocol))) => {
                config.has_sock_offsets = 1;
                config.off_skc_num = num;
                config.off_skc_rcv_saddr = v4;
                config.off_skc_v6_rcv_saddr = v6;
                config.off_skc_state = state;
                config.off_skc_family = family;
                config.off_sk_protocol = protocol;
            }
            (Err(err), ..)
            | (_, Err(err), ..)
            | (_, _, Err(err), ..)
            | (.., Err(err), _)
            | (.., Err(err)) => {
                tracing::warn!("no sock_common offsets ({err}): UDP autobound ports not recorded")
            }
        }
    }
    // Where `udp_autobind`'s tracepoint is missing (before 6.3) or refused by a test, the
    // sends' exit does its work (`send_autobind`); elsewhere no send pays for it.
    let (program, name) = crate::trace::hooks::UDP_AUTOBIND;
    config.send_autobind = u32::from(
        hooks::refused_by_test(program)
            || point_absent(&Point::Tracepoint {
                category: "sock",
                name: name.to_owned(),
            }),
    );
    // Files passed over `SCM_RIGHTS` between recorded processes (`note_sent_files`).
    if let Some(btf) = btf.as_ref() {
        match (
            btf.member_offset("task_struct", "files"),
            btf.member_offset("files_struct", "fdt"),
            btf.member_offset("fdtable", "max_fds"),
            btf.member_offset("fdtable", "fd"),
            btf.member_offset("file", "f_inode"),
            btf.member_offset("file", "private_data")
                .and_then(|private| btf.member_offset("socket", "sk").map(|sk| (private, sk))),
        ) {
            (Ok(files), Ok(fdt), Ok(max), Ok(fd), Ok(inode), Ok((private, sk))) => {
                config.has_fd_offsets = 1;
                config.off_task_files = files;
                config.off_files_fdt = fdt;
                config.off_fdt_max_fds = max;
                config.off_fdt_fd = fd;
                config.off_file_inode = inode;
                config.off_file_private = private;
                config.off_socket_sk = sk;
            }
            (Err(err), ..)
            | (_, Err(err), ..)
            | (_, _, Err(err), ..)
            | (_, _, _, Err(err), ..)
            | (.., Err(err), _)
            | (.., Err(err)) => tracing::warn!(
                "no fd-table offsets ({err}): fds passed between recorded processes are received unnamed"
            ),
        }
    }
    match btf.as_ref().map(RlimOffsets::from_btf) {
        Some(Ok(rlim)) => {
            config.has_rlim_offsets = 1;
            config.off_task_signal = rlim.task_signal;
            config.off_signal_rlim = rlim.signal_rlim;
        }
        Some(Err(err)) => tracing::warn!(
            "no rlimit offsets ({err}): a set hard limit will count as raised (privileged)"
        ),
        None => {}
    }
    let uring_layout = super::tpformat::uring_offsets();
    let uring_complete = super::tpformat::uring_complete_known();
    config.uring_complete = u32::from(uring_complete);
    if let Some((flags, sq_thread)) = uring_layout {
        config.off_uring_flags = flags;
        config.off_uring_sq_thread = sq_thread;
    }
    match btf.as_ref().map(RingOffsets::from_btf) {
        Some(Ok(ring)) => {
            config.has_ring_offsets = 1;
            config.off_ctx_flags = ring.flags;
            config.off_ctx_sq_array = ring.sq_array;
            config.off_ctx_sq_sqes = ring.sq_sqes;
            config.off_ctx_cached_sq_head = ring.cached_sq_head;
            config.off_ctx_sq_entries = ring.sq_entries;
        }
        Some(Err(err)) => tracing::info!(
            "no io_ring_ctx offsets ({err}): io_uring operations will be recorded without their entries"
        ),
        None => {}
    }
    // Opens by a relative path named from the kernel's `struct file` (`tracer-ebpf/src/walk.rs`).
    let walk = match btf.as_ref() {
        _ if let Some(why) = walk_refused => Err(why.to_owned()),
        _ if config.has_fd_offsets == 0 => {
            Err("no fd-table offsets in the kernel's BTF".to_owned())
        }
        None => Err("the kernel's BTF is unreadable".to_owned()),
        Some(btf) => super::btf::walk_offsets(btf, &mut config).map_err(|e| e.to_string()),
    };
    if let Err(why) = &walk {
        tracing::warn!(
            "no kernel names for relative opens ({why}): a dirfd or cwd renamed after it was \
             opened gives a stale name"
        );
    }
    config.walk_paths = u32::from(walk.is_ok() && !hooks::refused_by_test(WALK_PROGRAM));
    if let Ok((files, _)) = &lsm {
        config.lsm_paths = 1;
        config.off_file_path = files.file_path;
        config.off_bprm_file = files.bprm_file;
    }
    let callers = caller_offsets(btf.as_ref());
    let mut ebpf = EbpfLoader::new()
        .btf(kernel_btf.as_ref())
        .override_global("CONFIG", &config, true)
        .override_global("CALLER_OFFSETS", &callers, true)
        .map_max_entries("EVENTS", buffer_bytes)
        .map_max_entries("EXEC_SCRATCH", scratch_entries()?)
        .load(object)
        .map_err(|e| RecordError::Load(error_chain(&e)))?;

    let mut syscalls: Array<&mut MapData, u16> = Array::try_from(
        ebpf.map_mut("SYSCALLS")
            .ok_or(RecordError::MissingMap("SYSCALLS"))?,
    )
    .map_err(|e| RecordError::Load(e.to_string()))?;
    for &id in SyscallId::ALL {
        if let Some(nr) = hooks::kernel_nr(id) {
            syscalls
                .set(nr as u32, id as u16, 0)
                .map_err(|e| RecordError::Load(format!("SYSCALLS[{nr}]: {e}")))?;
        }
    }

    let mut file_args: Array<&mut MapData, ArgLayout> = Array::try_from(
        ebpf.map_mut("FILE_ARGS")
            .ok_or(RecordError::MissingMap("FILE_ARGS"))?,
    )
    .map_err(|e| RecordError::Load(e.to_string()))?;
    for &id in SyscallId::ALL {
        if let Some(layout) = crate::events::file_arg_layout(id) {
            file_args
                .set(id as u32, layout, 0)
                .map_err(|e| RecordError::Load(format!("FILE_ARGS[{}]: {e}", id.name())))?;
        }
    }

    let lsm_btf = lsm.as_ref().map(|(_, b)| Some(*b)).map_err(String::as_str);
    let load_started = std::time::Instant::now();
    let mut ahead = load_ahead(
        &mut ebpf,
        &ahead_jobs(wanted, btf.as_ref(), thread_status, lsm_btf.is_ok()),
        lsm_btf.ok().flatten(),
    );
    if walk_refused.is_none()
        && config.walk_paths != 0
        && let Some((name, e)) = ahead.failed.iter().find(|(name, _)| {
            matches!(
                **name,
                "open_exit" | "open_exit_raw" | "file_exit" | "file_exit_raw"
            )
        })
    {
        return Ok(Err(format!(
            "{name} with the kernel walk of relative paths was refused: {}",
            error_chain(e)
        )));
    }
    let mut choice = SyscallChoice::new(wanted);
    settle_syscall_hooks(
        &mut choice,
        &mut ebpf,
        btf.as_ref(),
        thread_status,
        &mut ahead,
    );
    // Earlier recordings' detachers close nothing while this one attaches (see `handoff`).
    let turn = super::handoff::AttachTurn::take();
    let mut hooks = Hooks::default();
    let mut links = Vec::new();
    let mut list = hooks::all_hooks(choice.mode);
    // Without the flag's offset the watch would see nothing: a failed hook, not a silent one.
    let mut unwatched = None;
    if config.compat_check == 0 {
        list.retain(|h| {
            let watch = matches!(h.point, Point::RawTracepoint { .. });
            if watch {
                unwatched = Some(FailedHook {
                    hook: h.label(),
                    error: "thread_info.status is not in the kernel's BTF (or this is not \
                            x86_64): 32-bit syscalls are not watched"
                        .to_owned(),
                    absent: false,
                });
            }
            !watch
        });
    }
    let failed = attach_each(
        &mut ebpf,
        &list,
        Ok(None),
        &mut hooks,
        &mut links,
        &mut ahead,
    );
    hooks.failed = failed;
    hooks.failed.extend(unwatched);
    // A dispatched way that did not attach whole is given up for the next one.
    while let Some(why) = choice.mode.broken_by(&hooks.failed) {
        tracing::warn!("syscall hooks {}: {why}", choice.mode.name());
        undo_dispatch(choice.mode, &mut ebpf, &mut hooks, &mut links);
        choice.fall_back(why);
        settle_syscall_hooks(
            &mut choice,
            &mut ebpf,
            btf.as_ref(),
            thread_status,
            &mut ahead,
        );
        let failed = attach_each(
            &mut ebpf,
            &hooks::syscall_hooks(choice.mode),
            Ok(None),
            &mut hooks,
            &mut links,
            &mut ahead,
        );
        hooks.failed.extend(failed);
    }
    hooks.syscalls = Some(choice.header());
    // The submit program records nothing without a known record layout: where rings can run,
    // that is a failed hook, not a silent one.
    if uring_layout.is_none()
        && std::path::Path::new("/sys/kernel/tracing/events/syscalls/sys_enter_io_uring_setup")
            .exists()
    {
        hooks.failed.push(FailedHook {
            hook: format!(
                "tracepoint:io_uring/{}",
                hooks::io_uring_tracepoint("io_uring_submit_req")
            ),
            error: "its record layout is not one this recorder knows".to_owned(),
            absent: false,
        });
    }
    // Without its layout the completion program names no fd: ring-opened fds stay unknown.
    if !uring_complete
        && std::path::Path::new("/sys/kernel/tracing/events/io_uring/io_uring_complete").exists()
    {
        hooks.failed.push(FailedHook {
            hook: "tracepoint:io_uring/io_uring_complete".to_owned(),
            error: "its record layout is not one this recorder knows".to_owned(),
            absent: false,
        });
    }
    // Syscalls of a covered family that this kernel has and this recorder does not know
    // (newer than it): their calls would go unrecorded, so they are reported as failed hooks,
    // which makes every claim's coverage inconclusive rather than silently held.
    match hooks::kernel_syscalls() {
        Ok(kernel) => {
            for name in hooks::unclassified(&kernel) {
                tracing::warn!("syscall {name} is not known to this recorder: not recorded");
                hooks.failed.push(FailedHook {
                    hook: format!("tracepoint:syscalls/sys_enter_{name}"),
                    error: "a syscall of a recorded family that this recorder does not know"
                        .to_owned(),
                    absent: false,
                });
            }
        }
        Err(e) => tracing::warn!("cannot list the kernel's syscalls: {e}"),
    }
    let unavailable = attach_each(
        &mut ebpf,
        &hooks::lsm_hooks(),
        lsm_btf,
        &mut hooks,
        &mut links,
        &mut ahead,
    );
    hooks.detail_unavailable = unavailable;
    hooks.kernel_walked_names = Some(config.walk_paths != 0);
    if config.walk_paths == 0 {
        hooks.detail_unavailable.push(FailedHook {
            hook: WALK_PROGRAM.to_owned(),
            error: match walk {
                Err(why) => why,
                Ok(()) => "turned off by TRACER_TEST_REFUSE_PROGRAMS".to_owned(),
            },
            absent: false,
        });
    }
    drop(turn);
    tracing::debug!(
        "programs loaded and hooks attached in {} ms",
        load_started.elapsed().as_millis()
    );
    if hooks.attached.is_empty() {
        let first_error = hooks.failed.first().map_or_else(
            || "no hooks".to_owned(),
            |f| format!("{}: {}", f.hook, f.error),
        );
        return Err(RecordError::NothingAttached { first_error });
    }
    // Userspace has written its tables: from here on no process may write them (see
    // `freeze`). TRACKED follows once the target is in it.
    for why in super::freeze::freeze_all_but_tracked(&ebpf) {
        tracing::warn!("a BPF map stays writable from userspace: {why}");
    }
    Ok(Ok(Loaded {
        ebpf,
        hooks,
        task_fields: offsets.is_some(),
        links,
    }))
}

/// The kernel walk that names relative opens, as the trace header lists it where it is off
/// (`Hooks::detail_unavailable`); `TRACER_TEST_REFUSE_PROGRAMS` takes this name to turn it off.
const WALK_PROGRAM: &str = "walk:open_exit";

/// Where x86_64's `struct pt_regs` keeps the six syscall arguments, as `sys_enter_raw` reads
/// them (`PT_REGS_ARGS` in `tracer-ebpf/src/probes/syscalls.rs`): the BPF raw tracepoints are
/// used only where the kernel's BTF agrees.
const PT_REGS_ARGS: [(&str, u32); 6] = [
    ("di", 112),
    ("si", 104),
    ("dx", 96),
    ("r10", 56),
    ("r8", 72),
    ("r9", 64),
];

/// Why `mode` cannot be used on this kernel, before anything is loaded: the dispatchers need
/// the 32-bit syscall check (`thread_info.status`, x86_64), the BPF raw tracepoints the
/// `pt_regs` offsets the entry program reads the arguments at (confirmed by the kernel's BTF),
/// the perf dispatch the `raw_syscalls` tracepoints. `None` for per-syscall tracepoints.
///
/// Which way is the default, and why, is measured in docs/bench.md, "Syscall hooks".
fn precheck(mode: SyscallHooks, btf: Option<&Btf>, thread_status: Option<u32>) -> Option<String> {
    if !mode.dispatched() {
        return None;
    }
    if thread_status.is_none() {
        return Some(
            "thread_info.status is not in the kernel's BTF (or this is not x86_64)".to_owned(),
        );
    }
    match mode {
        SyscallHooks::Raw => pt_regs_mismatch(btf),
        _ if !hooks::RAW_SYSCALL_TRACEPOINTS.iter().all(|(_, _, name)| {
            std::path::Path::new(&format!("/sys/kernel/tracing/events/raw_syscalls/{name}"))
                .exists()
        }) =>
        {
            Some("no raw_syscalls tracepoints in tracefs".to_owned())
        }
        _ => None,
    }
}

/// Moves `choice` down its ways ([`SyscallHooks::next`]) until one can be used here: it passes
/// [`precheck`] and every program of its dispatch loads ([`preload`]). Per-syscall
/// tracepoints always stand: their failures are per hook, in `hooks.failed`.
fn settle_syscall_hooks(
    choice: &mut SyscallChoice,
    ebpf: &mut Ebpf,
    btf: Option<&Btf>,
    thread_status: Option<u32>,
    ahead: &mut Ahead,
) {
    loop {
        let why = if let Some(why) = precheck(choice.mode, btf, thread_status) {
            // What this kernel or architecture lacks: expected, not worth a warning each time.
            tracing::info!("syscall hooks {}: {why}", choice.mode.name());
            why
        } else if let Err(why) = preload(ebpf, choice.mode, ahead) {
            tracing::warn!("syscall hooks {}: {why}", choice.mode.name());
            why
        } else {
            return;
        };
        if !choice.fall_back(why) {
            return;
        }
    }
}

/// `program` as a `$ty`, loaded into the kernel unless it already is (one program serves
/// many hooks: it is loaded once, and a failure is noted by `$note`).
///
/// A program [`load_ahead`] could not load is not tried again: its error is taken from
/// `$ahead` (one failed load costs the verifier twice already: aya retries it with a log).
macro_rules! loaded {
    ($program:expr, $ty:ty, $note:ident, $ahead:expr, $name:expr) => {{
        let p: &mut $ty = $program
            .try_into()
            .map_err(|e: aya::programs::ProgramError| e.to_string())?;
        if p.fd().is_err() {
            if let Some(e) = $ahead.failed.remove($name) {
                return Err($note(&e));
            }
            p.load().map_err(|e| $note(&e))?;
        }
        p
    }};
}

/// The programs [`load_ahead`] could not load, with why: the attach that needs one reports
/// this error instead of loading it again.
#[derive(Default)]
struct Ahead {
    failed: std::collections::HashMap<&'static str, aya::programs::ProgramError>,
}

/// The programs a recording with `wanted` syscall hooks will load, for [`load_ahead`]: with
/// an LSM program, its hook. The largest first (the dispatch's exit programs, which take the
/// verifier the longest: file_exit_raw alone 0.7 s here), so that the small ones fill the
/// other cores' time; then the rest in attach order. A dispatch [`precheck`] rules out, the
/// 32-bit watch without its offset and LSM programs that cannot run here are left out, as
/// `load` leaves out their hooks.
fn ahead_jobs(
    wanted: SyscallHooks,
    btf: Option<&Btf>,
    thread_status: Option<u32>,
    lsm_usable: bool,
) -> Vec<(&'static str, Option<&'static str>)> {
    let dispatch = precheck(wanted, btf, thread_status).is_none();
    let mut jobs = Vec::new();
    if dispatch {
        let (dispatchers, exits): (Vec<_>, Vec<_>) =
            wanted.dispatch_programs().into_iter().partition(|name| {
                hooks::RAW_SYSCALL_TRACEPOINTS
                    .iter()
                    .any(|&(perf, raw, _)| *name == perf || *name == raw)
            });
        jobs.extend(exits.into_iter().chain(dispatchers).map(|n| (n, None)));
    }
    for hook in hooks::all_hooks(wanted) {
        let wanted_here = match hook.point {
            Point::Syscall { .. } => dispatch,
            Point::RawTracepoint { .. } => dispatch || thread_status.is_some(),
            _ => true,
        };
        if wanted_here {
            jobs.push((hook.program, None));
        }
    }
    if lsm_usable {
        jobs.extend(
            hooks::lsm_hooks()
                .into_iter()
                .filter_map(|h| match h.point {
                    Point::Lsm { hook } => Some((h.program, Some(hook))),
                    _ => None,
                }),
        );
    }
    jobs
}

/// Loads `jobs`' programs (each once, in order, skipping loaded ones and those a test
/// refuses) on one thread per core. The verifier is most of a recording's start (issue 16:
/// 1.9 s of `record -- /bin/true`'s 2.7 s under load, one program after another) and runs in
/// the loading thread, with no lock between programs; loaded here, the attaches that follow
/// find them loaded. What did not load is in the result, to be reported by the attach that
/// needs it (with the error it would have got).
fn load_ahead(
    ebpf: &mut Ebpf,
    jobs: &[(&'static str, Option<&'static str>)],
    lsm_btf: Option<&aya::Btf>,
) -> Ahead {
    let mut programs: std::collections::HashMap<&str, &mut aya::programs::Program> =
        ebpf.programs_mut().collect();
    let mut queue = Vec::new();
    for &(name, lsm_hook) in jobs {
        if hooks::refused_by_test(name) {
            continue;
        }
        if let Some(program) = programs.remove(name)
            && program.fd().is_err()
        {
            queue.push((name, lsm_hook, program));
        }
    }
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(queue.len());
    let queue = std::sync::Mutex::new(queue.into_iter());
    let failed = std::sync::Mutex::new(std::collections::HashMap::new());
    let work = || {
        loop {
            let next = queue.lock().map(|mut q| q.next());
            let Ok(Some((name, lsm_hook, program))) = next else {
                return;
            };
            use aya::programs::Program;
            let started = std::time::Instant::now();
            let result = match (&mut *program, lsm_hook, lsm_btf) {
                (Program::RawTracePoint(p), _, _) => p.load(),
                (Program::TracePoint(p), _, _) => p.load(),
                (Program::UProbe(p), _, _) => p.load(),
                (Program::Lsm(p), Some(hook), Some(btf)) => p.load(hook, btf),
                // Another type, or an LSM program without its hook: the attach loads it.
                _ => continue,
            };
            // Where a recording's start goes: the verifier's time and work per program.
            tracing::debug!(
                "program {name} loaded in {} ms ({} instructions verified){}",
                started.elapsed().as_millis(),
                program
                    .info()
                    .ok()
                    .and_then(|i| i.verified_instruction_count())
                    .map_or_else(|| "?".to_owned(), |n| n.to_string()),
                if result.is_err() { ", refused" } else { "" },
            );
            if let Err(e) = result
                && let Ok(mut failed) = failed.lock()
            {
                failed.insert(name, e);
            }
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..workers {
            scope.spawn(work);
        }
        work();
    });
    Ahead {
        failed: failed.into_inner().unwrap_or_default(),
    }
}

/// Loads every program `mode`'s dispatch needs ([`SyscallHooks::dispatch_programs`]), before
/// any is attached: the first one that does not load is the error.
fn preload(ebpf: &mut Ebpf, mode: SyscallHooks, ahead: &mut Ahead) -> Result<(), String> {
    let raw = mode == SyscallHooks::Raw;
    for name in mode.dispatch_programs() {
        let refused = |e: &dyn std::error::Error| {
            format!("program {name} did not load: {}", shorten(&error_chain(e)))
        };
        if hooks::refused_by_test(name) {
            return Err(format!(
                "program {name} did not load: refused by TRACER_TEST_REFUSE_PROGRAMS"
            ));
        }
        let program = ebpf
            .program_mut(name)
            .ok_or_else(|| format!("program {name} missing from the object"))?;
        if raw {
            loaded!(program, RawTracePoint, refused, ahead, name);
        } else {
            loaded!(program, TracePoint, refused, ahead, name);
        }
    }
    Ok(())
}

/// Why the raw `sys_enter` program could not read the syscall arguments here: the kernel's
/// `pt_regs` (from its BTF) does not have them where [`PT_REGS_ARGS`] says.
fn pt_regs_mismatch(btf: Option<&Btf>) -> Option<String> {
    let Some(btf) = btf else {
        return Some("the kernel's BTF is unreadable".to_owned());
    };
    PT_REGS_ARGS
        .iter()
        .find_map(|&(reg, want)| match btf.member_offset("pt_regs", reg) {
            Ok(off) if off == want => None,
            Ok(off) => Some(format!("pt_regs.{reg} is at {off}, not {want}")),
            Err(e) => Some(format!("pt_regs.{reg}: {e}")),
        })
}

/// Where x86's `thread_info.status` (with `TS_COMPAT`) is in a task, from the kernel's BTF;
/// `None` elsewhere: other architectures have no such flag to read.
fn thread_status_offset(btf: Option<&Btf>) -> Option<u32> {
    if !cfg!(target_arch = "x86_64") {
        return None;
    }
    let btf = btf?;
    let task = btf.member_offset("task_struct", "thread_info").ok()?;
    let status = btf.member_offset("thread_info", "status").ok()?;
    Some(task + status)
}

/// Takes back what `mode`'s dispatch attached, before the next way is attached: its
/// dispatchers are detached (their table entries then never run), and its hooks leave the
/// header's `attached`, `failed` and `sources` (`hooks.syscalls` says why it was given up).
fn undo_dispatch(
    mode: SyscallHooks,
    ebpf: &mut Ebpf,
    hooks: &mut Hooks,
    links: &mut Vec<(&'static str, LinkId)>,
) {
    let ours = |label: &str| mode.owns_dispatch_label(label);
    hooks.failed.retain(|f| !ours(&f.hook));
    hooks.attached.retain(|h| !ours(h));
    for fed_by in hooks.sources.values_mut() {
        fed_by.retain(|h| !ours(h));
    }
    hooks.sources.retain(|_, fed_by| !fed_by.is_empty());
    let dispatchers: Vec<&str> = hooks::RAW_SYSCALL_TRACEPOINTS
        .iter()
        .flat_map(|&(perf, raw, _)| [perf, raw])
        .collect();
    let (theirs, others): (Vec<_>, Vec<_>) = std::mem::take(links)
        .into_iter()
        .partition(|(program, _)| dispatchers.contains(program));
    *links = others;
    for (program, id) in theirs {
        let Some(program) = ebpf.program_mut(program) else {
            continue;
        };
        let detached = match id {
            LinkId::Tracepoint(id) => {
                <&mut TracePoint>::try_from(program).map(|p| p.detach(id).is_ok())
            }
            LinkId::RawTracepoint(id) => {
                <&mut RawTracePoint>::try_from(program).map(|p| p.detach(id).is_ok())
            }
            _ => Ok(true),
        };
        if !matches!(detached, Ok(true)) {
            tracing::warn!("a syscall dispatcher could not be detached");
        }
    }
}

/// Loads each program once and attaches it to each of its hooks in `list`, keeping going past
/// failures. What attached goes into `hooks` (`attached`, and `sources` for the kind it feeds);
/// what did not is returned with its error. `usable` is the kernel BTF LSM programs load
/// against, or why none of `list` can be used here (then none is tried).
fn attach_each(
    ebpf: &mut Ebpf,
    list: &[Hook],
    usable: Result<Option<&aya::Btf>, &str>,
    hooks: &mut Hooks,
    links: &mut Vec<(&'static str, LinkId)>,
    ahead: &mut Ahead,
) -> Vec<FailedHook> {
    let mut failed = Vec::new();
    let mut load_failed = Default::default();
    for hook in list {
        let outcome = match usable {
            Ok(btf) => attach_one(ebpf, hook, btf, &mut load_failed, ahead),
            Err(why) => Err(why.to_owned()),
        };
        match outcome {
            Ok(link) => {
                let label = hook.label();
                if let Some(kind) = hook.feeds {
                    hooks
                        .sources
                        .entry(kind.name().to_owned())
                        .or_default()
                        .push(label.clone());
                }
                hooks.attached.push(label);
                links.extend(link.map(|id| (hook.program, id)));
            }
            Err(error) => {
                tracing::debug!("{} not attached: {error}", hook.label());
                failed.push(FailedHook {
                    hook: hook.label(),
                    error,
                    absent: point_absent(&hook.point),
                });
            }
        }
    }
    failed
}

fn attach_one(
    ebpf: &mut Ebpf,
    hook: &Hook,
    kernel_btf: Option<&aya::Btf>,
    load_failed: &mut std::collections::HashMap<&'static str, String>,
    ahead: &mut Ahead,
) -> Result<Option<LinkId>, String> {
    if let Some(err) = load_failed.get(hook.program) {
        return Err(err.clone());
    }
    if hooks::refused_by_test(hook.program) {
        return Err(format!(
            "program {} did not load: refused by TRACER_TEST_REFUSE_PROGRAMS",
            hook.program
        ));
    }
    let program = ebpf
        .program_mut(hook.program)
        .ok_or_else(|| format!("program {} missing from the object", hook.program))?;
    let mut note_load_failure = |e: &dyn std::error::Error| {
        let msg = format!(
            "program {} did not load: {}",
            hook.program,
            shorten(&error_chain(e))
        );
        // An LSM program only adds detail (kernel file names); where it cannot load, the
        // header says why, and the user is not warned on every recording.
        if matches!(hook.point, Point::Lsm { .. }) {
            tracing::info!("{msg}");
        } else {
            tracing::warn!("{msg}");
        }
        load_failed.insert(hook.program, msg.clone());
        msg
    };
    match &hook.point {
        Point::Tracepoint { category, name } => {
            let program = loaded!(program, TracePoint, note_load_failure, ahead, hook.program);
            program
                .attach(category, name)
                .map(|id| Some(LinkId::Tracepoint(id)))
                .map_err(|e| error_chain(&e))
        }
        Point::RawTracepoint { name } => {
            let program = loaded!(
                program,
                RawTracePoint,
                note_load_failure,
                ahead,
                hook.program
            );
            program
                .attach(name)
                .map(|id| Some(LinkId::RawTracepoint(id)))
                .map_err(|e| error_chain(&e))
        }
        Point::Syscall { id, table } => {
            if hooks::kernel_nr(*id).is_none() {
                return Err("no syscall number on this architecture".to_owned());
            }
            let fd = if *table == "RAW_EXITS" {
                loaded!(
                    program,
                    RawTracePoint,
                    note_load_failure,
                    ahead,
                    hook.program
                )
                .fd()
                .and_then(|fd| fd.try_clone().map_err(Into::into))
                .map_err(|e| error_chain(&e))?
            } else {
                loaded!(program, TracePoint, note_load_failure, ahead, hook.program)
                    .fd()
                    .and_then(|fd| fd.try_clone().map_err(Into::into))
                    .map_err(|e| error_chain(&e))?
            };
            let map = ebpf
                .map_mut(table)
                .ok_or_else(|| format!("map {table} missing from the object"))?;
            let mut exits: ProgramArray<&mut MapData> =
                ProgramArray::try_from(map).map_err(|e| e.to_string())?;
            exits
                .set(*id as u32, &fd, 0)
                .map(|()| None)
                .map_err(|e| format!("{table}[{}]: {}", id.name(), error_chain(&e)))
        }
        Point::Uprobe {
            library,
            symbol,
            cookie,
            ..
        } => {
            let program = loaded!(program, UProbe, note_load_failure, ahead, hook.program);
            program
                .attach(
                    UProbeAttachPoint {
                        location: UProbeAttachLocation::Symbol(symbol),
                        cookie: (*cookie != 0).then_some(*cookie),
                    },
                    library.as_str(),
                    UProbeScope::AllProcesses,
                )
                .map(|id| Some(LinkId::Uprobe(id)))
                .map_err(|e| error_chain(&e))
        }
        Point::Lsm { hook: name } => {
            let program: &mut Lsm = program
                .try_into()
                .map_err(|e: aya::programs::ProgramError| e.to_string())?;
            if program.fd().is_err() {
                if let Some(e) = ahead.failed.remove(hook.program) {
                    return Err(note_load_failure(&e));
                }
                let btf = kernel_btf.ok_or("the kernel's BTF was not parsed")?;
                program.load(name, btf).map_err(|e| note_load_failure(&e))?;
            }
            program
                .attach()
                .map(|id| Some(LinkId::Lsm(id)))
                .map_err(|e| error_chain(&e))
        }
    }
}

/// A tracepoint the kernel does not have (its tracefs directory is missing), as opposed to one
/// that exists but could not be attached.
fn point_absent(point: &Point) -> bool {
    let exists = |category: &str, name: &str| {
        std::path::Path::new(&format!("/sys/kernel/tracing/events/{category}/{name}")).exists()
    };
    match point {
        // A kernel with io_uring but without these tracepoints (older names) can still run
        // rings: their operations would be missing, not impossible.
        Point::Tracepoint { category, name } if *category == "io_uring" => {
            !exists(category, name) && !exists("syscalls", "sys_enter_io_uring_setup")
        }
        Point::Tracepoint { category, name } => !exists(category, name),
        Point::Syscall { id, .. } => !exists(
            "syscalls",
            &format!("sys_enter_{}", crate::trace::hooks::tracepoint_name(*id)),
        ),
        Point::Uprobe { .. } | Point::Lsm { .. } | Point::RawTracepoint { .. } => false,
    }
}

/// A verifier log can be megabytes and is repeated for every hook of the program: keep its
/// start (the error) and its end (the verifier's summary, e.g. "processed 1000001 insns").
fn shorten(msg: &str) -> String {
    const HEAD: usize = 300;
    const TAIL: usize = 700;
    if msg.len() <= HEAD + TAIL {
        return msg.to_owned();
    }
    let head_end = (0..=HEAD)
        .rev()
        .find(|&i| msg.is_char_boundary(i))
        .unwrap_or(0);
    let tail_start = (msg.len() - TAIL..msg.len())
        .find(|&i| msg.is_char_boundary(i))
        .unwrap_or(msg.len());
    format!("{} […] {}", &msg[..head_end], &msg[tail_start..])
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut msg = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::shorten;

    #[test]
    fn long_verifier_logs_keep_their_start_and_summary() {
        let log = format!(
            "E2BIG. Verifier output: {}processed 1000001 insns",
            "x".repeat(2_000_000)
        );
        let short = shorten(&log);
        assert!(short.len() < 1100, "{}", short.len());
        assert!(short.starts_with("E2BIG") && short.ends_with("processed 1000001 insns"));
        assert_eq!(shorten("short"), "short");
    }
}
