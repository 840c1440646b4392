//! Ways around the trace that used to leave no mark (docs/blind-spots.md): signals sent by the
//! calls other than kill, opens through the kernel's magic links (`/proc/self/fd/N`, `/dev/fd/N`),
//! arguments rewritten by another thread while a call waits, and fds that come from outside the
//! process's own opens. A small C program does each for real; the test finds it in the trace,
//! named or flagged, and the verdicts do not hold a claim over what the trace cannot name.

use tracer::{
    claims::Check,
    trace::{EventData, Trace},
    verdict::{EvidenceItem, Status, Verdict, judge},
};

use crate::common::*;

/// Compiles `blind_spots/NAME.c` and records it with `args`; the trace must be whole.
fn record_c(name: &str, source: &str, args: &[&str]) -> (Recorded, TempDir) {
    let work = TempDir::new(&format!("{name}-work"));
    let bin = compile_c(work.path(), name, source, &["-lpthread"]);
    let mut all = vec!["--", bin.as_str()];
    all.extend_from_slice(args);
    let rec = record(name, &all);
    let footer = rec.trace.footer.as_ref().expect("a footer");
    assert_eq!(footer.total_lost(), 0, "events lost: {:?}", footer.lost);
    assert_eq!(footer.malformed, 0);
    (rec, work)
}

fn verdicts(t: &Trace, checks: &[Check]) -> Vec<Verdict> {
    judge(t, &absent_claims("blind-spots", checks)).verdicts
}

/// The verdict on "no `check`" contradicted, and its evidence line for event `seq`.
fn contradicting(t: &Trace, check: Check, seq: u64) -> EvidenceItem {
    let vs = verdicts(t, &[check]);
    let v = vs.iter().find(|v| v.claim.check == check).expect("judged");
    assert_eq!(v.status, Status::Contradicted, "{}", v.reason);
    v.evidence
        .shown
        .iter()
        .find(|i| i.seq == seq)
        .cloned()
        .unwrap_or_else(|| panic!("#{seq} is evidence: {:?}", v.evidence))
}

fn status(vs: &[Verdict], check: Check) -> (Status, String) {
    let v = vs.iter().find(|v| v.claim.check == check).expect("judged");
    (v.status, format!("{}: {} {:?}", v.reason, check, v.gaps))
}

/// pidfd_send_signal (through a pidfd_open pidfd and through a `/proc/PID` directory fd),
/// rt_sigqueueinfo and rt_tgsigqueueinfo to the recorder are recorded as `signal` events naming
/// the recorder, and judged as interference exactly as kill is.
#[test]
fn signals_by_every_call_name_the_recorder() {
    let (rec, _work) = record_c("signals", include_str!("blind_spots/signals.c"), &[]);
    let t = &rec.trace;
    let me = t
        .header
        .recorder
        .as_ref()
        .expect("the header names the recorder")
        .pid;
    let to_me = |call: &'static str, sig: &'static str| {
        move |e: &tracer::trace::Event| {
            matches!(&e.data, EventData::Signal { call: c, target_pid, signal, target_unknown: false, .. }
                if c == call && *target_pid as u32 == me && signal == sig)
                && e.result.as_ref().is_some_and(|r| r.ret == 0)
        }
    };
    let pidfd = find(
        t,
        "pidfd_send_signal SIGCONT",
        to_me("pidfd_send_signal", "SIGCONT"),
    );
    assert!(
        matches!(&pidfd.data, EventData::Signal { pidfd: Some(fd), .. } if *fd >= 0),
        "{pidfd:?}"
    );
    find(
        t,
        "rt_sigqueueinfo SIGCONT",
        to_me("rt_sigqueueinfo", "SIGCONT"),
    );
    find(
        t,
        "rt_tgsigqueueinfo SIGCONT",
        to_me("rt_tgsigqueueinfo", "SIGCONT"),
    );
    find(
        t,
        "pidfd_send_signal 0 on /proc/PID",
        to_me("pidfd_send_signal", "0"),
    );

    let vs = verdicts(t, &[Check::PrivilegedFunctions, Check::Networking]);
    let (privileged, why) = status(&vs, Check::PrivilegedFunctions);
    assert_eq!(privileged, Status::Contradicted, "{why}");
    assert!(why.contains("interfered with the recorder"), "{why}");
    let (net, why) = status(&vs, Check::Networking);
    assert_eq!(net, Status::Inconclusive, "{why}");
    let judged = judge(t, &absent_claims("blind-spots", &[Check::Networking]));
    let attempts: Vec<&str> = judged
        .findings
        .interference
        .items
        .iter()
        .map(|i| i.what.as_str())
        .collect();
    for want in [
        "pidfd_send_signal SIGCONT to the recorder",
        "rt_sigqueueinfo SIGCONT to the recorder",
        "rt_tgsigqueueinfo SIGCONT to the recorder",
    ] {
        assert!(
            attempts.iter().any(|a| a.starts_with(want)),
            "{want} not among {attempts:#?}"
        );
    }
}

