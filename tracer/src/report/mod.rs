//! The report a reviewer attaches to the bug: verdicts first, then evidence, other findings and
//! the recording's environment. Markdown for a Launchpad comment, JSON (versioned by
//! [`REPORT_VERSION`]) for tools. Every name that came from the trace or the review is escaped
//! ([`escape`]), so a hostile file name cannot forge table rows, links, HTML or terminal codes.

mod escape;
mod markdown;
mod model;

pub use escape::md;
pub use markdown::render_markdown;
pub use model::*;

/// Bumped on any change a consumer of the report JSON would misread.
pub const REPORT_VERSION: u32 = 1;
