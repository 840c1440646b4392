//! The test helper: performs one family's actions with the exact syscalls the recorder hooks,
//! so that a test can look for each of them in the trace. `actor FAMILY DIR` works inside DIR.
//! It prints one line per action it could not perform (to stderr) and exits non-zero then.

use std::{ffi::CString, process::exit};

fn c(s: &str) -> CString {
    CString::new(s).expect("no NUL in test strings")
}

/// Runs `f` in a forked child and waits for it; returns the child's pid and wait status.
fn in_child(f: impl FnOnce() -> i32) -> (i32, i32) {
    // SAFETY: the child only runs `f` and _exits; the actor is single-threaded here.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        let code = f();
        // SAFETY: leaving the child without running the parent's destructors.
        unsafe { libc::_exit(code) };
    }
    let mut status = 0;
    // SAFETY: waiting for our own child.
    unsafe { libc::waitpid(pid, &mut status, 0) };
    (pid, status)
}

fn check(what: &str, ret: i64) -> i64 {
    if ret < 0 {
        eprintln!("actor: {what} failed: {}", std::io::Error::last_os_error());
    }
    ret
}

fn process(dir: &str) {
    // exec with a known argv, in a child that exits 0.
    let (_, st) = in_child(|| {
        let argv = [c("/bin/true"), c("tracer-arg-1"), c("tracer arg 2")];
        let ptrs: Vec<*const libc::c_char> = argv
            .iter()
            .map(|a| a.as_ptr())
            .chain([std::ptr::null()])
            .collect();
        // SAFETY: NUL-terminated argv and envp arrays.
        unsafe { libc::execve(argv[0].as_ptr(), ptrs.as_ptr(), [std::ptr::null()].as_ptr()) };
        127
    });
    assert_eq!(st, 0, "child exec /bin/true");
    // A child that exits with 7, one killed by SIGKILL.
    in_child(|| 7);
    in_child(|| {
        // SAFETY: signalling ourselves.
        unsafe { libc::kill(libc::getpid(), libc::SIGKILL) };
        0
    });
    // A thread.
    std::thread::spawn(|| ()).join().expect("thread");
    // vfork-style spawn (posix_spawn uses CLONE_VFORK).
    let status = std::process::Command::new("/bin/true")
        .arg("spawned-by-actor")
        .status()
        .expect("spawn");
    assert!(status.success());
    // A failed exec.
    let missing = c(&format!("{dir}/no-such-program"));
    let argv = [missing.as_ptr(), std::ptr::null()];
    // SAFETY: valid argv/envp; the call fails with ENOENT and returns.
    unsafe { libc::execve(missing.as_ptr(), argv.as_ptr(), [std::ptr::null()].as_ptr()) };
    // argv longer than the recorder keeps: 1100 arguments (the default keeps 1024).
    in_child(|| {
        let args: Vec<CString> = std::iter::once(c("/bin/true"))
            .chain((0..1100).map(|i| c(&format!("many-{i:04}"))))
            .collect();
        let ptrs: Vec<*const libc::c_char> = args
            .iter()
            .map(|a| a.as_ptr())
            .chain([std::ptr::null()])
            .collect();
        // SAFETY: as above.
        unsafe { libc::execve(ptrs[0], ptrs.as_ptr(), [std::ptr::null()].as_ptr()) };
        127
    });
    // A setuid-root program run by an unprivileged user: the exec record shows euid change.
    let suid = format!("{dir}/suid-true");
    std::fs::copy("/bin/true", &suid).expect("copy /bin/true");
    let suid_c = c(&suid);
    // SAFETY: plain syscalls on our own file.
    unsafe {
        check("chown suid", libc::chown(suid_c.as_ptr(), 0, 0) as i64);
        check("chmod suid", libc::chmod(suid_c.as_ptr(), 0o4755) as i64);
    }
    in_child(|| {
        // SAFETY: dropping privileges in the child, then exec.
        unsafe {
            libc::setresgid(65534, 65534, 65534);
            libc::setresuid(65534, 65534, 65534);
            let argv = [suid_c.as_ptr(), std::ptr::null()];
            libc::execve(suid_c.as_ptr(), argv.as_ptr(), [std::ptr::null()].as_ptr());
        }
        127
    });
    // The same program run by root: no id changes, still a setuid program (`setid_file`).
    in_child(|| exec(&suid, &[&suid, "suid-by-root"]));
}

/// A NULL-terminated pointer array for `args`.
fn ptrs(args: &[CString]) -> Vec<*const libc::c_char> {
    args.iter()
        .map(|a| a.as_ptr())
        .chain([std::ptr::null()])
        .collect()
}

/// `execve(path, args, {})`; returns only if it failed.
fn exec(path: &str, args: &[&str]) -> i32 {
    let args: Vec<CString> = args.iter().map(|a| c(a)).collect();
    let argv = ptrs(&args);
    // SAFETY: NUL-terminated argv and envp arrays that outlive the call.
    unsafe { libc::execve(c(path).as_ptr(), argv.as_ptr(), [std::ptr::null()].as_ptr()) };
    127
}

