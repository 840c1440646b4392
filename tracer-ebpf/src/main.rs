//! The kernel side of `tracer`: tracepoint programs that record what the target's processes do.
//!
//! Flow: `sys_enter` (one program, on `raw_syscalls/sys_enter`, or on every hooked
//! `syscalls/sys_enter_*` where raw dispatch is not used) checks the scope and saves the
//! arguments per thread; each family's exit program (tail-called by `sys_exit` on
//! `raw_syscalls/sys_exit`, or attached to that family's `syscalls/sys_exit_*`) pairs them with
//! the return value, reads the strings and addresses the arguments point to, and writes one
//! record to the `EVENTS` ring buffer. Process
//! creation, exec and exit come from the `sched/*` tracepoints, which see them whatever syscall
//! caused them. Every record comes from tracepoints, which attach on every kernel we target (this
//! host refuses kprobes, fentry and LSM programs); `task` reads the few `task_struct` fields we
//! need through offsets userspace found in the kernel's BTF. Where the kernel runs BPF LSM
//! programs (a Debian guest), two of them (`lsm_file_open`, `lsm_bprm_check_security`, see
//! `lsm`) add the kernel's name of opened and executed files to the records, and ten more on
//! the `path_*` hooks (`probes::file_lsm`) the names of the files the other path calls act on.
#![no_std]
#![no_main]

mod caller;
mod emit;
mod lsm;
mod maps;
mod probes;
mod scope;
mod task;
mod walk;

#[cfg(not(test))]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    // The verifier rejects any program that could reach here; it is never called.
    loop {}
}

#[unsafe(link_section = "license")]
#[unsafe(no_mangle)]
static LICENSE: [u8; 13] = *b"Dual MIT/GPL\0";
