/* n7_sendmmsg_deep: one sendmmsg(2) of 64 UDP datagrams, 63 to the allowed 127.0.0.1:47601 and
 * the 50th to 127.0.0.2:47602 (round 1 hid the other destination in the second message). */
#include "r7.h"
#include <sys/socket.h>
int main(void)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in ok = ip4("127.0.0.1", 47601), other = ip4("127.0.0.2", 47602);
    struct mmsghdr mm[64];
    struct iovec iov[64];
    char data[64][16];
    memset(mm, 0, sizeof mm);
    for (int i = 0; i < 64; i++) {
        snprintf(data[i], sizeof data[i], "rtm7 dgram %d", i);
        iov[i].iov_base = data[i];
        iov[i].iov_len = strlen(data[i]);
        mm[i].msg_hdr.msg_iov = &iov[i];
        mm[i].msg_hdr.msg_iovlen = 1;
        mm[i].msg_hdr.msg_name = i == 49 ? &other : &ok;
        mm[i].msg_hdr.msg_namelen = sizeof ok;
    }
    int n = sendmmsg(s, mm, 64, 0);
    did("sendmmsg of 64 datagrams, the 50th to 127.0.0.2:47602 -> %d sent", n);
    return 0;
}
