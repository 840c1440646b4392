//! Builds the eBPF programs (the `tracer-ebpf` crate) for the BPF target and leaves the object in
//! OUT_DIR, where `record::loader` embeds it.
//!
//! The BPF build uses Debian's rustc (the `/usr` toolchain), which ships a prebuilt `core` for
//! `bpfel-unknown-none`; the rest of the workspace uses rustup's stable. See shared/TOOLCHAIN.md.
//! `AYA_BUILD_SKIP=1` builds userspace only; such a binary refuses to record.

use std::{env, path::Path, process::Command};

use anyhow::{Context as _, anyhow, bail};
use aya_build::Toolchain;

/// The toolchain whose sysroot has the BPF `core` (Debian's rustc-web + libstd-rust-web-dev-bpf).
const BPF_TOOLCHAIN: &str = "/usr";
const SETUP_HINT: &str =
    "run `cargo xtask setup` (or set AYA_BUILD_SKIP=1 to build userspace only)";

fn main() -> anyhow::Result<()> {
    record_commit();
    println!("cargo:rerun-if-env-changed=AYA_BUILD_SKIP");
    let skip = env::var("AYA_BUILD_SKIP").is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true"));
    println!("cargo:rustc-check-cfg=cfg(tracer_no_ebpf)");
    if skip {
        println!("cargo:rustc-cfg=tracer_no_ebpf");
        return Ok(());
    }
    check_toolchain()?;

    let cargo_metadata::Metadata { packages, .. } = cargo_metadata::MetadataCommand::new()
        .no_deps()
        .exec()
        .context("cargo metadata")?;
    let ebpf = packages
        .into_iter()
        .find(|p| p.name.as_str() == "tracer-ebpf")
        .ok_or_else(|| anyhow!("tracer-ebpf package not found"))?;
    let root_dir = ebpf
        .manifest_path
        .parent()
        .ok_or_else(|| anyhow!("no parent for {}", ebpf.manifest_path))?;
    // aya-ebpf uses `feature(asm_experimental_arch)`; scoping RUSTC_BOOTSTRAP to that crate
    // allows it on a stable compiler without aya-build switching to `-Z build-std`.
    // SAFETY: build scripts are single-threaded.
    unsafe {
        env::set_var("RUSTC_BOOTSTRAP", "aya_ebpf");
        env::set_var("CARGO_TERM_QUIET", "true");
    }
    aya_build::build_ebpf(
        [aya_build::Package {
            name: ebpf.name.as_str(),
            root_dir: root_dir.as_str(),
            ..Default::default()
        }],
        Toolchain::Custom(BPF_TOOLCHAIN),
    )
}

/// Fails at once, with the fix, when the BPF toolchain is missing: otherwise the error comes
/// ~40 s later, buried in nested cargo output.
fn check_toolchain() -> anyhow::Result<()> {
    let found_linker = env::var_os("PATH")
        .is_some_and(|paths| env::split_paths(&paths).any(|p| p.join("bpf-linker").is_file()));
    if !found_linker {
        bail!("bpf-linker is not on PATH; {SETUP_HINT}");
    }
    let rustc = Path::new(BPF_TOOLCHAIN).join("bin/rustc");
    let sysroot = Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    let Some(sysroot) = sysroot else {
        bail!(
            "{} is missing (Debian's rustc-web); {SETUP_HINT}",
            rustc.display()
        );
    };
    let core_dir = Path::new(&sysroot).join("lib/rustlib/bpfel-unknown-none/lib");
    let has_core = std::fs::read_dir(&core_dir).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("libcore-"))
    });
    if !has_core {
        bail!(
            "no BPF `core` under {} (Debian's libstd-rust-web-dev-bpf); {SETUP_HINT}",
            core_dir.display()
        );
    }
    Ok(())
}

/// `TRACER_VERSION` for `tracer --version`: a report names the checker, and a version number
/// alone does not say which code judged. Re-run when HEAD moves (the nested eBPF build is a
/// no-op then). Outside a git checkout (a source tarball) nothing is set and --version says so.
fn record_commit() {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    let version = env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let Some(commit) = git(&["rev-parse", "--short=12", "HEAD"]) else {
        println!("cargo:rustc-env=TRACER_VERSION={version} (commit not recorded)");
        return;
    };
    println!("cargo:rustc-env=TRACER_VERSION={version} (commit {commit})");
    let mut watched = vec!["HEAD".to_owned(), "packed-refs".to_owned()];
    watched.extend(git(&["symbolic-ref", "-q", "HEAD"]));
    for name in watched {
        if let Some(path) = git(&["rev-parse", "--path-format=absolute", "--git-path", &name]) {
            println!("cargo:rerun-if-changed={path}");
        }
    }
}
