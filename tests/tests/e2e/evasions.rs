//! Round 4's claim evasions (the adversarial round's findings: a claim held although the
//! program did the thing): a real process does each, and the claim it evaded is no longer
//! held. Each is a general rule of verdict/rules.rs (docs/claims.md), not a match on these
//! programs.

use std::process::Command;

use tracer::{
    claims::Check,
    verdict::{Status, Verdict, judge},
};

use crate::common::{TempDir, absent_claims, compile_c, record};

/// Records `args` and judges "No X" for each of `checks`; panics unless the recording finished
/// without losses.
fn verdicts(tag: &str, args: &[&str], checks: &[Check]) -> Vec<Verdict> {
    let rec = record(tag, args);
    let footer = rec.trace.footer.as_ref().expect("a footer");
    assert_eq!(footer.total_lost(), 0, "events lost: {:?}", footer.lost);
    judge(&rec.trace, &absent_claims("evasion", checks)).verdicts
}

fn evidence(v: &Verdict) -> Vec<&str> {
    v.evidence.shown.iter().map(|e| e.what.as_str()).collect()
}

/// Each verdict is contradicted, and by evidence `expected` accepts.
fn assert_contradicted_by<'a>(
    vs: impl IntoIterator<Item = &'a Verdict>,
    expected: impl Fn(&str) -> bool,
) {
    for v in vs {
        assert_eq!(
            v.status,
            Status::Contradicted,
            "{}: {}",
            v.claim.check,
            v.reason
        );
        assert!(
            evidence(v).iter().any(|w| expected(w)),
            "{}: {:?}",
            v.claim.check,
            evidence(v)
        );
    }
}

/// Each verdict but `contradicted`'s is inconclusive with a gap naming `want`; that one is
/// contradicted (by the act of control itself).
fn assert_inconclusive_by_gap(vs: &[Verdict], contradicted: Check, want: &str) {
    for v in vs {
        if v.claim.check == contradicted {
            assert_eq!(v.status, Status::Contradicted, "{}", v.reason);
            continue;
        }
        assert_eq!(
            v.status,
            Status::Inconclusive,
            "{}: {}",
            v.claim.check,
            v.reason
        );
        assert!(
            v.gaps.iter().any(|g| g.contains(want)),
            "{}: {:?}",
            v.claim.check,
            v.gaps
        );
    }
}

/// acct(PATH): the kernel appends a record to PATH for every process that exits while
/// accounting is on; the program writes nothing itself. file_io and temp_files were held.
#[test]
fn acct_is_a_write_of_its_file() {
    let dir = TempDir::new("evasion-acct");
    let log = dir.join("acct.log");
    // acct(2) opens an existing file: made before the recording, as a package's install would.
    std::fs::write(&log, b"").expect("create the accounting file");
    let bin = compile_c(
        dir.path(),
        "acct_on",
        r#"
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
int main(int argc, char **argv) {
    if (acct(argv[1]) != 0) { perror("acct"); return 1; }
    pid_t c = fork();
    if (c == 0) _exit(0);
    waitpid(c, NULL, 0);
    acct(NULL);
    return 0;
}
"#,
        &[],
    );
    let log = log.display().to_string();
    let vs = verdicts(
        "evasion-acct",
        &["--", &bin, &log],
        &[Check::FileIo, Check::TempFiles],
    );
    let written = std::fs::metadata(&log).expect("the accounting file").len();
    assert!(written > 0, "the kernel wrote no accounting record");
    assert_contradicted_by(&vs, |w| w.contains("(acct)") && w.contains(&log));
}

