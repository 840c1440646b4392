//! The summary for a terminal. Every name from the trace goes through [`printable`].

use std::fmt::Write as _;

use super::{Connection, DirGroup, Loss, ProcessNode, Summary};
use crate::trace::describe::{printable, shown_argv};

pub fn render_text(s: &Summary) -> String {
    let mut out = String::new();
    let r = &s.recording;
    let _ = writeln!(out, "trace of {}", printable(&r.target));
    let _ = writeln!(
        out,
        "  {} on {} ({}), started {}, {}",
        r.tool_version,
        printable(&r.hostname),
        r.kernel,
        r.start_time,
        match (r.duration_ms, &r.stop_reason) {
            (Some(ms), Some(why)) => format!("{:.1} s, stopped: {why}", ms as f64 / 1000.0),
            _ => "did not finish".to_owned(),
        }
    );
    let _ = writeln!(
        out,
        "  {} events, {} hooks attached, {} failed",
        r.events,
        r.hooks_attached,
        r.hooks_failed.len()
    );
    for f in &r.hooks_failed {
        let _ = writeln!(out, "    failed: {}", printable(f));
    }
    for a in &r.hooks_absent {
        let _ = writeln!(out, "    not in this kernel: {}", printable(a));
    }
    let _ = writeln!(out, "{}", loss_line(&s.loss));

    let _ = writeln!(out, "\nprocesses");
    if s.processes.is_empty() {
        let _ = writeln!(out, "  (none)");
    }
    for root in &s.processes {
        process(&mut out, root, 1);
    }

    let _ = writeln!(out, "\nfiles changed");
    dirs(&mut out, &s.files.changed, true);
    let _ = writeln!(
        out,
        "\nfiles read ({} failed read-only opens not listed)",
        s.files.read_failed
    );
    dirs(&mut out, &s.files.read, false);

    let _ = writeln!(out, "\nsockets");
    let mut any = false;
    for l in &s.sockets.listening {
        any = true;
        let _ = writeln!(
            out,
            "  listen   {} by {} ({}) [{}]",
            printable(l.addr.as_deref().unwrap_or("(address not seen)")),
            l.pid,
            printable(&l.comm),
            l.result
        );
    }
    for l in &s.sockets.bound {
        any = true;
        let _ = writeln!(
            out,
            "  bound    {} by {} ({}) [{}]",
            printable(l.addr.as_deref().unwrap_or("?")),
            l.pid,
            printable(&l.comm),
            l.result
        );
    }
    for (label, list) in [
        ("connect", &s.sockets.connected),
        ("send to", &s.sockets.sent_to),
        ("accept", &s.sockets.accepted),
    ] {
        for c in list {
            any = true;
            conn(&mut out, label, c);
        }
    }
    if !any {
        let _ = writeln!(out, "  (none)");
    }

    let _ = writeln!(out, "\nprivilege changes");
    if s.privilege.is_empty() {
        let _ = writeln!(out, "  (none)");
    }
    for p in &s.privilege {
        let _ = writeln!(
            out,
            "  #{} {} ({}) {} {} [{}]",
            p.seq,
            p.pid,
            printable(&p.comm),
            p.kind,
            printable(&p.detail),
            p.result
        );
    }
    for (title, list) in [
        ("restrictions set on themselves", &s.self_policy),
        ("keyring calls", &s.keyring),
    ] {
        let _ = writeln!(out, "\n{title}");
        if list.is_empty() {
            let _ = writeln!(out, "  (none)");
        }
        for c in list {
            let _ = writeln!(
                out,
                "  #{} {} ({}) {} [{}]",
                c.seq,
                c.pid,
                printable(&c.comm),
                printable(&c.detail),
                c.result
            );
        }
    }
    let env = &s.environment;
    let _ = writeln!(out, "\nenvironment and randomness");
    if env.getenv.is_empty() && env.getrandom_calls == 0 {
        let _ = writeln!(out, "  (none recorded)");
    }
    if !env.getenv.is_empty() {
        let names: Vec<String> = env
            .getenv
            .iter()
            .map(|l| {
                let name = if l.name.is_empty() {
                    "(unreadable)".to_owned()
                } else {
                    printable(&l.name)
                };
                if l.count > 1 {
                    format!("{name} x{}", l.count)
                } else {
                    name
                }
            })
            .collect();
        let _ = writeln!(out, "  getenv: {}", names.join(", "));
    }
    if env.getrandom_calls > 0 {
        let _ = writeln!(
            out,
            "  getrandom: {} call(s), {} bytes",
            env.getrandom_calls, env.getrandom_bytes
        );
    }
    out
}

