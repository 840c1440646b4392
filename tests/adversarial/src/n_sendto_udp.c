/* sendto on an unconnected UDP socket: a destination per datagram, never a connect(2). */
#include "net.h"
int main(void) {
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = lo4("127.0.0.1", 47001);
    if (sendto(s, "rtm", 3, 0, (struct sockaddr *)&a, sizeof a) < 0) DIE("sendto");
    return 0;
}
