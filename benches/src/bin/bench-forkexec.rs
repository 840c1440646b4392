//! Workload 2: `fork` + `execv("/bin/true")` + `waitpid`, 5,000 times (process creation, the
//! path where a tracer pays for fork, exec and exit events and argv copies).

use std::ffi::CString;

use tracer_bench::helper::{Opts, Run, die, fork_exec_wait};

const FULL: u64 = 5_000;

fn main() {
    let opts = Opts::from_args();
    let n = opts.count_or(FULL);
    let true_bin = CString::new("/bin/true").expect("no NUL");
    opts.handshake();
    let pacer = opts.pacer();
    let run = Run::start("forkexec");
    for i in 0..n {
        pacer.before_op(i);
        if !fork_exec_wait(&true_bin) {
            die("/bin/true did not exit 0");
        }
    }
    // Each round: one fork, one exec, one exit of the child.
    run.finish(&[("fork", n), ("exec", n), ("exit", n)]);
}
