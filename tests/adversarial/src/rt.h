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

/* A FIFO under two names: `plain` for the reader that releases a blocked writer, `marked` (a
 * hard link) for the open under test, so the marker is in no open but that one. */
static inline void rt_fifo_two_names(const char *plain, const char *marked) {
    unlink(plain);
    unlink(marked);
    if (mkfifo(plain, 0600) < 0) DIE("mkfifo");
    if (link(plain, marked) < 0) DIE("link");
}

/* The other end of rt_fifo_two_names: open it for reading (which lets the blocked writer's
 * open return), hold it a moment, close it. */
static inline void rt_fifo_release(const char *plain) {
    int r = open(plain, O_RDONLY | O_NONBLOCK);
    usleep(300 * 1000);
    if (r >= 0) close(r);
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

/* `text` in a file-backed private mapping whose page is not present: written to `file`, dropped
 * from the page cache, mapped and never touched, so only a faulting read can see it. */
static inline const char *rt_unfaulted_string(const char *file, const char *text) {
    int fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || write(fd, text, strlen(text) + 1) < 0) DIE("write");
    fdatasync(fd);
    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    char *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) DIE("mmap");
    close(fd);
    return p;
}

/* A child that waits for one byte on `go`, then exits 0 if `buf` (its copy of the parent's
 * static buffer) now holds `want`: the target of the cross-process memory writes. */
static inline pid_t rt_waiting_child(int go[2], const char *buf, const char *want) {
    if (pipe(go) < 0) DIE("pipe");
    pid_t p = fork();
    if (p < 0) DIE("fork");
    if (p == 0) {
        char c;
        (void)!read(go[0], &c, 1);
        _exit(strcmp(buf, want) == 0 ? 0 : 3);
    }
    return p;
}
#endif
