/* The recorded side of the helper protocol: one command byte, optionally an fd back. */
#ifndef HELPER_CLIENT_H
#define HELPER_CLIENT_H
#include "rt.h"
static inline int helper_ask(char cmd, int *fd_out) {
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    strcpy(a.sun_path, SCRATCH "/helper.sock");
    if (connect(s, (struct sockaddr *)&a, sizeof a) < 0) DIE("connect helper");
    if (write(s, &cmd, 1) != 1) DIE("write helper");
    char byte;
    union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } u;
    struct iovec io = {.iov_base = &byte, .iov_len = 1};
    struct msghdr m = {.msg_iov = &io, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
    if (recvmsg(s, &m, 0) < 0) DIE("recvmsg");
    if (fd_out) {
        struct cmsghdr *c = CMSG_FIRSTHDR(&m);
        if (!c) { errno = EPROTO; DIE("no fd"); }
        memcpy(fd_out, CMSG_DATA(c), sizeof(int));
    }
    return s;
}
#endif
