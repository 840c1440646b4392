//! The one JSON line each workload prints on stdout.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// What a workload did and how long its work took.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The workload's name (`open`, `forkexec`, `connect`, `startup`, `flood`).
    pub workload: String,
    /// The workload's process id: the `--pid` scoped runs check they recorded this process.
    pub pid: u32,
    /// Operations performed, per trace event kind (the `kind` names of the trace format).
    pub ops: BTreeMap<String, u64>,
    /// Handshake probes (`--wait-go`), of kind `helper::PROBE_KIND`; not in `ops`, since
    /// the ones made before the recorder attached cannot be in the trace.
    #[serde(default)]
    pub probes: u64,
    /// Wall-clock nanoseconds of the work loop alone.
    pub elapsed_ns: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("the workload printed no report line (stdout: {0:?})")]
    Missing(String),
    #[error("the workload's report line is not valid: {0}")]
    Invalid(#[from] serde_json::Error),
}

impl Report {
    /// Prints the report as one line on stdout.
    pub fn print(&self) {
        println!(
            "{}",
            serde_json::to_string(self).expect("a report always serializes")
        );
    }

    /// The report in a workload's stdout: its last line that is one (a recorder around the
    /// workload may print lines of its own to the same stdout).
    pub fn from_stdout(stdout: &str) -> Result<Report, ReportError> {
        let mut last_err = None;
        for line in stdout
            .lines()
            .rev()
            .filter(|l| l.trim_start().starts_with('{'))
        {
            match serde_json::from_str(line) {
                Ok(r) => return Ok(r),
                Err(e) => last_err = Some(e),
            }
        }
        Err(match last_err {
            Some(e) => ReportError::Invalid(e),
            None => ReportError::Missing(stdout.chars().take(200).collect()),
        })
    }

    /// Operations in total, all kinds.
    pub fn total_ops(&self) -> u64 {
        self.ops.values().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_stdout_with_other_lines() {
        let r = Report {
            workload: "open".into(),
            pid: 42,
            ops: BTreeMap::from([("open".into(), 3)]),
            probes: 0,
            elapsed_ns: 7,
        };
        let out = format!("ready\n{}\n", serde_json::to_string(&r).unwrap());
        assert_eq!(Report::from_stdout(&out).unwrap(), r);
        let noisy = format!("{out}{{\"summary\":1}}\n");
        assert_eq!(Report::from_stdout(&noisy).unwrap(), r);
        assert!(matches!(
            Report::from_stdout("ready\n"),
            Err(ReportError::Missing(_))
        ));
    }
}
