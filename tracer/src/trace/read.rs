//! Reading a trace file back, for every stage after the recorder.
//!
//! The footer is the recorder's word on what it wrote and lost, and a trace is attached to bugs
//! and passed around: it is checked, not trusted. The reader counts the events of each kind it
//! read and compares them with the footer's counts, and checks that `seq` runs from 0 without a
//! gap. Whatever does not add up is an [`Integrity`] problem that makes every claim needing the
//! kinds concerned inconclusive (see `verdict::gaps`).

use std::{
    collections::BTreeMap,
    fs::File,
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
};

use super::{Event, EventKind, FORMAT_NAME, FORMAT_VERSION, Footer, Header, Line};

/// A whole trace in memory.
#[derive(Debug, Clone)]
pub struct Trace {
    pub header: Header,
    pub events: Vec<Event>,
    /// `None` when the recorder did not finish (killed, crashed, disk full): counts of lost
    /// events are then unknown, and nothing may be concluded as "held".
    pub footer: Option<Footer>,
    /// What the reader found missing or inconsistent; empty for an intact trace.
    pub integrity: Integrity,
}

/// Where the file disagrees with itself: events the footer counts that are not in the file,
/// `seq` gaps, a missing footer, a cut last line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Integrity {
    /// Kind → events the footer counts beyond those read (saturating: a crafted count cannot
    /// wrap to 0).
    pub missing: BTreeMap<String, u64>,
    /// Kinds read more often than the footer says, or read and not in the footer at all: the
    /// footer was edited or belongs to another trace, so its loss counts say nothing either.
    pub extra: BTreeMap<String, u64>,
    /// `seq` numbers missing between events (their kinds are unknown): every kind is suspect.
    pub seq_gaps: u64,
    /// The trace has no footer (the recorder was killed or crashed).
    pub no_footer: bool,
    /// The last line was cut in the middle (no newline, not JSON) and was skipped.
    pub cut_last_line: bool,
    /// The footer is the host's, written when the VM's trace stream stopped before the
    /// recorder's footer: its cause, and the guest time after which nothing is known.
    pub stream_cut: Option<String>,
}

impl Integrity {
    /// True when nothing is missing or inconsistent.
    pub fn is_intact(&self) -> bool {
        *self == Integrity::default()
    }

    /// One sentence per problem, for warnings and reports.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.no_footer {
            out.push(
                "the trace has no footer: the recorder did not finish (killed or crashed), so \
                 events may be missing and lost events were not counted"
                    .to_owned(),
            );
        }
        if self.cut_last_line {
            out.push("the last line was cut in the middle and was skipped".to_owned());
        }
        if let Some(cut) = &self.stream_cut {
            out.push(cut.clone());
        }
        for (kind, n) in &self.missing {
            out.push(format!(
                "{n} {kind} event(s) counted in the footer are not in the file"
            ));
        }
        for (kind, n) in &self.extra {
            out.push(format!(
                "{n} {kind} event(s) in the file are not counted in the footer (edited or \
                 mismatched footer)"
            ));
        }
        if self.seq_gaps > 0 {
            out.push(format!(
                "{} event(s) missing from the seq numbering (events were cut out of the file)",
                self.seq_gaps
            ));
        }
        out
    }

    /// Why events of `kinds` may be missing from this file, beyond what the footer says was
    /// lost: one sentence per reason.
    pub fn gaps(&self, kinds: &[EventKind]) -> Vec<String> {
        let mut out = Vec::new();
        // Everything after the cut is unknown, and the recorder's loss counts never came.
        if let Some(cut) = &self.stream_cut {
            out.push(cut.clone());
        }
        for k in kinds {
            if let Some(n) = self.missing.get(k.name()) {
                out.push(format!(
                    "{n} {k} event(s) counted in the footer are not in the trace file"
                ));
            }
        }
        if !self.extra.is_empty() {
            out.push(
                "the footer's event counts do not match the file (edited or mismatched), so its \
                 loss counts cannot be trusted"
                    .to_owned(),
            );
        }
        if self.seq_gaps > 0 {
            out.push(format!(
                "{} event(s) of unknown kind are missing from the seq numbering",
                self.seq_gaps
            ));
        }
        out
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TraceError {
    #[error("cannot read trace {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path}:{line}: not a trace line ({message}); expected JSON Lines written by `tracer record`"
    )]
    Parse {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{path}: empty file; expected a trace written by `tracer record`")]
    Empty { path: PathBuf },
    #[error(
        "{path}: the first line is not a trace header; expected a file written by `tracer record`"
    )]
    MissingHeader { path: PathBuf },
    #[error(
        "{path}: trace format {format} version {version}; this tracer reads {FORMAT_NAME} version {FORMAT_VERSION}"
    )]
    Unsupported {
        path: PathBuf,
        format: String,
        version: u32,
    },
    #[error("{path}:{line}: a {what} line where none may be")]
    Misplaced {
        path: PathBuf,
        line: usize,
        what: &'static str,
    },
}

