//! Repeated identical events written as one line with a count (the event's `repeat`).
//!
//! A storm (a million opens of one file) is a million lines that differ only in their time:
//! a reviewer needs the first occurrence and how often it happened. So, as the recorder
//! writes, an event the same thread made again — the same call, every decoded field, flags
//! and result the same; only the time differs — becomes a count on that thread's previous
//! line, with its time kept as the last one.
//!
//! Why these rules:
//! - **Only the same thread's previous line.** A run is consecutive in that thread: any other
//!   event of the thread in between (an exec, a close that is not a line but changed nothing
//!   the line shows, another open) ends it, so the thread's own order is the file's order.
//!   Other threads' lines between the repeats do not end it: a storm from several threads
//!   still aggregates, each thread's run at the place of its first event. A repeat is
//!   identical in what it did, so placing it at its first occurrence hides nothing a verdict
//!   reads; `last_ts_ns` says how long the run went on.
//! - **Nothing held past a drain of the ring.** Lines are kept only while one drain of the
//!   ring is read and are all written when it ends (as before, what a drain read is on disk
//!   when it ends): nothing waits for a run to end, a live or killed recording's file is as
//!   current as before, and a run that goes on across drains is one line per drain.
//! - **Never across a loss.** The kernel counts a lost event per kind with no place among
//!   the records, so a loss may lie between any two records read until the ring is read
//!   empty after it. The collector tells [`Aggregator::write_to`] which kinds lost events
//!   meanwhile (`record::collector`'s `LossWatch`), and their repeats are written as lines of
//!   their own: a line with a count never spans a loss of its kind.
//! - **Process events are never aggregated** (fork, exec, exit): each is one process's
//!   life, which every stage reads one line at a time.
//!
//! Every event stays counted: the footer's `events` counts the events (lines times their
//! count), and every reader counts [`Event::occurrences`], so `performed = in trace + lost`
//! holds as before. `seq` numbers the lines, with no gaps.

use std::{
    collections::{BTreeSet, HashMap},
    io::{self, Write},
};

use super::{Event, EventKind, Family, Repeat, TraceWriter};

/// One line to be written, with the repeats it stands for.
#[derive(Debug)]
struct Held {
    event: Event,
    /// `ts_ns` and `time` of every repeat after the first event, in order.
    repeats: Vec<(u64, String)>,
}

/// Collects one drain's events into lines; see the module's documentation.
#[derive(Debug)]
pub struct Aggregator {
    enabled: bool,
    lines: Vec<Held>,
    /// Thread id → index in `lines` of its latest line.
    latest: HashMap<u32, usize>,
    next_seq: u64,
}

impl Aggregator {
    /// `enabled: false` (`record --no-aggregate`) writes every event as a line of its own.
    pub fn new(enabled: bool) -> Self {
        Self {
            enabled,
            lines: Vec::new(),
            latest: HashMap::new(),
            next_seq: 0,
        }
    }

    /// Takes the next event, in the ring's order.
    pub fn push(&mut self, event: Event) {
        if self.enabled {
            if aggregated(event.data.kind())
                && let Some(&i) = self.latest.get(&event.tid)
                && same_but_time(&self.lines[i].event, &event)
            {
                self.lines[i].repeats.push((event.ts_ns, event.time));
                return;
            }
            self.latest.insert(event.tid, self.lines.len());
        }
        self.lines.push(Held {
            event,
            repeats: Vec::new(),
        });
    }

    /// Lines waiting to be written.
    pub fn held(&self) -> usize {
        self.lines.len()
    }

    /// The kinds of the lines that stand for more than one event: the collector checks their
    /// loss counts before [`Self::write_to`].
    pub fn repeated_kinds(&self) -> BTreeSet<EventKind> {
        self.lines
            .iter()
            .filter(|h| !h.repeats.is_empty())
            .map(|h| h.event.data.kind())
            .collect()
    }

    /// Writes every held line in order and numbers it (`seq`); see [`Self::take`].
    pub fn write_to<W: Write>(
        &mut self,
        writer: &mut TraceWriter<W>,
        lost_meanwhile: impl Fn(EventKind) -> bool,
    ) -> io::Result<()> {
        self.take(lost_meanwhile)
            .iter()
            .try_for_each(|event| writer.event(event))
    }

