//! A static scan of the code recorded processes run, for crypto: crypto done in a program's
//! own code (a built-in SHA-256, an inlined AES round, RDRAND) makes no call and no syscall a
//! trace can see, so a "no cryptography" claim can only hold over code that was looked at.
//!
//! Every program a recorded process execs (and the interpreter the kernel runs for it: an ELF
//! file's `PT_INTERP`, a `#!` script's interpreter) and every shared object it opens is
//! scanned once per file (by device, inode, size and mtime), on a thread of its own, off the
//! event path. The scan looks for:
//! - crypto constants anywhere in the file (tables in `.rodata`, immediates in code): the
//!   SHA-256 and SHA-512 round constants, SHA-1's round constants, MD5's sine table, the AES
//!   S-box (or its inverse, or a T-table), the SHA-2/BLAKE2 initial values, BLAKE2's message
//!   schedule, ChaCha/Salsa's "expand 32-byte k". A table counts only when a good part of it
//!   is there (16 of 64 words, …): a stray word is not a hash function;
//! - crypto instructions in executable sections only: RDRAND, RDSEED (not behind an F3
//!   prefix, which makes RDPID or SENDUIPI), AES-NI (legacy 66 0F 38 DB..DF / 66 0F 3A DF and
//!   VEX forms) and SHA-NI (0F 38 C8..CD, 0F 3A CC). Bytes are matched, not decoded: an
//!   encoding inside another instruction's immediate would count too (docs/claims.md gives
//!   the false-positive rate measured on Debian's binaries).
//!
//! A file that cannot be read (deleted, a memfd, no permission) or is larger than
//! [`READ_LIMIT`] is recorded as not (wholly) scanned: the verdict cannot call it clean.

use std::collections::{HashMap, HashSet};
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use crate::trace::{CodeScan, Event, EventData};

/// The most of a file that is read: larger files are scanned up to here and marked cut.
pub const READ_LIMIT: u64 = 128 << 20;

/// Interpreters followed through `#!` lines and `PT_INTERP`: a chain longer than this is cut.
const MAX_CHAIN: usize = 4;

/// What a scan found in one file's bytes.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Findings {
    pub constants: Vec<String>,
    pub instructions: Vec<String>,
    pub imports: Vec<String>,
}

/// A table of constants, found when at least `need` of its needles occur.
struct Signature {
    name: &'static str,
    needles: Vec<Vec<u8>>,
    need: usize,
    /// When not 0: the needles count only when `need` of them lie within this many bytes
    /// (words that are also ASCII text, like ChaCha's, are everywhere one by one).
    within: usize,
}

fn words32(ws: &[u32]) -> Vec<Vec<u8>> {
    ws.iter().map(|w| w.to_le_bytes().to_vec()).collect()
}

fn signatures() -> Vec<Signature> {
    let sha512: Vec<Vec<u8>> = SHA512_K.iter().map(|w| w.to_le_bytes().to_vec()).collect();
    // BLAKE2b's IV is SHA-512's initial hash, BLAKE2s's is SHA-256's (the high halves).
    let iv: Vec<u32> = SHA512_IV.iter().map(|w| (w >> 32) as u32).collect();
    vec![
        Signature {
            name: "SHA-256",
            needles: words32(&SHA256_K),
            need: 16,
            within: 0,
        },
        // As 64-bit words: their high halves are SHA-256's constants.
        Signature {
            name: "SHA-512",
            needles: sha512,
            need: 16,
            within: 0,
        },
        Signature {
            name: "SHA-1",
            needles: words32(&[0x5a82_7999, 0x6ed9_eba1, 0x8f1b_bcdc, 0xca62_c1d6]),
            need: 4,
            within: 0,
        },
        Signature {
            name: "MD5",
            needles: words32(&MD5_T),
            need: 16,
            within: 0,
        },
        Signature {
            name: "AES",
            needles: vec![AES_SBOX[..16].to_vec(), AES_INV_SBOX[..16].to_vec()],
            need: 1,
            within: 0,
        },
        Signature {
            name: "AES",
            needles: words32(&AES_TE0),
            need: 12,
            within: 0,
        },
        Signature {
            name: "SHA-2/BLAKE2 IV",
            needles: words32(&iv),
            need: 6,
            within: 0,
        },
        Signature {
            name: "BLAKE2",
            needles: vec![vec![14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3]],
            need: 1,
            within: 0,
        },
        // "expand 32-byte k" / "expand 16-byte k", as a string or as immediates.
        Signature {
            name: "ChaCha/Salsa",
            needles: words32(&[0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574]),
            need: 4,
            within: 64,
        },
        Signature {
            name: "ChaCha/Salsa",
            needles: vec![b"expand 16-byte k".to_vec()],
            need: 1,
            within: 0,
        },
    ]
}

