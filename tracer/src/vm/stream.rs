//! The stream that carries evidence out of the guest: a length-prefixed, versioned framing over
//! a virtio-serial port, which the guest can only append to (qemu writes what it receives to a
//! host file; nothing in the guest can seek back, rewrite or truncate what has left it).
//!
//! Why not a disk: the package under review runs as root in the guest. A trace written to a
//! disk the host reads after power-off is whatever the guest left there, parsed on the host
//! out of a filesystem image the guest controlled. A line that has crossed the port is out of
//! reach: the host writes the trace file itself, from the header to a footer, and when the
//! recorder's own footer never comes it writes one that says how and when the stream stopped.
//!
//! Format, version [`VERSION`] (docs/vm.md): a sequence of frames, each
//! `type: u8 | length: u32 little-endian | payload: length bytes`. The first frame is a
//! [`Hello`] (JSON), then any of: `Line` (one trace line, UTF-8 JSON without its newline),
//! `Heartbeat` (JSON), `File` (a chunk of a result file: `name_len: u16 LE | name | bytes`),
//! `End` (JSON: the sender finished). Every frame is at most [`Limits::max_frame`] bytes and
//! the whole stream at most [`Limits::max_total`]: the decoder never holds more than one frame
//! and never allocates from a length it has not checked.

use std::{
    collections::BTreeMap,
    fs::File,
    io::{self, Write},
    path::{Component, Path, PathBuf},
    sync::{Arc, Mutex},
    time::Duration,
};

use serde::{Deserialize, Serialize};

use crate::trace::{Footer, Line, StopReason, StopSender, StreamCut};

/// The name in every [`Hello`].
pub const STREAM_NAME: &str = "tracer-stream";
/// The framing's version; a decoder refuses any other.
pub const VERSION: u32 = 1;
/// The guest's port for the recorder's trace (`/dev/virtio-ports/<name>`).
pub const TRACE_PORT: &str = "tracer.trace";
/// The guest's port for the job's result files.
pub const RESULTS_PORT: &str = "tracer.results";
/// How often the recorder says it is alive when it has nothing else to send.
pub const HEARTBEAT: Duration = Duration::from_secs(2);

const HEADER_LEN: usize = 5;

/// Frame types: fixed numbers, never reused.
mod kind {
    pub const HELLO: u8 = 1;
    pub const LINE: u8 = 2;
    pub const HEARTBEAT: u8 = 3;
    pub const END: u8 = 4;
    pub const FILE: u8 = 5;
}

/// The first frame: what speaks, in which version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hello {
    pub stream: String,
    pub version: u32,
    /// `trace` or `results`.
    pub role: String,
    /// The sender's pid in the guest: the recorder's, for the tampering rule (a signal or a
    /// ptrace aimed at it).
    pub pid: u32,
}

/// "Still here": the lines sent so far and the guest's wall clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Heartbeat {
    pub lines: u64,
    pub time: String,
}

/// The sender finished on purpose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct End {
    pub lines: u64,
    /// The job's exit status (results stream).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<i32>,
    /// The recorder failed (an error or a panic) before its footer: why, in one line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    Hello(Hello),
    Line(String),
    Heartbeat(Heartbeat),
    End(End),
    File { name: String, data: Vec<u8> },
}

/// Bounds of a stream, enforced by the decoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Limits {
    /// The largest frame payload, bytes.
    pub max_frame: u32,
    /// The largest whole stream, bytes.
    pub max_total: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            // The largest line is the header: with `--system` it lists the processes already
            // running (up to 4096, argv up to 4 KiB each).
            max_frame: 32 << 20,
            max_total: 2 << 30,
        }
    }
}

/// Why a stream is not usable past some point. Each is one line, naming what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StreamError {
    #[error("frame type {0} at byte {1}; expected 1-5 ({STREAM_NAME} version {VERSION})")]
    BadType(u8, u64),
    #[error("a frame of {len} bytes at byte {at}; the limit is {max}")]
    Oversized { len: u32, at: u64, max: u32 },
    #[error("the stream passed its limit of {max} bytes")]
    TooLong { max: u64 },
    #[error("the stream ends inside a frame ({0} bytes of it)")]
    Truncated(usize),
    #[error("the first frame is not a hello; expected a {STREAM_NAME} stream")]
    NoHello,
    #[error("{STREAM_NAME} version {0}; this tracer reads version {VERSION}")]
    Version(u32),
    #[error("bad {what} frame at byte {at}: {why}")]
    BadFrame {
        what: &'static str,
        at: u64,
        why: String,
    },
}

/// Turns bytes into frames, a chunk at a time. Holds at most one frame; after an error it
/// stays failed (a stream that went wrong once cannot be trusted to resynchronise).
#[derive(Debug)]
pub struct Decoder {
    limits: Limits,
    buf: Vec<u8>,
    /// The payload length of the frame being read, once its header is in.
    want: Option<(u8, u32)>,
    consumed: u64,
    hello: bool,
    failed: Option<StreamError>,
}

