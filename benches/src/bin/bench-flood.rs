//! The flood: `openat` + `close` as fast as one thread can (or paced with `--rate`), meant to
//! outrun a small ring buffer. Run with `--wait-go` under `tracer record --pid`, every event of
//! the recorded window is one counted here: its opens and its own exit.
//!
//! `FLOOD_THREADS=N` splits the work over N threads (unpaced), for producing faster than one
//! thread can.
//!
//! `FLOOD_OP=socket` replaces the open with `socket(AF_INET, -1, 0)`, which fails at once with
//! EINVAL: the cheapest hooked syscall, so the producer outruns the collector's throughput
//! rather than being the bottleneck itself (the recorder records failed calls too).
//! `FLOOD_OP=socket-distinct` makes the same failing call with a protocol number of its own
//! each time, so that no two events are identical and none shares a line with another: the
//! collector's full cost per event (the pre-filled ring of `xtask bench`).

use std::{
    ffi::CString,
    sync::{Arc, Barrier},
};

use tracer_bench::helper::{
    Opts, Run, die, failed_socket, failed_socket_protocol, open_close, work_dir,
};

/// Enough to overflow a small buffer many times over; the throughput search passes its own.
const FULL: u64 = 200_000;

fn main() {
    let opts = Opts::from_args();
    let n = opts.count_or(FULL);
    let dir = work_dir(&opts, "flood");
    let file = dir.join("f");
    std::fs::write(&file, b"x").expect("creating the file to open");
    let path = CString::new(file.to_str().expect("a UTF-8 temp path")).expect("no NUL");
    // Read before the handshake: `std::env::var` calls libc's getenv, which is recorded.
    let flood_op = std::env::var("FLOOD_OP").unwrap_or_default();
    let socket = flood_op == "socket";
    let distinct = flood_op == "socket-distinct";
    let protocol = Arc::new(std::sync::atomic::AtomicI32::new(0));
    let threads: u64 = std::env::var("FLOOD_THREADS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(1)
        .max(1);
    let op = move || {
        if distinct {
            failed_socket_protocol(protocol.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
        } else if socket {
            failed_socket();
        } else {
            open_close(&path, libc::O_RDONLY);
        }
    };
    // Extra threads are started before the handshake, so that their creation is not in the
    // recorded window (a recorder attaching by pid picks up the threads that exist), and wait
    // on a barrier (futexes: not hooked) until the work starts.
    let start = Arc::new(Barrier::new(threads as usize));
    let workers: Vec<_> = (1..threads)
        .map(|_| {
            let start = Arc::clone(&start);
            let op = op.clone();
            let share = n / threads;
            std::thread::spawn(move || {
                start.wait();
                for _ in 0..share {
                    op();
                }
            })
        })
        .collect();
    opts.handshake();
    let pacer = opts.pacer();
    let run = Run::start("flood");
    start.wait();
    let mine = n - (n / threads) * (threads - 1);
    for i in 0..mine {
        if threads == 1 {
            pacer.before_op(i);
        }
        op();
    }
    for w in workers {
        w.join().unwrap_or_else(|_| die("a flood thread panicked"));
    }
    // The process exit that follows is one event of kind `exit` too.
    let kind = if socket || distinct { "socket" } else { "open" };
    run.finish(&[(kind, n), ("exit", 1)]);
    // Removing the directory would add unlink/rmdir events: leave it when recorded by pid.
    if !opts.wait_go {
        let _ = std::fs::remove_dir_all(&dir);
    }
}