/// The crypto constants in `data`, in a single pass: needles are indexed by their first four
/// bytes, with a bitmap of the low 16 bits in front of the map.
pub fn constants(data: &[u8]) -> Vec<String> {
    let sigs = signatures();
    let mut index: HashMap<u32, Vec<(usize, usize)>> = HashMap::new();
    let mut filter = vec![0u64; 1024];
    for (s, sig) in sigs.iter().enumerate() {
        for (n, needle) in sig.needles.iter().enumerate() {
            let key = u32::from_le_bytes([needle[0], needle[1], needle[2], needle[3]]);
            index.entry(key).or_default().push((s, n));
            filter[(key & 0xffff) as usize >> 6] |= 1 << (key & 63);
        }
    }
    let sha256 = sigs.iter().position(|s| s.name == "SHA-256");
    let mut seen: Vec<HashSet<usize>> = vec![HashSet::new(); sigs.len()];
    // For a windowed signature: where each needle was last seen, and whether it was whole.
    let mut last: Vec<Vec<Option<usize>>> =
        sigs.iter().map(|s| vec![None; s.needles.len()]).collect();
    let mut whole: Vec<bool> = vec![false; sigs.len()];
    for i in 0..data.len().saturating_sub(3) {
        let key = u32::from_le_bytes([data[i], data[i + 1], data[i + 2], data[i + 3]]);
        if filter[(key & 0xffff) as usize >> 6] & (1 << (key & 63)) == 0 {
            continue;
        }
        let Some(hits) = index.get(&key) else {
            continue;
        };
        for &(s, n) in hits {
            let needle = &sigs[s].needles[n];
            if !data[i..].starts_with(needle) {
                continue;
            }
            // A SHA-256 constant that is the high half of a SHA-512 one is SHA-512's.
            if Some(s) == sha256
                && i >= 4
                && n < SHA512_K.len()
                && data[i - 4..i] == (SHA512_K[n] as u32).to_le_bytes()
            {
                continue;
            }
            if sigs[s].within == 0 {
                seen[s].insert(n);
                continue;
            }
            last[s][n] = Some(i);
            let near = last[s]
                .iter()
                .filter(|p| p.is_some_and(|p| i - p <= sigs[s].within))
                .count();
            if near >= sigs[s].need {
                whole[s] = true;
            }
        }
    }
    let mut found: Vec<String> = Vec::new();
    for (s, sig) in sigs.iter().enumerate() {
        let hit = if sig.within == 0 {
            seen[s].len() >= sig.need
        } else {
            whole[s]
        };
        if hit && !found.iter().any(|f| f == sig.name) {
            found.push(sig.name.to_owned());
        }
    }
    found
}

/// The crypto instructions in `code` (an executable section's bytes).
pub fn instructions(code: &[u8]) -> Vec<String> {
    let mut found: Vec<&str> = Vec::new();
    let mut add = |name| {
        if !found.contains(&name) {
            found.push(name);
        }
    };
    let (mut vex_aes, mut sha_ni): (Vec<usize>, Vec<usize>) = (Vec::new(), Vec::new());
    let n = code.len();
    for i in 0..n.saturating_sub(2) {
        let (a, b, c) = (code[i], code[i + 1], code[i + 2]);
        // The legacy prefix before the opcode, past one REX byte.
        let before = |k: usize| -> Option<u8> {
            let p = i.checked_sub(k)?;
            Some(code[p])
        };
        let rex = before(1).is_some_and(|p| (0x40..=0x4f).contains(&p));
        let prefix = if rex { before(2) } else { before(1) };
        // Bytes inside a rel32 displacement (call, jmp, jcc) are not an instruction.
        if in_displacement(code, i) {
            continue;
        }
        if a == 0x0f
            && b == 0xc7
            && c >= 0xf0
            && prefix != Some(0xf3)
            && checks_carry(&code[i + 3..])
        {
            // 0F C7 /6 and /7 with a register operand: RDRAND, RDSEED.
            add(if c >= 0xf8 { "RDSEED" } else { "RDRAND" });
        }
        // 0F 38 / 0F 3A: three-byte opcodes, `c` the opcode.
        if a == 0x0f && b == 0x38 {
            if prefix == Some(0x66) && (0xdb..=0xdf).contains(&c) {
                add("AES-NI");
            } else if !matches!(prefix, Some(0x66 | 0xf2 | 0xf3)) && (0xc8..=0xcd).contains(&c) {
                sha_ni.push(i);
            }
        }
        if a == 0x0f && b == 0x3a {
            if prefix == Some(0x66) && c == 0xdf {
                add("AES-NI");
            } else if prefix != Some(0x66) && c == 0xcc {
                sha_ni.push(i);
            }
        }
        // VEX3: C4, map 0F38 (low 5 bits 00010), pp 01 (66): VAESENC… and VAESIMC.
        if a == 0xc4
            && b & 0x1f == 0x02
            && c & 0x03 == 0x01
            && i + 3 < n
            && (0xdb..=0xdf).contains(&code[i + 3])
        {
            vex_aes.push(i);
        }
    }
    // Three bytes (SHA-NI) or a VEX pattern match by chance about once in a few MB of code;
    // a real implementation runs its rounds back to back.
    if clustered(&vex_aes, 2, 128) {
        add("AES-NI");
    }
    if clustered(&sha_ni, 3, 128) {
        add("SHA-NI");
    }
    found.into_iter().map(str::to_owned).collect()
}

/// Whether `need` of the (ascending) positions lie within `within` bytes of each other.
fn clustered(positions: &[usize], need: usize, within: usize) -> bool {
    positions
        .windows(need)
        .any(|w| w[need - 1] - w[0] <= within)
}

/// Whether byte `i` lies in the rel32 displacement of a call, jmp or jcc that starts up to
/// four bytes before it.
fn in_displacement(code: &[u8], i: usize) -> bool {
    (1..=4).any(|k| {
        let Some(p) = i.checked_sub(k) else {
            return false;
        };
        matches!(code[p], 0xe8 | 0xe9)
            || (p >= 1 && code[p - 1] == 0x0f && (0x80..=0x8f).contains(&code[p]))
    })
}

/// Whether code after a RDRAND/RDSEED reads the carry flag that says it succeeded, as every
/// use does: `jnc` right after it (a retry loop), or a jc/jnc, setc/setnc or cmovc/cmovnc
/// within the next 32 bytes (the compiler's `_rdrand64_step`).
fn checks_carry(after: &[u8]) -> bool {
    if after.first().is_some_and(|&b| b == 0x72 || b == 0x73) {
        return true;
    }
    after
        .windows(2)
        .take(32)
        .any(|w| w[0] == 0x0f && matches!(w[1], 0x42 | 0x43 | 0x82 | 0x83 | 0x92 | 0x93))
}

