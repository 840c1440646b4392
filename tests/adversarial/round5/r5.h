/* Shared bits of the round-5 adversarial techniques (see ../README.md, "Round 5"): round 4's
 * uring4.h (round 3's minimal io_uring, r3.h, r4.h) on round 2's common.h and net.h, built with
 * -I round5 -I round4 -I round3 -I round2. Markers start with rtm5_/RTM5_; ports are
 * 47401-47414 on 127.0.0.x (or any port inside a network namespace the technique makes). */
#ifndef R5_H
#define R5_H
#include "uring4.h"
#include <dirent.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

/* A page the kernel cannot read until a thread of ours fills it: anonymous, registered with
 * userfaultfd (MISSING mode, kernel faults handled: root), first touched by the syscall that
 * uses it. The filler waits `delay_ms` after the fault, then copies `content` in. A reader that
 * cannot sleep on the fault (a BPF probe at syscall entry) sees nothing; the syscall itself
 * blocks and then proceeds with the content. */
struct uffd_fill {
    int uffd;
    char *page;
    char content[4096];
    int delay_ms;
};
static void *uffd_filler(void *arg)
{
    struct uffd_fill *f = arg;
    struct pollfd p = {.fd = f->uffd, .events = POLLIN};
    if (poll(&p, 1, 10000) <= 0)
        return NULL;
    struct uffd_msg m;
    if (read(f->uffd, &m, sizeof m) != sizeof m)
        return NULL;
    usleep(f->delay_ms * 1000);
    static char src[4096] __attribute__((aligned(4096)));
    memcpy(src, f->content, sizeof src);
    struct uffdio_copy c = {.dst = (unsigned long)f->page, .src = (unsigned long)src, .len = 4096};
    ioctl(f->uffd, UFFDIO_COPY, &c);
    return NULL;
}
/* The page's address comes first (content may hold pointers into it): `fill(page, buf)` writes
 * what the page will hold. */
static inline char *uffd_page(void (*fill)(char *page, char *buf), int delay_ms)
{
    int uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
    if (uffd < 0)
        DIE("userfaultfd");
    struct uffdio_api api = {.api = UFFD_API};
    if (ioctl(uffd, UFFDIO_API, &api) < 0)
        DIE("UFFDIO_API");
    char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED)
        DIE("mmap");
    struct uffdio_register reg = {.range = {(unsigned long)page, 4096}, .mode = UFFDIO_REGISTER_MODE_MISSING};
    if (ioctl(uffd, UFFDIO_REGISTER, &reg) < 0)
        DIE("UFFDIO_REGISTER");
    struct uffd_fill *f = calloc(1, sizeof *f);
    f->uffd = uffd;
    f->page = page;
    f->delay_ms = delay_ms;
    fill(page, f->content);
    pthread_t t;
    pthread_create(&t, NULL, uffd_filler, f);
    pthread_detach(t);
    return page;
}

static inline void write_str(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY);
    if (fd < 0)
        DIE("open %s", path);
    if (write(fd, text, strlen(text)) < 0)
        DIE("write %s: %s", path, text);
    close(fd);
}

/* cgroup v2 (mounted at CG2 on this host): the v2 path of a process, "/..." */
#define CG2 "/sys/fs/cgroup/unified"
static inline void cgroup_of(pid_t pid, char *out, size_t n)
{
    char p[64], line[512];
    snprintf(p, sizeof p, "/proc/%d/cgroup", pid);
    FILE *f = fopen(p, "r");
    snprintf(out, n, "/");
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "0::", 3) == 0) {
            line[strcspn(line, "\n")] = 0;
            snprintf(out, n, "%s", line + 3);
        }
    if (f)
        fclose(f);
}
static inline void cgroup_move(const char *cg, pid_t pid)
{
    char p[600], v[32];
    snprintf(p, sizeof p, CG2 "%s/cgroup.procs", strcmp(cg, "/") == 0 ? "" : cg);
    snprintf(v, sizeof v, "%d", pid);
    write_str(p, v);
}
/* Freeze (1) or thaw (0) a v2 cgroup and wait until cgroup.events says so (at most 2 s). */
static inline int cgroup_freeze(const char *cg, int on)
{
    char p[600], line[128];
    snprintf(p, sizeof p, CG2 "%s/cgroup.freeze", cg);
    write_str(p, on ? "1" : "0");
    snprintf(p, sizeof p, CG2 "%s/cgroup.events", cg);
    for (int i = 0; i < 200; i++) {
        FILE *f = fopen(p, "r");
        int frozen = -1;
        while (f && fgets(line, sizeof line, f))
            sscanf(line, "frozen %d", &frozen);
        if (f)
            fclose(f);
        if (frozen == on)
            return 1;
        usleep(10000);
    }
    return 0;
}
#endif
