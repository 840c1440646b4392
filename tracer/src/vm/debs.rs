//! Fetching a package and its missing dependencies on the host, for a guest with no network.
//!
//! apt-get runs with a private state directory (its own lists and archive cache under the VM
//! cache) built from the same Debian sources as the image, and resolves against the image's
//! dpkg status, so exactly the packages the guest lacks are downloaded. The host's own apt
//! state is neither read nor changed.

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
};

use super::{
    Result, VmError,
    image::{Image, check_package_name, check_package_spec},
    sources,
    util::{io_err, lock_exclusive, require, run_quiet, run_visible},
};

/// The private apt tree for one image's suite and architecture.
pub struct AptRoot {
    dir: PathBuf,
    status: PathBuf,
    arch: String,
    suite: String,
    /// `--mirror` / `TRACER_DEBIAN_MIRROR`: the deb-src entries are derived the same way.
    mirror: Option<String>,
    /// Held from `prepare` until dropped: two `vm check` runs (or two tests) sharing the tree
    /// would otherwise read lists while the other's `apt-get update` rewrites them. A check
    /// keeps its `AptRoot` for its whole run, so checks on one cache run one after another.
    _lock: nix::fcntl::Flock<fs::File>,
}

impl AptRoot {
    /// Sets the tree up and refreshes its lists (`apt-get update`, with the backports suite
    /// derived from the main entry so `pkg/<suite>-backports` works).
    pub fn prepare(image: &Image, cache_dir: &Path, mirror: Option<&str>) -> Result<Self> {
        require("apt-get")?;
        let dir = cache_dir
            .join("apt")
            .join(format!("{}-{}", image.suite, image.arch));
        for sub in [
            "sources.list.d",
            "lists/partial",
            "cache/archives/partial",
            "prefs.d",
        ] {
            let p = dir.join(sub);
            fs::create_dir_all(&p).map_err(io_err(&p))?;
        }
        let lock = lock_exclusive(&dir.join("lock"))?;
        let text = sources::resolve(mirror, &image.suite, true)?;
        let f = dir.join("sources.list.d/debian.sources");
        fs::write(&f, text).map_err(io_err(&f))?;
        let root = Self {
            dir,
            status: image.dpkg_status.clone(),
            arch: image.arch.clone(),
            suite: image.suite.clone(),
            mirror: mirror.map(str::to_owned),
            _lock: lock,
        };
        tracing::info!(target: super::PROGRESS, "vm: apt-get update (private lists for the guest's suite)");
        run_visible(root.apt().args(["-q", "update"]))?;
        Ok(root)
    }

    /// The guest's Debian architecture (`amd64`).
    pub fn arch(&self) -> &str {
        &self.arch
    }

    fn apt(&self) -> Command {
        self.tool("apt-get")
    }

    /// `program` (apt-get or apt-cache) on the private state.
    fn tool(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        let d = |s: &str| self.dir.join(s).display().to_string();
        for (k, v) in [
            ("Dir::Etc::SourceList", "/dev/null".to_owned()),
            ("Dir::Etc::SourceParts", d("sources.list.d")),
            ("Dir::Etc::Preferences", "/dev/null".to_owned()),
            ("Dir::Etc::PreferencesParts", d("prefs.d")),
            ("Dir::State::Lists", d("lists")),
            ("Dir::State::status", self.status.display().to_string()),
            ("Dir::State::extended_states", d("extended_states")),
            ("Dir::Cache", d("cache")),
            ("APT::Architecture", self.arch.clone()),
            ("APT::Architectures", self.arch.clone()),
            ("APT::Install-Recommends", "false".to_owned()),
            ("APT::Sandbox::User", "root".to_owned()),
            ("Debug::NoLocking", "true".to_owned()),
        ] {
            cmd.arg("-o").arg(format!("{k}={v}"));
        }
        cmd.env("DEBIAN_FRONTEND", "noninteractive");
        cmd
    }