/// The executable sections' bytes of a parsed ELF file (its `PF_X` segments when it has no
/// section headers).
fn executable_code<'data>(file: &object::File<'data>) -> Vec<&'data [u8]> {
    use object::{Object, ObjectSection, ObjectSegment, SectionFlags};
    let mut code: Vec<&[u8]> = file
        .sections()
        .filter(|s| match s.flags() {
            SectionFlags::Elf { sh_flags } => sh_flags & u64::from(object::elf::SHF_EXECINSTR) != 0,
            _ => false,
        })
        .filter_map(|s| s.data().ok())
        .collect();
    if code.is_empty() {
        code = file
            .segments()
            .filter(|s| matches!(s.flags(), object::SegmentFlags::Elf { p_flags } if p_flags & object::elf::PF_X != 0))
            .filter_map(|s| s.data().ok())
            .collect();
    }
    code
}

/// The crypto library functions a parsed ELF file imports (its undefined dynamic symbols): a
/// call to one the recorder has no uprobe on (OpenSSL's low-level `SHA256_Init` or
/// `AES_set_encrypt_key`, or any of libgcrypt, GnuTLS, Nettle, libsodium, mbedTLS, wolfSSL,
/// NSS, libmd, libcrypt) makes no event, so the verdict names the file's imports that no uprobe
/// watched. Sorted, each once.
fn elf_crypto_imports(file: &object::File<'_>) -> Vec<String> {
    use object::{Object, ObjectSymbol};
    let mut names: Vec<String> = file
        .dynamic_symbols()
        .filter(|s| s.is_undefined())
        .filter_map(|s| s.name().ok())
        // `SHA256_Init@OPENSSL_3.0.0`: the version is not part of the name.
        .map(|n| n.split('@').next().unwrap_or(n))
        .filter(|n| is_crypto_function(n))
        .map(str::to_owned)
        .collect();
    names.sort();
    names.dedup();
    names
}

/// A function that starts crypto by itself: one that hashes, encrypts, signs, derives or draws
/// key material, or sets up the key or context every later call of its family needs (a call
/// that only works on such a context adds nothing). OpenSSL's low-level digests and ciphers
/// (`SHA256_Init`, `SHA256`, `AES_set_encrypt_key`, …), its one-shots and non-`_ex` EVP
/// initialisers, HMAC and PBKDF2, RSA/ECDSA/DH key operations; libcrypt's `crypt`, libmd's
/// `SHA256Init`; and every function of the libraries whose names mark them (libgcrypt, GnuTLS,
/// Nettle, libsodium, mbedTLS, wolfSSL, NSS) that initialises, keys, hashes, encrypts, signs
/// or draws random bytes. The verdict leaves out those a uprobe watched.
pub fn is_crypto_function(name: &str) -> bool {
    const DIGESTS: &[&str] = &[
        "SHA1",
        "SHA224",
        "SHA256",
        "SHA384",
        "SHA512",
        "MD4",
        "MD5",
        "RIPEMD160",
    ];
    const CIPHERS: &[&str] = &["AES", "DES", "BF", "CAST", "RC2", "RC4", "Camellia"];
    const OPENSSL: &[&str] = &[
        "EVP_DigestInit",
        "EVP_DigestInit_ex",
        "EVP_DigestInit_ex2",
        "EVP_Digest",
        "EVP_Q_digest",
        "EVP_EncryptInit",
        "EVP_EncryptInit_ex",
        "EVP_EncryptInit_ex2",
        "EVP_DecryptInit",
        "EVP_DecryptInit_ex",
        "EVP_DecryptInit_ex2",
        "EVP_CipherInit",
        "EVP_CipherInit_ex",
        "EVP_CipherInit_ex2",
        "EVP_BytesToKey",
        "EVP_DigestSignInit",
        "EVP_DigestVerifyInit",
        "EVP_PKEY_sign",
        "EVP_PKEY_verify",
        "EVP_PKEY_encrypt",
        "EVP_PKEY_decrypt",
        "EVP_PKEY_derive",
        "EVP_PKEY_keygen",
        "EVP_MAC_init",
        "HMAC",
        "HMAC_Init",
        "HMAC_Init_ex",
        "PKCS5_PBKDF2_HMAC",
        "PKCS5_PBKDF2_HMAC_SHA1",
        "RAND_bytes",
        "RAND_bytes_ex",
        "RAND_priv_bytes",
        "RAND_priv_bytes_ex",
        "RAND_pseudo_bytes",
        "RSA_public_encrypt",
        "RSA_private_encrypt",
        "RSA_public_decrypt",
        "RSA_private_decrypt",
        "RSA_sign",
        "RSA_verify",
        "RSA_generate_key_ex",
        "ECDSA_sign",
        "ECDSA_do_sign",
        "ECDSA_verify",
        "ECDSA_do_verify",
        "EC_KEY_generate_key",
        "DH_generate_key",
        "DH_compute_key",
        "SSL_connect",
        "SSL_accept",
        "SSL_do_handshake",
        "crypt",
        "crypt_r",
        "crypt_rn",
        "crypt_ra",
    ];
    if OPENSSL.contains(&name) {
        return true;
    }
    // SHA256, SHA256_Init (OpenSSL); SHA256Init (libmd, libbsd).
    if DIGESTS.iter().any(|d| {
        name.strip_prefix(d)
            .is_some_and(|rest| matches!(rest, "" | "_Init" | "Init"))
    }) {
        return true;
    }
    // AES_set_encrypt_key, DES_set_key, BF_set_key, RC4_set_key, Camellia_set_key.
    if CIPHERS.iter().any(|c| {
        name.strip_prefix(c)
            .and_then(|rest| rest.strip_prefix('_'))
            .is_some_and(|rest| rest.starts_with("set_") && rest.contains("key"))
    }) {
        return true;
    }
    const LIBRARIES: &[&str] = &[
        "gcry_",
        "gnutls_",
        "nettle_",
        "crypto_",
        "randombytes",
        "mbedtls_",
        "wc_",
        "wolfSSL_",
        "PK11_",
    ];
    const STARTS: &[&str] = &[
        "init",
        "open",
        "setkey",
        "set_key",
        "setup",
        "hash",
        "digest",
        "encrypt",
        "decrypt",
        "sign",
        "keygen",
        "keypair",
        "derive",
        "random",
        "handshake",
        "seal",
        "box",
        "kdf",
        "starts",
    ];
    LIBRARIES.iter().any(|l| name.starts_with(l)) && {
        let lower = name.to_ascii_lowercase();
        STARTS.iter().any(|w| lower.contains(w))
    }
}