    /// Every held line in order, numbered (`seq`), for a writer elsewhere (the collector's
    /// writer thread). The repeats of a kind for which `lost_meanwhile` is true (events of it
    /// were lost while these were read: the loss may lie between them) are lines of their
    /// own, right after their first.
    pub fn take(&mut self, lost_meanwhile: impl Fn(EventKind) -> bool) -> Vec<Event> {
        self.latest.clear();
        let mut out = Vec::with_capacity(self.lines.len());
        for Held {
            mut event,
            mut repeats,
        } in self.lines.drain(..)
        {
            event.seq = self.next_seq;
            self.next_seq += 1;
            if repeats.is_empty() {
                out.push(event);
            } else if lost_meanwhile(event.data.kind()) {
                out.reserve(repeats.len() + 1);
                let first = event.clone();
                out.push(event);
                for (ts_ns, time) in repeats {
                    out.push(Event {
                        seq: self.next_seq,
                        ts_ns,
                        time,
                        ..first.clone()
                    });
                    self.next_seq += 1;
                }
            } else {
                let count = 1 + repeats.len() as u64;
                let (last_ts_ns, last_time) = repeats.pop().unwrap_or_default();
                event.repeat = Some(Repeat {
                    count,
                    last_ts_ns,
                    last_time,
                });
                out.push(event);
            }
        }
        out
    }
}

/// Kinds whose repeats may share a line: all but the process family's.
fn aggregated(kind: EventKind) -> bool {
    kind.family() != Family::Process
}

