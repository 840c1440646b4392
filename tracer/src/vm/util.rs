//! Running the external tools (mmdebstrap, mke2fs, debugfs, qemu-img, apt-get) with errors
//! that say which tool, and the tail of what it printed.

use std::{
    fs,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    sync::atomic::{AtomicU64, Ordering},
};

use super::{Result, VmError};

/// Tools this module shells out to, with the Debian package that ships each.
pub const TOOLS: &[(&str, &str)] = &[
    ("mmdebstrap", "mmdebstrap"),
    ("mke2fs", "e2fsprogs"),
    ("debugfs", "e2fsprogs"),
    ("qemu-img", "qemu-utils"),
    ("qemu-system-x86_64", "qemu-system-x86"),
    ("apt-get", "apt"),
    ("dpkg-source", "dpkg-dev"),
];

/// Fails with the package to install when `program` is not on PATH.
pub fn require(program: &'static str) -> Result<()> {
    let found = std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|p| p.join(program).is_file()));
    if found {
        return Ok(());
    }
    let package = TOOLS
        .iter()
        .find(|(p, _)| *p == program)
        .map_or(program, |(_, pkg)| pkg);
    Err(VmError::MissingTool { program, package })
}

pub fn describe(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// Runs `cmd` with its output captured; on failure the error carries its last lines.
pub fn run_quiet(cmd: &mut Command) -> Result<String> {
    let command = describe(cmd);
    tracing::debug!(%command, "running");
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|error| VmError::Spawn {
            command: command.clone(),
            error,
        })?;
    if !out.status.success() {
        // stderr last: the tail is what the error keeps, and the reason is there (apt's `E:`
        // lines come before a dozen lines of notices and progress on stdout).
        let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&out.stderr));
        return Err(VmError::Command {
            command,
            status: out.status.to_string(),
            detail: tail(&text, 8),
        });
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Runs `cmd` with its output going to our stderr: the long steps (mmdebstrap, apt) show
/// their own progress.
pub fn run_visible(cmd: &mut Command) -> Result<()> {
    let command = describe(cmd);
    tracing::debug!(%command, "running");
    let status = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::from(std::io::stderr()))
        .status()
        .map_err(|error| VmError::Spawn {
            command: command.clone(),
            error,
        })?;
    if !status.success() {
        return Err(VmError::Command {
            command,
            status: status.to_string(),
            detail: "see its output above".into(),
        });
    }
    Ok(())
}

pub fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

pub fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> VmError + '_ {
    move |error| VmError::Io {
        path: path.to_path_buf(),
        error,
    }
}

pub fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

/// FNV-1a: a stable, dependency-free hash for cache keys (not for security).
pub fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.iter().chain(std::iter::once(&0u8)) {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// An exclusive `flock` on `path` (created if missing), held until the returned value drops.
///
/// Every cache entry that builds can take minutes (a guest image, an apt tree) is built under
/// one: tests are threads of one process and `vm check` runs may overlap, and two builders in
/// one directory break each other (mmdebstrap: "rootfs is not empty"). flock locks an open file
/// description, so two threads of one process exclude each other as two processes do, and the
/// kernel drops the lock when its holder dies.
pub fn lock_exclusive(path: &Path) -> Result<nix::fcntl::Flock<fs::File>> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(io_err(parent))?;
    }
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(io_err(path))?;
    nix::fcntl::Flock::lock(file, nix::fcntl::FlockArg::LockExclusive)
        .map_err(|(_, errno)| io_err(path)(std::io::Error::from(errno)))
}

/// `<parent>/<prefix>-<pid>-<n>`: a name no other build or job of this machine uses at the same
/// time. The pid alone is not enough: the tests that share a cache are threads of one process.
pub fn unique_path(parent: &Path, prefix: &str) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    parent.join(format!("{prefix}-{}-{n}", std::process::id()))
}

/// Removes a scratch directory on every exit path, so a failed build or job leaves nothing behind.
pub struct RemoveOnDrop(pub PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        if self.0.exists() {
            let _ = fs::remove_dir_all(&self.0);
        }
    }
}
