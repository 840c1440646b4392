/* n10_scm_socket_connect: a daemon (started at install, outside the recording) makes an
 * unconnected TCP socket and hands it over SCM_RIGHTS (abstract unix socket rtm10_sockd); the
 * program connect()s it to 127.0.0.2:47903, where its own listener accepts. No socket(2) call
 * of the program made the socket. */
#include "r10.h"
static void sockd(void)
{
    int l = abstract_listen("rtm10_sockd");
    daemon_ready("rtm10_sockd");
    for (;;) {
        int c = accept(l, NULL, NULL);
        if (c < 0)
            continue;
        int s = socket(AF_INET, SOCK_STREAM, 0);
        send_fd(c, s, "s", 1);
        close(s);
        close(c);
    }
}
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        start_daemon("rtm10_sockd", sockd);
        return 0;
    }
    if (is_cleanup(argc, argv)) {
        stop_daemon("rtm10_sockd");
        return 0;
    }
    struct sockaddr_in a = lo4(47903);
    a.sin_addr.s_addr = htonl(0x7f000002);
    int l = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 4) < 0)
        DIE("listen 127.0.0.2:47903");
    int u = abstract_connect("rtm10_sockd");
    char tag;
    int s = recv_fd(u, &tag, 1);
    if (s < 0)
        DIE("no fd received");
    if (connect(s, (struct sockaddr *)&a, sizeof a) < 0)
        DIE("connect");
    int c = accept(l, NULL, NULL);
    did("connect(received socket fd %d, 127.0.0.2:47903); accepted: %s", s, c >= 0 ? "yes" : "no");
    return 0;
}
