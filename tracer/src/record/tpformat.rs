//! Tracepoint record layouts, read from tracefs `format` files.
//!
//! The kernel changes these: `sched_process_fork` had `char parent_comm[16]` (child_pid at 44)
//! until it became `__data_loc` (child_pid at 20), and `sched_process_exit` gained `group_dead`
//! in 6.16. The programs take such offsets from `Config`; the layouts they still assume fixed
//! are checked here, so a kernel that differs is refused instead of recorded wrongly.

use std::collections::HashMap;

use super::RecordError;

const EVENTS: &str = "/sys/kernel/tracing/events";

/// Field name → byte offset in the record.
pub struct Format(HashMap<String, u32>);

impl Format {
    pub fn read(category: &str, name: &str) -> Result<Self, RecordError> {
        let path = format!("{EVENTS}/{category}/{name}/format");
        let text = std::fs::read_to_string(&path)
            .map_err(|e| RecordError::Load(format!("cannot read {path}: {e}")))?;
        Ok(Self::parse(&text))
    }

    /// Parses lines like `field:pid_t child_pid; offset:44; size:4; signed:1;` (tab-separated).
    pub fn parse(text: &str) -> Self {
        let mut fields = HashMap::new();
        for line in text.lines() {
            let mut name = None;
            let mut offset = None;
            for part in line.trim().split(';') {
                let part = part.trim();
                if let Some(decl) = part.strip_prefix("field:") {
                    // The name is the last word, without any array suffix.
                    name = decl
                        .split_whitespace()
                        .last()
                        .map(|w| w.split('[').next().unwrap_or(w).to_owned());
                } else if let Some(v) = part.strip_prefix("offset:") {
                    offset = v.parse().ok();
                }
            }
            if let (Some(n), Some(o)) = (name, offset) {
                fields.insert(n, o);
            }
        }
        Self(fields)
    }

    pub fn offset(&self, field: &str) -> Option<u32> {
        self.0.get(field).copied()
    }
}

/// Where `io_uring_submit_req` (6.2+) or `io_uring_submit_sqe` (before) keeps the request's
/// flags and `sq_thread` (`flags` is a u64 at 40 and `sq_thread` at 48 on 6.18; a u32 at 36 and
/// 41 on 6.1; the low 32 bits are read either way). `None` without io_uring.
pub fn uring_offsets() -> Option<(u32, u32)> {
    let name = super::hooks::io_uring_tracepoint("io_uring_submit_req");
    let f = Format::read("io_uring", name).ok()?;
    // The fields read at fixed offsets must be where the program expects them.
    let fixed = [("ctx", 8), ("user_data", 24), ("opcode", 32)];
    if fixed.iter().any(|(field, at)| f.offset(field) != Some(*at)) {
        return None;
    }
    Some((f.offset("flags")?, f.offset("sq_thread")?))
}

/// Whether `io_uring_complete` has the layout its program reads at fixed offsets. The kernel
/// source has had these fields there since 5.19 (6.1 included); this host's 6.18 is checked
/// by the e2e tests, any other kernel here at start.
pub fn uring_complete_known() -> bool {
    Format::read("io_uring", "io_uring_complete").is_ok_and(|f| {
        [("req", 16), ("user_data", 24), ("res", 32), ("cflags", 36)]
            .iter()
            .all(|(field, at)| f.offset(field) == Some(*at))
    })
}

/// The offsets the programs read from `Config`.
pub struct SchedOffsets {
    pub fork_child_pid: u32,
    /// 0 when the kernel has no `group_dead`.
    pub exit_group_dead: u32,
}

pub fn sched_offsets() -> Result<SchedOffsets, RecordError> {
    let fork = Format::read("sched", "sched_process_fork")?;
    let exit = Format::read("sched", "sched_process_exit")?;
    let enter = Format::read("syscalls", "sys_enter_openat")?;
    let exit_sc = Format::read("syscalls", "sys_exit_openat")?;
    // Layouts the programs assume (tracer-ebpf/src/probes/{syscalls,process}.rs).
    let assumed = [
        (&enter, "sys_enter_openat", "__syscall_nr", 8),
        (&enter, "sys_enter_openat", "dfd", 16),
        (&exit_sc, "sys_exit_openat", "ret", 16),
    ];
    for (format, event, field, want) in assumed {
        if format.offset(field) != Some(want) {
            return Err(RecordError::Load(format!(
                "tracepoint {event} has {field} at {:?}, not {want}: this kernel's record layout is not supported",
                format.offset(field)
            )));
        }
    }
    let fork_child_pid = fork
        .offset("child_pid")
        .ok_or_else(|| RecordError::Load("sched_process_fork has no child_pid field".into()))?;
    Ok(SchedOffsets {
        fork_child_pid,
        exit_group_dead: exit.offset("group_dead").unwrap_or(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_fork_layouts() {
        let v61 = "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n\
                   \tfield:char parent_comm[16];\toffset:8;\tsize:16;\tsigned:0;\n\
                   \tfield:pid_t parent_pid;\toffset:24;\tsize:4;\tsigned:1;\n\
                   \tfield:char child_comm[16];\toffset:28;\tsize:16;\tsigned:0;\n\
                   \tfield:pid_t child_pid;\toffset:44;\tsize:4;\tsigned:1;\n";
        let f = Format::parse(v61);
        assert_eq!(
            (f.offset("child_pid"), f.offset("child_comm")),
            (Some(44), Some(28))
        );
        let v618 = "\tfield:__data_loc char[] parent_comm;\toffset:8;\tsize:4;\tsigned:0;\n\
                    \tfield:pid_t child_pid;\toffset:20;\tsize:4;\tsigned:1;\n";
        assert_eq!(Format::parse(v618).offset("child_pid"), Some(20));
    }

    /// The running kernel's layouts are the ones the programs support.
    #[test]
    fn running_kernel_layouts_are_supported() {
        crate::record::mounts::ensure_tracefs().expect("tracefs (run as root)");
        let off = sched_offsets().expect("supported layouts");
        assert!(off.fork_child_pid >= 12);
    }
}
