//! Which tasks are recorded. Called first by every program, so an unrelated task costs one hash
//! lookup (and, in cgroup mode, one helper call).

use aya_ebpf::{
    bindings::bpf_pidns_info,
    helpers::generated::{bpf_get_current_ancestor_cgroup_id, bpf_get_ns_current_pid_tgid},
};
use tracer_common::{Config, EventKind, process::AdoptData, scope, tracked};

use crate::{emit::event, maps::TRACKED};

#[inline(always)]
pub fn in_scope(pid_tgid: u64, cfg: &Config) -> bool {
    let tid = pid_tgid as u32;
    let tgid = (pid_tgid >> 32) as u32;
    if tgid == cfg.self_tgid {
        return false;
    }
    if cfg.scope == scope::ALL {
        return true;
    }
    if TRACKED.get_ptr(tid).is_some() {
        return true;
    }
    // SAFETY: a helper without pointer arguments.
    cfg.scope == scope::CGROUP
        && unsafe { bpf_get_current_ancestor_cgroup_id(cfg.cgroup_level as i32) } == cfg.cgroup_id
}

/// `BPF_NOEXIST`: insert only a key that is not there yet.
const BPF_NOEXIST: u64 = 1;
/// The `ret` of an adoption refused because the caller is in another pid namespace.
const EXDEV: i64 = 18;

/// The recorded task just took control of task `victim` (a successful ptrace request on it, a
/// process_vm_writev into it, a write-open of its `/proc/N/mem`): from now on `victim` runs
/// what the package wrote into it, so it joins the tracked set (as [`tracked::ADOPTED`]; its
/// children inherit that at fork) and an `adopt` record says so, before the call's own record.
/// A victim already recorded, the recorder itself, or any task when everything is recorded,
/// needs nothing. A victim the full map cannot take is written with the map's error in `ret`:
/// its actions stay unrecorded and userspace keeps the claims inconclusive over it.
#[inline(always)]
pub fn adopt(victim: u32, syscall: u16, ts_ns: u64, request: u64, cfg: &Config) {
    if victim == 0 || victim == cfg.self_tgid || cfg.scope == scope::ALL {
        return;
    }
    if TRACKED.get_ptr(victim).is_some() {
        return;
    }
    let mut ns = bpf_pidns_info { pid: 0, tgid: 0 };
    // SAFETY: the helper writes `size_of::<bpf_pidns_info>()` bytes into `ns`.
    let same_ns = unsafe {
        bpf_get_ns_current_pid_tgid(
            cfg.pidns_dev,
            cfg.pidns_ino,
            &mut ns,
            size_of::<bpf_pidns_info>() as u32,
        )
    } == 0;
    let ret = if !same_ns {
        // The caller's pid is a number of another namespace: which task it names is not
        // known here, so none is adopted.
        -EXDEV
    } else {
        match TRACKED.insert(victim, tracked::ADOPTED, BPF_NOEXIST) {
            Ok(()) => 0,
            // Another CPU adopted it meanwhile.
            Err(_) if TRACKED.get_ptr(victim).is_some() => return,
            Err(e) => e as i64,
        }
    };
    // SAFETY: `d` is the reserved record's payload.
    let _ = event::<AdoptData>(cfg, EventKind::Adopt, syscall, ts_ns, ret, |d, _| unsafe {
        (*d).request = request;
        (*d).victim = victim;
        (*d)._pad = 0;
    });
}
