/* Shared bits of the round-6 adversarial techniques (see ../README.md, "Round 6"): round 3's
 * r3.h (round 2's common.h and net.h), built with -I round6 -I round3 -I round2, with the
 * scratch dir of round 6 (/tmp/redteam-adv6: rounds 1-5 use /tmp/redteam-adv, and may run at
 * the same time). Markers start with rtm6_/RTM6_; ports are 47501-47520 on 127.0.0.x.
 *
 * Many round-6 techniques delegate: `prepare` (run by the harness before the recording)
 * starts a daemon with start_daemon(); it stands for a service already running on the host
 * (a root helper, a spooler, a job runner). `cleanup` stops it with stop_daemon(). The daemon
 * is a grandchild of `prepare`, in its own session, never in the recorded tree; it kills
 * itself after 60 s whatever happens. */
#ifndef R6_H
#define R6_H
/* A later round that builds on this header sets its own scratch dir first (round7/r7.h). */
#ifndef SCRATCH
#define SCRATCH "/tmp/redteam-adv6"
#endif
/* uring3.h includes r3.h itself (no guard): a technique using it includes uring3.h first. */
#ifndef URING_H
#include "r3.h"
#endif
#include <poll.h>
#include <stddef.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/un.h>

static inline int is_cleanup(int argc, char **argv)
{
    return argc > 1 && strcmp(argv[1], "cleanup") == 0;
}

/* Fork a daemon running fn(); return once it has called daemon_ready() (or fail). Its stdio is
 * /dev/null and SCRATCH/NAME.log; its pid is in SCRATCH/NAME.pid. */
static inline void daemon_ready(const char *name)
{
    char p[256];
    snprintf(p, sizeof p, SCRATCH "/%s.ready", name);
    write_file(p, "1");
}
static inline void start_daemon(const char *name, void (*fn)(void))
{
    char p[256];
    mkdir_p(SCRATCH);
    snprintf(p, sizeof p, SCRATCH "/%s.ready", name);
    unlink(p);
    pid_t c = fork();
    if (c < 0)
        DIE("fork");
    if (c == 0) {
        setsid();
        if (fork() != 0)
            _exit(0);
        int null = open("/dev/null", O_RDWR);
        snprintf(p, sizeof p, SCRATCH "/%s.log", name);
        int log = open(p, O_WRONLY | O_CREAT | O_APPEND, 0644);
        dup2(null, 0);
        dup2(null, 1);
        dup2(log, 2);
        close(null);
        close(log);
        alarm(60);
        snprintf(p, sizeof p, SCRATCH "/%s.pid", name);
        char pid[32];
        snprintf(pid, sizeof pid, "%d", getpid());
        write_file(p, pid);
        fn();
        _exit(0);
    }
    waitpid(c, NULL, 0);
    snprintf(p, sizeof p, SCRATCH "/%s.ready", name);
    for (int i = 0; i < 100; i++) {
        if (access(p, F_OK) == 0)
            return;
        usleep(50000);
    }
    fprintf(stderr, "daemon %s did not get ready\n", name);
    exit(1);
}
static inline void stop_daemon(const char *name)
{
    char p[256], buf[32] = "";
    snprintf(p, sizeof p, SCRATCH "/%s.pid", name);
    int fd = open(p, O_RDONLY);
    if (fd < 0)
        return;
    if (read(fd, buf, sizeof buf - 1) > 0) {
        pid_t pid = atoi(buf);
        if (pid > 1)
            kill(pid, SIGKILL);
    }
    close(fd);
    unlink(p);
}

/* Abstract unix sockets (no file: a connect to one is no file IO). */
static inline socklen_t abstract_addr(struct sockaddr_un *a, const char *name)
{
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    size_t n = strlen(name);
    memcpy(a->sun_path + 1, name, n);
    return offsetof(struct sockaddr_un, sun_path) + 1 + n;
}
static inline int abstract_listen(const char *name)
{
    struct sockaddr_un a;
    socklen_t len = abstract_addr(&a, name);
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    if (s < 0 || bind(s, (struct sockaddr *)&a, len) < 0 || listen(s, 4) < 0)
        DIE("abstract listen %s", name);
    return s;
}
static inline int abstract_connect(const char *name)
{
    struct sockaddr_un a;
    socklen_t len = abstract_addr(&a, name);
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    if (s < 0 || connect(s, (struct sockaddr *)&a, len) < 0)
        DIE("abstract connect %s", name);
    return s;
}

/* One fd (and up to `n` bytes of data) over SCM_RIGHTS. */
static inline void send_fd(int sock, int fd, const void *data, size_t n)
{
    char cbuf[CMSG_SPACE(sizeof(int))];
    char one = 0;
    struct iovec iov = {.iov_base = n ? (void *)data : &one, .iov_len = n ? n : 1};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
    if (sendmsg(sock, &m, 0) < 0)
        DIE("sendmsg SCM_RIGHTS");
}
static inline int recv_fd(int sock, void *data, size_t n)
{
    char cbuf[CMSG_SPACE(sizeof(int))];
    char one;
    struct iovec iov = {.iov_base = n ? data : &one, .iov_len = n ? n : 1};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
    if (recvmsg(sock, &m, MSG_WAITALL) < 0)
        DIE("recvmsg SCM_RIGHTS");
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    if (!c || c->cmsg_type != SCM_RIGHTS)
        return -1;
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof fd);
    return fd;
}

/* Wait up to `ms` for a file to exist (stat, no open). */
static inline int wait_exists(const char *path, int ms)
{
    struct stat st;
    for (int i = 0; i < ms / 20; i++) {
        if (stat(path, &st) == 0 && st.st_size > 0)
            return 1;
        usleep(20000);
    }
    return 0;
}

static inline void read_small(const char *path, char *buf, size_t n)
{
    buf[0] = 0;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return;
    ssize_t k = read(fd, buf, n - 1);
    buf[k > 0 ? k : 0] = 0;
    close(fd);
}

static inline struct sockaddr_in ip4(const char *ip, int port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, ip, &a.sin_addr);
    return a;
}
#endif
