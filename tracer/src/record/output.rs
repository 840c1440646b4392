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
//! The output is published from the recorder's own open file, never by its name: round 11's
//! `a11_trace_swap_partial` renamed a forged trace over `NAME.partial` while the recorder ran,
//! and the recorder's final rename of that name put the forgery in place. Now the end links
//! the file the recorder wrote (by its fd) to `NAME`, atomically and without a window in which
//! another file could take its place; a file that lost every name is copied first into a
//! nameless (`O_TMPFILE`) one. The recorder also watches its output ([`Watch`]): what a traced
//! process did to it, and whether its names still lead to its file at the end, go into the
//! footer's `tampered`, and then no claim holds.
//!
//! An output named `*.zst` is written as one zstd stream ([`TraceFile`]): a trace of JSON lines
//! compresses about tenfold, and every subcommand reads it as it reads a plain one.

use std::{
    ffi::CString,
    fs::{File, OpenOptions},
    io::{self, Seek as _, Write},
    os::{
        fd::AsRawFd as _,
        unix::{ffi::OsStrExt as _, fs::MetadataExt as _, fs::OpenOptionsExt as _},
    },
    path::{Path, PathBuf},
};

use super::RecordError;
use crate::trace::{Event, EventData, PathRef};

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

    /// What to watch the recording for: see [`Watch`].
    pub fn watch(&self) -> Result<Watch, RecordError> {
        let err = |source| RecordError::Output {
            path: self.partial.clone(),
            source,
        };
        let file = self.file.try_clone().map_err(err)?;
        let held = file.metadata().map_err(err)?;
        let mut names = Vec::new();
        let mut dirs = Vec::new();
        for p in [&self.path, &self.partial] {
            names.extend(std::path::absolute(p).ok());
            // The name through the directory's real path: the kernel resolves symlinks.
            if let (Some(dir), Some(name)) = (p.parent(), p.file_name()) {
                let dir = if dir.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    dir
                };
                dirs.extend(std::path::absolute(dir).ok());
                if let Ok(real) = std::fs::canonicalize(dir) {
                    names.push(real.join(name));
                    dirs.push(real);
                }
            }
        }
        let strings = |v: Vec<PathBuf>| {
            let mut v: Vec<String> = v.iter().map(|p| p.to_string_lossy().into_owned()).collect();
            v.sort();
            v.dedup();
            v
        };
        let mut names = strings(names);
        let dirs = strings(dirs);
        // The recorder's own fd link, another name of the file.
        names.push(format!(
            "/proc/{}/fd/{}",
            std::process::id(),
            self.file.as_raw_fd()
        ));
        names.sort();
        names.dedup();
        Ok(Watch {
            names,
            dirs,
            partial: self.partial.clone(),
            file,
            dev: held.dev(),
            ino: held.ino(),
        })
    }

    /// Puts the finished trace in place: the file this recorder wrote, whatever its
    /// `.partial` name leads to now, atomically, and without replacing a file that appeared
    /// meanwhile unless `--force`.
    pub fn commit(mut self) -> Result<(), RecordError> {
        let err = |source| RecordError::Output {
            path: self.path.clone(),
            source,
        };
        self.file.sync_all().map_err(err)?;
        // Every name of the file was removed (a file renamed over `.partial`): a link to it
        // can no longer be made, so its content goes to a new file, nameless until published.
        let copy = if self.file.metadata().map_err(err)?.nlink() == 0 {
            tracing::warn!(
                "the recorder's trace file lost its name {} while recording; publishing its own copy",
                self.partial.display()
            );
            Some(copy_unnamed(&self.file, &self.path).map_err(err)?)
        } else {
            None
        };
        let own = copy.as_ref().unwrap_or(&self.file);
        match publish(own, &self.path, self.force) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                // The trace stays where it was written, if that name is still its own.
                if copy.is_some() || !self.partial_is_own() {
                    return Err(err(io::Error::other(format!(
                        "{} appeared while recording, and {} no longer holds the recorder's \
                         trace (it was replaced): nothing was published",
                        self.path.display(),
                        self.partial.display()
                    ))));
                }
                return Err(RecordError::OutputAppeared {
                    path: self.path.clone(),
                    partial: self.partial.clone(),
                });
            }
            // A file system without hard links (vfat, some FUSE file systems): the old rename
            // of the name, when it still leads to the recorder's file, and a check after.
            Err(e)
                if matches!(e.raw_os_error(), Some(libc::EPERM | libc::EOPNOTSUPP))
                    && copy.is_none()
                    && self.partial_is_own() =>
            {
                tracing::warn!(
                    "{} takes no hard link ({e}); renaming {} into place instead",
                    self.path.display(),
                    self.partial.display()
                );
                self.rename_partial()?;
                self.committed = true;
                return Ok(());
            }
            Err(e) => return Err(err(e)),
        }
        // The `.partial` name goes only when it is still the recorder's file: another one
        // there is left as it is (a race in between removes that other file, never the trace).
        if copy.is_none() && self.partial_is_own() {
            std::fs::remove_file(&self.partial).map_err(err)?;
        }
        self.committed = true;
        Ok(())
    }

    /// Renames `.partial` to the output (without replacing it unless `--force`), then checks
    /// that the output is the recorder's file: the name may have been swapped in between.
    fn rename_partial(&self) -> Result<(), RecordError> {
        let err = |source| RecordError::Output {
            path: self.path.clone(),
            source,
        };
        let (from, to) = (
            c_path(&self.partial).map_err(err)?,
            c_path(&self.path).map_err(err)?,
        );
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
            let e = io::Error::last_os_error();
            if e.raw_os_error() == Some(libc::EEXIST) {
                return Err(RecordError::OutputAppeared {
                    path: self.path.clone(),
                    partial: self.partial.clone(),
                });
            }
            return Err(err(e));
        }
        let held = self.file.metadata().map_err(err)?;
        match std::fs::symlink_metadata(&self.path) {
            Ok(now) if now.dev() == held.dev() && now.ino() == held.ino() => Ok(()),
            _ => Err(err(io::Error::other(
                "another file took the trace's place while it was renamed: it is not the recorder's trace",
            ))),
        }
    }

    /// Whether the `.partial` name leads to the file this recorder writes.
    fn partial_is_own(&self) -> bool {
        let (Ok(held), Ok(now)) = (
            self.file.metadata(),
            std::fs::symlink_metadata(&self.partial),
        ) else {
            return false;
        };
        now.dev() == held.dev() && now.ino() == held.ino()
    }
}

