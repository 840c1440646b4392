//! The whole judging pipeline behind one call: a trace and a claim set in, a report out.
//!
//! `tracer check` and `tracer vm check` both call [`check`], so they judge, summarize and
//! report the same way, and each stage runs once: the trace is summarized once and the report
//! is built from that summary and the verdicts.

use crate::{
    claims::ClaimSet,
    contents::Manifest,
    report::{Inputs, Report},
    summary::summarize,
    trace::Trace,
    verdict,
};

/// What a check needs besides the trace and the claims.
#[derive(Debug, Clone)]
pub struct CheckOptions<'a> {
    /// The install's contents manifest, for the claims about installed files.
    pub contents: Option<&'a Manifest>,
    /// The input names the report shows.
    pub inputs: Inputs,
    /// What a `vm check` run exercised: a claim is held only with its witness, and each
    /// verdict lists its phases (see [`verdict::witness`]). `None`: a trace on its own.
    pub exercised: Option<&'a verdict::witness::Exercised>,
}

impl CheckOptions<'_> {
    /// A trace on its own, judged against `claims` read from `review` (a name the report
    /// shows): no contents manifest, no witness.
    pub fn trace_only(claims: &ClaimSet, review: Option<&str>, trace: &str) -> Self {
        CheckOptions {
            contents: None,
            inputs: Inputs {
                review: review.map(str::to_owned),
                claims_file: None,
                trace: trace.to_owned(),
                package: claims.package.name.clone(),
                daemons: claims.package.daemons.clone(),
            },
            exercised: None,
        }
    }
}

/// A finished check.
#[derive(Debug, Clone)]
pub struct Checked {
    pub report: Report,
    /// Why nothing was checked (no claims, the package never ran, no claim exercised): the
    /// reason for exit code 4, which a caller says once on stderr. `None` when something was.
    pub nothing_checked: Option<String>,
}

impl Checked {
    /// 0 nothing contradicted or inconclusive, 1 contradicted, 3 inconclusive, 4 nothing
    /// checked (the README's table).
    pub fn exit_code(&self) -> u8 {
        self.report.outcome.exit_code
    }
}

/// Judges `claims` against `trace` and builds the report.
pub fn check(trace: &Trace, claims: &ClaimSet, options: CheckOptions<'_>) -> Checked {
    // A vm run's unit cgroups make systemd's work for the package's units the package's; how
    // each unit ran (a oneshot's job) tells a job from a daemon.
    let claims = match options.exercised {
        Some(ex) if !ex.unit_cgroups.is_empty() || !ex.units.is_empty() => {
            let mut c = claims.clone();
            c.package.unit_cgroups = ex.unit_cgroups.clone();
            c.package.unit_runs = ex.units.clone();
            std::borrow::Cow::Owned(c)
        }
        _ => std::borrow::Cow::Borrowed(claims),
    };
    let claims = claims.as_ref();
    let mut judgement = verdict::judge_with(trace, claims, options.contents);
    if let Some(ex) = options.exercised {
        verdict::witness::apply(&mut judgement, trace, &claims.package, ex);
    }
    verdict::after_cut(&mut judgement, trace);
    let nothing_checked = judgement.nothing_checked();
    let summary = summarize(trace);
    let report = Report::build(trace, &summary, claims, judgement, options.inputs);
    Checked {
        report,
        nothing_checked,
    }
}
