//! Privilege family: the set*id calls, setgroups, capset, prctl, mount/umount2, unshare, setns,
//! chroot, pivot_root, ptrace, bpf, (f)init_module, the clock-setting calls and the other
//! capability-gated calls (reboot, kexec, swap, host names, I/O ports, …), the calls that set
//! the caller's own policy (seccomp, landlock, personality, lsm_set_self_attr) and the keyring
//! calls. The raw arguments always travel; the strings and small structs some of them point to
//! are copied as well (never a key's payload).

use tracer_common::{
    Config, Inflight, SyscallId, flags,
    privilege::{PRIV_DATA_CAP, PrivData, TIOCSTI},
};

use crate::{
    emit::{event, note_str, read_user_bytes, read_user_str, syscall_event},
    maps::config,
    probes::syscalls::{SyscallContext, complete},
    scope,
};

/// ptrace(PTRACE_TRACEME): the caller offers itself to its parent; it controls no one.
const PTRACE_TRACEME: u64 = 0;

/// `struct __user_cap_header_struct` + two `struct __user_cap_data_struct`.
const CAP_HEADER_LEN: u64 = 8;
const CAP_DATA_LEN: u64 = 24;
/// `struct timespec` / `struct timeval` (x86_64, aarch64), and `struct timezone`.
const TIMESPEC_LEN: u64 = 16;
const TIMEZONE_LEN: u64 = 8;

crate::exit_programs!(privilege_exit, privilege_exit_raw, try_privilege_exit);

