#!/usr/bin/env python3
"""Adversarial corpus runner: builds each technique (round 1: src/*.c; round 2: round2/*.c,
*.py, *.sh; round 3: round3/*.c, *.pl; round 4: round4/*.c; round 5: round5/*.c; round 6:
round6/*.c, *.pl; round 7: round7/*.c; round 8: round8/*.c; round 9: round9/*.c; round 10: round10/*.c; round 11: round11/*.c), runs it once
under `tracer record` and once under `strace -f`, and says per technique whether each tool saw
it; for rounds 2-5 also what `tracer check` answers the review claims the technique is about
(a claim "held" over a technique that did the thing is an evasion).

Verdicts, strict on purpose:
  tracer: recorded  an event of the right kind carries the marker (rule per technique below)
          flagged   not recorded, but the trace admits it may be missing something of that kind:
                    a flag on such an event (read_failed, *_truncated, child_untracked), an
                    io_uring op that is not `named`, or a non-zero lost/truncated/unresolved
                    count for the kind in the footer
          missed    neither: the trace reads as if it did not happen
  strace: saw       a line of the right syscall carries the marker (regex per technique)
          missed    no such line

  claim:  (rounds 2, 3) `tracer check` on the trace with a claims file saying "No X" for each claim
          the technique is about: contradicted (caught), inconclusive (the trace admits a gap),
          held (evaded: the reviewer's claim comes out true although the program did X)
  effect: (rounds 2, 3) whether the action really happened (a file it leaves, a line it prints):
          a technique whose action failed proves nothing either way

Usage (root): tests/adversarial/run.py [--tracer PATH] [--out DIR] [--only NAME,...]
               [--round 1|2|...|11|all] [--markdown FILE]
Needs gcc, strace, and a built tracer (cargo build --release -p tracer). Scratch files live in
/tmp/redteam-adv (rounds 1-5) or /tmp/redteam-adv6 ... -adv11 (rounds 6-11), wiped before each run; traces go
to --out (default /tmp/redteam-out).
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SCRATCH = "/tmp/redteam-adv"

# Extra link flags per technique (everything is built -no-pie so ia32 pointers fit in 32 bits).
LINK = {
    "e_static_getenv": ["-static"],
    "x_crypto_static": ["-static", "-lcrypto", "-lpthread", "-ldl"],
    "x_crypto_dlopen": ["-ldl"],
    "x_crypto_copy": ["-ldl"],
}

ENV = {
    "RTM_GETENV": "1",
    "RTM_ENVIRON_WALK": "1",
    "RTM_STATIC_GETENV": "1",
    "RTM_PYTHON_ENVIRON": "1",
}


def fields(e):
    return json.dumps(e.get("fields", {}))


def has(kinds, marker):
    """An event of one of `kinds` whose fields contain `marker`."""

    def pred(e, _events):
        return e["kind"] in kinds and marker in fields(e)

    return pred


def syscall_is(*names):
    def pred(e, _events):
        return e.get("syscall") in names

    return pred


def exec_marker(marker):
    return has(("exec",), marker)


def forked_exec(marker):
    """An exec carrying the marker AND the fork that made its process."""

    def pred(e, events):
        if e["kind"] != "exec" or marker not in fields(e):
            return False
        return any(f["kind"] == "fork" and f["fields"].get("child_pid") == e["pid"] for f in events)

    return pred


def forked_opener(marker):
    """A fork whose child is the process that opened the marker."""

    def pred(e, events):
        if e["kind"] != "fork":
            return False
        child = e["fields"].get("child_pid")
        return any(o["kind"] == "open" and o["pid"] == child and marker in fields(o) for o in events)

    return pred


def write_open(marker):
    def pred(e, _events):
        return (
            e["kind"] == "open"
            and marker in fields(e)
            and e["fields"].get("access") in ("write", "read_write")
        )

    return pred


def fork_flags(mask):
    def pred(e, _events):
        return e["kind"] == "fork" and (e["fields"].get("clone_flags") or 0) & mask == mask

    return pred


def at_least(kind, n, then):
    def pred(e, events):
        return then(e, events) and sum(1 for x in events if x["kind"] == kind) >= n

    return pred


def sock_then_send(domain):
    def pred(e, events):
        if e["kind"] != "send" or e["fields"]["addr"].get("family") != "other":
            return False
        return any(s["kind"] == "socket" and s["fields"].get("domain") == domain and s["pid"] == e["pid"] for s in events)

    return pred


# name: (category, what it does, tracer rule, kinds whose flags/counters count as "flagged",
#        strace regex, options)
T = {}


def t(name, cat, what, rule, kinds, strace_re, **opts):
    T[name] = dict(cat=cat, what=what, rule=rule, kinds=kinds, strace=strace_re, **opts)


# files
t("f_raw_syscall_openat", "file", "openat via a raw `syscall` instruction", has(("open",), "rtm_rawsys_openat"), ("open",), r"openat\(.*rtm_rawsys_openat")
t("f_int80_open", "file", "open via ia32 `int $0x80` (nr 5) from a 64-bit process", has(("open",), "rtm_int80_open"), ("open",), r"open\(.*rtm_int80_open")
t("f_int80_rename", "file", "rename via ia32 `int $0x80` (nr 38)", has(("rename",), "rtm_int80_rename"), ("rename",), r"rename\(.*rtm_int80_rename")
t("f_openat2", "file", "openat2 with RESOLVE_* flags", has(("open",), "rtm_openat2"), ("open",), r"openat2\(.*rtm_openat2")
t("f_open_by_handle", "file", "open_by_handle_at with a handle made before recording, then write", has(("open",), "rtm_open_by_handle"), ("open",), r"open_by_handle_at\(.*rtm_open_by_handle", prepare=True)
t("f_tmpfile_linkat", "file", "O_TMPFILE, write, then linkat(AT_EMPTY_PATH) to the marker name", has(("link", "open"), "rtm_tmpfile_linkat"), ("link", "open"), r"linkat\(.*rtm_tmpfile_linkat")
t("f_proc_fd_reopen", "file", "O_PATH open, then write-open through /proc/self/fd/N", write_open("rtm_proc_fd_reopen"), ("open",), r"open(at)?\(.*rtm_proc_fd_reopen.*O_(WRONLY|RDWR)", prepare=True)
t("f_mmap_msync", "file", "create + ftruncate + write through MAP_SHARED + msync", write_open("rtm_mmap_msync"), ("open",), r"openat\(.*rtm_mmap_msync")
t("f_copy_file_range", "file", "fill a file with copy_file_range, sendfile, splice", write_open("rtm_copy_file_range"), ("open",), r"openat\(.*rtm_copy_file_range")
t("f_renameat2_exchange", "file", "renameat2 RENAME_EXCHANGE, then RENAME_NOREPLACE to the marker", has(("rename",), "rtm_renameat2_noreplace"), ("rename",), r"renameat2\(.*rtm_renameat2_noreplace")
t("f_hardlink", "file", "link(2) a second name to a file made before recording", has(("link",), "rtm_hardlink"), ("link",), r"link\(.*rtm_hardlink", prepare=True)
t("f_bind_unix_file", "file", "bind(2) of an AF_UNIX socket creates a file", has(("bind",), "rtm_bind_unix_file"), ("bind",), r"bind\(.*rtm_bind_unix_file")
t("f_mq_open", "file", "mq_open(O_CREAT) creates a POSIX message queue", lambda e, ev: "rtm_mq_open" in fields(e), (), r"mq_open\(.*rtm_mq_open")
t("f_long_path", "file", "absolute path > 255 bytes, marker at its end", has(("open",), "rtm_long_path"), ("open",), r"openat\(.*rtm_long_path")
t("f_symlink_dir", "file", "write through a directory symlink made before recording", has(("open",), "rtm_symlink_dir_real"), ("open",), r"openat\(.*rtm_symlink_dir_real", prepare=True)
t("f_toctou_fifo", "file", "blocking FIFO open; another thread swaps the path buffer meanwhile", has(("open",), "rtm_toctou_fifo"), ("open",), r"openat\(.*rtm_toctou_fifo\"")
t("f_toctou_unmap", "file", "blocking FIFO open; another thread unmaps the path meanwhile", has(("open",), "rtm_toctou_unmap"), ("open",), r"openat\(.*rtm_toctou_unmap\"")
t("f_unfaulted_path", "file", "open with the path in a never-touched file-backed page", has(("open",), "rtm_unfaulted_path"), ("open",), r"openat\(.*rtm_unfaulted_path")
t("f_uring_openat", "file", "IORING_OP_OPENAT creates a file", has(("io_uring_op",), "rtm_uring_openat"), ("io_uring_op",), r"io_uring_\w+\(.*rtm_uring_openat")
t("f_uring_symlinkat", "file", "IORING_OP_SYMLINKAT + IORING_OP_LINKAT", has(("io_uring_op",), "rtm_uring_"), ("io_uring_op",), r"io_uring_\w+\(.*rtm_uring_")
t("f_uring_unfaulted", "file", "IORING_OP_OPENAT with the path in a never-touched page", has(("io_uring_op",), "rtm_uring_unfaulted"), ("io_uring_op",), r"io_uring_\w+\(.*rtm_uring_unfaulted")
t("f_uring_sqpoll_write", "file", "IORING_OP_OPENAT picked up by an SQPOLL kernel thread", has(("io_uring_op",), "rtm_uring_sqpoll"), ("io_uring_op",), r"io_uring_\w+\(.*rtm_uring_sqpoll")
t("f_scm_rights_file", "file", "write through a file fd received over SCM_RIGHTS from an unrecorded process", write_open("rtm_scm_file"), ("open",), r"open(at)?\(.*rtm_scm_file", helper=True)
t("f_pidfd_getfd", "file", "pidfd_getfd: take a writable fd out of an unrecorded process", write_open("rtm_pidfd_getfd"), ("open",), r"open(at)?\(.*rtm_pidfd_getfd", helper=True)
t("f_inherited_fd", "file", "write through fd 9 opened by whoever started the recorder", write_open("rtm_inherited_fd"), ("open",), r"open(at)?\(.*rtm_inherited_fd", fd9=True)
t("f_ioctl_setflags", "file", "chattr via ioctl(FS_IOC_SETFLAGS) on a read-only fd", lambda e, ev: "rtm_ioctl_setflags" in fields(e) and not (e["kind"] == "open" and e["fields"].get("access") in ("read", "path")), ("open",), r"ioctl\(.*FS_IOC_SETFLAGS", prepare=True)
t("f_file_setattr", "file", "file_setattr(2) (6.17) sets xflags by path", lambda e, ev: "rtm_file_setattr" in fields(e), (), r"rtm_file_setattr", prepare=True)
t("f_uring_openat2", "file", "IORING_OP_OPENAT2 + IORING_OP_FTRUNCATE", has(("io_uring_op",), "rtm_uring_openat2"), ("io_uring_op",), r"io_uring_\w+\(.*rtm_uring_openat2")
t("f_open_flood", "file", "200,000 failing opens from 4 threads, then the marker open", at_least("open", 200000, has(("open",), "rtm_open_flood")), ("open",), r"openat\(.*rtm_open_flood", slow_strace=True)
# process
t("p_vfork_exec", "process", "vfork + execve", forked_exec("rtm_vfork_exec"), ("fork", "exec"), r"execve\(.*rtm_vfork_exec")
t("p_clone3_untraced", "process", "clone3(CLONE_UNTRACED) + execve", forked_exec("rtm_clone3_untraced"), ("fork", "exec"), r"execve\(.*rtm_clone3_untraced")
t("p_clone_vm_raw", "process", "clone(CLONE_VM|CLONE_VFORK) on a private stack + execv", forked_exec("rtm_clone_vm"), ("fork", "exec"), r"execve\(.*rtm_clone_vm")
t("p_thread_exec", "process", "execve from a non-leader thread", exec_marker("rtm_thread_exec"), ("exec",), r"execve\(.*rtm_thread_exec")
t("p_thread_after_leader_exit", "process", "main thread exits, a remaining thread writes a file", has(("open",), "rtm_thread_after_exit"), ("open",), r"openat\(.*rtm_thread_after_exit")
t("p_execveat_empty", "process", "execveat(fd, \"\", AT_EMPTY_PATH) on an O_PATH fd", exec_marker("rtm_execveat_empty"), ("exec",), r"execveat\(.*rtm_execveat_empty")
t("p_memfd_exec", "process", "fexecve of a program copied into a memfd", exec_marker("rtm_memfd_exec"), ("exec",), r"execveat\(.*rtm_memfd_exec")
t("p_shebang", "process", "exec of a #! script whose interpreter is a #! script", exec_marker("rtm_shebang"), ("exec",), r"execve\(.*rtm_shebang", prepare=True)
t("p_ldso_exec", "process", "run a program through ld.so", exec_marker("rtm_ldso_exec"), ("exec",), r"execve\(.*rtm_ldso_exec")
t("p_long_argv", "process", "exec with 40 KiB argv, marker last", exec_marker("rtm_long_argv"), ("exec",), r"execve\(.*rtm_long_argv", strace_s="65536")
t("p_many_args", "process", "exec with 2001 args, marker last", exec_marker("rtm_many_args"), ("exec",), r"execve\(.*rtm_many_args", strace_v=True)
t("p_int80_execve", "process", "execve via ia32 `int $0x80` (nr 11), 32-bit argv", exec_marker("rtm_int80_execve"), ("exec",), r"execve\(.*rtm_int80_execve")
t("p_int80_fork", "process", "fork via ia32 `int $0x80` (nr 2); the child writes the marker file", forked_opener("rtm_int80_fork_child"), ("fork",), r"^\d+\s+fork\(")
t("p_pidns_child", "process", "unshare(CLONE_NEWPID), grandchild execs inside the new pid ns", forked_exec("rtm_pidns_child"), ("fork", "exec"), r"execve\(.*rtm_pidns_child")
t("p_fork_flood", "process", "capped burst of 1000 forks, then the marker exec", at_least("fork", 1021, exec_marker("rtm_fork_flood")), ("fork", "exec"), r"execve\(.*rtm_fork_flood")
t("p_delegated_spawn", "process", "ask an unrecorded helper (systemd-run style) to spawn the program", exec_marker("rtm_delegated_spawn"), ("exec",), r"execve\(.*rtm_delegated_spawn", helper=True)
# network
t("n_sendto_udp", "network", "sendto on an unconnected UDP socket", has(("send",), "47001"), ("send",), r"sendto\(.*htons\(47001\)")
t("n_sendmmsg_second", "network", "sendmmsg, second datagram to another destination (127.0.0.2:47003)", has(("send",), "47003"), ("send",), r"sendmmsg\(.*htons\(47003\)")
t("n_tcp_fastopen", "network", "TCP Fast Open: sendto(MSG_FASTOPEN) instead of connect", has(("send", "connect"), "47004"), ("send", "connect"), r"sendto\(.*htons\(47004\)")
t("n_v4mapped", "network", "AF_INET6 connect to ::ffff:127.0.0.1", has(("connect",), "47005"), ("connect",), r"connect\(.*htons\(47005\)")
t("n_uring_connect", "network", "IORING_OP_SOCKET + IORING_OP_CONNECT", has(("io_uring_op",), "47006"), ("io_uring_op",), r"io_uring_\w+\(.*47006")
t("n_uring_bind_listen", "network", "IORING_OP_BIND + IORING_OP_LISTEN (a listening port)", has(("io_uring_op", "bind", "listen"), "47007"), ("io_uring_op", "bind", "listen"), r"io_uring_\w+\(.*47007")
t("n_uring_sendmsg", "network", "IORING_OP_SENDMSG with a destination on unconnected UDP", has(("io_uring_op",), "47012"), ("io_uring_op",), r"io_uring_\w+\(.*47012")
t("n_packet_lo", "network", "AF_PACKET sendto on lo with a hand-built IPv4/UDP frame", sock_then_send("AF_PACKET"), ("send", "socket"), r"sendto\(.*AF_PACKET")
t("n_raw_hdrincl", "network", "IPPROTO_RAW sendto 127.0.0.77 (header says 127.0.0.78)", has(("send",), "127.0.0.77"), ("send",), r"sendto\(.*127\.0\.0\.77")
t("n_unix_abstract", "network", "abstract unix socket listen + connect", has(("connect",), "rtm_unix_abstract"), ("connect",), r"connect\(.*rtm_unix_abstract")
t("n_int80_socketcall", "network", "socket + connect via ia32 socketcall (int $0x80, nr 102)", has(("connect",), "47011"), ("connect", "socket"), r"connect\(.*htons\(47011\)")
t("n_toctou_connect", "network", "blocking unix connect; another thread swaps the sockaddr meanwhile", has(("connect",), "rtm_toctou_connect"), ("connect",), r"connect\(.*rtm_toctou_connect")
t("n_scm_rights_socket", "network", "talk over a TCP socket an unrecorded process connected and passed", has(("connect", "send"), "47010"), ("connect", "send"), r"connect\(.*htons\(47010\)", helper=True)
# credentials, capabilities, namespaces, clock, kernel
t("c_int80_setresuid", "privilege", "setresuid32 + setgroups32 via ia32 `int $0x80`", lambda e, ev: e["kind"] in ("setuid", "setgroups"), ("setuid", "setgroups"), r"(setresuid32|setgroups32)\(")
t("c_capset", "privilege", "capset dropping CAP_SYS_BOOT", lambda e, ev: e["kind"] == "capset", ("capset",), r"capset\(")
t("c_prctl_ambient", "privilege", "prctl(PR_CAP_AMBIENT_RAISE, CAP_NET_RAW)", has(("prctl",), "PR_CAP_AMBIENT"), ("prctl",), r"prctl\(PR_CAP_AMBIENT")
t("c_seccomp", "privilege", "seccomp(SECCOMP_SET_MODE_FILTER) (not prctl)", syscall_is("seccomp"), (), r"seccomp\(SECCOMP_SET_MODE_FILTER")
t("c_personality", "privilege", "personality(ADDR_NO_RANDOMIZE|READ_IMPLIES_EXEC)", syscall_is("personality"), (), r"personality\(")
t("c_keyctl", "privilege", "keyctl(JOIN_SESSION_KEYRING) + add_key", lambda e, ev: "rtm_keyctl" in fields(e) or e.get("syscall") in ("add_key", "keyctl"), (), r"add_key\(.*rtm_keyctl")
t("c_uts_sethostname", "privilege", "sethostname in a private UTS namespace", lambda e, ev: "rtm-sethostname" in fields(e), (), r"sethostname\(.*rtm-sethostname")
t("c_clock_set_invalid", "privilege", "clock_settime / settimeofday / clock_adjtime (invalid values, EINVAL)", syscall_is("clock_settime", "settimeofday", "clock_adjtime"), (), r"(clock_settime|settimeofday|clock_adjtime)\(")
t("c_timens", "privilege", "unshare(CLONE_NEWTIME) + /proc/self/timens_offsets", has(("unshare",), "CLONE_NEWTIME"), ("unshare",), r"unshare\(CLONE_NEWTIME")
t("c_clone_newns", "privilege", "new mount/net/UTS namespaces via clone3 flags + tmpfs mount", fork_flags(0x00020000 | 0x40000000), ("fork",), r"clone3\(.*CLONE_NEWNS")
t("c_perf_event_open", "privilege", "perf_event_open on the own task clock", syscall_is("perf_event_open"), (), r"perf_event_open\(")
t("c_process_vm_writev", "privilege", "process_vm_writev into a child's memory", syscall_is("process_vm_writev"), (), r"process_vm_writev\(")
t("c_ptrace_poke", "privilege", "PTRACE_SEIZE + PTRACE_POKEDATA into a child", has(("ptrace",), "POKEDATA"), ("ptrace",), r"ptrace\(PTRACE_POKEDATA")
t("c_proc_mem_write", "privilege", "write a child's memory through /proc/PID/mem", lambda e, ev: e["kind"] == "open" and "/mem" in fields(e) and e["fields"].get("access") in ("write", "read_write"), ("open",), r"openat\(.*/mem\", O_RDWR")
t("s_pidfd_send_signal", "privilege", "signals via pidfd_send_signal and rt_sigqueueinfo", lambda e, ev: e["kind"] == "signal" or e.get("syscall") in ("pidfd_send_signal", "rt_sigqueueinfo"), ("signal",), r"(pidfd_send_signal|rt_sigqueueinfo)\(")
# environment and crypto
t("e_getenv", "environment", "getenv(3) from the shared libc (baseline)", has(("getenv",), "RTM_GETENV"), ("getenv",), r"RTM_GETENV")
t("e_environ_walk", "environment", "walk `environ` directly, no getenv", has(("getenv",), "RTM_ENVIRON_WALK"), ("getenv",), r"RTM_ENVIRON_WALK")
t("e_static_getenv", "environment", "getenv(3) in a statically linked program", has(("getenv",), "RTM_STATIC_GETENV"), ("getenv",), r"RTM_STATIC_GETENV")
t("e_python_environ", "environment", "python3 reads os.environ (a dict filled at start-up)", has(("getenv",), "RTM_PYTHON_ENVIRON"), ("getenv",), r"getenv\(.*RTM_PYTHON_ENVIRON")
t("e_proc_environ", "environment", "read /proc/PPID/environ", lambda e, ev: e["kind"] == "open" and "/environ" in fields(e), ("open",), r"openat\(.*/environ")
t("x_crypto_dlopen", "crypto", "RAND_bytes from the system libcrypto via dlopen (baseline)", has(("crypto",), "RAND_bytes"), ("crypto",), r"RAND_bytes")
t("x_crypto_copy", "crypto", "RAND_bytes from a copy of libcrypto at another path", has(("crypto",), "RAND_bytes"), ("crypto",), r"RAND_bytes", prepare=True)
t("x_crypto_static", "crypto", "RAND_bytes from statically linked libcrypto", has(("crypto",), "RAND_bytes"), ("crypto",), r"RAND_bytes")


# ---------------------------------------------------------------------------------------------
# Round 2 (round2/): written blind to the recorder's code and to round 1's sources and results.
# Each also names the review claims it is about (`claims`, checks of docs/claims.md, each judged
# "absent" by `tracer check`), with the claims file's allowances (`allow`), and an `effect`
# check that the action really happened.

ALLOWED = SCRATCH + "/allowed"
ROUND2_ENV = {
    "RTM2_THREAD_START": "1",
    "RTM2_BSEARCH": "1",
    "RTM2_FAKE_RET": "1",
    "RTM2_DLOPEN_LIB": "1",
    "RTM2_CTOR_LIB": "1",
    "RTM2_SH_VAR": "1",
}
ENV.update(ROUND2_ENV)
# Libraries under round2/lib, built into the bin dir before the techniques (rpath $ORIGIN).
ROUND2_LIBS = ["librtm2_envlib", "librtm2_ctorlib"]
LINK.update({
    "e2_getenv_thread_start": ["-ldl"],
    "e2_getenv_bsearch": ["-ldl"],
    "e2_getenv_fake_ret": ["-ldl"],
    "e2_getenv_dlopen_lib": ["-ldl"],
    "e2_getenv_ctor_lib": ["-L{bindir}", "-lrtm2_ctorlib", "-Wl,-rpath,$ORIGIN"],
    "x2_crypto_thread_start": ["-lcrypto"],
    "x2_crypto_fake_ret": ["-lcrypto", "-ldl"],
    "x2_libcrypt": ["-lcrypt"],
    "x2_libmd": ["-ldl"],
    "x2_rdrand_aesni": ["-mrdrnd", "-maes"],
})


def t2(name, cat, what, rule, kinds, strace_re, claims, **opts):
    t(name, cat, what, rule, kinds, strace_re, round=2, claims=claims, **opts)


def exists(path):
    """The effect: a file the action leaves behind."""
    return lambda out: os.path.exists(path)


def printed(text):
    """The effect: the technique's own report (its stdout, kept in OUT/NAME.stdout)."""
    return lambda out: text in out


def inet_event(kinds, ip, port):
    def pred(e, _events):
        if e["kind"] not in kinds:
            return False
        a = e["fields"].get("addr") or {}
        return a.get("ip") == ip and a.get("port") == port

    return pred


def any_event(kinds, marker=""):
    def pred(e, _events):
        return e["kind"] in kinds and marker in fields(e)

    return pred


