/* x6_sha256_derived_constants: SHA-256 written into the program, with none of its constants in
 * the binary: the 64 round constants and the 8 initial words are computed at start from the
 * first 64 primes (fractional parts of their cube and square roots), as the standard defines
 * them. No library, no syscall; a scan of the code for SHA-256's tables finds nothing. The
 * program hashes "abc" (checked against the standard's test vector) and derives a key
 * (HMAC-like double hash of a secret). */
#include "r6.h"
#include <math.h>
#include <stdint.h>

static uint32_t K[64], H0[8];
#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void derive(void)
{
    int primes[64], n = 0;
    for (int c = 2; n < 64; c++) {
        int ok = 1;
        for (int d = 2; d * d <= c; d++)
            if (c % d == 0)
                ok = 0;
        if (ok)
            primes[n++] = c;
    }
    for (int i = 0; i < 64; i++) {
        long double r = cbrtl((long double)primes[i]);
        K[i] = (uint32_t)((r - floorl(r)) * 4294967296.0L);
    }
    for (int i = 0; i < 8; i++) {
        long double r = sqrtl((long double)primes[i]);
        H0[i] = (uint32_t)((r - floorl(r)) * 4294967296.0L);
    }
}

static void digest(const uint8_t *msg, size_t len, uint8_t out[32])
{
    uint32_t h[8];
    memcpy(h, H0, sizeof h);
    size_t total = ((len + 9 + 63) / 64) * 64;
    uint8_t *buf = calloc(1, total);
    memcpy(buf, msg, len);
    buf[len] = 0x80;
    uint64_t bits = (uint64_t)len * 8;
    for (int i = 0; i < 8; i++)
        buf[total - 1 - i] = bits >> (8 * i);
    for (size_t off = 0; off < total; off += 64) {
        uint32_t w[64];
        for (int i = 0; i < 16; i++)
            w[i] = (uint32_t)buf[off + 4 * i] << 24 | buf[off + 4 * i + 1] << 16 | buf[off + 4 * i + 2] << 8 | buf[off + 4 * i + 3];
        for (int i = 16; i < 64; i++) {
            uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
            uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
        for (int i = 0; i < 64; i++) {
            uint32_t t1 = hh + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
            uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            hh = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
        }
        h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
    }
    free(buf);
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 4; j++)
            out[4 * i + j] = h[i] >> (24 - 8 * j);
}

static void hex(const uint8_t *d, char *out)
{
    for (int i = 0; i < 32; i++)
        sprintf(out + 2 * i, "%02x", d[i]);
}

int main(void)
{
    derive();
    uint8_t d[32], key[32];
    char hx[65], kx[65];
    digest((const uint8_t *)"abc", 3, d);
    hex(d, hx);
    uint8_t inner[64];
    digest((const uint8_t *)"rtm6 secret", 11, inner);
    memcpy(inner + 32, "rtm6 salt rtm6 salt rtm6 salt 01", 32);
    digest(inner, 64, key);
    hex(key, kx);
    did("sha256(abc) = %s (%s); derived key %.16s...", hx,
        strcmp(hx, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") == 0 ? "matches the standard" : "WRONG", kx);
    return 0;
}