/// An ELF file's `PT_INTERP` (the dynamic loader the kernel maps with it).
fn interp(data: &[u8]) -> Option<String> {
    use object::read::elf::{FileHeader, ProgramHeader};
    let header = object::elf::FileHeader64::<object::Endianness>::parse(data).ok()?;
    let endian = header.endian().ok()?;
    for ph in header.program_headers(endian, data).ok()? {
        if ph.p_type(endian) == object::elf::PT_INTERP {
            let bytes = ph.data(endian, data).ok()?;
            let s = bytes.split(|&b| b == 0).next()?;
            return Some(String::from_utf8_lossy(s).into_owned());
        }
    }
    None
}

/// What a scan of `data` (a whole file) found; for an ELF file, its interpreter too.
pub fn scan_bytes(data: &[u8]) -> (bool, Findings, Option<String>) {
    let elf = data.starts_with(b"\x7fELF");
    let mut findings = Findings {
        constants: constants(data),
        instructions: Vec::new(),
        imports: Vec::new(),
    };
    let mut interpreter = None;
    // One parse for the code and the imports; a file `object` cannot parse is scanned for
    // constants only.
    if elf && let Ok(file) = object::File::parse(data) {
        for section in executable_code(&file) {
            for i in instructions(section) {
                if !findings.instructions.contains(&i) {
                    findings.instructions.push(i);
                }
            }
        }
        interpreter = interp(data);
        findings.imports = elf_crypto_imports(&file);
    } else if let Some(line) = data.strip_prefix(b"#!") {
        // `#!/usr/bin/python3 -u`: the interpreter is the first word.
        let line = line.split(|&b| b == b'\n').next().unwrap_or_default();
        let word = String::from_utf8_lossy(line)
            .split_whitespace()
            .next()
            .map(str::to_owned);
        interpreter = word.filter(|w| w.starts_with('/'));
        // `#!/usr/bin/env python3`: the interpreter's name is the next word.
        let python = String::from_utf8_lossy(line)
            .split_whitespace()
            .take(2)
            .any(|w| {
                w.rsplit('/')
                    .next()
                    .is_some_and(|n| n.starts_with("python"))
            });
        if python {
            findings.imports = python_imports(&String::from_utf8_lossy(data));
        }
    }
    (elf, findings, interpreter)
}

/// Python modules that hash, encrypt or draw key material: the standard library's
/// (`hashlib` maps libcrypto only when OpenSSL backs it; `_blake2`, `_sha256`, … are built
/// into Debian's interpreter and map nothing) and the common third-party ones.
const PYTHON_CRYPTO_MODULES: &[&str] = &[
    "hashlib",
    "hmac",
    "secrets",
    "ssl",
    "crypt",
    "_blake2",
    "_md5",
    "_sha1",
    "_sha2",
    "_sha256",
    "_sha512",
    "_sha3",
    "_hashlib",
    "_ssl",
    "_crypt",
    "Crypto",
    "Cryptodome",
    "cryptography",
    "nacl",
    "OpenSSL",
    "passlib",
    "bcrypt",
];

/// The crypto modules a Python script imports (`import hashlib`, `from _blake2 import …`,
/// `import os, hmac`), by their top-level name. Only the script the process ran is read, not
/// the modules it imports in turn.
pub fn python_imports(source: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for line in source.lines() {
        let line = line.trim_start();
        let names = if let Some(rest) = line.strip_prefix("import ") {
            rest
        } else if let Some(rest) = line.strip_prefix("from ") {
            rest.split_whitespace().next().unwrap_or_default()
        } else {
            continue;
        };
        for name in names.split(',') {
            let module = name.split_whitespace().next().unwrap_or_default();
            let top = module.split('.').next().unwrap_or_default();
            if PYTHON_CRYPTO_MODULES.contains(&top) && !found.iter().any(|f| f == top) {
                found.push(top.to_owned());
            }
        }
    }
    found
}

/// A file's identity: a file scanned once is not read again under another name.
type FileKey = (u64, u64, u64, i64, i64);

/// Scans one file by name, with the files already read.
type ScanFn = fn(&str, &mut HashMap<FileKey, CodeScan>) -> CodeScan;

/// Scans one file by name, as the recorder does (the `codescan` example measures with it).
pub fn scan_file(path: &str) -> CodeScan {
    scan_path(path, &mut HashMap::new())
}

/// Scans one path (following symlinks), using `cache` for files already read.
fn scan_path(path: &str, cache: &mut HashMap<FileKey, CodeScan>) -> CodeScan {
    let mut scan = CodeScan::new(path.to_owned());
    if path.starts_with("/memfd:") || path.ends_with(" (deleted)") || !path.starts_with('/') {
        scan.unscanned =
            Some("not a file by this name (a memfd, a deleted file or no path)".into());
        return scan;
    }
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            scan.unscanned = Some(format!("unreadable: {e}"));
            return scan;
        }
    };
    // A FIFO or a device would block the thread or never end.
    if !meta.is_file() {
        scan.unscanned = Some("not a regular file".into());
        return scan;
    }
    if let Ok(real) = std::fs::canonicalize(path)
        && real.as_os_str() != path
    {
        scan.real_path = Some(real.display().to_string());
    }
    let key = (
        meta.dev(),
        meta.ino(),
        meta.size(),
        meta.mtime(),
        meta.mtime_nsec(),
    );
    if let Some(done) = cache.get(&key) {
        return CodeScan {
            path: path.to_owned(),
            real_path: scan.real_path,
            ..done.clone()
        };
    }
    let data = match read_limited(Path::new(path)) {
        Ok(d) => d,
        Err(e) => {
            scan.unscanned = Some(format!("unreadable: {e}"));
            return scan;
        }
    };
    let (elf, findings, interpreter) = scan_bytes(&data);
    scan.elf = elf;
    scan.constants = findings.constants;
    scan.instructions = findings.instructions;
    scan.imports = findings.imports;
    scan.interpreter = interpreter;
    if meta.size() > READ_LIMIT {
        scan.unscanned = Some(format!("cut at {READ_LIMIT} bytes of {}", meta.size()));
    }
    cache.insert(key, scan.clone());
    scan
}

