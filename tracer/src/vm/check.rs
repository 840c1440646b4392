//! `tracer vm check`: a package's install, daemons, exercise and purge recorded in a throwaway
//! guest, one trace per phase, brought back to the host.
//!
//! The guest side is a generated shell script (`job.sh` on the payload disk) that drives the
//! recorder through its CLI, so the guest needs nothing but the `tracer` binary. One
//! `tracer record --system` runs for the whole job (each recorder start is a BPF load and
//! verification: tens of seconds under TCG) and records every process of the guest but the
//! recorder: whatever the package starts — from a maintainer script, by socket, D-Bus or timer
//! activation, as a cron job — is in the trace, and `provenance` decides on the host whose
//! each process is. Harness work runs in scopes of `tracertarget.slice`, so its cgroup tells
//! it apart:
//! - install: `systemd-run --scope --slice=… apt-get install <debs>`; the maintainer scripts
//!   start what they start, as on any system;
//! - what the packages own (`dpkg -L`, the executables, the unit files), then their units:
//!   start, exercise, stop. The exercise is the source package's autopkgtest when it has one
//!   (each test in a scope of the slice, see `autopkgtest`), else a `--exercise` command or a
//!   wait; after install, start and exercise the guest notes each unit's state and main pid
//!   and every cgroup's id, for the host's cross-check against the trace;
//! - purge: `systemd-run --scope --slice=… apt-get purge <packages>`.
//!
//! Phase boundaries go to `phases.jsonl` (guest wall clock, the clock of the trace's `time`);
//! events also carry the cgroup id of their scope or service.

use std::{
    fmt::Write as _,
    fs,
    path::{Path, PathBuf},
    time::Duration,
};

use super::{
    Result, VmError,
    autopkgtest::{self, Plan, Prepared, TestReport},
    debs::AptRoot,
    exercise,
    image::{Image, check_package_name, check_package_spec, package_name},
    job::{self, JobOptions, JobOutcome},
    provenance::{PackageProcess, checked_processes},
    stream::HostLimits,
    util::{RemoveOnDrop, io_err, tail},
};

/// What to do while the daemons run.
#[derive(Debug, Clone)]
pub enum Exercise {
    /// Let them run for this long (start-up work, timers that fire early).
    Wait(Duration),
    /// A shell command run as root in the guest, outside the slice (a client is not
    /// the daemon).
    Command(String),
    /// A shell command run in a scope of the slice: for claims about the package's own
    /// client (e.g. a password in `lxc config set`'s argv).
    RecordedCommand(String),
    /// The source package's own autopkgtest (`debian/tests`), each test limited to
    /// `test_timeout`; when the source has no tests or cannot be fetched, `Wait(fallback)`.
    Autopkgtest {
        fallback: Duration,
        test_timeout: Duration,
    },
}

/// What the exercise phase was, for vm.json and the report.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ExerciseReport {
    Wait {
        seconds: u64,
        /// Why the package's autopkgtest was not used, when it was asked for.
        #[serde(skip_serializing_if = "Option::is_none")]
        instead_of_autopkgtest: Option<String>,
    },
    Command {
        command: String,
        recorded: bool,
    },
    Autopkgtest {
        source: String,
        version: Option<String>,
        tests: Vec<TestReport>,
        /// When no test could run (all skipped or failed on the host), the daemons still get
        /// the fallback wait.
        #[serde(skip_serializing_if = "Option::is_none")]
        then_waited_seconds: Option<u64>,
    },
}

#[derive(Debug, Clone)]
pub struct CheckSpec {
    /// Debian packages to install (and purge afterwards).
    pub packages: Vec<String>,
    /// Local .deb files installed with them (`--deb`).
    pub debs: Vec<PathBuf>,
    /// Units to run; empty: every `.service` the packages ship (templates excluded).
    pub units: Vec<String>,
    /// Debconf answers set before install (`--preseed`, debconf-set-selections lines).
    pub preseed: Vec<String>,
    /// The previous version, installed first (`--upgrade-from`).
    pub upgrade_from: Option<super::upgrade::UpgradeFrom>,
    pub exercise: Exercise,
    /// systemd drop-ins installed before the package (`--harden`'s second run).
    pub dropins: Vec<super::harden::DropIn>,
    /// The `tracer` binary the guest runs: a full build (with the eBPF object).
    pub guest_tracer: PathBuf,
    pub out_dir: PathBuf,
    pub job: JobOptions,
}

/// One phase as the guest recorded it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Phase {
    pub phase: String,
    pub start: String,
    pub end: Option<String>,
    pub seconds: Option<f64>,
    pub status: Option<i32>,
    /// Trace file for this phase, relative to the output directory.
    pub trace: Option<String>,
    /// An autopkgtest test's result (phases `autopkgtest:NAME`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<autopkgtest::TestResult>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The test's log directory, relative to the output directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct CheckOutcome {
    /// The source package of the first package checked: the name the report uses (its
    /// /var/lib, /etc, /run directories are the package's own).
    pub package: String,
    pub exercise: ExerciseReport,
    pub job: JobOutcome,
    pub phases: Vec<Phase>,
    pub units: Vec<String>,
    /// The units' programs (ExecStart paths), as the guest reported them.
    pub daemons: Vec<String>,
    pub debs: Vec<String>,
    /// Trace files in the output directory, in phase order.
    pub traces: Vec<PathBuf>,
    /// The packages' executables (dpkg's list, in the guest): a process running one is the
    /// package's, wherever it started. Passed to `tracer check` beside `daemons`.
    #[serde(skip)]
    pub executables: Vec<String>,
    /// How many there are (vm.json).
    pub executable_count: usize,
    /// Each process that became the package's on its own, and how it was started.
    pub package_processes: Vec<PackageProcess>,
    /// What recording the whole guest cost.
    pub recording: RecordingCost,
    /// Each start, reload, restart, trigger and stop of a unit (`units.jsonl`).
    pub unit_steps: Vec<exercise::UnitStep>,
    /// The steps that failed, with their journal tails: the report's first lines.
    pub unit_failures: Vec<exercise::UnitFailure>,
    /// What the run exercised (the report's coverage table).
    pub coverage: exercise::Coverage,
    /// The install that failed, if one did: nothing was started or exercised after it, and
    /// the report leads with it.
    pub install_failure: Option<exercise::InstallFailure>,
    /// `--upgrade-from`: services whose process from before the upgrade still ran after it
    /// (`unit pid`, from `upgrade-stale.txt`): the upgrade did not restart them, so the start
    /// phase did, and the exercise ran the version checked.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub left_running_by_upgrade: Vec<String>,
}

