//! Workload 3: TCP connect + accept + close on loopback (127.0.0.1 only), 20,000 times.
//!
//! One process plays both ends: a loopback connect completes through the listen backlog before
//! `accept` is called. The client closes with `SO_LINGER` 0 (a reset, no TIME_WAIT), so
//! repeated runs do not run out of ephemeral ports.

use std::{
    net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream},
    os::fd::AsRawFd as _,
};

use tracer_bench::helper::{Opts, Run, die};

const FULL: u64 = 20_000;

fn main() {
    let opts = Opts::from_args();
    let n = opts.count_or(FULL);
    opts.handshake();
    let pacer = opts.pacer();
    let run = Run::start("connect");
    // Inside the timed window so that the recorded run sees every socket it counts.
    let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .unwrap_or_else(|e| die(&format!("bind 127.0.0.1: {e}")));
    let addr = listener.local_addr().expect("a bound address");
    for i in 0..n {
        pacer.before_op(i);
        let client = TcpStream::connect(addr).unwrap_or_else(|e| die(&format!("connect: {e}")));
        let (server, _) = listener
            .accept()
            .unwrap_or_else(|e| die(&format!("accept: {e}")));
        reset_on_close(&client);
        drop(client);
        drop(server);
    }
    drop(listener);
    // std's bind: socket + bind + listen; each connect: socket + connect; each accept: accept4.
    run.finish(&[
        ("socket", n + 1),
        ("bind", 1),
        ("listen", 1),
        ("connect", n),
        ("accept", n),
    ]);
}

fn reset_on_close(s: &TcpStream) {
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: a valid socket and a correctly sized option value.
    let r = unsafe {
        libc::setsockopt(
            s.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&raw const linger).cast(),
            size_of::<libc::linger>() as libc::socklen_t,
        )
    };
    if r != 0 {
        die(&format!("SO_LINGER: {}", std::io::Error::last_os_error()));
    }
}
