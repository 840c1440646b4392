//! Interference with the recorder (issue 13): a real process calls bpf(), ptraces and
//! signals its recorder, writes to tracefs and bpffs and opens the recorder's trace file for writing; the
//! trace has each attempt, and the verdicts say the package interfered: no claim holds, "No use
//! of privileged functions" is contradicted.

use tracer::trace::EventData;

use crate::common::*;

#[test]
fn attempts_on_the_recorder_are_recorded_and_void_every_claim() {
    let work = TempDir::new("tamper-work");
    let work_path = work.path().display().to_string();
    let rec = record("tamper", &["--", actor_bin(), "tamper", &work_path]);
    let t = &rec.trace;
    let me = t
        .header
        .recorder
        .as_ref()
        .expect("the header names the recorder");
    find(
        t,
        "bpf(BPF_PROG_GET_NEXT_ID)",
        |e| matches!(&e.data, EventData::Bpf { cmd } if cmd == "BPF_PROG_GET_NEXT_ID"),
    );
    find(
        t,
        "ptrace of the recorder",
        |e| matches!(&e.data, EventData::Ptrace { target_pid, .. } if *target_pid as u32 == me.pid),
    );
    find(t, "SIGCONT to the recorder", |e| {
        matches!(&e.data, EventData::Signal { call, target_pid, signal, .. }
            if call == "kill" && *target_pid as u32 == me.pid && signal == "SIGCONT")
    });
    find(t, "trace_marker opened for write", |e| {
        matches!(&e.data, EventData::Open { path, access, .. }
            if path_is(path, "/sys/kernel/tracing/trace_marker") && access == "write")
    });
    find(
        t,
        "mkdir in bpffs",
        |e| matches!(&e.data, EventData::Mkdir { path, .. } if path_is(path, "/sys/fs/bpf/tracer-e2e-tamper")),
    );
    let partial = format!("{}.partial", me.output);
    find(
        t,
        "the recorder's trace opened for append",
        |e| matches!(&e.data, EventData::Open { path, access, .. } if path.names().any(|n| n == partial) && access == "write"),
    );

    let claims = actor_claims(rec.dir.path(), &["privileged_functions", "networking"]);
    let (code, report) = check_json(&claims, &rec.dir.join("trace.jsonl"));
    assert_eq!(code, Some(1), "{report:#}");
    let status = |check: &str| {
        verdict_of(&report, check)["status"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(status("privileged_functions"), "contradicted");
    // Nothing networked happened, yet it cannot hold: the package interfered.
    assert_eq!(status("networking"), "inconclusive");
    let attempts: Vec<String> = report["findings"]["interference"]["items"]
        .as_array()
        .expect("interference listed")
        .iter()
        .map(|i| i["what"].as_str().unwrap().to_owned())
        .collect();
    for want in [
        "bpf(BPF_PROG_GET_NEXT_ID)",
        "ptrace PTRACE_PEEKDATA of the recorder",
        "kill SIGCONT to the recorder",
        "open /sys/kernel/tracing/trace_marker for write",
        "mkdir /sys/fs/bpf/tracer-e2e-tamper",
        &format!("open {partial} for write"),
    ] {
        assert!(
            attempts.iter().any(|a| a.starts_with(want)),
            "{want} not among {attempts:#?}"
        );
    }
}

/// Round 11's `a11_trace_swap_partial`, for real against the running recorder: the command
/// renames a forgery (the trace so far and a footer whose counts match it) over the
/// recorder's `.partial`, then runs touch. The published trace is the recorder's own (the
/// rename and the touch are in it), the forgery is left at the `.partial` name, the footer says
/// the output was tampered with, and no claim holds.
#[test]
fn a_trace_renamed_over_the_partial_is_not_published() {
    let work = TempDir::new("tamper-swap-work");
    let work_path = work.path().display().to_string();
    let rec = record(
        "tamper-swap",
        &["--", actor_bin(), "swap-partial", &work_path],
    );
    assert!(
        work.path().join("swapped").exists(),
        "the swap and the touch ran"
    );
    let t = &rec.trace;
    let me = t
        .header
        .recorder
        .as_ref()
        .expect("the header names the recorder");
    let partial = format!("{}.partial", me.output);
    let rename = find(
        t,
        "the rename over the .partial",
        |e| matches!(&e.data, EventData::Rename { to, .. } if to.names().any(|n| n == partial)),
    );
    let touch = find(
        t,
        "the touch after the swap",
        |e| matches!(&e.data, EventData::Exec { path, .. } if path_is(path, "/usr/bin/touch")),
    );
    assert!(touch.seq > rename.seq);
    let footer = t.footer.as_ref().expect("the recorder's own footer");
    assert!(
        footer
            .tampered
            .iter()
            .any(|x| x.seq == Some(rename.seq) && x.what.starts_with("rename ")),
        "{:#?}",
        footer.tampered
    );
    assert!(
        footer
            .tampered
            .iter()
            .any(|x| x.seq.is_none() && x.what.contains("another file was put in its place")),
        "{:#?}",
        footer.tampered
    );
    let forged = std::fs::read_to_string(&partial).expect("the forgery is left at .partial");
    assert!(
        forged.contains("\"end_time\":\"2026-12-05T00:00:00Z\"") && !forged.contains("touch"),
        "{forged}"
    );

    let claims = actor_claims(rec.dir.path(), &["processes_spawned", "networking"]);
    // The forgery is a trace that would hold, had it been published: the attack is real.
    let forged_copy = rec.dir.join("forged.jsonl");
    std::fs::write(&forged_copy, &forged).expect("copy the forgery");
    let (_, forged_report) = check_json(&claims, &forged_copy);
    assert_eq!(
        forged_report["verdicts"][0]["status"], "held",
        "{forged_report:#}"
    );
    let (code, report) = check_json(&claims, &rec.dir.join("trace.jsonl"));
    assert_eq!(code, Some(1), "{report:#}");
    let verdict = |check: &str| verdict_of(&report, check);
    // The touch is in the recorder's own trace.
    assert_eq!(verdict("processes_spawned")["status"], "contradicted");
    let networking = verdict("networking");
    assert_eq!(networking["status"], "inconclusive", "{networking:#}");
    assert!(
        networking["gaps"].as_array().unwrap().iter().any(|g| g
            .as_str()
            .unwrap()
            .starts_with("the recording's output was touched")),
        "{networking:#}"
    );
}

/// `tracer record --stream PORT ARGS…` (PORT a plain file standing in for the VM's port),
/// stopped with SIGINT by this test (its parent) when `parent_stops`; then the host's reader
/// of the stream writes its trace, as `tracer vm check` does. The host's trace and report.
fn streamed(
    dir: &TempDir,
    name: &str,
    args: &[&str],
    parent_stops: bool,
) -> (tracer::trace::Trace, tracer::vm::stream::StreamReport) {
    use tracer::vm::stream::{HostLimits, HostTrace};
    let port = dir.join(&format!("{name}.port"));
    std::fs::write(&port, b"").expect("create the stand-in port");
    let port_arg = port.display().to_string();
    let mut all = vec!["--stream", port_arg.as_str()];
    all.extend_from_slice(args);
    let running = start_recording(name, &all);
    let _local = if parent_stops {
        running.stop()
    } else {
        running.wait_exit()
    };
    let host = dir.join(&format!("{name}.host.jsonl"));
    let mut reader = HostTrace::new(&port, &host, HostLimits::default()).expect("host reader");
    reader.poll().expect("read the stream");
    let report = reader.finish(None).expect("finish the stream");
    let trace = tracer::trace::read_trace(&host).unwrap_or_else(|e| panic!("{e}"));
    (trace, report)
}

/// `tracer check --format json --claims CLAIMS --trace TRACE`: its exit code and report.
/// The verdict on `check` in a JSON report.
fn verdict_of(report: &serde_json::Value, check: &str) -> serde_json::Value {
    report["verdicts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["claim"]["check"] == check)
        .cloned()
        .unwrap_or_else(|| panic!("no {check} verdict: {report:#}"))
}

/// A claims file in `dir` saying the actor's daemon does none of `checks`.
fn actor_claims(dir: &std::path::Path, checks: &[&str]) -> std::path::PathBuf {
    let mut text = format!(
        "[package]\nname = \"actor\"\ndaemons = [\"{}\"]\n",
        actor_bin()
    );
    for check in checks {
        text.push_str(&format!(
            "\n[[claim]]\ncheck = \"{check}\"\nexpect = \"absent\"\n"
        ));
    }
    let claims = dir.join("claims.toml");
    std::fs::write(&claims, text).expect("write claims");
    claims
}

fn check_json(
    claims: &std::path::Path,
    trace: &std::path::Path,
) -> (Option<i32>, serde_json::Value) {
    let out = std::process::Command::new(tracer_bin())
        .args(["check", "--format", "json", "--claims"])
        .arg(claims)
        .arg("--trace")
        .arg(trace)
        .output()
        .expect("run tracer check");
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code(), report)
}

/// A SIGINT from the recorder's parent (in `tracer vm check`, the job) is its stop; the same
/// SIGINT from anyone else — here the command it records, as a package's script could — is
/// not: the footer names the sender (from the kernel's siginfo), the host cuts the trace as
/// stopped by something else, and `tracer check` says the package interfered.
#[test]
fn a_stop_signal_not_from_the_job_is_interference() {
    let dir = TempDir::new("foreign-stop");
    let (own, report) = streamed(&dir, "own", &["--", "sleep", "60"], true);
    assert!(report.cut.is_none(), "{report:?}");
    let footer = own.footer.expect("the recorder's footer");
    assert_eq!(footer.stop_signal.as_deref(), Some("SIGINT"));
    let sender = footer.stop_sender.expect("the footer names the sender");
    assert_eq!((sender.how.as_str(), sender.parent), ("kill", true));
    assert_eq!(sender.pid, std::process::id());

    let (foreign, report) = streamed(
        &dir,
        "foreign",
        &["--", "sh", "-c", "sleep 3; kill -INT $PPID; sleep 60"],
        false,
    );
    let cut = report.cut.expect("a stop not by the job cuts the trace");
    assert_eq!(cut.code, "stopped_by_other");
    assert!(
        cut.detail.contains("SIGINT sent by kill from pid"),
        "{cut:?}"
    );
    let footer = foreign.footer.as_ref().expect("the host's footer");
    let sender = footer.stop_sender.as_ref().expect("it names the sender");
    assert!(!sender.parent, "{sender:?}");
    assert_eq!(sender.comm.as_deref(), Some("sh"));
    let me = foreign.header.recorder.as_ref().expect("the recorder");
    find(&foreign, "the sh's SIGINT to the recorder", |e| {
        e.pid == sender.pid
            && matches!(&e.data, EventData::Signal { target_pid, signal, .. }
                if *target_pid as u32 == me.pid && signal == "SIGINT")
    });

    let claims = dir.join("claims.toml");
    std::fs::write(
        &claims,
        "[package]\nname = \"stand-in\"\ndaemons = [\"/usr/bin/sleep\"]\n\n\
         [[claim]]\ncheck = \"privileged_functions\"\nexpect = \"absent\"\n\n\
         [[claim]]\ncheck = \"networking\"\nexpect = \"absent\"\n",
    )
    .expect("write claims");
    let (code, report) = check_json(&claims, &dir.join("foreign.host.jsonl"));
    assert_eq!(code, Some(1), "{report:#}");
    let first = &report["findings"]["interference"]["items"][0];
    assert!(
        first["what"]
            .as_str()
            .is_some_and(|w| w.starts_with("stopped the recorder: the recorder ended on SIGINT")),
        "{report:#}"
    );
    assert_eq!(first["pid"], sender.pid);
    for v in report["verdicts"].as_array().unwrap() {
        let want = if v["claim"]["check"] == "privileged_functions" {
            "contradicted"
        } else {
            "inconclusive"
        };
        assert_eq!(v["status"], want, "{v:#}");
    }
}

/// A package that fills the disk under the recorder's log (in a VM, its stderr is a file
/// there) must not end the recording: with stderr on /dev/full and `-v` (a log line at once),
/// the recorder records its command to the end and writes its footer.
#[test]
fn a_recorder_whose_stderr_fails_keeps_recording() {
    require_root();
    let dir = TempDir::new("stderr-full");
    let trace = dir.join("trace.jsonl");
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("open /dev/full");
    let status = std::process::Command::new(tracer_bin())
        .args(["-v", "record", "-o"])
        .arg(&trace)
        .args(["--", "sh", "-c", "echo x > /dev/null"])
        .stderr(full)
        .status()
        .expect("run tracer");
    assert!(status.success(), "{status}");
    let t = tracer::trace::read_trace(&trace).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        t.footer.is_some() && t.integrity.is_intact(),
        "{:?}",
        t.integrity
    );
    find(&t, "the command's exec", |e| {
        exec_argv(e).is_some_and(|a| a.first().is_some_and(|p| p == "sh"))
    });
}

/// Round 4's `a4_prlimit_recorder`: a root package sets the recorder's soft file-size limit
/// (prlimit64 on its parent, the recorder) below what the trace already holds, then opens
/// files, so the recorder's next write is past the limit. The recorder used to stop on the
/// SIGXFSZ and fail its footer with EFBIG, leaving only `trace.jsonl.partial`; it now raises its
/// limit back, finishes the trace whole, says in the footer which limit it found, and the
/// prlimit64 is interference: no claim holds, "No use of privileged functions" is
/// contradicted.
#[test]
fn a_file_size_limit_set_on_the_recorder_is_survived_and_is_interference() {
    let dir = TempDir::new("tamper-fsize");
    let bin = compile_c(
        dir.path(),
        "fsize",
        r#"
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>
int main(void) {
    /* The soft limit only, as round 4: raising a hard limit back needs CAP_SYS_RESOURCE,
       which the containers these tests run in may drop. */
    struct rlimit small;
    if (prlimit(getppid(), RLIMIT_FSIZE, NULL, &small) != 0) { perror("prlimit get"); return 1; }
    small.rlim_cur = 4096;
    if (prlimit(getppid(), RLIMIT_FSIZE, &small, NULL) != 0) { perror("prlimit"); return 1; }
    for (int i = 0; i < 200; i++) {
        int fd = open("/etc/hostname", O_RDONLY);
        if (fd >= 0) close(fd);
    }
    return 0;
}
"#,
        &[],
    );
    let rec = record("tamper-fsize", &["--", &bin]);
    let t = &rec.trace;
    let footer = t.footer.as_ref().expect("a footer");
    assert!(t.integrity.is_intact(), "{:?}", t.integrity);
    assert_eq!(footer.fsize_limits_found, vec![4096]);
    let opens = count_events(
        &t.events,
        |e| matches!(&e.data, EventData::Open { path, .. } if path.best() == "/etc/hostname"),
    );
    assert!(opens >= 200, "{opens} opens of /etc/hostname");
    let checks = [
        tracer::claims::Check::FileIo,
        tracer::claims::Check::PrivilegedFunctions,
    ];
    let vs = tracer::verdict::judge(t, &absent_claims("fsize", &checks)).verdicts;
    for v in &vs {
        let want = if v.claim.check == tracer::claims::Check::PrivilegedFunctions {
            tracer::verdict::Status::Contradicted
        } else {
            tracer::verdict::Status::Inconclusive
        };
        assert_eq!(v.status, want, "{}: {}", v.claim.check, v.reason);
        assert!(
            v.reason.contains("prlimit64") && v.reason.contains("RLIMIT_FSIZE"),
            "{}",
            v.reason
        );
    }
}

/// C source for a program the recorder runs: the recorder's BPF maps, from its fdinfo
/// (`/proc/PARENT/fdinfo`, the recorder being the parent of the command), by id and type:
/// `recorder_maps(ids, types, max)` gives how many, or -1 when the fdinfo cannot be read.
const RECORDER_MAPS_C: &str = r#"
#include <dirent.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
static long bpf(int cmd, union bpf_attr *a) { return syscall(SYS_bpf, cmd, a, sizeof *a); }
static int recorder_maps(unsigned *ids, unsigned *types, int max) {
    char dir[64], path[400], line[256];
    snprintf(dir, sizeof dir, "/proc/%d/fdinfo", getppid());
    DIR *d = opendir(dir);
    if (!d) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < max) {
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "r");
        if (!f) continue;
        unsigned type = 0, id = 0;
        while (fgets(line, sizeof line, f)) {
            sscanf(line, "map_type: %u", &type);
            sscanf(line, "map_id: %u", &id);
        }
        fclose(f);
        if (id) { ids[n] = id; types[n] = type; n++; }
    }
    closedir(d);
    return n;
}
"#;

