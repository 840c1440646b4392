/* a8_killed_in_connect: a connect that never returns. In a network namespace of its own, the
 * program listens on 0.0.0.0:47806 with a backlog of 0 and fills the accept queue with one
 * connection to the allowed 127.0.0.1:47806. A child then connects to 127.0.0.2:47806: its SYN
 * reaches the listener (the namespace's ListenOverflows counter goes up: the SYN was received
 * and dropped because the queue is full) and the child waits in connect(2) for the retry; the
 * parent SIGKILLs it there. The syscall has no exit: a recorder that writes the event when the
 * call returns writes nothing. */
#include "r8.h"
static long overflows(void)
{
    char buf[8192];
    read_small("/proc/net/netstat", buf, sizeof buf);
    /* Two TcpExt: lines, names then values: find the column of ListenOverflows. */
    char *names = strstr(buf, "TcpExt:"), *vals = names ? strstr(names + 7, "TcpExt:") : NULL;
    if (!names || !vals)
        return -1;
    int col = 0;
    char *p = names + 7, *hit = strstr(names, " ListenOverflows ");
    if (!hit)
        return -1;
    for (; p < hit; p++)
        if (*p == ' ')
            col++;
    p = vals + 7;
    for (int i = 0; i < col && p; i++)
        p = strchr(p + 1, ' ');
    return p ? atol(p) : -1;
}
int main(void)
{
    new_netns();
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in any = ip4("0.0.0.0", 47806), ok = ip4("127.0.0.1", 47806), real = ip4("127.0.0.2", 47806);
    if (bind(l, (struct sockaddr *)&any, sizeof any) < 0 || listen(l, 0) < 0)
        DIE("listen 0.0.0.0:47806");
    int f = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(f, (struct sockaddr *)&ok, sizeof ok) < 0)
        DIE("filler connect 127.0.0.1:47806");
    usleep(50000);
    long before = overflows();
    pid_t c = fork();
    if (c < 0)
        DIE("fork");
    if (c == 0) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        connect(s, (struct sockaddr *)&real, sizeof real);
        _exit(0);
    }
    usleep(400000);
    long after = overflows();
    kill(c, SIGKILL);
    int st = 0;
    waitpid(c, &st, 0);
    did("child's connect to 127.0.0.2:47806: SYN reached the listener (ListenOverflows %ld -> %ld): %s; child %s",
        before, after, after > before ? "yes" : "no",
        WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL ? "killed inside connect(2)" : "returned");
    return 0;
}
