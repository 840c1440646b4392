/* Random numbers from the CPU (RDRAND) and an AES round (AES-NI): crypto and a random source
 * with no library and no syscall. */
#include "common.h"
#include <immintrin.h>
int main(void)
{
    unsigned long long r = 0;
    int ok = _rdrand64_step(&r);
    __m128i k = _mm_set_epi64x(r, r ^ 0x5a5a), b = _mm_set1_epi32(0x72746d32);
    b = _mm_aesenc_si128(b, k);
    did("rdrand ok=%d value=%016llx; aesenc -> %08x", ok, r, _mm_cvtsi128_si32(b));
    return 0;
}