/// Round 4's `a4_bpf_map_tamper`: a root package opens its recorder's BPF maps by id (from
/// `/proc/RECORDER/fdinfo`) and deletes every key of every hash map (TRACKED among them, so
/// that what it does next would not be recorded), then creates a file. The maps are frozen
/// (`record::freeze`): each delete fails with EPERM (the program exits 0 only when none
/// succeeded and some were refused), and the file's creation is in the trace.
#[test]
fn the_recorder_maps_refuse_deletes_from_userspace() {
    let dir = TempDir::new("tamper-maps");
    let bin = compile_c(
        dir.path(),
        "maptamper",
        &format!(
            "{RECORDER_MAPS_C}{}",
            r#"
#include <errno.h>
int main(int argc, char **argv) {
    unsigned ids[256], types[256];
    int n = recorder_maps(ids, types, 256), deleted = 0, refused = 0, other = 0;
    if (n < 0) { perror("fdinfo"); return 1; }
    for (int i = 0; i < n; i++) {
        union bpf_attr a;
        memset(&a, 0, sizeof a);
        a.map_id = ids[i];
        int fd = bpf(BPF_MAP_GET_FD_BY_ID, &a);
        if (fd < 0) continue;
        struct bpf_map_info info;
        memset(&info, 0, sizeof info);
        memset(&a, 0, sizeof a);
        a.info.bpf_fd = fd;
        a.info.info_len = sizeof info;
        a.info.info = (unsigned long)&info;
        if (bpf(BPF_OBJ_GET_INFO_BY_FD, &a) < 0 || info.key_size > 64) { close(fd); continue; }
        if (info.type != BPF_MAP_TYPE_HASH && info.type != BPF_MAP_TYPE_LRU_HASH) { close(fd); continue; }
        static char keys[1024][64];
        int nk = 0;
        void *prev = NULL;
        while (nk < 1024) {
            memset(&a, 0, sizeof a);
            a.map_fd = fd;
            a.key = (unsigned long)prev;
            a.next_key = (unsigned long)keys[nk];
            if (bpf(BPF_MAP_GET_NEXT_KEY, &a) < 0) break;
            prev = keys[nk++];
        }
        for (int k = 0; k < nk; k++) {
            memset(&a, 0, sizeof a);
            a.map_fd = fd;
            a.key = (unsigned long)keys[k];
            if (bpf(BPF_MAP_DELETE_ELEM, &a) == 0) deleted++;
            else if (errno == EPERM) refused++;
            else other++;
        }
        close(fd);
    }
    printf("maps %d deleted %d refused %d other %d\n", n, deleted, refused, other);
    int fd = open(argv[1], O_CREAT | O_WRONLY, 0600);
    if (fd < 0) { perror("create"); return 1; }
    close(fd);
    return deleted == 0 && refused > 0 ? 0 : 3;
}
"#
        ),
        &[],
    );
    let after = dir.join("after").display().to_string();
    let rec = record("tamper-maps", &["--", &bin, &after]);
    let t = &rec.trace;
    let footer = t.footer.as_ref().expect("a footer");
    assert_eq!(
        footer.target_exit.as_ref().and_then(|e| e.code),
        Some(0),
        "{}",
        String::from_utf8_lossy(&rec.output.stdout)
    );
    find(
        t,
        "the create after the attempt",
        |e| matches!(&e.data, EventData::Open { path, .. } if path.best() == after),
    );
}

