//! Verdicts on rounds 2 and 3 of the adversarial corpus (tests/adversarial/round2, round3): the traces the
//! harness recorded of techniques whose action is in the trace, judged with the harness's own
//! claims files. Before the rules below, `tracer check` said "held" on each of them although
//! the program did what the claim denies; a held verdict here is an evasion come back.
//!
//! The traces are real recordings (`fixtures/round2/NAME.jsonl.gz`, `fixtures/round3/…` and
//! `fixtures/round5/…`, `fixtures/round7/…`, `fixtures/round8/…`, `fixtures/round9/…`,
//! `fixtures/round11/…`, made by `tests/adversarial/run.py --round 2`, `3`, `5`, `7`, `8`, `9`
//! or `11`), not
//! hand-made events. Round 5's are of techniques the recorder missed until setsockopt, a
//! sendmsg's source route and the mlock calls were hooked (the `sockopt` and `mlock` kinds).

use std::path::{Path, PathBuf};

use tracer::{
    claims::{self, merge, read_claims_file},
    trace::read_trace,
    verdict::{Status, Verdict, judge},
};

/// A technique's round is the digit after its category letter (`f3_…` is round 3's).
fn fixture(name: &str) -> PathBuf {
    let round = match name.get(1..2) {
        Some("1") if name.get(2..3) == Some("1") => "round11",
        Some("3") => "round3",
        Some("5") => "round5",
        Some("7") => "round7",
        Some("8") => "round8",
        Some("9") => "round9",
        _ => "round2",
    };
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(round)
        .join(name)
}

/// The verdict per claim of the technique `name`, as `check=status`.
fn verdicts(name: &str) -> Vec<Verdict> {
    let trace = read_trace(&fixture(&format!("{name}.jsonl.gz")))
        .unwrap_or_else(|e| panic!("fixture {name}: {e}"));
    let file = read_claims_file(&fixture(&format!("{name}.claims.toml")))
        .unwrap_or_else(|e| panic!("claims of {name}: {e}"));
    // A claims file alone, as `tracer check --claims FILE` without a review reads it.
    let set = merge(claims::extract(""), file);
    judge(&trace, &set).verdicts
}

fn status(name: &str, check: &str) -> Verdict {
    verdicts(name)
        .into_iter()
        .find(|v| serde_json::to_value(v.claim.check).unwrap() == check)
        .unwrap_or_else(|| panic!("{name}: no {check} claim"))
}

#[track_caller]
fn assert_status(name: &str, check: &str, want: Status) {
    let v = status(name, check);
    assert_eq!(
        v.status, want,
        "{name} {check}: {:?} ({}), gaps {:?}, evidence {:?}",
        v.status, v.reason, v.gaps, v.evidence
    );
}

#[test]
fn a_program_named_like_the_harness_is_still_the_package() {
    // A copy of itself named `dpkg` fork+execs /bin/true: the package's spawn.
    assert_status("p2_exec_as_dpkg", "processes_spawned", Status::Contradicted);
}

#[test]
fn exec_in_place_of_another_program_is_a_spawn() {
    assert_status(
        "p2_exec_in_place",
        "processes_spawned",
        Status::Contradicted,
    );
    assert_status(
        "p2_thread_exec_after_leader_exit",
        "processes_spawned",
        Status::Contradicted,
    );
}

#[test]
fn proc_self_root_is_the_path_under_it() {
    // /proc/self/root/tmp/… is /tmp/…: a temp file, and file IO outside the package's dirs.
    assert_status("f2_proc_self_root", "file_io", Status::Contradicted);
    assert_status("f2_proc_self_root", "temp_files", Status::Contradicted);
}

#[test]
fn paths_through_fd_links_are_not_allowlisted() {
    for name in ["f2_proc_fd_dir", "f2_dev_fd_reopen"] {
        assert_status(name, "file_io", Status::Inconclusive);
        assert_status(name, "temp_files", Status::Inconclusive);
    }
}