/// The less obvious ways to start a program; the e2e test finds each exec by its marker argument.
fn exec_tricks(dir: &str) {
    // fork, then exec string literals at once: the child has not touched the literals' page,
    // so a copy at syscall entry fails. The everyday `fork(); execl("/bin/sh", "-c", ...)`.
    // SAFETY: fork in a single-threaded actor; the child only execs or _exits.
    unsafe {
        let pid = libc::fork();
        if pid == 0 {
            libc::execl(
                c"/bin/sh".as_ptr(),
                c"/bin/sh".as_ptr(),
                c"-c".as_ptr(),
                c"exit 0 # fork-literal-marker".as_ptr(),
                std::ptr::null::<libc::c_char>(),
            );
            libc::_exit(127);
        }
        libc::waitpid(pid, std::ptr::null_mut(), 0);
    }
    // vfork: the child borrows the parent's memory until it execs.
    // SAFETY: the vfork child calls only execve and _exit.
    #[expect(deprecated, reason = "vfork itself is the technique under test")]
    unsafe {
        let argv = [
            c"/bin/true".as_ptr(),
            c"via-vfork".as_ptr(),
            std::ptr::null(),
        ];
        let pid = libc::vfork();
        if pid == 0 {
            libc::execve(argv[0], argv.as_ptr(), [std::ptr::null()].as_ptr());
            libc::_exit(127);
        }
        libc::waitpid(pid, std::ptr::null_mut(), 0);
    }
    // clone3 with a plain fork's arguments (exit_signal SIGCHLD).
    // SAFETY: struct clone_args v0 (64 bytes); the child only execs or _exits.
    unsafe {
        let mut args = [0u64; 8];
        args[4] = libc::SIGCHLD as u64;
        let pid = libc::syscall(libc::SYS_clone3, args.as_mut_ptr(), 64usize);
        if pid == 0 {
            exec("/bin/true", &["/bin/true", "via-clone3"]);
            libc::_exit(127);
        }
        check("clone3", pid);
        libc::waitpid(pid as i32, std::ptr::null_mut(), 0);
    }
    // exec from a non-main thread of a child: the kernel makes the thread the leader.
    in_child(|| {
        let t = std::thread::spawn(|| exec("/bin/true", &["/bin/true", "from-thread"]));
        let _ = t.join();
        127
    });
    // execveat(fd, "", AT_EMPTY_PATH): a program named by an fd only.
    in_child(|| {
        // SAFETY: plain syscalls with valid arguments.
        unsafe {
            let fd = libc::open(c"/bin/true".as_ptr(), libc::O_PATH | libc::O_CLOEXEC);
            let argv = [
                c"true".as_ptr(),
                c"via-execveat-empty".as_ptr(),
                std::ptr::null(),
            ];
            libc::syscall(
                libc::SYS_execveat,
                fd,
                c"".as_ptr(),
                argv.as_ptr(),
                [std::ptr::null::<libc::c_char>()].as_ptr(),
                libc::AT_EMPTY_PATH,
            );
        }
        127
    });
    // execveat relative to a directory fd.
    in_child(|| {
        // SAFETY: as above.
        unsafe {
            let dfd = libc::open(c"/bin".as_ptr(), libc::O_DIRECTORY | libc::O_RDONLY);
            let argv = [
                c"true".as_ptr(),
                c"via-execveat-dirfd".as_ptr(),
                std::ptr::null(),
            ];
            libc::syscall(
                libc::SYS_execveat,
                dfd,
                c"true".as_ptr(),
                argv.as_ptr(),
                [std::ptr::null::<libc::c_char>()].as_ptr(),
                0,
            );
        }
        127
    });
    // A program that exists only in memory: memfd + fexecve.
    in_child(|| {
        // SAFETY: plain syscalls with valid arguments.
        unsafe {
            let fd = libc::memfd_create(c"tracer-memfd-exec".as_ptr(), 0);
            let code = std::fs::read("/bin/true").expect("read /bin/true");
            libc::write(fd, code.as_ptr().cast(), code.len());
            let argv = [c"true".as_ptr(), c"via-memfd".as_ptr(), std::ptr::null()];
            libc::fexecve(fd, argv.as_ptr(), [std::ptr::null()].as_ptr());
        }
        127
    });
    // A `#!` script: the kernel runs its interpreter with the script's path.
    let script = format!("{dir}/script.sh");
    std::fs::write(&script, "#!/bin/sh\nexit 0\n").expect("write script");
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod script");
    in_child(|| exec(&script, &[&script, "script-marker"]));
    // A package's Python script: its program is the script, python its interpreter.
    let py = format!("{dir}/tool.py");
    std::fs::write(&py, "#!/usr/bin/python3\nimport sys\n").expect("write python script");
    std::fs::set_permissions(&py, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod python script");
    in_child(|| exec(&py, &[&py, "python-script-marker"]));
    // A program run through a symlink named otherwise, and through /proc/self/exe: the record
    // names the file the kernel ran (issue 11).
    let link = format!("{dir}/innocent-helper");
    std::os::unix::fs::symlink("/bin/true", &link).expect("symlink");
    in_child(|| exec(&link, &[&link, "via-symlink"]));
    in_child(|| exec("/proc/self/exe", &["actor", "via-proc-self-exe"]));
    // An empty argv (argc 0): the kernel hands the program one empty argument instead.
    in_child(|| {
        // SAFETY: an argv holding only its NULL terminator.
        unsafe {
            libc::execve(
                c"/bin/true".as_ptr(),
                [std::ptr::null()].as_ptr(),
                [std::ptr::null()].as_ptr(),
            )
        };
        127
    });
    // A long command line with a marker at its very end: 20 KiB, kept whole by default.
    in_child(|| {
        let filler = "x".repeat(1000);
        let mut args = vec!["/bin/true".to_owned()];
        args.extend((0..20).map(|_| filler.clone()));
        args.push("--password=end-of-long-argv".to_owned());
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        exec("/bin/true", &refs)
    });
    // A huge one: 100 KiB, more than the record keeps; cut and flagged.
    in_child(|| {
        let filler = "y".repeat(10_000);
        let mut args = vec!["/bin/true".to_owned(), "huge-argv".to_owned()];
        args.extend((0..10).map(|_| filler.clone()));
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        exec("/bin/true", &refs)
    });
    // A double fork: the grandchild is reparented before it execs. The actor waits for the exec
    // through a close-on-exec pipe, then for the program to finish.
    // SAFETY: fork in a single-threaded actor; pipe fds are ours.
    unsafe {
        let mut p = [0i32; 2];
        libc::pipe2(p.as_mut_ptr(), libc::O_CLOEXEC);
        let mid = libc::fork();
        if mid == 0 {
            if libc::fork() == 0 {
                libc::setsid();
                libc::usleep(50_000);
                exec("/bin/true", &["/bin/true", "double-forked"]);
            }
            libc::_exit(0);
        }
        libc::close(p[1]);
        libc::waitpid(mid, std::ptr::null_mut(), 0);
        let mut b = [0u8; 1];
        libc::read(p[0], b.as_mut_ptr().cast(), 1);
        libc::usleep(200_000);
    }
    // A renamed comm: the process calls itself a kernel thread, then acts.
    in_child(|| {
        // SAFETY: prctl with a NUL-terminated name; then a plain open.
        unsafe {
            libc::prctl(libc::PR_SET_NAME, c"kworker/0:1".as_ptr());
            let f = c(&format!("{dir}/renamed-comm-file"));
            let fd = libc::open(f.as_ptr(), libc::O_CREAT | libc::O_WRONLY, 0o600);
            libc::close(fd);
        }
        exec("/bin/true", &["/bin/true", "after-rename"])
    });
}

/// The less obvious ways to name, open and change a file.
fn file_tricks(dir: &str) {
    let p = |name: &str| c(&format!("{dir}/{name}"));
    // SAFETY: plain syscalls with valid NUL-terminated paths and buffers that outlive them.
    unsafe {
        let fd = libc::open(p("target").as_ptr(), libc::O_CREAT | libc::O_WRONLY, 0o644);
        libc::close(fd);
        // Through a symlink, and relative to an O_PATH directory fd.
        check(
            "symlinkat",
            libc::symlinkat(p("target").as_ptr(), libc::AT_FDCWD, p("via-link").as_ptr()) as i64,
        );
        let fd = libc::open(p("via-link").as_ptr(), libc::O_WRONLY | libc::O_APPEND);
        libc::close(fd);
        let dfd = libc::open(c(dir).as_ptr(), libc::O_PATH | libc::O_DIRECTORY);
        let fd = libc::openat(
            dfd,
            c("dirfd-created").as_ptr(),
            libc::O_CREAT | libc::O_RDWR,
            0o600,
        );
        libc::close(fd);
        // An unnamed O_TMPFILE given a name afterwards with linkat(AT_EMPTY_PATH).
        let tmp = libc::open(c(dir).as_ptr(), libc::O_TMPFILE | libc::O_WRONLY, 0o600);
        check("O_TMPFILE", tmp as i64);
        check(
            "linkat AT_EMPTY_PATH",
            libc::linkat(
                tmp,
                c"".as_ptr(),
                libc::AT_FDCWD,
                p("tmpfile-linked").as_ptr(),
                libc::AT_EMPTY_PATH,
            ) as i64,
        );
        libc::close(tmp);
        // renameat2 RENAME_EXCHANGE: two names swap files.
        check(
            "renameat2 exchange",
            libc::syscall(
                libc::SYS_renameat2,
                dfd,
                c("target").as_ptr(),
                dfd,
                c("dirfd-created").as_ptr(),
                2u32, /* RENAME_EXCHANGE */
            ),
        );
        // A file handle, then an open by that handle: no path in the open itself.
        let mut handle = [0u8; 8 + 128];
        handle[0..4].copy_from_slice(&128u32.to_ne_bytes());
        let mut mount_id = 0i32;
        check(
            "name_to_handle_at",
            libc::syscall(
                libc::SYS_name_to_handle_at,
                libc::AT_FDCWD,
                p("tmpfile-linked").as_ptr(),
                handle.as_mut_ptr(),
                &mut mount_id,
                0,
            ),
        );
        let mfd = libc::open(c(dir).as_ptr(), libc::O_RDONLY | libc::O_DIRECTORY);
        let hfd = check(
            "open_by_handle_at",
            libc::syscall(
                libc::SYS_open_by_handle_at,
                mfd,
                handle.as_ptr(),
                libc::O_WRONLY,
            ),
        );
        libc::close(hfd as i32);
        // Extended attributes: set, set by fd, set with setxattrat (6.13), remove.
        let value = b"tracer";
        check(
            "setxattr",
            libc::setxattr(
                p("tmpfile-linked").as_ptr(),
                c"user.tracer-set".as_ptr(),
                value.as_ptr().cast(),
                value.len(),
                0,
            ) as i64,
        );
        let fd = libc::open(p("tmpfile-linked").as_ptr(), libc::O_RDONLY);
        check(
            "fsetxattr",
            libc::fsetxattr(
                fd,
                c"user.tracer-fset".as_ptr(),
                value.as_ptr().cast(),
                value.len(),
                0,
            ) as i64,
        );
        // struct xattr_args { __aligned_u64 value; __u32 size; __u32 flags; }
        let args: [u64; 2] = [value.as_ptr() as u64, value.len() as u64];
        check(
            "setxattrat",
            libc::syscall(
                463,
                dfd,
                c("tmpfile-linked").as_ptr(),
                0,
                c"user.tracer-at".as_ptr(),
                args.as_ptr(),
                16usize,
            ),
        );
        check(
            "removexattr",
            libc::removexattr(p("tmpfile-linked").as_ptr(), c"user.tracer-set".as_ptr()) as i64,
        );
        // Timestamps: by path, and by fd (utimensat with a null path).
        check(
            "utimensat",
            libc::utimensat(libc::AT_FDCWD, p("via-link").as_ptr(), std::ptr::null(), 0) as i64,
        );
        check(
            "utimensat fd",
            libc::syscall(
                libc::SYS_utimensat,
                fd,
                std::ptr::null::<libc::c_char>(),
                std::ptr::null::<libc::timespec>(),
                0,
            ),
        );
        libc::close(fd);
        // fchmodat2 (6.6) with AT_SYMLINK_NOFOLLOW on a regular file, and mknodat.
        check(
            "fchmodat2",
            libc::syscall(
                452,
                dfd,
                c("tmpfile-linked").as_ptr(),
                0o640,
                libc::AT_SYMLINK_NOFOLLOW,
            ),
        );
        check(
            "mknodat",
            libc::mknodat(dfd, c("fifo-at").as_ptr(), libc::S_IFIFO | 0o600, 0) as i64,
        );
    }
}

/// An IPv4 socket address.
fn sin(ip: [u8; 4], port: u16) -> libc::sockaddr_in {
    // SAFETY: all-zero is a valid sockaddr_in.
    let mut a: libc::sockaddr_in = unsafe { std::mem::zeroed() };
    a.sin_family = libc::AF_INET as u16;
    a.sin_port = port.to_be();
    a.sin_addr.s_addr = u32::from_ne_bytes(ip);
    a
}

/// `sendto(s, data, 0, to)`, checked.
fn sendto_in(s: i32, data: &[u8], to: &libc::sockaddr_in) {
    // SAFETY: live buffers of the lengths given.
    let ret = unsafe {
        libc::sendto(
            s,
            data.as_ptr().cast(),
            data.len(),
            0,
            (to as *const libc::sockaddr_in).cast(),
            size_of::<libc::sockaddr_in>() as u32,
        )
    };
    check("sendto", ret as i64);
}

/// Every way to send to a named destination, to loopback addresses with nothing listening
/// (UDP sends succeed whether or not anyone reads).
fn send_tricks() {
    let len = size_of::<libc::sockaddr_in>() as u32;
    // SAFETY: plain socket calls with valid, live buffers.
    unsafe {
        let s = libc::socket(libc::AF_INET, libc::SOCK_DGRAM, 0);
        let data = b"tracer";
        let to = sin([127, 0, 0, 21], 9021);
        sendto_in(s, data, &to);
        let mut iov = libc::iovec {
            iov_base: data.as_ptr() as *mut _,
            iov_len: data.len(),
        };
        let mut to2 = sin([127, 0, 0, 22], 9022);
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_name = (&raw mut to2).cast();
        msg.msg_namelen = len;
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        check("sendmsg", libc::sendmsg(s, &msg, 0) as i64);
        // sendmmsg: one message, then a batch of two to different destinations.
        let mut to3 = sin([127, 0, 0, 23], 9023);
        let mut to4 = sin([127, 0, 0, 24], 9024);
        let mut msgs: [libc::mmsghdr; 2] = std::mem::zeroed();
        msgs[0].msg_hdr.msg_name = (&raw mut to3).cast();
        msgs[0].msg_hdr.msg_namelen = len;
        msgs[0].msg_hdr.msg_iov = &mut iov;
        msgs[0].msg_hdr.msg_iovlen = 1;
        msgs[1].msg_hdr.msg_name = (&raw mut to4).cast();
        msgs[1].msg_hdr.msg_namelen = len;
        msgs[1].msg_hdr.msg_iov = &mut iov;
        msgs[1].msg_hdr.msg_iovlen = 1;
        check(
            "sendmmsg 1",
            libc::sendmmsg(s, msgs.as_mut_ptr(), 1, 0) as i64,
        );
        check(
            "sendmmsg 2",
            libc::sendmmsg(s, msgs.as_mut_ptr(), 2, 0) as i64,
        );
        // TCP Fast Open: sendto with an address on a TCP socket connects (nothing listens).
        let tcp = libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0);
        let tfo = sin([127, 0, 0, 26], 9026);
        libc::sendto(
            tcp,
            data.as_ptr().cast(),
            data.len(),
            libc::MSG_FASTOPEN,
            (&raw const tfo).cast(),
            len,
        );
        libc::close(tcp);
        // A connected UDP socket: the connect names the peer, the sends do not.
        let peer = sin([127, 0, 0, 25], 9025);
        check(
            "connect udp",
            libc::connect(s, (&raw const peer).cast(), len) as i64,
        );
        libc::send(s, data.as_ptr().cast(), data.len(), 0);
        libc::close(s);
    }
}

/// `struct io_uring_params` (include/uapi/linux/io_uring.h) with its two offset structs.
#[repr(C)]
#[derive(Default)]
struct UringParams {
    sq_entries: u32,
    cq_entries: u32,
    flags: u32,
    sq_thread_cpu: u32,
    sq_thread_idle: u32,
    features: u32,
    wq_fd: u32,
    resv: [u32; 3],
    /// head, tail, ring_mask, ring_entries, flags, dropped, array, resv1, user_addr (u64).
    sq_off: [u32; 10],
    cq_off: [u32; 10],
}

/// A minimal io_uring over the raw syscalls (no crate: the point is to submit exactly the
/// entries the test looks for).
struct Uring {
    fd: i32,
    sq: *mut u8,
    sqes: *mut [u8; 64],
    /// The completion ring: head, tail, mask at `cq_off[0..3]`, the 16-byte entries at
    /// `cq_off[5]`.
    cq: *mut u8,
    p: UringParams,
}

impl Uring {
    /// A ring with `IORING_SETUP_*` `flags` (SQPOLL: a kernel thread submits the entries).
    fn new(flags: u32) -> Self {
        let mut p = UringParams {
            flags,
            sq_thread_idle: 1000,
            ..UringParams::default()
        };
        // SAFETY: io_uring_setup with a zeroed params struct; the mappings are the ring's.
        unsafe {
            let fd = libc::syscall(libc::SYS_io_uring_setup, 8u32, &mut p) as i32;
            assert!(
                fd >= 0,
                "io_uring_setup: {}",
                std::io::Error::last_os_error()
            );
            let sq_len = p.sq_off[6] as usize + p.sq_entries as usize * 4;
            let rw = libc::PROT_READ | libc::PROT_WRITE;
            let sh = libc::MAP_SHARED | libc::MAP_POPULATE;
            let sq = libc::mmap(std::ptr::null_mut(), sq_len, rw, sh, fd, 0);
            let sqes = libc::mmap(
                std::ptr::null_mut(),
                p.sq_entries as usize * 64,
                rw,
                sh,
                fd,
                0x1000_0000,
            );
            let cq_len = p.cq_off[5] as usize + p.cq_entries as usize * 16;
            let cq = libc::mmap(std::ptr::null_mut(), cq_len, rw, sh, fd, 0x800_0000);
            assert!(
                sq != libc::MAP_FAILED && sqes != libc::MAP_FAILED && cq != libc::MAP_FAILED,
                "io_uring mmap"
            );
            Self {
                fd,
                sq: sq.cast(),
                sqes: sqes.cast(),
                cq: cq.cast(),
                p,
            }
        }
    }

    /// Submits one entry (`fill` writes it) and waits for a completion.
    fn submit(&mut self, user_data: u64, fill: impl FnOnce(&mut [u8; 64])) -> i64 {
        self.push(user_data, fill, true)
    }

    /// Submits one entry and waits for its own completion: its result (an fd, or -errno).
    fn run(&mut self, user_data: u64, fill: impl FnOnce(&mut [u8; 64])) -> i32 {
        self.push(user_data, fill, false);
        self.result(user_data)
    }

    /// The result of the entry `user_data`, waiting for it; the completions before it are
    /// consumed.
    fn result(&mut self, user_data: u64) -> i32 {
        // SAFETY: indices are masked into the mapped completion ring; the head is published
        // with a release store after the entry is read, as liburing does.
        unsafe {
            let word = |off: u32| self.cq.add(off as usize).cast::<u32>();
            let head = std::sync::atomic::AtomicU32::from_ptr(word(self.p.cq_off[0]));
            let tail = std::sync::atomic::AtomicU32::from_ptr(word(self.p.cq_off[1]));
            let mask = *word(self.p.cq_off[2]);
            loop {
                let mut h = head.load(std::sync::atomic::Ordering::Relaxed);
                while h != tail.load(std::sync::atomic::Ordering::Acquire) {
                    let cqe = self
                        .cq
                        .add(self.p.cq_off[5] as usize + 16 * (h & mask) as usize);
                    let (ud, res) = (*cqe.cast::<u64>(), *cqe.add(8).cast::<i32>());
                    h = h.wrapping_add(1);
                    head.store(h, std::sync::atomic::Ordering::Release);
                    if ud == user_data {
                        return res;
                    }
                }
                let (to_submit, min_complete, getevents) = (0u32, 1u32, 1u32);
                libc::syscall(
                    libc::SYS_io_uring_enter,
                    self.fd,
                    to_submit,
                    min_complete,
                    getevents,
                    0usize,
                    0usize,
                );
            }
        }
    }

