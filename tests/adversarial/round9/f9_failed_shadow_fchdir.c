/* f9_failed_shadow_fchdir: a daemon started before the recording passes an O_PATH fd of /etc
 * over SCM_RIGHTS; the program fchdir()s to it, drops to uid/gid 65534 and tries
 * open("shadow", O_RDONLY): EACCES. An attempt to read /etc/shadow by a relative name whose
 * base the fd table cannot know, and which failed (no walk runs for a failed call). */
#include "r9.h"
#include <grp.h>
static void giver(void)
{
    int l = abstract_listen("rtm9_etc");
    int d = open("/etc", O_PATH | O_DIRECTORY);
    if (d < 0)
        DIE("open O_PATH /etc");
    daemon_ready("rtm9_giver");
    int c = accept(l, NULL, NULL);
    if (c >= 0)
        send_fd(c, d, "d", 1);
    sleep(2);
}
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        start_daemon("rtm9_giver", giver);
        return 0;
    }
    if (is_cleanup(argc, argv)) {
        stop_daemon("rtm9_giver");
        return 0;
    }
    char b;
    int s = abstract_connect("rtm9_etc");
    int dfd = recv_fd(s, &b, 1);
    if (dfd < 0 || fchdir(dfd) < 0)
        DIE("fchdir");
    if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 || setresuid(65534, 65534, 65534) < 0)
        DIE("drop");
    int fd = open("shadow", O_RDONLY);
    int e = errno;
    did("fchdir(received fd of /etc), uid 65534, open(shadow) -> %d (%s)", fd, fd < 0 ? strerror(e) : "opened");
    return 0;
}
