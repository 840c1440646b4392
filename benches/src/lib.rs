//! Benchmark workloads for `cargo xtask bench` and the loss accounting it checks.
//!
//! Each workload under `src/bin/` does a fixed amount of work, times only that work (so the
//! tracer's own start-up and the loading of its programs are not billed to the workload), and
//! prints one [`report::Report`] JSON line on stdout: how many operations of each trace kind it
//! performed. [`accounting`] compares those counts with what a trace file holds: an event the
//! recorder dropped must show up in the footer's `lost` counts, never just vanish.

pub mod accounting;
pub mod helper;
pub mod process;
pub mod recorded;
pub mod report;
