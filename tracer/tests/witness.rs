//! The witness rule on saved traces: a claim is "held" only when what it is about ran (a
//! daemon past start-up, the maintainer script, the timer's service), one test per claim
//! family, with `Exercised` records as `vm check` writes them (exercised.json).

mod edited;

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use tracer::{
    claims::{Allow, Check, Claim, ClaimSet, Expect, Package, Source},
    trace::{EventData, Trace, read_trace},
    verdict::{
        Status, Verdict, judge,
        witness::{self, Exercised, Family, PhaseWindow},
    },
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn trace(name: &str) -> Trace {
    read_trace(&fixture(name)).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

fn review_claim(check: Check, expect: Expect, text: &str) -> Claim {
    Claim {
        id: "C1".into(),
        check,
        expect,
        source: Source::Review {
            line: 1,
            text: text.into(),
            also_lines: Vec::new(),
        },
        allow: Allow::default(),
    }
}

fn package(name: &str) -> Package {
    Package {
        name: Some(name.into()),
        ..Package::default()
    }
}

/// A failed install (apt-get exited 100 at 12:00:`install_end`) and the purge after it (from
/// 12:00:`purge_start` to 12:00:02), as phases.jsonl gives them.
fn failed_install_phases(install_end: &str, purge_start: &str) -> Vec<tracer::vm::check::Phase> {
    let line = |phase: &str, event: &str, time: &str, status: &str| {
        format!(
            r#"{{"phase":"{phase}","event":"{event}","time":"2026-11-23T12:00:{time}000000Z","status":{status},"trace":{}}}"#,
            if event == "end" {
                r#""trace.jsonl""#
            } else {
                "null"
            }
        )
    };
    let text = [
        line("install", "start", "00.000", "null"),
        line("install", "end", install_end, "100"),
        line("purge", "start", purge_start, "null"),
        line("purge", "end", "02.000", "0"),
    ]
    .join("\n");
    tracer::vm::check::phases_from_text(&text)
}

/// The claim judged on the trace, then the witness rule applied with `ex`.
fn judged(trace: &Trace, package: Package, claim: Claim, ex: &Exercised) -> (Verdict, Verdict) {
    let set = ClaimSet {
        package: package.clone(),
        claims: vec![claim],
        not_checkable: Vec::new(),
        unrecognised: Vec::new(),
    };
    let mut j = judge(trace, &set);
    let before = j.verdicts[0].clone();
    witness::apply(&mut j, trace, &package, ex);
    (before, j.verdicts.remove(0))
}

/// Asserts that the claim is held on the trace alone, and "not exercised" with the witness
/// rule and `ex`, for a reason that says `why`.
fn held_then_not_exercised(
    trace: &Trace,
    package: Package,
    claim: Claim,
    ex: &Exercised,
    why: &str,
) {
    let (before, after) = judged(trace, package, claim, ex);
    assert_eq!(before.status, Status::Held, "{}", before.reason);
    assert_eq!(after.status, Status::NotExercised, "{}", after.reason);
    assert!(after.reason.contains(why), "{}", after.reason);
}

fn window(phase: &str, start: &str, end: &str) -> PhaseWindow {
    PhaseWindow {
        phase: phase.into(),
        start: start.into(),
        end: Some(end.into()),
    }
}

/// The quiet daemon's trace (12:00:00.010–.080) as a start phase and an exercise.
fn quiet_phases() -> Vec<PhaseWindow> {
    vec![
        window(
            "start",
            "2026-11-23T12:00:00.000000000Z",
            "2026-11-23T12:00:00.040000000Z",
        ),
        window(
            "exercise",
            "2026-11-23T12:00:00.040000001Z",
            "2026-11-23T12:00:01.000000000Z",
        ),
    ]
}

#[test]
fn an_endpoint_claim_needs_the_daemon_past_start_up() {
    let t = trace("fixture-quiet.jsonl");
    let c = review_claim(
        Check::ExternalEndpoint,
        Expect::Absent,
        "No external endpoints",
    );
    assert_eq!(witness::family(&c), Family::NetworkEndpoint);
    // The daemon's unit failed: nothing listening is no evidence of anything.
    let failed = Exercised {
        phases: quiet_phases(),
        failed_units: vec!["quietd.service".into()],
        ..Exercised::default()
    };
    held_then_not_exercised(
        &t,
        package("quietd"),
        c.clone(),
        &failed,
        "no daemon of the package ran past start-up (quietd.service failed to start)",
    );
    // It ran past start-up: held, saying so, and the phases its events fell in are listed.
    let ran = Exercised {
        phases: quiet_phases(),
        ran_past_startup: vec!["quietd.service".into()],
        ..Exercised::default()
    };
    let (_, after) = judged(&t, package("quietd"), c, &ran);
    assert_eq!(after.status, Status::Held, "{}", after.reason);
    assert!(
        after
            .reason
            .contains("witness: quietd.service ran past start-up"),
        "{}",
        after.reason
    );
    assert_eq!(after.covered_by, ["start", "exercise"]);
}

/// fixture-install with the postinst's `chmod masakari:masakari FILE` made the `chown` it
/// meant: the packaging as fixed.
fn fixed_install() -> Trace {
    let mut t = trace("fixture-install.jsonl");
    let mut fixed = 0;
    for e in &mut t.events {
        if let EventData::Exec { argv, .. } = &mut e.data
            && argv.first().is_some_and(|a| a == "chmod")
        {
            argv[0] = "chown".into();
            fixed += 1;
        }
    }
    assert_eq!(fixed, 1, "the fixture's one chmod");
    t
}

fn install_phases() -> Vec<PhaseWindow> {
    vec![window(
        "install",
        "2026-11-23T12:00:00.000000000Z",
        "2026-11-23T12:00:01.000000000Z",
    )]
}

#[test]
fn a_maintainer_script_claim_needs_that_script_to_have_run() {
    let t = fixed_install();
    let text =
        "there appears to be a typo in the postinst script which uses chmod instead of chown";
    let mixup = review_claim(Check::ChmodChownMixup, Expect::Present, text);
    assert_eq!(
        witness::family(&mixup),
        Family::MaintainerScript(Some("postinst"))
    );
    let mut scripts = BTreeMap::new();
    scripts.insert(
        "install".to_owned(),
        vec!["masakari-engine.postinst configure".to_owned()],
    );
    let ran = Exercised {
        phases: install_phases(),
        maintainer_scripts: scripts,
        ..Exercised::default()
    };
    // The postinst ran and its chown is right: the review's finding is not in this version,
    // and the postinst's own command is the evidence.
    let (before, after) = judged(&t, package("masakari"), mixup.clone(), &ran);
    assert_eq!(before.status, Status::NotExercised, "{}", before.reason);
    assert_eq!(after.status, Status::Contradicted, "{}", after.reason);
    assert!(
        after.reason.starts_with(
            "masakari-engine.postinst configure in install ran, and none of the 1 such"
        ),
        "{}",
        after.reason
    );
    let shown: Vec<&str> = after
        .evidence
        .shown
        .iter()
        .map(|e| e.what.as_str())
        .collect();
    assert_eq!(
        shown,
        ["chown masakari:masakari /var/lib/masakari/masakari.sqlite"]
    );
    assert_eq!(after.covered_by, ["install"]);

    // The postinst never ran (only a preinst did): not exercised, saying which script.
    let mut scripts = BTreeMap::new();
    scripts.insert(
        "install".to_owned(),
        vec!["masakari-engine.preinst install".to_owned()],
    );
    let other = Exercised {
        phases: install_phases(),
        maintainer_scripts: scripts,
        ..Exercised::default()
    };
    let absent = review_claim(Check::ChmodChownMixup, Expect::Absent, text);
    held_then_not_exercised(
        &t,
        package("masakari"),
        absent.clone(),
        &other,
        "the package's postinst never ran",
    );
    let (_, after) = judged(&t, package("masakari"), absent, &ran);
    assert_eq!(after.status, Status::Held, "{}", after.reason);

    // The mix-up itself, seen: held by its own event, whatever the record says.
    let (_, after) = judged(
        &trace("fixture-install.jsonl"),
        package("masakari"),
        mixup,
        &other,
    );
    assert_eq!(after.status, Status::Held, "{}", after.reason);
}

#[test]
fn a_timer_claim_needs_the_timer_service_to_have_run() {
    let t = trace("fixture-quiet.jsonl");
    let c = review_claim(
        Check::FileIo,
        Expect::Absent,
        "The daily timer writes nothing outside its own directory",
    );
    assert_eq!(witness::family(&c), Family::Timer);
    // Claims about what the install put on disk are read from the contents manifest: "installs
    // no timers" (lighttpd's review) was "not exercised" because no timer's service ran,
    // which a package without timers can never have.
    for check in [Check::InstallsTimers, Check::InstallsCronJobs] {
        let c = review_claim(
            check,
            Expect::Absent,
            "Installs one systemd service and no timers or cron jobs",
        );
        assert_eq!(witness::family(&c), Family::Other, "{check:?}");
    }
    let none = Exercised {
        phases: quiet_phases(),
        ran_past_startup: vec!["quietd.service".into()],
        ..Exercised::default()
    };
    held_then_not_exercised(
        &t,
        package("quietd"),
        c.clone(),
        &none,
        "no timer's service of the package ran",
    );
    let fired = Exercised {
        timer_services_run: vec!["quietd-clean.service".into()],
        ..none
    };
    let (_, after) = judged(&t, package("quietd"), c, &fired);
    assert_eq!(after.status, Status::Held, "{}", after.reason);
    assert!(
        after.reason.contains("quietd-clean.service ran"),
        "{}",
        after.reason
    );
}

#[test]
fn a_daemon_claim_about_a_unit_that_never_started_is_not_exercised() {
    let t = trace("fixture-quiet.jsonl");
    let c = review_claim(Check::TempFiles, Expect::Absent, "No use of temp files");
    assert_eq!(witness::family(&c), Family::Daemon);
    let failed = Exercised {
        phases: quiet_phases(),
        failed_units: vec!["quietd.service".into()],
        ..Exercised::default()
    };
    held_then_not_exercised(
        &t,
        package("quietd"),
        c,
        &failed,
        "quietd.service failed to start",
    );
}

#[test]
fn other_claims_and_runs_without_a_record_are_unchanged() {
    let t = trace("fixture-quiet.jsonl");
    let c = review_claim(Check::TempFiles, Expect::Absent, "No use of temp files");
    assert_eq!(witness::family(&c), Family::Daemon);
    let (before, after) = judged(&t, package("quietd"), c, &Exercised::default());
    assert_eq!(before.status, after.status);
    assert_eq!(before.reason, after.reason);
    // No phases known: nothing to list.
    assert!(after.covered_by.is_empty());
}

#[test]
fn exercised_json_is_read_back() {
    let ex = Exercised {
        phases: quiet_phases(),
        ran_past_startup: vec!["a.service".into()],
        ..Exercised::default()
    };
    let text = serde_json::to_string(&ex).unwrap();
    let back: Exercised = serde_json::from_str(&text).unwrap();
    assert_eq!(back, ex);
    assert_eq!(
        ex.phase_at("2026-11-23T12:00:00.050000000Z"),
        Some("exercise")
    );
    assert_eq!(ex.phase_at("2026-11-23T13:00:00.000000000Z"), None);
}

/// The report's coverage table and failure lines (`vm check`'s run section), from a run's
/// files as the guest writes them and the install fixture's maintainer scripts.
#[test]
fn coverage_table_and_failures_snapshot() {
    use tracer::vm::{check::phases_from_text, exercise};
    let mark = |phase: &str, event: &str, time: &str, extra: &str| {
        format!(
            "{{\"phase\":\"{phase}\",\"event\":\"{event}\",\"time\":\"2026-11-23T12:00:{time}Z\",\"status\":0,\"trace\":null{extra}}}\n"
        )
    };
    let mut text = String::new();
    for (phase, a, b) in [
        ("install", "00.000", "00.200"),
        ("start", "00.201", "00.300"),
        ("exercise", "00.301", "01.000"),
        ("reload", "01.001", "01.100"),
        ("restart", "01.101", "01.200"),
        ("trigger", "01.201", "01.300"),
        ("stop", "01.301", "01.400"),
    ] {
        text.push_str(&mark(phase, "start", a, ""));
        if phase == "exercise" {
            text.push_str(&mark("autopkgtest:smoke", "start", "00.400", ""));
            text.push_str(&mark(
                "autopkgtest:smoke",
                "end",
                "00.500",
                ",\"result\":\"pass\"",
            ));
        }
        text.push_str(&mark(phase, "end", b, ""));
    }
    let phases = phases_from_text(&text);
    let steps = exercise::steps_from_text(concat!(
        r#"{"unit":"masakari-engine.service","step":"start","status":0,"timed_out":false,"state":"active","result":"success","time":"t"}"#,
        "\n",
        r#"{"unit":"masakari-wait.service","step":"start","status":124,"timed_out":true,"state":"inactive","result":"success","time":"t"}"#,
        "\n",
        r#"{"unit":"masakari-engine.service","step":"reload","status":0,"timed_out":false,"state":"active","result":"success","time":"t"}"#,
        "\n",
        r#"{"unit":"masakari-engine.service","step":"restart","status":0,"timed_out":false,"state":"active","result":"success","time":"t"}"#,
        "\n",
        r#"{"unit":"masakari-clean.service","step":"trigger","status":0,"timed_out":false,"state":"inactive","result":"success","time":"t"}"#,
        "\n",
        r#"{"unit":"masakari.socket","step":"connect","status":0,"timed_out":false,"state":"active","result":"","time":"t","target":"tcp:127.0.0.1:15868"}"#,
        "\n",
        r#"{"unit":"masakari-bus.service","step":"activate","status":0,"timed_out":false,"state":"active","result":"success","time":"t","target":"dbus:org.example.Masakari"}"#,
        "\n",
    ));
    let states =
        "exercise masakari-engine.service active 910\nexercise masakari-wait.service inactive 0\n";
    // The postinst as the kernel shows a `#!/bin/sh -e` script's exec: the interpreter's argv.
    let mut t = trace("fixture-install.jsonl");
    for e in &mut t.events {
        if let EventData::Exec { argv, .. } = &mut e.data
            && argv.first().is_some_and(|a| a.ends_with(".postinst"))
        {
            let script = argv[0].clone();
            *argv = ["/bin/sh", "-e", &script, "configure", ""]
                .map(str::to_owned)
                .to_vec();
        }
    }
    let cov = exercise::Coverage::build(&steps, states, &phases, &t, &|_| true);
    assert_eq!(cov.ran_past_startup, ["masakari-engine.service"]);
    let dir = std::env::temp_dir().join(format!("tracer-witness-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("unit-journal")).unwrap();
    std::fs::write(
        dir.join("unit-journal/masakari-wait.service.start.txt"),
        "2026-11-23T12:00:00+0000 guest masakari-wait[99]: waiting for the database\n",
    )
    .unwrap();
    let failures = exercise::failures(&dir, &steps);
    let _ = std::fs::remove_dir_all(&dir);
    insta::assert_snapshot!(format!(
        "{}{}",
        exercise::failures_section(&failures),
        cov.table()
    ));
    // What the witness is given: the same run.
    let ex = exercise::exercised(&cov, &phases);
    assert_eq!(ex.timer_services_run, ["masakari-clean.service"]);
    assert_eq!(ex.failed_units, ["masakari-wait.service"]);
    assert_eq!(
        ex.maintainer_scripts["install"],
        ["masakari-engine.postinst configure"]
    );
}

/// A failed install (issue 17): the postinst that exited non-zero is named from its own exit
/// in the trace, the report's first lines say what failed, and the claims the failure kept
/// from running are not exercised, saying why, rather than held.
#[test]
fn a_failed_install_leads_the_report_and_leaves_claims_not_exercised() {
    use tracer::vm::exercise;
    // The install fixture, with the postinst's exit made a failure (exit status 1).
    let mut t = trace("fixture-install.jsonl");
    for e in &mut t.events {
        if e.pid == 903
            && let EventData::Exit { status, code, .. } = &mut e.data
        {
            *status = Some(256);
            *code = Some(1);
        }
    }
    let phases = failed_install_phases("00.300", "01.000");
    let cov = exercise::Coverage::build(&[], "", &phases, &t, &|_| true);
    assert_eq!(
        cov.failed_scripts,
        ["masakari-engine.postinst configure in install: exit status 1"]
    );
    let dir = std::env::temp_dir().join(format!("tracer-failed-install-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("install.log"),
        "Setting up masakari-engine (1.0) ...\n\
         masakari-engine: no [database] section\n\
         dpkg: error processing package masakari-engine (--configure):\n \
         installed masakari-engine package post-installation script subprocess returned error exit status 1\n\
         Errors were encountered while processing:\n masakari-engine\n",
    )
    .unwrap();
    let failure = exercise::install_failure(&dir, &phases, &cov).expect("the install failed");
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!((failure.phase.as_str(), failure.status), ("install", 100));
    assert_eq!(failure.dpkg_errors.len(), 2, "{failure:#?}");
    insta::assert_snapshot!(exercise::install_failure_section(&failure));
    assert!(cov.table().contains(
        "| maintainer scripts failed | 1 | `masakari-engine.postinst configure in install: exit status 1` |"
    ));

    let ex = exercise::exercised(&cov, &phases);
    assert_eq!(
        ex.install_failed.as_deref(),
        Some("phase install ended with status 100")
    );
    // What the postinst does: it stopped part-way, so "it does not" is not shown.
    let absent = review_claim(Check::Sudo, Expect::Absent, "The postinst never runs sudo");
    assert_eq!(
        witness::family(&absent),
        Family::MaintainerScript(Some("postinst"))
    );
    held_then_not_exercised(
        &t,
        package("masakari"),
        absent,
        &ex,
        "masakari-engine.postinst configure in install: exit status 1 (what the script does after its failure never ran)",
    );
    // What the daemon does: no unit was started after the failure.
    let endpoint = review_claim(
        Check::ExternalEndpoint,
        Expect::Absent,
        "No external endpoints",
    );
    held_then_not_exercised(
        &trace("fixture-quiet.jsonl"),
        package("quietd"),
        endpoint,
        &ex,
        "the install failed (masakari-engine.postinst configure in install: exit status 1; phase install ended with status 100) and no unit of the package was started",
    );
}

// A maintainer script that failed (issue 17's witness policy). A claim about what a script
// does is judged on what it did up to its failure: what it did is evidence whatever came
// next; "held" needs the code the claim is about to have run to completion, so it is never
// given for a script that died; a "does X" claim is contradicted by the script's own commands
// only when the code the claim is about ran before the failure, and is "not exercised",
// naming the failure, when the script died before it. One test per claim family, on the
// saved traces of masakari's failing postinst (`fixture-failed-postinst*.jsonl`, written by
// make_fixtures.py): late, after it ran masakari-manage; early, at its first command.

/// A failed-install fixture as `vm check` judges it: the install phase (apt-get exited 100)
/// and the purge, the witness record built from them by the code `vm check` runs, and the
/// package's executable named as `vm check` names it.
fn failed_run(name: &str) -> (Trace, Package, Exercised) {
    use tracer::vm::exercise;
    let t = trace(name);
    let phases = failed_install_phases("01.000", "01.500");
    let cov = exercise::Coverage::build(&[], "", &phases, &t, &|_| true);
    assert_eq!(
        cov.failed_scripts,
        ["masakari-common.postinst configure in install: exit status 1"],
        "{name}"
    );
    let ex = exercise::exercised(&cov, &phases);
    let pkg = Package {
        name: Some("masakari".into()),
        daemons: vec!["/usr/bin/masakari-manage".into()],
        ..Package::default()
    };
    (t, pkg, ex)
}

const POSTINST_FAILED: &str = "masakari-common.postinst configure in install: exit status 1";

/// The claim's verdict before and after the witness, with the after's status and a reason
/// that names the failed script and its exit status.
fn after_failure(
    name: &str,
    check: Check,
    expect: Expect,
    text: &str,
    before: Status,
    after: Status,
) -> Verdict {
    let (t, pkg, ex) = failed_run(name);
    let (b, a) = judged(&t, pkg, review_claim(check, expect, text), &ex);
    assert_eq!(b.status, before, "{name}, {text}, before: {}", b.reason);
    assert_eq!(a.status, after, "{name}, {text}, after: {}", a.reason);
    // A verdict the failure changed, or one about the script, says what failed; a daemon
    // claim contradicted by its own events stands as it was.
    if after != before || matches!(witness::family(&a.claim), Family::MaintainerScript(_)) {
        assert!(
            a.reason.contains(POSTINST_FAILED),
            "{name}, {text}: the reason does not name the failure: {}",
            a.reason
        );
    } else {
        assert_eq!(a.reason, b.reason);
    }
    a
}

#[test]
fn spawn_claims_after_a_failed_postinst() {
    use Status::*;
    // masakari-manage, run by the postinst before it failed, spawned ldconfig: evidence,
    // about the daemon or about the postinst.
    let a = after_failure(
        "fixture-failed-postinst.jsonl",
        Check::ProcessesSpawned,
        Expect::Absent,
        "No processes spawned",
        Contradicted,
        Contradicted,
    );
    assert!(
        a.evidence.shown.iter().any(|e| e.what.contains("ldconfig")),
        "{a:#?}"
    );
    after_failure(
        "fixture-failed-postinst.jsonl",
        Check::ProcessesSpawned,
        Expect::Absent,
        "The postinst spawns no processes",
        Contradicted,
        Contradicted,
    );
    // The postinst died at its first command: the package's program never ran.
    let a = after_failure(
        "fixture-failed-postinst-early.jsonl",
        Check::ProcessesSpawned,
        Expect::Absent,
        "The postinst spawns no processes",
        NotExercised,
        NotExercised,
    );
    assert!(
        a.reason
            .contains("what the script does after its failure never ran"),
        "{}",
        a.reason
    );
}

#[test]
fn file_io_claims_after_a_failed_postinst() {
    use Status::*;
    // masakari-manage wrote only its own log (its database's create failed with EACCES):
    // nothing contradicts the claim, but the daemon never started, so it is not held.
    let a = after_failure(
        "fixture-failed-postinst.jsonl",
        Check::FileIo,
        Expect::Absent,
        "No notable file IO",
        Held,
        NotExercised,
    );
    assert!(
        a.reason.contains("the install failed (masakari-common.postinst configure in install: exit status 1; phase install ended with status 100) and no unit of the package was started"),
        "{}",
        a.reason
    );
    // About the postinst: it stopped part-way, so "it writes nothing" is not shown.
    let a = after_failure(
        "fixture-failed-postinst.jsonl",
        Check::FileIo,
        Expect::Absent,
        "The postinst writes nothing outside the package's directories",
        Held,
        NotExercised,
    );
    assert!(
        a.reason
            .contains("\"held\" needs the script to run to completion"),
        "{}",
        a.reason
    );
}

#[test]
fn network_claims_after_a_failed_postinst() {
    use Status::*;
    for (check, text) in [
        (Check::ExternalEndpoint, "No external endpoints"),
        (Check::Networking, "No networking"),
        (Check::OpensPort, "Does not listen on any port"),
    ] {
        let a = after_failure(
            "fixture-failed-postinst.jsonl",
            check,
            Expect::Absent,
            text,
            Held,
            NotExercised,
        );
        assert!(
            a.reason.contains("no unit of the package was started"),
            "{text}: {}",
            a.reason
        );
    }
}

#[test]
fn privilege_claims_after_a_failed_postinst() {
    use Status::*;
    // su's setresuid is the postinst's (it ran su), not the package's; masakari-manage ran as
    // the masakari user and made no privileged call before it failed.
    for (check, text) in [
        (Check::PrivilegedFunctions, "No use of privileged functions"),
        (Check::SetuidCalls, "The postinst never calls setuid"),
    ] {
        after_failure(
            "fixture-failed-postinst.jsonl",
            check,
            Expect::Absent,
            text,
            Held,
            NotExercised,
        );
    }
    // masakari-manage ran (as the masakari user) only as a helper the postinst waited for:
    // no daemon of the package ran, before the witness or after it.
    let (t, pkg, ex) = failed_run("fixture-failed-postinst.jsonl");
    let claim = review_claim(Check::RunsAsRoot, Expect::Absent, "Does not run as root");
    let (b, a) = judged(&t, pkg, claim, &ex);
    assert_eq!(
        (b.status, a.status),
        (NotExercised, NotExercised),
        "{}",
        a.reason
    );
    for v in [&b, &a] {
        assert!(
            v.reason
                .starts_with("no process of the package ran in this trace; 2 package program run(s) that a maintainer script ran"),
            "{}",
            v.reason
        );
    }
    assert!(a.reason.contains(POSTINST_FAILED), "{}", a.reason);
}

#[test]
fn maintainer_script_actions_are_judged_up_to_the_failure() {
    use Status::*;
    let mixup =
        "there appears to be a typo in the postinst script which uses chmod instead of chown";
    // The postinst set its directory's owner with chown and its mode with chmod, then failed
    // in masakari-manage: the review's mix-up is judged on those commands, which are listed,
    // and the reason says the rest never ran.
    let a = after_failure(
        "fixture-failed-postinst.jsonl",
        Check::ChmodChownMixup,
        Expect::Present,
        mixup,
        NotExercised,
        Contradicted,
    );
    assert_eq!(
        a.reason,
        "masakari-common.postinst configure in install ran, and none of the 2 such command(s) the maintainer scripts ran does it; judged on what ran up to the failure: masakari-common.postinst configure in install: exit status 1 after 2 of them (what the script does after its failure never ran)"
    );
    let shown: Vec<&str> = a.evidence.shown.iter().map(|e| e.what.as_str()).collect();
    assert_eq!(
        shown,
        [
            "chown masakari:masakari /var/lib/masakari",
            "chmod 0750 /var/lib/masakari"
        ]
    );
    // "No mix-up": nothing contradicts it up to the failure, but the script did not finish.
    let a = after_failure(
        "fixture-failed-postinst.jsonl",
        Check::ChmodChownMixup,
        Expect::Absent,
        "The postinst sets owners with chown and modes with chmod",
        Held,
        NotExercised,
    );
    assert!(
        a.reason.starts_with("nothing contradicts it up to the failure, but masakari-common.postinst configure in install: exit status 1"),
        "{}",
        a.reason
    );
    // Its addgroup and adduser ran before the failure: "adds a group" holds, "adds none" is
    // contradicted, whatever came after.
    after_failure(
        "fixture-failed-postinst.jsonl",
        Check::MaintainerAddsGroups,
        Expect::Present,
        "the postinst adds the masakari group and user",
        Held,
        Held,
    );
    after_failure(
        "fixture-failed-postinst.jsonl",
        Check::MaintainerAddsGroups,
        Expect::Absent,
        "the postinst adds no users or groups",
        Contradicted,
        Contradicted,
    );
    // The postinst died at its first command, before any chmod, chown or adduser: the code
    // the claims are about never ran, in either direction.
    for (check, expect, text, before, tools) in [
        (
            Check::ChmodChownMixup,
            Expect::Present,
            mixup,
            NotExercised,
            "chmod, chown or chgrp",
        ),
        (
            Check::ChmodChownMixup,
            Expect::Absent,
            "The postinst sets owners with chown and modes with chmod",
            Held,
            "chmod, chown or chgrp",
        ),
        (
            Check::MaintainerAddsGroups,
            Expect::Absent,
            "the postinst adds no users or groups",
            Held,
            "useradd, adduser, groupadd or addgroup",
        ),
    ] {
        let a = after_failure(
            "fixture-failed-postinst-early.jsonl",
            check,
            expect,
            text,
            before,
            NotExercised,
        );
        assert!(
            a.reason.contains(&format!(
                "{POSTINST_FAILED} before it ran any {tools}: the code the claim is about never ran"
            )),
            "{text}: {}",
            a.reason
        );
        assert!(a.evidence.shown.is_empty(), "{a:#?}");
    }
}

/// The report's first line names the failed script and its exit status; a script that failed
/// outside a failed install (here the same trace's postinst, as if in the purge) gets its own
/// first line.
#[test]
fn the_report_leads_with_the_failed_script() {
    use tracer::vm::{check::phases_from_text, exercise};
    let (t, _, ex) = failed_run("fixture-failed-postinst.jsonl");
    assert_eq!(ex.script_failures.len(), 1);
    let dir = std::env::temp_dir().join(format!("tracer-failed-script-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let phases: Vec<_> = phases_from_text(concat!(
        r#"{"phase":"install","event":"start","time":"2026-11-23T12:00:00.000000000Z","status":null,"trace":null}"#,
        "\n",
        r#"{"phase":"install","event":"end","time":"2026-11-23T12:00:01.000000000Z","status":100,"trace":"trace.jsonl"}"#,
        "\n",
    ));
    let cov = exercise::Coverage::build(&[], "", &phases, &t, &|_| true);
    let failure = exercise::install_failure(&dir, &phases, &cov).expect("the install failed");
    let first = exercise::install_failure_section(&failure);
    assert!(
        first.lines().next().unwrap().starts_with(
            "> **The install failed** (phase `install`, apt-get exit status 100): `masakari-common.postinst configure in install: exit status 1`."
        ),
        "{first}"
    );
    assert_eq!(exercise::script_failures_section(&cov, Some(&failure)), "");
    // The same failure in a purge that apt did not fail on.
    let purge = phases_from_text(concat!(
        r#"{"phase":"purge","event":"start","time":"2026-11-23T12:00:00.000000000Z","status":null,"trace":null}"#,
        "\n",
        r#"{"phase":"purge","event":"end","time":"2026-11-23T12:00:01.000000000Z","status":0,"trace":"trace.jsonl"}"#,
        "\n",
    ));
    let cov = exercise::Coverage::build(&[], "", &purge, &t, &|_| true);
    assert!(exercise::install_failure(&dir, &purge, &cov).is_none());
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        exercise::script_failures_section(&cov, None),
        "> **1 maintainer script(s) failed**: `masakari-common.postinst configure in purge: exit status 1`. A claim about a script that failed is judged on what it did up to its failure; what it does after it never ran.\n\n"
    );
}

/// An `exercised.json` written before failures were located (`failed_scripts` only): the
/// failure is named, nothing is held on it, and "does X" is not contradicted, since what the
/// script ran before its failure cannot be told from the rest.
#[test]
fn a_record_without_located_failures_names_them_and_holds_nothing() {
    let (t, pkg, ex) = failed_run("fixture-failed-postinst.jsonl");
    let mut old = serde_json::to_value(&ex).unwrap();
    assert!(
        old.as_object_mut()
            .unwrap()
            .remove("script_failures")
            .is_some()
    );
    let ex: Exercised = serde_json::from_value(old).unwrap();
    assert!(ex.script_failures.is_empty() && !ex.failed_scripts.is_empty());
    let mixup =
        "there appears to be a typo in the postinst script which uses chmod instead of chown";
    for (expect, before) in [
        (Expect::Present, Status::NotExercised),
        (Expect::Absent, Status::Held),
    ] {
        let (b, a) = judged(
            &t,
            pkg.clone(),
            review_claim(Check::ChmodChownMixup, expect, mixup),
            &ex,
        );
        assert_eq!(b.status, before, "{}", b.reason);
        assert_eq!(a.status, Status::NotExercised, "{}", a.reason);
        assert!(
            a.reason.contains(&format!(
                "{POSTINST_FAILED} (what the script does after its failure never ran)"
            )),
            "{}",
            a.reason
        );
    }
}

/// fixture-failed-postinst with two unpacks before the configure, as apt and dpkg do them: for
/// each archive dpkg (902) runs `dpkg-deb --control` into tmp.ci, then that package's preinst
/// as `/var/lib/dpkg/tmp.ci/preinst` — dbus's (a dependency) first, then masakari-common's.
fn failed_postinst_after_two_unpacks() -> Trace {
    edited::trace(&fixture("fixture-failed-postinst.jsonl"), |lines| {
        // Templates: dpkg's fork of the postinst (903), the postinst's exec and its exit.
        let fork_at = edited::at(lines, |l| {
            l["kind"] == "fork" && l["fields"]["child_pid"] == 903
        });
        let fork = lines[fork_at].clone();
        let exec = lines[edited::at(lines, |l| l["kind"] == "exec" && l["pid"] == 903)].clone();
        let exit = lines[edited::at(lines, |l| l["kind"] == "exit" && l["pid"] == 903)].clone();
        let run = |pid: u32, path: &str, argv: Vec<String>| {
            let mut e = edited::as_pid(&exec, pid);
            e["fields"]["path"] = serde_json::json!({ "resolved": path });
            e["fields"]["argv"] = serde_json::json!(argv);
            let mut x = edited::as_pid(&exit, pid);
            x["fields"] =
                serde_json::json!({"status": 0, "code": 0, "signal": null, "core_dumped": false});
            [edited::forking(&fork, pid), e, x]
        };
        let mut added = Vec::new();
        for (pid, deb) in [
            (940, "00-dbus_1.14.10-1_amd64.deb"),
            (942, "01-masakari-common_14.0.2-2_all.deb"),
        ] {
            let control = [
                "dpkg-deb",
                "--control",
                &format!("/tmp/apt-dpkg-install-AbC123/{deb}"),
                "/var/lib/dpkg/tmp.ci",
            ];
            let preinst = ["/bin/sh", "/var/lib/dpkg/tmp.ci/preinst", "install"];
            let owned = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect();
            added.extend(run(pid, "/usr/bin/dpkg-deb", owned(&control)));
            added.extend(run(
                pid + 1,
                "/var/lib/dpkg/tmp.ci/preinst",
                owned(&preinst),
            ));
        }
        lines.splice(fork_at..fork_at, added);
    })
}

#[test]
fn a_tmp_ci_preinst_is_the_package_dpkg_just_unpacked() {
    use tracer::verdict::{Attribution, Origin};
    let t = failed_postinst_after_two_unpacks();
    let pkg = Package {
        name: Some("masakari".into()),
        daemons: vec!["/usr/bin/masakari-manage".into()],
        ..Package::default()
    };
    let a = Attribution::compute(&t, &pkg);
    let origin_of = |pid: u32| {
        t.events
            .iter()
            .zip(&a.per_event)
            .find(|(e, _)| e.pid == pid && matches!(e.data, EventData::Exec { .. }))
            .map(|(_, o)| *o)
            .unwrap()
    };
    assert_eq!(origin_of(941), Origin::Other, "dbus's preinst");
    assert_eq!(
        origin_of(943),
        Origin::MaintainerScript,
        "masakari-common's preinst"
    );

    // The coverage table names the package's preinst by its package, and not dbus's.
    let phases = failed_install_phases("01.000", "01.500");
    let owns = |s: &str| s.contains("masakari");
    let cov = tracer::vm::exercise::Coverage::build(&[], "", &phases, &t, &owns);
    let scripts: Vec<&String> = cov.maintainer_scripts.values().flatten().collect();
    assert_eq!(
        scripts,
        [
            "masakari-common.preinst install",
            "masakari-common.postinst configure"
        ],
        "{:?}",
        cov.maintainer_scripts
    );
}

/// "Does not run a daemon as root" on a whole-guest trace of a oneshot unit's job (after
/// tlp.service), judged through the whole pipeline as `tracer check TRACE --exercised E` does,
/// with `ex` (None: the trace on its own).
fn daemon_as_root(trace_name: &str, ex: Option<&Exercised>) -> Verdict {
    let t = trace(trace_name);
    let claims = ClaimSet {
        package: Package {
            name: Some("powerjob".into()),
            daemons: vec!["/usr/sbin/powerjob".into()],
            ..Package::default()
        },
        claims: vec![review_claim(
            Check::RunsAsRoot,
            Expect::Absent,
            "powerjob does not run a daemon as root.",
        )],
        not_checkable: Vec::new(),
        unrecognised: Vec::new(),
    };
    let mut options = tracer::check::CheckOptions::trace_only(&claims, None, trace_name);
    options.exercised = ex;
    let mut checked = tracer::check::check(&t, &claims, options);
    checked.report.verdicts.remove(0)
}

fn oneshot_record() -> Exercised {
    let text = std::fs::read_to_string(fixture("exercised-oneshot.json")).unwrap();
    let ex: Exercised = serde_json::from_str(&text).unwrap();
    assert_eq!(ex.version, witness::EXERCISED_VERSION);
    assert_eq!(
        ex.units["powerjob.service"].service_type.as_deref(),
        Some("oneshot")
    );
    ex
}

#[test]
fn a_oneshot_jobs_root_processes_that_ended_within_it_are_no_daemon() {
    let ex = oneshot_record();
    let v = daemon_as_root("fixture-oneshot.jsonl", Some(&ex));
    assert_eq!(v.status, Status::Held, "{}", v.reason);
    // The script, its cat and its grep: root, ended before systemd finished the job.
    assert!(
        v.reason.contains(
            "3 root process(es) of oneshot powerjob.service, ended within its job (start, reload or stop)"
        ),
        "{}",
        v.reason
    );
    assert!(v.evidence.total == 0, "{:?}", v.evidence.shown);
}

#[test]
fn a_oneshot_jobs_process_that_outlives_the_job_is_a_daemon() {
    let ex = oneshot_record();
    let v = daemon_as_root("fixture-oneshot-lingers.jsonl", Some(&ex));
    assert_eq!(v.status, Status::Contradicted, "{}", v.reason);
    // `powerjob monitor`, still running after the job: the one root process counted.
    assert!(
        v.reason.starts_with("1 package process(es) ran as root"),
        "{}",
        v.reason
    );
    assert!(
        v.reason.contains("3 root process(es) of oneshot"),
        "{}",
        v.reason
    );
    assert!(
        v.evidence
            .shown
            .iter()
            .any(|e| e.what.contains("process 603")),
        "{:?}",
        v.evidence.shown
    );
}

#[test]
fn root_daemons_of_other_types_or_activated_on_demand_still_contradict() {
    let base = oneshot_record();
    let with = |f: &dyn Fn(&mut tracer::claims::UnitRun)| {
        let mut ex = base.clone();
        f(ex.units.get_mut("powerjob.service").unwrap());
        ex
    };
    let cases = [
        ("simple", with(&|r| r.service_type = Some("simple".into()))),
        (
            "forking",
            with(&|r| r.service_type = Some("forking".into())),
        ),
        (
            "socket-activated oneshot",
            with(&|r| r.triggered_by = vec!["powerjob.socket".into()]),
        ),
        (
            "D-Bus-activated oneshot",
            with(&|r| r.bus_name = Some("org.example.PowerJob".into())),
        ),
        // A job systemd never finished (it failed, or was still running).
        (
            "oneshot with no finished job",
            with(&|r| r.jobs_done.clear()),
        ),
    ];
    for (what, ex) in cases {
        let v = daemon_as_root("fixture-oneshot.jsonl", Some(&ex));
        assert_eq!(v.status, Status::Contradicted, "{what}: {}", v.reason);
        assert!(
            v.reason.starts_with("3 package process(es) ran as root"),
            "{what}: {}",
            v.reason
        );
        assert!(!v.reason.contains("oneshot"), "{what}: {}", v.reason);
    }
}

#[test]
fn without_a_record_of_the_units_root_processes_count_as_before() {
    for ex in [None, Some(Exercised::default())] {
        let v = daemon_as_root("fixture-oneshot.jsonl", ex.as_ref());
        assert_eq!(v.status, Status::Contradicted, "{}", v.reason);
        assert!(
            v.reason.starts_with("3 package process(es) ran as root"),
            "{}",
            v.reason
        );
    }
    // A record written before `units` (version 1) reads back with none.
    let mut old: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("exercised-oneshot.json")).unwrap())
            .unwrap();
    let o = old.as_object_mut().unwrap();
    o.remove("units");
    o.remove("version");
    let ex: Exercised = serde_json::from_value(old).unwrap();
    assert_eq!(ex.version, 1);
    let v = daemon_as_root("fixture-oneshot.jsonl", Some(&ex));
    assert_eq!(v.status, Status::Contradicted, "{}", v.reason);
}
