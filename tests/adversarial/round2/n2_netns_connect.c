/* In a network namespace of our own: listen on 127.0.0.1:47108 and connect to it. */
#include "net.h"
int main(void)
{
    new_netns();
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = lo4(47108);
    if (bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 4) < 0)
        DIE("listen");
    int c = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(c, (struct sockaddr *)&a, sizeof a) < 0)
        DIE("connect");
    did("new netns: listen + connect 127.0.0.1:47108");
    return 0;
}