/// A root package that gets its recorder's ring buffer (by id, from `/proc/RECORDER/fdinfo`),
/// maps the ring's consumer page (writable by whoever holds the fd) and moves the consumer
/// position up to the producer's, again and again while it opens files: the records it skipped
/// were submitted and never read. The collector sees a position it did not write and starts
/// again at the producer's, reading nothing the producer may have written over; the footer
/// counts the skipped records per kind (`ring_skipped`, also in `lost`) and says
/// `consumer_moved`, and "No notable file IO" is not held over it. (Before the collector had
/// its own reader, aya's wrote its position back over the move and re-read the records, which
/// the producer had not yet reused: the skip went unseen on a busy machine.)
#[test]
fn a_moved_ring_consumer_is_counted_not_silent() {
    use tracer::{
        claims::Check,
        verdict::{Status, judge},
    };
    let dir = TempDir::new("tamper-ring");
    let bin = compile_c(
        dir.path(),
        "ringskip",
        &format!(
            "{RECORDER_MAPS_C}{}",
            r#"
#include <sys/mman.h>
int main(int argc, char **argv) {
    unsigned ids[256], types[256];
    int n = recorder_maps(ids, types, 256), ring = -1;
    if (n < 0) { perror("fdinfo"); return 1; }
    for (int i = 0; i < n && ring < 0; i++) {
        if (types[i] != BPF_MAP_TYPE_RINGBUF) continue;
        union bpf_attr a;
        memset(&a, 0, sizeof a);
        a.map_id = ids[i];
        ring = bpf(BPF_MAP_GET_FD_BY_ID, &a);
    }
    if (ring < 0) { fprintf(stderr, "no ring\n"); return 1; }
    long page = sysconf(_SC_PAGESIZE);
    volatile unsigned long *consumer = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, ring, 0);
    volatile unsigned long *producer = mmap(NULL, page, PROT_READ, MAP_SHARED, ring, page);
    if (consumer == MAP_FAILED || producer == MAP_FAILED) { perror("mmap"); return 1; }
    int moved = 0;
    for (int round = 0; round < 300; round++) {
        for (int i = 0; i < 20; i++) {
            int fd = open(argv[1], O_RDONLY);
            if (fd >= 0) close(fd);
        }
        unsigned long p = *producer;
        if (*consumer != p) { *consumer = p; moved++; }
    }
    // Until the recorder has caught up again (it is where the producer is after a new record),
    // so that the create below is not skipped with the rest.
    for (int i = 0; i < 250; i++) {
        int fd = open(argv[1], O_RDONLY);
        if (fd >= 0) close(fd);
        usleep(20000);
        if (*consumer == *producer) break;
    }
    int fd = open(argv[2], O_CREAT | O_WRONLY, 0600);
    if (fd >= 0) close(fd);
    printf("moved %d\n", moved);
    return moved > 0 ? 0 : 3;
}
"#
        ),
        &[],
    );
    let after = dir.join("after").display().to_string();
    let rec = record("tamper-ring", &["--", &bin, "/etc/hostname", &after]);
    let out = String::from_utf8_lossy(&rec.output.stdout).into_owned();
    let t = &rec.trace;
    let footer = t.footer.as_ref().expect("a footer");
    assert_eq!(
        footer.target_exit.as_ref().and_then(|e| e.code),
        Some(0),
        "the program moved the consumer: {out}"
    );
    assert!(footer.consumer_moved, "{out}: {footer:?}");
    let skipped = footer.ring_skipped.values().sum::<u64>();
    assert!(skipped > 0, "{:?}", footer.ring_skipped);
    // The collector read nothing the producer had written over: no record failed to decode.
    assert_eq!(footer.malformed, 0, "{footer:?}");
    // Every open the program made (6000 of /etc/hostname, then the create) is in the trace or
    // counted as skipped.
    let opens = footer.events.get("open").copied().unwrap_or(0);
    let skipped_opens = footer.ring_skipped.get("open").copied().unwrap_or(0);
    assert!(
        opens + skipped_opens > 6000,
        "{opens} opens recorded, {skipped_opens} skipped"
    );
    // The reader goes on after the last move: the create that follows it is recorded.
    find(
        t,
        "the create after the moves",
        |e| matches!(&e.data, EventData::Open { path, .. } if path.best() == after),
    );
    for (kind, n) in &footer.ring_skipped {
        assert!(
            footer.lost.get(kind).copied().unwrap_or(0) >= *n,
            "skipped {kind} records are counted as lost: {:?}",
            footer.lost
        );
    }
    let claims = absent_claims("tamper-ring", &[Check::FileIo]);
    let v = judge(t, &claims)
        .verdicts
        .into_iter()
        .find(|v| v.claim.check == Check::FileIo)
        .expect("judged");
    assert_ne!(v.status, Status::Held, "{}", v.reason);
}
