/* Write a child's memory through /proc/PID/mem (no ptrace or process_vm_writev call). */
#include "rt.h"
static char buf[64] = "plain";
int main(void) {
    int go[2];
    pid_t p = rt_waiting_child(go, buf, "rtm_proc_mem");
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/mem", p);
    int fd = open(path, O_RDWR);
    if (fd < 0) DIE("open mem");
    if (pwrite(fd, "rtm_proc_mem", 13, (off_t)(uintptr_t)buf) < 0) DIE("pwrite");
    (void)!write(go[1], "g", 1);
    int st;
    waitpid(p, &st, 0);
    return WEXITSTATUS(st);
}
