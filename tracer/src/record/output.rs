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

/// What the trace's lines go through on their way to the file.
pub enum TraceFile {
    Plain(File),
    /// A zstd stream: each flush (one per drain of the ring) ends a block, so what is on disk
    /// decompresses up to the last drain even before [`TraceFile::finish`].
    Zstd(zstd::stream::write::Encoder<'static, File>),
}

impl TraceFile {
    /// Compressed when the output's name ends in `.zst`.
    pub fn for_output(file: File, output: &Path) -> io::Result<Self> {
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
