//! Workload 1: `openat` + `close` of one file, 1,000,000 times (the syscall-heavy case where
//! per-event cost shows most).

use std::ffi::CString;

use tracer_bench::helper::{Opts, Run, open_close, work_dir};

const FULL: u64 = 1_000_000;

fn main() {
    let opts = Opts::from_args();
    let n = opts.count_or(FULL);
    let dir = work_dir(&opts, "open");
    let file = dir.join("f");
    std::fs::write(&file, b"x").expect("creating the file to open");
    let path = CString::new(file.to_str().expect("a UTF-8 temp path")).expect("no NUL");
    opts.handshake();
    let pacer = opts.pacer();
    let run = Run::start("open");
    for i in 0..n {
        pacer.before_op(i);
        open_close(&path, libc::O_RDONLY);
    }
    run.finish(&[("open", n)]);
    let _ = std::fs::remove_dir_all(&dir);
}
