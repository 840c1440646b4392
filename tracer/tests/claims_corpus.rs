//! The review-wording corpora (`tests/corpus/`, described in its README): every case is read by
//! the extractor and compared with the claims a reviewer would expect a check for.
//!
//! - `claims.txt`, the tuning corpus: the rules were written against it, so its precision and
//!   recall must stay at or above the targets (0.95 and 0.80).
//! - `heldout*.txt`, held-out sets labelled before the extractor was run on them: their scores
//!   are printed and snapshotted, never asserted, because a held-out score is a measurement of
//!   how the rules generalise, not a target to tune against.

use std::{collections::BTreeSet, fmt::Write as _, path::Path};

use tracer::claims::{self, Check, Expect};

struct Case {
    source: String,
    text: String,
    expected: BTreeSet<String>,
}

fn label(check: Check, expect: Expect) -> String {
    format!(
        "{}:{}",
        check.name(),
        match expect {
            Expect::Absent => "absent",
            Expect::Present => "present",
        }
    )
}

fn corpus(file: &str) -> Vec<Case> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let known: BTreeSet<String> = Check::ALL
        .iter()
        .flat_map(|c| [label(*c, Expect::Absent), label(*c, Expect::Present)])
        .collect();
    let mut cases = Vec::new();
    let mut source = String::new();
    let mut lines: Vec<&str> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if let Some(s) = line.strip_prefix("## ") {
            assert!(lines.is_empty(), "line {}: a case without `=>`", n + 1);
            source = s.to_owned();
        } else if let Some(e) = line.strip_prefix("=> ") {
            let expected: BTreeSet<String> = e
                .split_whitespace()
                .filter(|w| *w != "-")
                .map(str::to_owned)
                .collect();
            for w in &expected {
                assert!(known.contains(w), "line {}: unknown claim {w}", n + 1);
            }
            cases.push(Case {
                source: source.clone(),
                text: lines.join("\n"),
                expected,
            });
            lines.clear();
        } else if !line.trim().is_empty() {
            lines.push(line);
        }
    }
    assert!(lines.is_empty(), "the corpus ends with a case without `=>`");
    cases
}

/// The scored table of a corpus: its summary line, the table, and the wrong-polarity cases.
struct Score {
    summary: String,
    table: String,
    precision: f64,
    recall: f64,
    polarity_errors: Vec<String>,
}

fn score(file: &str) -> Score {
    let cases = corpus(file);
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    let mut table = String::new();
    let mut polarity_errors = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let set = claims::extract(&case.text);
        let got: BTreeSet<String> = set
            .claims
            .iter()
            .map(|c| label(c.check, c.expect))
            .collect();
        let hit = got.intersection(&case.expected).count();
        tp += hit;
        fp += got.len() - hit;
        fn_ += case.expected.len() - hit;
        for g in got.difference(&case.expected) {
            let (check, _) = g.split_once(':').unwrap_or((g, ""));
            if case
                .expected
                .iter()
                .any(|e| e.starts_with(&format!("{check}:")))
            {
                polarity_errors.push(format!("case {i}: {g} ({})", case.text));
            }
        }
        let mark = if got == case.expected { "ok  " } else { "MISS" };
        let show = |s: &BTreeSet<String>| {
            if s.is_empty() {
                "-".to_owned()
            } else {
                s.iter().cloned().collect::<Vec<_>>().join(" ")
            }
        };
        let first = case.text.lines().next().unwrap_or("");
        let _ = writeln!(
            table,
            "{mark} {i:3} [{}] {first}\n         expected: {}\n         got:      {}",
            case.source,
            show(&case.expected),
            show(&got)
        );
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    let summary = format!(
        "{} cases, {} expected claims: true {tp}, false {fp}, missed {fn_}; precision {precision:.3}, recall {recall:.3}",
        cases.len(),
        tp + fn_
    );
    Score {
        summary,
        table,
        precision,
        recall,
        polarity_errors,
    }
}