/// One line that says whether the trace is complete.
pub fn loss_line(loss: &Loss) -> String {
    if !loss.finished {
        return "loss: UNKNOWN - the trace has no footer: the recording did not finish, and \
                events may be missing"
            .to_owned();
    }
    if !loss.integrity.is_empty() {
        return format!(
            "loss: UNKNOWN - the trace file does not match its footer: {}",
            loss.integrity.join("; ")
        );
    }
    let mut line = if loss.total_lost == 0 {
        "loss: none (0 events lost)".to_owned()
    } else {
        let kinds: Vec<String> = loss.lost.iter().map(|(k, v)| format!("{k} {v}")).collect();
        format!(
            "loss: {} events LOST ({})",
            loss.total_lost,
            kinds.join(", ")
        )
    };
    // Saturating: a crafted footer's counts must not wrap (or panic) here.
    let sum = |m: &std::collections::BTreeMap<String, u64>| {
        m.values().fold(0u64, |acc, n| acc.saturating_add(*n))
    };
    if sum(&loss.truncated) > 0 {
        let _ = write!(line, "; {} truncated", sum(&loss.truncated));
    }
    if sum(&loss.unresolved_paths) > 0 {
        let _ = write!(line, "; {} unresolved paths", sum(&loss.unresolved_paths));
    }
    if loss.malformed > 0 {
        let _ = write!(line, "; {} malformed records", loss.malformed);
    }
    line
}

fn process(out: &mut String, p: &ProcessNode, depth: usize) {
    let indent = "  ".repeat(depth);
    let ids = match p.euid {
        Some(e) if e != p.uid => format!("uid {} euid {e}", p.uid),
        _ => format!("uid {}", p.uid),
    };
    let exit = match &p.exit {
        Some(e) => match (e.code, e.signal) {
            (_, Some(sig)) => format!(", killed by signal {sig}"),
            (Some(c), None) => format!(", exit {c}"),
            _ => String::new(),
        },
        None => String::new(),
    };
    let _ = writeln!(
        out,
        "{indent}{} {} ({ids}{exit})",
        p.pid,
        printable(&p.comm)
    );
    // Failed execs are mostly a shell's PATH search: counted here, listed in the JSON.
    let failed = p.execs.iter().filter(|e| e.result != "ok").count();
    for e in p.execs.iter().filter(|e| e.result == "ok") {
        // Secrets masked: a summary gets pasted into bugs.
        let argv = printable(&shown_argv(&e.argv));
        let _ = writeln!(
            out,
            "{indent}  exec {}{} [{}]{}{}",
            printable(&e.path),
            e.interpreter
                .as_deref()
                .map(|i| format!(" (interpreter {})", printable(i)))
                .unwrap_or_default(),
            argv,
            if e.argv_truncated { " (argv cut)" } else { "" },
            if e.setid { " SETID" } else { "" },
        );
    }
    if failed > 0 {
        let _ = writeln!(
            out,
            "{indent}  ({failed} failed exec attempt(s), e.g. PATH search; see --json)"
        );
    }
    for c in &p.children {
        process(out, c, depth + 1);
    }
}

fn dirs(out: &mut String, groups: &[DirGroup], with_ops: bool) {
    if groups.is_empty() {
        let _ = writeln!(out, "  (none)");
    }
    for g in groups {
        let _ = writeln!(out, "  {}/", printable(g.dir.trim_end_matches('/')));
        for f in &g.files {
            if with_ops {
                let _ = writeln!(
                    out,
                    "    {}  {}",
                    printable(&f.name),
                    printable(&f.ops.join(", "))
                );
            } else {
                let _ = writeln!(out, "    {}", printable(&f.name));
            }
        }
    }
}

fn conn(out: &mut String, label: &str, c: &Connection) {
    let pids: Vec<String> = c.pids.iter().map(u32::to_string).collect();
    let _ = writeln!(
        out,
        "  {label:<8} {} [{}] x{} by {}",
        printable(&c.addr),
        c.result,
        c.count,
        pids.join(",")
    );
}
