/* TCP Fast Open through sendmsg(MSG_FASTOPEN) with msg_name 127.0.0.1:47106: a connection
 * without connect(2) and without sendto(2). */
#include "net.h"
int main(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = lo4(47106);
    struct iovec io = {"rtm2", 4};
    struct msghdr m = {.msg_name = &a, .msg_namelen = sizeof a, .msg_iov = &io, .msg_iovlen = 1};
    ssize_t rc = sendmsg(s, &m, MSG_FASTOPEN);
    did("sendmsg(MSG_FASTOPEN) to 127.0.0.1:47106 rc=%zd (%s)", rc, rc < 0 ? strerror(errno) : "sent");
    return 0;
}
