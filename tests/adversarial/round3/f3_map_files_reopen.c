/* Open a file read-only, map it, close it; then open /proc/self/map_files/START-END for
 * writing and rewrite the file. The only write-open names a /proc path, not the file. */
#include "r3.h"
#define F SCRATCH "/rtm3_map_files"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_file(F, 4096);
        return 0;
    }
    int fd = open(F, O_RDONLY);
    if (fd < 0)
        DIE("open");
    char *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED)
        DIE("mmap");
    close(fd);
    char path[128];
    snprintf(path, sizeof path, "/proc/self/map_files/%lx-%lx", (unsigned long)p, (unsigned long)p + 4096);
    int w = open(path, O_WRONLY | O_TRUNC);
    if (w < 0)
        DIE("open %s", path);
    if (write(w, "rtm3 map_files\n", 15) != 15)
        DIE("write");
    close(w);
    did("rewrote %s through %s", F, path);
    return 0;
}