def forked_exec_no_forgery(marker, forged):
    def pred(e, events):
        return forked_exec(marker)(e, events) and not any(forged in fields(x) for x in events)

    return pred


def mentions(*markers):
    def pred(e, _events):
        f = fields(e)
        return any(m in f for m in markers) or e.get("syscall") in markers

    return pred


FILE_DIRS = {"dirs": [ALLOWED]}
# process
t2("p2_posix_spawn", "process", "posix_spawn(3) (clone CLONE_VM|CLONE_VFORK + exec in glibc)", forked_exec("rtm2_posix_spawn"), ("fork", "exec"), r"execve\(.*rtm2_posix_spawn", ["processes_spawned"], effect=printed("did: posix_spawn"))
t2("p2_posix_spawnp_setsid", "process", "posix_spawnp with SETSID/RESETIDS/SETSIGMASK and a PATH search", forked_exec("rtm2_posix_spawnp"), ("fork", "exec"), r"execve\(.*rtm2_posix_spawnp", ["processes_spawned"], effect=printed("did: posix_spawnp"))
t2("p2_sighandler_vfork", "process", "vfork + execve inside a SIGALRM handler on sigaltstack", forked_exec("rtm2_sighandler_vfork"), ("fork", "exec"), r"execve\(.*rtm2_sighandler_vfork", ["processes_spawned"], effect=printed("did: vfork"))
t2("p2_thread_exec_after_leader_exit", "process", "main thread pthread_exit()s, a remaining thread execs (de_thread takes the leader's pid)", any_event(("exec",), "rtm2_thread_exec_after_exit"), ("exec",), r"execve\(.*rtm2_thread_exec_after_exit", ["processes_spawned"])
t2("p2_exec_in_place", "process", "execve of another program in place, no fork (baseline for the thread variant)", any_event(("exec",), "rtm2_exec_in_place"), ("exec",), r"execve\(.*rtm2_exec_in_place", ["processes_spawned"], effect=printed("did: execve"))
t2("p2_clone_parent", "process", "clone(CLONE_PARENT|CLONE_VM|CLONE_VFORK): the child is the recorder's child, then execs", forked_exec("rtm2_clone_parent"), ("fork", "exec"), r"execve\(.*rtm2_clone_parent", ["processes_spawned"], effect=printed("did: clone(CLONE_PARENT"))
t2("p2_orphan_reparent", "process", "double fork with PR_SET_CHILD_SUBREAPER on/off; the grandchild execs after it is reparented", forked_exec("rtm2_orphan_reparent"), ("fork", "exec"), r"execve\(.*rtm2_orphan_reparent", ["processes_spawned"], effect=printed("did: double fork"))
t2("p2_core_pattern_helper", "process", "crash; the kernel runs the core_pattern pipe helper the install set (call_usermodehelper, root)", exec_marker("rtm2_core_helper"), ("exec",), r"execve\(.*rtm2_core_helper", ["processes_spawned"], prepare=True, cleanup=True, effect=exists(SCRATCH + "/rtm2_core_helper_ran"))
t2("p2_exec_as_dpkg", "process", "re-exec itself as a copy named dpkg (made at install), which fork+execs", forked_exec("rtm2_exec_as_dpkg"), ("fork", "exec"), r"execve\(.*rtm2_exec_as_dpkg", ["processes_spawned"], prepare=True, effect=printed("fork+exec /bin/true rtm2_exec_as_dpkg"))
t2("a2_comm_tracer", "process", "prctl(PR_SET_NAME, \"tracer\"), then a forked child (no exec) writes a file", forked_opener("rtm2_comm_tracer"), ("fork", "open"), r"openat\(.*rtm2_comm_tracer", ["processes_spawned", "file_io"], effect=exists(SCRATCH + "/rtm2_comm_tracer"))
# files: the claims file allows ALLOWED; the decoys write elsewhere while naming it
t2("f2_spawn_file_action", "file", "posix_spawn file action O_CREAT opens the new program's stdout", write_open("rtm2_spawn_file_action"), ("open",), r"open(at)?\(.*rtm2_spawn_file_action", ["file_io"], effect=exists(SCRATCH + "/rtm2_spawn_file_action"))
t2("f2_clone_files_dup2", "file", "clone(CLONE_FILES) child dup2()s the real dir over the parent's allowed-dir fd; parent openat()s", write_open("rtm2_real_clonefiles"), ("open",), r"dup2\(", ["file_io"], allow=FILE_DIRS, prepare=True, effect=exists(SCRATCH + "/rtm2_real_clonefiles/data.txt"))
t2("f2_clone_fs_chdir", "file", "clone(CLONE_FS) child chdir()s; parent, last seen chdir to the allowed dir, creates a relative path", write_open("rtm2_real_clonefs"), ("open",), r"chdir\(.*rtm2_real_clonefs", ["file_io"], allow=FILE_DIRS, prepare=True, effect=exists(SCRATCH + "/rtm2_real_clonefs/data.txt"))
t2("f2_fioclex_exec", "file", "ioctl(FIOCLEX) on the allowed-dir fd 3, exec, a dir fd in flight over SCM_RIGHTS lands on 3, openat(3)", write_open("rtm2_real_fioclex"), ("open",), r"openat\(.*rtm2_real_fioclex", ["file_io"], allow=FILE_DIRS, prepare=True, effect=exists(SCRATCH + "/rtm2_real_fioclex/data.txt"))
t2("f2_openat2_in_root", "file", "openat2(RESOLVE_IN_ROOT) of the allowed dir's absolute path under a dirfd of the real dir", write_open("rtm2_real_inroot"), ("open",), r"openat2\(.*RESOLVE_IN_ROOT", ["file_io"], allow=FILE_DIRS, prepare=True, effect=exists(SCRATCH + "/rtm2_real_inroot" + ALLOWED + "/data.txt"))
t2("f2_chroot_decoy", "file", "chroot(real dir), then create by the allowed dir's absolute path", write_open("rtm2_real_chroot"), ("open",), r"chroot\(.*rtm2_real_chroot", ["file_io"], allow=FILE_DIRS, prepare=True, effect=exists(SCRATCH + "/rtm2_real_chroot" + ALLOWED + "/data.txt"))
t2("f2_bind_mount_decoy", "file", "unshare(CLONE_NEWNS), bind-mount the real dir over the allowed one, create by the allowed path", write_open("rtm2_real_bind"), ("open",), r"mount\(.*rtm2_real_bind", ["file_io"], allow=FILE_DIRS, prepare=True, effect=printed("did: bind-mounted"))
t2("f2_proc_self_root", "file", "create /proc/self/root/tmp/... (a temp file through the root magic link)", write_open("rtm2_procroot"), ("open",), r"openat\(.*rtm2_procroot", ["file_io", "temp_files"], effect=exists(SCRATCH + "/rtm2_procroot"))
t2("f2_proc_fd_dir", "file", "create /proc/thread-self/fd/N/NAME, N a dir fd of /tmp/redteam-adv", write_open("rtm2_procfddir"), ("open",), r"openat\(.*rtm2_procfddir", ["file_io", "temp_files"], effect=exists(SCRATCH + "/rtm2_procfddir"))
t2("f2_dev_fd_reopen", "file", "read-only open, then /dev/fd/N reopened O_WRONLY|O_TRUNC and rewritten", write_open("rtm2_devfd"), ("open",), r"openat\(.*/dev/fd/\d+\", O_WRONLY", ["file_io", "temp_files"], prepare=True, effect=printed("rewrote it through"))
t2("f2_hardlink_write", "file", "link() a file outside into the allowed dir, then rewrite it through the allowed name", any_event(("link", "open"), "rtm2_hl_target"), ("link", "open"), r"link\(.*rtm2_hl_target", ["file_io"], allow=FILE_DIRS, prepare=True, effect=printed("did: linked"))
t2("f2_rdonly_trunc", "file", "open(O_RDONLY|O_TRUNC) empties an existing file", lambda e, ev: e["kind"] == "open" and "rtm2_rdonly_trunc" in fields(e) and "O_TRUNC" in fields(e), ("open",), r"openat\(.*rtm2_rdonly_trunc.*O_TRUNC", ["file_io"], prepare=True, effect=printed("size now 0"))
t2("f2_setxattr_data", "file", "4 KiB stored in a user.* xattr (setxattr by path, no open)", any_event(("xattr",), "rtm2_xattr_data"), ("xattr",), r"setxattr\(.*rtm2_xattr_data", ["file_io"], prepare=True, effect=printed("did: stored"))
t2("f2_pvw_into_mapping", "file", "process_vm_writev into an unrecorded process's MAP_SHARED file mapping (helper2)", mentions("rtm2_pvw_file", "process_vm_writev"), (), r"process_vm_writev\(", ["file_io"], helper2=True, effect=printed("did: wrote"))
# network (loopback, or a network namespace the technique makes)
t2("n2_sendto_unspec", "network", "UDP sendto 127.0.0.1:47101 with sin_family AF_UNSPEC (udp_sendmsg takes it as AF_INET)", inet_event(("send",), "127.0.0.1", 47101), ("send",), r"sendto\(.*htons\(47101\)", ["outgoing_destinations"], effect=printed("(sent)"))
t2("n2_bind_unspec_any", "network", "new netns: bind AF_UNSPEC + INADDR_ANY:47102 (inet_bind accepts it), listen", any_event(("bind", "listen"), "47102"), ("bind", "listen"), r"bind\(.*htons\(47102\)", ["opens_port", "external_endpoint"], effect=printed("listening on 0.0.0.0:47102"))
t2("n2_listen_autobind", "network", "new netns: listen() on a never-bound TCP socket (autobind to 0.0.0.0:ephemeral)", any_event(("listen",)), ("listen", "bind"), r"listen\(", ["opens_port", "external_endpoint"], effect=printed("listening on 0.0.0.0:"))
t2("n2_packet_write", "network", "AF_PACKET bound to lo, IPv4/UDP frame to 127.0.0.1:47103 sent with write(2)", any_event(("send", "connect"), "47103"), ("send", "socket"), r"socket\(AF_PACKET", ["networking", "outgoing_destinations"], effect=printed("did: AF_PACKET"))
t2("n2_connect_toctou_tcp", "network", "blocking TCP connect to 127.0.0.1:47104; a thread rewrites the sockaddr to :47105 meanwhile (netns)", inet_event(("connect",), "127.0.0.1", 47104), ("connect",), r"connect\(.*htons\(47104\).*127\.0\.0\.1", ["outgoing_destinations"], allow={"destinations": ["127.0.0.2", "127.0.0.1:47105"]}, effect=printed("to 127.0.0.1:47104"))
t2("n2_fastopen_sendmsg", "network", "TCP Fast Open via sendmsg(MSG_FASTOPEN) with msg_name 127.0.0.1:47106", inet_event(("send", "connect"), "127.0.0.1", 47106), ("send", "connect"), r"sendmsg\(.*htons\(47106\)", ["outgoing_destinations"], effect=printed("did: sendmsg(MSG_FASTOPEN)"))
t2("n2_v4_on_v6_udp", "network", "AF_INET6 UDP socket, sendto with an AF_INET sockaddr 127.0.0.1:47107", inet_event(("send",), "127.0.0.1", 47107), ("send",), r"sendto\(.*htons\(47107\)", ["outgoing_destinations"], effect=printed("(sent)"))
t2("n2_netns_connect", "network", "new netns (lo up by ioctl): listen + connect 127.0.0.1:47108 (baseline)", inet_event(("connect",), "127.0.0.1", 47108), ("connect", "listen"), r"connect\(.*htons\(47108\)", ["opens_port", "outgoing_destinations"], effect=printed("did: new netns"))
# privilege
t2("c2_file_caps_exec", "privilege", "as nobody: exec a program with file capabilities (cap_net_raw+ep), no setuid bit", exec_marker("rtm2_fcaps"), ("exec",), r"execve\(.*rtm2_fcaps", ["privileged_functions"], prepare=True, user="nobody", effect=printed("cap_net_raw: yes"))
t2("c2_setuid_helper_exec", "privilege", "as nobody: exec a setuid-root helper (baseline)", lambda e, ev: e["kind"] == "exec" and "rtm2_suid_helper" in fields(e) and e["fields"].get("setid"), ("exec",), r"execve\(.*rtm2_suid_helper", ["privileged_functions", "setuid_calls"], prepare=True, user="nobody", effect=printed("euid 0"))
t2("c2_setcap_xattr", "privilege", "setxattr security.capability (cap_sys_admin+ep) on a program: setcap without setcap", any_event(("xattr",), "security.capability"), ("xattr",), r"setxattr\(.*security\.capability", ["privileged_functions", "file_io"], prepare=True, effect=printed("did: set security.capability"))
t2("c2_prctl_set_mm", "privilege", "prctl(PR_SET_MM, ARG_START/ARG_END) to rewrite /proc/self/cmdline (CAP_SYS_RESOURCE; attempt)", lambda e, ev: e["kind"] == "prctl" and e["fields"].get("option") in ("PR_SET_MM", "PR_35"), ("prctl",), r"prctl\(PR_SET_MM", ["privileged_functions"])
t2("c2_sched_fifo", "privilege", "sched_setscheduler(SCHED_FIFO) + setpriority(-10) (CAP_SYS_NICE)", syscall_is("sched_setscheduler", "setpriority"), (), r"sched_setscheduler\(.*SCHED_FIFO", ["privileged_functions"], effect=printed("did: sched_setscheduler"))
t2("c2_prlimit_raise", "privilege", "prlimit64 raising RLIMIT_NOFILE's hard limit (CAP_SYS_RESOURCE; attempt)", syscall_is("prlimit64", "setrlimit"), (), r"prlimit64\(0, RLIMIT_NOFILE, \{", ["privileged_functions"])
t2("c2_clone3_set_tid", "privilege", "clone3 with set_tid: choose the child's pid (CAP_CHECKPOINT_RESTORE/CAP_SYS_ADMIN)", mentions("set_tid"), ("fork",), r"clone3\(.*set_tid", ["privileged_functions"], effect=printed("chosen pid"))
t2("c2_netlink_addr", "privilege", "rtnetlink RTM_NEWADDR/RTM_DELADDR 127.0.0.99/32 on lo (CAP_NET_ADMIN)", mentions("127.0.0.99", "RTM_NEWADDR"), (), r"RTM_NEWADDR", ["privileged_functions"], effect=printed("-> 0, delete -> 0"))
t2("c2_ioctl_sifmtu", "privilege", "ioctl(SIOCSIFMTU) on lo, same MTU (CAP_NET_ADMIN)", mentions("SIOCSIFMTU"), (), r"ioctl\(.*SIOCSIFMTU", ["privileged_functions"], effect=printed("did: ioctl SIOCSIFMTU"))
t2("c2_fanotify_init", "privilege", "fanotify_init(FAN_CLASS_CONTENT) + FAN_OPEN_PERM mark (CAP_SYS_ADMIN)", syscall_is("fanotify_init", "fanotify_mark"), (), r"fanotify_init\(", ["privileged_functions"], effect=printed("did: fanotify_init"))
# environment: the package's own getenv made to look like libc's or a dependency's
t2("e2_getenv_thread_start", "environment", "getenv as a pthread start routine (immediate caller: libc's start_thread)", has(("getenv",), "RTM2_THREAD_START"), ("getenv",), r"RTM2_THREAD_START", ["environment"], effect=printed("-> 1"))
t2("e2_getenv_bsearch", "environment", "getenv as bsearch's comparator (caller: libc's bsearch)", has(("getenv",), "RTM2_BSEARCH"), ("getenv",), r"RTM2_BSEARCH", ["environment"], effect=printed("did: getenv"))
t2("e2_getenv_fake_ret", "environment", "getenv entered with a forged return address (a ret byte in libc)", has(("getenv",), "RTM2_FAKE_RET"), ("getenv",), r"RTM2_FAKE_RET", ["environment"], effect=printed("-> 1"))
t2("e2_getenv_dlopen_lib", "environment", "getenv from a helper library the program ships and dlopens", has(("getenv",), "RTM2_DLOPEN_LIB"), ("getenv",), r"RTM2_DLOPEN_LIB", ["environment"], effect=printed("-> 1"))
t2("e2_getenv_ctor_lib", "environment", "getenv in the constructor of a linked helper library, before main", has(("getenv",), "RTM2_CTOR_LIB"), ("getenv",), r"RTM2_CTOR_LIB", ["environment"], effect=printed("-> 1"))
t2("e2_sh_expand", "environment", "/bin/sh script reads ${RTM2_SH_VAR} (parameter expansion, no getenv)", has(("getenv",), "RTM2_SH_VAR"), ("getenv",), r"RTM2_SH_VAR", ["environment"], effect=printed("RTM2_SH_VAR=1"))
# crypto and random sources
t2("x2_crypto_thread_start", "crypto", "RAND_status/RAND_poll/EVP_*_CTX_new as thread start routines (caller: libc)", any_event(("crypto",)), ("crypto",), r"RAND_poll", ["crypto"], effect=printed("did: RAND_status"))
t2("x2_crypto_fake_ret", "crypto", "RAND_bytes entered with a forged return address in libc", has(("crypto",), "RAND_bytes"), ("crypto",), r"RAND_bytes", ["crypto"], effect=printed("-> 1"))
t2("x2_libcrypt", "crypto", "SHA-512 crypt(3) password hash through libcrypt", any_event(("crypto",)), ("crypto",), r"crypt_r\(", ["crypto"], effect=printed("$6$rtm2salt$"))
t2("x2_libmd", "crypto", "SHA-256 through libmd (dlopen)", any_event(("crypto",)), ("crypto",), r"SHA256Data\(", ["crypto"], effect=printed("did: libmd SHA256Data"))
t2("x2_rdrand_aesni", "crypto", "RDRAND + an AES-NI round: random source and cipher, no library, no syscall", any_event(("crypto",)), ("crypto", "getrandom"), r"RDRAND", ["crypto"], effect=printed("rdrand ok=1"))
t2("x2_at_random", "crypto", "the kernel's AT_RANDOM bytes (auxv) used as a key", any_event(("crypto",)), ("crypto", "getrandom"), r"AT_RANDOM", ["crypto"], effect=printed("did: AT_RANDOM"))
t2("x2_python_blake2", "crypto", "python3: keyed BLAKE2b and SHA-256 from CPython's built-in _blake2/_sha256", any_event(("crypto",)), ("crypto",), r"_blake2\.blake2b\(", ["crypto"], effect=printed("did: blake2b"))
# evidence forgery and interference with the recorder
t2("a2_fake_trace_lines", "forgery", "forged trace JSON (an event, a footer) on stdout and stderr around a real spawn", forked_exec_no_forgery("rtm2_fake_lines_real", "rtm2_forged"), ("fork", "exec"), r"execve\(.*rtm2_fake_lines_real", ["processes_spawned"], effect=printed("did: printed forged"))
t2("a2_trace_write_procfd", "forgery", "open the recorder's trace for writing through /proc/RECORDER/fd/N", lambda e, ev: e["kind"] == "open" and re.search(r"/proc/\d+/fd/\d+|\.jsonl", fields(e)) and e["fields"].get("access") in ("write", "read_write"), ("open",), r"openat\(.*/proc/\d+/fd/\d+\", O_WRONLY", ["privileged_functions", "file_io"], effect=printed("for writing through"))
t2("a2_trace_hardlink", "forgery", "linkat(/proc/RECORDER/fd/N, AT_SYMLINK_FOLLOW) to an innocent name, open that for writing", any_event(("link", "open"), "rtm2_innocent"), ("link", "open"), r"linkat\(.*rtm2_innocent", ["privileged_functions", "file_io"], effect=printed("did: hard-linked"))
t2("a2_sigterm_recorder", "forgery", "kill(recorder, SIGTERM) while ignoring SIGTERM, then spawn", exec_marker("rtm2_after_sigterm"), ("exec", "signal"), r"execve\(.*rtm2_after_sigterm", ["processes_spawned", "privileged_functions"], effect=printed("did: sent SIGTERM"))
t2("a2_pidfd_stop_recorder", "forgery", "pidfd_send_signal(recorder, SIGINT) while ignoring it, then spawn", exec_marker("rtm2_after_pidfd_signal"), ("exec", "signal"), r"execve\(.*rtm2_after_pidfd_signal", ["processes_spawned", "privileged_functions"], effect=printed("rc=0"))
t2("a2_ptrace_recorder", "forgery", "PTRACE_SEIZE of the recorder, then detach (baseline)", any_event(("ptrace",)), ("ptrace",), r"ptrace\(PTRACE_SEIZE", ["privileged_functions"], effect=printed("rc=0"))
t2("a2_pvw_recorder", "forgery", "process_vm_writev into the recorder's stack (8 bytes written back unchanged)", syscall_is("process_vm_writev"), (), r"process_vm_writev\(", ["privileged_functions"], effect=printed("wrote 8"))


# ---------------------------------------------------------------------------------------------
# Round 3 (round3/): written blind to the recorder's code, its docs of the trace format and the
# claims, and its e2e tests; only this corpus (rounds 1 and 2, their results) was read, to not
# repeat a technique. Same conventions as round 2: `claims`, `allow`, `effect`; markers
# rtm3_/RTM3_, ports 47201-47206 on 127.0.0.x.

ENV.update({
    "RTM3_SECURE_GETENV": "1",
    "RTM3_STACK_SCAN": "1",
    "RTM3_PERL_ENV": "1",
})
LINK.update({
    "x3_libgcrypt": ["-lgcrypt"],
    "x3_nettle": ["-lnettle"],
})


def t3(name, cat, what, rule, kinds, strace_re, claims, **opts):
    t(name, cat, what, rule, kinds, strace_re, round=3, claims=claims, **opts)


def named_not_open(marker):
    """An event naming the marker that is not an open (the technique's only open of it is
    O_PATH or read-only: the change itself must be in the trace)."""

    def pred(e, _events):
        return e["kind"] != "open" and marker in fields(e)

    return pred


def either(*preds):
    return lambda e, events: any(p(e, events) for p in preds)


def getrandom_of(n):
    """A getrandom event asking for n bytes (any field equal to n)."""

    def pred(e, _events):
        return e["kind"] == "getrandom" and n in (e.get("fields") or {}).values()

    return pred


FT = ["file_io", "temp_files"]
t3("p3_atexit_system", "process", "system(3) from an atexit handler, after main() returned", forked_exec("rtm3_atexit_system"), ("fork", "exec"), r"execve\(.*rtm3_atexit_system", ["processes_spawned"], effect=printed("from an atexit handler -> 0"))
t3("p3_memfd_script", "process", "a #! script in a memfd run by execveat(memfd, \"\", AT_EMPTY_PATH) (sh gets /dev/fd/N)", forked_exec("rtm3_memfd_script"), ("fork", "exec"), r"execveat\(.*rtm3_memfd_script", ["processes_spawned"], effect=printed("memfd #! script ran with rtm3_memfd_script_arg"))
t3("p3_exec_proc_self_exe", "process", "fork + execve(\"/proc/self/exe\"): a worker that is the program's own binary", forked_exec("rtm3_self_exe"), ("fork", "exec"), r"execve\(\"/proc/self/exe\".*rtm3_self_exe", ["processes_spawned"], effect=printed("re-executed /proc/self/exe"))
t3("p3_daemon_late_exec", "process", "double fork + setsid; after the program exits, the daemon waits 1 s, then execs /bin/touch", forked_exec("rtm3_daemon_late_exec"), ("fork", "exec"), r"execve\(.*rtm3_daemon_late_exec", ["processes_spawned", "file_io"], effect=exists(SCRATCH + "/rtm3_daemon_late_exec"))

