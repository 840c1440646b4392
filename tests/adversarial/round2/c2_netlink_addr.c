/* rtnetlink RTM_NEWADDR then RTM_DELADDR of 127.0.0.99/32 on lo (CAP_NET_ADMIN): network
 * configuration changed with socket(AF_NETLINK) + sendto, no privileged-looking syscall. */
#include "net.h"
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
static int addr_req(int s, int type, int flags)
{
    struct {
        struct nlmsghdr nh;
        struct ifaddrmsg ifa;
        char attrs[64];
    } req = {0};
    req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
    req.nh.nlmsg_type = type;
    req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
    req.ifa.ifa_family = AF_INET;
    req.ifa.ifa_prefixlen = 32;
    req.ifa.ifa_index = if_nametoindex("lo");
    struct rtattr *rta = (struct rtattr *)((char *)&req + NLMSG_ALIGN(req.nh.nlmsg_len));
    rta->rta_type = IFA_LOCAL;
    rta->rta_len = RTA_LENGTH(4);
    inet_pton(AF_INET, "127.0.0.99", RTA_DATA(rta));
    req.nh.nlmsg_len = NLMSG_ALIGN(req.nh.nlmsg_len) + rta->rta_len;
    struct sockaddr_nl k = {.nl_family = AF_NETLINK};
    if (sendto(s, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&k, sizeof k) < 0)
        DIE("sendto netlink");
    char buf[512];
    recv(s, buf, sizeof buf, 0);
    struct nlmsgerr *e = NLMSG_DATA((struct nlmsghdr *)buf);
    return e->error;
}
int main(void)
{
    int s = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    int add = addr_req(s, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
    int del = addr_req(s, RTM_DELADDR, 0);
    did("rtnetlink: add 127.0.0.99/32 on lo -> %d, delete -> %d", add, del);
    return 0;
}
