//! `cargo xtask test`: the project's one test command, run by `.ci/run` and named in the README.
//!
//! Order: setup check (installs what is missing); then, side by side, formatting, clippy with
//! warnings as errors and the debug build beside an optimized `guest` build of tracer; then
//! every test of the workspace, the tests that boot TCG guests (with the guest build in them)
//! beside the rest (see [`run`]). The end-to-end tests record real processes with eBPF, so
//! this needs root; it refuses early rather than letting those tests fail one by one.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context as _, bail};

use crate::util::{is_root, run_cmd, workspace_root};

#[derive(clap::Args)]
pub struct Args {
    /// Skip `cargo fmt --check` and clippy (for quick local iterations).
    #[arg(long)]
    pub no_lint: bool,
    /// Extra arguments for `cargo test` (a filter, `--nocapture`, …).
    #[arg(last = true)]
    pub cargo_test_args: Vec<String>,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    if !is_root() {
        bail!(
            "the tests record real processes with eBPF and need root: run `sudo -E cargo xtask test`"
        );
    }
    // vm: the VM test (tracer/tests/vm.rs) boots a real guest and needs qemu and mmdebstrap.
    crate::setup::run(&crate::setup::Args {
        check: false,
        vm: true,
    })?;
    let root = workspace_root();
    let cargo = || {
        let mut cmd = Command::new("cargo");
        cmd.current_dir(&root);
        cmd
    };
    let root = &root;
    // Three queues side by side, on a machine of two cores:
    // - the optimized guest tracer builds in its own target directory from the start (cargo
    //   locks a target directory per build, and the lint and debug builds below leave a core
    //   idle for long stretches: one big crate, linking, build scripts);
    // - once it and the test binaries are there, the longest guest binary runs (vm.rs: ten
    //   tests, two at a time);
    // - the host tests run.
    // The shorter guest binaries (autopkgtest, vm_lsm, deb) go to whichever of the last two
    // queues is free first: on a fresh machine the host queue ended 5 min after vm.rs.
    let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Vec<(String, PathBuf)>>();
    std::thread::scope(|s| -> anyhow::Result<()> {
        let guest_build = s.spawn(move || guest_build(root));
        let lint_and_build = || -> anyhow::Result<Vec<TestBinary>> {
            if !args.no_lint {
                run_cmd(cargo().args(["fmt", "--all", "--check"]))?;
                run_cmd(cargo().args([
                    "clippy",
                    "--workspace",
                    // The eBPF crate only builds for the BPF target; tracer's build script
                    // builds it.
                    "--exclude",
                    "tracer-ebpf",
                    "--all-targets",
                    "--",
                    "-D",
                    "warnings",
                ]))?;
            }
            run_cmd(cargo().args(["build", "--workspace", "--exclude", "tracer-ebpf", "--bins"]))?;
            // Every test binary, built once; the queues run the binaries themselves (a
            // `cargo test` holds the target directory's lock while its tests run, so two of
            // them would run one after the other).
            test_binaries(root)
        };
        let bins = match lint_and_build() {
            Ok(b) => b,
            Err(e) => {
                // The scope still waits for the guest build to end; its result no longer
                // matters.
                drop(guest_build);
                return Err(e);
            }
        };
        let (mut guest_bins, host_bins): (Vec<_>, Vec<_>) = bins
            .into_iter()
            .partition(|b| b.integration && GUEST_TESTS.contains(&b.name.as_str()));
        let (vm_bins, mut later_bins): (Vec<_>, Vec<_>) =
            guest_bins.drain(..).partition(|b| b.name == "vm");
        // The shorter guest binaries go to whichever queue is free first, the longest first
        // (autopkgtest boots guests for minutes; deb only reads a .deb).
        later_bins.sort_by_key(|b| GUEST_TESTS.iter().position(|n| *n == b.name));
        let later = Later::new(later_bins);
        let host_env = vec![("TRACER_BIN".to_owned(), root.join("target/debug/tracer"))];
        let guest_env = {
            let host_env = host_env.clone();
            move |extra: Vec<(String, PathBuf)>| [host_env, extra].concat()
        };
        let later_vm = later.clone();
        let vm_queue = s.spawn(move || -> anyhow::Result<Vec<String>> {
            let env = guest_env(guest_build.join().expect("guest build thread")?);
            let _ = ready_tx.send(env.clone());
            let test_args = &args.cargo_test_args;
            let mut failed = run_group("guest", vm_bins, &env, test_args);
            failed.extend(run_group("guest", later_vm.iter(), &env, test_args));
            Ok(failed)
        });
        let mut failed = run_group("host", host_bins, &host_env, &args.cargo_test_args);
        match ready_rx.recv() {
            Ok(env) => failed.extend(run_group("host", later.iter(), &env, &args.cargo_test_args)),
            // The guest build failed: the vm queue's error says why.
            Err(_) => failed.extend(later.iter().map(|b| b.name)),
        }
        match vm_queue.join().expect("vm queue thread") {
            Ok(f) => failed.extend(f),
            Err(e) => failed.push(format!("guest build: {e:#}")),
        }
        // Doc tests (cargo runs them itself; nothing else runs now).
        if let Err(e) =
            run_cmd(cargo().args(["test", "--workspace", "--exclude", "tracer-ebpf", "--doc"]))
        {
            failed.push(format!("doc tests: {e:#}"));
        }
        if !failed.is_empty() {
            bail!(
                "{} test binaries failed: {}",
                failed.len(),
                failed.join(", ")
            );
        }
        Ok(())
    })
}