#[test]
fn paths_whose_base_another_process_can_change_are_not_placed() {
    // clone(CLONE_FILES) / clone(CLONE_FS) without CLONE_THREAD: a relative path's base may
    // have moved between the recorded calls.
    assert_status("f2_clone_files_dup2", "file_io", Status::Inconclusive);
    assert_status("f2_clone_fs_chdir", "file_io", Status::Inconclusive);
}

#[test]
fn resolve_in_root_chroot_and_mounts_move_paths() {
    assert_status("f2_openat2_in_root", "file_io", Status::Inconclusive);
    // chroot(real dir): the allowed dir's absolute path names a file under the real dir.
    let v = status("f2_chroot_decoy", "file_io");
    assert_eq!(v.status, Status::Contradicted, "{}", v.reason);
    assert!(
        v.evidence.shown.iter().any(|i| i
            .what
            .contains("rtm2_real_chroot/tmp/redteam-adv/allowed/data.txt")),
        "{:?}",
        v.evidence
    );
    // A bind mount of the real dir over the allowed one: the allowed path names the real dir.
    assert_status("f2_bind_mount_decoy", "file_io", Status::Contradicted);
}

#[test]
fn a_hard_link_to_an_outside_file_is_notable() {
    assert_status("f2_hardlink_write", "file_io", Status::Contradicted);
}

#[test]
fn af_unspec_addresses_on_inet_sockets_are_inet() {
    assert_status(
        "n2_sendto_unspec",
        "outgoing_destinations",
        Status::Contradicted,
    );
    assert_status("n2_bind_unspec_any", "opens_port", Status::Contradicted);
    assert_status(
        "n2_bind_unspec_any",
        "external_endpoint",
        Status::Contradicted,
    );
}

#[test]
fn listen_on_a_never_bound_socket_opens_a_port() {
    assert_status("n2_listen_autobind", "opens_port", Status::Contradicted);
    assert_status(
        "n2_listen_autobind",
        "external_endpoint",
        Status::Contradicted,
    );
}

#[test]
fn setcap_and_pr_set_mm_are_privileged() {
    assert_status(
        "c2_setcap_xattr",
        "privileged_functions",
        Status::Contradicted,
    );
    let v = status("c2_prctl_set_mm", "privileged_functions");
    assert_eq!(v.status, Status::Contradicted, "{}", v.reason);
    assert!(
        v.evidence
            .shown
            .iter()
            .any(|i| i.what.contains("PR_SET_MM")),
        "{:?}",
        v.evidence
    );
}

#[test]
fn the_trace_file_by_another_name_is_interference() {
    for name in ["a2_trace_write_procfd", "a2_trace_hardlink"] {
        assert_status(name, "privileged_functions", Status::Contradicted);
    }
}

#[test]
fn a_stop_signal_from_a_package_process_is_interference() {
    // pidfd_send_signal(SIGINT) to the recorder: no signal event, but the footer's sender
    // (kill: the kernel wrote the pid) is a package process.
    let v = status("a2_pidfd_stop_recorder", "privileged_functions");
    assert_eq!(v.status, Status::Contradicted, "{}", v.reason);
}

/// Calls a capability gates only for some arguments: each was made (or attempted: EPERM on the
/// host where they were recorded counts) with the privileged ones, and is named in the
/// evidence with the capability it needs.
#[test]
fn calls_privileged_by_their_arguments_are_privileged() {
    for (name, what) in [
        ("c2_sched_fifo", "SCHED_FIFO"),
        ("c2_sched_fifo", "nice -10"),
        ("c2_prlimit_raise", "RLIMIT_NOFILE hard"),
        ("c2_clone3_set_tid", "set_tid"),
        ("c2_netlink_addr", "RTM_NEWADDR"),
        ("c2_ioctl_sifmtu", "SIOCSIFMTU"),
        ("c2_fanotify_init", "fanotify_init"),
    ] {
        let v = status(name, "privileged_functions");
        assert_eq!(v.status, Status::Contradicted, "{name}: {}", v.reason);
        assert!(
            v.evidence.shown.iter().any(|i| i.what.contains(what)),
            "{name}: {what} not in {:?}",
            v.evidence
        );
    }
}