fn try_privilege_exit<C: SyscallContext>(ctx: &C) -> Option<()> {
    let done = complete(ctx)?;
    let a = done.inflight.args;
    // (data pointer, data length), three strings
    let (mut data, mut s1, mut s2, mut s3) = ((0u64, 0u64), 0u64, 0u64, 0u64);
    use SyscallId::*;
    match done.syscall {
        Setgroups => data = (a[1], a[0].saturating_mul(4)),
        Capset => data = (a[1], CAP_DATA_LEN),
        Mount => (s1, s2, s3) = (a[0], a[1], a[2]),
        Umount2 | Chroot => s1 = a[0],
        PivotRoot => (s1, s2) = (a[0], a[1]),
        InitModule => s1 = a[2],
        // The new mount API: the path or name each call takes (fsconfig: the key).
        OpenTree | OpenTreeAttr | Fspick | MountSetattr => s1 = a[1],
        MoveMount => (s1, s2) = (a[1], a[3]),
        Fsopen => s1 = a[0],
        Fsconfig => s1 = a[2],
        FinitModule => s1 = a[1],
        // The clock calls: the `struct timex` head (modes, offset, freq, …; `PRIV_DATA_CAP`
        // bytes of it) or the time asked for. The kernel copied it in before acting, so its
        // page is resident and a failed read is flagged, not expected.
        Adjtimex => data = (a[0], PRIV_DATA_CAP as u64),
        ClockAdjtime => data = (a[1], PRIV_DATA_CAP as u64),
        ClockSettime => data = (a[1], TIMESPEC_LEN),
        // The others' path or name: swapon/swapoff/acct's file, delete_module's name,
        // quotactl's block device; the host or domain name (not NUL-terminated: its length
        // is the second argument); perf_event_open's `struct perf_event_attr` head (type,
        // size, config).
        Swapon | Swapoff | Acct | DeleteModule => s1 = a[0],
        Quotactl => s1 = a[1],
        Sethostname | Setdomainname => data = (a[0], a[1]),
        PerfEventOpen => data = (a[0], 16),
        // The scheduling calls' `struct sched_param` (the priority) or `struct sched_attr`
        // (size, policy, flags, nice, priority: its first 48 bytes, version 1).
        SchedSetscheduler => data = (a[2], 4),
        SchedSetparam => data = (a[1], 4),
        SchedSetattr => data = (a[1], 48),
        // The new limits (`struct rlimit64`: cur, max).
        Prlimit64 => data = (a[2], 16),
        Setrlimit => data = (a[1], 16),
        // A socket ioctl's `struct ifreq` (the interface name, then the value), TIOCSTI's byte.
        // The inode flags ioctls: the flags word or `struct fsxattr` (28 bytes).
        Ioctl => data = (a[2], if a[1] as u32 == TIOCSTI { 1 } else { 40 }),
        // seccomp(op, flags, args): the filter's `struct sock_fprog` (its length first) or the
        // action asked about.
        Seccomp => data = (a[2], 16),
        // landlock_create_ruleset(attr, size, flags): the access rights it handles.
        LandlockCreateRuleset => data = (a[0], a[1]),
        // landlock_add_rule(fd, type, attr, flags): the rule (allowed access, then the
        // directory's fd or the port).
        LandlockAddRule => data = (a[2], 16),
        // lsm_set_self_attr(attr, ctx, size, flags): `struct lsm_ctx`'s head and its first
        // bytes of context.
        LsmSetSelfAttr => data = (a[1], a[2]),
        // add_key(type, description, payload, plen, keyring), request_key(type, description,
        // callout, keyring): the key's type and description.
        AddKey | RequestKey => (s1, s3) = (a[1], a[0]),
        // keyctl(KEYCTL_JOIN_SESSION_KEYRING, name); keyctl(KEYCTL_SEARCH or
        // KEYCTL_RESTRICT_KEYRING, keyring, type, description or restriction).
        Keyctl if a[0] == 1 => s1 = a[1],
        Keyctl if a[0] == 10 || a[0] == 29 => (s1, s3) = (a[3], a[2]),
        _ => {}
    }
    let cfg = config();
    // Control of another process: every successful ptrace request but PTRACE_TRACEME (one
    // on a pid needs the caller to be its tracer, or is the attach itself), a process_vm_writev
    // that wrote. The victim is adopted before the call's record is written.
    match done.syscall {
        Ptrace if done.ret >= 0 && a[0] != PTRACE_TRACEME => {
            scope::adopt(
                a[1] as u32,
                done.syscall as u16,
                done.inflight.ts_ns,
                a[0],
                cfg,
            );
        }
        ProcessVmWritev if done.ret > 0 => {
            scope::adopt(
                a[0] as u32,
                done.syscall as u16,
                done.inflight.ts_ns,
                0,
                cfg,
            );
        }
        _ => {}
    }
    // SAFETY: `d` is the reserved record's payload.
    syscall_event::<PrivData>(&done, cfg, |d, hdr_flags| unsafe {
        (*d).args = a;
        if done.syscall == Capset {
            // Header first (version, pid), then the data structs.
            let base = (&raw mut (*d).data).cast::<u8>();
            let _ = read_user_bytes(a[0], CAP_HEADER_LEN, base.cast::<[u8; 8]>());
            let n = read_user_bytes(data.0, data.1, base.add(8).cast::<[u8; 24]>());
            (*d).data_len = if n == 0 { 8 } else { 32 };
        } else if done.syscall == Settimeofday {
            // The timeval, then the timezone: `data_len` is the sum of what was read (16, 8
            // or 24), which tells which of the two non-null pointers failed.
            let base = (&raw mut (*d).data).cast::<u8>();
            let tv = read_user_bytes(a[0], TIMESPEC_LEN, base.cast::<[u8; 16]>());
            let tz = read_user_bytes(a[1], TIMEZONE_LEN, base.add(16).cast::<[u8; 8]>());
            (*d).data_len = tv + tz;
            if (a[0] != 0 && tv == 0) || (a[1] != 0 && tz == 0) {
                *hdr_flags |= flags::READ_FAILED;
            }
        } else {
            (*d).data_len = read_user_bytes(data.0, data.1, &raw mut (*d).data);
            let read = matches!(
                done.syscall,
                Adjtimex
                    | ClockAdjtime
                    | ClockSettime
                    | Sethostname
                    | Setdomainname
                    | PerfEventOpen
                    | SchedSetscheduler
                    | SchedSetparam
                    | SchedSetattr
                    | Prlimit64
                    | Setrlimit
                    | Seccomp
                    | LandlockCreateRuleset
                    | LandlockAddRule
                    | LsmSetSelfAttr
            );
            if read && data.0 != 0 && data.1 != 0 && (*d).data_len == 0 {
                *hdr_flags |= flags::READ_FAILED;
            }
        }
        let r1 = read_user_str(s1, &raw mut (*d).str1);
        (*d).str1_len = r1.len;
        note_str(hdr_flags, &r1, flags::PATH_TRUNCATED);
        let r2 = read_user_str(s2, &raw mut (*d).str2);
        (*d).str2_len = r2.len;
        note_str(hdr_flags, &r2, flags::PATH2_TRUNCATED);
        let r3 = read_user_str(s3, &raw mut (*d).str3);
        (*d).str3_len = r3.len;
    })
}

