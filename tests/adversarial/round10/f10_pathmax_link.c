/* f10_pathmax_link: a file 4,062 bytes deep (SCRATCH/rtm10_real_pm + 16 directories of 250
 * bytes + /rtm10_pathmax, near PATH_MAX), created by openat(dirfd of ALLOWED, "lnk/<16 dirs>/
 * rtm10_pathmax", O_CREAT) where ALLOWED/lnk -> SCRATCH/rtm10_real_pm (install-made). The
 * kernel's name of the new file is as long as a path can be. */
#include "r10.h"
#define REAL SCRATCH "/rtm10_real_pm"
#define DEPTH 16
static void deep(char *out, size_t n, const char *base)
{
    char comp[251];
    memset(comp, 'd', 250);
    comp[250] = 0;
    size_t len = snprintf(out, n, "%s", base);
    for (int i = 0; i < DEPTH; i++) {
        comp[0] = 'a' + i;
        len += snprintf(out + len, n - len, "/%s", comp);
    }
}
int main(int argc, char **argv)
{
    static char dirs[8192], rel[8192], real[8192];
    if (is_prepare(argc, argv)) {
        mkdir_p(ALLOWED);
        mkdir_p(REAL);
        if (symlink(REAL, ALLOWED "/lnk") < 0)
            DIE("symlink");
        /* mkdir one level at a time through a dirfd (the path is past mkdir_p's buffer). */
        int d = open(REAL, O_RDONLY | O_DIRECTORY);
        char comp[251];
        memset(comp, 'd', 250);
        comp[250] = 0;
        for (int i = 0; i < DEPTH; i++) {
            comp[0] = 'a' + i;
            if (mkdirat(d, comp, 0755) < 0)
                DIE("mkdirat level %d", i);
            int nd = openat(d, comp, O_RDONLY | O_DIRECTORY);
            close(d);
            d = nd;
        }
        return 0;
    }
    deep(dirs, sizeof dirs, "lnk");
    snprintf(rel, sizeof rel, "%s/rtm10_pathmax", dirs);
    deep(real, sizeof real, REAL);
    strcat(real, "/rtm10_pathmax");
    int dfd = open(ALLOWED, O_RDONLY | O_DIRECTORY);
    int fd = openat(dfd, rel, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        DIE("openat (%zu bytes)", strlen(rel));
    if (write(fd, "rtm10 deep\n", 11) < 0)
        DIE("write");
    close(fd);
    /* faccessat with the long relative path from the real dir (an absolute one is too long). */
    int rfd = open(REAL, O_RDONLY | O_DIRECTORY);
    did("openat(dirfd of %s, %zu-byte path through lnk, O_CREAT): real path is %zu bytes; real file exists: %s",
        ALLOWED, strlen(rel), strlen(real), faccessat(rfd, rel + 4, F_OK, 0) == 0 ? "yes" : "no");
    return 0;
}