/// A character device node (CAP_MKNOD) was file IO only: privileged_functions held. A FIFO
/// made the same way needs no privilege and stays file IO only.
#[test]
fn a_device_node_is_a_privileged_function() {
    let dir = TempDir::new("evasion-mknod");
    let bin = compile_c(
        dir.path(),
        "mknod_dev",
        r#"
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <fcntl.h>
#include <unistd.h>
int main(int argc, char **argv) {
    char p[4096];
    snprintf(p, sizeof p, "%s/fifo", argv[1]);
    if (mknodat(AT_FDCWD, p, S_IFIFO | 0600, 0) != 0) { perror("fifo"); return 1; }
    snprintf(p, sizeof p, "%s/null", argv[1]);
    if (mknodat(AT_FDCWD, p, S_IFCHR | 0600, makedev(1, 3)) != 0) { perror("mknod"); return 1; }
    return 0;
}
"#,
        &[],
    );
    let work = dir.path().display().to_string();
    let vs = verdicts(
        "evasion-mknod",
        &["--", &bin, &work],
        &[Check::PrivilegedFunctions],
    );
    let v = &vs[0];
    assert_eq!(v.status, Status::Contradicted, "{}", v.reason);
    let want = format!("character device {work}/null 1:3 (CAP_MKNOD)");
    assert_eq!(
        v.evidence.total,
        1,
        "the FIFO is no privilege: {:?}",
        evidence(v)
    );
    assert!(evidence(v)[0].contains(&want), "{:?}", evidence(v));
}

/// A child chdir()s, raises RLIMIT_CORE and crashes: the kernel writes the core file named by
/// `kernel.core_pattern` there. file_io and temp_files were held.
#[test]
fn a_core_dump_is_a_file_the_kernel_writes() {
    let pattern = std::fs::read_to_string("/proc/sys/kernel/core_pattern")
        .expect("read kernel.core_pattern")
        .trim_end()
        .to_owned();
    let dir = TempDir::new("evasion-core");
    let bin = compile_c(
        dir.path(),
        "crash",
        r#"
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
int main(int argc, char **argv) {
    pid_t c = fork();
    if (c == 0) {
        struct rlimit r = { RLIM_INFINITY, RLIM_INFINITY };
        if (chdir(argv[1]) != 0 || setrlimit(RLIMIT_CORE, &r) != 0) _exit(1);
        prctl(PR_SET_DUMPABLE, 1);
        raise(SIGSEGV);
        _exit(2);
    }
    int st;
    waitpid(c, &st, 0);
    printf("core dumped: %d\n", WIFSIGNALED(st) && WCOREDUMP(st));
    return 0;
}
"#,
        &[],
    );
    let work = TempDir::new("evasion-core-dir");
    let work_path = work.path().display().to_string();
    let rec = record("evasion-core", &["--", &bin, &work_path]);
    let dumped = rec.trace.events.iter().any(|e| {
        matches!(
            e.data,
            tracer::trace::EventData::Exit {
                core_dumped: true,
                ..
            }
        )
    });
    assert!(
        dumped,
        "the child dumped core (kernel.core_pattern {pattern:?})"
    );
    let checks = [Check::FileIo, Check::TempFiles, Check::ProcessesSpawned];
    let vs = judge(&rec.trace, &absent_claims("evasion", &checks)).verdicts;
    if pattern.starts_with('|') {
        // The helper case (verdict/rules.rs core_helper_exits): this host pipes dumps.
        let v = vs
            .iter()
            .find(|v| v.claim.check == Check::ProcessesSpawned)
            .unwrap();
        assert_eq!(v.status, Status::Contradicted, "the fork: {}", v.reason);
        assert!(
            v.gaps.iter().any(|g| g.contains("core_pattern")),
            "{:?}",
            v.gaps
        );
        return;
    }
    let file = if pattern.starts_with('/') {
        pattern.clone()
    } else {
        format!("{work_path}/{pattern}")
    };
    assert_contradicted_by(
        vs.iter()
            .filter(|v| v.claim.check != Check::ProcessesSpawned),
        |w| w.starts_with("core dump") && w.ends_with(&file),
    );
}

