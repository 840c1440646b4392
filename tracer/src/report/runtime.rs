//! The report's runtime section: what the package's runtime did (interpreter start-up, an
//! application server's worker model, libc, systemd notification, dependencies), per claim and
//! reason, apart from the evidence held against the package; and the interpreters the package
//! ran, with what each ran. Words only: each renderer lays them out.

use super::{Report, lines::Esc};
use crate::verdict::runtime::{Cause, RuntimeGroup};

/// The section's title, the same in every format.
pub const TITLE: &str = "Runtime and dependencies (not held against the package)";

/// A block of the section: a heading line and its bullet lines.
pub struct Block {
    pub heading: String,
    pub lines: Vec<String>,
}

fn group_line(g: &RuntimeGroup, esc: Esc) -> String {
    let who = match (g.cause, g.runtime) {
        (Cause::NotSeparable, _) => "not separable".to_owned(),
        (_, Some(kind)) => kind.label().to_owned(),
        (_, None) => "runtime".to_owned(),
    };
    let first = g.shown.first().map_or_else(String::new, |i| {
        format!(", first #{} pid {} ({})", i.seq, i.pid, esc(&i.comm))
    });
    format!("{who}: {} — {}×{first}", esc(&g.why), g.total)
}

/// The section's blocks; empty when no claim has runtime events and no interpreter ran.
pub fn runtime_blocks(r: &Report, esc: Esc) -> Vec<Block> {
    let mut out = Vec::new();
    for v in &r.verdicts {
        if v.runtime.is_empty() {
            continue;
        }
        out.push(Block {
            heading: format!("{} {}", esc(&v.claim.id), esc(v.claim.statement())),
            lines: v.runtime.iter().map(|g| group_line(g, esc)).collect(),
        });
    }
    if !r.interpreters.is_empty() {
        out.push(Block {
            heading: "Interpreters and application servers the package ran".to_owned(),
            lines: r.interpreters.iter().map(|i| esc(i)).collect(),
        });
    }
    out
}
