#!/usr/bin/python3
"""BLAKE2b and SHA-256 from CPython's built-in modules (_blake2, _sha256; not libcrypto)."""
import _blake2
import _sha256

h = _blake2.blake2b(b"rtm2 secret", key=b"rtm2 key").hexdigest()
s = _sha256.sha256(b"rtm2").hexdigest()
print(f"did: blake2b keyed MAC {h[:16]}..., sha256 {s[:16]}... with CPython's built-in modules")
