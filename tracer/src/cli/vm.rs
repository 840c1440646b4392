//! `tracer vm`: the disposable Debian guest (image, one-off job, package check).

use std::{path::PathBuf, process::ExitCode, time::Duration};

use anyhow::Context as _;
use tracer::vm::{
    check::{self, CheckOutcome, CheckSpec, Exercise, ExerciseReport},
    debs::AptRoot,
    image::{ImageSpec, default_cache_dir},
    job::{self, JobOptions},
    stream::HostLimits,
};

use super::check::Format;

#[derive(clap::Args)]
#[command(about = "Run packages in a throwaway Debian VM (no network, snapshot disk)")]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Build (or reuse) the guest image and print its directory.
    Image(ImageArgs),
    /// Boot the guest once with a payload directory holding `job.sh`; results go to -o.
    Run(RunArgs),
    /// Install packages in the guest with their maintainer scripts, daemons and purge recorded.
    Check(Box<CheckArgs>),
    /// Write exercised.json again from a `vm check` output directory (a run whose guest job
    /// stopped early, or one to judge again with `tracer check --exercised`).
    Exercised(ExercisedArgs),
    /// In the guest: connect once to a socket unit's address (the trigger phase of `check`).
    #[command(hide = true)]
    Connect(ConnectArgs),
}

#[derive(clap::Args)]
struct ExercisedArgs {
    /// The output directory of `tracer vm check` (phases.jsonl, trace.jsonl, units.jsonl).
    #[arg(short, long)]
    output: PathBuf,
    /// The packages checked, comma-separated (their maintainer scripts count).
    #[arg(
        long = "package",
        value_delimiter = ',',
        value_name = "PKG",
        required = true
    )]
    packages: Vec<String>,
    /// The source package (its `NAME-*` binaries count too); default: the first package.
    #[arg(long)]
    source: Option<String>,
}

#[derive(clap::Args)]
struct ConnectArgs {
    /// tcp:127.0.0.1:PORT, tcp:[::1]:PORT or unix:PATH.
    target: String,
    /// A stream socket (connect, write a line, read an answer).
    #[arg(long, conflicts_with = "datagram")]
    stream: bool,
    /// A datagram socket (one datagram sent).
    #[arg(long)]
    datagram: bool,
}

#[derive(clap::Args)]
struct ImageOpts {
    /// Debian suite of the guest.
    #[arg(long, default_value = "bookworm")]
    suite: String,
    /// Debian mirror: an http(s) URI or a deb822 .sources file. Default: this machine's apt
    /// sources (/etc/apt/sources.list.d/*.sources). Env: TRACER_DEBIAN_MIRROR.
    #[arg(long)]
    mirror: Option<String>,
    /// Where images and the private apt state are cached. Env: TRACER_VM_CACHE; default
    /// ~/.cache/tracer/vm.
    #[arg(long)]
    cache_dir: Option<PathBuf>,
    /// Rebuild the image even if it is cached.
    #[arg(long)]
    rebuild: bool,
}

impl ImageOpts {
    fn spec(&self, extra: &[String]) -> anyhow::Result<ImageSpec> {
        let cache = self.cache_dir.clone().unwrap_or_else(default_cache_dir);
        Ok(ImageSpec::new(
            &self.suite,
            extra,
            self.mirror.clone(),
            cache,
        )?)
    }
}

#[derive(clap::Args)]
struct ImageArgs {
    #[command(flatten)]
    image: ImageOpts,
    /// Extra Debian package baked into the image (repeatable; part of the cache key).
    #[arg(long = "package", value_name = "PKG")]
    packages: Vec<String>,
}

