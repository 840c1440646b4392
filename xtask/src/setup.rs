//! `cargo xtask setup`: everything a fresh machine lacks, installed idempotently.
//!
//! The eBPF toolchain recipe is the one verified in shared/TOOLCHAIN.md: Debian's rustc-web with
//! its prebuilt BPF `core`, and bpf-linker 0.13.0 built against Debian's LLVM 22. Each step
//! checks first and does nothing when its part is there, so running it again costs a second.

use std::{path::PathBuf, process::Command};

use anyhow::{Context as _, bail};

use crate::util::{is_root, on_path, run_cmd, workspace_root};

/// Debian packages the eBPF build needs.
const BUILD_PACKAGES: &[&str] = &[
    "rustc-web",
    "cargo-web",
    "libstd-rust-web-dev-bpf",
    "llvm-22-dev",
];
/// Debian packages the tests and the built-in example use (python3 drives the example's connect;
/// gzip and zstd compress traces the way a user would, for the compressed-trace test;
/// gunicorn is the real app server of the runtime-attribution test, tests/tests/e2e/attribution.rs).
const TEST_PACKAGES: &[&str] = &["python3", "strace", "iproute2", "gzip", "zstd", "gunicorn"];
const BPF_LINKER_VERSION: &str = "0.13.0";

#[derive(clap::Args)]
pub struct Args {
    /// Only report what is missing; install nothing.
    #[arg(long)]
    pub check: bool,
    /// Also install the VM tools (mmdebstrap, qemu from backports, e2fsprogs, qemu-utils).
    #[arg(long)]
    pub vm: bool,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let missing = missing_packages(&[BUILD_PACKAGES, TEST_PACKAGES].concat());
    let linker_ok = bpf_linker_ok();
    if args.check {
        for p in &missing {
            println!("missing Debian package: {p}");
        }
        if !linker_ok {
            println!("missing: bpf-linker {BPF_LINKER_VERSION} (llvm-22)");
        }
        if missing.is_empty() && linker_ok {
            println!("setup: everything is installed");
            return Ok(());
        }
        bail!("setup is incomplete: run `cargo xtask setup`");
    }
    ensure_packages(&missing)?;
    if !linker_ok {
        install_bpf_linker()?;
    }
    if args.vm {
        crate::vm_image::ensure_vm_tools()?;
    }
    println!("setup: toolchain ready (rustc-web, BPF core, bpf-linker {BPF_LINKER_VERSION})");
    Ok(())
}

/// Installs `packages` with apt (root only), updating the lists first.
pub fn ensure_packages(packages: &[String]) -> anyhow::Result<()> {
    if packages.is_empty() {
        return Ok(());
    }
    if !is_root() {
        bail!(
            "Debian packages missing ({}); installing them needs root: run `sudo -E cargo xtask setup`",
            packages.join(" ")
        );
    }
    println!("setup: installing {}", packages.join(" "));
    run_cmd(Command::new("apt-get").arg("update").arg("-q"))?;
    // A private archive cache: a concurrent apt run once removed the downloaded .debs mid-install.
    let cache = std::env::temp_dir().join("tracer-apt-cache");
    std::fs::create_dir_all(cache.join("partial")).context("creating the apt cache directory")?;
    run_cmd(
        Command::new("apt-get")
            .env("DEBIAN_FRONTEND", "noninteractive")
            .arg("-o")
            .arg(format!("Dir::Cache::archives={}", cache.display()))
            .args(["install", "-y", "-q", "--no-install-recommends"])
            .args(packages),
    )
}

/// The packages of `wanted` that dpkg does not report as installed.
pub fn missing_packages(wanted: &[&str]) -> Vec<String> {
    wanted
        .iter()
        .filter(|p| {
            let out = Command::new("dpkg-query")
                .args(["-W", "-f=${db:Status-Abbrev}", p])
                .output();
            !matches!(out, Ok(o) if o.status.success() && o.stdout.starts_with(b"ii"))
        })
        .map(|p| (*p).to_owned())
        .collect()
}

fn bpf_linker_ok() -> bool {
    Command::new("bpf-linker")
        .arg("--version")
        .output()
        .is_ok_and(|o| {
            o.status.success() && String::from_utf8_lossy(&o.stdout).contains(BPF_LINKER_VERSION)
        })
}

fn install_bpf_linker() -> anyhow::Result<()> {
    if !on_path("cargo") {
        bail!("cargo is not on PATH; install rustup's stable toolchain first");
    }
    println!("setup: building bpf-linker {BPF_LINKER_VERSION} against LLVM 22 (about a minute)");
    run_cmd(
        Command::new("cargo")
            .env("LLVM_PREFIX", "/usr/lib/llvm-22")
            .args([
                "install",
                "bpf-linker",
                "--version",
                BPF_LINKER_VERSION,
                "--locked",
            ])
            .args(["--no-default-features", "--features", "llvm-22"]),
    )
}

/// Builds the eBPF object alone with the recipe the `tracer` build script uses.
pub fn build_ebpf() -> anyhow::Result<PathBuf> {
    let root = workspace_root();
    let target_dir = root.join("target/ebpf");
    let flags = [
        "--cfg=bpf_target_arch=\"x86_64\"",
        "-Cdebuginfo=2",
        "-Clink-arg=--btf",
    ]
    .join("\x1f");
    run_cmd(
        Command::new("rustup")
            .args([
                "run",
                "/usr",
                "cargo",
                "build",
                "--release",
                "--package",
                "tracer-ebpf",
            ])
            .args(["--target", "bpfel-unknown-none", "--target-dir"])
            .arg(&target_dir)
            .current_dir(&root)
            .env("RUSTC_BOOTSTRAP", "aya_ebpf")
            .env("CARGO_ENCODED_RUSTFLAGS", flags)
            .env_remove("RUSTC")
            .env_remove("RUSTC_WORKSPACE_WRAPPER"),
    )?;
    Ok(target_dir.join("bpfel-unknown-none/release/tracer"))
}
