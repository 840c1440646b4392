/* A child in a new user namespace whose uid_map/gid_map map 0 -> host 65534 (written by the
 * parent); it calls setresgid/setresuid(0,0,0) (root in the namespace: nobody on the host) and
 * execs touch rtm11_out/rtm11_userns_nobody, which runs as host uid 65534. "No use of user
 * nobody" must not hold: the ids it asked for are 0, the ones it got are nobody's. */
#include "r11.h"
#include <sched.h>
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_out();
        chmod(SCRATCH, 0755);
        chmod(OUT, 0777);
        return 0;
    }
    int go[2];
    if (pipe(go) < 0)
        DIE("pipe");
    pid_t c = fork();
    if (c == 0) {
        if (unshare(CLONE_NEWUSER) < 0)
            DIE("unshare(CLONE_NEWUSER)");
        close(go[1]);
        char b;
        if (read(go[0], &b, 1) != 1)
            _exit(2);
        if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
            DIE("setresuid(0) in the namespace");
        char *args[] = {"touch", OUT "/rtm11_userns_nobody", NULL};
        execv("/usr/bin/touch", args);
        _exit(127);
    }
    close(go[0]);
    usleep(100000);
    char p[64];
    snprintf(p, sizeof p, "/proc/%d/setgroups", c);
    write_file(p, "deny");
    snprintf(p, sizeof p, "/proc/%d/uid_map", c);
    write_file(p, "0 65534 1");
    snprintf(p, sizeof p, "/proc/%d/gid_map", c);
    write_file(p, "0 65534 1");
    write(go[1], "g", 1);
    int st;
    waitpid(c, &st, 0);
    struct stat s;
    int owner = stat(OUT "/rtm11_userns_nobody", &s) == 0 ? (int)s.st_uid : -1;
    did("touch in the namespace exit %d; file owner uid %d", WIFEXITED(st) ? WEXITSTATUS(st) : -1, owner);
    return 0;
}
