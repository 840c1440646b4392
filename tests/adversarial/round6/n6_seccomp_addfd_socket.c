/* n6_seccomp_addfd_socket: the same seccomp supervisor (a daemon started before the recording)
 * answers the program's socket(AF_INET, SOCK_STREAM) with a TCP socket it has already
 * connected to 127.0.0.2:47501 (SECCOMP_ADDFD_FLAG_SEND). The program never calls connect: its
 * trace holds a socket() and writes and reads on the fd. The peer (a listener in the daemon)
 * writes what it got to a file; the program prints the reply. */
#include "seccomp6.h"

#define NAME "rtm6_sup_sock"
#define PEER "127.0.0.2"
#define PORT 47501

static int peer_listener = -1;
static void *peer(void *arg)
{
    (void)arg;
    int c = accept(peer_listener, NULL, NULL);
    char buf[128] = "";
    ssize_t n = read(c, buf, sizeof buf - 1);
    if (n > 0) {
        buf[n] = 0;
        write_file(SCRATCH "/rtm6_addfd_peer_got", buf);
        write(c, "ack from 127.0.0.2:47501", 24);
    }
    close(c);
    return NULL;
}
static int connected(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = ip4(PEER, PORT);
    if (connect(s, (struct sockaddr *)&a, sizeof a) < 0)
        DIE("connect");
    return s;
}
static void daemon_main(void)
{
    peer_listener = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(peer_listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = ip4(PEER, PORT);
    if (bind(peer_listener, (struct sockaddr *)&a, sizeof a) < 0 || listen(peer_listener, 4) < 0)
        DIE("peer listen");
    pthread_t t;
    pthread_create(&t, NULL, peer, NULL);
    supervise(NAME, connected);
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
    delegate_syscall(NAME, __NR_socket);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0)
        DIE("socket");
    ssize_t n = write(s, "rtm6 hello", 10);
    char reply[64] = "";
    ssize_t r = read(s, reply, sizeof reply - 1);
    reply[r > 0 ? r : 0] = 0;
    did("socket() -> fd %d, never connected; write -> %zd; reply: %s", s, n, reply);
    return 0;
}