/// Links `file` (by its fd, never by a name someone else can change) to `path`. `linkat`
/// never replaces: without `force` a file at `path` fails it (`AlreadyExists`), as
/// `RENAME_NOREPLACE` did; with `force` that file is removed first, and a file that appears
/// in between fails the link again, which is tried anew. There is no moment at which another
/// file could be published in the trace's place.
pub fn publish(file: &File, path: &Path, force: bool) -> io::Result<()> {
    let to = c_path(path)?;
    for _ in 0..8 {
        if force {
            match std::fs::remove_file(path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        match link_fd(file, &to) {
            Err(e) if force && e.kind() == io::ErrorKind::AlreadyExists => continue,
            r => return r,
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "another file kept appearing at the output",
    ))
}

/// A new name for an open file: through `/proc/self/fd/N` (which links an `O_TMPFILE` file,
/// and any file with a name), or by the fd itself (`AT_EMPTY_PATH`, which needs
/// CAP_DAC_READ_SEARCH) where /proc is not mounted.
fn link_fd(file: &File, to: &CString) -> io::Result<()> {
    let fd = file.as_raw_fd();
    let proc_link = c_path(Path::new(&format!("/proc/self/fd/{fd}")))?;
    // SAFETY: NUL-terminated paths that live across the call.
    let rc = unsafe {
        libc::linkat(
            libc::AT_FDCWD,
            proc_link.as_ptr(),
            libc::AT_FDCWD,
            to.as_ptr(),
            libc::AT_SYMLINK_FOLLOW,
        )
    };
    if rc == 0 {
        return Ok(());
    }
    let first = io::Error::last_os_error();
    if first.kind() == io::ErrorKind::AlreadyExists || Path::new("/proc/self/fd").exists() {
        return Err(first);
    }
    // SAFETY: as above; the empty path with AT_EMPTY_PATH names `fd` itself.
    let rc = unsafe {
        libc::linkat(
            fd,
            c"".as_ptr(),
            libc::AT_FDCWD,
            to.as_ptr(),
            libc::AT_EMPTY_PATH,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// A copy of `file`'s content in a new, nameless file in `path`'s directory (`O_TMPFILE`:
/// nobody can open or replace it by a name before it is published).
fn copy_unnamed(file: &File, path: &Path) -> io::Result<File> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut copy = OpenOptions::new()
        .write(true)
        .mode(0o600)
        .custom_flags(libc::O_TMPFILE | libc::O_CLOEXEC)
        .open(dir)?;
    let mut from = file;
    from.seek(io::SeekFrom::Start(0))?;
    let n = io::copy(&mut from, &mut copy)?;
    let len = file.metadata()?.len();
    if n != len {
        return Err(io::Error::other(format!(
            "copied {n} of the trace's {len} bytes"
        )));
    }
    copy.sync_all()?;
    Ok(copy)
}

fn c_path(p: &Path) -> io::Result<CString> {
    CString::new(p.as_os_str().as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "NUL in path"))
}

/// The recorder's watch on its own output: the names that lead to it (the output, its
/// `.partial`, through the directory's real path too, and the recorder's fd link) and the
/// file it writes.
///
/// Why: a traced process that writes, truncates, renames, links or unlinks the trace, or
/// puts another file at its name, may have forged what a reader finds there. The recorder
/// publishes its own file whatever happened ([`Output::commit`]); the footer says that
/// something happened, and no claim holds on such a recording.
pub struct Watch {
    names: Vec<String>,
    /// The output's directory: renamed or made immutable (chattr +i), the trace cannot be
    /// published there (the end fails, loudly) or lands elsewhere. (A mount over it is not
    /// watched: a package's private /tmp would count; the end's link then fails, EXDEV.)
    dirs: Vec<String>,
    partial: PathBuf,
    file: File,
    dev: u64,
    ino: u64,
}

impl Watch {
    /// What `ev` did to the output, in words; `None` when it did not touch it.
    pub fn event(&self, ev: &Event) -> Option<String> {
        let hit = |p: &PathRef| {
            p.names()
                .find(|n| self.names.iter().any(|o| o == n))
                .map(str::to_owned)
        };
        let either = |a: &Option<PathRef>, b: &Option<PathRef>| a.iter().chain(b).find_map(hit);
        let dir = |p: &PathRef| {
            p.names()
                .find(|n| self.dirs.iter().any(|d| d == n))
                .map(str::to_owned)
        };
        let kind = ev.data.kind();
        match &ev.data {
            EventData::Rename { from, to, .. } if dir(from).or_else(|| dir(to)).is_some() => {
                Some(format!(
                    "rename {} -> {} (the output's directory)",
                    from.best(),
                    to.best()
                ))
            }
            EventData::FileAttr {
                path: Some(path), ..
            } if dir(path).is_some() => {
                Some(format!("{kind} {} (the output's directory)", path.best()))
            }
            EventData::Open {
                path,
                access,
                flags,
                ..
            } if access != "read" || flags.iter().any(|f| f == "O_TRUNC") => {
                hit(path).map(|p| format!("open {p} for {access}"))
            }
            EventData::Unlink { path, .. } | EventData::Symlink { path, .. } => {
                hit(path).map(|p| format!("{kind} {p}"))
            }
            EventData::Rename { from, to, .. } => hit(from)
                .or_else(|| hit(to))
                .map(|_| format!("rename {} -> {}", from.best(), to.best())),
            EventData::Link { target, path } => hit(target)
                .or_else(|| hit(path))
                .map(|_| format!("link {} -> {}", path.best(), target.best())),
            EventData::Truncate {
                path: Some(path), ..
            }
            | EventData::FileAttr {
                path: Some(path), ..
            } => hit(path).map(|p| format!("{kind} {p}")),
            EventData::IoUringOp {
                op, path, path2, ..
            } => either(path, path2).map(|p| format!("io_uring {op} {p}")),
            _ => None,
        }
    }

    /// What the recorder finds at the end: whether the `.partial` name still leads to the
    /// file it wrote, and whether that file gained other names. In words; empty when intact.
    pub fn at_end(&self) -> Vec<String> {
        let mut out = Vec::new();
        let partial = self.partial.display();
        match std::fs::symlink_metadata(&self.partial) {
            Ok(m) if m.dev() == self.dev && m.ino() == self.ino => {}
            Ok(_) => out.push(format!(
                "{partial} is no longer the recorder's file: another file was put in its place"
            )),
            Err(_) => out.push(format!(
                "{partial} is no longer the recorder's file: it was removed or renamed away"
            )),
        }
        if let Ok(m) = self.file.metadata()
            && m.nlink() > 1
        {
            out.push(format!(
                "the recorder's file has {} other name(s) (a hard link to it was made)",
                m.nlink() - 1
            ));
        }
        out
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

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("output-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("make a temp dir");
        dir
    }

    /// A recording's output, prepared, with `lines` written through its file.
    fn recording(dir: &Path, lines: &str) -> (Output, Watch, PathBuf) {
        let path = dir.join("trace.jsonl");
        let out = Output::prepare(&path, false).expect("prepare");
        out.file()
            .unwrap()
            .write_all(lines.as_bytes())
            .expect("write");
        let watch = out.watch().expect("watch");
        (out, watch, path)
    }

    fn partial(path: &Path) -> PathBuf {
        path.with_file_name("trace.jsonl.partial")
    }

    #[test]
    fn an_untouched_recording_is_published_and_its_partial_goes() {
        let dir = temp_dir("plain");
        let (out, watch, path) = recording(&dir, "own\n");
        assert_eq!(watch.at_end(), Vec::<String>::new());
        out.commit().expect("commit");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "own\n");
        assert!(!partial(&path).exists());
    }

    /// Round 11's `a11_trace_swap_partial`: a forged file renamed over `.partial` while the
    /// recorder writes. The recorder's own file is published, the forgery is left where it
    /// was put, and the end check says so.
    #[test]
    fn a_file_renamed_over_the_partial_is_not_published() {
        let dir = temp_dir("swap");
        let (out, watch, path) = recording(&dir, "own\n");
        let forged = dir.join("forged");
        std::fs::write(&forged, "forged\n").unwrap();
        std::fs::rename(&forged, partial(&path)).unwrap();
        // The recorder keeps writing to its file, which has no name now.
        out.file().unwrap().write_all(b"later\n").unwrap();
        let found = watch.at_end();
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("another file was put in its place"),
            "{found:?}"
        );
        out.commit().expect("commit");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "own\nlater\n");
        assert_eq!(
            std::fs::read_to_string(partial(&path)).unwrap(),
            "forged\n",
            "another file at the .partial name is left as it is"
        );
    }

    #[test]
    fn a_partial_renamed_away_is_still_published_by_its_fd() {
        let dir = temp_dir("moved");
        let (out, watch, path) = recording(&dir, "own\n");
        let away = dir.join("away");
        std::fs::rename(partial(&path), &away).unwrap();
        assert!(watch.at_end()[0].contains("removed or renamed away"));
        out.commit().expect("commit");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "own\n");
        let (a, b) = (
            std::fs::metadata(&path).unwrap(),
            std::fs::metadata(&away).unwrap(),
        );
        assert_eq!((a.dev(), a.ino()), (b.dev(), b.ino()), "the same file");
    }

    #[test]
    fn a_hard_link_to_the_trace_is_found() {
        let dir = temp_dir("link");
        let (out, watch, _) = recording(&dir, "own\n");
        std::fs::hard_link(dir.join("trace.jsonl.partial"), dir.join("other")).unwrap();
        let found = watch.at_end();
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("1 other name(s)"), "{found:?}");
        drop(out);
    }

    #[test]
    fn an_output_that_appeared_is_kept_unless_forced() {
        let dir = temp_dir("appeared");
        let (out, _, path) = recording(&dir, "own\n");
        std::fs::write(&path, "someone else's\n").unwrap();
        assert!(matches!(
            out.commit(),
            Err(RecordError::OutputAppeared { .. })
        ));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "someone else's\n");
        assert_eq!(std::fs::read_to_string(partial(&path)).unwrap(), "own\n");

        let forced = Output::prepare(&path, true).expect("prepare --force");
        forced.file().unwrap().write_all(b"new\n").unwrap();
        forced.commit().expect("commit --force");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
        assert!(!partial(&path).exists());
    }

    #[test]
    fn a_symlink_at_the_output_is_not_followed() {
        let dir = temp_dir("symlink");
        let victim = dir.join("victim");
        std::fs::write(&victim, "victim\n").unwrap();
        let path = dir.join("trace.jsonl");
        let out = Output::prepare(&path, false).expect("prepare");
        out.file().unwrap().write_all(b"own\n").unwrap();
        std::os::unix::fs::symlink(&victim, &path).unwrap();
        assert!(out.commit().is_err(), "linkat does not replace a symlink");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "victim\n");
    }

    fn event(data: serde_json::Value) -> Event {
        let mut line = serde_json::json!({
            "type": "event", "seq": 7, "time": "t", "ts_ns": 1, "pid": 2, "tid": 2, "ppid": 1,
            "comm": "p", "ids": {"uid": 0, "gid": 0}, "cgroup_id": 0, "syscall": null,
            "result": null,
        });
        line.as_object_mut()
            .unwrap()
            .extend(data.as_object().unwrap().clone());
        serde_json::from_value(line).expect("an event")
    }

    #[test]
    fn what_traced_processes_do_to_the_output_is_named() {
        let dir = temp_dir("events");
        let (out, watch, path) = recording(&dir, "own\n");
        let partial = partial(&path).display().to_string();
        let p = |s: &str| serde_json::json!({"resolved": s});
        let rename = event(serde_json::json!({"kind": "rename", "fields": {
            "from": p("/tmp/forged"), "to": p(&partial), "flags": 0}}));
        assert_eq!(
            watch.event(&rename).as_deref(),
            Some(format!("rename /tmp/forged -> {partial}").as_str())
        );
        let open = |access: &str, flags: &[&str]| {
            event(serde_json::json!({"kind": "open", "fields": {
                "path": p(&partial), "flags": flags, "flags_raw": 0, "mode": null,
                "access": access}}))
        };
        assert!(
            watch.event(&open("read", &[])).is_none(),
            "a read is not a touch"
        );
        assert!(watch.event(&open("read", &["O_TRUNC"])).is_some());
        assert!(watch.event(&open("write", &[])).is_some());
        let unlink = event(serde_json::json!({"kind": "unlink", "fields": {
            "path": p(&path.display().to_string()), "dir": false}}));
        assert!(watch.event(&unlink).is_some());
        let moved = event(serde_json::json!({"kind": "rename", "fields": {
            "from": p(&dir.display().to_string()), "to": p("/tmp/elsewhere"), "flags": 0}}));
        assert!(
            watch
                .event(&moved)
                .is_some_and(|w| w.ends_with("(the output's directory)"))
        );
        let elsewhere = event(serde_json::json!({"kind": "unlink", "fields": {
            "path": p("/tmp/other"), "dir": false}}));
        assert!(watch.event(&elsewhere).is_none());
        drop(out);
    }
}
