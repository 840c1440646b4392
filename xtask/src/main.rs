//! Project tasks. `cargo xtask <task>`; each task is one module.
//!
//! - `demo`: the README's first command: set up, build, record the example, check a review.
//! - `setup`: installs what a fresh machine lacks (Debian packages, bpf-linker), idempotently.
//! - `build-ebpf`: builds the eBPF object alone, for quick kernel-side iterations.
//! - `test`: the project's test command (what `.ci/run` runs).
//! - `vm-image`: builds the guest image from Debian packages.
//! - `bench`: the overhead and loss benchmarks.
//! - `deb`: the full tracer as a Debian package (for autopkgtest testbeds).
//! - `autopkgtest-testbed`: a guest image for `autopkgtest -- qemu` and its command line.

mod autopkgtest;
mod bench;
mod deb;
mod demo;
mod setup;
mod test;
mod util;
mod vm_image;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "tracer project tasks")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Set up, build, record the built-in example and check the demo review against it.
    Demo,
    /// Install the eBPF toolchain and tools this project needs (idempotent).
    Setup(setup::Args),
    /// Build the eBPF object only (release, BPF target) and print its path.
    BuildEbpf,
    /// Run fmt, clippy and every test, including the ones that need root and a kernel.
    Test(test::Args),
    /// Build (or reuse) a guest VM image.
    VmImage(vm_image::Args),
    /// Measure tracing overhead and loss accounting.
    Bench(bench::Args),
    /// Build the full tracer (eBPF included) as out/deb/tracer_<version>_<arch>.deb.
    Deb(deb::Args),
    /// Build (or reuse) the guest image for `autopkgtest -- qemu` and print how to run it.
    AutopkgtestTestbed(autopkgtest::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.task {
        Task::Demo => demo::run(),
        Task::Setup(args) => setup::run(&args),
        Task::BuildEbpf => setup::build_ebpf().map(|path| println!("{}", path.display())),
        Task::Test(args) => test::run(&args),
        Task::VmImage(args) => vm_image::run(&args),
        Task::Bench(args) => bench::run(&args),
        Task::Deb(args) => deb::run(&args),
        Task::AutopkgtestTestbed(args) => autopkgtest::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask: {err:#}");
            ExitCode::FAILURE
        }
    }
}
