/* f10_link_removed_after: truncate(ALLOWED "/lnk/rtm10_trunc", 0) where ALLOWED/lnk ->
 * SCRATCH/rtm10_real_tr (made at install), then unlink(ALLOWED/lnk) right after the call: a
 * lookup made later finds no link and no file under that name. */
#include "r10.h"
#define REAL SCRATCH "/rtm10_real_tr"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(REAL);
        prepare_file(REAL "/rtm10_trunc", 4096);
        mkdir_p(ALLOWED);
        if (symlink(REAL, ALLOWED "/lnk") < 0)
            DIE("symlink");
        return 0;
    }
    int r = truncate(ALLOWED "/lnk/rtm10_trunc", 0);
    unlink(ALLOWED "/lnk");
    if (r < 0)
        DIE("truncate");
    struct stat st;
    stat(REAL "/rtm10_trunc", &st);
    did("truncate(%s/lnk/rtm10_trunc, 0), then unlink(lnk); real size now %ld", ALLOWED, (long)st.st_size);
    return 0;
}