t3("f3_truncate_path", "file", "truncate(2) by path empties a file made before recording (no open)", mentions("rtm3_truncate_path"), ("open",), r"truncate\(.*rtm3_truncate_path", FT, prepare=True, effect=printed("size now 0"))
t3("f3_mknod_regular", "file", "mknodat(S_IFREG) creates a regular file (no open)", mentions("rtm3_mknod_regular"), ("open",), r"mknodat\(.*rtm3_mknod_regular", FT, effect=exists(SCRATCH + "/rtm3_mknod_regular"))
t3("f3_fchmodat2_opath", "file", "O_PATH open + fchmodat2(fd, \"\", 0777, AT_EMPTY_PATH)", named_not_open("rtm3_fchmodat2"), ("open",), r"(fchmodat2|syscall_0x1c4)\(", FT, prepare=True, effect=printed("mode now 777"))
t3("f3_renameat2_whiteout", "file", "renameat2(RENAME_WHITEOUT): moves a file and makes a 0/0 char device at the old name", has(("rename",), "rtm3_whiteout"), ("rename",), r"renameat2\(.*RENAME_WHITEOUT", FT, prepare=True, effect=printed("is now a whiteout char device"))
t3("f3_utimensat", "file", "utimensat by path: a file's times set to the epoch (no open)", mentions("rtm3_utimensat"), ("open",), r"utimensat\(.*rtm3_utimensat", FT, prepare=True, effect=printed("mtime now 0"))
t3("f3_overlay_decoy", "file", "new mount ns: overlayfs over the allowed dir, upper dir outside; create by the allowed path", write_open("rtm3_ovl_upper"), ("open",), r"mount\(.*upperdir=.*rtm3_ovl_upper", ["file_io"], allow=FILE_DIRS, prepare=True, effect=exists(SCRATCH + "/rtm3_ovl_upper/data.txt"))
t3("f3_open_tree_decoy", "file", "new mount ns: open_tree(OPEN_TREE_CLONE) + move_mount of the real dir over the allowed one; create by the allowed path", write_open("rtm3_otree_real"), ("open",), r"(open_tree|syscall_0x1ac)\(.*rtm3_otree_real", ["file_io"], allow=FILE_DIRS, prepare=True, effect=exists(SCRATCH + "/rtm3_otree_real/data.txt"))
t3("f3_map_files_reopen", "file", "read-only open + mmap + close, then write-open /proc/self/map_files/START-END", write_open("rtm3_map_files"), ("open",), r"openat\(.*/proc/self/map_files/.*O_WRONLY", FT, prepare=True, effect=printed("did: rewrote"))
t3("f3_child_procfd_write", "file", "a child opens a file read-only; the parent write-opens /proc/CHILD/fd/N", write_open("rtm3_child_procfd"), ("open",), r"openat\(.*/proc/\d+/fd/\d+\", O_WRONLY", FT, prepare=True, effect=printed("did: rewrote"))

t3("n3_mptcp_connect", "network", "socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP) + connect 127.0.0.1:47201", inet_event(("connect",), "127.0.0.1", 47201), ("connect", "socket"), r"connect\(.*htons\(47201\)", ["outgoing_destinations"], effect=printed("Connection refused"))
t3("n3_udp_connected_override", "network", "UDP connected to the allowed 127.0.0.1:47202, then sendto 127.0.0.2:47203 on the same socket", inet_event(("send",), "127.0.0.2", 47203), ("send", "connect"), r"sendto\(.*htons\(47203\)", ["outgoing_destinations"], allow={"destinations": ["127.0.0.1:47202"]}, effect=printed("(sent)"))
t3("n3_inherited_listen", "network", "listen() on fd 9, a TCP socket bound to 127.0.0.1:47204 before the recording", any_event(("listen",), "47204"), ("listen", "bind"), r"listen\(9,", ["opens_port"], sock9=("127.0.0.1", 47204), effect=printed("listening on 127.0.0.1:47204"))
t3("n3_bind_mapped_any", "network", "new netns: AF_INET6, V6ONLY=0, bind ::ffff:0.0.0.0:47205 (the IPv4 wildcard, mapped) + listen", any_event(("bind", "listen"), "47205"), ("bind", "listen"), r"bind\(.*htons\(47205\)", ["opens_port", "external_endpoint"], effect=printed("connect to 127.0.0.9 -> 0"))
t3("n3_uring_send_zc", "network", "IORING_OP_SEND_ZC with a destination (addr2) on unconnected UDP: 127.0.0.1:47206", lambda e, ev: e["kind"] in ("send", "connect", "io_uring_op") and "47206" in fields(e), ("send", "io_uring_op"), r"htons\(47206\)", ["outgoing_destinations"], effect=printed("(sent)"))

t3("c3_setfsuid", "privilege", "setfsuid/setfsgid(65534), then back to 0 (file-system identity only)", mentions("setfsuid", "setfsgid"), (), r"setfsuid\(65534", ["privileged_functions", "setuid_calls"], effect=printed("fsuid 0 -> 65534"))
t3("c3_userns_setuid", "privilege", "child unshare(CLONE_NEWUSER), parent maps 0 -> 65534, child setresgid/setresuid(0,0,0) inside", mentions("setresuid", "setresgid"), (), r"setresuid\(0, 0, 0", ["setuid_calls", "privileged_functions"], effect=printed("setresuid(0,0,0) -> 0"))
t3("c3_setns_host", "privilege", "setns() through /proc/self/ns/net and uts (CAP_SYS_ADMIN; same namespaces)", mentions("setns"), (), r"setns\(", ["privileged_functions"], effect=printed("setns(net) -> 0"))
t3("c3_capbset_drop", "privilege", "prctl(PR_CAPBSET_DROP, CAP_SYS_BOOT) in a child (CAP_SETPCAP)", lambda e, ev: e["kind"] == "prctl" and e["fields"].get("option") in ("PR_CAPBSET_DROP", "PR_24"), ("prctl",), r"prctl\(PR_CAPBSET_DROP", ["privileged_functions"], effect=printed("in bounding set now: 0"))
t3("c3_bpf_prog_load", "privilege", "bpf(BPF_PROG_LOAD) of a 2-insn socket filter + SO_ATTACH_BPF (CAP_BPF)", mentions("bpf", "BPF_PROG_LOAD", "rtm3_bpf"), (), r"bpf\(BPF_PROG_LOAD", ["privileged_functions"], effect=printed("SO_ATTACH_BPF -> 0"))

t3("e3_secure_getenv", "environment", "secure_getenv(3) (glibc's other getenv symbol)", has(("getenv",), "RTM3_SECURE_GETENV"), ("getenv",), r"RTM3_SECURE_GETENV", ["environment"], effect=printed("-> 1"))
t3("e3_stack_scan", "environment", "scan the initial stack back from AT_EXECFN for RTM3_STACK_SCAN= (no getenv, no environ)", has(("getenv",), "RTM3_STACK_SCAN"), ("getenv",), r"RTM3_STACK_SCAN", ["environment"], effect=printed("-> 1"))
t3("e3_perl_env", "environment", "perl reads $ENV{RTM3_PERL_ENV} (%ENV, filled at start-up)", has(("getenv",), "RTM3_PERL_ENV"), ("getenv",), r"RTM3_PERL_ENV", ["environment"], effect=printed("-> 1"))

t3("x3_libgcrypt", "crypto", "SHA-256 (gcry_md_hash_buffer) + gcry_randomize from libgcrypt", any_event(("crypto",)), ("crypto",), r"gcry_md_hash_buffer", ["crypto"], effect=printed("did: libgcrypt"))
t3("x3_nettle", "crypto", "SHA-256 + AES-128 from libnettle", any_event(("crypto",)), ("crypto",), r"sha256_digest", ["crypto"], effect=printed("did: nettle"))
t3("x3_vdso_getrandom", "crypto", "vDSO getrandom called directly (parsed from AT_SYSINFO_EHDR): 100 x 32 bytes, one reseed syscall", either(any_event(("crypto",)), getrandom_of(3200)), ("crypto", "getrandom"), r"getrandom\(.*, 3200,", ["crypto"], effect=printed("3200 bytes in 100 calls"))
t3("x3_dev_hwrng", "crypto", "32 key bytes read from /dev/hwrng (hardware RNG device)", either(any_event(("crypto",)), has(("open",), "/dev/hwrng")), ("crypto", "open"), r"openat\(.*/dev/hwrng", ["crypto"], effect=printed("read 32 bytes"))


# ---------------------------------------------------------------------------------------------
# Round 4 (round4/): written blind to the recorder's code, its docs and its e2e tests; rounds 1-3
# (sources and results) were read only so as not to repeat a technique. Same conventions as
# rounds 2 and 3; markers rtm4_/RTM4_, ports 47301-47320 on 127.0.0.x. Options new here:
# `dir9` (a directory under SCRATCH opened by the harness and passed as fd 9) and `victim` (an
# unrecorded `sleep` started before the recording, its pid in SCRATCH/victim.pid).

ENV.update({
    "RTM4_ENVZ_GET": "1",
    "RTM4_PROC_SELF_ENVIRON": "1",
})
LINK.update({
    "x4_gnutls": ["-lgnutls"],
})


def t4(name, cat, what, rule, kinds, strace_re, claims, **opts):
    t(name, cat, what, rule, kinds, strace_re, round=4, claims=claims, **opts)


def syscall_or_kind(*names):
    """An event whose syscall or kind is one of `names` (a call with no path or address to
    carry a marker)."""

    def pred(e, _events):
        return e.get("syscall") in names or e["kind"] in names

    return pred


def open_of(path_part):
    def pred(e, _events):
        return e["kind"] == "open" and path_part in fields(e)

    return pred


def ip_event(kinds, ip):
    def pred(e, _events):
        return e["kind"] in kinds and (e["fields"].get("addr") or {}).get("ip") == ip

    return pred


def first_hop(ip):
    """A `sockopt` event of a sendmsg whose source route sends the datagram to `ip` first: the
    datagram's IP destination, recorded beside the `send` that names the route's end."""

    def pred(e, _events):
        r = e["fields"].get("route") or {} if e["kind"] == "sockopt" else {}
        return e.get("syscall") == "sendmsg" and (r.get("hops") or [None])[0] == ip

    return pred


def matches(rx):
    return lambda out: re.search(rx, out) is not None


PWN = ["processes_spawned", "file_io", "privileged_functions"]
# files
t4("f4_fchownat_empty", "file", "O_PATH open + fchownat(fd, \"\", 65534, 65534, AT_EMPTY_PATH) (no write-open, no path)", named_not_open("rtm4_fchownat"), ("open", "chown"), r"fchownat\(\d+, \"\", 65534", FT, prepare=True, effect=printed("owner now 65534:65534"))
t4("f4_setxattrat", "file", "setxattrat(2) (6.13): 1 KiB in user.rtm4_payload through a read-only fd + AT_EMPTY_PATH", either(named_not_open("rtm4_setxattrat"), any_event(("xattr",), "rtm4_payload")), ("open", "xattr"), r"(setxattrat|syscall_0x1cf)\(", ["file_io"], prepare=True, effect=printed("is 1024 bytes"))
t4("f4_uring_renameat", "file", "IORING_OP_RENAMEAT of a prepared file to the marker name", any_event(("io_uring_op", "rename"), "rtm4_uring_renamed"), ("io_uring_op", "rename"), r"rename(at2?)?\(.*rtm4_uring_renamed", FT, prepare=True, effect=printed("rtm4_uring_renamed: 0"))
t4("f4_uring_unlinkat", "file", "IORING_OP_UNLINKAT deletes a prepared file", any_event(("io_uring_op", "unlink"), "rtm4_uring_unlink"), ("io_uring_op", "unlink"), r"unlink(at)?\(.*rtm4_uring_unlink", FT, prepare=True, effect=printed("exists now: no"))
t4("f4_uring_mkdirat", "file", "IORING_OP_MKDIRAT makes a directory under the scratch dir (in /tmp)", any_event(("io_uring_op", "mkdir"), "rtm4_uring_mkdir"), ("io_uring_op", "mkdir"), r"mkdir(at)?\(.*rtm4_uring_mkdir", FT, effect=printed("rtm4_uring_mkdir: 0"))
t4("f4_uring_setxattr", "file", "IORING_OP_SETXATTR: 2 KiB in user.rtm4_uring of a prepared file, by path", any_event(("io_uring_op", "xattr"), "rtm4_uring"), ("io_uring_op", "xattr"), r"setxattr\(.*rtm4_uring", ["file_io"], prepare=True, effect=printed("is 2048 bytes"))
t4("f4_inherited_dirfd", "file", "openat(9, \"data.txt\", O_CREAT): fd 9 a directory the harness opened (rtm4_inherited_dir)", write_open("rtm4_inherited_dir"), ("open",), r"openat\(9.*rtm4_inherited_dir", ["file_io"], dir9="rtm4_inherited_dir", effect=exists(SCRATCH + "/rtm4_inherited_dir/data.txt"))
t4("f4_mkdtemp", "file", "mkdtemp(3): a private temp dir, nothing in it", mentions("rtm4_mkdtemp"), ("open", "mkdir"), r"mkdir\(.*rtm4_mkdtemp", FT, effect=printed("mkdtemp -> "))
t4("f4_acct_kernel_write", "file", "acct(2) into a prepared file: the kernel opens it and appends a record per exit; acct(NULL)", mentions("rtm4_acct"), ("open",), r"acct\(.*rtm4_acct", ["file_io", "privileged_functions"], prepare=True, effect=matches(r"file now [1-9]\d* bytes"))
t4("f4_core_dump_file", "file", "a child chdir()s to a prepared dir, raises RLIMIT_CORE, crashes: the kernel writes rtm4_coredir/core", mentions("rtm4_coredir/core"), ("open",), r"open(at)?\(.*rtm4_coredir/core", FT, prepare=True, effect=matches(r"core dumped: yes\); \S+/core: [1-9]\d* bytes"))
# processes
t4("p4_clone_into_cgroup", "process", "clone3(CLONE_INTO_CGROUP) into a child cgroup made at install; the child execs grep rtm4_cg", forked_exec("rtm4_cg"), ("fork", "exec"), r"execve\(.*rtm4_cg", ["processes_spawned"], prepare=True, cleanup=True, effect=printed("0::/rtm4_cg"))
t4("p4_ptrace_hijack", "process", "ptrace an unrecorded process (a sleep started before) into execve(/bin/touch rtm4_hijacked)", either(exec_marker("rtm4_hijacked"), has(("open",), "rtm4_hijacked")), ("exec", "open"), r"execve\(.*rtm4_hijacked", ["processes_spawned", "file_io"], victim=True, effect=exists(SCRATCH + "/rtm4_hijacked"))
t4("p4_procmem_hijack", "process", "no ptrace: an execve stub written over an unrecorded sleep's syscall insn via /proc/PID/mem, SIGSTOP+SIGCONT restarts into it", either(exec_marker("rtm4_memhijack"), has(("open",), "rtm4_memhijack")), ("exec", "open"), r"execve\(.*rtm4_memhijack", ["processes_spawned", "file_io"], victim=True, effect=exists(SCRATCH + "/rtm4_memhijack"))
t4("p4_concurrent_flood_exec", "process", "fork+exec rtm4_flood_exec while four threads flood 400,000 failing opens", forked_exec("rtm4_flood_exec"), ("fork", "exec"), r"execve\(.*rtm4_flood_exec", ["processes_spawned"], effect=printed("status 0"))
t4("p4_setproctitle", "process", "a worker exec'd with rtm4_proctitle_secret in argv overwrites argv and comm at once", forked_exec("rtm4_proctitle_secret"), ("fork", "exec"), r"execve\(.*rtm4_proctitle_secret", ["processes_spawned"], effect=printed("rewrote its argv"))
# network
t4("n4_uring_direct_connect", "network", "IORING_OP_SOCKET into a direct (registered) slot + IORING_OP_CONNECT IOSQE_FIXED_FILE 127.0.0.1:47303", lambda e, ev: e["kind"] in ("connect", "io_uring_op", "send") and "47303" in fields(e), ("connect", "io_uring_op"), r"connect\(.*htons\(47303\)", ["outgoing_destinations"], effect=printed(": 0, accepted: yes"))
t4("n4_tcp_repair", "network", "TCP_REPAIR connect 127.0.0.1:47304 (no SYN), repair off: a segment reaches the peer (reset)", inet_event(("connect", "send"), "127.0.0.1", 47304), ("connect", "send"), r"connect\(.*htons\(47304\)", ["outgoing_destinations"], effect=printed("-> 0, repair off, send -> -1 (Connection reset by peer)"))
t4("n4_raw_icmp6", "network", "raw ICMPv6 socket: echo request sendto ::1, reply read", ip_event(("send", "connect"), "::1"), ("send", "socket"), r"sendto\(.*::1", ["networking", "outgoing_destinations"], effect=printed("reply: yes"))
t4("n4_udp_any_server", "network", "new netns: UDP bind 0.0.0.0:47305 + recvfrom (a port open without listen)", any_event(("bind", "listen"), "47305"), ("bind", "listen"), r"bind\(.*htons\(47305\)", ["opens_port", "external_endpoint"], effect=printed("received 4 bytes"))
# privilege
t4("c4_pivot_root", "privilege", "new mount ns: pivot_root into a tmpfs under the scratch dir, old root detached", syscall_or_kind("pivot_root"), (), r"pivot_root\(", ["privileged_functions"], effect=printed("detached"))
t4("c4_ioprio_rt", "privilege", "ioprio_set(IOPRIO_CLASS_RT) (CAP_SYS_ADMIN/CAP_SYS_NICE), then back to best-effort", syscall_or_kind("ioprio_set"), (), r"ioprio_set\(.*IOPRIO_CLASS_RT", ["privileged_functions"], effect=printed("class 0 -> 1"))
t4("c4_klogctl", "privilege", "klogctl(SYSLOG_ACTION_READ_ALL) (CAP_SYSLOG): read the kernel log, no /dev/kmsg", syscall_or_kind("syslog", "klogctl"), (), r"syslog\(3 /\* SYSLOG_ACTION_READ_ALL", ["privileged_functions"], effect=matches(r"read [1-9]\d* bytes"))
t4("c4_mknod_chardev", "privilege", "mknod a char device node (1:3) under the scratch dir (CAP_MKNOD)", mentions("rtm4_devnode"), ("open",), r"mknod(at)?\(.*rtm4_devnode.*S_IFCHR", ["privileged_functions", "file_io"], effect=printed("char device now: yes"))
# recorder tampering
t4("a4_bpf_map_tamper", "forgery", "empty the recorder's own hash maps, zero its small arrays (by id from its fdinfo), then touch rtm4_bpf_tamper", forked_exec("rtm4_bpf_tamper"), ("fork", "exec"), r"execve\(.*rtm4_bpf_tamper", PWN, effect=exists(SCRATCH + "/rtm4_bpf_tamper"))
t4("a4_prlimit_recorder", "forgery", "prlimit(recorder, RLIMIT_FSIZE, 1): its trace writes fail (SIGXFSZ); then touch rtm4_after_fsize", forked_exec("rtm4_after_fsize"), ("fork", "exec"), r"execve\(.*rtm4_after_fsize", PWN, effect=exists(SCRATCH + "/rtm4_after_fsize"))
t4("a4_sigstop_recorder_flood", "forgery", "SIGSTOP the recorder, 400,000-open flood, touch rtm4_after_sigstop, SIGCONT", forked_exec("rtm4_after_sigstop"), ("fork", "exec"), r"execve\(.*rtm4_after_sigstop", PWN, effect=exists(SCRATCH + "/rtm4_after_sigstop"))
# environment and crypto
t4("e4_envz_get", "environment", "envz_get(3) on an argz copy of environ (a libc lookup that is not getenv)", has(("getenv",), "RTM4_ENVZ_GET"), ("getenv",), r"RTM4_ENVZ_GET", ["environment"], effect=printed("-> 1"))
t4("e4_proc_self_environ", "environment", "clearenv(), then read the own /proc/self/environ", either(has(("getenv",), "RTM4_PROC_SELF_ENVIRON"), open_of("/environ")), ("getenv", "open"), r"openat\(.*/proc/self/environ", ["environment"], effect=printed("-> 1"))
t4("x4_gnutls", "crypto", "GnuTLS: gnutls_rnd(GNUTLS_RND_KEY) + gnutls_hash_fast(SHA-256)", any_event(("crypto",)), ("crypto",), r"gnutls_rnd", ["crypto"], effect=printed("-> 0, gnutls_hash_fast(SHA256) -> 0"))


# ---------------------------------------------------------------------------------------------
# Round 5 (round5/): written blind to the recorder's code, its docs and its e2e tests; rounds 1-4
# (sources and results) were read only so as not to repeat a technique. Same conventions as
# rounds 2-4; markers rtm5_/RTM5_, ports 47401-47414 on 127.0.0.x (or any port inside a network
# namespace the technique makes).

ENV.update({
    "RTM5_LIBC_COPY": "1",
    "RTM5_URING_ENVIRON": "1",
})
LINK.update({
    "e5_libc_copy_getenv": ["-ldl"],
    "x5_libsodium": ["-ldl"],
    "x5_mbedtls": ["-ldl"],
})


def t5(name, cat, what, rule, kinds, strace_re, claims, **opts):
    t(name, cat, what, rule, kinds, strace_re, round=5, claims=claims, **opts)


def bound_port(port):
    """A bind or listen event on `port` (any address)."""

    def pred(e, _events):
        return e["kind"] in ("bind", "listen") and (e["fields"].get("addr") or {}).get("port") == port

    return pred


def uring_not_syscall(marker):
    """The io_uring op naming the marker, not the direct (failed) syscall that also names it."""

    def pred(e, _events):
        if marker not in fields(e):
            return False
        return e["kind"] == "io_uring_op" or (e["kind"] == "xattr" and e.get("syscall") not in ("setxattr", "lsetxattr", "fsetxattr"))

    return pred