/// A pidfd from pidfd_open names its process; one from clone(CLONE_PIDFD), whose making the
/// trace does not show, leaves the target unknown: no claim holds (the signal may have gone to
/// the recorder), and nothing is contradicted by it.
#[test]
fn a_signal_through_an_unknown_pidfd_is_flagged() {
    let (rec, _work) = record_c(
        "pidfd-unknown",
        include_str!("blind_spots/pidfd_unknown.c"),
        &[],
    );
    let t = &rec.trace;
    let children: Vec<u32> = t
        .events
        .iter()
        .filter_map(|e| match &e.data {
            EventData::Fork {
                child_pid,
                thread: false,
                ..
            } => Some(*child_pid),
            _ => None,
        })
        .collect();
    assert_eq!(children.len(), 2, "two children forked: {children:?}");
    find(t, "SIGTERM through pidfd_open's pidfd", |e| {
        matches!(&e.data, EventData::Signal { call, target_pid, signal, target_unknown: false, pidfd: Some(_), .. }
            if call == "pidfd_send_signal" && *target_pid as u32 == children[0] && signal == "SIGTERM")
    });
    find(t, "SIGKILL through CLONE_PIDFD's pidfd", |e| {
        matches!(&e.data, EventData::Signal { call, target_pid: 0, signal, target_unknown: true, pidfd: Some(_), .. }
            if call == "pidfd_send_signal" && signal == "SIGKILL")
    });
    let vs = verdicts(t, &[Check::PrivilegedFunctions, Check::Networking]);
    for check in [Check::PrivilegedFunctions, Check::Networking] {
        let (s, why) = status(&vs, check);
        assert_eq!(s, Status::Inconclusive, "{why}");
        assert!(why.contains("unknown target"), "{why}");
    }
}

/// Opens through `/proc/self/fd/N`, `/proc/thread-self/fd/N`, `/proc/PID/fd/N` and
/// `/dev/fd/N` name the file behind fd N, from the fd table; an fd the trace cannot name (a
/// pipe's) leaves the open unresolved, counted, and a file claim is not held.
#[test]
fn opens_through_proc_fd_links_name_the_file() {
    let work = TempDir::new("proc-fd-file");
    let file = work.join("target-file").display().to_string();
    let (rec, _w) = record_c("proc-fd", include_str!("blind_spots/proc_fd.c"), &[&file]);
    let t = &rec.trace;
    let writes: Vec<&tracer::trace::PathRef> = t
        .events
        .iter()
        .filter_map(|e| match &e.data {
            EventData::Open { path, access, .. } if access == "write" => Some(path),
            _ => None,
        })
        .collect();
    for link in [
        "/proc/self/fd/",
        "/proc/thread-self/fd/",
        "/proc/",
        "/dev/fd/",
    ] {
        assert!(
            writes
                .iter()
                .any(|p| path_is(p, &file)
                    && p.given.as_deref().is_some_and(|g| g.starts_with(link))),
            "no write to {file} through {link}: {writes:#?}"
        );
    }
    let unknown = writes
        .iter()
        .find(|p| p.resolved.is_none())
        .unwrap_or_else(|| panic!("the pipe's reopen is unresolved: {writes:#?}"));
    assert!(
        unknown
            .given
            .as_deref()
            .is_some_and(|g| g.starts_with("/proc/self/fd/")),
        "{unknown:?}"
    );
    let footer = t.footer.as_ref().expect("footer");
    assert!(
        footer.unresolved_paths.get("open").is_some_and(|n| *n >= 1),
        "{:?}",
        footer.unresolved_paths
    );
    let vs = verdicts(t, &[Check::WritesCgroups]);
    let (s, why) = status(&vs, Check::WritesCgroups);
    assert_eq!(s, Status::Inconclusive, "{why}");
    assert!(why.contains("base the trace does not know"), "{why}");
}

