/* c6_saved_uid_regain: a daemon that seems to drop root at start-up: setresuid(65534, 65534, 0)
 * (real and effective uid nobody) but keeps root as its saved uid. Half a second later it takes
 * euid 0 back with seteuid(0) (allowed: the saved uid is 0, no capability needed) and creates a
 * root-owned file, then drops again. */
#include "r6.h"

int main(void)
{
    if (setresgid(65534, 65534, 0) < 0 || setresuid(65534, 65534, 0) < 0)
        DIE("setresuid");
    uid_t r, e, s;
    getresuid(&r, &e, &s);
    usleep(500000);
    if (seteuid(0) < 0)
        DIE("seteuid(0)");
    setegid(0);
    int fd = open(SCRATCH "/rtm6_regained_root", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        DIE("open");
    write(fd, "written as root\n", 16);
    close(fd);
    struct stat st;
    stat(SCRATCH "/rtm6_regained_root", &st);
    seteuid(65534);
    did("after the drop uids %d/%d/%d; regained euid 0 and made a file owned by uid %d", r, e, s, st.st_uid);
    return 0;
}
