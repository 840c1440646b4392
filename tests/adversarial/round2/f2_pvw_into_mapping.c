/* process_vm_writev into another process's shared file mapping: the file changes on disk with
 * no open, write or any file syscall by us (helper2 holds the mapping). */
#include "common.h"
#include <sys/uio.h>
int main(void)
{
    int pid;
    void *addr;
    FILE *f = fopen(SCRATCH "/helper2.info", "r");
    if (!f || fscanf(f, "%d %p", &pid, &addr) != 2)
        DIE("helper2.info");
    fclose(f);
    char msg[] = "rewritten by process_vm_writev\n";
    struct iovec local = {msg, sizeof msg - 1}, remote = {addr, sizeof msg - 1};
    if (process_vm_writev(pid, &local, 1, &remote, 1, 0) < 0)
        DIE("process_vm_writev");
    did("wrote %s/rtm2_pvw_file through pid %d's shared mapping at %p", SCRATCH, pid, addr);
    return 0;
}
