/* f9_scm_opath_dirfd: a daemon started before the recording holds an O_PATH fd of
 * SCRATCH/rtm9_real_scm and passes it over SCM_RIGHTS (abstract socket rtm9_scm); the program
 * creates "rtm9_scm_opath" relative to it. The fd table cannot know a received fd: only the
 * walk names the file. */
#include "r9.h"
#define REAL SCRATCH "/rtm9_real_scm"
static void giver(void)
{
    int l = abstract_listen("rtm9_scm");
    int d = open(REAL, O_PATH | O_DIRECTORY);
    if (d < 0)
        DIE("open O_PATH");
    daemon_ready("rtm9_giver");
    int c = accept(l, NULL, NULL);
    if (c >= 0)
        send_fd(c, d, "d", 1);
    sleep(2);
}
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(REAL);
        start_daemon("rtm9_giver", giver);
        return 0;
    }
    if (is_cleanup(argc, argv)) {
        stop_daemon("rtm9_giver");
        return 0;
    }
    char b;
    int s = abstract_connect("rtm9_scm");
    int dfd = recv_fd(s, &b, 1);
    int fd = openat(dfd, "rtm9_scm_opath", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (dfd < 0 || fd < 0 || write(fd, "rtm9", 4) != 4)
        DIE("openat");
    did("received an O_PATH dirfd of %s; openat(it, rtm9_scm_opath, O_CREAT); real file exists: %s", REAL, yes_no(REAL "/rtm9_scm_opath"));
    return 0;
}