impl Decoder {
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            buf: Vec::new(),
            want: None,
            consumed: 0,
            hello: false,
            failed: None,
        }
    }

    /// Bytes taken so far.
    pub fn consumed(&self) -> u64 {
        self.consumed
    }

    /// Decodes what `bytes` completes. Frames before an error are returned with it.
    pub fn feed(&mut self, mut bytes: &[u8]) -> (Vec<Frame>, Option<StreamError>) {
        let mut out = Vec::new();
        if let Some(e) = &self.failed {
            return (out, Some(e.clone()));
        }
        while !bytes.is_empty() {
            let room = self.limits.max_total.saturating_sub(self.consumed);
            if room == 0 {
                return (
                    out,
                    Some(self.fail(StreamError::TooLong {
                        max: self.limits.max_total,
                    })),
                );
            }
            let need = match self.want {
                None => HEADER_LEN - self.buf.len(),
                Some((_, len)) => len as usize - self.buf.len(),
            };
            let take = need
                .min(bytes.len())
                .min(usize::try_from(room).unwrap_or(usize::MAX));
            self.buf.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
            self.consumed += take as u64;
            if take < need {
                continue;
            }
            match self.want {
                None => {
                    let at = self.consumed - HEADER_LEN as u64;
                    let ty = self.buf[0];
                    let len =
                        u32::from_le_bytes([self.buf[1], self.buf[2], self.buf[3], self.buf[4]]);
                    self.buf.clear();
                    if !(kind::HELLO..=kind::FILE).contains(&ty) {
                        return (out, Some(self.fail(StreamError::BadType(ty, at))));
                    }
                    if len > self.limits.max_frame {
                        return (
                            out,
                            Some(self.fail(StreamError::Oversized {
                                len,
                                at,
                                max: self.limits.max_frame,
                            })),
                        );
                    }
                    self.want = Some((ty, len));
                    // Checked against max_frame above: the reservation is bounded.
                    self.buf.reserve(len as usize);
                }
                Some((ty, len)) => {
                    let at = self.consumed - u64::from(len) - HEADER_LEN as u64;
                    self.want = None;
                    let payload = std::mem::take(&mut self.buf);
                    match self.frame(ty, payload, at) {
                        Ok(f) => out.push(f),
                        Err(e) => return (out, Some(self.fail(e))),
                    }
                }
            }
            // A zero-length payload is complete as soon as its header is.
            if let Some((ty, 0)) = self.want {
                let at = self.consumed - HEADER_LEN as u64;
                self.want = None;
                match self.frame(ty, Vec::new(), at) {
                    Ok(f) => out.push(f),
                    Err(e) => return (out, Some(self.fail(e))),
                }
            }
        }
        (out, None)
    }

    /// The stream is over: a frame cut in the middle is an error.
    pub fn finish(&mut self) -> Option<StreamError> {
        if let Some(e) = &self.failed {
            return Some(e.clone());
        }
        let held = self.buf.len() + if self.want.is_some() { HEADER_LEN } else { 0 };
        (held > 0).then(|| self.fail(StreamError::Truncated(held)))
    }

    fn fail(&mut self, e: StreamError) -> StreamError {
        self.buf = Vec::new();
        self.want = None;
        self.failed = Some(e.clone());
        e
    }

    fn frame(&mut self, ty: u8, payload: Vec<u8>, at: u64) -> Result<Frame, StreamError> {
        let bad = |what, why: String| StreamError::BadFrame { what, at, why };
        if !self.hello && ty != kind::HELLO {
            return Err(StreamError::NoHello);
        }
        Ok(match ty {
            kind::HELLO => {
                if self.hello {
                    return Err(bad("hello", "a second hello".into()));
                }
                let h: Hello =
                    serde_json::from_slice(&payload).map_err(|_| StreamError::NoHello)?;
                if h.stream != STREAM_NAME {
                    return Err(StreamError::NoHello);
                }
                if h.version != VERSION {
                    return Err(StreamError::Version(h.version));
                }
                self.hello = true;
                Frame::Hello(h)
            }
            kind::LINE => {
                let s = String::from_utf8(payload).map_err(|e| bad("line", e.to_string()))?;
                if s.contains('\n') {
                    return Err(bad("line", "a newline inside a line".into()));
                }
                Frame::Line(s)
            }
            kind::HEARTBEAT => Frame::Heartbeat(
                serde_json::from_slice(&payload).map_err(|e| bad("heartbeat", e.to_string()))?,
            ),
            kind::END => {
                Frame::End(serde_json::from_slice(&payload).map_err(|e| bad("end", e.to_string()))?)
            }
            _ => {
                let (name, data) = split_file(&payload).map_err(|why| bad("file", why))?;
                Frame::File { name, data }
            }
        })
    }
}

fn split_file(payload: &[u8]) -> Result<(String, Vec<u8>), String> {
    let [a, b, rest @ ..] = payload else {
        return Err("shorter than its name length".into());
    };
    let n = usize::from(u16::from_le_bytes([*a, *b]));
    if rest.len() < n {
        return Err("the name runs past the frame".into());
    }
    let name = std::str::from_utf8(&rest[..n]).map_err(|e| e.to_string())?;
    safe_name(name)?;
    Ok((name.to_owned(), rest[n..].to_vec()))
}

/// A result file's name is a relative path of plain components: nothing the guest sends can
/// name a file outside the output directory.
fn safe_name(name: &str) -> Result<(), String> {
    let p = Path::new(name);
    let plain = !name.is_empty()
        && name.len() <= 255
        && p.components().all(|c| matches!(c, Component::Normal(_)))
        && !name.contains('\0');
    if plain {
        Ok(())
    } else {
        Err(format!("file name {name:?} is not a plain relative path"))
    }
}

/// Encodes one frame.
pub fn encode(frame: &Frame) -> Vec<u8> {
    let (ty, payload) = match frame {
        Frame::Hello(h) => (kind::HELLO, serde_json::to_vec(h).unwrap_or_default()),
        Frame::Line(l) => (kind::LINE, l.as_bytes().to_vec()),
        Frame::Heartbeat(h) => (kind::HEARTBEAT, serde_json::to_vec(h).unwrap_or_default()),
        Frame::End(e) => (kind::END, serde_json::to_vec(e).unwrap_or_default()),
        Frame::File { name, data } => {
            let mut p = Vec::with_capacity(2 + name.len() + data.len());
            p.extend_from_slice(&(name.len() as u16).to_le_bytes());
            p.extend_from_slice(name.as_bytes());
            p.extend_from_slice(data);
            (kind::FILE, p)
        }
    };
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.push(ty);
    out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    out.extend_from_slice(&payload);
    out
}

// ---------------------------------------------------------------------------------------------
// The guest side: the recorder's tee onto the port.

/// The recorder's output: the trace file and, with a port, the stream. Each whole trace line
/// written to the file also leaves as a frame (the recorder flushes after every drain, so a
/// line leaves within a drain interval of being read from the kernel); a thread sends
/// heartbeats. One lock around the port keeps frames whole.
pub struct PortTee<W: Write> {
    file: W,
    port: Option<Arc<Mutex<PortState>>>,
    pending: Vec<u8>,
    /// The file failed (disk full, removed): only the stream goes on.
    file_failed: bool,
}

struct PortState {
    port: File,
    lines: u64,
    /// The port failed once: the recording goes on to the file, the host sees the stream stop.
    broken: bool,
}

impl PortState {
    fn send(&mut self, frame: &Frame) {
        if self.broken {
            return;
        }
        if let Err(e) = self.port.write_all(&encode(frame)) {
            tracing::warn!(
                "the trace stream's port failed ({e}); the host will mark the trace cut"
            );
            self.broken = true;
        }
    }
}

/// The recorder's port while it records, for [`report_failure`]: an error or a panic ends the
/// recorder without its footer, and the host should learn why, not only that it stopped.
static OPEN_PORT: Mutex<Option<Arc<Mutex<PortState>>>> = Mutex::new(None);

/// Sends why the recorder is ending without its footer (an End frame with `error`). Never
/// blocks on a port another thread holds (it may be the one that panicked).
pub fn report_failure(why: &str) {
    let port = OPEN_PORT.lock().ok().and_then(|mut p| p.take());
    if let Some(port) = port
        && let Ok(mut s) = port.try_lock()
    {
        let lines = s.lines;
        s.send(&Frame::End(End {
            lines,
            status: None,
            error: Some(why.replace('\n', " ")),
        }));
        let _ = s.port.flush();
    }
}

impl<W: Write> PortTee<W> {
    /// The file alone (no VM).
    pub fn plain(file: W) -> Self {
        Self {
            file,
            port: None,
            pending: Vec::new(),
            file_failed: false,
        }
    }

