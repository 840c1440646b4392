//! What a path or a socket address in an event really names, where the event alone does not say.
//!
//! The rules judge a path by its name and an address by its family; both can be made to lie
//! without the recorder getting anything wrong:
//!
//! - a path through a magic link (`/proc/self/root/…`, `/proc/thread-self/fd/N/…`,
//!   `/dev/fd/N`) names whatever the link points at, not a file under /proc or /dev;
//! - after chroot(2) an absolute path names a file under the new root; after a mount (a bind
//!   mount over an allowed directory) or a setns(2) into another mount namespace, a path may
//!   name any file at all; openat2's RESOLVE_IN_ROOT takes an absolute path under its dirfd;
//! - an AF_UNSPEC address is read by an AF_INET socket as AF_INET (inet_bind accepts
//!   AF_UNSPEC with INADDR_ANY, udp_sendmsg any AF_UNSPEC address), and a `listen()` on a
//!   socket never bound binds it to an ephemeral port on every address.
//!
//! [`Places::compute`] walks the trace once, in order, and keeps per event what the rules need
//! to read such a path or address as the kernel did, or to say that it cannot be read: a path
//! that cannot be placed makes a file claim inconclusive, never "allowed".

use std::{
    collections::{HashMap, HashSet},
    time::SystemTime,
};

use super::mounts::{Resolved, View, join};
use crate::trace::{Event, EventData, LookedUp, PathRef, SockAddr, Trace, procfs};

/// clone(2)'s flag for a new network namespace (include/uapi/linux/sched.h).
const CLONE_NEWNET: u64 = 0x4000_0000;

/// openat2's RESOLVE_IN_ROOT (include/uapi/linux/openat2.h).
const RESOLVE_IN_ROOT: u64 = 0x10;

/// How a process's paths map to the host's files at one event.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Root {
    /// Under a chroot: absolute paths are below this host directory.
    Chroot(String),
    /// The process's view of the file system is not known (a mount, pivot_root, setns).
    Unknown(String),
}

/// A path of an event, placed on the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placed {
    /// The host file's path.
    Host(String),
    /// Which file it is cannot be told from the trace: why.
    Unknown(String),
}

/// Per-event facts from the walk over the trace, keyed by event `seq`.
#[derive(Debug, Clone, Default)]
pub struct Places {
    roots: HashMap<u64, Root>,
    /// Binds, sends and listens with an AF_UNSPEC address: the address as the socket's own
    /// family reads it, or `None` when the socket's family is not known.
    unspec: HashMap<u64, Option<SockAddr>>,
    /// Listens on an inet socket created in the trace and never bound: autobound.
    autobound: HashSet<u64>,
    /// Connects of a datagram inet socket that the same thread undid with its very next
    /// recorded call, an AF_UNSPEC connect of the same fd: see [`Places::udp_probe`].
    udp_probes: HashSet<u64>,
    /// Binds, connects, sends and listens on a socket made after its process (or an
    /// ancestor) entered another network namespace: see [`Places::other_netns`].
    other_netns: HashSet<u64>,
    /// Binds whose socket was then connected and stayed connected: see
    /// [`Places::connected_bind`].
    connected_binds: HashSet<u64>,
    /// Sends to an inet address from a datagram socket made in the trace that no bind, no
    /// autobind record and no connect gave a local port: see [`Places::unbound_send`].
    unbound_sends: HashSet<u64>,
    /// Events of a process that shares its fd table or its cwd with another process
    /// (clone(CLONE_FILES or CLONE_FS) without CLONE_THREAD): the other one can change what
    /// a dirfd or the cwd is between the recorded calls, so a relative path is not placed.
    shared_base: HashSet<u64>,
    /// The mount views made by mounts in the trace (each change of a namespace's mounts
    /// adds one), and per event the view its process saw (events in a view without mounts
    /// of the trace: absent).
    views: Vec<View>,
    view_of: HashMap<u64, Seen>,
    /// Recorded changes of a name in a directory (a symlink made, a rename's either side, an
    /// unlink, rmdir, link, mount, umount, and their io_uring operations), by the name
    /// changed: see [`Places::relinked_on_the_way`].
    changes: HashMap<String, Vec<Change>>,
    /// Names a recorded event made a symlink or put another file at (symlink, a rename's
    /// new name or an exchange's both, link; their io_uring operations), at any time.
    relinked: HashMap<String, u64>,
    /// Names a recorded event made a symlink (symlink, symlinkat), and where a recorded
    /// rename moved one: a path below one is not placed by its letters.
    symlinks: HashMap<String, u64>,
    /// Names a successful recorded event wrote or made a file at (an open for writing or
    /// with O_CREAT/O_TMPFILE, a truncate by name, a mknod), by name: see
    /// [`Places::exec_file_changed`].
    written: HashMap<String, Vec<(u64, &'static str)>>,
    /// Events (by `seq`) of neither the package nor its maintainer scripts: the installer
    /// (dpkg unpacking the package renames `foo.dpkg-new` onto `/usr/bin/foo`), systemd,
    /// other processes. A program file they put in place is the system's, as installed, not
    /// one the package made: [`Places::exec_file_changed`] leaves their changes out. Set by
    /// [`Places::set_foreign`]; empty, every change counts.
    foreign: HashSet<u64>,
}

/// A recorded change of a name (see [`Places::changes`]).
#[derive(Debug, Clone)]
struct Change {
    /// The event's `time`, when it reads as RFC 3339.
    at: Option<SystemTime>,
    seq: u64,
    /// The call, for a reason: `rename`, `symlink`, `io_uring renameat`, ….
    what: String,
    /// It put a file (a link) at the name, rather than only took one away.
    puts: bool,
}

/// The view an event's process saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seen {
    /// `Places::views[i]`.
    View(usize),
    /// Its namespace's mounts were past [`MAX_KEPT_MOUNTS`]: not followed.
    TooMany,
}

/// Mount entries the walk keeps in all, in views and namespaces. Each mount change copies its
/// namespace's view (and one in the first namespace every namespace's), so a package that
/// makes thousands of namespaces and mounts could make the checker's memory grow with their
/// product; past this, paths in namespaces with mounts are not placed (inconclusive).
const MAX_KEPT_MOUNTS: usize = 1 << 20;

/// mount(2)'s flags (include/uapi/linux/mount.h): a bind and a move make a path reach files
/// that live elsewhere; a remount and a propagation change (MS_SHARED, MS_PRIVATE, MS_SLAVE,
/// MS_UNBINDABLE) change no path; anything else mounts a file system of its own.
const MS_REMOUNT: u64 = 0x20;
const MS_BIND: u64 = 0x1000;
const MS_MOVE: u64 = 0x2000;
const MS_PROPAGATION: u64 = 0x0002_0000 | 0x0004_0000 | 0x0008_0000 | 0x0010_0000;

/// File systems whose files live in memory (or are the kernel's own): a path below one names
/// nothing on any disk, so it is placed as the process sees it. Any other new mount (overlay,
/// whose writes land in its upper dir; ext4 on a loop device; FUSE; NFS) stores its files
/// somewhere the trace does not say, so a path below it is not placed.
const IN_MEMORY_FS: &[&str] = &[
    "tmpfs",
    "ramfs",
    "proc",
    "sysfs",
    "devtmpfs",
    "devpts",
    "mqueue",
    "cgroup",
    "cgroup2",
    "bpf",
    "tracefs",
    "debugfs",
    "securityfs",
    "pstore",
    "configfs",
    "hugetlbfs",
    "binfmt_misc",
    "fusectl",
    "efivarfs",
    "nsfs",
    "selinuxfs",
    "rpc_pipefs",
    "nfsd",
];

/// renameat2(2)'s RENAME_EXCHANGE (include/uapi/linux/fs.h).
const RENAME_EXCHANGE: u64 = 0x2;

/// clone(2)'s CLONE_NEWNS.
const CLONE_NEWNS: u64 = 0x0002_0000;

/// clone(2)'s CLONE_FS and CLONE_FILES (include/uapi/linux/sched.h).
const CLONE_FS_OR_FILES: u64 = 0x0000_0200 | 0x0000_0400;

