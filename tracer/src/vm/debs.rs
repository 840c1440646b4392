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
    image::{Image, check_package_name},
    sources,
    util::{io_err, require, run_quiet, run_visible},
};

/// The private apt tree for one image's suite and architecture.
pub struct AptRoot {
    dir: PathBuf,
    status: PathBuf,
    arch: String,
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
        let lock_path = dir.join("lock");
        let lock_file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io_err(&lock_path))?;
        let lock = nix::fcntl::Flock::lock(lock_file, nix::fcntl::FlockArg::LockExclusive)
            .map_err(|(_, errno)| io_err(&lock_path)(std::io::Error::from(errno)))?;
        let text = sources::resolve(mirror, &image.suite, true)?;
        let f = dir.join("sources.list.d/debian.sources");
        fs::write(&f, text).map_err(io_err(&f))?;
        let root = Self {
            dir,
            status: image.dpkg_status.clone(),
            arch: image.arch.clone(),
            _lock: lock,
        };
        tracing::info!("vm: apt-get update (private lists for the guest's suite)");
        run_visible(root.apt().args(["-q", "update"]))?;
        Ok(root)
    }

    fn apt(&self) -> Command {
        let mut cmd = Command::new("apt-get");
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
            let name = p.split_once('/').map_or(p.as_str(), |(n, _)| n);
            check_package_name(name)?;
        }
        for d in local_debs {
            check_deb(d)?;
        }
        fs::create_dir_all(dest).map_err(io_err(dest))?;
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
        tracing::info!(packages = %packages.join(","), "vm: downloading packages for the guest");
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