/// Reads and validates a trace file: a header first, events, at most one footer, last.
///
/// `-` is standard input. gzip and zstd are recognised by their magic bytes, not the file's
/// name: traces are attached to bugs compressed (`trace.jsonl.gz`), and a renamed file must
/// read the same.
pub fn read_trace(path: &Path) -> Result<Trace, TraceError> {
    let io = |source| TraceError::Io {
        path: path.to_owned(),
        source,
    };
    let input: Box<dyn std::io::Read> = if path == Path::new("-") {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(File::open(path).map_err(io)?)
    };
    let mut input = BufReader::new(input);
    let magic = input.fill_buf().map_err(io)?;
    let reader: Box<dyn BufRead> = if magic.starts_with(&[0x1f, 0x8b]) {
        Box::new(BufReader::new(flate2::bufread::MultiGzDecoder::new(input)))
    } else if magic.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Box::new(BufReader::new(
            zstd::stream::read::Decoder::with_buffer(input).map_err(io)?,
        ))
    } else {
        Box::new(input)
    };
    read_trace_from(reader, path)
}

/// [`read_trace`] from any reader; `path` names the input in errors.
pub fn read_trace_from(mut input: impl BufRead, path: &Path) -> Result<Trace, TraceError> {
    let io = |source| TraceError::Io {
        path: path.to_owned(),
        source,
    };
    let mut header = None;
    let mut events = Vec::new();
    let mut footer = None;
    let mut integrity = Integrity::default();
    let mut raw = Vec::new();
    let mut line_no = 0;
    loop {
        raw.clear();
        // Bounded by the file, not by a line: a trace line has no length limit of its own.
        if input.read_until(b'\n', &mut raw).map_err(io)? == 0 {
            break;
        }
        line_no += 1;
        let complete = raw.last() == Some(&b'\n');
        let text = match std::str::from_utf8(&raw) {
            Ok(t) => t,
            Err(_) if !complete && header.is_some() && footer.is_none() => {
                integrity.cut_last_line = true;
                break;
            }
            Err(e) => {
                return Err(TraceError::Parse {
                    path: path.to_owned(),
                    line: line_no,
                    message: format!("not UTF-8: {e}"),
                });
            }
        };
        if text.trim().is_empty() {
            continue;
        }
        let parsed: Line = match serde_json::from_str(text) {
            Ok(l) => l,
            // A recorder killed mid-write leaves a cut last line: the lines before it are whole.
            Err(_) if !complete && header.is_some() && footer.is_none() => {
                integrity.cut_last_line = true;
                break;
            }
            Err(e) => {
                if header.is_none() && line_no == 1 {
                    // A header of another version may not parse: say so rather than "bad JSON".
                    if let Some(err) = foreign_header(path, text) {
                        return Err(err);
                    }
                }
                return Err(TraceError::Parse {
                    path: path.to_owned(),
                    line: line_no,
                    message: e.to_string(),
                });
            }
        };
        let misplaced = |what| TraceError::Misplaced {
            path: path.to_owned(),
            line: line_no,
            what,
        };
        if footer.is_some() {
            return Err(misplaced("line after the footer"));
        }
        match parsed {
            Line::Header(h) => {
                if header.is_some() {
                    return Err(misplaced("second header"));
                }
                if h.format != FORMAT_NAME || h.version != FORMAT_VERSION {
                    return Err(TraceError::Unsupported {
                        path: path.to_owned(),
                        format: h.format,
                        version: h.version,
                    });
                }
                header = Some(*h);
            }
            Line::Event(e) if header.is_some() => events.push(*e),
            Line::Footer(f) if header.is_some() => footer = Some(*f),
            _ => {
                return Err(TraceError::MissingHeader {
                    path: path.to_owned(),
                });
            }
        }
    }
    let header = header.ok_or_else(|| TraceError::Empty {
        path: path.to_owned(),
    })?;
    check(&events, footer.as_ref(), &mut integrity);
    Ok(Trace {
        header,
        events,
        footer,
        integrity,
    })
}

/// Compares what was read with what the footer says was written.
fn check(events: &[Event], footer: Option<&Footer>, integrity: &mut Integrity) {
    // seq counts every event written from 0: a jump is a cut. A step back or a repeat is an
    // edit too, but it hides nothing by itself; count only numbers that are skipped.
    let mut expected: u64 = 0;
    for e in events {
        if e.seq > expected {
            integrity.seq_gaps = integrity.seq_gaps.saturating_add(e.seq - expected);
        }
        expected = e.seq.saturating_add(1).max(expected);
    }
    let Some(footer) = footer else {
        integrity.no_footer = true;
        return;
    };
    if let Some(cut) = &footer.cut {
        integrity.stream_cut = Some(format!(
            "the trace stream was cut: {} ({}); nothing after {} is known and lost events were \
             not counted",
            cut.cause,
            cut.detail,
            cut.last_guest_time.as_deref().unwrap_or("its start")
        ));
    }
    // A line with `repeat` is that many events: the footer counts events, not lines.
    let mut read: BTreeMap<&str, u64> = BTreeMap::new();
    for e in events {
        let n = read.entry(e.data.kind().name()).or_default();
        *n = n.saturating_add(e.occurrences());
    }
    for (kind, &said) in &footer.events {
        let got = read.get(kind.as_str()).copied().unwrap_or(0);
        if said > got {
            integrity.missing.insert(kind.clone(), said - got);
        } else if got > said {
            integrity.extra.insert(kind.clone(), got - said);
        }
    }
    for (kind, &got) in &read {
        if !footer.events.contains_key(*kind) {
            integrity.extra.insert((*kind).to_owned(), got);
        }
    }
}

fn foreign_header(path: &Path, text: &str) -> Option<TraceError> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    if value.get("type")?.as_str()? != "header" {
        return None;
    }
    Some(TraceError::Unsupported {
        path: path.to_owned(),
        format: value.get("format")?.as_str()?.to_owned(),
        version: u32::try_from(value.get("version")?.as_u64()?).ok()?,
    })
}
