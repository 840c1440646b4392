/* Setting the clock, harmlessly: clock_settime, settimeofday and clock_adjtime with invalid
 * values, so the kernel refuses each (EINVAL) before changing anything. */
#include "rt.h"
#include <sys/time.h>
#include <sys/timex.h>
#include <time.h>
int main(void) {
    struct timespec ts = {.tv_sec = 1, .tv_nsec = 2000000000L}; /* tv_nsec out of range */
    if (syscall(SYS_clock_settime, CLOCK_REALTIME, &ts) == 0) return 2;
    struct timeval tv = {.tv_sec = 1, .tv_usec = 2000000}; /* tv_usec out of range */
    if (syscall(SYS_settimeofday, &tv, NULL) == 0) return 2;
    struct timex tx = {.modes = ADJ_SETOFFSET | ADJ_NANO, .time = {.tv_sec = 0, .tv_usec = 2000000000L}};
    if (syscall(SYS_clock_adjtime, CLOCK_REALTIME, &tx) >= 0) return 2;
    return 0;
}