    /// Opens `port`, says hello and starts the heartbeat thread.
    pub fn open(file: W, port: &Path) -> io::Result<Self> {
        let f = std::fs::OpenOptions::new().write(true).open(port)?;
        let state = Arc::new(Mutex::new(PortState {
            port: f,
            lines: 0,
            broken: false,
        }));
        if let Ok(mut s) = state.lock() {
            s.send(&Frame::Hello(Hello {
                stream: STREAM_NAME.into(),
                version: VERSION,
                role: "trace".into(),
                pid: std::process::id(),
            }));
        }
        if let Ok(mut open) = OPEN_PORT.lock() {
            *open = Some(Arc::clone(&state));
        }
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            report_failure(&format!("the recorder panicked: {info}"));
            previous(info);
        }));
        let beat = Arc::downgrade(&state);
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(HEARTBEAT);
                let Some(state) = beat.upgrade() else { break };
                let Ok(mut s) = state.lock() else { break };
                let hb = Heartbeat {
                    lines: s.lines,
                    time: humantime::format_rfc3339_nanos(std::time::SystemTime::now()).to_string(),
                };
                s.send(&Frame::Heartbeat(hb));
            }
        });
        Ok(Self {
            file,
            port: Some(state),
            pending: Vec::new(),
            file_failed: false,
        })
    }

    /// The trace file underneath, for the recorder to finish (a compressed trace's last frame).
    pub fn file_mut(&mut self) -> &mut W {
        &mut self.file
    }

    /// The recorder finished and its footer is written: say so, and stop the heartbeats.
    pub fn end(&mut self) {
        if let Ok(mut open) = OPEN_PORT.lock() {
            *open = None;
        }
        if let Some(port) = self.port.take()
            && let Ok(mut s) = port.lock()
        {
            let lines = s.lines;
            s.send(&Frame::End(End {
                lines,
                status: None,
                error: None,
            }));
            let _ = s.port.flush();
        }
    }
}

impl<W: Write> Write for PortTee<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let Some(port) = &self.port else {
            return self.file.write(buf);
        };
        // With a port, the stream is the evidence and the guest's file a copy: a full disk or
        // a file the package truncated must not stop the recording (it would be a way to
        // silence the recorder).
        let n = if self.file_failed {
            buf.len()
        } else {
            match self.file.write(buf) {
                Ok(n) => n,
                Err(e) => {
                    tracing::warn!(
                        "the trace file failed ({e}); the recording goes on over the stream"
                    );
                    self.file_failed = true;
                    buf.len()
                }
            }
        };
        self.pending.extend_from_slice(&buf[..n]);
        if let Some(last) = self.pending.iter().rposition(|&b| b == b'\n') {
            let whole: Vec<u8> = self.pending.drain(..=last).collect();
            if let Ok(mut s) = port.lock() {
                for line in whole.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                    s.send(&Frame::Line(String::from_utf8_lossy(line).into_owned()));
                    s.lines += 1;
                }
            }
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.file_failed {
            return Ok(());
        }
        match self.file.flush() {
            Err(e) if self.port.is_some() => {
                tracing::warn!(
                    "the trace file failed ({e}); the recording goes on over the stream"
                );
                self.file_failed = true;
                Ok(())
            }
            other => other,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The host side: the trace file, written from the frames.

/// How the stream stopped, when it did not end with the recorder's footer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CutCause {
    /// Heartbeats stopped while the guest still ran: the recorder was killed or stalled.
    RecorderStopped,
    /// The guest stopped (crashed, or powered off) before the recorder's footer.
    GuestStopped,
    /// The host's wall-clock limit for the guest ran out.
    HostTimeout,
    /// The stream passed its size limit.
    SizeLimit,
    /// Events came faster than the host's rate limit.
    RateLimit,
    /// The stream was malformed (bad frame, oversized, truncated, not a trace line).
    Malformed,
    /// The recorder's footer came, but its stop was not the job's: another signal, another
    /// sender (the package), or no signal at all. The package interfered with the recorder.
    StoppedByOther,
    /// Another guest process opened the trace port after the recorder had closed it: whatever
    /// it wrote there is not the recorder's (see `vm::qmp`). The trace ends at that close.
    PortReopened,
}

impl CutCause {
    pub fn describe(self) -> &'static str {
        match self {
            CutCause::RecorderStopped => "the recorder stopped sending (killed or stalled)",
            CutCause::GuestStopped => "the guest stopped before the recorder's footer",
            CutCause::HostTimeout => "the host's time limit for the guest ran out",
            CutCause::SizeLimit => "the stream passed its size limit",
            CutCause::RateLimit => "events came faster than the host's rate limit",
            CutCause::Malformed => "the stream was malformed",
            CutCause::StoppedByOther => "something other than the job stopped the recorder",
            CutCause::PortReopened => {
                "another process wrote to the trace port after the recorder closed it"
            }
        }
    }
}

/// Writes the host's trace file from the trace stream's frames.
pub struct TraceSink<W: Write> {
    out: W,
    path: PathBuf,
    pub recorder_pid: Option<u32>,
    header: bool,
    footer: bool,
    ended: bool,
    cut: Option<StreamCut>,
    pub lines: u64,
    counts: BTreeMap<String, u64>,
    /// The guest time of the last event or heartbeat.
    last_time: Option<String>,
    /// The guest time of the last heartbeat: the recorder was alive then, though it may have
    /// been behind the kernel (events queued before it never reached the stream).
    last_heartbeat: Option<String>,
    /// The signal the harness stops the recorder with; a footer naming another, or the same
    /// from another sender than the recorder's parent (the job), is a cut.
    pub expected_stop: Option<&'static str>,
    cut_cause: Option<CutCause>,
    /// The stop the recorder's footer named, when it was not the job's: kept in the host's.
    foreign_stop: Option<(Option<String>, Option<StopSender>)>,
    /// The header's start time: the host's footer says how long the trace covers.
    start_time: Option<String>,
    /// The host already knows the trace must end in this cut: a footer that comes is the
    /// recorder's, but the host's footer replaces it (as for a foreign stop).
    forced: Option<(CutCause, String)>,
}

impl<W: Write> TraceSink<W> {
    pub fn new(out: W, path: PathBuf) -> Self {
        Self {
            out,
            path,
            recorder_pid: None,
            header: false,
            footer: false,
            ended: false,
            cut: None,
            lines: 0,
            counts: BTreeMap::new(),
            last_time: None,
            last_heartbeat: None,
            expected_stop: None,
            cut_cause: None,
            foreign_stop: None,
            start_time: None,
            forced: None,
        }
    }

    /// True once the trace has its header.
    pub fn started(&self) -> bool {
        self.header
    }

    /// True once the recorder's footer came, or the host wrote one.
    pub fn closed(&self) -> bool {
        self.footer || self.cut.is_some()
    }

    pub fn cut(&self) -> Option<&StreamCut> {
        self.cut.as_ref()
    }

