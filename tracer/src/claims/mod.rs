//! Claims: the runtime-checkable statements of a review, from its text and a claims file.
//!
//! Only claims a trace can speak to become [`Claim`]s; every other line is kept, either as
//! [`NotCheckable`] (understood, e.g. "Build logs are clean") or [`Unrecognised`], so a reviewer
//! sees that nothing was dropped.

mod extract;
mod file;
mod model;

pub use extract::extract;
pub use file::{
    ClaimsFile, ClaimsFileError, FileClaim, merge, parse_claims_file, read_claims_file,
};
pub use model::*;
