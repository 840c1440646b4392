//! Reading a trace file back, for every stage after the recorder.

use std::{
    fs::File,
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
};

use super::{Event, FORMAT_NAME, FORMAT_VERSION, Footer, Header, Line};

/// A whole trace in memory.
#[derive(Debug, Clone)]
pub struct Trace {
    pub header: Header,
    pub events: Vec<Event>,
    /// `None` when the recorder did not finish (killed, crashed, disk full): counts of lost
    /// events are then unknown, and nothing may be concluded as "held".
    pub footer: Option<Footer>,
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
pub fn read_trace(path: &Path) -> Result<Trace, TraceError> {
    let io = |source| TraceError::Io {
        path: path.to_owned(),
        source,
    };
    let file = File::open(path).map_err(io)?;
    let mut header = None;
    let mut events = Vec::new();
    let mut footer = None;
    for (index, line) in BufReader::new(file).lines().enumerate() {
        let line_no = index + 1;
        let text = line.map_err(io)?;
        if text.trim().is_empty() {
            continue;
        }
        let parsed: Line = serde_json::from_str(&text).map_err(|e| {
            if header.is_none() && line_no == 1 {
                // A header of another version may not parse: say so rather than "bad JSON".
                if let Some(err) = foreign_header(path, &text) {
                    return err;
                }
            }
            TraceError::Parse {
                path: path.to_owned(),
                line: line_no,
                message: e.to_string(),
            }
        })?;
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
    Ok(Trace {
        header,
        events,
        footer,
    })
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