    /// Takes one frame. A frame that is not what a trace stream may hold here cuts the trace.
    pub fn accept(&mut self, frame: Frame) -> io::Result<()> {
        if self.closed() {
            // After the footer only the recorder's End may come; anything else is ignored
            // (the file is complete and the guest has no say in it any more).
            return Ok(());
        }
        match frame {
            Frame::Hello(h) => self.recorder_pid = Some(h.pid),
            Frame::Heartbeat(h) => self.last_heartbeat = Some(h.time),
            Frame::End(End {
                error: Some(why), ..
            }) => {
                self.ended = true;
                return self.close(
                    CutCause::RecorderStopped,
                    &format!("the recorder failed: {why}"),
                );
            }
            Frame::End(_) => self.ended = true,
            Frame::File { .. } => {
                self.close(CutCause::Malformed, "a file frame in the trace stream")?;
            }
            Frame::Line(text) => {
                let line: Line = match serde_json::from_str(&text) {
                    Ok(l) => l,
                    Err(e) => {
                        return self.close(CutCause::Malformed, &format!("not a trace line: {e}"));
                    }
                };
                match (&line, self.header) {
                    (Line::Header(h), false) => {
                        self.header = true;
                        self.start_time = Some(h.start_time.clone());
                    }
                    (Line::Event(e), true) => {
                        // Events, not lines: a line with `repeat` is that many.
                        *self
                            .counts
                            .entry(e.data.kind().name().to_owned())
                            .or_default() += e.occurrences();
                        self.last_time =
                            Some(e.repeat.as_ref().map_or(&e.time, |r| &r.last_time).clone());
                    }
                    (Line::Footer(f), true) => {
                        if let Some((cause, detail)) = self.forced.clone() {
                            self.foreign_stop =
                                Some((f.stop_signal.clone(), f.stop_sender.clone()));
                            return self.close(cause, &detail);
                        }
                        // The job stops the recorder with SIGINT, sent by kill from the job
                        // itself (the recorder's parent): any other way it ended (another
                        // signal, another sender, its target gone) is the package's doing.
                        if let Some(want) = self.expected_stop
                            && let Some(how) = foreign_stop(f, want)
                        {
                            self.foreign_stop =
                                Some((f.stop_signal.clone(), f.stop_sender.clone()));
                            return self.close(
                                CutCause::StoppedByOther,
                                &format!(
                                    "the recorder ended on {how}; only the job's {want}, sent by kill from the recorder's parent, is its stop"
                                ),
                            );
                        }
                        self.footer = true;
                    }
                    _ => {
                        return self.close(CutCause::Malformed, "a trace line out of order");
                    }
                }
                self.out.write_all(text.as_bytes())?;
                self.out.write_all(b"\n")?;
                self.lines += 1;
            }
        }
        Ok(())
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// Ends the trace with the host's footer, unless the recorder's came. No header: nothing
    /// is written (there is no trace).
    pub fn close(&mut self, cause: CutCause, detail: &str) -> io::Result<()> {
        if self.closed() || !self.header {
            return Ok(());
        }
        let cut = StreamCut {
            cause: cause.describe().to_owned(),
            code: serde_json::to_value(cause)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            detail: detail.to_owned(),
            last_guest_time: self.last_time.clone(),
            last_heartbeat_time: self.last_heartbeat.clone(),
            host_time: humantime::format_rfc3339_nanos(std::time::SystemTime::now()).to_string(),
        };
        tracing::warn!(
            "trace stream cut: {} ({detail}); the host wrote the footer of {}",
            cut.cause,
            self.path.display()
        );
        let footer = Footer {
            end_time: self.last_time.clone().unwrap_or_default(),
            duration_ms: covered_ms(self.start_time.as_deref(), self.last_time.as_deref()),
            stop_reason: StopReason::StreamCut,
            target_exit: None,
            stop_signal: self.foreign_stop.as_ref().and_then(|(s, _)| s.clone()),
            stop_sender: self.foreign_stop.as_ref().and_then(|(_, s)| s.clone()),
            tree_end: None,
            events: self.counts.clone(),
            lost: BTreeMap::new(),
            truncated: BTreeMap::new(),
            unresolved_paths: BTreeMap::new(),
            malformed: 0,
            cut: Some(cut.clone()),
            // The host has no scan: the trace is cut, so no claim holds anyway.
            code_scan: None,
            fsize_limits_found: Vec::new(),
            ring_skipped: BTreeMap::new(),
            consumer_moved: false,
            // The guest's trace file is not the evidence here: the stream is.
            tampered: Vec::new(),
        };
        self.cut = Some(cut);
        self.cut_cause = Some(cause);
        serde_json::to_writer(&mut self.out, &Line::Footer(Box::new(footer)))?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }

    /// The recorder's End came after its footer.
    pub fn ended(&self) -> bool {
        self.ended
    }
}

/// Guest-clock milliseconds from the header's start to the last event (0 when either is
/// missing or unreadable: the guest's clock is its own).
fn covered_ms(start: Option<&str>, end: Option<&str>) -> u64 {
    let parse = |t: Option<&str>| t.and_then(|t| humantime::parse_rfc3339_weak(t).ok());
    match (parse(start), parse(end)) {
        (Some(s), Some(e)) => e
            .duration_since(s)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
        _ => 0,
    }
}

/// How the recorder's footer says it stopped, when that was not `want` from its parent (the
/// job); `None` for the job's own stop.
fn foreign_stop(f: &Footer, want: &str) -> Option<String> {
    let Some(signal) = f.stop_signal.as_deref() else {
        return Some(serde_json::to_string(&f.stop_reason).unwrap_or_default());
    };
    match &f.stop_sender {
        Some(s) if signal == want && s.parent => None,
        Some(s) => Some(format!(
            "{signal} sent by {} from pid {}{}{}",
            s.how,
            s.pid,
            s.comm
                .as_ref()
                .map(|c| format!(" ({c})"))
                .unwrap_or_default(),
            if s.parent { "" } else { ", not its parent" },
        )),
        None => Some(format!("{signal} from an unknown sender")),
    }
}

/// What the host enforces on a streamed trace, and reports when hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HostLimits {
    /// The trace stream's size, bytes.
    pub max_stream_bytes: u64,
    /// Events per second, averaged over [`RATE_WINDOW`].
    pub max_event_rate: u64,
    /// Result files: each, and all together, bytes.
    pub max_result_file_bytes: u64,
    pub max_results_bytes: u64,
}

impl Default for HostLimits {
    fn default() -> Self {
        Self {
            max_stream_bytes: 2 << 30,
            max_event_rate: 20_000,
            max_result_file_bytes: 64 << 20,
            max_results_bytes: 256 << 20,
        }
    }
}

/// The window over which the event rate is measured: bursts (an apt install) are fine.
pub const RATE_WINDOW: Duration = Duration::from_secs(10);
/// Silence on the stream before the guest stopped, beyond which the recorder, not the guest,
/// stopped first (heartbeats come every [`HEARTBEAT`]; TCG can delay them).
pub const SILENCE: Duration = Duration::from_secs(20);
/// Silence while the guest runs after which the host stops it: heartbeats come every
/// [`HEARTBEAT`] from a thread of their own, so this long means the recorder is gone or frozen.
pub const LIVE_SILENCE: Duration = Duration::from_secs(120);
/// Bytes read from the port's host file per read.
const CHUNK: usize = 64 * 1024;

/// What became of the trace stream, for vm.json and the report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StreamReport {
    /// Bytes received on the trace port.
    pub bytes: u64,
    pub lines: u64,
    /// The recorder's pid in the guest (from its hello).
    pub recorder_pid: Option<u32>,
    /// Set when the host wrote the footer.
    pub cut: Option<StreamCut>,
    /// Each host limit that was hit, as a sentence.
    pub limits_hit: Vec<String>,
    /// The job's result files came whole (an End frame).
    pub results_complete: bool,
    /// Why the results are not whole, when they are not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub results_problem: Option<String>,
    /// Another process opened the trace port after the recorder closed it: where, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port_reopened: Option<String>,
}

