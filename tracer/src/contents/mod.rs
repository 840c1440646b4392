//! What the install put on disk: the "contents manifest" of the reviewed package.
//!
//! Many review lines are about package contents, not behaviour: "does not install services,
//! timers or recurring jobs", "No setuid binaries", "No udev rules". A trace cannot answer
//! them (a file dpkg unpacks is written by dpkg, the harness), but dpkg's own records can: the
//! list of files each binary package installed (`dpkg-query -L`), each with its type, mode and
//! owner as installed, and the maintainer scripts. This module defines that manifest (JSON,
//! versioned by `contents_version`), reads it, and says which installed files are instances of
//! a contents claim. The verdict stage adds what the trace shows maintainer scripts doing
//! (a `chmod u+s` in a postinst).
//!
//! The guest side collects it with `vm/contents.sh` (see `crate::vm::contents`).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::claims::Check;

/// The manifest format version this checker reads and writes.
pub const CONTENTS_VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ContentsError {
    // `error`, not `source`: the message carries it, and a chained source would print twice.
    #[error(
        "cannot read contents manifest {path}: {error}; expected the contents.json `tracer vm check` writes"
    )]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error(
        "{path}: not a contents manifest ({message}); expected the JSON `tracer vm check` writes \
         (contents_version {CONTENTS_VERSION}), see docs/claims.md"
    )]
    Format { path: PathBuf, message: String },
}

/// What dpkg installed, per binary package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub contents_version: u32,
    pub packages: Vec<PackageContents>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageContents {
    /// The binary package (`cron`, `python3-masakari`).
    pub package: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    /// The source package it is built from (`cron` for cron-daemon-common).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// Its Depends field: shown beside library verdicts as context, never as evidence.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub depends: String,
    /// Every path `dpkg-query -L` lists, as found on disk after the install.
    pub files: Vec<InstalledFile>,
    /// The maintainer scripts dpkg keeps (`/var/lib/dpkg/info/PKG.postinst`, …): name and text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub maintainer_scripts: Vec<MaintainerScript>,
    /// The systemd service units the package ships, and the drop-ins (`foo.service.d/*.conf`)
    /// it ships for them or for another package's service, with their text: their sandboxing
    /// directives are a claim of their own, and a drop-in's `[Service]` section adds to the
    /// unit's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<UnitFile>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitFile {
    pub path: String,
    pub text: String,
}

/// systemd's sandboxing and privilege-limiting directives (systemd.exec(5)): one of them in a
/// unit's `[Service]` section is an instance of `unit_sandboxing`.
const SANDBOXING: &[&str] = &[
    "ProtectSystem",
    "ProtectHome",
    "ProtectKernelTunables",
    "ProtectKernelModules",
    "ProtectKernelLogs",
    "ProtectControlGroups",
    "ProtectClock",
    "ProtectHostname",
    "ProtectProc",
    "PrivateTmp",
    "PrivateDevices",
    "PrivateNetwork",
    "PrivateUsers",
    "PrivateIPC",
    "NoNewPrivileges",
    "CapabilityBoundingSet",
    "AmbientCapabilities",
    "RestrictAddressFamilies",
    "RestrictNamespaces",
    "RestrictRealtime",
    "RestrictSUIDSGID",
    "SystemCallFilter",
    "SystemCallArchitectures",
    "MemoryDenyWriteExecute",
    "LockPersonality",
    "DynamicUser",
    "User",
    "ReadOnlyPaths",
    "InaccessiblePaths",
    "ReadWritePaths",
    "AppArmorProfile",
    "IPAddressDeny",
    "DevicePolicy",
    "UMask",
];

