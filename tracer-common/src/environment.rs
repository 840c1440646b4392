//! Payloads of the environment family: randomness drawn with `getrandom(2)` and environment
//! variables looked up through libc's `getenv`/`secure_getenv` (uprobes).

use crate::caller::Caller;

/// Bytes kept of a variable name.
pub const ENV_NAME_CAP: usize = 128;

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct GetrandomData {
    /// Bytes asked for.
    pub count: u64,
    /// `GRND_*` flags.
    pub flags: u32,
    pub _pad: u32,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct GetenvData {
    /// 1 for `secure_getenv`.
    pub secure: u32,
    pub name_len: u32,
    pub name: [u8; ENV_NAME_CAP],
    /// The code that called getenv (see [`crate::caller`]).
    pub caller: Caller,
}

/// A getenv call in progress, saved at entry for the return probe: the name pointer, and the
/// return address (at entry it is the word at the stack pointer; at return it is gone).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct GetenvPending {
    pub name: u64,
    pub ret_addr: u64,
    /// 0 when the return address could not be read.
    pub ret_read: u64,
}
