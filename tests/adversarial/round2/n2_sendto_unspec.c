/* UDP sendto with sin_family = AF_UNSPEC: udp_sendmsg accepts AF_UNSPEC as AF_INET, so the
 * datagram goes to 127.0.0.1:47101 although the address does not say "inet". */
#include "net.h"
int main(void)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = lo4(47101);
    a.sin_family = AF_UNSPEC;
    if (sendto(s, "rtm2", 4, 0, (struct sockaddr *)&a, sizeof a) < 0)
        DIE("sendto");
    did("sendto 127.0.0.1:47101 with sin_family AF_UNSPEC (sent)");
    return 0;
}