/// The host's reader of the trace port: polls the file qemu appends the port's bytes to, and
/// writes the trace file from the frames.
pub struct HostTrace {
    raw: PathBuf,
    input: Option<File>,
    decoder: Decoder,
    sink: TraceSink<io::BufWriter<File>>,
    limits: HostLimits,
    window: (std::time::Instant, u64),
    last_frame: Option<std::time::Instant>,
    /// Bytes of the port's file that belong to the recorder; the rest is not read.
    until: Option<u64>,
    /// The guest's opens and closes of the trace port, once qemu has exited (`vm::qmp`).
    port: Option<super::qmp::PortState>,
    pub report: StreamReport,
}

impl HostTrace {
    /// `raw` is qemu's file for the port; `trace` the trace file to write.
    pub fn new(raw: &Path, trace: &Path, limits: HostLimits) -> io::Result<Self> {
        let out = File::create(trace)?;
        Ok(Self {
            raw: raw.to_owned(),
            input: None,
            decoder: Decoder::new(Limits {
                max_frame: Limits::default().max_frame,
                max_total: limits.max_stream_bytes,
            }),
            sink: TraceSink {
                expected_stop: Some("SIGINT"),
                ..TraceSink::new(io::BufWriter::new(out), trace.to_owned())
            },
            limits,
            window: (std::time::Instant::now(), 0),
            last_frame: None,
            until: None,
            port: None,
            report: StreamReport::default(),
        })
    }

    /// Reads what arrived. `Some` when the host must stop the guest: the stream is cut (a
    /// limit hit, a malformed frame), and the footer is written.
    pub fn poll(&mut self) -> io::Result<Option<CutCause>> {
        use std::io::Read as _;
        if self.sink.closed() {
            return Ok(None);
        }
        if self.input.is_none() {
            match File::open(&self.raw) {
                Ok(f) => self.input = Some(f),
                Err(_) => return Ok(None),
            }
        }
        let mut buf = vec![0u8; CHUNK];
        loop {
            let Some(input) = self.input.as_mut() else {
                return Ok(None);
            };
            let want = self.until.map_or(CHUNK, |u| {
                CHUNK.min(usize::try_from(u.saturating_sub(self.report.bytes)).unwrap_or(CHUNK))
            });
            let n = input.read(&mut buf[..want])?;
            if n == 0 {
                break;
            }
            self.report.bytes += n as u64;
            let (frames, err) = self.decoder.feed(&buf[..n]);
            if !frames.is_empty() {
                self.last_frame = Some(std::time::Instant::now());
            }
            for f in frames {
                if matches!(f, Frame::Line(_)) {
                    self.window.1 += 1;
                }
                self.sink.accept(f)?;
            }
            if let Some(e) = err {
                let cause = match e {
                    StreamError::TooLong { .. } => {
                        self.report.limits_hit.push(format!(
                            "trace stream size: more than {} MiB",
                            self.limits.max_stream_bytes >> 20
                        ));
                        CutCause::SizeLimit
                    }
                    _ => CutCause::Malformed,
                };
                self.sink.close(cause, &e.to_string())?;
                return Ok(Some(cause));
            }
            if let Some(cause) = self.sink.cut_cause {
                // A malformed line, or a footer of a recorder the job did not stop: the sink
                // cut the trace itself.
                return Ok(Some(cause));
            }
            if self.sink.closed() {
                // The recorder's footer: the trace is whole; the job goes on.
                break;
            }
        }
        self.sink.flush()?;
        let elapsed = self.window.0.elapsed();
        if elapsed >= RATE_WINDOW {
            let rate = self.window.1 as f64 / elapsed.as_secs_f64();
            if rate > self.limits.max_event_rate as f64 {
                let what = format!(
                    "event rate: {rate:.0} events/s over {} s, the limit is {}/s",
                    elapsed.as_secs(),
                    self.limits.max_event_rate
                );
                self.report.limits_hit.push(what.clone());
                self.sink.close(CutCause::RateLimit, &what)?;
                return Ok(Some(CutCause::RateLimit));
            }
            self.window = (std::time::Instant::now(), 0);
        }
        Ok(None)
    }

    /// What qemu said of the guest's opens and closes of the trace port, for [`Self::finish`].
    pub fn port_events(&mut self, port: super::qmp::PortState) {
        self.port = Some(port);
    }

    /// The guest is gone: reads the rest and, without the recorder's footer, writes the host's.
    /// `timed_out`: the host killed it at its time limit. A recorder that went silent well
    /// before the guest stopped is the cause, whatever stopped the guest afterwards.
    ///
    /// When another process opened the port after the recorder closed it (see
    /// [`Self::port_events`]), the trace is written again from the stream's first bytes up to
    /// that close, and cut there.
    pub fn finish(self, timed_out: Option<Duration>) -> io::Result<StreamReport> {
        let Some((closed, reopened)) = self
            .port
            .as_ref()
            .and_then(|p| Some((p.reopened()?, p.reopened_at.unwrap_or_default())))
        else {
            return self.finish_stream(timed_out);
        };
        let detail = format!(
            "the recorder's port closed after byte {closed} of the stream, and a guest process \
             opened it again at byte {reopened}; what came after the close is not the recorder's"
        );
        tracing::warn!("vm: {detail}");
        let (raw, trace, limits) = (self.raw.clone(), self.sink.path.clone(), self.limits);
        let received = self.report.bytes;
        drop(self);
        let mut replay = HostTrace::new(&raw, &trace, limits)?;
        replay.until = Some(closed);
        replay.sink.forced = Some((CutCause::PortReopened, detail.clone()));
        let mut report = replay.finish_stream(None)?;
        report.bytes = report.bytes.max(received);
        report.port_reopened = Some(detail);
        if let Some(limit) = timed_out {
            report
                .limits_hit
                .push(format!("guest wall clock: {} s", limit.as_secs()));
        }
        Ok(report)
    }

    fn finish_stream(mut self, timed_out: Option<Duration>) -> io::Result<StreamReport> {
        let stopped = std::time::Instant::now();
        let polled = self.poll();
        if timed_out.is_none() {
            polled?;
        }
        if let Some(limit) = timed_out {
            self.report
                .limits_hit
                .push(format!("guest wall clock: {} s", limit.as_secs()));
        }
        if !self.sink.closed() {
            let silent = self.last_frame.map(|t| stopped.duration_since(t));
            let then = timed_out.map_or(String::new(), |l| {
                format!(
                    ", then the host's time limit ({} s) stopped the guest",
                    l.as_secs()
                )
            });
            if let Some((cause, detail)) = self.sink.forced.clone() {
                self.sink.close(cause, &detail)?;
            } else if let Some(e) = self.decoder.finish().filter(|_| timed_out.is_none()) {
                self.sink.close(CutCause::Malformed, &e.to_string())?;
            } else if let Some(s) = silent.filter(|s| *s > SILENCE) {
                self.sink.close(
                    CutCause::RecorderStopped,
                    &format!(
                        "nothing on the stream for the last {} s the guest ran{then}",
                        s.as_secs()
                    ),
                )?;
            } else if let Some(limit) = timed_out {
                self.sink.close(
                    CutCause::HostTimeout,
                    &format!("guest wall clock: {} s", limit.as_secs()),
                )?;
            } else {
                self.sink.close(
                    CutCause::GuestStopped,
                    "the guest powered off or crashed with the recorder still sending",
                )?;
            }
        }
        self.sink.flush()?;
        self.report.lines = self.sink.lines;
        self.report.recorder_pid = self.sink.recorder_pid;
        self.report.cut = self.sink.cut().cloned();
        Ok(self.report)
    }

