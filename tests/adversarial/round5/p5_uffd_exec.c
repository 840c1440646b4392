/* fork, then execve with the file name, argv strings and argv array all in a userfaultfd page
 * the child's thread fills 300 ms after the kernel first touches it: /bin/touch
 * SCRATCH/rtm5_uffd_exec. */
#include "r5.h"
static void fill(char *page, char *buf)
{
    strcpy(buf, "/bin/touch");
    strcpy(buf + 64, SCRATCH "/rtm5_uffd_exec");
    char **av = (char **)(buf + 256);
    av[0] = page;
    av[1] = page + 64;
    av[2] = NULL;
}
int main(void)
{
    pid_t c = fork();
    if (c == 0) {
        char *page = uffd_page(fill, 300);
        extern char **environ;
        execve(page, (char **)(page + 256), environ);
        _exit(127);
    }
    int st = 0;
    waitpid(c, &st, 0);
    did("execve from a userfaultfd page: status %d", st);
    return 0;
}
