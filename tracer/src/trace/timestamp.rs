//! The trace's wall-clock times (`time`, `last_time`): RFC 3339, nanoseconds, UTC, as
//! `humantime::format_rfc3339_nanos` writes them, at a fraction of its cost.
//!
//! Why: every event has one, and humantime computes the calendar date and goes through
//! `fmt` for each. Events come in order, many per second: the date and time of day of the
//! last second seen are kept (per thread) and only the nanoseconds are written per event.

use std::{
    cell::Cell,
    time::{SystemTime, UNIX_EPOCH},
};

/// `2026-12-03T23:07:26.157528823Z` for `t`; exactly humantime's text, whatever `t`.
pub fn rfc3339_nanos(t: SystemTime) -> String {
    thread_local! {
        /// The last whole second formatted, and its `YYYY-MM-DDTHH:MM:SS`.
        static SECOND: Cell<(u64, [u8; 19])> = const { Cell::new((u64::MAX, [0; 19])) };
    }
    let Ok(since) = t.duration_since(UNIX_EPOCH) else {
        // Before 1970: humantime's own answer (it refuses such times).
        return humantime::format_rfc3339_nanos(t).to_string();
    };
    let (secs, nanos) = (since.as_secs(), since.subsec_nanos());
    let (cached, mut prefix) = SECOND.with(Cell::get);
    if cached != secs {
        // humantime formats seconds-only from the same digits: its first 19 bytes are the
        // prefix (and years past 9999 are its error, as before).
        let whole =
            humantime::format_rfc3339_seconds(UNIX_EPOCH + std::time::Duration::from_secs(secs))
                .to_string();
        let Some(p) = whole.as_bytes().get(..19) else {
            return humantime::format_rfc3339_nanos(t).to_string();
        };
        prefix.copy_from_slice(p);
        SECOND.with(|c| c.set((secs, prefix)));
    }
    let mut out = [0u8; 30];
    out[..19].copy_from_slice(&prefix);
    out[19] = b'.';
    let mut n = nanos;
    for i in (20..29).rev() {
        out[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    out[29] = b'Z';
    // ASCII digits and separators only.
    String::from_utf8(out.to_vec()).expect("ASCII")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn humantime(t: SystemTime) -> String {
        humantime::format_rfc3339_nanos(t).to_string()
    }

    #[test]
    fn edges_match_humantime() {
        for (s, n) in [
            (0, 0),
            (0, 1),
            (59, 999_999_999),
            (951_782_400, 5), // 2000-02-29
            (1_796_340_446, 157_528_823),
            (4_107_542_399, 999_999_999), // 2099-12-31T23:59:59
            (253_402_300_799, 123),       // 9999-12-31T23:59:59
        ] {
            let t = UNIX_EPOCH + Duration::new(s, n);
            assert_eq!(rfc3339_nanos(t), humantime(t), "{s}.{n}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_time_matches_humantime(s in 0u64..253_402_300_800, n in 0u32..1_000_000_000, step in 0u64..3) {
            // The same second twice (the cache), then maybe the next.
            for t in [s, s, s + step] {
                let t = UNIX_EPOCH + Duration::new(t.min(253_402_300_799), n);
                proptest::prop_assert_eq!(rfc3339_nanos(t), humantime(t));
            }
        }
    }
}
