//! The plain-text report, for a Launchpad comment (which renders no Markdown): no escapes but
//! those that make hostile names visible ([`printable`]: control and bidi characters), aligned
//! columns, evidence indented under its claim, and no line over [`WIDTH`] characters.

use super::{
    Report,
    lines::{
        allow_line, clip, environment_lines, evidence_lines, finding_lines, finding_sections,
        installed_lines, not_checkable_lines, outcome_line, source_label,
    },
};
use crate::{claims::Source, trace::describe::printable, verdict::Status};

/// Launchpad shows comments in a fixed-width font and wraps nothing itself.
pub const WIDTH: usize = 100;
const INDENT: &str = "    ";

/// Appends `text` wrapped at [`WIDTH`]: the first line starts with `first`, the rest with
/// `rest`. Words longer than a line (a long path) are cut where the line ends.
pub(crate) fn wrap(out: &mut String, first: &str, rest: &str, text: &str) {
    let mut line = first.to_owned();
    let mut empty = true;
    let mut prefix_len = first.chars().count();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let mut word: &str = word;
        loop {
            let len = line.chars().count();
            let wlen = word.chars().count();
            let sep = usize::from(!empty);
            if len + sep + wlen <= WIDTH {
                if !empty {
                    line.push(' ');
                }
                line.push_str(word);
                empty = false;
                break;
            }
            if !empty {
                out.push_str(line.trim_end());
                out.push('\n');
                line = rest.to_owned();
                prefix_len = rest.chars().count();
                empty = true;
                continue;
            }
            // Alone on its line and still too long: cut it.
            let room = WIDTH.saturating_sub(prefix_len).max(1);
            let cut = word.char_indices().nth(room).map_or(word.len(), |(i, _)| i);
            line.push_str(&word[..cut]);
            out.push_str(&line);
            out.push('\n');
            line = rest.to_owned();
            prefix_len = rest.chars().count();
            word = &word[cut..];
            if word.is_empty() {
                break;
            }
        }
    }
    if !empty || line != rest {
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

fn heading(out: &mut String, title: &str) {
    out.push('\n');
    out.push_str(title);
    out.push('\n');
    out.push_str(&"-".repeat(title.chars().count().min(WIDTH)));
    out.push('\n');
}

fn indented(out: &mut String, lines: Vec<String>, indent: &str) {
    let rest = format!("{indent}  ");
    for l in lines {
        wrap(out, indent, &rest, &l);
    }
}

pub fn render_text(r: &Report) -> String {
    let mut out = String::new();
    let pkg = r.inputs.package.as_deref().unwrap_or("(package not named)");
    let title = format!("Runtime check of review claims: {}", printable(pkg));
    wrap(&mut out, "", "", &title);
    out.push_str(&"=".repeat(title.chars().count().min(WIDTH)));
    out.push_str("\n\n");
    wrap(&mut out, "", "", &outcome_line(r));

    if r.verdicts.is_empty() {
        out.push_str("\nNo runtime-checkable claim was found.\n");
    } else {
        let id_w = r
            .verdicts
            .iter()
            .map(|v| printable(&v.claim.id).chars().count())
            .max()
            .unwrap_or(2)
            .max(2);
        let status_w = "not exercised".len();
        let source_w = r
            .verdicts
            .iter()
            .map(|v| source_label(v).len())
            .max()
            .unwrap_or(6)
            .max(6);
        out.push('\n');
        let head = format!(
            "{:id_w$}  {:status_w$}  {:source_w$}  CLAIM",
            "ID", "VERDICT", "SOURCE"
        );
        out.push_str(&head);
        out.push('\n');
        let hang = " ".repeat(id_w + status_w + source_w + 6);
        for v in &r.verdicts {
            let status = match v.status {
                Status::Contradicted | Status::Inconclusive => v.status.label().to_uppercase(),
                _ => v.status.label().to_owned(),
            };
            let first = format!(
                "{:id_w$}  {:status_w$}  {:source_w$}  ",
                printable(&v.claim.id),
                status,
                source_label(v)
            );
            wrap(&mut out, &first, &hang, &printable(v.claim.statement()));
        }
    }

    heading(&mut out, "Evidence");
    for v in &r.verdicts {
        out.push('\n');
        wrap(
            &mut out,
            "",
            INDENT,
            &format!(
                "{} {}: {}",
                printable(&v.claim.id),
                v.status.label(),
                printable(v.claim.statement())
            ),
        );
        wrap(&mut out, INDENT, INDENT, &printable(&v.reason));
        if let Source::Review { text, .. } = &v.claim.source {
            wrap(
                &mut out,
                &format!("{INDENT}review: \""),
                &format!("{INDENT}  "),
                &format!("{}\"", printable(&clip(text))),
            );
        }
        indented(&mut out, installed_lines(&v.installed, printable), INDENT);
        indented(&mut out, evidence_lines(&v.evidence, printable), INDENT);
        if v.maintainer_scripts.total > 0 {
            wrap(
                &mut out,
                INDENT,
                INDENT,
                &format!(
                    "Maintainer scripts did the same ({} event(s), not held against the daemon):",
                    v.maintainer_scripts.total
                ),
            );
            indented(
                &mut out,
                evidence_lines(&v.maintainer_scripts, printable),
                &format!("{INDENT}  "),
            );
        }
        if let Some(allow) = allow_line(v, printable) {
            wrap(&mut out, INDENT, INDENT, &allow);
        }
        if !v.gaps.is_empty() && v.status != Status::Inconclusive {
            wrap(
                &mut out,
                INDENT,
                INDENT,
                &format!("Trace gaps: {}.", printable(&v.gaps.join("; "))),
            );
        }
        if !v.covered_by.is_empty() {
            wrap(
                &mut out,
                INDENT,
                INDENT,
                &format!(
                    "Covered by phases: {}.",
                    printable(&v.covered_by.join(", "))
                ),
            );
        }
    }

    let blocks = super::runtime::runtime_blocks(r, printable);
    if !blocks.is_empty() {
        heading(&mut out, super::runtime::TITLE);
        for b in blocks {
            wrap(&mut out, "", INDENT, &b.heading);
            indented(&mut out, b.lines, INDENT);
        }
    }

    heading(&mut out, "Other findings (package and maintainer scripts)");
    let mut any = false;
    for (title, list) in finding_sections(&r.findings) {
        if list.total == 0 {
            continue;
        }
        any = true;
        out.push_str(&format!("{title} ({})\n", list.total));
        indented(&mut out, finding_lines(list, printable), INDENT);
    }
    if !any {
        out.push_str("None.\n");
    }

    if !r.not_checkable.is_empty() {
        heading(
            &mut out,
            &format!("Not checkable at run time ({})", r.not_checkable.len()),
        );
        indented(&mut out, not_checkable_lines(r, printable), "");
    }
    if r.unrecognised_lines > 0 {
        out.push('\n');
        wrap(
            &mut out,
            "",
            "",
            &format!(
                "{} other review line(s) were not recognised as claims (`tracer claims --json` \
                 lists them).",
                r.unrecognised_lines
            ),
        );
    }

    heading(&mut out, "Environment");
    indented(&mut out, environment_lines(r, printable), "");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_every_line_within_the_width() {
        let mut out = String::new();
        let long_path = format!("/{}", "a".repeat(250));
        let text = format!("write {long_path} and then some more words to wrap around {long_path}");
        wrap(&mut out, INDENT, "      ", &text);
        for l in out.lines() {
            assert!(l.chars().count() <= WIDTH, "{l:?} ({})", l.chars().count());
        }
        // Nothing is lost: the words come back in order.
        let joined: String = out.split_whitespace().collect::<Vec<_>>().join("");
        assert_eq!(joined, text.split_whitespace().collect::<Vec<_>>().join(""));
    }

    #[test]
    fn wrap_of_a_short_line_is_that_line() {
        let mut out = String::new();
        wrap(&mut out, "- ", "  ", "one two");
        assert_eq!(out, "- one two\n");
    }
}
