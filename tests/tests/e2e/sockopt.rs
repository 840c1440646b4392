//! Socket options and memory locks (round 5's misses): setsockopt of capability-gated
//! options, TCP-MD5 and kernel TLS, source routes (a sendmsg's IP_RETOPTS, a socket's
//! IP_OPTIONS), and mlock/mlockall past RLIMIT_MEMLOCK — each done for real by the actor as a
//! recorded process, found in the trace with its fields, and judged; each beside a control
//! that must not contradict the claim.

use tracer::{
    claims::Check,
    trace::{Event, EventData, Trace},
    verdict::{Status, judge},
};

use crate::common::*;

fn sockopt<'a>(t: &'a Trace, option_name: &str, pred: impl Fn(&Event) -> bool) -> &'a Event {
    find(t, option_name, |e| {
        matches!(&e.data, EventData::Sockopt { option, .. } if option == option_name) && pred(e)
    })
}

fn capability(e: &Event) -> Option<&str> {
    match &e.data {
        EventData::Sockopt { capability, .. } => capability.as_deref(),
        _ => None,
    }
}

fn value(e: &Event) -> Option<i64> {
    match &e.data {
        EventData::Sockopt { value, .. } => *value,
        _ => None,
    }
}

fn verdict(t: &Trace, check: Check, allow: &[&str]) -> tracer::verdict::Verdict {
    let mut set = absent_claims("actor", &[check]);
    set.claims[0].allow.destinations = allow.iter().map(|s| (*s).to_owned()).collect();
    judge(t, &set).verdicts.remove(0)
}

fn evidence(v: &tracer::verdict::Verdict) -> String {
    v.evidence
        .shown
        .iter()
        .map(|i| i.what.clone())
        .collect::<Vec<_>>()
        .join("\n")
}

/// SO_MARK, SO_RCVBUFFORCE, SO_PRIORITY 7 and IP_TRANSPARENT set as root: recorded with their
/// values and the capability the kernel checks, and "No use of privileged functions" is
/// contradicted by them; SO_MARK refused to nobody (EPERM) is recorded as the attempt it was.
/// The unprivileged forms (SO_PRIORITY 3, IP_TRANSPARENT 0, IP_FREEBIND, a device bind) are
/// recorded with no capability, and the options no claim is about (SO_REUSEADDR,
/// TCP_NODELAY) are not recorded at all. Both hook modes.
#[test]
fn capability_gated_socket_options() {
    let work = TempDir::new("sockopt-caps-work");
    let work_path = work.path().display().to_string();
    for mode in [&[][..], &["--syscall-hooks", "per-syscall"][..]] {
        let mut args = mode.to_vec();
        args.extend(["--", actor_bin(), "sockopt-caps", &work_path]);
        let rec = record("sockopt-caps", &args);
        let t = &rec.trace;
        let footer = t.footer.as_ref().expect("footer");
        assert_eq!(footer.total_lost(), 0, "{mode:?}");
        assert_eq!(footer.target_exit.as_ref().and_then(|x| x.code), Some(0));
        let ok = |e: &Event| e.result.as_ref().is_some_and(|r| r.ok());
        let mark = sockopt(t, "SO_MARK", |e| ok(e));
        assert_eq!(value(mark), Some(0x7472_6373));
        assert_eq!(capability(mark), Some("CAP_NET_RAW or CAP_NET_ADMIN"));
        let force = sockopt(t, "SO_RCVBUFFORCE", ok);
        assert_eq!(capability(force), Some("CAP_NET_ADMIN"));
        let prio7 = sockopt(t, "SO_PRIORITY", |e| value(e) == Some(7));
        assert_eq!(capability(prio7), Some("CAP_NET_RAW or CAP_NET_ADMIN"));
        let prio3 = sockopt(t, "SO_PRIORITY", |e| value(e) == Some(3));
        assert_eq!(capability(prio3), None, "priorities 0-6 need nothing");
        let transparent = sockopt(t, "IP_TRANSPARENT", |e| value(e) == Some(1));
        assert_eq!(
            capability(transparent),
            Some("CAP_NET_RAW or CAP_NET_ADMIN")
        );
        let off = sockopt(t, "IP_TRANSPARENT", |e| value(e) == Some(0));
        assert_eq!(capability(off), None);
        assert_eq!(capability(sockopt(t, "IP_FREEBIND", ok)), None);
        let dev = sockopt(t, "SO_BINDTODEVICE", ok);
        assert!(
            matches!(&dev.data, EventData::Sockopt { detail: Some(d), capability: None, .. } if d == "device lo"),
            "{dev:?}"
        );
        let refused = sockopt(t, "SO_MARK", |e| {
            e.result.as_ref().and_then(|r| r.errno.as_deref()) == Some("EPERM")
        });
        assert_eq!(refused.ids.uid, 65534);
        assert_eq!(capability(refused), Some("CAP_NET_RAW or CAP_NET_ADMIN"));
        // Filtered in the kernel: no record for the options no claim reads.
        for e in &t.events {
            if let EventData::Sockopt { option, .. } = &e.data {
                assert!(
                    !["option 2", "option 1"].contains(&option.as_str()),
                    "an unrecorded option reached the trace: {e:?}"
                );
            }
        }
        let n = count_events(&t.events, |e| e.data.kind().name() == "sockopt");
        assert_eq!(
            n, 9,
            "SO_MARK×2, SO_RCVBUFFORCE, SO_PRIORITY×2, IP_TRANSPARENT×2, IP_FREEBIND, SO_BINDTODEVICE"
        );
        let v = verdict(t, Check::PrivilegedFunctions, &[]);
        assert_eq!(v.status, Status::Contradicted, "{}", v.reason);
        let ev = evidence(&v);
        for needle in [
            "SO_MARK 1953653619 (CAP_NET_RAW or CAP_NET_ADMIN)",
            "SO_RCVBUFFORCE",
            "SO_PRIORITY 7",
            "IP_TRANSPARENT 1",
        ] {
            assert!(ev.contains(needle), "{needle} not in:\n{ev}");
        }
        for absent in [
            "SO_PRIORITY 3",
            "IP_TRANSPARENT 0",
            "IP_FREEBIND",
            "SO_BINDTODEVICE",
        ] {
            assert!(!ev.contains(absent), "{absent} in:\n{ev}");
        }
    }
}

