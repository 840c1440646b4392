/* f8_dirfd_renamed_by_daemon: the program opens a directory in the allowed dir
 * (ALLOWED/rtm8_sub) as a dirfd; a daemon started before the recording (a file manager, a
 * sync agent: any process the package can ask) renames that directory out of the allowed dir
 * (to SCRATCH/rtm8_moved_real) when a flag file appears; the program then creates "data.txt"
 * relative to its dirfd. The file lands outside; every path the program used names the allowed
 * dir. */
#include "r8.h"
#define SUB ALLOWED "/rtm8_sub"
#define MOVED SCRATCH "/rtm8_moved_real"
#define GO ALLOWED "/rtm8_go"
static void mover(void)
{
    struct stat st;
    daemon_ready("rtm8_mover");
    for (;;) {
        if (stat(GO, &st) == 0) {
            if (rename(SUB, MOVED) < 0)
                DIE("rename");
            return;
        }
        usleep(5000);
    }
}
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(SUB);
        start_daemon("rtm8_mover", mover);
        return 0;
    }
    if (is_cleanup(argc, argv)) {
        stop_daemon("rtm8_mover");
        return 0;
    }
    int dfd = open(SUB, O_RDONLY | O_DIRECTORY);
    if (dfd < 0)
        DIE("open %s", SUB);
    write_file(GO, "go");
    struct stat st;
    for (int i = 0; i < 200 && stat(SUB, &st) == 0; i++)
        usleep(10000);
    int fd = openat(dfd, "data.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        DIE("openat data.txt");
    const char *text = "rtm8 written through a dirfd whose directory moved";
    if (write(fd, text, strlen(text)) < 0)
        DIE("write");
    close(fd);
    did("openat(dirfd of %s, data.txt, O_CREAT) after the daemon moved the dir to %s", SUB, MOVED);
    return 0;
}
