/* getenv as bsearch's comparison function: bsearch (libc) calls getenv(key, element). */
#include "envcommon.h"
int main(void)
{
    static const char *table[1] = {"x"};
    void *found = bsearch("RTM2_BSEARCH", table, 1, sizeof table[0], (int (*)(const void *, const void *))libc_sym("getenv"));
    did("getenv(\"RTM2_BSEARCH\") called by bsearch as its comparator (bsearch returned %p)", found);
    return 0;
}
