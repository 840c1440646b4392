/* ioctl(SIOCSIFMTU) on lo (CAP_NET_ADMIN), setting the MTU it already has. */
#include "net.h"
int main(void)
{
    int s = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct ifreq ifr = {0};
    strcpy(ifr.ifr_name, "lo");
    if (ioctl(s, SIOCGIFMTU, &ifr) < 0)
        DIE("SIOCGIFMTU");
    if (ioctl(s, SIOCSIFMTU, &ifr) < 0)
        DIE("SIOCSIFMTU");
    did("ioctl SIOCSIFMTU lo mtu %d", ifr.ifr_mtu);
    return 0;
}
