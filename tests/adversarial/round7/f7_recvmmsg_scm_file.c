/* f7_recvmmsg_scm_file: a writable fd of a file outside the allowed dir arrives over SCM_RIGHTS
 * through recvmmsg(2) (not recvmsg) from a daemon started before the recording; the program
 * writes through it. */
#include "r7.h"
#include <sys/socket.h>
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        start_fd_daemon("rtm7_fdd_mmsg", "rtm7_recvmmsg_target", 1);
        return 0;
    }
    if (is_cleanup(argc, argv)) {
        stop_daemon("rtm7_fdd_mmsg");
        return 0;
    }
    int s = abstract_connect("rtm7_fdd_mmsg");
    char cbuf[CMSG_SPACE(sizeof(int))], b;
    struct iovec iov = {.iov_base = &b, .iov_len = 1};
    struct mmsghdr mm = {.msg_hdr = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf}};
    if (recvmmsg(s, &mm, 1, MSG_WAITFORONE, NULL) != 1)
        DIE("recvmmsg");
    struct cmsghdr *c = CMSG_FIRSTHDR(&mm.msg_hdr);
    if (!c || c->cmsg_type != SCM_RIGHTS)
        DIE("no fd");
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof fd);
    const char *msg = "rtm7 written through an fd from recvmmsg\n";
    if (write(fd, msg, strlen(msg)) < 0)
        DIE("write");
    did("recvmmsg SCM_RIGHTS fd %d, wrote %zu bytes", fd, strlen(msg));
    return 0;
}
