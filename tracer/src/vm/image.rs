//! Building and caching the guest image.
//!
//! mmdebstrap (variant apt + the recipe in vm-images/<suite>/) into a directory, the kernel and
//! initrd copied out for direct boot, then `mke2fs -d` into an ext4 file and `qemu-img convert`
//! to qcow2. No loop device, no device-mapper, no partition table: the kernel is booted by
//! qemu directly and finds the root file system by label. Images are cached by suite,
//! architecture, extra packages and recipe content; a rebuild happens only when one changes.

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
    time::Instant,
};

use super::{
    Result, VmError, sources,
    util::{
        RemoveOnDrop, fnv1a, io_err, is_root, lock_exclusive, require, run_quiet, run_visible,
        unique_path,
    },
};

/// The recipe, compiled in so the binary builds images wherever it runs.
const RECIPE: &[(&str, &str)] = &[
    (
        "packages",
        include_str!("../../../vm-images/bookworm/packages"),
    ),
    (
        "customize.sh",
        include_str!("../../../vm-images/bookworm/customize.sh"),
    ),
    (
        "tracer-job",
        include_str!("../../../vm-images/bookworm/tracer-job"),
    ),
    (
        "tracer-job.service",
        include_str!("../../../vm-images/bookworm/tracer-job.service"),
    ),
];
pub const ROOT_LABEL: &str = "tracer-root";
pub const CACHE_ENV: &str = "TRACER_VM_CACHE";
/// Free space left in the root file system for the packages a job installs.
const HEADROOM_MIB: u64 = 3072;

/// What an image is made of; its key names the cache entry.
#[derive(Debug, Clone)]
pub struct ImageSpec {
    pub suite: String,
    pub arch: String,
    pub extra_packages: Vec<String>,
    /// `--mirror` / `TRACER_DEBIAN_MIRROR`; `None` reads this machine's apt sources.
    pub mirror: Option<String>,
    pub cache_dir: PathBuf,
}

/// A built image in the cache.
#[derive(Debug, Clone)]
pub struct Image {
    pub dir: PathBuf,
    pub disk: PathBuf,
    pub kernel: PathBuf,
    pub initrd: PathBuf,
    /// The image's dpkg status: the host resolves a package's dependencies against it.
    pub dpkg_status: PathBuf,
    pub suite: String,
    pub arch: String,
}

/// `$TRACER_VM_CACHE`, else `$XDG_CACHE_HOME/tracer/vm`, else `~/.cache/tracer/vm`.
pub fn default_cache_dir() -> PathBuf {
    if let Some(d) = std::env::var_os(CACHE_ENV).filter(|v| !v.is_empty()) {
        return d.into();
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))
        .unwrap_or_else(|| PathBuf::from("/var/cache"));
    base.join("tracer/vm")
}

impl ImageSpec {
    pub fn new(
        suite: &str,
        extra: &[String],
        mirror: Option<String>,
        cache_dir: PathBuf,
    ) -> Result<Self> {
        for p in extra {
            check_package_name(p)?;
        }
        let mut extra_packages = extra.to_vec();
        extra_packages.sort();
        extra_packages.dedup();
        Ok(Self {
            suite: suite.to_owned(),
            arch: "amd64".into(),
            extra_packages,
            mirror,
            cache_dir,
        })
    }

    /// `<suite>-<arch>[-<extras>]-<hash>`: readable, and new whenever the recipe changes.
    pub fn key(&self) -> String {
        let mut parts: Vec<&[u8]> = vec![self.suite.as_bytes(), self.arch.as_bytes()];
        parts.extend(self.extra_packages.iter().map(|p| p.as_bytes()));
        parts.extend(
            RECIPE
                .iter()
                .flat_map(|(n, c)| [n.as_bytes(), c.as_bytes()]),
        );
        let hash = fnv1a(&parts);
        let mut key = format!("{}-{}", self.suite, self.arch);
        if !self.extra_packages.is_empty() {
            key.push('-');
            key.push_str(&self.extra_packages.join("+"));
        }
        format!("{key}-{:08x}", hash as u32)
    }

