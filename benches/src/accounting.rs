//! Loss accounting: every operation a workload performed must be in the trace or counted lost.
//!
//! The check is per kind: `performed = in trace + lost`. Both sides of a trace are read: the
//! event lines themselves (counted by their `kind`) and the footer's `events` and `lost` maps
//! (docs/trace-format.md). The event lines are what counts as "in the trace"; a footer whose
//! `events` disagree with the lines is reported as its own error, since a reader trusting the
//! footer would then be misled. A line with `repeat` stands for `repeat.count` identical events
//! (the recorder aggregates a thread's repeats unless `--no-aggregate`): it counts that many.

use std::{
    collections::{BTreeMap, BTreeSet},
    io::BufRead as _,
    path::Path,
};

/// Per-kind counts.
pub type Counts = BTreeMap<String, u64>;

/// What one trace file holds, as far as accounting goes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TraceCounts {
    /// Events in the event lines, per `kind`: a line counts its `repeat.count`, else 1.
    pub lines: Counts,
    /// Event lines (each once, whatever its count).
    pub event_lines: u64,
    /// The footer's `events`.
    pub footer_events: Counts,
    /// The footer's `lost`.
    pub lost: Counts,
    /// Bytes of all event lines, newlines included.
    pub event_bytes: u64,
    /// Bytes of the whole file.
    pub file_bytes: u64,
    /// Process ids seen in event lines (to check a `--pid` run recorded the right process).
    pub pids: BTreeSet<u32>,
    /// The header's `hooks.attached` (`tracepoint:CATEGORY/NAME`), to compare the bpftrace
    /// programs' hook list with what the recorder really attached.
    pub attached: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    #[error("reading {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} line {line}: not a JSON object with a \"type\": {detail}")]
    Malformed {
        path: String,
        line: usize,
        detail: String,
    },
    #[error("{0} has no footer line: the recording did not finish")]
    NoFooter(String),
}

impl TraceCounts {
    /// Reads a JSON Lines trace file.
    pub fn read(path: &Path) -> Result<TraceCounts, TraceError> {
        let name = path.display().to_string();
        let io = |source| TraceError::Io {
            path: name.clone(),
            source,
        };
        let file = std::fs::File::open(path).map_err(io)?;
        let mut t = TraceCounts {
            file_bytes: file.metadata().map_err(io)?.len(),
            ..TraceCounts::default()
        };
        let mut footer = false;
        for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
            let line = line.map_err(io)?;
            if line.trim().is_empty() {
                continue;
            }
            let malformed = |detail: String| TraceError::Malformed {
                path: name.clone(),
                line: i + 1,
                detail,
            };
            // Event lines are most of a trace: read only the three fields needed (a borrowed,
            // typed parse skips the rest far faster than building a `Value`).
            let line_type: LineHead =
                serde_json::from_str(&line).map_err(|e| malformed(e.to_string()))?;
            match line_type.line_type.as_deref() {
                Some("event") => {
                    let kind = line_type
                        .kind
                        .ok_or_else(|| malformed("event without a kind".into()))?;
                    let n = line_type.repeat.map_or(1, |r| r.count.max(1));
                    *t.lines.entry(kind.into_owned()).or_default() += n;
                    t.event_lines += 1;
                    t.event_bytes += line.len() as u64 + 1;
                    if let Some(pid) = line_type.pid {
                        t.pids.insert(pid);
                    }
                }
                Some("header") => {
                    let v: serde_json::Value =
                        serde_json::from_str(&line).map_err(|e| malformed(e.to_string()))?;
                    t.attached = v
                        .pointer("/hooks/attached")
                        .and_then(|a| a.as_array())
                        .map(|a| {
                            a.iter()
                                .filter_map(|h| h.as_str().map(str::to_owned))
                                .collect()
                        })
                        .unwrap_or_default();
                }
                Some("footer") => {
                    let v: serde_json::Value =
                        serde_json::from_str(&line).map_err(|e| malformed(e.to_string()))?;
                    footer = true;
                    t.footer_events = counts(v.get("events"));
                    t.lost = counts(v.get("lost"));
                }
                Some(_) => {}
                None => return Err(malformed("no \"type\"".into())),
            }
        }
        if !footer {
            return Err(TraceError::NoFooter(name));
        }
        Ok(t)
    }

    pub fn total_events(&self) -> u64 {
        self.lines.values().sum()
    }

    pub fn total_lost(&self) -> u64 {
        self.lost.values().sum()
    }

    /// Mean bytes on disk per event (not per line: an aggregated line's bytes are shared by
    /// its events), when there are events.
    pub fn bytes_per_event(&self) -> Option<f64> {
        let n = self.total_events();
        (n > 0).then(|| self.event_bytes as f64 / n as f64)
    }

    /// Whether the footer's `events` equal the event lines (zero counts ignored).
    pub fn footer_matches_lines(&self) -> bool {
        nonzero(&self.footer_events) == nonzero(&self.lines)
    }
}