/// The sandboxing directives of a unit's `[Service]` section, as written (`ProtectSystem=strict`).
pub fn sandboxing_directives(unit: &str) -> Vec<String> {
    let mut in_service = false;
    let mut out = Vec::new();
    for line in unit.lines() {
        let l = line.trim();
        if l.starts_with('[') {
            in_service = l == "[Service]";
            continue;
        }
        if !in_service || l.starts_with(['#', ';']) {
            continue;
        }
        if let Some((key, value)) = l.split_once('=')
            && SANDBOXING.contains(&key.trim())
            && !value.trim().is_empty()
        {
            out.push(format!("{}={}", key.trim(), value.trim()));
        }
    }
    out
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstalledFile {
    pub path: String,
    #[serde(rename = "type")]
    pub kind: FileKind,
    /// Permission bits with setuid/setgid/sticky, as octal text (`"2755"`): the form a reviewer
    /// reads. Validated on read.
    pub mode: String,
    pub owner: String,
    pub group: String,
    /// A symlink among the systemd unit directories: where it points. One to `/dev/null`
    /// masks the unit of that name: it installs no service. Absent for every other file, and
    /// in manifests from before 2026-12-04.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    File,
    Directory,
    Symlink,
    Other,
    /// Listed by dpkg but not on disk (a diverted or removed file).
    Missing,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaintainerScript {
    /// `preinst`, `postinst`, `prerm`, `postrm`, `config`, …
    pub name: String,
    pub text: String,
}

impl InstalledFile {
    /// A regular file known only by its path (a file a maintainer script created, seen in the
    /// trace): mode 0644, owner unknown.
    pub fn plain(path: &str) -> Self {
        InstalledFile {
            path: path.to_owned(),
            kind: FileKind::File,
            mode: "0644".to_owned(),
            owner: "?".to_owned(),
            group: "?".to_owned(),
            target: None,
        }
    }

    /// The permission bits; 0 when the text is not octal (never after [`read_manifest`]).
    pub fn mode_bits(&self) -> u32 {
        u32::from_str_radix(&self.mode, 8).unwrap_or(0)
    }
}

/// Parses a manifest, checking the version and every mode.
pub fn parse_manifest(text: &str, path: &Path) -> Result<Manifest, ContentsError> {
    let bad = |message: String| ContentsError::Format {
        path: path.to_owned(),
        message,
    };
    let m: Manifest = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
    if m.contents_version != CONTENTS_VERSION {
        return Err(bad(format!(
            "contents_version {} is not {CONTENTS_VERSION}",
            m.contents_version
        )));
    }
    for p in &m.packages {
        for f in &p.files {
            if f.mode.is_empty() || f.mode.len() > 5 || u32::from_str_radix(&f.mode, 8).is_err() {
                return Err(bad(format!(
                    "{}: mode {:?} of {} is not octal",
                    p.package, f.mode, f.path
                )));
            }
        }
    }
    Ok(m)
}

pub fn read_manifest(path: &Path) -> Result<Manifest, ContentsError> {
    let text = std::fs::read_to_string(path).map_err(|error| ContentsError::Io {
        path: path.to_owned(),
        error,
    })?;
    parse_manifest(&text, path)
}

/// Parses the listing `vm/contents.sh` prints (one record a line, see the script) into a
/// manifest. `source` names the listing in errors.
pub fn parse_listing(text: &str, source: &Path) -> Result<Manifest, ContentsError> {
    let bad = |n: usize, message: &str| ContentsError::Format {
        path: source.to_owned(),
        message: format!("line {}: {message}", n + 1),
    };
    let mut packages: Vec<PackageContents> = Vec::new();
    // Whether `|` lines belong to the last maintainer script (false) or unit (true).
    let mut in_unit = false;
    for (n, line) in text.lines().enumerate() {
        if let Some(text_line) = line.strip_prefix('|') {
            let p = packages
                .last_mut()
                .ok_or_else(|| bad(n, "a script line before any script"))?;
            let text = if in_unit {
                p.units.last_mut().map(|u| &mut u.text)
            } else {
                p.maintainer_scripts.last_mut().map(|s| &mut s.text)
            }
            .ok_or_else(|| bad(n, "a script line before any script"))?;
            text.push_str(text_line);
            text.push('\n');
            continue;
        }
        let fields: Vec<&str> = line.splitn(6, '\t').collect();
        let current = |packages: &mut Vec<PackageContents>, pkg: &str| {
            packages
                .last_mut()
                .filter(|p| p.package == pkg)
                .map(|_| ())
                .ok_or_else(|| bad(n, "a record for a package not announced by a P line"))
        };
        match fields.as_slice() {
            ["P", pkg, version, source, depends] => packages.push(PackageContents {
                package: (*pkg).to_owned(),
                version: (*version).to_owned(),
                source: (*source).to_owned(),
                depends: (*depends).to_owned(),
                files: Vec::new(),
                maintainer_scripts: Vec::new(),
                units: Vec::new(),
            }),
            ["F", pkg, mode, owner, group, path] => {
                current(&mut packages, pkg)?;
                let raw = u32::from_str_radix(mode, 16)
                    .map_err(|_| bad(n, "the mode is not hexadecimal (stat %f)"))?;
                let kind = match raw & 0o170000 {
                    0o100000 => FileKind::File,
                    0o040000 => FileKind::Directory,
                    0o120000 => FileKind::Symlink,
                    _ => FileKind::Other,
                };
                if let Some(p) = packages.last_mut() {
                    p.files.push(InstalledFile {
                        path: (*path).to_owned(),
                        kind,
                        mode: format!("{:04o}", raw & 0o7777),
                        owner: (*owner).to_owned(),
                        group: (*group).to_owned(),
                        target: None,
                    });
                }
            }
            ["L", pkg, path, target] => {
                current(&mut packages, pkg)?;
                if let Some(f) = packages
                    .last_mut()
                    .and_then(|p| p.files.iter_mut().find(|f| f.path == *path))
                {
                    f.target = Some((*target).to_owned());
                }
            }
            ["M", pkg, path] => {
                current(&mut packages, pkg)?;
                if let Some(p) = packages.last_mut() {
                    p.files.push(InstalledFile {
                        path: (*path).to_owned(),
                        kind: FileKind::Missing,
                        mode: "0000".to_owned(),
                        owner: String::new(),
                        group: String::new(),
                        target: None,
                    });
                }
            }
            ["U", pkg, path] => {
                current(&mut packages, pkg)?;
                in_unit = true;
                if let Some(p) = packages.last_mut() {
                    p.units.push(UnitFile {
                        path: (*path).to_owned(),
                        text: String::new(),
                    });
                }
            }
            ["S", pkg, name] => {
                current(&mut packages, pkg)?;
                in_unit = false;
                if let Some(p) = packages.last_mut() {
                    p.maintainer_scripts.push(MaintainerScript {
                        name: (*name).to_owned(),
                        text: String::new(),
                    });
                }
            }
            [""] => {}
            _ => return Err(bad(n, "expected a P, F, M, S, U or | record")),
        }
    }
    Ok(Manifest {
        contents_version: CONTENTS_VERSION,
        packages,
    })
}

/// Library packages per library claim, by name prefix: the Depends entries that are context
/// for its verdict.
fn library_packages(check: Check) -> &'static [&'static str] {
    match check {
        Check::Webkit => &[
            "libwebkit",
            "libjavascriptcoregtk",
            "libqt5webkit",
            "libqt6webengine",
            "libqt5webengine",
            "libwpewebkit",
        ],
        Check::JsEngine => &["libv8", "libnode", "libseed"],
        Check::SystemAuthentication => &["libpam"],
        Check::OnlineAccounts => &["libgoa", "libaccounts-glib", "libsignon"],
        Check::Crypto => &[
            "libssl",
            "libgcrypt",
            "libgnutls",
            "libsodium",
            "libnettle",
            "libmbedcrypto",
            "libnss3",
            "libk5crypto",
        ],
        _ => &[],
    }
}

/// The Depends entries of `packages` that are libraries of a library claim, as written
/// (`libpam0g (>= 0.99.7.1)`).
pub fn library_depends(manifest: &Manifest, packages: &[&str], check: Check) -> Vec<String> {
    let prefixes = library_packages(check);
    let mut out: Vec<String> = manifest
        .packages
        .iter()
        .filter(|p| packages.contains(&p.package.as_str()))
        .flat_map(|p| p.depends.split([',', '|']))
        .map(str::trim)
        .filter(|d| prefixes.iter().any(|l| d.starts_with(l)))
        .map(str::to_owned)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Directories whose entries are of one kind. A directory covers what is below it.
const SERVICE_DIRS: &[&str] = &[
    "/lib/systemd/system/",
    "/usr/lib/systemd/system/",
    "/etc/systemd/system/",
    "/lib/systemd/user/",
    "/usr/lib/systemd/user/",
];
const CRON_DIRS: &[&str] = &[
    "/etc/cron.d/",
    "/etc/cron.hourly/",
    "/etc/cron.daily/",
    "/etc/cron.weekly/",
    "/etc/cron.monthly/",
    "/etc/cron.yearly/",
    "/var/spool/cron/crontabs/",
    "/etc/crontab",
    "/etc/anacrontab",
];
const DBUS_DIRS: &[&str] = &[
    "/usr/share/dbus-1/",
    "/etc/dbus-1/",
    "/usr/lib/dbus-1",
    "/lib/dbus-1",
];
const UDEV_DIRS: &[&str] = &[
    "/lib/udev/rules.d/",
    "/usr/lib/udev/rules.d/",
    "/etc/udev/rules.d/",
];
const POLKIT_DIRS: &[&str] = &[
    "/usr/share/polkit-1/actions/",
    "/usr/share/polkit-1/rules.d/",
    "/etc/polkit-1/",
    "/var/lib/polkit-1/localauthority/",
];
const PATH_DIRS: &[&str] = &[
    "/usr/local/sbin/",
    "/usr/local/bin/",
    "/usr/sbin/",
    "/usr/bin/",
    "/sbin/",
    "/bin/",
    "/usr/games/",
];

fn directly_under(path: &str, dir: &str) -> bool {
    path.strip_prefix(dir)
        .is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
}

fn below(path: &str, dirs: &[&str]) -> bool {
    dirs.iter().any(|d| {
        if d.ends_with('/') {
            path.starts_with(d) && path.len() > d.len()
        } else {
            path == *d || path.starts_with(&format!("{d}/"))
        }
    })
}

/// Whether an installed file is an instance of a contents claim; `Some(what)` names it.
pub fn instance(check: Check, f: &InstalledFile) -> Option<String> {
    let p = f.path.as_str();
    let is_entry = matches!(f.kind, FileKind::File | FileKind::Symlink);
    let name = p.rsplit('/').next().unwrap_or(p);
    // `foo.service -> /dev/null`: the unit masked, not installed.
    let unit = is_entry && below(p, SERVICE_DIRS) && f.target.as_deref() != Some("/dev/null");
    let hit = match check {
        Check::InstallsServices => {
            unit && (name.ends_with(".service") || name.ends_with(".socket"))
        }
        Check::InstallsTimers => unit && name.ends_with(".timer"),
        Check::InstallsCronJobs => {
            is_entry && below(p, CRON_DIRS) && !name.starts_with('.') && name != "placeholder"
        }
        Check::InstallsInitScripts => is_entry && directly_under(p, "/etc/init.d/"),
        Check::InstallsDbusFiles => is_entry && below(p, DBUS_DIRS),
        Check::InstallsUdevRules => is_entry && below(p, UDEV_DIRS) && name.ends_with(".rules"),
        Check::InstallsPolkitFiles => is_entry && below(p, POLKIT_DIRS),
        Check::InstallsSudoers => is_entry && below(p, &["/etc/sudoers.d/"]),
        Check::InstallsApparmorProfiles => {
            is_entry
                && directly_under(p, "/etc/apparmor.d/")
                && !matches!(name, "tunables" | "abstractions")
        }
        Check::SetuidFiles => f.kind == FileKind::File && f.mode_bits() & 0o6000 != 0,
        Check::SbinExecutables => {
            is_entry && (directly_under(p, "/sbin/") || directly_under(p, "/usr/sbin/"))
        }
        Check::BinariesInPath => PATH_DIRS.iter().any(|d| directly_under(p, d)) && is_entry,
        _ => false,
    };
    hit.then(|| {
        format!(
            "{p} ({}, {} {}:{})",
            match f.kind {
                FileKind::Symlink => "symlink",
                _ => "file",
            },
            f.mode,
            f.owner,
            f.group
        )
    })
}

/// Every instance of a contents claim in the manifest: (binary package, what).
pub fn instances(manifest: &Manifest, check: Check) -> Vec<(String, String)> {
    if check == Check::UnitSandboxing {
        return manifest
            .packages
            .iter()
            .flat_map(|p| {
                p.units.iter().filter_map(move |u| {
                    let d = sandboxing_directives(&u.text);
                    (!d.is_empty())
                        .then(|| (p.package.clone(), format!("{}: {}", u.path, d.join(" "))))
                })
            })
            .collect();
    }
    manifest
        .packages
        .iter()
        .flat_map(|p| {
            p.files
                .iter()
                .filter_map(move |f| instance(check, f).map(|w| (p.package.clone(), w)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, mode: &str) -> InstalledFile {
        InstalledFile {
            path: path.into(),
            kind: FileKind::File,
            mode: mode.into(),
            owner: "root".into(),
            group: "root".into(),
            target: None,
        }
    }

    /// sudo's `sudo.service -> /dev/null` (the listing's `L` record) masks the unit: no
    /// service installed. A link to a real unit file (an alias) still is one.
    #[test]
    fn a_unit_masked_with_dev_null_is_not_installed() {
        let listing = "P\tsudo\t1.9\tsudo\tlibc6\n\
                       F\tsudo\ta1ff\troot\troot\t/lib/systemd/system/sudo.service\n\
                       F\tsudo\ta1ff\troot\troot\t/lib/systemd/system/sudo-alias.service\n\
                       L\tsudo\t/lib/systemd/system/sudo.service\t/dev/null\n\
                       L\tsudo\t/lib/systemd/system/sudo-alias.service\tsudo-real.service\n";
        let m = parse_listing(listing, Path::new("contents.txt")).expect("a valid listing");
        let found = instances(&m, Check::InstallsServices);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0]
                .1
                .starts_with("/lib/systemd/system/sudo-alias.service")
        );
    }

    #[test]
    fn files_are_classified_by_place_and_mode() {
        let i = |c, p, m| instance(c, &file(p, m)).is_some();
        assert!(i(
            Check::InstallsServices,
            "/usr/lib/systemd/system/cron.service",
            "644"
        ));
        assert!(!i(
            Check::InstallsServices,
            "/usr/lib/systemd/system/cron.timer",
            "644"
        ));
        assert!(i(
            Check::InstallsTimers,
            "/lib/systemd/system/x.timer",
            "644"
        ));
        assert!(i(Check::InstallsCronJobs, "/etc/cron.d/e2scrub_all", "644"));
        assert!(i(Check::InstallsCronJobs, "/etc/crontab", "644"));
        assert!(!i(Check::InstallsCronJobs, "/etc/crontab.bak", "644"));
        assert!(!i(
            Check::InstallsCronJobs,
            "/etc/cron.d/.placeholder",
            "644"
        ));
        assert!(i(Check::InstallsInitScripts, "/etc/init.d/cron", "755"));
        assert!(i(Check::SetuidFiles, "/usr/bin/crontab", "2755"));
        assert!(i(Check::SetuidFiles, "/usr/bin/passwd", "4755"));
        assert!(!i(Check::SetuidFiles, "/usr/bin/ls", "755"));
        assert!(i(Check::SbinExecutables, "/usr/sbin/cron", "755"));
        assert!(!i(Check::SbinExecutables, "/usr/sbin/x/y", "755"));
        assert!(i(
            Check::InstallsDbusFiles,
            "/usr/share/dbus-1/system.d/a.conf",
            "644"
        ));
        assert!(i(
            Check::InstallsUdevRules,
            "/usr/lib/udev/rules.d/60-x.rules",
            "644"
        ));
        assert!(i(
            Check::InstallsApparmorProfiles,
            "/etc/apparmor.d/usr.sbin.x",
            "644"
        ));
        assert!(i(Check::InstallsSudoers, "/etc/sudoers.d/x", "440"));
        assert!(i(
            Check::InstallsPolkitFiles,
            "/usr/share/polkit-1/actions/a.policy",
            "644"
        ));
        let dir = InstalledFile {
            kind: FileKind::Directory,
            ..file("/etc/cron.d/sub", "755")
        };
        assert!(instance(Check::InstallsCronJobs, &dir).is_none());
    }

    /// A drop-in shipped for a service adds its sandboxing to the unit's: the package that
    /// hardens its service through `foo.service.d/hardening.conf` uses sandboxing.
    #[test]
    fn drop_ins_count_for_unit_sandboxing() {
        let listing = "P\tfoo\t1.0\tfoo\t\n\
                       U\tfoo\t/usr/lib/systemd/system/foo.service\n\
                       |[Service]\n\
                       |ExecStart=/usr/sbin/food\n\
                       U\tfoo\t/usr/lib/systemd/system/foo.service.d/hardening.conf\n\
                       |[Service]\n\
                       |ProtectSystem=strict\n\
                       |PrivateTmp=yes\n";
        let m = parse_listing(listing, Path::new("listing")).expect("a valid listing");
        assert_eq!(
            instances(&m, Check::UnitSandboxing),
            [(
                "foo".to_owned(),
                "/usr/lib/systemd/system/foo.service.d/hardening.conf: ProtectSystem=strict \
                 PrivateTmp=yes"
                    .to_owned()
            )]
        );
    }

    #[test]
    fn sandboxing_directives_of_the_service_section() {
        let unit = "[Unit]\nUser=not-here\n[Service]\nExecStart=/x\n# PrivateTmp=yes\nProtectSystem=strict\nNoNewPrivileges=yes\nUser=\n[Install]\nPrivateTmp=yes\n";
        assert_eq!(
            sandboxing_directives(unit),
            ["ProtectSystem=strict", "NoNewPrivileges=yes"]
        );
        assert!(sandboxing_directives("[Service]\nExecStart=/usr/sbin/cron -f\n").is_empty());
    }

    #[test]
    fn bad_manifests_name_the_problem() {
        let p = Path::new("m.json");
        let e = parse_manifest("{}", p).unwrap_err().to_string();
        assert!(e.starts_with("m.json: not a contents manifest"), "{e}");
        let e = parse_manifest(r#"{"contents_version":9,"packages":[]}"#, p)
            .unwrap_err()
            .to_string();
        assert!(e.contains("contents_version 9"), "{e}");
        let e = parse_manifest(
            r#"{"contents_version":1,"packages":[{"package":"a","files":[{"path":"/x","type":"file","mode":"rwx","owner":"r","group":"r"}]}]}"#,
            p,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("not octal"), "{e}");
    }
}
