//! Folding a trace's events into a [`Summary`].

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::{
    CallUse, Connection, DirGroup, EnvironmentUse, ExecInfo, ExitInfo, FileEntry, Files, Listening,
    Lookup, Loss, PrivilegeChange, ProcessNode, Recording, SUMMARY_VERSION, Sockets, Summary,
};
use crate::trace::{
    Event, EventData, EventKind, Trace,
    describe::{
        IoUringNet, addr_label, failed, file_changes, io_uring_net, is_server_bind, keyring_detail,
        outcome, outcome_label, privilege_detail, result_label, self_policy_detail, succeeded,
        target_label,
    },
};

pub fn summarize(trace: &Trace) -> Summary {
    Summary {
        summary_version: SUMMARY_VERSION,
        recording: recording(trace),
        processes: process_tree(&trace.events),
        files: files(&trace.events),
        sockets: sockets(&trace.events),
        privilege: privilege(&trace.events),
        self_policy: calls(&trace.events, self_policy_detail),
        keyring: calls(&trace.events, keyring_detail),
        environment: environment(&trace.events),
        loss: loss(trace),
    }
}

fn recording(trace: &Trace) -> Recording {
    let h = &trace.header;
    Recording {
        tool_version: format!("{} {}", h.tool.name, h.tool.version),
        kernel: format!("{} {}", h.kernel.release, h.kernel.machine),
        hostname: h.hostname.clone(),
        start_time: h.start_time.clone(),
        target: target_label(&h.target),
        duration_ms: trace.footer.as_ref().map(|f| f.duration_ms),
        stop_reason: trace.footer.as_ref().map(|f| {
            serde_json::to_value(f.stop_reason)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        }),
        // Events, not lines: a line with `repeat` is that many.
        events: trace.events.iter().map(Event::occurrences).sum(),
        hooks_attached: h.hooks.attached.len(),
        hooks_failed: h
            .hooks
            .failed
            .iter()
            .filter(|f| !f.absent)
            .map(|f| format!("{}: {}", f.hook, f.error))
            .collect(),
        hooks_absent: h
            .hooks
            .failed
            .iter()
            .filter(|f| f.absent)
            .map(|f| f.hook.clone())
            .collect(),
    }
}

struct Flat {
    node: ProcessNode,
    parent: Option<usize>,
}

/// Builds the fork tree. A pid seen again after its exit and a new fork is a new process (pid
/// reuse), so nodes are keyed by the latest holder of each pid.
fn process_tree(events: &[Event]) -> Vec<ProcessNode> {
    let mut flat: Vec<Flat> = Vec::new();
    let mut by_pid: HashMap<u32, usize> = HashMap::new();
    let new_node = |pid, ppid, ev: &Event| ProcessNode {
        pid,
        ppid,
        comm: ev.comm.clone(),
        uid: ev.ids.uid,
        euid: ev.ids.euid,
        execs: Vec::new(),
        exit: None,
        children: Vec::new(),
    };
    for ev in events {
        let idx = match by_pid.get(&ev.pid) {
            Some(&i) => i,
            None => {
                let parent = ev.ppid.and_then(|pp| by_pid.get(&pp).copied());
                flat.push(Flat {
                    node: new_node(ev.pid, ev.ppid, ev),
                    parent,
                });
                by_pid.insert(ev.pid, flat.len() - 1);
                flat.len() - 1
            }
        };
        {
            let node = &mut flat[idx].node;
            node.comm.clone_from(&ev.comm);
            node.uid = ev.ids.uid;
            node.euid = ev.ids.euid;
        }
        match &ev.data {
            EventData::Fork {
                child_pid, thread, ..
            } if !*thread => {
                let mut child = new_node(*child_pid, Some(ev.pid), ev);
                child.comm.clone_from(&ev.comm);
                flat.push(Flat {
                    node: child,
                    parent: Some(idx),
                });
                by_pid.insert(*child_pid, flat.len() - 1);
            }
            EventData::Exec {
                path,
                interpreter,
                argv,
                argv_truncated,
                setid,
                ..
            } => flat[idx].node.execs.push(ExecInfo {
                seq: ev.seq,
                path: path.best().to_owned(),
                interpreter: interpreter.clone(),
                argv: argv.clone(),
                argv_truncated: *argv_truncated,
                setid: *setid,
                result: outcome(ev),
            }),
            EventData::Exit {
                code,
                signal,
                core_dumped,
                ..
            } => {
                flat[idx].node.exit = Some(ExitInfo {
                    code: *code,
                    signal: *signal,
                    core_dumped: *core_dumped,
                })
            }
            _ => {}
        }
    }
    // Nest children under parents, deepest first (a child always comes after its parent).
    let mut children: Vec<Vec<ProcessNode>> = vec![Vec::new(); flat.len()];
    let mut roots = Vec::new();
    for i in (0..flat.len()).rev() {
        let mut node = flat[i].node.clone();
        node.children = std::mem::take(&mut children[i]);
        node.children.reverse();
        match flat[i].parent {
            Some(p) if p < i => children[p].push(node),
            _ => roots.push(node),
        }
    }
    roots.reverse();
    roots
}

