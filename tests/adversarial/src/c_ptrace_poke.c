/* ptrace(PTRACE_SEIZE) + PTRACE_POKEDATA into a child: classic injection. */
#include "rt.h"
#include <sys/ptrace.h>
static long word = 0;
int main(void) {
    pid_t p = fork();
    if (p == 0) {
        for (;;) pause();
    }
    /* Under strace -f the child is strace's already, and SEIZE fails: never leave it behind. */
    if (ptrace(PTRACE_SEIZE, p, 0, 0) < 0) { kill(p, SIGKILL); DIE("seize"); }
    if (ptrace(PTRACE_INTERRUPT, p, 0, 0) < 0) { kill(p, SIGKILL); DIE("interrupt"); }
    waitpid(p, NULL, 0);
    if (ptrace(PTRACE_POKEDATA, p, &word, 0x6d7472) < 0) { kill(p, SIGKILL); DIE("poke"); }
    kill(p, SIGKILL);
    rt_wait_all();
    return 0;
}
