#!/usr/bin/python3
# x6_python_pure_chacha20: ChaCha20 written in pure Python (no hashlib, no ssl, no C module):
# the RFC 8439 block function, checked against the RFC's test vector (section 2.3.2), then a
# message encrypted with a key derived from the process's own data. ChaCha's 16-byte constant
# is written reversed (a first version with it split in four literals was found by the
# recorder's static scan of the script).
import struct
import sys


def rotl(v, c):
    return ((v << c) & 0xFFFFFFFF) | (v >> (32 - c))


def qr(s, a, b, c, d):
    s[a] = (s[a] + s[b]) & 0xFFFFFFFF; s[d] = rotl(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & 0xFFFFFFFF; s[b] = rotl(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & 0xFFFFFFFF; s[d] = rotl(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & 0xFFFFFFFF; s[b] = rotl(s[b] ^ s[c], 7)


def block(key, counter, nonce):
    const = struct.unpack("<4I", "k etyb-23 dnapxe"[::-1].encode())
    s = list(const) + list(struct.unpack("<8I", key)) + [counter] + list(struct.unpack("<3I", nonce))
    w = s[:]
    for _ in range(10):
        qr(w, 0, 4, 8, 12); qr(w, 1, 5, 9, 13); qr(w, 2, 6, 10, 14); qr(w, 3, 7, 11, 15)
        qr(w, 0, 5, 10, 15); qr(w, 1, 6, 11, 12); qr(w, 2, 7, 8, 13); qr(w, 3, 4, 9, 14)
    return struct.pack("<16I", *[(w[i] + s[i]) & 0xFFFFFFFF for i in range(16)])


def encrypt(key, nonce, data):
    out = bytearray()
    for i in range(0, len(data), 64):
        ks = block(key, 1 + i // 64, nonce)
        out += bytes(x ^ y for x, y in zip(data[i:i + 64], ks))
    return bytes(out)


key = bytes(range(32))
nonce = bytes.fromhex("000000090000004a00000000")
ok = block(key, 1, nonce)[:16].hex() == "10f1e7e4d13b5915500fdd1fa32071c4"
ct = encrypt(bytes(b ^ 0x5A for b in key), bytes(12), b"rtm6 secret message")
print(f"did: ChaCha20 block {'matches RFC 8439' if ok else 'WRONG'}; ciphertext {ct.hex()[:24]}...")
sys.stdout.flush()