/// The optimized `guest` build of tracer, its .deb and the autopkgtest testbed: what the
/// guest binaries' environment adds to the host's. Under TCG a debug build's collector took 90-190 s
/// of CPU per guest run (recorder-cost.txt), most of what the run cost. Its own target
/// directory: builds in one directory wait for each other.
fn guest_build(root: &Path) -> anyhow::Result<Vec<(String, PathBuf)>> {
    let target = root.join("target/guest-build");
    let deb = crate::deb::build(&crate::deb::Args {
        out: Some(root.join("target/autopkgtest-deb")),
        maintainer: None,
        profile: "guest".to_owned(),
        target_dir: Some(target.clone()),
    })?;
    let guest_tracer = target.join("guest/tracer");
    let testbed = crate::autopkgtest::ensure(&guest_tracer, false)?;
    Ok(vec![
        ("TRACER_GUEST_TRACER".to_owned(), guest_tracer),
        ("TRACER_DEB".to_owned(), deb),
        ("TRACER_ADT_TESTBED".to_owned(), testbed.dir.clone()),
    ])
}

/// The test targets that boot a TCG guest (tracer/tests/vm.rs, vm_lsm.rs,
/// tests/tests/autopkgtest.rs). Each keeps the machine's cores busy for minutes, while the
/// other tests mostly wait (a recorder's hundreds of tracepoints detach one RCU grace period
/// at a time, daemons start): the two kinds run side by side. One after the other they took
/// 4300 s of a 2700 s CI budget. tests/tests/deb.rs joins them: it reads the .deb that group
/// builds.
const GUEST_TESTS: &[&str] = &["vm", "autopkgtest", "vm_lsm", "deb"];

/// Test binaries either queue may take, each taken once.
#[derive(Clone)]
struct Later(std::sync::Arc<std::sync::Mutex<std::collections::VecDeque<TestBinary>>>);

impl Later {
    fn new(bins: Vec<TestBinary>) -> Self {
        Self(std::sync::Arc::new(std::sync::Mutex::new(bins.into())))
    }

    /// The binaries left, taken one at a time as the caller gets to them.
    fn iter(&self) -> impl Iterator<Item = TestBinary> + '_ {
        std::iter::from_fn(|| self.0.lock().expect("later queue").pop_front())
    }
}

/// A test executable as cargo built it.
struct TestBinary {
    name: String,
    /// An integration test target (tests/*.rs, `[[test]]`), not a crate's unit tests.
    integration: bool,
    /// The package's directory: cargo runs a test binary there.
    dir: PathBuf,
    /// The target's source file, as cargo names it in its `Running` line.
    src: PathBuf,
    exe: PathBuf,
}

/// Builds every test binary of the workspace (`cargo test --no-run`) and lists them.
fn test_binaries(root: &Path) -> anyhow::Result<Vec<TestBinary>> {
    let out = Command::new("cargo")
        .current_dir(root)
        .args([
            "test",
            "--workspace",
            "--exclude",
            "tracer-ebpf",
            "--no-run",
            "--message-format=json-render-diagnostics",
        ])
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("could not run cargo test --no-run")?;
    if !out.status.success() {
        bail!("cargo test --no-run failed: {}", out.status);
    }
    let mut bins = Vec::new();
    for line in out.stdout.split(|&b| b == b'\n') {
        let Ok(m) = serde_json::from_slice::<serde_json::Value>(line) else {
            continue;
        };
        let (Some(exe), Some(name), Some(manifest)) = (
            m["executable"].as_str(),
            m["target"]["name"].as_str(),
            m["manifest_path"].as_str(),
        ) else {
            continue;
        };
        if m["reason"] != "compiler-artifact" || m["profile"]["test"] != true {
            continue;
        }
        bins.push(TestBinary {
            name: name.to_owned(),
            integration: m["target"]["kind"]
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k == "test")),
            dir: Path::new(manifest)
                .parent()
                .map_or_else(|| root.to_path_buf(), Path::to_path_buf),
            src: PathBuf::from(m["target"]["src_path"].as_str().unwrap_or(name)),
            exe: PathBuf::from(exe),
        });
    }
    if bins.is_empty() {
        bail!("cargo test --no-run listed no test binary");
    }
    Ok(bins)
}

