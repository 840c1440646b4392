//! `tracer vm check --harden`: the loop no peer closes. `tracer harden` drafts a drop-in from
//! one run; a draft is only a guess until the package runs under it. Here the drafts from the
//! first run are installed in a fresh guest before the package, the same install, exercise and
//! tests run again, and the two runs are compared: a unit that no longer starts, a test that no
//! longer passes or a verdict that changed is what the draft broke.

use std::{collections::BTreeSet, fmt::Write as _};

use crate::{
    contents::Manifest,
    harden::{self, DaemonSelector},
    report::Report,
    trace::Trace,
    verdict::Status,
};

use super::check::CheckOutcome;

/// The drop-in's file name inside `/etc/systemd/system/UNIT.d/`: late in the order, so it
/// applies over the package's own drop-ins.
pub const DROPIN_NAME: &str = "50-tracer-harden.conf";

/// A drop-in to install in the guest before the package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DropIn {
    /// A unit name: `NAME.service`, no path.
    pub unit: String,
    pub text: String,
}

/// What could be drafted for the units the first run started.
#[derive(Debug, Clone, Default)]
pub struct Drafts {
    pub dropins: Vec<DropIn>,
    /// Units without a draft, and why.
    pub skipped: Vec<(String, String)>,
}

/// The program a unit file's first `ExecStart=` runs, without systemd's prefixes
/// (`-`, `@`, `+`, `!`, `:`). Init-script wrappers (`/etc/init.d/X`) are not the daemon.
pub fn exec_start_program(unit_text: &str) -> Option<String> {
    let mut in_service = false;
    for line in unit_text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_service = line == "[Service]";
            continue;
        }
        let Some(value) = line.strip_prefix("ExecStart=").filter(|_| in_service) else {
            continue;
        };
        let program = value
            .trim_start_matches(['-', '@', '+', '!', ':'])
            .split_whitespace()
            .next()?;
        if program.starts_with('/') && !program.starts_with("/etc/init.d/") {
            return Some(program.to_owned());
        }
        return None;
    }
    None
}

/// A unit name safe to use as a directory name in the guest.
fn plain_unit_name(unit: &str) -> bool {
    unit.ends_with(".service")
        && !unit.contains('@')
        && unit
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
}

/// One draft per service the first run started, for the program its unit file runs, from the
/// first run's whole-guest trace.
pub fn drafts(trace: &Trace, manifest: &Manifest, outcome: &CheckOutcome) -> Drafts {
    let mut out = Drafts::default();
    let started: BTreeSet<&String> = outcome.units.iter().collect();
    for unit in manifest.packages.iter().flat_map(|p| &p.units) {
        let name = unit
            .path
            .rsplit('/')
            .next()
            .unwrap_or(&unit.path)
            .to_owned();
        if !started.contains(&name) || !name.ends_with(".service") {
            continue;
        }
        if !plain_unit_name(&name) {
            out.skipped
                .push((name, "not a plain service name (a template?)".into()));
            continue;
        }
        let Some(program) = exec_start_program(&unit.text) else {
            out.skipped.push((
                name,
                "its ExecStart is no program of its own (an init script, or none)".into(),
            ));
            continue;
        };
        let selector = DaemonSelector(program.clone());
        let picked = harden::select(trace, Some(&selector));
        let draft = harden::draft(trace, &program, &picked);
        if draft.processes == 0 {
            out.skipped
                .push((name, format!("no process ran {program} in the first run")));
            continue;
        }
        out.dropins.push(DropIn {
            text: harden::render(&draft, "the first run's trace.jsonl"),
            unit: name,
        });
    }
    out
}

/// What the hardened run shows against the first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// Unit steps that failed only under the drafts (`UNIT: STEP`).
    pub new_failures: Vec<String>,
    pub tests_before: (usize, usize),
    pub tests_after: (usize, usize),
    /// Claims the first run judged (held or contradicted) and the hardened run could not
    /// (inconclusive, not exercised, absent), `ID (claim): before -> after`: the drafts cost
    /// coverage.
    pub unjudged: Vec<String>,
    /// Every other change: between held and contradicted (the package did less or more under
    /// the drafts), or of a claim the first run did not judge. Either a directive blocked
    /// something (a job, a helper) or one run's behaviour was timing (an hourly job that ran
    /// in one run only); the traces cannot tell which, so they are shown for the reviewer,
    /// not counted as broken.
    pub moved: Vec<String>,
    /// Claims that became inconclusive under the drafts while the hardened run lost events:
    /// the loss, not the drafts, may be why (a busy host, a recorder that fell behind).
    pub lost_coverage: Vec<String>,
    /// Events the hardened run's recorder could not deliver.
    pub hardened_lost: u64,
    /// The hardened guest job did not finish (its report is missing).
    pub incomplete: Option<String>,
}

