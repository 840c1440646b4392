/* Shared bits of the round-2 adversarial techniques (see ../README.md, "Round 2"). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SCRATCH
#define SCRATCH "/tmp/redteam-adv"
#endif
/* The directory the claims file allows ("[package] dirs"): writes the trace shows here are
 * not notable; the decoy techniques make a write elsewhere look like one here. */
#define ALLOWED SCRATCH "/allowed"

#define DIE(...)                                                                   \
    do {                                                                           \
        int e_ = errno;                                                            \
        fprintf(stderr, __VA_ARGS__);                                              \
        fprintf(stderr, ": %s\n", strerror(e_));                                   \
        exit(1);                                                                   \
    } while (0)

/* What the technique did, on stdout (the declaration run.py's table mirrors). */
static inline void did(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("did: ");
    vprintf(fmt, ap);
    printf("\n");
    fflush(stdout);
    va_end(ap);
}

static inline void mkdir_p(const char *path)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = 0;
            mkdir(buf, 0755);
            *p = '/';
        }
    }
    mkdir(buf, 0755);
}

static inline void write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        DIE("open %s", path);
    if (write(fd, text, strlen(text)) < 0)
        DIE("write %s", path);
    close(fd);
}

static inline void copy_file(const char *from, const char *to, mode_t mode)
{
    int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, mode);
    char buf[65536];
    ssize_t n;
    if (in < 0 || out < 0)
        DIE("copy %s -> %s", from, to);
    while ((n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, n) != n)
            DIE("write %s", to);
    close(in);
    close(out);
    chmod(to, mode);
}

/* The recorder: the nearest ancestor whose comm is "tracer" (0 when there is none). */
static inline pid_t find_recorder(void)
{
    pid_t pid = getppid();
    for (int depth = 0; depth < 8 && pid > 1; depth++) {
        char path[64], comm[64] = "", line[256];
        snprintf(path, sizeof path, "/proc/%d/comm", pid);
        FILE *f = fopen(path, "r");
        if (!f)
            return 0;
        if (fgets(comm, sizeof comm, f))
            comm[strcspn(comm, "\n")] = 0;
        fclose(f);
        if (strcmp(comm, "tracer") == 0)
            return pid;
        snprintf(path, sizeof path, "/proc/%d/status", pid);
        f = fopen(path, "r");
        if (!f)
            return 0;
        pid_t next = 0;
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "PPid: %d", &next) == 1)
                break;
        fclose(f);
        pid = next;
    }
    return 0;
}

/*
 * fake_call(fn, ret_gadget, a, b): calls fn(a, b) with a forged return address. The word at the
 * stack pointer when fn starts (the "caller" a uprobe sees) is ret_gadget, an address in another
 * file holding a `ret` byte (0xc3): fn returns into it, and it returns here. The immediate
 * caller a recorder names is then that file, not this program.
 */
long fake_call(void *fn, void *ret_gadget, long a, long b);
__asm__(".text\n"
        ".globl fake_call\n"
        "fake_call:\n"
        "  push %rbx\n"
        "  sub $8, %rsp\n"
        "  lea 1f(%rip), %r11\n"
        "  push %r11\n"
        "  push %rsi\n"
        "  mov %rdi, %rax\n"
        "  mov %rdx, %rdi\n"
        "  mov %rcx, %rsi\n"
        "  jmp *%rax\n"
        "1:\n"
        "  add $8, %rsp\n"
        "  pop %rbx\n"
        "  ret\n");

/* A `ret` byte inside the function at `near` (a symbol of the library to blame). */
static inline void *ret_gadget_near(void *near)
{
    unsigned char *p = near;
    for (int i = 0; i < 65536; i++)
        if (p[i] == 0xc3)
            return p + i;
    return NULL;
}
