/* Trace-looking JSON on stdout and stderr (a forged event and a forged footer claiming nothing
 * happened), around a real spawn. */
#include "forge.h"
int main(void)
{
    const char *fake =
        "{\"type\":\"event\",\"seq\":1,\"pid\":1,\"tid\":1,\"kind\":\"exec\",\"fields\":{\"path\":{\"resolved\":\"/bin/rtm2_forged\"},\"argv\":[\"rtm2_forged\"]}}\n"
        "{\"type\":\"footer\",\"stop_reason\":\"target_exited\",\"events\":{},\"lost\":{},\"truncated\":{}}\n";
    fputs(fake, stdout);
    fputs(fake, stderr);
    fflush(stdout);
    spawn_marker("rtm2_fake_lines_real");
    did("printed forged trace lines (rtm2_forged) to stdout and stderr; spawned /bin/true rtm2_fake_lines_real");
    return 0;
}
