//! The report a reviewer attaches to the bug: verdicts first, then evidence, other findings and
//! the recording's environment. Plain text for a Launchpad comment, Markdown for a forge, JSON
//! (versioned by [`REPORT_VERSION`]) for tools. Every name that came from the trace or the review is escaped
//! ([`escape`]), so a hostile file name cannot forge table rows, links, HTML or terminal codes.

pub mod escape;
mod lines;
mod markdown;
mod model;
mod runtime;
mod text;

pub use escape::md;
pub use markdown::render_markdown;
pub use model::*;
pub use text::render_text;
pub(crate) use text::wrap;

/// Bumped on any change a consumer of the report JSON would misread.
pub const REPORT_VERSION: u32 = 1;
