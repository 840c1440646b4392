/* sendmmsg with two datagrams to two destinations: the second (127.0.0.2:47003) is the marker. */
#include "net.h"
int main(void) {
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = lo4("127.0.0.1", 47002), b = lo4("127.0.0.2", 47003);
    struct iovec io = {.iov_base = "rtm", .iov_len = 3};
    struct mmsghdr m[2];
    memset(m, 0, sizeof m);
    m[0].msg_hdr = (struct msghdr){.msg_name = &a, .msg_namelen = sizeof a, .msg_iov = &io, .msg_iovlen = 1};
    m[1].msg_hdr = (struct msghdr){.msg_name = &b, .msg_namelen = sizeof b, .msg_iov = &io, .msg_iovlen = 1};
    if (sendmmsg(s, m, 2, 0) != 2) DIE("sendmmsg");
    return 0;
}