/// The size of the guest's trace and what the recorder used in the guest.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RecordingCost {
    pub trace_bytes: u64,
    pub events: u64,
    /// The recorder's CPU time in the guest (user + system), seconds.
    pub recorder_cpu_seconds: Option<f64>,
    /// Its peak resident memory, KiB.
    pub recorder_peak_kib: Option<u64>,
}

impl RecordingCost {
    fn read(out: &Path, trace: &crate::trace::Trace) -> Self {
        let text = fs::read_to_string(out.join("recorder-cost.txt")).unwrap_or_default();
        let f: Vec<f64> = text
            .split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect();
        RecordingCost {
            trace_bytes: fs::metadata(out.join("trace.jsonl")).map_or(0, |m| m.len()),
            events: trace.events.iter().map(|e| e.occurrences()).sum(),
            recorder_cpu_seconds: match f.as_slice() {
                [tck, user, sys, ..] if *tck > 0.0 => Some((user + sys) / tck),
                _ => None,
            },
            recorder_peak_kib: f.get(3).map(|v| *v as u64),
        }
    }
}

/// Fetches the packages, runs the guest job and returns what came back. The VM is gone when
/// this returns, whatever the result.
pub fn run(image: &Image, apt: &AptRoot, spec: &CheckSpec) -> Result<CheckOutcome> {
    for p in &spec.packages {
        check_package_spec(p)?;
    }
    for u in &spec.units {
        check_unit_name(u)?;
    }
    if !spec.guest_tracer.is_file() {
        return Err(VmError::NoTracer {
            path: spec.guest_tracer.clone(),
        });
    }
    let payload = spec.out_dir.join(".payload");
    if payload.exists() {
        fs::remove_dir_all(&payload).map_err(io_err(&payload))?;
    }
    fs::create_dir_all(&payload).map_err(io_err(&payload))?;
    let _cleanup = RemoveOnDrop(payload.clone());

    let files = apt.fetch(&spec.packages, &spec.debs, &payload.join("debs"))?;
    let debs: Vec<String> = files
        .iter()
        .filter_map(|f| f.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    tracing::info!(
        count = debs.len(),
        "vm check: packages staged for the guest"
    );
    if let Some(old) = &spec.upgrade_from {
        old.stage(apt, &spec.packages, &payload.join("debs-old"))?;
    }
    let (first, package) = first_and_source(apt, spec)?;
    tracing::info!(%package, "vm check: the report names the source package");
    let (plan, instead) = match &spec.exercise {
        Exercise::Autopkgtest { .. } => {
            match autopkgtest::prepare(apt, &first, &payload, &payload.join("debs"))? {
                Prepared::Tests(plan) => {
                    tracing::info!(
                        source = %plan.source,
                        tests = plan.tests.len(),
                        "vm check: the exercise is the package's autopkgtest"
                    );
                    (Some(plan), None)
                }
                Prepared::NoTests { source } => {
                    let why = format!("source package {source} has no debian/tests");
                    tracing::info!("vm check: {why}; the exercise is a wait");
                    (None, Some(why))
                }
                Prepared::Unavailable { reason } => {
                    let why =
                        format!("the source package of {first} could not be fetched: {reason}");
                    tracing::warn!(
                        "vm check: {why}; the exercise is a wait instead of its autopkgtest (is deb-src served by the mirror? --exercise CMD runs your own)"
                    );
                    (None, Some(why))
                }
            }
        }
        _ => (None, None),
    };
    let tracer = payload.join("tracer");
    fs::copy(&spec.guest_tracer, &tracer).map_err(io_err(&spec.guest_tracer))?;
    // The names of the packages to purge: the ones asked for (without their `/suite`: dpkg
    // knows them by name), and those of the local .debs.
    let mut purge: Vec<String> = spec
        .packages
        .iter()
        .map(|p| package_name(p).to_owned())
        .collect();
    for d in &spec.debs {
        if let Some(name) = d
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.split('_').next())
        {
            check_package_name(name)?;
            purge.push(name.to_owned());
        }
    }
    let contents_sh = payload.join("contents.sh");
    fs::write(&contents_sh, super::contents::CONTENTS_SH).map_err(io_err(&contents_sh))?;
    if !spec.preseed.is_empty() {
        let f = payload.join("preseed.txt");
        fs::write(&f, spec.preseed.join("\n") + "\n").map_err(io_err(&f))?;
    }
    for d in &spec.dropins {
        let dir = payload.join("dropins").join(format!("{}.d", d.unit));
        fs::create_dir_all(&dir).map_err(io_err(&dir))?;
        let f = dir.join(super::harden::DROPIN_NAME);
        fs::write(&f, &d.text).map_err(io_err(&f))?;
    }
    let script = job_script(&purge, &spec.units, &spec.exercise, plan.as_ref());
    let js = payload.join("job.sh");
    fs::write(&js, script).map_err(io_err(&js))?;

    // Evidence comes back over the stream only: the host never reads a disk the guest wrote.
    let mut job_opts = spec.job.clone();
    job_opts.stream.get_or_insert_with(HostLimits::default);
    let outcome = job::run(image, &payload, &spec.out_dir, &job_opts)?;
    let phases = read_phases(&spec.out_dir.join("phases.jsonl"));
    let words = |name: &str| -> Vec<String> {
        fs::read_to_string(spec.out_dir.join(name))
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_owned)
            .collect()
    };
    let units = words("units.txt");
    let daemons = words("daemons.txt");
    match outcome.exit_status {
        // 10: the install failed, and the job recorded what it still could; the report is
        // made from that, the failure first (`install_failure`).
        Some(0 | 10) => {}
        Some(status) => {
            let log = fs::read_to_string(spec.out_dir.join("job.log")).unwrap_or_default();
            return Err(VmError::Command {
                command: "the guest job".into(),
                status: format!("exit status {status}"),
                detail: format!("job.log tail:\n{}", tail(&log, 15)),
            });
        }
        // Stopped by a host limit, or its results were cut: what the trace holds is still
        // evidence, and the report says what is missing.
        None => tracing::warn!(
            "vm check: the guest job did not finish; judging the trace as far as it goes"
        ),
    }
    let exercise = match (&spec.exercise, plan) {
        (Exercise::Wait(d), _) => ExerciseReport::Wait {
            seconds: d.as_secs(),
            instead_of_autopkgtest: None,
        },
        (Exercise::Command(c), _) => ExerciseReport::Command {
            command: c.clone(),
            recorded: false,
        },
        (Exercise::RecordedCommand(c), _) => ExerciseReport::Command {
            command: c.clone(),
            recorded: true,
        },
        (Exercise::Autopkgtest { fallback, .. }, Some(plan)) => ExerciseReport::Autopkgtest {
            then_waited_seconds: (!plan.runnable()).then_some(fallback.as_secs().max(1)),
            tests: autopkgtest::reports(&plan, &phases),
            source: plan.source,
            version: plan.version,
        },
        (Exercise::Autopkgtest { fallback, .. }, None) => ExerciseReport::Wait {
            seconds: fallback.as_secs(),
            instead_of_autopkgtest: instead,
        },
    };
    let traces = phases
        .iter()
        .filter_map(|p| p.trace.as_ref())
        .map(|t| spec.out_dir.join(t))
        .filter(|p| p.is_file())
        .collect();
    // Whose each process was: the whole guest was recorded.
    let trace_path = spec.out_dir.join("trace.jsonl");
    let trace = crate::trace::read_trace(&trace_path).map_err(|e| VmError::BadTrace {
        path: trace_path.clone(),
        reason: e.to_string(),
    })?;
    let recording = RecordingCost::read(&spec.out_dir, &trace);
    // The units' cross-check needs the job's own notes, which a cut run may not have sent.
    let (own, package_processes) = checked_processes(
        &trace,
        &spec.out_dir,
        &phases,
        outcome.exit_status.is_some(),
    )?;
    let processes_json = spec.out_dir.join("processes.json");
    fs::write(
        &processes_json,
        serde_json::to_vec_pretty(&package_processes).unwrap_or_default(),
    )
    .map_err(io_err(&processes_json))?;
    if package_processes.is_empty() {
        tracing::warn!(
            "vm check: none of the {} executables of the packages ran in the guest",
            own.executables.len()
        );
    }
    let mut executables: Vec<String> = own.executables.into_iter().collect();
    executables.sort();
    let unit_steps = exercise::read_steps(&spec.out_dir);
    let unit_failures = exercise::failures(&spec.out_dir, &unit_steps);
    let coverage = exercise::Coverage::from_dir(&spec.out_dir, &phases, &trace, &purge, &package);
    let install_failure = exercise::install_failure(&spec.out_dir, &phases, &coverage);
    if outcome.exit_status == Some(10) && install_failure.is_none() {
        tracing::warn!("vm check: the guest job said the install failed, but no install phase did");
    }
    let exercised_json = spec.out_dir.join("exercised.json");
    fs::write(
        &exercised_json,
        serde_json::to_vec_pretty(&exercise::exercised(&coverage, &phases)).unwrap_or_default(),
    )
    .map_err(io_err(&exercised_json))?;
    Ok(CheckOutcome {
        package,
        exercise,
        job: outcome,
        phases,
        units,
        daemons,
        debs,
        traces,
        executable_count: executables.len(),
        executables,
        package_processes,
        recording,
        unit_steps,
        unit_failures,
        coverage,
        install_failure,
        left_running_by_upgrade: exercise::left_running_by_upgrade(&spec.out_dir),
    })
}

