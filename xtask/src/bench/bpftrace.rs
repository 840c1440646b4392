//! The bpftrace comparison programs, on the hooks the recorder attaches.
//!
//! The hook list is the recorder's own: the bench records `/bin/true` once and takes the trace
//! header's `hooks.attached` (syscall and `sched` tracepoints, and uprobes on libc's `getenv`
//! family). Without a working recorder it falls back to `tracer_common::SyscallId::ALL` (enter
//! and exit; `umount2`'s tracepoint is `umount`) plus the three `sched` tracepoints, filtered
//! to the tracepoints this kernel has. Two programs:
//! - `empty`: nothing but an empty action on every hook. Enabling syscall tracepoints at all
//!   sends every task through the kernel's slow syscall path; this is the floor.
//! - `print`: what a bpftrace script that records the same events does: a syscall entry stores
//!   a timestamp per thread (the recorder stores the arguments), the exit prints one line per
//!   event and forgets the entry; `sched` tracepoints print one line; uprobes print the name
//!   looked up.
//!
//! Both are system-wide (bpftrace has no cheap per-tree scope); the workload dominates either.
//! A recorder that hooks syscalls through `raw_syscalls/sys_enter` and `sys_exit` (its header
//! lists the dispatched syscalls as `syscall:NAME`) gets the floor on those two tracepoints, as
//! it has; the printing program keeps one tracepoint per dispatched syscall, so that it prints
//! the events the recorder writes and not every syscall of the machine. A recorder that
//! dispatches from the BPF raw tracepoints `sys_enter` and `sys_exit` (its default,
//! `raw_tracepoint:sys_exit` in the header) gets the floor on `raw_syscalls/*` too: bpftrace
//! before 0.21 has no raw tracepoint probes, and the perf tracepoints build a record per
//! syscall that the raw ones do not, so that floor is above the recorder's own. The
//! per-syscall mode's lone `raw_tracepoint:sys_enter` (its 32-bit syscall watch) has no
//! bpftrace counterpart and is left out of the floor.
//! `BEGIN` prints `ready`: bpftrace fires it after every probe is attached.

use std::{collections::BTreeSet, path::Path};

use tracer_common::SyscallId;

