//! `cargo xtask deb`: the full `tracer` (release, eBPF object embedded) as a Debian binary
//! package, `out/deb/tracer_<version>_<arch>.deb`.
//!
//! Why a .deb: an autopkgtest testbed gets its test dependencies through apt, so the one way
//! to put `tracer` into a testbed a reviewer already uses (`Depends: @, tracer` in
//! debian/tests/control) is a package passed on the autopkgtest command line next to the
//! package under test (docs/autopkgtest.md). Built with `dpkg-deb --root-owner-group` from a
//! staging tree, no debhelper: one binary, a copyright file, a changelog, and a control file
//! whose `Depends` comes from `dpkg-shlibdeps` (so it says which libc the binary really needs).

use std::{
    fs,
    io::Write as _,
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context as _, bail};

use crate::util::{on_path, run_cmd, workspace_root};

#[derive(clap::Args)]
pub struct Args {
    /// Directory the .deb is written to (default: out/deb).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Maintainer field (default: "$DEBFULLNAME <$DEBEMAIL>", else a local placeholder).
    #[arg(long)]
    pub maintainer: Option<String>,
    /// The cargo profile to build and package (`cargo xtask test` packages its `guest`
    /// build: optimized enough for a TCG guest, minutes cheaper than a release build).
    #[arg(long, default_value = "release")]
    pub profile: String,
    /// Cargo's target directory for this build (default: CARGO_TARGET_DIR or target/).
    #[arg(long)]
    pub target_dir: Option<PathBuf>,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let deb = build(args)?;
    println!("{}", deb.display());
    Ok(())
}

/// Builds the binary (release by default) and packages it; returns the .deb's path.
pub fn build(args: &Args) -> anyhow::Result<PathBuf> {
    for tool in ["dpkg-deb", "dpkg-shlibdeps"] {
        if !on_path(tool) {
            bail!("`{tool}` is not installed; install dpkg-dev (`apt-get install dpkg-dev`)");
        }
    }
    let root = workspace_root();
    // The full binary: the build script embeds the eBPF object (needs `cargo xtask setup`).
    let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cargo
        .current_dir(&root)
        .args([
            "build",
            "--package",
            "tracer",
            "--bin",
            "tracer",
            "--profile",
        ])
        .arg(&args.profile);
    let target_dir = args.target_dir.clone().unwrap_or_else(target_dir);
    cargo.arg("--target-dir").arg(&target_dir);
    run_cmd(&mut cargo)?;
    // Cargo names the dev profile's directory "debug".
    let dir = if args.profile == "dev" {
        "debug"
    } else {
        &args.profile
    };
    let binary = target_dir.join(dir).join("tracer");
    if !binary.is_file() {
        bail!(
            "cargo built no {}; check CARGO_TARGET_DIR",
            binary.display()
        );
    }

    let version = env!("CARGO_PKG_VERSION");
    let arch = command_output(Command::new("dpkg").arg("--print-architecture"))?;
    let out = args.out.clone().unwrap_or_else(|| root.join("out/deb"));
    let stage = target_dir.join(format!("deb/tracer_{version}_{arch}"));
    if stage.exists() {
        fs::remove_dir_all(&stage).with_context(|| format!("removing {}", stage.display()))?;
    }
    let bin_dir = stage.join("usr/bin");
    let doc_dir = stage.join("usr/share/doc/tracer");
    let debian = stage.join("DEBIAN");
    for d in [&bin_dir, &doc_dir, &debian] {
        fs::create_dir_all(d).with_context(|| format!("creating {}", d.display()))?;
    }
    let installed = bin_dir.join("tracer");
    fs::copy(&binary, &installed).with_context(|| format!("copying {}", binary.display()))?;
    // Stripped like any Debian binary; the eBPF object inside keeps its BTF (it is data).
    run_cmd(
        Command::new("strip")
            .args(["--strip-unneeded", "--remove-section=.comment"])
            .arg(&installed),
    )?;
    set_mode(&installed, 0o755)?;
    write(&doc_dir.join("copyright"), &copyright(), 0o644)?;
    write_gz(&doc_dir.join("changelog.gz"), &changelog(version))?;
    install_docs(&root, &binary, &stage)?;

    let depends = shlib_depends(&stage, &installed)?;
    let installed_kib = dir_kib(&stage)?;
    let maintainer = args.maintainer.clone().unwrap_or_else(default_maintainer);
    if maintainer == PLACEHOLDER_MAINTAINER {
        // lintian calls it a bogus mail host, rightly: fine for a testbed, not for an archive.
        eprintln!(
            "deb: Maintainer is the placeholder {PLACEHOLDER_MAINTAINER}; set DEBFULLNAME and DEBEMAIL or pass --maintainer"
        );
    }
    let control = format!(
        "Package: tracer\n\
         Version: {version}\n\
         Architecture: {arch}\n\
         Maintainer: {maintainer}\n\
         Installed-Size: {installed_kib}\n\
         Depends: {depends}\n\
         Section: admin\n\
         Priority: optional\n\
         Description: record what a package's daemons do and check review claims\n \
         An eBPF recorder writes every process spawn, file operation, network\n \
         connection and privilege change of a package's daemons to a trace file;\n \
         `tracer check` answers each claim of a security review (contradicted,\n \
         held, not exercised, inconclusive) with the evidence.\n \
         .\n \
         Recording needs root and a kernel with BPF ring buffers (5.8 or later).\n"
    );
    write(&debian.join("control"), &control, 0o644)?;

    fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    let deb = out.join(format!("tracer_{version}_{arch}.deb"));
    run_cmd(
        Command::new("dpkg-deb")
            .args(["--root-owner-group", "-Zxz", "--build"])
            .arg(&stage)
            .arg(&deb),
    )?;
    Ok(deb)
}

