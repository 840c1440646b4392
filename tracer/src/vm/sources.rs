//! Which Debian mirror the image and the packages come from.
//!
//! Taken at run time from this machine's apt sources (deb822 files in
//! /etc/apt/sources.list.d), so the tool uses whatever mirror or snapshot the machine is set up
//! for and the project names none. `--mirror` / `TRACER_DEBIAN_MIRROR` override it with a URI
//! or a ready deb822 file. A `<suite>-backports` entry is derived from the main Debian entry.

use std::path::{Path, PathBuf};

use super::{Result, VmError, util::io_err};

pub const MIRROR_ENV: &str = "TRACER_DEBIAN_MIRROR";
const SOURCES_DIR: &str = "/etc/apt/sources.list.d";
const DEBIAN_KEYRING: &str = "/usr/share/keyrings/debian-archive-keyring.gpg";

/// One deb822 stanza, kept to the fields the guest needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stanza {
    pub uris: Vec<String>,
    pub suites: Vec<String>,
    pub components: Vec<String>,
    pub signed_by: Option<String>,
}

impl Stanza {
    pub fn render(&self) -> String {
        self.render_as("deb")
    }

    /// The stanza with another `Types:` (`deb-src` for the source packages).
    pub fn render_as(&self, types: &str) -> String {
        let mut s = format!(
            "Types: {types}\nURIs: {}\nSuites: {}\nComponents: {}\n",
            self.uris.join(" "),
            self.suites.join(" "),
            self.components.join(" ")
        );
        if let Some(k) = &self.signed_by {
            s.push_str(&format!("Signed-By: {k}\n"));
        }
        s
    }
}

/// Parses the `deb` stanzas of a deb822 sources file (comments, `deb-src` and disabled
/// stanzas are skipped; multi-line Signed-By key blocks are not supported and dropped).
pub fn parse_deb822(text: &str) -> Vec<Stanza> {
    let mut out = Vec::new();
    for block in text.split("\n\n") {
        let mut types = Vec::new();
        let mut st = Stanza {
            uris: vec![],
            suites: vec![],
            components: vec![],
            signed_by: None,
        };
        let mut enabled = true;
        for line in block.lines() {
            if line.starts_with('#') || line.starts_with(char::is_whitespace) {
                continue;
            }
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let words = || value.split_whitespace().map(str::to_owned).collect();
            match key.trim().to_ascii_lowercase().as_str() {
                "types" => types = words(),
                "uris" => st.uris = words(),
                "suites" => st.suites = words(),
                "components" => st.components = words(),
                "signed-by" if !value.trim().is_empty() => {
                    st.signed_by = Some(value.trim().to_owned());
                }
                "enabled" => enabled = value.trim() != "no",
                _ => {}
            }
        }
        if enabled && types.iter().any(|t| t == "deb") && !st.uris.is_empty() {
            out.push(st);
        }
    }
    out
}

/// The apt sources for `suite`, as a deb822 text: the suite and its -updates from the main
/// Debian entry, -security from the security entry when the machine has one, and -backports
/// when `backports` (derived: same URI as the main entry).
pub fn for_suite(stanzas: &[Stanza], suite: &str, backports: bool) -> Option<String> {
    let is_security = |s: &Stanza| s.suites.iter().any(|x| x.ends_with("-security"));
    let main = stanzas.iter().filter(|s| !is_security(s)).find(|s| {
        s.suites.iter().any(|x| x == suite)
            || s.uris
                .iter()
                .any(|u| u.trim_end_matches('/').ends_with("/debian"))
    })?;
    let mut base = main.clone();
    base.suites = vec![suite.to_owned(), format!("{suite}-updates")];
    if base.components.is_empty() {
        base.components = vec!["main".into()];
    }
    let mut text = base.render();
    if let Some(sec) = stanzas.iter().find(|s| is_security(s)) {
        let mut sec = sec.clone();
        sec.suites = vec![format!("{suite}-security")];
        text.push('\n');
        text.push_str(&sec.render());
    }
    if backports {
        let mut bp = base.clone();
        bp.suites = vec![format!("{suite}-backports")];
        text.push('\n');
        text.push_str(&bp.render());
    }
    Some(text)
}

