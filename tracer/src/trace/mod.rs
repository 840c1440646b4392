//! The trace file: JSON Lines, one header line, one line per event, one footer line.
//!
//! This is the durable artifact a reviewer attaches to a bug, and the only input of every later
//! stage (summary, verdicts, report): nothing downstream reads the recorder's internals. The
//! format is versioned ([`FORMAT_VERSION`]) and documented in docs/trace-format.md; a change that
//! breaks old readers bumps the version.

mod mask;
mod model;
mod read;
mod write;

pub use mask::{MASKED_FIELDS, mask_argv};
pub use model::*;
pub use read::{Integrity, Trace, TraceError, read_trace, read_trace_from};
pub use write::TraceWriter;

/// `format` field of the header.
pub const FORMAT_NAME: &str = "tracer-trace";
/// Bumped on any change an older reader would misread.
pub const FORMAT_VERSION: u32 = 1;
