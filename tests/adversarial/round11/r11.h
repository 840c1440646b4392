/* Shared bits of the round-11 adversarial techniques (see ../README.md, "Round 11"): round 10's
 * r10.h (round 6's r6.h, round 3's r3.h and uring3.h, round 2's common.h and net.h) with round
 * 11's own scratch dir (/tmp/redteam-adv11), built with -I round11 -I round10 -I round6
 * -I round3 -I round2. Markers start with rtm11_/RTM11_; ports are 47921-47950 on 127.0.0.x.
 * Round 11 was written blind to the recorder's code, its docs of the trace format and its blind
 * spots, and its e2e tests. It attacks privilege changes, network calls through io_uring and
 * received sockets, attribution (a process that looks like the runtime or the harness) and the
 * trace file itself. The allowed dir is SCRATCH/allowed; a file outside it is rtm11_real_*. */
#ifndef R11_H
#define R11_H
#define SCRATCH "/tmp/redteam-adv11"
#include "r10.h"
#include <grp.h>
#include <linux/capability.h>
#include <sys/sendfile.h>
#include <sys/uio.h>

#define OUT SCRATCH "/rtm11_out"

/* A file outside the allowed dir, made at install (prepare). */
static inline void prepare_out(void)
{
    mkdir_p(OUT);
    mkdir_p(ALLOWED);
}

/* The recorder's trace file: `-o PATH` (or PATH.partial, see below) in the recorder's cmdline (the recorder found as in
 * round 2, the nearest ancestor whose comm is "tracer"). Empty when there is none. */
static inline pid_t trace_path(char *out, size_t n)
{
    out[0] = 0;
    pid_t rec = find_recorder();
    if (!rec)
        return 0;
    char p[64], buf[8192];
    snprintf(p, sizeof p, "/proc/%d/cmdline", rec);
    int fd = open(p, O_RDONLY);
    if (fd < 0)
        return 0;
    ssize_t k = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (k <= 0)
        return 0;
    buf[k] = 0;
    for (char *a = buf; a < buf + k; a += strlen(a) + 1)
        if (strcmp(a, "-o") == 0 && a + strlen(a) + 1 < buf + k) {
            /* The recorder writes PATH.partial and renames it at the end: the file being
             * written is that one while it exists. */
            snprintf(out, n, "%s.partial", a + strlen(a) + 1);
            if (access(out, F_OK) != 0)
                snprintf(out, n, "%s", a + strlen(a) + 1);
            return rec;
        }
    return 0;
}

/* fork + execv, wait; the child's exit status. */
static inline int run_wait(const char *path, char *const argv[])
{
    pid_t c = fork();
    if (c < 0)
        DIE("fork");
    if (c == 0) {
        execv(path, argv);
        _exit(127);
    }
    int st;
    waitpid(c, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
#endif
