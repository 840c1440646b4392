/* A TCP connect that blocks (the listener's accept queue is full, the SYN is dropped and
 * retransmitted); meanwhile another thread rewrites the sockaddr from 127.0.0.1:47104 (where the
 * connection goes: the kernel copied it at entry) to 127.0.0.1:47105. In a network namespace of
 * our own: the listener is on 0.0.0.0:47104 and the connect that fills its queue goes to
 * 127.0.0.2:47104, so that only the blocking connect names 127.0.0.1:47104. */
#include "net.h"
#include <pthread.h>
static struct sockaddr_in target;
static int lst;
static void *rewrite(void *arg)
{
    (void)arg;
    usleep(300000);
    target.sin_port = htons(47105);
    usleep(300000);
    int c = accept(lst, NULL, NULL); /* frees the queue: the retransmitted SYN gets through */
    (void)c;
    return NULL;
}
int main(void)
{
    new_netns();
    lst = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(lst, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = lo4(47104);
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(lst, (struct sockaddr *)&a, sizeof a) < 0 || listen(lst, 0) < 0)
        DIE("listen 47104");
    int filler = socket(AF_INET, SOCK_STREAM, 0);
    a.sin_addr.s_addr = htonl(0x7f000002);
    connect(filler, (struct sockaddr *)&a, sizeof a);
    usleep(50000);
    target = lo4(47104);
    pthread_t t;
    pthread_create(&t, NULL, rewrite, NULL);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int rc = connect(s, (struct sockaddr *)&target, sizeof target);
    struct sockaddr_in peer;
    socklen_t len = sizeof peer;
    getpeername(s, (struct sockaddr *)&peer, &len);
    did("connect rc=%d to 127.0.0.1:%d (sockaddr now says %d)", rc, ntohs(peer.sin_port), ntohs(target.sin_port));
    pthread_join(t, NULL);
    return 0;
}
