//! One module per probe family, named like its userspace decoder in `tracer::events`.
pub mod crypto;
pub mod environment;
pub mod file;
pub mod file_lsm;
pub mod io_uring;
pub mod memlock;
pub mod network;
pub mod privilege;
pub mod process;
pub mod sockopt;
pub mod syscalls;