    /// Submits one entry; with `wait`, also waits for a completion.
    fn push(&mut self, user_data: u64, fill: impl FnOnce(&mut [u8; 64]), wait: bool) -> i64 {
        // SAFETY: indices are masked into the mapped ring; the tail is published with a
        // release store after the entry is written, as liburing does.
        unsafe {
            let word = |off: u32| self.sq.add(off as usize).cast::<u32>();
            let tail = *word(self.p.sq_off[1]);
            let index = tail & *word(self.p.sq_off[2]);
            let sqe = &mut *self.sqes.add(index as usize);
            *sqe = [0; 64];
            fill(sqe);
            sqe[32..40].copy_from_slice(&user_data.to_ne_bytes());
            *word(self.p.sq_off[6]).add(index as usize) = index;
            std::sync::atomic::AtomicU32::from_ptr(word(self.p.sq_off[1]))
                .store(tail.wrapping_add(1), std::sync::atomic::Ordering::Release);
            libc::syscall(
                libc::SYS_io_uring_enter,
                self.fd,
                1u32,
                u32::from(wait),
                if wait { 3u32 } else { 2 }, /* GETEVENTS | SQ_WAKEUP, for an SQPOLL ring whose thread sleeps */
                0usize,
                0usize,
            )
        }
    }
}

fn sqe_set(
    sqe: &mut [u8; 64],
    opcode: u8,
    fd: i32,
    addr2: u64,
    addr: u64,
    len: u32,
    op_flags: u32,
) {
    sqe[0] = opcode;
    sqe[4..8].copy_from_slice(&fd.to_ne_bytes());
    sqe[8..16].copy_from_slice(&addr2.to_ne_bytes());
    sqe[16..24].copy_from_slice(&addr.to_ne_bytes());
    sqe[24..28].copy_from_slice(&len.to_ne_bytes());
    sqe[28..32].copy_from_slice(&op_flags.to_ne_bytes());
}

/// IORING_OP_OPENAT (18) of `path` relative to the cwd, mode 0600.
fn sqe_openat(sqe: &mut [u8; 64], path: &CString, flags: u32) {
    sqe_set(
        sqe,
        18,
        libc::AT_FDCWD,
        0,
        path.as_ptr() as u64,
        0o600,
        flags,
    );
}

/// The fds a ring's operations return, each then used by a plain syscall that fails
/// harmlessly: the fd table must name them as the submission did (an openat's and an
/// openat2's file, an accept's listener), and must not take a fixed-file slot for an fd.
fn uring_results(ring: &mut Uring, dir: &str) {
    let flags = (libc::O_CREAT | libc::O_WRONLY | libc::O_CLOEXEC) as u32;
    let opened = c(&format!("{dir}/uring-result"));
    let fd = ring.run(20, |s| sqe_openat(s, &opened, flags));
    check("uring openat result", i64::from(fd));
    // ftruncate to a negative length: EINVAL before the file is touched.
    // SAFETY: ftruncate of an fd number; nothing is passed by pointer.
    unsafe { libc::ftruncate(fd, -1) };
    // IORING_OP_OPENAT2 (28): addr2 = struct open_how, len = its size.
    let opened2 = c(&format!("{dir}/uring-result2"));
    let how: [u64; 3] = [u64::from(flags), 0o600, 0];
    let fd2 = ring.run(21, |s| {
        sqe_set(
            s,
            28,
            libc::AT_FDCWD,
            how.as_ptr() as u64,
            opened2.as_ptr() as u64,
            24,
            0,
        )
    });
    check("uring openat2 result", i64::from(fd2));
    // SAFETY: as above.
    unsafe { libc::ftruncate(fd2, -1) };
    // A direct descriptor: a sparse table of 64 fixed-file slots (fd -1: empty), allocation
    // from slot 40 (IORING_REGISTER_FILE_ALLOC_RANGE, 25), and an openat into the slot the
    // kernel picks (`file_index` IORING_FILE_INDEX_ALLOC): its result, 40, is a slot, not an
    // fd. fd 40 is not open: its ftruncate (EINVAL, the length is checked first) must name
    // nothing.
    let empty = [-1i32; 64];
    let range: [u32; 4] = [40, 8, 0, 0];
    // SAFETY: io_uring_register with arrays of the sizes it is told.
    unsafe {
        check(
            "register sparse files",
            libc::syscall(
                libc::SYS_io_uring_register,
                ring.fd,
                2u32,
                empty.as_ptr(),
                64u32,
            ),
        );
        check(
            "register alloc range",
            libc::syscall(
                libc::SYS_io_uring_register,
                ring.fd,
                25u32,
                range.as_ptr(),
                0u32,
            ),
        );
    }
    let direct = c(&format!("{dir}/uring-direct"));
    // A fixed file has no close-on-exec flag: O_CLOEXEC with a slot is EINVAL.
    let direct_flags = (libc::O_CREAT | libc::O_WRONLY) as u32;
    let slot = ring.run(22, |s| {
        sqe_openat(s, &direct, direct_flags);
        s[44..48].copy_from_slice(&u32::MAX.to_ne_bytes());
    });
    if slot != 40 {
        eprintln!("actor: the direct openat gave {slot}, not slot 40");
        exit(1);
    }
    // SAFETY: as above.
    unsafe { libc::ftruncate(slot, -1) };
    // IORING_OP_ACCEPT (13) on a loopback listener (127.0.0.31, a port the kernel picks),
    // submitted before a plain connect to it; then listen(2) on the accepted socket, which
    // fails (EINVAL) and names the listener's address only if the fd table knows the fd.
    // SAFETY: plain socket calls on a zeroed sockaddr_in filled in.
    unsafe {
        let listener = libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0);
        let mut at: libc::sockaddr_in = std::mem::zeroed();
        at.sin_family = libc::AF_INET as u16;
        at.sin_addr.s_addr = u32::from_ne_bytes([127, 0, 0, 31]);
        let mut len = size_of::<libc::sockaddr_in>() as libc::socklen_t;
        check(
            "bind listener",
            libc::bind(listener, (&raw const at).cast(), len) as i64,
        );
        check("listen", libc::listen(listener, 1) as i64);
        libc::getsockname(listener, (&raw mut at).cast(), &mut len);
        ring.push(23, |s| sqe_set(s, 13, listener, 0, 0, 0, 0), false);
        let client = libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0);
        check(
            "connect to listener",
            libc::connect(client, (&raw const at).cast(), len) as i64,
        );
        let accepted = ring.result(23);
        check("uring accept result", i64::from(accepted));
        libc::listen(accepted, 1);
    }
}

/// Round 9's `f9_uring_openat_stale`: a dirfd of `DIR/sub`; the fifo `DIR/ready` is opened
/// (the test then moves `sub` away) and `DIR/go` read (the test has moved it); then
/// IORING_OP_OPENAT(dirfd, "uring-stale.txt", O_CREAT) and IORING_OP_OPENAT2 of
/// "uring-stale2.txt": opens relative to a directory whose name, in the fd table, is stale.
fn uring_stale(dir: &str) {
    let sub = c(&format!("{dir}/sub"));
    // SAFETY: open of a NUL-terminated path.
    let dfd = unsafe { libc::open(sub.as_ptr(), libc::O_RDONLY | libc::O_DIRECTORY) };
    check("open sub", i64::from(dfd));
    std::fs::write(format!("{dir}/ready"), b"").expect("the ready fifo");
    std::fs::read(format!("{dir}/go")).expect("the go fifo");
    let mut ring = Uring::new(0);
    let flags = (libc::O_CREAT | libc::O_WRONLY | libc::O_CLOEXEC) as u32;
    let name = c("uring-stale.txt");
    let fd = ring.run(30, |s| {
        sqe_set(s, 18, dfd, 0, name.as_ptr() as u64, 0o600, flags);
    });
    check("uring openat by the moved dirfd", i64::from(fd));
    let name2 = c("uring-stale2.txt");
    let how: [u64; 3] = [u64::from(flags), 0o600, 0];
    let fd2 = ring.run(31, |s| {
        sqe_set(
            s,
            28,
            dfd,
            how.as_ptr() as u64,
            name2.as_ptr() as u64,
            24,
            0,
        );
    });
    check("uring openat2 by the moved dirfd", i64::from(fd2));
    if fd < 0 || fd2 < 0 {
        exit(1);
    }
}

/// The fds a ring's openat returns, used afterwards (issue 11): DIR/allowed/lnk is a symlink
/// to DIR/out (the test makes it). IORING_OP_OPENAT of `allowed/lnk/f` (O_CREAT), then
/// fchmod(2) and IORING_OP_FSETXATTR on its fd; of the directory `allowed/lnk`, then
/// IORING_OP_MKDIRAT and mkdirat(2) relative to it; an O_TMPFILE in `allowed/lnk` made by the
/// ring and one by openat(2), each fchmod-ed and linked into DIR/allowed with
/// linkat(AT_EMPTY_PATH).
fn uring_fd_real(dir: &str) {
    // Every step must succeed: the test reads what each named. A ring's result is -errno;
    // a syscall's is -1 with errno set.
    let must = |what: &str, r: i32| {
        if r < 0 {
            let err = if r == -1 {
                std::io::Error::last_os_error()
            } else {
                std::io::Error::from_raw_os_error(-r)
            };
            eprintln!("actor: {what} failed: {err}");
            exit(1);
        }
        r
    };
    let mut ring = Uring::new(0);
    let open = |ring: &mut Uring, user_data: u64, path: &str, flags: i32| {
        let cpath = c(path);
        must(
            &format!("uring openat {path}"),
            ring.run(user_data, |s| sqe_openat(s, &cpath, flags as u32)),
        )
    };
    let fd = open(
        &mut ring,
        1,
        &format!("{dir}/allowed/lnk/f"),
        libc::O_CREAT | libc::O_WRONLY,
    );
    // SAFETY: fchmod of an fd this process owns.
    must("fchmod", unsafe { libc::fchmod(fd, 0o640) });
    let (name, value) = (c("user.tracer_fd_real"), b"v");
    let r = ring.run(2, |s| {
        sqe_set(
            s,
            41,
            fd,
            value.as_ptr() as u64,
            name.as_ptr() as u64,
            value.len() as u32,
            0,
        )
    });
    must("uring fsetxattr", r);
    let dfd = open(
        &mut ring,
        3,
        &format!("{dir}/allowed/lnk"),
        libc::O_RDONLY | libc::O_DIRECTORY,
    );
    let made = c("ring-made");
    // IORING_OP_MKDIRAT (37): fd = dirfd, addr = path, len = mode.
    let r = ring.run(4, |s| {
        sqe_set(s, 37, dfd, 0, made.as_ptr() as u64, 0o755, 0)
    });
    must("uring mkdirat", r);
    let made2 = c("sys-made");
    // SAFETY: mkdirat of a NUL-terminated name relative to a directory fd this process owns.
    must("mkdirat", unsafe {
        libc::mkdirat(dfd, made2.as_ptr(), 0o755)
    });
    let tmp_dir = format!("{dir}/allowed/lnk");
    let ring_tmp = open(&mut ring, 5, &tmp_dir, libc::O_TMPFILE | libc::O_WRONLY);
    let ctmp = c(&tmp_dir);
    // SAFETY: open(2) of a NUL-terminated directory path.
    let sys_tmp = must("open O_TMPFILE", unsafe {
        libc::open(ctmp.as_ptr(), libc::O_TMPFILE | libc::O_WRONLY, 0o600)
    });
    for (tfd, linked) in [(ring_tmp, "ring-tmp"), (sys_tmp, "sys-tmp")] {
        // SAFETY: fchmod of an fd this process owns.
        must("fchmod tmpfile", unsafe { libc::fchmod(tfd, 0o600) });
        let to = c(&format!("{dir}/allowed/{linked}"));
        let empty = c("");
        // SAFETY: linkat of an fd this process owns to a NUL-terminated path (as root:
        // AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH).
        let r = unsafe {
            libc::linkat(
                tfd,
                empty.as_ptr(),
                libc::AT_FDCWD,
                to.as_ptr(),
                libc::AT_EMPTY_PATH,
            )
        };
        must("linkat tmpfile", r);
    }
}

/// Opens by file handle (issue 11): DIR/allowed/lnk is a symlink to DIR/out (the test makes
/// it, and DIR/out/f, and writes DIR/handle: a `struct file_handle` of DIR/out/f it made
/// before the recording). name_to_handle_at of `allowed/lnk/g`, then open_by_handle_at of
/// that handle; open_by_handle_at of the handle in DIR/handle, then fchmod(2) of its fd.
fn by_handle(dir: &str) {
    let must = |what: &str, r: i64| {
        if r < 0 {
            eprintln!("actor: {what} failed: {}", std::io::Error::last_os_error());
            exit(1);
        }
        r as i32
    };
    let cdir = c(dir);
    // SAFETY: open(2) of a NUL-terminated directory path.
    let mfd = must(
        "open the mount fd",
        i64::from(unsafe { libc::open(cdir.as_ptr(), libc::O_RDONLY | libc::O_DIRECTORY) }),
    );
    let g = c(&format!("{dir}/allowed/lnk/g"));
    let mut handle = [0u8; 8 + 128];
    handle[0..4].copy_from_slice(&128u32.to_ne_bytes());
    let mut mount_id = 0i32;
    // SAFETY: name_to_handle_at with a NUL-terminated path, a handle buffer of the size its
    // header says, and an int for the mount id.
    must("name_to_handle_at", unsafe {
        libc::syscall(
            libc::SYS_name_to_handle_at,
            libc::AT_FDCWD,
            g.as_ptr(),
            handle.as_mut_ptr(),
            &mut mount_id,
            0,
        )
    });
    let open_by = |what: &str, handle: &[u8]| {
        // SAFETY: open_by_handle_at of a `struct file_handle` buffer this process owns.
        must(what, unsafe {
            libc::syscall(
                libc::SYS_open_by_handle_at,
                mfd,
                handle.as_ptr(),
                libc::O_WRONLY,
            )
        })
    };
    open_by("open_by_handle_at of lnk/g's handle", &handle);
    let outside = std::fs::read(format!("{dir}/handle")).expect("the handle the test made");
    let fd = open_by("open_by_handle_at of a handle made before", &outside);
    // SAFETY: fchmod of an fd this process owns.
    must("fchmod", i64::from(unsafe { libc::fchmod(fd, 0o640) }));
}

