/* setfsuid(65534) / setfsgid: the file-system identity changes (file access as nobody) while
 * the real/effective ids stay 0; then back to 0. setfsuid returns the old value, never -1. */
#include "r3.h"
#include <sys/fsuid.h>
int main(void)
{
    setfsgid(65534);
    int old = setfsuid(65534);
    int now = setfsuid(-1); /* an invalid id changes nothing and returns the current one */
    int fd = open("/etc/shadow", O_RDONLY);
    int err = fd < 0 ? errno : 0;
    setfsuid(0);
    setfsgid(0);
    did("setfsuid(65534): fsuid %d -> %d; /etc/shadow as it: %s", old, now, err ? strerror(err) : "opened");
    return 0;
}
