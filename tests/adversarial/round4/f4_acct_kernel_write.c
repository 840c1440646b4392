/* acct(2): process accounting switched on into a file made before the recording; the kernel
 * opens it and appends a record for every process that exits (here a forked child), then
 * acct(NULL) switches it off again. The program never opens the file itself. Host change:
 * accounting is on for the few milliseconds between the two calls. */
#include "r4.h"
#define F SCRATCH "/rtm4_acct"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        int fd = open(F, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        close(fd);
        return 0;
    }
    if (acct(F) < 0)
        DIE("acct");
    pid_t p = fork();
    if (p == 0)
        _exit(0);
    waitpid(p, NULL, 0);
    acct(NULL);
    struct stat st;
    stat(F, &st);
    did("acct(%s) on, a child exited, acct(NULL): file now %lld bytes", F, (long long)st.st_size);
    return 0;
}
