/* A daemon started at install listens on TCP 127.0.0.1:47924 and hands the listening socket over
 * by SCM_RIGHTS; the program accepts a client (its own forked child) and answers. */
#include "r11.h"
static void tcpd(void)
{
    /* start_daemon() arms alarm(60); a loaded host may take longer than that to start the
     * recorder, so this daemon lives up to 300 s (cleanup stops it). */
    alarm(300);
    int t = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = ip4("127.0.0.1", 47924);
    if (bind(t, (struct sockaddr *)&a, sizeof a) < 0 || listen(t, 4) < 0)
        DIE("listen 47924");
    int l = abstract_listen("rtm11_tcpd");
    daemon_ready("tcpd");
    int k = accept(l, NULL, NULL);
    send_fd(k, t, "t", 1);
    sleep(5);
}
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        start_daemon("tcpd", tcpd);
        return 0;
    }
    if (is_cleanup(argc, argv)) {
        stop_daemon("tcpd");
        return 0;
    }
    int k = abstract_connect("rtm11_tcpd");
    char b;
    int t = recv_fd(k, &b, 1);
    if (t < 0)
        DIE("no fd");
    pid_t c = fork();
    if (c == 0) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = ip4("127.0.0.1", 47924);
        if (connect(s, (struct sockaddr *)&a, sizeof a) < 0)
            _exit(1);
        char buf[32];
        _exit(read(s, buf, sizeof buf) > 0 ? 0 : 1);
    }
    int s = accept(t, NULL, NULL);
    write(s, "RTM11_served", 12);
    int st;
    waitpid(c, &st, 0);
    did("accepted on a received listener 127.0.0.1:47924; client got the answer: %s", WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "yes" : "no");
    return 0;
}
