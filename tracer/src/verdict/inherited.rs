//! Descriptors the recorded processes held at start (the header's `inherited`): a write
//! through one leaves no event, because reads and writes are not hooked.
//!
//! Each descriptor is read as the call that would have made it: a file open for writing as a
//! write-open of its path, a connected socket as a connect to its peer, a listening socket as
//! a listen (or a UDP socket as a bind) on its address. When the claim's own rule counts that
//! call (outside its allowlist), the descriptor is a gap: the claim cannot hold, but nothing
//! is contradicted either, since the trace cannot say it was used. So a log file under the
//! package's own directory, a loopback socket for an external-endpoint claim, or a read-only
//! file make no gap.
//!
//! The standard streams (fds 0, 1 and 2) never make one. They are where whoever started the
//! program chose its input and output to go (a terminal, a pipe, the journal's socket, a log
//! file a shell redirected to): the program's output, not a file or address it chose, and
//! counting them would make every claim of every recording inconclusive.

use std::net::SocketAddr;

use super::rules::{Hit, Rules};
use crate::{
    claims::Check,
    trace::{Event, EventData, InheritedFd, PathRef, SockAddr, SysResult, Trace},
};

/// Sentences for the claim's gaps, one per descriptor that could break it unseen.
pub(super) fn gaps(trace: &Trace, rules: &Rules<'_>, check: Check) -> Vec<String> {
    let Some(model) = trace.events.first() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for f in trace.header.inherited.iter().filter(|f| f.fd > 2) {
        let ev = |data: EventData| Event {
            pid: f.pid,
            tid: f.pid,
            syscall: None,
            result: Some(SysResult {
                ret: 0,
                errno: None,
            }),
            flags: Vec::new(),
            repeat: None,
            data,
            ..trace
                .events
                .iter()
                .find(|e| e.pid == f.pid)
                .unwrap_or(model)
                .clone()
        };
        let mut hits = Vec::new();
        for call in calls(f, check) {
            match rules.hit(check, &ev(call)) {
                Hit::Yes(what) | Hit::Unknown(what) => hits.push(what),
                Hit::No | Hit::Allowed => {}
            }
        }
        if let Some(what) = hits.first() {
            out.push(format!(
                "fd {} of pid {} was open when recording started ({}{}): what it does through \
                 it is not recorded, and it stands for {what}",
                f.fd,
                f.pid,
                describe(f),
                if f.access == "read" || f.kind == "socket" {
                    String::new()
                } else {
                    format!(", {}", f.access.replace('_', "-"))
                },
            ));
        }
    }
    out
}

/// The descriptor in words: `/tmp/x`, `tcp 127.0.0.1:40000 -> 127.0.0.1:80`.
pub fn describe(f: &InheritedFd) -> String {
    match &f.socket {
        Some(s) => format!(
            "{} {}{}{}",
            s.proto,
            s.local.as_deref().unwrap_or("(unnamed)"),
            s.peer
                .as_deref()
                .map(|p| format!(" -> {p}"))
                .unwrap_or_default(),
            if s.listening { " listening" } else { "" }
        ),
        None => f.target.clone(),
    }
}

/// The calls the descriptor stands for, as far as `check` reads them.
fn calls(f: &InheritedFd, check: Check) -> Vec<EventData> {
    let mut out = Vec::new();
    if f.kind == "file" && matches!(f.access.as_str(), "write" | "read_write") {
        let path = f.target.strip_suffix(" (deleted)").unwrap_or(&f.target);
        out.push(EventData::Open {
            path: PathRef {
                resolved: Some(path.to_owned()),
                given: None,
                real: None,
                looked_up: None,
            },
            flags: vec!["O_WRONLY".to_owned()],
            flags_raw: libc::O_WRONLY as u64,
            mode: None,
            access: "write".to_owned(),
            resolve: 0,
        });
    }
    let Some(s) = &f.socket else {
        return out;
    };
    if !(s.proto.starts_with("tcp") || s.proto.starts_with("udp")) {
        return out;
    }
    let addr = |a: &Option<String>| {
        a.as_deref()
            .and_then(|a| a.parse::<SocketAddr>().ok())
            .map(|a| match a {
                SocketAddr::V4(v) => SockAddr::Inet {
                    ip: v.ip().to_string(),
                    port: v.port(),
                },
                SocketAddr::V6(v) => SockAddr::Inet6 {
                    ip: v.ip().to_string(),
                    port: v.port(),
                },
            })
    };
    let domain = if s.proto.ends_with('6') {
        "AF_INET6"
    } else {
        "AF_INET"
    };
    if check == Check::Networking {
        out.push(EventData::Socket {
            domain: domain.to_owned(),
            sock_type: if s.proto.starts_with("tcp") {
                "SOCK_STREAM"
            } else {
                "SOCK_DGRAM"
            }
            .to_owned(),
            protocol: 0,
        });
    }
    if let Some(peer) = addr(&s.peer) {
        out.push(EventData::Connect {
            fd: f.fd,
            addr: Some(peer),
        });
    } else if let Some(local) = addr(&s.local).filter(|a| {
        !matches!(
            a,
            SockAddr::Inet { port: 0, .. } | SockAddr::Inet6 { port: 0, .. }
        )
    }) {
        if s.listening && check != Check::PrivilegedPorts {
            out.push(EventData::Listen {
                fd: f.fd,
                backlog: 0,
                addr: Some(local),
            });
        } else if s.listening || s.proto.starts_with("udp") {
            out.push(EventData::Bind {
                fd: f.fd,
                addr: Some(local),
                autobind: false,
            });
        }
    }
    out
}