/// Extended attributes set through io_uring: IORING_OP_SETXATTR (42) by path and
/// IORING_OP_FSETXATTR (41) by fd (Linux 5.19), so that no setxattr syscall is made. The
/// entry: `addr` the name, `addr2` the value, `len` its size, `addr3` (word 48) the path.
fn uring_xattr(dir: &str) {
    let mut ring = Uring::new(0);
    let path = format!("{dir}/uring-xattr");
    std::fs::write(&path, b"x").expect("create the file");
    let (cpath, name, value) = (c(&path), c("user.tracer_uring"), b"uring-value");
    let r = ring.run(1, |s| {
        sqe_set(
            s,
            42,
            0,
            value.as_ptr() as u64,
            name.as_ptr() as u64,
            value.len() as u32,
            0,
        );
        s[48..56].copy_from_slice(&(cpath.as_ptr() as u64).to_ne_bytes());
    });
    if r < 0 {
        eprintln!("actor: uring setxattr failed: {r}");
    }
    let by_fd = c(&format!("{dir}/uring-fxattr"));
    // SAFETY: plain open(2) of a path in the scratch directory.
    let fd = unsafe { libc::open(by_fd.as_ptr(), libc::O_CREAT | libc::O_WRONLY, 0o600) };
    check("open for fsetxattr", i64::from(fd));
    let fname = c("user.tracer_uring_fd");
    let r = ring.run(2, |s| {
        sqe_set(
            s,
            41,
            fd,
            value.as_ptr() as u64,
            fname.as_ptr() as u64,
            value.len() as u32,
            0,
        )
    });
    if r < 0 {
        eprintln!("actor: uring fsetxattr failed: {r}");
    }
}

/// Opens, unlinks, connects, sends and binds through io_uring, so that no open/connect/send syscall
/// is made for them.
fn uring(dir: &str) {
    let mut ring = Uring::new(0);
    let created = c(&format!("{dir}/uring-created"));
    let flags = (libc::O_CREAT | libc::O_WRONLY) as u32;
    // IORING_OP_OPENAT (18): fd = dirfd, addr = path, len = mode, op_flags = open flags.
    check(
        "uring openat",
        ring.submit(1, |s| {
            sqe_set(
                s,
                18,
                libc::AT_FDCWD,
                0,
                created.as_ptr() as u64,
                0o600,
                flags,
            )
        }),
    );
    // IORING_OP_UNLINKAT (36).
    check(
        "uring unlinkat",
        ring.submit(2, |s| {
            sqe_set(s, 36, libc::AT_FDCWD, 0, created.as_ptr() as u64, 0, 0)
        }),
    );
    // IORING_OP_CONNECT (16): addr = sockaddr, addr2 = its length. Nothing listens there.
    // SAFETY: a plain socket and a zeroed sockaddr_in filled in.
    let (tcp, udp, to) = unsafe {
        let mut to: libc::sockaddr_in = std::mem::zeroed();
        to.sin_family = libc::AF_INET as u16;
        to.sin_port = 9031u16.to_be();
        to.sin_addr.s_addr = u32::from_ne_bytes([127, 0, 0, 31]);
        (
            libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0),
            libc::socket(libc::AF_INET, libc::SOCK_DGRAM, 0),
            to,
        )
    };
    let len = size_of::<libc::sockaddr_in>() as u64;
    ring.submit(3, |s| {
        sqe_set(s, 16, tcp, len, (&raw const to) as u64, 0, 0)
    });
    // IORING_OP_SENDMSG (9): addr = msghdr naming 127.0.0.32.
    let mut to2 = to;
    to2.sin_addr.s_addr = u32::from_ne_bytes([127, 0, 0, 32]);
    let data = *b"uring";
    let mut iov = libc::iovec {
        iov_base: data.as_ptr() as *mut _,
        iov_len: data.len(),
    };
    // SAFETY: all-zero is a valid msghdr; the pointers outlive the submission.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_name = (&raw mut to2).cast();
    msg.msg_namelen = len as u32;
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    check(
        "uring sendmsg",
        ring.submit(4, |s| sqe_set(s, 9, udp, 0, (&raw const msg) as u64, 1, 0)),
    );
    // IORING_OP_BIND (56, Linux 6.11): addr = sockaddr, addr2 = its length; 127.0.0.33, port 0.
    // The rules do not read a ring's bind: a port claim stays inconclusive on it.
    // SAFETY: a plain socket.
    let bound = unsafe { libc::socket(libc::AF_INET, libc::SOCK_DGRAM, 0) };
    let mut local = to;
    local.sin_port = 0;
    local.sin_addr.s_addr = u32::from_ne_bytes([127, 0, 0, 33]);
    check(
        "uring bind",
        ring.submit(7, |s| {
            sqe_set(s, 56, bound, len, (&raw const local) as u64, 0, 0)
        }),
    );
    // IORING_OP_CLOSE (19) of a file opened by open(2); then a pipe (unhooked) takes the number
    // and is fchmodded: the fd table must not name the closed file.
    let closed = c(&format!("{dir}/uring-closed"));
    // SAFETY: a valid NUL-terminated path; fchmod of an fd number this process holds.
    unsafe {
        let fd = libc::open(closed.as_ptr(), libc::O_CREAT | libc::O_WRONLY, 0o644);
        check("open uring-closed", fd as i64);
        check(
            "uring close",
            ring.submit(8, |s| sqe_set(s, 19, fd, 0, 0, 0, 0)),
        );
        if !pipe_at(fd) {
            eprintln!("actor: no pipe got fd {fd}");
            exit(1);
        }
        check("fchmod after uring close", libc::fchmod(fd, 0o627) as i64);
    }
    // IORING_OP_NOP (0): an operation of no family.
    ring.submit(5, |s| sqe_set(s, 0, -1, 0, 0, 0, 0));
    uring_results(&mut ring, dir);
    // An SQPOLL ring: the ring's kernel thread, not this task, submits the entry.
    let mut polled = Uring::new(1 << 1 /* IORING_SETUP_SQPOLL */);
    let sq_created = c(&format!("{dir}/uring-sqpoll-created"));
    check(
        "sqpoll openat",
        polled.submit(6, |s| {
            sqe_set(
                s,
                18,
                libc::AT_FDCWD,
                0,
                sq_created.as_ptr() as u64,
                0o600,
                flags,
            )
        }),
    );
}

fn file(dir: &str) {
    let p = |name: &str| c(&format!("{dir}/{name}"));
    // SAFETY: plain syscalls with valid NUL-terminated paths; results are checked or recorded.
    unsafe {
        let fd = check(
            "openat abs",
            libc::openat(
                libc::AT_FDCWD,
                p("created").as_ptr(),
                libc::O_CREAT | libc::O_WRONLY,
                0o640,
            ) as i64,
        );
        check("ftruncate", libc::ftruncate(fd as i32, 42) as i64);
        check("fchmod", libc::fchmod(fd as i32, 0o600) as i64);
        check("fchown", libc::fchown(fd as i32, 65534, 65534) as i64);
        // The same file through a dup2'd fd: the fd table follows the dup.
        check("dup2", libc::dup2(fd as i32, 100) as i64);
        check("fchmod dup2", libc::fchmod(100, 0o604) as i64);
        let dup = check("dup", libc::dup(fd as i32) as i64);
        check("fchmod dup", libc::fchmod(dup as i32, 0o606) as i64);
        libc::close(dup as i32);
        libc::close(100);
        libc::close(fd as i32);
        check("chdir", libc::chdir(c(dir).as_ptr()) as i64);
        let fd = check(
            "open relative",
            libc::syscall(
                libc::SYS_open,
                c("relative").as_ptr(),
                libc::O_CREAT | libc::O_RDWR,
                0o644,
            ),
        );
        libc::close(fd as i32);
        let fd = check(
            "creat",
            libc::syscall(libc::SYS_creat, c("creat-file").as_ptr(), 0o600),
        );
        libc::close(fd as i32);
        // openat2 with struct open_how {flags, mode, resolve}.
        let how: [u64; 3] = [
            (libc::O_CREAT | libc::O_WRONLY) as u64,
            0o600,
            0x08, /* RESOLVE_NO_SYMLINKS */
        ];
        let fd = check(
            "openat2",
            libc::syscall(
                libc::SYS_openat2,
                libc::AT_FDCWD,
                c("openat2-file").as_ptr(),
                how.as_ptr(),
                24usize,
            ),
        );
        libc::close(fd as i32);
        // A dirfd-relative open.
        let dfd = check(
            "open dir",
            libc::open(c(dir).as_ptr(), libc::O_DIRECTORY | libc::O_RDONLY) as i64,
        ) as i32;
        let fd = check(
            "openat dirfd",
            libc::openat(
                dfd,
                c("via-dirfd").as_ptr(),
                libc::O_CREAT | libc::O_WRONLY,
                0o644,
            ) as i64,
        );
        libc::close(fd as i32);
        check(
            "rename",
            libc::syscall(
                libc::SYS_rename,
                c("relative").as_ptr(),
                c("renamed").as_ptr(),
            ),
        );
        check(
            "renameat2",
            libc::syscall(
                libc::SYS_renameat2,
                dfd,
                c("renamed").as_ptr(),
                dfd,
                c("renamed2").as_ptr(),
                1u32, /* RENAME_NOREPLACE */
            ),
        );
        check(
            "mkdir",
            libc::syscall(libc::SYS_mkdir, c("subdir").as_ptr(), 0o750),
        );
        check(
            "mkdirat",
            libc::mkdirat(dfd, c("subdir2").as_ptr(), 0o700) as i64,
        );
        check(
            "rmdir",
            libc::syscall(libc::SYS_rmdir, c("subdir").as_ptr()),
        );
        check(
            "unlinkat removedir",
            libc::unlinkat(dfd, c("subdir2").as_ptr(), libc::AT_REMOVEDIR) as i64,
        );
        check(
            "chmod",
            libc::syscall(libc::SYS_chmod, c("renamed2").as_ptr(), 0o604),
        );
        check(
            "fchmodat",
            libc::fchmodat(dfd, c("creat-file").as_ptr(), 0o640, 0) as i64,
        );
        check(
            "chown",
            libc::syscall(libc::SYS_chown, c("renamed2").as_ptr(), 65534, 65534),
        );
        check(
            "fchownat",
            libc::fchownat(dfd, c("creat-file").as_ptr(), 0, 65534, 0) as i64,
        );
        check(
            "link",
            libc::syscall(
                libc::SYS_link,
                c("renamed2").as_ptr(),
                c("hardlink").as_ptr(),
            ),
        );
        check(
            "symlink",
            libc::syscall(
                libc::SYS_symlink,
                c("renamed2").as_ptr(),
                c("symlink").as_ptr(),
            ),
        );
        check(
            "lchown",
            libc::syscall(libc::SYS_lchown, c("symlink").as_ptr(), 65534, 65534),
        );
        check("truncate", libc::truncate(c("renamed2").as_ptr(), 7) as i64);
        check(
            "mknod fifo",
            libc::syscall(
                libc::SYS_mknod,
                c("fifo").as_ptr(),
                libc::S_IFIFO | 0o600,
                0,
            ),
        );
        check(
            "unlink",
            libc::syscall(libc::SYS_unlink, c("hardlink").as_ptr()),
        );
        let m = check(
            "memfd_create",
            libc::syscall(
                libc::SYS_memfd_create,
                c("tracer-memfd").as_ptr(),
                libc::MFD_CLOEXEC,
            ),
        );
        libc::close(m as i32);
        check("fchdir", libc::fchdir(dfd) as i64);
        // A failed open: the error must be recorded too.
        libc::open(c("/nonexistent-tracer-dir/x").as_ptr(), libc::O_RDONLY);
    }
}