#[derive(clap::Args)]
struct RunArgs {
    #[command(flatten)]
    image: ImageOpts,
    /// Directory copied onto the read-only payload disk; must hold `job.sh`.
    #[arg(long)]
    payload: PathBuf,
    /// Output directory (job.log, exit-status, console.log and what the job wrote).
    #[arg(short, long)]
    output: PathBuf,
    /// Hard limit for the boot ("10m", or seconds); the guest is killed after it.
    #[arg(long, default_value = "10m", value_parser = parse_duration)]
    timeout: Duration,
}

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("review_or_claims").args(["review", "claims"]).multiple(true)))]
struct CheckArgs {
    #[command(flatten)]
    image: ImageOpts,
    /// Debian packages to check, comma-separated (e.g. masakari-api,masakari-engine).
    #[arg(long = "package", value_delimiter = ',', value_name = "PKG")]
    packages: Vec<String>,
    /// A local .deb to install too (repeatable): an upload not in the archive yet.
    #[arg(long = "deb", value_name = "FILE")]
    debs: Vec<PathBuf>,
    /// Units to run (default: every .service the packages ship).
    #[arg(long = "unit", value_delimiter = ',')]
    units: Vec<String>,
    /// Debconf answers set before install (repeatable): a file in debconf-set-selections
    /// format, or one answer 'OWNER QUESTION TYPE VALUE'. For dbconfig-common's sqlite3
    /// backend: 'PKG PKG/dbconfig-install boolean true' and 'PKG PKG/database-type select
    /// sqlite3', with --package dbconfig-sqlite3 (see examples/vm/masakari).
    #[arg(long = "preseed", value_name = "FILE|ANSWER")]
    preseed: Vec<String>,
    /// Install this previous version first, then upgrade to the checked one: a version in
    /// the archive (for each --package), a suite (--package cron/bookworm-backports
    /// --upgrade-from bookworm) or an old .deb (with --deb NEW.deb). Phases install-old and
    /// upgrade.
    #[arg(long, value_name = "VERSION|SUITE|FILE.deb")]
    upgrade_from: Option<String>,
    /// Review text whose claims are checked against the traces.
    #[arg(long)]
    review: Option<PathBuf>,
    /// A previous run to compare with (its -o directory, or its trace): the stable-update and
    /// new-upstream check. Writes diff.txt, diff.md and diff.json beside the report, adds the
    /// diff to report.md, and exits 1 when a claim is newly contradicted (needs --review or
    /// --claims).
    #[arg(long, value_name = "DIR|TRACE", requires = "review_or_claims")]
    baseline: Option<PathBuf>,
    /// Prove the hardening drafts: draft a systemd drop-in for each service from this run's
    /// trace (as `tracer harden` does), install them in a fresh guest before the package, run
    /// the same install, exercise and tests again into OUTPUT/hardened, and compare. Writes
    /// OUTPUT/harden/UNIT.conf and OUTPUT/harden.md; exits 7 when the drafts broke something
    /// (a unit step failed, fewer tests passed, or a claim judged before was not).
    #[arg(long)]
    harden: bool,
    /// Claims file (TOML) adding to or replacing the claims read from the review.
    #[arg(long)]
    claims: Option<PathBuf>,
    /// Shell command run as root in the guest while the daemons run, instead of the
    /// package's autopkgtest (not recorded: a client is not the daemon).
    #[arg(long, conflicts_with_all = ["wait", "no_autopkgtest"])]
    exercise: Option<String>,
    /// Record the --exercise command too: for claims about the package's own client (its
    /// programs must be among the claims file's daemons).
    #[arg(long, requires = "exercise")]
    record_exercise: bool,
    /// Let the daemons run this long instead of running the package's autopkgtest.
    #[arg(long, value_parser = parse_duration)]
    wait: Option<Duration>,
    /// Do not run the package's autopkgtest (debian/tests of its source package, the default
    /// exercise); wait 10 s (or --wait) instead.
    #[arg(long)]
    no_autopkgtest: bool,
    /// Hard limit for each autopkgtest test ("5m", or seconds); a test over it fails.
    #[arg(long, default_value = "10m", value_parser = parse_duration)]
    test_timeout: Duration,
    /// Output directory on the host.
    #[arg(short, long, default_value = "vm-check")]
    output: PathBuf,
    /// The tracer binary run in the guest (default: this one; it must be a full build). Env:
    /// TRACER_GUEST_TRACER.
    #[arg(long)]
    guest_tracer: Option<PathBuf>,
    /// Hard limit for the whole guest run ("20m", or seconds).
    #[arg(long, default_value = "20m", value_parser = parse_duration)]
    timeout: Duration,
    /// Largest trace stream the host takes from the guest, MiB; past it the trace is cut and
    /// the guest stopped.
    #[arg(long, default_value_t = HostLimits::default().max_stream_bytes >> 20, value_name = "MIB")]
    max_stream_mib: u64,
    /// Most events per second (averaged over 10 s) the host takes; past it the trace is cut
    /// and the guest stopped.
    #[arg(long, default_value_t = HostLimits::default().max_event_rate, value_name = "N")]
    max_event_rate: u64,
}

