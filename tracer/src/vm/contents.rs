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
        .map_err(|error| ContentsError::Io {
            path: source.to_owned(),
            error,
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

/// Where the guest job leaves the collector's listing on the output disk, and where the host
/// writes the manifest made from it.
pub const LISTING: &str = "contents.txt";
pub const MANIFEST: &str = "contents.json";

/// Turns the guest's listing in `out` into `out/contents.json` for `tracer check --contents`.
/// `None` when the guest wrote no listing (a guest job without the collector): the contents
/// claims are then reported as not exercised, never guessed.
pub fn manifest_from_guest(out: &Path) -> Result<Option<std::path::PathBuf>, ContentsError> {
    let listing = out.join(LISTING);
    let Ok(text) = std::fs::read_to_string(&listing) else {
        return Ok(None);
    };
    let manifest = parse_listing(&text, &listing)?;
    let path = out.join(MANIFEST);
    let json = serde_json::to_vec_pretty(&manifest).map_err(|e| ContentsError::Format {
        path: path.clone(),
        message: e.to_string(),
    })?;
    std::fs::write(&path, json).map_err(|e| ContentsError::Format {
        path: path.clone(),
        message: format!("cannot write it: {e}"),
    })?;
    Ok(Some(path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contents::FileKind;

    #[test]
    fn the_guest_listing_becomes_a_manifest_file() {
        let dir = std::env::temp_dir().join(format!("tracer-contents-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        assert!(manifest_from_guest(&dir).unwrap().is_none());
        std::fs::write(
            dir.join(LISTING),
            "P\tcron\t3.0pl1-162\tcron\tlibc6 (>= 2.34), libpam0g (>= 0.99.7.1)\n\
             F\tcron\t81ed\troot\troot\t/usr/sbin/cron\n\
             F\tcron\t85ed\troot\tcrontab\t/usr/bin/crontab\n\
             F\tcron\ta1ff\troot\troot\t/usr/sbin/x\n\
             M\tcron\t/etc/cron.d/gone\n\
             S\tcron\tpostinst\n|#!/bin/sh\n|set -e\n",
        )
        .unwrap();
        let path = manifest_from_guest(&dir).unwrap().expect("a manifest");
        let m = crate::contents::read_manifest(&path).unwrap();
        let files = &m.packages[0].files;
        assert_eq!(
            m.packages[0].depends,
            "libc6 (>= 2.34), libpam0g (>= 0.99.7.1)"
        );
        assert_eq!(
            crate::contents::library_depends(
                &m,
                &["cron"],
                crate::claims::Check::SystemAuthentication
            ),
            ["libpam0g (>= 0.99.7.1)"]
        );
        assert_eq!(files[1].mode, "2755");
        assert_eq!(files[1].group, "crontab");
        assert_eq!(files[2].kind, FileKind::Symlink);
        assert_eq!(files[3].kind, FileKind::Missing);
        assert_eq!(
            m.packages[0].maintainer_scripts[0].text,
            "#!/bin/sh\nset -e\n"
        );
        std::fs::write(dir.join(LISTING), "F\tcron\t81ed\troot\troot\t/x\n").unwrap();
        let e = manifest_from_guest(&dir).unwrap_err().to_string();
        assert!(
            e.contains("line 1: a record for a package not announced"),
            "{e}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Runs the collector for `pkg` with a `dpkg-query` of `script` (a shell script) first on
    /// PATH, in `dir`: its stdout.
    fn collect_with_dpkg_query(dir: &Path, script: &str, pkg: &str) -> String {
        use std::os::unix::fs::PermissionsExt as _;
        let wrapper = dir.join("dpkg-query");
        std::fs::write(&wrapper, script).unwrap();
        std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
        let out = Command::new("sh")
            .arg("-c")
            .arg(CONTENTS_SH)
            .args(["contents.sh", pkg])
            .env(
                "PATH",
                format!("{}:{}", dir.display(), std::env::var("PATH").unwrap()),
            )
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// A package whose configure failed (dpkg status `half-configured`) is listed: its files
    /// are on disk. dpkg-query answers through a wrapper that reports passwd so, the rest is
    /// the real dpkg database.
    #[test]
    fn a_package_left_unconfigured_is_listed() {
        let dir = std::env::temp_dir().join(format!("tracer-halfconf-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let real = String::from_utf8(
            Command::new("sh")
                .args(["-c", "command -v dpkg-query"])
                .output()
                .unwrap()
                .stdout,
        )
        .unwrap();
        let text = collect_with_dpkg_query(
            &dir,
            &format!(
                "#!/bin/sh\ncase \"$*\" in *'${{Status}}'*) {real} \"$@\" | sed 's/\tinstall ok installed\t/\tinstall ok half-configured\t/' ;; *) exec {real} \"$@\" ;; esac\n",
                real = real.trim()
            ),
            "passwd",
        );
        assert!(text.starts_with("P\tpasswd\t"), "{text:.200}");
        assert!(text.contains("\t/usr/bin/passwd\n"), "{text:.200}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A conffile dpkg has not put in place (the package's configure failed: masakari-api's
    /// /etc/init.d/masakari-api stayed `.dpkg-new`) is still what the package installs: it is
    /// described under its own name, and only a path absent in both forms is missing.
    #[test]
    fn a_conffile_not_yet_in_place_is_described_under_its_name() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = std::env::temp_dir().join(format!("tracer-dpkgnew-{}", std::process::id()));
        let root = dir.join("root");
        std::fs::create_dir_all(root.join("etc/init.d")).unwrap();
        std::fs::write(root.join("etc/init.d/pkgx.dpkg-new"), "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(
            root.join("etc/init.d/pkgx.dpkg-new"),
            std::fs::Permissions::from_mode(0o755),
        )
        .unwrap();
        std::fs::write(root.join("etc/pkgx.conf"), "x\n").unwrap();
        let r = root.display();
        let text = collect_with_dpkg_query(
            &dir,
            &format!(
                "#!/bin/sh\ncase \"$*\" in\n\
                 *'${{Status}}'*) printf 'pkgx\\tpkgx\\tamd64\\tinstall ok half-configured\\tx\\tx\\tx\\n' ;;\n\
                 -L*) printf '/.\\n{r}/etc\\n{r}/etc/pkgx.conf\\n{r}/etc/init.d/pkgx\\n{r}/etc/gone\\n' ;;\n\
                 *) printf 'x' ;;\nesac\n"
            ),
            "pkgx",
        );
        assert!(
            text.contains(&format!("F\tpkgx\t81ed\troot\troot\t{r}/etc/init.d/pkgx\n")),
            "{text}"
        );
        assert!(text.contains(&format!("\t{r}/etc/pkgx.conf\n")), "{text}");
        assert!(text.contains(&format!("M\tpkgx\t{r}/etc/gone\n")), "{text}");
        assert!(
            !text.contains(&format!("M\tpkgx\t{r}/etc/init.d/pkgx")),
            "{text}"
        );
        assert!(!text.contains(".dpkg-new"), "{text}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// The collector's one stat per package lists every path dpkg has for it, each once, as
    /// the per-file stat did (on this machine's dpkg database: passwd is Priority required).
    #[test]
    fn every_listed_path_is_described_once() {
        let m = collect_here(&["passwd"]).unwrap();
        let listed = Command::new("dpkg-query")
            .args(["-L", "passwd"])
            .output()
            .unwrap();
        let mut want: Vec<String> = String::from_utf8_lossy(&listed.stdout)
            .lines()
            .filter(|l| *l != "/." && !l.is_empty())
            .map(str::to_owned)
            .collect();
        want.sort();
        want.dedup();
        let mut got: Vec<String> = m.packages[0].files.iter().map(|f| f.path.clone()).collect();
        got.sort();
        assert_eq!(got, want);
        let passwd = m.packages[0]
            .files
            .iter()
            .find(|f| f.path == "/usr/bin/passwd")
            .expect("/usr/bin/passwd");
        assert_eq!(
            (passwd.mode.as_str(), passwd.owner.as_str()),
            ("4755", "root")
        );
        assert_eq!(passwd.kind, FileKind::File);
    }
}
