//! Struct member offsets from the kernel's BTF (/sys/kernel/btf/vmlinux).
//!
//! Rust eBPF programs built with aya get no CO-RE field relocations, so the few `task_struct`
//! and `cred` fields the kernel side reads are located here, on the running kernel, and handed
//! to it in `Config`. Only what that needs is parsed: the type section's structs and unions,
//! walking into anonymous members (the kernel nests fields in unnamed structs and unions).
//! aya-obj has a full BTF parser but keeps its type accessors private.

use std::path::Path;

const BTF_MAGIC: u16 = 0xeb9f;
const KIND_STRUCT: u32 = 4;
const KIND_UNION: u32 = 5;

#[derive(Debug, thiserror::Error)]
pub enum BtfError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("kernel BTF is malformed: {0}")]
    Malformed(&'static str),
    #[error("kernel BTF has no {0}")]
    Missing(String),
}

struct Member {
    name_off: u32,
    type_id: u32,
    /// Bit offset (the kind flag's bitfield size is masked off).
    bit_offset: u32,
}

enum Ty {
    Composite {
        name_off: u32,
        members: Vec<Member>,
    },
    Other,
    /// A modifier or typedef pointing to another type id.
    Alias {
        target: u32,
    },
}

pub struct Btf {
    types: Vec<Ty>,
    strings: Vec<u8>,
}

impl Btf {
    pub fn from_sys_fs() -> Result<Self, BtfError> {
        Self::from_file(Path::new("/sys/kernel/btf/vmlinux"))
    }

    pub fn from_file(path: &Path) -> Result<Self, BtfError> {
        let data = std::fs::read(path).map_err(|source| BtfError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&data)
    }

