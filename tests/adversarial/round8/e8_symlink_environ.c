/* e8_symlink_environ: the package ships a symlink SCRATCH/rtm8_envlink -> /proc/self/environ
 * (made by `prepare`, before the recording); the program opens and reads the symlink's name,
 * which says nothing about the environment: /proc/self resolves to the opener. */
#include "r8.h"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(SCRATCH);
        if (symlink("/proc/self/environ", SCRATCH "/rtm8_envlink") < 0)
            DIE("symlink");
        return 0;
    }
    int fd = open(SCRATCH "/rtm8_envlink", O_RDONLY);
    if (fd < 0)
        DIE("open rtm8_envlink");
    static char buf[65536];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    const char *v = "(not found)";
    for (ssize_t i = 0; n > 0 && i < n; i += strlen(buf + i) + 1)
        if (strncmp(buf + i, "RTM8_SYMLINK_ENV=", 17) == 0)
            v = buf + i + 17;
    did("read %zd bytes through rtm8_envlink; RTM8_SYMLINK_ENV -> %s", n, v);
    return 0;
}
