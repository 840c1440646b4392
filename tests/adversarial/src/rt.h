/* Shared helpers for the adversarial corpus: every program works under SCRATCH only. */
#ifndef RT_H
#define RT_H
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/un.h>
#include <stddef.h>

/* run.py uses the default; the e2e test builds with -DSCRATCH='"its temp dir"'. */
#ifndef SCRATCH
#define SCRATCH "/tmp/redteam-adv"
#endif

/* Failures print a neutral word (never the marker) so that stderr cannot fake a hit. */
#define DIE(what) do { fprintf(stderr, "adversarial: %s failed: %s\n", what, strerror(errno)); exit(1); } while (0)

static inline void rt_scratch(void) {
    if (mkdir(SCRATCH, 0755) < 0 && errno != EEXIST)
        DIE("mkdir scratch");
}

/* A raw `syscall` instruction, bypassing libc's wrappers. */
static inline long rt_syscall6(long nr, long a, long b, long c, long d, long e, long f) {
    long ret;
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}

/* A 32-bit (ia32 compat) syscall through `int $0x80` from 64-bit code. Pointers must be below
 * 4 GiB: callers build without PIE and keep their strings in static storage. */
static inline long rt_int80(long nr, long a, long b, long c, long d, long e) {
    long ret;
    __asm__ volatile("int $0x80"
                     : "=a"(ret)
                     : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
                     : "memory", "r8", "r9", "r10", "r11");
    return (int)ret;
}

static inline void rt_wait_all(void) {
    while (wait(NULL) > 0) {
    }
}

static inline void rt_write_file(const char *path, const char *data) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) DIE("open");
    if (write(fd, data, strlen(data)) < 0) DIE("write");
    close(fd);
}
#endif
