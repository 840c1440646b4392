//! The trace's writer thread: the collector reads and decodes the ring on its thread and hands
//! numbered lines here, where they are turned into JSON and written.
//!
//! Why: turning events into JSON and writing them is over half of the collector's work per
//! event (issue 16's profiles of a drained ring); on its own thread it goes to the second
//! core while the ring is read, and the ring is drained about twice as fast. Order is kept
//! (one channel, one writer), and each drain of the ring still ends with a flush, here in
//! turn, so the file lags the ring by at most the few batches the channel holds.

use std::{
    io::{self, Write},
    sync::mpsc::{Receiver, SyncSender, sync_channel},
    thread::JoinHandle,
};

use crate::trace::{Event, TraceWriter};

/// Batches queued for the writer at most: then the reader waits (memory stays bounded when
/// the disk is slower than the ring).
const QUEUED: usize = 4;

enum Batch {
    Lines(Vec<Event>),
    /// The end of a drain of the ring: what it read goes to the file now.
    Flush,
    /// A flush, then word back that it is done.
    Sync(SyncSender<()>),
}

/// A [`TraceWriter`] on a thread of its own.
pub struct Background<W: Write + Send + 'static> {
    tx: Option<SyncSender<Batch>>,
    thread: Option<JoinHandle<io::Result<TraceWriter<W>>>>,
}

impl<W: Write + Send + 'static> Background<W> {
    /// Moves `writer` to a new thread (its header already written).
    pub fn start(writer: TraceWriter<W>) -> io::Result<Self> {
        let (tx, rx) = sync_channel(QUEUED);
        let thread = std::thread::Builder::new()
            .name("trace-writer".into())
            .spawn(move || run(writer, rx))?;
        Ok(Self {
            tx: Some(tx),
            thread: Some(thread),
        })
    }

    /// Queues numbered lines for writing, in order.
    pub fn lines(&mut self, lines: Vec<Event>) -> io::Result<()> {
        if lines.is_empty() {
            return Ok(());
        }
        self.send(Batch::Lines(lines))
    }

    /// Queues a flush after the lines queued so far.
    pub fn flush(&mut self) -> io::Result<()> {
        self.send(Batch::Flush)
    }

    /// Waits until everything queued so far is written and flushed.
    pub fn sync(&mut self) -> io::Result<()> {
        let (done, wait) = sync_channel(1);
        self.send(Batch::Sync(done))?;
        if wait.recv().is_ok() {
            return Ok(());
        }
        // The writer stopped before: on an error, which it returns.
        self.tx = None;
        self.join()
            .and(Err(io::Error::other("the trace writer stopped")))
    }

    /// Waits until everything queued is written and flushed; the writer back, for the footer.
    pub fn finish(mut self) -> io::Result<TraceWriter<W>> {
        self.tx = None;
        self.join()
    }

    fn send(&mut self, batch: Batch) -> io::Result<()> {
        let sent = match &self.tx {
            Some(tx) => tx.send(batch).is_ok(),
            None => false,
        };
        if sent {
            return Ok(());
        }
        // The writer stopped: on an error, which it returns.
        self.tx = None;
        self.join()
            .and(Err(io::Error::other("the trace writer stopped")))
    }

    fn join(&mut self) -> io::Result<TraceWriter<W>> {
        let thread = self
            .thread
            .take()
            .ok_or_else(|| io::Error::other("the trace writer stopped earlier"))?;
        thread
            .join()
            .map_err(|_| io::Error::other("the trace writer panicked"))?
    }
}

fn run<W: Write>(mut writer: TraceWriter<W>, rx: Receiver<Batch>) -> io::Result<TraceWriter<W>> {
    // Ends when the collector drops its sender: everything it sent has been received.
    for batch in rx {
        match batch {
            Batch::Lines(lines) => lines.iter().try_for_each(|e| writer.event(e))?,
            Batch::Flush => writer.flush()?,
            Batch::Sync(done) => {
                writer.flush()?;
                let _ = done.send(());
            }
        }
    }
    writer.flush()?;
    Ok(writer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::{EventData, Ids};

    fn event(seq: u64) -> Event {
        Event {
            seq,
            time: format!("t{seq}"),
            ts_ns: seq,
            pid: 1,
            tid: 1,
            ppid: None,
            comm: "c".into(),
            ids: Ids {
                uid: 0,
                gid: 0,
                euid: None,
                egid: None,
            },
            cgroup_id: 0,
            syscall: None,
            result: None,
            flags: Vec::new(),
            data: EventData::Exit {
                status: None,
                code: None,
                signal: None,
                core_dumped: false,
            },
            repeat: None,
        }
    }

    #[test]
    fn lines_arrive_whole_and_in_order() {
        let mut bg = Background::start(TraceWriter::new(Vec::new())).unwrap();
        for batch in 0..10u64 {
            bg.lines((batch * 100..batch * 100 + 100).map(event).collect())
                .unwrap();
            bg.flush().unwrap();
        }
        let out = bg.finish().unwrap().into_inner().unwrap();
        let seqs: Vec<u64> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["seq"]
                    .as_u64()
                    .unwrap()
            })
            .collect();
        assert_eq!(seqs, (0..1000).collect::<Vec<_>>());
    }

    /// Fails every write.
    struct Broken;
    impl Write for Broken {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::other("disk on fire"))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_write_error_reaches_the_collector() {
        let mut bg = Background::start(TraceWriter::new(Broken)).unwrap();
        // The write fails on the thread, at the flush: the next call that finds the thread
        // gone reports its error, or the finish does.
        let failed = match bg.lines(vec![event(0)]).and_then(|()| bg.flush()) {
            Err(e) => e,
            Ok(()) => bg.finish().err().expect("the write failed"),
        };
        assert_eq!(failed.to_string(), "disk on fire");
    }
}
