//! Debconf answers given before install (`vm check --preseed`).
//!
//! A maintainer script takes the branch its debconf answers choose, and the guest's
//! non-interactive frontend takes each question's default: whatever a review says about
//! another branch (dbconfig-common's sqlite3 set-up, say) is never exercised unless the
//! answers are set first. They are set with `debconf-set-selections`, in its own format, so a
//! file written for a Debian installer's preseeding works unchanged.
//!
//! For a package using dbconfig-common (masakari-common here; `PKG` is the binary package
//! holding the config script):
//!
//! ```text
//! masakari-common masakari/configure_db boolean true
//! masakari-common masakari-common/dbconfig-install boolean true
//! masakari-common masakari-common/database-type select sqlite3
//! ```
//!
//! and `dbconfig-sqlite3` among the packages installed (it is only a Suggests, and `vm check`
//! installs no recommends).

use std::path::Path;

/// The question types debconf knows (`debconf-set-selections` rejects others only at run
/// time, inside the guest: they are checked here, before minutes of boot).
const TYPES: &[&str] = &[
    "boolean",
    "string",
    "select",
    "multiselect",
    "password",
    "note",
    "text",
    "title",
    "error",
    "seen",
];

/// A preseed answer that is not `OWNER QUESTION TYPE [VALUE]`.
#[derive(Debug, thiserror::Error)]
#[error(
    "{source_name}:{line}: {reason}; expected `OWNER QUESTION TYPE VALUE` as for debconf-set-selections"
)]
pub struct PreseedError {
    /// The file, or `--preseed` for an answer given on the command line.
    pub source_name: String,
    pub line: usize,
    pub reason: String,
}

/// The answers of one `--preseed` value: a file in debconf-set-selections format when `arg`
/// names a file, else one answer. Comments and blank lines are dropped; every other line is
/// checked.
pub fn parse_arg(arg: &str) -> Result<Vec<String>, PreseedError> {
    let path = Path::new(arg);
    if path.is_file() {
        let text = std::fs::read_to_string(path).map_err(|e| PreseedError {
            source_name: arg.to_owned(),
            line: 0,
            reason: format!("cannot be read ({e})"),
        })?;
        parse_text(arg, &text)
    } else {
        parse_text("--preseed", arg)
    }
}

/// The answers in `text` (debconf-set-selections format), each checked.
pub fn parse_text(source_name: &str, text: &str) -> Result<Vec<String>, PreseedError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let err = |reason: String| PreseedError {
            source_name: source_name.to_owned(),
            line: i + 1,
            reason,
        };
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [owner, question, kind, ..] = fields.as_slice() else {
            return Err(err(format!("{} field(s)", fields.len())));
        };
        let name_ok = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.+/:".contains(c))
        };
        if !name_ok(owner) {
            return Err(err(format!("bad owner {owner:?}")));
        }
        if !name_ok(question) || !question.contains('/') {
            return Err(err(format!("bad question {question:?} (no `/`)")));
        }
        if !TYPES.contains(kind) {
            return Err(err(format!("unknown type {kind:?}")));
        }
        if line.contains('\0') {
            return Err(err("a NUL byte".into()));
        }
        out.push(line.to_owned());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_checked_and_comments_dropped() {
        let t = "# dbconfig\nmasakari-common masakari/configure_db boolean true\n\n\
                 masakari-common masakari-common/database-type select sqlite3\n\
                 pkg pkg/title string two words\n";
        let a = parse_text("f", t).unwrap();
        assert_eq!(a.len(), 3);
        assert_eq!(a[2], "pkg pkg/title string two words");
        // An empty string value is an answer.
        assert_eq!(parse_text("f", "p p/q string").unwrap().len(), 1);
    }

    #[test]
    fn bad_answers_name_the_line() {
        let e = parse_text("f", "ok ok/q boolean true\np p/q bool true").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(
            e.to_string().starts_with("f:2: unknown type \"bool\""),
            "{e}"
        );
        assert!(parse_text("--preseed", "p q").is_err());
        assert!(parse_text("--preseed", "p noslash string x").is_err());
        assert!(parse_text("--preseed", "p;rm p/q string x").is_err());
    }
}