fn network(dir: &str) {
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream, UdpSocket};
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let port = listener.local_addr().expect("local addr").port();
    println!("{{\"tcp_port\":{port}}}");
    let mut client = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let (mut server, _) = listener.accept().expect("accept");
    client.write_all(b"x").expect("write");
    let mut b = [0u8; 1];
    server.read_exact(&mut b).expect("read");
    // A refused connect: a 127.0.0.x port with nothing listening (bound then dropped).
    let free = TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    println!("{{\"refused_port\":{free}}}");
    assert!(TcpStream::connect(("127.0.0.1", free)).is_err());
    // UDP sendto with a destination.
    let udp = UdpSocket::bind("127.0.0.1:0").expect("udp bind");
    let udp_dst = UdpSocket::bind("127.0.0.1:0").expect("udp bind 2");
    udp.send_to(b"ping", udp_dst.local_addr().expect("addr"))
        .expect("sendto");
    // IPv6 loopback.
    if let Ok(l6) = TcpListener::bind("[::1]:0") {
        let p6 = l6.local_addr().expect("addr").port();
        println!("{{\"tcp6_port\":{p6}}}");
        let _ = TcpStream::connect(("::1", p6)).expect("connect ::1");
    }
    // AF_UNIX: a path socket and an abstract one.
    let path = format!("{dir}/actor.sock");
    let _unix = std::os::unix::net::UnixListener::bind(&path).expect("unix bind");
    let _c = std::os::unix::net::UnixStream::connect(&path).expect("unix connect");
    // SAFETY: an abstract-namespace bind with a hand-built sockaddr_un.
    unsafe {
        let s = libc::socket(libc::AF_UNIX, libc::SOCK_STREAM, 0);
        let mut addr: libc::sockaddr_un = std::mem::zeroed();
        addr.sun_family = libc::AF_UNIX as u16;
        let name = b"\0tracer-abstract";
        for (i, b) in name.iter().enumerate() {
            addr.sun_path[i] = *b as libc::c_char;
        }
        let len = (2 + name.len()) as u32;
        check(
            "abstract bind",
            libc::bind(s, &addr as *const _ as *const libc::sockaddr, len) as i64,
        );
        libc::close(s);
    }
}

fn privilege(dir: &str) {
    // Credentials: in a child, drop to nobody the usual way.
    in_child(|| {
        // SAFETY: plain syscalls in a throwaway child.
        unsafe {
            let groups = [65534 as libc::gid_t];
            check("setgroups", libc::setgroups(1, groups.as_ptr()) as i64);
            check("setresgid", libc::setresgid(65534, 65534, 65534) as i64);
            check(
                "prctl keepcaps",
                libc::prctl(libc::PR_SET_KEEPCAPS, 1, 0, 0, 0) as i64,
            );
            check("setuid", libc::setuid(65534) as i64);
            // capset: header v3 for ourselves, all sets empty.
            let header: [u32; 2] = [0x2008_0522, 0];
            let data = [0u32; 6];
            check(
                "capset",
                libc::syscall(libc::SYS_capset, header.as_ptr(), data.as_ptr()),
            );
            check(
                "no_new_privs",
                libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) as i64,
            );
            // A clock change attempted without CAP_SYS_TIME: EPERM. Even with it, a tick of 0
            // is out of range (EINVAL): this clock is never changed.
            let mut tx: libc::timex = std::mem::zeroed();
            tx.modes = libc::ADJ_TICK;
            tx.tick = 0;
            libc::syscall(libc::SYS_adjtimex, &raw mut tx);
        }
        0
    });
    clock_calls();
    in_child(|| {
        // SAFETY: setuid in a throwaway child; the calls run only once it is nobody.
        if unsafe { libc::setuid(65534) } != 0 {
            eprintln!("actor: setuid(nobody) failed");
            return 1;
        }
        privileged_calls(dir);
        0
    });
    // Namespaces and mounts, in a child that keeps them to itself.
    let mnt = format!("{dir}/mnt");
    std::fs::create_dir_all(&mnt).expect("mkdir mnt");
    in_child(|| {
        // SAFETY: plain syscalls in a throwaway child.
        unsafe {
            check("unshare", libc::unshare(libc::CLONE_NEWNS) as i64);
            check(
                "make private",
                libc::mount(
                    c("none").as_ptr(),
                    c("/").as_ptr(),
                    std::ptr::null(),
                    libc::MS_REC | libc::MS_PRIVATE,
                    std::ptr::null(),
                ) as i64,
            );
            check(
                "mount tmpfs",
                libc::mount(
                    c("tracer-tmpfs").as_ptr(),
                    c(&mnt).as_ptr(),
                    c("tmpfs").as_ptr(),
                    0,
                    std::ptr::null(),
                ) as i64,
            );
            check("umount2", libc::umount2(c(&mnt).as_ptr(), 0) as i64);
            // pivot_root on a non-mount point fails (EINVAL); the attempt is what is recorded.
            libc::syscall(libc::SYS_pivot_root, c(&mnt).as_ptr(), c(&mnt).as_ptr());
            let ns = libc::open(c("/proc/self/ns/net").as_ptr(), libc::O_RDONLY);
            check("setns", libc::setns(ns, libc::CLONE_NEWNET) as i64);
            check("chroot", libc::chroot(c(dir).as_ptr()) as i64);
        }
        0
    });
    // clone3 straight into new user and UTS namespaces: unshare(2) by another door.
    // SAFETY: struct clone_args v0 (64 bytes); the child only _exits.
    unsafe {
        let mut args = [0u64; 8];
        args[0] = (libc::CLONE_NEWUSER | libc::CLONE_NEWUTS) as u64;
        args[4] = libc::SIGCHLD as u64;
        let pid = libc::syscall(libc::SYS_clone3, args.as_mut_ptr(), 64usize);
        if pid == 0 {
            libc::_exit(0);
        }
        check("clone3 into namespaces", pid);
        libc::waitpid(pid as i32, std::ptr::null_mut(), 0);
    }
    in_child(|| {
        // SAFETY: a throwaway child asking to be traced by its parent, which never does.
        unsafe { check("ptrace", libc::ptrace(libc::PTRACE_TRACEME, 0, 0, 0)) };
        0
    });
    // bpf(): an invalid map creation (EINVAL); the attempt is recorded.
    let attr = [0u8; 64];
    // SAFETY: a bpf() call with a zeroed attr of the right size.
    unsafe { libc::syscall(libc::SYS_bpf, 0, attr.as_ptr(), attr.len()) };
}

/// The clock-setting calls, each one that changes nothing: the adjtimex and clock_adjtime
/// queries (modes 0), and sets the kernel refuses (EINVAL) before it looks at any clock.
/// Raw syscalls: glibc's settimeofday is clock_settime underneath.
fn clock_calls() {
    // SAFETY: the calls read or fill a zeroed `struct timex`/`timespec`/`timeval` of ours.
    unsafe {
        let mut tx: libc::timex = std::mem::zeroed();
        check(
            "adjtimex query",
            libc::syscall(libc::SYS_adjtimex, &raw mut tx),
        );
        let mut tx: libc::timex = std::mem::zeroed();
        check(
            "clock_adjtime query",
            libc::syscall(libc::SYS_clock_adjtime, libc::CLOCK_REALTIME, &raw mut tx),
        );
        // CLOCK_MONOTONIC cannot be set: EINVAL whatever the time.
        let ts = libc::timespec {
            tv_sec: 12345,
            tv_nsec: 6789,
        };
        libc::syscall(
            libc::SYS_clock_settime,
            libc::CLOCK_MONOTONIC,
            &raw const ts,
        );
        // 2,000,000 microseconds is no valid timeval: EINVAL before any change.
        let tv = libc::timeval {
            tv_sec: 12345,
            tv_usec: 2_000_000,
        };
        libc::syscall(
            libc::SYS_settimeofday,
            &raw const tv,
            std::ptr::null::<libc::timezone>(),
        );
    }
}

/// The other capability-gated calls, made as nobody without capabilities: each fails with
/// EPERM before it acts (reboot's magic is wrong too, so it fails even as root). quotactl
/// and perf_event_open fail on their arguments (a missing device, a too-small attr).
/// kexec, delete_module, swapon and swapoff have no syscall on this host's kernel.
fn privileged_calls(dir: &str) {
    let name = c("tracer-e2e");
    let missing = c(&format!("{dir}/no-such-file"));
    // A perf_event_attr of type PERF_TYPE_SOFTWARE whose size (1) is too small: E2BIG.
    let mut attr = [0u32; 32];
    attr[0] = 1;
    attr[1] = 1;
    // SAFETY: every call gets valid buffers of the sizes it is told, or none.
    unsafe {
        let cad_on = 0x89ab_cdefu32;
        libc::syscall(libc::SYS_reboot, 0, 0, cad_on, std::ptr::null::<u8>());
        libc::syscall(libc::SYS_sethostname, name.as_ptr(), 10usize);
        libc::syscall(libc::SYS_setdomainname, name.as_ptr(), 10usize);
        libc::syscall(libc::SYS_ioperm, 0x80u64, 1u64, 1i32);
        libc::syscall(libc::SYS_iopl, 3i32);
        libc::syscall(libc::SYS_acct, missing.as_ptr());
        // QCMD(Q_QUOTAOFF, USRQUOTA) and QCMD(Q_GETFMT, USRQUOTA): no such device.
        let q = |sub: u32| (sub << 8) as i32;
        let null = std::ptr::null::<u8>();
        libc::syscall(libc::SYS_quotactl, q(0x80_0003), missing.as_ptr(), 0, null);
        libc::syscall(libc::SYS_quotactl, q(0x80_0004), missing.as_ptr(), 0, null);
        // SYSLOG_ACTION_SIZE_UNREAD.
        libc::syscall(libc::SYS_syslog, 9i32, null, 0i32);
        libc::syscall(
            libc::SYS_perf_event_open,
            attr.as_ptr(),
            0i32,
            -1i32,
            -1i32,
            0u64,
        );
        libc::syscall(libc::SYS_vhangup);
    }
}

/// The calls that set the caller's own policy, each made for real in a child so that the
/// actor itself stays unrestricted: seccomp (an allow-all filter after no_new_privs, and an
/// action query), landlock (a ruleset handling file writes, its ABI version query, a rule
/// for DIR, the restriction), personality (a query, then ADDR_NO_RANDOMIZE|READ_IMPLIES_EXEC)
/// and lsm_set_self_attr (AppArmor's current label, which this host has no LSM to accept).
/// Then the keyring calls: add_key, keyctl(KEYCTL_SEARCH), request_key,
/// keyctl(KEYCTL_INVALIDATE).
fn self_policy(dir: &str) {
    let (_, st) = in_child(|| {
        // BPF_RET | BPF_K, SECCOMP_RET_ALLOW.
        let filter = [libc::sock_filter {
            code: 0x06,
            jt: 0,
            jf: 0,
            k: 0x7fff_0000,
        }];
        let prog = libc::sock_fprog {
            len: 1,
            filter: filter.as_ptr().cast_mut(),
        };
        let action: u32 = 0x7fff_0000;
        // SAFETY: valid pointers to a filter program and an action for the calls' duration.
        unsafe {
            check(
                "no_new_privs",
                libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0).into(),
            );
            check(
                "seccomp filter",
                libc::syscall(libc::SYS_seccomp, 1, 0, &raw const prog),
            );
            check(
                "seccomp action query",
                libc::syscall(libc::SYS_seccomp, 2, 0, &raw const action),
            );
        }
        0
    });
    assert_eq!(st, 0, "seccomp child");
    let dir_c = c(dir);
    let (_, st) = in_child(|| {
        /// struct landlock_ruleset_attr (ABI 4: fs, then net).
        #[repr(C)]
        #[allow(dead_code, reason = "the kernel reads the fields")]
        struct RulesetAttr {
            fs: u64,
            net: u64,
        }
        /// struct landlock_path_beneath_attr (packed).
        #[repr(C, packed)]
        #[allow(dead_code, reason = "the kernel reads the fields")]
        struct PathBeneath {
            allowed: u64,
            parent_fd: i32,
        }
        // LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_FILE.
        let attr = RulesetAttr {
            fs: 0x2 | 0x20,
            net: 0,
        };
        // SAFETY: valid pointers for the calls' duration; the child exits right after.
        unsafe {
            check(
                "landlock version",
                libc::syscall(
                    libc::SYS_landlock_create_ruleset,
                    std::ptr::null::<u8>(),
                    0,
                    1,
                ),
            );
            let ruleset = check(
                "landlock_create_ruleset",
                libc::syscall(
                    libc::SYS_landlock_create_ruleset,
                    &raw const attr,
                    size_of::<RulesetAttr>(),
                    0,
                ),
            );
            let dirfd = libc::open(dir_c.as_ptr(), libc::O_PATH | libc::O_DIRECTORY);
            let rule = PathBeneath {
                allowed: 0x2,
                parent_fd: dirfd,
            };
            check(
                "landlock_add_rule",
                libc::syscall(libc::SYS_landlock_add_rule, ruleset, 1, &raw const rule, 0),
            );
            libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
            check(
                "landlock_restrict_self",
                libc::syscall(libc::SYS_landlock_restrict_self, ruleset, 0),
            );
        }
        0
    });
    assert_eq!(st, 0, "landlock child");
    let (_, st) = in_child(|| {
        /// struct lsm_ctx with an 8-byte context.
        #[repr(C)]
        #[allow(dead_code, reason = "the kernel reads the fields")]
        struct LsmCtx {
            id: u64,
            flags: u64,
            len: u64,
            ctx_len: u64,
            ctx: [u8; 8],
        }
        let ctx = LsmCtx {
            id: 104, // LSM_ID_APPARMOR
            flags: 0,
            len: size_of::<LsmCtx>() as u64,
            ctx_len: 7,
            ctx: *b"tracer\0\0",
        };
        // SAFETY: plain calls on the child itself; `ctx` lives for the call.
        unsafe {
            check("personality query", libc::personality(0xffff_ffff).into());
            check(
                "personality",
                libc::personality(
                    (libc::ADDR_NO_RANDOMIZE | libc::READ_IMPLIES_EXEC) as libc::c_ulong,
                )
                .into(),
            );
            // Refused here (no LSM takes it): recorded all the same.
            libc::syscall(460, 100, &raw const ctx, size_of::<LsmCtx>(), 0);
        }
        0
    });
    assert_eq!(st, 0, "personality child");
    let key_type = c("user");
    let desc = c("tracer-test-key");
    let payload = b"not-a-secret";
    // SAFETY: NUL-terminated strings and a payload that live for the calls.
    unsafe {
        let key = check(
            "add_key",
            libc::syscall(
                libc::SYS_add_key,
                key_type.as_ptr(),
                desc.as_ptr(),
                payload.as_ptr(),
                payload.len(),
                -2, // KEY_SPEC_PROCESS_KEYRING
            ),
        );
        check(
            "keyctl search",
            libc::syscall(
                libc::SYS_keyctl,
                10, // KEYCTL_SEARCH
                -2,
                key_type.as_ptr(),
                desc.as_ptr(),
                0,
            ),
        );
        check(
            "request_key",
            libc::syscall(
                libc::SYS_request_key,
                key_type.as_ptr(),
                desc.as_ptr(),
                std::ptr::null::<u8>(),
                0,
            ),
        );
        check(
            "keyctl invalidate",
            libc::syscall(libc::SYS_keyctl, 21, key), // KEYCTL_INVALIDATE
        );
    }
}

