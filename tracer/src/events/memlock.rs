//! `mlock` records (see `tracer-ebpf/src/probes/memlock.rs` and `tracer_common::memlock`):
//! whether mlock, mlock2 or mlockall asked to lock past the caller's `RLIMIT_MEMLOCK`, which
//! the kernel allows only with CAP_IPC_LOCK (mm/mlock.c).

use tracer_common::{
    Event as RawEvent, SyscallId,
    memlock::{MCL_CURRENT, MCL_FUTURE, MCL_ONFAULT, MLOCK_ONFAULT, MlockData},
};

use super::{Cx, DecodeError, bit_names, read_record};
use crate::trace::EventData;

pub(super) fn decode(bytes: &[u8], cx: &mut Cx<'_>) -> Result<Option<EventData>, DecodeError> {
    let d = read_record::<RawEvent<MlockData>>(bytes)?.data;
    let Some(syscall) = cx.syscall else {
        return Ok(None);
    };
    let page = page_size();
    let limit = (d.limit_known == 1).then_some(d.limit);
    let vm = (d.mm_known == 1).then(|| {
        (
            d.locked_pages.saturating_mul(page),
            d.total_pages.saturating_mul(page),
        )
    });
    Ok(Some(judge(syscall, d.args, limit, vm, page, cx.header.ret)))
}

/// The system's page size: the kernel counts locked memory in pages (the recorder decodes its
/// records on the machine that made them).
fn page_size() -> u64 {
    nix::unistd::sysconf(nix::unistd::SysconfVar::PAGE_SIZE)
        .ok()
        .flatten()
        .map_or(4096, |p| p as u64)
}

fn mib(bytes: u64) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else if bytes >= 1 << 10 && bytes.is_multiple_of(1 << 10) {
        format!("{} KiB", bytes >> 10)
    } else {
        format!("{bytes} bytes")
    }
}

