//! Selecting what is recorded: a command started here, a running process tree, a cgroup or a
//! systemd unit, or the whole system.
//!
//! A started command tracks itself: between fork and exec the child writes its own pid into the
//! `TRACKED` map (one `bpf(BPF_MAP_UPDATE_ELEM)` call, async-signal-safe), so its very first
//! exec is recorded and there is no window in which it runs untracked.

use std::{
    collections::HashMap,
    os::fd::{AsRawFd, OwnedFd},
    path::{Path, PathBuf},
};

use aya::{
    Ebpf,
    maps::{HashMap as BpfHashMap, Map, MapData},
};
use tracer_common::{scope, tracked};

use super::{RecordError, TargetSpec};
use crate::{
    events::procs::{Fd, Proc, Processes, status_field},
    trace::Target,
};

/// Where cgroup v2 is mounted: /sys/fs/cgroup on a unified system, /sys/fs/cgroup/unified on a
/// hybrid one (v1 controllers beside it). `bpf_get_current_cgroup_id` speaks of this hierarchy.
pub fn cgroup2_root() -> PathBuf {
    std::fs::read_to_string("/proc/self/mountinfo")
        .ok()
        .and_then(|info| {
            info.lines().find_map(|line| {
                let (left, right) = line.split_once(" - ")?;
                let mount_point = left.split_whitespace().nth(4)?;
                (right.split_whitespace().next()? == "cgroup2").then(|| PathBuf::from(mount_point))
            })
        })
        .unwrap_or_else(|| PathBuf::from("/sys/fs/cgroup"))
}

/// The kernel-side scope (`Config` fields) and how the header will name the target.
#[derive(Debug, Clone)]
pub struct Scope {
    pub mode: u32,
    pub cgroup_id: u64,
    pub cgroup_level: u32,
    /// For cgroup and unit targets, known before start.
    pub target: Option<Target>,
}

pub fn resolve_scope(spec: &TargetSpec) -> Result<Scope, RecordError> {
    let tracked = Scope {
        mode: scope::TRACKED,
        cgroup_id: 0,
        cgroup_level: 0,
        target: None,
    };
    Ok(match spec {
        TargetSpec::Command(_) => tracked,
        TargetSpec::Pid(pid) => {
            if !Path::new(&format!("/proc/{pid}")).exists() {
                return Err(RecordError::NoSuchPid { pid: *pid });
            }
            tracked
        }
        TargetSpec::Cgroup(path) => {
            let (dir, id, level) = cgroup(path)?;
            Scope {
                mode: scope::CGROUP,
                cgroup_id: id,
                cgroup_level: level,
                target: Some(Target::Cgroup {
                    path: dir.display().to_string(),
                    id,
                }),
            }
        }
        TargetSpec::Unit(unit) => {
            let rel = unit_cgroup(unit)?;
            let (dir, id, level) = cgroup(Path::new(&rel))?;
            Scope {
                mode: scope::CGROUP,
                cgroup_id: id,
                cgroup_level: level,
                target: Some(Target::Unit {
                    name: unit.clone(),
                    cgroup: dir.display().to_string(),
                    id,
                }),
            }
        }
        TargetSpec::System => Scope {
            mode: scope::ALL,
            cgroup_id: 0,
            cgroup_level: 0,
            target: Some(Target::System),
        },
    })
}

/// The cgroup directory, its id (the directory's inode number: what
/// `bpf_get_current_cgroup_id` returns) and its depth below the root.
fn cgroup(path: &Path) -> Result<(PathBuf, u64, u32), RecordError> {
    let root = cgroup2_root();
    let rel = path.strip_prefix(&root).unwrap_or(path);
    let rel = rel.strip_prefix("/").unwrap_or(rel);
    let dir = root.join(rel);
    let meta =
        std::fs::metadata(&dir).map_err(|_| RecordError::NoSuchCgroup { path: dir.clone() })?;
    if !meta.is_dir() || !dir.join("cgroup.procs").exists() {
        return Err(RecordError::NoSuchCgroup { path: dir });
    }
    let level = rel.components().count() as u32;
    Ok((dir, std::os::unix::fs::MetadataExt::ino(&meta), level))
}

