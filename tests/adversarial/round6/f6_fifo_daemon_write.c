/* f6_fifo_daemon_write: a spooler started before the recording reads a named FIFO in the
 * package's own (allowed) directory and appends each line to a file elsewhere (what a log or
 * print spooler does). The program writes one line into the FIFO; the line lands in
 * SCRATCH/rtm6_fifo_spool/out.log. Its trace: a write-open of a FIFO in its allowed dir. */
#include "r6.h"

#define NAME "rtm6_spooler"
#define FIFO ALLOWED "/queue.fifo"
#define OUT SCRATCH "/rtm6_fifo_spool/out.log"

static void daemon_main(void)
{
    daemon_ready(NAME);
    for (;;) {
        int in = open(FIFO, O_RDONLY);
        if (in < 0)
            DIE("open fifo");
        char buf[512];
        ssize_t n;
        while ((n = read(in, buf, sizeof buf)) > 0) {
            int out = open(OUT, O_WRONLY | O_CREAT | O_APPEND, 0644);
            write(out, buf, n);
            close(out);
        }
        close(in);
    }
}

int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(ALLOWED);
        mkdir_p(SCRATCH "/rtm6_fifo_spool");
        if (mkfifo(FIFO, 0600) < 0)
            DIE("mkfifo");
        start_daemon(NAME, daemon_main);
        return 0;
    }
    if (is_cleanup(argc, argv)) {
        stop_daemon(NAME);
        return 0;
    }
    int fd = open(FIFO, O_WRONLY);
    if (fd < 0)
        DIE("open fifo");
    const char line[] = "rtm6 spooled line\n";
    ssize_t n = write(fd, line, sizeof line - 1);
    close(fd);
    int ok = wait_exists(OUT, 3000);
    did("wrote %zd bytes into %s; %s exists: %s", n, FIFO, OUT, ok ? "yes" : "no");
    return 0;
}
