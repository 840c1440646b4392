//! The kernel's magic links, told from a path's components: `/proc/{self,thread-self,PID}`
//! (and `…/task/TID`) followed by `fd/N`, `cwd`, `root`, `exe` or `map_files/NAME`, and
//! `/dev/fd/N` (a link to `/proc/self/fd`).
//!
//! The recorder follows the fd and cwd links through its fd table when it makes a path
//! absolute (events/procs.rs); the verdicts refuse to place a path through any link they could
//! not follow (verdict/places.rs). Both read the same links the same way from here.

/// Whose /proc directory the link is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// `self` or `thread-self`: the process that made the call.
    Caller,
    Pid(u32),
}

/// Which link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// `fd/N` or `/dev/fd/N`; `None` when N is not a number (no such fd: the kernel fails the
    /// lookup, but nothing is placed through it either).
    Fd(Option<i32>),
    Cwd,
    Root,
    Exe,
    MapFiles,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MagicLink {
    pub owner: Owner,
    /// Reached through `task/TID`: a thread's view (its root is the process's, but the
    /// verdicts do not assume it).
    pub via_task: bool,
    pub link: Link,
    /// How many of the components the link took (the rest is below it).
    pub len: usize,
}

/// The magic link at the start of `parts` (a path's components, without empty ones or `.`),
/// or `None`. `proc/PID/fd` alone is the directory, not a link; a PID of 0 names nothing.
pub fn magic_link<S: AsRef<str>>(parts: &[S]) -> Option<MagicLink> {
    let p: Vec<&str> = parts.iter().map(AsRef::as_ref).collect();
    let fd = |n: &str| n.parse::<i32>().ok().filter(|&n| n >= 0);
    if let ["dev", "fd", n, ..] = p.as_slice() {
        return Some(MagicLink {
            owner: Owner::Caller,
            via_task: false,
            link: Link::Fd(fd(n)),
            len: 3,
        });
    }
    let ["proc", who, rest @ ..] = p.as_slice() else {
        return None;
    };
    let owner = match *who {
        "self" | "thread-self" => Owner::Caller,
        n => Owner::Pid(n.parse::<u32>().ok().filter(|&n| n > 0)?),
    };
    let (via_task, rest, used) = match rest {
        ["task", _, rest @ ..] => (true, rest, 4),
        rest => (false, rest, 2),
    };
    let (link, len) = match rest {
        ["fd", n, ..] => (Link::Fd(fd(n)), 2),
        ["map_files", _, ..] => (Link::MapFiles, 2),
        ["cwd", ..] => (Link::Cwd, 1),
        ["root", ..] => (Link::Root, 1),
        ["exe", ..] => (Link::Exe, 1),
        _ => return None,
    };
    Some(MagicLink {
        owner,
        via_task,
        link,
        len: used + len,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(path: &str) -> Option<MagicLink> {
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        magic_link(&parts)
    }

    #[test]
    fn links_and_what_is_below_them() {
        let l = parse("/proc/self/fd/3/x").unwrap();
        assert_eq!(
            (l.owner, l.link, l.len, l.via_task),
            (Owner::Caller, Link::Fd(Some(3)), 4, false)
        );
        let l = parse("/proc/42/task/43/cwd").unwrap();
        assert_eq!(
            (l.owner, l.link, l.len, l.via_task),
            (Owner::Pid(42), Link::Cwd, 5, true)
        );
        assert_eq!(parse("/dev/fd/abc").unwrap().link, Link::Fd(None));
        assert_eq!(
            parse("/proc/thread-self/root/etc").unwrap().link,
            Link::Root
        );
        assert_eq!(
            parse("/proc/self/map_files/1-2").unwrap().link,
            Link::MapFiles
        );
        assert_eq!(parse("/proc/self/fd"), None);
        assert_eq!(parse("/proc/self/comm"), None);
        assert_eq!(parse("/proc/0/fd/1"), None);
        assert_eq!(parse("/proc/sys/kernel/x"), None);
        assert_eq!(parse("/dev/fd"), None);
    }
}