/// A package process seizes a process started before the recording, writes a word into its
/// memory and sets its registers (the same values back: the requests are what counts), and
/// detaches. The victim is adopted (recorded from the seize on), but it outlives the
/// recording, so whatever it does next is not recorded: the behaviour claims are
/// inconclusive, never held. (Round 4's program wrote an execve stub
/// there and the victim ran /bin/touch; processes_spawned and file_io were held.)
#[test]
fn ptrace_control_of_an_unrecorded_process_holds_no_claim() {
    let dir = TempDir::new("evasion-ptrace");
    let bin = compile_c(
        dir.path(),
        "poke",
        r#"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
int main(int argc, char **argv) {
    pid_t v = atoi(argv[1]);
    struct user_regs_struct regs;
    if (ptrace(PTRACE_SEIZE, v, 0, 0) != 0) { perror("seize"); return 1; }
    if (ptrace(PTRACE_INTERRUPT, v, 0, 0) != 0) { perror("interrupt"); return 1; }
    if (waitpid(v, NULL, __WALL) != v) { perror("wait"); return 1; }
    if (ptrace(PTRACE_GETREGS, v, 0, &regs) != 0) { perror("getregs"); return 1; }
    errno = 0;
    long word = ptrace(PTRACE_PEEKDATA, v, (void *)regs.rsp, 0);
    if (errno) { perror("peek"); return 1; }
    if (ptrace(PTRACE_POKEDATA, v, (void *)regs.rsp, (void *)word) != 0) { perror("poke"); return 1; }
    if (ptrace(PTRACE_SETREGS, v, 0, &regs) != 0) { perror("setregs"); return 1; }
    if (ptrace(PTRACE_DETACH, v, 0, 0) != 0) { perror("detach"); return 1; }
    return 0;
}
"#,
        &[],
    );
    let mut victim = Command::new("sleep")
        .arg("60")
        .spawn()
        .expect("start the victim");
    let pid = victim.id().to_string();
    let checks = [
        Check::ProcessesSpawned,
        Check::FileIo,
        Check::TempFiles,
        Check::Networking,
        Check::PrivilegedFunctions,
    ];
    let rec = record("evasion-ptrace", &["--", &bin, &pid]);
    let _ = victim.kill();
    let _ = victim.wait();
    let vs = judge(&rec.trace, &absent_claims("evasion", &checks)).verdicts;
    // The victim is adopted (recorded from the SEIZE on) but outlives the recording: what it
    // does after is not recorded.
    let want = format!(
        "the package took control of process {pid} (ptrace PTRACE_SEIZE), which was still running when the recording stopped"
    );
    // The ptrace itself is a privileged function.
    assert_inconclusive_by_gap(&vs, Check::PrivilegedFunctions, &want);
}

/// The same control through `/proc/N/mem` (round 4's `p4_procmem_hijack` wrote an execve stub
/// over a `sleep`'s next instruction this way; processes_spawned held): here the first bytes
/// of its first mapping are written back unchanged.
#[test]
fn writing_an_unrecorded_process_memory_holds_no_claim() {
    let dir = TempDir::new("evasion-procmem");
    let bin = compile_c(
        dir.path(),
        "memwrite",
        r#"
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
int main(int argc, char **argv) {
    char path[64], buf[8];
    unsigned long start;
    snprintf(path, sizeof path, "/proc/%s/maps", argv[1]);
    FILE *maps = fopen(path, "r");
    if (!maps || fscanf(maps, "%lx", &start) != 1) { perror("maps"); return 1; }
    snprintf(path, sizeof path, "/proc/%s/mem", argv[1]);
    int fd = open(path, O_RDWR);
    if (fd < 0) { perror("open mem"); return 1; }
    if (pread(fd, buf, sizeof buf, start) != sizeof buf) { perror("pread"); return 1; }
    if (pwrite(fd, buf, sizeof buf, start) != sizeof buf) { perror("pwrite"); return 1; }
    return 0;
}
"#,
        &[],
    );
    let mut victim = Command::new("sleep")
        .arg("60")
        .spawn()
        .expect("start the victim");
    let pid = victim.id().to_string();
    let rec = record("evasion-procmem", &["--", &bin, &pid]);
    let _ = victim.kill();
    let _ = victim.wait();
    let checks = [Check::ProcessesSpawned, Check::Networking, Check::FileIo];
    let vs = judge(&rec.trace, &absent_claims("evasion", &checks)).verdicts;
    let want = format!(
        "the package took control of process {pid} (openat /proc/{pid}/mem), which was still running when the recording stopped"
    );
    // The open itself is a write of /proc/N/mem.
    assert_inconclusive_by_gap(&vs, Check::FileIo, &want);
}

