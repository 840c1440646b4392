//! What the guest-booting tests (vm.rs, vm_lsm.rs) share: the root check, scratch directories,
//! the default guest image and one boot of it with a payload.

use std::{path::PathBuf, time::Duration};

use tracer::vm::{
    image::{Image, ImageSpec, default_cache_dir},
    job::{self, JobOptions, JobOutcome},
};

pub fn require_root() {
    assert!(
        nix::unistd::geteuid().is_root(),
        "the VM test needs root (it builds a Debian image and boots it): run it with sudo"
    );
}

/// An empty directory of its own for this test process.
pub fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("tracer-vm-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The default guest image (bookworm, no extra packages), built or reused.
pub fn image() -> Image {
    ImageSpec::new("bookworm", &[], None, default_cache_dir())
        .expect("valid spec")
        .ensure(false)
        .expect("guest image")
}

/// Boots `image` once with `payload` (its `job.sh`) and asserts the job exited 0; on failure
/// the message has `job.log` and the other `logs` the job wrote to `out`.
pub fn run_job(
    image: &Image,
    payload: &std::path::Path,
    out: &std::path::Path,
    logs: &[&str],
) -> JobOutcome {
    let outcome = job::run(
        image,
        payload,
        out,
        &JobOptions {
            timeout: Duration::from_secs(600),
            ..JobOptions::default()
        },
    )
    .expect("the job ran and the guest powered off");
    let mut text = String::new();
    for name in std::iter::once("job.log").chain(logs.iter().copied()) {
        let log = std::fs::read_to_string(out.join(name)).unwrap_or_default();
        text.push_str(&format!("--- {name}\n{log}\n"));
    }
    assert_eq!(
        outcome.exit_status,
        Some(0),
        "job failed in the guest:\n{text}"
    );
    outcome
}
