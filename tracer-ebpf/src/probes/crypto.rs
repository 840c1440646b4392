//! Crypto family: calls into crypto libraries' entry points (OpenSSL's EVP/RAND/SSL functions,
//! libgcrypt, GnuTLS, nettle, libsodium). One uprobe program, attached at every function of
//! `tracer_common::crypto::FUNCTIONS` in each library present when recording starts, with the
//! function's number as the attach cookie (kernel 5.15+). A library being mapped says nothing;
//! a call here is the evidence, with
//! the code that made it.

use aya_ebpf::{
    EbpfContext,
    helpers::{bpf_get_current_pid_tgid, generated::bpf_get_attach_cookie},
    macros::uprobe,
    programs::ProbeContext,
};
use tracer_common::{
    EventKind,
    crypto::{self, CryptoData},
};

use crate::{
    caller::{resolve, return_address},
    emit::{event, now},
    maps::{LOST, config, count},
    scope::in_scope,
};

#[uprobe]
pub fn crypto_call(ctx: ProbeContext) -> u32 {
    let _ = try_crypto_call(&ctx);
    0
}

fn try_crypto_call(ctx: &ProbeContext) -> Option<()> {
    let cfg = config();
    if !in_scope(bpf_get_current_pid_tgid(), cfg) {
        return None;
    }
    // SAFETY: the helper reads the cookie of the link this program fired through.
    let function = unsafe { bpf_get_attach_cookie(ctx.as_ptr()) } as u32;
    // getauxval is a crypto call only when it asks for the kernel's random bytes.
    if function == crypto::GETAUXVAL_AT_RANDOM && ctx.arg::<u64>(0)? != crypto::AT_RANDOM {
        return None;
    }
    // Who called it: a library calling for itself is not the package (see `crate::caller`).
    let Some(caller) = resolve(return_address(ctx)) else {
        count(&LOST, EventKind::Crypto);
        return None;
    };
    // SAFETY: `d` is the reserved record's payload.
    event::<CryptoData>(cfg, EventKind::Crypto, 0, now(), 0, |d, _| unsafe {
        (*d).function = function;
        (*d)._pad = 0;
        (*d).caller = *caller;
    })
}
