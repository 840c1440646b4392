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
/// a TLS handshake" (or looks up the kernel's per-exec random bytes): an operation's set-up or one-shot call, not per-byte updates (a record
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
    // One-shot hashes, randomness and key derivation (2026-12).
    f(35, "libgcrypt.so", "gcry_md_hash_buffer"),
    f(36, "libgcrypt.so", "gcry_md_hash_buffers"),
    f(37, "libgcrypt.so", "gcry_random_bytes"),
    f(38, "libgcrypt.so", "gcry_random_bytes_secure"),
    f(39, "libgcrypt.so", "gcry_create_nonce"),
    f(44, "libgcrypt.so", "gcry_kdf_derive"),
    f(45, "libgcrypt.so", "gcry_pk_encrypt"),
    f(46, "libgcrypt.so", "gcry_pk_decrypt"),
    f(47, "libgcrypt.so", "gcry_pk_verify"),
    f(48, "libgcrypt.so", "gcry_pk_genkey"),
    // GnuTLS.
    f(40, "libgnutls.so", "gnutls_handshake"),
    f(41, "libgnutls.so", "gnutls_cipher_init"),
    f(42, "libgnutls.so", "gnutls_hash_init"),
    f(43, "libgnutls.so", "gnutls_rnd"),
    // nettle.
    f(50, "libnettle.so", "nettle_cbc_encrypt"),
    f(51, "libnettle.so", "nettle_gcm_encrypt"),
    f(52, "libnettle.so", "nettle_sha256_init"),
    // Hash set-ups and key schedules (2026-12).
    f(53, "libnettle.so", "nettle_sha1_init"),
    f(54, "libnettle.so", "nettle_sha224_init"),
    f(55, "libnettle.so", "nettle_sha384_init"),
    f(56, "libnettle.so", "nettle_sha512_init"),
    f(57, "libnettle.so", "nettle_sha3_256_init"),
    f(58, "libnettle.so", "nettle_md5_init"),
    f(59, "libnettle.so", "nettle_hmac_sha256_set_key"),
    f(66, "libnettle.so", "nettle_aes128_set_encrypt_key"),
    f(67, "libnettle.so", "nettle_aes128_set_decrypt_key"),
    f(68, "libnettle.so", "nettle_aes256_set_encrypt_key"),
    f(69, "libnettle.so", "nettle_aes256_set_decrypt_key"),
    f(90, "libnettle.so", "nettle_aes_set_encrypt_key"),
    f(91, "libnettle.so", "nettle_aes_set_decrypt_key"),
    f(92, "libnettle.so", "nettle_chacha_set_key"),
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
    // libxcrypt (libcrypt.so.1): password hashing, crypt(3), and its salt generators, which
    // draw random bytes (2026-12). Its compatibility-only symbols (`encrypt`, `xcrypt`, …)
    // are left out: no program built today can link them.
    f(70, "libcrypt.so", "crypt"),
    f(71, "libcrypt.so", "crypt_r"),
    f(72, "libcrypt.so", "crypt_rn"),
    f(73, "libcrypt.so", "crypt_ra"),
    f(74, "libcrypt.so", "crypt_gensalt"),
    f(75, "libcrypt.so", "crypt_gensalt_rn"),
    f(76, "libcrypt.so", "crypt_gensalt_ra"),
    // libmd (libbsd's message digests): each digest's set-up and one-shot calls (the
    // one-shots call the set-up too) (2026-12).
    f(80, "libmd.so", "MD5Init"),
    f(81, "libmd.so", "MD5Data"),
    f(82, "libmd.so", "SHA1Init"),
    f(83, "libmd.so", "SHA1Data"),
    f(84, "libmd.so", "SHA256Init"),
    f(85, "libmd.so", "SHA256Data"),
    f(86, "libmd.so", "SHA384Init"),
    f(87, "libmd.so", "SHA512Init"),
    f(88, "libmd.so", "SHA512Data"),
    f(89, "libmd.so", "RMD160Init"),
    f(95, "libmd.so", "MD4Init"),
    f(96, "libmd.so", "MD2Init"),
    // The kernel's 16 random bytes for each exec (auxv AT_RANDOM), as a key or seed: only
    // getauxval's AT_RANDOM lookups are recorded (the probe drops other types; the C
    // library itself reads them without calling getauxval) (2026-12).
    f(GETAUXVAL_AT_RANDOM, "libc.so", "getauxval"),
];

/// The number of libc's getauxval in [`FUNCTIONS`]: its probe records a call only when the
/// type asked for is [`AT_RANDOM`].
pub const GETAUXVAL_AT_RANDOM: u32 = 97;

/// `AT_RANDOM` (linux/auxvec.h): the address of 16 random bytes the kernel puts on each new
/// program's stack.
pub const AT_RANDOM: u64 = 25;

/// The function with this number, if it is one of ours.
pub fn function(number: u32) -> Option<&'static Function> {
    FUNCTIONS.iter().find(|f| f.number == number)
}
