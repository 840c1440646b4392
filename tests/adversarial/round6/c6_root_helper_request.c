/* c6_root_helper_request: run as nobody. A root helper started before the recording (a
 * polkit/dockerd-style service on an abstract unix socket) performs privileged requests for
 * its clients. The program asks it to install a setuid-root program: the helper copies
 * /bin/true to SCRATCH/rtm6_rootd_suid, root-owned, mode 04755. The program only connects to a
 * unix socket and writes a request. */
#include "r6.h"

#define NAME "rtm6_rootd"
#define OUT SCRATCH "/rtm6_rootd_suid"

static void daemon_main(void)
{
    int l = abstract_listen(NAME);
    daemon_ready(NAME);
    for (;;) {
        int c = accept(l, NULL, NULL);
        char req[256] = "";
        ssize_t n = read(c, req, sizeof req - 1);
        if (n > 0 && strncmp(req, "install-suid ", 13) == 0) {
            req[n] = 0;
            copy_file("/bin/true", req + 13, 0755);
            chown(req + 13, 0, 0);
            int r = chmod(req + 13, 04755);
            write(c, r == 0 ? "done" : "fail", 4);
        }
        close(c);
    }
}

int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        start_daemon(NAME, daemon_main);
        return 0;
    }
    if (is_cleanup(argc, argv)) {
        stop_daemon(NAME);
        return 0;
    }
    int s = abstract_connect(NAME);
    const char req[] = "install-suid " OUT;
    write(s, req, sizeof req - 1);
    char ans[8] = "";
    read(s, ans, 4);
    struct stat st;
    int ok = stat(OUT, &st) == 0 && st.st_uid == 0 && (st.st_mode & 04000);
    did("uid %d asked the root helper: %s; %s setuid root: %s", getuid(), ans, OUT, ok ? "yes" : "no");
    return 0;
}
