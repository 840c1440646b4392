/* prctl(PR_SET_MM, PR_SET_MM_ARG_START/ARG_END) (CAP_SYS_RESOURCE; an attempt here): rewrite what
 * /proc/self/cmdline shows, here "dpkg --configure -a". */
#include "common.h"
#include <sys/prctl.h>
int main(void)
{
    static char fake[] = "dpkg\0--configure\0-a\0rtm2_set_mm";
    unsigned long start = (unsigned long)fake, end = start + sizeof fake;
    /* ARG_END first or second, whichever keeps start < end. */
    /* An attempt counts whether or not it succeeds (this host's root lacks CAP_SYS_RESOURCE). */
    int rc1 = prctl(PR_SET_MM, PR_SET_MM_ARG_START, start, 0, 0);
    int rc2 = prctl(PR_SET_MM, PR_SET_MM_ARG_END, end, 0, 0);
    int rc3 = prctl(PR_SET_MM, PR_SET_MM_ARG_START, start, 0, 0);
    printf("prctl(PR_SET_MM) results %d %d %d (%s)\n", rc1, rc2, rc3, strerror(errno));
    char buf[128] = "";
    int fd = open("/proc/self/cmdline", O_RDONLY);
    ssize_t n = read(fd, buf, sizeof buf - 1);
    for (ssize_t i = 0; i < n; i++)
        if (!buf[i])
            buf[i] = ' ';
    did("prctl(PR_SET_MM): /proc/self/cmdline now reads \"%s\"", buf);
    return 0;
}
