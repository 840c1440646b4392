//! Environment family records (see `tracer-ebpf/src/probes/environment.rs`).

use tracer_common::{
    Event as RawEvent, EventKind,
    caller::{Caller, status},
    crypto::{CryptoData, function},
    environment::{GetenvData, GetrandomData},
};

use super::{Cx, DecodeError, bit_names, read_record, text};
use crate::trace::{CallSite, EventData};

const GRND_FLAGS: &[(u64, &str)] = &[
    (0x1, "GRND_NONBLOCK"),
    (0x2, "GRND_RANDOM"),
    (0x4, "GRND_INSECURE"),
];

pub(super) fn decode(
    kind: EventKind,
    bytes: &[u8],
    _cx: &mut Cx<'_>,
) -> Result<Option<EventData>, DecodeError> {
    Ok(Some(match kind {
        EventKind::Getrandom => {
            let d = read_record::<RawEvent<GetrandomData>>(bytes)?.data;
            EventData::Getrandom {
                bytes: d.count,
                flags: bit_names(d.flags as u64, GRND_FLAGS),
            }
        }
        EventKind::Getenv => {
            let d = read_record::<RawEvent<GetenvData>>(bytes)?.data;
            EventData::Getenv {
                name: text(&d.name, d.name_len),
                secure: d.secure != 0,
                caller: call_site(&d.caller),
            }
        }
        EventKind::Crypto => {
            let d = read_record::<RawEvent<CryptoData>>(bytes)?.data;
            // An unknown number is a recorder bug, kept visible rather than dropped.
            let (library, function) = match function(d.function) {
                // Only getauxval's AT_RANDOM lookups are recorded: named so.
                Some(f) if f.number == tracer_common::crypto::GETAUXVAL_AT_RANDOM => {
                    (f.library.to_owned(), format!("{}(AT_RANDOM)", f.symbol))
                }
                Some(f) => (f.library.to_owned(), f.symbol.to_owned()),
                None => (
                    String::new(),
                    format!("unknown crypto function {}", d.function),
                ),
            };
            EventData::Crypto {
                library,
                function,
                caller: call_site(&d.caller),
            }
        }
        _ => unreachable!("environment family kinds"),
    }))
}

/// The caller part of a getenv or crypto record (see `tracer_common::caller`).
fn call_site(c: &Caller) -> Option<CallSite> {
    let unresolved = match c.status {
        status::NONE => return None,
        status::FILE => None,
        status::ADDRESS_ONLY => Some("no kernel offsets"),
        status::ANONYMOUS => Some("anonymous mapping"),
        status::NO_MAPPING => Some("no mapping found"),
        status::UNREADABLE => Some("return address unreadable"),
        // An unknown status is a recorder bug, kept visible rather than dropped.
        _ => Some("unknown caller status"),
    };
    let file = unresolved.is_none().then(|| text(&c.name, c.name_len));
    Some(CallSite {
        address: (c.status != status::UNREADABLE).then(|| format!("{:#x}", c.addr)),
        offset: (c.status == status::FILE || c.status == status::ANONYMOUS)
            .then(|| format!("{:#x}", c.file_offset)),
        inode: file.as_ref().map(|_| c.ino),
        // The kernel's `MKDEV`: 12 bits of major, 20 of minor.
        dev: file
            .as_ref()
            .map(|_| format!("{}:{}", c.dev >> 20, c.dev & 0xf_ffff)),
        executable: file.is_some() && c.in_exe != 0,
        file,
        unresolved: unresolved.map(str::to_owned),
    })
}