/// The record of a call whose exit may never fire ([`SyscallId::may_not_return`]: reboot),
/// from its saved entry alone: at the call's entry ([`flags::AT_ENTRY`], from the shared entry
/// program) and, when its thread ends inside it, at the thread's exit ([`flags::NO_RETURN`],
/// from `sched_process_exit`, where the task's memory is already gone). Its arguments are all
/// numbers (reboot's magic words and command), so the saved ones are the whole record; its
/// stamp is the entry's, which pairs it with the exit's record of the same call.
#[inline(always)]
pub fn unanswered(inflight: &Inflight, syscall: SyscallId, bit: u32, cfg: &Config) -> Option<()> {
    // SAFETY: `d` is the reserved record's payload.
    event::<PrivData>(
        cfg,
        syscall.kind(),
        syscall as u16,
        inflight.ts_ns,
        0,
        |d, hdr_flags| unsafe {
            *hdr_flags |= bit;
            (*d).args = inflight.args;
            (*d).data_len = 0;
            (*d).str1_len = 0;
            (*d).str2_len = 0;
            (*d).str3_len = 0;
        },
    )
}

/// `signal/signal_generate` (raw: `int sig, struct kernel_siginfo *info, struct task_struct
/// *task, int group, int result`), which fires in the sender's context as the kernel queues a
/// signal, after its permission check passed: the target's real and saved uid, the ids
/// kernel/signal.c's `kill_ok_by_cred` compared with the sender's, go into the sender's saved
/// arguments (`privilege::TARGET_IDS_ARG`). Only for a recorded thread inside a signal
/// syscall; a signal the kernel raises itself is not one.
#[aya_ebpf::macros::raw_tracepoint(tracepoint = "signal_generate")]
pub fn signal_target(ctx: aya_ebpf::programs::RawTracePointContext) -> i32 {
    let _ = try_signal_target(&ctx);
    0
}

#[inline(always)]
fn try_signal_target(ctx: &aya_ebpf::programs::RawTracePointContext) -> Option<()> {
    use tracer_common::privilege::{TARGET_IDS_ARG, TARGET_KNOWN, TARGET_KNOWN_ARG};
    let cfg = config();
    let tid = aya_ebpf::helpers::bpf_get_current_pid_tgid() as u32;
    let slot = crate::maps::inflight(tid)?;
    // SAFETY: a map value read in place.
    let syscall = unsafe { (*slot).syscall };
    if SyscallId::from_raw(syscall)?.kind() != tracer_common::EventKind::Signal {
        return None;
    }
    let task: *const u8 = ctx.arg(2);
    let c = crate::task::creds_of(task, cfg)?;
    // SAFETY: the slot is this thread's, written only by its own programs.
    unsafe {
        (*slot).args[TARGET_IDS_ARG] = u64::from(c.uid) | (u64::from(c.suid) << 32);
        (*slot).args[TARGET_KNOWN_ARG] = TARGET_KNOWN;
    }
    Some(())
}