/// Objects and attributes the file family records beyond paths: a POSIX message queue
/// created and removed (glibc's mq_open, mq_unlink), and a file's no-dump inode flag set three
/// ways (FS_IOC_SETFLAGS, FS_IOC_FSSETXATTR, file_setattr), each after reading the flags.
fn file_attrs(dir: &str) {
    let queue = c("/tracer-mq");
    // SAFETY: a NUL-terminated name; mode and a null attr for O_CREAT.
    unsafe {
        let mqd = check(
            "mq_open",
            libc::mq_open(
                queue.as_ptr(),
                libc::O_CREAT | libc::O_RDWR,
                0o600 as libc::c_uint,
                std::ptr::null::<libc::mq_attr>(),
            )
            .into(),
        );
        libc::close(mqd as i32);
        check("mq_unlink", libc::mq_unlink(queue.as_ptr()).into());
    }
    let path = format!("{dir}/attrs");
    std::fs::write(&path, b"x").expect("write attrs file");
    let path_c = c(&path);
    /// struct fsxattr.
    #[repr(C)]
    #[allow(dead_code, reason = "the kernel reads the fields")]
    struct FsXattr {
        xflags: u32,
        extsize: u32,
        nextents: u32,
        projid: u32,
        cowextsize: u32,
        pad: [u8; 8],
    }
    /// struct file_attr (FILE_ATTR_SIZE_VER0).
    #[repr(C)]
    #[allow(dead_code, reason = "the kernel reads the fields")]
    struct FileAttr {
        xflags: u64,
        extsize: u32,
        nextents: u32,
        projid: u32,
        cowextsize: u32,
    }
    const FS_IOC_GETFLAGS: libc::c_ulong = 0x8008_6601;
    const FS_IOC_SETFLAGS: libc::c_ulong = 0x4008_6602;
    const FS_IOC_FSGETXATTR: libc::c_ulong = 0x801c_581f;
    const FS_IOC_FSSETXATTR: libc::c_ulong = 0x401c_5820;
    // SAFETY: an fd this function opened and structs that live for the calls.
    unsafe {
        let fd = libc::open(path_c.as_ptr(), libc::O_RDONLY);
        let mut flags: libc::c_long = 0;
        check(
            "FS_IOC_GETFLAGS",
            libc::ioctl(fd, FS_IOC_GETFLAGS, &raw mut flags).into(),
        );
        flags |= 0x40; // FS_NODUMP_FL
        check(
            "FS_IOC_SETFLAGS",
            libc::ioctl(fd, FS_IOC_SETFLAGS, &raw const flags).into(),
        );
        let mut x: FsXattr = std::mem::zeroed();
        check(
            "FS_IOC_FSGETXATTR",
            libc::ioctl(fd, FS_IOC_FSGETXATTR, &raw mut x).into(),
        );
        x.xflags |= 0x80; // FS_XFLAG_NODUMP
        check(
            "FS_IOC_FSSETXATTR",
            libc::ioctl(fd, FS_IOC_FSSETXATTR, &raw const x).into(),
        );
        libc::close(fd);
        // file_getattr (468), file_setattr (469): Linux 6.17.
        let mut a: FileAttr = std::mem::zeroed();
        check(
            "file_getattr",
            libc::syscall(
                468,
                libc::AT_FDCWD,
                path_c.as_ptr(),
                &raw mut a,
                size_of::<FileAttr>(),
                0,
            ),
        );
        a.xflags |= 0x80;
        check(
            "file_setattr",
            libc::syscall(
                469,
                libc::AT_FDCWD,
                path_c.as_ptr(),
                &raw const a,
                size_of::<FileAttr>(),
                0,
            ),
        );
    }
}

