//! Environment family records (see `tracer-ebpf/src/probes/environment.rs`).

use tracer_common::{
    Event as RawEvent, EventKind,
    crypto::{CryptoData, function},
    environment::{GetenvData, GetrandomData},
};

use super::{Cx, DecodeError, bit_names, read_record, text};
use crate::trace::EventData;

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
            }
        }
        EventKind::Crypto => {
            let d = read_record::<RawEvent<CryptoData>>(bytes)?.data;
            // An unknown number is a recorder bug, kept visible rather than dropped.
            let (library, function) = match function(d.function) {
                Some(f) => (f.library.to_owned(), f.symbol.to_owned()),
                None => (
                    String::new(),
                    format!("unknown crypto function {}", d.function),
                ),
            };
            EventData::Crypto { library, function }
        }
        _ => unreachable!("environment family kinds"),
    }))
}
