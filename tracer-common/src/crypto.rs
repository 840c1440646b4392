//! Calls into crypto libraries, recorded with uprobes on their entry points (see
//! `tracer-ebpf/src/probes/crypto.rs`). A mapped library is only a library that could be
//! called; these calls are the evidence of crypto use.
//!
//! One program is attached at every function below; the attach cookie is the function's
//! number, which the record carries. Numbers are fixed and never reused.

/// A crypto call: which function (its number in [`FUNCTIONS`]).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct CryptoData {
    pub function: u32,
    pub _pad: u32,
    /// The code that made the call (see [`crate::caller`]).
    pub caller: crate::caller::Caller,
}

/// A function probed: its number, the library's file name prefix, and the symbol.
pub struct Function {
    pub number: u32,
    pub library: &'static str,
    pub symbol: &'static str,
}

const fn f(number: u32, library: &'static str, symbol: &'static str) -> Function {
    Function {
        number,
        library,
        symbol,
    }
}

/// Entry points that mean "this process encrypts, hashes, signs, draws key material or runs
/// a TLS handshake": an operation's set-up or one-shot call, not per-byte updates (a record
/// per EVP_DigestUpdate would flood the ring).
pub const FUNCTIONS: &[Function] = &[
    // OpenSSL 3 (libcrypto.so.3): ciphers, digests, MACs, public keys, randomness.
    f(1, "libcrypto.so", "EVP_EncryptInit_ex"),
    f(2, "libcrypto.so", "EVP_DecryptInit_ex"),
    f(3, "libcrypto.so", "EVP_CipherInit_ex"),
    f(4, "libcrypto.so", "EVP_DigestInit_ex"),
    f(5, "libcrypto.so", "EVP_DigestSignInit"),
    f(6, "libcrypto.so", "EVP_DigestVerifyInit"),
    f(7, "libcrypto.so", "EVP_PKEY_encrypt"),
    f(8, "libcrypto.so", "EVP_PKEY_decrypt"),
    f(9, "libcrypto.so", "EVP_PKEY_derive"),
    f(10, "libcrypto.so", "EVP_MAC_init"),
    f(11, "libcrypto.so", "RAND_bytes"),
    f(12, "libcrypto.so", "RAND_priv_bytes"),
    f(13, "libcrypto.so", "EVP_EncryptInit_ex2"),
    f(14, "libcrypto.so", "EVP_DecryptInit_ex2"),
    f(15, "libcrypto.so", "EVP_DigestInit_ex2"),
    f(16, "libcrypto.so", "EVP_CipherInit_ex2"),
    f(17, "libcrypto.so", "EVP_Digest"),
    // OpenSSL TLS (libssl.so.3): handshakes.
    f(20, "libssl.so", "SSL_connect"),
    f(21, "libssl.so", "SSL_accept"),
    f(22, "libssl.so", "SSL_do_handshake"),
    // libgcrypt.
    f(30, "libgcrypt.so", "gcry_cipher_open"),
    f(31, "libgcrypt.so", "gcry_md_open"),
    f(32, "libgcrypt.so", "gcry_randomize"),
    f(33, "libgcrypt.so", "gcry_pk_sign"),
    f(34, "libgcrypt.so", "gcry_mac_open"),
    // GnuTLS.
    f(40, "libgnutls.so", "gnutls_handshake"),
    f(41, "libgnutls.so", "gnutls_cipher_init"),
    f(42, "libgnutls.so", "gnutls_hash_init"),
    f(43, "libgnutls.so", "gnutls_rnd"),
    // nettle.
    f(50, "libnettle.so", "nettle_cbc_encrypt"),
    f(51, "libnettle.so", "nettle_gcm_encrypt"),
    f(52, "libnettle.so", "nettle_sha256_init"),
    // libsodium.
    f(60, "libsodium.so", "crypto_secretbox_easy"),
    f(61, "libsodium.so", "crypto_box_easy"),
    f(62, "libsodium.so", "crypto_sign"),
    f(63, "libsodium.so", "randombytes_buf"),
    f(
        64,
        "libsodium.so",
        "crypto_aead_chacha20poly1305_ietf_encrypt",
    ),
    f(65, "libsodium.so", "crypto_generichash"),
];

/// The function with this number, if it is one of ours.
pub fn function(number: u32) -> Option<&'static Function> {
    FUNCTIONS.iter().find(|f| f.number == number)
}
