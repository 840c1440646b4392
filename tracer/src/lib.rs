//! `tracer`: records what a package's daemons really do and checks review claims against it.
//!
//! The pipeline, one module per stage, each reading only the previous stage's public output:
//! `record` (eBPF programs → ring buffer → collector) → `trace` (the JSON Lines file, the
//! durable artifact) → `summary` → `claims` → `verdict` → `report`, with `contents` (what the
//! install put on disk) beside the trace; `vm` runs the whole thing around a package inside a
//! throwaway VM. [`check()`] runs summary, verdict and report in one call.

pub mod alloc;
pub mod check;
pub mod claims;
pub mod contents;
pub mod diff;
pub mod events;
pub mod harden;
pub mod record;
pub mod report;
pub mod schema;
pub mod summary;
pub mod trace;
pub mod verdict;
pub mod vm;

pub use check::{CheckOptions, Checked, check};
