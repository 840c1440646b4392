/* Data moved into the marker file with copy_file_range, splice and sendfile: no write(2). */
#include "rt.h"
#include <sys/sendfile.h>
int main(void) {
    rt_scratch();
    rt_write_file(SCRATCH "/plain_cfr_src", "source bytes\n");
    int in = open(SCRATCH "/plain_cfr_src", O_RDONLY);
    int out = open(SCRATCH "/rtm_copy_file_range", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in < 0 || out < 0) DIE("open");
    if (copy_file_range(in, NULL, out, NULL, 13, 0) < 0) DIE("copy_file_range");
    off_t off = 0;
    if (sendfile(out, in, &off, 13) < 0) DIE("sendfile");
    int p[2];
    if (pipe(p) < 0 || write(p[1], "piped\n", 6) < 0) DIE("pipe");
    if (splice(p[0], NULL, out, NULL, 6, 0) < 0) DIE("splice");
    return 0;
}
