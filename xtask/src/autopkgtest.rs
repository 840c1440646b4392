//! `cargo xtask autopkgtest-testbed`: a testbed for `autopkgtest … -- qemu`, built by the
//! project's own image builder, and the command line that runs a package's tests in it.
//!
//! The image is `tracer vm image` with the packages autopkgtest-virt-qemu needs on top of the
//! tracer guest's (a login on ttyS0 and 9p for the shared directory the tracer image has
//! already), see `GUEST_EXTRA_PACKAGES`. `autopkgtest/qemu-tcg` is copied next to it as the
//! `--qemu-command`: it boots the image's kernel directly, uses TCG where /dev/kvm exists but
//! does not work, and cuts the user-mode NIC off from the host (see the script's comments).

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context as _, bail};

use crate::util::workspace_root;

/// What autopkgtest-virt-qemu needs in the guest beyond the tracer image's packages:
/// - python3: its helpers in the guest (the `eofcat` it writes, the auxverb) are Python;
/// - dbus, libpam-systemd: virt-qemu logs in on ttyS0 and leaves `setsid sh` running on hvc1.
///   Without logind that shell stays in serial-getty@ttyS0's cgroup and dies with the login
///   session; with it the session gets its own scope and the shell outlives the logout;
/// - dpkg-dev, apt-utils: autopkgtest unpacks the source package (or tree) with `dpkg-source`
///   and serves the .debs of its command line from a local repository made with
///   `apt-ftparchive`; it would otherwise install them from an archive the guest cannot reach.
pub const GUEST_EXTRA_PACKAGES: &[&str] =
    &["python3", "dbus", "libpam-systemd", "dpkg-dev", "apt-utils"];
/// The wrapper's name in the image directory.
pub const QEMU_WRAPPER: &str = "autopkgtest-qemu";

#[derive(clap::Args)]
pub struct Args {
    /// Rebuild the image even if cached.
    #[arg(long)]
    rebuild: bool,
}

/// A built testbed: the image directory holds root.qcow2, vmlinuz, initrd.img and the wrapper.
pub struct Testbed {
    pub dir: PathBuf,
}

impl Testbed {
    pub fn image(&self) -> PathBuf {
        self.dir.join("root.qcow2")
    }

    pub fn qemu(&self) -> PathBuf {
        self.dir.join(QEMU_WRAPPER)
    }

    /// The virt-qemu part of an autopkgtest command line (after `--`).
    pub fn virt_args(&self) -> Vec<String> {
        vec![
            "qemu".into(),
            format!("--qemu-command={}", self.qemu().display()),
            // The image's root has no password: virt-qemu logs in on ttyS0 and starts its
            // root shell on hvc1 from there.
            "--user=root".into(),
            "--password=".into(),
            "--cpus=2".into(),
            "--ram-size=1536".into(),
            // TCG boots are slow; virt-qemu's default of 60 s is not always enough.
            "--timeout-reboot=300".into(),
            self.image().display().to_string(),
        ]
    }
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    crate::vm_image::ensure_vm_tools()?;
    let testbed = ensure(&crate::vm_image::userspace_tracer()?, args.rebuild)?;
    println!("testbed: {}", testbed.dir.display());
    println!("run a package's tests in it (tracer_*.deb from `cargo xtask deb`):\n");
    println!(
        "  autopkgtest --no-built-binaries --setup-commands='rm -f /etc/apt/sources.list /etc/apt/sources.list.d/*' \\\n    \
         SRCDIR/ PKG_*.deb out/deb/tracer_*.deb -o OUTDIR -- {}",
        testbed
            .virt_args()
            .iter()
            .map(|a| if a.ends_with('=') {
                format!("{a}''")
            } else {
                a.clone()
            })
            .collect::<Vec<_>>()
            .join(" ")
    );
    Ok(())
}

/// Builds (or reuses) the testbed image with `tracer` (any build: image building needs no eBPF)
/// and puts the wrapper next to it.
pub fn ensure(tracer: &Path, rebuild: bool) -> anyhow::Result<Testbed> {
    let mut cmd = Command::new(tracer);
    cmd.args(["-v", "vm", "image"]);
    for p in GUEST_EXTRA_PACKAGES {
        cmd.args(["--package", p]);
    }
    if rebuild {
        cmd.arg("--rebuild");
    }
    let out = cmd
        .stderr(std::process::Stdio::inherit())
        .output()
        .with_context(|| format!("could not run {}", tracer.display()))?;
    if !out.status.success() {
        bail!(
            "`tracer vm image` failed ({}): see its output above",
            out.status
        );
    }
    let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    if !dir.join("root.qcow2").is_file() {
        bail!(
            "`tracer vm image` printed {:?}, which holds no root.qcow2",
            dir.display()
        );
    }
    let testbed = Testbed { dir };
    let wrapper = workspace_root().join("autopkgtest/qemu-tcg");
    fs::copy(&wrapper, testbed.qemu()).with_context(|| {
        format!(
            "copying {} into {}",
            wrapper.display(),
            testbed.dir.display()
        )
    })?;
    Ok(testbed)
}
