/* A child makes a user namespace; the parent maps uid/gid 0 inside it to 65534 outside
 * (/proc/CHILD/uid_map); the child then calls setresgid/setresuid(0,0,0) inside: it becomes
 * root of the namespace, with a full capability set there. */
#include "r3.h"
static void put(pid_t pid, const char *file, const char *text)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/%s", pid, file);
    int fd = open(path, O_WRONLY);
    if (fd < 0 || write(fd, text, strlen(text)) < 0)
        DIE("write %s", path);
    close(fd);
}
int main(void)
{
    int up[2], down[2];
    if (pipe(up) < 0 || pipe(down) < 0)
        DIE("pipe");
    pid_t c = fork();
    char b;
    if (c == 0) {
        if (unshare(CLONE_NEWUSER) < 0)
            DIE("unshare(CLONE_NEWUSER)");
        if (write(up[1], "u", 1) < 0 || read(down[0], &b, 1) != 1)
            _exit(1);
        int g = setresgid(0, 0, 0), u = setresuid(0, 0, 0);
        did("new user ns (0 -> 65534): setresgid(0,0,0) -> %d, setresuid(0,0,0) -> %d, uid %d", g, u, getuid());
        _exit(0);
    }
    if (read(up[0], &b, 1) != 1)
        DIE("child unshare");
    put(c, "setgroups", "deny");
    put(c, "uid_map", "0 65534 1");
    put(c, "gid_map", "0 65534 1");
    if (write(down[1], "m", 1) < 0)
        DIE("pipe");
    int st;
    waitpid(c, &st, 0);
    return 0;
}