impl Places {
    pub fn compute(trace: &Trace) -> Self {
        let mut out = Places::default();
        let mut root: HashMap<u32, Root> = HashMap::new();
        let mut mounts = Namespaces::new(MAX_KEPT_MOUNTS);
        let mut sockets = Sockets::default();
        let mut shared: HashSet<u32> = HashSet::new();
        for ev in &trace.events {
            if shared.contains(&ev.pid) {
                out.shared_base.insert(ev.seq);
            }
            // A connect still running at the stop connected nothing.
            let ok = crate::trace::describe::succeeded(ev);
            sockets.step(ev, ok, &mut out);
            if let Some(v) = mounts.view_of(ev.pid) {
                out.view_of.insert(ev.seq, v);
            }
            if let Some(r) = root.get(&ev.pid) {
                out.roots.insert(ev.seq, r.clone());
            }
            if ok {
                out.note_changes(ev);
            }
            match &ev.data {
                EventData::Fork {
                    child_pid,
                    thread,
                    clone_flags,
                    ..
                } => {
                    if !thread && clone_flags & CLONE_FS_OR_FILES != 0 {
                        shared.insert(ev.pid);
                        shared.insert(*child_pid);
                    }
                    if !thread {
                        mounts.fork(ev.pid, *child_pid, clone_flags & CLONE_NEWNS != 0);
                    }
                    match root.get(&ev.pid).cloned() {
                        Some(r) => root.insert(*child_pid, r),
                        None => root.remove(child_pid),
                    };
                }
                EventData::Unshare { flags } if ok && flags.iter().any(|f| f == "CLONE_NEWNS") => {
                    mounts.unshare(ev.pid);
                }
                EventData::Chroot { path } if ok => {
                    let renamed = |p: &str| mounts.renamed(ev.pid, p);
                    let new = match (root.get(&ev.pid), absolute_given(path)) {
                        (Some(Root::Unknown(why)), _) => Some(Root::Unknown(why.clone())),
                        (Some(Root::Chroot(base)), Some(p)) => {
                            Some(Root::Chroot(renamed(&join(base, &p))))
                        }
                        (None, _) if path.resolved.is_some() => {
                            // chroot("/") or into a mount moved onto `/` (systemd's
                            // sandbox) leaves paths as they were.
                            let base = renamed(path.best());
                            (base != "/").then_some(Root::Chroot(base))
                        }
                        _ => Some(Root::Unknown(format!(
                            "after chroot({}), whose directory is not known",
                            path.best()
                        ))),
                    };
                    match new {
                        Some(r) => root.insert(ev.pid, r),
                        None => root.remove(&ev.pid),
                    };
                }
                EventData::PivotRoot { new_root, .. } if ok => {
                    root.insert(
                        ev.pid,
                        Root::Unknown(format!("after pivot_root({})", new_root.best())),
                    );
                }
                EventData::Setns { nstype, .. }
                    if ok && (nstype.is_empty() || nstype.iter().any(|n| n.contains("NEWNS"))) =>
                {
                    root.insert(
                        ev.pid,
                        Root::Unknown("after setns into another mount namespace".to_owned()),
                    );
                }
                EventData::Mount {
                    target,
                    source,
                    fstype,
                    flags,
                } if ok && flags & MS_REMOUNT == 0 => {
                    let target = target.best();
                    let source = source.as_deref();
                    if flags & MS_MOVE != 0 {
                        mounts.change(ev.pid, |v| v.move_mount(source, target));
                    } else if flags & MS_BIND != 0 {
                        mounts.change(ev.pid, |v| v.bind(source, target));
                    } else if flags & MS_PROPAGATION == 0 {
                        match fstype.as_deref() {
                            Some(fs) if IN_MEMORY_FS.contains(&fs) => {
                                mounts.change(ev.pid, |v| v.fresh(target));
                            }
                            fs => {
                                let why = format!(
                                    "a new {} file system from {}: where its files are stored \
                                     is not in the trace",
                                    fs.unwrap_or("(unnamed)"),
                                    source.unwrap_or("(no source)")
                                );
                                mounts.change(ev.pid, |v| v.unknown(target, why.clone()));
                            }
                        }
                    }
                }
                EventData::Umount { target, .. } if ok => {
                    mounts.change(ev.pid, |v| v.umount(target.best()));
                }
                EventData::MountApi { call, path2, .. } if ok && call == "move_mount" => {
                    // Its source is an fd: what it shows below its target is not known.
                    let target = path2.as_ref().map_or("/", PathRef::best);
                    mounts.change(ev.pid, |v| v.unknown(target, format!("after {call}")));
                }
                _ => {}
            }
        }
        out.views = mounts.views;
        sockets.finish(&mut out);
        out
    }

    /// A path of `ev` placed on the host: through a magic link, a chroot, the mounts of its
    /// namespace, RESOLVE_IN_ROOT.
    pub fn place(&self, ev: &Event, path: &str) -> Placed {
        let refs = changed_refs(ev);
        // A relative path is named from its base (the cwd, a dirfd) as the recorder named that
        // base, or by the kernel walk, which names it only from the process's root (a walk
        // that meets a mount tree's top first gives no name and flags `real_path_unnamed`;
        // earlier recorders named it from that top). Across a chroot or a mount that name is
        // not known to be the host's nor the new root's: a cwd left outside a chroot (no
        // chdir("/")) or a dirfd opened before it names a host directory, a dirfd opened under
        // a bind that was unmounted since names the bind's files (round 9's
        // f9_chroot_cwd_outside, f9_chroot_dirfd_outside, f9_umount_detached_dirfd).
        let relative = refs.iter().any(|r| {
            r.names().any(|n| n == path) && r.given.as_deref().is_some_and(|g| !g.starts_with('/'))
        });
        // A path below a directory fd's magic link (`/proc/self/fd/N/NAME`) is absolute: only
        // a successful open of one is walked (recorders since 2026-12-05, with the kernel
        // walk on), and otherwise its name is the fd's when the fd was opened, which a rename
        // by a process outside the recording makes another directory's (round 9's
        // f9_procfd_stale_dirfd). Without a `real`, it is not placed.
        if !kernel_named(ev)
            && refs.iter().any(|r| {
                r.real.is_none()
                    && r.names().any(|n| n == path)
                    && r.given
                        .as_deref()
                        .is_some_and(|g| below_fd_link(g, &[ev.pid, ev.tid]))
            })
        {
            return Placed::Unknown(format!(
                "{path} (below a /proc/…/fd/N link: named by what the fd's directory was called \
                 when it was opened; a rename since by another process is not seen)"
            ));
        }
        // A path whose host lookup failed (`looked_up: {"failed": …}`: its directory was gone
        // when the recorder looked, a magic link was on the way) is not placed when the part
        // of it no kernel walk named holds more than one component or a `..`: a symlink
        // there (`lnk/x`, `/srv/allowed/lnk/x`) or a `..` after one (`lnk/../x`) leads
        // anywhere, and its name by letters is only a guess, which would hold a claim on a
        // file that may be outside (round 9's symlink techniques, their link removed before
        // the lookup). A single name (`chmod("x")` relative to a walked dirfd) is placed by
        // it: its directory is the kernel's, and only a last link removed within the lookup
        // delay is unseen (docs/blind-spots.md) — where the usual `chmod x; mv x y` would
        // otherwise leave every such claim open. Traces without lookups (older recorders,
        // another mount namespace) are placed as before.
        if refs.iter().any(|r| {
            r.looked_up.as_ref().is_some_and(|l| l.failed().is_some())
                && r.names().any(|n| n == path)
                && unchecked_beyond_one_name(r)
        }) {
            let why = refs
                .iter()
                .find_map(|r| r.looked_up.as_ref().and_then(LookedUp::failed))
                .unwrap_or("failed");
            return Placed::Unknown(format!(
                "{path} (its directory could not be looked up when recorded: {why}; a symlink \
                 or `..` in it may have led elsewhere)"
            ));
        }
        if let Some(why) = self.relinked_on_the_way(ev, &refs, path) {
            return Placed::Unknown(format!("{path} ({why})"));
        }
        // An open by an absolute path whose kernel walk gave no name (`real_path_unnamed`: the
        // name was longer than the walk keeps, a step unreadable, the file below no mount the
        // process's root reaches; an io_uring open into a fixed-file slot is never walked) is
        // named only by its letters, and an open is the one call the host lookup leaves to
        // the walk. Each directory on the way may be a symlink to anywhere: a link
        // (`/srv/allowed/lnk`) to a directory whose own name is longer than the walk keeps
        // gives exactly this, the file outside and its path inside. Not placed, then, unless
        // its only directory is `/`, which is no link. Every successful open is walked
        // (recorders since session 23), and the walk names an ordinary program's every open
        // (a python http.server serving /usr/share/doc, ldconfig, dpkg -L, apt-get check,
        // systemd-tmpfiles --cat-config, sysctl -a: 0 unnamed of 3285), so this leaves only
        // such opens unplaced.
        if opened_unnamed(ev)
            && refs.iter().any(|r| {
                r.real.is_none()
                    && r.looked_up_name().is_none()
                    && r.names().any(|n| n == path)
                    && absolute_given(r).is_some()
                    && unchecked_beyond_one_name(r)
            })
        {
            return Placed::Unknown(format!(
                "{path} (opened by an absolute path the kernel walk could not name, flagged \
                 real_path_unnamed: a symlink on the way may have led elsewhere)"
            ));
        }
        let in_view = |p: String| match self.view_of.get(&ev.seq) {
            None => Placed::Host(p),
            Some(Seen::View(_)) if relative => Placed::Unknown(format!(
                "{p} (relative, in a mount namespace whose mounts the trace changed: its cwd \
                 or dirfd may have been named under other mounts)"
            )),
            Some(Seen::View(i)) => match self.views[*i].resolve(&p) {
                Resolved::Host(h) => Placed::Host(h),
                Resolved::Unknown(why) => Placed::Unknown(why),
            },
            Some(Seen::TooMany) => Placed::Unknown(format!(
                "{p} (in a mount namespace with more mount changes than the checker follows)"
            )),
        };
        if let Some(root) = self.roots.get(&ev.seq) {
            return match root {
                Root::Unknown(why) => Placed::Unknown(format!("{path} ({why})")),
                Root::Chroot(_) if relative => Placed::Unknown(format!(
                    "{path} (relative, under a chroot: its cwd or dirfd may be outside the new \
                     root, and its name the host's or the new root's)"
                )),
                Root::Chroot(base) if path.starts_with('/') => match magic(path, &[ev.pid, ev.tid])
                {
                    Magic::Plain => in_view(join(base, path)),
                    _ => Placed::Unknown(format!("{path} (a magic link, under a chroot)")),
                },
                Root::Chroot(_) => Placed::Unknown(format!("{path} (under a chroot)")),
            };
        }
        if self.shared_base.contains(&ev.seq)
            && changed_refs(ev).iter().any(|r| {
                r.best() == path && r.given.as_deref().is_some_and(|g| !g.starts_with('/'))
            })
        {
            return Placed::Unknown(format!(
                "{path} (relative, in a process sharing its fd table or cwd with another)"
            ));
        }
        if let EventData::Open {
            resolve, path: p, ..
        } = &ev.data
            && resolve & RESOLVE_IN_ROOT != 0
            && p.best() == path
            && (absolute_given(p).is_some() || path.split('/').any(|c| c == ".."))
        {
            return Placed::Unknown(format!(
                "{path} (openat2 RESOLVE_IN_ROOT: below the dirfd, not the root)"
            ));
        }
        match magic(path, &[ev.pid, ev.tid]) {
            Magic::Plain => in_view(path.to_owned()),
            Magic::Root(rest) => in_view(rest),
            Magic::Link => Placed::Unknown(format!("{path} (through a magic link)")),
        }
    }