#[test]
fn corpus_precision_and_recall() {
    let s = score("claims.txt");
    println!("{}", s.summary);
    insta::assert_snapshot!(format!("{}\n\n{}", s.summary, s.table));
    assert!(
        s.polarity_errors.is_empty(),
        "wrong polarity (the worst error: a wrong verdict):\n{}",
        s.polarity_errors.join("\n")
    );
    assert!(s.precision >= 0.95, "{}", s.summary);
    assert!(s.recall >= 0.80, "{}", s.summary);
}

/// A held-out set's score, printed and snapshotted (README: provenance, and when a set stopped
/// being held out). Never asserted: it measures, it is not a target.
fn record(file: &str) -> String {
    let s = score(file);
    println!("{file}: {}", s.summary);
    if !s.polarity_errors.is_empty() {
        println!("{file}: wrong polarity:\n{}", s.polarity_errors.join("\n"));
    }
    format!("{}\n\n{}", s.summary, s.table)
}

/// The first held-out set; the rules were changed after reading its misses, so it is no longer
/// held out (README).
#[test]
fn heldout_score_is_recorded() {
    insta::assert_snapshot!(record("heldout.txt"));
}

/// The second held-out set, labelled before those changes; changed for after, so no longer held
/// out either.
#[test]
fn heldout2_score_is_recorded() {
    insta::assert_snapshot!(record("heldout2.txt"));
}

/// The third held-out set, labelled after both rounds of changes and not tuned on.
#[test]
fn heldout3_score_is_recorded() {
    insta::assert_snapshot!(record("heldout3.txt"));
}

/// The fourth held-out set (session 6), labelled and committed before its first run; the rules
/// were changed after reading its errors, so it is no longer held out (README).
#[test]
fn heldout4_score_is_recorded() {
    insta::assert_snapshot!(record("heldout4.txt"));
}

/// The fifth held-out set (session 6), labelled after the changes made for the fourth and
/// measured once.
#[test]
fn heldout5_score_is_recorded() {
    insta::assert_snapshot!(record("heldout5.txt"));
}

/// The sixth held-out set (session 6, after the header rule), labelled and committed before
/// its first run; its first-run score is in the README.
#[test]
fn heldout6_score_is_recorded() {
    insta::assert_snapshot!(record("heldout6.txt"));
}

/// The seventh held-out set (session 6, after the changes made for heldout6), labelled and
/// committed before its first run; its first-run score is in the README.
#[test]
fn heldout7_score_is_recorded() {
    insta::assert_snapshot!(record("heldout7.txt"));
}

/// The eighth held-out set (session 7): real Ubuntu MIR and security-team review texts,
/// labelled and committed before its first run; its first-run score is in the README.
#[test]
fn heldout8_score_is_recorded() {
    insta::assert_snapshot!(record("heldout8.txt"));
}

/// The ninth held-out set (session 7): free prose from GitHub issues and pull requests,
/// labelled and committed after the subject rule was built, before the rules were run on it;
/// it measures that rule on prose the rules have not seen (README).
#[test]
fn heldout9_score_is_recorded() {
    insta::assert_snapshot!(record("heldout9.txt"));
}

/// The tenth held-out set (session 7): free prose labelled and committed after the fixes made
/// for heldout9, before the rules were run on it (README).
#[test]
fn heldout10_score_is_recorded() {
    insta::assert_snapshot!(record("heldout10.txt"));
}

/// The eleventh held-out set (session 7): free prose about sudo, sudoers and D-Bus policies,
/// labelled and committed after the fixes made for heldout10, before the rules were run on it.
#[test]
fn heldout11_score_is_recorded() {
    insta::assert_snapshot!(record("heldout11.txt"));
}

/// The twelfth held-out set (session 9): real Ubuntu MIR and security-team reviews, labelled
/// and committed before the rules were run on it; its first-run score is in the README.
#[test]
fn heldout12_score_is_recorded() {
    insta::assert_snapshot!(record("heldout12.txt"));
}

/// The thirteenth held-out set (session 9): real Ubuntu MIR, security-team and MIR-reporter
/// texts of other reviewers and eras, labelled and committed before the rules were run on it;
/// its first-run score is in the README.
#[test]
fn heldout13_score_is_recorded() {
    insta::assert_snapshot!(record("heldout13.txt"));
}

