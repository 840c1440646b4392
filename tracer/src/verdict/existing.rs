//! Processes that ran before the recording (`record --pid/--unit/--cgroup`, a whole-guest
//! trace): the header's snapshot of them at start is evidence of state, and the time before
//! the recording is unobserved.
//!
//! A daemon recorded live bound its port, kept or dropped root and spawned its helpers before
//! the recorder looked. What it *is* at start (its user, its listening sockets) judges the
//! claims about state; for every other claim, "nothing in the recording contradicts it" is only
//! half the answer, so such a verdict is inconclusive and says for how long the process ran
//! unobserved.

use super::{Status, Verdict, attribution::is_daemon, is_loopback, rules::scope};
use crate::{
    claims::{Check, Expect, Package},
    trace::{ExistingProcess, Target, Trace},
};

/// The package's processes among those running at start: all of a live target's when no
/// daemon is named (the target is the package), else those running a named daemon (directly or
/// as an interpreter's script).
pub(crate) fn of_package<'t>(trace: &'t Trace, package: &Package) -> Vec<&'t ExistingProcess> {
    let whole_machine = matches!(trace.header.target, Target::System);
    trace
        .header
        .existing
        .iter()
        .filter(|p| {
            if package.daemons.is_empty() {
                return !whole_machine;
            }
            let exe = p.exe.as_deref().unwrap_or("");
            is_daemon(package, exe, &p.comm)
                || p.argv
                    .first()
                    .is_some_and(|a| is_daemon(package, a, &p.comm))
                || p.argv
                    .get(1)
                    .is_some_and(|a| a.starts_with('/') && is_daemon(package, a, &p.comm))
        })
        .collect()
}

fn label(p: &ExistingProcess) -> String {
    format!(
        "process {} ({})",
        p.pid,
        crate::trace::describe::printable(&p.comm)
    )
}

/// `tcp 0.0.0.0:22` → (0.0.0.0, 22); unix sockets have no port.
fn ip_port(listening: &str) -> Option<(String, u16)> {
    let (proto, addr) = listening.split_once(' ')?;
    if !(proto.starts_with("tcp") || proto.starts_with("udp")) {
        return None;
    }
    let (host, port) = addr.rsplit_once(':')?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    Some((host.to_owned(), port.parse().ok()?))
}

/// The sockets at start that speak to a state claim, with who held them.
fn listeners(pre: &[&ExistingProcess], check: Check) -> Vec<String> {
    pre.iter()
        .flat_map(|p| {
            p.listening.iter().filter_map(move |l| {
                let (ip, port) = ip_port(l)?;
                let counts = match check {
                    Check::ExternalEndpoint => !is_loopback(&ip),
                    Check::OpensPort => true,
                    Check::PrivilegedPorts => port < 1024,
                    _ => false,
                };
                counts.then(|| format!("{} was listening on {l}", label(p)))
            })
        })
        .collect()
}

/// The verdict with what the processes running at start add to it.
pub(crate) fn adjust(mut v: Verdict, trace: &Trace, package: &Package) -> Verdict {
    let pre = of_package(trace, package);
    let check = v.claim.check;
    if pre.is_empty() || check.is_contents() || scope(check) == [super::Origin::MaintainerScript] {
        return v;
    }
    let at_start = |facts: &[String]| {
        let shown: Vec<&str> = facts.iter().take(3).map(String::as_str).collect();
        let more = facts.len().saturating_sub(3);
        let more = if more > 0 {
            format!(" (+{more} more)")
        } else {
            String::new()
        };
        format!("when recording started, {}{more}", shown.join("; "))
    };
    let state = match check {
        Check::RunsAsRoot => Some(
            pre.iter()
                .filter(|p| p.euid == 0)
                .map(|p| format!("{} was running as root", label(p)))
                .collect::<Vec<_>>(),
        ),
        Check::ExternalEndpoint | Check::OpensPort | Check::PrivilegedPorts => {
            Some(listeners(&pre, check))
        }
        _ => None,
    };
    if let Some(facts) = &state
        && facts.is_empty()
        && check != Check::RunsAsRoot
    {
        // The sockets held at start are the state before the recording: none of them counts.
        v.reason = format!(
            "{}; none of the package's {} process(es) running when recording started held such a socket",
            v.reason,
            pre.len()
        );
        return v;
    }
    if let Some(facts) = state
        && !facts.is_empty()
    {
        let (status, verb) = match v.claim.expect {
            Expect::Absent => (Status::Contradicted, "contradicts it"),
            Expect::Present => (Status::Held, "shows it"),
        };
        if v.status != Status::Contradicted {
            v.status = status;
        }
        v.reason = format!("{}, which {verb}; {}", at_start(&facts), v.reason);
        return v;
    }
    if check == Check::RunsAsRoot && matches!(v.status, Status::NotExercised) {
        // Every process of the package at start ran as another user, and none started since.
        if v.claim.expect == Expect::Absent && v.gaps.is_empty() {
            v.status = Status::Held;
        } else if v.claim.expect == Expect::Present {
            v.status = Status::Contradicted;
        }
        v.reason = format!(
            "{} process(es) of the package running when recording started, none as root",
            pre.len()
        );
        return v;
    }
    // Unobserved time: what the processes did before the recording.
    let oldest = pre
        .iter()
        .filter_map(|p| p.running_secs.map(|s| (s, p)))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let before = match oldest {
        Some((secs, p)) => format!(
            "{} process(es) of the package were already running when recording started ({} for {secs:.0} s): what they did before is not in the trace",
            pre.len(),
            label(p)
        ),
        None => format!(
            "{} process(es) of the package were already running when recording started: what they did before is not in the trace",
            pre.len()
        ),
    };
    match (v.status, v.claim.expect) {
        (Status::Held, Expect::Absent) => {
            v.status = Status::Inconclusive;
            v.reason = format!("nothing while recording contradicts it, but {before}");
        }
        (Status::NotExercised, _) => {
            v.status = Status::Inconclusive;
            v.reason = format!("nothing it concerns happened while recording, but {before}");
        }
        (Status::Inconclusive, _) => v.reason = format!("{}; and {before}", v.reason),
        _ => {}
    }
    v
}