# files
t5("f5_fremovexattr_rdonly", "file", "fremovexattr(user.rtm5_attr) through a read-only fd of a prepared file (no write-open, no path)", either(named_not_open("rtm5_removexattr"), any_event(("xattr",), "rtm5_attr")), ("open", "xattr"), r"fremovexattr\(\d+, \"user\.rtm5_attr\"", FT, prepare=True, effect=printed("attribute now gone"))
t5("f5_uring_fsetxattr", "file", "IORING_OP_FSETXATTR on a read-only fd: 1 KiB in user.rtm5_uring_fsetxattr (round 4 did the by-path op)", any_event(("io_uring_op", "xattr"), "rtm5_uring_fsetxattr"), ("io_uring_op", "xattr"), r"setxattr\(.*rtm5_uring_fsetxattr", FT, prepare=True, effect=printed("is 1024 bytes"))
t5("f5_open_tree_dirfd", "file", "open_tree(dir) without OPEN_TREE_CLONE (an O_PATH fd, no mount), then openat(fd, \"data.txt\", O_CREAT)", write_open("rtm5_otree_dir"), ("open",), r"openat\(.*rtm5_otree_dir", FT, prepare=True, effect=exists(SCRATCH + "/rtm5_otree_dir/data.txt"))
t5("f5_fchdir_inherited", "file", "fchdir(9), fd 9 a directory the harness opened, then open(\"data.txt\", O_CREAT)", write_open("rtm5_fchdir_dir"), ("open",), r"open(at)?\(.*rtm5_fchdir_dir", FT, dir9="rtm5_fchdir_dir", effect=exists(SCRATCH + "/rtm5_fchdir_dir/data.txt"))
t5("f5_uffd_path", "file", "open(O_CREAT) with the path in a userfaultfd page filled 300 ms after the kernel first touches it", write_open("rtm5_uffd_path"), ("open",), r"openat\(.*rtm5_uffd_path", FT, effect=exists(SCRATCH + "/rtm5_uffd_path"))
t5("f5_proc_child_cwd", "file", "a child chdir()s to a prepared dir and waits; the parent creates /proc/CHILD/cwd/data.txt", write_open("rtm5_childcwd_real"), ("open",), r"openat\(.*rtm5_childcwd_real", FT, prepare=True, effect=exists(SCRATCH + "/rtm5_childcwd_real/data.txt"))
t5("f5_truncate_procfd", "file", "truncate(\"/proc/self/fd/N\", 0), N a read-only fd of a prepared file", named_not_open("rtm5_truncate_procfd"), ("open", "truncate"), r"truncate\(.*rtm5_truncate_procfd", FT, prepare=True, effect=printed("size now 0"))
# processes
t5("p5_cgroup_release_agent", "process", "private mount ns: a new cgroup v1 hierarchy (name=rtm5) whose release_agent the kernel runs as root when a child cgroup empties", either(exec_marker("rtm5_agent"), has(("open",), "rtm5_agent_ran")), ("exec", "fork"), r"execve\(.*rtm5_agent", ["processes_spawned"], prepare=True, cleanup=True, effect=exists(SCRATCH + "/rtm5_agent_ran"))
t5("p5_uffd_exec", "process", "fork + execve(/bin/touch rtm5_uffd_exec) with file name, argv strings and argv array in a userfaultfd page", forked_exec("rtm5_uffd_exec"), ("fork", "exec"), r"execve\(.*rtm5_uffd_exec", ["processes_spawned", "file_io"], effect=exists(SCRATCH + "/rtm5_uffd_exec"))
# network
t5("n5_lsrr_first_hop", "network", "UDP sendmsg to the allowed 127.0.0.1:47401 with an IP_RETOPTS loose source route via 127.0.0.3: the datagram goes to 127.0.0.3 (proved by an AF_PACKET self-test in prepare)", either(ip_event(("send", "connect"), "127.0.0.3"), first_hop("127.0.0.3")), ("send", "sockopt"), r"sendmsg\(.*127\.0\.0\.3", ["outgoing_destinations"], allow={"destinations": ["127.0.0.1:47401"]}, prepare=True, effect=printed("(self-test: IP destination is 127.0.0.3"))
t5("n5_udp_autobind_port80", "network", "new netns: ip_local_port_range \"80 80\", sendto() autobinds a UDP socket to 0.0.0.0:80, which then receives (no bind, no listen)", bound_port(80), ("bind", "listen", "send"), r"bind\(.*htons\(80\)", ["opens_port", "external_endpoint", "privileged_ports"], effect=printed("received 4 bytes"))
t5("n5_bpf_connect_rewrite", "network", "a BPF_CGROUP_INET4_CONNECT program on the own cgroup rewrites connect(127.0.0.1:47403, allowed) to 127.0.0.2:47404", inet_event(("connect", "send"), "127.0.0.2", 47404), ("connect",), r"connect\(.*127\.0\.0\.2", ["outgoing_destinations"], allow={"destinations": ["127.0.0.1:47403"]}, prepare=True, cleanup=True, effect=printed("accepted on 127.0.0.2:47404: yes"))
t5("n5_bpf_connect_preattached", "network", "the same rewrite with the program attached (BPF_PROG_ATTACH) to a cgroup at prepare: the run only joins the cgroup and connects 127.0.0.1:47408 (allowed), reaching 127.0.0.2:47409", inet_event(("connect", "send"), "127.0.0.2", 47409), ("connect",), r"connect\(.*127\.0\.0\.2", ["outgoing_destinations"], allow={"destinations": ["127.0.0.1:47408"]}, prepare=True, cleanup=True, effect=printed("accepted on 127.0.0.2:47409: yes"))
t5("n5_uffd_connect", "network", "TCP connect 127.0.0.1:47405 with the sockaddr in a userfaultfd page filled 300 ms later", inet_event(("connect",), "127.0.0.1", 47405), ("connect",), r"connect\(.*htons\(47405\)", ["outgoing_destinations"], effect=printed("accepted: yes"))
# privilege
t5("c5_securebits_keep_caps", "privilege", "prctl(PR_SET_SECUREBITS, NO_SETUID_FIXUP) (CAP_SETPCAP), setresuid(65534): nobody with every capability", lambda e, ev: e["kind"] == "prctl" and e["fields"].get("option") in ("PR_SET_SECUREBITS", "PR_28"), ("prctl",), r"prctl\(PR_SET_SECUREBITS", ["privileged_functions", "setuid_calls"], effect=printed("euid 65534, CapEff 000001f"))
t5("c5_setsockopt_caps", "privilege", "setsockopt SO_MARK, SO_RCVBUFFORCE, SO_PRIORITY 7, IP_TRANSPARENT (CAP_NET_ADMIN/CAP_NET_RAW)", lambda e, ev: "SO_MARK" in fields(e) or e.get("syscall") == "setsockopt", (), r"setsockopt\(.*SO_MARK", ["privileged_functions"], effect=printed("mark now 0x52544d35"))
t5("c5_mlock_over_limit", "privilege", "mlock(32 MiB) over RLIMIT_MEMLOCK 8 MiB (CAP_IPC_LOCK)", syscall_or_kind("mlock", "mlock2"), (), r"mlock\(0x[0-9a-f]+, 33554432", ["privileged_functions"], effect=printed("KiB -> 0"))
t5("c5_trusted_xattr", "privilege", "setxattr(trusted.rtm5_trusted) by path (CAP_SYS_ADMIN; baseline of c5_uring_personality)", any_event(("xattr",), "trusted.rtm5_trusted"), ("xattr",), r"setxattr\(.*trusted\.rtm5_trusted", ["privileged_functions", "file_io"], prepare=True, effect=printed("reads back 1 bytes"))
t5("c5_uring_personality", "privilege", "IORING_REGISTER_PERSONALITY as root, setresuid(65534), then IORING_OP_SETXATTR trusted.rtm5_persona with the root personality", uring_not_syscall("rtm5_persona"), ("io_uring_op", "xattr"), r"io_uring_\w+\(.*rtm5_persona", ["privileged_functions"], prepare=True, effect=matches(r"IORING_OP_SETXATTR with personality \d+ -> 0"))
# environment
t5("e5_libc_copy_getenv", "environment", "getenv from a copy of libc.so.6 at another path, dlmopen()ed into a new link namespace", has(("getenv",), "RTM5_LIBC_COPY"), ("getenv",), r"RTM5_LIBC_COPY", ["environment"], prepare=True, effect=printed("-> 1"))
t5("e5_uring_environ", "environment", "IORING_OP_OPENAT /proc/self/environ + IORING_OP_READ (no getenv, no open/read syscall)", either(has(("getenv",), "RTM5_URING_ENVIRON"), any_event(("io_uring_op", "open"), "/environ")), ("getenv", "open", "io_uring_op"), r"openat\(.*/proc/self/environ", ["environment"], effect=printed("-> 1"))
# crypto
t5("x5_tcp_md5sig", "crypto", "TCP_MD5SIG on both ends of a loopback connection: the kernel signs every segment with MD5", either(any_event(("crypto",)), mentions("TCP_MD5SIG")), ("crypto",), r"setsockopt\(.*TCP_MD5SIG", ["crypto"], effect=printed("read 6 bytes 'signed'"))
t5("x5_proc_random_uuid", "crypto", "a 256-bit key from two reads of /proc/sys/kernel/random/uuid", either(any_event(("crypto",)), open_of("random/uuid")), ("crypto", "open"), r"openat\(.*random/uuid", ["crypto"], effect=printed("64 nibbles"))
t5("x5_uring_urandom", "crypto", "32 key bytes from /dev/urandom through IORING_OP_OPENAT + IORING_OP_READ", either(any_event(("crypto",)), any_event(("io_uring_op", "open"), "/dev/urandom")), ("crypto", "io_uring_op"), r"openat\(.*/dev/urandom", ["crypto"], effect=printed("read 32 key bytes"))
t5("x5_libsodium", "crypto", "libsodium (dlopen): randombytes_buf + crypto_generichash (keyed BLAKE2b)", any_event(("crypto",)), ("crypto",), r"randombytes_buf", ["crypto"], effect=printed("crypto_generichash -> 0"))
t5("x5_mbedtls", "crypto", "Mbed TLS libmbedcrypto (dlopen): SHA-256 + one AES-128 block", any_event(("crypto",)), ("crypto",), r"mbedtls_sha256", ["crypto"], effect=printed("ecb encrypt -> 0"))
# the recorder
t5("a5_cgroup_freeze_flood", "forgery", "freeze the recorder with the cgroup v2 freezer (no signal), 400,000-open flood, touch rtm5_after_freeze, thaw", forked_exec("rtm5_after_freeze"), ("fork", "exec"), r"execve\(.*rtm5_after_freeze", PWN, prepare=True, cleanup=True, effect=exists(SCRATCH + "/rtm5_after_freeze"))
t5("a5_ringbuf_skip", "forgery", "freeze the recorder, touch rtm5_after_skip, move its BPF ring buffer's consumer position to the producer's (unread records skipped), thaw", forked_exec("rtm5_after_skip"), ("fork", "exec"), r"execve\(.*rtm5_after_skip", PWN, prepare=True, cleanup=True, effect=matches(r"skipped [1-9]\d* unread bytes in [1-9]"))
t5("a5_pidfd_trace_truncate", "forgery", "touch rtm5_before_truncate, then pidfd_getfd the recorder's trace fd and ftruncate it to its header line", forked_exec("rtm5_before_truncate"), ("fork", "exec"), r"execve\(.*rtm5_before_truncate", PWN, effect=printed("truncated the recorder's trace"))


# ---------------------------------------------------------------------------------------------
# Round 6 (round6/): written blind to the recorder's code, its docs and its e2e tests; rounds 1-5
# were read only so as not to repeat a technique. Same conventions as rounds 2-5, but its own
# scratch dir (SCRATCH6, `scratch` in each entry), markers rtm6_/RTM6_ and ports 47501-47520 on
# 127.0.0.x. Most techniques delegate to a daemon their `prepare` starts before the recording
# (it stands for a service already running on the host) and their `cleanup` stops; `env` gives
# one technique a variable of its own.

SCRATCH6 = "/tmp/redteam-adv6"
ALLOWED6 = SCRATCH6 + "/allowed"
ENV.update({
    "RTM6_PROC_MEM_ENV": "1",
    "RTM6_THREAD_ENVIRON": "1",
})
LINK.update({
    "x6_sha256_derived_constants": ["-lm"],
})


def t6(name, cat, what, rule, kinds, strace_re, claims, **opts):
    t(name, cat, what, rule, kinds, strace_re, round=6, claims=claims, scratch=SCRATCH6, **opts)


def exists6(rel):
    return lambda out: os.path.exists(os.path.join(SCRATCH6, rel))


def file_has_in(scratch, rel, text):
    """The effect: a file under `scratch` holds `text` (checked by the harness, so the technique
    need not read it back and put its path in the trace)."""

    def check(_out):
        try:
            with open(os.path.join(scratch, rel), errors="replace") as f:
                return text in f.read()
        except OSError:
            return False

    return check


def file_has6(rel, text):
    return file_has_in(SCRATCH6, rel, text)


def both(*checks):
    return lambda out: all(c(out) for c in checks)


def fd_or_write_open(marker):
    """A write-open naming the marker, or an fd the target received (from another process)
    naming it."""

    def pred(e, events):
        return write_open(marker)(e, events) or (e["kind"] == "fd_received" and marker in fields(e))

    return pred


def names_peer(kinds, ip, port):
    """An event of `kinds` naming ip and port anywhere in its fields (a connect, a send, an fd
    received with its peer)."""

    def pred(e, _events):
        f = fields(e)
        return e["kind"] in kinds and ip in f and str(port) in f

    return pred


def uring_write(marker):
    """An io_uring op that writes (IORING_OP_WRITE*), or any event naming the marker."""

    def pred(e, _events):
        if e["kind"] in ("io_uring_op", "fd_received", "open") and marker in fields(e):
            return e["kind"] != "open" or e["fields"].get("access") in ("write", "read_write")
        return e["kind"] == "io_uring_op" and "WRITE" in str(e["fields"].get("op", "")).upper()

    return pred


def not_exec_naming(marker):
    def pred(e, _events):
        return e["kind"] != "exec" and marker in fields(e)

    return pred


def euid_back_to_root(e, events):
    """A setuid event after the first one of the target's tree (the drop): the regain."""
    ids = [x["seq"] for x in events if x["kind"] == "setuid"]
    return e["kind"] == "setuid" and len(ids) >= 2 and e["seq"] != ids[0]


def getenv_named(name):
    def pred(e, _events):
        return e["kind"] == "getenv" and f'"{name}"' in fields(e)

    return pred


def connect_after_setns(port):
    """A connect naming the port, after a setns of the same process (the pieces a reader needs
    to see that the socket may belong to another network namespace)."""

    def pred(e, events):
        if e["kind"] != "connect" or str(port) not in fields(e):
            return False
        return any(x["pid"] == e["pid"] and x["seq"] < e["seq"] and (x.get("syscall") == "setns" or x["kind"] == "setns") for x in events)

    return pred


FILE_DIRS6 = {"dirs": [ALLOWED6]}
LO_ONLY = {"destinations": ["127.0.0.1"]}
FT6 = ["file_io", "temp_files"]
# files
t6("f6_seccomp_addfd_file", "file", "seccomp user-notify supervisor (a daemon) answers the program's read-only openat of an allowed file with an fd it opened for writing elsewhere (SECCOMP_IOCTL_NOTIF_ADDFD, FLAG_SEND); the program writes through it", fd_or_write_open("rtm6_addfd_real"), ("open", "fd_received"), r"openat\(.*rtm6_addfd_real.*O_WRONLY", ["file_io"], allow=FILE_DIRS6, prepare=True, cleanup=True, effect=file_has6("rtm6_addfd_real/data.txt", "rtm6 written through a read-only open"))
t6("f6_fanotify_rdwr_fd", "file", "fanotify_init(event_f_flags O_RDWR) + FAN_OPEN mark: a daemon's read-only open of the file brings the program an O_RDWR fd of it in the event; rewrite through it (the program never opens the file)", fd_or_write_open("rtm6_fanotify_target"), ("open", "fd_received"), r"pwrite64\(\d+, \"rtm6 rewritten", FT6, prepare=True, cleanup=True, effect=both(printed("(O_RDWR)"), file_has6("rtm6_fanotify_target", "rtm6 rewritten through a fanotify event fd")))
t6("f6_fifo_daemon_write", "file", "write a line into a FIFO in the allowed dir; a spooler started before the recording appends it to a file outside", fd_or_write_open("rtm6_fifo_spool"), ("open",), r"openat\(.*rtm6_fifo_spool", ["file_io"], allow=FILE_DIRS6, prepare=True, cleanup=True, effect=printed("out.log exists: yes"))
t6("f6_inotify_read_trigger", "file", "read-only read of a file in the allowed dir; a daemon watching it with inotify (IN_CLOSE_NOWRITE) writes a file outside", fd_or_write_open("rtm6_inotify_out"), ("open",), r"openat\(.*rtm6_inotify_out", ["file_io"], allow=FILE_DIRS6, prepare=True, cleanup=True, effect=printed("written by the watcher: yes"))
t6("f6_loop_device_write", "file", "pwrite 512 bytes to /dev/loopN, attached at install to SCRATCH/rtm6_loop_backing: the kernel's loop worker writes the file", either(write_open("/dev/loop"), write_open("rtm6_loop_backing")), ("open",), r"openat\(.*/dev/loop\d+\", O_WRONLY", FT6, prepare=True, cleanup=True, effect=file_has6("rtm6_loop_backing", "rtm6 written through /dev/loop"))
t6("f6_shared_ring_fixed_file", "file", "pidfd_getfd a daemon's io_uring whose registered file 0 it opened for writing; IORING_OP_WRITE with IOSQE_FIXED_FILE (no fd of the file, no open)", uring_write("rtm6_ring_target"), ("io_uring_op", "fd_received"), r"io_uring_enter\(", FT6, prepare=True, cleanup=True, effect=file_has6("rtm6_ring_target", "rtm6 written through a borrowed ring's fixed file"))
# processes
t6("p6_sysv_shm_job", "process", "write a command into a System V shm segment (shmget/shmat, no path) a job runner started before the recording polls; it fork+execs /bin/touch", exec_marker("rtm6_shm_job"), ("exec", "fork"), r"execve\(.*rtm6_shm_job", ["processes_spawned"], prepare=True, cleanup=True, effect=exists6("rtm6_shm_job"))
t6("a6_argv0_maintscript", "process", "fork + execve(\"/bin/touch\") with argv[0] \"/var/lib/dpkg/info/rtm6.postinst\" and DPKG_MAINTSCRIPT_* in its environment", forked_exec("rtm6_argv0_maint"), ("fork", "exec"), r"execve\(.*rtm6_argv0_maint", ["processes_spawned", "file_io"], effect=exists6("rtm6_argv0_maint"))
# network
t6("n6_seccomp_addfd_socket", "network", "seccomp user-notify supervisor (a daemon) answers the program's socket() with a TCP socket it connected to 127.0.0.2:47501; the program writes and reads (never connects)", names_peer(("connect", "send", "fd_received", "socket"), "127.0.0.2", 47501), ("connect", "send", "fd_received"), r"connect\(.*htons\(47501\)", ["outgoing_destinations"], allow=LO_ONLY, prepare=True, cleanup=True, effect=printed("reply: ack from 127.0.0.2:47501"))
t6("n6_seccomp_connect_redirect", "network", "connect(127.0.0.1:47504, allowed) sent by the program's own seccomp filter to a supervisor (a daemon) that pidfd_getfd()s the socket, connects it to 127.0.0.2:47505 and answers 0 (the call never runs in the program)", names_peer(("connect", "send", "fd_received"), "127.0.0.2", 47505), ("connect", "send"), r"connect\(.*127\.0\.0\.2", ["outgoing_destinations"], allow=LO_ONLY, prepare=True, cleanup=True, effect=printed("peer is 127.0.0.2:47505; reply: ack"))
t6("n6_setns_socket_loopback", "network", "setns into a daemon's network namespace (a container, started before the recording), socket(), setns back; connect(127.0.0.1:47506) reaches the other namespace's loopback", connect_after_setns(47506), ("connect",), r"setns\(", ["outgoing_destinations"], allow=LO_ONLY, prepare=True, cleanup=True, effect=printed("reply: answer from the other netns; from a socket of this netns -> -1"))
t6("n6_msgq_delegated_connect", "network", "msgsnd \"127.0.0.2 47502 payload\" to a System V queue a relay started before the recording serves; msgrcv the peer's answer (no socket at all)", names_peer(("connect", "send"), "127.0.0.2", 47502), ("connect", "send"), r"connect\(.*htons\(47502\)", ["networking", "outgoing_destinations"], allow=LO_ONLY, prepare=True, cleanup=True, effect=printed("says ok"))
t6("n6_pidfd_getfd_listener", "network", "pidfd_getfd a daemon's socket listening on 127.0.0.1:47503, accept() a client and answer it (no bind, no listen)", any_event(("listen", "bind", "accept", "fd_received"), "47503"), ("listen", "bind", "accept", "fd_received"), r"(bind|listen)\(.*47503", ["opens_port"], prepare=True, cleanup=True, effect=printed("client got the answer: yes"))
t6("n6_ping_socket_netns", "network", "new netns, ping_group_range \"0 0\" there: ICMP ping socket (SOCK_DGRAM, IPPROTO_ICMP) echo to 127.0.0.2, reply read", ip_event(("send", "connect"), "127.0.0.2"), ("send", "socket"), r"sendto\(.*127\.0\.0\.2", ["outgoing_destinations"], allow=LO_ONLY, effect=printed("echo reply: yes"))
# privilege
t6("c6_root_helper_request", "privilege", "as nobody: ask a root helper (abstract unix socket, started before the recording) to install a setuid-root program", not_exec_naming("rtm6_rootd_suid"), ("open",), r"(chmod|fchmodat)\(.*rtm6_rootd_suid", ["privileged_functions", "runs_as_root"], prepare=True, cleanup=True, user="nobody", effect=printed("setuid root: yes"))
t6("c6_keepcaps_full_caps", "privilege", "root: PR_SET_KEEPCAPS, setresuid(65534) on all three ids, capset() back to every permitted capability; read /etc/shadow, fchown a file to root", lambda e, ev: e["kind"] == "capset", ("capset",), r"capset\(", ["runs_as_root"], effect=printed("fchown to root -> 0"))
t6("c6_saved_uid_regain", "privilege", "root: setresuid(65534, 65534, 0) (a seeming drop, saved uid root), then seteuid(0) and a root-owned file", euid_back_to_root, ("setuid",), r"setresuid\(-1, 0, -1\)", ["runs_as_root"], effect=printed("made a file owned by uid 0"))
t6("c6_suid_seteuid_dance", "privilege", "as nobody: exec a setuid-root copy (install) that seteuid()s to nobody at once, later seteuid(0) + setresuid(0,0,0) and a root-owned file", euid_back_to_root, ("setuid", "exec"), r"setresuid\(0, 0, 0\)", ["runs_as_root"], prepare=True, user="nobody", effect=printed("now uid 0, file owned by 0"))
# environment
t6("e6_proc_mem_env", "environment", "env_start/env_end from /proc/self/stat, the env block read by pread of /proc/self/mem (no getenv, environ or /proc/self/environ)", either(has(("getenv",), "RTM6_PROC_MEM_ENV"), open_of("/proc/self/mem")), ("getenv", "open"), r"openat\(.*/proc/self/mem", ["environment"], effect=printed("RTM6_PROC_MEM_ENV -> 1"))
t6("e6_thread_self_environ", "environment", "a thread opens /proc/thread-self as a directory, then openat(dirfd, \"environ\")", either(has(("getenv",), "RTM6_THREAD_ENVIRON"), open_of("environ")), ("getenv", "open"), r"openat\(\d+, \"environ\"", ["environment"], effect=printed("RTM6_THREAD_ENVIRON -> 1"))
t6("e6_tzset_tz", "environment", "localtime_r() reads TZ inside libc (TZ=<RTM6ZONE>-3): the output depends on a variable the program never names", getenv_named("TZ"), ("getenv",), r"RTM6ZONE", ["environment"], env={"TZ": "<RTM6ZONE>-3"}, effect=printed("03:00 RTM6ZONE"))
# crypto
t6("x6_sha256_derived_constants", "crypto", "SHA-256 in the program with its round constants and IV computed at start from primes (no table in the binary, no library): sha256(abc) + a derived key", any_event(("crypto",)), ("crypto",), r"SHA256", ["crypto"], effect=printed("matches the standard"))
t6("x6_keyctl_pkey_encrypt", "crypto", "kernel keyring RSA: add_key(\"asymmetric\", X.509 DER made at install) + KEYCTL_PKEY_QUERY + KEYCTL_PKEY_ENCRYPT(enc=pkcs1) of a session key", either(any_event(("crypto",)), mentions("KEYCTL_PKEY_ENCRYPT", "asymmetric")), ("crypto",), r"KEYCTL_PKEY_ENCRYPT", ["crypto"], prepare=True, effect=printed("encrypted 32 bytes -> 256 bytes"))
t6("x6_python_pure_chacha20", "crypto", "ChaCha20 in pure Python (no hashlib/ssl/C module), checked against RFC 8439's test vector; PYTHONHASHSEED=0 so the interpreter draws no hash seed", any_event(("crypto",)), ("crypto",), r"chacha20_block", ["crypto"], env={"PYTHONHASHSEED": "0"}, effect=printed("matches RFC 8439"))
t6("x6_arc4random_key", "crypto", "a 256-bit key and a nonce from glibc 2.36's arc4random_buf (getrandom inside libc), mixed into a message", either(any_event(("crypto",)), getrandom_of(32)), ("crypto", "getrandom"), r"getrandom\(.*, 32, 0\)", ["crypto"], effect=printed("32-byte key"))
t6("x6_perl_digest_sha", "crypto", "perl's core Digest::SHA (its own XS code): HMAC-SHA-256 + SHA-512", any_event(("crypto",)), ("crypto",), r"hmac_sha256", ["crypto"], effect=printed("Digest::SHA hmac_sha256 = "))



# ---------------------------------------------------------------------------------------------
# Round 7 (round7/): written blind to the recorder's code, its docs and its e2e tests; rounds 1-6
# were read only so as not to repeat a technique. Same conventions as round 6 with its own scratch
# dir (SCRATCH7), markers rtm7_/RTM7_ and ports 47601-47620 on 127.0.0.x. Theme: fds that arrive
# by roads other than recvmsg (recvmmsg, MSG_PEEK, IORING_OP_RECVMSG), a forged SCM_RIGHTS
# control buffer, a destination deep in a sendmmsg batch, capability-gated calls by their less
# common names, a detached procfs, and the vDSO's getrandom.

SCRATCH7 = "/tmp/redteam-adv7"
ALLOWED7 = SCRATCH7 + "/allowed"
ENV.update({
    "RTM7_FSMOUNT_ENV": "1",
})


