//! Which tasks are recorded. Called first by every program, so an unrelated task costs one hash
//! lookup (and, in cgroup mode, one helper call).

use aya_ebpf::helpers::generated::bpf_get_current_ancestor_cgroup_id;
use tracer_common::{Config, scope};

use crate::maps::TRACKED;

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