/// A package program that makes an unrecorded process (argv[1], a `sleep` started before the
/// recording) exec `/bin/touch argv[3]`: with argv[2] `ptrace` by round 4's
/// `p4_ptrace_hijack` (SEIZE, an execve written onto its stack, SETREGS, DETACH), with `mem`
/// by `p4_procmem_hijack` (an execve stub written over its `syscall` instruction through
/// `/proc/N/mem`, then SIGSTOP + SIGCONT). Then it waits until the victim is a zombie (its
/// parent is the test), so that the whole of what it did falls in the recording.
const HIJACK_C: &str = r#"
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>
#define DIE(what) do { perror(what); return 1; } while (0)
static int poke(pid_t pid, unsigned long addr, const void *buf, size_t n) {
    for (size_t i = 0; i < n; i += 8) {
        unsigned long w = 0;
        memcpy(&w, (const char *)buf + i, n - i < 8 ? n - i : 8);
        if (ptrace(PTRACE_POKEDATA, pid, addr + i, w) < 0) return -1;
    }
    return 0;
}
static int by_ptrace(pid_t pid, const char *file) {
    if (ptrace(PTRACE_SEIZE, pid, 0, 0) < 0) DIE("seize");
    if (ptrace(PTRACE_INTERRUPT, pid, 0, 0) < 0) DIE("interrupt");
    if (waitpid(pid, NULL, __WALL) != pid) DIE("wait");
    struct user_regs_struct r;
    if (ptrace(PTRACE_GETREGS, pid, 0, &r) < 0) DIE("getregs");
    char strs[256] = "/bin/touch";
    strncpy(strs + 16, file, sizeof strs - 17);
    unsigned long base = (r.rsp - 4096) & ~15UL;
    unsigned long argvv[3] = {base, base + 16, 0};
    if (poke(pid, base, strs, sizeof strs) || poke(pid, base + 256, argvv, sizeof argvv)) DIE("poke");
    r.orig_rax = -1;
    r.rax = SYS_execve;
    r.rdi = base;
    r.rsi = base + 256;
    r.rdx = 0;
    r.rip -= 2;
    if (ptrace(PTRACE_SETREGS, pid, 0, &r) < 0) DIE("setregs");
    if (ptrace(PTRACE_DETACH, pid, 0, 0) < 0) DIE("detach");
    return 0;
}
static int by_mem(pid_t pid, const char *file) {
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%d/syscall", pid);
    FILE *f = fopen(path, "r");
    if (!f || !fgets(line, sizeof line, f)) DIE("syscall");
    fclose(f);
    unsigned long pc = strtoul(strrchr(line, ' ') + 1, NULL, 16);
    /* push 0; lea arg(%rip),%rax; push %rax; lea path(%rip),%rdi; push %rdi; mov %rsp,%rsi;
       xor %edx,%edx; mov $59,%eax; syscall; mov $60,%eax; xor %edi,%edi; syscall; path; arg */
    unsigned char stub[512] = {
        0x6a, 0x00, 0x48, 0x8d, 0x05, 0, 0, 0, 0, 0x50, 0x48, 0x8d, 0x3d, 0, 0, 0, 0, 0x57,
        0x48, 0x89, 0xe6, 0x31, 0xd2, 0xb8, 0x3b, 0, 0, 0, 0x0f, 0x05, 0xb8, 0x3c, 0, 0, 0,
        0x31, 0xff, 0x0f, 0x05};
    size_t code = 39, at_path = code, at_arg = code + 11;
    memcpy(stub + at_path, "/bin/touch", 11);
    strncpy((char *)stub + at_arg, file, sizeof stub - at_arg - 1);
    int rel_arg = at_arg - 9, rel_path = at_path - 17;
    memcpy(stub + 5, &rel_arg, 4);
    memcpy(stub + 13, &rel_path, 4);
    size_t n = at_arg + strlen(file) + 1;
    snprintf(path, sizeof path, "/proc/%d/mem", pid);
    int mem = open(path, O_RDWR);
    if (mem < 0) DIE("open mem");
    if (pwrite(mem, stub, n, pc - 2) != (ssize_t)n) DIE("pwrite");
    close(mem);
    kill(pid, SIGSTOP);
    usleep(50000);
    kill(pid, SIGCONT);
    return 0;
}
int main(int argc, char **argv) {
    pid_t pid = atoi(argv[1]);
    int rc = strcmp(argv[2], "ptrace") == 0 ? by_ptrace(pid, argv[3]) : by_mem(pid, argv[3]);
    if (rc) return rc;
    char stat[64], line[256];
    snprintf(stat, sizeof stat, "/proc/%d/stat", pid);
    for (int i = 0; i < 250; i++) {
        FILE *f = fopen(stat, "r");
        if (!f) return 0;
        char *got = fgets(line, sizeof line, f);
        fclose(f);
        if (got && strstr(line, ") Z ")) return 0;
        usleep(20000);
    }
    fprintf(stderr, "the victim did not finish\n");
    return 1;
}
"#;

