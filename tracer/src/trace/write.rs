//! Writing a trace file. Lines are gathered in one reused buffer and handed on whole, so that
//! a reader (or a crash) never sees half an event.

use std::io::{self, Write};

use super::{Event, Footer, Header, Line, encode};

/// Bytes of whole lines gathered before they are handed to the output: large writes, few
/// system calls (the collector flushes at the end of every drain of the ring anyway).
const BATCH_BYTES: usize = 1 << 20;

pub struct TraceWriter<W: Write> {
    out: W,
    /// Whole lines not yet handed to `out`.
    buf: Vec<u8>,
}

impl<W: Write> TraceWriter<W> {
    pub fn new(out: W) -> Self {
        Self {
            out,
            buf: Vec::with_capacity(BATCH_BYTES + 64 * 1024),
        }
    }

    pub fn header(&mut self, header: &Header) -> io::Result<()> {
        self.line(&Line::Header(Box::new(header.clone())))
    }

    pub fn event(&mut self, event: &Event) -> io::Result<()> {
        // Written in place by hand (`encode`): the bytes serde writes, without its cost.
        encode::event_line(&mut self.buf, event);
        self.buf.push(b'\n');
        self.spill()
    }

    pub fn footer(&mut self, footer: &Footer) -> io::Result<()> {
        self.line(&Line::Footer(Box::new(footer.clone())))?;
        self.flush()
    }

    /// Hands every gathered line to the output and flushes it.
    pub fn flush(&mut self) -> io::Result<()> {
        self.write_buf()?;
        self.out.flush()
    }

    /// The output, every gathered line handed to it first.
    pub fn into_inner(mut self) -> io::Result<W> {
        self.write_buf()?;
        Ok(self.out)
    }

    fn line(&mut self, line: &Line) -> io::Result<()> {
        serde_json::to_writer(&mut self.buf, line)?;
        self.buf.push(b'\n');
        self.spill()
    }

    /// Writes the gathered lines once there are enough of them.
    fn spill(&mut self) -> io::Result<()> {
        if self.buf.len() >= BATCH_BYTES {
            self.write_buf()?;
        }
        Ok(())
    }

    fn write_buf(&mut self) -> io::Result<()> {
        if !self.buf.is_empty() {
            // Cleared even when the write fails: a failed write's lines are not retried later
            // behind newer ones (the caller reports the error).
            let r = self.out.write_all(&self.buf);
            self.buf.clear();
            r?;
        }
        Ok(())
    }
}

/// Serialises like `Line::Event` without boxing: what [`encode::event_line`] must match.
#[cfg(test)]
#[derive(serde::Serialize)]
#[serde(tag = "type", rename = "event")]
pub(super) struct EventLine<'a> {
    #[serde(flatten)]
    pub event: &'a Event,
}
