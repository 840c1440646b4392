/* truncate(2) by the path /proc/self/fd/N, N a read-only fd of a prepared file: the file is
 * emptied, no write-open, and the path the call names is the fd's magic link. */
#include "r5.h"
#define F SCRATCH "/rtm5_truncate_procfd"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_file(F, 4096);
        return 0;
    }
    int fd = open(F, O_RDONLY);
    if (fd < 0)
        DIE("open");
    char p[64];
    snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
    if (truncate(p, 0) < 0)
        DIE("truncate %s", p);
    struct stat st;
    stat(F, &st);
    did("truncate(%s, 0): size now %ld", p, (long)st.st_size);
    return 0;
}