/// TCP-MD5 on both ends of a loopback connection (the bytes went through, signed) and
/// TCP_ULP "tls": "does not use crypto" is contradicted by the socket options, which name the
/// peer and the key's length but never the key.
#[test]
fn kernel_crypto_socket_options() {
    let (rec, _dir, _work) = record_actor("sockopt-crypto");
    let t = &rec.trace;
    let md5: Vec<&Event> = t
        .events
        .iter()
        .filter(|e| matches!(&e.data, EventData::Sockopt { option, .. } if option == "TCP_MD5SIG"))
        .collect();
    assert_eq!(md5.len(), 2, "listener and client");
    for e in &md5 {
        assert!(
            matches!(&e.data, EventData::Sockopt { detail: Some(d), crypto: Some(c), .. }
                if d == "key for 127.0.0.1:0, 16-byte key" && c.contains("RFC 2385")),
            "{e:?}"
        );
    }
    let raw = std::fs::read_to_string(rec.dir.path().join("trace.jsonl")).expect("trace");
    assert!(!raw.contains("tracer-md5-key"), "the key reached the trace");
    let ulp = sockopt(t, "TCP_ULP", |_| true);
    assert!(
        matches!(&ulp.data, EventData::Sockopt { crypto: Some(c), .. } if c.contains("kernel TLS")),
        "{ulp:?}"
    );
    let v = verdict(t, Check::Crypto, &[]);
    assert_eq!(v.status, Status::Contradicted, "{}", v.reason);
    let ev = evidence(&v);
    assert!(ev.contains("SOL_TCP TCP_MD5SIG"), "{ev}");
}