    pub fn parse(data: &[u8]) -> Result<Self, BtfError> {
        let u16_at = |o: usize| data.get(o..o + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
        let u32_at = |o: usize| {
            data.get(o..o + 4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        };
        if u16_at(0) != Some(BTF_MAGIC) {
            return Err(BtfError::Malformed(
                "bad magic (big-endian BTF is not supported)",
            ));
        }
        let bad = BtfError::Malformed;
        let hdr_len = u32_at(4).ok_or(bad("short header"))? as usize;
        let type_off = u32_at(8).ok_or(bad("short header"))? as usize;
        let type_len = u32_at(12).ok_or(bad("short header"))? as usize;
        let str_off = u32_at(16).ok_or(bad("short header"))? as usize;
        let str_len = u32_at(20).ok_or(bad("short header"))? as usize;
        let types_start = hdr_len + type_off;
        let types_end = types_start + type_len;
        let strings = data
            .get(hdr_len + str_off..hdr_len + str_off + str_len)
            .ok_or(bad("string section out of bounds"))?
            .to_vec();
        // Type id 0 is void.
        let mut types = vec![Ty::Other];
        let mut pos = types_start;
        while pos < types_end {
            let name_off = u32_at(pos).ok_or(bad("truncated type"))?;
            let info = u32_at(pos + 4).ok_or(bad("truncated type"))?;
            let size_or_type = u32_at(pos + 8).ok_or(bad("truncated type"))?;
            pos += 12;
            let vlen = (info & 0xffff) as usize;
            let kind = (info >> 24) & 0x1f;
            let kind_flag = info >> 31 == 1;
            let ty = match kind {
                KIND_STRUCT | KIND_UNION => {
                    let mut members = Vec::with_capacity(vlen);
                    for i in 0..vlen {
                        let m = pos + i * 12;
                        let offset = u32_at(m + 8).ok_or(bad("truncated member"))?;
                        members.push(Member {
                            name_off: u32_at(m).ok_or(bad("truncated member"))?,
                            type_id: u32_at(m + 4).ok_or(bad("truncated member"))?,
                            bit_offset: if kind_flag {
                                offset & 0x00ff_ffff
                            } else {
                                offset
                            },
                        });
                    }
                    Ty::Composite { name_off, members }
                }
                // typedef, volatile, const, restrict, type_tag
                8..=11 | 18 => Ty::Alias {
                    target: size_or_type,
                },
                _ => Ty::Other,
            };
            pos += match kind {
                1 => 4,             // int
                3 => 12,            // array
                4 | 5 => vlen * 12, // struct, union
                6 => vlen * 8,      // enum
                13 => vlen * 8,     // func_proto
                14 => 4,            // var
                15 => vlen * 12,    // datasec
                17 => 4,            // decl_tag
                19 => vlen * 12,    // enum64
                2 | 7..=12 | 16 | 18 => 0,
                _ => return Err(bad("unknown type kind")),
            };
            types.push(ty);
        }
        Ok(Self { types, strings })
    }

    fn name(&self, off: u32) -> &[u8] {
        let rest = self.strings.get(off as usize..).unwrap_or(&[]);
        let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
        &rest[..end]
    }

    fn resolve(&self, mut id: u32) -> Option<&Ty> {
        for _ in 0..32 {
            match self.types.get(id as usize)? {
                Ty::Alias { target } => id = *target,
                ty => return Some(ty),
            }
        }
        None
    }

    /// Byte offset of `member` in `struct name`, searching anonymous members too.
    pub fn member_offset(&self, struct_name: &str, member: &str) -> Result<u32, BtfError> {
        let missing = || BtfError::Missing(format!("{struct_name}.{member}"));
        let members = self
            .types
            .iter()
            .find_map(|t| match t {
                Ty::Composite { name_off, members }
                    if self.name(*name_off) == struct_name.as_bytes() =>
                {
                    Some(members)
                }
                _ => None,
            })
            .ok_or_else(|| BtfError::Missing(format!("struct {struct_name}")))?;
        let bits = self
            .find(members, member.as_bytes(), 0)
            .ok_or_else(missing)?;
        if bits % 8 != 0 {
            return Err(missing());
        }
        Ok(bits / 8)
    }

    fn find(&self, members: &[Member], name: &[u8], depth: u32) -> Option<u32> {
        if depth > 8 {
            return None;
        }
        for m in members {
            let mname = self.name(m.name_off);
            if mname == name {
                return Some(m.bit_offset);
            }
            if mname.is_empty()
                && let Some(Ty::Composite { members: inner, .. }) = self.resolve(m.type_id)
                && let Some(off) = self.find(inner, name, depth + 1)
            {
                return Some(m.bit_offset + off);
            }
        }
        None
    }
}

/// The offsets `Config` carries, found together or not at all.
#[derive(Debug, Clone, Copy)]
pub struct TaskOffsets {
    pub task_cred: u32,
    pub task_real_parent: u32,
    pub task_tgid: u32,
    pub task_exit_code: u32,
    pub cred_uid: u32,
}

impl TaskOffsets {
    pub fn from_btf(btf: &Btf) -> Result<Self, BtfError> {
        Ok(Self {
            task_cred: btf.member_offset("task_struct", "cred")?,
            task_real_parent: btf.member_offset("task_struct", "real_parent")?,
            task_tgid: btf.member_offset("task_struct", "tgid")?,
            task_exit_code: btf.member_offset("task_struct", "exit_code")?,
            cred_uid: btf.member_offset("cred", "uid")?,
        })
    }
}

/// Where the exec program finds the new image's argument area: `current->mm->arg_start` and
/// `arg_end`, which the kernel set while it copied argv onto the new stack.
#[derive(Debug, Clone, Copy)]
pub struct MmOffsets {
    pub task_mm: u32,
    pub mm_arg_start: u32,
    pub mm_arg_end: u32,
}

impl MmOffsets {
    pub fn from_btf(btf: &Btf) -> Result<Self, BtfError> {
        Ok(Self {
            task_mm: btf.member_offset("task_struct", "mm")?,
            mm_arg_start: btf.member_offset("mm_struct", "arg_start")?,
            mm_arg_end: btf.member_offset("mm_struct", "arg_end")?,
        })
    }
}

/// Where the entry program finds the caller's resource limits (`current->signal->rlim`), to
/// read a hard limit before prlimit64 or setrlimit changes it.
#[derive(Debug, Clone, Copy)]
pub struct RlimOffsets {
    pub task_signal: u32,
    pub signal_rlim: u32,
}

impl RlimOffsets {
    pub fn from_btf(btf: &Btf) -> Result<Self, BtfError> {
        Ok(Self {
            task_signal: btf.member_offset("task_struct", "signal")?,
            signal_rlim: btf.member_offset("signal_struct", "rlim")?,
        })
    }
}

/// Where the io_uring program finds the entry a request was made from (see
/// tracer-ebpf/src/probes/io_uring.rs).
#[derive(Debug, Clone, Copy)]
pub struct RingOffsets {
    pub flags: u32,
    pub sq_array: u32,
    pub sq_sqes: u32,
    pub cached_sq_head: u32,
    pub sq_entries: u32,
}

impl RingOffsets {
    pub fn from_btf(btf: &Btf) -> Result<Self, BtfError> {
        Ok(Self {
            flags: btf.member_offset("io_ring_ctx", "flags")?,
            sq_array: btf.member_offset("io_ring_ctx", "sq_array")?,
            sq_sqes: btf.member_offset("io_ring_ctx", "sq_sqes")?,
            cached_sq_head: btf.member_offset("io_ring_ctx", "cached_sq_head")?,
            sq_entries: btf.member_offset("io_ring_ctx", "sq_entries")?,
        })
    }
}

/// Where the LSM programs find the `struct path` of the file a hook is about.
#[derive(Debug, Clone, Copy)]
pub struct FileOffsets {
    pub file_path: u32,
    pub bprm_file: u32,
}

impl FileOffsets {
    pub fn from_btf(btf: &Btf) -> Result<Self, BtfError> {
        Ok(Self {
            file_path: btf.member_offset("file", "f_path")?,
            bprm_file: btf.member_offset("linux_binprm", "file")?,
        })
    }
}

/// Where `tracer-ebpf/src/walk.rs` finds an open file's name: its `f_path`, the dentry tree
/// above it, the mounts it crosses, the process's root and its cwd. Set into `config` whole or not at
/// all; `walk_paths` is the caller's to set.
pub fn walk_offsets(btf: &Btf, config: &mut tracer_common::Config) -> Result<(), BtfError> {
    let m = |s: &str, f: &str| btf.member_offset(s, f);
    let d_name = m("dentry", "d_name")?;
    let (file_path, path_mnt, path_dentry) = (
        m("file", "f_path")?,
        m("path", "mnt")?,
        m("path", "dentry")?,
    );
    let (dentry_parent, name_len, name) = (
        m("dentry", "d_parent")?,
        m("qstr", "len")?,
        m("qstr", "name")?,
    );
    let vfsmount_root = m("vfsmount", "mnt_root")?;
    let (mount_mnt, mount_parent, mount_mountpoint) = (
        m("mount", "mnt")?,
        m("mount", "mnt_parent")?,
        m("mount", "mnt_mountpoint")?,
    );
    let (task_fs, fs_root, fs_pwd) = (
        m("task_struct", "fs")?,
        m("fs_struct", "root")?,
        m("fs_struct", "pwd")?,
    );
    config.off_file_path = file_path;
    config.off_path_mnt = path_mnt;
    config.off_path_dentry = path_dentry;
    config.off_dentry_parent = dentry_parent;
    config.off_dentry_name_len = d_name + name_len;
    config.off_dentry_name = d_name + name;
    config.off_vfsmount_root = vfsmount_root;
    config.off_mount_mnt = mount_mnt;
    config.off_mount_parent = mount_parent;
    config.off_mount_mountpoint = mount_mountpoint;
    config.off_task_fs = task_fs;
    config.off_fs_root = fs_root;
    config.off_fs_pwd = fs_pwd;
    Ok(())
}

/// Where `tracer-ebpf/src/caller.rs` finds, from a vma, the file a return address lies in
/// (its name, inode and device), and from the task, its executable.
pub fn caller_offsets(btf: &Btf) -> Result<tracer_common::caller::CallerOffsets, BtfError> {
    let m = |s: &str, f: &str| btf.member_offset(s, f);
    Ok(tracer_common::caller::CallerOffsets {
        has: 1,
        vma_start: m("vm_area_struct", "vm_start")?,
        vma_pgoff: m("vm_area_struct", "vm_pgoff")?,
        vma_file: m("vm_area_struct", "vm_file")?,
        file_inode: m("file", "f_inode")?,
        file_dentry: m("file", "f_path")? + m("path", "dentry")?,
        inode_ino: m("inode", "i_ino")?,
        inode_sb: m("inode", "i_sb")?,
        sb_dev: m("super_block", "s_dev")?,
        dentry_name: m("dentry", "d_name")? + m("qstr", "name")?,
        task_mm: m("task_struct", "mm")?,
        mm_exe_file: m("mm_struct", "exe_file")?,
        ..tracer_common::caller::CallerOffsets::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The running kernel's BTF parses and yields plausible offsets. Where the machine has no
    /// BTF this fails rather than passing vacuously: every supported kernel has it.
    #[test]
    fn running_kernel_offsets() {
        let btf = Btf::from_sys_fs().expect("/sys/kernel/btf/vmlinux must be readable");
        let off = TaskOffsets::from_btf(&btf).expect("task_struct/cred offsets");
        // `struct cred` starts with an atomic usage count, then uid.
        assert!(off.cred_uid >= 4 && off.cred_uid <= 16, "{off:?}");
        assert!(
            off.task_tgid > 0 && off.task_cred > off.task_tgid,
            "{off:?}"
        );
        assert_ne!(off.task_real_parent, off.task_cred);
        let files = FileOffsets::from_btf(&btf).expect("file/linux_binprm offsets");
        // `f_path` follows at least a lock and a list head or rcu head in every kernel.
        assert!(
            files.file_path >= 8 && files.file_path.is_multiple_of(8),
            "{files:?}"
        );
        assert!(files.bprm_file.is_multiple_of(8), "{files:?}");
        // arg_start and arg_end are adjacent `unsigned long`s inside an anonymous struct.
        let mm = MmOffsets::from_btf(&btf).expect("task_struct.mm / mm_struct.arg_* offsets");
        assert_eq!(mm.mm_arg_end, mm.mm_arg_start + 8, "{mm:?}");
        assert!(mm.task_mm > 0 && mm.mm_arg_start > 0, "{mm:?}");
        let ring = RingOffsets::from_btf(&btf).expect("io_ring_ctx offsets");
        assert_eq!(ring.sq_sqes, ring.sq_array + 8, "{ring:?}");
    }
}