pub(crate) fn split_path(path: &str) -> (String, String) {
    if !path.starts_with('/') {
        return ("(unresolved)".to_owned(), path.to_owned());
    }
    match path.rfind('/') {
        Some(0) => ("/".to_owned(), path[1..].to_owned()),
        Some(i) => (path[..i].to_owned(), path[i + 1..].to_owned()),
        None => ("/".to_owned(), path.to_owned()),
    }
}

type Grouped = BTreeMap<String, BTreeMap<String, (BTreeSet<String>, BTreeSet<u32>)>>;

fn groups(map: Grouped) -> Vec<DirGroup> {
    map.into_iter()
        .map(|(dir, files)| DirGroup {
            dir,
            files: files
                .into_iter()
                .map(|(name, (ops, pids))| FileEntry {
                    name,
                    ops: ops.into_iter().collect(),
                    pids: pids.into_iter().collect(),
                })
                .collect(),
        })
        .collect()
}

fn files(events: &[Event]) -> Files {
    let mut changed: Grouped = BTreeMap::new();
    let mut read: Grouped = BTreeMap::new();
    let mut read_failed = 0;
    for ev in events {
        let changes = file_changes(ev);
        if changes.is_empty() {
            if let EventData::Open { path, .. } = &ev.data {
                if failed(ev.result.as_ref()) {
                    read_failed += ev.occurrences();
                } else {
                    let (dir, name) = split_path(path.best());
                    let entry = read.entry(dir).or_default().entry(name).or_default();
                    // An open still waiting at the stop (a FIFO's) has read nothing yet.
                    entry.0.insert(if succeeded(ev) {
                        "read".to_owned()
                    } else {
                        format!("read ({})", outcome_label(ev))
                    });
                    entry.1.insert(ev.pid);
                }
            }
            continue;
        }
        for (path, op) in changes {
            let op = if !succeeded(ev) {
                format!("{op} ({})", outcome_label(ev))
            } else {
                op
            };
            let (dir, name) = split_path(path.best());
            let entry = changed.entry(dir).or_default().entry(name).or_default();
            entry.0.insert(op);
            entry.1.insert(ev.pid);
        }
    }
    Files {
        changed: groups(changed),
        read: groups(read),
        read_failed,
    }
}

type ConnKey = (String, String);

fn connections(map: BTreeMap<ConnKey, (u64, BTreeSet<u32>)>) -> Vec<Connection> {
    map.into_iter()
        .map(|((addr, result), (count, pids))| Connection {
            addr,
            result,
            count,
            pids: pids.into_iter().collect(),
        })
        .collect()
}

fn sockets(events: &[Event]) -> Sockets {
    let mut listening = Vec::new();
    let mut listened: BTreeSet<(u32, i32)> = BTreeSet::new();
    let mut binds: Vec<(u32, i32, Listening)> = Vec::new();
    let mut connected = BTreeMap::new();
    let mut sent_to = BTreeMap::new();
    let mut accepted = BTreeMap::new();
    let bump = |map: &mut BTreeMap<ConnKey, (u64, BTreeSet<u32>)>, addr: String, ev: &Event| {
        let e = map.entry((addr, outcome_label(ev))).or_default();
        e.0 += ev.occurrences();
        e.1.insert(ev.pid);
    };
    for ev in events {
        match &ev.data {
            EventData::Listen { fd, addr, .. } => {
                listened.insert((ev.pid, *fd));
                listening.push(Listening {
                    pid: ev.pid,
                    comm: ev.comm.clone(),
                    addr: addr.as_ref().map(addr_label),
                    result: result_label(ev.result.as_ref()),
                });
            }
            EventData::Bind {
                fd,
                addr: Some(addr),
                autobind,
            } if is_server_bind(addr) => binds.push((
                ev.pid,
                *fd,
                Listening {
                    pid: ev.pid,
                    comm: ev.comm.clone(),
                    addr: Some(if *autobind {
                        format!("{} (autobind at a send)", addr_label(addr))
                    } else {
                        addr_label(addr)
                    }),
                    result: result_label(ev.result.as_ref()),
                },
            )),
            EventData::Connect { addr, .. } => bump(
                &mut connected,
                addr.as_ref()
                    .map_or_else(|| "(unknown)".to_owned(), addr_label),
                ev,
            ),
            EventData::Send {
                addr: Some(addr), ..
            } => bump(&mut sent_to, addr_label(addr), ev),
            EventData::IoUringOp { .. } => match io_uring_net(ev) {
                Some(IoUringNet::Addressed(EventKind::Connect, a)) => {
                    bump(&mut connected, format!("{} (io_uring)", addr_label(a)), ev)
                }
                Some(IoUringNet::Addressed(_, a)) => {
                    bump(&mut sent_to, format!("{} (io_uring)", addr_label(a)), ev)
                }
                _ => {}
            },
            EventData::Accept { local, .. } => bump(
                &mut accepted,
                local
                    .as_ref()
                    .map_or_else(|| "(unknown)".to_owned(), addr_label),
                ev,
            ),
            _ => {}
        }
    }
    Sockets {
        listening,
        bound: binds
            .into_iter()
            .filter(|(pid, fd, _)| !listened.contains(&(*pid, *fd)))
            .map(|(_, _, l)| l)
            .collect(),
        connected: connections(connected),
        sent_to: connections(sent_to),
        accepted: connections(accepted),
    }
}