/// The documentation the error messages point at: a man page per subcommand (from the binary's
/// own clap definitions), bash/zsh/fish completions, and docs/*.md under /usr/share/doc/tracer.
fn install_docs(root: &Path, binary: &Path, stage: &Path) -> anyhow::Result<()> {
    let pages = stage.with_extension("man");
    let _ = fs::remove_dir_all(&pages);
    run_cmd(Command::new(binary).arg("man").arg("--out").arg(&pages))?;
    let man1 = stage.join("usr/share/man/man1");
    fs::create_dir_all(&man1).with_context(|| format!("creating {}", man1.display()))?;
    for e in fs::read_dir(&pages).with_context(|| format!("reading {}", pages.display()))? {
        let path = e
            .with_context(|| format!("reading {}", pages.display()))?
            .path();
        let text = fs::read_to_string(&path).with_context(|| format!("{}", path.display()))?;
        let name = path.file_name().context("a page without a name")?;
        write_gz(&man1.join(name).with_extension("1.gz"), &text)?;
    }
    let _ = fs::remove_dir_all(&pages);
    for (shell, rel) in [
        ("bash", "usr/share/bash-completion/completions/tracer"),
        ("zsh", "usr/share/zsh/vendor-completions/_tracer"),
        ("fish", "usr/share/fish/vendor_completions.d/tracer.fish"),
    ] {
        let text = command_output(Command::new(binary).args(["completions", shell]))?;
        let path = stage.join(rel);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        write(&path, &format!("{text}\n"), 0o644)?;
    }
    // The one lintian tag that stays; docs/autopkgtest.md gives the same reason.
    let overrides = stage.join("usr/share/lintian/overrides");
    fs::create_dir_all(&overrides).with_context(|| format!("creating {}", overrides.display()))?;
    write(
        &overrides.join("tracer"),
        "# The binary names /var/lib/dpkg/info/ because dpkg runs maintainer scripts from there:\n\
         # that is how a trace's maintainer-script processes are recognised. No dpkg database\n\
         # is read.\n\
         tracer: uses-dpkg-database-directly [usr/bin/tracer]\n",
        0o644,
    )?;
    let doc = stage.join("usr/share/doc/tracer");
    for e in fs::read_dir(root.join("docs")).context("reading docs/")? {
        let path = e.context("reading docs/")?.path();
        if path.extension().is_some_and(|x| x == "md") {
            let text = fs::read_to_string(&path).with_context(|| format!("{}", path.display()))?;
            let name = path.file_name().context("a doc without a name")?;
            write(&doc.join(name), &text, 0o644)?;
        }
    }
    // The JSON Schemas of the trace, summary and report, for tools that read them.
    fs::create_dir_all(doc.join("schemas")).context("creating the schemas' directory")?;
    for e in fs::read_dir(root.join("docs/schemas")).context("reading docs/schemas/")? {
        let path = e.context("reading docs/schemas/")?.path();
        let text = fs::read_to_string(&path).with_context(|| format!("{}", path.display()))?;
        let name = path.file_name().context("a schema without a name")?;
        write(&doc.join("schemas").join(name), &text, 0o644)?;
    }
    Ok(())
}

