//! The trace file: JSON Lines, one header line, one line per event, one footer line.
//!
//! This is the durable artifact a reviewer attaches to a bug, and the only input of every later
//! stage (summary, verdicts, report): nothing downstream reads the recorder's internals. The
//! format is versioned ([`FORMAT_VERSION`]) and documented in docs/trace-format.md; a change that
//! breaks old readers bumps the version.

mod aggregate;
pub mod describe;
mod encode;
pub mod hooks;
mod mask;
mod model;
pub mod procfs;
mod read;
mod timestamp;
mod write;

pub use aggregate::Aggregator;
pub use hooks::hook_kind;
pub use mask::{MASKED_FIELDS, mask_argv};
pub use model::*;
pub use read::{Integrity, Trace, TraceError, read_trace, read_trace_from};
pub use timestamp::rfc3339_nanos;
/// The event vocabulary: one numbered enum, shared with the kernel side (which counts losses
/// by it) and owned here for every later stage. Each stage matches on it, never on the `kind`
/// strings, so a new kind fails to compile until the stages handle it.
pub use tracer_common::{EventKind, Family};
pub use write::TraceWriter;

/// `format` field of the header.
pub const FORMAT_NAME: &str = "tracer-trace";
/// Bumped on any change an older reader would misread.
pub const FORMAT_VERSION: u32 = 1;