    pub fn dir(&self) -> PathBuf {
        self.cache_dir.join("images").join(self.key())
    }

    /// Removes images of the same suite, architecture and extras built from an older recipe:
    /// nothing can ask for them again, and each is ~700 MB.
    fn remove_stale(&self) {
        let key = self.key();
        let Some((stem, _)) = key.rsplit_once('-') else {
            return;
        };
        let Ok(entries) = fs::read_dir(self.cache_dir.join("images")) else {
            return;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let stale = name != key
                && name
                    .strip_prefix(stem)
                    .and_then(|r| r.strip_prefix('-'))
                    .is_some_and(|h| h.len() == 8 && h.chars().all(|c| c.is_ascii_hexdigit()));
            if stale {
                tracing::info!(image = %name, "vm image: removing an image of an older recipe");
                let _ = fs::remove_dir_all(e.path());
            }
        }
    }

    /// The cached image, if it was built and completed.
    pub fn cached(&self) -> Option<Image> {
        let dir = self.dir();
        let img = self.image_at(&dir);
        (img.disk.is_file() && img.kernel.is_file() && img.initrd.is_file()).then_some(img)
    }

    fn image_at(&self, dir: &Path) -> Image {
        Image {
            dir: dir.to_path_buf(),
            disk: dir.join("root.qcow2"),
            kernel: dir.join("vmlinuz"),
            initrd: dir.join("initrd.img"),
            dpkg_status: dir.join("dpkg-status"),
            suite: self.suite.clone(),
            arch: self.arch.clone(),
        }
    }

    /// Returns the cached image or builds it (root only: mmdebstrap makes device nodes and
    /// chowns files, and `mke2fs -d` copies ownership as it finds it).
    ///
    /// Safe from any number of threads and processes at once: see [`Self::ensure_with`].
    pub fn ensure(&self, rebuild: bool) -> Result<Image> {
        self.ensure_with(rebuild, |work| self.build_into(work))
    }

    /// The cache protocol around a build, apart from the build itself so that it can be tested
    /// without mmdebstrap: an exclusive lock on `images/<key>.lock`; a second look at the cache
    /// once the lock is held (a waiter finds what the holder built and uses it); the build in a
    /// directory of its own, renamed into place whole, so a reader never sees half an image.
    fn ensure_with(&self, rebuild: bool, build: impl FnOnce(&Path) -> Result<()>) -> Result<Image> {
        if !rebuild && let Some(img) = self.cached() {
            tracing::info!(target: super::PROGRESS, image = %img.dir.display(), "vm image: cached");
            return Ok(img);
        }
        let images = self.cache_dir.join("images");
        let _lock = lock_exclusive(&images.join(format!("{}.lock", self.key())))?;
        if !rebuild && let Some(img) = self.cached() {
            tracing::info!(image = %img.dir.display(), "vm image: built by another run meanwhile");
            return Ok(img);
        }
        let work = unique_path(&images, &format!(".{}.build", self.key()));
        let _cleanup = RemoveOnDrop(work.clone());
        build(&work)?;
        let final_dir = self.dir();
        if final_dir.exists() {
            fs::remove_dir_all(&final_dir).map_err(io_err(&final_dir))?;
        }
        fs::rename(&work, &final_dir).map_err(io_err(&final_dir))?;
        self.remove_stale();
        tracing::info!(target: super::PROGRESS, image = %final_dir.display(), "vm image: built");
        Ok(self.image_at(&final_dir))
    }

    /// Builds the image's files (disk, kernel, initrd, dpkg status, manifest) into `work`.
    fn build_into(&self, work: &Path) -> Result<()> {
        if !is_root() {
            return Err(VmError::NeedsRoot);
        }
        for tool in ["mmdebstrap", "mke2fs", "qemu-img"] {
            require(tool)?;
        }
        let started = Instant::now();
        let rootfs = work.join("rootfs");
        let recipe = work.join("recipe");
        fs::create_dir_all(&recipe).map_err(io_err(&recipe))?;
        for (name, content) in RECIPE {
            let p = recipe.join(name);
            fs::write(&p, content).map_err(io_err(&p))?;
            if name.ends_with(".sh") || *name == "tracer-job" {
                use std::os::unix::fs::PermissionsExt as _;
                fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).map_err(io_err(&p))?;
            }
        }
        let sources_text = sources::resolve(self.mirror.as_deref(), &self.suite, false)?;
        let sources_file = work.join("debian.sources");
        fs::write(&sources_file, &sources_text).map_err(io_err(&sources_file))?;