/// Whether a maintainer script is one of the checked packages': theirs by name (the packages
/// installed, or the source's `NAME`, `NAME-*`, `*-NAME` binaries), or dpkg's unnamed
/// `tmp.ci` script of an unpack.
pub(crate) fn owns_script(packages: &[String], source: &str, script: &str) -> bool {
    let file = script.rsplit('/').next().unwrap_or(script);
    let Some((pkg, _)) = file.rsplit_once('.') else {
        return true;
    };
    let pkg = pkg.split(':').next().unwrap_or(pkg);
    packages.iter().any(|p| p.split('/').next() == Some(pkg))
        || pkg == source
        || pkg.starts_with(&format!("{source}-"))
        || pkg.ends_with(&format!("-{source}"))
}

/// The Markdown section `vm check` appends to the report: how the guest ran, the time of each
/// phase, and the exercise (each autopkgtest test with its result), so the report pasted into
/// a review bug says what was exercised.
pub fn run_section(outcome: &CheckOutcome) -> String {
    let mut s = String::new();
    let secs = |v: Option<f64>| v.map_or("?".to_owned(), |v| format!("{v:.1}"));
    let _ = writeln!(
        s,
        "\n## The VM run\n\nPackage `{}`, guest under {} (boot {} s, whole run {:.1} s).\n",
        outcome.package,
        outcome.job.accel,
        secs(outcome.job.boot_seconds),
        outcome.job.total_seconds
    );
    s.push_str("| Phase | Seconds | Status | Result |\n|-------|---------|--------|--------|\n");
    for p in &outcome.phases {
        let result = match (&p.result, &p.reason) {
            (Some(r), Some(why)) => format!("{} ({})", r, why.replace('|', "\\|")),
            (Some(r), None) => r.to_string(),
            _ => String::new(),
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |",
            p.phase,
            secs(p.seconds),
            p.status.map_or("-".to_owned(), |v| v.to_string()),
            result
        );
    }
    s.push('\n');
    s.push_str(&outcome.coverage.table());
    s.push('\n');
    s.push_str(&exercise::left_running_section(
        &outcome.left_running_by_upgrade,
    ));
    let r = &outcome.recording;
    let _ = writeln!(
        s,
        "Recording: {} events, {:.1} MB of trace; the recorder used {} s of CPU in the guest (peak {} MiB).\n",
        r.events,
        r.trace_bytes as f64 / 1e6,
        r.recorder_cpu_seconds
            .map_or("?".into(), |c| format!("{c:.1}")),
        r.recorder_peak_kib
            .map_or("?".into(), |k| (k / 1024).to_string()),
    );
    if let Some(st) = &outcome.job.stream {
        stream_section(&mut s, st);
    }
    processes_section(&mut s, &outcome.package_processes);
    match &outcome.exercise {
        ExerciseReport::Autopkgtest {
            source,
            version,
            tests,
            then_waited_seconds,
        } => {
            let count = |r| tests.iter().filter(|t| t.result == r).count();
            let _ = writeln!(
                s,
                "Exercise: the autopkgtest of {source} {} ({} passed, {} failed, {} skipped); each test ran as root in a scope of the slice (its processes are \"other\" unless they run the package's programs).",
                version.as_deref().unwrap_or(""),
                count(autopkgtest::TestResult::Pass),
                count(autopkgtest::TestResult::Fail),
                count(autopkgtest::TestResult::Skip),
            );
            if let Some(w) = then_waited_seconds {
                let _ = writeln!(s, "No test could run in the guest: the daemons ran {w} s.");
            }
        }
        ExerciseReport::Wait {
            seconds,
            instead_of_autopkgtest,
        } => {
            let _ = write!(s, "Exercise: a wait of {seconds} s");
            if let Some(why) = instead_of_autopkgtest {
                let _ = write!(s, " ({why})");
            }
            s.push_str(".\n");
        }
        ExerciseReport::Command { command, recorded } => {
            let _ = writeln!(
                s,
                "Exercise: `{command}` ({}).",
                if *recorded {
                    "recorded"
                } else {
                    "not recorded"
                }
            );
        }
    }
    s
}