    /// Why a path of a call by name (not an open: the kernel walk names what an open
    /// reached) is not placed by its host lookup nor by its letters, because a recorded event
    /// changed a directory on its way (round 10's f10_swap_* and f10_mntns_link_chmod):
    ///
    /// - a change of one of its directories (or a link put at its own name) between the call
    ///   and the recorder's lookup (`looked_up.time`): the link the call went through may
    ///   have been swapped back before the lookup, which then names a decoy;
    /// - a lookup that went through a symlink (it found another name) where a directory on
    ///   the way was made a symlink or replaced by a recorded event, at any time: a lookup is
    ///   only as good as the link it followed being the one the call did;
    /// - a path that was not looked up (another mount namespace, an older recorder; or found
    ///   as it is written) below a symlink a recorded event made: its letters name the link's
    ///   directory, not where the link leads.
    ///
    /// An ordinary program rarely renames or links over a directory it then works below; a
    /// package's symlinks are made at names no later call goes through (checked on apt-get
    /// check, dpkg -i and a python http.server: docs/blind-spots.md).
    ///
    /// A call an LSM path hook named (`kernel_named`: its `real` is the kernel's name of the
    /// file at the moment of the call, after every link) is placed by that name: no swap
    /// before or after it changes what the kernel acted on.
    fn relinked_on_the_way(&self, ev: &Event, refs: &[&PathRef], path: &str) -> Option<String> {
        if self.changes.is_empty() || is_open(ev) || kernel_named(ev) {
            return None;
        }
        let called = parse_time(&ev.time);
        for r in refs.iter().filter(|r| r.names().any(|n| n == path)) {
            let names: Vec<&str> = r.names().collect();
            let lexical: Vec<&str> = std::iter::once(r.best()).chain(r.real.as_deref()).collect();
            if let Some(l) = &r.looked_up
                && let (Some(from), Some(until)) = (called, l.time.as_deref().and_then(parse_time))
            {
                for (name, own) in names.iter().flat_map(|n| with_ancestors(n)) {
                    let changed = self.changes.get(name).into_iter().flatten().find(|c| {
                        c.seq != ev.seq
                            && (!own || c.puts)
                            && c.at.is_some_and(|at| from <= at && at <= until)
                    });
                    if let Some(c) = changed {
                        return Some(format!(
                            "{name} was changed by a {} (event {}) between the call and the \
                             recorder's lookup of its path: the lookup may have named a file the \
                             call did not reach",
                            c.what, c.seq
                        ));
                    }
                }
            }
            let ancestors = || {
                lexical
                    .iter()
                    .flat_map(|n| with_ancestors(n))
                    .filter(|(_, own)| !own)
                    .map(|(a, _)| a)
            };
            if r.looked_up_name().is_some()
                && let Some((a, seq)) =
                    ancestors().find_map(|a| self.relinked.get(a).map(|s| (a, s)))
            {
                return Some(format!(
                    "its host lookup went through {a}, which a recorded event (event {seq}) made \
                     a symlink or replaced: the link the lookup followed may not be the call's"
                ));
            }
            // Found as written, or not looked up: no lookup time. A link or file put at one of
            // its directories by a later recorded event (a real directory exchanged with a
            // link for the call only, round 10's f10_swap_dir_for_link) may have been the
            // swap back. Mounts are left to the mount views.
            if r.looked_up.is_none()
                && let Some(called) = called
                && let Some((a, c)) = ancestors().find_map(|a| {
                    self.changes.get(a).into_iter().flatten().find_map(|c| {
                        (c.seq > ev.seq
                            && c.puts
                            && !c.what.ends_with("mount")
                            && c.at.is_some_and(|at| at >= called))
                        .then_some((a, c))
                    })
                })
            {
                return Some(format!(
                    "{a} was replaced by a {} (event {}) after the call, which was not looked up \
                     with another name: the call may have gone through what was there before",
                    c.what, c.seq
                ));
            }
            if r.looked_up.is_none()
                && let Some((a, seq)) =
                    ancestors().find_map(|a| self.symlinks.get(a).map(|s| (a, s)))
            {
                return Some(format!(
                    "below {a}, a symlink made by a recorded event (event {seq}), and not looked \
                     up on the host: its letters do not say where the link led"
                ));
            }
        }
        None
    }

    /// Why the file an exec (event `seq`) ran by the name `path` may not be the file that
    /// name stood for when the trace began: a recorded event before the exec wrote or made a
    /// file at that name, or put a file or a link there (a rename onto it, a link, a
    /// symlink), or removed it (what the exec found was then put there by no recorded event;
    /// the latest of these counts), or put a directory or a link at a directory on its way.
    /// `Some((true, why))` when the
    /// file itself was written or replaced (the exec ran the trace's file, not the system's),
    /// `Some((false, why))` when what it ran cannot be told. Mounts are left to the mount
    /// views ([`Places::place`]). Events of processes outside the recording are not seen.
    pub fn exec_file_changed(&self, seq: u64, path: &str) -> Option<(bool, String)> {
        for (name, own) in with_ancestors(path) {
            if own
                && let Some((s, what)) = self
                    .written
                    .get(name)
                    .into_iter()
                    .flatten()
                    .find(|(s, _)| *s < seq && !self.foreign.contains(s))
            {
                return Some((
                    true,
                    format!("{name} was written by an {what} (event {s}) before the exec"),
                ));
            }
            // The latest: a removal after a rename onto it leaves a file put there unseen.
            let change = self.changes.get(name).and_then(|cs| {
                cs.iter().rev().find(|c| {
                    c.seq < seq && !c.what.ends_with("mount") && !self.foreign.contains(&c.seq)
                })
            });
            match change {
                Some(c) if own && c.puts => {
                    return Some((
                        true,
                        format!(
                            "a {} (event {}) put another file at {name} before the exec",
                            c.what, c.seq
                        ),
                    ));
                }
                Some(c) if own => {
                    return Some((
                        false,
                        format!(
                            "{name} was removed by a {} (event {}) before the exec: what was \
                             there then was put by no recorded event",
                            c.what, c.seq
                        ),
                    ));
                }
                Some(c) if c.puts => {
                    return Some((
                        false,
                        format!(
                            "its directory {name} was replaced by a {} (event {}) before the \
                             exec: which file is below it cannot be told",
                            c.what, c.seq
                        ),
                    ));
                }
                _ => {}
            }
        }
        None
    }

    /// Names the events that are neither the package's nor its maintainer scripts' (see
    /// [`Places::foreign`]).
    pub fn set_foreign(&mut self, seqs: HashSet<u64>) {
        self.foreign = seqs;
    }

