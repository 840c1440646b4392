/* PTRACE_SEIZE of the recorder, then detach (the capability to rewrite it). */
#include "forge.h"
#include <sys/ptrace.h>
int main(void)
{
    pid_t rec = find_recorder();
    long rc = rec ? ptrace(PTRACE_SEIZE, rec, 0, 0) : -1;
    if (rc == 0)
        ptrace(PTRACE_DETACH, rec, 0, 0);
    did("PTRACE_SEIZE of the recorder %d rc=%ld", rec, rc);
    return 0;
}