/// A FIFO's open and a unix connect that wait while another thread rewrites their path. The
/// open is named by the kernel walk of its new fd (every successful open is, session 23): its
/// `real` is the FIFO, the path read at the exit (the decoy) its `resolved`, and it is not
/// flagged. The connect is flagged `args_changed` (the exit's copy is the decoy, not what the
/// kernel used), and claims over it are inconclusive.
#[test]
fn arguments_rewritten_while_a_call_waits_are_flagged() {
    let work = TempDir::new("rewrite-dir");
    let dir = work.path().display().to_string();
    let (rec, _w) = record_c("rewrite", include_str!("blind_spots/rewrite.c"), &[&dir]);
    let t = &rec.trace;
    let changed = |e: &tracer::trace::Event| e.flags.iter().any(|f| f == "args_changed");
    let open = find(t, "the FIFO's open for writing", |e| {
        matches!(&e.data, EventData::Open { access, path, .. }
            if access == "write" && path.resolved.as_deref().is_some_and(|r| r.ends_with("/decoy-file")))
    });
    assert!(
        matches!(&open.data, EventData::Open { path, .. }
            if path.real.as_deref() == Some(format!("{dir}/fifo").as_str())),
        "{open:?}"
    );
    assert!(!changed(open), "{open:?}");
    assert_eq!(open.result.as_ref().map(|r| r.ret >= 0), Some(true));
    find(t, "the waiting connect, flagged", |e| {
        matches!(&e.data, EventData::Connect { .. })
            && changed(e)
            && e.result.as_ref().is_some_and(|r| r.ret == 0)
    });
    // Nothing else of the program was rewritten: the first connect, the reader's open.
    let flagged = count_events(&t.events, changed);
    assert_eq!(flagged, 1, "only the waiting connect is flagged");
    let vs = verdicts(t, &[Check::FileIo, Check::OutgoingDestinations]);
    let (s, why) = status(&vs, Check::OutgoingDestinations);
    assert_eq!(s, Status::Inconclusive, "{why}");
    assert!(why.contains("args_changed"), "{why}");
}

