//! The two job disks. The payload is an ext4 image made from a host directory with
//! `mke2fs -d` and attached read-only; the output is an empty ext4 image the guest writes and
//! the host reads back after power-off with `debugfs rdump`. Neither needs a mount on the host,
//! and the guest never sees a host file system.

use std::{fs, path::Path, process::Command};

use super::{
    Result,
    util::{io_err, require, run_quiet},
};

pub const PAYLOAD_LABEL: &str = "tracer-payload";
pub const OUTPUT_LABEL: &str = "tracer-output";

/// Makes an ext4 image holding a copy of `dir`, sized to fit it.
pub fn make_payload(dir: &Path, image: &Path) -> Result<()> {
    require("mke2fs")?;
    let bytes = dir_size(dir)?;
    // ext4 metadata and per-file block rounding: generous, the file is sparse anyway.
    let mib = bytes / (1024 * 1024) * 5 / 4 + 64;
    ext4_from_dir(dir, image, PAYLOAD_LABEL, mib)
}

/// `mke2fs -d`: an ext4 image of `mib` MiB labelled `label` holding a copy of `dir`, owned by
/// root whatever the files' owners on the host (no loop device, no mount).
pub fn ext4_from_dir(dir: &Path, image: &Path, label: &str, mib: u64) -> Result<()> {
    require("mke2fs")?;
    run_quiet(
        Command::new("mke2fs")
            .args(["-q", "-F", "-t", "ext4", "-L", label])
            .args(["-E", "root_owner=0:0", "-d"])
            .arg(dir)
            .arg(image)
            .arg(format!("{mib}M")),
    )?;
    Ok(())
}

/// Makes an empty, sparse ext4 image of `mib` MiB for the guest to write its results to.
pub fn make_output(image: &Path, mib: u64) -> Result<()> {
    require("mke2fs")?;
    run_quiet(
        Command::new("mke2fs")
            .args(["-q", "-F", "-t", "ext4", "-L", OUTPUT_LABEL])
            .arg(image)
            .arg(format!("{mib}M")),
    )?;
    Ok(())
}

/// Copies `/<inner>` of the output image into `dest/<inner>`. Returns false when the guest
/// never created it (it did not get as far as starting the job).
pub fn read_output(image: &Path, inner: &str, dest: &Path) -> Result<bool> {
    require("debugfs")?;
    fs::create_dir_all(dest).map_err(io_err(dest))?;
    let listing = run_quiet(
        Command::new("debugfs")
            .arg("-R")
            .arg(format!("ls -l /{inner}"))
            .arg(image),
    )?;
    if listing.trim().is_empty() {
        return Ok(false);
    }
    run_quiet(
        Command::new("debugfs")
            .arg("-R")
            .arg(format!("rdump /{inner} {}", dest.display()))
            .arg(image),
    )?;
    Ok(dest.join(inner).is_dir())
}

fn dir_size(dir: &Path) -> Result<u64> {
    let mut total = 0;
    for entry in fs::read_dir(dir).map_err(io_err(dir))? {
        let entry = entry.map_err(io_err(dir))?;
        let meta = entry.metadata().map_err(io_err(&entry.path()))?;
        total += if meta.is_dir() {
            dir_size(&entry.path())?
        } else {
            meta.len()
        };
    }
    Ok(total)
}
