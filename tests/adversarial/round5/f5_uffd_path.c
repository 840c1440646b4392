/* open(O_CREAT) with the path in a userfaultfd page: the kernel's copy of the path blocks on
 * the fault until a thread fills the page 300 ms later; a probe reading the path at syscall
 * entry (it cannot sleep on the fault) finds no page. */
#include "r5.h"
#define P SCRATCH "/rtm5_uffd_path"
static void fill(char *page, char *buf)
{
    (void)page;
    strcpy(buf, P);
}
int main(void)
{
    char *path = uffd_page(fill, 300);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        DIE("open");
    if (write(fd, "payload\n", 8) != 8)
        DIE("write");
    close(fd);
    did("open(O_CREAT) of %s with the path in a userfaultfd page", P);
    return 0;
}
