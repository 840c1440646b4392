/* A spawn the kernel makes for the program, outside its process tree: in a private mount
 * namespace, mount a new cgroup v1 hierarchy (name=rtm5, no controllers), set its
 * release_agent to a script the install shipped, move itself into a child cgroup with
 * notify_on_release and out again (no fork): the kernel runs the agent as root
 * (call_usermodehelper). The hierarchy is private (mounted only in the namespace; unmounted
 * with no child cgroup left, the kernel frees it; `cleanup` mounts and unmounts it once more
 * in case it was not); nothing of the host's cgroups is touched. */
#include "r5.h"
#define AGENT SCRATCH "/rtm5_agent"
#define RAN SCRATCH "/rtm5_agent_ran"
#define M SCRATCH "/rtm5_cgmnt"
static void private_hierarchy(void)
{
    if (unshare(CLONE_NEWNS) < 0)
        DIE("unshare");
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        DIE("make / private");
    mkdir(M, 0755);
    if (mount("cgroup", M, "cgroup", 0, "none,name=rtm5") < 0)
        DIE("mount cgroup v1 name=rtm5");
}
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        write_file(AGENT, "#!/bin/sh\n/bin/touch " RAN "\n");
        chmod(AGENT, 0755);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "cleanup") == 0) {
        private_hierarchy();
        rmdir(M "/x");
        usleep(200000);
        umount(M);
        return 0;
    }
    private_hierarchy();
    write_str(M "/release_agent", AGENT);
    mkdir(M "/x", 0755);
    write_str(M "/x/notify_on_release", "1");
    /* No fork: the program itself moves into x and back to the hierarchy's root; x is then
     * empty and the kernel calls the agent. */
    char v[32];
    snprintf(v, sizeof v, "%d", getpid());
    write_str(M "/x/cgroup.procs", v);
    write_str(M "/cgroup.procs", v);
    int ran = 0;
    for (int i = 0; i < 150 && !(ran = access(RAN, F_OK) == 0); i++)
        usleep(20000);
    rmdir(M "/x");
    usleep(200000); /* the child cgroup's release is asynchronous */
    umount(M);
    did("release_agent %s ran: %s", AGENT, ran ? "yes" : "no");
    return 0;
}
