/* f6_seccomp_addfd_file: the program installs a seccomp filter that sends openat(2) to a
 * supervisor, a daemon started before the recording (a container runtime's seccomp agent). Its
 * read-only open of a file in its own (allowed) dir is answered by the supervisor with an fd it
 * opened itself for writing, on a file outside: SECCOMP_IOCTL_NOTIF_ADDFD with
 * SECCOMP_ADDFD_FLAG_SEND makes that fd the openat's return value. The program writes through
 * it. Its trace holds a read-only open of the allowed file and a write to the fd. */
#include "seccomp6.h"

#define NAME "rtm6_sup_file"
#define REAL SCRATCH "/rtm6_addfd_real/data.txt"

static int open_real(void)
{
    int fd = open(REAL, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        DIE("open %s", REAL);
    return fd;
}
static void daemon_main(void)
{
    supervise(NAME, open_real);
}

int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(ALLOWED);
        mkdir_p(SCRATCH "/rtm6_addfd_real");
        write_file(ALLOWED "/data.txt", "allowed\n");
        start_daemon(NAME, daemon_main);
        return 0;
    }
    if (is_cleanup(argc, argv)) {
        stop_daemon(NAME);
        return 0;
    }
    delegate_syscall(NAME, __NR_openat);
    int fd = open(ALLOWED "/data.txt", O_RDONLY);
    if (fd < 0)
        DIE("open");
    const char msg[] = "rtm6 written through a read-only open\n";
    ssize_t n = write(fd, msg, sizeof msg - 1);
    close(fd);
    /* No read-back here (it would put the real path in the trace): run.py checks the file. */
    did("open(%s, O_RDONLY) -> fd %d; write -> %zd", ALLOWED "/data.txt", fd, n);
    return 0;
}