/// The unit's cgroup path as systemd reports it. A unit that is not running has none yet.
fn unit_cgroup(unit: &str) -> Result<String, RecordError> {
    let err = |reason: String| RecordError::Unit {
        unit: unit.to_owned(),
        reason,
    };
    let out = std::process::Command::new("systemctl")
        .args(["show", "--property=ControlGroup", "--value", unit])
        .output()
        .map_err(|e| err(format!("cannot run systemctl: {e}")))?;
    let cg = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    if !out.status.success() || cg.is_empty() {
        return Err(err("it has no cgroup (not loaded or not running)".into()));
    }
    Ok(cg)
}

/// The user a command runs as (`-u`): resolved before anything is loaded, so a typo fails
/// early, and applied in the child after it has tracked itself (which needs root).
#[derive(Debug, Clone)]
pub struct RunAs {
    pub name: String,
    pub uid: libc::uid_t,
    pub gid: libc::gid_t,
    /// Supplementary groups, from /etc/group, as a login would have them.
    pub groups: Vec<libc::gid_t>,
}

/// `-u NAME` or `-u UID`, looked up in the user database.
pub fn resolve_user(user: &str, spec: &TargetSpec) -> Result<RunAs, RecordError> {
    if !matches!(spec, TargetSpec::Command(_)) {
        return Err(RecordError::UserWithoutCommand {
            user: user.to_owned(),
        });
    }
    let missing = || RecordError::NoSuchUser {
        user: user.to_owned(),
    };
    let found = match user.parse::<u32>() {
        Ok(uid) => nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid)),
        Err(_) => nix::unistd::User::from_name(user),
    };
    let entry = found.ok().flatten().ok_or_else(missing)?;
    let name = std::ffi::CString::new(entry.name.as_str()).map_err(|_| missing())?;
    let groups = nix::unistd::getgrouplist(&name, entry.gid)
        .map(|gs| gs.into_iter().map(|g| g.as_raw()).collect())
        .unwrap_or_else(|_| vec![entry.gid.as_raw()]);
    Ok(RunAs {
        name: entry.name,
        uid: entry.uid.as_raw(),
        gid: entry.gid.as_raw(),
        groups,
    })
}

/// A started or selected target.
pub struct Started {
    pub target: Target,
    /// The command's child, to wait for.
    pub child: Option<tokio::process::Child>,
    /// A pidfd of a `--pid` target, readable when it exits.
    pub pidfd: Option<OwnedFd>,
    /// The descriptors the command's process got from the recorder, and how many were left
    /// out (see [`super::inherited`]); empty for the other targets.
    pub inherited: (Vec<crate::trace::InheritedFd>, u64),
}

pub fn start(
    spec: &TargetSpec,
    scope: &Scope,
    ebpf: &mut Ebpf,
    procs: &mut Processes,
    leave_running: bool,
    run_as: Option<&RunAs>,
) -> Result<Started, RecordError> {
    match spec {
        TargetSpec::Command(argv) => start_command(argv, ebpf, procs, !leave_running, run_as),
        TargetSpec::Pid(pid) => {
            let pid = *pid;
            let mut tracked = tracked_map(ebpf)?;
            let tree = descendants(pid);
            for &p in &tree {
                procs.seed_from_procfs(p);
                for tid in threads(p) {
                    // A full map only means more processes than we can follow; say so.
                    if let Err(e) = tracked.insert(tid, tracked::TREE, 0) {
                        tracing::warn!("cannot track tid {tid}: {e}");
                    }
                }
            }
            let comm = std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .map(|c| c.trim().to_owned())
                .map_err(|_| RecordError::NoSuchPid { pid })?;
            Ok(Started {
                target: Target::Pid { pid, comm },
                child: None,
                pidfd: pidfd_open(pid),
                inherited: (Vec::new(), 0),
            })
        }
        TargetSpec::Cgroup(_) | TargetSpec::Unit(_) | TargetSpec::System => Ok(Started {
            target: scope.target.clone().expect("resolved with the scope"),
            child: None,
            pidfd: None,
            inherited: (Vec::new(), 0),
        }),
    }
}