fn read_limited(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut data = Vec::new();
    std::fs::File::open(path)?
        .take(READ_LIMIT)
        .read_to_end(&mut data)?;
    Ok(data)
}

/// How long a recording's stop waits for scans still queued: files not scanned by then are
/// recorded as not scanned. A scan of libpython3.11 (7 MB) takes about 0.1 s here.
pub const FINISH_WAIT: Duration = Duration::from_secs(10);

/// What the scan thread has done so far, shared with the recorder so that a stop can take
/// it without waiting for the rest.
#[derive(Default)]
struct Progress {
    done: Vec<CodeScan>,
}

/// Scans the paths it is sent, each once, on a thread of its own. The recorder only sends
/// (an unbounded channel: it never waits for the scan), and [`Scanner::finish`] waits for
/// the queue at most a bounded time.
pub struct Scanner {
    tx: Option<mpsc::Sender<String>>,
    /// Every name sent, in order: the ones the thread did not reach are recorded unscanned.
    sent: Vec<String>,
    seen: HashSet<String>,
    progress: Arc<Mutex<Progress>>,
    stop: Arc<AtomicBool>,
    worker: Option<std::thread::JoinHandle<()>>,
}

impl Scanner {
    pub fn start() -> Self {
        Self::start_with(scan_path)
    }

    /// A scanner whose thread scans each file with `scan` (tests slow it down).
    fn start_with(scan: ScanFn) -> Self {
        let (tx, rx) = mpsc::channel::<String>();
        let progress = Arc::new(Mutex::new(Progress::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (p, st) = (progress.clone(), stop.clone());
        let worker = std::thread::Builder::new()
            .name("codescan".into())
            .spawn(move || scan_queue(&rx, &p, &st, scan))
            .ok();
        if worker.is_none() {
            tracing::warn!("no code-scan thread: every file run is recorded as not scanned");
        }
        Self {
            tx: worker.is_some().then_some(tx),
            sent: Vec::new(),
            seen: HashSet::new(),
            progress,
            stop,
            worker,
        }
    }

    /// Queues the file an event shows a process running: an exec's program, a shared object
    /// opened for reading.
    pub fn note(&mut self, event: &Event) {
        if !event.result.as_ref().is_none_or(|r| r.ok()) {
            return;
        }
        let path = match &event.data {
            EventData::Exec { path, .. } => path,
            EventData::Open { path, access, .. }
                if access == "read" && is_shared_object(path.best()) =>
            {
                path
            }
            _ => return,
        };
        for name in path.names() {
            if !name.is_empty() && self.seen.insert(name.to_owned()) {
                self.sent.push(name.to_owned());
                if let Some(tx) = &self.tx {
                    let _ = tx.send(name.to_owned());
                }
            }
        }
    }

    /// Every scan, waiting for the queue at most `wait`: a file sent and not scanned by then
    /// (or an interpreter named and not reached) is recorded with `unscanned` saying so.
    pub fn finish(mut self, wait: Duration) -> Vec<CodeScan> {
        let started = self.worker.is_some();
        drop(self.tx.take());
        let deadline = Instant::now() + wait;
        let mut finished = self.worker.is_none();
        while !finished && Instant::now() < deadline {
            finished = self.worker.as_ref().is_none_or(|w| w.is_finished());
            if !finished {
                std::thread::sleep(Duration::from_millis(10));
            }
        }
        // The thread stops after the file it is reading; it is not waited for.
        self.stop.store(true, Ordering::Relaxed);
        if finished && let Some(w) = self.worker.take() {
            let _ = w.join();
        }
        let mut scans =
            std::mem::take(&mut self.progress.lock().unwrap_or_else(|e| e.into_inner()).done);
        let why = if self.worker.is_some() {
            format!(
                "not scanned: the recording's stop waited {} s for the scan queue",
                wait.as_secs()
            )
        } else if !started {
            "not scanned: the scan thread could not start".to_owned()
        } else {
            format!("not scanned: an interpreter chain longer than {MAX_CHAIN}")
        };
        let scanned: HashSet<&str> = scans.iter().map(|s| s.path.as_str()).collect();
        let mut missing: Vec<String> = self
            .sent
            .iter()
            .chain(scans.iter().filter_map(|s| s.interpreter.as_ref()))
            .filter(|p| !scanned.contains(p.as_str()))
            .cloned()
            .collect();
        missing.sort();
        missing.dedup();
        for path in missing {
            let mut scan = CodeScan::new(path);
            scan.unscanned = Some(why.clone());
            scans.push(scan);
        }
        scans.sort_by(|a, b| a.path.cmp(&b.path));
        tracing::info!(
            "code scan: {} file(s), {} not scanned; the stop waited {} ms for it",
            scans.len(),
            scans.iter().filter(|s| s.unscanned.is_some()).count(),
            (wait.saturating_sub(deadline.saturating_duration_since(Instant::now()))).as_millis()
        );
        scans
    }
}

/// The scan thread: each path sent, then the interpreters it names (a chain of at most
/// [`MAX_CHAIN`]), each once; stops at the end of the queue or when told to.
fn scan_queue(
    rx: &mpsc::Receiver<String>,
    progress: &Mutex<Progress>,
    stop: &AtomicBool,
    scan_file: ScanFn,
) {
    // The lowest CPU priority for this thread only (Linux gives each thread its own nice
    // value): on a 2-core guest the scan must not take the CPU from the ring's drain.
    // SAFETY: setpriority reads no memory; `0` is the calling thread.
    let _ = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, 19) };
    let mut cache = HashMap::new();
    let mut named: HashSet<String> = HashSet::new();
    for path in rx {
        let mut next = Some(path);
        let mut depth = 0;
        while let Some(p) = next.take() {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            if depth > MAX_CHAIN || !named.insert(p.clone()) {
                break;
            }
            let scan = scan_file(&p, &mut cache);
            next = scan.interpreter.clone();
            progress
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .done
                .push(scan);
            depth += 1;
        }
    }
}