/// What the comparison shows, once: harden.md's first line, the CLI's line and exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A unit step failed, fewer tests passed, a claim went unjudged or the run is missing.
    Broke,
    /// Nothing broke, but lost events leave claims undecided: the comparison proves nothing
    /// about them, and a re-run (on a quieter machine) is the answer.
    Undecided,
    /// The package ran, passed and was judged under the drafts as without them.
    Kept,
}

impl Comparison {
    pub fn outcome(&self) -> Outcome {
        if !self.new_failures.is_empty()
            || self.tests_after.1 < self.tests_before.1
            || !self.unjudged.is_empty()
            || self.incomplete.is_some()
        {
            Outcome::Broke
        } else if !self.lost_coverage.is_empty() {
            Outcome::Undecided
        } else {
            Outcome::Kept
        }
    }
}

pub fn compare(
    first: &CheckOutcome,
    first_report: Option<&Report>,
    hardened: &CheckOutcome,
    hardened_report: Option<&Report>,
) -> Comparison {
    let failed = |o: &CheckOutcome| -> BTreeSet<String> {
        o.unit_failures
            .iter()
            .map(|f| format!("{}: {}", f.unit, f.step))
            .collect()
    };
    let before = failed(first);
    let new_failures = failed(hardened)
        .into_iter()
        .filter(|f| !before.contains(f))
        .collect();
    let mut unjudged = Vec::new();
    let mut moved = Vec::new();
    let mut lost_coverage = Vec::new();
    let hardened_lost = hardened_report.map_or(0, |r| r.environment.loss.total_lost);
    if let (Some(a), Some(b)) = (first_report, hardened_report) {
        for v in &a.verdicts {
            let after = b
                .verdicts
                .iter()
                .find(|w| w.claim.id == v.claim.id)
                .map(|w| w.status);
            if after == Some(v.status) {
                continue;
            }
            let line = format!(
                "{} ({}): {} -> {}",
                v.claim.id,
                v.claim.statement(),
                v.status.label(),
                after.map_or("absent", |s| s.label())
            );
            let judged = |s: Status| matches!(s, Status::Held | Status::Contradicted);
            if !judged(v.status) || after.is_some_and(judged) {
                moved.push(line);
            } else if after == Some(Status::Inconclusive) && hardened_lost > 0 {
                lost_coverage.push(line);
            } else {
                unjudged.push(line);
            }
        }
    }
    let tests = |o: &CheckOutcome| (o.coverage.tests_run, o.coverage.tests_passed);
    Comparison {
        new_failures,
        tests_before: tests(first),
        tests_after: tests(hardened),
        unjudged,
        moved,
        lost_coverage,
        hardened_lost,
        incomplete: match (first_report.is_some(), hardened_report.is_some()) {
            (true, false) => Some("the hardened run wrote no report".into()),
            _ => None,
        },
    }
}