/// The fields of a trace line the accounting reads.
#[derive(serde::Deserialize)]
struct LineHead<'a> {
    #[serde(rename = "type")]
    line_type: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow)]
    kind: Option<std::borrow::Cow<'a, str>>,
    pid: Option<u32>,
    repeat: Option<RepeatHead>,
}

/// The count of an event line's `repeat`.
#[derive(serde::Deserialize)]
struct RepeatHead {
    count: u64,
}

fn counts(v: Option<&serde_json::Value>) -> Counts {
    v.and_then(|v| v.as_object())
        .map(|m| {
            m.iter()
                .filter_map(|(k, n)| Some((k.clone(), n.as_u64()?)))
                .collect()
        })
        .unwrap_or_default()
}

fn nonzero(c: &Counts) -> Counts {
    c.iter()
        .filter(|(_, n)| **n > 0)
        .map(|(k, n)| (k.clone(), *n))
        .collect()
}

/// One kind's line of the balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct KindBalance {
    pub performed: u64,
    pub in_trace: u64,
    pub lost: u64,
}

impl KindBalance {
    /// Events neither in the trace nor counted lost (negative: more events than operations).
    pub fn unaccounted(&self) -> i128 {
        self.performed as i128 - self.in_trace as i128 - self.lost as i128
    }
}

/// The per-kind balance `performed = in_trace + lost`, over every kind any side names.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Balance {
    pub kinds: BTreeMap<String, KindBalance>,
}

/// Kinds the recorder consumes itself and never writes as lines: `close` keeps its fd table
/// right. Their losses are in the footer (and the summary shows them), but no trace line can
/// balance them, so a workload's accounting leaves them out.
pub const INTERNAL_KINDS: &[&str] = &["close", "dup"];

impl Balance {
    pub fn new(performed: &Counts, in_trace: &Counts, lost: &Counts) -> Balance {
        let mut kinds: BTreeMap<String, KindBalance> = BTreeMap::new();
        for (k, n) in performed {
            kinds.entry(k.clone()).or_default().performed = *n;
        }
        for (k, n) in in_trace {
            kinds.entry(k.clone()).or_default().in_trace = *n;
        }
        for (k, n) in lost
            .iter()
            .filter(|(k, _)| !INTERNAL_KINDS.contains(&k.as_str()))
        {
            kinds.entry(k.clone()).or_default().lost = *n;
        }
        kinds.retain(|_, b| *b != KindBalance::default());
        Balance { kinds }
    }

    /// The balance of a run recorded by pid after a probe handshake: `probes` operations of
    /// `probe_kind` were made, only the ones after the recorder attached can be in the trace
    /// or lost, so that kind must satisfy `in trace + lost ≤ probes` (and ≥ 1: the handshake
    /// waited for one); every other kind must balance exactly. A probe-kind violation is
    /// recorded as a mismatch of the probe kind.
    pub fn with_probes(
        performed: &Counts,
        in_trace: &Counts,
        lost: &Counts,
        probe_kind: &str,
        probes: u64,
    ) -> Balance {
        let mut b = Balance::new(performed, in_trace, lost);
        if let Some(p) = b.kinds.get_mut(probe_kind) {
            let seen = p.in_trace + p.lost;
            // Balanced when the recorder saw between 1 and all of the probes.
            p.performed = if (1..=probes).contains(&seen) {
                seen
            } else {
                probes
            };
        } else if probes > 0 {
            b.kinds.insert(
                probe_kind.to_owned(),
                KindBalance {
                    performed: probes,
                    in_trace: 0,
                    lost: 0,
                },
            );
        }
        b
    }

    /// Every kind balances exactly.
    pub fn exact(&self) -> bool {
        self.kinds.values().all(|b| b.unaccounted() == 0)
    }

    /// Every operation performed is in the trace or counted lost; extra events (the dynamic
    /// loader's opens, the recorder's own exec of the command) are allowed. The check for runs
    /// recorded from the command's start, where such events cannot be avoided.
    pub fn covered(&self) -> bool {
        self.kinds.values().all(|b| b.unaccounted() <= 0)
    }

    pub fn total_lost(&self) -> u64 {
        self.kinds.values().map(|b| b.lost).sum()
    }

