/* Close-on-exec set with ioctl(FIOCLEX), not fcntl: fd 3 is the allowed directory, marked
 * close-on-exec by ioctl; across our own exec the kernel closes it, and a directory fd that was
 * in flight on a socketpair (SCM_RIGHTS) lands on number 3 in the new image: data.txt created
 * relative to fd 3 goes into the real directory. */
#include "common.h"
#include <sys/ioctl.h>
#include <sys/socket.h>
static void sendfd(int sock, int fd)
{
    char c = 0, cbuf[CMSG_SPACE(sizeof(int))];
    struct iovec io = {&c, 1};
    struct msghdr m = {.msg_iov = &io, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
    struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
    cm->cmsg_level = SOL_SOCKET, cm->cmsg_type = SCM_RIGHTS, cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &fd, sizeof fd);
    if (sendmsg(sock, &m, 0) < 0)
        DIE("sendmsg");
}
static int recvfd(int sock)
{
    char c, cbuf[CMSG_SPACE(sizeof(int))];
    struct iovec io = {&c, 1};
    struct msghdr m = {.msg_iov = &io, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
    if (recvmsg(sock, &m, 0) < 0)
        DIE("recvmsg");
    int fd;
    memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof fd);
    return fd;
}
int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "prepare") == 0) {
        mkdir_p(ALLOWED);
        mkdir_p(SCRATCH "/rtm2_real_fioclex");
        return 0;
    }
    if (argc > 2 && strcmp(argv[1], "stage2") == 0) {
        int sock = atoi(argv[2]);
        int fd = recvfd(sock);
        int out = openat(fd, "data.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (out < 0)
            DIE("openat");
        write(out, "x\n", 2);
        did("after exec: dir fd %d (received) -> created %s/rtm2_real_fioclex/data.txt", fd, SCRATCH);
        return 0;
    }
    int d = open(ALLOWED, O_RDONLY | O_DIRECTORY);
    if (d != 3)
        dup2(d, 3), close(d);
    ioctl(3, FIOCLEX);
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    int real = open(SCRATCH "/rtm2_real_fioclex", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    sendfd(sv[0], real);
    close(real);
    char s[16];
    snprintf(s, sizeof s, "%d", sv[1]);
    char *a[] = {argv[0], "stage2", s, NULL};
    execv("/proc/self/exe", a);
    DIE("execv");
}
