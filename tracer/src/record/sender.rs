//! Who sent the signal that stopped the recording. Tokio's signal streams say which signal
//! came, not from whom; the kernel's `siginfo` says both. In `tracer vm check` the job stops
//! the recorder with SIGINT, and the package under review runs as root beside it: a SIGINT of
//! its own must not pass for the job's. The footer names the sender (`stop_sender`).
//!
//! Only `kill` and `tkill`/`tgkill` vouch for the pid: the kernel writes it. A sigqueue'd
//! signal carries whatever pid its sender chose, so it is never taken for the parent.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::trace::StopSender;

/// No signal seen yet.
const NONE: u64 = u64::MAX;
/// One slot per signal number: the last sender's `si_code` (high half) and `si_pid` (low).
static SENDERS: [AtomicU64; 65] = [const { AtomicU64::new(NONE) }; 65];

/// Registers a siginfo action for each of `signals`, before tokio's own handlers: the
/// registry runs actions in registration order, so a sender is stored before tokio's stream
/// can wake the collector.
pub fn watch(signals: &[i32]) -> std::io::Result<()> {
    for &sig in signals {
        let Some(slot) = usize::try_from(sig).ok().and_then(|i| SENDERS.get(i)) else {
            continue;
        };
        let note = move |info: &libc::siginfo_t| {
            // SAFETY: si_pid is valid for the kill, tkill and sigqueue codes; for kernel-sent
            // signals it reads the union's first word, 0 or meaningless (`how` says which).
            let pid = unsafe { info.si_pid() } as u32;
            slot.store(
                (u64::from(info.si_code as u32) << 32) | u64::from(pid),
                Ordering::SeqCst,
            );
        };
        // SAFETY: the action only stores into a static atomic, which is async-signal-safe;
        // the signals are terminating ones the recorder catches anyway (never SIGKILL or
        // SIGSTOP, which the registry refuses).
        unsafe { signal_hook_registry::register_sigaction(sig, note) }?;
    }
    Ok(())
}

/// The last sender of `sig`, if one was seen, with its command name read now.
pub fn of(sig: i32) -> Option<StopSender> {
    let v = SENDERS
        .get(usize::try_from(sig).ok()?)?
        .load(Ordering::SeqCst);
    if v == NONE {
        return None;
    }
    let (code, pid) = ((v >> 32) as u32 as i32, v as u32);
    let how = match code {
        libc::SI_USER => "kill",
        libc::SI_TKILL => "tkill",
        libc::SI_QUEUE => "queued",
        libc::SI_KERNEL => "kernel",
        c if c > 0 => "kernel",
        _ => "other",
    };
    let vouched = matches!(how, "kill" | "tkill");
    let comm = (pid != 0)
        .then(|| std::fs::read_to_string(format!("/proc/{pid}/comm")).ok())
        .flatten()
        .map(|c| c.trim_end().to_owned());
    Some(StopSender {
        how: how.to_owned(),
        pid,
        comm,
        parent: vouched && pid != 0 && pid == std::os::unix::process::parent_id(),
    })
}
