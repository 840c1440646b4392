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
/* Run `attack(recorder)` in a daemon (double fork + setsid) so that it outlives the target: a
 * recorder that dies may take its direct child down with it, not an orphan. The target waits
 * up to 3 s for `effect` to appear, then exits. */
static inline int in_daemon(pid_t rec, void (*attack)(pid_t), const char *effect)
{
    pid_t d = fork();
    if (d < 0)
        DIE("fork");
    if (d == 0) {
        setsid();
        if (fork() != 0)
            _exit(0);
        attack(rec);
        _exit(0);
    }
    waitpid(d, NULL, 0);
    for (int i = 0; i < 150 && access(effect, F_OK) != 0; i++)
        usleep(20000);
    return 0;
}
#endif