    /// Notes the names a successful `ev` changed (see [`Places::changes`]).
    fn note_changes(&mut self, ev: &Event) {
        // (path, what, puts a file there, makes a symlink there)
        let mut changed: Vec<(&PathRef, String, bool, bool)> = Vec::new();
        let mut moved: Option<(&PathRef, &PathRef, bool)> = None;
        let wrote: Option<(&PathRef, &'static str)> = match &ev.data {
            EventData::Open {
                path,
                access,
                flags,
                ..
            } if access == "write"
                || access == "read_write"
                || flags.iter().any(|f| f == "O_CREAT" || f == "O_TMPFILE") =>
            {
                Some((path, "open for writing"))
            }
            EventData::Truncate {
                path: Some(path), ..
            } => Some((path, "truncate")),
            EventData::Mknod { path, .. } => Some((path, "mknod")),
            _ => None,
        };
        if let Some((p, what)) = wrote {
            for name in p.names() {
                self.written
                    .entry(name.to_owned())
                    .or_default()
                    .push((ev.seq, what));
            }
        }
        match &ev.data {
            EventData::Symlink { path, .. } => changed.push((path, "symlink".into(), true, true)),
            EventData::Rename { from, to, flags } => {
                let exchange = flags & RENAME_EXCHANGE != 0;
                changed.push((from, "rename".into(), exchange, false));
                changed.push((to, "rename".into(), true, false));
                moved = Some((from, to, exchange));
            }
            EventData::Link { path, .. } => changed.push((path, "link".into(), true, false)),
            EventData::Unlink { path, .. } => changed.push((path, "unlink".into(), false, false)),
            EventData::Rmdir { path } => changed.push((path, "rmdir".into(), false, false)),
            EventData::Mount { target, .. } => changed.push((target, "mount".into(), true, false)),
            EventData::Umount { target, .. } => {
                changed.push((target, "umount".into(), true, false));
            }
            EventData::IoUringOp {
                op,
                path,
                path2,
                op_flags,
                ..
            } => {
                let what = format!("io_uring {op}");
                match (op.as_str(), path, path2) {
                    ("renameat", Some(from), Some(to)) => {
                        let exchange = u64::from(op_flags.unwrap_or(0)) & RENAME_EXCHANGE != 0;
                        changed.push((from, what.clone(), exchange, false));
                        changed.push((to, what, true, false));
                        moved = Some((from, to, exchange));
                    }
                    ("unlinkat", Some(p), _) => changed.push((p, what, false, false)),
                    ("symlinkat", _, Some(p)) => changed.push((p, what, true, true)),
                    ("linkat", _, Some(p)) => changed.push((p, what, true, false)),
                    _ => {}
                }
            }
            _ => {}
        }
        if changed.is_empty() {
            return;
        }
        let at = parse_time(&ev.time);
        for (p, what, puts, symlink) in changed {
            for name in p.names() {
                self.changes
                    .entry(name.to_owned())
                    .or_default()
                    .push(Change {
                        at,
                        seq: ev.seq,
                        what: what.clone(),
                        puts,
                    });
                if puts {
                    self.relinked.entry(name.to_owned()).or_insert(ev.seq);
                }
                if symlink {
                    self.symlinks.entry(name.to_owned()).or_insert(ev.seq);
                }
            }
        }
        // A symlink made in the trace stays one under its new name; an exchange swaps both.
        if let Some((from, to, exchange)) = moved {
            let was = |p: &PathRef| p.names().find_map(|n| self.symlinks.get(n).copied());
            let (a, b) = (was(from), was(to));
            for (p, made) in [(to, a), (from, if exchange { b } else { None })] {
                if let Some(seq) = made {
                    for n in p.names() {
                        self.symlinks.entry(n.to_owned()).or_insert(seq);
                    }
                }
            }
        }
    }

    /// An AF_UNSPEC address of a bind, send or listen as the socket read it; `Some(None)` when
    /// the socket's family is not known; `None` when the event has no such address.
    pub fn unspec(&self, seq: u64) -> Option<Option<&SockAddr>> {
        self.unspec.get(&seq).map(Option::as_ref)
    }

    /// Whether this connect of a datagram socket was undone by the same thread's next
    /// recorded call, `connect(fd, AF_UNSPEC)`. A UDP connect sends nothing: it sets the
    /// socket's peer and picks its source address. glibc's getaddrinfo does exactly this to
    /// rank the addresses it returns (RFC 6724 source address selection: connect, getsockname,
    /// disconnect, for each candidate), so every name lookup with several answers leaves such
    /// connects to addresses the program may never contact. Sends on a connected socket are
    /// not recorded, so whether anything went out in between cannot be told either way.
    pub fn udp_probe(&self, seq: u64) -> bool {
        self.udp_probes.contains(&seq)
    }

    /// Whether this bind, connect, send or listen is on a socket made after its process
    /// entered another network namespace (setns, unshare(CLONE_NEWNET), or an ancestor's):
    /// 127.0.0.1 there is another machine's loopback (a container's), and 0.0.0.0 another
    /// machine's addresses. A setns back does not make it local: a socket stays in the
    /// namespace it was made in, and the trace does not say which namespace an fd named.
    pub fn other_netns(&self, seq: u64) -> bool {
        self.other_netns.contains(&seq)
    }

    /// Whether this bind's socket was connected afterwards (before its fd was reused or the
    /// trace ended) and not disconnected again: a connected UDP socket takes datagrams from its
    /// peer only (the kernel drops the rest: `__udp4_lib_lookup` scores a connected socket's
    /// remote address), so a wildcard bind for outgoing queries (unbound binds [::]:PORT for
    /// each upstream query, then connects) is no endpoint others can reach. A TCP socket
    /// bound then connected is a client's. Such a bind is one only while unconnected, for the
    /// instants between the two calls.
    pub fn connected_bind(&self, seq: u64) -> bool {
        self.connected_binds.contains(&seq)
    }

    /// Whether this send came from a UDP socket that had no local port the trace names: the
    /// kernel autobound it to a port (from `ip_local_port_range`, which may be 80 in a
    /// namespace) that then receives like a bind's, and the `bind` record flagged `autobind`
    /// that names it is missing (the `udp_autobind` hook is absent before Linux 6.3, or
    /// failed; or a freed socket's entry hid it). A port claim cannot hold over it.
    pub fn unbound_send(&self, seq: u64) -> bool {
        self.unbound_sends.contains(&seq)
    }

    /// Whether this listen autobound its never-bound socket.
    pub fn autobound(&self, seq: u64) -> bool {
        self.autobound.contains(&seq)
    }
}

/// What the walk knows of a socket, by the (pid, fd) it was made at.
#[derive(Default)]
struct Sock {
    /// Its domain (`AF_INET`, …); unknown for an fd the trace did not see made.
    domain: Option<String>,
    /// An AF_INET/AF_INET6 SOCK_DGRAM socket.
    datagram: bool,
    /// Made after its process entered another network namespace.
    other_netns: bool,
    /// Its last inet bind, and whether the socket was connected since.
    bind: Option<(u64, bool)>,
    /// Connected now (an inet connect not undone by an AF_UNSPEC one).
    connected: bool,
}

/// The sockets part of [`Places::compute`]: one entry per (pid, fd), replaced when a new
/// socket takes the fd number.
#[derive(Default)]
struct Sockets {
    by_fd: HashMap<(u32, i32), Sock>,
    /// Processes that entered another network namespace (and their children).
    netns_moved: HashSet<u32>,
    /// Per thread, a connect of a datagram socket not yet followed by another call of that
    /// thread: (connect seq, pid, fd).
    udp_connect: HashMap<u32, (u64, u32, i32)>,
}

impl Sockets {
    fn step(&mut self, ev: &Event, ok: bool, out: &mut Places) {
        if let Some((seq, pid, fd)) = self.udp_connect.remove(&ev.tid)
            && ev.pid == pid
            && matches!(&ev.data, EventData::Connect { fd: f, addr: Some(SockAddr::Other { number: 0, .. }) } if *f == fd)
        {
            out.udp_probes.insert(seq);
        }
        let fd = match &ev.data {
            EventData::Setns { nstype, .. }
                if ok && (nstype.is_empty() || nstype.iter().any(|t| t == "CLONE_NEWNET")) =>
            {
                self.netns_moved.insert(ev.pid);
                return;
            }
            EventData::Unshare { flags } if ok && flags.iter().any(|f| f == "CLONE_NEWNET") => {
                self.netns_moved.insert(ev.pid);
                return;
            }
            // clone(CLONE_NEWNET) makes the child in a new namespace.
            EventData::Fork {
                child_pid,
                clone_flags,
                ..
            } => {
                if self.netns_moved.contains(&ev.pid) || clone_flags & CLONE_NEWNET != 0 {
                    self.netns_moved.insert(*child_pid);
                }
                return;
            }
            EventData::Socket {
                domain, sock_type, ..
            } => {
                if let Some(fd) = ev.result.as_ref().filter(|r| r.ok()).map(|r| r.ret)
                    && let Ok(fd) = i32::try_from(fd)
                {
                    let inet = domain == "AF_INET" || domain == "AF_INET6";
                    let sock = Sock {
                        domain: Some(domain.clone()),
                        datagram: inet && sock_type.split('|').any(|t| t == "SOCK_DGRAM"),
                        other_netns: self.netns_moved.contains(&ev.pid),
                        bind: None,
                        connected: false,
                    };
                    if let Some(Sock {
                        bind: Some((seq, true)),
                        ..
                    }) = self.by_fd.insert((ev.pid, fd), sock)
                    {
                        out.connected_binds.insert(seq);
                    }
                }
                return;
            }
            EventData::Bind { fd, .. }
            | EventData::Connect { fd, .. }
            | EventData::Send { fd, .. }
            | EventData::Listen { fd, .. } => *fd,
            _ => return,
        };
        let known = self.by_fd.get(&(ev.pid, fd));
        if known.is_some_and(|s| s.other_netns) {
            out.other_netns.insert(ev.seq);
        }
        let family = known.and_then(|s| s.domain.as_deref());
        match &ev.data {
            EventData::Bind { addr, .. } | EventData::Send { addr, .. } if ok => match addr {
                Some(a @ SockAddr::Other { number: 0, .. }) => {
                    out.unspec.insert(ev.seq, unspec_as(family, a));
                }
                Some(SockAddr::Inet { .. } | SockAddr::Inet6 { .. })
                    if matches!(ev.data, EventData::Bind { .. }) =>
                {
                    let sock = self.by_fd.entry((ev.pid, fd)).or_default();
                    // An autobind record can come after the connect (a socket connected
                    // before the recording's first send): it is connected already.
                    let connected =
                        sock.connected && matches!(ev.data, EventData::Bind { autobind: true, .. });
                    if let Some((seq, true)) = sock.bind.replace((ev.seq, connected)) {
                        out.connected_binds.insert(seq);
                    }
                }
                Some(SockAddr::Inet { .. } | SockAddr::Inet6 { .. })
                    if known.is_some_and(|s| s.datagram && s.bind.is_none() && !s.connected) =>
                {
                    out.unbound_sends.insert(ev.seq);
                }
                _ => {}
            },
            EventData::Listen { addr, .. } if ok => match addr {
                Some(a @ SockAddr::Other { number: 0, .. }) => {
                    out.unspec.insert(ev.seq, unspec_as(family, a));
                }
                None if family.is_some_and(|d| d == "AF_INET" || d == "AF_INET6") => {
                    out.autobound.insert(ev.seq);
                }
                _ => {}
            },
            EventData::Connect { addr: Some(a), .. } if ok => {
                if matches!(a, SockAddr::Inet { .. } | SockAddr::Inet6 { .. })
                    && known.is_some_and(|s| s.datagram)
                {
                    self.udp_connect.insert(ev.tid, (ev.seq, ev.pid, fd));
                }
                // connect(AF_UNSPEC) dissolves the association: from then on the socket
                // takes datagrams from anyone again.
                let now = !matches!(a, SockAddr::Other { number: 0, .. });
                if let Some(sock) = self.by_fd.get_mut(&(ev.pid, fd)) {
                    sock.connected = now;
                    if let Some((_, connected)) = sock.bind.as_mut() {
                        *connected = now;
                    }
                }
            }
            _ => {}
        }
    }

