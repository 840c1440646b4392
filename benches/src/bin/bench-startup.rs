//! Workload 4: a daemon's start-up, 1,000 times over: spawn a helper, create a runtime
//! directory, read a config file, write state files and a pid file (atomically, by rename),
//! listen on a loopback port and take one connection on it, then clean up. A mix of every
//! family the recorder hooks, in proportions a real start-up has.

use std::{
    ffi::CString,
    net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream},
};

use tracer_bench::helper::{Opts, Run, die, fork_exec_wait, work_dir};

const FULL: u64 = 1_000;
const STATE_FILES: u64 = 3;

fn main() {
    let opts = Opts::from_args();
    let n = opts.count_or(FULL);
    let dir = work_dir(&opts, "startup");
    let config = dir.join("daemon.conf");
    std::fs::write(&config, b"listen = 127.0.0.1\nworkers = 2\n").expect("writing the config");
    let true_bin = CString::new("/bin/true").expect("no NUL");
    let ok =
        |r: std::io::Result<()>, what: &str| r.unwrap_or_else(|e| die(&format!("{what}: {e}")));
    opts.handshake();
    let pacer = opts.pacer();
    let run = Run::start("startup");
    for i in 0..n {
        pacer.before_op(i);
        if !fork_exec_wait(&true_bin) {
            die("/bin/true did not exit 0");
        }
        let rundir = dir.join("run");
        ok(std::fs::create_dir(&rundir), "mkdir");
        let conf = std::fs::read(&config).unwrap_or_else(|e| die(&format!("read config: {e}")));
        for f in 0..STATE_FILES {
            ok(
                std::fs::write(rundir.join(format!("state{f}")), &conf),
                "write state",
            );
        }
        let tmp = rundir.join("daemon.pid.tmp");
        ok(
            std::fs::write(&tmp, std::process::id().to_string()),
            "write pid",
        );
        ok(
            std::fs::rename(&tmp, rundir.join("daemon.pid")),
            "rename pid",
        );

        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .unwrap_or_else(|e| die(&format!("bind 127.0.0.1: {e}")));
        let addr = listener.local_addr().expect("a bound address");
        let client = TcpStream::connect(addr).unwrap_or_else(|e| die(&format!("connect: {e}")));
        let (server, _) = listener
            .accept()
            .unwrap_or_else(|e| die(&format!("accept: {e}")));
        drop(server);
        drop(client);
        drop(listener);

        for f in 0..STATE_FILES {
            ok(
                std::fs::remove_file(rundir.join(format!("state{f}"))),
                "unlink",
            );
        }
        ok(std::fs::remove_file(rundir.join("daemon.pid")), "unlink");
        ok(std::fs::remove_dir(&rundir), "rmdir");
    }
    run.finish(&[
        ("fork", n),
        ("exec", n),
        ("exit", n),
        ("mkdir", n),
        // the config read, the state files, the pid file
        ("open", n * (1 + STATE_FILES + 1)),
        ("rename", n),
        ("socket", 2 * n),
        ("bind", n),
        ("listen", n),
        ("connect", n),
        ("accept", n),
        ("unlink", n * (STATE_FILES + 1)),
        ("rmdir", n),
    ]);
    let _ = std::fs::remove_dir_all(&dir);
}
