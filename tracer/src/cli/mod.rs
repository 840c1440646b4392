//! One module per subcommand.
pub mod check;
pub mod claims;
pub mod diff;
pub mod docs;
pub mod harden;
pub mod progress;
pub mod record;
pub mod summarize;
pub mod vm;

/// Writes a command's result to `-o FILE`, or to stdout; `what` names it in the error.
pub fn emit(output: Option<&std::path::Path>, text: &str, what: &str) -> anyhow::Result<()> {
    use anyhow::Context as _;
    use std::io::Write as _;
    match output {
        Some(path) => std::fs::write(path, text).with_context(|| {
            format!(
                "cannot write the {what} to {}; check the directory exists and is writable",
                path.display()
            )
        }),
        None => std::io::stdout()
            .write_all(text.as_bytes())
            .context("writing to stdout"),
    }
}
