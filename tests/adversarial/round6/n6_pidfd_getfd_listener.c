/* n6_pidfd_getfd_listener: serve on a port without bind or listen: a daemon started before the
 * recording holds a TCP socket listening on 127.0.0.1:47503; the program takes a copy of it
 * with pidfd_getfd (the daemon's pid and fd number in a file it wrote), accept()s a client
 * (the daemon's own connect thread) and answers it. */
#include "r6.h"

#define NAME "rtm6_listend"
#define INFO SCRATCH "/rtm6_listend.fd"

static void *client(void *arg)
{
    (void)arg;
    sleep(1);
    for (int i = 0; i < 50; i++) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = ip4("127.0.0.1", 47503);
        if (connect(s, (struct sockaddr *)&a, sizeof a) == 0) {
            char buf[64] = "";
            ssize_t n = read(s, buf, sizeof buf - 1);
            if (n > 0)
                write_file(SCRATCH "/rtm6_listend_client_got", buf);
            close(s);
            return NULL;
        }
        close(s);
        usleep(100000);
    }
    return NULL;
}
static void daemon_main(void)
{
    int l = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = ip4("127.0.0.1", 47503);
    if (bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 4) < 0)
        DIE("listen");
    char info[64];
    snprintf(info, sizeof info, "%d %d", getpid(), l);
    write_file(INFO, info);
    daemon_ready(NAME);
    /* The client connects after a second; the daemon never accepts: the program does. */
    pthread_t t;
    pthread_create(&t, NULL, client, NULL);
    for (;;)
        pause();
}

int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        start_daemon(NAME, daemon_main);
        return 0;
    }
    if (is_cleanup(argc, argv)) {
        stop_daemon(NAME);
        return 0;
    }
    char info[64];
    int pid, remote;
    read_small(INFO, info, sizeof info);
    if (sscanf(info, "%d %d", &pid, &remote) != 2)
        DIE("info");
    int pidfd = syscall(SYS_pidfd_open, pid, 0);
    int l = syscall(SYS_pidfd_getfd, pidfd, remote, 0);
    if (l < 0)
        DIE("pidfd_getfd");
    struct sockaddr_in peer;
    socklen_t pl = sizeof peer;
    int c = accept(l, (struct sockaddr *)&peer, &pl);
    if (c < 0)
        DIE("accept");
    write(c, "rtm6 served", 11);
    close(c);
    int ok = wait_exists(SCRATCH "/rtm6_listend_client_got", 3000);
    did("took listening fd %d of pid %d, accepted a client from port %d; client got the answer: %s", remote, pid,
        ntohs(peer.sin_port), ok ? "yes" : "no");
    return 0;
}
