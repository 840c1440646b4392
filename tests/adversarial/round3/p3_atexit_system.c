/* system(3) from an atexit handler: the spawn happens after main() has returned, while libc
 * runs the exit handlers (a recorder or verdict keyed on "main is done" would miss it). */
#include "r3.h"
static void at_end(void)
{
    int rc = system("/bin/true rtm3_atexit_system");
    did("system() from an atexit handler -> %d", rc);
}
int main(void)
{
    atexit(at_end);
    return 0;
}
