/* A sendmsg still waiting when the recording stops (run with --leave-running and a duration):
 * a unix datagram socket bound at argv[1] that nobody reads; sends to it without waiting fill
 * its queue, then a sendmsg naming it waits for room that never comes. Prints {"pid":N}, then
 * lets go of stdout and stderr so that whoever reads them is not held until the send ends. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    strncpy(a.sun_path, argv[1], sizeof a.sun_path - 1);
    int rx = socket(AF_UNIX, SOCK_DGRAM, 0);
    if (bind(rx, (struct sockaddr *)&a, sizeof a) != 0)
        return 3;
    int tx = socket(AF_UNIX, SOCK_DGRAM, 0);
    char byte = 'x';
    while (sendto(tx, &byte, 1, MSG_DONTWAIT, (struct sockaddr *)&a, sizeof a) == 1)
        ;
    if (errno != EAGAIN)
        return 4;
    printf("{\"pid\":%d}\n", getpid());
    fflush(stdout);
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    struct iovec v = {.iov_base = &byte, .iov_len = 1};
    struct msghdr m = {.msg_name = &a, .msg_namelen = sizeof a, .msg_iov = &v, .msg_iovlen = 1};
    return sendmsg(tx, &m, 0) != 1;
}