const TRACEFS: &[&str] = &["/sys/kernel/tracing", "/sys/kernel/debug/tracing"];
const SCHED: &[&str] = &[
    "sched_process_fork",
    "sched_process_exec",
    "sched_process_exit",
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Class {
    SysEnter,
    SysExit,
    Tracepoint,
    Uprobe,
}

/// The hooks, each as the recorder names it and as bpftrace does.
#[derive(Debug, Clone)]
pub struct Hooks {
    hooks: Vec<(String, String, Class)>,
    /// The syscalls a raw-dispatching recorder hooks, as per-syscall tracepoints for the
    /// printing program; empty when the recorder hooks each syscall itself.
    dispatched: Vec<(String, String, Class)>,
    /// Where the list came from, for the report's head.
    pub source: &'static str,
}

impl Hooks {
    /// From a trace header's `hooks.attached` (`tracepoint:CATEGORY/NAME`,
    /// `uprobe:LIBRARY:SYMBOL`). Unknown notations are skipped.
    pub fn from_recorder(attached: &[String]) -> Hooks {
        let dispatched = attached
            .iter()
            .filter_map(|label| label.strip_prefix("syscall:"))
            .filter_map(|name| SyscallId::ALL.iter().find(|id| id.name() == name))
            .flat_map(|&id| syscall_tracepoints(id))
            .collect();
        let raw_dispatch = attached.iter().any(|l| l == "raw_tracepoint:sys_exit");
        let hooks = attached
            .iter()
            .filter_map(|label| {
                if let Some(name) = label
                    .strip_prefix("raw_tracepoint:")
                    .filter(|_| raw_dispatch)
                {
                    let class = if name == "sys_enter" {
                        Class::SysEnter
                    } else {
                        Class::SysExit
                    };
                    Some((
                        label.clone(),
                        format!("tracepoint:raw_syscalls:{name}"),
                        class,
                    ))
                } else if let Some(tp) = label.strip_prefix("tracepoint:") {
                    let (cat, name) = tp.split_once('/')?;
                    let class = if cat != "syscalls" && cat != "raw_syscalls" {
                        Class::Tracepoint
                    } else if name.starts_with("sys_enter") {
                        Class::SysEnter
                    } else {
                        Class::SysExit
                    };
                    Some((label.clone(), format!("tracepoint:{cat}:{name}"), class))
                } else if label.starts_with("uprobe:") {
                    Some((label.clone(), label.clone(), Class::Uprobe))
                } else {
                    None
                }
            })
            .collect();
        Hooks {
            hooks,
            dispatched,
            source: "the recorder's trace header (hooks.attached)",
        }
    }

    /// The recorder's tracepoint list from `SyscallId::ALL`, for when no recorder runs.
    pub fn fallback() -> Hooks {
        let mut hooks: Vec<_> = SyscallId::ALL
            .iter()
            .flat_map(|&id| syscall_tracepoints(id))
            .collect();
        for s in SCHED {
            hooks.push((
                format!("tracepoint:sched/{s}"),
                format!("tracepoint:sched:{s}"),
                Class::Tracepoint,
            ));
        }
        Hooks {
            hooks,
            dispatched: Vec::new(),
            source: "tracer_common::SyscallId::ALL + sched (no recorder to ask)",
        }
    }

    pub fn len(&self) -> usize {
        self.hooks.len()
    }

    /// The hooks in the recorder's notation.
    pub fn labels(&self) -> BTreeSet<String> {
        self.hooks.iter().map(|h| h.0.clone()).collect()
    }

    /// The printing program's probes of a class: per-syscall tracepoints for a recorder that
    /// dispatches from the raw ones (see the module's comment).
    fn probes(&self, class: Class) -> Option<String> {
        let syscall = matches!(class, Class::SysEnter | Class::SysExit);
        let list = if syscall && !self.dispatched.is_empty() {
            &self.dispatched
        } else {
            &self.hooks
        };
        let v: Vec<&str> = list
            .iter()
            .filter(|h| h.2 == class)
            .map(|h| h.1.as_str())
            .collect();
        (!v.is_empty()).then(|| v.join(",\n"))
    }

    /// Empty actions on every hook: the floor.
    pub fn empty_program(&self) -> String {
        let all: Vec<&str> = self.hooks.iter().map(|h| h.1.as_str()).collect();
        format!(
            "BEGIN {{ printf(\"ready\\n\"); }}\n{}\n{{ }}\n",
            all.join(",\n")
        )
    }

    /// One printed line per event.
    pub fn print_program(&self) -> String {
        let mut p = String::from("BEGIN { printf(\"ready\\n\"); }\n");
        if let Some(l) = self.probes(Class::SysEnter) {
            p.push_str(&format!("{l}\n{{ @entry[tid] = nsecs; }}\n"));
        }
        if let Some(l) = self.probes(Class::SysExit) {
            p.push_str(&format!(
                "{l}\n{{ printf(\"%llu %d %d %s %s %d\\n\", @entry[tid], pid, tid, comm, probe, args->ret); delete(@entry[tid]); }}\n"
            ));
        }
        if let Some(l) = self.probes(Class::Tracepoint) {
            p.push_str(&format!(
                "{l}\n{{ printf(\"%llu %d %d %s %s\\n\", nsecs, pid, tid, comm, probe); }}\n"
            ));
        }
        if let Some(l) = self.probes(Class::Uprobe) {
            p.push_str(&format!(
                "{l}\n{{ printf(\"%llu %d %d %s %s %s\\n\", nsecs, pid, tid, comm, probe, str(arg0)); }}\n"
            ));
        }
        p.push_str("END { clear(@entry); }\n");
        p
    }
}

/// A syscall's enter and exit tracepoints (`umount2`'s are `umount`'s), where this kernel has
/// them (or where tracefs cannot be read).
fn syscall_tracepoints(id: SyscallId) -> Vec<(String, String, Class)> {
    let events = TRACEFS
        .iter()
        .map(|t| Path::new(t).join("events/syscalls"))
        .find(|p| p.is_dir());
    let name = match id {
        SyscallId::Umount2 => "umount",
        other => other.name(),
    };
    if events
        .as_ref()
        .is_some_and(|e| !e.join(format!("sys_enter_{name}")).is_dir())
    {
        return Vec::new();
    }
    [("enter", Class::SysEnter), ("exit", Class::SysExit)]
        .into_iter()
        .map(|(dir, class)| {
            (
                format!("tracepoint:syscalls/sys_{dir}_{name}"),
                format!("tracepoint:syscalls:sys_{dir}_{name}"),
                class,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_follow_the_recorders_hooks() {
        let attached: Vec<String> = [
            "tracepoint:syscalls/sys_enter_openat",
            "tracepoint:syscalls/sys_exit_openat",
            "tracepoint:sched/sched_process_exec",
            "uprobe:/usr/lib/x86_64-linux-gnu/libc.so.6:getenv",
        ]
        .map(String::from)
        .to_vec();
        let h = Hooks::from_recorder(&attached);
        assert_eq!(h.len(), 4);
        assert_eq!(h.labels(), attached.iter().cloned().collect());
        let p = h.print_program();
        for probe in [
            "tracepoint:syscalls:sys_enter_openat\n{ @entry",
            "tracepoint:syscalls:sys_exit_openat\n{ printf",
            "tracepoint:sched:sched_process_exec\n{ printf",
            "uprobe:/usr/lib/x86_64-linux-gnu/libc.so.6:getenv\n{ printf",
        ] {
            assert!(p.contains(probe), "{probe} missing from\n{p}");
        }
        let e = h.empty_program();
        assert!(e.contains("tracepoint:syscalls:sys_exit_openat,\n"));
        assert!(e.ends_with("{ }\n"));
    }

    /// A raw-dispatching recorder: the floor holds its two raw tracepoints, the printing
    /// program the dispatched syscalls' own.
    #[test]
    fn a_raw_dispatching_recorder_gets_its_raw_floor_and_per_syscall_printing() {
        let attached: Vec<String> = [
            "tracepoint:raw_syscalls/sys_exit",
            "tracepoint:raw_syscalls/sys_enter",
            "syscall:openat",
        ]
        .map(String::from)
        .to_vec();
        let h = Hooks::from_recorder(&attached);
        assert_eq!(h.len(), 2);
        let e = h.empty_program();
        assert!(e.contains("tracepoint:raw_syscalls:sys_enter"), "{e}");
        assert!(!e.contains("sys_enter_openat"), "{e}");
        let p = h.print_program();
        assert!(
            p.contains("tracepoint:syscalls:sys_exit_openat\n{ printf"),
            "{p}"
        );
        assert!(!p.contains("raw_syscalls"), "{p}");
    }

    /// The default recorder dispatches from the BPF raw tracepoints: its floor is on the perf
    /// `raw_syscalls/*` (bpftrace 0.17 has no raw tracepoint probes); the per-syscall mode's
    /// 32-bit watch alone gets no floor probe.
    #[test]
    fn a_bpf_raw_dispatching_recorder_gets_the_perf_raw_floor() {
        let attached: Vec<String> = [
            "raw_tracepoint:sys_exit",
            "raw_tracepoint:sys_enter",
            "syscall:openat",
        ]
        .map(String::from)
        .to_vec();
        let h = Hooks::from_recorder(&attached);
        assert_eq!(h.len(), 2);
        let e = h.empty_program();
        for probe in ["sys_enter", "sys_exit"] {
            assert!(
                e.contains(&format!("tracepoint:raw_syscalls:{probe}")),
                "{e}"
            );
        }
        let p = h.print_program();
        assert!(
            p.contains("tracepoint:syscalls:sys_exit_openat\n{ printf"),
            "{p}"
        );
        let watch_only = Hooks::from_recorder(&[
            "tracepoint:syscalls/sys_exit_openat".to_owned(),
            "raw_tracepoint:sys_enter".to_owned(),
        ]);
        assert_eq!(watch_only.len(), 1);
    }

    #[test]
    fn the_fallback_names_the_recorders_syscalls() {
        let labels = Hooks::fallback().labels();
        assert!(labels.contains("tracepoint:syscalls/sys_exit_openat"));
        assert!(labels.contains("tracepoint:sched/sched_process_fork"));
        assert!(!labels.iter().any(|l| l.contains("umount2")));
    }
}
