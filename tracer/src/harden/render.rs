//! The drop-in file: directives, each under the observations that justify it as comments.

use std::fmt::Write as _;

use super::Draft;
use crate::trace::describe::printable;

/// Characters a unit-file value may carry unquoted. A path with anything else (a space, a
/// quote, a newline from a hostile file name) is never written into a directive: the file
/// would mean something else to systemd than what the reviewer read.
fn plain(word: &str) -> bool {
    word.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+@:=,".contains(c))
}

/// One comment line: control characters shown as escapes, so nothing from the trace can end
/// the comment and start a directive.
fn comment(out: &mut String, text: &str) {
    let _ = writeln!(out, "# {}", printable(text).replace(['\n', '\r'], " "));
}

/// The drop-in text for `draft`, recorded from `source` (the trace's name).
pub fn render(draft: &Draft, source: &str) -> String {
    let mut out = String::new();
    comment(
        &mut out,
        &format!(
            "Drafted by tracer {} from {source}: {} process(es) of {}.",
            env!("CARGO_PKG_VERSION"),
            draft.processes,
            draft.daemon
        ),
    );
    comment(
        &mut out,
        "A draft from one run, not a proof: install it as a drop-in, run the daemon's tests and",
    );
    comment(
        &mut out,
        "exercise again, and check that the review's claims still hold and nothing broke.",
    );
    out.push_str("[Service]\n");
    let mut unsafe_words = Vec::new();
    for d in &draft.directives {
        let key = &d.key;
        let (kept, dropped): (Vec<&String>, Vec<&String>) = d.values.iter().partition(|w| plain(w));
        unsafe_words.extend(dropped.iter().map(|w| format!("{key}: {w}")));
        if !d.values.is_empty() && kept.is_empty() {
            continue;
        }
        let kept: Vec<&str> = kept.iter().map(|s| s.as_str()).collect();
        out.push('\n');
        for why in &d.because {
            comment(&mut out, why);
        }
        let _ = writeln!(out, "{key}={}", kept.join(" "));
    }
    if !draft.withheld.is_empty() || !unsafe_words.is_empty() {
        out.push('\n');
        comment(&mut out, "Not set, because of what the trace shows:");
        for w in &draft.withheld {
            comment(&mut out, &format!("  {}: {}", w.key, w.why));
        }
        for w in &unsafe_words {
            comment(
                &mut out,
                &format!("  {w} (left out: characters a unit file would read otherwise)"),
            );
        }
    }
    out
}
