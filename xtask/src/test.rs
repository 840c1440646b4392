//! `cargo xtask test`: the project's one test command, run by `.ci/run` and named in the README.
//!
//! Order: setup check (installs what is missing), formatting, clippy with warnings as errors,
//! then every test of the workspace. The end-to-end tests record real processes with eBPF, so
//! this needs root; it refuses early rather than letting those tests fail one by one.

use std::process::Command;

use anyhow::bail;

use crate::util::{is_root, run_cmd, workspace_root};

#[derive(clap::Args)]
pub struct Args {
    /// Skip `cargo fmt --check` and clippy (for quick local iterations).
    #[arg(long)]
    pub no_lint: bool,
    /// Extra arguments for `cargo test` (a filter, `--nocapture`, …).
    #[arg(last = true)]
    pub cargo_test_args: Vec<String>,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    if !is_root() {
        bail!(
            "the tests record real processes with eBPF and need root: run `sudo -E cargo xtask test`"
        );
    }
    // vm: the VM test (tracer/tests/vm.rs) boots a real guest and needs qemu and mmdebstrap.
    crate::setup::run(&crate::setup::Args {
        check: false,
        vm: true,
    })?;
    let root = workspace_root();
    let cargo = || {
        let mut cmd = Command::new("cargo");
        cmd.current_dir(&root);
        cmd
    };
    if !args.no_lint {
        run_cmd(cargo().args(["fmt", "--all", "--check"]))?;
        run_cmd(cargo().args([
            "clippy",
            "--workspace",
            // The eBPF crate only builds for the BPF target; tracer's build script builds it.
            "--exclude",
            "tracer-ebpf",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))?;
    }
    run_cmd(cargo().args(["build", "--workspace", "--exclude", "tracer-ebpf", "--bins"]))?;
    // The autopkgtest test (tests/tests/autopkgtest.rs) installs tracer in its testbed from a
    // .deb (the debug build just made: no release build in CI) and boots the testbed image.
    let deb = crate::deb::build(&crate::deb::Args {
        out: Some(root.join("target/autopkgtest-deb")),
        maintainer: None,
        debug: true,
    })?;
    let testbed =
        crate::autopkgtest::ensure(&crate::deb::target_dir().join("debug/tracer"), false)?;
    run_cmd(
        cargo()
            .env("TRACER_BIN", root.join("target/debug/tracer"))
            .env("TRACER_DEB", &deb)
            .env("TRACER_ADT_TESTBED", &testbed.dir)
            // Every test binary runs even when one fails: a failure in one must not hide the
            // others (cargo stops at the first failing binary by default).
            .args([
                "test",
                "--workspace",
                "--exclude",
                "tracer-ebpf",
                "--no-fail-fast",
                "--",
            ])
            .args(&args.cargo_test_args),
    )
}
