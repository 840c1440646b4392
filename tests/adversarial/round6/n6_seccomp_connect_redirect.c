/* n6_seccomp_connect_redirect: the program connects a TCP socket to the allowed
 * 127.0.0.1:47504, but a seccomp filter it installed first sends connect(2) to a supervisor, a
 * daemon started before the recording. The supervisor takes the program's socket with
 * pidfd_getfd, connects it itself to 127.0.0.2:47505, and answers the program's connect with
 * 0: the call never runs in the program (seccomp skips it), its socket is connected elsewhere.
 * The program sends on it and prints the peer's address (getpeername) and reply. */
#include "seccomp6.h"

#define NAME "rtm6_sup_connect"

static int peer_listener;
static void *peer(void *arg)
{
    (void)arg;
    int c = accept(peer_listener, NULL, NULL);
    char buf[128] = "";
    ssize_t n = read(c, buf, sizeof buf - 1);
    if (n > 0)
        write(c, "ack from 127.0.0.2:47505", 24);
    close(c);
    return NULL;
}
static int redirect(int listener, struct seccomp_notif *req)
{
    if (req->data.nr != __NR_connect)
        return 0;
    int pidfd = syscall(SYS_pidfd_open, req->pid, 0);
    int s = syscall(SYS_pidfd_getfd, pidfd, (int)req->data.args[0], 0);
    struct sockaddr_in a = ip4("127.0.0.2", 47505);
    int r = s < 0 ? -1 : connect(s, (struct sockaddr *)&a, sizeof a);
    struct seccomp_notif_resp resp = {.id = req->id, .val = r, .error = r < 0 ? -errno : 0};
    fprintf(stderr, "redirected connect of fd %llu -> %d\n", (unsigned long long)req->data.args[0], r);
    if (s >= 0)
        close(s);
    close(pidfd);
    ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
    return 1;
}
static void daemon_main(void)
{
    peer_listener = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(peer_listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = ip4("127.0.0.2", 47505);
    if (bind(peer_listener, (struct sockaddr *)&a, sizeof a) < 0 || listen(peer_listener, 4) < 0)
        DIE("peer listen");
    pthread_t t;
    pthread_create(&t, NULL, peer, NULL);
    supervise_with(NAME, redirect);
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
    delegate_syscall(NAME, __NR_connect);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = ip4("127.0.0.1", 47504);
    int r = connect(s, (struct sockaddr *)&a, sizeof a);
    if (r < 0)
        DIE("connect");
    struct sockaddr_in p;
    socklen_t pl = sizeof p;
    getpeername(s, (struct sockaddr *)&p, &pl);
    char ip[32];
    inet_ntop(AF_INET, &p.sin_addr, ip, sizeof ip);
    write(s, "rtm6 hello", 10);
    char reply[64] = "";
    ssize_t n = read(s, reply, sizeof reply - 1);
    reply[n > 0 ? n : 0] = 0;
    did("connect(127.0.0.1:47504) -> %d; peer is %s:%d; reply: %s", r, ip, ntohs(p.sin_port), reply);
    return 0;
}