/// A crash while `kernel.core_pattern` pipes core dumps to a program: the kernel runs that
/// program outside the recorded tree, so "no processes spawned" cannot hold over it.
#[test]
fn a_crash_under_a_pipe_core_pattern_may_have_spawned() {
    let v = status("p2_core_pattern_helper", "processes_spawned");
    assert_eq!(v.status, Status::Inconclusive, "{}", v.reason);
    assert!(
        v.reason.contains("SIGSEGV") && v.reason.contains("core_pattern"),
        "{}",
        v.reason
    );
}

/// process_vm_writev into another process: a ptrace POKE by another door (privileged, and
/// interference when the target is the recorder), and a file change no file call shows when
/// the target maps a file shared (file IO cannot hold).
#[test]
fn process_vm_writev_is_privileged_and_a_file_io_gap() {
    let v = status("a2_pvw_recorder", "privileged_functions");
    assert_eq!(v.status, Status::Contradicted, "{}", v.reason);
    let v = status("f2_pvw_into_mapping", "file_io");
    assert_eq!(v.status, Status::Inconclusive, "{}", v.reason);
    assert!(v.reason.contains("process_vm_writev"), "{}", v.reason);
}

/// A packet socket is networking, and the frames it writes name no destination any event
/// shows: "only connects to …" cannot hold over it.
#[test]
fn a_packet_socket_is_networking_to_unknown_destinations() {
    assert_status("n2_packet_write", "networking", Status::Contradicted);
    assert_status(
        "n2_packet_write",
        "outgoing_destinations",
        Status::Inconclusive,
    );
}

/// A connect whose address another thread rewrote while it waited is flagged
/// `args_changed`: the destination claim cannot hold on it.
#[test]
fn a_connect_address_rewritten_while_it_waited_is_a_gap() {
    assert_status(
        "n2_connect_toctou_tcp",
        "outgoing_destinations",
        Status::Inconclusive,
    );
}

/// Round 3's two evasions (tests/adversarial/round3/RESULTS.md): an overlay with an outside
/// upper dir mounted over the allowed directory, and a key read from /dev/hwrng.
#[test]
fn round3_overlay_decoy_and_hwrng_are_not_held() {
    let v = status("f3_overlay_decoy", "file_io");
    assert_eq!(v.status, Status::Inconclusive, "{}", v.reason);
    assert!(
        v.gaps.iter().any(|g| g.contains("overlay")),
        "the gap names the overlay: {:?}",
        v.gaps
    );
    let v = status("x3_dev_hwrng", "crypto");
    assert_eq!(v.status, Status::Contradicted, "{}", v.reason);
    assert!(
        v.evidence
            .shown
            .iter()
            .any(|i| i.what.contains("/dev/hwrng")),
        "{:?}",
        v.evidence
    );
}

/// Round 3's gaps stay gaps: a `move_mount` of an fd over the allowed directory, and a
/// write-open through /proc/self/map_files, name no host file.
#[test]
fn round3_unplaced_paths_stay_inconclusive() {
    assert_status("f3_open_tree_decoy", "file_io", Status::Inconclusive);
    assert_status("f3_map_files_reopen", "file_io", Status::Inconclusive);
}

/// Round 5's misses, recorded since the `sockopt` and `mlock` kinds: capability-gated socket
/// options, TCP-MD5 (kernel crypto), an LSRR source route whose first hop is not allowed, an
/// mlock of 32 MiB under an 8 MiB RLIMIT_MEMLOCK. Each held before.
#[test]
fn round5_socket_options_routes_and_memory_locks_contradict() {
    assert_status(
        "c5_setsockopt_caps",
        "privileged_functions",
        Status::Contradicted,
    );
    assert_status("x5_tcp_md5sig", "crypto", Status::Contradicted);
    assert_status(
        "c5_mlock_over_limit",
        "privileged_functions",
        Status::Contradicted,
    );
    let v = status("n5_lsrr_first_hop", "outgoing_destinations");
    assert_eq!(v.status, Status::Contradicted, "{}", v.reason);
    assert!(
        v.evidence
            .shown
            .iter()
            .any(|i| i.what.contains("goes to 127.0.0.3 first")),
        "{:?}",
        v.evidence
    );
}

