/* listen() on a TCP socket never bound: the kernel autobinds it to 0.0.0.0 and an ephemeral
 * port, an endpoint on every address (in a network namespace of our own). */
#include "net.h"
int main(void)
{
    new_netns();
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (listen(s, 8) < 0)
        DIE("listen");
    struct sockaddr_in got;
    socklen_t len = sizeof got;
    getsockname(s, (struct sockaddr *)&got, &len);
    did("listening on %s:%d without bind", inet_ntoa(got.sin_addr), ntohs(got.sin_port));
    return 0;
}
