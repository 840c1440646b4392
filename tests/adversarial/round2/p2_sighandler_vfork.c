/* vfork + execve from inside a SIGALRM handler running on an alternate signal stack. */
#include "common.h"
static void on_alarm(int sig)
{
    (void)sig;
    pid_t pid = vfork();
    if (pid == 0) {
        char *argv[] = {"/bin/true", "rtm2_sighandler_vfork", NULL};
        execve("/bin/true", argv, NULL);
        _exit(127);
    }
    waitpid(pid, NULL, 0);
}
int main(void)
{
    static char altstack[65536];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
    sigaltstack(&ss, NULL);
    struct sigaction sa = {.sa_handler = on_alarm, .sa_flags = SA_ONSTACK};
    sigaction(SIGALRM, &sa, NULL);
    alarm(1);
    pause();
    did("vfork+execve /bin/true rtm2_sighandler_vfork from a SIGALRM handler on sigaltstack");
    return 0;
}