/// How the trace left the guest: over the stream, whole or cut, and the host limits hit.
fn stream_section(s: &mut String, st: &super::stream::StreamReport) {
    let _ = write!(
        s,
        "Trace stream: {} lines ({:.1} MB) came out of the guest as they were recorded",
        st.lines,
        st.bytes as f64 / 1e6
    );
    match &st.cut {
        None => s.push_str(", up to the recorder's own footer.\n"),
        Some(cut) => {
            let _ = writeln!(
                s,
                ". **The stream was cut: {} ({}); the host wrote the footer. Nothing after {} is known, so no claim can hold.**",
                cut.cause,
                cut.detail.replace('|', "\\|"),
                cut.last_guest_time.as_deref().unwrap_or("the start")
            );
        }
    }
    for hit in &st.limits_hit {
        let _ = writeln!(s, "- Host limit hit: {hit}.");
    }
    if let Some(why) = &st.results_problem {
        let _ = writeln!(s, "- The job's result files are not whole: {why}.");
    }
    s.push('\n');
}

/// Where each of the package's processes came from (`processes.json` has them all).
fn processes_section(s: &mut String, procs: &[PackageProcess]) {
    if procs.is_empty() {
        s.push_str(
            "The whole guest was recorded, and no executable of the packages ran in it.\n\n",
        );
        return;
    }
    let _ = writeln!(
        s,
        "The whole guest was recorded. Processes of the packages ({}), by how they started:\n",
        procs.len()
    );
    s.push_str("| Program | Phase | Started by | Processes | Events |\n|---------|-------|------------|-----------|--------|\n");
    // One row per program and way of starting (a socket's instances, a timer's runs).
    let mut rows: Vec<(String, String, String, u64, u64)> = Vec::new();
    for p in procs {
        let how = p.started_by.to_string();
        let phase = p.phase.clone().unwrap_or_else(|| "-".into());
        match rows
            .iter_mut()
            .find(|r| r.0 == p.program && r.2 == how && r.1 == phase)
        {
            Some(r) => {
                r.3 += p.processes;
                r.4 += p.events;
            }
            None => rows.push((p.program.clone(), phase, how, p.processes, p.events)),
        }
    }
    for (program, phase, how, n, events) in rows {
        let _ = writeln!(
            s,
            "| `{}` | {} | {} | {n} | {events} |",
            program.replace('|', "\\|"),
            phase,
            how.replace('|', "\\|")
        );
    }
    s.push('\n');
}

/// The first package checked (with its `/suite` if given: the source then matches the binary
/// installed), and the name of its source package, which the report uses.
fn first_and_source(apt: &AptRoot, spec: &CheckSpec) -> Result<(String, String)> {
    if let Some(p) = spec.packages.first() {
        let name = package_name(p);
        let source = apt.source_of(name).unwrap_or_else(|e| {
            tracing::warn!("vm: the source package of {name} is unknown ({e}); using {name}");
            name.to_owned()
        });
        return Ok((p.clone(), source));
    }
    let Some(d) = spec.debs.first() else {
        return Err(VmError::BadPackage {
            name: String::new(),
        });
    };
    let name = deb_field(d, "Package")?;
    // `Source: name (version)` when the source is named differently, absent when not.
    let source = deb_field(d, "Source")?
        .split_whitespace()
        .next()
        .map_or(name.clone(), str::to_owned);
    Ok((name, source))
}

/// A control field of a local .deb (`dpkg-deb --field`); empty when absent.
fn deb_field(deb: &Path, field: &str) -> Result<String> {
    let out = super::util::run_quiet(
        std::process::Command::new("dpkg-deb")
            .arg("--field")
            .arg(deb)
            .arg(field),
    )?;
    Ok(out.trim().to_owned())
}

/// systemd unit names as a unit file may be named: no path, no quoting needed in sh.
fn check_unit_name(unit: &str) -> Result<()> {
    let ok = !unit.is_empty()
        && unit
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.@:".contains(c));
    if ok {
        Ok(())
    } else {
        Err(VmError::BadPackage { name: unit.into() })
    }
}

