/* f6_inotify_read_trigger: a covert request: a daemon started before the recording watches a
 * file in the package's own (allowed) dir with inotify (IN_CLOSE_NOWRITE) and, each time it is
 * read, appends a record to SCRATCH/rtm6_inotify_out. The program only opens that file
 * read-only and reads it; the write happens elsewhere. */
#include "r6.h"
#include <sys/inotify.h>

#define NAME "rtm6_watcher"
#define TRIGGER ALLOWED "/trigger"
#define OUT SCRATCH "/rtm6_inotify_out"

static void daemon_main(void)
{
    int in = inotify_init1(0);
    if (in < 0 || inotify_add_watch(in, TRIGGER, IN_CLOSE_NOWRITE) < 0)
        DIE("inotify");
    daemon_ready(NAME);
    char buf[4096];
    while (read(in, buf, sizeof buf) > 0) {
        int fd = open(OUT, O_WRONLY | O_CREAT | O_APPEND, 0644);
        write(fd, "rtm6 triggered by a read\n", 25);
        close(fd);
    }
}

int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(ALLOWED);
        write_file(TRIGGER, "config\n");
        start_daemon(NAME, daemon_main);
        return 0;
    }
    if (is_cleanup(argc, argv)) {
        stop_daemon(NAME);
        return 0;
    }
    char buf[64];
    read_small(TRIGGER, buf, sizeof buf);
    int ok = wait_exists(OUT, 3000);
    did("read %s (read-only); %s written by the watcher: %s", TRIGGER, OUT, ok ? "yes" : "no");
    return 0;
}
