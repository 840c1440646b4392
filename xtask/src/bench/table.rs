//! Statistics over the rounds and the Markdown table.

use std::fmt::Write as _;

use super::{
    configs::{Config, Outcome},
    workloads::Workload,
};

/// Issue 6's targets for the recorder, as ratios to the empty-program floor.
const SCOPED_TARGET: f64 = 1.10;
const OTHER_TARGET: f64 = 1.05;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stats {
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

/// Median (mean of the middle two for an even count), min and max; `None` when empty.
pub fn stats(xs: &[f64]) -> Option<Stats> {
    if xs.is_empty() {
        return None;
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let median = if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    };
    Some(Stats {
        median,
        min: v[0],
        max: v[n - 1],
    })
}

/// All runs of one workload under one configuration.
pub struct Cell<'a> {
    pub workload: &'a Workload,
    pub config: Config,
    pub outcomes: Vec<Outcome>,
}

impl Cell<'_> {
    pub fn stats(&self) -> Option<Stats> {
        let secs: Vec<f64> = self.outcomes.iter().flatten().map(|s| s.secs).collect();
        stats(&secs)
    }
}

fn fmt_ratio(r: Option<f64>) -> String {
    r.map_or("–".into(), |r| format!("{r:.2}×"))
}

/// The overhead table: one row per workload × configuration.
pub fn render(cells: &[Cell], quick: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| workload | configuration | ok runs | median s | min s | max s | µs/op | × untraced | × floor | trace events / lost | targets, notes |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|---|---|");
    for cell in cells {
        let w = cell.workload;
        let find = |c: Config| {
            cells
                .iter()
                .find(|x| x.workload.name == w.name && x.config == c)
                .and_then(Cell::stats)
        };
        let base = find(Config::Untraced);
        let floor = find(Config::BpftraceEmpty);
        let ok = cell.outcomes.iter().filter(|o| o.is_ok()).count();
        let name = if quick {
            format!("{} (QUICK: {})", w.name, w.count(true))
        } else {
            format!("{} ({})", w.name, w.count(false))
        };
        let mut notes: Vec<String> = Vec::new();
        let errors: Vec<&String> = cell
            .outcomes
            .iter()
            .filter_map(|o| o.as_ref().err())
            .collect();
        if let Some(e) = errors.first() {
            let e = e.replace('|', "/");
            if ok == 0 {
                notes.push(e.to_string());
            } else {
                notes.push(format!("{} run(s) failed: {e}", errors.len()));
            }
        }
        let Some(s) = cell.stats() else {
            let _ = writeln!(
                out,
                "| {name} | {} | 0/{} | – | – | – | – | – | – | – | {} |",
                cell.config.label(),
                cell.outcomes.len(),
                notes.join("; ")
            );
            continue;
        };
        let vs_base = base.map(|b| s.median / b.median);
        let vs_floor = floor.map(|f| s.median / f.median);
        let target = match cell.config {
            Config::TracerScoped if w.floor_target => Some(SCOPED_TARGET),
            Config::TracerOther => Some(OTHER_TARGET),
            _ => None,
        };
        if let Some(t) = target {
            notes.push(match vs_floor {
                Some(r) if r <= t => format!("target ≤{t:.2}× floor: met"),
                Some(r) => format!("target ≤{t:.2}× floor: **MISSED** ({r:.2}×)"),
                None => format!("target ≤{t:.2}× floor: no floor measured"),
            });
        }
        if cell.config == Config::TracerScoped {
            for other in [Config::BpftracePrint, Config::Strace] {
                if let Some(o) = find(other) {
                    let ahead = s.median < o.median;
                    notes.push(format!(
                        "{} {}",
                        if ahead {
                            "faster than"
                        } else {
                            "**NOT faster than**"
                        },
                        other.label().split(',').next().unwrap_or("")
                    ));
                }
            }
        }
        let samples: Vec<_> = cell.outcomes.iter().flatten().collect();
        let events = if samples.iter().any(|s| s.events.is_some()) {
            let e: u64 =
                samples.iter().filter_map(|s| s.events).sum::<u64>() / samples.len() as u64;
            let l: u64 = samples.iter().filter_map(|s| s.lost).sum();
            format!("{e} / {l}")
        } else {
            "–".into()
        };
        if samples.iter().any(|s| s.covered == Some(false)) {
            notes.push("**UNACCOUNTED loss**".into());
        } else if samples.iter().any(|s| s.covered == Some(true)) {
            notes.push("every op in trace or counted lost".into());
        }
        for n in samples.iter().filter_map(|s| s.note.as_ref()) {
            if !notes.contains(n) {
                notes.push(n.replace('|', "/"));
            }
        }
        let per_op = s.median / w.count(quick) as f64 * 1e6;
        let _ = writeln!(
            out,
            "| {name} | {} | {ok}/{} | {:.3} | {:.3} | {:.3} | {per_op:.2} | {} | {} | {events} | {} |",
            cell.config.label(),
            cell.outcomes.len(),
            s.median,
            s.min,
            s.max,
            fmt_ratio(vs_base),
            fmt_ratio(vs_floor),
            notes.join("; ")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_min_max() {
        assert_eq!(stats(&[]), None);
        assert_eq!(
            stats(&[3.0, 1.0, 2.0]),
            Some(Stats {
                median: 2.0,
                min: 1.0,
                max: 3.0
            })
        );
        assert_eq!(stats(&[4.0, 1.0, 2.0, 3.0]).unwrap().median, 2.5);
    }
}
