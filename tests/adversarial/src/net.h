#ifndef NET_H
#define NET_H
#include "rt.h"
static inline struct sockaddr_in lo4(const char *ip, int port) {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, ip, &a.sin_addr);
    return a;
}
#endif
