//! Collecting the contents manifest (`crate::contents`) where the package is installed: the
//! guest of `tracer vm check`, or this machine. The collection is a shell script (dpkg-query,
//! stat, the maintainer scripts under /var/lib/dpkg/info) so that it runs in a guest with
//! nothing but Debian's essential packages; Rust only parses its output.

use std::{path::Path, process::Command};

use crate::contents::{ContentsError, Manifest, parse_listing};

/// The guest-side collector: `sh -s -- PKG…` with this on stdin prints the listing.
pub const CONTENTS_SH: &str = include_str!("contents.sh");

/// Runs the collector on this machine for installed packages (how tests check it against a
/// real dpkg database; the guest runs the same script).
pub fn collect_here(packages: &[&str]) -> Result<Manifest, ContentsError> {
    let source = Path::new("vm/contents.sh");
    let out = Command::new("sh")
        .arg("-c")
        .arg(CONTENTS_SH)
        .arg("contents.sh")
        .args(packages)
        .output()
        .map_err(|e| ContentsError::Io {
            path: source.to_owned(),
            source: e,
        })?;
    if !out.status.success() {
        return Err(ContentsError::Format {
            path: source.to_owned(),
            message: format!(
                "the collector failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        });
    }
    parse_listing(&String::from_utf8_lossy(&out.stdout), source)
}
