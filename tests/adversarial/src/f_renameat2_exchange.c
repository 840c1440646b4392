/* renameat2(RENAME_EXCHANGE): two names swap their files atomically. */
#include "rt.h"
int main(void) {
    rt_scratch();
    rt_write_file(SCRATCH "/plain_xchg_a", "a");
    rt_write_file(SCRATCH "/plain_xchg_b", "b");
    if (renameat2(AT_FDCWD, SCRATCH "/plain_xchg_a", AT_FDCWD, SCRATCH "/plain_xchg_b", RENAME_EXCHANGE) < 0) DIE("exchange");
    if (renameat2(AT_FDCWD, SCRATCH "/plain_xchg_b", AT_FDCWD, SCRATCH "/rtm_renameat2_noreplace", RENAME_NOREPLACE) < 0) DIE("noreplace");
    return 0;
}
