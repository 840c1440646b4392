/* fds from outside the process's own opens: a file's fd sent over a unix socketpair with
 * SCM_RIGHTS and received (recvmsg), then written through /proc/self/fd/N; and the same file's
 * fd taken with pidfd_getfd through a pidfd_open of this process. argv[1]: the file. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2)
        return 2;
    int file = open(argv[1], O_RDONLY | O_CREAT, 0600);
    int sp[2];
    if (file < 0 || socketpair(AF_UNIX, SOCK_DGRAM, 0, sp) != 0) {
        perror("setup");
        return 1;
    }
    char byte = 'x';
    struct iovec iov = {&byte, 1};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    memset(&u, 0, sizeof u);
    struct msghdr msg = {0};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = u.buf;
    msg.msg_controllen = sizeof u.buf;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &file, sizeof(int));
    if (sendmsg(sp[0], &msg, 0) != 1)
        perror("sendmsg");
    memset(&u, 0, sizeof u);
    msg.msg_controllen = sizeof u.buf;
    if (recvmsg(sp[1], &msg, 0) != 1) {
        perror("recvmsg");
        return 1;
    }
    int got;
    memcpy(&got, CMSG_DATA(CMSG_FIRSTHDR(&msg)), sizeof(int));
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", got);
    int w = open(path, O_WRONLY | O_TRUNC);
    if (w < 0)
        perror(path);

    int self = syscall(SYS_pidfd_open, getpid(), 0);
    int taken = syscall(SYS_pidfd_getfd, self, file, 0);
    if (taken < 0)
        perror("pidfd_getfd");
    printf("received %d taken %d\n", got, taken);
    return 0;
}