/// The same event but for when it happened (and its place in the file). Every field is
/// named, so a new one does not compile until it is decided here.
fn same_but_time(a: &Event, b: &Event) -> bool {
    let Event {
        seq: _,
        time: _,
        ts_ns: _,
        pid,
        tid,
        ppid,
        comm,
        ids,
        cgroup_id,
        syscall,
        result,
        flags,
        data,
        repeat,
    } = a;
    *tid == b.tid
        && *pid == b.pid
        && *ppid == b.ppid
        && *cgroup_id == b.cgroup_id
        && *ids == b.ids
        && *result == b.result
        && *syscall == b.syscall
        && *comm == b.comm
        && *flags == b.flags
        && *repeat == b.repeat
        && *data == b.data
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::{EventData, Ids, PathRef, SysResult};

    fn open(tid: u32, path: &str, ret: i64, ts_ns: u64) -> Event {
        Event {
            seq: 999,
            time: format!("t{ts_ns}"),
            ts_ns,
            pid: tid,
            tid,
            ppid: Some(1),
            comm: "storm".to_owned(),
            ids: Ids {
                uid: 0,
                gid: 0,
                euid: Some(0),
                egid: Some(0),
            },
            cgroup_id: 7,
            syscall: Some("openat".into()),
            result: Some(SysResult { ret, errno: None }),
            flags: Vec::new(),
            data: EventData::Open {
                path: PathRef {
                    resolved: Some(path.to_owned()),
                    given: None,
                    real: None,
                    looked_up: None,
                },
                flags: vec!["O_RDONLY".to_owned()],
                flags_raw: 0,
                mode: None,
                access: "read".to_owned(),
                resolve: 0,
            },
            repeat: None,
        }
    }

    fn exit(tid: u32, ts_ns: u64) -> Event {
        Event {
            syscall: None,
            result: None,
            data: EventData::Exit {
                status: Some(0),
                code: Some(0),
                signal: None,
                core_dumped: false,
            },
            ..open(tid, "", 0, ts_ns)
        }
    }

    /// Writes what `agg` holds; returns the lines as events.
    fn written(agg: &mut Aggregator, lost: &[EventKind]) -> Vec<Event> {
        let mut w = TraceWriter::new(Vec::new());
        agg.write_to(&mut w, |k| lost.contains(&k)).unwrap();
        String::from_utf8(w.into_inner().unwrap())
            .unwrap()
            .lines()
            .map(|l| match serde_json::from_str(l).unwrap() {
                crate::trace::Line::Event(e) => *e,
                other => panic!("not an event: {other:?}"),
            })
            .collect()
    }

    /// (seq, ts_ns, count, last_ts_ns) of each line.
    fn shape(lines: &[Event]) -> Vec<(u64, u64, u64, u64)> {
        lines
            .iter()
            .map(|e| (e.seq, e.ts_ns, e.occurrences(), e.last_ts_ns()))
            .collect()
    }

    #[test]
    fn identical_events_of_a_thread_become_one_line_with_a_count() {
        let mut agg = Aggregator::new(true);
        for ts in 1..=5 {
            agg.push(open(10, "/etc/f", 3, ts));
        }
        let lines = written(&mut agg, &[]);
        assert_eq!(shape(&lines), [(0, 1, 5, 5)]);
        let r = lines[0].repeat.as_ref().unwrap();
        assert_eq!((r.count, r.last_time.as_str()), (5, "t5"));
        assert_eq!(lines[0].time, "t1", "the first one's time");
    }

    #[test]
    fn a_different_event_of_the_thread_ends_the_run() {
        let mut agg = Aggregator::new(true);
        agg.push(open(10, "/etc/f", 3, 1));
        agg.push(open(10, "/etc/f", 3, 2));
        // Another path, then another result (a new fd: the first was not closed), then the
        // first again: each is a line of its own.
        agg.push(open(10, "/etc/g", 3, 3));
        agg.push(open(10, "/etc/g", 4, 4));
        agg.push(open(10, "/etc/f", 3, 5));
        agg.push(open(10, "/etc/f", 3, 6));
        let lines = written(&mut agg, &[]);
        assert_eq!(
            shape(&lines),
            [(0, 1, 2, 2), (1, 3, 1, 3), (2, 4, 1, 4), (3, 5, 2, 6)]
        );
        assert_eq!(
            lines.iter().map(Event::occurrences).sum::<u64>(),
            6,
            "every event counted once"
        );
    }

    #[test]
    fn other_threads_lines_in_between_do_not_end_a_run() {
        let mut agg = Aggregator::new(true);
        // Two threads storming the same file, interleaved in the ring.
        for ts in 0..6 {
            agg.push(open(10 + (ts as u32 % 2), "/etc/f", 3, ts));
        }
        let lines = written(&mut agg, &[]);
        assert_eq!(shape(&lines), [(0, 0, 3, 4), (1, 1, 3, 5)]);
        assert_eq!((lines[0].tid, lines[1].tid), (10, 11));
    }

    #[test]
    fn process_events_are_never_aggregated_and_end_a_run() {
        let mut agg = Aggregator::new(true);
        agg.push(open(10, "/etc/f", 3, 1));
        agg.push(exit(10, 2));
        agg.push(exit(10, 3));
        // A new process reusing the thread id: its open is a line of its own.
        agg.push(open(10, "/etc/f", 3, 4));
        let lines = written(&mut agg, &[]);
        assert_eq!(
            shape(&lines),
            [(0, 1, 1, 1), (1, 2, 1, 2), (2, 3, 1, 3), (3, 4, 1, 4)]
        );
    }

    #[test]
    fn a_loss_of_the_kind_writes_its_repeats_as_lines_of_their_own() {
        let mut agg = Aggregator::new(true);
        for ts in 1..=3 {
            agg.push(open(10, "/etc/f", 3, ts));
        }
        agg.push(open(11, "/etc/g", 3, 4));
        assert_eq!(agg.repeated_kinds(), BTreeSet::from([EventKind::Open]));
        let lines = written(&mut agg, &[EventKind::Open]);
        assert_eq!(
            shape(&lines),
            [(0, 1, 1, 1), (1, 2, 1, 2), (2, 3, 1, 3), (3, 4, 1, 4)]
        );
        assert_eq!(lines[2].time, "t3", "each repeat keeps its own time");
        // A loss of another kind changes nothing here.
        for ts in 5..=6 {
            agg.push(open(10, "/etc/f", 3, ts));
        }
        assert_eq!(
            shape(&written(&mut agg, &[EventKind::Exec])),
            [(4, 5, 2, 6)]
        );
    }

    #[test]
    fn a_write_ends_every_run_and_numbering_goes_on() {
        let mut agg = Aggregator::new(true);
        agg.push(open(10, "/etc/f", 3, 1));
        agg.push(open(10, "/etc/f", 3, 2));
        assert_eq!(shape(&written(&mut agg, &[])), [(0, 1, 2, 2)]);
        assert_eq!(agg.held(), 0);
        // The run goes on in the next drain: a new line, numbered on.
        agg.push(open(10, "/etc/f", 3, 3));
        agg.push(open(10, "/etc/f", 3, 4));
        assert_eq!(shape(&written(&mut agg, &[])), [(1, 3, 2, 4)]);
    }

    #[test]
    fn disabled_writes_every_event() {
        let mut agg = Aggregator::new(false);
        for ts in 1..=3 {
            agg.push(open(10, "/etc/f", 3, ts));
        }
        let lines = written(&mut agg, &[]);
        assert_eq!(shape(&lines), [(0, 1, 1, 1), (1, 2, 1, 2), (2, 3, 1, 3)]);
        assert!(lines.iter().all(|e| e.repeat.is_none()));
    }
}
