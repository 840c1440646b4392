//! The BPF programs attached to the recorded target's cgroup (and inherited from its
//! ancestors) when the recording starts: the header's `cgroup_bpf`.
//!
//! A `BPF_CGROUP_INET4_CONNECT` program attached before the recording rewrites a connect's
//! destination in the kernel, after the syscall's arguments were read: the trace shows the
//! address the process asked for, not the one it reached. Nothing during the recording calls
//! bpf(2), so the tamper rules see nothing either. The effective set of each cgroup attach
//! type (`BPF_PROG_QUERY` with `BPF_F_QUERY_EFFECTIVE`: the cgroup's own programs and those its
//! ancestors let it inherit) is listed here, before the recorder loads its own programs (none
//! of which is a cgroup program), and the verdicts read it (`verdict::coverage`).

use std::{ffi::CString, os::fd::RawFd};

use crate::trace::{CgroupBpf, CgroupBpfProg};

/// bpf(2) commands (include/uapi/linux/bpf.h).
const BPF_PROG_GET_FD_BY_ID: libc::c_long = 13;
const BPF_OBJ_GET_INFO_BY_FD: libc::c_long = 15;
const BPF_PROG_QUERY: libc::c_long = 16;
const BPF_F_QUERY_EFFECTIVE: u32 = 1;

/// The cgroup attach types (`enum bpf_attach_type`), by the name the header gives them. The
/// kernel refuses a type it does not know (EINVAL): that type is skipped, as nothing can be
/// attached with it there.
pub const ATTACH_TYPES: &[(u32, &str)] = &[
    (0, "cgroup_inet_ingress"),
    (1, "cgroup_inet_egress"),
    (2, "cgroup_inet_sock_create"),
    (3, "cgroup_sock_ops"),
    (6, "cgroup_device"),
    (8, "cgroup_inet4_bind"),
    (9, "cgroup_inet6_bind"),
    (10, "cgroup_inet4_connect"),
    (11, "cgroup_inet6_connect"),
    (12, "cgroup_inet4_post_bind"),
    (13, "cgroup_inet6_post_bind"),
    (14, "cgroup_udp4_sendmsg"),
    (15, "cgroup_udp6_sendmsg"),
    (18, "cgroup_sysctl"),
    (19, "cgroup_udp4_recvmsg"),
    (20, "cgroup_udp6_recvmsg"),
    (21, "cgroup_getsockopt"),
    (22, "cgroup_setsockopt"),
    (29, "cgroup_inet4_getpeername"),
    (30, "cgroup_inet6_getpeername"),
    (31, "cgroup_inet4_getsockname"),
    (32, "cgroup_inet6_getsockname"),
    (34, "cgroup_inet_sock_release"),
    (43, "lsm_cgroup"),
    (49, "cgroup_unix_connect"),
    (50, "cgroup_unix_sendmsg"),
    (51, "cgroup_unix_recvmsg"),
    (52, "cgroup_unix_getpeername"),
    (53, "cgroup_unix_getsockname"),
];

/// Programs listed per attach type at most (more are counted in `left_out`).
const MAX_IDS: usize = 64;

/// `union bpf_attr` for BPF_PROG_QUERY (its first 40 bytes).
#[repr(C)]
#[derive(Default)]
struct QueryAttr {
    target_fd: u32,
    attach_type: u32,
    query_flags: u32,
    attach_flags: u32,
    prog_ids: u64,
    prog_cnt: u32,
    _pad: u32,
    prog_attach_flags: u64,
}

/// `union bpf_attr` for BPF_PROG_GET_FD_BY_ID.
#[repr(C)]
#[derive(Default)]
struct GetFdAttr {
    prog_id: u32,
    next_id: u32,
    open_flags: u32,
}

/// `union bpf_attr` for BPF_OBJ_GET_INFO_BY_FD.
#[repr(C)]
#[derive(Default)]
struct InfoAttr {
    bpf_fd: u32,
    info_len: u32,
    info: u64,
}

/// The head of `struct bpf_prog_info`, up to its name.
#[repr(C)]
#[derive(Default)]
struct ProgInfo {
    prog_type: u32,
    id: u32,
    tag: [u8; 8],
    jited_prog_len: u32,
    xlated_prog_len: u32,
    jited_prog_insns: u64,
    xlated_prog_insns: u64,
    load_time: u64,
    created_by_uid: u32,
    nr_map_ids: u32,
    map_ids: u64,
    name: [u8; 16],
}

fn bpf<T>(cmd: libc::c_long, attr: &mut T) -> std::io::Result<libc::c_long> {
    // SAFETY: `attr` is a live, writable `union bpf_attr` prefix of the size passed.
    let r = unsafe {
        libc::syscall(
            libc::SYS_bpf,
            cmd,
            std::ptr::from_mut(attr),
            size_of::<T>() as libc::c_uint,
        )
    };
    if r < 0 {
        Err(std::io::Error::last_os_error())
    } else {
        Ok(r)
    }
}

