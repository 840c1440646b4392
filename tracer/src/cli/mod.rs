//! One module per subcommand.
pub mod check;
pub mod claims;
pub mod diff;
pub mod docs;
pub mod record;
pub mod summarize;
pub mod vm;
