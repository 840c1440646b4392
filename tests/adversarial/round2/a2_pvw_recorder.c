/* process_vm_writev into the recorder's memory (no ptrace): 8 bytes of its stack read with
 * process_vm_readv and written back unchanged. The write succeeds: the recorder's memory is
 * ours to change. */
#include "forge.h"
#include <sys/uio.h>
int main(void)
{
    pid_t rec = find_recorder();
    char maps[64], line[512];
    unsigned long lo = 0, hi = 0;
    snprintf(maps, sizeof maps, "/proc/%d/maps", rec);
    FILE *f = rec ? fopen(maps, "r") : NULL;
    while (f && fgets(line, sizeof line, f))
        if (strstr(line, "[stack]")) {
            sscanf(line, "%lx-%lx", &lo, &hi);
            break;
        }
    if (f)
        fclose(f);
    if (!hi) {
        did("recorder %d stack not found", rec);
        return 0;
    }
    unsigned long word;
    struct iovec l = {&word, sizeof word}, r = {(void *)(hi - 64), sizeof word};
    ssize_t rd = process_vm_readv(rec, &l, 1, &r, 1, 0);
    ssize_t wr = rd == 8 ? process_vm_writev(rec, &l, 1, &r, 1, 0) : -1;
    did("process_vm_writev into recorder %d at %#lx: read %zd wrote %zd", rec, hi - 64, rd, wr);
    return 0;
}