    /// The recorder started and has sent nothing (not even a heartbeat) for `LIVE_SILENCE`:
    /// it was killed or stopped, and nothing the guest does from now on is recorded.
    pub fn silent(&self) -> Option<Duration> {
        if self.sink.closed() {
            return None;
        }
        self.last_frame
            .map(|t| t.elapsed())
            .filter(|s| *s > LIVE_SILENCE)
    }

    /// The trace has its header: the recorder started.
    pub fn started(&self) -> bool {
        self.sink.started()
    }

    /// The recorder's own footer came and nothing cut the trace: it is whole, and nothing the
    /// guest does from now on is written to it (a reopened port is still found afterwards:
    /// [`Self::port_events`]).
    pub fn whole(&self) -> bool {
        self.sink.footer && self.sink.cut.is_none()
    }
}

/// True when the results port's host file `raw` holds a results stream up to its End frame
/// (the guest's job sent everything): the guest has nothing more to give the host. A stream
/// past a limit or malformed is not ended here; [`read_results`] says why afterwards.
pub fn results_ended(raw: &Path, limits: &HostLimits) -> bool {
    let Ok(bytes) = std::fs::read(raw) else {
        return false;
    };
    let mut decoder = Decoder::new(Limits {
        max_frame: Limits::default().max_frame,
        max_total: limits.max_results_bytes,
    });
    let (frames, err) = decoder.feed(&bytes);
    err.is_none() && frames.iter().any(|f| matches!(f, Frame::End(_)))
}

