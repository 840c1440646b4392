//! The workloads of issue 6 and their sizes.

use std::time::Duration;

pub struct Workload {
    /// Row label.
    pub name: &'static str,
    /// Binary of the `tracer-bench` crate.
    pub bin: &'static str,
    /// The amount of work.
    pub full: u64,
    /// `--quick`: about 1/20 of it, for development only.
    pub quick: u64,
    /// What one unit of work is.
    pub unit: &'static str,
    /// Whether the issue sets the ≤1.10× floor target for the scoped recording of this one.
    pub floor_target: bool,
}

pub const WORKLOADS: &[Workload] = &[
    Workload {
        name: "open",
        bin: "bench-open",
        full: 1_000_000,
        quick: 50_000,
        unit: "open+close of one file",
        floor_target: true,
    },
    Workload {
        name: "forkexec",
        bin: "bench-forkexec",
        full: 5_000,
        quick: 250,
        unit: "fork+exec of /bin/true, waited for",
        floor_target: true,
    },
    Workload {
        name: "connect",
        bin: "bench-connect",
        full: 20_000,
        quick: 1_000,
        unit: "TCP connect+accept+close on 127.0.0.1",
        floor_target: false,
    },
    Workload {
        name: "startup",
        bin: "bench-startup",
        full: 1_000,
        quick: 50,
        unit: "daemon start-up: spawn, mkdir, 5 file opens, rename, listen+connect+accept, cleanup",
        floor_target: false,
    },
];

impl Workload {
    pub fn count(&self, quick: bool) -> u64 {
        if quick { self.quick } else { self.full }
    }

    /// Deadline of one run: generous, since strace -f slows the open loop ~100×.
    pub fn limit(&self, quick: bool) -> Duration {
        Duration::from_secs(if quick { 300 } else { 1800 })
    }
}
