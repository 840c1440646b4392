//! The bpftrace comparison programs, on the tracepoints the recorder attaches.
//!
//! The list comes from the same source the recorder's hook table uses (`tracer_common::
//! SyscallId::ALL`, plus the three `sched` tracepoints), filtered to the tracepoints this kernel
//! has; `umount2`'s tracepoint is `umount`, as in `tracer/src/record/hooks.rs`. Two programs:
//! - `empty`: nothing but an empty action on every tracepoint. Enabling syscall tracepoints at
//!   all sends every task through the kernel's slow syscall path; this is the floor.
//! - `print`: what a bpftrace one-liner that records the same events does: the entry stores a
//!   timestamp per thread (the recorder stores the arguments), the exit prints one line per
//!   event and forgets the entry, the `sched` tracepoints print one line each.
//!
//! Both are system-wide (bpftrace has no cheap per-tree scope); the workload dominates either.
//! `BEGIN` prints `ready`: bpftrace fires it after every probe is attached.

use std::path::Path;

use tracer_common::SyscallId;

const TRACEFS: &[&str] = &["/sys/kernel/tracing", "/sys/kernel/debug/tracing"];
const SCHED: &[&str] = &[
    "sched_process_fork",
    "sched_process_exec",
    "sched_process_exit",
];

/// The syscall tracepoint names (without `sys_enter_`/`sys_exit_`) the recorder hooks and this
/// kernel has.
pub fn syscall_tracepoints() -> Vec<&'static str> {
    let events = TRACEFS
        .iter()
        .map(|t| Path::new(t).join("events/syscalls"))
        .find(|p| p.is_dir());
    SyscallId::ALL
        .iter()
        .map(|&id| match id {
            SyscallId::Umount2 => "umount",
            other => other.name(),
        })
        .filter(|name| {
            events
                .as_ref()
                .is_none_or(|e| e.join(format!("sys_enter_{name}")).is_dir())
        })
        .collect()
}

/// The hooks in the recorder's trace-header notation (`tracepoint:CATEGORY/NAME`).
pub fn hook_labels(syscalls: &[&str]) -> std::collections::BTreeSet<String> {
    syscalls
        .iter()
        .flat_map(|s| {
            [
                format!("tracepoint:syscalls/sys_enter_{s}"),
                format!("tracepoint:syscalls/sys_exit_{s}"),
            ]
        })
        .chain(SCHED.iter().map(|s| format!("tracepoint:sched/{s}")))
        .collect()
}

pub fn hook_count(syscalls: &[&str]) -> usize {
    2 * syscalls.len() + SCHED.len()
}

fn list(prefix: &str, syscalls: &[&str]) -> String {
    syscalls
        .iter()
        .map(|s| format!("tracepoint:syscalls:{prefix}{s}"))
        .collect::<Vec<_>>()
        .join(",\n")
}

fn sched() -> String {
    SCHED
        .iter()
        .map(|s| format!("tracepoint:sched:{s}"))
        .collect::<Vec<_>>()
        .join(",\n")
}

/// Empty actions on every hook: the floor.
pub fn empty_program(syscalls: &[&str]) -> String {
    format!(
        "BEGIN {{ printf(\"ready\\n\"); }}\n{},\n{},\n{}\n{{ }}\n",
        list("sys_enter_", syscalls),
        list("sys_exit_", syscalls),
        sched()
    )
}

/// One printed line per event.
pub fn print_program(syscalls: &[&str]) -> String {
    format!(
        concat!(
            "BEGIN {{ printf(\"ready\\n\"); }}\n",
            "{enter}\n{{ @entry[tid] = nsecs; }}\n",
            "{exit}\n{{ printf(\"%llu %d %d %s %s %d\\n\", @entry[tid], pid, tid, comm, probe, args->ret); delete(@entry[tid]); }}\n",
            "{sched}\n{{ printf(\"%llu %d %d %s %s\\n\", nsecs, pid, tid, comm, probe); }}\n",
            "END {{ clear(@entry); }}\n",
        ),
        enter = list("sys_enter_", syscalls),
        exit = list("sys_exit_", syscalls),
        sched = sched(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_name_every_hook() {
        let s = ["openat", "umount"];
        let p = print_program(&s);
        for tp in [
            "tracepoint:syscalls:sys_enter_openat",
            "tracepoint:syscalls:sys_exit_umount",
            "tracepoint:sched:sched_process_exec",
        ] {
            assert!(p.contains(tp), "{tp} missing from\n{p}");
            assert!(empty_program(&s).contains(tp));
        }
        assert_eq!(hook_count(&s), 7);
    }

    #[test]
    fn the_hook_list_follows_the_recorders() {
        let all = syscall_tracepoints();
        assert!(all.contains(&"openat"));
        assert!(!all.contains(&"umount2"));
    }
}
