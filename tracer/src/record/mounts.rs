//! The pseudo filesystems recording needs, mounted when absent (idempotent).

use std::path::Path;

use nix::mount::{MsFlags, mount};

use super::RecordError;

const TRACEFS: &str = "/sys/kernel/tracing";
const BPFFS: &str = "/sys/fs/bpf";
const SECURITYFS: &str = "/sys/kernel/security";

/// Mounts the pseudo filesystem `fs` (its type and source name) on `target`.
fn mount_pseudo(fs: &str, target: &str) -> nix::Result<()> {
    mount(Some(fs), target, Some(fs), MsFlags::empty(), None::<&str>)
}

/// tracefs must be mounted for tracepoints to be attached by name.
pub fn ensure_tracefs() -> Result<(), RecordError> {
    if Path::new(TRACEFS).join("events").is_dir() {
        return Ok(());
    }
    mount_pseudo("tracefs", TRACEFS).map_err(|errno| RecordError::Tracefs { errno })
}

/// bpffs is only needed to pin objects; mounted for tools that inspect a running recorder.
/// A failure is not fatal and is only logged.
pub fn ensure_bpffs() {
    let magic_ok = nix::sys::statfs::statfs(BPFFS)
        .is_ok_and(|s| s.filesystem_type() == nix::sys::statfs::BPF_FS_MAGIC);
    if !magic_ok && let Err(err) = mount_pseudo("bpf", BPFFS) {
        tracing::debug!("bpffs not mounted on {BPFFS}: {err}");
    }
}

/// The kernel's active security modules, in order (`/sys/kernel/security/lsm`), mounting
/// securityfs first if needed. BPF LSM programs load and attach whether or not `bpf` is
/// among them, but only run when it is: this list, not a successful attach, says whether they
/// will see anything. `Err` says why the list could not be read.
pub fn active_lsms() -> Result<Vec<String>, String> {
    let list = Path::new(SECURITYFS).join("lsm");
    if !list.exists()
        && let Err(err) = mount_pseudo("securityfs", SECURITYFS)
    {
        return Err(format!(
            "securityfs could not be mounted on {SECURITYFS}: {err}"
        ));
    }
    std::fs::read_to_string(&list)
        .map(|s| s.trim().split(',').map(str::to_owned).collect())
        .map_err(|err| format!("{}: {err}", list.display()))
}