/// The deb822 sources the guest uses for `suite`: from `mirror` (a URI or a .sources file)
/// when given, else from the environment override, else from this machine's apt sources.
pub fn resolve(mirror: Option<&str>, suite: &str, backports: bool) -> Result<String> {
    let env = std::env::var(MIRROR_ENV).ok().filter(|v| !v.is_empty());
    if let Some(value) = mirror.map(str::to_owned).or(env) {
        return from_override(&value, suite, backports);
    }
    let mut stanzas = Vec::new();
    let mut searched = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(SOURCES_DIR)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    for f in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "sources"))
    {
        searched.push(f.display().to_string());
        let text = std::fs::read_to_string(f).map_err(io_err(f))?;
        stanzas.extend(parse_deb822(&text));
    }
    for_suite(&stanzas, suite, backports).ok_or_else(|| VmError::NoDebianSource {
        searched: if searched.is_empty() {
            format!("{SOURCES_DIR}/*.sources: none")
        } else {
            searched.join(", ")
        },
    })
}

/// The `deb-src` entries matching [`resolve`]'s `deb` entries for `suite` (the suite, its
/// -updates and -security), derived at run time like backports: the archive serves sources
/// next to binaries. Used for the source package's `debian/tests`.
pub fn resolve_sources(mirror: Option<&str>, suite: &str) -> Result<String> {
    let text = resolve(mirror, suite, false)?;
    Ok(parse_deb822(&text)
        .iter()
        .map(|s| s.render_as("deb-src"))
        .collect::<Vec<_>>()
        .join("\n"))
}

fn from_override(value: &str, suite: &str, backports: bool) -> Result<String> {
    let path = Path::new(value);
    if path.is_file() {
        let text = std::fs::read_to_string(path).map_err(io_err(path))?;
        let stanzas = parse_deb822(&text);
        if stanzas.is_empty() {
            return Err(VmError::BadMirror {
                value: value.into(),
            });
        }
        // A file the user wrote is used as is when it names the suite; else derive from it.
        if stanzas.iter().any(|s| s.suites.iter().any(|x| x == suite)) && !backports {
            return Ok(text);
        }
        return for_suite(&stanzas, suite, backports).ok_or_else(|| VmError::BadMirror {
            value: value.into(),
        });
    }
    if !(value.starts_with("http://")
        || value.starts_with("https://")
        || value.starts_with("file:"))
    {
        return Err(VmError::BadMirror {
            value: value.into(),
        });
    }
    let st = Stanza {
        uris: vec![value.to_owned()],
        suites: vec![suite.to_owned()],
        components: vec!["main".into()],
        signed_by: Some(DEBIAN_KEYRING.into()),
    };
    Ok(for_suite(&[st], suite, backports).expect("the stanza names the suite"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOST: &str = "Types: deb\n# a comment\nURIs: http://mirror.example/debian\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\nTypes: deb\nURIs: http://mirror.example/debian-security\nSuites: bookworm-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n";

    #[test]
    fn derives_backports_and_security_from_the_host_entries() {
        let text = for_suite(&parse_deb822(HOST), "bookworm", true).unwrap();
        let st = parse_deb822(&text);
        assert_eq!(st.len(), 3);
        assert_eq!(st[0].suites, ["bookworm", "bookworm-updates"]);
        assert_eq!(st[1].uris, ["http://mirror.example/debian-security"]);
        assert_eq!(st[1].suites, ["bookworm-security"]);
        assert_eq!(st[2].uris, ["http://mirror.example/debian"]);
        assert_eq!(st[2].suites, ["bookworm-backports"]);
    }

    #[test]
    fn other_suite_reuses_the_debian_uri() {
        let text = for_suite(&parse_deb822(HOST), "trixie", false).unwrap();
        let st = parse_deb822(&text);
        assert_eq!(st[0].suites, ["trixie", "trixie-updates"]);
        assert_eq!(st[1].suites, ["trixie-security"]);
    }

    #[test]
    fn disabled_and_source_stanzas_are_skipped() {
        let text = "Types: deb-src\nURIs: http://a/debian\nSuites: bookworm\n\nTypes: deb\nEnabled: no\nURIs: http://b/debian\nSuites: bookworm\n";
        assert!(parse_deb822(text).is_empty());
    }

    #[test]
    fn source_entries_mirror_the_binary_ones() {
        let text = for_suite(&parse_deb822(HOST), "bookworm", false).unwrap();
        let src: Vec<String> = parse_deb822(&text)
            .iter()
            .map(|s| s.render_as("deb-src"))
            .collect();
        assert_eq!(src.len(), 2);
        assert!(src[0].starts_with("Types: deb-src\nURIs: http://mirror.example/debian\n"));
        assert!(src[0].contains("Suites: bookworm bookworm-updates\n"));
        assert!(src[1].contains("Suites: bookworm-security\n"));
    }

    #[test]
    fn override_rejects_a_non_uri() {
        assert!(matches!(
            from_override("not a mirror", "bookworm", false),
            Err(VmError::BadMirror { .. })
        ));
    }
}
