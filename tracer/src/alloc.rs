//! The `tracer` binary's allocator: mimalloc instead of glibc's malloc, tuned to give memory
//! back. (The binary declares it `#[global_allocator]`; tests and other users of the library
//! keep theirs, and the calls here then act on an empty mimalloc heap.)
//!
//! Why mimalloc: the collector decodes a record into an event on its thread and the trace
//! writer frees it on another, and glibc's cross-thread frees (`_int_free`,
//! `malloc_consolidate` under the arena lock) were a third of the writer's time and the
//! allocations a quarter of the reader's in a drain of a held ring (issue 16).
//!
//! Why tuned: left at its defaults, mimalloc 3 keeps freed memory for a second before it
//! purges it, and asks for transparent huge pages. The recorder's start-up is one burst of
//! large short-lived buffers: two parses of the kernel's BTF (~5 MiB read, vectors doubling to
//! ~10 MiB) and the eBPF object's relocation. Every doubled-away buffer stayed resident and
//! huge pages rounded the rest up, so `tracer record -- /bin/true` peaked at 89–119 MiB against
//! glibc's 65 MiB and issue 16's 64 MiB target. So: huge pages are off at build time (the
//! `no_thp` feature: mimalloc then never asks `madvise(MADV_HUGEPAGE)`, and unlike the
//! run-time option it does not `prctl(PR_SET_THP_DISABLE)`, which the recorded command would
//! inherit); the purge delay is cut to [`PURGE_DELAY_MS`]; and the recorder hands the start-up
//! burst back at once ([`release_freed`]) before it maps the ring, whose data pages count
//! twice in its RSS (the kernel maps them twice for wrap-around reads: 32 MiB for the default
//! 16 MiB ring). Drains of a held 1M-event ring alternated with and without the shorter delay
//! showed no throughput difference (4 pairs, 0.83 vs 0.84 median CPU seconds); a delay of 0
//! cost a third more CPU in the same drains.

use std::os::raw::c_long;

/// mimalloc's `mi_option_purge_delay`: its place in `mi_option_e` (include/mimalloc.h of the
/// bundled mimalloc 3). libmimalloc-sys names only mimalloc 2's options, where 15 is the same
/// option; `purge_delay_is_option_15` checks the default that only this option has.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Long enough that a buffer freed and reallocated in a busy drain is reused, not purged.
const PURGE_DELAY_MS: c_long = 10;

/// Applies the tuning; called first thing in `main`, before the recorder allocates much.
pub fn tune() {
    // SAFETY: setting an option is a store into mimalloc's option table; any value is valid.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
}

/// Returns the memory freed so far to the system now instead of after the purge delay: for
/// the end of a burst of large short-lived buffers, before the process's steady state.
pub fn release_freed() {
    // SAFETY: a forced collection of the calling thread's heap and the arenas; no pointers
    // are handed over.
    unsafe { libmimalloc_sys::mi_collect(true) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purge_delay_is_option_15() {
        // mimalloc 3's default purge delay is 1000 ms; no neighbouring option defaults to it.
        // Read before `tune` could have run in this test binary (it only runs in `main`).
        // SAFETY: reading an option has no preconditions.
        let v = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        assert_eq!(v, 1000, "option 15 is not mimalloc's purge_delay any more");
    }
}
