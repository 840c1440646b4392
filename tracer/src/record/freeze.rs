//! Freezing the recorder's BPF maps against writes from userspace (`BPF_MAP_FREEZE`).
//!
//! Why: any root process can open the recorder's maps by id (`BPF_MAP_GET_FD_BY_ID`, the ids
//! are in `/proc/RECORDER/fdinfo`) and delete entries — round 4's `a4_bpf_map_tamper` emptied
//! `TRACKED`, so the package's later actions were not recorded while the footer said nothing
//! was lost. `BPF_F_RDONLY` at creation does not stop that: it is a property of the creating
//! fd only (the kernel drops it from the map's flags, `bpf_map_flags_retain_permanent`), and
//! `GET_FD_BY_ID` hands out a read-write fd to whoever asks. A frozen map, in contrast, takes
//! no syscall-side write through any fd (`map_get_sys_perms` masks `FMODE_CAN_WRITE`: update
//! and delete fail with EPERM), while the BPF programs still write it; freezing cannot be
//! undone. So every map is frozen once userspace has written what it writes: all but `TRACKED`
//! at the end of the load, `TRACKED` once the target is in it. Not frozen: the ring buffer
//! (its consumer page is mapped writable, and it has no update or delete).
//!
//! What it does not stop: a root process can still load its own BPF program that uses the
//! map (programs may write frozen maps), or detach the recorder's programs; both are `bpf()`
//! calls, which the verdict counts as interference.

use std::os::fd::{AsFd as _, AsRawFd as _, BorrowedFd};

use aya::{
    Ebpf,
    maps::{Map, MapData},
};

/// `BPF_MAP_FREEZE` (Linux 5.2).
const BPF_MAP_FREEZE: libc::c_long = 22;

/// The map that [`freeze_all_but_tracked`] leaves for later, and the ring buffer, never frozen.
pub const TRACKED: &str = "TRACKED";
const EVENTS: &str = "EVENTS";

/// `struct bpf_attr` for BPF_MAP_FREEZE: the map's fd (the rest of the union is zero).
#[repr(C)]
struct FreezeAttr {
    map_fd: u32,
    _pad: u32,
}

/// Freezes the map behind `fd`. A map already frozen (`.rodata`, which aya freezes itself;
/// `TRACKED`, which a command's child froze) is success here: the kernel says EPERM for it
/// (a frozen map's fds have lost their write permission, which `map_freeze` checks first) or
/// EBUSY (frozen meanwhile).
pub fn freeze_fd(fd: BorrowedFd<'_>) -> std::io::Result<()> {
    let attr = FreezeAttr {
        map_fd: fd.as_raw_fd() as u32,
        _pad: 0,
    };
    // SAFETY: bpf() reads `size_of::<FreezeAttr>()` bytes of `attr`.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_bpf,
            BPF_MAP_FREEZE,
            &attr as *const FreezeAttr,
            size_of::<FreezeAttr>(),
        )
    };
    if rc == 0 {
        return Ok(());
    }
    let e = std::io::Error::last_os_error();
    if matches!(e.raw_os_error(), Some(libc::EBUSY | libc::EPERM)) {
        Ok(())
    } else {
        Err(e)
    }
}

/// The map's data, for the kinds this recorder creates.
fn data(map: &Map) -> Option<&MapData> {
    match map {
        Map::Array(d)
        | Map::HashMap(d)
        | Map::LruHashMap(d)
        | Map::PerCpuArray(d)
        | Map::PerCpuHashMap(d)
        | Map::ProgramArray(d)
        | Map::Unsupported(d) => Some(d),
        _ => None,
    }
}

/// Freezes one map by name; the error says why it stays writable.
pub fn freeze(ebpf: &Ebpf, name: &str) -> Result<(), String> {
    let map = ebpf.map(name).ok_or_else(|| format!("no map {name}"))?;
    let d = data(map).ok_or_else(|| format!("{name}: a map kind not frozen here"))?;
    freeze_fd(d.fd().as_fd()).map_err(|e| format!("{name}: {e}"))
}

/// Freezes every map but `TRACKED` and the ring buffer: called when the load has written
/// the syscall tables and the exit programs. Returns the maps that could not be frozen,
/// with why (an old kernel: EINVAL; a map with special fields: ENOTSUPP).
pub fn freeze_all_but_tracked(ebpf: &Ebpf) -> Vec<String> {
    let names: Vec<String> = ebpf
        .maps()
        .map(|(name, _)| name.to_owned())
        .filter(|n| n != TRACKED && n != EVENTS)
        .collect();
    names.iter().filter_map(|n| freeze(ebpf, n).err()).collect()
}
