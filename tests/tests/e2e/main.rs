//! End-to-end tests: the real `tracer` binary records the real `actor` helper (or a shell
//! command), and each test finds what the process did, with the right fields, in the trace.
//!
//! They need root (eBPF) and the tracer binary, whose path comes from `TRACER_BIN` (set by
//! `cargo xtask test`). Without either they fail with a message saying so: never skipped.

mod adversarial;
mod attribution;
mod blind_spots;
mod codescan;
mod common;
mod environment;
mod errors;
mod evasions;
mod example;
mod file;
mod harden;
mod io_uring;
mod lifecycle;
mod network;
mod privilege;
mod process;
mod snapshot;
mod sockopt;
mod symlinks;
mod tamper;