/// Round 5's network misses closed in 2026-12 (recorded then with `run.py --round 5 --only`): a
/// UDP socket autobound to port 80 by its first sendto in a namespace whose
/// `ip_local_port_range` is "80 80" (the `autobind` bind record), and a run that joins a cgroup
/// with a connect hook attached before the recording (its write to the cgroup's `cgroup.procs`:
/// that cgroup's programs were never listed). Each held before.
#[test]
fn round5_udp_autobind_and_a_move_into_a_hooked_cgroup() {
    for check in ["opens_port", "external_endpoint", "privileged_ports"] {
        let v = status("n5_udp_autobind_port80", check);
        assert_eq!(v.status, Status::Contradicted, "{check}: {}", v.reason);
        assert!(
            v.evidence
                .shown
                .iter()
                .any(|i| i.what.contains("autobind to 0.0.0.0:80")),
            "{check}: {:?}",
            v.evidence
        );
    }
    let v = status("n5_bpf_connect_preattached", "outgoing_destinations");
    assert_eq!(v.status, Status::Inconclusive, "{}", v.reason);
    assert!(
        v.reason.contains("cgroup.procs for writing")
            || v.evidence
                .shown
                .iter()
                .any(|i| i.what.contains("cgroup.procs for writing")),
        "{} {:?}",
        v.reason,
        v.evidence
    );
}

/// Round 7's two wrong holds the recorder had the facts for (tests/adversarial/round7): a
/// sendmmsg of 64 datagrams whose 50th went to another address (the record names the first
/// destination and is flagged `path_truncated`), and a file fd received with an io_uring
/// recvmsg and written through with io_uring (no `fd_received` for it). Both held before.
#[test]
fn round7_cut_batches_and_ring_receipts_are_gaps() {
    let v = status("n7_sendmmsg_deep", "outgoing_destinations");
    assert_eq!(v.status, Status::Inconclusive, "{}", v.reason);
    assert!(
        v.gaps.iter().any(|g| g.contains("path_truncated")),
        "{:?}",
        v.gaps
    );
    let v = status("f7_uring_recvmsg_scm_file", "file_io");
    assert_eq!(v.status, Status::Inconclusive, "{}", v.reason);
    assert!(
        v.gaps.iter().any(|g| g.contains("io_uring recvmsg")),
        "{:?}",
        v.gaps
    );
}

/// Round 7's `c7_process_madvise`, held until process_madvise was hooked: MADV_PAGEOUT on a
/// child's memory through a pidfd (another process: CAP_SYS_NICE). The child is named from the
/// `pidfd_open` that made the fd.
#[test]
fn round7_process_madvise_on_another_process_is_privileged() {
    let v = status("c7_process_madvise", "privileged_functions");
    assert_eq!(v.status, Status::Contradicted, "{}", v.reason);
    assert!(
        format!("{v:?}").contains("process_madvise"),
        "the evidence names the call: {v:?}"
    );
}

/// Round 8's crypto holds. `x8_sha256_lowlevel` hashes and encrypts with OpenSSL's low-level
/// `SHA256_Init`/`AES_set_encrypt_key`, which no uprobe watches: the code scan lists the
/// program's crypto imports, and the unwatched ones make the claim inconclusive, named.
/// `x8_encrypted_key` has the kernel make and AES-encrypt a key (`add_key` of type
/// `encrypted`): crypto asked for, as for a library call.
#[test]
fn round8_unwatched_crypto_imports_and_kernel_encrypted_keys() {
    let v = status("x8_sha256_lowlevel", "crypto");
    assert_eq!(v.status, Status::Inconclusive, "{}", v.reason);
    assert!(
        v.gaps
            .iter()
            .any(|g| g.contains("imports") && g.contains("SHA256_Init")),
        "{:?}",
        v.gaps
    );
    let v = status("x8_encrypted_key", "crypto");
    assert_eq!(v.status, Status::Contradicted, "{}", v.reason);
}

