//! Names of the negative values a syscall's exit shows.
//!
//! The exit tracepoint sees the value the syscall returned inside the kernel, before signal
//! delivery turns it into what the process sees. Most are the errnos of
//! `include/uapi/asm-generic/errno*.h`, which libc names. A few are the kernel's own, from
//! `include/linux/errno.h` (512–531, 520 unused), which "should never be seen by user programs"
//! but are exactly what a tracer at `sys_exit` sees: a connect interrupted by a signal returns
//! `-ERESTARTSYS` (-512), and the signal then restarts the call, makes it fail with `EINTR`, or
//! — SIGKILL — ends the process there. They are named here, not left as libc's
//! "UnknownErrno": the name tells a reviewer the call was cut short by a signal, not refused.
//!
//! How the stages treat such a call: as the failed call it is (`SysResult::ok` is false, as for
//! every negative value), never as a success. It was attempted all the same, and the stages
//! that count attempts count it: "No outgoing connections" is judged on every connect whatever
//! its result (a connect interrupted in its handshake had sent its SYN: round 8's
//! `a8_killed_in_connect` saw it reach the listener), so an interrupted connect to a destination
//! not allowed contradicts the claim just as a refused one does, and is shown with its errno.

/// The kernel-internal values of `include/linux/errno.h` (Linux 6.x): value, name.
const KERNEL_INTERNAL: &[(i32, &str)] = &[
    (512, "ERESTARTSYS"),
    (513, "ERESTARTNOINTR"),
    (514, "ERESTARTNOHAND"),
    (515, "ENOIOCTLCMD"),
    (516, "ERESTART_RESTARTBLOCK"),
    (517, "EPROBE_DEFER"),
    (518, "EOPENSTALE"),
    (519, "ENOPARAM"),
    // The NFSv3 protocol's, which some paths return unchanged.
    (521, "EBADHANDLE"),
    (522, "ENOTSYNC"),
    (523, "EBADCOOKIE"),
    (524, "ENOTSUPP"),
    (525, "ETOOSMALL"),
    (526, "ESERVERFAULT"),
    (527, "EBADTYPE"),
    (528, "EJUKEBOX"),
    (529, "EIOCBQUEUED"),
    (530, "ERECALLCONFLICT"),
    (531, "ENOGRACE"),
];

/// The name of errno `n` (positive), or `None` for a value neither libc nor the kernel names
/// (the record keeps the number). Static: every failed call is named, and a formatted name
/// per event was an allocation the collector did not need (issue 16).
pub(crate) fn errno_name(n: i32) -> Option<&'static str> {
    if let Some((_, name)) = KERNEL_INTERNAL.iter().find(|(v, _)| *v == n) {
        return Some(name);
    }
    let libc = LIBC_NAMES.get_or_init(|| {
        (0..LIBC_MAX)
            .map(|n| match nix::errno::Errno::from_raw(n) {
                nix::errno::Errno::UnknownErrno => None,
                // Made once per value for the life of the process: at most LIBC_MAX names.
                e => Some(&*Box::leak(format!("{e:?}").into_boxed_str())),
            })
            .collect()
    });
    libc.get(usize::try_from(n).ok()?).copied().flatten()
}

/// libc's errnos lie below this (`EHWPOISON`, 133, is the last of asm-generic's).
const LIBC_MAX: i32 = 512;

static LIBC_NAMES: std::sync::OnceLock<Vec<Option<&'static str>>> = std::sync::OnceLock::new();

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_internal_values_are_named() {
        assert_eq!(errno_name(512), Some("ERESTARTSYS"));
        assert_eq!(errno_name(516), Some("ERESTART_RESTARTBLOCK"));
        assert_eq!(errno_name(524), Some("ENOTSUPP"));
        assert_eq!(errno_name(531), Some("ENOGRACE"));
        // 520 is unused in the kernel's list; nothing else near it is named by libc.
        assert_eq!(errno_name(520), None);
        assert_eq!(errno_name(4000), None);
        // libc's own are still libc's.
        assert_eq!(errno_name(111), Some("ECONNREFUSED"));
        assert_eq!(errno_name(4), Some("EINTR"));
    }
}
