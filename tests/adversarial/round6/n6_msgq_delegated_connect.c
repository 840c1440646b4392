/* n6_msgq_delegated_connect: a relay started before the recording (a proxy or a queueing
 * agent) reads System V messages (key 0x52544d37) and forwards each to the host:port it names.
 * The program sends "127.0.0.2 47502 <payload>" with msgsnd and reads the peer's answer back
 * with msgrcv: it reaches 127.0.0.2:47502 with no socket at all. The peer is a listener in the
 * relay. */
#include "r6.h"
#include <sys/msg.h>

#define NAME "rtm6_relay"
#define KEY 0x52544d37
struct msg {
    long type;
    char text[256];
};

static int peer_listener;
static void *peer(void *arg)
{
    (void)arg;
    for (;;) {
        int c = accept(peer_listener, NULL, NULL);
        char buf[256] = "";
        ssize_t n = read(c, buf, sizeof buf - 1);
        if (n > 0) {
            buf[n] = 0;
            write_file(SCRATCH "/rtm6_msgq_peer_got", buf);
            write(c, "peer 127.0.0.2:47502 says ok", 28);
        }
        close(c);
    }
    return NULL;
}
static void daemon_main(void)
{
    peer_listener = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(peer_listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = ip4("127.0.0.2", 47502);
    if (bind(peer_listener, (struct sockaddr *)&a, sizeof a) < 0 || listen(peer_listener, 4) < 0)
        DIE("peer listen");
    pthread_t t;
    pthread_create(&t, NULL, peer, NULL);
    int q = msgget(KEY, IPC_CREAT | 0600);
    if (q < 0)
        DIE("msgget");
    daemon_ready(NAME);
    for (;;) {
        struct msg m;
        if (msgrcv(q, &m, sizeof m.text, 1, 0) < 0)
            DIE("msgrcv");
        char ip[64];
        int port, off = 0;
        if (sscanf(m.text, "%63s %d %n", ip, &port, &off) < 2)
            continue;
        struct msg r = {.type = 2};
        int s = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in d = ip4(ip, port);
        if (connect(s, (struct sockaddr *)&d, sizeof d) == 0) {
            write(s, m.text + off, strlen(m.text + off));
            ssize_t n = read(s, r.text, sizeof r.text - 1);
            r.text[n > 0 ? n : 0] = 0;
        } else {
            snprintf(r.text, sizeof r.text, "connect failed: %s", strerror(errno));
        }
        close(s);
        msgsnd(q, &r, strlen(r.text) + 1, 0);
    }
}

int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        start_daemon(NAME, daemon_main);
        return 0;
    }
    if (is_cleanup(argc, argv)) {
        stop_daemon(NAME);
        int q = msgget(KEY, 0);
        if (q >= 0)
            msgctl(q, IPC_RMID, NULL);
        return 0;
    }
    int q = msgget(KEY, 0);
    if (q < 0)
        DIE("msgget");
    struct msg m = {.type = 1};
    snprintf(m.text, sizeof m.text, "127.0.0.2 47502 rtm6 payload via msgq");
    if (msgsnd(q, &m, strlen(m.text) + 1, 0) < 0)
        DIE("msgsnd");
    struct msg r;
    ssize_t n = msgrcv(q, &r, sizeof r.text, 2, 0);
    did("msgsnd to queue 0x%x; reply (%zd bytes): %s", KEY, n, n > 0 ? r.text : "");
    return 0;
}