    /// The binds still connected when the trace ends.
    fn finish(self, out: &mut Places) {
        out.connected_binds.extend(
            self.by_fd
                .into_values()
                .filter_map(|s| s.bind.filter(|b| b.1).map(|b| b.0)),
        );
    }
}

/// The mount namespaces of the trace's processes and their views. Every process starts in
/// the first (the host's, or whichever the recording began in); unshare(CLONE_NEWNS) and
/// clone(CLONE_NEWNS) give a process a copy of its namespace.
struct Namespaces {
    ns_of: HashMap<u32, usize>,
    /// Per namespace: its mounts now and the latest of `Places::views` that shows them.
    live: Vec<(View, Option<Seen>)>,
    views: Vec<View>,
    /// Mount entries in `live` and `views`, and how many may be ([`MAX_KEPT_MOUNTS`]).
    kept: usize,
    cap: usize,
}

impl Namespaces {
    /// The first namespace, without mounts of the trace.
    fn new(cap: usize) -> Self {
        Namespaces {
            ns_of: HashMap::new(),
            live: vec![(View::default(), None)],
            views: Vec::new(),
            kept: 0,
            cap,
        }
    }

    fn ns(&self, pid: u32) -> usize {
        self.ns_of.get(&pid).copied().unwrap_or(0)
    }

    fn view_of(&self, pid: u32) -> Option<Seen> {
        self.live[self.ns(pid)].1
    }

    fn renamed(&self, pid: u32, path: &str) -> String {
        self.live[self.ns(pid)].0.renamed(path)
    }

    /// A new namespace, a copy of `ns`; returns its number.
    fn copy(&mut self, ns: usize) -> usize {
        let (view, seen) = &self.live[ns];
        let copy = if *seen == Some(Seen::TooMany) || self.kept + view.len() > self.cap {
            (View::default(), Some(Seen::TooMany))
        } else {
            self.kept += view.len();
            (view.clone(), *seen)
        };
        self.live.push(copy);
        self.live.len() - 1
    }

    fn fork(&mut self, parent: u32, child: u32, new_ns: bool) {
        let ns = self.ns(parent);
        if new_ns {
            let n = self.copy(ns);
            self.ns_of.insert(child, n);
        } else if ns == 0 {
            self.ns_of.remove(&child);
        } else {
            self.ns_of.insert(child, ns);
        }
    }

    fn unshare(&mut self, pid: u32) {
        let ns = self.ns(pid);
        let n = self.copy(ns);
        self.ns_of.insert(pid, n);
    }

    /// A mount change by `pid`: in its namespace, and from the first namespace in every
    /// other too (mounts propagate from it unless made private: this errs towards applying).
    fn change(&mut self, pid: u32, f: impl Fn(&mut View)) {
        let ns = self.ns(pid);
        let targets: Vec<usize> = if ns == 0 {
            (0..self.live.len()).collect()
        } else {
            vec![ns]
        };
        for n in targets {
            let (view, seen) = &mut self.live[n];
            if *seen == Some(Seen::TooMany) {
                continue;
            }
            let before = view.len();
            f(view);
            self.kept += view.len().saturating_sub(before);
            if self.kept + view.len() > self.cap {
                *seen = Some(Seen::TooMany);
                continue;
            }
            self.kept += view.len();
            self.views.push(view.clone());
            *seen = Some(Seen::View(self.views.len() - 1));
        }
    }
}

/// The path references of an event that can name a changed file.
fn changed_refs(ev: &Event) -> Vec<&PathRef> {
    match &ev.data {
        EventData::Open { path, .. }
        | EventData::Unlink { path, .. }
        | EventData::Mkdir { path, .. }
        | EventData::Rmdir { path }
        | EventData::Mknod { path, .. }
        | EventData::Symlink { path, .. } => vec![path],
        EventData::Link { target, path } => vec![target, path],
        EventData::Rename { from, to, .. } => vec![from, to],
        EventData::Truncate { path, .. }
        | EventData::Chmod { path, .. }
        | EventData::Chown { path, .. }
        | EventData::Xattr { path, .. }
        | EventData::Utime { path, .. } => path.iter().collect(),
        EventData::IoUringOp { path, path2, .. } => path.iter().chain(path2).collect(),
        _ => vec![],
    }
}

/// Whether an LSM path hook named `ev`'s files at the moment of the call (`kernel_named`).
pub fn kernel_named(ev: &Event) -> bool {
    ev.flags.iter().any(|f| f == "kernel_named")
}

/// Whether `ev` is an open (open(2) and its kin, an io_uring `openat`/`openat2`).
fn is_open(ev: &Event) -> bool {
    match &ev.data {
        EventData::Open { .. } => true,
        EventData::IoUringOp { op, .. } => op == "openat" || op == "openat2",
        _ => false,
    }
}

/// An event's or a lookup's `time`.
fn parse_time(t: &str) -> Option<SystemTime> {
    humantime::parse_rfc3339_weak(t).ok()
}

/// `path` (`true`: itself) and each of its directories but `/` (`false`), for an absolute
/// path; nothing for a relative one.
fn with_ancestors(path: &str) -> impl Iterator<Item = (&str, bool)> {
    let absolute = path.starts_with('/');
    let trimmed = path.trim_end_matches('/');
    let own = absolute.then_some((trimmed, true));
    let up = trimmed
        .match_indices('/')
        .filter(move |(i, _)| absolute && *i > 0)
        .map(move |(i, _)| (&trimmed[..i], false));
    own.into_iter().chain(up)
}

/// Whether `ev` is a successful open (open(2) and its kin, an io_uring `openat`/`openat2`)
/// that the kernel walk could not name (`real_path_unnamed`).
fn opened_unnamed(ev: &Event) -> bool {
    let open = match &ev.data {
        EventData::Open { .. } => true,
        EventData::IoUringOp { op, .. } => op == "openat" || op == "openat2",
        _ => false,
    };
    open && ev.flags.iter().any(|f| f == "real_path_unnamed")
}

/// Whether a path's name past the directory a kernel walk named has more than one component
/// or a `..` (an absolute path: past `/`).
fn unchecked_beyond_one_name(p: &PathRef) -> bool {
    let given = p.given.as_deref().or(p.resolved.as_deref()).unwrap_or("");
    let parts: Vec<&str> = given
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect();
    parts.len() > 1 || parts.contains(&"..")
}

/// The path as given when it was absolute (then a chroot prefixes it as it is).
fn absolute_given(p: &PathRef) -> Option<String> {
    p.given
        .as_deref()
        .or(p.resolved.as_deref())
        .filter(|g| g.starts_with('/'))
        .map(str::to_owned)
}

