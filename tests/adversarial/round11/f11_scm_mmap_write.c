/* A daemon started at install hands over an O_RDWR fd of rtm11_out/rtm11_mmap_target by
 * SCM_RIGHTS; the program maps it MAP_SHARED and memcpy()s into it (no write(2), no open). */
#include "r11.h"
static void mapd(void)
{
    /* start_daemon() arms alarm(60); a loaded host may take longer than that to start the
     * recorder, so this daemon lives up to 300 s (cleanup stops it). */
    alarm(300);
    int f = open(OUT "/rtm11_mmap_target", O_RDWR);
    if (f < 0)
        DIE("open target");
    int l = abstract_listen("rtm11_mapd");
    daemon_ready("mapd");
    int k = accept(l, NULL, NULL);
    send_fd(k, f, "m", 1);
    sleep(5);
}
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_out();
        prepare_file(OUT "/rtm11_mmap_target", 4096);
        start_daemon("mapd", mapd);
        return 0;
    }
    if (is_cleanup(argc, argv)) {
        stop_daemon("mapd");
        return 0;
    }
    int k = abstract_connect("rtm11_mapd");
    char b;
    int f = recv_fd(k, &b, 1);
    if (f < 0)
        DIE("no fd");
    char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, f, 0);
    if (m == MAP_FAILED)
        DIE("mmap");
    memcpy(m, "RTM11 mapped write", 18);
    msync(m, 4096, MS_SYNC);
    did("wrote through a shared mapping of a received fd (no write, no open)");
    return 0;
}
