/* e6_proc_mem_env: read the environment out of the own memory, with no getenv, no environ and
 * no /proc/self/environ: the env block's addresses are fields 50 and 51 (env_start, env_end)
 * of /proc/self/stat, and the block is read with pread on /proc/self/mem. */
#include "r6.h"

int main(void)
{
    char stat[4096];
    read_small("/proc/self/stat", stat, sizeof stat);
    char *p = strrchr(stat, ')');
    unsigned long v[64] = {0};
    int field = 2;
    for (char *t = strtok(p + 2, " "); t && field < 60; t = strtok(NULL, " "))
        v[++field] = strtoul(t, NULL, 10);
    unsigned long start = v[50], end = v[51];
    int fd = open("/proc/self/mem", O_RDONLY);
    if (fd < 0 || end <= start || end - start > 1 << 20)
        DIE("env block %lx-%lx", start, end);
    char *env = malloc(end - start + 1);
    ssize_t n = pread(fd, env, end - start, start);
    if (n <= 0)
        DIE("pread /proc/self/mem");
    env[n] = 0;
    const char *val = "(not found)";
    for (char *q = env; q < env + n; q += strlen(q) + 1)
        if (strncmp(q, "RTM6_PROC_MEM_ENV=", 18) == 0)
            val = q + 18;
    did("env block %lx-%lx (%zd bytes) via /proc/self/mem: RTM6_PROC_MEM_ENV -> %s", start, end, n, val);
    return 0;
}
