//! Saved fixture traces with events spliced in, for the tests that need a fixture's run plus
//! one more thing (analysis.rs, witness.rs): the lines are edited as JSON, the events'
//! `seq` renumbered in order, and the result read back with the real trace reader.

use std::path::Path;

use serde_json::Value;
use tracer::trace::{Trace, read_trace};

/// The trace at `path` after `edit` has changed its lines (header, events, footer).
pub fn trace(path: &Path, edit: impl FnOnce(&mut Vec<Value>)) -> Trace {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    edit(&mut lines);
    for (seq, l) in lines
        .iter_mut()
        .filter(|l| l["type"] == "event")
        .enumerate()
    {
        l["seq"] = (seq as u64).into();
    }
    let name = path.file_name().unwrap().to_string_lossy();
    let out = std::env::temp_dir().join(format!("tracer-edited-{}-{name}", std::process::id()));
    let body: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&out, body).unwrap();
    let t = read_trace(&out).unwrap();
    let _ = std::fs::remove_file(&out);
    t
}

/// Where the event matching `pred` is.
pub fn at(lines: &[Value], pred: impl Fn(&Value) -> bool) -> usize {
    lines
        .iter()
        .position(|l| l["type"] == "event" && pred(l))
        .unwrap()
}

/// A copy of `template` (a fork, exec or exit line) for process `pid`.
pub fn as_pid(template: &Value, pid: u32) -> Value {
    let mut e = template.clone();
    e["pid"] = pid.into();
    e["tid"] = pid.into();
    e
}

/// A copy of the fork line `template` that forks `child`.
pub fn forking(template: &Value, child: u32) -> Value {
    let mut f = template.clone();
    f["fields"]["child_pid"] = child.into();
    f["fields"]["child_tid"] = child.into();
    f
}
