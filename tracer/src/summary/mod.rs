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
pub(crate) use build::{file_changes, privilege_detail, target_label};
pub use model::*;
pub use text::{loss_line, render_text};

use crate::trace::{SockAddr, SysResult};

/// Bumped on any change a consumer of the summary JSON would misread.
pub const SUMMARY_VERSION: u32 = 1;

/// The paths an event changes, absolute when known, each with what was done to it; a file
/// the kernel named otherwise (the path was a symlink) is listed under both names, so a write
/// through a link into /tmp counts as a write in /tmp.
pub(crate) fn changed_paths(ev: &crate::trace::Event) -> Vec<(String, String)> {
    file_changes(ev)
        .into_iter()
        .flat_map(|(p, op)| {
            p.names()
                .map(|n| (n.to_owned(), op.clone()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// A syscall result as a reviewer reads it: `ok`, the errno name, or the raw value.
pub fn result_label(result: Option<&SysResult>) -> String {
    match result {
        None => "-".to_owned(),
        Some(r) if r.ok() => "ok".to_owned(),
        Some(r) => r.errno.clone().unwrap_or_else(|| format!("ret {}", r.ret)),
    }
}

/// Whether a syscall failed. Scheduler events (no result) count as succeeded: they only fire for
/// what happened.
pub fn failed(result: Option<&SysResult>) -> bool {
    result.is_some_and(|r| !r.ok())
}

/// One-line form of an address: `1.2.3.4:80`, `[::1]:80`, `unix:/run/x`, `unix:@name`.
pub fn addr_label(addr: &SockAddr) -> String {
    match addr {
        SockAddr::Inet { ip, port } => format!("{ip}:{port}"),
        SockAddr::Inet6 { ip, port } => format!("[{ip}]:{port}"),
        SockAddr::Unix {
            path: Some(p),
            abstract_name: _,
        } => format!("unix:{p}"),
        SockAddr::Unix {
            path: None,
            abstract_name: Some(a),
        } => format!("unix:@{a}"),
        SockAddr::Unix { .. } => "unix:(unnamed)".to_owned(),
        SockAddr::Other { number, hex } => format!("family {number}:{hex}"),
    }
}

/// Makes a name from the trace safe to print on a terminal: control characters (newlines, ANSI
/// escapes) become visible escapes, so a hostile file name cannot forge lines or recolour output.
pub fn printable(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            // Bidi overrides reorder what the reader sees (Trojan Source); show them too.
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_escapes_controls() {
        assert_eq!(printable("a\nb\x1b[31mc"), "a\\nb\\u{1b}[31mc");
        assert_eq!(printable("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(printable("plain/path"), "plain/path");
    }
}