def t7(name, cat, what, rule, kinds, strace_re, claims, **opts):
    t(name, cat, what, rule, kinds, strace_re, round=7, claims=claims, scratch=SCRATCH7, **opts)


def file_has7(rel, text):
    return file_has_in(SCRATCH7, rel, text)


FILE_DIRS7 = {"dirs": [ALLOWED7]}
# files
t7("f7_recvmmsg_scm_file", "file", "a writable fd of a file outside the allowed dir arrives over SCM_RIGHTS through recvmmsg(2) from a daemon started before the recording; write through it", fd_or_write_open("rtm7_recvmmsg_target"), ("open", "fd_received"), r"recvmmsg\(.*SCM_RIGHTS", ["file_io"], allow=FILE_DIRS7, prepare=True, cleanup=True, effect=file_has7("rtm7_outside/rtm7_recvmmsg_target", "rtm7 written through an fd from recvmmsg"))
t7("f7_recvmsg_peek_scm_file", "file", "recvmsg(MSG_PEEK) of an SCM_RIGHTS message installs the fd (the message stays queued); write through the peeked fd", fd_or_write_open("rtm7_peek_target"), ("open", "fd_received"), r"recvmsg\(.*MSG_PEEK", ["file_io"], allow=FILE_DIRS7, prepare=True, cleanup=True, effect=file_has7("rtm7_outside/rtm7_peek_target", "rtm7 written through a peeked fd"))
t7("f7_uring_recvmsg_scm_file", "file", "the SCM_RIGHTS fd arrives through IORING_OP_RECVMSG (no recvmsg syscall); write through it with IORING_OP_WRITE", uring_write("rtm7_uring_recv_target"), ("io_uring_op", "fd_received", "open"), r"io_uring_enter\(", ["file_io"], allow=FILE_DIRS7, prepare=True, cleanup=True, effect=file_has7("rtm7_outside/rtm7_uring_recv_target", "rtm7 written through an fd from IORING_OP_RECVMSG"))
# forgery
t7("a7_cmsg_fd_rewrite", "forgery", "400 recvmsg SCM_RIGHTS of a writable fd outside the allowed dir while a thread keeps writing the fd number of an allowed file into the control buffer's fd slot; writes through the real (predicted) fds", fd_or_write_open("rtm7_forge_target"), ("open", "fd_received"), r"recvmsg\(.*SCM_RIGHTS", ["file_io"], allow=FILE_DIRS7, prepare=True, cleanup=True, effect=file_has7("rtm7_outside/rtm7_forge_target", "rtm7 forged round"))
# processes
t7("p7_binfmt_misc_userns", "process", "a private binfmt_misc instance (new user + mount ns) maps files starting with RTM7BFMAGIC to /usr/bin/touch; fork + execv of a data file runs touch (rule: an exec naming /usr/bin/touch, the program that really ran)", lambda e, ev: e["kind"] == "exec" and "/usr/bin/touch" in fields(e), ("exec",), r"execve\(\"/usr/bin/touch", ["processes_spawned"], effect=printed("rtm7_binfmt_made exists"))
# network
t7("n7_sendmmsg_deep", "network", "one sendmmsg of 64 UDP datagrams, 63 to the allowed 127.0.0.1:47601, the 50th to 127.0.0.2:47602", inet_event(("send", "connect"), "127.0.0.2", 47602), ("send",), r"sendmmsg\(.*47602", ["outgoing_destinations"], allow=LO_ONLY, effect=printed("-> 64 sent"))
t7("n7_recvmmsg_socket", "network", "a daemon hands a TCP socket it connected to 127.0.0.2:47603 over SCM_RIGHTS; the program takes it with recvmmsg, writes a request, reads the answer", names_peer(("connect", "send", "fd_received", "socket"), "127.0.0.2", 47603), ("connect", "send", "fd_received"), r"connect\(.*htons\(47603\)", ["outgoing_destinations"], allow=LO_ONLY, prepare=True, cleanup=True, effect=printed("reply: answer from 127.0.0.2:47603"))
# privilege
t7("c7_sched_setattr_deadline", "privilege", "sched_setattr(2) (not sched_setscheduler) to SCHED_DEADLINE (CAP_SYS_NICE), back to SCHED_OTHER", either(syscall_is("sched_setattr"), mentions("sched_setattr", "SCHED_DEADLINE")), (), r"sched_setattr\(.*SCHED_DEADLINE", ["privileged_functions"], effect=printed("-> 0 (ok)"))
t7("c7_nice_negative", "privilege", "setpriority(PRIO_PROCESS, 0, -10) alone (CAP_SYS_NICE)", either(syscall_is("setpriority"), mentions("setpriority")), (), r"setpriority\(PRIO_PROCESS, 0, -10\)", ["privileged_functions"], effect=printed("nice now -10"))
t7("c7_fsopen_fsmount", "privilege", "tmpfs mounted with the new mount API (fsopen, fsconfig, fsmount, move_mount; no mount(2)) in a private mount namespace (CAP_SYS_ADMIN)", any_event(("mount_api",)), ("mount_api",), r"(fsmount|move_mount)\(", ["privileged_functions"], effect=printed("by fsmount+move_mount: yes"))
t7("c7_process_madvise", "privilege", "process_madvise(MADV_PAGEOUT) on a child's memory through a pidfd (PTRACE_MODE_READ + CAP_SYS_NICE)", either(syscall_is("process_madvise"), mentions("process_madvise")), (), r"process_madvise\(", ["privileged_functions"], effect=matches(r"MADV_PAGEOUT\) -> \d+"))
# environment
t7("e7_fsmount_proc_environ", "environment", "a detached procfs made with fsopen(\"proc\") + fsmount in a private mount ns; read openat(mntfd, \"self/environ\") (no path under /proc)", either(has(("getenv",), "RTM7_FSMOUNT_ENV"), open_of("environ")), ("getenv", "open"), r"openat\(\d+, \"self/environ\"", ["environment"], effect=printed("RTM7_FSMOUNT_ENV -> 1"))
# crypto
t7("x7_vdso_getrandom", "crypto", "a 256-bit key from the vDSO's __vdso_getrandom (found in the vDSO's own symbol table): after one seeding getrandom, the bytes come from a user-space ChaCha20, no library", any_event(("crypto",)), ("crypto",), r"__vdso_getrandom", ["crypto"], effect=printed("32-byte key"))



# ---------------------------------------------------------------------------------------------
# Round 8 (round8/): written blind to the recorder's kernel side, its hook lists, its docs and
# its e2e tests; rounds 1-7 were read only so as not to repeat a technique. Same conventions as
# rounds 6 and 7 with its own scratch dir (SCRATCH8), markers rtm8_/RTM8_ and ports 47801-47820
# on 127.0.0.x. Theme: what a recorder reads at the wrong moment (an io_uring entry's argument
# rewritten after the kernel's copy and before the op runs), probes stepped over (a libc or
# libcrypto function entered one instruction late), file changes by flags or by a stale dirfd,
# destinations in io_uring ops not tried before, privileged calls by their rarer names (and one
# made harmless by a private pid namespace), crypto done by the kernel's key types or drawn a
# byte at a time.

SCRATCH8 = "/tmp/redteam-adv8"
ALLOWED8 = SCRATCH8 + "/allowed"
ENV.update({
    "RTM8_SKIP_ENTRY": "1",
    "RTM8_SYMLINK_ENV": "1",
})
LINK.update({
    "x8_evp_skip_entry": ["-lcrypto"],
    "x8_sha256_lowlevel": ["-lcrypto"],
})


def t8(name, cat, what, rule, kinds, strace_re, claims, **opts):
    t(name, cat, what, rule, kinds, strace_re, round=8, claims=claims, scratch=SCRATCH8, **opts)


def file_has8(rel, text):
    return file_has_in(SCRATCH8, rel, text)


def exists8(rel):
    return lambda out: os.path.exists(os.path.join(SCRATCH8, rel))


def creating_open(marker):
    """An open naming the marker that is recorded as writing or as creating (whatever field
    says so), not as a plain read."""

    def pred(e, _events):
        if e["kind"] != "open" or marker not in fields(e):
            return False
        f = e["fields"]
        return f.get("access") in ("write", "read_write") or bool(f.get("created")) or "O_CREAT" in fields(e)

    return pred


def one_byte_draws(n):
    """getrandom events of 1 byte, `n` or more in all (a run of identical calls is one event with
    a `repeat.count`)."""

    def pred(e, events):
        ones = [x for x in events if x["kind"] == "getrandom" and (x.get("fields") or {}).get("bytes") == 1]
        return e in ones and sum((x.get("repeat") or {}).get("count", 1) for x in ones) >= n

    return pred


FILE_DIRS8 = {"dirs": [ALLOWED8]}
# files
t8("f8_rdonly_creat", "file", "open(O_RDONLY|O_CREAT) creates a file (the access mode says read; round 2 did O_RDONLY|O_TRUNC)", creating_open("rtm8_rdonly_creat"), ("open",), r"openat\(.*rtm8_rdonly_creat.*O_CREAT", FT, effect=exists8("rtm8_rdonly_creat"))
t8("f8_dirfd_renamed_by_daemon", "file", "dirfd of ALLOWED/rtm8_sub; a daemon started before the recording renames that dir out of the allowed dir (to rtm8_moved_real); openat(dirfd, \"data.txt\", O_CREAT) lands outside", write_open("rtm8_moved_real"), ("open", "rename"), r"rename\(.*rtm8_moved_real", ["file_io"], allow=FILE_DIRS8, prepare=True, cleanup=True, effect=file_has8("rtm8_moved_real/data.txt", "rtm8 written through a dirfd"))
# forgery: io_uring arguments rewritten between the kernel's copy (at submit) and the op's run
t8("a8_uring_linked_path_swap", "forgery", "IORING_OP_OPENAT(O_CREAT) hard-linked behind a 300 ms timeout; right after the submit (the kernel has copied the path) the buffer is rewritten from rtm8_linked_real to ALLOWED/rtm8_linked_decoy; write through the fd", lambda e, ev: e["kind"] in ("open", "io_uring_op") and "rtm8_linked_real" in fields(e), ("open", "io_uring_op"), r"io_uring_enter\(", ["file_io"], allow=FILE_DIRS8, effect=printed("real file exists: yes; decoy exists: no"))
t8("a8_uring_linked_connect_swap", "forgery", "IORING_OP_CONNECT hard-linked behind a 300 ms timeout; right after the submit the sockaddr buffer is rewritten from 127.0.0.2:47805 (where the connection goes) to the allowed 127.0.0.1:47804", names_peer(("connect", "io_uring_op", "send"), "127.0.0.2", 47805), ("connect", "io_uring_op"), r"io_uring_enter\(", ["outgoing_destinations"], allow=LO_ONLY, effect=printed("peer is 127.0.0.2:47805; accepted on 127.0.0.2:47805: yes"))
# processes
t8("p8_setns_pidns_spawn", "process", "setns(pidfd_open(init), CLONE_NEWPID) into a pid namespace a daemon holds (started before the recording), then fork + execve(/bin/touch rtm8_pidns_spawn): the child is pid 2 there", forked_exec("rtm8_pidns_spawn"), ("fork", "exec"), r"execve\(.*rtm8_pidns_spawn", ["processes_spawned"], prepare=True, cleanup=True, effect=exists8("rtm8_pidns_spawn"))
# network
t8("a8_killed_in_connect", "forgery", "own netns: listener on 0.0.0.0:47806, backlog 0, queue filled by a connect to the allowed 127.0.0.1:47806; a child's connect to 127.0.0.2:47806 sends its SYN (ListenOverflows goes up) and blocks; the parent SIGKILLs it inside connect(2): the call never returns", names_peer(("connect", "send", "socket"), "127.0.0.2", 47806), ("connect", "send"), r"connect\(.*127\.0\.0\.2", ["outgoing_destinations"], allow=LO_ONLY, effect=printed("SYN reached the listener (ListenOverflows 0 -> 1): yes; child killed inside connect(2)"))
t8("n8_uring_send_addr", "network", "IORING_OP_SEND (plain, not SEND_ZC) with a destination in addr2/addr_len on an unconnected UDP socket: 127.0.0.2:47802, received there", names_peer(("send", "connect", "io_uring_op"), "127.0.0.2", 47802), ("send", "io_uring_op"), r"io_uring_enter\(", ["outgoing_destinations"], allow=LO_ONLY, effect=printed("received 30 bytes at 127.0.0.2:47802"))
t8("n8_uring_sendmsg_zc", "network", "IORING_OP_SENDMSG_ZC with msg_name 127.0.0.2:47803 on an unconnected UDP socket, received there", names_peer(("send", "connect", "io_uring_op"), "127.0.0.2", 47803), ("send", "io_uring_op"), r"io_uring_enter\(", ["outgoing_destinations"], allow=LO_ONLY, effect=printed("received 25 bytes at 127.0.0.2:47803"))
# privilege
t8("c8_setdomainname_utsns", "privilege", "setdomainname(2) (CAP_SYS_ADMIN; round 1 did sethostname) in a private UTS namespace", either(syscall_is("setdomainname"), mentions("rtm8-domain", "setdomainname")), (), r"setdomainname\(", ["privileged_functions"], effect=printed("domain now rtm8-domain"))
t8("c8_reboot_pidns", "privilege", "reboot(LINUX_REBOOT_CMD_POWER_OFF) (CAP_SYS_BOOT) from the init of a private pid namespace (checked: pid 1, another pid ns): the kernel kills that init, its parent sees SIGINT", syscall_or_kind("reboot"), (), r"reboot\(", ["privileged_functions"], effect=printed("SIGINT, the pid namespace's power-off"))
t8("c8_vhangup", "privilege", "vhangup(2) (CAP_SYS_TTY_CONFIG) after setsid(), no controlling terminal", syscall_or_kind("vhangup"), (), r"vhangup\(", ["privileged_functions"], effect=printed("vhangup() with no controlling tty -> 0"))
# environment
t8("e8_getenv_skip_entry", "environment", "getenv of the shared libc entered at +2: the program executes getenv's first instruction (push %r15) itself and jumps past it, so an int3 on the entry (a uprobe) never runs", has(("getenv",), "RTM8_SKIP_ENTRY"), ("getenv",), r"RTM8_SKIP_ENTRY", ["environment"], effect=printed("RTM8_SKIP_ENTRY -> 1"))
t8("e8_symlink_environ", "environment", "open + read SCRATCH/rtm8_envlink, a symlink to /proc/self/environ the install made (prepare): the path names no environment", either(has(("getenv",), "RTM8_SYMLINK_ENV"), open_of("environ")), ("getenv", "open"), r"openat\(.*rtm8_envlink", ["environment"], prepare=True, effect=printed("RTM8_SYMLINK_ENV -> 1"))
# crypto
t8("x8_evp_skip_entry", "crypto", "SHA-256 through libcrypto's EVP API with EVP_DigestInit_ex2 entered at +2: the program clears ecx itself (its first instruction) and jumps past the entry, so an int3 on it (a uprobe) never runs; EVP_DigestUpdate/Final_ex called normally; sha256(abc) checked, no random numbers", any_event(("crypto",)), ("crypto",), r"EVP_DigestInit_ex2", ["crypto"], effect=printed("matches the standard"))
t8("x8_sha256_lowlevel", "crypto", "libcrypto's low-level (deprecated, exported) API called normally: SHA256_Init/Update/Final + AES_set_encrypt_key/AES_encrypt, no EVP function; sha256(abc) and FIPS-197's AES-128 vector checked", any_event(("crypto",)), ("crypto",), r"SHA256_Init", ["crypto"], effect=printed("matches the standard; AES_encrypt: FIPS-197 vector matches"))
t8("x8_encrypted_key", "crypto", "the kernel's \"encrypted\" key type: add_key(user rtm8_master, fixed 32 bytes), add_key(\"encrypted\", \"new default user:rtm8_master 32\") (the kernel draws a key and AES-encrypts it, HMAC-SHA256), KEYCTL_READ of the blob", either(any_event(("crypto",)), mentions("encrypted", "rtm8_enc")), ("crypto",), r"add_key\(\"encrypted\"", ["crypto"], effect=matches(r"blob of [1-9]\d* bytes"))
t8("x8_getrandom_bytewise", "crypto", "a 256-bit key from 32 one-byte getrandom(2) calls (none looks like a key draw)", either(any_event(("crypto",)), one_byte_draws(32)), ("crypto", "getrandom"), r"getrandom\(.*, 1, 0\)", ["crypto"], effect=printed("from 32 one-byte getrandom calls"))


# Round 9 (round9/): the kernel-side naming of relative paths (the dentry + mount walk whose
# result is an event's `real`, session 21). Markers start with rtm9_; scratch /tmp/redteam-adv9.
# Every technique puts a file (or a directory, a link, a mode) somewhere whose true host path is
# known (a directory named rtm9_real_*) and names it, in every path it passes, somewhere else
# (usually below the allowed dir). The rule asks for an event that names the true host path:
# by the name the recorder's host lookup found (`looked_up`, issue 11) or its `real` when it
# has one, else by its `resolved` name. A `real` that names the marker
# somewhere else is worse than none: `judge_tracer` says "wrong" for it, before anything else.

SCRATCH9 = "/tmp/redteam-adv9"
ALLOWED9 = SCRATCH9 + "/allowed"
FILE_DIRS9 = {"dirs": [ALLOWED9]}


def t9(name, what, rule, kinds, strace_re, claims, **opts):
    t(name, "file", what, rule, kinds, strace_re, round=9, claims=claims, scratch=SCRATCH9, **opts)


def path_refs(e):
    """The event's path references (`{resolved, given, real}` objects among its fields)."""
    return [v for v in (e.get("fields") or {}).values() if isinstance(v, dict) and "resolved" in v]


def looked_up_name(ref):
    """The name the recorder's host lookup found (issue 11, `looked_up: {"name": …}`)."""
    return (ref.get("looked_up") or {}).get("name")


def host_name(ref):
    """What a path reference says the file is: the recorder's host lookup when it found another
    name (calls the kernel walk names only at their start), else the kernel's name when there is
    one."""
    return looked_up_name(ref) or ref.get("real") or ref.get("resolved")


def same_path(name, truth):
    """`name` (from the trace's JSON) is `truth` (a host path, os.fsdecode'd), byte for byte."""
    return name is not None and name.encode("utf-8", "surrogateescape") == os.fsencode(truth)


def named_all(*pairs):
    """For each (kinds, truth): an event of `kinds` with a path naming `truth`. Every pair must be
    named; the event the verdict shows is the first pair's."""

    memo = {}

    def one(kinds, truth, events):
        # Computed once per trace (a flood's trace has 400,000 events: once per event is too slow).
        key = (id(events), kinds, truth)
        if key not in memo:
            memo.clear() if len(memo) > 16 else None
            memo[key] = [e for e in events if e["kind"] in kinds and any(same_path(host_name(r), truth) for r in path_refs(e))]
        return memo[key]

    def pred(e, events):
        kinds, truth = pairs[0]
        if not any(x is e for x in one(kinds, truth, events)):
            return False
        return all(one(k, tr, events) for k, tr in pairs[1:])

    return pred


def wrong_real(kinds, marker, *truths):
    """A `real` of an event of `kinds` that names `marker` (the file's own name) at a path that is
    none of `truths`: the kernel's name, and not where the file is."""

    def check(events):
        for e in events:
            if e["kind"] not in kinds:
                continue
            for r in path_refs(e):
                # A host lookup's name is judged like a `real` (and stands for it when both are).
                real = looked_up_name(r) or r.get("real")
                if real and marker in real and not any(same_path(real, tr) for tr in truths):
                    return f"seq {e['seq']} {e['kind']} real {real!r} (given {r.get('given')!r})"
        return None

    return check


def pair_truths(pairs):
    """Every true path of a technique's (kinds, truth) pairs: a `real` naming any of them is
    right. (f10_uring_linkat_link's symlink, rightly named at its own true path, was judged
    "wrong" when only the first pair's truth counted.)"""
    return [truth for _, truth in pairs]


def t9f(name, what, kinds, truth, strace_re, **opts):
    """A round-9 technique judged by one true path (and the other pairs in `more`)."""
    marker = opts.pop("marker", os.path.basename(truth))
    pairs = [(kinds, truth)] + list(opts.pop("more", []))
    claims = opts.pop("claims", ["file_io"])
    t9(name, what, named_all(*pairs), kinds, strace_re, claims, wrong=wrong_real(kinds, marker, *pair_truths(pairs)), allow=FILE_DIRS9, prepare=True, **opts)


def race_rule(a, b):
    """f9_rename_race: the opens of rtm9_race_N name one of the two places; at least one names
    the outside one (b)."""
    memo = {}

    def places(events):
        if id(events) in memo:
            return memo[id(events)]
        got = {"a": 0, "b": 0, "other": [], "none": 0}
        for e in events:
            if e["kind"] != "open" or "rtm9_race_" not in fields(e):
                continue
            p = e["fields"]["path"]
            name = host_name(p)
            leaf = (p.get("given") or "").rsplit("/", 1)[-1]
            if name == f"{a}/{leaf}":
                got["a"] += 1
            elif name == f"{b}/{leaf}":
                got["b"] += 1
            elif name is None:
                got["none"] += 1
            else:
                got["other"].append((e["seq"], name, leaf))
        memo.clear()
        memo[id(events)] = got
        return got

    def pred(e, events):
        if e["kind"] != "open" or "rtm9_race_" not in fields(e):
            return False
        p = e["fields"]["path"]
        return places(events)["b"] > 0 and same_path(host_name(p), f"{b}/{p.get('given') or ''}")

    def wrong(events):
        got = places(events)
        summary = f"{got['a']} named in {a}, {got['b']} in {b}, {got['none']} unnamed"
        if got["other"]:
            seq, name, leaf = got["other"][0]
            return f"{len(got['other'])} opens named elsewhere, e.g. seq {seq} {name!r} for {leaf}; {summary}"
        print(f"f9_rename_race: {summary}", flush=True)
        return None

    return pred, wrong