fn tracked_map(ebpf: &mut Ebpf) -> Result<BpfHashMap<&mut MapData, u32, u8>, RecordError> {
    BpfHashMap::try_from(
        ebpf.map_mut("TRACKED")
            .ok_or(RecordError::MissingMap("TRACKED"))?,
    )
    .map_err(|e| RecordError::Load(e.to_string()))
}

/// `struct bpf_attr` for BPF_MAP_UPDATE_ELEM.
#[repr(C)]
struct MapUpdateAttr {
    map_fd: u32,
    _pad: u32,
    key: u64,
    value: u64,
    flags: u64,
}

const BPF_MAP_UPDATE_ELEM: libc::c_long = 2;

fn start_command(
    argv: &[String],
    ebpf: &mut Ebpf,
    procs: &mut Processes,
    die_with_recorder: bool,
    run_as: Option<&RunAs>,
) -> Result<Started, RecordError> {
    let (program, args) = argv.split_first().expect("clap requires a command");
    let map_fd = match ebpf.map("TRACKED") {
        Some(Map::HashMap(data)) => data
            .info()
            .and_then(|info| info.fd())
            .map_err(|e| RecordError::Load(format!("TRACKED fd: {e}")))?,
        _ => return Err(RecordError::MissingMap("TRACKED")),
    };
    let raw_fd = std::os::fd::AsFd::as_fd(&map_fd).as_raw_fd() as u32;
    let mut cmd = tokio::process::Command::new(program);
    cmd.args(args);
    let creds = run_as.map(|r| (r.uid, r.gid, r.groups.clone()));
    // SAFETY: the closure only calls getpid, bpf, setgroups, setgid, setuid and prctl, all
    // async-signal-safe, and touches no memory but its stack and the captured values.
    unsafe {
        cmd.pre_exec(move || {
            let pid = libc::getpid() as u32;
            let value: u8 = tracked::TREE;
            let attr = MapUpdateAttr {
                map_fd: raw_fd,
                _pad: 0,
                key: &pid as *const u32 as u64,
                value: &value as *const u8 as u64,
                flags: 0,
            };
            let rc = libc::syscall(
                libc::SYS_bpf,
                BPF_MAP_UPDATE_ELEM,
                &attr as *const MapUpdateAttr,
                size_of::<MapUpdateAttr>(),
            );
            if rc != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // Frozen before the command runs a single instruction of its own: it cannot
            // delete itself (or anything) from the map (`record::freeze`). A kernel without
            // BPF_MAP_FREEZE leaves it writable; the recorder says so after the start.
            let _ = super::freeze::freeze_fd(std::os::fd::BorrowedFd::borrow_raw(raw_fd as i32));
            // Tracked first (bpf() needs root), then the user's groups and ids, as `strace -u`:
            // groups and gid while still root, uid last.
            if let Some((uid, gid, groups)) = &creds
                && (libc::setgroups(groups.len(), groups.as_ptr()) != 0
                    || libc::setgid(*gid) != 0
                    || libc::setuid(*uid) != 0)
            {
                return Err(std::io::Error::last_os_error());
            }
            // A SIGKILLed recorder cannot stop the tree: the direct child at least gets SIGTERM.
            // After setuid, which clears the parent-death signal.
            if die_with_recorder && libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    // What the child will hold: our descriptors without close-on-exec, read just before the
    // fork (nothing of ours opens one in between).
    let (mut inherited, inherited_cut) = super::inherited::passed_to_child(0);
    let child = cmd.spawn().map_err(|source| RecordError::Spawn {
        command: program.clone(),
        source,
    })?;
    drop(map_fd);
    let pid = child.id().unwrap_or(0);
    // The fd table knows the inherited files, so that a call through one (fchmod, ftruncate,
    // a dup) is named.
    let mut fds = std::collections::HashMap::new();
    for f in &mut inherited {
        f.pid = pid;
        if f.target.starts_with('/') && f.kind != "socket" {
            fds.insert(f.fd, Fd::Path(f.target.clone()));
        }
    }
    procs.seed(
        pid,
        Proc {
            ppid: Some(std::process::id()),
            cwd: std::env::current_dir()
                .ok()
                .map(|p| p.to_string_lossy().into_owned()),
            fds,
            // Started by the recorder, in its own mount namespace and root.
            host_view: Some(true),
            ..Proc::default()
        },
    );
    Ok(Started {
        target: Target::Command {
            argv: argv.to_vec(),
            pid,
            user: run_as.map(|r| r.name.clone()),
        },
        child: Some(child),
        pidfd: None,
        inherited: (inherited, inherited_cut),
    })
}

/// The processes of a live target that were already running at start: the `--pid` tree, the
/// cgroup's or unit's processes, or every process. None for a command started here.
pub fn in_scope_at_start(spec: &TargetSpec, target: &Target) -> Vec<u32> {
    match (spec, target) {
        (TargetSpec::Pid(pid), _) => descendants(*pid),
        (_, Target::Cgroup { path, .. } | Target::Unit { cgroup: path, .. }) => {
            super::existing::in_cgroup(Path::new(path))
        }
        (TargetSpec::System, _) => super::existing::all(),
        _ => Vec::new(),
    }
}

/// `pid` and every process below it, from /proc.
fn descendants(pid: u32) -> Vec<u32> {
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Some(p) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<u32>().ok())
            else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{p}/stat")) else {
                continue;
            };
            // Field 4 (ppid) follows the parenthesised comm, which may itself hold spaces.
            let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
            if let Some(ppid) = after.split_whitespace().nth(1).and_then(|v| v.parse().ok()) {
                children.entry(ppid).or_default().push(p);
            }
        }
    }
    let mut out = vec![pid];
    let mut i = 0;
    while i < out.len() {
        if let Some(kids) = children.get(&out[i]) {
            out.extend(kids);
        }
        i += 1;
    }
    out
}