        let mut packages: Vec<String> = RECIPE[0]
            .1
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_owned)
            .collect();
        packages.extend(self.extra_packages.iter().cloned());
        tracing::info!(
            target: super::PROGRESS,
            key = %self.key(),
            packages = %packages.join(","),
            "vm image: mmdebstrap (about a minute; its progress follows)"
        );
        run_visible(
            Command::new("mmdebstrap")
                .arg("--variant=apt")
                .arg(format!("--architectures={}", self.arch))
                .arg(format!("--include={}", packages.join(",")))
                .arg(format!(
                    "--customize-hook={}",
                    recipe.join("customize.sh").display()
                ))
                .arg(&self.suite)
                .arg(&rootfs)
                .arg(&sources_file),
        )?;
        tracing::info!(
            target: super::PROGRESS,
            elapsed_s = started.elapsed().as_secs(),
            "vm image: root file system ready"
        );

        let boot = rootfs.join("boot");
        let kernel = newest(&boot, "vmlinuz-")?.ok_or(VmError::NoKernel {
            path: rootfs.clone(),
        })?;
        let initrd = newest(&boot, "initrd.img-")?.ok_or(VmError::NoKernel {
            path: rootfs.clone(),
        })?;
        let out = self.image_at(work);
        copy(&kernel, &out.kernel)?;
        copy(&initrd, &out.initrd)?;
        copy(&rootfs.join("var/lib/dpkg/status"), &out.dpkg_status)?;

        let used = run_quiet(Command::new("du").args(["-s", "-m", "-x"]).arg(&rootfs))?;
        let used_mib: u64 = used
            .split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(1024);
        let size_mib = used_mib + HEADROOM_MIB;
        let raw = work.join("root.ext4");
        tracing::info!(size_mib, "vm image: mke2fs -d");
        super::disk::ext4_from_dir(&rootfs, &raw, ROOT_LABEL, size_mib)?;
        tracing::info!("vm image: qemu-img convert to qcow2");
        run_quiet(
            Command::new("qemu-img")
                .args(["convert", "-f", "raw", "-O", "qcow2"])
                .arg(&raw)
                .arg(&out.disk),
        )?;
        fs::remove_file(&raw).map_err(io_err(&raw))?;
        fs::remove_dir_all(&rootfs).map_err(io_err(&rootfs))?;
        fs::remove_dir_all(&recipe).map_err(io_err(&recipe))?;
        fs::remove_file(&sources_file).map_err(io_err(&sources_file))?;
        let manifest = serde_json::json!({
            "suite": self.suite,
            "arch": self.arch,
            "packages": packages,
            "extra_packages": self.extra_packages,
            "kernel": kernel.file_name().map(|n| n.to_string_lossy().into_owned()),
            "sources": sources_text,
            "build_seconds": started.elapsed().as_secs(),
        });
        let mpath = work.join("image.json");
        fs::write(
            &mpath,
            serde_json::to_vec_pretty(&manifest).unwrap_or_default(),
        )
        .map_err(io_err(&mpath))?;
        tracing::info!(
            elapsed_s = started.elapsed().as_secs(),
            "vm image: files ready"
        );
        Ok(())
    }
}

/// Debian package names: lowercase alphanumerics and `+-.`, starting alphanumeric.
pub fn check_package_name(name: &str) -> Result<()> {
    let ok = name.len() >= 2
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "+-.".contains(c));
    if ok {
        Ok(())
    } else {
        Err(VmError::BadPackage { name: name.into() })
    }
}

