/* bind with sin_family = AF_UNSPEC: inet_bind accepts it when the address is INADDR_ANY. A TCP
 * listener on 0.0.0.0:47102 (in a network namespace of our own). */
#include "net.h"
int main(void)
{
    new_netns();
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_UNSPEC, .sin_port = htons(47102)};
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(s, (struct sockaddr *)&a, sizeof a) < 0)
        DIE("bind");
    if (listen(s, 8) < 0)
        DIE("listen");
    struct sockaddr_in got;
    socklen_t len = sizeof got;
    getsockname(s, (struct sockaddr *)&got, &len);
    did("listening on %s:%d after a bind with AF_UNSPEC", inet_ntoa(got.sin_addr), ntohs(got.sin_port));
    return 0;
}
