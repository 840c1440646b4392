//! Payload of the privilege family: the raw arguments plus the strings and small structs some
//! calls point to (mount's source/target/fstype, capset's data, setgroups' list).

use crate::PATH_CAP;

/// Bytes kept of a pointed-to struct (capset data: 2 × 12; setgroups: the first 16 gids).
pub const PRIV_DATA_CAP: usize = 64;
/// Bytes kept of a short string (a filesystem type).
pub const SHORT_STR_CAP: usize = 64;

#[repr(C)]
#[derive(Clone, Copy)]
pub struct PrivData {
    pub args: [u64; 6],
    pub data_len: u32,
    pub str1_len: u32,
    pub str2_len: u32,
    pub str3_len: u32,
    pub data: [u8; PRIV_DATA_CAP],
    /// mount: source; umount2, chroot: target; pivot_root: new root; (f)init_module: params.
    pub str1: [u8; PATH_CAP],
    /// mount: target; pivot_root: put_old.
    pub str2: [u8; PATH_CAP],
    /// mount: filesystem type.
    pub str3: [u8; SHORT_STR_CAP],
}