fn privilege(events: &[Event]) -> Vec<PrivilegeChange> {
    events
        .iter()
        .filter_map(|ev| {
            privilege_detail(ev).map(|detail| PrivilegeChange {
                seq: ev.seq,
                time: ev.time.clone(),
                pid: ev.pid,
                comm: ev.comm.clone(),
                kind: ev.data.kind().name().to_owned(),
                detail,
                result: outcome(ev),
            })
        })
        .collect()
}

/// The events `detail` describes, each with its call and result.
fn calls(events: &[Event], detail: fn(&Event) -> Option<String>) -> Vec<CallUse> {
    events
        .iter()
        .filter_map(|ev| {
            detail(ev).map(|detail| CallUse {
                seq: ev.seq,
                time: ev.time.clone(),
                pid: ev.pid,
                comm: ev.comm.clone(),
                call: ev.call().to_owned(),
                detail,
                result: outcome(ev),
            })
        })
        .collect()
}

fn loss(trace: &Trace) -> Loss {
    match &trace.footer {
        None => Loss {
            finished: false,
            lost: BTreeMap::new(),
            total_lost: 0,
            truncated: BTreeMap::new(),
            unresolved_paths: BTreeMap::new(),
            malformed: 0,
            integrity: trace.integrity.warnings(),
        },
        Some(f) => {
            let nonzero = |m: &BTreeMap<String, u64>| {
                m.iter()
                    .filter(|(_, v)| **v > 0)
                    .map(|(k, v)| (k.clone(), *v))
                    .collect()
            };
            Loss {
                finished: true,
                lost: nonzero(&f.lost),
                total_lost: f.total_lost(),
                truncated: nonzero(&f.truncated),
                unresolved_paths: nonzero(&f.unresolved_paths),
                malformed: f.malformed,
                integrity: trace.integrity.warnings(),
            }
        }
    }
}

/// getenv and getrandom events.
fn environment(events: &[Event]) -> EnvironmentUse {
    let mut names: BTreeMap<String, (u64, BTreeSet<u32>)> = BTreeMap::new();
    let mut out = EnvironmentUse::default();
    for ev in events {
        match &ev.data {
            EventData::Getenv { name, .. } => {
                let e = names.entry(name.clone()).or_default();
                e.0 += ev.occurrences();
                e.1.insert(ev.pid);
            }
            EventData::Getrandom { bytes, .. } => {
                out.getrandom_calls += ev.occurrences();
                out.getrandom_bytes = out
                    .getrandom_bytes
                    .saturating_add(bytes.saturating_mul(ev.occurrences()));
            }
            _ => {}
        }
    }
    out.getenv = names
        .into_iter()
        .map(|(name, (count, pids))| Lookup {
            name,
            count,
            pids: pids.into_iter().collect(),
        })
        .collect();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Calls still running when the recording stopped (no result, flagged `unfinished`) are
    /// shown as such: not as a success, not as a failure.
    #[test]
    fn calls_still_running_at_the_stop_are_shown_unfinished() {
        use serde_json::json;
        let events = [
            (
                "connect",
                json!({"fd": 3, "addr": {"family": "inet", "ip": "10.1.2.3", "port": 443}}),
            ),
            (
                "open",
                json!({"path": {"resolved": "/run/x.fifo"}, "flags": ["O_RDONLY"], "flags_raw": 0, "mode": null, "access": "read"}),
            ),
            (
                "open",
                json!({"path": {"resolved": "/run/y.fifo"}, "flags": ["O_WRONLY"], "flags_raw": 1, "mode": null, "access": "write"}),
            ),
        ];
        let mut t = crate::verdict::synthetic::trace(
            &crate::verdict::synthetic::fixture_header(),
            events
                .iter()
                .map(|(kind, fields)| (kind.to_string(), 10, kind.to_string(), fields.clone())),
        );
        for ev in &mut t.events {
            ev.result = None;
            ev.flags = vec!["args_unverified".to_owned(), "unfinished".to_owned()];
        }
        let s = summarize(&t);
        let text = serde_json::to_string(&s).expect("JSON");
        assert!(
            text.contains(r#""addr":"10.1.2.3:443","result":"unfinished""#),
            "{text}"
        );
        assert!(text.contains(r#""ops":["read (unfinished)"]"#), "{text}");
        assert!(text.contains(r#""ops":["write (unfinished)"]"#), "{text}");
    }
}