/// The calls that need a capability only for some arguments, made as nobody in a child so
/// that each privileged one is refused and nothing on the host changes: real-time scheduling,
/// a negative nice, the real-time I/O class, a raised hard limit, a fanotify permission group,
/// an interface ioctl, clone3 choosing a pid, and an rtnetlink RTM_NEWADDR (the kernel
/// answers EPERM in its ack). Beside them the unprivileged forms: a positive nice, a lowered
/// limit, an interface read by ioctl and an rtnetlink read.
fn gated() {
    in_child(|| {
        // SAFETY: setuid in a throwaway child; the calls run only once it is nobody, each with
        // valid buffers of the sizes it is told.
        unsafe {
            if libc::setuid(65534) != 0 {
                eprintln!("actor: setuid(nobody) failed");
                return 1;
            }
            let param = libc::sched_param { sched_priority: 1 };
            libc::sched_setscheduler(0, libc::SCHED_FIFO, &raw const param);
            libc::setpriority(libc::PRIO_PROCESS, 0, -10);
            // One step nicer than now (the test may itself run under nice).
            let now = libc::getpriority(libc::PRIO_PROCESS, 0);
            libc::setpriority(libc::PRIO_PROCESS, 0, (now + 1).min(19));
            // IOPRIO_WHO_PROCESS, IOPRIO_PRIO_VALUE(IOPRIO_CLASS_RT, 0).
            libc::syscall(libc::SYS_ioprio_set, 1, 0, 1 << 13);
            let mut nofile: libc::rlimit = std::mem::zeroed();
            libc::getrlimit(libc::RLIMIT_NOFILE, &raw mut nofile);
            let raised = libc::rlimit {
                rlim_cur: nofile.rlim_cur,
                rlim_max: nofile.rlim_max + 1,
            };
            libc::prlimit(
                0,
                libc::RLIMIT_NOFILE,
                &raw const raised,
                std::ptr::null_mut(),
            );
            let no_core = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            check(
                "setrlimit core 0",
                libc::setrlimit(libc::RLIMIT_CORE, &raw const no_core) as i64,
            );
            // FAN_CLASS_CONTENT | FAN_CLOEXEC.
            libc::syscall(libc::SYS_fanotify_init, 0x4 | 0x1, libc::O_RDONLY);
            let s = libc::socket(libc::AF_UNIX, libc::SOCK_DGRAM, 0);
            let mut ifr = [0u8; 40];
            ifr[..2].copy_from_slice(b"lo");
            check(
                "SIOCGIFMTU",
                libc::ioctl(s, libc::SIOCGIFMTU, ifr.as_mut_ptr()) as i64,
            );
            libc::ioctl(s, libc::SIOCSIFMTU, ifr.as_mut_ptr());
            // clone3 with set_tid: clone_args of 88 bytes (CLONE_ARGS_SIZE_VER2),
            // exit_signal SIGCHLD, set_tid → one pid.
            let want: libc::pid_t = 4_000_000;
            let mut args = [0u64; 11];
            args[4] = libc::SIGCHLD as u64;
            args[8] = (&raw const want) as u64;
            args[9] = 1;
            let pid = libc::syscall(libc::SYS_clone3, args.as_ptr(), 88usize);
            if pid == 0 {
                libc::_exit(0);
            }
            netlink_requests();
            // The parent's memory (root's, so refused): a ptrace POKE by another door.
            let byte = [0u8; 1];
            let local = libc::iovec {
                iov_base: byte.as_ptr() as *mut libc::c_void,
                iov_len: 1,
            };
            let remote = libc::iovec {
                iov_base: byte.as_ptr() as *mut libc::c_void,
                iov_len: 1,
            };
            libc::process_vm_writev(
                libc::getppid(),
                &raw const local,
                1,
                &raw const remote,
                1,
                0,
            );
            // process_madvise through a pidfd: MADV_COLD on the parent's memory (another
            // process: CAP_SYS_NICE, refused), then on a page of its own (needs nothing).
            let page = libc::mmap(
                std::ptr::null_mut(),
                4096,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            let iov = libc::iovec {
                iov_base: page,
                iov_len: 4096,
            };
            const MADV_COLD: libc::c_long = 20;
            for pid in [libc::getppid(), libc::getpid()] {
                let pidfd = libc::syscall(libc::SYS_pidfd_open, pid, 0);
                libc::syscall(
                    libc::SYS_process_madvise,
                    pidfd,
                    &raw const iov,
                    1usize,
                    MADV_COLD,
                    0,
                );
            }
        }
        0
    });
}

/// rtnetlink: RTM_NEWADDR of 127.0.0.98/32 on lo (refused for nobody), then an RTM_GETLINK
/// dump (a read), each sent with sendto to the kernel's address.
///
/// # Safety
/// Plain syscalls on a socket it makes.
unsafe fn netlink_requests() {
    // SAFETY: the caller's.
    unsafe {
        let s = libc::socket(libc::AF_NETLINK, libc::SOCK_RAW, libc::NETLINK_ROUTE);
        let lo = libc::if_nametoindex(c("lo").as_ptr());
        let kernel: libc::sockaddr_nl = std::mem::zeroed();
        let mut kernel = kernel;
        kernel.nl_family = libc::AF_NETLINK as u16;
        let send = |msg: &[u8]| {
            libc::sendto(
                s,
                msg.as_ptr().cast(),
                msg.len(),
                0,
                (&raw const kernel).cast(),
                std::mem::size_of::<libc::sockaddr_nl>() as u32,
            );
            let mut buf = [0u8; 4096];
            libc::recv(s, buf.as_mut_ptr().cast(), buf.len(), libc::MSG_DONTWAIT);
        };
        // nlmsghdr (16) + ifaddrmsg (8) + rtattr IFA_LOCAL (4 + 4).
        let mut add = Vec::new();
        add.extend_from_slice(&32u32.to_ne_bytes());
        add.extend_from_slice(&libc::RTM_NEWADDR.to_ne_bytes());
        let flags =
            (libc::NLM_F_REQUEST | libc::NLM_F_ACK | libc::NLM_F_CREATE | libc::NLM_F_EXCL) as u16;
        add.extend_from_slice(&flags.to_ne_bytes());
        add.extend_from_slice(&[0; 8]);
        add.extend_from_slice(&[libc::AF_INET as u8, 32, 0, 0]);
        add.extend_from_slice(&lo.to_ne_bytes());
        add.extend_from_slice(&8u16.to_ne_bytes());
        add.extend_from_slice(&libc::IFA_LOCAL.to_ne_bytes());
        add.extend_from_slice(&[127, 0, 0, 98]);
        send(&add);
        // nlmsghdr + ifinfomsg (16): a dump of every link.
        let mut get = Vec::new();
        get.extend_from_slice(&32u32.to_ne_bytes());
        get.extend_from_slice(&libc::RTM_GETLINK.to_ne_bytes());
        get.extend_from_slice(&((libc::NLM_F_REQUEST | libc::NLM_F_DUMP) as u16).to_ne_bytes());
        get.extend_from_slice(&[0; 8]);
        get.extend_from_slice(&[0; 16]);
        send(&get);
    }
}

/// What a hostile package does to its recorder, each harmlessly: finds the recorder (its
/// parent, under `tracer record -- actor tamper DIR`) and its trace file, and acts on them and
/// on the tracing machinery.
fn tamper() {
    // SAFETY: getppid has no preconditions.
    let recorder = unsafe { libc::getppid() };
    // BPF_PROG_GET_NEXT_ID (11): walking the loaded programs, the first step to detach one.
    let mut attr = [0u8; 64];
    // SAFETY: a bpf() call with a zeroed attr of the right size, start_id 0.
    unsafe { libc::syscall(libc::SYS_bpf, 11, attr.as_mut_ptr(), attr.len()) };
    // PTRACE_PEEKDATA of the recorder without attaching: fails (ESRCH), and is the attempt.
    // SAFETY: a failing ptrace request on another process; no memory is passed.
    unsafe { libc::ptrace(libc::PTRACE_PEEKDATA, recorder, 0, 0) };
    // A signal to the recorder: SIGCONT, which a running process ignores.
    // SAFETY: kill has no memory arguments.
    unsafe { libc::kill(recorder, libc::SIGCONT) };
    // tracefs: a write to trace_marker (harmless: a line in the kernel's trace buffer).
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .write(true)
        .open("/sys/kernel/tracing/trace_marker")
    {
        let _ = std::io::Write::write_all(&mut f, b"tracer e2e tamper\n");
    }
    // bpffs: a directory made and removed (pinning would go there).
    let pin = "/sys/fs/bpf/tracer-e2e-tamper";
    let _ = std::fs::create_dir(pin);
    let _ = std::fs::remove_dir(pin);
    // The recorder's own trace file, found through its fds: opened for append, nothing written.
    if let Ok(fds) = std::fs::read_dir(format!("/proc/{recorder}/fd")) {
        for fd in fds.flatten() {
            if let Ok(target) = std::fs::read_link(fd.path())
                && target.to_string_lossy().ends_with(".partial")
            {
                let _ = std::fs::OpenOptions::new().append(true).open(&target);
            }
        }
    }
}

/// Round 11's `a11_trace_swap_partial`, for real: the trace so far (the header and every
/// whole event line) and a footer whose counts match it are written to a file that is renamed
/// over the recorder's `.partial` (its `-o`, from its command line); then `touch DIR/swapped`
/// is run. A recorder that published whatever its `.partial` name led to would publish this
/// forgery, without the touch.
fn swap_partial(dir: &str) {
    // SAFETY: getppid has no preconditions.
    let recorder = unsafe { libc::getppid() };
    let cmdline = std::fs::read(format!("/proc/{recorder}/cmdline")).expect("recorder cmdline");
    let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
    let at = args
        .iter()
        .position(|a| *a == b"-o")
        .expect("the recorder's -o");
    let output = String::from_utf8(args[at + 1].to_vec()).expect("a UTF-8 -o");
    let partial = format!("{output}.partial");
    // Some events written first (the recorder drains its ring every 50 ms).
    std::thread::sleep(std::time::Duration::from_millis(300));
    let so_far = std::fs::read_to_string(&partial).expect("read the .partial");
    let mut kept = Vec::new();
    let mut counts = serde_json::Map::new();
    for line in so_far.split_inclusive('\n') {
        if !line.ends_with('\n') {
            break;
        }
        let v: serde_json::Value = serde_json::from_str(line).expect("a trace line");
        if v["type"] == "event" {
            let kind = v["kind"].as_str().expect("a kind").to_owned();
            let n = v["repeat"]["count"].as_u64().unwrap_or(1);
            let was = counts.get(&kind).and_then(|c| c.as_u64()).unwrap_or(0);
            counts.insert(kind, (was + n).into());
        }
        kept.push(line.to_owned());
    }
    // Every kind the header lists a source for, none lost. (Not the tracer library's list of
    // kinds: linking the library brings mimalloc's start-up into this program, a prctl and a
    // getrandom every test of the actor would see.)
    let header: serde_json::Value = serde_json::from_str(&kept[0]).expect("the header");
    let lost: serde_json::Map<String, serde_json::Value> = header["hooks"]["sources"]
        .as_object()
        .expect("hooks.sources")
        .keys()
        .map(|k| (k.clone(), 0.into()))
        .collect();
    let footer = serde_json::json!({
        "type": "footer", "end_time": "2026-12-05T00:00:00Z", "duration_ms": 40,
        "stop_reason": "target_exited", "target_exit": {"code": 0, "signal": null},
        "events": counts, "lost": lost, "truncated": {}, "unresolved_paths": {},
        "malformed": 0, "code_scan": [],
    });
    let forged = format!("{dir}/forged");
    let mut text = kept.concat();
    text.push_str(&footer.to_string());
    text.push('\n');
    std::fs::write(&forged, text).expect("write the forgery");
    std::fs::rename(&forged, &partial).expect("rename it over the .partial");
    let status = std::process::Command::new("/usr/bin/touch")
        .arg(format!("{dir}/swapped"))
        .status()
        .expect("run touch");
    assert!(status.success(), "touch failed");
}

unsafe extern "C" {
    fn secure_getenv(name: *const libc::c_char) -> *mut libc::c_char;
}

fn environment() {
    let mut buf = [0u8; 16];
    // SAFETY: getrandom into a local buffer.
    let n = unsafe { libc::getrandom(buf.as_mut_ptr().cast(), buf.len(), 0) };
    check("getrandom", n as i64);
    // std's env lookup goes through libc's getenv.
    let _ = std::env::var_os("TRACER_E2E_VAR");
    // SAFETY: glibc's secure_getenv (the libc crate does not bind it) with a NUL-terminated name.
    unsafe { secure_getenv(c("TRACER_E2E_SECURE").as_ptr()) };
    let _ = std::fs::read("/dev/null");
    let mut f = std::fs::File::open("/dev/urandom").expect("open /dev/urandom");
    std::io::Read::read_exact(&mut f, &mut buf).expect("read /dev/urandom");
}

fn busy() {
    // Stands beside a recording: loops on opens until killed.
    loop {
        let _ = std::fs::read("/etc/hostname");
    }
}

/// Modes the fd-table actions fchmod with, one per way an fd is made, so that the test can tell
/// the calls apart: (cloexec? , mode). The cloexec ones are gone after the exec.
const FD_TABLE_MODES: [(&str, u32); 6] = [
    ("open O_CLOEXEC", 0o621),
    ("F_SETFD FD_CLOEXEC", 0o622),
    ("dup3 O_CLOEXEC", 0o623),
    ("F_DUPFD_CLOEXEC", 0o624),
    ("plain open", 0o625),
    ("F_SETFD 0", 0o626),
];

/// fcntl's dups and the close-on-exec flag, for the fd table. fchmods through fds that
/// `fcntl(F_DUPFD)` and `fcntl(F_DUPFD_CLOEXEC)` made; then, in a child, fds made each
/// close-on-exec way (and two that survive) are passed to a new image of the actor
/// (`fd-table-after-exec`), which fchmods the survivors and, at the numbers of the closed ones,
/// pipes (which no hook names).
fn fd_table(dir: &str) {
    let p = |name: &str| c(&format!("{dir}/{name}"));
    let open = |name: &str, flags: i32| {
        // SAFETY: a valid NUL-terminated path.
        check(name, unsafe {
            libc::open(
                p(name).as_ptr(),
                libc::O_CREAT | libc::O_WRONLY | flags,
                0o644,
            )
        } as i64) as i32
    };
    // SAFETY: plain syscalls on fds this function opened.
    unsafe {
        let fd = open("fcntl-dup", 0);
        let dup = check("F_DUPFD", libc::fcntl(fd, libc::F_DUPFD, 200) as i64) as i32;
        check("fchmod F_DUPFD", libc::fchmod(dup, 0o611) as i64);
        let dup = check(
            "F_DUPFD_CLOEXEC",
            libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 210) as i64,
        );
        check(
            "fchmod F_DUPFD_CLOEXEC",
            libc::fchmod(dup as i32, 0o612) as i64,
        );
        // An fcntl the kernel side drops: no record, and the table is unchanged.
        check("F_GETFL", libc::fcntl(fd, libc::F_GETFL) as i64);
    }
    let (_, status) = in_child(|| {
        // SAFETY: plain syscalls on fds this child opened.
        unsafe {
            let plain = open("plain-for-dups", 0);
            // The lowest number the exec frees, which the new image's loader opens its
            // libraries at (and closes): it would hide a stale entry of the next one.
            open("loader-reuses", libc::O_CLOEXEC);
            let fds = [
                open("cloexec-open", libc::O_CLOEXEC),
                {
                    let fd = open("cloexec-setfd", 0);
                    check(
                        "F_SETFD",
                        libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) as i64,
                    );
                    fd
                },
                check("dup3", libc::dup3(plain, 170, libc::O_CLOEXEC) as i64) as i32,
                check(
                    "F_DUPFD_CLOEXEC",
                    libc::fcntl(plain, libc::F_DUPFD_CLOEXEC, 180) as i64,
                ) as i32,
                open("kept-plain", 0),
                {
                    let fd = open("kept-setfd", libc::O_CLOEXEC);
                    check("F_SETFD 0", libc::fcntl(fd, libc::F_SETFD, 0) as i64);
                    fd
                },
            ];
            let fds: Vec<String> = fds.iter().map(i32::to_string).collect();
            let mut args = vec!["actor", "fd-table-after-exec", dir];
            args.extend(fds.iter().map(String::as_str));
            exec("/proc/self/exe", &args)
        }
    });
    if status != 0 {
        eprintln!("actor: fd-table-after-exec exited with status {status}");
        exit(1);
    }
}

/// The new image of [`fd_table`]: `fds` are the numbers, in [`FD_TABLE_MODES`] order.
fn fd_table_after_exec(fds: &[String]) {
    let fds: Vec<i32> = fds.iter().map(|f| f.parse().expect("fd numbers")).collect();
    let kept = |what: &str| what.starts_with("plain") || what == "F_SETFD 0";
    // All checked before any pipe takes a freed number.
    for (&fd, &(what, _)) in fds.iter().zip(FD_TABLE_MODES.iter()) {
        // SAFETY: F_GETFD only reads the fd's flags.
        let open = unsafe { libc::fcntl(fd, libc::F_GETFD) } >= 0;
        if open != kept(what) {
            eprintln!("actor: fd {fd} ({what}) open after exec: {open}");
            exit(1);
        }
    }
    for (&fd, &(what, mode)) in fds.iter().zip(FD_TABLE_MODES.iter()) {
        if !kept(what) && !pipe_at(fd) {
            eprintln!("actor: no pipe got fd {fd} ({what})");
            exit(1);
        }
        // SAFETY: fchmod of an fd number this image holds.
        check(what, unsafe { libc::fchmod(fd, mode) } as i64);
    }
}

/// Makes pipes (unhooked: the fd table never learns of them) until one end is fd `target`
/// (an earlier call's pipe may hold it already).
fn pipe_at(target: i32) -> bool {
    // SAFETY: F_GETFD only reads the fd's flags.
    if unsafe { libc::fcntl(target, libc::F_GETFD) } >= 0 {
        return true;
    }
    loop {
        let mut ends = [0i32; 2];
        // SAFETY: a two-int buffer for pipe's fds.
        if unsafe { libc::pipe(ends.as_mut_ptr()) } != 0 {
            return false;
        }
        if ends.contains(&target) {
            return true;
        }
        if ends.iter().all(|&e| e > target) {
            return false;
        }
    }
}

/// Opens in a storm: how many times `storm` opens and closes its file.
const STORM_OPENS: u32 = 10_000;

/// The storm: one file opened and closed [`STORM_OPENS`] times by one thread, each open the
/// same call with the same result (the fd the close freed), then one other open that ends the
/// run. The recorder writes the repeats as few lines with a count.
fn storm(dir: &str) {
    let path = c(&format!("{dir}/storm"));
    let other = c(&format!("{dir}/after-storm"));
    // SAFETY: plain syscalls with valid NUL-terminated paths; results are checked.
    unsafe {
        let fd = check(
            "create",
            libc::open(path.as_ptr(), libc::O_CREAT | libc::O_WRONLY, 0o600) as i64,
        );
        libc::close(fd as i32);
        for _ in 0..STORM_OPENS {
            let fd = check(
                "storm open",
                libc::openat(libc::AT_FDCWD, path.as_ptr(), libc::O_RDONLY) as i64,
            );
            if fd < 0 {
                exit(1);
            }
            libc::close(fd as i32);
        }
        let fd = check(
            "open after",
            libc::open(other.as_ptr(), libc::O_CREAT | libc::O_WRONLY, 0o600) as i64,
        );
        libc::close(fd as i32);
    }
}

