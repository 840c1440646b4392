//! The trace file of a recording: written as `NAME.partial` beside the target, locked, and
//! renamed into place when the footer is on disk.
//!
//! Why: opening `-o` with truncation emptied an existing trace before the target was even
//! checked (a bad `--pid` left a 0-byte file), and two recorders could write the same file and
//! both report success. Now an existing output is refused unless `--force`; the partial file is
//! held with `flock`, so a second recorder on the same output is refused while the first runs;
//! and the output appears only complete (a killed recorder's lines stay in `NAME.partial`,
//! every complete line readable). Traces hold command lines: they are created 0600.
//!
//! An output named `*.zst` is written as one zstd stream ([`TraceFile`]): a trace of JSON lines
//! compresses about tenfold, and every subcommand reads it as it reads a plain one.

use std::{
    ffi::CString,
    fs::{File, OpenOptions},
    io::{self, Write},
    os::{
        fd::AsRawFd as _,
        unix::{ffi::OsStrExt as _, fs::MetadataExt as _, fs::OpenOptionsExt as _},
    },
    path::{Path, PathBuf},
};

use super::RecordError;

/// The locked, partial trace file of a running recording.
pub struct Output {
    path: PathBuf,
    partial: PathBuf,
    file: File,
    force: bool,
    committed: bool,
}

impl Output {
    /// Checks the target and takes the partial file; nothing existing is touched.
    pub fn prepare(path: &Path, force: bool) -> Result<Self, RecordError> {
        let err = |source| RecordError::Output {
            path: path.to_owned(),
            source,
        };
        if !force && std::fs::symlink_metadata(path).is_ok() {
            return Err(RecordError::OutputExists {
                path: path.to_owned(),
            });
        }
        let name = path.file_name().ok_or_else(|| {
            err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "not a file name",
            ))
        })?;
        let mut partial_name = name.to_owned();
        partial_name.push(".partial");
        let partial = path.with_file_name(partial_name);
        // The partial file may be replaced (renamed into place by a recorder that just
        // finished) between open and lock: lock, then check the name still points at it.
        for _ in 0..8 {
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .mode(0o600)
                .custom_flags(libc::O_CLOEXEC | libc::O_NOFOLLOW)
                .open(&partial)
                .map_err(err)?;
            // SAFETY: flock on an fd we own; no memory is passed.
            if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
                let e = std::io::Error::last_os_error();
                if e.raw_os_error() == Some(libc::EWOULDBLOCK) {
                    return Err(RecordError::OutputBusy { path: partial });
                }
                return Err(err(e));
            }
            let held = file.metadata().map_err(err)?;
            match std::fs::symlink_metadata(&partial) {
                Ok(now) if now.dev() == held.dev() && now.ino() == held.ino() => {}
                _ => continue,
            }
            if held.len() > 0 && !force {
                return Err(RecordError::StalePartial { path: partial });
            }
            file.set_len(0).map_err(err)?;
            // An existing partial file keeps its mode: make it private too.
            file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))
                .map_err(err)?;
            return Ok(Self {
                path: path.to_owned(),
                partial,
                file,
                force,
                committed: false,
            });
        }
        Err(RecordError::OutputBusy { path: partial })
    }

    /// The file to write (the same open file, so the lock stays with `self`).
    pub fn file(&self) -> Result<File, RecordError> {
        self.file.try_clone().map_err(|source| RecordError::Output {
            path: self.partial.clone(),
            source,
        })
    }

    /// Moves the finished trace into place: atomically, and without replacing a file that
    /// appeared meanwhile unless `--force`.
    pub fn commit(mut self) -> Result<(), RecordError> {
        let err = |source| RecordError::Output {
            path: self.path.clone(),
            source,
        };
        self.file.sync_all().map_err(err)?;
        let c = |p: &Path| {
            CString::new(p.as_os_str().as_bytes()).map_err(|_| {
                err(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "NUL in path",
                ))
            })
        };
        let (from, to) = (c(&self.partial)?, c(&self.path)?);
        let flags = if self.force {
            0
        } else {
            libc::RENAME_NOREPLACE
        };
        // SAFETY: two NUL-terminated paths that live across the call.
        let rc = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                from.as_ptr(),
                libc::AT_FDCWD,
                to.as_ptr(),
                flags,
            )
        };
        if rc != 0 {
            let e = std::io::Error::last_os_error();
            if e.raw_os_error() == Some(libc::EEXIST) {
                return Err(RecordError::OutputAppeared {
                    path: self.path.clone(),
                    partial: self.partial.clone(),
                });
            }
            return Err(err(e));
        }
        self.committed = true;
        Ok(())
    }
}

impl Drop for Output {
    /// A recording that failed before its header leaves nothing behind; one that wrote events
    /// keeps them in the partial file (the error names it).
    fn drop(&mut self) {
        if !self.committed && self.file.metadata().is_ok_and(|m| m.len() == 0) {
            let _ = std::fs::remove_file(&self.partial);
        }
    }
}

