/* Shared bits of the round-7 adversarial techniques (see ../README.md, "Round 7"): round 6's
 * r6.h (round 3's r3.h, round 2's common.h and net.h), built with -I round7 -I round6
 * -I round3 -I round2, with the scratch dir of round 7 (/tmp/redteam-adv7: rounds 1-5 use
 * /tmp/redteam-adv, and may run at the same time), plus a daemon that hands out fds. Markers
 * start with rtm7_/RTM7_; ports are 47601-47620 on 127.0.0.x. Delegation works as in round 6:
 * `prepare` starts a daemon with start_daemon(), `cleanup` stops it with stop_daemon(). */
#ifndef R7_H
#define R7_H
#define SCRATCH "/tmp/redteam-adv7"
#include "r6.h"

/* A daemon (started by `prepare`) that opens SCRATCH/rtm7_outside/<file> for writing (outside
 * the allowed dir) and hands that fd to whoever connects to the abstract socket `name`, once
 * per connection, `count` times per connection. */
static const char *fdd_name, *fdd_file;
static int fdd_count = 1;
static void fd_daemon_main(void)
{
    int l = abstract_listen(fdd_name);
    char dir[256], p[512];
    snprintf(dir, sizeof dir, SCRATCH "/rtm7_outside");
    mkdir_p(dir);
    snprintf(p, sizeof p, "%s/%s", dir, fdd_file);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        DIE("open %s", p);
    daemon_ready(fdd_name);
    for (;;) {
        int c = accept(l, NULL, NULL);
        if (c < 0)
            continue;
        for (int i = 0; i < fdd_count; i++)
            send_fd(c, fd, "x", 1);
        close(c);
    }
}
static inline void start_fd_daemon(const char *name, const char *file, int count)
{
    fdd_name = name;
    fdd_file = file;
    fdd_count = count;
    start_daemon(name, fd_daemon_main);
}
#endif