/// `harden.md`: the drafts, and whether the package still ran, passed and kept its verdicts
/// under them.
pub fn render_markdown(drafts: &Drafts, cmp: &Comparison) -> String {
    let mut s = String::from("# Hardening drafts, proven by a re-run\n\n");
    let verdict = match cmp.outcome() {
        Outcome::Undecided => {
            "**Not shown either way**: the hardened run lost events, so claims it judged before \
             are inconclusive now (below). Re-run on a quieter machine."
        }
        Outcome::Broke => {
            "**The drafts broke something** (below): fix or drop the directive before \
             proposing it."
        }
        Outcome::Kept => {
            "The package ran under the drafts: every unit step that worked still works, the \
             tests passed as before and every claim judged before is judged now."
        }
    };
    let _ = writeln!(s, "{verdict}\n");
    let _ = writeln!(s, "| | first run | under the drafts |\n| --- | --- | --- |");
    let _ = writeln!(
        s,
        "| tests passed | {} of {} | {} of {} |",
        cmp.tests_before.1, cmp.tests_before.0, cmp.tests_after.1, cmp.tests_after.0
    );
    for (label, items) in [
        ("unit steps failed only under the drafts", &cmp.new_failures),
        ("verdicts judged before, not now", &cmp.unjudged),
        ("other verdict changes (shown, not counted)", &cmp.moved),
    ] {
        let items = if items.is_empty() {
            "none".to_owned()
        } else {
            items.join(", ")
        };
        let _ = writeln!(s, "| {label} | | {items} |");
    }
    s.push('\n');
    if !cmp.moved.is_empty() {
        s.push_str(
            "The package behaved differently under the drafts. Either a directive blocked \
             something (a job, a helper, a write the draft does not allow), or one run's \
             behaviour was timing (a job that fired in one run only). The traces cannot tell \
             which: read `hardened/diff.txt` before proposing the draft.\n\n",
        );
    }
    if !cmp.lost_coverage.is_empty() {
        let _ = writeln!(
            s,
            "Inconclusive because the hardened run lost {} event(s), not because of the \
             drafts: {}.\n",
            cmp.hardened_lost,
            cmp.lost_coverage.join(", ")
        );
    }
    if let Some(why) = &cmp.incomplete {
        let _ = writeln!(s, "The hardened run is incomplete: {why}.\n");
    }
    for d in &drafts.dropins {
        let _ = writeln!(
            s,
            "## /etc/systemd/system/{}.d/{DROPIN_NAME}\n\n```ini\n{}```\n",
            d.unit, d.text
        );
    }
    for (unit, why) in &drafts.skipped {
        let _ = writeln!(s, "No draft for {unit}: {why}.\n");
    }
    s.push_str(
        "A draft holds only for what the runs exercised: a code path neither run took may \
         still need a path or a capability the draft withholds.\n",
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exec_start_program_of_real_unit_files() {
        let cron = "[Unit]\nDescription=x\n\n[Service]\nEnvironmentFile=-/etc/default/cron\n\
                    ExecStart=/usr/sbin/cron -f $EXTRA_OPTS\nKillMode=process\n";
        assert_eq!(exec_start_program(cron).as_deref(), Some("/usr/sbin/cron"));
        let prefixed = "[Service]\nExecStart=-!/usr/bin/memcached -u memcache\n";
        assert_eq!(
            exec_start_program(prefixed).as_deref(),
            Some("/usr/bin/memcached")
        );
        let wrapper = "[Service]\nExecStart=/etc/init.d/masakari-api systemd-start\n";
        assert_eq!(exec_start_program(wrapper), None);
        let elsewhere = "[Unit]\nExecStart=/usr/bin/x\n";
        assert_eq!(exec_start_program(elsewhere), None);
    }

    fn cmp() -> Comparison {
        Comparison {
            new_failures: vec![],
            tests_before: (2, 2),
            tests_after: (2, 2),
            unjudged: vec![],
            moved: vec![],
            lost_coverage: vec![],
            hardened_lost: 0,
            incomplete: None,
        }
    }

    #[test]
    fn what_counts_as_broken_and_what_is_undecided() {
        assert_eq!(cmp().outcome(), Outcome::Kept);
        let timing = Comparison {
            moved: vec!["C3 (No processes spawned): contradicted -> held".into()],
            ..cmp()
        };
        assert!(
            timing.outcome() == Outcome::Kept,
            "held/contradicted moves are shown, not broken"
        );
        let md = render_markdown(&Drafts::default(), &timing);
        assert!(md.contains("behaved differently under the drafts"), "{md}");
        // A claim the first run did not judge: the second judging it is no breakage.
        let gained = Comparison {
            moved: vec!["C16 (…): not exercised -> held".into()],
            ..cmp()
        };
        assert_eq!(gained.outcome(), Outcome::Kept);
        let fewer = Comparison {
            tests_after: (2, 1),
            ..cmp()
        };
        assert_eq!(fewer.outcome(), Outcome::Broke);
        let lost = Comparison {
            lost_coverage: vec!["C7 (…): held -> inconclusive".into()],
            hardened_lost: 3472,
            ..cmp()
        };
        assert_eq!(lost.outcome(), Outcome::Undecided);
        let md = render_markdown(&Drafts::default(), &lost);
        assert!(
            md.contains("lost 3472 event(s), not because of the drafts"),
            "{md}"
        );
        assert!(md.contains("Not shown either way"), "{md}");
        let both = Comparison {
            new_failures: vec!["x.service: start".into()],
            ..lost
        };
        assert_eq!(both.outcome(), Outcome::Broke);
    }

    #[test]
    fn only_plain_service_names_become_directories() {
        assert!(plain_unit_name("cron.service"));
        assert!(!plain_unit_name("getty@.service"));
        assert!(!plain_unit_name("../x.service"));
        assert!(!plain_unit_name("cron.timer"));
    }
}
