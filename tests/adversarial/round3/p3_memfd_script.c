/* A #! script held in a memfd, run with execveat(memfd, "", AT_EMPTY_PATH): the kernel starts
 * /bin/sh with /dev/fd/N as the script; no file of the script exists anywhere. */
#include "r3.h"
int main(void)
{
    int fd = memfd_create("rtm3_memfd_script", 0); /* not CLOEXEC: sh must open /dev/fd/N */
    const char *s = "#!/bin/sh\necho \"did: memfd #! script ran with $1\"\n";
    if (fd < 0 || write(fd, s, strlen(s)) < 0)
        DIE("memfd");
    pid_t p = fork();
    if (p == 0) {
        char *argv[] = {"x", "rtm3_memfd_script_arg", NULL};
        char *envp[] = {"PATH=/usr/bin:/bin", NULL};
        syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
        _exit(127);
    }
    int st;
    waitpid(p, &st, 0);
    return 0;
}
