//! What a trace shows, condensed for a reviewer: who ran, what was written and read, which
//! sockets were opened, which privileges changed, and whether anything was lost.
//!
//! The summary is a public output (`tracer summarize --json`) and is versioned by
//! [`SUMMARY_VERSION`]; docs/summary.md documents it. It reports the whole trace, harness
//! included: attribution to the package is a verdict-stage concern, because it needs the
//! package's name and daemons, which a trace alone does not carry.

mod build;
mod model;
mod text;

pub use build::summarize;
pub use model::*;
pub use text::{loss_line, render_text};

/// Bumped on any change a consumer of the summary JSON would misread.
pub const SUMMARY_VERSION: u32 = 1;
