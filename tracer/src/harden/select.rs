//! Which events are a daemon's: those of processes that ran its program (directly, or as an
//! interpreter's script) and of everything they forked afterwards.

use std::collections::HashMap;

use crate::trace::{EventData, Trace};

/// `--daemon PATH|NAME`: an absolute path matches the exec'd program or an interpreter's
/// script argument exactly; a bare name matches their basename.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaemonSelector(pub String);

impl DaemonSelector {
    fn matches(&self, program: &str) -> bool {
        if self.0.contains('/') {
            program == self.0
        } else {
            program.rsplit('/').next() == Some(self.0.as_str())
        }
    }
}

/// Per event, whether it belongs to the daemon. With no selector, every process the trace's
/// target started is the daemon (a command recorded alone).
pub fn select(trace: &Trace, daemon: Option<&DaemonSelector>) -> Vec<bool> {
    let Some(daemon) = daemon else {
        return vec![true; trace.events.len()];
    };
    let mut mine: HashMap<u32, bool> = HashMap::new();
    trace
        .events
        .iter()
        .map(|ev| {
            let ok = ev.result.as_ref().is_none_or(|r| r.ok());
            let mut this = *mine.get(&ev.pid).unwrap_or(&false);
            match &ev.data {
                EventData::Exec { path, argv, .. } if ok => {
                    let script = argv.get(1).filter(|a| a.starts_with('/'));
                    if daemon.matches(path.best()) || script.is_some_and(|s| daemon.matches(s)) {
                        this = true;
                        mine.insert(ev.pid, true);
                    }
                }
                EventData::Fork {
                    child_pid,
                    thread: false,
                    ..
                } if this => {
                    mine.insert(*child_pid, true);
                }
                _ => {}
            }
            this
        })
        .collect()
}