/// The fourteenth held-out set (session 10): the SUSE security team's daemon reviews, an
/// Ubuntu MIR review and the MIR team's old guideline, labelled and committed before the rules
/// were run on it; its first-run score is in the README.
#[test]
fn heldout14_score_is_recorded() {
    insta::assert_snapshot!(record("heldout14.txt"));
}

/// The fifteenth held-out set (session 12): real Ubuntu MIR reviews, a MIR reporter's template
/// and old Main Inclusion Reports (one with its upstream's security assessment), labelled and
/// committed before the rules were run on it; its first-run score is in the README.
#[test]
fn heldout15_score_is_recorded() {
    insta::assert_snapshot!(record("heldout15.txt"));
}

/// The sixteenth held-out set (session 13): two Ubuntu MIR reviews and the SUSE security team's
/// daemon reviews, labelled and committed before the rules were run on it; its first-run score
/// is in the README.
#[test]
fn heldout16_score_is_recorded() {
    insta::assert_snapshot!(record("heldout16.txt"));
}

/// The seventeenth held-out set (session 14): SUSE security-team reviews not used before
/// (free prose, with statements about the team's and distributions' decisions), labelled and
/// committed before the rules were run on it; its first-run score is in the README.
#[test]
fn heldout17_score_is_recorded() {
    insta::assert_snapshot!(record("heldout17.txt"));
}

/// The eighteenth held-out set (session 15): Flathub submission reviews and Flatpak permission
/// threads (a genre not used before: app-store permission justifications), labelled and
/// committed before the rules were run on it; its first-run score is in the README.
#[test]
fn heldout18_score_is_recorded() {
    insta::assert_snapshot!(record("heldout18.txt"));
}

/// The nineteenth held-out set (session 16): Snap Store manual-review threads (classic-confinement
/// and privileged-interface requests, reviewers' replies) and an OpenStore unconfined-template
/// justification, a genre not used before; labelled and committed before the rules were run on
/// it; its first-run score is in the README.
#[test]
fn heldout19_score_is_recorded() {
    insta::assert_snapshot!(record("heldout19.txt"));
}

/// The twentieth held-out set (session 17): SELinux policy change requests and reviews
/// (fedora-selinux, refpolicy, projects shipping their own policy module), where maintainers say
/// what a daemon does to justify an allow rule, a genre not used before; labelled and committed
/// before the rules were run on it; its first-run score is in the README.
#[test]
fn heldout20_score_is_recorded() {
    insta::assert_snapshot!(record("heldout20.txt"));
}

/// The twenty-first held-out set (session 18): self-sandboxing and privilege-drop change
/// requests (OpenBSD pledge/unveil, Capsicum, Landlock, seccomp), where authors say what a
/// program does at run time to justify what it keeps, a genre not used before; labelled and
/// committed before the rules were run on it; its first-run score is in the README.
#[test]
fn heldout21_score_is_recorded() {
    insta::assert_snapshot!(record("heldout21.txt"));
}

/// The twenty-second held-out set (session 19): systemd unit hardening pull requests and issues,
/// where contributors propose sandboxing directives, maintainers say what the daemon does that a
/// directive would break, and reporters paste `systemd-analyze security` verdicts, a genre not
/// used before; labelled and committed before the rules were run on it; its first-run score is
/// in the README.
#[test]
fn heldout22_score_is_recorded() {
    insta::assert_snapshot!(record("heldout22.txt"));
}

/// The twenty-third: Debian security advisory texts (DSA and DLA), a genre no set used before;
/// labelled and committed before the rules were run on it; its first-run score is in the README.
#[test]
fn heldout23_score_is_recorded() {
    insta::assert_snapshot!(record("heldout23.txt"));
}

/// The twenty-fourth: service scripts for init systems other than systemd and other platforms'
/// packagers (FreeBSD rc.d, OpenRC, runit, launchd and Homebrew services), a genre no set used
/// before; labelled and committed before the rules were run on it; its first-run score is in the
/// README.
#[test]
fn heldout24_score_is_recorded() {
    insta::assert_snapshot!(record("heldout24.txt"));
}