    /// Downloads `packages` and the dependencies the image lacks into `dest`; `local_debs` are
    /// resolved too (their dependencies fetched) and copied alongside. Returns the files.
    pub fn fetch(
        &self,
        packages: &[String],
        local_debs: &[PathBuf],
        dest: &Path,
    ) -> Result<Vec<PathBuf>> {
        for p in packages {
            // `pkg`, `pkg/suite` or `pkg=version` (an upgrade's old version).
            let name = p.split(['/', '=']).next().unwrap_or(p);
            check_package_name(name)?;
        }
        for d in local_debs {
            check_deb(d)?;
        }
        fs::create_dir_all(dest).map_err(io_err(dest))?;
        // Absolute: apt resolves a relative Dir::Cache::archives under its own Dir::Cache, so
        // `-o out/cron` put the .debs in the private apt tree and the guest got none.
        let dest = &fs::canonicalize(dest).map_err(io_err(dest))?;
        let archives = dest.join(".partial-archives");
        fs::create_dir_all(archives.join("partial")).map_err(io_err(&archives))?;
        let mut cmd = self.apt();
        cmd.arg("-o")
            .arg(format!("Dir::Cache::archives={}", archives.display()))
            .args(["-q", "-y", "--download-only", "install"])
            .args(packages);
        for d in local_debs {
            let abs = fs::canonicalize(d).map_err(io_err(d))?;
            cmd.arg(abs);
        }
        tracing::info!(target: super::PROGRESS, packages = %packages.join(","), "vm: downloading packages for the guest");
        run_quiet(&mut cmd)?;
        let mut files = Vec::new();
        for entry in fs::read_dir(&archives).map_err(io_err(&archives))? {
            let p = entry.map_err(io_err(&archives))?.path();
            if p.extension().is_some_and(|e| e == "deb") {
                let to = dest.join(p.file_name().expect("a .deb has a name"));
                fs::rename(&p, &to).map_err(io_err(&to))?;
                files.push(to);
            }
        }
        for d in local_debs {
            let to = dest.join(d.file_name().expect("a .deb has a name"));
            fs::copy(d, &to).map_err(io_err(d))?;
            files.push(to);
        }
        fs::remove_dir_all(&archives).map_err(io_err(&archives))?;
        files.sort();
        Ok(files)
    }
}

impl AptRoot {
    /// The source package `binary` is built from (the `Source:` field of its candidate, else
    /// its own name): the package's own directories (/var/lib/masakari for masakari-api) are
    /// named after it.
    pub fn source_of(&self, binary: &str) -> Result<String> {
        check_package_name(binary)?;
        let out = run_quiet(
            self.tool("apt-cache")
                .args(["show", "--no-all-versions"])
                .arg(binary),
        )?;
        Ok(source_field(&out).unwrap_or_else(|| binary.to_owned()))
    }

