//! Which host file a path names in a process's mount namespace, from the mounts in the trace.
//!
//! A bind or move mount makes a path reach files that live elsewhere, but only in the mount
//! namespace it was made in (and in those that receive it by propagation). systemd builds
//! every sandboxed unit's view this way before it execs the daemon (namespace.c: unshare
//! CLONE_NEWNS, bind `/` on /run/systemd/unit-root, bind PrivateTmp= and the inaccessible
//! paths below it, move it onto `/`, chroot(".")), and a hostile package can do the same. So
//! the mounts are kept per namespace, and a namespace's view is resolved the way the kernel
//! walks mount points: the newest mount whose mount point is a prefix of the path wins.
//!
//! Names are all this model has (no mount ids), so it is an approximation that errs towards
//! "not placed": a mount whose source cannot be named makes the paths below it unknown.

use super::rules::under;

/// What the files below a mount point are.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    /// A bind or move of this host directory or file.
    Host(String),
    /// A file system of its own (tmpfs, proc, a bind from one): no host path; the name in
    /// the process's view is the best name it has.
    Fresh,
    /// Not known (an fd-based mount, a source not named): why.
    Unknown(String),
}

#[derive(Debug, Clone)]
struct Mount {
    /// The mount point, as named in the namespace now.
    target: String,
    source: Source,
}

/// One namespace's mounts made in the trace, oldest first, and its moved mount points (a
/// process's cwd or root recorded under the old name is under the new one).
#[derive(Debug, Clone, Default)]
pub struct View {
    mounts: Vec<Mount>,
    moved: Vec<(String, String)>,
}

/// A path resolved in a view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    Host(String),
    Unknown(String),
}

impl View {
    /// How many mounts of the trace it holds.
    pub fn len(&self) -> usize {
        self.mounts.len()
    }

    pub fn resolve(&self, path: &str) -> Resolved {
        match self.through(path) {
            None | Some((_, Source::Fresh)) => Resolved::Host(path.to_owned()),
            Some((_, Source::Host(h))) => Resolved::Host(h),
            Some((m, Source::Unknown(why))) => {
                Resolved::Unknown(format!("{path} (below a mount on {}: {why})", m.target))
            }
        }
    }

    /// The newest mount whose mount point covers `path`, and what `path` names through it:
    /// the host path below its source, or its source as it is (fresh, not known). `None`
    /// when no mount of the trace covers it.
    fn through(&self, path: &str) -> Option<(&Mount, Source)> {
        let m = self.mounts.iter().rev().find(|m| under(path, &m.target))?;
        let source = match &m.source {
            Source::Host(h) => Source::Host(join(h, rest(path, &m.target))),
            other => other.clone(),
        };
        Some((m, source))
    }

    /// What a bind mount's source names: a host path, a piece of a fresh file system, or not
    /// known.
    fn source_of(&self, source: Option<&str>) -> Source {
        let Some(s) = source.filter(|s| s.starts_with('/')) else {
            return Source::Unknown("its source is not known".to_owned());
        };
        self.through(s)
            .map_or_else(|| Source::Host(s.to_owned()), |(_, source)| source)
    }

    /// mount(2) with MS_BIND: `target` now shows what `source` names.
    pub fn bind(&mut self, source: Option<&str>, target: &str) {
        let source = self.source_of(source);
        self.mounts.push(Mount {
            target: target.to_owned(),
            source,
        });
    }

    /// A new file system (tmpfs, proc, …) on `target`.
    pub fn fresh(&mut self, target: &str) {
        self.mounts.push(Mount {
            target: target.to_owned(),
            source: Source::Fresh,
        });
    }

    /// A mount whose files cannot be told (move_mount of an fd, …).
    pub fn unknown(&mut self, target: &str, why: String) {
        self.mounts.push(Mount {
            target: target.to_owned(),
            source: Source::Unknown(why),
        });
    }

