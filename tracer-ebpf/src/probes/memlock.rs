//! Memory locking (`mlock` records): mlock, mlock2 and mlockall with the caller's
//! `RLIMIT_MEMLOCK` and its address space's locked and total pages after the call, which tell
//! whether the kernel let the call past the limit on CAP_IPC_LOCK (`tracer_common::memlock`).

use tracer_common::{SyscallId, memlock::MlockData};

use crate::{
    emit::syscall_event,
    maps::config,
    probes::syscalls::{SyscallContext, complete},
    task,
};

crate::exit_programs!(memlock_exit, memlock_exit_raw, try_memlock_exit);

fn try_memlock_exit<C: SyscallContext>(ctx: &C) -> Option<()> {
    let done = complete(ctx)?;
    let a = done.inflight.args;
    let args = match done.syscall {
        SyscallId::Mlock => [a[0], a[1], 0],
        SyscallId::Mlock2 => [a[0], a[1], a[2]],
        SyscallId::Mlockall => [a[0], 0, 0],
        _ => return None,
    };
    let cfg = config();
    let limit = task::soft_limit(cfg, tracer_common::memlock::RLIMIT_MEMLOCK);
    let vm = task::vm_pages(cfg);
    // SAFETY: `d` is the reserved record's payload.
    syscall_event::<MlockData>(&done, cfg, |d, _| unsafe {
        (*d).args = args;
        (*d).limit_known = u32::from(limit.is_some());
        (*d).limit = limit.unwrap_or(0);
        (*d).mm_known = u32::from(vm.is_some());
        let (locked, total) = vm.unwrap_or((0, 0));
        (*d).locked_pages = locked;
        (*d).total_pages = total;
    })
}
