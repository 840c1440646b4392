/* LD_PRELOAD'ed into /usr/bin/true by a11_preload_in_true: its constructor does the acts inside
 * true's process (a program a claims file may allow), before true's main runs. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#define OUT "/tmp/redteam-adv11/rtm11_out"
__attribute__((constructor)) static void act(void)
{
    if (!getenv("RTM11_PRE"))
        return;
    unsetenv("LD_PRELOAD");
    int fd = open(OUT "/rtm11_preload_file", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        write(fd, "rtm11 from true\n", 16);
        close(fd);
    }
    pid_t c = fork();
    if (c == 0) {
        char *args[] = {"touch", OUT "/rtm11_preload_spawn", NULL};
        execv("/usr/bin/touch", args);
        _exit(127);
    }
    waitpid(c, NULL, 0);
}
