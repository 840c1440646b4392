/* A daemon started at install opens rtm11_out/rtm11_scm_target for writing and hands the fd over
 * by SCM_RIGHTS; the program changes the file with no write(2): fallocate (grows it to 64 KiB),
 * copy_file_range from ALLOWED/rtm11_src, sendfile and splice from a pipe. */
#include "r11.h"
static void filed(void)
{
    /* start_daemon() arms alarm(60); a loaded host may take longer than that to start the
     * recorder, so this daemon lives up to 300 s (cleanup stops it). */
    alarm(300);
    int f = open(OUT "/rtm11_scm_target", O_RDWR);
    if (f < 0)
        DIE("open target");
    int l = abstract_listen("rtm11_filed");
    daemon_ready("filed");
    int k = accept(l, NULL, NULL);
    send_fd(k, f, "f", 1);
    sleep(5);
}
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_out();
        write_file(OUT "/rtm11_scm_target", "original\n");
        write_file(ALLOWED "/rtm11_src", "RTM11 copied by copy_file_range\n");
        start_daemon("filed", filed);
        return 0;
    }
    if (is_cleanup(argc, argv)) {
        stop_daemon("filed");
        return 0;
    }
    int k = abstract_connect("rtm11_filed");
    char b;
    int f = recv_fd(k, &b, 1);
    if (f < 0)
        DIE("no fd");
    int fa = fallocate(f, 0, 0, 65536);
    int src = open(ALLOWED "/rtm11_src", O_RDONLY);
    loff_t off = 100;
    ssize_t c = copy_file_range(src, NULL, f, &off, 64, 0);
    lseek(src, 0, SEEK_SET);
    off_t so = 0;
    lseek(f, 200, SEEK_SET);
    ssize_t s = sendfile(f, src, &so, 64);
    int p[2];
    pipe(p);
    write(p[1], "RTM11 spliced\n", 14);
    loff_t po = 300;
    ssize_t sp = splice(p[0], NULL, f, &po, 14, 0);
    struct stat st;
    fstat(f, &st);
    did("fallocate %d copy_file_range %zd sendfile %zd splice %zd; real size now %lld", fa, c, s, sp, (long long)st.st_size);
    return 0;
}