/// Runs each binary in turn (all of them, whatever fails: a failure in one must not hide the
/// others), as cargo would: in its package's directory. Returns the ones that failed.
fn run_group(
    label: &str,
    bins: impl IntoIterator<Item = TestBinary>,
    env: &[(String, PathBuf)],
    test_args: &[String],
) -> Vec<String> {
    let started = std::time::Instant::now();
    let mut failed = Vec::new();
    let mut ran = 0;
    for b in bins {
        ran += 1;
        let mut cmd = Command::new(&b.exe);
        cmd.current_dir(&b.dir).args(test_args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        if let Err(e) = run_whole(label, &b, cmd) {
            println!("[{label}] FAILED {}: {e:#}", b.name);
            failed.push(b.name.clone());
        }
    }
    println!(
        "[{label}] group finished in {:.0} s, {} of {} binaries failed",
        started.elapsed().as_secs_f64(),
        failed.len(),
        ran
    );
    failed
}

/// Runs one test binary and prints its output whole, once it has ended, exactly as `cargo
/// test` would (its `Running` line, then libtest's lines unchanged): two groups share the log,
/// and whatever reads it (a CI counting `test result:` lines, a person) must see each binary's
/// lines together and in libtest's own form. While it runs, its lines go to a live log under
/// target/xtask-test, each with the seconds since the binary started (the time each test
/// took, without libtest's unstable `--report-time`).
fn run_whole(label: &str, b: &TestBinary, mut cmd: Command) -> anyhow::Result<()> {
    use std::io::{BufRead as _, Write as _};
    let started = std::time::Instant::now();
    let root = workspace_root();
    let logs = root.join("target/xtask-test");
    std::fs::create_dir_all(&logs)
        .with_context(|| format!("could not create {}", logs.display()))?;
    let live_path = logs.join(format!("{label}-{}.log", b.name));
    let live = std::sync::Mutex::new(
        std::fs::File::create(&live_path)
            .with_context(|| format!("could not create {}", live_path.display()))?,
    );
    eprintln!(
        "[{label}] started {} (live: {})",
        b.name,
        live_path.display()
    );
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .with_context(|| format!("could not start {cmd:?}"))?;
    let (out, err) = (child.stdout.take(), child.stderr.take());
    let (lines, live) = (std::sync::Mutex::new(Vec::new()), &live);
    let keep = |stream: Box<dyn std::io::Read + Send>| {
        for line in std::io::BufReader::new(stream)
            .lines()
            .map_while(Result::ok)
        {
            // The live log is for a person watching; a failed write there loses nothing.
            let _ = writeln!(
                live.lock().expect("live log"),
                "[{:>5.0}s] {line}",
                started.elapsed().as_secs_f64()
            );
            lines.lock().expect("output lines").push(line);
        }
    };
    std::thread::scope(|s| {
        if let Some(out) = out {
            s.spawn(|| keep(Box::new(out)));
        }
        if let Some(err) = err {
            s.spawn(|| keep(Box::new(err)));
        }
    });
    let status = child.wait()?;
    let rel = |p: &Path, base: &Path| p.strip_prefix(base).unwrap_or(p).display().to_string();
    let src = rel(&b.src, &b.dir);
    let running = if b.integration {
        src
    } else {
        format!("unittests {src}")
    };
    {
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "     Running {running} ({})", rel(&b.exe, &root));
        for line in lines.into_inner().expect("output lines") {
            let _ = writeln!(stdout, "{line}");
        }
        let _ = writeln!(
            stdout,
            "[{label}] {} finished in {:.0} s: {status}",
            b.name,
            started.elapsed().as_secs_f64()
        );
    }
    if !status.success() {
        bail!("{cmd:?} failed: {status}");
    }
    Ok(())
}
