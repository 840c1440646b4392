/* Shared bits of the round-3 adversarial techniques (see ../README.md, "Round 3"): round 2's
 * common.h (did(), DIE(), SCRATCH, ALLOWED) and net.h (lo4(), new_netns()), built with
 * -I round2. Markers start with rtm3_/RTM3_; ports are 47201-47210 on 127.0.0.x. */
#include "net.h"
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/time.h>

/* A prepared file of `n` bytes of 'a' (what an install left there before the recording). */
static inline void prepare_file(const char *path, size_t n)
{
    char buf[4096];
    memset(buf, 'a', sizeof buf);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        DIE("open %s", path);
    while (n > 0) {
        size_t k = n < sizeof buf ? n : sizeof buf;
        if (write(fd, buf, k) != (ssize_t)k)
            DIE("write %s", path);
        n -= k;
    }
    close(fd);
}

static inline int is_prepare(int argc, char **argv)
{
    return argc > 1 && strcmp(argv[1], "prepare") == 0;
}
