//! Owned by the vm_image work in progress; replaced by its implementation.

#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: &Args) -> anyhow::Result<()> {
    anyhow::bail!("`cargo xtask vm-image` is not implemented yet")
}
