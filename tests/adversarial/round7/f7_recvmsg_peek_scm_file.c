/* f7_recvmsg_peek_scm_file: recvmsg(MSG_PEEK) of an SCM_RIGHTS message installs the fd too (the
 * message stays queued); the program writes through the peeked fd and never reads the message. */
#include "r7.h"
#include <sys/socket.h>
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        start_fd_daemon("rtm7_fdd_peek", "rtm7_peek_target", 1);
        return 0;
    }
    if (is_cleanup(argc, argv)) {
        stop_daemon("rtm7_fdd_peek");
        return 0;
    }
    int s = abstract_connect("rtm7_fdd_peek");
    usleep(100000);
    char cbuf[CMSG_SPACE(sizeof(int))], b;
    struct iovec iov = {.iov_base = &b, .iov_len = 1};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
    if (recvmsg(s, &m, MSG_PEEK) < 0)
        DIE("recvmsg peek");
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    if (!c || c->cmsg_type != SCM_RIGHTS)
        DIE("no fd on peek");
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof fd);
    const char *msg = "rtm7 written through a peeked fd\n";
    if (write(fd, msg, strlen(msg)) < 0)
        DIE("write");
    did("recvmsg(MSG_PEEK) installed fd %d, wrote %zu bytes", fd, strlen(msg));
    return 0;
}
