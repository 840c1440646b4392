//! Writing a trace file. Each line is flushed as a whole so that a reader (or a crash) never
//! sees half an event.

use std::io::{self, Write};

use super::{Event, Footer, Header, Line};

pub struct TraceWriter<W: Write> {
    out: W,
    buf: Vec<u8>,
}

impl<W: Write> TraceWriter<W> {
    pub fn new(out: W) -> Self {
        Self {
            out,
            buf: Vec::with_capacity(4096),
        }
    }

    pub fn header(&mut self, header: &Header) -> io::Result<()> {
        self.line(&Line::Header(Box::new(header.clone())))
    }

    pub fn event(&mut self, event: &Event) -> io::Result<()> {
        // Serialised in place: a Box per event would cost an allocation on the hot path.
        self.buf.clear();
        serde_json::to_writer(&mut self.buf, &EventLine { event })?;
        self.buf.push(b'\n');
        self.out.write_all(&self.buf)
    }

    pub fn footer(&mut self, footer: &Footer) -> io::Result<()> {
        self.line(&Line::Footer(Box::new(footer.clone())))?;
        self.out.flush()
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    pub fn into_inner(self) -> W {
        self.out
    }

    fn line(&mut self, line: &Line) -> io::Result<()> {
        self.buf.clear();
        serde_json::to_writer(&mut self.buf, line)?;
        self.buf.push(b'\n');
        self.out.write_all(&self.buf)
    }
}

/// Serialises like `Line::Event` without boxing.
#[derive(serde::Serialize)]
#[serde(tag = "type", rename = "event")]
struct EventLine<'a> {
    #[serde(flatten)]
    event: &'a Event,
}
