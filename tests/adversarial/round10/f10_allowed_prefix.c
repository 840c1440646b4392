/* f10_allowed_prefix: open(SCRATCH "/allowed_rtm10/rtm10_prefix", O_CREAT): a sibling of the
 * allowed dir whose name starts with the allowed dir's name (a check by string prefix, not by
 * path component, would take it as inside). */
#include "r10.h"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(ALLOWED);
        mkdir_p(ALLOWED "_rtm10");
        return 0;
    }
    write_file(ALLOWED "_rtm10/rtm10_prefix", "rtm10 beside the allowed dir\n");
    did("created %s_rtm10/rtm10_prefix; real file exists: %s", ALLOWED, yes_no(ALLOWED "_rtm10/rtm10_prefix"));
    return 0;
}