R9 = SCRATCH9
ok9 = printed("real file exists: yes")
# symlinks in the relative part of a path
t9f("f9_symlink_dir_mkdirat", "mkdirat(dirfd of ALLOWED, \"lnk/rtm9_sl_mkdir\"), ALLOWED/lnk -> SCRATCH/rtm9_real_sl (install-made symlink)", ("mkdir",), R9 + "/rtm9_real_sl/rtm9_sl_mkdir", r"mkdirat\(.*rtm9_sl_mkdir", effect=printed("real dir exists: yes"))
t9f("f9_symlink_dir_fchmodat", "fchmodat(dirfd of ALLOWED, \"lnk/rtm9_sl_chmod\", 04755), ALLOWED/lnk -> SCRATCH/rtm9_real_slc", ("chmod",), R9 + "/rtm9_real_slc/rtm9_sl_chmod", r"fchmodat\(.*rtm9_sl_chmod", effect=printed("real mode now 4755"))
t9f("f9_symlink_leaf_fchmodat", "fchmodat(dirfd of ALLOWED, \"rtm9_lnkleaf\", 04755), ALLOWED/rtm9_lnkleaf -> SCRATCH/rtm9_real_leaf/rtm9_leaf (install-made): chmod follows the last symlink", ("chmod",), R9 + "/rtm9_real_leaf/rtm9_leaf", r"fchmodat\(.*rtm9_lnkleaf", effect=printed("real mode now 4755"))
t9f("f9_symlink_dir_rename_src", "renameat(dirfd of ALLOWED, \"lnk/rtm9_sl_victim\" -> \"rtm9_sl_taken\"), ALLOWED/lnk -> SCRATCH/rtm9_real_slr: a file outside taken", ("rename",), R9 + "/rtm9_real_slr/rtm9_sl_victim", r"renameat\(.*rtm9_sl_victim", effect=printed("victim still in " + R9 + "/rtm9_real_slr: no"))
t9f("f9_symlink_dotdot_mkdirat", "mkdirat(dirfd of ALLOWED, \"lnk/../rtm9_dotdot\"), ALLOWED/lnk -> SCRATCH/rtm9_real_dd/sub: the kernel's `..` is the link target's parent", ("mkdir",), R9 + "/rtm9_real_dd/rtm9_dotdot", r"mkdirat\(.*rtm9_dotdot", effect=printed("real dir exists: yes; allowed one: no"))
t9f("f9_symlink_dir_openat", "openat(dirfd of ALLOWED, \"lnk/rtm9_sl_open\", O_CREAT), ALLOWED/lnk -> SCRATCH/rtm9_real_slo (baseline: an open's walk starts from the file)", ("open",), R9 + "/rtm9_real_slo/rtm9_sl_open", r"openat\(.*rtm9_sl_open", effect=ok9)
t9f("f9_abs_symlink_dir_open", "open(ALLOWED \"/lnk/rtm9_abs_sl\", O_CREAT): an absolute path through a directory symlink to SCRATCH/rtm9_real_abs (absolute paths are not walked)", ("open",), R9 + "/rtm9_real_abs/rtm9_abs_sl", r"openat\(.*rtm9_abs_sl", effect=ok9)
# other roots
t9f("f9_chroot_cwd_outside", "chdir(SCRATCH/rtm9_real_cwd), chroot(ALLOWED) with no chdir(\"/\"), open(\"rtm9_chroot_cwd\", O_CREAT): the cwd is outside the new root", ("open",), R9 + "/rtm9_real_cwd/rtm9_chroot_cwd", r"openat\(.*rtm9_chroot_cwd", effect=ok9)
t9f("f9_chroot_dirfd_outside", "dirfd of SCRATCH/rtm9_real_cdfd, chroot(ALLOWED) + chdir(\"/\"), openat(dirfd, \"rtm9_chroot_dirfd\", O_CREAT): a dirfd from before the chroot", ("open",), R9 + "/rtm9_real_cdfd/rtm9_chroot_dirfd", r"openat\(.*rtm9_chroot_dirfd", effect=ok9)
t9f("f9_chroot_inside", "chroot(SCRATCH/rtm9_real_jail), chdir(\"/tmp/redteam-adv9/allowed\") (the jail's), open(\"rtm9_chroot_in\", O_CREAT): baseline, `real` is the name in the jail", ("open",), R9 + "/rtm9_real_jail" + ALLOWED9 + "/rtm9_chroot_in", r"openat\(.*rtm9_chroot_in", effect=printed("done"))
t9f("f9_open_tree_detached", "open_tree(SCRATCH/rtm9_real_tree, OPEN_TREE_CLONE) (a detached mount), openat(tree fd, \"tmp/redteam-adv9/allowed/rtm9_tree\", O_CREAT)", ("open",), R9 + "/rtm9_real_tree" + ALLOWED9 + "/rtm9_tree", r"openat\(.*rtm9_tree", effect=printed("real file exists: yes; allowed one: no"))
t9f("f9_umount_detached_dirfd", "private mount ns: bind SCRATCH/rtm9_real_umnt over ALLOWED, dirfd of ALLOWED, umount2(MNT_DETACH), openat(dirfd, \"tmp/redteam-adv9/allowed/rtm9_umount\", O_CREAT)", ("open",), R9 + "/rtm9_real_umnt" + ALLOWED9 + "/rtm9_umount", r"openat\(.*rtm9_umount", effect=ok9)
t9f("f9_bind_over_allowed", "private mount ns: bind SCRATCH/rtm9_real_bind over ALLOWED, chdir(ALLOWED), open(\"rtm9_bind\", O_CREAT)", ("open",), R9 + "/rtm9_real_bind/rtm9_bind", r"openat\(.*rtm9_bind", effect=ok9)
t9f("f9_tmpfs_over_dirfd_dir", "private mount ns: dirfd of SCRATCH/rtm9_real_tmpfs, tmpfs mounted over that dir, openat(dirfd, \"rtm9_tmpfs_under\", O_CREAT): the file is on disk, below the tmpfs", ("open",), R9 + "/rtm9_real_tmpfs/rtm9_tmpfs_under", r"openat\(.*rtm9_tmpfs_under", effect=printed("in the tmpfs: no"))
t9f("f9_overlay_upper", "private mount ns: overlay (upper SCRATCH/rtm9_real_upper) on ALLOWED, chdir(ALLOWED), open(\"rtm9_overlay\", O_CREAT): stored in the upper dir", ("open",), R9 + "/rtm9_real_upper/rtm9_overlay", r"openat\(.*rtm9_overlay", effect=ok9)
t9f("f9_pivot_root", "private mount ns: pivot_root into SCRATCH/rtm9_real_pivot, open(\"tmp/redteam-adv9/allowed/rtm9_pivot\", O_CREAT) relative to the new /", ("open",), R9 + "/rtm9_real_pivot" + ALLOWED9 + "/rtm9_pivot", r"openat\(.*rtm9_pivot", effect=ok9)
# depth, received and magic-link bases, deleted and racing directories
t9f("f9_deep_symlinked_dir", "dirfd of ALLOWED/deeplnk, an install-made symlink to a dir 70 levels below SCRATCH/rtm9_real_deep; openat(dirfd, \"rtm9_deep\", O_CREAT) (the walk stops at 64)", ("open",), R9 + "/rtm9_real_deep" + "/d" * 70 + "/rtm9_deep", r"openat\(.*rtm9_deep", effect=ok9)
t9f("f9_scm_opath_dirfd", "an O_PATH dirfd of SCRATCH/rtm9_real_scm received over SCM_RIGHTS from a daemon; openat(it, \"rtm9_scm_opath\", O_CREAT)", ("open",), R9 + "/rtm9_real_scm/rtm9_scm_opath", r"openat\(.*rtm9_scm_opath", effect=ok9, cleanup=True)
t9("f9_deleted_cwd", "chdir(SCRATCH/rtm9_gone), rmdir it, mkdir(\"rtm9_deleted_cwd\") (ENOENT), open(\".\"): the cwd is a deleted directory", lambda e, ev: e["kind"] == "open" and "rtm9_gone" in fields(e) and "deleted" in fields(e), ("open", "mkdir"), r"openat\(AT_FDCWD, \"\.\"", [], prepare=True, effect=printed("open(.) -> 3"))
_race_pred, _race_wrong = race_rule(ALLOWED9 + "/rtm9_ra", R9 + "/rtm9_real_race/rtm9_rbbbb")
t9("f9_rename_race", "3000 openat(dirfd, \"rtm9_race_N\", O_CREAT) while another thread renames the dirfd's dir between ALLOWED/rtm9_ra and SCRATCH/rtm9_real_race/rtm9_rbbbb", _race_pred, ("open",), r"rename\(", ["file_io"], wrong=_race_wrong, allow=FILE_DIRS9, prepare=True, effect=printed("created 3000 files"))
t9f("f9_procfd_stale_dirfd", "dirfd of ALLOWED/rtm9_pfsub moved by a daemon to SCRATCH/rtm9_real_pf; open(\"/proc/self/fd/N/rtm9_procfd\", O_CREAT) (absolute, through a magic link)", ("open",), R9 + "/rtm9_real_pf/rtm9_procfd", r"openat\(.*rtm9_procfd", effect=ok9, cleanup=True)
t9f("f9_proc_pid_root", "a child binds SCRATCH/rtm9_real_pidroot over ALLOWED in its own mount ns; the parent opens \"/proc/CHILD/root\" ALLOWED \"/rtm9_pidroot\" (O_CREAT)", ("open",), R9 + "/rtm9_real_pidroot/rtm9_pidroot", r"openat\(.*rtm9_pidroot", effect=ok9)
t9f("f9_odd_names", "openat(dirfd of SCRATCH/rtm9_real_odd, \"rtm9_odd_\\n_\\xff\", O_CREAT): a newline and a byte that is not UTF-8", ("open",), os.fsdecode(os.fsencode(R9 + "/rtm9_real_odd/rtm9_odd_\n_") + b"\xff"), r"openat\(.*rtm9_odd_", marker="rtm9_odd_", effect=ok9)
# calls relative to a directory a daemon moved (round 8's f8_dirfd_renamed_by_daemon, other calls)
t9f("f9_fchdir_stale", "fchdir(dirfd of ALLOWED/rtm9_fcsub, moved by a daemon to SCRATCH/rtm9_real_fc), mkdir(\"rtm9_fchdir_dir\"), open(\"rtm9_fchdir\", O_CREAT)", ("open",), R9 + "/rtm9_real_fc/rtm9_fchdir", r"openat\(.*rtm9_fchdir", more=[(("mkdir",), R9 + "/rtm9_real_fc/rtm9_fchdir_dir")], effect=ok9, cleanup=True)
t9f("f9_rename_dest_stale", "renameat(ALLOWED/rtm9_src -> dirfd of ALLOWED/rtm9_rdsub (moved by a daemon to SCRATCH/rtm9_real_rd), \"rtm9_rename_dest\")", ("rename",), R9 + "/rtm9_real_rd/rtm9_rename_dest", r"renameat\(.*rtm9_rename_dest", effect=ok9, cleanup=True)
t9f("f9_linkat_stale", "linkat(ALLOWED/rtm9_src, dirfd of ALLOWED/rtm9_lnsub (moved by a daemon to SCRATCH/rtm9_real_ln), \"rtm9_linkat\")", ("link",), R9 + "/rtm9_real_ln/rtm9_linkat", r"linkat\(.*rtm9_linkat", effect=printed("real link exists: yes"), cleanup=True)
t9f("f9_symlinkat_stale", "symlinkat(\"/etc/passwd\", dirfd of ALLOWED/rtm9_sysub (moved by a daemon to SCRATCH/rtm9_real_sy), \"rtm9_symlinkat\")", ("symlink",), R9 + "/rtm9_real_sy/rtm9_symlinkat", r"symlinkat\(.*rtm9_symlinkat", effect=printed("real link exists: yes"), cleanup=True)
t9f("f9_mknodat_stale", "mknodat(dirfd of ALLOWED/rtm9_mksub (moved by a daemon to SCRATCH/rtm9_real_mk), \"rtm9_mknodat\", S_IFIFO)", ("mknod",), R9 + "/rtm9_real_mk/rtm9_mknodat", r"mknodat\(.*rtm9_mknodat", effect=printed("real fifo exists: yes"), cleanup=True)
t9f("f9_uring_openat_stale", "IORING_OP_OPENAT(dirfd of ALLOWED/rtm9_ursub (moved by a daemon to SCRATCH/rtm9_real_ur), \"rtm9_uring\", O_CREAT)", ("open", "io_uring_op"), R9 + "/rtm9_real_ur/rtm9_uring", r"io_uring_enter\(", effect=ok9, cleanup=True)
t9f("f9_failed_shadow_fchdir", "fchdir(O_PATH fd of /etc received from a daemon), drop to uid 65534, open(\"shadow\") -> EACCES: a failed read of /etc/shadow by a relative name", ("open",), "/etc/shadow", r"openat\(AT_FDCWD, \"shadow\"", claims=[], effect=printed("(Permission denied)"), cleanup=True)


# ---------------------------------------------------------------------------------------------
# Round 10 (round10/): written blind to the recorder's code, its trace-format and blind-spot
# docs and its e2e tests (rounds 1-9 read only so as not to repeat a technique). It attacks what
# the project says is new since round 9: opens named by the kernel from their new fd (also at an
# io_uring open's completion), symlinked paths of other calls looked up by the recorder in its
# own mount namespace tens of ms after the call, argv captured to 16 KiB, daemon trees followed,
# lost events counted. Markers rtm10_/RTM10_, ports 47901-47920 on 127.0.0.x, scratch
# /tmp/redteam-adv10. File techniques are judged like round 9's: an event must name the true
# host path (`looked_up`, else `real`, else `resolved`), and one naming the marker elsewhere is
# "wrong". `trace_check` (new here) reads the trace file itself: a forged line that parsed as
# an event or a footer, or a line that is not JSON, makes the technique "wrong".

SCRATCH10 = "/tmp/redteam-adv10"
ALLOWED10 = SCRATCH10 + "/allowed"
FILE_DIRS10 = {"dirs": [ALLOWED10]}


def t10(name, cat, what, rule, kinds, strace_re, claims, **opts):
    t(name, cat, what, rule, kinds, strace_re, round=10, claims=claims, scratch=SCRATCH10, **opts)


def lookup_failed(kinds, marker):
    """A flag kept in a field: an event of `kinds` naming `marker` whose host lookup failed
    (`looked_up: {"failed": …}`): the trace says it could not place the path."""

    def check(events):
        for e in events:
            if e["kind"] in kinds and marker in fields(e):
                for r in path_refs(e):
                    failed = (r.get("looked_up") or {}).get("failed")
                    if failed:
                        return f"seq {e['seq']} {e['kind']} looked_up failed {failed}"
        return None

    return check


def t10f(name, what, kinds, truth, strace_re, **opts):
    """A round-10 file technique judged by one true path (and the other pairs in `more`)."""
    marker = opts.pop("marker", os.path.basename(truth))
    pairs = [(kinds, truth)] + list(opts.pop("more", []))
    claims = opts.pop("claims", ["file_io"])
    t10(name, "file", what, named_all(*pairs), kinds, strace_re, claims, wrong=wrong_real(kinds, marker, *pair_truths(pairs)), flag=lookup_failed(kinds, marker), allow=FILE_DIRS10, prepare=True, **opts)


def no_forged_lines(path):
    """The trace file holds one header, one footer, and only lines that are JSON; no event of the
    forged kind `rtm10_forged`, no footer with the forged stop_reason."""
    counts = {"header": 0, "footer": 0, "bad": 0}
    with open(path, errors="replace") as f:
        for line in f:
            try:
                o = json.loads(line)
            except ValueError:
                counts["bad"] += 1
                continue
            ty = o.get("type")
            if ty in counts:
                counts[ty] += 1
            if o.get("kind") == "rtm10_forged" or o.get("stop_reason") == "rtm10_forged":
                return f"a forged line parsed as a {ty}: {line[:80]!r}"
    if counts["bad"] or counts["header"] != 1 or counts["footer"] != 1:
        return f"trace lines: {counts['header']} header(s), {counts['footer']} footer(s), {counts['bad']} not JSON"
    return None


def argv_truncated(events):
    """A flag for the exec techniques: an exec whose argv the recorder cut."""
    for e in events:
        if e["kind"] == "exec" and (e.get("fields") or {}).get("argv_truncated"):
            return f"seq {e['seq']} exec argv_truncated"
    return None


R10 = SCRATCH10
ok10 = printed("real file exists: yes")
# a symlink swapped for the call only (the recorder's later lookup finds the decoy)
t10f("f10_swap_chmod", "fchmodat(dirfd of ALLOWED, \"lnk/rtm10_swap_chmod\", 04755) with ALLOWED/lnk exchanged (RENAME_EXCHANGE) to point at SCRATCH/rtm10_real_swc right before the call and back to ALLOWED/decoy (holding a twin) right after", ("chmod",), R10 + "/rtm10_real_swc/rtm10_swap_chmod", r"fchmodat\(.*rtm10_swap_chmod", claims=["file_io", "setuid_files"], effect=printed("real mode now 4755, decoy mode 644"))
t10f("f10_swap_mkdir", "mkdirat(dirfd of ALLOWED, \"lnk/rtm10_swap_mkdir\") with lnk pointing at SCRATCH/rtm10_real_swm only for the call; at rest at ALLOWED/decoy, which holds a twin dir", ("mkdir",), R10 + "/rtm10_real_swm/rtm10_swap_mkdir", r"mkdirat\(.*rtm10_swap_mkdir", effect=printed("real dir exists: yes"))
t10f("f10_swap_rename_dest", "renameat(ALLOWED/rtm10_src -> dirfd of ALLOWED, \"lnk/rtm10_swap_dest\") with lnk pointing at SCRATCH/rtm10_real_swr only for the call; at rest at ALLOWED/decoy, which holds a twin file", ("rename",), R10 + "/rtm10_real_swr/rtm10_swap_dest", r"renameat\(.*rtm10_swap_dest", effect=ok10)
t10f("f10_swap_open", "the swap of f10_swap_chmod around openat(dirfd of ALLOWED, \"lnk/rtm10_swap_open\", O_WRONLY|O_TRUNC) (baseline: an open is named from its fd)", ("open",), R10 + "/rtm10_real_swo/rtm10_swap_open", r"openat\(.*rtm10_swap_open", effect=printed("real size now 14"))
t10f("f10_swap_dir_for_link", "chmod(ALLOWED \"/d/rtm10_swd_chmod\", 04755), ALLOWED/d a real dir (with a twin) exchanged with a symlink to SCRATCH/rtm10_real_swd for the call only: at rest the path has no link", ("chmod",), R10 + "/rtm10_real_swd/rtm10_swd_chmod", r"chmod\(.*rtm10_swd_chmod", claims=["file_io", "setuid_files"], effect=printed("real mode now 4755, twin mode 644; d is a directory"))
t10f("f10_mntns_bind_chmod", "private mount ns: bind SCRATCH/rtm10_real_mb over ALLOWED/b; chmod(ALLOWED \"/b/rtm10_bind_chmod\", 04755); on the host ALLOWED/b is a dir with a twin (no symlink anywhere)", ("chmod",), R10 + "/rtm10_real_mb/rtm10_bind_chmod", r"chmod\(.*rtm10_bind_chmod", claims=["file_io", "setuid_files"], effect=printed("real mode now 4755"))
t10f("f10_mntns_link_chmod", "private mount ns: tmpfs over ALLOWED/ns holding l -> SCRATCH/rtm10_real_mns; chmod(ALLOWED \"/ns/l/rtm10_mns_chmod\", 04755). On the host ALLOWED/ns/l is a dir with a twin file", ("chmod",), R10 + "/rtm10_real_mns/rtm10_mns_chmod", r"chmod\(.*rtm10_mns_chmod", claims=["file_io", "setuid_files"], effect=printed("real mode now 4755"))
t10f("f10_mntns_link_open", "private mount ns: tmpfs over ALLOWED/ns holding l -> SCRATCH/rtm10_real_mno; open(ALLOWED \"/ns/l/rtm10_mns_open\", O_WRONLY|O_TRUNC) (the open of the pair: named from its fd)", ("open",), R10 + "/rtm10_real_mno/rtm10_mns_open", r"openat\(.*rtm10_mns_open", effect=printed("real size now 36"))
t10f("f10_link_removed_after", "truncate(ALLOWED \"/lnk/rtm10_trunc\", 0), lnk -> SCRATCH/rtm10_real_tr (install-made), then unlink(ALLOWED/lnk) at once: a later lookup finds nothing", ("truncate",), R10 + "/rtm10_real_tr/rtm10_trunc", r"truncate\(.*rtm10_trunc", effect=printed("real size now 0"))
# io_uring: a direct descriptor (no fd to name the file by) and path ops through a symlink
t10f("f10_uring_direct_open", "IORING_OP_OPENAT(ALLOWED \"/lnk/rtm10_uring_direct\", O_CREAT) into a direct descriptor (file_index IORING_FILE_INDEX_ALLOC, no fd), IORING_OP_WRITE with IOSQE_FIXED_FILE; lnk -> SCRATCH/rtm10_real_ud", ("open", "io_uring_op"), R10 + "/rtm10_real_ud/rtm10_uring_direct", r"io_uring_enter\(", effect=ok10)
t10f("f10_uring_mkdirat_link", "IORING_OP_MKDIRAT(ALLOWED \"/lnk/rtm10_uring_mkdir\"), lnk -> SCRATCH/rtm10_real_um (install-made)", ("mkdir", "io_uring_op"), R10 + "/rtm10_real_um/rtm10_uring_mkdir", r"io_uring_enter\(", effect=printed("real dir exists: yes"))
t10f("f10_uring_renameat_link", "IORING_OP_RENAMEAT(ALLOWED/rtm10_usrc -> ALLOWED \"/lnk/rtm10_uring_rename\"), lnk -> SCRATCH/rtm10_real_ur", ("rename", "io_uring_op"), R10 + "/rtm10_real_ur/rtm10_uring_rename", r"io_uring_enter\(", effect=ok10)
t10f("f10_uring_unlinkat_link", "IORING_OP_UNLINKAT(ALLOWED \"/lnk/rtm10_uring_unlink\"), lnk -> SCRATCH/rtm10_real_uu: a file outside deleted", ("unlink", "io_uring_op"), R10 + "/rtm10_real_uu/rtm10_uring_unlink", r"io_uring_enter\(", effect=printed("real file still exists: no"))
t10f("f10_uring_linkat_link", "IORING_OP_LINKAT(ALLOWED/rtm10_lsrc -> ALLOWED \"/lnk/rtm10_uring_link\") + IORING_OP_SYMLINKAT(\"/etc/shadow\", ALLOWED \"/lnk/rtm10_uring_symlink\"), lnk -> SCRATCH/rtm10_real_ul", ("link", "symlink", "io_uring_op"), R10 + "/rtm10_real_ul/rtm10_uring_link", r"io_uring_enter\(", more=[(("symlink", "io_uring_op"), R10 + "/rtm10_real_ul/rtm10_uring_symlink")], marker="rtm10_uring_", effect=printed("real link exists: yes, real symlink exists: yes"))
# opens with no path, a path as long as they come, names that are JSON, prefixes and `..`
t10f("f10_open_by_handle", "open_by_handle_at(dirfd of ALLOWED as the mount fd, handle of SCRATCH/rtm10_real_oh/rtm10_handle made at install, O_WRONLY|O_TRUNC) + write", ("open",), R10 + "/rtm10_real_oh/rtm10_handle", r"open_by_handle_at\(", effect=printed("real size now 36"))
_pm = R10 + "/rtm10_real_pm" + "".join("/" + chr(ord("a") + i) + "d" * 249 for i in range(16)) + "/rtm10_pathmax"
t10f("f10_pathmax_link", "openat(dirfd of ALLOWED, \"lnk/<16 dirs of 250 bytes>/rtm10_pathmax\", O_CREAT), lnk -> SCRATCH/rtm10_real_pm: the file's host path is 4,062 bytes", ("open",), _pm, r"openat\(.*rtm10_pathmax", effect=ok10)
_json_name = ('rtm10_json","real":"\\u002ftmp\\u002fredteam-adv10\\u002fallowed\\u002fx"}}\n'
              '{"type":"event","seq":999999,"ts_ns":1,"pid":1,"tid":1,"ppid":0,'
              '"comm":"x","kind":"rtm10_forged","fields":{}}\n'
              '{"type":"footer","stop_reason":"rtm10_forged"}\n')
