//! Where a run of minutes is, without `-v`: the library's `tracer::vm::PROGRESS` messages (image,
//! apt, boot, the guest's phases and install lines). On a terminal they drive one live line
//! (indicatif), with each phase kept as a line of its own above it; in a log they are plain
//! lines, so CI output and a log attached to a bug say the same.

use std::{io::Write as _, sync::Mutex};

use indicatif::{ProgressBar, ProgressStyle};
use tracing::{Event, Subscriber, field::Visit};
use tracing_subscriber::{fmt::MakeWriter, layer::Context};

/// The live line, while one is drawn. Taken out by [`finish`] before a command prints its own
/// output; the next progress message draws a new one.
static BAR: Mutex<Option<ProgressBar>> = Mutex::new(None);

fn with_bar<T>(f: impl FnOnce(&mut Option<ProgressBar>) -> T) -> T {
    f(&mut BAR
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner))
}

fn new_bar() -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar
}

/// Clears the live line, if one is drawn: before a command prints its results.
pub fn finish() {
    if let Some(bar) = with_bar(Option::take) {
        bar.finish_and_clear();
    }
}

/// The layer that turns progress events into the live line. The message is the event's
/// `message` field; a guest phase line (`guest: phase NAME start|end …`) is also kept above.
pub struct LiveLine;

#[derive(Default)]
struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }

    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        if field.name() == "message" {
            self.0 = value.to_owned();
        }
    }
}

impl<S: Subscriber> tracing_subscriber::Layer<S> for LiveLine {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut m = Message::default();
        event.record(&mut m);
        // The console is the guest's: no control characters reach the terminal.
        let text: String = m.0.chars().filter(|c| !c.is_control()).collect();
        with_bar(|slot| {
            let bar = slot.get_or_insert_with(new_bar);
            if text.starts_with("guest: phase ") || text.starts_with("vm image:") {
                bar.println(format!("tracer: {text}"));
            }
            bar.set_message(text);
            bar.tick();
        });
    }
}

/// stderr for the log lines, written with the live line lifted out of the way, so a warning
/// never lands in the middle of it.
pub struct AroundBar;

pub struct AroundBarWriter(Vec<u8>);

impl std::io::Write for AroundBarWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for AroundBarWriter {
    fn drop(&mut self) {
        let buf = std::mem::take(&mut self.0);
        let write = || {
            let _ = std::io::stderr().write_all(&buf);
        };
        with_bar(|slot| match slot {
            Some(bar) => bar.suspend(write),
            None => write(),
        });
    }
}

impl<'a> MakeWriter<'a> for AroundBar {
    type Writer = AroundBarWriter;

    fn make_writer(&'a self) -> Self::Writer {
        AroundBarWriter(Vec::new())
    }
}
