//! The kernel side of `tracer`: tracepoint programs that record what the target's processes do.
//!
//! Flow: `sys_enter` (one program, attached to every hooked `syscalls/sys_enter_*`) checks the
//! scope and saves the arguments per thread; each family's exit program (attached to that
//! family's `syscalls/sys_exit_*`) pairs them with the return value, reads the strings and
//! addresses the arguments point to, and writes one record to the `EVENTS` ring buffer. Process
//! creation, exec and exit come from the `sched/*` tracepoints, which see them whatever syscall
//! caused them. This host attaches tracepoints but not kprobes, fentry or LSM, so everything here
//! is a tracepoint program; `task` reads the few `task_struct` fields we need through offsets
//! userspace found in the kernel's BTF.
#![no_std]
#![no_main]

mod emit;
mod maps;
mod probes;
mod scope;
mod task;

#[cfg(not(test))]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    // The verifier rejects any program that could reach here; it is never called.
    loop {}
}

#[unsafe(link_section = "license")]
#[unsafe(no_mangle)]
static LICENSE: [u8; 13] = *b"Dual MIT/GPL\0";