/// The twenty-fifth: container images and their deployment manifests (Dockerfile `USER`
/// requests, gosu/su-exec entrypoints, Helm charts' securityContext), a genre no set used before;
/// labelled and committed before the rules were run on it; its first-run score is in the README.
#[test]
fn heldout25_score_is_recorded() {
    insta::assert_snapshot!(record("heldout25.txt"));
}

/// Package names from the usual headers and bug titles; nothing when nothing names it.
#[test]
fn package_names_from_headers_and_titles() {
    let name = |t: &str| claims::extract(t).package.name;
    let cases: &[(&str, Option<&str>)] = &[
        (
            "Review for Source Package: libclass-inspector-perl\n",
            Some("libclass-inspector-perl"),
        ),
        (
            "Review for Package: cups-browsed\n\n[Summary]\n",
            Some("cups-browsed"),
        ),
        (
            "Title:\n  [MIR] azure-proxy-agent\n",
            Some("azure-proxy-agent"),
        ),
        (
            "I reviewed lxd version 0.18-0ubuntu2 as checked into wily.",
            Some("lxd"),
        ),
        (
            "I reviewed masakari 9.0.0~b2 as checked into focal",
            Some("masakari"),
        ),
        (
            "https://bugs.launchpad.net/ubuntu/+source/flatpak/+bug/1812456\n",
            Some("flatpak"),
        ),
        ("Security review of foo-daemon\n", Some("foo-daemon")),
        ("Security review for: libfoo1\n", Some("libfoo1")),
        // Template placeholders and prose name nothing: no guess.
        ("Main Inclusion Report for sourcepackage\n", None),
        ("TODO: Review for Source Package: TBDSRC\n", None),
        ("I reviewed the code and it looks fine.\n", None),
        ("Security review of the whole stack\n", None),
        ("- No processes spawned\n- No cron jobs\n", None),
    ];
    for (text, want) in cases {
        assert_eq!(name(text).as_deref(), *want, "{text:?}");
    }
}

/// The twenty-sixth: distribution packaging reviews (RPM spec files reviewed for Fedora, EPEL and
/// CentOS, Arch PKGBUILDs and AUR packages, a Gentoo ebuild), a genre no set used before; labelled
/// and committed before the rules were run on it; its first-run score is in the README.
#[test]
fn heldout26_score_is_recorded() {
    insta::assert_snapshot!(record("heldout26.txt"));
}

/// The twenty-seventh: fresh Ubuntu MIR texts (reviews by the MIR team, 2021-2025, and reporters'
/// MIR requests) that no other set quotes; the store keeps only each page's opening, so no line
/// expects a claim and the set counts false claims on real MIR prose; labelled and committed
/// before the rules were run on it; its first-run score is in the README.
#[test]
fn heldout27_score_is_recorded() {
    insta::assert_snapshot!(record("heldout27.txt"));
}

/// The twenty-eighth: Debian and openSUSE packaging reviews and packagers' bug threads (maintainer
/// scripts, setuid bits, a cron file made by a postinst, a default bind, a sudoers entry) that no
/// other set quotes; found after the stored pages gave no unquoted MIR review; labelled and
/// committed before the rules were run on it; its first-run score is in the README.
#[test]
fn heldout28_score_is_recorded() {
    insta::assert_snapshot!(record("heldout28.txt"));
}

/// The twenty-ninth: checklist-style packaging and security reviews of other distributions (the
/// openSUSE security team's D-Bus and Polkit audits as upstream bugs and whitelisting requests,
/// Fedora, Debian, Alpine, Arch, Gentoo and NixOS packaging reviews, setuid whitelists) that no
/// other set quotes; labelled and committed before the rules were run on it; its first-run score
/// is in the README.
#[test]
fn heldout29_score_is_recorded() {
    insta::assert_snapshot!(record("heldout29.txt"));
}

/// The thirtieth: AppArmor profile pull requests and issues and capability threads about daemons
/// (what a profile must allow a daemon to do, whether the package ships the profile) that no other
/// set quotes; labelled and committed before the rules were run on it; its first-run score is in
/// the README.
#[test]
fn heldout30_score_is_recorded() {
    insta::assert_snapshot!(record("heldout30.txt"));
}