/// The exercise when there is nothing better to run: start-up work, timers that fire early.
const DEFAULT_WAIT: Duration = Duration::from_secs(10);

fn parse_duration(s: &str) -> Result<Duration, String> {
    if let Ok(secs) = s.parse::<u64>() {
        return Ok(Duration::from_secs(secs));
    }
    humantime::parse_duration(s)
        .map_err(|e| format!("{e}; expected e.g. 30s, 10m or a number of seconds"))
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        Command::Image(a) => {
            let image = a.image.spec(&a.packages)?.ensure(a.image.rebuild)?;
            super::progress::finish();
            println!("{}", image.dir.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Run(a) => {
            if !a.payload.join("job.sh").is_file() {
                anyhow::bail!(
                    "{}: no job.sh in the payload directory (the guest runs `sh job.sh`)",
                    a.payload.display()
                );
            }
            let image = a.image.spec(&[])?.ensure(a.image.rebuild)?;
            let opts = JobOptions {
                timeout: a.timeout,
                ..JobOptions::default()
            };
            let out = job::run(&image, &a.payload, &a.output, &opts)?;
            super::progress::finish();
            eprintln!(
                "tracer: guest job exited with {} ({}; boot {}, total {:.1} s); results in {}",
                out.exit_status
                    .map_or("no status".into(), |s| s.to_string()),
                out.accel,
                out.boot_seconds.map_or("?".into(), |s| format!("{s:.1} s")),
                out.total_seconds,
                a.output.display()
            );
            Ok(ExitCode::from(
                out.exit_status
                    .and_then(|s| u8::try_from(s).ok())
                    .unwrap_or(1),
            ))
        }
        Command::Check(a) => check_cmd(*a),
        Command::Exercised(a) => {
            let phases_path = a.output.join("phases.jsonl");
            let text = std::fs::read_to_string(&phases_path).with_context(|| {
                format!(
                    "reading {} (expected a `tracer vm check` output directory)",
                    phases_path.display()
                )
            })?;
            let phases = check::phases_from_text(&text);
            let trace = super::check::load_trace_warning(&a.output.join("trace.jsonl"))?;
            // The same cross-check as `vm check` (issue 19): a unit that ran in the guest with
            // no process in the trace is an error here too, not a run to judge again. A run
            // whose job did not finish (`vm.json`: no exit status) sent no notes to check.
            let finished = std::fs::read(a.output.join("vm.json"))
                .ok()
                .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
                .is_none_or(|vm| !vm["job"]["exit_status"].is_null());
            tracer::vm::provenance::checked_processes(&trace, &a.output, &phases, finished)?;
            let source = a.source.unwrap_or_else(|| a.packages[0].clone());
            let coverage = tracer::vm::exercise::Coverage::from_dir(
                &a.output,
                &phases,
                &trace,
                &a.packages,
                &source,
            );
            let path = a.output.join("exercised.json");
            let ex = tracer::vm::exercise::exercised(&coverage, &phases);
            std::fs::write(&path, serde_json::to_vec_pretty(&ex)?)
                .with_context(|| format!("writing {}", path.display()))?;
            eprintln!("tracer: wrote {}", path.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Connect(a) => {
            let n = tracer::vm::exercise::connect(&a.target, a.datagram)
                .with_context(|| format!("connecting to {}", a.target))?;
            eprintln!("tracer: {} answered {n} byte(s)", a.target);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `vm check`'s exit status when the package did not install: the report is made from what
/// was recorded up to the failure (a contradicted claim still exits 1).
pub const EXIT_INSTALL_FAILED: u8 = 6;

/// `vm check`'s exit status when the guest job never came back (a host limit stopped the
/// guest, or the results stream was cut) and nothing worse was found: the results are
/// incomplete, as an inconclusive verdict is (3), never a clean 0.
pub const EXIT_JOB_UNFINISHED: u8 = 3;

/// Why the job did not finish, from the stream's own account.
fn unfinished_why(job: &tracer::vm::job::JobOutcome) -> String {
    let Some(st) = &job.stream else {
        return "no exit status came back".into();
    };
    let mut why: Vec<String> = st
        .limits_hit
        .iter()
        .map(|h| format!("limit hit: {h}"))
        .collect();
    if let Some(cut) = &st.cut {
        why.push(format!("stream cut: {}", cut.cause));
    }
    if let Some(p) = &st.results_problem {
        why.push(p.clone());
    }
    if why.is_empty() {
        "no exit status came back".into()
    } else {
        why.join("; ")
    }
}

fn check_cmd(a: CheckArgs) -> anyhow::Result<ExitCode> {
    if a.packages.is_empty() && a.debs.is_empty() {
        anyhow::bail!("nothing to check: give --package NAME[,NAME…] and/or --deb FILE");
    }
    // Bad names and files fail here, before minutes of image, apt and boot.
    for p in &a.packages {
        tracer::vm::image::check_package_spec(p)?;
    }
    for d in &a.debs {
        tracer::vm::debs::check_deb(d)?;
    }
    let mut preseed = Vec::new();
    for p in &a.preseed {
        preseed.extend(tracer::vm::preseed::parse_arg(p)?);
    }
    let upgrade_from = a
        .upgrade_from
        .as_deref()
        .map(tracer::vm::upgrade::UpgradeFrom::parse)
        .transpose()?;
    if let Some(
        tracer::vm::upgrade::UpgradeFrom::Version(_) | tracer::vm::upgrade::UpgradeFrom::Suite(_),
    ) = &upgrade_from
    {
        anyhow::ensure!(
            !a.packages.is_empty(),
            "--upgrade-from VERSION or SUITE names an old version of each --package; with only --deb, give the old .deb"
        );
    }
    for f in a.review.iter().chain(a.claims.iter()) {
        anyhow::ensure!(
            f.is_file(),
            "{}: no such file (expected a review or claims file)",
            f.display()
        );
    }
    let guest_tracer = match a
        .guest_tracer
        .clone()
        .or_else(|| std::env::var_os("TRACER_GUEST_TRACER").map(PathBuf::from))
    {
        Some(p) => p,
        None => std::env::current_exe().context("locating this tracer binary")?,
    };
    anyhow::ensure!(
        guest_tracer.is_file(),
        "{}: no such file (expected the tracer binary to run in the guest, --guest-tracer or \
         TRACER_GUEST_TRACER)",
        guest_tracer.display()
    );
    let spec_img = a.image.spec(&[])?;
    let image = spec_img.ensure(a.image.rebuild)?;
    let apt = AptRoot::prepare(&image, &spec_img.cache_dir, a.image.mirror.as_deref())?;
    let spec = CheckSpec {
        packages: a.packages.clone(),
        debs: a.debs.clone(),
        units: a.units.clone(),
        preseed,
        upgrade_from,
        exercise: match (a.exercise.clone(), a.wait) {
            (Some(c), _) if a.record_exercise => Exercise::RecordedCommand(c),
            (Some(c), _) => Exercise::Command(c),
            (None, Some(w)) => Exercise::Wait(w),
            (None, None) if a.no_autopkgtest => Exercise::Wait(DEFAULT_WAIT),
            (None, None) => Exercise::Autopkgtest {
                fallback: DEFAULT_WAIT,
                test_timeout: a.test_timeout,
            },
        },
        dropins: Vec::new(),
        guest_tracer,
        out_dir: a.output.clone(),
        job: JobOptions {
            timeout: a.timeout,
            stream: Some(HostLimits {
                max_stream_bytes: a.max_stream_mib.saturating_mul(1 << 20),
                max_event_rate: a.max_event_rate,
                ..HostLimits::default()
            }),
            ..JobOptions::default()
        },
    };
    let outcome = check::run(&image, &apt, &spec)?;
    let (code, report) = judge_run(&a.judged(&a.output), &outcome, a.baseline.as_deref(), true)?;
    if !a.harden {
        return Ok(code);
    }
    // A package that did not install has no daemon to harden: the report says why.
    if outcome.install_failure.is_some() {
        eprintln!("tracer: --harden: the install failed; no drop-in is drafted");
        return Ok(code);
    }
    harden_rerun(&a, &image, &apt, spec, (&outcome, report.as_ref()), code)
}

/// `--harden`: the drafts from the first run, installed in a second, and the two compared.
fn harden_rerun(
    a: &CheckArgs,
    image: &tracer::vm::image::Image,
    apt: &AptRoot,
    mut spec: CheckSpec,
    (first, first_report): (&CheckOutcome, Option<&tracer::report::Report>),
    first_code: ExitCode,
) -> anyhow::Result<ExitCode> {
    use tracer::vm::harden;
    let trace = super::check::load_trace_warning(&a.output.join("trace.jsonl"))?;
    let manifest = match tracer::vm::contents::manifest_from_guest(&a.output)? {
        Some(p) => tracer::contents::read_manifest(&p)?,
        None => anyhow::bail!(
            "--harden: the first run left no package contents in {} (the install failed?); nothing to draft from",
            a.output.display()
        ),
    };
    let drafts = harden::drafts(&trace, &manifest, first);
    let dir = a.output.join("harden");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    for d in &drafts.dropins {
        super::emit(
            Some(&dir.join(format!("{}.conf", d.unit))),
            &d.text,
            "drop-in",
        )?;
    }
    for (unit, why) in &drafts.skipped {
        eprintln!("tracer: --harden: no draft for {unit}: {why}");
    }
    anyhow::ensure!(
        !drafts.dropins.is_empty(),
        "--harden: no service of the package ran a program of its own in the first run; nothing to draft"
    );
    eprintln!(
        "tracer: --harden: {} draft(s) in {}; running the package again under them",
        drafts.dropins.len(),
        dir.display()
    );
    let hardened_dir = a.output.join("hardened");
    spec.out_dir = hardened_dir.clone();
    spec.dropins = drafts.dropins.clone();
    let second = check::run(image, apt, &spec)?;
    let (_, second_report) = judge_run(&a.judged(&hardened_dir), &second, Some(&a.output), false)?;
    let cmp = harden::compare(first, first_report, &second, second_report.as_ref());
    let md = harden::render_markdown(&drafts, &cmp);
    super::emit(Some(&a.output.join("harden.md")), &md, "harden.md")?;
    let outcome = cmp.outcome();
    eprintln!(
        "tracer: --harden: {}; see {}",
        match outcome {
            harden::Outcome::Broke => "the drafts broke something",
            harden::Outcome::Undecided => {
                "not shown either way: the hardened run lost events (re-run on a quieter machine)"
            }
            harden::Outcome::Kept => {
                "the package ran, passed its tests and kept its verdicts under the drafts"
            }
        },
        a.output.join("harden.md").display()
    );
    Ok(match outcome {
        harden::Outcome::Broke => ExitCode::from(EXIT_HARDENING_BROKE),
        // As a verdict whose evidence may be lost: inconclusive.
        harden::Outcome::Undecided => ExitCode::from(3),
        harden::Outcome::Kept => first_code,
    })
}

/// `vm check --harden`: the drafts broke the package.
const EXIT_HARDENING_BROKE: u8 = 7;

/// Where one run's results go and what they are judged against.
struct Judged<'a> {
    output: &'a std::path::Path,
    review: Option<&'a std::path::Path>,
    claims: Option<&'a std::path::Path>,
}

impl CheckArgs {
    fn judged<'a>(&'a self, output: &'a std::path::Path) -> Judged<'a> {
        Judged {
            output,
            review: self.review.as_deref(),
            claims: self.claims.as_deref(),
        }
    }
}

/// vm.json, the phase lines, and the verdicts of one run (printed when `print`): the exit code
/// and the report, when there were claims to judge.
fn judge_run(
    a: &Judged<'_>,
    outcome: &CheckOutcome,
    baseline: Option<&std::path::Path>,
    print: bool,
) -> anyhow::Result<(ExitCode, Option<tracer::report::Report>)> {
    super::progress::finish();
    let vm_json = a.output.join("vm.json");
    std::fs::write(&vm_json, serde_json::to_vec_pretty(&outcome)?)
        .with_context(|| format!("writing {}", vm_json.display()))?;
    eprintln!(
        "tracer: guest ran under {} (boot {}, whole run {:.1} s); units: {}",
        outcome.job.accel,
        outcome
            .job
            .boot_seconds
            .map_or("?".into(), |s| format!("{s:.1} s")),
        outcome.job.total_seconds,
        if outcome.units.is_empty() {
            "none".to_owned()
        } else {
            outcome.units.join(" ")
        }
    );
    for p in &outcome.phases {
        eprintln!(
            "tracer:   phase {:<9} {:>7} s  status {}  trace {}{}",
            p.phase,
            p.seconds.map_or("?".into(), |s| format!("{s:.1}")),
            p.status.map_or("?".into(), |s| s.to_string()),
            p.trace.as_deref().unwrap_or("-"),
            match (&p.result, &p.reason) {
                (Some(r), Some(why)) => format!("  {r}: {why}"),
                (Some(r), None) => format!("  {r}"),
                _ => String::new(),
            }
        );
    }
    for f in &outcome.unit_failures {
        eprintln!("tracer: unit {} failed to {}: {}", f.unit, f.step, f.why);
    }
    if let ExerciseReport::Wait {
        instead_of_autopkgtest: Some(why),
        ..
    } = &outcome.exercise
    {
        eprintln!("tracer: the exercise was a wait: {why}");
    }
    if let Some(f) = &outcome.install_failure {
        eprintln!(
            "tracer: the install failed in phase {} (apt-get exit status {}); nothing was started or exercised after it",
            f.phase, f.status
        );
    }
    for script in &outcome.coverage.failed_scripts {
        eprintln!("tracer: maintainer script failed: {script}");
    }
    let unfinished = outcome.job.exit_status.is_none();
    if unfinished {
        eprintln!(
            "tracer: the guest job did not finish ({}): the results are incomplete",
            unfinished_why(&outcome.job)
        );
    }
    if a.review.is_none() && a.claims.is_none() {
        eprintln!(
            "tracer: results in {} (no --review/--claims: no verdicts)",
            a.output.display()
        );
        let code = if outcome.install_failure.is_some() {
            EXIT_INSTALL_FAILED
        } else if unfinished {
            EXIT_JOB_UNFINISHED
        } else {
            0
        };
        return Ok((ExitCode::from(code), None));
    }
    let (mut code, report) = verdicts(a.output, a.review, a.claims, baseline, outcome, print)?;
    // Whatever the verdicts say, a run whose job never came back is not a clean pass.
    if unfinished && code == ExitCode::SUCCESS {
        code = ExitCode::from(EXIT_JOB_UNFINISHED);
    }
    eprintln!("tracer: results and report in {}", a.output.display());
    Ok((code, Some(report)))
}

/// Checks the claims against the guest's trace with the library's [`tracer::check`] (what
/// `tracer check` runs), writes the report as JSON and Markdown, and prints the Markdown.
/// Returns the report and its exit code (0 ok, 1 contradicted, 3 inconclusive, 4 nothing
/// checked), which is ours.
fn verdicts(
    out: &std::path::Path,
    review: Option<&std::path::Path>,
    claims: Option<&std::path::Path>,
    baseline: Option<&std::path::Path>,
    outcome: &CheckOutcome,
    print: bool,
) -> anyhow::Result<(ExitCode, tracer::report::Report)> {
    let mut set = super::claims::load(
        review.map(std::path::Path::to_path_buf).as_ref(),
        claims.map(std::path::Path::to_path_buf).as_ref(),
    )?;
    // The source package's name: its directories (/var/lib/masakari) are the package's.
    set.package.name = Some(outcome.package.clone());
    // The units' programs and every executable of the packages: in a whole-guest trace a
    // process running one is the package's, wherever it was started.
    let mut daemons: Vec<&String> = outcome.daemons.iter().chain(&outcome.executables).collect();
    daemons.sort();
    daemons.dedup();
    set.package.daemons.extend(daemons.into_iter().cloned());
    let trace_path = out.join("trace.jsonl");
    let trace = super::check::load_trace_warning(&trace_path)?;
    let contents = match tracer::vm::contents::manifest_from_guest(out)? {
        Some(p) => Some(tracer::contents::read_manifest(&p)?),
        None => None,
    };
    let named = super::check::Named {
        review,
        claims,
        trace: &trace_path,
    };
    // What the run exercised: the witness of each "held" (also in exercised.json).
    let exercised = tracer::vm::exercise::exercised(&outcome.coverage, &outcome.phases);
    let checked =
        super::check::check_named(&named, &trace, &set, contents.as_ref(), Some(&exercised));
    let json = super::check::render(&checked.report, Format::Json)?;
    super::emit(Some(&out.join("report.json")), &json, "report")?;
    // The Markdown report, then how the guest ran.
    let mut md = super::check::render(&checked.report, Format::Markdown)?;
    // A failed install, a maintainer script that failed, then a unit that failed, come first:
    // the verdicts below never saw what they prevented.
    let mut first = String::new();
    if let Some(f) = &outcome.install_failure {
        first.push_str(&tracer::vm::exercise::install_failure_section(f));
    }
    first.push_str(&tracer::vm::exercise::script_failures_section(
        &outcome.coverage,
        outcome.install_failure.as_ref(),
    ));
    first.push_str(&tracer::vm::exercise::failures_section(
        &outcome.unit_failures,
    ));
    md.insert_str(0, &first);
    md.push_str(&check::run_section(outcome));
    let mut code = checked.exit_code();
    // A failed install is the news, unless a claim is contradicted all the same.
    if outcome.install_failure.is_some() && code != 1 {
        code = EXIT_INSTALL_FAILED;
    }
    if let Some(base) = baseline {
        let d = against_baseline(base, out, &trace, &set, &checked.report)?;
        md.push_str("\n## Compared with the baseline\n\n");
        md.push_str(&tracer::diff::render_markdown(&d));
        // Newly contradicted is the news; otherwise the verdicts' own code stands.
        if d.exit_code == tracer::diff::EXIT_NEWLY_CONTRADICTED {
            code = d.exit_code;
        }
    }
    super::emit(Some(&out.join("report.md")), &md, "report")?;
    super::check::say_nothing_checked(&checked, &named);
    if print {
        print!("{md}");
    }
    Ok((ExitCode::from(code), checked.report))
}

/// `--baseline`: the previous run's trace judged with the same claims, and what the package
/// did differently (all its findings, libraries loaded, changed verdicts), written as
/// diff.txt, diff.md and diff.json.
fn against_baseline(
    base: &std::path::Path,
    out: &std::path::Path,
    trace: &tracer::trace::Trace,
    set: &tracer::claims::ClaimSet,
    report: &tracer::report::Report,
) -> anyhow::Result<tracer::diff::Diff> {
    use tracer::diff;
    let base_trace = if base.is_dir() {
        ["trace.jsonl", "trace.jsonl.gz", "trace.jsonl.zst"]
            .iter()
            .map(|n| base.join(n))
            .find(|p| p.exists())
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "--baseline {}: no trace.jsonl(.gz/.zst) in it; give a previous vm check's -o directory or its trace",
                    base.display()
                )
            })?
    } else {
        base.to_path_buf()
    };
    let old = super::check::load_trace_warning(&base_trace)?;
    let named = super::check::Named {
        review: None,
        claims: None,
        trace: &base_trace,
    };
    // The old run's witness, when it left one: verdicts judged alike on both sides.
    let old_exercised = match base.join("exercised.json") {
        p if base.is_dir() && p.exists() => Some(super::check::read_exercised(&p)?),
        _ => None,
    };
    // And what its install put on disk: without it every claim about package contents would
    // read "not exercised" on the old side, and "changed" against this run.
    let old_contents = match base.join("contents.json") {
        p if base.is_dir() && p.exists() => Some(tracer::contents::read_manifest(&p)?),
        _ => None,
    };
    let old_report = super::check::check_named(
        &named,
        &old,
        set,
        old_contents.as_ref(),
        old_exercised.as_ref(),
    )
    .report;
    let d = diff::diff(
        (
            &base_trace.display().to_string(),
            &diff::behaviour_of_package(&old, &set.package),
        ),
        ("this run", &diff::behaviour_of_package(trace, &set.package)),
        "traces judged for the package (all its findings)",
        diff::verdict_changes(&old_report, report),
        false,
    );
    super::emit(Some(&out.join("diff.txt")), &diff::render_text(&d), "diff")?;
    super::emit(
        Some(&out.join("diff.md")),
        &diff::render_markdown(&d),
        "diff",
    )?;
    let json = d
        .to_json()
        .map_err(|e| anyhow::anyhow!("serialising the diff: {e}"))?;
    super::emit(Some(&out.join("diff.json")), &json, "diff")?;
    Ok(d)
}
