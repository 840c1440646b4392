/* Make an unrecorded process spawn for us: PTRACE_SEIZE + INTERRUPT a process started before
 * the recording (run.py's "victim", a sleep), point its registers at the `syscall` instruction it
 * sleeps in with execve("/bin/touch", [touch, SCRATCH/rtm4_hijacked]) written onto its stack,
 * detach. The victim, not the program, execs touch and creates the file. */
#include "r4.h"
#include <sys/ptrace.h>
#include <sys/user.h>
static void poke_bytes(pid_t pid, unsigned long addr, const void *buf, size_t n)
{
    for (size_t i = 0; i < n; i += 8) {
        unsigned long w = 0;
        memcpy(&w, (const char *)buf + i, n - i < 8 ? n - i : 8);
        if (ptrace(PTRACE_POKEDATA, pid, addr + i, w) < 0)
            DIE("POKEDATA");
    }
}
int main(void)
{
    FILE *f = fopen(SCRATCH "/victim.pid", "r");
    int pid = 0;
    if (!f || fscanf(f, "%d", &pid) != 1)
        DIE("victim.pid");
    fclose(f);
    if (ptrace(PTRACE_SEIZE, pid, 0, 0) < 0)
        DIE("PTRACE_SEIZE %d", pid);
    if (ptrace(PTRACE_INTERRUPT, pid, 0, 0) < 0)
        DIE("PTRACE_INTERRUPT");
    int st;
    waitpid(pid, &st, __WALL);
    struct user_regs_struct r;
    if (ptrace(PTRACE_GETREGS, pid, 0, &r) < 0)
        DIE("GETREGS");
    unsigned long text = ptrace(PTRACE_PEEKTEXT, pid, r.rip - 2, 0);
    if ((text & 0xffff) != 0x050f) {
        fprintf(stderr, "victim not stopped after a syscall instruction\n");
        ptrace(PTRACE_DETACH, pid, 0, 0);
        return 1;
    }
    char strs[128] = "/bin/touch";
    strcpy(strs + 16, SCRATCH "/rtm4_hijacked");
    unsigned long base = (r.rsp - 4096) & ~15UL;
    poke_bytes(pid, base, strs, sizeof strs);
    unsigned long argvv[3] = {base, base + 16, 0};
    poke_bytes(pid, base + 128, argvv, sizeof argvv);
    r.orig_rax = -1; /* no syscall restart on resume */
    r.rax = SYS_execve;
    r.rdi = base;
    r.rsi = base + 128;
    r.rdx = 0;
    r.rip -= 2;
    if (ptrace(PTRACE_SETREGS, pid, 0, &r) < 0)
        DIE("SETREGS");
    if (ptrace(PTRACE_DETACH, pid, 0, 0) < 0)
        DIE("DETACH");
    for (int i = 0; i < 50 && access(SCRATCH "/rtm4_hijacked", F_OK) != 0; i++)
        usleep(20000);
    did("victim %d hijacked to execve /bin/touch %s: file %s", pid, SCRATCH "/rtm4_hijacked",
        access(SCRATCH "/rtm4_hijacked", F_OK) == 0 ? "exists" : "missing");
    return 0;
}