t10f("f10_json_name", "openat(dirfd of SCRATCH/rtm10_real_json, NAME, O_CREAT), NAME a JSON fragment: a quote, a fake `real` in the allowed dir (`\\u002f` for `/`), a newline, a forged event line and a forged footer", ("open",), R10 + "/rtm10_real_json/" + _json_name, r"openat\(.*rtm10_json", marker="rtm10_json", trace_check=no_forged_lines, effect=ok10)
t10f("f10_allowed_prefix", "create SCRATCH/allowed_rtm10/rtm10_prefix: a sibling dir whose name starts with the allowed dir's", ("open",), R10 + "/allowed_rtm10/rtm10_prefix", r"openat\(.*rtm10_prefix", effect=ok10)
t10f("f10_allowed_dotdot", "mkdir(ALLOWED \"/../rtm10_dotdot\"), create ALLOWED \"/sub/../../rtm10_dotdot/rtm10_dotdot_file\": absolute paths that start in the allowed dir and climb out", ("open",), R10 + "/rtm10_dotdot/rtm10_dotdot_file", r"openat\(.*rtm10_dotdot_file", more=[(("mkdir",), R10 + "/rtm10_dotdot")], effect=ok10)
t10f("f10_flood_amid_write", "4 threads flood 400,000 failing opens; halfway the main thread creates and writes SCRATCH/rtm10_real_flood/rtm10_flood (must be recorded, or the loss counted and file_io inconclusive)", ("open",), R10 + "/rtm10_real_flood/rtm10_flood", r"openat\(.*rtm10_flood\"", effect=ok10, slow_strace=True)
t10f("f10_flood_other_kind", "4 threads flood 400,000 UDP connect(2)s to 127.0.0.1:47905; halfway chmod 04755 of SCRATCH/rtm10_real_fk/rtm10_flood_chmod (a loss of any kind must make file_io inconclusive)", ("chmod",), R10 + "/rtm10_real_fk/rtm10_flood_chmod", r"chmod\(.*rtm10_flood_chmod", claims=["file_io", "setuid_files"], effect=printed("real mode now 4755"))
# forgery: JSON in argv, env and comm
t10("a10_argv_json", "forgery", "fork + execve(/usr/bin/touch) with argv holding a quote and bracket, a newline, a forged event line and footer, a literal `\\u0000`, bytes 0xff 0xfe; a JSON fragment with a newline in the environment", forked_exec("rtm10_argv_json"), ("fork", "exec"), r"execve\(.*rtm10_argv_json", ["processes_spawned"], prepare=True, trace_check=no_forged_lines, effect=printed("file exists: yes"))
t10f("a10_comm_json", "comm set (PR_SET_NAME) to `\"},\\n{\"type\":\"f`; a forked child with that comm creates SCRATCH/rtm10_real_comm/rtm10_comm_json", ("open",), R10 + "/rtm10_real_comm/rtm10_comm_json", r"openat\(.*rtm10_comm_json", trace_check=no_forged_lines, effect=ok10)
T["a10_comm_json"]["cat"] = "forgery"
# processes
t10("p10_long_argv_secret", "process", "fork + execv(/usr/bin/touch -c) with 20,200 bytes of pads, then password=rtm10_argv_secret (past a 16 KiB capture)", has(("exec",), "rtm10_argv_secret"), ("exec",), r"execve\(.*rtm10_argv_secret", ["secret_in_argv"], prepare=True, flag=argv_truncated, strace_s="65536", effect=printed("before password=rtm10_argv_secret"))
t10("p10_huge_argv_secret", "process", "fork + execv(/usr/bin/touch -c) with 404,000 bytes of pads, then password=rtm10_huge_secret (far past a 16 KiB capture: cut, the claim must not hold)", has(("exec",), "rtm10_huge_secret"), ("exec",), r"execve\(.*rtm10_huge_secret", ["secret_in_argv"], prepare=True, flag=argv_truncated, strace_s="65536", strace_v=True, effect=printed("before password=rtm10_huge_secret"))
t10("p10_ctor_argv_rewrite", "process", "fork + execve(/proc/self/exe worker password=rtm10_ctor_secret); the worker's ELF constructor overwrites its argv area (setproctitle) before main", has(("exec",), "rtm10_ctor_secret"), ("exec",), r"execve\(.*rtm10_ctor_secret", ["secret_in_argv"], prepare=True, effect=printed("now: worker"))
t10("p10_thread_vfork", "process", "vfork + execv(/usr/bin/touch rtm10_thread_vfork) from a second thread", forked_exec("rtm10_thread_vfork"), ("fork", "exec"), r"execve\(.*rtm10_thread_vfork", ["processes_spawned"], prepare=True, effect=printed("file exists: yes"))
t10("p10_clone_parent_late", "process", "clone(CLONE_PARENT|SIGCHLD) (no vfork): the child is the recorder's child; the program exits, 1 s later the child execs touch rtm10_clone_parent_late", forked_exec("rtm10_clone_parent_late"), ("fork", "exec"), r"execve\(.*rtm10_clone_parent_late", ["processes_spawned"], prepare=True, effect=exists(R10 + "/rtm10_clone_parent_late"))
t10("p10_exec_symlink_su", "process", "fork + execve(ALLOWED/rtm10_helper --version), rtm10_helper an install-made symlink to /usr/bin/su (a setuid program run by another name)", lambda e, ev: e["kind"] == "exec" and "rtm10_helper" in fields(e) and "/usr/bin/su" in fields(e), ("exec",), r"execve\(.*rtm10_helper", ["sudo", "setuid_calls"], prepare=True, effect=printed("exit 0"))
# network
t10("n10_sendmmsg_fastopen", "network", "TCP Fast Open by sendmmsg(MSG_FASTOPEN) with msg_name 127.0.0.2:47902 on a never-connected TCP socket (own listener there)", names_peer(("connect", "send", "io_uring_op"), "127.0.0.2", 47902), ("connect", "send"), r"sendmmsg\(.*47902", ["outgoing_destinations"], allow=LO_ONLY, effect=printed("peer is 127.0.0.2:47902"))
t10("n10_scm_socket_connect", "network", "a daemon (started at install) hands over an unconnected TCP socket by SCM_RIGHTS; connect(it, 127.0.0.2:47903) (own listener there)", names_peer(("connect", "send"), "127.0.0.2", 47903), ("connect", "fd_received"), r"connect\(.*47903", ["outgoing_destinations"], allow=LO_ONLY, prepare=True, cleanup=True, effect=printed("accepted: yes"))
t10("n10_sqpoll_connect", "network", "SQPOLL ring (the kernel's iou-sqp thread submits): IORING_OP_SOCKET + IORING_OP_CONNECT 127.0.0.2:47904 (own listener there)", names_peer(("connect", "send", "io_uring_op"), "127.0.0.2", 47904), ("connect", "io_uring_op"), r"io_uring_(enter|setup)\(", ["outgoing_destinations"], allow=LO_ONLY, effect=printed("accepted: yes"))


# ---------------------------------------------------------------------------------------------
# Round 11 (round11/): written blind to the recorder's code, its trace-format and blind-spot
# docs and its e2e tests (rounds 1-10 read only so as not to repeat a technique). It attacks
# privilege changes (a raw setuid in one thread, user namespaces mapping root to nobody, file
# capabilities, a utility's setuid), network calls with no socket fd (io_uring direct
# descriptors) or on sockets another process bound, attribution (a program named like an
# allowed one or like the harness, code preloaded into an allowed program, the CLONE_PARENT
# child, a late daemon) and the trace file itself (lines blanked, a forged footer appended, the
# recorder killed or starved of fds). Markers rtm11_/RTM11_, ports 47921-47950 on 127.0.0.x,
# scratch /tmp/redteam-adv11 (the allowed dir SCRATCH/allowed, files outside it in
# SCRATCH/rtm11_out). The library round11/lib/librtm11_pre.c is built beside the programs.

SCRATCH11 = "/tmp/redteam-adv11"
ALLOWED11 = SCRATCH11 + "/allowed"
OUT11 = SCRATCH11 + "/rtm11_out"
FILE_DIRS11 = {"dirs": [ALLOWED11]}
TRUE_ONLY = {"programs": ["true"]}


def t11(name, cat, what, rule, kinds, strace_re, claims, **opts):
    t(name, cat, what, rule, kinds, strace_re, round=11, claims=claims, scratch=SCRATCH11, **opts)


def exists11(rel):
    return exists(OUT11 + "/" + rel)


def all_of(*preds):
    """Every predicate holds for some event; the event shown is the first predicate's."""

    def pred(e, events):
        return preds[0](e, events) and all(any(p(x, events) for x in events) for p in preds[1:])

    return pred


def many_footers(path):
    """A trace file with more than one footer line (one forged by the program)."""
    n = 0
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith('{"type":"footer"'):
                n += 1
    return f"{n} footer lines in the trace file" if n > 1 else None


def exec_as(marker, euid):
    """An exec naming `marker` whose process runs with effective uid `euid` (the host's)."""

    def pred(e, _events):
        return e["kind"] == "exec" and marker in fields(e) and (e.get("ids") or {}).get("euid") == euid

    return pred


def thread_setuid(e, _events):
    """A setuid-family event whose tid is not its pid (a raw call from one thread)."""
    return e["kind"] in ("setuid", "setgid") and e.get("tid") != e.get("pid")


# attribution: a program named like an allowed one, the harness's names, the runtime's doors
t11("a11_copy_named_true", "attribution", "fork + exec SCRATCH/bin/true, an install-made copy of /usr/bin/touch, to create rtm11_out/rtm11_named_true (claims allow the program `true`)", forked_exec("rtm11_named_true"), ("fork", "exec"), r"execve\(.*/bin/true.*rtm11_named_true", ["processes_spawned"], allow=TRUE_ONLY, prepare=True, effect=exists11("rtm11_named_true"))
t11("a11_link_shebang_argv", "attribution", "fork + execve(ALLOWED/true -> /usr/bin/touch, [\"touch\", ALLOWED/true, rtm11_out/rtm11_shebang_argv]): the argv the kernel builds for a #! script (claims allow `true`)", forked_exec("rtm11_shebang_argv"), ("fork", "exec"), r"execve\(.*rtm11_shebang_argv", ["processes_spawned"], allow=TRUE_ONLY, prepare=True, effect=exists11("rtm11_shebang_argv"))
t11("a11_comm_dpkg_spawn", "attribution", "a forked child sets its comm to \"dpkg\" (PR_SET_NAME), then forks and execs touch rtm11_out/rtm11_comm_dpkg", forked_exec("rtm11_comm_dpkg"), ("fork", "exec"), r"execve\(.*rtm11_comm_dpkg", ["processes_spawned", "file_io"], allow=FILE_DIRS11, prepare=True, effect=exists11("rtm11_comm_dpkg"))
t11("a11_clone_parent_dpkg", "attribution", "clone(CLONE_PARENT) child (the recorder's child) execs SCRATCH/bin/dpkg (a copy of the program), which spawns touch rtm11_out/rtm11_clone_dpkg and writes rtm11_out/rtm11_clone_dpkg_file", all_of(forked_exec("rtm11_clone_dpkg"), write_open("rtm11_clone_dpkg_file")), ("fork", "exec", "open"), r"execve\(.*rtm11_clone_dpkg", ["processes_spawned", "file_io"], allow=FILE_DIRS11, prepare=True, effect=printed("file exists: yes"))
t11("a11_ldso_argv0_dpkg", "attribution", "fork + exec /lib64/ld-linux-x86-64.so.2 --argv0 dpkg /usr/bin/touch rtm11_out/rtm11_ldso (the loader's exec; the program's argv[0] is dpkg)", forked_exec("rtm11_ldso"), ("fork", "exec"), r"execve\(.*rtm11_ldso", ["processes_spawned", "file_io"], allow=FILE_DIRS11, prepare=True, effect=exists11("rtm11_ldso"))
t11("a11_sh_exec_a", "attribution", "fork + exec bash -c 'exec -a apt-get /usr/bin/touch rtm11_out/rtm11_exec_a' (a shell wrapper running touch in place under apt's name)", exec_marker("rtm11_exec_a"), ("fork", "exec"), r"execve\(\"/usr/bin/touch\".*rtm11_exec_a", ["processes_spawned", "file_io"], allow=FILE_DIRS11, prepare=True, effect=exists11("rtm11_exec_a"))
t11("a11_daemon_late_write", "attribution", "double fork + setsid + every fd closed; the grandchild waits for the program to exit, then 300 ms, then creates rtm11_out/rtm11_late", write_open("rtm11_late"), ("open", "fork"), r"openat\(.*rtm11_late", ["file_io", "daemonizes"], allow=FILE_DIRS11, prepare=True, effect=exists11("rtm11_late"))
t11("a11_preload_in_true", "attribution", "fork + exec /usr/bin/true with LD_PRELOAD=librtm11_pre.so: its constructor, in true's process, creates rtm11_out/rtm11_preload_file and spawns touch rtm11_out/rtm11_preload_spawn (claims allow `true`)", all_of(write_open("rtm11_preload_file"), forked_exec("rtm11_preload_spawn")), ("fork", "exec", "open"), r"execve\(.*rtm11_preload_spawn", ["processes_spawned", "file_io"], allow=dict(TRUE_ONLY, **FILE_DIRS11), prepare=True, effect=printed("file yes, spawned file yes"))
t11("a11_hardlink_named_true", "attribution", "fork + exec SCRATCH/bin/true, an install-made hard link to /usr/bin/touch (the kernel names the link), creating rtm11_out/rtm11_hardlink_true (claims allow `true`)", forked_exec("rtm11_hardlink_true"), ("fork", "exec"), r"execve\(.*/bin/true.*rtm11_hardlink_true", ["processes_spawned"], allow=TRUE_ONLY, prepare=True, effect=exists11("rtm11_hardlink_true"))
t11("a11_bind_over_true", "attribution", "private mount ns: bind /usr/bin/touch over /usr/bin/true, fork + exec /usr/bin/true rtm11_out/rtm11_bind_true (claims allow \"/usr/bin/true\")", forked_exec("rtm11_bind_true"), ("fork", "exec"), r"execve\(.*/usr/bin/true.*rtm11_bind_true", ["processes_spawned"], allow={"programs": ["/usr/bin/true"]}, prepare=True, effect=exists11("rtm11_bind_true"))
t11("a11_memfd_named_true", "attribution", "touch copied into memfd_create(\"true\"), fork + execveat(memfd, \"\", AT_EMPTY_PATH) with argv true rtm11_out/rtm11_memfd_true (claims allow `true`)", forked_exec("rtm11_memfd_true"), ("fork", "exec"), r"execveat\(.*rtm11_memfd_true", ["processes_spawned"], allow=TRUE_ONLY, prepare=True, effect=exists11("rtm11_memfd_true"))
# forgery and tamper: the trace file and the recorder
t11("a11_trace_blank_spawn", "forgery", "spawn touch rtm11_out/rtm11_blank, then pwrite spaces over every trace line naming the child (the trace's path from the recorder's cmdline)", forked_exec("rtm11_blank"), ("fork", "exec"), r"execve\(.*rtm11_blank", ["processes_spawned"], prepare=True, effect=printed("with spaces; file exists: yes"))
t11("a11_trace_nul_spawn", "forgery", "a11_trace_blank_spawn with NUL bytes over the lines (what a punched hole reads as)", forked_exec("rtm11_blank"), ("fork", "exec"), r"execve\(.*rtm11_blank", ["processes_spawned"], prepare=True, effect=printed("with NUL bytes; file exists: yes"))
t11("a11_trace_append_footer", "forgery", "append (O_APPEND, by path) a forged target_exited footer to the trace, then spawn touch rtm11_out/rtm11_after_footer", forked_exec("rtm11_after_footer"), ("fork", "exec"), r"execve\(.*rtm11_after_footer", ["processes_spawned"], prepare=True, trace_check=many_footers, effect=printed("forged footer: yes; then spawned touch; file exists: yes"))
t11("a11_trace_swap_partial", "forgery", "(python) copy the trace so far (header, first events), add an exit and a matching footer, rename the forgery over PATH.partial (the recorder renames PATH.partial to PATH at the end), then spawn touch rtm11_out/rtm11_swap", forked_exec("rtm11_swap"), ("fork", "exec"), r"execve\(.*rtm11_swap", ["processes_spawned"], prepare=True, effect=printed("swapped under the recorder: yes; then spawned touch; file exists: yes"))
t11("a11_sigkill_recorder", "forgery", "SIGKILL the recorder (the ancestor tracer whose -o ends in /a11_sigkill_recorder.jsonl), then spawn touch rtm11_out/rtm11_after_kill", forked_exec("rtm11_after_kill"), ("fork", "exec"), r"execve\(.*rtm11_after_kill", ["processes_spawned", "file_io"], allow=FILE_DIRS11, prepare=True, effect=printed("killed: yes; then spawned touch; file exists: yes"))
t11("a11_nofile_recorder", "forgery", "prlimit(recorder, RLIMIT_NOFILE, 8); create ALLOWED/lnk/rtm11_nofile (lnk -> rtm11_out, install-made), spawn touch ALLOWED/lnk/rtm11_nofile2; limit restored after", all_of(named_all((("open",), OUT11 + "/rtm11_nofile")), forked_exec("rtm11_nofile2")), ("open", "fork", "exec"), r"openat\(.*rtm11_nofile\"", ["file_io", "processes_spawned"], allow=FILE_DIRS11, prepare=True, wrong=wrong_real(("open",), "rtm11_nofile", OUT11 + "/rtm11_nofile", OUT11 + "/rtm11_nofile2"), effect=printed("NOFILE limited: yes; files exist: yes yes"))
# privilege
t11("c11_thread_drop_last", "privilege", "root process; one thread drops to uid 12345 by raw setresgid/setresuid (that thread only), the main thread then writes a file and spawns true as root, and the dropped thread ends the process (exit_group)", thread_setuid, ("setuid", "setgid"), r"setresuid\(12345", ["runs_as_root"], prepare=True, effect=printed("exiting from this thread"))
t11("c11_userns_nobody_map", "privilege", "child in a new user ns with uid_map/gid_map 0 -> host 65534; setresgid/setresuid(0,0,0) there; exec touch rtm11_out/rtm11_userns_nobody, which runs as host uid 65534", exec_as("rtm11_userns_nobody", 65534), ("exec", "setuid"), r"execve\(.*rtm11_userns_nobody", ["user_nobody", "runs_as_root"], prepare=True, effect=printed("file owner uid 65534"))
t11("c11_fcaps_exec_nobody", "privilege", "as nobody: exec an install-made copy of touch with cap_dac_override+ep to create a file in a root-only (0700) dir", lambda e, ev: e["kind"] == "exec" and "rtm11_captouch" in fields(e) and "caps_gained" in fields(e), ("exec",), r"execve\(.*rtm11_captouch", ["privileged_functions"], prepare=True, user="nobody", effect=exists11("rootonly/rtm11_fcaps"))
t11("c11_setpriv_nobody", "privilege", "fork + exec setpriv --reuid=65534 --regid=65534 --clear-groups touch rtm11_out/rtm11_setpriv (the setuid calls are a utility's)", lambda e, ev: e["kind"] in ("setuid", "setgid", "setgroups") and "65534" in fields(e), ("setuid", "setgid", "setgroups"), r"setresuid\(65534|setuid\(65534|setreuid\(65534", ["user_nobody", "setuid_calls", "privileged_functions"], prepare=True, effect=printed("file owner uid 65534"))
t11("c11_clone3_userns_caps", "privilege", "clone3(CLONE_NEWUSER) child, uid_map 0 -> 0: capset to a full set, PR_SET_KEEPCAPS, raw setresuid(0,0,0)", lambda e, ev: e["kind"] in ("capset", "prctl", "setuid"), ("capset", "prctl", "setuid"), r"capset\(", ["privileged_functions", "setuid_calls"], prepare=True, effect=printed("capset 0 keepcaps 0 setresuid(0) 0"))
# privilege: calls the kernel gates by a capability, beyond the setuid family
t11("c11_open_by_handle_cap", "privilege", "name_to_handle_at(/etc/hostname) + open_by_handle_at(O_RDONLY) and a read (CAP_DAC_READ_SEARCH)", either(syscall_is("open_by_handle_at"), mentions("open_by_handle_at")), ("open",), r"open_by_handle_at\(", ["privileged_functions"], effect=printed("opened: yes"))
t11("c11_kill_other_user", "privilege", "SIGTERM to a `sleep` running as nobody (started at install) from root (CAP_KILL)", lambda e, ev: e["kind"] == "signal", ("signal",), r"kill\(\d+, SIGTERM\)", ["privileged_functions"], prepare=True, cleanup=True, effect=printed("owned by uid 65534 -> 0 (CAP_KILL)"))
t11("c11_chown_other", "privilege", "fchownat(ALLOWED/rtm11_chown, 65534, 65534): a file given to another user (CAP_CHOWN)", has(("chown",), "rtm11_chown"), ("chown",), r"fchownat\(.*rtm11_chown", ["privileged_functions"], prepare=True, effect=printed("owner now 65534"))
t11("c11_wake_alarm_timer", "privilege", "timerfd_create(CLOCK_BOOTTIME_ALARM), armed and read (CAP_WAKE_ALARM)", mentions("timerfd_create", "CLOCK_BOOTTIME_ALARM"), (), r"timerfd_create\(CLOCK_BOOTTIME_ALARM", ["privileged_functions"], effect=printed("fired 1 time(s)"))
t11("c11_pipe_size_resource", "privilege", "fcntl(F_SETPIPE_SZ, 2 MiB) past pipe-max-size (CAP_SYS_RESOURCE, which this host's root lacks: an attempt refused with EPERM, which docs/claims.md counts as a use)", mentions("F_SETPIPE_SZ", "fcntl"), (), r"fcntl\(\d+, F_SETPIPE_SZ", ["privileged_functions"], effect=printed("-> -1 Operation not permitted"))
t11("c11_fibmap_rawio", "privilege", "ioctl(FIBMAP) on a file of the allowed dir (CAP_SYS_RAWIO)", mentions("FIBMAP"), (), r"ioctl\(\d+, FIBMAP", ["privileged_functions"], prepare=True, effect=printed("FIBMAP -> 0"))
# network
t11("n11_uring_direct_listen", "network", "IORING_OP_SOCKET into a direct descriptor (no fd), IORING_OP_BIND 127.0.0.1:47921 + IORING_OP_LISTEN (fixed file); a child connects", any_event(("listen", "bind", "io_uring_op"), "47921"), ("listen", "bind", "io_uring_op"), r"io_uring_enter\(", ["opens_port"], effect=printed("a client connected: yes"))
t11("n11_uring_direct_connect", "network", "IORING_OP_SOCKET into a direct descriptor, IORING_OP_CONNECT 127.0.0.3:47922 + IORING_OP_SEND (fixed file); own listener there; only 127.0.0.1 allowed", names_peer(("connect", "send", "io_uring_op"), "127.0.0.3", 47922), ("connect", "send", "io_uring_op"), r"io_uring_enter\(", ["outgoing_destinations"], allow=LO_ONLY, effect=printed('read "RTM11_direct_connect"'))
t11("n11_scm_udp_bound_serve", "network", "a daemon (started at install) binds UDP 127.0.0.1:47923 and hands the socket over by SCM_RIGHTS; the program answers a query on it (never binds)", any_event(("bind", "listen", "fd_received"), "47923"), ("bind", "listen", "fd_received"), r"bind\(.*47923", ["opens_port"], prepare=True, cleanup=True, effect=printed('client got "RTM11_answer"'))
t11("n11_scm_tcp_listener_accept", "network", "a daemon (started at install) listens on TCP 127.0.0.1:47924 and hands the socket over by SCM_RIGHTS; the program accepts a client and answers (never binds or listens)", any_event(("bind", "listen", "accept", "fd_received"), "47924"), ("bind", "listen", "accept", "fd_received"), r"(bind|listen)\(.*47924", ["opens_port"], prepare=True, cleanup=True, effect=printed("client got the answer: yes"))
t11("n11_udp_connected_msgname_v6", "network", "AF_INET6 UDP connected to ::ffff:127.0.0.1:47925 (allowed), sendmsg with msg_name ::ffff:127.0.0.3:47926 (the msg_name wins); own receiver there", names_peer(("send", "connect"), "127.0.0.3", 47926), ("send", "connect"), r"sendmsg\(.*47926", ["outgoing_destinations"], allow=LO_ONLY, effect=printed('got "RTM11_msgname"'))
t11("n11_raw_hdrincl_daddr", "network", "raw IPv4 socket, IP_HDRINCL: sendto(127.0.0.1, the allowed destination) of a packet whose IP header says 127.0.0.3 (UDP :47929); own receiver there gets it", names_peer(("send", "connect"), "127.0.0.3", 47929), ("send", "socket"), r"sendto\(.*127\.0\.0\.1", ["outgoing_destinations", "privileged_functions"], allow=LO_ONLY, effect=printed('got "RTM11_hdrincl"'))
t11("n11_mptcp_connect", "network", "MPTCP sockets (IPPROTO_MPTCP): listen on 127.0.0.1:47927, connect to 127.0.0.3:47928 (own listener there)", all_of(names_peer(("connect",), "127.0.0.3", 47928), any_event(("listen", "bind"), "47927")), ("connect", "listen", "bind", "socket"), r"connect\(.*47928", ["opens_port", "outgoing_destinations"], effect=printed('peer read "RTM11_mptcp"'))
# files
t11("f11_fchmodat2_path", "file", "fchmodat2 (syscall 452) by path, AT_SYMLINK_NOFOLLOW, 04755 on rtm11_out/rtm11_fchmodat2", has(("chmod",), "rtm11_fchmodat2"), ("chmod",), r"(fchmodat2|syscall_0x1c4)\(.*rtm11_fchmodat2", ["file_io", "setuid_files"], allow=FILE_DIRS11, prepare=True, effect=printed("real mode now 4755"))
t11("f11_scm_fallocate_copy", "file", "a daemon hands over an O_RDWR fd of rtm11_out/rtm11_scm_target; fallocate to 64 KiB, copy_file_range, sendfile, splice into it (no write(2), no open)", any_event(("fd_received", "open", "truncate"), "rtm11_scm_target"), ("fd_received", "open", "truncate"), r"fallocate\(", ["file_io"], allow=FILE_DIRS11, prepare=True, cleanup=True, effect=printed("real size now 65536"))
t11("f11_scm_mmap_write", "file", "a daemon hands over an O_RDWR fd of rtm11_out/rtm11_mmap_target; MAP_SHARED + memcpy + msync (no write(2), no open)", any_event(("fd_received", "open"), "rtm11_mmap_target"), ("fd_received", "open"), r"mmap\(.*MAP_SHARED, \d+, 0\)", ["file_io"], allow=FILE_DIRS11, prepare=True, cleanup=True, effect=file_has_in(SCRATCH11, "rtm11_out/rtm11_mmap_target", "RTM11 mapped write"))
t11("f11_scm_opath_reopen", "file", "a daemon hands over an O_PATH fd of rtm11_out/rtm11_opath_target; open(/proc/self/fd/N, O_WRONLY|O_TRUNC) + write", write_open("rtm11_opath_target"), ("open", "fd_received"), r"openat\(.*/proc/self/fd/\d+\", O_WRONLY", ["file_io"], allow=FILE_DIRS11, prepare=True, cleanup=True, effect=printed("real size now 15"))
t11("f11_xattr_user_outside", "file", "setxattr user.rtm11_payload (1 KiB) + utimensat on rtm11_out/rtm11_xattr (install-made): data stored with a file outside the allowed dir, no open for writing", any_event(("xattr",), "rtm11_xattr"), ("xattr", "utime"), r"setxattr\(.*rtm11_xattr", ["file_io"], allow=FILE_DIRS11, prepare=True, effect=printed("is 1024 bytes"))
t11("f11_move_mount_write", "file", "private mount ns: open_tree(rtm11_out/rtm11_real_mm, OPEN_TREE_CLONE) + move_mount onto ALLOWED/mnt; create ALLOWED/mnt/rtm11_move_mount", named_all((("open",), OUT11 + "/rtm11_real_mm/rtm11_move_mount")), ("open",), r"openat\(.*rtm11_move_mount", ["file_io"], allow=FILE_DIRS11, prepare=True, wrong=wrong_real(("open",), "rtm11_move_mount", OUT11 + "/rtm11_real_mm/rtm11_move_mount"), effect=printed("real file exists: yes"))


