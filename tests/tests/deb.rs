//! The .deb that `cargo xtask deb` builds (`TRACER_DEB`, set by `cargo xtask test`) carries the
//! documentation the error messages point at, and lintian finds nothing in it but what
//! docs/autopkgtest.md explains.

use std::{path::PathBuf, process::Command};

fn deb() -> PathBuf {
    let p = std::env::var_os("TRACER_DEB").map(PathBuf::from).expect(
        "TRACER_DEB is not set: run this through `cargo xtask test` (it builds the .deb), or \
         set it to the output of `cargo xtask deb`",
    );
    assert!(p.is_file(), "TRACER_DEB={} is not a file", p.display());
    p
}

#[test]
fn deb_ships_man_pages_completions_and_docs() {
    let out = Command::new("dpkg-deb")
        .arg("--contents")
        .arg(deb())
        .output()
        .expect("dpkg-deb runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listing = String::from_utf8_lossy(&out.stdout);
    for path in [
        "./usr/bin/tracer",
        "./usr/share/man/man1/tracer.1.gz",
        "./usr/share/man/man1/tracer-record.1.gz",
        "./usr/share/man/man1/tracer-check.1.gz",
        "./usr/share/man/man1/tracer-vm-check.1.gz",
        "./usr/share/bash-completion/completions/tracer",
        "./usr/share/zsh/vendor-completions/_tracer",
        "./usr/share/fish/vendor_completions.d/tracer.fish",
        "./usr/share/doc/tracer/claims.md",
        "./usr/share/doc/tracer/trace-format.md",
        "./usr/share/doc/tracer/schemas/trace.schema.json",
        "./usr/share/doc/tracer/schemas/report.schema.json",
        "./usr/share/doc/tracer/copyright",
        "./usr/share/lintian/overrides/tracer",
    ] {
        assert!(
            listing.lines().any(|l| l.ends_with(path)),
            "{path} is not in the .deb:\n{listing}"
        );
    }
    // The hidden `man` command is no page of its own.
    assert!(!listing.contains("tracer-man.1"), "{listing}");
}

#[test]
fn lintian_finds_only_the_placeholder_maintainer() {
    let out = Command::new("lintian")
        .arg(deb())
        .output()
        .expect("lintian runs (cargo xtask setup --vm installs it)");
    let text = String::from_utf8_lossy(&out.stdout);
    let tags: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("E:") || l.starts_with("W:") || l.starts_with("I:"))
        .collect();
    // With DEBFULLNAME/DEBEMAIL unset the placeholder maintainer is a bogus mail host, in the
    // control file and in the changelog; nothing else may be reported.
    for tag in &tags {
        assert!(
            tag.contains("bogus-mail-host"),
            "unexpected lintian tag: {tag}\n{text}"
        );
    }
}
