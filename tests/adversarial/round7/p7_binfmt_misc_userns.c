/* p7_binfmt_misc_userns: a private binfmt_misc instance (new user + mount namespace, 6.7+)
 * registers "files starting with RTM7BFMAGIC run /bin/touch"; the program then fork+execs a data
 * file (rtm7_binfmt_data, not a program): the kernel runs /bin/touch, which makes
 * rtm7_binfmt_made. The exec names a data file; the program that ran is another. */
#include "r7.h"
#include <sched.h>
#include <sys/mount.h>
static void wr(const char *p, const char *s)
{
    int fd = open(p, O_WRONLY);
    if (fd < 0 || write(fd, s, strlen(s)) < 0)
        DIE("write %s", p);
    close(fd);
}
int main(void)
{
    mkdir_p(SCRATCH "/rtm7_bfmnt");
    write_file(SCRATCH "/rtm7_binfmt_data", "RTM7BFMAGIC not a program\n");
    chmod(SCRATCH "/rtm7_binfmt_data", 0755);
    if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
        DIE("unshare");
    wr("/proc/self/setgroups", "deny");
    wr("/proc/self/uid_map", "0 0 1");
    wr("/proc/self/gid_map", "0 0 1");
    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
    if (mount("binfmt_misc", SCRATCH "/rtm7_bfmnt", "binfmt_misc", 0, NULL) < 0)
        DIE("mount binfmt_misc");
    wr(SCRATCH "/rtm7_bfmnt/register", ":rtm7bf:M::RTM7BFMAGIC::/usr/bin/touch:");
    pid_t c = fork();
    if (c == 0) {
        char *av[] = {"rtm7_binfmt_data", SCRATCH "/rtm7_binfmt_made", NULL};
        execv(SCRATCH "/rtm7_binfmt_data", av);
        _exit(127);
    }
    int st;
    waitpid(c, &st, 0);
    wr(SCRATCH "/rtm7_bfmnt/rtm7bf", "-1");
    did("exec of a data file via a private binfmt_misc entry -> status %d, rtm7_binfmt_made %s", WEXITSTATUS(st), access(SCRATCH "/rtm7_binfmt_made", F_OK) == 0 ? "exists" : "absent");
    return 0;
}
