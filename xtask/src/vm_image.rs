//! `cargo xtask vm-image`: the VM tools installed when missing, then `tracer vm image`.
//!
//! The image logic lives in the tracer library (`tracer::vm::image`) so `tracer vm image` and
//! this task build the same thing; this task only builds a userspace-only tracer in its own
//! target directory (so the real, eBPF-carrying binary in target/ is never replaced) and runs it.

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context as _, bail};

use crate::{
    setup::{ensure_packages, missing_packages},
    util::{is_root, run_cmd, workspace_root},
};

/// Tools of the VM, from the machine's own suite. autopkgtest: its qemu runner is how the
/// `tracer-review` stanza is tested (docs/autopkgtest.md). dpkg-dev: `tracer vm check` unpacks
/// the checked package's source with `dpkg-source -x` to run its own autopkgtest (docs/vm.md).
/// lintian: the test of tracer's own .deb (tests/tests/deb.rs) runs it.
const VM_PACKAGES: &[&str] = &[
    "mmdebstrap",
    "e2fsprogs",
    "qemu-utils",
    "autopkgtest",
    "dpkg-dev",
    "lintian",
];
/// qemu-system-x86 comes from <suite>-backports: a backports qemu-utils (often already on the
/// machine) conflicts with the suite's own qemu-system-x86.
const QEMU_SYSTEM: &str = "qemu-system-x86";
const BACKPORTS_FILE: &str = "/etc/apt/sources.list.d/tracer-backports.sources";

#[derive(clap::Args)]
pub struct Args {
    /// Debian suite of the guest.
    #[arg(long, default_value = "bookworm")]
    suite: String,
    /// Extra package baked into the image (repeatable).
    #[arg(long = "package")]
    packages: Vec<String>,
    /// Debian mirror URI or deb822 file (default: this machine's apt sources).
    #[arg(long)]
    mirror: Option<String>,
    /// Rebuild even if cached.
    #[arg(long)]
    rebuild: bool,
}

/// Builds the `tracer` binary without its eBPF object (image building needs none), in a
/// target directory of its own, and returns its path.
pub fn userspace_tracer() -> anyhow::Result<std::path::PathBuf> {
    let root = workspace_root();
    let target = root.join("target/xtask-vm");
    run_cmd(
        Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["build", "--quiet", "-p", "tracer", "--bin", "tracer"])
            .arg("--target-dir")
            .arg(&target)
            .env("AYA_BUILD_SKIP", "1")
            .current_dir(&root),
    )?;
    Ok(target.join("debug/tracer"))
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    ensure_vm_tools()?;
    let mut cmd = Command::new(userspace_tracer()?);
    cmd.args(["-v", "vm", "image", "--suite", &args.suite]);
    for p in &args.packages {
        cmd.args(["--package", p]);
    }
    if let Some(m) = &args.mirror {
        cmd.args(["--mirror", m]);
    }
    if args.rebuild {
        cmd.arg("--rebuild");
    }
    run_cmd(&mut cmd)
}

/// Installs mmdebstrap, e2fsprogs, qemu-utils, autopkgtest, dpkg-dev and qemu-system-x86 (the
/// latter from backports, whose source entry is derived from the machine's Debian entry) when
/// any is missing.
pub fn ensure_vm_tools() -> anyhow::Result<()> {
    let missing = missing_packages(VM_PACKAGES);
    let qemu_missing = !missing_packages(&[QEMU_SYSTEM]).is_empty();
    if missing.is_empty() && !qemu_missing {
        return Ok(());
    }
    if !is_root() {
        bail!(
            "VM tools missing ({}); installing them needs root: run `sudo -E cargo xtask setup --vm`",
            [missing.clone(), vec![QEMU_SYSTEM.to_owned()]]
                .concat()
                .join(" ")
        );
    }
    ensure_packages(&missing)?;
    if qemu_missing {
        let codename = codename()?;
        ensure_backports_source(&codename)?;
        run_cmd(Command::new("apt-get").args(["update", "-q"]))?;
        run_cmd(
            Command::new("apt-get")
                .env("DEBIAN_FRONTEND", "noninteractive")
                .args(["install", "-y", "-q", "--no-install-recommends", "-t"])
                .arg(format!("{codename}-backports"))
                .arg(QEMU_SYSTEM),
        )?;
    }
    Ok(())
}

fn codename() -> anyhow::Result<String> {
    let text = fs::read_to_string("/etc/os-release").context("reading /etc/os-release")?;
    text.lines()
        .find_map(|l| l.strip_prefix("VERSION_CODENAME="))
        .map(|v| v.trim_matches('"').to_owned())
        .filter(|v| !v.is_empty())
        .context("/etc/os-release has no VERSION_CODENAME (expected a Debian release)")
}

/// Writes a `<codename>-backports` deb822 entry with the URI and key of the machine's Debian
/// entry for `<codename>`, unless some source already has that suite.
fn ensure_backports_source(codename: &str) -> anyhow::Result<()> {
    let backports = format!("{codename}-backports");
    let mut main: Option<(String, Option<String>)> = None;
    for f in sources_files()? {
        let text = fs::read_to_string(&f).with_context(|| format!("reading {}", f.display()))?;
        for stanza in text.split("\n\n") {
            let field = |name: &str| {
                stanza.lines().find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.trim()
                        .eq_ignore_ascii_case(name)
                        .then(|| v.trim().to_owned())
                })
            };
            let suites = field("Suites").unwrap_or_default();
            if suites.split_whitespace().any(|s| s == backports) {
                return Ok(());
            }
            if main.is_none()
                && suites.split_whitespace().any(|s| s == codename)
                && let Some(uri) = field("URIs")
            {
                main = Some((uri, field("Signed-By")));
            }
        }
    }
    let Some((uri, key)) = main else {
        bail!(
            "no apt source for {codename} in /etc/apt/sources.list.d/*.sources to derive {backports} from; add one"
        );
    };
    let mut text = format!("Types: deb\nURIs: {uri}\nSuites: {backports}\nComponents: main\n");
    if let Some(k) = key {
        text.push_str(&format!("Signed-By: {k}\n"));
    }
    fs::write(BACKPORTS_FILE, text).with_context(|| format!("writing {BACKPORTS_FILE}"))?;
    println!("setup: added {BACKPORTS_FILE} (derived from the {codename} entry)");
    Ok(())
}

fn sources_files() -> anyhow::Result<Vec<PathBuf>> {
    let dir = Path::new("/etc/apt/sources.list.d");
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "sources"))
        .collect();
    files.sort();
    Ok(files)
}
