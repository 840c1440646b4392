/* f8_rdonly_creat: open(path, O_RDONLY | O_CREAT) creates a file: the access mode says "read",
 * the flags make a new file (round 2 did O_RDONLY | O_TRUNC, which empties one). */
#include "r8.h"
int main(void)
{
    int fd = open(SCRATCH "/rtm8_rdonly_creat", O_RDONLY | O_CREAT, 0644);
    struct stat st;
    int made = stat(SCRATCH "/rtm8_rdonly_creat", &st) == 0;
    did("open(O_RDONLY|O_CREAT) -> %d; file created: %s", fd, made ? "yes" : "no");
    return 0;
}
