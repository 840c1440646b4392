/* Double fork, setsid, every fd closed; the grandchild waits until the program has exited
 * (its parent gone) and 300 ms more, then creates rtm11_out/rtm11_late. */
#include "r11.h"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_out();
        return 0;
    }
    pid_t top = getpid();
    pid_t c = fork();
    if (c == 0) {
        setsid();
        if (fork() != 0)
            _exit(0);
        for (int fd = 0; fd < 1024; fd++)
            close(fd);
        while (kill(top, 0) == 0)
            usleep(10000);
        usleep(300000);
        int fd = open(OUT "/rtm11_late", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            write(fd, "rtm11 late\n", 11);
            close(fd);
        }
        _exit(0);
    }
    waitpid(c, NULL, 0);
    did("daemon left behind; it writes rtm11_late after this exits");
    return 0;
}
