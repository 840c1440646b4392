//! The claims file: claims a reviewer writes by hand, or corrections to what the extractor found.
//!
//! ```toml
//! [package]
//! name = "masakari"
//! daemons = ["/usr/bin/masakari-engine"]
//! dirs = ["/srv/masakari"]
//! ports = [15868]
//!
//! [[claim]]
//! check = "outgoing_destinations"
//! expect = "absent"
//! allow = { destinations = ["127.0.0.1", "10.0.0.5:5432"] }
//! ```

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Allow, Check, Claim, ClaimSet, Expect, Package, Source};

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClaimsFileError {
    #[error("cannot read claims file {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path}: not a claims file ({message}); expected TOML with [package] and [[claim]] \
         tables, see docs/claims.md and examples/"
    )]
    Toml { path: PathBuf, message: String },
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimsFile {
    #[serde(default)]
    pub package: Package,
    #[serde(default, rename = "claim")]
    pub claims: Vec<FileClaim>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileClaim {
    pub check: Check,
    #[serde(default = "absent")]
    pub expect: Expect,
    #[serde(default, skip_serializing_if = "Allow::is_empty")]
    pub allow: Allow,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn absent() -> Expect {
    Expect::Absent
}

pub fn parse_claims_file(text: &str, path: &Path) -> Result<ClaimsFile, ClaimsFileError> {
    toml::from_str(text).map_err(|e| ClaimsFileError::Toml {
        path: path.to_owned(),
        message: e.message().to_owned(),
    })
}

pub fn read_claims_file(path: &Path) -> Result<ClaimsFile, ClaimsFileError> {
    let text = std::fs::read_to_string(path).map_err(|source| ClaimsFileError::Io {
        path: path.to_owned(),
        source,
    })?;
    parse_claims_file(&text, path)
}

impl ClaimsFile {
    /// The claims file for an extraction, to edit by hand: `tracer claims --toml`.
    pub fn from_set(set: &ClaimSet) -> Self {
        ClaimsFile {
            package: set.package.clone(),
            claims: set
                .claims
                .iter()
                .map(|c| FileClaim {
                    check: c.check,
                    expect: c.expect,
                    allow: c.allow.clone(),
                    note: match &c.source {
                        Source::Review { line, text, .. } => Some(format!("line {line}: {text}")),
                        Source::ClaimsFile { note } => note.clone(),
                    },
                })
                .collect(),
        }
    }
}

/// Applies a claims file to what was extracted: its package fields win, a claim of a check the
/// review already has replaces that claim's polarity and allowlist (keeping the review line as
/// its source), other claims are added.
pub fn merge(mut set: ClaimSet, file: ClaimsFile) -> ClaimSet {
    let p = file.package;
    if p.name.is_some() {
        set.package.name = p.name;
    }
    set.package.daemons.extend(p.daemons);
    set.package.dirs.extend(p.dirs);
    set.package.ports.extend(p.ports);
    set.package.runtime_is_package.extend(p.runtime_is_package);
    set.package.runtime_programs.extend(p.runtime_programs);
    for fc in file.claims {
        if let Some(c) = set.claims.iter_mut().find(|c| c.check == fc.check) {
            c.expect = fc.expect;
            c.allow = fc.allow;
            continue;
        }
        let id = format!("C{}", set.claims.len() + 1);
        set.claims.push(Claim {
            id,
            check: fc.check,
            expect: fc.expect,
            source: Source::ClaimsFile { note: fc.note },
            allow: fc.allow,
        });
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_merges() {
        let file = parse_claims_file(
            r#"
            [package]
            name = "demo"
            ports = [8080]
            [[claim]]
            check = "outgoing_destinations"
            allow = { destinations = ["127.0.0.1:80"] }
            [[claim]]
            check = "temp_files"
            "#,
            Path::new("c.toml"),
        )
        .unwrap();
        let set = super::super::extract("- No use of temp files\n");
        let merged = merge(set, file);
        assert_eq!(merged.package.name.as_deref(), Some("demo"));
        assert_eq!(merged.claims.len(), 2);
        assert_eq!(merged.claims[0].check, Check::TempFiles);
        assert!(matches!(merged.claims[0].source, Source::Review { .. }));
        assert_eq!(merged.claims[1].allow.destinations, ["127.0.0.1:80"]);
    }

    #[test]
    fn unknown_check_is_an_error_naming_the_file() {
        let err = parse_claims_file("[[claim]]\ncheck = \"nope\"\n", Path::new("x.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("x.toml: not a claims file"), "{err}");
        assert!(err.contains("nope"), "{err}");
    }
}
