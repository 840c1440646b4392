/* p10_ctor_argv_rewrite: fork + execve of this program as a worker with argv
 * `worker password=rtm10_ctor_secret`; the worker's ELF constructor (before main, before libc
 * hands argv to anyone) overwrites its whole argv area with spaces and "worker", as
 * setproctitle does, then sleeps 300 ms and exits. A recorder that reads the argv from the
 * process after the exec (procfs, the process's memory, a moment later) finds no secret. */
#include "r10.h"
extern char **environ;
static int g_argc;
static char **g_argv;
__attribute__((constructor)) static void scrub(int argc, char **argv)
{
    g_argc = argc, g_argv = argv;
    if (argc == 3 && strcmp(argv[1], "worker") == 0) {
        char *end = argv[argc - 1] + strlen(argv[argc - 1]);
        memset(argv[0], ' ', end - argv[0]);
        memcpy(argv[0], "worker", 6);
        argv[0][6] = 0;
    }
}
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(SCRATCH);
        return 0;
    }
    if (g_argc == 3 && strncmp(g_argv[0], "worker", 6) == 0) {
        char line[256] = "";
        int fd = open("/proc/self/cmdline", O_RDONLY);
        ssize_t n = read(fd, line, sizeof line - 1);
        for (ssize_t i = 0; i < n; i++)
            if (!line[i])
                line[i] = ' ';
        printf("did: worker's /proc/self/cmdline now: %.40s\n", line);
        fflush(stdout);
        usleep(300000);
        return 0;
    }
    pid_t c = fork();
    if (c == 0) {
        char *args[] = {"prog", "worker", "password=rtm10_ctor_secret", NULL};
        execve("/proc/self/exe", args, environ);
        _exit(127);
    }
    int st;
    waitpid(c, &st, 0);
    did("fork + execve(/proc/self/exe worker password=rtm10_ctor_secret), scrubbed in a constructor; exit %d", WEXITSTATUS(st));
    return 0;
}
