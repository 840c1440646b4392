//! Paths looked up on the host as their events arrive (issue 11, round 9's symlink
//! techniques).
//!
//! The kernel walk (`tracer-ebpf/src/walk.rs`) names the directory a call started from (its
//! dirfd's, or the cwd's) and, for an open, the file opened. For every other call (mkdir,
//! chmod, rename, unlink, …) no tracepoint on our hosts sees the dentry the call reached, so
//! the rest of the path is joined to that name by its letters: `lnk/x` under an allowed
//! directory reads as a file there even when `lnk` is a symlink to a directory outside, and
//! `lnk/../x` loses its `..` the way the kernel would not (it goes up from the link's
//! target). An absolute path is not walked at all.
//!
//! So the decoder, when the recorder asks for it ([`super::Decoder::host_lookup`]), looks
//! the directory part up on the host at once: `openat2(O_PATH, RESOLVE_NO_MAGICLINKS)` on
//! the joined name with its `..` kept, then the kernel's name of that fd
//! (`/proc/self/fd/N`), which follows every symlink and `..` as the call did. For a call that
//! follows its last link (chmod, chown without `AT_SYMLINK_NOFOLLOW`, truncate, utime,
//! setxattr) the last component is followed too when it is a symlink. The name found is
//! recorded beside the event's own, with the time it was made ([`crate::trace::LookedUp`]), and
//! judged like it.
//!
//! Only for a process that sees the file system as the recorder does (the same mount
//! namespace and root, [`super::procs::Proc::host_view`]), only for successful calls (a failed
//! one changed nothing), never for opens (the kernel walk names them), and only where the
//! walk leaves something out (a `/` or a `..` past the walked directory, an absolute path, a
//! followed last link): a plain `mkdir("x")` costs nothing more. A lookup costs one
//! `openat2` refusing every symlink when the path has none (about 4 µs on the CI host, a
//! release build), and 15–20 µs when it has one (the fd's name read back through /proc).
//!
//! What it cannot see: the file system as it was at the call. A symlink swapped and swapped
//! back between the call and the lookup (a drain is at most 50 ms behind) is missed, and a
//! directory removed since cannot be looked up: the lookup then says it failed, and
//! `verdict::places` does not place a path whose unchecked part could hide a link.

use std::os::fd::AsRawFd;

use nix::{
    errno::Errno,
    fcntl::{OFlag, OpenHow, ResolveFlag},
};

use crate::trace::Found;

/// The host's name of `raw` (an absolute path, `.` and `..` kept as the process wrote
/// them): its directory part resolved physically, and the last component too when
/// `follow_last` and it is a symlink. `lexical` is the name the event has already: `None`
/// when the lookup found that same name.
pub fn look_up(raw: &str, follow_last: bool, lexical: Option<&str>) -> Option<Found> {
    let found = match host_name(raw, follow_last) {
        Ok(name) => name,
        Err(e) => return Some(Found::Failed(errno_text(e))),
    };
    (lexical != Some(found.as_str())).then_some(Found::Name(found))
}

/// `ENOENT`, not "No such file or directory": what the trace's `errno` fields say.
fn errno_text(e: Errno) -> String {
    super::errno::errno_name(e as i32).map_or_else(|| format!("errno {}", e as i32), str::to_owned)
}

fn host_name(raw: &str, follow_last: bool) -> Result<String, Errno> {
    let trimmed = raw.trim_end_matches('/');
    let (dir, leaf) = match trimmed.rsplit_once('/') {
        Some((_, "." | "..")) | None => (trimmed, None),
        Some(("", leaf)) => ("/", Some(leaf)),
        Some((dir, leaf)) => (dir, Some(leaf)),
    };
    let dir = resolved(if dir.is_empty() { "/" } else { dir }, true)?;
    let Some(leaf) = leaf else {
        return Ok(dir);
    };
    let joined = if dir == "/" {
        format!("/{leaf}")
    } else {
        format!("{dir}/{leaf}")
    };
    if follow_last && std::fs::symlink_metadata(&joined).is_ok_and(|m| m.file_type().is_symlink()) {
        // The call went where the link points: a dangling link made it fail, so there is
        // a target to name.
        return resolved(&joined, false);
    }
    // Not a link (or gone since: its directory was looked up, and a call by a single name
    // there is placed by it; see `verdict::places`).
    Ok(joined)
}

