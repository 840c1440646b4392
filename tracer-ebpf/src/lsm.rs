//! What the LSM programs share: naming a file from its `struct path` with `bpf_d_path`.
//! (The `path_*` hooks are not sleepable: `crate::probes::file_lsm` names their files with the
//! kernel walk instead, and shares only [`watch`].)
//!
//! LSM hooks run after the kernel has resolved the path and every earlier security module has
//! let the operation go ahead, on the very `struct file` the process gets. `bpf_d_path` is
//! allowed only in hooks the kernel lists as sleepable (`file_open`, `bprm_check_security`
//! among them), and only on a pointer the verifier knows is a `struct path`: the programs derive
//! it from their typed hook argument plus a field offset that is a constant of the read-only
//! `Config`, never through `bpf_probe_read_kernel`, which would turn it into a plain number.

use aya_ebpf::{helpers::generated::bpf_d_path, programs::LsmContext};
use tracer_common::{Config, PATH_CAP, RealPath};

use crate::maps::config;

/// Runs `note` where the programs may name files (`Config::lsm_paths`) and returns the decision
/// of the LSM programs before this one, the hook's last argument (`decision_arg`): these
/// programs only watch, and never allow or deny anything themselves.
#[inline(always)]
pub fn watch(
    ctx: &LsmContext,
    decision_arg: usize,
    note: impl FnOnce(&LsmContext, &Config) -> Option<()>,
) -> i32 {
    let cfg = config();
    if cfg.lsm_paths != 0 {
        let _ = note(ctx, cfg);
    }
    ctx.arg(decision_arg)
}

/// Writes the name of `path` (a kernel `struct path *`) into `dst`.
///
/// # Safety
/// `dst` must point to a writable `RealPath`; `path` must be a `struct path` pointer the
/// verifier can type (see the module documentation).
#[inline(always)]
pub unsafe fn name_into(path: *const u8, dst: *mut RealPath) {
    // SAFETY: the caller guarantees both pointers; the helper bounds its write by PATH_CAP.
    unsafe {
        let n = bpf_d_path(
            path as *mut _,
            (&raw mut (*dst).path).cast(),
            PATH_CAP as u32,
        );
        if n > 0 {
            (*dst).len = (n - 1) as u32;
            (*dst).error = 0;
        } else {
            (*dst).len = 0;
            (*dst).error = if n == 0 { -1 } else { n as i32 };
        }
    }
}