/// zstd's level for traces: its default, which keeps up with the collector with room to spare
/// (hundreds of MB/s of input on one core) and compresses JSON lines about as well as higher
/// levels do.
const ZSTD_LEVEL: i32 = 3;

/// The file-size limits (`RLIMIT_FSIZE`, bytes) this process found set on itself while it
/// wrote a trace, and raised back: see [`FsizeGuard`]. One recording per process.
static FSIZE_LIMITS_FOUND: std::sync::Mutex<Vec<u64>> = std::sync::Mutex::new(Vec::new());

/// The limits [`FsizeGuard`] found and raised so far, for the footer.
pub fn fsize_limits_found() -> Vec<u64> {
    FSIZE_LIMITS_FOUND
        .lock()
        .map(|v| v.clone())
        .unwrap_or_default()
}

/// The trace file, proof against a file-size limit set on the recorder from outside.
///
/// Why: a root process can lower another's `RLIMIT_FSIZE` (prlimit64 on the recorder's pid,
/// round 4's `a4_prlimit_recorder`): the recorder's next write past it fails with EFBIG (and
/// SIGXFSZ, which the recorder does not die of: see `collector`), and the trace ends as a
/// `.partial` without its footer. The recorder runs as root (CAP_SYS_RESOURCE): on EFBIG under
/// a finite limit it raises the limit back to unlimited (without CAP_SYS_RESOURCE: the soft
/// limit up to the hard one), notes the limit it found (the footer's `fsize_limits_found`), and
/// writes again. A hard limit lowered on a recorder without CAP_SYS_RESOURCE still ends the
/// trace early (a `.partial`, no footer: no claim holds on it).
pub struct FsizeGuard(File);

impl FsizeGuard {
    /// Raises this process's file-size limit to unlimited when it is finite; whether it was.
    fn raise() -> bool {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit writes one `struct rlimit` into `lim`.
        if unsafe { libc::getrlimit(libc::RLIMIT_FSIZE, &mut lim) } != 0
            || lim.rlim_cur == libc::RLIM_INFINITY
        {
            // EFBIG for another reason (the file system's largest file).
            return false;
        }
        if let Ok(mut found) = FSIZE_LIMITS_FOUND.lock() {
            found.push(lim.rlim_cur);
        }
        let unlimited = libc::rlimit {
            rlim_cur: libc::RLIM_INFINITY,
            rlim_max: libc::RLIM_INFINITY,
        };
        // Without CAP_SYS_RESOURCE (a container that drops it) the hard limit cannot be
        // raised, but the soft one can be, up to it: round 4's attack lowered only that.
        let to_hard = libc::rlimit {
            rlim_cur: lim.rlim_max,
            rlim_max: lim.rlim_max,
        };
        // SAFETY: setrlimit reads one `struct rlimit`.
        let raised = unsafe { libc::setrlimit(libc::RLIMIT_FSIZE, &unlimited) } == 0
            || (lim.rlim_max > lim.rlim_cur
                // SAFETY: as above.
                && unsafe { libc::setrlimit(libc::RLIMIT_FSIZE, &to_hard) } == 0);
        if raised {
            tracing::warn!(
                "the recorder's file-size limit was set to {} bytes from outside; raised it back",
                lim.rlim_cur
            );
        } else {
            tracing::warn!(
                "the recorder's file-size limit was set to {} bytes from outside and cannot be raised: {}",
                lim.rlim_cur,
                io::Error::last_os_error()
            );
        }
        raised
    }
}

impl Write for FsizeGuard {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.0.write(buf) {
            Err(e) if e.raw_os_error() == Some(libc::EFBIG) && Self::raise() => self.0.write(buf),
            r => r,
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// What the trace's lines go through on their way to the file.
pub enum TraceFile {
    Plain(FsizeGuard),
    /// A zstd stream: each flush (one per drain of the ring) ends a block, so what is on disk
    /// decompresses up to the last drain even before [`TraceFile::finish`].
    Zstd(zstd::stream::write::Encoder<'static, FsizeGuard>),
}

impl TraceFile {
    /// Compressed when the output's name ends in `.zst`.
    pub fn for_output(file: File, output: &Path) -> io::Result<Self> {
        let file = FsizeGuard(file);
        if output.extension().is_some_and(|e| e == "zst") {
            let mut encoder = zstd::stream::write::Encoder::new(file, ZSTD_LEVEL)?;
            encoder.include_checksum(true)?;
            Ok(Self::Zstd(encoder))
        } else {
            Ok(Self::Plain(file))
        }
    }

    /// Ends the compressed stream (nothing to do for a plain file). Called once, after the
    /// footer.
    pub fn finish(&mut self) -> io::Result<()> {
        match self {
            Self::Plain(_) => Ok(()),
            Self::Zstd(z) => {
                z.do_finish()?;
                z.get_mut().flush()
            }
        }
    }
}

impl Write for TraceFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Self::Plain(f) => f.write(buf),
            Self::Zstd(z) => z.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Self::Plain(f) => f.flush(),
            Self::Zstd(z) => z.flush(),
        }
    }
}
