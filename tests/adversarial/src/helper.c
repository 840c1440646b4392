/* Out-of-scope accomplice, started by the runner before the recording (so not recorded): on a
 * unix socket it hands out fds it opened or connected, holds one for pidfd_getfd, and spawns
 * commands on request, the way systemd, a privileged helper or a socket-activation parent
 * would. One command byte per connection. */
#include "rt.h"
#include <sys/un.h>
static void send_fd(int conn, int fd) {
    char byte = 'f';
    struct iovec io = {.iov_base = &byte, .iov_len = 1};
    union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } u;
    struct msghdr m = {.msg_iov = &io, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
    if (sendmsg(conn, &m, 0) < 0) DIE("sendmsg");
}
int main(void) {
    rt_scratch();
    signal(SIGCHLD, SIG_IGN);
    int held = open(SCRATCH "/rtm_pidfd_getfd", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int tcp_l = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(tcp_l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons(47010), .sin_addr.s_addr = htonl(0x7f000001)};
    if (bind(tcp_l, (struct sockaddr *)&in, sizeof in) < 0 || listen(tcp_l, 8) < 0) DIE("tcp listen");
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    strcpy(a.sun_path, SCRATCH "/helper.sock");
    unlink(a.sun_path);
    if (bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 8) < 0) DIE("unix listen");
    char pidline[64];
    snprintf(pidline, sizeof pidline, "%d %d\n", getpid(), held);
    rt_write_file(SCRATCH "/helper.pid", pidline);
    for (;;) {
        int c = accept(l, NULL, NULL);
        if (c < 0) continue;
        char cmd = 0;
        if (read(c, &cmd, 1) != 1) { close(c); continue; }
        if (cmd == 'F') {
            int fd = open(SCRATCH "/rtm_scm_file", O_WRONLY | O_CREAT | O_TRUNC, 0600);
            send_fd(c, fd);
            close(fd);
        } else if (cmd == 'S') {
            int s = socket(AF_INET, SOCK_STREAM, 0);
            if (connect(s, (struct sockaddr *)&in, sizeof in) < 0) DIE("connect");
            int peer = accept(tcp_l, NULL, NULL);
            send_fd(c, s);
            close(s);
            char buf[64];
            (void)!read(peer, buf, sizeof buf);
            close(peer);
        } else if (cmd == 'X') {
            if (fork() == 0) {
                execl("/usr/bin/touch", "touch", SCRATCH "/rtm_delegated_spawn", (char *)NULL);
                _exit(127);
            }
            (void)!write(c, "x", 1);
        } else if (cmd == 'Q') {
            close(c);
            return 0;
        }
        close(c);
    }
}
