//! Small traces written in the tests of the verdict rules: the quiet fixture's header (which a
//! test may change) and events given as (kind, pid, syscall, fields), read back through the
//! trace reader so that they are what a recorder's line would decode to.

/// The header line of tests/fixtures/fixture-quiet-nofooter.jsonl.
pub fn fixture_header() -> serde_json::Value {
    let line = include_str!("../../tests/fixtures/fixture-quiet-nofooter.jsonl")
        .lines()
        .next()
        .unwrap();
    serde_json::from_str(line).unwrap()
}

/// `header`, then one event line per (kind, pid, syscall, fields), numbered from 0.
pub fn trace(
    header: &serde_json::Value,
    events: impl IntoIterator<Item = (String, u32, String, serde_json::Value)>,
) -> crate::trace::Trace {
    let mut text = format!("{header}\n");
    for (seq, (kind, pid, syscall, fields)) in events.into_iter().enumerate() {
        let ev = serde_json::json!({
            "type": "event", "seq": seq, "time": "2026-11-23T12:00:00.000000000Z",
            "ts_ns": 1_000_000_000_000u64 + seq as u64, "pid": pid, "tid": pid, "ppid": 1,
            "comm": "x", "ids": {"uid": 0, "gid": 0, "euid": 0, "egid": 0}, "cgroup_id": 1,
            "syscall": syscall, "result": {"ret": 0}, "kind": kind, "fields": fields,
        });
        text.push_str(&format!("{ev}\n"));
    }
    crate::trace::read_trace_from(text.as_bytes(), std::path::Path::new("t.jsonl")).unwrap()
}
