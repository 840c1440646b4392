//! The tracing attachments live on the machine, from `bpftool`: what makes an "untraced" run
//! not untraced, and what proves bpftrace holds every hook before its floor run starts.
//!
//! Any syscall tracepoint enabled by anyone sends every task through the kernel's slow syscall
//! path, so another recorder or bpftrace running on a shared machine (another session's tests)
//! turns the untraced row into a floor row. That is how the floor once equalled the untraced
//! run: the floor was right, the untraced run was not untraced. `bpftool perf list` names the
//! perf events processes hold with a program on them (bpftrace's); `bpftool link list` lists the
//! BPF links (the recorder's, which `perf list` does not show), whose holders are found through
//! `/proc/PID/fdinfo` (`link_id:`).

use std::collections::BTreeSet;

use tracer_common::live_detachers;

/// Link types that run a program on a tracing hook.
const TRACING_LINKS: &[&str] = &[
    "perf_event",
    "raw_tracepoint",
    "tracing",
    "kprobe_multi",
    "uprobe_multi",
];

pub struct Attachments {
    /// (holder pid, hook) of each perf event with a program.
    perf: Vec<(i32, String)>,
    /// Ids of the tracing links.
    links: BTreeSet<u64>,
}

impl Attachments {
    /// What is attached now; `Err` when bpftool cannot say.
    pub fn live() -> Result<Self, String> {
        let json = |args: &[&str]| -> Result<serde_json::Value, String> {
            let out = std::process::Command::new("bpftool")
                .args(args)
                .output()
                .map_err(|e| format!("bpftool: {e}"))?;
            if !out.status.success() {
                return Err(format!(
                    "bpftool {}: {}",
                    args.join(" "),
                    String::from_utf8_lossy(&out.stderr).trim()
                ));
            }
            // An empty list prints nothing on some versions.
            if out.stdout.iter().all(u8::is_ascii_whitespace) {
                return Ok(serde_json::Value::Array(Vec::new()));
            }
            serde_json::from_slice(&out.stdout).map_err(|e| format!("bpftool's JSON: {e}"))
        };
        let entries = |v: serde_json::Value| match v {
            serde_json::Value::Array(a) => a,
            _ => Vec::new(),
        };
        let perf = entries(json(&["perf", "list", "-j"])?)
            .iter()
            .map(|e| {
                let pid = e["pid"].as_i64().unwrap_or(-1) as i32;
                let hook = ["tracepoint", "func", "filename"]
                    .iter()
                    .find_map(|k| e[*k].as_str())
                    .unwrap_or("?")
                    .to_owned();
                (pid, hook)
            })
            .collect();
        let links = entries(json(&["link", "list", "-j"])?)
            .iter()
            .filter(|l| {
                l["type"]
                    .as_str()
                    .is_some_and(|t| TRACING_LINKS.contains(&t))
            })
            .filter_map(|l| l["id"].as_u64())
            .collect();
        Ok(Self { perf, links })
    }

    /// Attachments `pid` holds: its perf events and its links.
    pub fn held_by(&self, pid: i32) -> usize {
        let links = link_ids_of(pid);
        self.perf.iter().filter(|(p, _)| *p == pid).count()
            + self.links.intersection(&links).count()
    }

    /// Attachments not held by `own` (the run's own tool, if it runs yet), described for a
    /// note: empty when there are none.
    pub fn foreign(&self, own: Option<i32>) -> String {
        let own_links = own.map(link_ids_of).unwrap_or_default();
        let perf: BTreeSet<i32> = self
            .perf
            .iter()
            .filter(|(p, _)| Some(*p) != own)
            .map(|(p, _)| *p)
            .collect();
        let n_perf = self.perf.iter().filter(|(p, _)| Some(*p) != own).count();
        let n_links = self.links.difference(&own_links).count();
        if n_perf + n_links == 0 {
            return String::new();
        }
        format!(
            "{} tracing attachments of other processes were live (perf events of pids {perf:?}, {n_links} links)",
            n_perf + n_links
        )
    }
}

/// The link ids `pid`'s open fds refer to.
fn link_ids_of(pid: i32) -> BTreeSet<u64> {
    let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/fdinfo")) else {
        return BTreeSet::new();
    };
    dir.flatten()
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .filter_map(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix("link_id:"))
                .and_then(|v| v.trim().parse().ok())
        })
        .collect()
}

/// Waits, up to `limit`, until no earlier recording's detacher still holds its hooks: a run
/// started before then pays for them. Returns how many were still alive at the limit.
pub fn wait_for_detachers(limit: std::time::Duration) -> usize {
    let deadline = std::time::Instant::now() + limit;
    loop {
        let alive = live_detachers();
        if alive == 0 || std::time::Instant::now() >= deadline {
            return alive;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}