/// UDP sockets that never call bind(2): the kernel autobinds each at its first send, to a port
/// from `ip_local_port_range`, and it receives there. Prints the port the unbound socket got
/// (`getsockname`) as `{"autobind_port":N}`, after two sends from it (one autobind record, not
/// one per send); then a socket that connects before its first send (its autobind is no
/// endpoint) and sends on the connection, printed as `{"connected_port":N}`.
fn udp_autobind() {
    fn local_port(s: i32) -> u16 {
        // SAFETY: getsockname into a live sockaddr_in of the length given.
        unsafe {
            let mut a: libc::sockaddr_in = std::mem::zeroed();
            let mut len = size_of::<libc::sockaddr_in>() as u32;
            check(
                "getsockname",
                libc::getsockname(s, (&raw mut a).cast(), &mut len) as i64,
            );
            u16::from_be(a.sin_port)
        }
    }
    let len = size_of::<libc::sockaddr_in>() as u32;
    let data = b"tracer";
    // SAFETY: plain socket calls with valid, live buffers.
    unsafe {
        let s = libc::socket(libc::AF_INET, libc::SOCK_DGRAM, 0);
        let to = sin([127, 0, 0, 31], 9031);
        for _ in 0..2 {
            sendto_in(s, data, &to);
        }
        println!("{{\"autobind_port\":{}}}", local_port(s));
        let c = libc::socket(libc::AF_INET, libc::SOCK_DGRAM, 0);
        let peer = sin([127, 0, 0, 32], 9032);
        check(
            "connect",
            libc::connect(c, (&raw const peer).cast(), len) as i64,
        );
        check(
            "send",
            libc::send(c, data.as_ptr().cast(), data.len(), 0) as i64,
        );
        println!("{{\"connected_port\":{}}}", local_port(c));
        libc::close(s);
        libc::close(c);
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (family, dir) = match args.as_slice() {
        [_, f, d] => (f.as_str(), d.as_str()),
        [_, f] if f == "busy" => ("busy", ""),
        [_, f, _, fds @ ..] if f == "fd-table-after-exec" => {
            fd_table_after_exec(fds);
            return;
        }
        _ => {
            eprintln!(
                "usage: actor process|exec-tricks|file-tricks|fd-table|send-tricks|io_uring|file|network|privilege|environment|storm DIR | actor busy"
            );
            exit(2);
        }
    };
    match family {
        "process" => process(dir),
        "exec-tricks" => exec_tricks(dir),
        "file-tricks" => file_tricks(dir),
        "fd-table" => fd_table(dir),
        "send-tricks" => send_tricks(),
        "udp-autobind" => udp_autobind(),
        "io_uring" => uring(dir),
        "uring-xattr" => uring_xattr(dir),
        "uring-stale" => uring_stale(dir),
        "uring-fd-real" => uring_fd_real(dir),
        "by-handle" => by_handle(dir),
        "file" => file(dir),
        "network" => network(dir),
        "privilege" => privilege(dir),
        "gated" => gated(),
        "self-policy" => self_policy(dir),
        "file-attrs" => file_attrs(dir),
        "environment" => environment(),
        "tamper" => tamper(),
        "swap-partial" => swap_partial(dir),
        "busy" => busy(),
        "storm" => storm(dir),
        "sockopt-caps" => sockopt_caps(),
        "sockopt-crypto" => sockopt_crypto(),
        "sockopt-route" => sockopt_route(),
        "memlock" => memlock(dir == "over"),
        other => {
            eprintln!("actor: unknown family {other}");
            exit(2);
        }
    }
}

/// `setsockopt(fd, level, name, &int, 4)`.
fn set_int(fd: i32, level: i32, name: i32, v: i32) -> i64 {
    // SAFETY: a valid int buffer of the length given.
    unsafe {
        libc::setsockopt(
            fd,
            level,
            name,
            (&raw const v).cast(),
            size_of::<i32>() as libc::socklen_t,
        ) as i64
    }
}

/// Socket options a capability gates (as root, so they succeed): SO_MARK, SO_RCVBUFFORCE,
/// SO_PRIORITY 7, IP_TRANSPARENT; the same SO_MARK refused in a child that became nobody;
/// and the unprivileged forms of the gated ones (SO_PRIORITY 3, IP_TRANSPARENT 0), a device
/// bind and IP_FREEBIND (recorded, no capability), SO_REUSEADDR and TCP_NODELAY (not
/// recorded at all).
fn sockopt_caps() {
    // SAFETY: plain socket calls on sockets this function owns.
    let s = unsafe { libc::socket(libc::AF_INET, libc::SOCK_DGRAM, 0) };
    check(
        "SO_MARK",
        set_int(s, libc::SOL_SOCKET, libc::SO_MARK, 0x7472_6373),
    );
    check(
        "SO_RCVBUFFORCE",
        set_int(s, libc::SOL_SOCKET, libc::SO_RCVBUFFORCE, 1 << 20),
    );
    check(
        "SO_PRIORITY 7",
        set_int(s, libc::SOL_SOCKET, libc::SO_PRIORITY, 7),
    );
    check(
        "IP_TRANSPARENT",
        set_int(s, libc::SOL_IP, libc::IP_TRANSPARENT, 1),
    );
    check(
        "SO_PRIORITY 3",
        set_int(s, libc::SOL_SOCKET, libc::SO_PRIORITY, 3),
    );
    check(
        "IP_TRANSPARENT 0",
        set_int(s, libc::SOL_IP, libc::IP_TRANSPARENT, 0),
    );
    check(
        "IP_FREEBIND",
        set_int(s, libc::SOL_IP, libc::IP_FREEBIND, 1),
    );
    check(
        "SO_REUSEADDR",
        set_int(s, libc::SOL_SOCKET, libc::SO_REUSEADDR, 1),
    );
    // SAFETY: a valid name buffer of the length given.
    let bound = unsafe {
        libc::setsockopt(
            s,
            libc::SOL_SOCKET,
            libc::SO_BINDTODEVICE,
            c"lo".as_ptr().cast(),
            3,
        )
    };
    check("SO_BINDTODEVICE lo", bound as i64);
    // SAFETY: as above.
    let t = unsafe { libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0) };
    check(
        "TCP_NODELAY",
        set_int(t, libc::IPPROTO_TCP, libc::TCP_NODELAY, 1),
    );
    let (_, st) = in_child(|| {
        // SAFETY: setuid in a throwaway child, then a socket option it may no longer set.
        unsafe {
            if libc::setuid(65534) != 0 {
                return 1;
            }
            let u = libc::socket(libc::AF_INET, libc::SOCK_DGRAM, 0);
            // Refused with EPERM: the attempt is what is recorded.
            if set_int(u, libc::SOL_SOCKET, libc::SO_MARK, 1) == 0 {
                return 2;
            }
        }
        0
    });
    if st != 0 {
        eprintln!("actor: SO_MARK as nobody was not refused ({st:#x})");
        exit(1);
    }
}

/// A loopback TCP connection signed with TCP-MD5 on both ends (the kernel signs and checks
/// every segment with the key), and kernel TLS asked for on it (TCP_ULP "tls": whether this
/// kernel has the tls module or not, the call asks for it).
fn sockopt_crypto() {
    use std::io::{Read, Write};
    use std::os::fd::AsRawFd;
    // struct tcp_md5sig: sockaddr_storage (128), flags, prefixlen, keylen (u16), ifindex (i32),
    // key[80].
    let md5 = |fd: i32| {
        let mut k = [0u8; 216];
        k[..2].copy_from_slice(&(libc::AF_INET as u16).to_ne_bytes());
        k[4..8].copy_from_slice(&[127, 0, 0, 1]);
        k[130..132].copy_from_slice(&16u16.to_ne_bytes());
        k[136..152].copy_from_slice(b"tracer-md5-key!!");
        // SAFETY: a valid buffer of the length given.
        let r = unsafe {
            libc::setsockopt(fd, libc::IPPROTO_TCP, 14, k.as_ptr().cast(), k.len() as u32)
        };
        check("TCP_MD5SIG", r as i64);
    };
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    md5(listener.as_raw_fd());
    let addr = listener.local_addr().expect("local address");
    // SAFETY: a socket this function owns, connected to the listener above.
    let s = unsafe { libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0) };
    md5(s);
    let mut sin: libc::sockaddr_in = unsafe { std::mem::zeroed() };
    sin.sin_family = libc::AF_INET as u16;
    sin.sin_port = addr.port().to_be();
    sin.sin_addr.s_addr = u32::from_ne_bytes([127, 0, 0, 1]);
    // SAFETY: a valid sockaddr_in of the length given.
    let rc = unsafe {
        libc::connect(
            s,
            (&raw const sin).cast(),
            size_of::<libc::sockaddr_in>() as u32,
        )
    };
    check("connect (TCP-MD5)", rc as i64);
    let (mut peer, _) = listener.accept().expect("accept");
    // SAFETY: `s` is a connected socket this function owns; from here on a std stream.
    let mut stream = unsafe { <std::net::TcpStream as std::os::fd::FromRawFd>::from_raw_fd(s) };
    stream.write_all(b"signed").expect("write");
    let mut got = [0u8; 6];
    peer.read_exact(&mut got).expect("read the signed bytes");
    // SAFETY: a valid name buffer of the length given.
    unsafe {
        libc::setsockopt(s, libc::IPPROTO_TCP, 31, c"tls".as_ptr().cast(), 3);
    }
}

/// A UDP datagram to 127.0.0.1:47951 with a loose source route via 127.0.0.3 in its control
/// data (IP_RETOPTS): the kernel sends it to 127.0.0.3 first. And a socket whose IP_OPTIONS
/// carry a route via 127.0.0.4, then a sendto 127.0.0.1:47952 on it.
fn sockopt_route() {
    let dest = |port: u16| {
        let mut sin: libc::sockaddr_in = unsafe { std::mem::zeroed() };
        sin.sin_family = libc::AF_INET as u16;
        sin.sin_port = port.to_be();
        sin.sin_addr.s_addr = u32::from_ne_bytes([127, 0, 0, 1]);
        sin
    };
    // SAFETY: sockets this function owns; every buffer is valid for the length given.
    unsafe {
        let s = libc::socket(libc::AF_INET, libc::SOCK_DGRAM, 0);
        let d = dest(47951);
        // NOP, LSRR, length 7, pointer 4, 127.0.0.3.
        let opt = [1u8, 0x83, 7, 4, 127, 0, 0, 3];
        let mut cbuf = [0u64; 4];
        let cmsg = cbuf.as_mut_ptr().cast::<libc::cmsghdr>();
        (*cmsg).cmsg_len = libc::CMSG_LEN(opt.len() as u32) as usize;
        (*cmsg).cmsg_level = libc::IPPROTO_IP;
        (*cmsg).cmsg_type = libc::IP_RETOPTS;
        std::ptr::copy_nonoverlapping(opt.as_ptr(), libc::CMSG_DATA(cmsg), opt.len());
        let mut iov = libc::iovec {
            iov_base: c"trcr".as_ptr() as *mut _,
            iov_len: 4,
        };
        let mut m: libc::msghdr = std::mem::zeroed();
        m.msg_name = (&raw const d) as *mut _;
        m.msg_namelen = size_of::<libc::sockaddr_in>() as u32;
        m.msg_iov = &raw mut iov;
        m.msg_iovlen = 1;
        m.msg_control = cbuf.as_mut_ptr().cast();
        m.msg_controllen = libc::CMSG_SPACE(opt.len() as u32) as usize;
        check(
            "sendmsg with IP_RETOPTS",
            libc::sendmsg(s, &raw const m, 0) as i64,
        );
        let t = libc::socket(libc::AF_INET, libc::SOCK_DGRAM, 0);
        let route = [1u8, 0x83, 7, 4, 127, 0, 0, 4];
        check(
            "IP_OPTIONS",
            libc::setsockopt(
                t,
                libc::IPPROTO_IP,
                libc::IP_OPTIONS,
                route.as_ptr().cast(),
                route.len() as u32,
            ) as i64,
        );
        let d2 = dest(47952);
        check(
            "sendto on the routed socket",
            libc::sendto(
                t,
                c"trcr".as_ptr().cast(),
                4,
                0,
                (&raw const d2).cast(),
                size_of::<libc::sockaddr_in>() as u32,
            ) as i64,
        );
    }
}

/// mlock under an RLIMIT_MEMLOCK of 8 MiB (or the hard limit, if lower): `over` locks four
/// times the limit and then the whole address space (mlockall MCL_CURRENT), which only
/// CAP_IPC_LOCK allows (the actor runs as root); otherwise one eighth of the limit, which
/// needs nothing.
fn memlock(over: bool) {
    // SAFETY: resource-limit calls on this process; an anonymous mapping this function owns.
    unsafe {
        let mut rl: libc::rlimit = std::mem::zeroed();
        libc::getrlimit(libc::RLIMIT_MEMLOCK, &raw mut rl);
        let limit = if rl.rlim_max == libc::RLIM_INFINITY {
            8 << 20
        } else {
            rl.rlim_max.min(8 << 20)
        };
        // Only the soft limit moves, down or to the hard one: nothing privileged.
        let set = libc::rlimit {
            rlim_cur: limit,
            rlim_max: rl.rlim_max,
        };
        check(
            "setrlimit RLIMIT_MEMLOCK",
            libc::setrlimit(libc::RLIMIT_MEMLOCK, &raw const set) as i64,
        );
        let len = if over {
            limit as usize * 4
        } else {
            limit as usize / 8
        };
        let p = libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        );
        if p == libc::MAP_FAILED {
            eprintln!("actor: mmap failed");
            exit(1);
        }
        check("mlock", libc::mlock(p, len) as i64);
        check("munlock", libc::munlock(p, len) as i64);
        if over {
            check("mlockall", libc::mlockall(libc::MCL_CURRENT) as i64);
            check("munlockall", libc::munlockall() as i64);
        }
    }
}