/// An fd a recorded process sent over SCM_RIGHTS is named after the sender's file when
/// received, even though the sender closed it and exited before the receipt was read; writes
/// through `/proc/self/fd/N` of it are resolved; an fd taken with pidfd_getfd from a process
/// the trace follows is named after the file too. File claims stay judged on named evidence:
/// nothing came from outside.
#[test]
fn fds_sent_between_recorded_processes_are_named() {
    let work = TempDir::new("fd-passing-file");
    let file = work.join("passed").display().to_string();
    let (rec, _w) = record_c(
        "fd-passing",
        include_str!("blind_spots/fd_passing.c"),
        &[&file, "fork"],
    );
    let t = &rec.trace;
    let received = find(
        t,
        "recvmsg with SCM_RIGHTS, named after the sender's fd",
        |e| {
            matches!(&e.data, EventData::FdReceived { call, fds, named: true, what: Some(w), source_pid: Some(_), source_fd: Some(_), .. }
            if call == "recvmsg" && fds.len() == 1 && *w == file)
        },
    );
    let EventData::FdReceived {
        fds,
        source_pid: Some(sender),
        ..
    } = &received.data
    else {
        unreachable!()
    };
    let got = fds[0];
    find(t, "the sender: a child that opened the file", |e| {
        e.pid == *sender
            && e.pid != received.pid
            && matches!(&e.data, EventData::Open { path, .. } if path_is(path, &file))
    });
    find(t, "the received fd reopened, resolved to the file", |e| {
        matches!(&e.data, EventData::Open { path, .. }
            if path.given.as_deref() == Some(format!("/proc/self/fd/{got}").as_str())
                && path.resolved.as_deref() == Some(file.as_str()))
    });
    find(t, "pidfd_getfd of its own received fd", |e| {
        matches!(&e.data, EventData::FdReceived { call, source_pid: Some(p), named: true, what: Some(w), .. }
            if call == "pidfd_getfd" && *p == e.pid && *w == file)
    });
    assert!(
        !t.events
            .iter()
            .any(|e| matches!(e.data, EventData::FdReceived { named: false, .. })),
        "no fd came from outside"
    );
    let vs = verdicts(t, &[Check::OutgoingDestinations]);
    let (_, why) = status(&vs, Check::OutgoingDestinations);
    assert!(!why.contains("came from outside the recording"), "{why}");
}

/// An fd a process outside the recording queued on a socket the command inherited (fd 9) is
/// received unnamed (`fd_received`, `named: false`), a write through `/proc/self/fd/N` of it is
/// unresolved, and claims resting on file or network evidence are inconclusive, not held.
#[test]
fn fds_from_outside_the_recording_are_flagged() {
    use std::os::{fd::AsRawFd, unix::net::UnixDatagram};
    require_root();
    let work = TempDir::new("fd-outside-file");
    let outside = work.join("outside");
    let file = std::fs::File::create(&outside).expect("create the file");
    let (ours, theirs) = UnixDatagram::pair().expect("socketpair");
    send_fd(&ours, file.as_raw_fd());
    let bin = compile_c(
        work.path(),
        "fd-outside",
        include_str!("blind_spots/fd_passing.c"),
        &[],
    );
    let rec = record_passing_fds(
        "fd-outside",
        &["--", bin.as_str(), "unused", "inherited"],
        &[(theirs.as_raw_fd(), 9)],
    );
    let t = &rec.trace;
    let received = find(t, "recvmsg with SCM_RIGHTS from outside", |e| {
        matches!(&e.data, EventData::FdReceived { call, fds, named: false, source_pid: None, what: None, .. }
            if call == "recvmsg" && fds.len() == 1)
    });
    let EventData::FdReceived { fds, .. } = &received.data else {
        unreachable!()
    };
    let got = fds[0];
    find(t, "the received fd reopened, unresolved", |e| {
        matches!(&e.data, EventData::Open { path, .. }
            if path.resolved.is_none() && path.given.as_deref() == Some(format!("/proc/self/fd/{got}").as_str()))
    });
    let vs = verdicts(t, &[Check::OutgoingDestinations]);
    let (s, why) = status(&vs, Check::OutgoingDestinations);
    assert_eq!(s, Status::Inconclusive, "{why}");
    assert!(why.contains("came from outside the recording"), "{why}");
}

/// Sends `fd` over `sock` with `SCM_RIGHTS` (one byte of data), from this test process, which
/// no recording follows.
fn send_fd(sock: &std::os::unix::net::UnixDatagram, fd: std::os::fd::RawFd) {
    use std::os::fd::AsRawFd;
    let space = unsafe { libc::CMSG_SPACE(std::mem::size_of::<i32>() as u32) } as usize;
    let mut control = vec![0u64; space.div_ceil(8)];
    let mut byte = [b'x'];
    let mut iov = libc::iovec {
        iov_base: byte.as_mut_ptr().cast(),
        iov_len: 1,
    };
    // SAFETY: a zeroed msghdr is valid; every pointer set below outlives the sendmsg.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = space;
    // SAFETY: the control buffer holds one cmsghdr with room for one int.
    let sent = unsafe {
        let c = libc::CMSG_FIRSTHDR(&msg);
        (*c).cmsg_level = libc::SOL_SOCKET;
        (*c).cmsg_type = libc::SCM_RIGHTS;
        (*c).cmsg_len = libc::CMSG_LEN(std::mem::size_of::<i32>() as u32) as usize;
        std::ptr::copy_nonoverlapping(&fd, libc::CMSG_DATA(c).cast::<i32>(), 1);
        libc::sendmsg(sock.as_raw_fd(), &msg, 0)
    };
    assert_eq!(sent, 1, "sendmsg: {}", std::io::Error::last_os_error());
}