/// An AF_UNSPEC sockaddr (`family`, then the rest) read as an AF_INET socket reads it: the
/// port and IPv4 address in sockaddr_in's places.
fn unspec_as(family: Option<&str>, a: &SockAddr) -> Option<SockAddr> {
    let SockAddr::Other { hex, .. } = a else {
        return None;
    };
    if family != Some("AF_INET") || hex.len() < 16 {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok();
    let port = u16::from_be_bytes([byte(2)?, byte(3)?]);
    let ip = std::net::Ipv4Addr::new(byte(4)?, byte(5)?, byte(6)?, byte(7)?);
    Some(SockAddr::Inet {
        ip: ip.to_string(),
        port,
    })
}

/// Whether `given` is a path below one of the process's own fd magic links
/// (`/proc/self/fd/N/REST`, `/dev/fd/N/REST`, `PID` being one of `own`).
fn below_fd_link(given: &str, own: &[u32]) -> bool {
    let parts: Vec<&str> = given
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    procfs::magic_link(&parts).is_some_and(|m| {
        matches!(m.link, procfs::Link::Fd(Some(_)))
            && m.len < parts.len()
            && match m.owner {
                procfs::Owner::Caller => true,
                procfs::Owner::Pid(p) => own.contains(&p),
            }
    })
}

enum Magic {
    /// Not a magic link.
    Plain,
    /// `/proc/self/root/REST`: the process's own root, i.e. `/REST` (a chroot is handled
    /// before this).
    Root(String),
    /// A link to an open file or another process's root or cwd: not placeable from its name.
    Link,
}

/// Whether `path` goes through one of the process's own /proc magic links or /dev/fd
/// ([`procfs::magic_link`]), `PID` being one of `own`. Another process's /proc entries stay
/// plain paths: a /proc path is never allowlisted, so a write there is notable as it is.
fn magic(path: &str, own: &[u32]) -> Magic {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let Some(m) = procfs::magic_link(&parts) else {
        return Magic::Plain;
    };
    match m.owner {
        procfs::Owner::Pid(p) if !own.contains(&p) => Magic::Plain,
        _ if m.link == procfs::Link::Root && !m.via_task => {
            Magic::Root(format!("/{}", parts[m.len..].join("/")))
        }
        _ => Magic::Link,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placed(path: &str) -> String {
        match magic(path, &[42]) {
            Magic::Plain => format!("plain {path}"),
            Magic::Root(r) => format!("root {r}"),
            Magic::Link => "link".to_owned(),
        }
    }

    #[test]
    fn magic_links_are_told_from_proc_files() {
        assert_eq!(placed("/proc/self/root/etc/passwd"), "root /etc/passwd");
        assert_eq!(placed("/proc/thread-self/root/tmp/x"), "root /tmp/x");
        assert_eq!(placed("/proc/42/root/tmp/x"), "root /tmp/x");
        assert_eq!(placed("/proc/42/fd/3"), "link");
        assert_eq!(
            placed("/proc/1234/root/tmp/x"),
            "plain /proc/1234/root/tmp/x"
        );
        assert_eq!(placed("/proc/thread-self/fd/3/name"), "link");
        assert_eq!(placed("/proc/self/fd/3"), "link");
        assert_eq!(placed("/proc/self/task/7/fd/3"), "link");
        assert_eq!(placed("/proc/self/cwd/x"), "link");
        assert_eq!(placed("/dev/fd/3"), "link");
        assert_eq!(placed("/proc/self/fd"), "plain /proc/self/fd");
        assert_eq!(placed("/proc/self/comm"), "plain /proc/self/comm");
        assert_eq!(placed("/proc/sys/kernel/x"), "plain /proc/sys/kernel/x");
        assert_eq!(placed("/tmp/x"), "plain /tmp/x");
    }

    #[test]
    fn unspec_reads_as_inet_only_on_an_inet_socket() {
        let a = SockAddr::Other {
            number: 0,
            hex: "0000b7fd7f0000010000000000000000".to_owned(),
        };
        assert_eq!(
            unspec_as(Some("AF_INET"), &a),
            Some(SockAddr::Inet {
                ip: "127.0.0.1".to_owned(),
                port: 47101
            })
        );
        assert_eq!(unspec_as(Some("AF_INET6"), &a), None);
        assert_eq!(unspec_as(None, &a), None);
    }

    /// A trace: the fixture's header, then `events` (kind, pid, fields) in order.
    fn trace_of(events: &[(&str, u32, &str, serde_json::Value)]) -> Trace {
        let events = events.iter().map(|(kind, pid, syscall, fields)| {
            (kind.to_string(), *pid, syscall.to_string(), fields.clone())
        });
        crate::verdict::synthetic::trace(&crate::verdict::synthetic::fixture_header(), events)
    }

    fn open(path: &str) -> serde_json::Value {
        serde_json::json!({"path": {"resolved": path}, "flags": ["O_WRONLY"], "flags_raw": 1,
            "mode": null, "access": "write"})
    }

    /// A UDP socket's send with no bind is an unbound send (a port the trace does not name)
    /// unless an autobind record named its port first; an autobind record of a socket already
    /// connected is a connected bind (no endpoint).
    #[test]
    fn udp_sends_without_a_port_and_autobinds_after_a_connect() {
        use serde_json::json;
        let socket = (
            "socket",
            1,
            "socket",
            json!({"domain": "AF_INET", "type": "SOCK_DGRAM", "protocol": 0}),
        );
        let inet = |ip: &str, port: u16| json!({"family": "inet", "ip": ip, "port": port});
        let send = (
            "send",
            1,
            "sendto",
            json!({"fd": 0, "addr": inet("127.0.0.1", 9)}),
        );
        let autobind = (
            "bind",
            1,
            "",
            json!({"fd": 0, "addr": inet("0.0.0.0", 80), "autobind": true}),
        );
        let connect = (
            "connect",
            1,
            "connect",
            json!({"fd": 0, "addr": inet("127.0.0.1", 53)}),
        );

        let p = Places::compute(&trace_of(&[socket.clone(), send.clone()]));
        assert!(p.unbound_send(1));

        let p = Places::compute(&trace_of(&[socket.clone(), autobind.clone(), send.clone()]));
        assert!(!p.unbound_send(2));
        assert!(!p.connected_bind(1));

        let p = Places::compute(&trace_of(&[socket, connect, autobind]));
        assert!(p.connected_bind(2));
    }

    /// systemd's sandbox for a unit (recorded in a Debian guest): the mounts its exec child
    /// makes in its own namespace name the host's files for the daemon, and change nothing
    /// for a maintainer script in the host's namespace.
    #[test]
    fn a_units_sandbox_mounts_stay_in_its_namespace() {
        use serde_json::json;
        let bind = |src: &str, dst: &str, flags: u64| json!({"source": src, "target": {"resolved": dst}, "fstype": null, "flags": flags});
        let t = trace_of(&[
            ("unshare", 527, "unshare", json!({"flags": ["CLONE_NEWNS"]})),
            (
                "mount",
                527,
                "mount",
                json!({"source": null, "target": {"resolved": "/"},
                "fstype": null, "flags": 540672}),
            ),
            (
                "mount",
                527,
                "mount",
                bind("/", "/run/systemd/unit-root", 20480),
            ),
            (
                "mount",
                527,
                "mount",
                bind(
                    "/tmp/systemd-private-1/tmp",
                    "/run/systemd/unit-root/tmp",
                    20480,
                ),
            ),
            (
                "mount",
                527,
                "mount",
                json!({"source": null,
                "target": {"resolved": "/run/systemd/unit-root/usr"}, "fstype": null,
                "flags": 0x1000 | 0x20 | 1}),
            ),
            (
                "chdir",
                527,
                "chdir",
                json!({"path": {"resolved": "/run/systemd/unit-root"},
                "fd": null}),
            ),
            (
                "mount",
                527,
                "mount",
                bind("/run/systemd/unit-root", "/", 8192),
            ),
            (
                "chroot",
                527,
                "chroot",
                json!({"path": {"resolved": "/run/systemd/unit-root",
                "given": "."}}),
            ),
            ("open", 527, "openat", open("/etc/crontab")),
            ("open", 527, "openat", open("/tmp/x")),
            ("open", 600, "openat", open("/etc/rc2.d/S01cron")),
        ]);
        let places = Places::compute(&t);
        let at = |seq: usize, path: &str| places.place(&t.events[seq], path);
        assert_eq!(
            at(8, "/etc/crontab"),
            Placed::Host("/etc/crontab".to_owned())
        );
        assert_eq!(
            at(9, "/tmp/x"),
            Placed::Host("/tmp/systemd-private-1/tmp/x".to_owned())
        );
        assert_eq!(
            at(10, "/etc/rc2.d/S01cron"),
            Placed::Host("/etc/rc2.d/S01cron".to_owned())
        );
    }

    /// An exec's file that a recorded event wrote or put there is the trace's file; one
    /// removed, or below a replaced directory, cannot be told; only events before the exec
    /// count, and mounts are left to the views.
    #[test]
    fn an_exec_file_written_or_replaced_before_the_exec_is_not_its_names() {
        use serde_json::json;
        let rename = |from: &str, to: &str| json!({"from": {"resolved": from}, "to": {"resolved": to}, "flags": 0});
        let t = trace_of(&[
            ("open", 1, "openat", open("/usr/bin/true")),
            (
                "unlink",
                1,
                "unlinkat",
                json!({"path": {"resolved": "/usr/bin/false"}, "dir": false}),
            ),
            ("rename", 1, "rename", rename("/tmp/d", "/usr/lib/pkg")),
            ("rename", 1, "rename", rename("/tmp/x", "/usr/bin/cp")),
            (
                "mount",
                1,
                "mount",
                json!({"source": "/usr/bin/touch",
                "target": {"resolved": "/usr/bin/ls"}, "fstype": null, "flags": 4096}),
            ),
            ("open", 1, "openat", open("/usr/bin/env")),
            (
                "unlink",
                1,
                "unlinkat",
                json!({"path": {"resolved": "/usr/bin/cp"}, "dir": false}),
            ),
        ]);
        let places = Places::compute(&t);
        let changed = |seq: u64, path: &str| places.exec_file_changed(seq, path);
        assert!(matches!(changed(5, "/usr/bin/true"), Some((true, w)) if w.contains("event 0")));
        assert!(matches!(changed(5, "/usr/bin/false"), Some((false, w)) if w.contains("unlink")));
        assert!(
            matches!(changed(5, "/usr/lib/pkg/helper"), Some((false, w)) if w.contains("/usr/lib/pkg"))
        );
        assert!(matches!(changed(5, "/usr/bin/cp"), Some((true, w)) if w.contains("rename")));
        assert_eq!(changed(5, "/usr/bin/ls"), None, "mounts: the views'");
        assert_eq!(changed(5, "/usr/bin/env"), None, "written after the exec");
        assert_eq!(changed(0, "/usr/bin/true"), None, "before the write");
        assert!(
            matches!(changed(7, "/usr/bin/cp"), Some((false, w)) if w.contains("unlink")),
            "the latest change"
        );
        // The installer's changes (dpkg renaming foo.dpkg-new onto the program) put the
        // system's file in place, not one the package made.
        let mut installed = Places::compute(&t);
        installed.set_foreign([0, 3].into_iter().collect());
        assert_eq!(installed.exec_file_changed(5, "/usr/bin/true"), None);
        assert_eq!(installed.exec_file_changed(5, "/usr/bin/cp"), None);
        assert!(installed.exec_file_changed(5, "/usr/bin/false").is_some());
    }

    /// The same bind made in the host's namespace changes what the path names for everyone.
    #[test]
    fn a_bind_in_the_hosts_namespace_applies_to_every_process() {
        use serde_json::json;
        let t = trace_of(&[
            (
                "mount",
                527,
                "mount",
                json!({"source": "/tmp/evil",
                "target": {"resolved": "/etc/cron.d"}, "fstype": null, "flags": 4096}),
            ),
            ("open", 600, "openat", open("/etc/cron.d/job")),
        ]);
        let places = Places::compute(&t);
        assert_eq!(
            places.place(&t.events[1], "/etc/cron.d/job"),
            Placed::Host("/tmp/evil/job".to_owned())
        );
    }

    /// A new file system is placed as the process sees it only when its files live in
    /// memory: an overlay's writes land in its upper dir, a block file system's on its device.
    #[test]
    fn only_in_memory_file_systems_are_placed_as_seen() {
        use serde_json::json;
        let mount = |fs: &str, source: &str, target: &str| json!({"source": source, "target": {"resolved": target}, "fstype": fs, "flags": 0});
        let t = trace_of(&[
            ("unshare", 527, "unshare", json!({"flags": ["CLONE_NEWNS"]})),
            ("mount", 527, "mount", mount("tmpfs", "tmpfs", "/srv/mem")),
            (
                "mount",
                527,
                "mount",
                mount("overlay", "overlay", "/srv/ovl"),
            ),
            (
                "mount",
                527,
                "mount",
                mount("ext4", "/dev/loop0", "/srv/disk"),
            ),
            ("open", 527, "openat", open("/srv/mem/a")),
            ("open", 527, "openat", open("/srv/ovl/b")),
            ("open", 527, "openat", open("/srv/disk/c")),
        ]);
        let places = Places::compute(&t);
        assert_eq!(
            places.place(&t.events[4], "/srv/mem/a"),
            Placed::Host("/srv/mem/a".to_owned())
        );
        for (seq, path, fs) in [(5, "/srv/ovl/b", "overlay"), (6, "/srv/disk/c", "ext4")] {
            match places.place(&t.events[seq], path) {
                Placed::Unknown(why) => assert!(why.contains(fs), "{why}"),
                other => panic!("{path} placed: {other:?}"),
            }
        }
    }

    /// Past the cap a namespace's mounts are not followed: its paths are not placed, and the
    /// first namespace, without mounts, is unaffected.
    #[test]
    fn too_many_mounts_are_not_followed() {
        let mut ns = Namespaces::new(10);
        for pid in 1..=20u32 {
            ns.unshare(pid);
            ns.change(pid, |v| v.bind(Some("/a"), "/b"));
            ns.change(pid, |v| v.bind(Some("/c"), "/d"));
        }
        assert_eq!(ns.view_of(1).map(|s| s == Seen::TooMany), Some(false));
        assert_eq!(ns.view_of(20), Some(Seen::TooMany));
        assert_eq!(ns.view_of(999), None);
        assert!(ns.views.iter().map(View::len).sum::<usize>() <= 10);
    }

    /// Under a chroot or in a namespace with mounts of the trace, a relative path is not
    /// placed: its base may be outside the new root (a cwd left there, a dirfd from before) or
    /// named under mounts since changed. An absolute one still is.
    #[test]
    fn relative_paths_across_a_chroot_or_mounts_are_not_placed() {
        use serde_json::json;
        let rel = |resolved: &str, given: &str| {
            json!({"path": {"resolved": resolved, "given": given}, "flags": ["O_WRONLY"],
            "flags_raw": 1, "mode": null, "access": "write"})
        };
        let t = trace_of(&[
            (
                "chdir",
                527,
                "chdir",
                json!({"path": {"resolved": "/srv/out"}, "fd": null}),
            ),
            (
                "chroot",
                527,
                "chroot",
                json!({"path": {"resolved": "/srv/allowed"}}),
            ),
            ("open", 527, "openat", rel("/srv/out/x", "x")),
            ("open", 527, "openat", open("/etc/y")),
            ("unshare", 600, "unshare", json!({"flags": ["CLONE_NEWNS"]})),
            (
                "mount",
                600,
                "mount",
                json!({"source": "/srv/out", "target": {"resolved": "/srv/allowed"},
                "fstype": null, "flags": 4096}),
            ),
            ("open", 600, "openat", rel("/srv/allowed/z", "z")),
            ("open", 600, "openat", open("/srv/allowed/w")),
        ]);
        let places = Places::compute(&t);
        let at = |seq: usize, path: &str| places.place(&t.events[seq], path);
        for (seq, path, why) in [(2, "/srv/out/x", "chroot"), (6, "/srv/allowed/z", "mount")] {
            match at(seq, path) {
                Placed::Unknown(w) => assert!(w.contains("relative") && w.contains(why), "{w}"),
                other => panic!("{path} placed: {other:?}"),
            }
        }
        assert_eq!(
            at(3, "/etc/y"),
            Placed::Host("/srv/allowed/etc/y".to_owned())
        );
        assert_eq!(
            at(7, "/srv/allowed/w"),
            Placed::Host("/srv/out/w".to_owned())
        );
    }

    /// A path below a dirfd's /proc link, with no kernel name, is not placed; the link itself
    /// (a file's fd reopened) and a path the kernel named are.
    #[test]
    fn paths_below_a_dirfd_link_are_not_placed_without_a_kernel_name() {
        use serde_json::json;
        let via = |resolved: &str, given: &str, real: Option<&str>| {
            json!({"path": {"resolved": resolved, "given": given, "real": real},
            "flags": ["O_WRONLY"], "flags_raw": 1, "mode": null, "access": "write"})
        };
        let t = trace_of(&[
            (
                "open",
                527,
                "openat",
                via("/srv/allowed/sub/x", "/proc/self/fd/3/x", None),
            ),
            (
                "open",
                527,
                "openat",
                via("/srv/allowed/sub/x", "/dev/fd/3/x", Some("/srv/out/x")),
            ),
            (
                "open",
                527,
                "openat",
                via("/srv/allowed/f", "/proc/self/fd/4", None),
            ),
        ]);
        let places = Places::compute(&t);
        match places.place(&t.events[0], "/srv/allowed/sub/x") {
            Placed::Unknown(w) => assert!(w.contains("fd/N"), "{w}"),
            other => panic!("placed: {other:?}"),
        }
        assert_eq!(
            places.place(&t.events[1], "/srv/out/x"),
            Placed::Host("/srv/out/x".to_owned())
        );
        assert_eq!(
            places.place(&t.events[2], "/srv/allowed/f"),
            Placed::Host("/srv/allowed/f".to_owned())
        );
    }

    /// Round 9's symlink techniques (issue 11): a call through a symlink in the path's
    /// relative part, named by the recorder's host lookup, is placed where the lookup found
    /// it; one whose lookup failed is not placed when its unwalked part holds a `/` or a
    /// `..`, and is by its single name otherwise.
    #[test]
    fn paths_are_placed_by_their_host_lookup_and_not_by_letters_when_it_failed() {
        use serde_json::json;
        let mkdir = |given: &str, resolved: &str, looked_up: serde_json::Value| {
            json!({"path": {"resolved": resolved, "given": given, "looked_up": looked_up},
            "mode": 0o755})
        };
        let t = trace_of(&[
            (
                "mkdir",
                527,
                "mkdirat",
                mkdir("lnk/x", "/srv/allowed/lnk/x", json!({"name": "/srv/out/x"})),
            ),
            (
                "mkdir",
                527,
                "mkdirat",
                mkdir("lnk/../y", "/srv/allowed/y", json!({"failed": "ENOENT"})),
            ),
            (
                "mkdir",
                527,
                "mkdir",
                mkdir(
                    "/srv/allowed/lnk/z",
                    "/srv/allowed/lnk/z",
                    json!({"failed": "ENOENT"}),
                ),
            ),
            (
                "chmod",
                527,
                "fchmodat",
                json!({"path": {"resolved": "/srv/allowed/w", "given": "w",
                "looked_up": {"failed": "ENOENT"}}, "fd": null, "mode": 0o4755}),
            ),
        ]);
        let places = Places::compute(&t);
        let names: Vec<&str> = changed_refs(&t.events[0])[0].names().collect();
        assert_eq!(names, ["/srv/allowed/lnk/x", "/srv/out/x"]);
        assert_eq!(
            places.place(&t.events[0], "/srv/out/x"),
            Placed::Host("/srv/out/x".to_owned())
        );
        for (seq, path) in [(1, "/srv/allowed/y"), (2, "/srv/allowed/lnk/z")] {
            match places.place(&t.events[seq], path) {
                Placed::Unknown(why) => assert!(why.contains("ENOENT"), "{why}"),
                other => panic!("{path} placed: {other:?}"),
            }
        }
        assert_eq!(
            places.place(&t.events[3], "/srv/allowed/w"),
            Placed::Host("/srv/allowed/w".to_owned())
        );
    }

    /// An open by an absolute path the kernel walk could not name is not placed by its
    /// letters when a directory on the way could be a symlink; one in `/`, one the walk
    /// named, and one it was never asked to name (an older recorder's) are.
    #[test]
    fn absolute_opens_the_walk_could_not_name_are_not_placed_by_letters() {
        use serde_json::json;
        let ring_open = |path: &str| {
            json!({"op": "openat", "family": "file", "path": {"resolved": path}, "path2": null,
            "addr": null, "op_flags": 65, "named": true, "sq_thread": false})
        };
        let mut t = trace_of(&[
            ("open", 527, "openat", open("/srv/allowed/lnk/f")),
            ("open", 527, "openat", open("/f")),
            ("open", 527, "openat", open("/srv/allowed/g")),
            ("io_uring_op", 527, "", ring_open("/srv/allowed/lnk/r")),
            (
                "open",
                527,
                "openat",
                json!({"path": {"resolved": "/srv/allowed/lnk/h", "real": "/srv/out/h"},
                "flags": ["O_WRONLY"], "flags_raw": 1, "mode": null, "access": "write"}),
            ),
        ]);
        for seq in [0, 1, 3] {
            t.events[seq].flags.push("real_path_unnamed".to_owned());
        }
        t.events[3].syscall = None;
        let places = Places::compute(&t);
        for (seq, path) in [(0, "/srv/allowed/lnk/f"), (3, "/srv/allowed/lnk/r")] {
            match places.place(&t.events[seq], path) {
                Placed::Unknown(why) => assert!(why.contains("real_path_unnamed"), "{why}"),
                other => panic!("{path} placed: {other:?}"),
            }
        }
        for (seq, path) in [(1, "/f"), (2, "/srv/allowed/g"), (4, "/srv/out/h")] {
            assert_eq!(
                places.place(&t.events[seq], path),
                Placed::Host(path.to_owned())
            );
        }
    }

    /// Round 10's swaps: a name looked up after a recorded change of a directory on the way
    /// (the link swapped back before the lookup) is not placed, nor one looked up through a
    /// link a recorded event made, nor one not looked up below such a link; a call whose link
    /// was removed only after its lookup, and a plain file beside a made link, are placed.
    /// A call an LSM path hook named (`kernel_named`, a guest's recorder) is placed by the
    /// kernel's name, whatever exchange came before or after it: round 10's f10_swap_chmod,
    /// whose `lnk` was swapped back right after the call, is placed outside, where it landed.
    #[test]
    fn a_kernel_named_call_is_placed_by_its_name_across_a_swap() {
        use serde_json::json;
        let at = |ms: u32| format!("2026-11-23T12:00:00.{ms:03}000000Z");
        let rename = json!({"from": {"resolved": "/srv/allowed/lnk.alt"},
            "to": {"resolved": "/srv/allowed/lnk"}, "flags": 2});
        let chmod = json!({"path": {"resolved": "/srv/allowed/lnk/x", "given": "lnk/x",
            "real": "/srv/out/sw/x"}, "fd": null, "mode": 0o4755});
        let mut t = trace_of(&[
            ("rename", 527, "renameat2", rename.clone()),
            ("chmod", 527, "fchmodat", chmod.clone()),
            // The same call without the hook: unplaced, as before.
            ("chmod", 527, "fchmodat", chmod),
            ("rename", 527, "renameat2", rename),
        ]);
        for (seq, ms) in [(0, 10), (1, 11), (2, 12), (3, 13)] {
            t.events[seq].time = at(ms);
        }
        t.events[1].flags.push("kernel_named".to_owned());
        let places = Places::compute(&t);
        for path in ["/srv/allowed/lnk/x", "/srv/out/sw/x"] {
            assert_eq!(
                places.place(&t.events[1], path),
                Placed::Host(path.to_owned())
            );
        }
        assert!(matches!(
            places.place(&t.events[2], "/srv/allowed/lnk/x"),
            Placed::Unknown(_)
        ));
    }

    #[test]
    fn names_looked_up_across_a_recorded_change_of_their_directories_are_not_placed() {
        use serde_json::json;
        let at = |ms: u32| format!("2026-11-23T12:00:00.{ms:03}000000Z");
        let chmod = |given: &str, resolved: &str, looked_up: Option<(&str, u32)>| {
            let mut path = json!({"resolved": resolved, "given": given});
            if let Some((name, ms)) = looked_up {
                path["looked_up"] = json!({"name": name, "time": at(ms)});
            }
            json!({"path": path, "fd": null, "mode": 0o4755})
        };
        let rename = |from: &str, to: &str, flags: u64| json!({"from": {"resolved": from}, "to": {"resolved": to}, "flags": flags});
        let mut t = trace_of(&[
            // 0: the call through lnk (then -> /srv/out), 1: lnk exchanged back before the
            // lookup at 40 ms, which found the decoy.
            (
                "chmod",
                527,
                "fchmodat",
                chmod(
                    "lnk/x",
                    "/srv/allowed/lnk/x",
                    Some(("/srv/allowed/decoy/x", 40)),
                ),
            ),
            (
                "rename",
                527,
                "renameat2",
                rename("/srv/allowed/lnk.alt", "/srv/allowed/lnk", 2),
            ),
            // 2: the same call, its link removed at 60 ms, after its lookup.
            (
                "chmod",
                527,
                "fchmodat",
                chmod(
                    "keep/x",
                    "/srv/allowed/keep/x",
                    Some(("/srv/allowed/kept/x", 55)),
                ),
            ),
            (
                "unlink",
                527,
                "unlinkat",
                json!({"path": {"resolved": "/srv/allowed/keep"}, "dir": false}),
            ),
            // 4: a link made in the trace, 5: a lookup through it found another name, 6: no
            // lookup below it (another mount namespace), 7: a plain file next to it.
            (
                "symlink",
                527,
                "symlinkat",
                json!({"target": "/srv/out", "path": {"resolved": "/srv/allowed/made"}}),
            ),
            (
                "chmod",
                527,
                "fchmodat",
                chmod(
                    "made/y",
                    "/srv/allowed/made/y",
                    Some(("/srv/allowed/else/y", 90)),
                ),
            ),
            (
                "chmod",
                527,
                "chmod",
                chmod("/srv/allowed/made/z", "/srv/allowed/made/z", None),
            ),
            (
                "chmod",
                527,
                "chmod",
                chmod("/srv/allowed/z", "/srv/allowed/z", None),
            ),
            // 8: moved elsewhere, the link is still one: below it is not placed by letters.
            // 10: a real directory's name, exchanged after the call (11).
            (
                "rename",
                527,
                "renameat",
                rename("/srv/allowed/made", "/srv/allowed/moved", 0),
            ),
            (
                "chmod",
                527,
                "chmod",
                chmod("/srv/allowed/moved/w", "/srv/allowed/moved/w", None),
            ),
            (
                "chmod",
                527,
                "chmod",
                chmod("/srv/allowed/d/v", "/srv/allowed/d/v", None),
            ),
            (
                "rename",
                527,
                "renameat2",
                rename("/srv/allowed/d", "/srv/allowed/d.alt", 2),
            ),
        ]);
        for (seq, ms) in [(0, 10), (1, 20), (2, 50), (3, 60), (4, 70), (5, 80)] {
            t.events[seq].time = at(ms);
        }
        for seq in 6..t.events.len() {
            t.events[seq].time = at(100 + seq as u32);
        }
        let places = Places::compute(&t);
        let unknown = |seq: usize, path: &str, want: &str| match places.place(&t.events[seq], path)
        {
            Placed::Unknown(why) => assert!(why.contains(want), "{why}"),
            other => panic!("{path} placed: {other:?}"),
        };
        for path in ["/srv/allowed/lnk/x", "/srv/allowed/decoy/x"] {
            unknown(
                0,
                path,
                "/srv/allowed/lnk was changed by a rename (event 1)",
            );
        }
        assert_eq!(
            places.place(&t.events[2], "/srv/allowed/kept/x"),
            Placed::Host("/srv/allowed/kept/x".to_owned())
        );
        unknown(5, "/srv/allowed/else/y", "went through /srv/allowed/made");
        unknown(
            6,
            "/srv/allowed/made/z",
            "below /srv/allowed/made, a symlink",
        );
        unknown(
            9,
            "/srv/allowed/moved/w",
            "below /srv/allowed/moved, a symlink",
        );
        unknown(
            10,
            "/srv/allowed/d/v",
            "/srv/allowed/d was replaced by a rename (event 11)",
        );
        assert_eq!(
            places.place(&t.events[7], "/srv/allowed/z"),
            Placed::Host("/srv/allowed/z".to_owned())
        );
    }

    #[test]
    fn chroot_joins() {
        assert_eq!(join("/srv/jail", "/etc/x"), "/srv/jail/etc/x");
        assert_eq!(join("/", "/etc/x"), "/etc/x");
    }
}