/// The event for a call with `args` (see [`MlockData::args`]), the soft limit (`u64::MAX`:
/// unlimited; `None`: unread) and the address space's (locked, total) bytes after the call.
///
/// The kernel's rule (mm/mlock.c): with a limit of 0 every lock needs CAP_IPC_LOCK
/// (`can_do_mlock`); mlock and mlock2 need it when the range's pages plus those already
/// locked outside it pass the limit (`do_mlock`); mlockall(`MCL_CURRENT`) when the whole
/// address space does (`total_vm`). So a call succeeded past the limit when its own length, or
/// the locked memory after it, is above the limit; a failed call asked past it when its own
/// length was (the memory it would have added to is not known). `MCL_FUTURE` locks what is
/// mapped later, each mapping checked against the limit when it is made (`mlock_future_ok`),
/// which the trace does not see: with a finite limit it cannot be told.
pub(crate) fn judge(
    syscall: SyscallId,
    args: [u64; 3],
    limit: Option<u64>,
    vm: Option<(u64, u64)>,
    page: u64,
    ret: i64,
) -> EventData {
    let ok = ret >= 0;
    let all = syscall == SyscallId::Mlockall;
    let flags = if all {
        bit_names(
            args[0],
            &[
                (MCL_CURRENT, "MCL_CURRENT"),
                (MCL_FUTURE, "MCL_FUTURE"),
                (MCL_ONFAULT, "MCL_ONFAULT"),
            ],
        )
    } else {
        bit_names(args[2], &[(MLOCK_ONFAULT, "MLOCK_ONFAULT")])
    };
    // The pages the range covers, as the kernel rounds it (`PAGE_ALIGN(len + offset)`).
    let len = (!all).then_some(args[1]);
    let span = len.map(|l| {
        let off = args[0] % page;
        (l + off).div_ceil(page) * page
    });
    let unlimited = limit == Some(u64::MAX);
    let (over, why) = match (limit, unlimited) {
        (_, true) => (Some(false), "RLIMIT_MEMLOCK is unlimited".to_owned()),
        (None, _) => (
            None,
            "RLIMIT_MEMLOCK was not read (no rlimit offsets in the kernel's BTF)".to_owned(),
        ),
        (Some(0), _) if ok => (
            Some(true),
            "RLIMIT_MEMLOCK is 0: the kernel locks nothing without CAP_IPC_LOCK".to_owned(),
        ),
        (Some(0), _) => (
            Some(true),
            "RLIMIT_MEMLOCK is 0: only CAP_IPC_LOCK would let it lock".to_owned(),
        ),
        (Some(limit), _) if !all => {
            let span = span.unwrap_or(0);
            let locked = vm.map(|(l, _)| l);
            if span > limit {
                (
                    Some(true),
                    format!(
                        "the range alone ({}) is past RLIMIT_MEMLOCK {}",
                        mib(span),
                        mib(limit)
                    ),
                )
            } else if !ok {
                (
                    Some(false),
                    format!(
                        "failed; the range ({}) is within RLIMIT_MEMLOCK {}",
                        mib(span),
                        mib(limit)
                    ),
                )
            } else {
                match locked {
                    Some(l) if l > limit => (
                        Some(true),
                        format!(
                            "{} locked after it, past RLIMIT_MEMLOCK {}",
                            mib(l),
                            mib(limit)
                        ),
                    ),
                    Some(l) => (
                        Some(false),
                        format!(
                            "{} locked after it, within RLIMIT_MEMLOCK {}",
                            mib(l),
                            mib(limit)
                        ),
                    ),
                    None => (
                        None,
                        format!(
                            "the range ({}) is within RLIMIT_MEMLOCK {}, but the memory already locked was not read",
                            mib(span),
                            mib(limit)
                        ),
                    ),
                }
            }
        }
        (Some(limit), _) => {
            let current = args[0] & MCL_CURRENT != 0;
            let future = args[0] & MCL_FUTURE != 0;
            let total = vm.map(|(_, t)| t);
            match (current, total) {
                (true, Some(t)) if t > limit => (
                    Some(true),
                    format!(
                        "MCL_CURRENT with {} mapped, past RLIMIT_MEMLOCK {}",
                        mib(t),
                        mib(limit)
                    ),
                ),
                (true, None) => (
                    None,
                    "MCL_CURRENT, and the mapped memory was not read".to_owned(),
                ),
                _ if future && ok => (
                    None,
                    format!(
                        "MCL_FUTURE: mappings made later are locked, each past RLIMIT_MEMLOCK {} only with CAP_IPC_LOCK, and mappings are not recorded",
                        mib(limit)
                    ),
                ),
                (true, Some(t)) => (
                    Some(false),
                    format!(
                        "MCL_CURRENT with {} mapped, within RLIMIT_MEMLOCK {}",
                        mib(t),
                        mib(limit)
                    ),
                ),
                _ => (Some(false), "nothing locked now".to_owned()),
            }
        }
    };
    EventData::Mlock {
        addr: (!all).then_some(args[0]),
        len,
        flags,
        limit: limit.filter(|l| *l != u64::MAX),
        unlimited,
        locked: vm.map(|(l, _)| l),
        total: vm.map(|(_, t)| t),
        over_limit: over,
        why,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: u64 = 1 << 20;

    fn over(e: &EventData) -> Option<bool> {
        match e {
            EventData::Mlock { over_limit, .. } => *over_limit,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn past_the_limit_only_with_cap_ipc_lock() {
        let p = 4096;
        // Round 5's c5_mlock_over_limit: 32 MiB under an 8 MiB limit, and it succeeded.
        let e = judge(
            SyscallId::Mlock,
            [0x7f00_0000_0000, 32 * MIB, 0],
            Some(8 * MIB),
            Some((32 * MIB, 40 * MIB)),
            p,
            0,
        );
        assert_eq!(over(&e), Some(true), "{e:?}");
        // 1 MiB with nothing else locked: within.
        let e = judge(
            SyscallId::Mlock,
            [0x7f00_0000_0000, MIB, 0],
            Some(8 * MIB),
            Some((MIB, 40 * MIB)),
            p,
            0,
        );
        assert_eq!(over(&e), Some(false));
        // 1 MiB more on top of 8 MiB already locked: past, though the range is small.
        let e = judge(
            SyscallId::Mlock2,
            [0x7f00_0000_0000, MIB, 1],
            Some(8 * MIB),
            Some((9 * MIB, 40 * MIB)),
            p,
            0,
        );
        assert_eq!(over(&e), Some(true));
        // Refused (ENOMEM) for a range past the limit: asked for the capability.
        let e = judge(
            SyscallId::Mlock,
            [0x7f00_0000_0000, 32 * MIB, 0],
            Some(8 * MIB),
            Some((0, 40 * MIB)),
            p,
            -12,
        );
        assert_eq!(over(&e), Some(true));
        // A limit of 0 and a success: the capability.
        let e = judge(
            SyscallId::Mlock,
            [0x7f00_0000_0000, 4096, 0],
            Some(0),
            Some((4096, 40 * MIB)),
            p,
            0,
        );
        assert_eq!(over(&e), Some(true));
        // Unlimited: never.
        let e = judge(
            SyscallId::Mlock,
            [0x7f00_0000_0000, 32 * MIB, 0],
            Some(u64::MAX),
            None,
            p,
            0,
        );
        assert_eq!(over(&e), Some(false));
        // The rounding: 1 byte across a page boundary is two pages.
        let e = judge(
            SyscallId::Mlock,
            [4095, 2, 0],
            Some(4096),
            Some((0, 0)),
            p,
            -12,
        );
        assert_eq!(over(&e), Some(true));
    }

    #[test]
    fn mlockall_against_the_mapped_memory() {
        let p = 4096;
        let e = judge(
            SyscallId::Mlockall,
            [MCL_CURRENT, 0, 0],
            Some(8 * MIB),
            Some((40 * MIB, 40 * MIB)),
            p,
            0,
        );
        assert_eq!(over(&e), Some(true));
        let e = judge(
            SyscallId::Mlockall,
            [MCL_CURRENT, 0, 0],
            Some(64 * MIB),
            Some((40 * MIB, 40 * MIB)),
            p,
            0,
        );
        assert_eq!(over(&e), Some(false));
        // Future mappings are checked when they are made, which the trace does not see.
        let e = judge(
            SyscallId::Mlockall,
            [MCL_CURRENT | MCL_FUTURE, 0, 0],
            Some(64 * MIB),
            Some((40 * MIB, 40 * MIB)),
            p,
            0,
        );
        assert_eq!(over(&e), None);
    }
}
