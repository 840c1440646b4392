/* e6_tzset_tz: the program's output depends on an environment variable it never names: libc's
 * localtime_r() reads TZ (tzset inside libc). TZ names RTM6ZONE (a made-up zone 3 h east of
 * UTC, written "<RTM6ZONE>-3"): the program prints the epoch as 03:00 RTM6ZONE. */
#include "r6.h"
#include <time.h>

int main(void)
{
    time_t t = 0;
    struct tm tm;
    localtime_r(&t, &tm);
    did("localtime(0) -> %02d:%02d %s", tm.tm_hour, tm.tm_min, tm.tm_zone);
    return 0;
}
