/* Baseline: getenv(3) through the shared C library. */
#include "rt.h"
int main(void) {
    volatile char *v = getenv("RTM_GETENV");
    (void)v;
    return 0;
}
