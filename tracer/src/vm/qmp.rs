//! The guest's side of the trace port, watched through qemu's QMP events.
//!
//! The trace port can be opened by one guest process at a time (virtio_console refuses a second
//! open with EBUSY), and the recorder opens it once, before the package is installed, and holds
//! it until it exits. So while the recorder lives nothing else can write to the stream. Once it
//! is gone (killed with SIGKILL, say) the port is free, and a root package could open it and
//! append frames that continue the trace, down to a footer that says the job stopped it.
//!
//! qemu tells the host when the guest opens or closes a virtio-serial port (the
//! `VSERPORT_CHANGE` event). The recorder's close is the end of its stream: the host notes how
//! many bytes of the port's file had arrived by then, and a second open is another process
//! writing to the stream. The host then reads the stream only up to that close and cuts the
//! trace there, as interference (see [`super::stream::CutCause::PortReopened`]).
//!
//! The offset is taken when the host reads the event, which can be a moment after qemu sent it:
//! a forger quick enough may get a frame in before it. The cut and the interference do not
//! depend on that offset, only on the second open, which a forger cannot avoid.

use std::{
    io::{BufRead, BufReader, Read, Write},
    os::unix::net::UnixStream,
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
    thread::JoinHandle,
    time::{Duration, Instant},
};

/// What the guest did with one port, as far as qemu's events tell.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PortState {
    /// Times a guest process opened the port.
    pub opens: u32,
    /// Bytes of the port's host file when it was first closed.
    pub first_close_at: Option<u64>,
    /// Bytes of the port's host file when it was opened again after that close.
    pub reopened_at: Option<u64>,
    /// Why the events could not be watched (no QMP socket, a broken connection).
    pub error: Option<String>,
}

impl PortState {
    /// Another process wrote to the stream after the recorder closed it: where the trusted
    /// stream ends.
    pub fn reopened(&self) -> Option<u64> {
        self.reopened_at.and(self.first_close_at)
    }

    fn event(&mut self, open: bool, bytes: u64) {
        if open {
            self.opens += 1;
            if self.first_close_at.is_some() && self.reopened_at.is_none() {
                self.reopened_at = Some(bytes);
            }
        } else if self.first_close_at.is_none() {
            self.first_close_at = Some(bytes);
        }
    }
}

/// A thread that reads qemu's QMP events until qemu exits.
pub struct PortWatch {
    state: Arc<Mutex<PortState>>,
    thread: Option<JoinHandle<()>>,
}

/// The longest QMP line read; qemu's events are a few hundred bytes.
const MAX_LINE: u64 = 1 << 20;
/// How long qemu has to create its QMP socket.
const CONNECT_WAIT: Duration = Duration::from_secs(60);

impl PortWatch {
    /// Watches `port_id` (the virtserialport's device id) on qemu's QMP socket `socket`;
    /// `raw` is the host file qemu writes the port's bytes to.
    pub fn start(socket: PathBuf, port_id: String, raw: PathBuf) -> Self {
        let state = Arc::new(Mutex::new(PortState::default()));
        let shared = Arc::clone(&state);
        let thread = std::thread::spawn(move || {
            if let Err(e) = watch(&socket, &port_id, &raw, &shared)
                && let Ok(mut s) = shared.lock()
            {
                s.error = Some(e);
            }
        });
        Self {
            state,
            thread: Some(thread),
        }
    }

    /// Another process has opened the port since the recorder closed it: the host stops the
    /// guest, since nothing more from the stream is the recorder's.
    pub fn reopened(&self) -> bool {
        self.state.lock().is_ok_and(|s| s.reopened().is_some())
    }

    /// The events so far; after qemu has exited, all of them.
    pub fn finish(mut self) -> PortState {
        if let Some(t) = self.thread.take() {
            // qemu has exited: its socket is closed and the thread at its end.
            let _ = t.join();
        }
        self.state.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

fn watch(socket: &Path, port_id: &str, raw: &Path, state: &Mutex<PortState>) -> Result<(), String> {
    let started = Instant::now();
    let stream = loop {
        match UnixStream::connect(socket) {
            Ok(s) => break s,
            Err(e) if started.elapsed() > CONNECT_WAIT => {
                return Err(format!("qemu's QMP socket {}: {e}", socket.display()));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    };
    let mut writer = stream.try_clone().map_err(|e| format!("QMP socket: {e}"))?;
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    let mut next =
        |reader: &mut BufReader<UnixStream>| -> Result<Option<serde_json::Value>, String> {
            line.clear();
            let n = reader
                .by_ref()
                .take(MAX_LINE)
                .read_line(&mut line)
                .map_err(|e| format!("QMP: {e}"))?;
            if n == 0 {
                return Ok(None);
            }
            serde_json::from_str(&line)
                .map(Some)
                .map_err(|e| format!("QMP sent something that is not JSON: {e}"))
        };
    // The greeting, then capabilities negotiation; events flow after that.
    next(&mut reader)?.ok_or("QMP closed before its greeting")?;
    writer
        .write_all(b"{\"execute\":\"qmp_capabilities\"}\n")
        .map_err(|e| format!("QMP: {e}"))?;
    while let Some(msg) = next(&mut reader)? {
        if msg["event"] != "VSERPORT_CHANGE" || msg["data"]["id"] != port_id {
            continue;
        }
        let Some(open) = msg["data"]["open"].as_bool() else {
            continue;
        };
        let bytes = std::fs::metadata(raw).map_or(0, |m| m.len());
        tracing::debug!(
            port_id,
            open,
            bytes,
            "vm: the guest opened or closed a port"
        );
        if let Ok(mut s) = state.lock() {
            s.event(open, bytes);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::PortState;

    #[test]
    fn only_an_open_after_a_close_is_a_reopen() {
        let mut s = PortState::default();
        s.event(true, 0);
        assert_eq!(s.reopened(), None);
        s.event(false, 1000);
        assert_eq!(s.reopened(), None, "the recorder's own close");
        s.event(true, 1004);
        s.event(false, 2000);
        s.event(true, 2000);
        assert_eq!(s.opens, 3);
        assert_eq!(
            s.reopened(),
            Some(1000),
            "the stream is trusted up to the first close"
        );
    }
}
