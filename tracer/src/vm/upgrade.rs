//! `vm check --upgrade-from`: the previous version installed first, then the one checked.
//!
//! An upgrade runs other maintainer-script branches than a first install: the old version's
//! prerm (`upgrade NEW`), the new preinst and postinst with the old version as argument
//! (`upgrade OLD`, `configure OLD`). Reviews talk about them, so the old version is staged on
//! the payload disk (`debs-old`), installed in a phase of its own (`install-old`), and the
//! checked version's install becomes the `upgrade` phase: each step's scripts are in its own
//! phase of the trace and of phases.jsonl.

use std::path::{Path, PathBuf};

use super::{Result, VmError, debs::AptRoot};

/// Where the old version comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpgradeFrom {
    /// A version in the archive (`pkg=VERSION` for each package checked).
    Version(String),
    /// The packages as a suite has them (`pkg/SUITE`): bookworm, then bookworm-backports.
    Suite(String),
    /// A local .deb (an old build of an upload).
    Deb(PathBuf),
}

impl UpgradeFrom {
    /// `--upgrade-from`'s value: a path ending in `.deb`, a Debian version (starts with a
    /// digit) or a suite name.
    pub fn parse(value: &str) -> Result<Self> {
        let bad = || VmError::BadUpgradeFrom {
            value: value.to_owned(),
        };
        if value.ends_with(".deb") {
            let p = PathBuf::from(value);
            super::debs::check_deb(&p)?;
            return Ok(UpgradeFrom::Deb(p));
        }
        let first = value.chars().next().ok_or_else(bad)?;
        if first.is_ascii_digit() {
            let ok = value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ".+~:-".contains(c));
            return if ok {
                Ok(UpgradeFrom::Version(value.to_owned()))
            } else {
                Err(bad())
            };
        }
        let ok = value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if ok && first.is_ascii_lowercase() {
            Ok(UpgradeFrom::Suite(value.to_owned()))
        } else {
            Err(bad())
        }
    }

    /// What apt is asked for, for the old version of each checked package (their `/suite`
    /// dropped: the old one is this one's).
    pub fn apt_specs(&self, packages: &[String]) -> Vec<String> {
        let name = |p: &String| p.split('/').next().unwrap_or(p).to_owned();
        match self {
            UpgradeFrom::Version(v) => packages
                .iter()
                .map(|p| format!("{}={v}", name(p)))
                .collect(),
            UpgradeFrom::Suite(s) => packages
                .iter()
                .map(|p| format!("{}/{s}", name(p)))
                .collect(),
            UpgradeFrom::Deb(_) => Vec::new(),
        }
    }

    /// Fetches the old version and what it needs into `dest` (`debs-old` on the payload).
    pub fn stage(&self, apt: &AptRoot, packages: &[String], dest: &Path) -> Result<Vec<PathBuf>> {
        let local: Vec<PathBuf> = match self {
            UpgradeFrom::Deb(p) => vec![p.clone()],
            _ => Vec::new(),
        };
        let files = apt.fetch(&self.apt_specs(packages), &local, dest)?;
        tracing::info!(
            count = files.len(),
            "vm check: the old version staged for the upgrade"
        );
        Ok(files)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_versions_suites_or_debs() {
        assert_eq!(
            UpgradeFrom::parse("3.0pl1-162").unwrap(),
            UpgradeFrom::Version("3.0pl1-162".into())
        );
        assert_eq!(
            UpgradeFrom::parse("bookworm").unwrap(),
            UpgradeFrom::Suite("bookworm".into())
        );
        assert!(UpgradeFrom::parse("Bookworm").is_err());
        assert!(UpgradeFrom::parse("1.0;rm").is_err());
        assert!(UpgradeFrom::parse("").is_err());
        // A .deb that is not there: named as such.
        let e = UpgradeFrom::parse("/nonexistent/old_1.0_all.deb").unwrap_err();
        assert!(e.to_string().contains("old_1.0_all.deb"), "{e}");
        let pk = ["cron/bookworm-backports".to_owned(), "anacron".to_owned()];
        assert_eq!(
            UpgradeFrom::Suite("bookworm".into()).apt_specs(&pk),
            ["cron/bookworm", "anacron/bookworm"]
        );
        assert_eq!(
            UpgradeFrom::Version("1.0-1".into()).apt_specs(&pk),
            ["cron=1.0-1", "anacron=1.0-1"]
        );
    }
}
