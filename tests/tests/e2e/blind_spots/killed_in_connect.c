/* A connect that a signal cuts short (round 8's a8_killed_in_connect, on this host's loopback).
 * A listener on 127.0.0.2 with a backlog of 0 has its accept queue filled by one connection;
 * a child's connect to it then waits for the retry of its dropped SYN, and the parent SIGKILLs
 * it inside connect(2). The syscall's exit, which the recorder sees, returns -ERESTARTSYS (the
 * kernel's "interrupted": the signal then ends the process). Prints
 * {"port":N,"in_connect":B,"killed":B}. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Whether task `pid` is inside connect(2) now (/proc/PID/syscall starts with its number). */
static int in_connect(pid_t pid)
{
    char path[64], buf[64] = "";
    snprintf(path, sizeof path, "/proc/%d/syscall", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    int ok = fgets(buf, sizeof buf, f) && atol(buf) == SYS_connect && buf[0] != '-';
    fclose(f);
    return ok;
}

int main(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET};
    inet_pton(AF_INET, "127.0.0.2", &a.sin_addr);
    socklen_t len = sizeof a;
    int l = socket(AF_INET, SOCK_STREAM, 0);
    if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 0) < 0 ||
        getsockname(l, (struct sockaddr *)&a, &len) < 0) {
        perror("listener");
        return 1;
    }
    int filler = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(filler, (struct sockaddr *)&a, sizeof a) < 0) {
        perror("filler connect");
        return 1;
    }
    usleep(50000);
    pid_t c = fork();
    if (c < 0)
        return 1;
    if (c == 0) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        connect(s, (struct sockaddr *)&a, sizeof a);
        _exit(0);
    }
    /* Until the child sits in connect (its SYN dropped, waiting to retry), 5 s at most. */
    int inside = 0;
    for (int i = 0; i < 500 && !inside; i++) {
        usleep(10000);
        inside = in_connect(c);
    }
    usleep(50000);
    kill(c, SIGKILL);
    int st = 0;
    waitpid(c, &st, 0);
    printf("{\"port\":%d,\"in_connect\":%s,\"killed\":%s}\n", ntohs(a.sin_port), inside ? "true" : "false",
           WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL ? "true" : "false");
    return 0;
}