/// A `--package` value: a package name, or `name/SUITE` (the version a suite has, e.g.
/// `mosquitto/bookworm-backports` for an upgrade from bookworm's). The suite is checked like
/// a name, so nothing but a suite reaches apt's command line.
pub fn check_package_spec(spec: &str) -> Result<()> {
    let (name, suite) = spec.split_once('/').unwrap_or((spec, "bookworm"));
    let suite_ok = suite.starts_with(|c: char| c.is_ascii_lowercase())
        && suite
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    match check_package_name(name) {
        Ok(()) if suite_ok => Ok(()),
        _ => Err(VmError::BadPackage { name: spec.into() }),
    }
}

/// The package name of a `--package` value (its `/SUITE` dropped): what dpkg knows it by
/// once installed, for the purge and the package's file list.
pub fn package_name(spec: &str) -> &str {
    spec.split_once('/').map_or(spec, |(name, _)| name)
}

fn newest(dir: &Path, prefix: &str) -> Result<Option<PathBuf>> {
    let mut found: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(io_err(dir))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
        })
        .collect();
    found.sort();
    Ok(found.pop())
}

fn copy(from: &Path, to: &Path) -> Result<()> {
    fs::copy(from, to).map(|_| ()).map_err(io_err(from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_depends_on_extras_not_their_order() {
        let c = PathBuf::from("/c");
        let a =
            ImageSpec::new("bookworm", &["cron".into(), "bash".into()], None, c.clone()).unwrap();
        let b =
            ImageSpec::new("bookworm", &["bash".into(), "cron".into()], None, c.clone()).unwrap();
        let n = ImageSpec::new("bookworm", &[], None, c).unwrap();
        assert_eq!(a.key(), b.key());
        assert_ne!(a.key(), n.key());
        assert!(a.key().starts_with("bookworm-amd64-bash+cron-"));
    }

    /// Two threads ask for the same missing image: one build runs, both get the image, and no
    /// build directory is left behind. The build is a stand-in that writes the image's files
    /// slowly (the real one is mmdebstrap, run by tests/vm.rs from an empty cache in CI).
    #[test]
    fn concurrent_ensures_build_once() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let cache = unique_path(&std::env::temp_dir(), "tracer-image-lock-test");
        let spec = ImageSpec::new("bookworm", &[], None, cache.clone()).unwrap();
        let builds = AtomicUsize::new(0);
        let build = |work: &Path| -> Result<()> {
            builds.fetch_add(1, Ordering::SeqCst);
            fs::create_dir_all(work).unwrap();
            std::thread::sleep(std::time::Duration::from_millis(300));
            for f in ["root.qcow2", "vmlinuz", "initrd.img", "dpkg-status"] {
                fs::write(work.join(f), f).unwrap();
            }
            Ok(())
        };
        let images: Vec<Image> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..2)
                .map(|_| s.spawn(|| spec.ensure_with(false, build).unwrap()))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(builds.load(Ordering::SeqCst), 1, "exactly one build ran");
        for img in &images {
            assert_eq!(img.dir, spec.dir());
            assert!(img.disk.is_file());
        }
        let leftovers: Vec<_> = fs::read_dir(cache.join("images"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".build"))
            .collect();
        assert!(leftovers.is_empty(), "build dirs left: {leftovers:?}");
        let _ = fs::remove_dir_all(&cache);
    }

    #[test]
    fn rejects_odd_package_names() {
        assert!(check_package_name("masakari-api").is_ok());
        assert!(check_package_name("libc6:amd64").is_err());
        assert!(check_package_name("../x").is_err());
        // A suite only where --package takes one.
        assert!(check_package_name("mosquitto/bookworm-backports").is_err());
    }

    #[test]
    fn package_values_may_name_a_suite() {
        assert!(check_package_spec("cron").is_ok());
        assert!(check_package_spec("mosquitto/bookworm-backports").is_ok());
        assert_eq!(package_name("mosquitto/bookworm-backports"), "mosquitto");
        assert_eq!(package_name("cron"), "cron");
        for bad in [
            "mosquitto/",
            "mosquitto/Bookworm",
            "mosquitto/bookworm/x",
            "mosquitto/-t",
            "/bookworm",
            "../x/bookworm",
            "libc6:amd64/bookworm",
        ] {
            let e = check_package_spec(bad).unwrap_err();
            assert!(e.to_string().contains(bad), "{bad}: {e}");
        }
    }
}
