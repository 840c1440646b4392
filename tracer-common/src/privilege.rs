//! Payload of the privilege family: the raw arguments plus the strings and small structs some
//! calls point to (mount's source/target/fstype, capset's data, setgroups' list).

use crate::PATH_CAP;

/// Bytes kept of a pointed-to struct (capset data: 2 × 12; setgroups: the first 16 gids).
pub const PRIV_DATA_CAP: usize = 64;
/// Bytes kept of a short string (a filesystem type).
pub const SHORT_STR_CAP: usize = 64;

#[repr(C)]
#[derive(Clone, Copy)]
pub struct PrivData {
    pub args: [u64; 6],
    pub data_len: u32,
    pub str1_len: u32,
    pub str2_len: u32,
    pub str3_len: u32,
    pub data: [u8; PRIV_DATA_CAP],
    /// mount: source; umount2, chroot: target; pivot_root: new root; (f)init_module: params.
    pub str1: [u8; PATH_CAP],
    /// mount: target; pivot_root: put_old.
    pub str2: [u8; PATH_CAP],
    /// mount: filesystem type.
    pub str3: [u8; SHORT_STR_CAP],
}

/// prlimit64 on the caller itself and setrlimit: the entry program reads the hard limit of the
/// resource before the call and stores it in the saved arguments, at `args[PREV_VALUE_ARG]`,
/// with `args[PREV_KNOWN_ARG] == 1` (neither call has a fifth or sixth argument). Otherwise
/// `args[PREV_KNOWN_ARG]` is 0.
pub const PREV_KNOWN_ARG: usize = 4;
pub const PREV_VALUE_ARG: usize = 5;
/// `RLIM_NLIMITS`: resources the kernel knows.
pub const RLIM_NLIMITS: u64 = 16;

/// clone3's `struct clone_args`: `set_tid` and `set_tid_size` (u64s at these offsets).
pub const CLONE_ARGS_SET_TID: u64 = 64;
pub const CLONE_ARGS_SET_TID_SIZE: u64 = 72;
/// clone3 with `set_tid`: the record's `args[SET_TID_SIZE_ARG]` is `set_tid_size` (clone3 has
/// two arguments) and `data` the first pids asked for.
pub const SET_TID_SIZE_ARG: usize = 5;

/// `TIOCSTI` (push a byte into a terminal's input: CAP_SYS_ADMIN since 6.2) and `TIOCCONS`
/// (redirect the console: CAP_SYS_ADMIN).
pub const TIOCSTI: u32 = 0x5412;
pub const TIOCCONS: u32 = 0x541d;

/// `FS_IOC_SETFLAGS` (`_IOW('f', 2, long)`: chattr's inode flags, immutable and append-only
/// among them) and `FS_IOC_FSSETXATTR` (`_IOW('X', 32, struct fsxattr)`: the same flags in
/// xfs's form, and the project id). Their records are `file_attr` events of the file behind
/// the fd.
pub const FS_IOC_SETFLAGS: u32 = 0x4008_6602;
pub const FS_IOC_FSSETXATTR: u32 = 0x401c_5820;

/// `FIBMAP` (`_IO(0x00, 1)`: a file's block on disk): fs/ioctl.c's `ioctl_fibmap` asks
/// CAP_SYS_RAWIO first, on any fd (do_vfs_ioctl handles it before the file's own ioctls).
pub const FIBMAP: u32 = 1;

/// The ioctls that are recorded: the socket ioctls (`0x89xx`: interface, route and ARP
/// configuration, most of which need CAP_NET_ADMIN, and their reads), `TIOCSTI`, `TIOCCONS`,
/// `FIBMAP`, and the two that set a file's inode flags. Every other ioctl is dropped at entry: ioctl is
/// hot (terminals, devices).
pub const fn ioctl_recorded(cmd: u64) -> bool {
    let cmd = cmd as u32;
    cmd >> 8 == 0x89
        || cmd == TIOCSTI
        || cmd == TIOCCONS
        || cmd == FIBMAP
        || cmd == FS_IOC_SETFLAGS
        || cmd == FS_IOC_FSSETXATTR
}

/// `CLOCK_REALTIME_ALARM` and `CLOCK_BOOTTIME_ALARM`: a timer on either (timerfd_create,
/// timer_create) can wake the system from suspend, and the kernel asks CAP_WAKE_ALARM for it
/// (fs/timerfd.c, kernel/time/alarmtimer.c). Timers on other clocks are not recorded: daemons
/// make them all the time.
pub const fn alarm_clock(clockid: u64) -> bool {
    matches!(clockid as i32, 8 | 9)
}

/// A signal syscall's target ids, as kernel/signal.c's `kill_ok_by_cred` compares them: the
/// `signal_generate` program writes the target task's real uid (low half) and saved uid (high
/// half) into the sender's saved arguments at `args[TARGET_IDS_ARG]`, with
/// `args[TARGET_KNOWN_ARG] == TARGET_KNOWN` (no signal syscall has a fifth or sixth
/// argument; the entry clears both). Otherwise `args[TARGET_KNOWN_ARG]` is 0: no signal was
/// generated (refused, no such process, signal 0), or the hook is absent.
pub const TARGET_KNOWN_ARG: usize = 4;
pub const TARGET_IDS_ARG: usize = 5;
pub const TARGET_KNOWN: u64 = 0x7467_7473_0000_0001;
