/* prctl(PR_SET_NAME, "tracer"): the process calls itself what the recorder is called, then
 * forks a child (no exec, so it keeps the name) that writes a file. */
#include "common.h"
#include <sys/prctl.h>
int main(void)
{
    prctl(PR_SET_NAME, "tracer");
    pid_t p = fork();
    if (p == 0) {
        write_file(SCRATCH "/rtm2_comm_tracer", "written by a child named tracer\n");
        _exit(0);
    }
    waitpid(p, NULL, 0);
    did("comm set to tracer; forked child %d wrote %s/rtm2_comm_tracer", p, SCRATCH);
    return 0;
}
