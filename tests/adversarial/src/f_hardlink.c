/* A second name for an existing file (made before recording) with link(2). */
#include "rt.h"
int main(int argc, char **argv) {
    rt_scratch();
    if (argc > 1 && strcmp(argv[1], "prepare") == 0) { rt_write_file(SCRATCH "/plain_hardlink_src", "x"); return 0; }
    if (link(SCRATCH "/plain_hardlink_src", SCRATCH "/rtm_hardlink") < 0) DIE("link");
    return 0;
}