/// The `{"NAME":N}` value the program printed on its one line of JSON.
fn printed(rec: &Recorded, name: &str) -> serde_json::Value {
    let out = String::from_utf8_lossy(&rec.output.stdout);
    out.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find_map(|v| v.get(name).cloned())
        .unwrap_or_else(|| panic!("the program did not print {name}: {out}"))
}

/// A connect cut short by SIGKILL in its handshake (round 8's `a8_killed_in_connect`, on
/// 127.0.0.2): its exit returns -ERESTARTSYS, which the trace names instead of leaving it
/// unknown. It was attempted: "No outgoing connections" is contradicted with it among the
/// evidence, shown with its errno, not as a success.
#[test]
fn a_connect_killed_in_its_handshake_names_its_errno() {
    let (rec, _work) = record_c(
        "killed_in_connect",
        include_str!("blind_spots/killed_in_connect.c"),
        &[],
    );
    assert_eq!(
        printed(&rec, "in_connect"),
        true,
        "the child waited in connect"
    );
    assert_eq!(printed(&rec, "killed"), true, "the child was killed there");
    let port = printed(&rec, "port").as_u64().expect("a port") as u16;
    let t = &rec.trace;
    let killed = find(t, "the connect killed in its handshake", |e| {
        matches!(&e.data, EventData::Connect { addr: Some(tracer::trace::SockAddr::Inet { ip, port: p }), .. }
            if ip == "127.0.0.2" && *p == port)
            && e.result.as_ref().is_some_and(|r| r.ret == -512)
    });
    let r = killed.result.as_ref().expect("a result");
    assert_eq!(r.errno.as_deref(), Some("ERESTARTSYS"), "{killed:?}");
    assert!(!r.ok());
    let item = contradicting(t, Check::OutgoingDestinations, killed.seq);
    assert_eq!(item.result, "ERESTARTSYS");
}

/// reboot(LINUX_REBOOT_CMD_RESTART) from the init of a private pid namespace (round 8's
/// `c8_reboot_pidns`): the kernel kills the caller inside the call, so no syscall exit ever
/// comes. The call is recorded at its entry, with its command, once, without a result and
/// flagged `no_return`, and it contradicts "No use of privileged functions" by itself.
#[test]
fn a_reboot_that_never_returns_is_recorded_at_its_entry() {
    let (rec, _work) = record_c(
        "reboot_pidns",
        include_str!("blind_spots/reboot_pidns.c"),
        &[],
    );
    assert_eq!(
        printed(&rec, "child_signal"),
        libc::SIGHUP,
        "the namespace was restarted"
    );
    let t = &rec.trace;
    let is_reboot = |e: &tracer::trace::Event| {
        matches!(&e.data, EventData::PrivilegedCall { call, op: Some(op), .. }
            if call == "reboot" && op == "RESTART")
    };
    let reboot = find(t, "reboot RESTART", is_reboot);
    assert_eq!(count_events(&t.events, is_reboot), 1, "one event per call");
    assert_eq!(reboot.result, None, "{reboot:?}");
    assert_eq!(reboot.flags, ["no_return"], "{reboot:?}");
    let item = contradicting(t, Check::PrivilegedFunctions, reboot.seq);
    assert!(item.result.starts_with("no return"), "{item:?}");
}

