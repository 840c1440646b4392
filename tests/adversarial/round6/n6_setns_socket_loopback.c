/* n6_setns_socket_loopback: a service runs in another network namespace (a daemon started
 * before the recording: a container), listening on its own 127.0.0.1:47506. The program joins
 * that namespace with setns only long enough to create a socket, returns to its own namespace,
 * and connects the socket to "127.0.0.1:47506": the connection goes to the other namespace's
 * loopback, a different network stack, not this host's. */
#include "r6.h"

#define NAME "rtm6_netnsd"
#define INFO SCRATCH "/rtm6_netnsd.pid"

static void daemon_main(void)
{
    new_netns();
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = lo4(47506);
    if (bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 4) < 0)
        DIE("listen");
    daemon_ready(NAME);
    for (;;) {
        int c = accept(l, NULL, NULL);
        char buf[64] = "";
        if (read(c, buf, sizeof buf - 1) > 0)
            write(c, "answer from the other netns", 27);
        close(c);
    }
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
    char pid[32], path[64];
    read_small(INFO, pid, sizeof pid);
    snprintf(path, sizeof path, "/proc/%d/ns/net", atoi(pid));
    int mine = open("/proc/self/ns/net", O_RDONLY), theirs = open(path, O_RDONLY);
    if (mine < 0 || theirs < 0)
        DIE("open ns");
    if (setns(theirs, CLONE_NEWNET) < 0)
        DIE("setns theirs");
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (setns(mine, CLONE_NEWNET) < 0)
        DIE("setns back");
    struct sockaddr_in a = lo4(47506);
    int r = connect(s, (struct sockaddr *)&a, sizeof a);
    write(s, "rtm6 hello", 10);
    char reply[64] = "";
    ssize_t n = read(s, reply, sizeof reply - 1);
    reply[n > 0 ? n : 0] = 0;
    /* The host's own 127.0.0.1:47506 has no listener: the same connect from a socket made here fails. */
    int h = socket(AF_INET, SOCK_STREAM, 0);
    int hr = connect(h, (struct sockaddr *)&a, sizeof a);
    did("connect(127.0.0.1:47506) from a socket made in pid %s's netns -> %d, reply: %s; from a socket of this netns -> %d (%s)", pid, r,
        reply, hr, hr < 0 ? strerror(errno) : "connected");
    return 0;
}
