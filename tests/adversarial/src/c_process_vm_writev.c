/* process_vm_writev: write into another process's memory (here: a child's buffer), the
 * injection primitive that needs no ptrace attach. */
#include "rt.h"
#include <sys/uio.h>
static char buf[64] = "plain";
int main(void) {
    int go[2];
    pid_t p = rt_waiting_child(go, buf, "rtm_process_vm_writev");
    char data[] = "rtm_process_vm_writev";
    struct iovec local = {.iov_base = data, .iov_len = sizeof data};
    struct iovec remote = {.iov_base = buf, .iov_len = sizeof data};
    if (process_vm_writev(p, &local, 1, &remote, 1, 0) < 0) DIE("process_vm_writev");
    (void)!write(go[1], "g", 1);
    int st;
    waitpid(p, &st, 0);
    return WEXITSTATUS(st);
}
