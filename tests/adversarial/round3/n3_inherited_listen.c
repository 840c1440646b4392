/* listen() on fd 9, a TCP socket the program's starter bound to 127.0.0.1:47204 before the
 * recording (what socket activation hands a service, minus the listen). The only call of the
 * program that opens the port carries no address. */
#include "r3.h"
int main(void)
{
    if (listen(9, 4) < 0)
        DIE("listen(9)");
    struct sockaddr_in a;
    socklen_t l = sizeof a;
    getsockname(9, (struct sockaddr *)&a, &l);
    did("listening on %s:%d (fd 9, bound before the recording)", inet_ntoa(a.sin_addr), ntohs(a.sin_port));
    return 0;
}