/// A connect still waiting for its handshake when the recording stops (`--leave-running` and a
/// duration: the program lives on): it has sent its SYN, but its record is written at its exit,
/// after the recording. The recorder finds it still in flight and writes it from its entry:
/// the connect with its address, no result, flagged `unfinished` (and `args_unverified`: the
/// address was read at the entry only). Not lost: it is in the trace. An attempt counts like
/// any failed connect: "No outgoing connections" and "only connects to 127.0.0.1" are
/// contradicted by it; "only connects to 127.0.0.3" is not held over an address that was read
/// at the entry only (another thread may have rewritten it before the kernel read it).
#[test]
fn a_connect_still_running_at_the_stop_is_an_unfinished_event() {
    use std::os::fd::AsRawFd;
    require_root();
    // The listener and the connection that fills its accept queue are this test's, not
    // recorded: the program's connect is its only one.
    let listener = std::net::TcpListener::bind("127.0.0.3:0").expect("listen on 127.0.0.3");
    // SAFETY: listen(2) again on a listening socket sets its backlog: 0, one connection.
    assert_eq!(unsafe { libc::listen(listener.as_raw_fd(), 0) }, 0);
    let addr = listener.local_addr().expect("its address");
    let _filler = std::net::TcpStream::connect(addr).expect("fill the accept queue");
    let work = TempDir::new("connect-at-stop-work");
    let bin = compile_c(
        work.path(),
        "connect_at_stop",
        include_str!("blind_spots/connect_at_stop.c"),
        &[],
    );
    let port = addr.port().to_string();
    let rec = record(
        "connect-at-stop",
        &["--leave-running", "-d", "3s", "--", bin.as_str(), &port],
    );
    let pid = printed(&rec, "pid").as_i64().expect("a pid") as u32;
    // SAFETY: kill(2) of the program this test started, which the recorder left running.
    unsafe { libc::kill(pid as i32, libc::SIGKILL) };
    let t = &rec.trace;
    let connects: Vec<_> = t
        .events
        .iter()
        .filter(|e| matches!(e.data, EventData::Connect { .. }))
        .collect();
    assert_eq!(connects.len(), 1, "{connects:?}");
    let c = connects[0];
    let EventData::Connect {
        addr: Some(tracer::trace::SockAddr::Inet { ip, port: p }),
        ..
    } = &c.data
    else {
        panic!("the connect names its address: {c:?}");
    };
    assert_eq!((ip.as_str(), *p), ("127.0.0.3", addr.port()), "{c:?}");
    assert_eq!((c.pid, c.tid), (pid, pid), "{c:?}");
    assert!(c.result.is_none(), "{c:?}");
    assert_eq!(c.flags, ["args_unverified", "unfinished"], "{c:?}");
    assert_eq!(c.comm, "connect_at_stop", "{c:?}");
    let footer = t.footer.as_ref().expect("a footer");
    assert_eq!(
        footer.total_lost(),
        0,
        "in the trace, not lost: {:?}",
        footer.lost
    );
    assert_eq!(
        footer.events.get("connect"),
        Some(&1),
        "{:?}",
        footer.events
    );
    for (allowed, expected) in [
        (None, Status::Contradicted),
        (Some("127.0.0.1"), Status::Contradicted),
        (Some("127.0.0.3"), Status::Inconclusive),
    ] {
        let mut claims = absent_claims("blind-spots", &[Check::OutgoingDestinations]);
        claims.claims[0].allow.destinations = allowed.into_iter().map(str::to_owned).collect();
        let (s, why) = status(&judge(t, &claims).verdicts, Check::OutgoingDestinations);
        assert_eq!(s, expected, "allowed {allowed:?}: {why}");
    }
}

