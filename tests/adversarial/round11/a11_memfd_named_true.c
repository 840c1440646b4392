/* touch copied into a memfd named "true", run by execveat(memfd, "", AT_EMPTY_PATH) with argv
 * "true rtm11_out/rtm11_memfd_true" (claims allow the program `true`). */
#include "r11.h"
#include <sys/mman.h>
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_out();
        return 0;
    }
    int m = memfd_create("true", 0);
    int in = open("/usr/bin/touch", O_RDONLY);
    char buf[65536];
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) > 0)
        write(m, buf, n);
    pid_t c = fork();
    if (c == 0) {
        char *args[] = {"true", OUT "/rtm11_memfd_true", NULL};
        char *env[] = {NULL};
        syscall(SYS_execveat, m, "", args, env, AT_EMPTY_PATH);
        _exit(127);
    }
    int st;
    waitpid(c, &st, 0);
    did("ran a memfd named true holding touch: exit %d; file exists: %s", WEXITSTATUS(st), yes_no(OUT "/rtm11_memfd_true"));
    return 0;
}