/// Cargo's target directory: `CARGO_TARGET_DIR` (relative to the workspace) or `target/`.
pub fn target_dir() -> PathBuf {
    let root = workspace_root();
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|d| if d.is_absolute() { d } else { root.join(d) })
        .unwrap_or_else(|| root.join("target"))
}

/// `Depends` for the binary as dpkg-shlibdeps computes it. dpkg-shlibdeps wants a source
/// tree (debian/control); a two-line one in the staging area's parent is enough.
fn shlib_depends(stage: &Path, binary: &Path) -> anyhow::Result<String> {
    let src = stage.with_extension("src");
    fs::create_dir_all(src.join("debian"))
        .with_context(|| format!("creating {}", src.display()))?;
    write(
        &src.join("debian/control"),
        "Source: tracer\n\nPackage: tracer\nArchitecture: any\n",
        0o644,
    )?;
    let out = command_output(
        Command::new("dpkg-shlibdeps")
            .current_dir(&src)
            .args(["-O", "-e"])
            .arg(binary),
    )?;
    let _ = fs::remove_dir_all(&src);
    // "shlibs:Depends=libc6 (>= 2.34), libgcc-s1 (>= 4.2)"
    out.lines()
        .find_map(|l| l.strip_prefix("shlibs:Depends="))
        .map(str::to_owned)
        .context("dpkg-shlibdeps printed no shlibs:Depends line")
}

const PLACEHOLDER_MAINTAINER: &str = "tracer developers <tracer@localhost>";

fn default_maintainer() -> String {
    match (std::env::var("DEBFULLNAME"), std::env::var("DEBEMAIL")) {
        (Ok(name), Ok(mail)) if !name.is_empty() && !mail.is_empty() => format!("{name} <{mail}>"),
        _ => PLACEHOLDER_MAINTAINER.into(),
    }
}

fn copyright() -> String {
    "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\
     Upstream-Name: tracer\n\
     \n\
     Files: *\n\
     Copyright: 2026 the tracer developers\n\
     License: MIT or Apache-2.0\n \
     Dual-licensed: MIT, or Apache License 2.0 (see /usr/share/common-licenses/Apache-2.0).\n"
        .to_owned()
}

fn changelog(version: &str) -> String {
    let date = command_output(Command::new("date").arg("-R")).unwrap_or_default();
    format!(
        "tracer ({version}) unstable; urgency=medium\n\n  * Built by `cargo xtask deb`.\n\n -- {}  {date}\n",
        default_maintainer()
    )
}

fn command_output(cmd: &mut Command) -> anyhow::Result<String> {
    let out = cmd
        .output()
        .with_context(|| format!("could not start {cmd:?}"))?;
    if !out.status.success() {
        bail!(
            "{cmd:?} failed: {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn write(path: &Path, text: &str, mode: u32) -> anyhow::Result<()> {
    fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    set_mode(path, mode)
}

/// gzip -9n: no name or time stamp in the header, so the same input gives the same bytes.
fn write_gz(path: &Path, text: &str) -> anyhow::Result<()> {
    let mut child = Command::new("gzip")
        .args(["-9n", "-c"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .context("could not start gzip")?;
    child
        .stdin
        .take()
        .context("gzip has no stdin")?
        .write_all(text.as_bytes())
        .context("writing to gzip")?;
    let out = child.wait_with_output().context("waiting for gzip")?;
    if !out.status.success() {
        bail!("gzip failed: {}", out.status);
    }
    fs::write(path, out.stdout).with_context(|| format!("writing {}", path.display()))?;
    set_mode(path, 0o644)
}

fn set_mode(path: &Path, mode: u32) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
        .with_context(|| format!("setting the mode of {}", path.display()))
}

/// Installed-Size: the staged tree in KiB (DEBIAN/ excluded, as dpkg-gencontrol counts).
fn dir_kib(dir: &Path) -> anyhow::Result<u64> {
    fn walk(dir: &Path, total: &mut u64) -> anyhow::Result<()> {
        for e in fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
            let e = e.with_context(|| format!("reading {}", dir.display()))?;
            let meta = e
                .metadata()
                .with_context(|| format!("{}", e.path().display()))?;
            if meta.is_dir() {
                if e.file_name() != "DEBIAN" {
                    walk(&e.path(), total)?;
                }
            } else {
                *total += meta.len().div_ceil(1024);
            }
        }
        Ok(())
    }
    let mut total = 0;
    walk(dir, &mut total)?;
    Ok(total)
}