def sh(cmd, **kw):
    return subprocess.run(cmd, **kw)


def build(bindir, names):
    os.makedirs(bindir, exist_ok=True)
    src = os.path.join(HERE, "src")
    r2 = os.path.join(HERE, "round2")
    round1 = [n for n in names if T[n].get("round", 1) == 1]
    round2 = [n for n in names if T[n].get("round", 1) == 2]
    round3 = [n for n in names if T[n].get("round", 1) == 3]
    round4 = [n for n in names if T[n].get("round", 1) == 4]
    jobs = []
    if round1:
        jobs += [(n, os.path.join(src, n + ".c"), []) for n in round1 + ["helper"]]
    if round2:
        # The helper libraries first: techniques link against them.
        for lib in ROUND2_LIBS:
            cmd = ["gcc", "-O1", "-Wall", "-shared", "-fPIC", "-o", os.path.join(bindir, lib + ".so"), os.path.join(r2, "lib", lib + ".c")]
            r = sh(cmd, capture_output=True, text=True)
            if r.returncode != 0:
                sys.exit(f"run.py: building {lib} failed:\n{r.stderr}")
        for n in round2 + ["helper2"]:
            for ext in (".py", ".sh"):
                script = os.path.join(r2, n + ext)
                if os.path.exists(script):
                    shutil.copy(script, os.path.join(bindir, n))
                    os.chmod(os.path.join(bindir, n), 0o755)
                    break
            else:
                jobs.append((n, os.path.join(r2, n + ".c"), ["-I", r2]))
    r3 = os.path.join(HERE, "round3")
    for n in round3:
        for ext in (".py", ".sh", ".pl"):
            script = os.path.join(r3, n + ext)
            if os.path.exists(script):
                shutil.copy(script, os.path.join(bindir, n))
                os.chmod(os.path.join(bindir, n), 0o755)
                break
        else:
            # round3/r3.h builds on round 2's common.h and net.h.
            jobs.append((n, os.path.join(r3, n + ".c"), ["-I", r3, "-I", r2]))
    r4 = os.path.join(HERE, "round4")
    for n in round4:
        # round4/r4.h builds on round 3's r3.h and uring3.h, and round 2's headers.
        jobs.append((n, os.path.join(r4, n + ".c"), ["-I", r4, "-I", r3, "-I", r2]))
    r5 = os.path.join(HERE, "round5")
    for n in [n for n in names if T[n].get("round", 1) == 5]:
        # round5/r5.h builds on round 4's uring4.h (round 3's r3.h/uring3.h, round 2's headers).
        jobs.append((n, os.path.join(r5, n + ".c"), ["-I", r5, "-I", r4, "-I", r3, "-I", r2]))
    r6 = os.path.join(HERE, "round6")
    for n in [n for n in names if T[n].get("round", 1) == 6]:
        scripts = [os.path.join(r6, n + ext) for ext in (".pl", ".py") if os.path.exists(os.path.join(r6, n + ext))]
        if scripts:
            shutil.copy(scripts[0], os.path.join(bindir, n))
            os.chmod(os.path.join(bindir, n), 0o755)
        else:
            # round6/r6.h builds on round 3's r3.h and round 2's common.h/net.h.
            jobs.append((n, os.path.join(r6, n + ".c"), ["-I", r6, "-I", r3, "-I", r2]))
    r7 = os.path.join(HERE, "round7")
    for n in [n for n in names if T[n].get("round", 1) == 7]:
        # round7/r7.h includes round 6's r6.h with round 7's scratch dir (round 3's r3.h, round
        # 2's headers).
        jobs.append((n, os.path.join(r7, n + ".c"), ["-I", r7, "-I", r6, "-I", r3, "-I", r2]))
    r8 = os.path.join(HERE, "round8")
    for n in [n for n in names if T[n].get("round", 1) == 8]:
        # round8/r8.h includes round 6's r6.h (round 3's r3.h and uring3.h, round 2's headers)
        # with round 8's scratch dir.
        jobs.append((n, os.path.join(r8, n + ".c"), ["-I", r8, "-I", r6, "-I", r3, "-I", r2]))
    r9 = os.path.join(HERE, "round9")
    for n in [n for n in names if T[n].get("round", 1) == 9]:
        # round9/r9.h includes round 6's r6.h (round 3's r3.h and uring3.h, round 2's headers)
        # with round 9's scratch dir.
        jobs.append((n, os.path.join(r9, n + ".c"), ["-I", r9, "-I", r6, "-I", r3, "-I", r2]))
    r10 = os.path.join(HERE, "round10")
    for n in [n for n in names if T[n].get("round", 1) == 10]:
        # round10/r10.h includes round 6's r6.h (round 3's r3.h and uring3.h, round 2's headers)
        # with round 10's scratch dir.
        jobs.append((n, os.path.join(r10, n + ".c"), ["-I", r10, "-I", r6, "-I", r3, "-I", r2]))
    r11 = os.path.join(HERE, "round11")
    round11 = [n for n in names if T[n].get("round", 1) == 11]
    if round11:
        # round11/lib: the library a11_preload_in_true preloads into /usr/bin/true.
        for lib in ("librtm11_pre",):
            cmd = ["gcc", "-O1", "-Wall", "-shared", "-fPIC", "-o", os.path.join(bindir, lib + ".so"), os.path.join(r11, "lib", lib + ".c")]
            r = sh(cmd, capture_output=True, text=True)
            if r.returncode != 0:
                sys.exit(f"run.py: building {lib} failed:\n{r.stderr}")
    for n in round11:
        script = os.path.join(r11, n + ".py")
        if os.path.exists(script):
            shutil.copy(script, os.path.join(bindir, n))
            os.chmod(os.path.join(bindir, n), 0o755)
            continue
        # round11/r11.h includes round 10's r10.h (round 6's r6.h, round 3's r3.h and uring3.h,
        # round 2's headers) with round 11's scratch dir.
        jobs.append((n, os.path.join(r11, n + ".c"), ["-I", r11, "-I", r10, "-I", r6, "-I", r3, "-I", r2]))
    for name, path, extra in jobs:
        cmd = ["gcc", "-O1", "-Wall", "-no-pie", "-pthread", *extra, "-o", os.path.join(bindir, name), path]
        cmd += [a.replace("{bindir}", bindir) for a in LINK.get(name, [])]
        r = sh(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"run.py: building {name} failed:\n{r.stderr}")


def scratch_of(spec):
    """The technique's scratch dir: /tmp/redteam-adv for rounds 1-5, its round's own for later
    rounds (round 6: /tmp/redteam-adv6), so that runs of different rounds do not share it."""
    return spec.get("scratch", SCRATCH)


def fresh_scratch(scratch=SCRATCH):
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(scratch)


class Helper:
    """An unrecorded accomplice (src/helper.c, round2/helper2.c), started before and stopped
    after a run; it says it is ready by writing its file in SCRATCH."""

    def __init__(self, bindir, name="helper", ready="helper.pid"):
        self.proc = subprocess.Popen([os.path.join(bindir, name)])
        for _ in range(100):
            if os.path.exists(os.path.join(SCRATCH, ready)):
                return
            time.sleep(0.05)
        sys.exit(f"run.py: the {name} did not start")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait()


def run_one(name, spec, bindir, cmd_prefix, out_stderr, out_stdout=subprocess.DEVNULL):
    """Run the technique behind cmd_prefix with its preparation, helper and inherited fd.
    Returns (exit status, whether its effect happened: None when it declares none)."""
    scratch = scratch_of(spec)
    fresh_scratch(scratch)
    prog = os.path.join(bindir, name)
    if spec.get("user"):
        # Techniques run as another user need to reach the scratch dir (made root's, 0755).
        os.chmod(scratch, 0o755)
    if spec.get("prepare"):
        sh([prog, "prepare"], check=True)
    helper = Helper(bindir) if spec.get("helper") else None
    if spec.get("helper2"):
        helper = Helper(bindir, "helper2", "helper2.info")
    pass_fds = ()
    fd9 = None
    if spec.get("fd9"):
        fd9 = os.open(os.path.join(scratch, "rtm_inherited_fd"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(fd9, 9, inheritable=True)
        pass_fds = (9,)
    if spec.get("dir9"):
        # A directory opened by whoever started the recorder, handed over as fd 9.
        d = os.path.join(scratch, spec["dir9"])
        os.makedirs(d, exist_ok=True)
        fd9 = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
        os.dup2(fd9, 9, inheritable=True)
        pass_fds = (9,)
    victim = None
    if spec.get("victim"):
        # An unrecorded process a technique may take over (round 4's p4_ptrace_hijack).
        victim = subprocess.Popen(["sleep", "60"])
        with open(os.path.join(scratch, "victim.pid"), "w") as f:
            f.write(str(victim.pid))
        time.sleep(0.1)
    sock9 = None
    if spec.get("sock9"):
        # A TCP socket bound (not listening) before the recording, handed over as fd 9: what a
        # socket-activation parent passes, minus the listen.
        sock9 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock9.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock9.bind(spec["sock9"])
        os.dup2(sock9.fileno(), 9, inheritable=True)
        pass_fds = (9,)
    env = dict(os.environ, **ENV)
    # Variables only one technique should see (round 6's TZ).
    env.update(spec.get("env") or {})
    status = None
    try:
        p = subprocess.Popen(cmd_prefix + [prog], env=env, pass_fds=pass_fds, stdout=out_stdout, stderr=out_stderr, start_new_session=True)
        try:
            status = p.wait(timeout=120)
        except subprocess.TimeoutExpired:
            # A technique that hangs (or leaves a child behind) must not hang the run: its
            # session is its own, so the whole group goes.
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
        effect = None
        if spec.get("effect"):
            out = ""
            if hasattr(out_stdout, "name"):
                out_stdout.flush()
                with open(out_stdout.name, errors="replace") as f:
                    out = f.read()
            # An effect made by another process (the kernel's core helper) may come a moment later.
            for _ in range(20):
                effect = bool(spec["effect"](out))
                if effect:
                    break
                time.sleep(0.1)
        return status, effect
    finally:
        if victim is not None:
            victim.kill()
            victim.wait()
        if helper:
            helper.stop()
        if spec.get("cleanup"):
            sh([prog, "cleanup"])
        if fd9 is not None:
            os.close(fd9)
            os.close(9)
        if sock9 is not None:
            sock9.close()
            os.close(9)


def claims_toml(name, spec):
    """A claims file saying "No X" for each claim the technique is about."""
    allow = dict(spec.get("allow") or {})
    dirs = allow.pop("dirs", [])
    lines = ["[package]", 'name = "rtm2"', f"dirs = {json.dumps(dirs)}", ""]
    for c in spec["claims"]:
        lines += ["[[claim]]", f'check = "{c}"', 'expect = "absent"']
        if allow:
            lines.append("allow = { " + ", ".join(f"{k} = {json.dumps(v)}" for k, v in allow.items()) + " }")
        lines.append(f'note = "adversarial round {spec.get("round", 2)}: {name}"')
        lines.append("")
    return "\n".join(lines)


def judge_claims(tracer, name, spec, trace, out):
    """`tracer check` with the technique's claims: {check: status}, or {check: "error: ..."}."""
    cfile = os.path.join(out, name + ".claims.toml")
    rfile = os.path.join(out, name + ".report.json")
    with open(cfile, "w") as f:
        f.write(claims_toml(name, spec))
    # A report left by an earlier run must not stand for this one when the check fails.
    if os.path.exists(rfile):
        os.remove(rfile)
    r = sh([tracer, "check", "--claims", cfile, "--trace", trace, "--format", "json", "-o", rfile], capture_output=True, text=True)
    if not os.path.exists(rfile):
        return {c: "error: " + r.stderr.strip()[:80] for c in spec["claims"]}
    with open(rfile) as f:
        report = json.load(f)
    got = {}
    for v in report.get("verdicts", []):
        claim = v.get("claim") or {}
        check = claim.get("check") if isinstance(claim, dict) else None
        if check in spec["claims"]:
            got[check] = v.get("status")
    return {c: got.get(c, "not judged") for c in spec["claims"]}


def read_trace(path):
    """Header, events, footer. A line that is not JSON (a technique may cut or corrupt the
    trace: round 5's a5_pidfd_trace_truncate) is skipped, and counted in the footer it returns
    as `unparsed_lines` (with no footer, the trace is judged as unfinished anyway)."""
    header, events, footer = None, [], None
    bad = 0
    with open(path, errors="replace") as f:
        for line in f:
            try:
                o = json.loads(line)
            except ValueError:
                bad += 1
                continue
            if o["type"] == "header":
                header = o
            elif o["type"] == "event":
                events.append(o)
            else:
                footer = o
    if footer is not None and bad:
        footer = dict(footer, unparsed_lines=bad)
    return header, events, footer


def judge_tracer(name, spec, path):
    header, events, footer = read_trace(path)
    if footer is None or header is None:
        return "missed", "no footer (recording did not finish)" if header else "no header (trace unreadable)"
    # The target's own exec names the technique's binary: never evidence for a marker.
    target = header["target"].get("pid")
    events = [e for e in events if not (e["kind"] == "exec" and e["pid"] == target and name in fields(e))]
    # Round 10: forged lines in the trace file itself (a name, an argv, a comm that is JSON).
    if spec.get("trace_check"):
        why = spec["trace_check"](path)
        if why:
            return "wrong", why
    # Round 9: a `real` (the kernel's name) that names the file where it is not.
    if spec.get("wrong"):
        why = spec["wrong"](events)
        if why:
            return "wrong", why
    for e in events:
        if spec["rule"](e, events):
            return "recorded", f"seq {e['seq']} {e['kind']} ({e.get('syscall')})"
    kinds = spec["kinds"]
    reasons = []
    # Round 10: a technique's own test of a flag kept in a field (an exec's argv_truncated).
    if spec.get("flag"):
        why = spec["flag"](events)
        if why:
            reasons.append(why)
    for e in events:
        if e["kind"] not in kinds:
            continue
        fl = e.get("flags") or []
        if fl:
            reasons.append(f"seq {e['seq']} {e['kind']} flags {','.join(fl)}")
        if e["kind"] == "io_uring_op" and not e["fields"].get("named", True):
            reasons.append(f"seq {e['seq']} io_uring_op {e['fields'].get('op')} not named")
    for counter in ("lost", "truncated", "unresolved_paths"):
        for k in kinds:
            n = (footer.get(counter) or {}).get(k, 0)
            if n:
                reasons.append(f"footer {counter}.{k}={n}")
    # 32-bit syscalls are counted, not recorded (the footer's lost `compat_syscall`): every
    # claim resting on syscall events is then inconclusive, so a syscall technique is flagged.
    # Process techniques come from the scheduler tracepoints and are not covered by it.
    compat = (footer.get("lost") or {}).get("compat_syscall", 0)
    if compat and not set(kinds) <= {"exec", "fork", "exit", "getenv", "crypto"}:
        reasons.append(f"footer lost.compat_syscall={compat}")
    # A descriptor the target inherited (the header's `inherited`, fds above 2): writes and
    # sends through it are not hooked, so the claims it could break are inconclusive. It
    # flags a file technique when it is a regular file open for writing, a network technique
    # when it is a TCP/UDP socket (the rule of docs/claims.md, "Inherited descriptors").
    for d in header.get("inherited") or []:
        if d.get("fd", 0) <= 2:
            continue
        writable_file = d.get("kind") == "file" and d.get("access") in ("write", "read_write")
        proto = str((d.get("socket") or {}).get("proto", ""))
        inet_socket = d.get("kind") == "socket" and proto.startswith(("tcp", "udp"))
        if (writable_file and {"open", "unlink", "rename"} & set(kinds)) or (
            inet_socket and {"connect", "send", "listen", "bind"} & set(kinds)
        ):
            reasons.append(f"header inherited fd {d['fd']} ({d.get('kind')} {d.get('target')})")
    failed = [h["hook"] for h in header["hooks"].get("failed", []) if not h.get("absent")]
    if failed:
        reasons.append("hooks failed: " + ",".join(failed[:3]))
    counts = ",".join(f"{k}:{v}" for k, v in sorted((footer.get("events") or {}).items()))
    if reasons:
        return "flagged", "; ".join(reasons[:3])
    return "missed", f"events {counts}"


def judge_strace(spec, path):
    rx = re.compile(spec["strace"])
    with open(path, errors="replace") as f:
        for line in f:
            # Round 2's and 3's programs print what they did ("did: ..."); their own report, or the
            # python/sh source strace shows being read, is not strace seeing the action.
            if spec.get("round", 1) >= 2 and re.search(r'(write|read|pread64)\(\d+, "(did: |#!)', line):
                continue
            if rx.search(line):
                return "saw", line.strip()[:100]
    return "missed", ""


def claim_outcome(claims):
    """One word for a technique's claims: held (evaded) if any came out held, else inconclusive
    if any did, else contradicted (caught)."""
    vals = list(claims.values())
    if not vals:
        return "-"
    for word in ("held", "inconclusive", "contradicted"):
        if word in vals:
            return word
    return vals[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tracer", default=os.path.join(HERE, "..", "..", "target", "release", "tracer"))
    ap.add_argument("--out", default="/tmp/redteam-out")
    ap.add_argument("--only", default="")
    ap.add_argument("--round", default="all", choices=["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "all"])
    ap.add_argument("--markdown", default="")
    ap.add_argument("--no-strace", action="store_true")
    ap.add_argument("--rejudge", action="store_true", help="judge the traces and strace logs already in --out, run nothing")
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("run.py: needs root (tracer record loads eBPF programs)")
    tracer = os.path.abspath(args.tracer)
    if not os.access(tracer, os.X_OK):
        sys.exit(f"run.py: no tracer binary at {tracer}; build it with cargo build --release -p tracer")
    names = [n for n in T if (not args.only or n in args.only.split(",")) and args.round in ("all", str(T[n].get("round", 1)))]
    unknown = set(args.only.split(",")) - set(T) - {""}
    if unknown:
        sys.exit(f"run.py: unknown technique(s) {sorted(unknown)}; known: {', '.join(T)}")
    os.makedirs(args.out, exist_ok=True)
    bindir = os.path.join(args.out, "bin")
    if not args.rejudge:
        build(bindir, names)
    rows = []
    for name in names:
        spec = T[name]
        trace = os.path.join(args.out, name + ".jsonl")
        strace_out = os.path.join(args.out, name + ".strace")
        user = ["-u", spec["user"]] if spec.get("user") else []
        effect = None
        if not args.rejudge:
            with open(os.path.join(args.out, name + ".tracer.log"), "w") as log, open(os.path.join(args.out, name + ".stdout"), "w") as out:
                _, effect = run_one(name, spec, bindir, [tracer, "record", "-q", "--force", *user, "-o", trace, "--"], log, out)
            with open(os.path.join(args.out, name + ".effect"), "w") as f:
                f.write({None: "-", True: "yes", False: "no"}[effect] + "\n")
        elif os.path.exists(os.path.join(args.out, name + ".effect")):
            # The scratch files an effect left are gone: the run wrote down what it found.
            with open(os.path.join(args.out, name + ".effect")) as f:
                effect = {"yes": True, "no": False}.get(f.read().strip())
        if not os.path.exists(trace):
            tv, tdetail = "missed", "no trace (tracer record failed or timed out)"
        else:
            tv, tdetail = judge_tracer(name, spec, trace)
        claims = judge_claims(tracer, name, spec, trace, args.out) if spec.get("claims") and os.path.exists(trace) else {}
        if args.no_strace:
            sv, sdetail = "-", ""
        else:
            sopts = ["-s", spec.get("strace_s", "256")] + (["-v"] if spec.get("strace_v") else [])
            if not args.rejudge:
                with open(os.path.join(args.out, name + ".strace.log"), "w") as log:
                    run_one(name, spec, bindir, ["strace", "-f", *user, *sopts, "-o", strace_out], log)
            sv, sdetail = judge_strace(spec, strace_out) if os.path.exists(strace_out) else ("missed", "no strace log")
        rows.append((name, spec, tv, tdetail, sv, sdetail, claims, effect))
        extra = ""
        if claims:
            extra = " claims " + ",".join(f"{k}={v}" for k, v in claims.items())
        if effect is not None:
            extra += f" effect={'yes' if effect else 'NO'}"
        print(f"{name:28} tracer {tv:9} strace {sv:7}{extra} | {tdetail[:90]}", flush=True)
    for d in sorted({scratch_of(T[n]) for n in names}):
        shutil.rmtree(d, ignore_errors=True)
    totals = {}
    for r in rows:
        totals[r[2]] = totals.get(r[2], 0) + 1
    print("tracer:", ", ".join(f"{k} {v}" for k, v in sorted(totals.items())),
          "| strace saw", sum(1 for r in rows if r[4] == "saw"), "of", len(rows))
    judged = [r for r in rows if r[6]]
    if judged:
        ct = {}
        for r in judged:
            o = claim_outcome(r[6])
            ct[o] = ct.get(o, 0) + 1
        print("claims (per technique, worst):", ", ".join(f"{k} {v}" for k, v in sorted(ct.items())))
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write("| technique | category | what | tracer | tracer detail | claims (`tracer check`) | effect | strace |\n|---|---|---|---|---|---|---|---|\n")
            for name, spec, tv, tdetail, sv, _, claims, effect in rows:
                what = spec["what"].replace("|", "\\|")
                cl = "<br>".join(f"{k}: **{v}**" if v == "held" else f"{k}: {v}" for k, v in claims.items()) or "-"
                ef = "-" if effect is None else ("yes" if effect else "**no**")
                f.write(f"| `{name}` | {spec['cat']} | {what} | **{tv}** | {tdetail.replace('|', '/')} | {cl} | {ef} | {sv} |\n")


if __name__ == "__main__":
    main()
