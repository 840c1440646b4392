//! The report's JSON shape (docs/claims.md, "Report").

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::REPORT_VERSION;
use crate::{
    claims::{ClaimSet, NotCheckable},
    summary::{Loss, Summary},
    trace::describe::target_label,
    trace::{StreamCut, Trace},
    verdict::{Findings, Judgement, OriginCounts, Status, Verdict},
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Report {
    /// Always [`REPORT_VERSION`].
    pub report_version: u32,
    /// The checker: `tracer VERSION`.
    pub tool: String,
    pub inputs: Inputs,
    pub outcome: Outcome,
    pub verdicts: Vec<Verdict>,
    pub findings: Findings,
    pub not_checkable: Vec<NotCheckable>,
    /// Review lines that are neither claims nor understood (`tracer claims --json` lists them).
    pub unrecognised_lines: usize,
    pub attribution: OriginCounts,
    /// Interpreters and application servers the package ran, with the script or module each
    /// ran and the Python modules it opened.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interpreters: Vec<String>,
    pub environment: Environment,
}

/// What was checked against what. File names as given on the command line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Inputs {
    pub review: Option<String>,
    pub claims_file: Option<String>,
    pub trace: String,
    pub package: Option<String>,
    pub daemons: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Outcome {
    /// 0 nothing contradicted or inconclusive, 1 contradicted, 3 inconclusive.
    pub exit_code: u8,
    pub contradicted: usize,
    pub inconclusive: usize,
    pub held: usize,
    pub not_exercised: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Environment {
    pub kernel: String,
    pub hostname: String,
    pub recorder: String,
    pub target: String,
    pub start_time: String,
    /// Null when the recording did not finish.
    pub duration_ms: Option<u64>,
    pub stop_reason: Option<String>,
    pub hooks_attached: usize,
    pub hooks_failed: Vec<String>,
    /// Hooks this kernel does not have (see the summary's `hooks_absent`).
    #[serde(default)]
    pub hooks_absent: Vec<String>,
    /// The LSM hooks that named opened and executed files (paths' `real`, symlinks followed);
    /// empty where the kernel does not run them, and then paths are as the processes gave them.
    #[serde(default)]
    pub kernel_file_names: Vec<String>,
    /// Whether euid/egid were readable (else the real uid stands in).
    pub task_fields: bool,
    /// Events per kind, as in the trace.
    pub events: BTreeMap<String, u64>,
    pub loss: Loss,
    /// The trace's stream was cut (`tracer vm check`): it covers the recording from
    /// `start_time` to the cut's `last_guest_time` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream_cut: Option<StreamCut>,
}

impl Report {
    /// The report of `judgement`, with `summary` (the same trace's, from
    /// [`crate::summary::summarize`]) for the recording's environment and losses.
    pub fn build(
        trace: &Trace,
        summary: &Summary,
        claims: &ClaimSet,
        judgement: Judgement,
        inputs: Inputs,
    ) -> Self {
        let count = |s: Status| judgement.verdicts.iter().filter(|v| v.status == s).count();
        let outcome = Outcome {
            exit_code: judgement.exit_code(),
            contradicted: count(Status::Contradicted),
            inconclusive: count(Status::Inconclusive),
            held: count(Status::Held),
            not_exercised: count(Status::NotExercised),
        };
        let h = &trace.header;
        let mut events = BTreeMap::new();
        for ev in &trace.events {
            *events.entry(ev.data.kind().name().to_owned()).or_insert(0) += ev.occurrences();
        }
        Report {
            report_version: REPORT_VERSION,
            tool: format!("tracer {}", env!("CARGO_PKG_VERSION")),
            inputs,
            outcome,
            verdicts: judgement.verdicts,
            findings: judgement.findings,
            not_checkable: claims.not_checkable.clone(),
            unrecognised_lines: claims.unrecognised.len(),
            attribution: judgement.origins,
            interpreters: judgement.interpreters,
            environment: Environment {
                kernel: format!(
                    "{} {} ({})",
                    h.kernel.release, h.kernel.machine, h.kernel.version
                ),
                hostname: h.hostname.clone(),
                recorder: format!("{} {}", h.tool.name, h.tool.version),
                target: target_label(&h.target),
                start_time: h.start_time.clone(),
                duration_ms: summary.recording.duration_ms,
                stop_reason: summary.recording.stop_reason.clone(),
                hooks_attached: h.hooks.attached.len(),
                hooks_failed: summary.recording.hooks_failed.clone(),
                hooks_absent: summary.recording.hooks_absent.clone(),
                kernel_file_names: h
                    .hooks
                    .attached
                    .iter()
                    .filter(|a| a.starts_with("lsm:"))
                    .cloned()
                    .collect(),
                task_fields: h.capabilities.task_fields,
                events,
                loss: summary.loss.clone(),
                stream_cut: trace.footer.as_ref().and_then(|f| f.cut.clone()),
            },
        }
    }

    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string_pretty(self).map(|s| s + "\n")
    }
}
