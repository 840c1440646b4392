/* Round 2's unrecorded accomplice, started by run.py before the recording of the techniques
 * marked helper2: a long-running process (a service the package talks to) that holds a shared,
 * writable mapping of a file, and says where it is in SCRATCH/helper2.info ("PID ADDRESS"). */
#include "common.h"
#include <sys/mman.h>
static volatile sig_atomic_t stop;
static void on_term(int s) { (void)s; stop = 1; }
int main(void)
{
    signal(SIGTERM, on_term);
    int fd = open(SCRATCH "/rtm2_pvw_file", O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || ftruncate(fd, 4096) < 0)
        DIE("helper2: file");
    char *map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED)
        DIE("helper2: mmap");
    memcpy(map, "original\n", 9);
    char info[64];
    snprintf(info, sizeof info, "%d %p\n", getpid(), (void *)map);
    write_file(SCRATCH "/helper2.info.tmp", info);
    rename(SCRATCH "/helper2.info.tmp", SCRATCH "/helper2.info");
    while (!stop)
        pause();
    msync(map, 4096, MS_SYNC);
    return 0;
}