/// The kernel's name of the file `path` leads to, every symlink followed, magic links
/// refused (`ELOOP`: `/proc/self/…` would be the recorder's own).
fn resolved(path: &str, directory: bool) -> Result<String, Errno> {
    let mut flags = OFlag::O_PATH | OFlag::O_CLOEXEC;
    if directory {
        flags |= OFlag::O_DIRECTORY;
    }
    // Most paths have no link and no `..` (a package's /usr/share/doc/…): when the walk
    // refusing every symlink succeeds, the name is the path itself, and reading the fd's
    // name back through /proc (the costly part) is not needed.
    if !path.split('/').any(|c| c == ".." || c == ".") {
        let plain = OpenHow::new()
            .flags(flags)
            .resolve(ResolveFlag::RESOLVE_NO_SYMLINKS);
        match nix::fcntl::openat2(nix::fcntl::AT_FDCWD, path, plain) {
            Ok(_) => return Ok(super::procs::normalize(path)),
            // A symlink on the way: looked up below.
            Err(Errno::ELOOP | Errno::ENOSYS) => {}
            Err(e) => return Err(e),
        }
    }
    let how = OpenHow::new()
        .flags(flags)
        .resolve(ResolveFlag::RESOLVE_NO_MAGICLINKS);
    let fd = match nix::fcntl::openat2(nix::fcntl::AT_FDCWD, path, how) {
        Ok(fd) => fd,
        // Before Linux 5.6: realpath(3), which follows the same links, magic ones too.
        Err(Errno::ENOSYS) => {
            return std::fs::canonicalize(path)
                .map(|p| p.to_string_lossy().into_owned())
                .map_err(errno_of);
        }
        Err(e) => return Err(e),
    };
    let name = std::fs::read_link(format!("/proc/self/fd/{}", fd.as_raw_fd()))
        .map_err(errno_of)?
        .to_string_lossy()
        .into_owned();
    // Removed between the open and the read: as gone as a failed open.
    if name.ends_with(" (deleted)") || !name.starts_with('/') {
        return Err(Errno::ENOENT);
    }
    Ok(name)
}

/// An I/O error's errno (`EIO` for one that carries none).
fn errno_of(e: std::io::Error) -> Errno {
    Errno::from_raw(e.raw_os_error().unwrap_or(libc::EIO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_links_and_dotdot_are_followed_physically() {
        let base = std::env::temp_dir().join(format!("tracer-lookup-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let (allowed, out) = (base.join("allowed"), base.join("out"));
        std::fs::create_dir_all(out.join("sub")).unwrap();
        std::fs::create_dir_all(&allowed).unwrap();
        std::os::unix::fs::symlink(out.join("sub"), allowed.join("lnk")).unwrap();
        std::fs::write(out.join("leaf"), "").unwrap();
        std::os::unix::fs::symlink(out.join("leaf"), allowed.join("leaflnk")).unwrap();
        let (a, o) = (allowed.display(), out.display());
        let at = |raw: String, follow: bool| host_name(&raw, follow);
        assert_eq!(at(format!("{a}/lnk/x"), false), Ok(format!("{o}/sub/x")));
        assert_eq!(at(format!("{a}/lnk/../x"), false), Ok(format!("{o}/x")));
        assert_eq!(at(format!("{a}/lnk/.."), false), Ok(format!("{o}")));
        assert_eq!(at(format!("{a}/leaflnk"), true), Ok(format!("{o}/leaf")));
        // A link the call does not follow (mkdir, rename, unlink) is the file itself.
        assert_eq!(
            at(format!("{a}/leaflnk"), false),
            Ok(format!("{a}/leaflnk"))
        );
        assert_eq!(at(format!("{a}/gone/x"), false), Err(Errno::ENOENT));
        // The recorder's own magic links are not the process's.
        assert_eq!(at("/proc/self/cwd/x".to_owned(), false), Err(Errno::ELOOP));
        let lexical = format!("{a}/x");
        assert_eq!(look_up(&format!("{a}/x"), false, Some(&lexical)), None);
        assert_eq!(
            look_up(&format!("{a}/gone/x"), false, None),
            Some(Found::Failed("ENOENT".to_owned()))
        );
        std::fs::remove_dir_all(&base).unwrap();
    }
}