/// Single-quotes `s` for sh.
fn sq(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The guest's `job.sh`. Exit status: 0 all phases ran; 10 the install failed (what could
/// still be recorded was: ownership, the units' state, the purge); 11 the recorder did not
/// start. Later failures (a unit that does not start) are recorded, not fatal: a
/// daemon failing is part of what a reviewer needs to see.
/// With `Exercise::Autopkgtest`, `tests` is the plan to run; without one, the fallback wait.
pub fn job_script(
    packages: &[String],
    units: &[String],
    exercise: &Exercise,
    tests: Option<&Plan>,
) -> String {
    // Package and unit names are checked (no shell metacharacters) before they get here.
    let mut s = String::new();
    s.push_str(GUEST_PRELUDE);
    s.push_str(RESULTS_SH);
    let _ = writeln!(s, "PACKAGES={}", sq(&packages.join(" ")));
    let _ = writeln!(
        s,
        "UNITS={}",
        sq(&units
            .iter()
            .map(|u| u.as_str())
            .collect::<Vec<_>>()
            .join(" "))
    );
    match exercise {
        Exercise::Wait(d) => {
            let _ = writeln!(
                s,
                "EXERCISE={}",
                sq(&format!("sleep {}", d.as_secs().max(1)))
            );
        }
        Exercise::Command(c) => {
            let _ = writeln!(s, "EXERCISE={}", sq(c));
        }
        Exercise::RecordedCommand(c) => {
            let _ = writeln!(s, "EXERCISE={}\nEXERCISE_RECORDED=1", sq(c));
        }
        Exercise::Autopkgtest {
            fallback,
            test_timeout,
        } => match tests {
            Some(plan) => {
                // No test to run (all skipped on the host): the daemons still get the wait.
                let wait = if plan.runnable() {
                    String::new()
                } else {
                    format!("sleep {}", fallback.as_secs().max(1))
                };
                let _ = writeln!(s, "EXERCISE={}\nAUTOPKGTEST=1", sq(&wait));
                s.push_str(autopkgtest::GUEST_FUNCTIONS);
                s.push_str(&autopkgtest::guest_calls(plan, *test_timeout));
            }
            None => {
                let _ = writeln!(
                    s,
                    "EXERCISE={}",
                    sq(&format!("sleep {}", fallback.as_secs().max(1)))
                );
            }
        },
    }
    let _ = writeln!(
        s,
        "UNIT_TIMEOUT={}",
        super::exercise::UNIT_TIMEOUT.as_secs()
    );
    s.push_str(super::exercise::EXERCISE_SH);
    s.push_str(GUEST_MAIN);
    s
}

/// `send_results`: the job's files over the results port (see `stream`).
const RESULTS_SH: &str = include_str!("results.sh");

const GUEST_PRELUDE: &str = r#"# Generated by `tracer vm check`; runs as root in the guest (see tracer/src/vm/check.rs).
set -u
# No one answers questions in the guest: debconf's fallback frontends would wait on stdin.
export DEBIAN_FRONTEND=noninteractive
T="$TRACER_PAYLOAD/tracer"
O="$TRACER_OUT"
SLICE=tracertarget.slice
now() { date -u +%Y-%m-%dT%H:%M:%S.%NZ; }
# Whatever ends the job, its files leave over the results port (the trace left as recorded).
trap 'send_results $?' EXIT
# Runs "$@" with its output in $1.log, "Setting up" lines on the console as progress; the
# command's status is returned.
logged() {
    log="$O/$1.log"; shift
    { "$@" 2>&1; echo $? > "$log.status"; } | tee "$log" \
        | grep --line-buffered '^Setting up\|^Removing\|^Purging' \
        | sed -u 's/^/tracer-job: /' > /dev/console
    st=$(cat "$log.status"); rm -f "$log.status"
    return "$st"
}
mark() {  # phase start|end [status] [trace] [,"more":"JSON fields"]
    printf '{"phase":"%s","event":"%s","time":"%s","status":%s,"trace":%s%s}\n' \
        "$1" "$2" "$(now)" "${3:-null}" "${4:-null}" "${5:-}" >> "$O/phases.jsonl"
    echo "tracer-job: phase $1 $2 ${3:-}" > /dev/console
}
"#;

const GUEST_MAIN: &str = r#"
uname -a > "$O/uname.txt"
cat /sys/kernel/security/lsm > "$O/lsm.txt" 2>&1
"$T" --version > "$O/tracer-version.txt" 2>&1

# --- one recording of the whole guest for every phase (only the recorder itself is left
# out): whatever the package starts — from its maintainer scripts, by socket, D-Bus or timer
# activation, as a cron job — is in the trace, and the host decides whose each process is.
# One recorder start (a BPF load and verification: tens of seconds under TCG). Harness work
# still runs in scopes of $SLICE, so its cgroup tells it apart. ---
systemctl start "$SLICE"
# Ready = the header is on disk (in trace.jsonl.partial, renamed to trace.jsonl at the end;
# --mask-secrets: the trace is an artefact to attach). The recorder writes it with its first
# events; a probe `true` makes one while it is missing (phase "ready").
mark ready start
# A 64 MiB ring (the default is 16): under TCG on a busy host the collector runs slowly
# while dpkg unpacks, and a whole-guest recording of the install lost tens of thousands of
# events with 16 MiB (counted, so the claims came out inconclusive, but lost all the same).
# --raw-syscalls: the whole guest is recorded, so every process's syscalls pass through the
# hooks either way; two raw tracepoints instead of two per syscall detach in seconds, not
# tens of seconds (cron under TCG: the whole run 78 s instead of 99 s, the same events).
"$T" record --mask-secrets -o "$O/trace.jsonl" --system --buffer-size 67108864 --raw-syscalls \
    --stream /dev/virtio-ports/tracer.trace > "$O/record.log" 2>&1 &
rec=$!
# Looked for every half second (the recorder attaches in 3-5 s under TCG; a 3 s poll found
# it 1.5 s late on average): the loop's own `sleep` is an event once the hooks are in, and
# every 3 s a probe in the harness slice makes one too.
t0=$(date +%s)
n=0
while [ ! -s "$O/trace.jsonl.partial" ] && kill -0 "$rec" 2>/dev/null \
    && [ $(( $(date +%s) - t0 )) -lt 900 ]; do
    sleep 0.5
    n=$((n + 1))
    [ $((n % 6)) != 0 ] || [ -s "$O/trace.jsonl.partial" ] \
        || systemd-run --quiet --scope --slice="$SLICE" --unit="tracer-ready-$(date +%s%N)" -- true
done
if ! kill -0 "$rec" 2>/dev/null || [ ! -s "$O/trace.jsonl.partial" ]; then
    echo "the recorder did not start:"; tail -n 5 "$O/record.log"
    exit 11
fi
# What already ran when the recording started (nothing of the package: it is not installed).
ps -e -o pid=,ppid=,comm=,args= > "$O/ps-at-start.txt"
mark ready end 0

# No process of the guest may ptrace another from here on, root included: Yama's scope 3
# refuses PTRACE_ATTACH, PTRACE_SEIZE, PTRACE_TRACEME, process_vm_writev and pidfd_getfd,
# and cannot be lowered again before a reboot. Without it a package running as root could
# write through the recorder's own stream descriptor or into its memory (a ptrace attempt is
# still recorded, and counts as interference). An autopkgtest that needs gdb or strace fails
# visibly in its own result. Done after the recorder started, before any package step.
echo 3 > /proc/sys/kernel/yama/ptrace_scope 2> "$O/ptrace-scope.log"
cat /proc/sys/kernel/yama/ptrace_scope > "$O/ptrace-scope.txt" 2>> "$O/ptrace-scope.log"

# The guest's own evidence of the units, for the host's cross-check against the trace: each
# unit's state and main pid, and the id (inode) of every cgroup, at the end of each phase.
snapshot() {  # phase
    for u in $UNITS; do
        printf '%s %s %s %s\n' "$1" "$u" \
            "$(systemctl show -p ActiveState --value "$u")" \
            "$(systemctl show -p MainPID --value "$u")"
    done >> "$O/units-state.txt"
    find /sys/fs/cgroup -type d -printf "$1 %i %P\n" >> "$O/cgroups.txt" 2>/dev/null
}

# What the image had before any package step, before --upgrade-from's old version too.
dpkg-query -W -f='${Package}\n' 2>/dev/null | sort -u > "$O/preinstalled.txt"

# --- debconf answers (--preseed), before any package asks ---
if [ -s "$TRACER_PAYLOAD/preseed.txt" ]; then
    mark preseed start
    debconf-set-selections "$TRACER_PAYLOAD/preseed.txt" > "$O/preseed.log" 2>&1
    mark preseed end "$?"
fi

# --- systemd drop-ins (--harden's second run), in place before any unit of the package starts ---
if [ -d "$TRACER_PAYLOAD/dropins" ]; then
    mark dropins start
    cp -r "$TRACER_PAYLOAD/dropins/." /etc/systemd/system/ && systemctl daemon-reload
    mark dropins end "$?"
fi

# --- the previous version first (--upgrade-from, see exercise.sh): then the install is an
# upgrade ---
# A failed install (a maintainer script that exits non-zero, a dependency dpkg cannot
# configure) names its phase here; the job then goes on to what it can still record: what the
# packages own, the guest's view of their units, the purge. The host makes the report from
# that, the failure first. Nothing is started or exercised after it.
INSTALL_FAILED=
INSTALL_PHASE=install
if [ -d "$TRACER_PAYLOAD/debs-old" ]; then
    install_old || INSTALL_FAILED=install-old
    INSTALL_PHASE=upgrade
fi

# --- install: as on any system, the maintainer scripts may start what they start ---
if [ -z "$INSTALL_FAILED" ]; then
    mark "$INSTALL_PHASE" start
    logged install systemd-run --quiet --scope --slice="$SLICE" --unit=tracer-install -- \
        apt-get install -y --no-install-recommends -o Dpkg::Use-Pty=0 "$TRACER_PAYLOAD"/debs/*.deb
    st=$?
    mark "$INSTALL_PHASE" end "$st" '"trace.jsonl"'
    if [ "$st" != 0 ]; then
        echo "install failed (status $st):"; tail -n 20 "$O/install.log"
        INSTALL_FAILED=$INSTALL_PHASE
    fi
fi

# What dpkg installed, as installed (maintainer scripts run; what they started runs).
sh "$TRACER_PAYLOAD/contents.sh" --debs "$TRACER_PAYLOAD/debs" > "$O/contents.txt" 2> "$O/contents.log"

# --- what the packages own: every file (dpkg's list), the executables among them (a process
# running one is the package's, wherever it was started), and their unit files ---
mkdir -p "$O/unit-files"
# The other binary packages of the same source that this install brought in (masakari-common
# beside masakari-api): a review is of the source, and their programs (masakari-manage) run as
# the package's own. Not those the image had already (systemd's, glibc's): they are the system.
# One awk, not a grep per installed package: each process is slow under TCG and recorded.
sources=$(dpkg-query -W -f='${source:Package}\n' $PACKAGES 2>/dev/null | sort -u | tr '\n' ' ')
siblings=$(dpkg-query -W -f='${Package} ${source:Package}\n' 2>/dev/null \
    | awk -v sources="$sources" '
        BEGIN { n = split(sources, s, " "); for (i = 1; i <= n; i++) src[s[i]] = 1 }
        FILENAME != "-" { pre[$0] = 1; next }
        !($1 in pre) && ($2 in src) { print $1 }' "$O/preinstalled.txt" -)
echo "$siblings" | grep -v '^$' | sort -u > "$O/siblings.txt"
for p in $PACKAGES $siblings; do
    dpkg -L "$p" 2>/dev/null
done | sort -u > "$O/owned.txt"
while IFS= read -r f; do
    [ -f "$f" ] && [ -x "$f" ] && echo "$f"
done < "$O/owned.txt" > "$O/executables.txt"
grep -E '^/(usr/)?lib/systemd/system/[^/]+\.(service|socket|timer|path)$' "$O/owned.txt" \
    | while IFS= read -r f; do [ -f "$f" ] && cp "$f" "$O/unit-files/"; done

# --- the units: what the packages enable and what that activates (see exercise.sh), or
# --unit's ---
dbus_services > "$O/dbus-services.txt"
if [ -z "$UNITS" ]; then
    select_units | grep -v '@' | grep -v '^$' | sort -u > "$O/units.txt"
else
    printf '%s\n' $UNITS > "$O/units.txt"
fi
UNITS=$(cat "$O/units.txt")
echo "units: $UNITS"
# Each unit's type and what starts it on demand, for the verdicts: a oneshot's job that ends is
# no daemon, a socket- or D-Bus-activated service is one. One systemctl for all (slow under TCG).
# shellcheck disable=SC2086
[ -z "$UNITS" ] || systemctl show -p Id,Type,TriggeredBy,BusName $UNITS > "$O/units-show.txt" 2>/dev/null
snapshot install

# --- daemons: started (a no-op for those the install started), exercised, stopped ---
daemons() {
mark start start
start_units
mark start end "$?" '"trace.jsonl"'
systemctl --no-pager status $UNITS > "$O/units-status.txt" 2>&1
# The daemons' programs, for attribution on the host (`tracer check --daemon`): ExecStart's
# program, unless it is an init script wrapper (openstack packages: /etc/init.d/X
# systemd-start), then what the main process runs now (an interpreter's script argument).
for u in $UNITS; do
    case "$u" in *.service) ;; *) continue ;; esac
    p=$(systemctl show -p ExecStart --value "$u" | sed -n 's/.*path=\([^ ;]*\).*/\1/p')
    pid=$(systemctl show -p MainPID --value "$u")
    case "$p" in /etc/init.d/*|"")
        if [ "${pid:-0}" != 0 ] && [ -r "/proc/$pid/cmdline" ]; then
            set -- $(tr '\0' ' ' < "/proc/$pid/cmdline")
            case "${1##*/}" in
                python*|perl*|ruby*|sh|bash|dash|node*) p=${2:-$1} ;;
                *) p=${1:-$p} ;;
            esac
        fi ;;
    esac
    [ -n "$p" ] && echo "$p"