    /// Downloads the source package of `binary` (the version apt would install) from the
    /// `deb-src` entries derived from the `deb` ones, and unpacks it with `dpkg-source -x`
    /// into `dest/tree`. The source lists live beside the binary ones but are refreshed on
    /// their own, so an archive that serves no sources never breaks the binary side.
    /// `binary` may name a suite (`qemu-system-x86/bookworm-backports`), as for [`Self::fetch`].
    pub fn fetch_source(&self, binary: &str, dest: &Path) -> Result<SourceTree> {
        check_package_spec(binary)?;
        require("dpkg-source")?;
        let src = self.dir.join("src");
        for sub in ["sources.list.d", "lists/partial"] {
            let p = src.join(sub);
            fs::create_dir_all(&p).map_err(io_err(&p))?;
        }
        let text = sources::resolve_sources(self.mirror.as_deref(), &self.suite)?;
        let f = src.join("sources.list.d/debian-src.sources");
        fs::write(&f, text).map_err(io_err(&f))?;
        let with_src = |program: &str| {
            let mut cmd = self.tool(program);
            for (k, v) in [
                ("Dir::Etc::SourceParts", src.join("sources.list.d")),
                ("Dir::State::Lists", src.join("lists")),
            ] {
                cmd.arg("-o").arg(format!("{k}={}", v.display()));
            }
            cmd
        };
        tracing::info!("vm: apt-get update (private source lists)");
        // A missing index (say, -security's sources) fails the update but leaves the others
        // usable: `apt-get source` below is the real test.
        if let Err(e) = run_quiet(with_src("apt-get").args(["-q", "update"])) {
            tracing::debug!(error = %e, "vm: source lists partly refreshed");
        }
        let dl = dest.join("download");
        fs::create_dir_all(&dl).map_err(io_err(&dl))?;
        tracing::info!(package = binary, "vm: downloading the source package");
        // apt-get maps a binary name to its source at the candidate's version.
        run_quiet(
            with_src("apt-get")
                .current_dir(&dl)
                .args(["-q", "source", "--download-only"])
                .arg(binary),
        )?;
        let dsc = fs::read_dir(&dl)
            .map_err(io_err(&dl))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| p.extension().is_some_and(|e| e == "dsc"))
            .ok_or_else(|| VmError::Command {
                command: format!("apt-get source --download-only {binary}"),
                status: "no .dsc".into(),
                detail: format!("nothing downloaded into {}", dl.display()),
            })?;
        let dsc_text = fs::read_to_string(&dsc).map_err(io_err(&dsc))?;
        let field = |name: &str| {
            dsc_text
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .map(|v| v.trim().to_owned())
        };
        let name = field("Source:").unwrap_or_else(|| dsc.display().to_string());
        let version = field("Version:");
        let tree = dest.join("tree");
        if tree.exists() {
            fs::remove_dir_all(&tree).map_err(io_err(&tree))?;
        }
        // --no-copy: the tarballs stay in the download directory, which goes.
        run_quiet(
            Command::new("dpkg-source")
                .args(["--no-copy", "-x"])
                .arg(&dsc)
                .arg(&tree),
        )?;
        fs::remove_dir_all(&dl).map_err(io_err(&dl))?;
        Ok(SourceTree {
            name,
            version,
            tree,
        })
    }
}

/// A source package [`AptRoot::fetch_source`] unpacked.
#[derive(Debug, Clone)]
pub struct SourceTree {
    pub name: String,
    pub version: Option<String>,
    pub tree: PathBuf,
}

/// The source package name in an `apt-cache show` stanza (`Source: redis (5:7.0.15-1)`).
fn source_field(stanza: &str) -> Option<String> {
    stanza
        .lines()
        .take_while(|l| !l.is_empty())
        .find_map(|l| l.strip_prefix("Source:"))
        .and_then(|v| v.split_whitespace().next())
        .map(str::to_owned)
}

/// A Debian binary package: an `ar` archive whose first member is `debian-binary`.
pub fn check_deb(path: &Path) -> Result<()> {
    use std::io::Read as _;
    let mut head = [0u8; 21];
    let ok = path.extension().is_some_and(|e| e == "deb")
        && fs::File::open(path).is_ok_and(|mut f| f.read_exact(&mut head).is_ok())
        && head.starts_with(b"!<arch>\ndebian-binary");
    if ok {
        Ok(())
    } else {
        Err(VmError::BadDeb {
            path: path.to_path_buf(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_field_names_the_source_package() {
        assert_eq!(
            source_field("Package: redis-server\nSource: redis (5:7.0.15-1~deb12u7)\nVersion: 5:7.0.15-1~deb12u7\n").as_deref(),
            Some("redis")
        );
        assert_eq!(
            source_field("Package: masakari-api\nSource: masakari\n").as_deref(),
            Some("masakari")
        );
        assert_eq!(source_field("Package: cron\nVersion: 3.0pl1-162\n"), None);
        // Only the first stanza counts.
        assert_eq!(source_field("Package: a\n\nPackage: b\nSource: c\n"), None);
    }
}
