/* Shared bits of the round-8 adversarial techniques (see ../README.md, "Round 8"): round 6's
 * r6.h (round 3's r3.h and uring3.h, round 2's common.h and net.h) with round 8's own scratch
 * dir (/tmp/redteam-adv8: earlier rounds use /tmp/redteam-adv, -adv6, -adv7 and may run at the
 * same time), built with -I round8 -I round6 -I round3 -I round2. Markers start with
 * rtm8_/RTM8_; ports are 47801-47820 on 127.0.0.x. Round 7's r7.h is not included: it fixes
 * its own scratch dir. */
#ifndef R8_H
#define R8_H
#define SCRATCH "/tmp/redteam-adv8"
#include "uring3.h"
#include "r6.h"

/* Queue `n` entries at once and submit them in one io_uring_enter that does not wait: the
 * kernel preps (and copies the arguments of) every entry before it returns. */
static inline void ring_submit_n(struct ring *r, const struct io_uring_sqe *e, unsigned n)
{
    unsigned tail = *r->sq_tail;
    for (unsigned i = 0; i < n; i++) {
        unsigned idx = (tail + i) & *r->sq_mask;
        r->sqes[idx] = e[i];
        r->sq_array[idx] = idx;
    }
    __atomic_store_n(r->sq_tail, tail + n, __ATOMIC_RELEASE);
    if (syscall(SYS_io_uring_enter, r->fd, n, 0, 0, NULL, 0) != (long)n)
        DIE("io_uring_enter submit %u", n);
}
/* Wait for the next completion; its result (and user_data in *ud). */
static inline int ring_reap(struct ring *r, unsigned long long *ud)
{
    while (__atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE) == *r->cq_head)
        syscall(SYS_io_uring_enter, r->fd, 0, 1, IORING_ENTER_GETEVENTS, NULL, 0);
    struct io_uring_cqe *c = &r->cqes[*r->cq_head & *r->cq_mask];
    int res = c->res;
    if (ud)
        *ud = c->user_data;
    __atomic_store_n(r->cq_head, *r->cq_head + 1, __ATOMIC_RELEASE);
    return res;
}

/* Call a function with its first instruction executed here, not at its address: a probe placed
 * on the function's entry (an int3 at the symbol) never runs. skip_push_r15 is for functions
 * that begin with `push %r15` (41 57), skip_xor_ecx for `xor %ecx,%ecx` (31 c9). The target
 * (the function's address plus the skipped length) is the argument after the function's own
 * ones: fn(a) -> skip_push_r15(a, fn + 2), fn(a, b, c) -> skip_xor_ecx(a, b, c, fn + 2). */
void *skip_push_r15(const void *a, void *target);
int skip_xor_ecx(void *a, const void *b, const void *c, void *target);
__asm__(".text\n"
        ".globl skip_push_r15\n"
        "skip_push_r15:\n"
        "  mov %rsi, %r11\n"
        "  push %r15\n"
        "  jmp *%r11\n"
        ".globl skip_xor_ecx\n"
        "skip_xor_ecx:\n"
        "  mov %rcx, %r11\n"
        "  xor %ecx, %ecx\n"
        "  jmp *%r11\n");

/* Whether the code at fn starts with `expect` (n bytes), allowing an int3 (0xcc) in the first
 * byte: what a uprobe leaves in the process's copy of the page. Sets *probed when it is one. */
static inline int entry_is(const void *fn, const unsigned char *expect, size_t n, int *probed)
{
    const unsigned char *p = fn;
    *probed = p[0] == 0xcc;
    if (p[0] != expect[0] && p[0] != 0xcc)
        return 0;
    return memcmp(p + 1, expect + 1, n - 1) == 0;
}
#endif
