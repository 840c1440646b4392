//! Network family: socket, bind, listen, accept with peer, connect with result, sendto with a
//! destination; AF_INET, AF_INET6, AF_UNIX path and abstract. Loopback only.

use tracer::trace::{EventData, SockAddr};

use crate::common::*;

fn inet(ip: &str, port: u16) -> SockAddr {
    SockAddr::Inet {
        ip: ip.into(),
        port,
    }
}

/// Reads `{"NAME":N}` lines the actor printed.
fn printed(out: &[u8], name: &str) -> u16 {
    let text = String::from_utf8_lossy(out);
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find_map(|v| v.get(name).and_then(|p| p.as_u64()))
        .unwrap_or_else(|| panic!("actor did not print {name}: {text}")) as u16
}

#[test]
fn records_sockets_and_addresses() {
    let (rec, dir, _work) = record_actor("network");
    let t = &rec.trace;
    let port = printed(&rec.output.stdout, "tcp_port");
    let refused = printed(&rec.output.stdout, "refused_port");

    find(
        t,
        "TCP socket",
        |e| matches!(&e.data, EventData::Socket { domain, sock_type, .. } if domain == "AF_INET" && sock_type.starts_with("SOCK_STREAM")),
    );
    find(
        t,
        "bind 127.0.0.1",
        |e| matches!(&e.data, EventData::Bind { addr: Some(a), .. } if *a == inet("127.0.0.1", 0)),
    );
    find(
        t,
        "listen with its bound address",
        |e| matches!(&e.data, EventData::Listen { addr: Some(a), backlog: 128, .. } if *a == inet("127.0.0.1", 0)),
    );
    let connect = find(
        t,
        "connect to the listener",
        |e| matches!(&e.data, EventData::Connect { addr: Some(a), .. } if *a == inet("127.0.0.1", port)),
    );
    assert_eq!(connect.result.as_ref().map(|r| r.ret), Some(0));
    find(
        t,
        "accept with the peer",
        |e| matches!(&e.data, EventData::Accept { peer: Some(SockAddr::Inet { ip, .. }), local: Some(_), .. } if ip == "127.0.0.1"),
    );
    let refused_ev = find(
        t,
        "refused connect",
        |e| matches!(&e.data, EventData::Connect { addr: Some(a), .. } if *a == inet("127.0.0.1", refused)),
    );
    let r = refused_ev.result.as_ref().expect("result");
    assert_eq!((r.ret, r.errno.as_deref()), (-111, Some("ECONNREFUSED")));
    find(t, "UDP sendto with destination", |e| {
        syscall_is(e, "sendto")
            && matches!(&e.data, EventData::Send { addr: Some(SockAddr::Inet { ip, .. }), .. } if ip == "127.0.0.1")
    });
    find(
        t,
        "IPv6 connect to ::1",
        |e| matches!(&e.data, EventData::Connect { addr: Some(SockAddr::Inet6 { ip, .. }), .. } if ip == "::1"),
    );
    let sock = format!("{dir}/actor.sock");
    find(
        t,
        "unix bind on a path",
        |e| matches!(&e.data, EventData::Bind { addr: Some(SockAddr::Unix { path: Some(p), .. }), .. } if *p == sock),
    );
    find(
        t,
        "unix connect",
        |e| matches!(&e.data, EventData::Connect { addr: Some(SockAddr::Unix { path: Some(p), .. }), .. } if *p == sock),
    );
    find(
        t,
        "abstract unix bind",
        |e| matches!(&e.data, EventData::Bind { addr: Some(SockAddr::Unix { abstract_name: Some(n), path: None }), .. } if n == "tracer-abstract"),
    );
}

/// Every send that names a destination (`actor send-tricks`).
#[test]
fn send_variants_are_recorded() {
    let (rec, _dir, _work) = record_actor("send-tricks");
    let t = &rec.trace;
    let send_to = |call: &str, ip: &str| {
        find(t, &format!("{call} to {ip}"), |e| {
            syscall_is(e, call)
                && matches!(&e.data, EventData::Send { addr: Some(a), .. } if serde_json::to_string(a).unwrap().contains(ip))
        })
    };
    send_to("sendto", "127.0.0.21");
    send_to("sendmsg", "127.0.0.22");
    let single = send_to("sendmmsg", "127.0.0.23");
    assert!(single.flags.is_empty(), "{single:?}");
    // A batch of two: the first destination, flagged (the second may differ) and counted.
    let batch = find(t, "sendmmsg batch", |e| {
        syscall_is(e, "sendmmsg") && e.result.as_ref().is_some_and(|r| r.ret == 2)
    });
    assert!(
        batch.flags.iter().any(|f| f == "path_truncated"),
        "{batch:?}"
    );
    assert!(t.footer.as_ref().unwrap().truncated["send"] >= 1);
    // TCP Fast Open: a sendto that connects, with its destination.
    send_to("sendto", "127.0.0.26");
    // The connected UDP socket: its peer is the connect's.
    find(
        t,
        "connect of the UDP socket",
        |e| matches!(&e.data, EventData::Connect { addr: Some(a), .. } if serde_json::to_string(a).unwrap().contains("127.0.0.25")),
    );
}
