/* Shared bits of the round-4 adversarial techniques (see ../README.md, "Round 4"): round 3's
 * r3.h (prepare_file, is_prepare) on round 2's common.h and net.h, built with
 * -I round4 -I round3 -I round2. Markers start with rtm4_/RTM4_; ports are 47301-47320 on
 * 127.0.0.x (or a VSOCK port on the local CID). */
#ifndef R4_H
#define R4_H
#ifndef URING_H
#include "r3.h"
#endif
#include <dirent.h>
#include <pthread.h>
#include <sys/xattr.h>

/* Fork, exec argv in the child, wait: a plain spawn done after the technique's trick. */
static inline int spawn_wait(char *const argv[])
{
    pid_t p = fork();
    if (p < 0)
        DIE("fork");
    if (p == 0) {
        execv(argv[0], argv);
        _exit(127);
    }
    int st = 0;
    waitpid(p, &st, 0);
    return st;
}
#endif
