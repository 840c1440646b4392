//! The trace format, pinned: a real recording of the file actor, normalised (times, pids,
//! cgroup ids, host and kernel details and the work directory replaced; the dynamic loader's
//! and runtime's own opens dropped, since they differ between machines), as an insta snapshot.

use std::collections::HashMap;

use serde_json::Value;

use crate::common::*;

/// Opens that come from ld.so and the Rust runtime, not from the actor's actions.
fn is_runtime_noise(event: &Value) -> bool {
    let path = event
        .pointer("/fields/path/resolved")
        .and_then(Value::as_str)
        .unwrap_or("");
    // ld.so also searches LD_LIBRARY_PATH, which cargo points into the checkout.
    event["kind"] == "open"
        && (path.contains(".so")
            || path.starts_with("/lib")
            || path.starts_with("/usr/lib")
            || path.starts_with("/etc/ld.so")
            || path.starts_with("/proc/")
            || path.starts_with("/sys/"))
}

fn normalize(lines: &[Value], work: &str) -> Vec<Value> {
    let mut pids: HashMap<u64, String> = HashMap::new();
    let mut pid_name = |v: &Value| -> Value {
        match v.as_u64() {
            Some(p) => {
                let n = pids.len() + 1;
                Value::String(pids.entry(p).or_insert_with(|| format!("P{n}")).clone())
            }
            None => v.clone(),
        }
    };
    let mut out = Vec::new();
    for line in lines {
        let mut l = line.clone();
        match l["type"].as_str() {
            Some("header") => {
                for key in ["start_time", "start_ts_ns", "hostname"] {
                    l[key] = Value::from("<volatile>");
                }
                l["kernel"] = Value::from("<kernel>");
                l["target"] = Value::from("<target>");
                // The recorder's own pid and its trace's temporary path.
                l["recorder"] = Value::from("<recorder>");
                // The host's setting, whatever it is.
                l["core_pattern"] = Value::from("<core_pattern>");
                // What the test harness's caller left open (pipes, a terminal): the host's.
                if l.get("inherited").is_some() {
                    l["inherited"] = Value::from("<inherited>");
                }
                // The host's cgroup and the BPF programs its manager attached there.
                if l.get("cgroup_bpf").is_some() {
                    l["cgroup_bpf"] = Value::from("<cgroup_bpf>");
                }
            }
            Some("event") => {
                if is_runtime_noise(&l) || l["kind"] == "exec" {
                    // The exec of the actor names its build path: covered by the process test.
                    continue;
                }
                for key in ["pid", "tid", "ppid"] {
                    l[key] = pid_name(&l[key]);
                }
                if let Some(child) = l.pointer("/fields/child_pid").cloned() {
                    l["fields"]["child_pid"] = pid_name(&child);
                }
                l["time"] = Value::from("<time>");
                l["ts_ns"] = Value::from(0);
                l["cgroup_id"] = Value::from(0);
                l["seq"] = Value::from(0);
                // A line standing for repeats: its count stays, the last one's time goes.
                if l.get("repeat").is_some() {
                    l["repeat"]["last_ts_ns"] = Value::from(0);
                    l["repeat"]["last_time"] = Value::from("<time>");
                }
            }
            Some("footer") => {
                // code_scan names the actor's build path and this host's libraries (the
                // codescan tests check its content).
                for key in ["end_time", "duration_ms", "events", "code_scan"] {
                    l[key] = Value::from("<volatile>");
                }
            }
            _ => {}
        }
        let text = serde_json::to_string(&l)
            .expect("json")
            .replace(work, "$WORK");
        out.push(serde_json::from_str(&text).expect("json"));
    }
    out
}

#[test]
fn normalized_file_trace() {
    let (rec, work, _work_dir) = record_actor("file");
    let text = std::fs::read_to_string(rec.dir.join("trace.jsonl")).expect("trace");
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    insta::assert_json_snapshot!(normalize(&lines, &work));
}
