/* getenv in a statically linked program: the C library's code is in the binary, not in the
 * shared libc a uprobe is attached to. */
#include "rt.h"
int main(void) {
    volatile char *v = getenv("RTM_STATIC_GETENV");
    (void)v;
    return 0;
}
