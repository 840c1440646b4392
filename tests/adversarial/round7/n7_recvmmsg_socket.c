/* n7_recvmmsg_socket: a daemon started before the recording listens on 127.0.0.2:47603, connects
 * a TCP socket to it and hands the connected socket over SCM_RIGHTS; the program takes it with
 * recvmmsg(2), sends a request and reads the answer (no socket, no connect of its own). */
#include "r7.h"
#include <sys/socket.h>
static void sockd(void)
{
    int l = abstract_listen("rtm7_sockd");
    int tl = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(tl, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = ip4("127.0.0.2", 47603);
    if (bind(tl, (struct sockaddr *)&a, sizeof a) < 0 || listen(tl, 4) < 0)
        DIE("listen 47603");
    daemon_ready("rtm7_sockd");
    for (;;) {
        int c = accept(l, NULL, NULL);
        if (c < 0)
            continue;
        int t = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(t, (struct sockaddr *)&a, sizeof a) < 0)
            DIE("connect");
        int srv = accept(tl, NULL, NULL);
        send_fd(c, t, "x", 1);
        close(t);
        close(c);
        char buf[64];
        read(srv, buf, sizeof buf);
        write(srv, "answer from 127.0.0.2:47603", 27);
        close(srv);
    }
}
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        start_daemon("rtm7_sockd", sockd);
        return 0;
    }
    if (is_cleanup(argc, argv)) {
        stop_daemon("rtm7_sockd");
        return 0;
    }
    int s = abstract_connect("rtm7_sockd");
    char cbuf[CMSG_SPACE(sizeof(int))], b;
    struct iovec iov = {.iov_base = &b, .iov_len = 1};
    struct mmsghdr mm = {.msg_hdr = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf}};
    if (recvmmsg(s, &mm, 1, 0, NULL) != 1)
        DIE("recvmmsg");
    int fd;
    memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&mm.msg_hdr)), sizeof fd);
    write(fd, "rtm7 request", 12);
    char buf[64] = "";
    ssize_t k = read(fd, buf, sizeof buf - 1);
    buf[k > 0 ? k : 0] = 0;
    did("socket by recvmmsg, reply: %s", buf);
    return 0;
}
