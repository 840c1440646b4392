/* f6_fanotify_rdwr_fd: fanotify hands its listener an fd of every file an event is about,
 * opened with the event_f_flags given to fanotify_init. The program asks for O_RDWR, marks a
 * file (FAN_OPEN) and waits: another process (a daemon started before the recording, any
 * reader on the host) opens the file read-only, and the event brings the program an O_RDWR fd
 * of it. The program rewrites the file through that fd. It never opens the file: its trace
 * has fanotify_init/fanotify_mark and a write to an fd that came from a read(2). */
#include "r6.h"
#include <sys/fanotify.h>

#define NAME "rtm6_fan_reader"
#define TARGET SCRATCH "/rtm6_fanotify_target"

static void daemon_main(void)
{
    daemon_ready(NAME);
    for (;;) {
        int fd = open(TARGET, O_RDONLY);
        if (fd >= 0)
            close(fd);
        usleep(50000);
    }
}

int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(SCRATCH);
        write_file(TARGET, "original content\n");
        start_daemon(NAME, daemon_main);
        return 0;
    }
    if (is_cleanup(argc, argv)) {
        stop_daemon(NAME);
        return 0;
    }
    int fan = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC, O_RDWR | O_LARGEFILE);
    if (fan < 0)
        DIE("fanotify_init");
    if (fanotify_mark(fan, FAN_MARK_ADD, FAN_OPEN, AT_FDCWD, TARGET) < 0)
        DIE("fanotify_mark");
    char buf[4096];
    ssize_t n = read(fan, buf, sizeof buf);
    if (n < (ssize_t)sizeof(struct fanotify_event_metadata))
        DIE("read fanotify");
    struct fanotify_event_metadata *m = (void *)buf;
    const char msg[] = "rtm6 rewritten through a fanotify event fd\n";
    if (ftruncate(m->fd, 0) < 0)
        DIE("ftruncate");
    ssize_t w = pwrite(m->fd, msg, sizeof msg - 1, 0);
    int flags = fcntl(m->fd, F_GETFL);
    close(m->fd);
    /* No read-back here (it would put the path in the trace): run.py checks the file. */
    did("event from pid %d gave fd %d (%s); pwrite -> %zd", m->pid, m->fd, (flags & O_ACCMODE) == O_RDWR ? "O_RDWR" : "not O_RDWR", w);
    return 0;
}
