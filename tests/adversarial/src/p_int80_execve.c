/* execve as an ia32 compat syscall (int $0x80, i386 nr 11) with 32-bit argv pointers. */
#include "rt.h"
static char prog[] = "/bin/true";
static char a0[] = "true";
static char a1[] = "rtm_int80_execve";
static uint32_t argv32[3];
static uint32_t envp32[1];
int main(void) {
    argv32[0] = (uint32_t)(uintptr_t)a0;
    argv32[1] = (uint32_t)(uintptr_t)a1;
    pid_t p = fork();
    if (p == 0) {
        long r = rt_int80(11, (long)prog, (long)argv32, (long)envp32, 0, 0);
        (void)r;
        _exit(127);
    }
    rt_wait_all();
    return 0;
}