    /// mount(2) with MS_MOVE: the mount on `source` and every mount below it move to `target`.
    pub fn move_mount(&mut self, source: Option<&str>, target: &str) {
        let Some(from) = source.filter(|s| s.starts_with('/')) else {
            self.unknown(target, "a moved mount whose source is not known".to_owned());
            return;
        };
        let from = from.to_owned();
        if !self.mounts.iter().any(|m| m.target == from) {
            // A mount from before the trace: what it shows is what its name showed.
            self.bind(Some(&from), &from);
        }
        for m in &mut self.mounts {
            if under(&m.target, &from) {
                m.target = join(target, rest(&m.target, &from));
            }
        }
        self.moved.push((from, target.to_owned()));
    }

    /// umount(2): the newest mount on `target` and the mounts below it are gone.
    pub fn umount(&mut self, target: &str) {
        if let Some(i) = self.mounts.iter().rposition(|m| m.target == target) {
            // It and the later mounts below it (made on top of it); earlier ones it hid stay.
            let later = self.mounts.split_off(i);
            self.mounts
                .extend(later.into_iter().filter(|m| !under(&m.target, target)));
        }
    }

    /// A directory the recorder named before a move of its mount (a chroot(".") after
    /// systemd's move onto `/`): its name now.
    pub fn renamed(&self, path: &str) -> String {
        let mut path = path.to_owned();
        for (from, to) in &self.moved {
            if under(&path, from) {
                path = join(to, rest(&path, from));
            }
        }
        path
    }
}

fn rest<'a>(path: &'a str, prefix: &str) -> &'a str {
    let p = prefix.trim_end_matches('/');
    path.strip_prefix(p).unwrap_or("")
}

pub fn join(base: &str, path: &str) -> String {
    let base = base.trim_end_matches('/');
    let path = path.trim_start_matches('/');
    if path.is_empty() {
        if base.is_empty() { "/" } else { base }.to_owned()
    } else {
        format!("{base}/{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(p: &str) -> Resolved {
        Resolved::Host(p.to_owned())
    }

    /// systemd's namespace setup for a unit with PrivateTmp= and ProtectHome=, as recorded in
    /// a Debian guest (cron under a drafted drop-in).
    #[test]
    fn systemds_unit_root_resolves_to_the_host() {
        let mut v = View::default();
        v.bind(Some("/"), "/run/systemd/unit-root");
        v.fresh("/tmp/namespace-dev-X/dev");
        v.bind(Some("/dev/pts"), "/tmp/namespace-dev-X/dev/pts");
        v.move_mount(
            Some("/tmp/namespace-dev-X/dev"),
            "/run/systemd/unit-root/dev",
        );
        v.bind(
            Some("/run/systemd/inaccessible/dir"),
            "/run/systemd/unit-root/home",
        );
        v.fresh("/run/systemd/unit-root/proc");
        v.bind(
            Some("/run/systemd/unit-root/proc/sys"),
            "/run/systemd/unit-root/proc/sys",
        );
        v.bind(
            Some("/tmp/systemd-private-1-cron.service-A/tmp"),
            "/run/systemd/unit-root/tmp",
        );
        v.move_mount(Some("/run/systemd/unit-root"), "/");
        assert_eq!(v.renamed("/run/systemd/unit-root"), "/");

        assert_eq!(v.resolve("/etc/crontab"), host("/etc/crontab"));
        assert_eq!(
            v.resolve("/tmp/x"),
            host("/tmp/systemd-private-1-cron.service-A/tmp/x")
        );
        assert_eq!(
            v.resolve("/home/u/x"),
            host("/run/systemd/inaccessible/dir/u/x")
        );
        assert_eq!(v.resolve("/dev/pts/0"), host("/dev/pts/0"));
        assert_eq!(v.resolve("/dev/null"), host("/dev/null"));
        assert_eq!(v.resolve("/proc/sys/kernel/x"), host("/proc/sys/kernel/x"));
    }

    #[test]
    fn a_bind_over_a_directory_names_its_source() {
        let mut v = View::default();
        v.bind(Some("/tmp/evil"), "/etc/cron.d");
        assert_eq!(v.resolve("/etc/cron.d/x"), host("/tmp/evil/x"));
        assert_eq!(v.resolve("/etc/passwd"), host("/etc/passwd"));
        v.umount("/etc/cron.d");
        assert_eq!(v.resolve("/etc/cron.d/x"), host("/etc/cron.d/x"));
        v.bind(None, "/etc");
        assert!(matches!(v.resolve("/etc/x"), Resolved::Unknown(_)));
    }
}