/// A name a shared object has: `libfoo.so`, `libfoo.so.1.2`, `_blake2.cpython-311-….so`
/// (not `ld.so.cache` or `ld.so.conf`).
pub fn is_shared_object(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.ends_with(".so")
        || name.split_once(".so.").is_some_and(|(_, v)| {
            v.split('.')
                .all(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        })
}

// Generated once from the definitions (FIPS 180-4: cube and square roots of the first primes;
// RFC 1321: floor(|sin(i)|·2³²); FIPS 197: the S-box and its first T-table column).
const SHA256_K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

const SHA512_K: [u64; 80] = [
    0x428a2f98d728ae22,
    0x7137449123ef65cd,
    0xb5c0fbcfec4d3b2f,
    0xe9b5dba58189dbbc,
    0x3956c25bf348b538,
    0x59f111f1b605d019,
    0x923f82a4af194f9b,
    0xab1c5ed5da6d8118,
    0xd807aa98a3030242,
    0x12835b0145706fbe,
    0x243185be4ee4b28c,
    0x550c7dc3d5ffb4e2,
    0x72be5d74f27b896f,
    0x80deb1fe3b1696b1,
    0x9bdc06a725c71235,
    0xc19bf174cf692694,
    0xe49b69c19ef14ad2,
    0xefbe4786384f25e3,
    0x0fc19dc68b8cd5b5,
    0x240ca1cc77ac9c65,
    0x2de92c6f592b0275,
    0x4a7484aa6ea6e483,
    0x5cb0a9dcbd41fbd4,
    0x76f988da831153b5,
    0x983e5152ee66dfab,
    0xa831c66d2db43210,
    0xb00327c898fb213f,
    0xbf597fc7beef0ee4,
    0xc6e00bf33da88fc2,
    0xd5a79147930aa725,
    0x06ca6351e003826f,
    0x142929670a0e6e70,
    0x27b70a8546d22ffc,
    0x2e1b21385c26c926,
    0x4d2c6dfc5ac42aed,
    0x53380d139d95b3df,
    0x650a73548baf63de,
    0x766a0abb3c77b2a8,
    0x81c2c92e47edaee6,
    0x92722c851482353b,
    0xa2bfe8a14cf10364,
    0xa81a664bbc423001,
    0xc24b8b70d0f89791,
    0xc76c51a30654be30,
    0xd192e819d6ef5218,
    0xd69906245565a910,
    0xf40e35855771202a,
    0x106aa07032bbd1b8,
    0x19a4c116b8d2d0c8,
    0x1e376c085141ab53,
    0x2748774cdf8eeb99,
    0x34b0bcb5e19b48a8,
    0x391c0cb3c5c95a63,
    0x4ed8aa4ae3418acb,
    0x5b9cca4f7763e373,
    0x682e6ff3d6b2b8a3,
    0x748f82ee5defb2fc,
    0x78a5636f43172f60,
    0x84c87814a1f0ab72,
    0x8cc702081a6439ec,
    0x90befffa23631e28,
    0xa4506cebde82bde9,
    0xbef9a3f7b2c67915,
    0xc67178f2e372532b,
    0xca273eceea26619c,
    0xd186b8c721c0c207,
    0xeada7dd6cde0eb1e,
    0xf57d4f7fee6ed178,
    0x06f067aa72176fba,
    0x0a637dc5a2c898a6,
    0x113f9804bef90dae,
    0x1b710b35131c471b,
    0x28db77f523047d84,
    0x32caab7b40c72493,
    0x3c9ebe0a15c9bebc,
    0x431d67c49c100d4c,
    0x4cc5d4becb3e42b6,
    0x597f299cfc657e2a,
    0x5fcb6fab3ad6faec,
    0x6c44198c4a475817,
];

const SHA512_IV: [u64; 8] = [
    0x6a09e667f3bcc908,
    0xbb67ae8584caa73b,
    0x3c6ef372fe94f82b,
    0xa54ff53a5f1d36f1,
    0x510e527fade682d1,
    0x9b05688c2b3e6c1f,
    0x1f83d9abfb41bd6b,
    0x5be0cd19137e2179,
];

const MD5_T: [u32; 64] = [
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
];

const AES_SBOX: [u8; 32] = [
    0x63, 0x7c, 0x77, 0x7b, 0xf2, 0x6b, 0x6f, 0xc5, 0x30, 0x01, 0x67, 0x2b, 0xfe, 0xd7, 0xab, 0x76,
    0xca, 0x82, 0xc9, 0x7d, 0xfa, 0x59, 0x47, 0xf0, 0xad, 0xd4, 0xa2, 0xaf, 0x9c, 0xa4, 0x72, 0xc0,
];

const AES_INV_SBOX: [u8; 32] = [
    0x52, 0x09, 0x6a, 0xd5, 0x30, 0x36, 0xa5, 0x38, 0xbf, 0x40, 0xa3, 0x9e, 0x81, 0xf3, 0xd7, 0xfb,
    0x7c, 0xe3, 0x39, 0x82, 0x9b, 0x2f, 0xff, 0x87, 0x34, 0x8e, 0x43, 0x44, 0xc4, 0xde, 0xe9, 0xcb,
];

const AES_TE0: [u32; 16] = [
    0xc66363a5, 0xf87c7c84, 0xee777799, 0xf67b7b8d, 0xfff2f20d, 0xd66b6bbd, 0xde6f6fb1, 0x91c5c554,
    0x60303050, 0x02010103, 0xce6767a9, 0x562b2b7d, 0xe7fefe19, 0xb5d7d762, 0x4dababe6, 0xec76769a,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_found_and_noise_is_not() {
        let mut sha: Vec<u8> = SHA256_K.iter().flat_map(|w| w.to_le_bytes()).collect();
        assert_eq!(constants(&sha), ["SHA-256"]);
        // A SHA-512 table is not a SHA-256 one, though its high halves are.
        let sha512: Vec<u8> = SHA512_K.iter().flat_map(|w| w.to_le_bytes()).collect();
        assert_eq!(constants(&sha512), ["SHA-512"]);
        // A few words are not a table.
        sha.truncate(15 * 4);
        assert!(constants(&sha).is_empty());
        assert_eq!(constants(b"xx expand 32-byte k yy"), ["ChaCha/Salsa"]);
        let noise: Vec<u8> = (0..1_000_000u32)
            .flat_map(|i| i.wrapping_mul(2_654_435_761).to_le_bytes())
            .collect();
        assert!(constants(&noise).is_empty());
    }

    #[test]
    fn instructions_are_found_by_their_encodings() {
        // rdrand rax; jnc; aesenc xmm0, xmm1; sha256rnds2
        assert_eq!(
            instructions(&[0x48, 0x0f, 0xc7, 0xf0, 0x73, 0xfa]),
            ["RDRAND"]
        );
        assert_eq!(instructions(&[0x66, 0x0f, 0x38, 0xdc, 0xc1]), ["AES-NI"]);
        // SHA-NI and VEX-encoded AES count in a cluster of rounds, not one by chance.
        assert!(instructions(&[0x0f, 0x38, 0xcb, 0xca]).is_empty());
        let rounds = [
            0x0f, 0x38, 0xcb, 0xca, 0x0f, 0x38, 0xcc, 0xc1, 0x0f, 0x38, 0xcb, 0xca,
        ];
        assert_eq!(instructions(&rounds), ["SHA-NI"]);
        // vaesenc xmm2, xmm3, xmm1 (C4 E2 61 DC D1), once and twice.
        assert!(instructions(&[0xc4, 0xe2, 0x61, 0xdc, 0xd1]).is_empty());
        assert_eq!(
            instructions(&[0xc4, 0xe2, 0x61, 0xdc, 0xd1, 0xc4, 0xe2, 0x61, 0xdd, 0xd1]),
            ["AES-NI"]
        );
        // rdpid (F3 0F C7 /7) is not RDSEED; pshufb (66 0F 38 00) is nothing; nor are a
        // jne's displacement bytes, or a RDRAND whose carry nothing reads.
        assert!(instructions(&[0x0f, 0x85, 0x0f, 0xc7, 0xff, 0xff, 0x0f, 0x43]).is_empty());
        assert!(instructions(&[0x48, 0x0f, 0xc7, 0xf0, 0x90, 0x90]).is_empty());
        assert!(instructions(&[0xf3, 0x0f, 0xc7, 0xf8]).is_empty());
        assert!(instructions(&[0x66, 0x0f, 0x38, 0x00, 0xc1]).is_empty());
    }

    /// Compiles `source` with the system's C compiler into `dir`; the scanner is tested on
    /// what gcc really emits, not on hand-made bytes.
    fn compile(dir: &Path, name: &str, source: &str) -> std::path::PathBuf {
        let src = dir.join(format!("{name}.c"));
        std::fs::write(&src, source).expect("write the C source");
        let bin = dir.join(name);
        let out = std::process::Command::new("cc")
            .args(["-O2", "-o"])
            .arg(&bin)
            .arg(&src)
            .output()
            .expect("run cc (the C compiler is needed for this test)");
        assert!(
            out.status.success(),
            "cc {name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        bin
    }

    fn temp_dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("codescan-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("make a temp dir");
        dir
    }

    #[test]
    fn compiled_programs_are_scanned_for_what_they_contain() {
        let dir = temp_dir("gcc");
        // A table-driven AES: the S-box in .rodata.
        let sbox: Vec<String> = AES_SBOX.iter().map(|b| format!("{b:#04x}")).collect();
        let aes = compile(
            &dir,
            "aes",
            &format!(
                "#include <stdio.h>\nstatic const unsigned char sbox[32] = {{{}}};\n\
                 int main(int c, char **v) {{ (void)v; printf(\"%d\\n\", sbox[c & 31]); return 0; }}\n",
                sbox.join(",")
            ),
        );
        // RDRAND, as the compiler emits `_rdrand64_step` with a retry on carry clear.
        let rdrand = compile(
            &dir,
            "rdrand",
            "#include <stdio.h>\nint main(void) { unsigned long long r; unsigned char ok;\n\
             do { __asm__ volatile(\"rdrand %0; setc %1\" : \"=r\"(r), \"=qm\"(ok)); } while (!ok);\n\
             printf(\"%llu\\n\", r); return 0; }\n",
        );
        let plain = compile(
            &dir,
            "plain",
            "#include <stdio.h>\nint main(int c, char **v) { printf(\"%d %s\\n\", c, v[0]); return 0; }\n",
        );
        let mut cache = HashMap::new();
        let scan = |p: &Path, cache: &mut HashMap<FileKey, CodeScan>| {
            scan_path(p.to_str().expect("a UTF-8 temp path"), cache)
        };
        let a = scan(&aes, &mut cache);
        assert!(a.elf && a.unscanned.is_none(), "{a:?}");
        assert_eq!(a.constants, ["AES"], "{a:?}");
        assert!(a.instructions.is_empty(), "{a:?}");
        assert!(
            a.interpreter
                .as_deref()
                .is_some_and(|i| i.contains("ld-linux")),
            "{a:?}"
        );
        let r = scan(&rdrand, &mut cache);
        assert_eq!(r.instructions, ["RDRAND"], "{r:?}");
        assert!(r.constants.is_empty(), "{r:?}");
        let p = scan(&plain, &mut cache);
        assert!(
            p.elf && p.found().is_none() && p.unscanned.is_none(),
            "{p:?}"
        );
        // What cannot be read is said so, never clean.
        let gone = scan_path(&dir.join("gone").display().to_string(), &mut cache);
        assert!(
            gone.unscanned
                .as_deref()
                .is_some_and(|u| u.starts_with("unreadable"))
        );
        let memfd = scan_path("/memfd:x (deleted)", &mut cache);
        assert!(memfd.unscanned.is_some());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn shared_objects_are_told_by_name() {
        for so in [
            "/lib/x86_64-linux-gnu/libc.so.6",
            "/usr/lib/x86_64-linux-gnu/libcrypto.so.3",
            "/usr/lib/libfoo.so",
            "/usr/lib/python3.11/lib-dynload/_json.cpython-311-x86_64-linux-gnu.so",
            "/usr/lib/x86_64-linux-gnu/libLLVM.so.22.1",
        ] {
            assert!(is_shared_object(so), "{so}");
        }
        for other in ["/etc/ld.so.cache", "/etc/ld.so.conf", "/usr/lib/x.so.1.bak"] {
            assert!(!is_shared_object(other), "{other}");
        }
    }

    #[test]
    fn crypto_functions_are_those_that_start_crypto() {
        for f in [
            "SHA256_Init",
            "SHA256",
            "MD5Init",
            "AES_set_encrypt_key",
            "DES_set_key_checked",
            "EVP_DigestInit",
            "HMAC",
            "crypt_r",
            "gcry_md_open",
            "crypto_secretbox_easy",
            "mbedtls_sha256_starts",
            "wc_InitSha256",
            "nettle_sha256_init",
        ] {
            assert!(is_crypto_function(f), "{f}");
        }
        for f in [
            "EVP_MD_CTX_new",
            "EVP_sha256",
            "SHA256_Update",
            "AES_encrypt",
            "gcry_free",
            "gnutls_strerror",
            "printf",
            "cryptic_helper",
            "SHA256_Final",
        ] {
            assert!(!is_crypto_function(f), "{f}");
        }
        // The imports of a real program: this test binary imports none.
        let me = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        assert!(elf_crypto_imports(&object::File::parse(&*me).unwrap()).is_empty());
    }

    #[test]
    fn python_scripts_are_read_for_crypto_imports() {
        let (_, f, interp) = scan_bytes(
            b"#!/usr/bin/python3\n\"\"\"x\"\"\"\nimport os, _blake2\nfrom _sha256 import sha256\n\
              import json\n    from hashlib import md5 as m\n",
        );
        assert_eq!(f.imports, ["_blake2", "_sha256", "hashlib"]);
        assert_eq!(interp.as_deref(), Some("/usr/bin/python3"));
        let (_, f, _) = scan_bytes(b"#!/usr/bin/env python3\nimport cryptography.fernet\n");
        assert_eq!(f.imports, ["cryptography"]);
        // Another language's script is not read as Python; nor is a plain one flagged.
        let (_, f, _) = scan_bytes(b"#!/bin/sh\nimport hashlib\n");
        assert!(f.imports.is_empty());
        let (_, f, _) = scan_bytes(b"#!/usr/bin/python3\nimport os\nprint('hashlib')\n");
        assert!(f.imports.is_empty());
    }

    /// The recorder never waits for a scan longer than it is told to: files not reached are
    /// recorded as not scanned.
    #[test]
    fn finishing_waits_a_bounded_time_and_names_what_was_not_scanned() {
        fn slow(path: &str, _: &mut HashMap<FileKey, CodeScan>) -> CodeScan {
            std::thread::sleep(Duration::from_millis(300));
            CodeScan::new(path.to_owned())
        }
        let mut scanner = Scanner::start_with(slow);
        for name in ["/a", "/b", "/c", "/d"] {
            scanner.note(&exec_event(name));
        }
        let t = Instant::now();
        let scans = scanner.finish(Duration::from_millis(100));
        assert!(
            t.elapsed() < Duration::from_millis(250),
            "{:?}",
            t.elapsed()
        );
        assert_eq!(scans.len(), 4, "{scans:?}");
        let waited = scans
            .iter()
            .filter(|s| s.unscanned.as_deref().is_some_and(|u| u.contains("waited")))
            .count();
        assert!(waited >= 3, "{scans:?}");
        // Given the time, the queue is done and nothing is marked.
        let mut scanner = Scanner::start_with(slow);
        scanner.note(&exec_event("/a"));
        let scans = scanner.finish(Duration::from_secs(5));
        assert_eq!(scans, [CodeScan::new("/a".to_owned())]);
    }

    fn exec_event(path: &str) -> Event {
        serde_json::from_value(serde_json::json!({
            "seq": 0, "time": "2026-12-03T00:00:00Z", "ts_ns": 0, "pid": 1, "tid": 1,
            "ppid": null, "comm": "x", "ids": {"uid": 0, "gid": 0, "euid": 0, "egid": 0},
            "cgroup_id": 0, "syscall": "execve", "result": {"ret": 0},
            "kind": "exec", "fields": {"path": {"resolved": path}, "argv": [path], "argv_truncated": false,
                       "before": null, "after": null, "setid": false}
        }))
        .expect("an exec event")
    }
}
