//! The disposable VM: a Debian guest image built from packages, booted under qemu with no NIC,
//! handed a read-only payload disk and read back through a scratch output disk after power-off.
//!
//! One module per concern: `sources` (which Debian mirror, from this machine's apt sources),
//! `image` (build and cache the guest image), `disk` (payload/output ext4 images),
//! `qemu` (accelerator choice and the qemu process), `qmp` (qemu's events: who opened the
//! trace port), `job` (one boot = one job),
//! `debs` (fetch a package and its dependencies on the host), `autopkgtest` (the package's own
//! tests as the exercise), `preseed` (debconf answers set before install), `check` (the
//! `vm check` flow), `provenance` (whose each process of the whole-guest trace is, and how it
//! was started), `exercise` (which units, and their lifecycle after start), `upgrade` (the
//! previous version first).
//! Nothing here needs loop devices or device-mapper: images are made with `mke2fs -d` and read
//! with `debugfs`, so it works in containers that have neither.

/// The tracing target of the few messages that tell where a run of minutes is (image, apt, boot,
/// the guest's phases and install lines): the CLI shows them without `-v`, as a live line on a
/// terminal and as plain lines in a log.
pub const PROGRESS: &str = "tracer::progress";

pub mod autopkgtest;
pub mod check;
pub mod contents;
pub mod debs;
pub mod disk;
pub mod exercise;
pub mod harden;
pub mod image;
pub mod job;
pub mod preseed;
pub mod provenance;
pub mod qemu;
pub mod qmp;
pub mod sources;
pub mod stream;
pub mod upgrade;
mod util;

use std::path::PathBuf;

/// Everything that can go wrong around the VM, each naming what was expected and a way out.
#[derive(Debug, thiserror::Error)]
pub enum VmError {
    #[error("`{program}` is not installed ({package}); run `cargo xtask setup --vm`")]
    MissingTool {
        program: &'static str,
        package: &'static str,
    },
    #[error("`{command}` failed ({status}): {detail}")]
    Command {
        command: String,
        status: String,
        detail: String,
    },
    // `error`, not `source`: the message already carries it, and a chained source would
    // print it twice in `{:#}`.
    #[error("could not run `{command}`: {error}")]
    Spawn {
        command: String,
        error: std::io::Error,
    },
    #[error("{path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error(
        "no Debian entry in this machine's apt sources ({searched}); pass --mirror URI or set TRACER_DEBIAN_MIRROR"
    )]
    NoDebianSource { searched: String },
    #[error("bad mirror {value:?}: expected an http(s) URI or a deb822 .sources file")]
    BadMirror { value: String },
    #[error(
        "bad package name {name:?}: expected a Debian package name such as `cron` (with --package, or `cron/SUITE`)"
    )]
    BadPackage { name: String },
    #[error("{path}: not a .deb file (expected a Debian binary package)")]
    BadDeb { path: PathBuf },
    #[error(
        "no guest image at {path}; build it with `tracer vm image` (or `cargo xtask vm-image`)"
    )]
    NoImage { path: PathBuf },
    #[error("the image build produced no kernel or initrd in {path}/boot")]
    NoKernel { path: PathBuf },
    #[error("building the guest image needs root (mmdebstrap, device nodes); run it with sudo")]
    NeedsRoot,
    #[error("guest did not finish within {seconds} s (killed); console tail:\n{tail}")]
    Timeout { seconds: u64, tail: String },
    #[error("guest stopped without finishing its job (boot failure?); console tail:\n{tail}")]
    NoResult { tail: String },
    #[error(
        "the tracer binary for the guest is missing: {path} (build it with `cargo build --release -p tracer`)"
    )]
    NoTracer { path: PathBuf },
    #[error(
        "{file}:{line}: {reason}; the package's autopkgtest cannot run (give --exercise CMD or --wait)"
    )]
    BadTestControl {
        /// `<source> <version>: debian/tests/control` (the unpacked tree is temporary).
        file: String,
        line: usize,
        reason: String,
    },
    #[error(
        "{units}: ran in the guest, but the trace has no process of it; the recording missed the package (see record.log and journal.txt in {out})"
    )]
    Unrecorded { units: String, out: PathBuf },
    #[error("{path}: {reason}; the guest's trace cannot be read")]
    BadTrace { path: PathBuf, reason: String },
    #[error(
        "bad --upgrade-from {value:?}: expected a version (1.2-3), a suite (bookworm) or an old .deb file"
    )]
    BadUpgradeFrom { value: String },
    #[error("package {package} ships no systemd unit and no --unit was given")]
    NoUnits { package: String },
}

pub type Result<T, E = VmError> = std::result::Result<T, E>;
