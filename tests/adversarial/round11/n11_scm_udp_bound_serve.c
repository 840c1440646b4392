/* A daemon started at install binds a UDP socket to 127.0.0.1:47923 and hands it over by
 * SCM_RIGHTS (abstract unix socket rtm11_udpd); the program serves on it: recvfrom a query (sent
 * by its own client socket) and sendto an answer. The program never binds or listens: the port
 * is open in its hands all the same. */
#include "r11.h"
static void udpd(void)
{
    /* start_daemon() arms alarm(60); a loaded host may take longer than that to start the
     * recorder, so this daemon lives up to 300 s (cleanup stops it). */
    alarm(300);
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = ip4("127.0.0.1", 47923);
    if (bind(u, (struct sockaddr *)&a, sizeof a) < 0)
        DIE("bind 47923");
    int l = abstract_listen("rtm11_udpd");
    daemon_ready("udpd");
    int k = accept(l, NULL, NULL);
    send_fd(k, u, "u", 1);
    sleep(5);
}
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        start_daemon("udpd", udpd);
        return 0;
    }
    if (is_cleanup(argc, argv)) {
        stop_daemon("udpd");
        return 0;
    }
    int k = abstract_connect("rtm11_udpd");
    char b;
    int u = recv_fd(k, &b, 1);
    if (u < 0)
        DIE("no fd");
    int cl = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = ip4("127.0.0.1", 47923);
    sendto(cl, "RTM11_query", 11, 0, (struct sockaddr *)&a, sizeof a);
    char buf[64];
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    ssize_t n = recvfrom(u, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
    sendto(u, "RTM11_answer", 12, 0, (struct sockaddr *)&from, fl);
    n = recv(cl, buf, sizeof buf - 1, 0);
    buf[n > 0 ? n : 0] = 0;
    did("served on a received UDP socket bound to 127.0.0.1:47923; client got \"%s\"", buf);
    return 0;
}