/// Round 9: a file written by a relative path whose base the recorder named across a chroot
/// (a cwd left outside the new root, a dirfd opened before it), under a bind unmounted since
/// (the dirfd names the bind's files, the kernel walk names them from the detached mount's
/// top), that the kernel walk could not name (a dirfd opened through a symlink to a
/// directory 70 levels deep), or that went through `/proc/self/fd/N/` of a dirfd a daemon
/// moved (an absolute path, not walked, named by the fd's old name). Each file lands outside the allowed dir while every name in the
/// trace is, or is placed, inside it: these claims were held. The bind left mounted is placed
/// by the checker's mount view, and is no evasion either way.
#[test]
fn relative_paths_across_chroots_mounts_and_unnamed_walks_are_not_held() {
    for name in [
        "f9_chroot_cwd_outside",
        "f9_chroot_dirfd_outside",
        "f9_umount_detached_dirfd",
        "f9_deep_symlinked_dir",
        "f9_procfd_stale_dirfd",
    ] {
        assert_status(name, "file_io", Status::Inconclusive);
    }
    assert_ne!(
        status("f9_bind_over_allowed", "file_io").status,
        Status::Held
    );
}

/// Issue 11: round 9's symlink techniques (a mkdirat, fchmodat or renameat through `lnk/x`,
/// `lnk/../x`, or a chmod's followed last link, from a dirfd of the allowed dir to a
/// directory outside), recorded with the recorder's host lookup: each is placed where it
/// landed (`looked_up`), outside the allowed dir. Held before it, the name being the
/// directory walked joined by letters.
#[test]
fn calls_through_a_symlink_past_the_walked_dir_land_outside() {
    for name in [
        "f9_symlink_dir_mkdirat",
        "f9_symlink_dir_fchmodat",
        "f9_symlink_leaf_fchmodat",
        "f9_symlink_dir_rename_src",
        "f9_symlink_dotdot_mkdirat",
    ] {
        assert_status(name, "file_io", Status::Contradicted);
        let v = status(name, "file_io");
        assert!(
            v.evidence
                .shown
                .iter()
                .any(|e| e.what.contains("/tmp/redteam-adv9/rtm9_real_")),
            "{name}: the evidence names the place outside: {:?}",
            v.evidence
        );
    }
}

/// Round 11's capability-gated calls: open_by_handle_at (CAP_DAC_READ_SEARCH), a SIGTERM to a
/// process of nobody started outside the trace (CAP_KILL, judged by the ids the kernel side
/// read from the target), a chown to nobody (CAP_CHOWN), a timerfd on CLOCK_BOOTTIME_ALARM
/// (CAP_WAKE_ALARM), FIBMAP (CAP_SYS_RAWIO), F_SETPIPE_SZ past pipe-max-size refused with
/// EPERM (CAP_SYS_RESOURCE) and a raw IPPROTO_RAW socket (CAP_NET_RAW). All held "No use of
/// privileged functions" before. The raw socket's IP_HDRINCL send went where its own header
/// said: "only to 127.0.0.1" is inconclusive, not held.
#[test]
fn capability_gated_calls_are_privileged() {
    for (name, needle) in [
        ("c11_open_by_handle_cap", "CAP_DAC_READ_SEARCH"),
        ("c11_kill_other_user", "(CAP_KILL)"),
        ("c11_chown_other", "to owner 65534 (CAP_CHOWN)"),
        ("c11_wake_alarm_timer", "CLOCK_BOOTTIME_ALARM"),
        ("c11_fibmap_rawio", "FIBMAP"),
        ("c11_pipe_size_resource", "F_SETPIPE_SZ"),
        ("n11_raw_hdrincl_daddr", "SOCK_RAW (CAP_NET_RAW)"),
    ] {
        let v = status(name, "privileged_functions");
        assert_eq!(v.status, Status::Contradicted, "{name}: {}", v.reason);
        assert!(
            v.evidence.shown.iter().any(|e| e.what.contains(needle)),
            "{name}: {needle} not in {:?}",
            v.evidence
        );
    }
    assert_status(
        "n11_raw_hdrincl_daddr",
        "outgoing_destinations",
        Status::Inconclusive,
    );
}