/// Runs [`HIJACK_C`] on a fresh `sleep` by `how` and judges the behaviour claims: the victim
/// is adopted (an `adopt` event names it), its exec of touch is recorded as the package's, and
/// contradicts processes_spawned; networking, which the victim did not do before it
/// finished inside the recording, holds. Before adoption the exec was not recorded and every
/// behaviour claim was only inconclusive.
fn hijack_is_recorded_as_the_package(how: &str, want_how: &str) {
    let dir = TempDir::new(&format!("evasion-adopt-{how}"));
    let bin = compile_c(dir.path(), "hijack", HIJACK_C, &[]);
    let file = dir.join("hijacked").display().to_string();
    let mut victim = Command::new("sleep")
        // Long enough to outlive a slow load on a busy machine (the hijack needs it alive);
        // killed after the recording.
        .arg("600")
        .spawn()
        .expect("start the victim");
    let pid = victim.id();
    let pid_s = pid.to_string();
    let rec = record(
        &format!("evasion-adopt-{how}"),
        &["--", &bin, &pid_s, how, &file],
    );
    let _ = victim.kill();
    let _ = victim.wait();
    assert!(
        std::path::Path::new(&file).exists(),
        "the victim did not run touch"
    );
    let adopt = rec
        .trace
        .events
        .iter()
        .find_map(|e| match &e.data {
            tracer::trace::EventData::Adopt {
                victim_pid,
                victim_comm,
                victim_threads,
                how,
            } if *victim_pid == pid => Some((e, victim_comm, victim_threads, how)),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no adopt event for {pid}"));
    assert_eq!(adopt.0.result.as_ref().map(|r| r.ret), Some(0));
    // Read when the record was decoded: by then the victim may already run touch.
    assert!(
        matches!(adopt.1.as_deref(), Some("sleep" | "touch")),
        "{:?}",
        adopt.1
    );
    assert_eq!(*adopt.2, Some(1));
    assert!(adopt.3.starts_with(want_how), "{}", adopt.3);
    let checks = [Check::ProcessesSpawned, Check::Networking];
    let vs = judge(&rec.trace, &absent_claims("evasion", &checks)).verdicts;
    let spawned = vs
        .iter()
        .find(|v| v.claim.check == Check::ProcessesSpawned)
        .expect("a processes_spawned verdict");
    assert_contradicted_by([spawned], |w| {
        w.starts_with("exec ") && w.contains("touch") && w.contains(&file)
    });
    let net = vs
        .iter()
        .find(|v| v.claim.check == Check::Networking)
        .expect("a networking verdict");
    assert_eq!(net.status, Status::Held, "{}: {:?}", net.reason, net.gaps);
}

/// Round 4's `p4_ptrace_hijack`: the victim's exec is recorded and is the package's.
#[test]
fn a_process_hijacked_by_ptrace_is_adopted() {
    hijack_is_recorded_as_the_package("ptrace", "ptrace PTRACE_SEIZE");
}

/// Round 4's `p4_procmem_hijack`: the same through a write-open of `/proc/N/mem`.
#[test]
fn a_process_hijacked_through_proc_mem_is_adopted() {
    hijack_is_recorded_as_the_package("mem", "openat /proc/");
}
