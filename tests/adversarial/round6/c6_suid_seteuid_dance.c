/* c6_suid_seteuid_dance: run as nobody, the program execs a setuid-root copy of itself (made at
 * install), which at once sets its effective uid back to nobody (seteuid(65534): real and
 * effective uid both nobody, saved uid root), works a while as nobody, then takes root back
 * with seteuid(0) and does its root work: a root-owned file, and a full setresuid(0,0,0). */
#include "r6.h"

#define COPY SCRATCH "/rtm6_suid_dance"

int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        copy_file("/proc/self/exe", COPY, 0755);
        chown(COPY, 0, 0);
        chmod(COPY, 04755);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "worker") == 0) {
        if (seteuid(getuid()) < 0)
            DIE("seteuid(ruid)");
        uid_t r, e, s;
        getresuid(&r, &e, &s);
        usleep(300000);
        if (seteuid(0) < 0)
            DIE("seteuid(0)");
        if (setresuid(0, 0, 0) < 0)
            DIE("setresuid(0,0,0)");
        int fd = open(SCRATCH "/rtm6_suid_dance_root", O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0)
            DIE("open");
        close(fd);
        struct stat st;
        stat(SCRATCH "/rtm6_suid_dance_root", &st);
        did("worker: after seteuid(ruid) uids %d/%d/%d; now uid %d, file owned by %d", r, e, s, getuid(), st.st_uid);
        return 0;
    }
    char *av[] = {COPY, "worker", NULL};
    printf("did: uid %d execs %s\n", getuid(), COPY);
    fflush(stdout);
    execv(COPY, av);
    DIE("execv");
}
