/* truncate(2) by path: a file made before the recording is emptied without any open. */
#include "r3.h"
#define F SCRATCH "/rtm3_truncate_path"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_file(F, 4096);
        return 0;
    }
    if (truncate(F, 0) < 0)
        DIE("truncate");
    struct stat st;
    stat(F, &st);
    did("truncate(%s, 0): size now %ld", F, (long)st.st_size);
    return 0;
}