done | sort -u > "$O/daemons.txt"
ps -e -o pid,ppid,user,args --forest > "$O/ps.txt"
ss -tulpnxa > "$O/sockets.txt" 2>&1
snapshot start

# The package's autopkgtest: tree and test dependencies first (phase test-deps, not
# recorded), then each test in a scope of the slice (phases autopkgtest:NAME).
[ -n "${AUTOPKGTEST:-}" ] && autopkgtest_prepare
mark exercise start
if [ -n "${AUTOPKGTEST:-}" ]; then
    autopkgtest_tests
    [ -z "$EXERCISE" ] || sh -c "$EXERCISE" > "$O/exercise.log" 2>&1
    [ "$AT_FAILED" = 0 ]
elif [ -n "${EXERCISE_RECORDED:-}" ]; then
    systemd-run --quiet --scope --slice="$SLICE" --unit=tracer-exercise -- \
        sh -c "$EXERCISE" > "$O/exercise.log" 2>&1
else
    sh -c "$EXERCISE" > "$O/exercise.log" 2>&1
fi
mark exercise end "$?" '"trace.jsonl"'
snapshot exercise

lifecycle

mark stop start
st=0
# Timers, sockets and paths first: then none of them starts a service while it is stopped.
for u in $UNITS; do is_service "$u" || unit_step stop "$u" stop || st=1; done
for u in $UNITS; do ! is_service "$u" || unit_step stop "$u" stop || st=1; done
mark stop end "$st" '"trace.jsonl"'
}
if [ -z "$INSTALL_FAILED" ]; then
    daemons