    /// The kinds that do not balance, as `kind: performed ≠ trace + lost` text.
    pub fn mismatches(&self) -> Vec<String> {
        self.kinds
            .iter()
            .filter(|(_, b)| b.unaccounted() != 0)
            .map(|(k, b)| {
                format!(
                    "{k}: performed {} ≠ {} in trace + {} lost",
                    b.performed, b.in_trace, b.lost
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(pairs: &[(&str, u64)]) -> Counts {
        pairs.iter().map(|(k, n)| ((*k).to_owned(), *n)).collect()
    }

    #[test]
    fn balances_per_kind() {
        let b = Balance::new(
            &c(&[("open", 100), ("exit", 1)]),
            &c(&[("open", 60), ("exit", 1)]),
            &c(&[("open", 40), ("exit", 0), ("fork", 0)]),
        );
        assert!(b.exact());
        assert!(b.covered());
        assert_eq!(b.total_lost(), 40);
        // kinds that are zero everywhere do not appear
        assert!(!b.kinds.contains_key("fork"));
    }

    #[test]
    fn probes_before_the_recorder_attached_are_not_owed() {
        let ops = c(&[("open", 10)]);
        let ok = Balance::with_probes(&ops, &c(&[("open", 10), ("chdir", 2)]), &c(&[]), "chdir", 5);
        assert!(ok.exact(), "{:?}", ok.mismatches());
        let lost_probe = Balance::with_probes(
            &ops,
            &c(&[("open", 10), ("chdir", 1)]),
            &c(&[("chdir", 1)]),
            "chdir",
            5,
        );
        assert!(lost_probe.exact());
        // more probe events than probes made, or none at all, do not balance
        let extra =
            Balance::with_probes(&ops, &c(&[("open", 10), ("chdir", 6)]), &c(&[]), "chdir", 5);
        assert!(!extra.exact());
        let none = Balance::with_probes(&ops, &c(&[("open", 10)]), &c(&[]), "chdir", 5);
        assert!(!none.exact());
        // the other kinds still balance exactly
        let short =
            Balance::with_probes(&ops, &c(&[("open", 9), ("chdir", 1)]), &c(&[]), "chdir", 5);
        assert_eq!(
            short.mismatches(),
            vec!["open: performed 10 ≠ 9 in trace + 0 lost"]
        );
    }

    #[test]
    fn a_missing_event_is_unaccounted() {
        let b = Balance::new(
            &c(&[("open", 100)]),
            &c(&[("open", 60)]),
            &c(&[("open", 39)]),
        );
        assert!(!b.exact());
        assert!(!b.covered());
        assert_eq!(b.kinds["open"].unaccounted(), 1);
        assert_eq!(
            b.mismatches(),
            vec!["open: performed 100 ≠ 60 in trace + 39 lost"]
        );
    }

    #[test]
    fn extra_events_break_exactness_but_not_coverage() {
        let b = Balance::new(
            &c(&[("open", 10)]),
            &c(&[("open", 12), ("exec", 1)]),
            &c(&[]),
        );
        assert!(!b.exact());
        assert!(b.covered());
    }

    #[test]
    fn reads_lines_and_footer() {
        let dir = std::env::temp_dir().join(format!("tracer-bench-acct-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.jsonl");
        std::fs::write(
            &path,
            concat!(
                "{\"type\":\"header\",\"hooks\":{\"attached\":[\"tracepoint:sched/sched_process_exit\"]}}\n",
                "{\"type\":\"event\",\"seq\":0,\"pid\":7,\"kind\":\"open\",\"fields\":{}}\n",
                "{\"type\":\"event\",\"seq\":1,\"pid\":7,\"kind\":\"open\",\"fields\":{}}\n",
                "{\"type\":\"event\",\"seq\":2,\"pid\":7,\"kind\":\"exit\",\"fields\":{}}\n",
                "{\"type\":\"event\",\"seq\":3,\"pid\":7,\"kind\":\"open\",\"fields\":{},\"repeat\":{\"count\":4,\"last_ts_ns\":9,\"last_time\":\"t\"}}\n",
                "{\"type\":\"footer\",\"events\":{\"open\":6,\"exit\":1},\"lost\":{\"open\":5,\"exit\":0}}\n",
            ),
        )
        .unwrap();
        let t = TraceCounts::read(&path).unwrap();
        // The line with a repeat count is its 4 events.
        assert_eq!(t.lines, c(&[("open", 6), ("exit", 1)]));
        assert_eq!(t.event_lines, 4);
        assert_eq!(t.lost, c(&[("open", 5), ("exit", 0)]));
        assert!(t.footer_matches_lines());
        assert_eq!(t.pids, BTreeSet::from([7]));
        assert_eq!(t.attached, vec!["tracepoint:sched/sched_process_exit"]);
        assert_eq!(t.total_events(), 7);
        let b = Balance::new(&c(&[("open", 11), ("exit", 1)]), &t.lines, &t.lost);
        assert!(b.exact());

        std::fs::write(&path, "{\"type\":\"header\"}\n").unwrap();
        assert!(matches!(
            TraceCounts::read(&path),
            Err(TraceError::NoFooter(_))
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