/// A sendmsg whose IP_RETOPTS route goes via 127.0.0.3 to an allowed 127.0.0.1: the datagram's
/// first hop is recorded (a `sockopt` event beside the `send`) and contradicts "only connects to
/// 127.0.0.1"; a socket's IP_OPTIONS route via 127.0.0.4 is recorded too (inconclusive by
/// itself: it is the socket's, not one datagram's). With every hop allowed, nothing is
/// contradicted.
#[test]
fn source_routes_name_the_first_hop() {
    let (rec, _dir, _work) = record_actor("sockopt-route");
    let t = &rec.trace;
    let hops = |e: &Event| match &e.data {
        EventData::Sockopt { route: Some(r), .. } => r.hops.clone(),
        _ => Vec::new(),
    };
    let per_datagram = sockopt(t, "IP_RETOPTS", |e| syscall_is(e, "sendmsg"));
    assert_eq!(hops(per_datagram), ["127.0.0.3"]);
    let send = find(t, "the send beside it", |e| {
        syscall_is(e, "sendmsg") && matches!(&e.data, EventData::Send { .. })
    });
    assert_eq!(send.ts_ns, per_datagram.ts_ns, "the same call");
    let socket_wide = sockopt(t, "IP_OPTIONS", |e| syscall_is(e, "setsockopt"));
    assert_eq!(hops(socket_wide), ["127.0.0.4"]);
    let v = verdict(t, Check::OutgoingDestinations, &["127.0.0.1"]);
    assert_eq!(v.status, Status::Contradicted, "{}", v.reason);
    let ev = evidence(&v);
    assert!(
        ev.contains("source route LSRR via 127.0.0.3") && ev.contains("goes to 127.0.0.3 first"),
        "{ev}"
    );
    // The control: the same trace with the hops allowed.
    let v = verdict(
        t,
        Check::OutgoingDestinations,
        &["127.0.0.1", "127.0.0.3", "127.0.0.4"],
    );
    assert_ne!(v.status, Status::Contradicted, "{}", v.reason);
    assert!(!v.reason.contains("source route"), "{}", v.reason);
    // Only the setsockopt's route allowed away: inconclusive, not contradicted.
    let v = verdict(t, Check::OutgoingDestinations, &["127.0.0.1", "127.0.0.3"]);
    assert_eq!(v.status, Status::Inconclusive, "{}", v.reason);
    assert!(v.reason.contains("127.0.0.4"), "{}", v.reason);
}

fn mlocks(t: &Trace) -> Vec<&Event> {
    t.events
        .iter()
        .filter(|e| matches!(e.data, EventData::Mlock { .. }))
        .collect()
}

/// mlock of four times RLIMIT_MEMLOCK and mlockall(MCL_CURRENT) as root: both succeed on
/// CAP_IPC_LOCK, are recorded with the limit and the locked bytes, and contradict "No use of
/// privileged functions".
#[test]
fn mlock_past_the_limit_is_privileged() {
    let rec = record("memlock-over", &["--", actor_bin(), "memlock", "over"]);
    let t = &rec.trace;
    let locks = mlocks(t);
    assert_eq!(locks.len(), 2, "{locks:?}");
    let EventData::Mlock {
        len: Some(len),
        limit: Some(limit),
        locked: Some(locked),
        over_limit: Some(true),
        ..
    } = &locks[0].data
    else {
        panic!("{:?}", locks[0]);
    };
    assert_eq!(*len, 4 * limit);
    assert!(locked >= len, "{locked} locked after it");
    assert!(
        matches!(&locks[1].data, EventData::Mlock { len: None, over_limit: Some(true), flags, .. } if flags == &["MCL_CURRENT"]),
        "{:?}",
        locks[1]
    );
    let v = verdict(t, Check::PrivilegedFunctions, &[]);
    assert_eq!(v.status, Status::Contradicted, "{}", v.reason);
    let ev = evidence(&v);
    assert!(
        ev.contains("mlock of") && ev.contains("(CAP_IPC_LOCK)"),
        "{ev}"
    );
}

/// The control: mlock of an eighth of the limit is recorded as within it, and contradicts
/// nothing.
#[test]
fn mlock_within_the_limit_is_not() {
    let rec = record("memlock-within", &["--", actor_bin(), "memlock", "within"]);
    let t = &rec.trace;
    let locks = mlocks(t);
    assert_eq!(locks.len(), 1, "{locks:?}");
    assert!(
        matches!(
            &locks[0].data,
            EventData::Mlock {
                over_limit: Some(false),
                ..
            }
        ),
        "{:?}",
        locks[0]
    );
    assert!(locks[0].result.as_ref().is_some_and(|r| r.ok()));
    assert_eq!(tracer::trace::describe::privilege_detail(locks[0]), None);
    let v = verdict(t, Check::PrivilegedFunctions, &[]);
    assert_ne!(v.status, Status::Contradicted, "{}", v.reason);
    assert!(!evidence(&v).contains("mlock"), "{}", evidence(&v));
}
