/* a10_comm_json: prctl(PR_SET_NAME) to a 15-byte comm made of a quote, a brace and a newline
 * (`"},\n{"type":"f`), then fork; the child (same comm, no exec) creates
 * SCRATCH/rtm10_real_comm/rtm10_comm_json. */
#include "r10.h"
#define REAL SCRATCH "/rtm10_real_comm"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(REAL);
        mkdir_p(ALLOWED);
        return 0;
    }
    if (prctl(PR_SET_NAME, "\"},\n{\"type\":\"f", 0, 0, 0) < 0)
        DIE("PR_SET_NAME");
    pid_t c = fork();
    if (c == 0) {
        write_file(REAL "/rtm10_comm_json", "rtm10 by a process with a JSON comm\n");
        _exit(0);
    }
    waitpid(c, NULL, 0);
    did("comm set to a JSON fragment with a newline; child wrote %s/rtm10_comm_json; real file exists: %s", REAL, yes_no(REAL "/rtm10_comm_json"));
    return 0;
}
