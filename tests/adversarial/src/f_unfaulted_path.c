/* The path lives in a file-backed private mapping that was never touched: its page is not
 * present until the kernel's own copy faults it in. A probe reading it at entry cannot. */
#include "rt.h"
int main(void) {
    rt_scratch();
    const char *p = rt_unfaulted_string(SCRATCH "/plain_pathsrc", SCRATCH "/rtm_unfaulted_path");
    int out = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (out < 0) DIE("open");
    close(out);
    return 0;
}
