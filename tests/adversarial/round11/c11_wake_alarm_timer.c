/* timerfd_create(CLOCK_BOOTTIME_ALARM) needs CAP_WAKE_ALARM (a timer that wakes the machine
 * from suspend); armed for 10 ms and read. */
#include "r11.h"
#include <sys/timerfd.h>
#include <time.h>
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv))
        return 0;
    int t = timerfd_create(CLOCK_BOOTTIME_ALARM, 0);
    if (t < 0)
        DIE("timerfd_create(CLOCK_BOOTTIME_ALARM)");
    struct itimerspec its = {.it_value = {0, 10000000}};
    timerfd_settime(t, 0, &its, NULL);
    uint64_t n = 0;
    read(t, &n, sizeof n);
    did("CLOCK_BOOTTIME_ALARM timerfd %d fired %llu time(s) (CAP_WAKE_ALARM) RTM11_alarm", t, (unsigned long long)n);
    return 0;
}