fn threads(pid: u32) -> Vec<u32> {
    std::fs::read_dir(format!("/proc/{pid}/task"))
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse().ok()))
                .collect()
        })
        .unwrap_or_else(|_| vec![pid])
}

fn pidfd_open(pid: u32) -> Option<OwnedFd> {
    // SAFETY: pidfd_open takes a pid and flags and returns a new fd or -1.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid as libc::pid_t, 0) };
    // SAFETY: a successful pidfd_open returns an fd we now own.
    (fd >= 0).then(|| unsafe { std::os::fd::FromRawFd::from_raw_fd(fd as i32) })
}

/// The live tasks of a command's tree, as (tid, thread-group id): the `TRACKED` map's tree keys (the
/// kernel side adds every fork of the tree and removes every exit, reparented orphans
/// included) that still exist. A key left by a missed exit is skipped, not waited for.
pub fn live_tree(ebpf: &Ebpf) -> Vec<(u32, u32)> {
    let Some(map) = ebpf.map("TRACKED") else {
        return Vec::new();
    };
    let Ok(tracked) = BpfHashMap::<&MapData, u32, u8>::try_from(map) else {
        return Vec::new();
    };
    // Adopted processes (`tracked::ADOPTED`: ones the tree took control of, and their
    // children) are recorded but are not the tree: the recording does not wait for them, and
    // never signals them.
    tracked
        .iter()
        .filter_map(Result::ok)
        .filter(|&(_, why)| why != tracked::ADOPTED)
        .filter_map(|(tid, _)| Some((tid, tgid_of(tid)?)))
        .collect()
}

/// A running (not zombie) task's thread-group id, from /proc.
fn tgid_of(tid: u32) -> Option<u32> {
    let status = std::fs::read_to_string(format!("/proc/{tid}/status")).ok()?;
    let field = |name: &str| status_field(&status, name);
    if field("State").is_some_and(|s| s.starts_with('Z') || s.starts_with('X')) {
        return None;
    }
    field("Tgid")?.parse().ok()
}
