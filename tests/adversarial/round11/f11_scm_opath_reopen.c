/* A daemon started at install hands over an O_PATH fd of rtm11_out/rtm11_opath_target; the
 * program reopens it for writing through /proc/self/fd/N (O_WRONLY|O_TRUNC) and writes. */
#include "r11.h"
static void opathd(void)
{
    /* start_daemon() arms alarm(60); a loaded host may take longer than that to start the
     * recorder, so this daemon lives up to 300 s (cleanup stops it). */
    alarm(300);
    int f = open(OUT "/rtm11_opath_target", O_PATH);
    if (f < 0)
        DIE("open target");
    int l = abstract_listen("rtm11_opathd");
    daemon_ready("opathd");
    int k = accept(l, NULL, NULL);
    send_fd(k, f, "o", 1);
    sleep(5);
}
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_out();
        write_file(OUT "/rtm11_opath_target", "original\n");
        start_daemon("opathd", opathd);
        return 0;
    }
    if (is_cleanup(argc, argv)) {
        stop_daemon("opathd");
        return 0;
    }
    int k = abstract_connect("rtm11_opathd");
    char b;
    int f = recv_fd(k, &b, 1);
    if (f < 0)
        DIE("no fd");
    char p[64];
    snprintf(p, sizeof p, "/proc/self/fd/%d", f);
    int w = open(p, O_WRONLY | O_TRUNC);
    if (w < 0)
        DIE("reopen");
    write(w, "RTM11 reopened\n", 15);
    close(w);
    struct stat st;
    stat(OUT "/rtm11_opath_target", &st);
    did("reopened a received O_PATH fd for writing; real size now %lld", (long long)st.st_size);
    return 0;
}
