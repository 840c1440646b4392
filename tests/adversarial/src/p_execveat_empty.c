/* execveat(fd, "", AT_EMPTY_PATH) on an O_PATH fd: the program is named by an fd, not a path. */
#include "rt.h"
int main(void) {
    int fd = open("/bin/true", O_PATH | O_CLOEXEC);
    if (fd < 0) DIE("open");
    pid_t p = fork();
    if (p == 0) {
        char *argv[] = {"true", "rtm_execveat_empty", NULL};
        char *envp[] = {NULL};
        syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
        _exit(127);
    }
    rt_wait_all();
    return 0;
}
