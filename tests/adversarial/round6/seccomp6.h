/* The seccomp user-notification pieces of the two f6/n6 addfd techniques: the recorded program
 * installs a filter that sends one syscall (`nr`) to a supervisor, and hands the listener fd to
 * a daemon started at prepare (a container runtime's seccomp agent does the same). The daemon
 * answers the first notification by installing an fd of its own choice in the program as the
 * syscall's result (SECCOMP_IOCTL_NOTIF_ADDFD with SECCOMP_ADDFD_FLAG_SEND), the others with
 * SECCOMP_USER_NOTIF_FLAG_CONTINUE (the program's own call goes ahead). */
#ifndef SECCOMP6_H
#define SECCOMP6_H
#include "r6.h"
#include <linux/filter.h>
#include <linux/seccomp.h>

static inline int install_notify_filter(int nr)
{
    struct sock_filter f[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {.len = sizeof f / sizeof f[0], .filter = f};
    int fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
    if (fd < 0)
        DIE("seccomp NEW_LISTENER");
    return fd;
}

/* Daemon side: take the listener from one connection on `name`; pass each notification to
 * handle(), which answers it itself (and returns 1) or lets the program's call go ahead
 * (returns 0: SECCOMP_USER_NOTIF_FLAG_CONTINUE); until the program is gone. */
static inline void supervise_with(const char *name, int (*handle)(int listener, struct seccomp_notif *req))
{
    int l = abstract_listen(name);
    daemon_ready(name);
    int c = accept(l, NULL, NULL);
    int listener = recv_fd(c, NULL, 0);
    if (listener < 0)
        DIE("no listener fd");
    write(c, "k", 1);
    for (;;) {
        struct seccomp_notif req;
        memset(&req, 0, sizeof req);
        if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
            if (errno == EINTR)
                continue;
            break; /* the program is gone */
        }
        if (handle(listener, &req))
            continue;
        struct seccomp_notif_resp resp;
        memset(&resp, 0, sizeof resp);
        resp.id = req.id;
        resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
        ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
    }
}

/* The first notification is answered with make_fd()'s fd installed in the program as the
 * call's result (SECCOMP_IOCTL_NOTIF_ADDFD, SECCOMP_ADDFD_FLAG_SEND). */
static int (*addfd_make)(void);
static int addfd_first_done;
static inline int addfd_first(int listener, struct seccomp_notif *req)
{
    if (addfd_first_done)
        return 0;
    addfd_first_done = 1;
    int fd = addfd_make();
    struct seccomp_notif_addfd add = {.id = req->id, .flags = SECCOMP_ADDFD_FLAG_SEND, .srcfd = fd};
    int r = ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &add);
    fprintf(stderr, "addfd -> %d (%s)\n", r, r < 0 ? strerror(errno) : "ok");
    close(fd);
    return 1;
}
static inline void supervise(const char *name, int (*make_fd)(void))
{
    addfd_make = make_fd;
    supervise_with(name, addfd_first);
}

/* Program side: filter `nr`, hand the listener to the daemon `name`, wait for its ack. */
static inline void delegate_syscall(const char *name, int nr)
{
    int s = abstract_connect(name);
    int listener = install_notify_filter(nr);
    send_fd(s, listener, NULL, 0);
    close(listener);
    char k;
    if (read(s, &k, 1) != 1)
        DIE("no ack");
    close(s);
}
#endif