/// Writes the result files of the results port's host file `raw` into `dest`, within the
/// limits. Returns the job's status from the End frame, or why the results are not whole.
pub fn read_results(raw: &Path, dest: &Path, limits: &HostLimits) -> Result<i32, String> {
    use std::io::Read as _;
    let Ok(mut input) = File::open(raw) else {
        return Err("nothing came on the results port".into());
    };
    let mut decoder = Decoder::new(Limits {
        max_frame: Limits::default().max_frame,
        max_total: limits.max_results_bytes,
    });
    let mut sizes: BTreeMap<String, u64> = BTreeMap::new();
    let mut buf = vec![0u8; CHUNK];
    let mut status = None;
    loop {
        let n = input
            .read(&mut buf)
            .map_err(|e| format!("{}: {e}", raw.display()))?;
        if n == 0 {
            break;
        }
        let (frames, err) = decoder.feed(&buf[..n]);
        for f in frames {
            match f {
                Frame::File { name, data } => {
                    let size = sizes.entry(name.clone()).or_default();
                    if *size + data.len() as u64 > limits.max_result_file_bytes {
                        tracing::warn!(
                            "result file {name}: over {} MiB, the rest is left out",
                            limits.max_result_file_bytes >> 20
                        );
                        continue;
                    }
                    *size += data.len() as u64;
                    let path = dest.join(&name);
                    if let Some(parent) = path.parent() {
                        std::fs::create_dir_all(parent)
                            .map_err(|e| format!("{}: {e}", parent.display()))?;
                    }
                    let mut f = std::fs::OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(&path)
                        .map_err(|e| format!("{}: {e}", path.display()))?;
                    f.write_all(&data)
                        .map_err(|e| format!("{}: {e}", path.display()))?;
                }
                Frame::End(e) => status = e.status,
                _ => {}
            }
        }
        if let Some(e) = err {
            return Err(format!("results stream: {e}"));
        }
    }
    if let Some(e) = decoder.finish() {
        return Err(format!("results stream: {e}"));
    }
    status.ok_or_else(|| "the results stream has no end (the job did not finish)".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn hello() -> Frame {
        Frame::Hello(Hello {
            stream: STREAM_NAME.into(),
            version: VERSION,
            role: "trace".into(),
            pid: 42,
        })
    }

    /// A saved trace without its footer: the lines a recorder sends before it is killed.
    const HEAD: &str = include_str!("../../tests/fixtures/fixture-quiet-nofooter.jsonl");

    fn small() -> Limits {
        Limits {
            max_frame: 64,
            max_total: 4096,
        }
    }

    #[test]
    fn frames_round_trip_byte_by_byte() {
        let frames = vec![
            hello(),
            Frame::Line("{\"a\":1}".into()),
            Frame::Line(String::new()),
            Frame::Heartbeat(Heartbeat {
                lines: 1,
                time: "t".into(),
            }),
            Frame::File {
                name: "dir/x.txt".into(),
                data: b"abc".to_vec(),
            },
            Frame::End(End {
                lines: 2,
                status: Some(0),
                error: None,
            }),
        ];
        let bytes: Vec<u8> = frames.iter().flat_map(encode).collect();
        let mut d = Decoder::new(Limits::default());
        let mut got = Vec::new();
        for b in &bytes {
            let (f, e) = d.feed(std::slice::from_ref(b));
            assert_eq!(e, None);
            got.extend(f);
        }
        assert_eq!(got, frames);
        assert_eq!(d.finish(), None);
    }

    #[test]
    fn an_oversized_frame_is_refused_before_it_is_read() {
        let mut d = Decoder::new(small());
        let mut bytes = encode(&hello());
        // Claims 4 GiB: refused from the header alone.
        bytes.extend_from_slice(&[kind::LINE, 0xff, 0xff, 0xff, 0xff]);
        let (f, e) = d.feed(&bytes);
        assert_eq!(f.len(), 1);
        assert!(
            matches!(e, Some(StreamError::Oversized { len: u32::MAX, .. })),
            "{e:?}"
        );
        // Failed for good.
        assert!(d.feed(&encode(&Frame::Line("x".into()))).1.is_some());
    }

    #[test]
    fn truncated_bad_type_no_hello_and_too_long_are_errors() {
        let mut d = Decoder::new(small());
        let mut bytes = encode(&hello());
        bytes.extend_from_slice(&encode(&Frame::Line("abcdef".into()))[..7]);
        assert_eq!(d.feed(&bytes).1, None);
        assert_eq!(d.finish(), Some(StreamError::Truncated(7)));

        let mut d = Decoder::new(small());
        let mut bytes = encode(&hello());
        bytes.extend_from_slice(&[9, 0, 0, 0, 0]);
        assert!(matches!(d.feed(&bytes).1, Some(StreamError::BadType(9, _))));

        let mut d = Decoder::new(small());
        assert_eq!(
            d.feed(&encode(&Frame::Line("x".into()))).1,
            Some(StreamError::NoHello)
        );

        let mut d = Decoder::new(Limits {
            max_frame: 64,
            max_total: 100,
        });
        let mut bytes = encode(&hello());
        for _ in 0..20 {
            bytes.extend_from_slice(&encode(&Frame::Line("0123456789".into())));
        }
        let (f, e) = d.feed(&bytes);
        assert_eq!(e, Some(StreamError::TooLong { max: 100 }));
        assert!(d.consumed() <= 100);
        assert!(!f.is_empty());

        let mut d = Decoder::new(small());
        let mut h = encode(&Frame::Hello(Hello {
            stream: STREAM_NAME.into(),
            version: 7,
            role: "trace".into(),
            pid: 1,
        }));
        h.truncate(h.len());
        assert_eq!(d.feed(&h).1, Some(StreamError::Version(7)));
    }

    #[test]
    fn file_names_stay_inside() {
        for bad in ["../x", "/etc/passwd", "a/../../b", "", "./"] {
            let mut d = Decoder::new(Limits::default());
            let mut bytes = encode(&hello());
            bytes.extend_from_slice(&encode(&Frame::File {
                name: bad.into(),
                data: vec![],
            }));
            assert!(
                matches!(
                    d.feed(&bytes).1,
                    Some(StreamError::BadFrame { what: "file", .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_sink_writes_the_footer_when_the_stream_is_cut() {
        let header = HEAD;
        let mut out = Vec::new();
        let mut sink = TraceSink::new(&mut out, PathBuf::from("t"));
        sink.accept(hello()).unwrap();
        for l in header.lines() {
            sink.accept(Frame::Line(l.into())).unwrap();
        }
        assert!(sink.started());
        sink.close(CutCause::RecorderStopped, "no heartbeat for 10 s")
            .unwrap();
        drop(sink);
        let trace = crate::trace::read_trace_from(&out[..], Path::new("t")).unwrap();
        let f = trace.footer.as_ref().unwrap();
        assert_eq!(f.stop_reason, StopReason::StreamCut);
        assert_eq!(f.cut.as_ref().unwrap().code, "recorder_stopped");
        assert!(!trace.integrity.is_intact());
        assert!(
            trace
                .integrity
                .gaps(&[tracer_common::EventKind::Exec])
                .iter()
                .any(|g| g.contains("recorder stopped sending")),
            "{:?}",
            trace.integrity
        );
    }

    /// A recorder that fails says why before it goes: the host's footer carries it.
    #[test]
    fn a_failing_recorder_names_its_error_in_the_cut() {
        let mut out = Vec::new();
        let mut sink = TraceSink::new(&mut out, PathBuf::from("t"));
        sink.accept(Frame::Line(HEAD.lines().next().unwrap().into()))
            .unwrap();
        sink.accept(Frame::End(End {
            lines: 1,
            status: None,
            error: Some("reading the ring buffer failed: EIO".into()),
        }))
        .unwrap();
        let cut = sink.cut().unwrap();
        assert_eq!(cut.code, "recorder_stopped");
        assert!(cut.detail.contains("ring buffer failed"), "{cut:?}");
    }

    #[test]
    fn a_line_that_is_not_a_trace_line_cuts_the_trace() {
        let header = HEAD;
        let mut out = Vec::new();
        let mut sink = TraceSink::new(&mut out, PathBuf::from("t"));
        sink.accept(Frame::Line(header.lines().next().unwrap().into()))
            .unwrap();
        sink.accept(Frame::Line("{\"type\":\"forged\"}".into()))
            .unwrap();
        assert_eq!(sink.cut().unwrap().code, "malformed");
        // After the cut, nothing more is written.
        sink.accept(Frame::Line(header.lines().nth(1).unwrap().into()))
            .unwrap();
        drop(sink);
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), 2, "{text}");
    }

    /// The host's reader on a port file: a whole trace ends with the recorder's footer and the
    /// guest goes on; a trace without one gets the host's footer, naming the cause.
    #[test]
    fn host_trace_keeps_a_whole_trace_and_cuts_a_partial_one() {
        let dir = std::env::temp_dir().join(format!("tracer-host-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let saved = include_str!("../../tests/fixtures/fixture-quiet.jsonl");
        // The job stops the recorder with SIGINT, by kill from the recorder's parent.
        let stop = |sender: &str| {
            saved.replace(
                "\"stop_reason\": \"target_exited\"",
                &format!(
                    "\"stop_reason\": \"signal\", \"stop_signal\": \"SIGINT\", \"stop_sender\": {sender}"
                ),
            )
        };
        let whole = stop(r#"{"how": "kill", "pid": 7, "comm": "sh", "parent": true}"#);
        assert_ne!(whole, saved);
        // The same SIGINT from anyone else (the package) is not the job's stop.
        let foreign = stop(r#"{"how": "kill", "pid": 99, "comm": "perl", "parent": false}"#);
        for (name, text, end) in [
            ("whole", whole.as_str(), Some(None)),
            ("cut", HEAD, None),
            ("foreign", foreign.as_str(), Some(Some("stopped_by_other"))),
            // Its target gone, with a footer: not how the job stops it.
            ("stopped", saved, Some(Some("stopped_by_other"))),
        ] {
            let raw = dir.join(format!("{name}.stream"));
            let mut bytes = encode(&hello());
            for l in text.lines() {
                bytes.extend(encode(&Frame::Line(l.into())));
            }
            if end.is_some() {
                bytes.extend(encode(&Frame::End(End {
                    lines: 0,
                    status: None,
                    error: None,
                })));
            }
            std::fs::write(&raw, &bytes).unwrap();
            let trace = dir.join(format!("{name}.jsonl"));
            let mut h = HostTrace::new(&raw, &trace, HostLimits::default()).unwrap();
            let stop = h.poll().unwrap();
            assert_eq!(
                stop,
                matches!(name, "stopped" | "foreign").then_some(CutCause::StoppedByOther),
                "{name}"
            );
            assert!(h.started());
            let report = h.finish(None).unwrap();
            assert_eq!(report.recorder_pid, Some(42));
            let t = crate::trace::read_trace(&trace).unwrap();
            match end {
                Some(None) => {
                    assert!(report.cut.is_none(), "{report:?}");
                    assert!(t.integrity.is_intact(), "{:?}", t.integrity);
                }
                Some(Some(code)) => {
                    let cut = report.cut.unwrap();
                    assert_eq!(cut.code, code);
                    assert!(t.integrity.stream_cut.is_some());
                    // The host's footer says who stopped the recorder.
                    let footer = t.footer.unwrap();
                    if name == "foreign" {
                        assert!(
                            cut.detail.contains("pid 99 (perl), not its parent"),
                            "{cut:?}"
                        );
                        let sender = footer.stop_sender.unwrap();
                        assert_eq!((sender.pid, sender.parent), (99, false));
                        assert_eq!(footer.stop_signal.as_deref(), Some("SIGINT"));
                    }
                }
                None => {
                    assert_eq!(report.cut.unwrap().code, "guest_stopped");
                    assert!(t.integrity.stream_cut.is_some());
                }
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// After a SIGKILL the port is free: a root package could open it and append the rest of a
    /// trace, down to a footer that says the job stopped the recorder. Without the port's
    /// events the host takes it whole; with them it cuts the trace at the recorder's close.
    #[test]
    fn frames_after_the_recorders_port_closed_are_not_the_trace() {
        let dir = std::env::temp_dir().join(format!("tracer-reopen-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let saved = include_str!("../../tests/fixtures/fixture-quiet.jsonl");
        let lines: Vec<&str> = saved.lines().collect();
        // The recorder sent its hello, the header and two events, then was killed.
        let mut bytes = encode(&hello());
        for l in &lines[..3] {
            bytes.extend(encode(&Frame::Line((*l).into())));
        }
        let closed = bytes.len() as u64;
        // The forger: the remaining events and a footer naming the job's own stop.
        let footer = lines[lines.len() - 1].replace(
            "\"stop_reason\": \"target_exited\"",
            r#""stop_reason": "signal", "stop_signal": "SIGINT", "stop_sender": {"how": "kill", "pid": 7, "comm": "sh", "parent": true}"#,
        );
        for l in lines[3..lines.len() - 1]
            .iter()
            .copied()
            .chain([footer.as_str()])
        {
            bytes.extend(encode(&Frame::Line(l.into())));
        }
        bytes.extend(encode(&Frame::End(End {
            lines: lines.len() as u64,
            status: None,
            error: None,
        })));
        let raw = dir.join("forged.stream");
        std::fs::write(&raw, &bytes).unwrap();
        let trace = dir.join("forged.jsonl");
        let read = |port: Option<&super::super::qmp::PortState>| {
            let mut h = HostTrace::new(&raw, &trace, HostLimits::default()).unwrap();
            assert_eq!(h.poll().unwrap(), None);
            if let Some(p) = port {
                h.port_events(p.clone());
            }
            let report = h.finish(None).unwrap();
            (report, crate::trace::read_trace(&trace).unwrap())
        };
        let (blind, t) = read(None);
        assert!(blind.cut.is_none(), "the hole this closes: {blind:?}");
        assert_eq!(t.events.len(), lines.len() - 2);
        let port = super::super::qmp::PortState {
            opens: 2,
            first_close_at: Some(closed),
            reopened_at: Some(closed + 9),
            error: None,
        };
        let (seen, t) = read(Some(&port));
        let cut = seen.cut.expect("cut at the close");
        assert_eq!(cut.code, "port_reopened");
        assert!(seen.port_reopened.is_some());
        assert_eq!(
            seen.bytes,
            bytes.len() as u64,
            "everything received is counted"
        );
        assert_eq!(t.events.len(), 2, "only the recorder's own events");
        assert!(t.integrity.stream_cut.is_some());
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The host's footer says how long the trace covers, by the guest's clock.
    #[test]
    fn the_host_footer_measures_what_the_trace_covers() {
        let start = Some("2026-12-02T04:31:36.850951850Z");
        assert_eq!(
            covered_ms(start, Some("2026-12-02T04:32:41.960906840Z")),
            65_109
        );
        assert_eq!(covered_ms(start, None), 0);
        assert_eq!(covered_ms(start, Some("yesterday")), 0);
        // A clock that stepped back gives 0, not a wrapped number.
        assert_eq!(covered_ms(start, Some("2026-12-02T04:30:00Z")), 0);
    }

    /// The guest's sender (results.sh, real sh) and the host's reader agree, names and bytes.
    #[test]
    fn results_sh_frames_files_the_host_reads_back() {
        let dir = std::env::temp_dir().join(format!("tracer-results-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let o = dir.join("out");
        std::fs::create_dir_all(o.join("unit-files")).unwrap();
        std::fs::write(o.join("phases.jsonl"), "{\"a\":1}\n").unwrap();
        std::fs::write(o.join("empty.txt"), "").unwrap();
        let big: Vec<u8> = (0..1_200_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(o.join("unit-files/cron.service"), &big).unwrap();
        std::fs::write(o.join("trace.jsonl"), "not sent").unwrap();
        let port = dir.join("port");
        std::fs::write(&port, "").unwrap();
        let script = format!(
            "{}\nO={}\nRESULTS_PORT={}\nsend_results 3\n",
            include_str!("results.sh"),
            o.display(),
            port.display()
        );
        let st = std::process::Command::new("sh")
            .arg("-c")
            .arg(&script)
            .status()
            .unwrap();
        assert!(st.success());
        let back = dir.join("back");
        std::fs::create_dir_all(&back).unwrap();
        let status = read_results(&port, &back, &HostLimits::default()).unwrap();
        assert_eq!(status, 3);
        assert_eq!(
            std::fs::read(back.join("unit-files/cron.service")).unwrap(),
            big
        );
        assert_eq!(
            std::fs::read_to_string(back.join("phases.jsonl")).unwrap(),
            "{\"a\":1}\n"
        );
        assert!(!back.join("trace.jsonl").exists());
        // Whole, the host may stop the guest; a stream still coming (no End yet) or none, not.
        let limits = HostLimits::default();
        assert!(results_ended(&port, &limits));
        let sent = std::fs::read(&port).unwrap();
        let partial = dir.join("partial");
        std::fs::write(&partial, &sent[..sent.len() - 10]).unwrap();
        assert!(!results_ended(&partial, &limits));
        std::fs::write(&partial, &sent[..sent.len() / 2]).unwrap();
        assert!(!results_ended(&partial, &limits));
        assert!(!results_ended(&dir.join("none"), &limits));
        // Over the per-file limit: the file is cut there, and the rest still comes.
        let small = dir.join("small");
        std::fs::create_dir_all(&small).unwrap();
        let limits = HostLimits {
            max_result_file_bytes: 600_000,
            ..HostLimits::default()
        };
        assert_eq!(read_results(&port, &small, &limits), Ok(3));
        assert_eq!(
            std::fs::metadata(small.join("unit-files/cron.service"))
                .unwrap()
                .len(),
            524_288
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    proptest! {
        /// Any bytes: the decoder never panics, never holds more than one frame, and never
        /// reads past its total limit.
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096),
                                       split in 1usize..64) {
            let mut d = Decoder::new(small());
            for chunk in bytes.chunks(split) {
                let _ = d.feed(chunk);
                prop_assert!(d.buf.capacity() <= HEADER_LEN.max(64) + 64);
            }
            let _ = d.finish();
            prop_assert!(d.consumed() <= 4096);
        }

        /// Valid frames cut anywhere into chunks decode to themselves.
        #[test]
        fn valid_streams_decode_whatever_the_chunking(
            lines in proptest::collection::vec("[ -~]{0,40}", 0..30),
            split in 1usize..200,
        ) {
            let mut frames = vec![hello()];
            frames.extend(lines.into_iter().map(Frame::Line));
            let bytes: Vec<u8> = frames.iter().flat_map(encode).collect();
            let mut d = Decoder::new(Limits::default());
            let mut got = Vec::new();
            for chunk in bytes.chunks(split) {
                let (f, e) = d.feed(chunk);
                prop_assert_eq!(e, None);
                got.extend(f);
            }
            prop_assert_eq!(d.finish(), None);
            prop_assert_eq!(got, frames);
        }

        /// A valid stream cut short is a truncation (or ends on a frame boundary), never a panic.
        #[test]
        fn cut_streams_are_truncated(cut in 0usize..200) {
            let frames = [hello(), Frame::Line("0123456789".repeat(5)), Frame::Line("x".into())];
            let bytes: Vec<u8> = frames.iter().flat_map(encode).collect();
            let cut = cut.min(bytes.len());
            let mut d = Decoder::new(Limits::default());
            let (_, e) = d.feed(&bytes[..cut]);
            prop_assert_eq!(e, None);
            let boundaries: Vec<usize> = frames.iter().scan(0, |acc, f| { *acc += encode(f).len(); Some(*acc) }).collect();
            let end = d.finish();
            if cut == 0 || boundaries.contains(&cut) {
                prop_assert_eq!(end, None);
            } else {
                prop_assert!(matches!(end, Some(StreamError::Truncated(_))));
            }
        }
    }
}