/// An open of a FIFO with no writer, still waiting when the recording stops: written from its
/// entry like the connect above (path, flags, no result, `unfinished`), not lost, and no
/// success: the claims that count opened files do not count it.
#[test]
fn an_open_of_a_fifo_still_waiting_at_the_stop_is_an_unfinished_event() {
    require_root();
    let work = TempDir::new("fifo-open-at-stop-work");
    let fifo = work.path().join("no-writer.fifo");
    let c_fifo = std::ffi::CString::new(fifo.to_str().expect("a UTF-8 path")).expect("no NUL");
    // SAFETY: mkfifo(3) with a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c_fifo.as_ptr(), 0o600) }, 0);
    let bin = compile_c(
        work.path(),
        "fifo_open_at_stop",
        include_str!("blind_spots/fifo_open_at_stop.c"),
        &[],
    );
    let rec = record(
        "fifo-open-at-stop",
        &[
            "--leave-running",
            "-d",
            "3s",
            "--",
            bin.as_str(),
            fifo.to_str().expect("a UTF-8 path"),
        ],
    );
    let pid = printed(&rec, "pid").as_i64().expect("a pid") as u32;
    // SAFETY: kill(2) of the program this test started, which the recorder left running.
    unsafe { libc::kill(pid as i32, libc::SIGKILL) };
    let t = &rec.trace;
    let want = fifo.to_str().expect("a UTF-8 path");
    let opens: Vec<_> = t
        .events
        .iter()
        .filter(|e| matches!(&e.data, EventData::Open { path, .. } if path.best() == want))
        .collect();
    assert_eq!(opens.len(), 1, "{opens:?}");
    let o = opens[0];
    let EventData::Open { access, .. } = &o.data else {
        unreachable!()
    };
    assert_eq!(access, "read", "{o:?}");
    assert_eq!((o.pid, o.result.as_ref()), (pid, None), "{o:?}");
    assert_eq!(o.flags, ["args_unverified", "unfinished"], "{o:?}");
    assert_eq!(o.syscall.as_deref(), Some("openat"), "{o:?}");
    let footer = t.footer.as_ref().expect("a footer");
    assert_eq!(
        footer.total_lost(),
        0,
        "in the trace, not lost: {:?}",
        footer.lost
    );
}

/// A sendmsg to a unix datagram socket whose queue is full, still waiting when the recording
/// stops: its destination is in a `msghdr` the kernel side's entry does not copy, so the
/// recorder reads it from the thread's memory at the stop and writes the send like the connect
/// above (address, no result, `unfinished`), not lost.
#[test]
fn a_sendmsg_still_waiting_at_the_stop_is_an_unfinished_event() {
    require_root();
    let work = TempDir::new("sendmsg-at-stop-work");
    let sock = work.path().join("rx.sock");
    let bin = compile_c(
        work.path(),
        "sendmsg_at_stop",
        include_str!("blind_spots/sendmsg_at_stop.c"),
        &[],
    );
    let want = sock.to_str().expect("a UTF-8 path");
    let rec = record(
        "sendmsg-at-stop",
        &["--leave-running", "-d", "3s", "--", bin.as_str(), want],
    );
    let pid = printed(&rec, "pid").as_i64().expect("a pid") as u32;
    // SAFETY: kill(2) of the program this test started, which the recorder left running.
    unsafe { libc::kill(pid as i32, libc::SIGKILL) };
    let t = &rec.trace;
    let sends: Vec<_> = t
        .events
        .iter()
        .filter(|e| e.syscall.as_deref() == Some("sendmsg"))
        .collect();
    assert_eq!(sends.len(), 1, "{sends:?}");
    let s = sends[0];
    let EventData::Send {
        addr: Some(tracer::trace::SockAddr::Unix { path: Some(p), .. }),
        ..
    } = &s.data
    else {
        panic!("the send names its destination: {s:?}");
    };
    assert_eq!(p, want, "{s:?}");
    assert_eq!((s.pid, s.result.as_ref()), (pid, None), "{s:?}");
    assert_eq!(s.flags, ["args_unverified", "unfinished"], "{s:?}");
    let footer = t.footer.as_ref().expect("a footer");
    assert_eq!(
        footer.total_lost(),
        0,
        "in the trace, not lost: {:?}",
        footer.lost
    );
}
