/* fds from outside the process's own opens. argv[1]: a file; argv[2]: the mode.
 * "fork": a child opens the file, sends its fd over a unix socketpair with SCM_RIGHTS, closes
 *   it and exits; the parent reaps it, then receives the fd (recvmsg) and writes through
 *   /proc/self/fd/N; then takes the same file's fd with pidfd_getfd through a pidfd_open of
 *   itself.
 * "inherited": fd 9 is a unix socket on which a process outside the recording queued a file's
 *   fd; it is received and written through /proc/self/fd/N. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

union control {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
};

static int send_fd(int sock, int fd) {
    char byte = 'x';
    struct iovec iov = {&byte, 1};
    union control u;
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
    memcpy(CMSG_DATA(c), &fd, sizeof(int));
    return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int receive_fd(int sock) {
    char byte;
    struct iovec iov = {&byte, 1};
    union control u;
    memset(&u, 0, sizeof u);
    struct msghdr msg = {0};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = u.buf;
    msg.msg_controllen = sizeof u.buf;
    if (recvmsg(sock, &msg, 0) != 1) {
        perror("recvmsg");
        return -1;
    }
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (!c || c->cmsg_type != SCM_RIGHTS)
        return -1;
    int got;
    memcpy(&got, CMSG_DATA(c), sizeof(int));
    return got;
}

static void write_through(int got) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", got);
    int w = open(path, O_WRONLY | O_TRUNC);
    if (w < 0)
        perror(path);
}

int main(int argc, char **argv) {
    if (argc < 3)
        return 2;
    if (strcmp(argv[2], "inherited") == 0) {
        int got = receive_fd(9);
        if (got < 0)
            return 1;
        write_through(got);
        printf("received %d\n", got);
        return 0;
    }
    int sp[2];
    if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sp) != 0) {
        perror("socketpair");
        return 1;
    }
    pid_t child = fork();
    if (child == 0) {
        int file = open(argv[1], O_RDONLY | O_CREAT, 0600);
        if (file < 0 || send_fd(sp[0], file) != 0) {
            perror("child");
            _exit(1);
        }
        close(file);
        _exit(0);
    }
    int status;
    if (waitpid(child, &status, 0) != child || status != 0)
        return 1;
    int got = receive_fd(sp[1]);
    if (got < 0)
        return 1;
    write_through(got);

    int self = syscall(SYS_pidfd_open, getpid(), 0);
    int taken = syscall(SYS_pidfd_getfd, self, got, 0);
    if (taken < 0)
        perror("pidfd_getfd");
    printf("received %d taken %d child %d\n", got, taken, (int)child);
    return 0;
}
