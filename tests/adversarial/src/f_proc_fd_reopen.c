/* Open the marker file O_PATH (no access), then reopen it for writing through
 * /proc/self/fd/N: the write-open names only a magic link. */
#include "rt.h"
#define TARGET SCRATCH "/rtm_proc_fd_reopen"
int main(int argc, char **argv) {
    rt_scratch();
    if (argc > 1 && strcmp(argv[1], "prepare") == 0) { rt_write_file(TARGET, ""); return 0; }
    int pfd = open(TARGET, O_PATH);
    if (pfd < 0) DIE("O_PATH open");
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", pfd);
    int fd = open(link, O_WRONLY | O_TRUNC);
    if (fd < 0) DIE("reopen");
    if (write(fd, "reopened\n", 9) < 0) DIE("write");
    close(fd);
    close(pfd);
    return 0;
}