else
    echo "the install failed in phase $INSTALL_FAILED: no unit is started or exercised"
    # The guest's view of what the failed install left running, for the report.
    systemctl --no-pager status $UNITS > "$O/units-status.txt" 2>&1
    ps -e -o pid,ppid,user,args --forest > "$O/ps.txt"
    ss -tulpnxa > "$O/sockets.txt" 2>&1
fi

# --- purge ---
mark purge start
logged purge systemd-run --quiet --scope --slice="$SLICE" --unit=tracer-purge -- \
    apt-get purge -y -o Dpkg::Use-Pty=0 $PACKAGES
mark purge end "$?" '"trace.jsonl"'

# What the recording cost the guest: the recorder's CPU time (user, system, in clock ticks)
# and its peak memory.
printf '%s %s %s %s\n' "$(getconf CLK_TCK)" \
    "$(cut -d' ' -f14,15 "/proc/$rec/stat")" \
    "$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$rec/status")" \
    > "$O/recorder-cost.txt"
kill -INT "$rec"
wait "$rec"
echo "recorder exited with $?"
journalctl -b --no-pager > "$O/journal.txt" 2>&1
# Every unit the journal says was started, for the host's cross-check against the trace.
journalctl -b -o json --output-fields=UNIT,MESSAGE_ID,_PID \
    MESSAGE_ID=39f53479d3a045ac8e11786248231fbf > "$O/unit-starts.jsonl" 2>/dev/null
# Every job systemd finished for a unit (started or finished, reloaded, stopped, failed to
# start), for the verdicts: a oneshot's processes that ended within its job are the job, not a
# daemon.
journalctl -b -o json --output-fields=UNIT,MESSAGE_ID,_PID \
    MESSAGE_ID=39f53479d3a045ac8e11786248231fbf MESSAGE_ID=7b05ebc668384222baa8881179cfda54 \
    MESSAGE_ID=9d1aaa27d60140bd96365438aad20286 MESSAGE_ID=be02cf6855d2428ba40df7e9d022f03d \
    > "$O/unit-jobs.jsonl" 2>/dev/null
[ -z "$INSTALL_FAILED" ] || exit 10
exit 0
"#;

/// Folds start/end lines into phases.
fn read_phases(path: &Path) -> Vec<Phase> {
    phases_from_text(&fs::read_to_string(path).unwrap_or_default())
}

/// The guest's phase marks (JSON Lines it writes on the results disk) as phases. Public for
/// the fuzz harness (tests/fuzz.rs): this text comes from the guest, which runs the package.
pub fn phases_from_text(text: &str) -> Vec<Phase> {
    #[derive(serde::Deserialize)]
    struct Mark {
        phase: String,
        event: String,
        time: String,
        status: Option<i32>,
        trace: Option<String>,
        #[serde(default)]
        result: Option<autopkgtest::TestResult>,
        #[serde(default)]
        reason: Option<String>,
        #[serde(default)]
        log: Option<String>,
    }
    let mut phases: Vec<Phase> = Vec::new();
    for m in text
        .lines()
        .filter_map(|l| serde_json::from_str::<Mark>(l).ok())
    {
        if m.event == "start" {
            phases.push(Phase {
                phase: m.phase,
                start: m.time,
                end: None,
                seconds: None,
                status: None,
                trace: None,
                result: None,
                reason: None,
                log: None,
            });
        } else if let Some(p) = phases
            .iter_mut()
            .rev()
            .find(|p| p.phase == m.phase && p.end.is_none())
        {
            p.seconds = seconds_between(&p.start, &m.time);
            p.end = Some(m.time);
            p.status = m.status;
            p.trace = m.trace;
            p.result = m.result;
            p.reason = m.reason;
            p.log = m.log;
        }
    }
    phases
}