/// The cgroup v2 directory of process `pid` (below where cgroup v2 is mounted: /sys/fs/cgroup,
/// or /sys/fs/cgroup/unified on a hybrid system).
pub fn cgroup_of(pid: u32) -> Option<String> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/cgroup")).ok()?;
    let rel = text.lines().find_map(|l| l.strip_prefix("0::"))?;
    Some(
        super::target::cgroup2_root()
            .join(rel.trim_start_matches('/'))
            .display()
            .to_string()
            .trim_end_matches('/')
            .to_owned(),
    )
}

/// The effective cgroup programs of the cgroup directory `dir`, with each program's name and
/// tag. A query that fails for another reason than an unknown attach type is kept in `error`
/// (the verdicts then cannot rule a rewrite out).
pub fn query(dir: &str) -> CgroupBpf {
    let mut out = CgroupBpf {
        cgroup: dir.to_owned(),
        programs: Vec::new(),
        left_out: 0,
        error: None,
    };
    let Ok(c) = CString::new(dir) else {
        out.error = Some("the cgroup path has a NUL byte".to_owned());
        return out;
    };
    // SAFETY: a NUL-terminated path; the fd is closed below.
    let fd: RawFd = unsafe { libc::open(c.as_ptr(), libc::O_RDONLY | libc::O_DIRECTORY) };
    if fd < 0 {
        out.error = Some(format!(
            "cannot open {dir}: {}",
            std::io::Error::last_os_error()
        ));
        return out;
    }
    for &(attach_type, name) in ATTACH_TYPES {
        let mut ids = [0u32; MAX_IDS];
        let mut attr = QueryAttr {
            target_fd: fd as u32,
            attach_type,
            query_flags: BPF_F_QUERY_EFFECTIVE,
            prog_ids: ids.as_mut_ptr() as u64,
            prog_cnt: MAX_IDS as u32,
            ..QueryAttr::default()
        };
        match bpf(BPF_PROG_QUERY, &mut attr) {
            Ok(_) => {}
            Err(e) if e.raw_os_error() == Some(libc::EINVAL) => continue,
            // More than MAX_IDS: the ids that fitted were written, the count is the total.
            Err(e) if e.raw_os_error() == Some(libc::ENOSPC) => {}
            Err(e) => {
                out.error = Some(format!("BPF_PROG_QUERY {name} on {dir}: {e}"));
                continue;
            }
        }
        let n = (attr.prog_cnt as usize).min(MAX_IDS);
        out.left_out += u64::from(attr.prog_cnt).saturating_sub(n as u64);
        for &id in &ids[..n] {
            out.programs.push(program(id, name));
        }
    }
    // SAFETY: our own fd.
    unsafe { libc::close(fd) };
    out
}

/// Program `id`'s name and tag (empty when it is gone or its info cannot be read).
fn program(id: u32, attach_type: &str) -> CgroupBpfProg {
    let mut prog = CgroupBpfProg {
        attach_type: attach_type.to_owned(),
        id,
        name: String::new(),
        tag: String::new(),
    };
    let mut get = GetFdAttr {
        prog_id: id,
        ..GetFdAttr::default()
    };
    let Ok(fd) = bpf(BPF_PROG_GET_FD_BY_ID, &mut get) else {
        return prog;
    };
    let mut info = ProgInfo::default();
    let mut attr = InfoAttr {
        bpf_fd: fd as u32,
        info_len: size_of::<ProgInfo>() as u32,
        info: std::ptr::from_mut(&mut info) as u64,
    };
    if bpf(BPF_OBJ_GET_INFO_BY_FD, &mut attr).is_ok() {
        let end = info.name.iter().position(|&b| b == 0).unwrap_or(16);
        prog.name = String::from_utf8_lossy(&info.name[..end]).into_owned();
        prog.tag = info.tag.iter().map(|b| format!("{b:02x}")).collect();
    }
    // SAFETY: the fd BPF_PROG_GET_FD_BY_ID returned.
    unsafe { libc::close(fd as RawFd) };
    prog
}

/// The cgroup directory whose programs apply to the target: a command's or a pid's cgroup,
/// the `--cgroup` directory, a unit's cgroup (both already absolute in the header), the root
/// for `--system` (whose effective set is the root's own: programs attached lower down, to
/// other cgroups, are not listed).
pub fn target_cgroup(target: &crate::trace::Target) -> Option<String> {
    use crate::trace::Target;
    match target {
        Target::Command { pid, .. } | Target::Pid { pid, .. } => cgroup_of(*pid),
        Target::Cgroup { path, .. } => Some(path.clone()),
        Target::Unit { cgroup, .. } => Some(cgroup.clone()),
        Target::System => Some(super::target::cgroup2_root().display().to_string()),
    }
}