/// Seconds between two `date -u +%Y-%m-%dT%H:%M:%S.%NZ` stamps of the same day or the next.
fn seconds_between(a: &str, b: &str) -> Option<f64> {
    let secs = |t: &str| -> Option<f64> {
        let time = t.split('T').nth(1)?.trim_end_matches('Z');
        let mut it = time.split(':');
        let h: f64 = it.next()?.parse().ok()?;
        let m: f64 = it.next()?.parse().ok()?;
        let s: f64 = it.next()?.parse().ok()?;
        // The guest writes these: a stamp that is not a time of day is no duration at all
        // (found by tests/fuzz.rs: an hour of 1844674407370955161510 gave -6.6e24 s).
        ((0.0..24.0).contains(&h) && (0.0..60.0).contains(&m) && (0.0..61.0).contains(&s))
            .then_some(h * 3600.0 + m * 60.0 + s)
    };
    let (x, y) = (secs(a)?, secs(b)?);
    let d = if y >= x { y - x } else { y + 86400.0 - x };
    Some((d * 1000.0).round() / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_fold_start_and_end() {
        let dir = std::env::temp_dir().join(format!("tracer-phases-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let p = dir.join("phases.jsonl");
        fs::write(
            &p,
            "{\"phase\":\"install\",\"event\":\"start\",\"time\":\"2026-11-23T10:00:00.500000000Z\",\"status\":null,\"trace\":null}\n\
             {\"phase\":\"install\",\"event\":\"end\",\"time\":\"2026-11-23T10:00:03.000000000Z\",\"status\":0,\"trace\":\"install.jsonl\"}\n",
        )
        .unwrap();
        let ph = read_phases(&p);
        assert_eq!(ph.len(), 1);
        assert_eq!(ph[0].seconds, Some(2.5));
        assert_eq!(ph[0].trace.as_deref(), Some("install.jsonl"));
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn recorded_exercise_runs_in_the_slice() {
        let s = job_script(
            &["lxd".into()],
            &[],
            &Exercise::RecordedCommand("lxc list".into()),
            None,
        );
        assert!(s.contains("EXERCISE='lxc list'\nEXERCISE_RECORDED=1\n"));
        assert!(s.contains("--unit=tracer-exercise"));
    }

    #[test]
    fn autopkgtest_exercise_runs_each_test_and_falls_back_to_a_wait() {
        use autopkgtest::{PlannedTest, TestKind, TestResult};
        let plan = Plan {
            source: "memcached".into(),
            version: Some("1.6.18-1".into()),
            tests: vec![
                PlannedTest {
                    name: "daemon".into(),
                    kind: TestKind::Path("debian/tests/daemon".into()),
                    depends: vec!["@".into()],
                    restrictions: vec!["needs-root".into()],
                    classes: vec![],
                    preset: None,
                },
                PlannedTest {
                    name: "net".into(),
                    kind: TestKind::Command("curl http://example.org".into()),
                    depends: vec!["curl".into()],
                    restrictions: vec!["needs-internet".into()],
                    classes: vec![],
                    preset: Some((TestResult::Skip, "needs-internet: no network".into())),
                },
            ],
        };
        let ex = Exercise::Autopkgtest {
            fallback: Duration::from_secs(7),
            test_timeout: Duration::from_secs(120),
        };
        let s = job_script(&["memcached".into()], &[], &ex, Some(&plan));
        assert!(s.contains("EXERCISE=''\nAUTOPKGTEST=1\n"));
        assert!(s.contains("TEST_TIMEOUT=120\n"));
        assert!(s.contains("run_test 1 daemon '' path 'debian/tests/daemon'"));
        assert!(s.contains(r#"preset_test net skip '"needs-internet: no network"'"#));
        // Each test in its own scope of the slice; deps outside it.
        assert!(s.contains(r#"--unit="tracer-autopkgtest-$n""#));
        assert!(
            s.contains("[ -n \"${AUTOPKGTEST:-}\" ] && autopkgtest_prepare\nmark exercise start")
        );
        // The whole script is valid sh.
        let dir = std::env::temp_dir().join(format!("tracer-job-sh-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let f = dir.join("job.sh");
        fs::write(&f, &s).unwrap();
        let st = std::process::Command::new("sh")
            .arg("-n")
            .arg(&f)
            .status()
            .unwrap();
        assert!(st.success(), "sh -n job.sh failed:\n{s}");
        let _ = fs::remove_dir_all(&dir);

        // Every test skipped on the host: they are still marked, and the daemons get the wait.
        let mut skipped = plan.clone();
        skipped.tests.remove(0);
        let s = job_script(&["memcached".into()], &[], &ex, Some(&skipped));
        assert!(s.contains("EXERCISE='sleep 7'\nAUTOPKGTEST=1\n"));
        assert!(s.contains("preset_test net skip"));

        // No tests (or no source): the fallback wait.
        let s = job_script(&["cron".into()], &[], &ex, None);
        assert!(s.contains("EXERCISE='sleep 7'\n"));
        assert!(!s.contains("AUTOPKGTEST=1"));
    }

    #[test]
    fn test_phases_carry_their_result() {
        let dir = std::env::temp_dir().join(format!("tracer-tphases-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let p = dir.join("phases.jsonl");
        fs::write(
            &p,
            "{\"phase\":\"autopkgtest:daemon\",\"event\":\"start\",\"time\":\"2026-11-23T10:00:00.000000000Z\",\"status\":null,\"trace\":null}\n\
             {\"phase\":\"autopkgtest:daemon\",\"event\":\"end\",\"time\":\"2026-11-23T10:00:05.250000000Z\",\"status\":1,\"trace\":\"trace.jsonl\",\"result\":\"fail\",\"reason\":\"exit status 1\",\"log\":\"autopkgtest/daemon\"}\n",
        )
        .unwrap();
        let ph = read_phases(&p);
        assert_eq!(ph[0].result, Some(autopkgtest::TestResult::Fail));
        assert_eq!(ph[0].reason.as_deref(), Some("exit status 1"));
        assert_eq!(ph[0].log.as_deref(), Some("autopkgtest/daemon"));
        assert_eq!(ph[0].seconds, Some(5.25));
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn script_quotes_user_values() {
        let s = job_script(
            &["cron".into()],
            &[],
            &Exercise::Command("echo 'hi'; true".into()),
            None,
        );
        assert!(s.contains(r#"EXERCISE='echo '\''hi'\''; true'"#));
        assert!(s.contains("PACKAGES='cron'"));
    }
}
