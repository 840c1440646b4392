/* Opens through the kernel's magic links: a file opened as fd N, then opened again for writing
 * as /proc/self/fd/N, /proc/thread-self/fd/N, /proc/PID/fd/N and /dev/fd/N; and a pipe's fd,
 * which the trace cannot name, opened as /proc/self/fd/M. argv[1]: the file. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static void reopen(const char *path) {
    int fd = open(path, O_WRONLY | O_TRUNC);
    if (fd < 0)
        perror(path);
    else
        close(fd);
}

int main(int argc, char **argv) {
    if (argc < 2)
        return 2;
    int fd = open(argv[1], O_RDONLY | O_CREAT, 0600);
    if (fd < 0) {
        perror(argv[1]);
        return 1;
    }
    char path[128];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    reopen(path);
    snprintf(path, sizeof path, "/proc/thread-self/fd/%d", fd);
    reopen(path);
    snprintf(path, sizeof path, "/proc/%d/fd/%d", getpid(), fd);
    reopen(path);
    snprintf(path, sizeof path, "/dev/fd/%d", fd);
    reopen(path);
    int pipefd[2];
    if (pipe(pipefd) != 0)
        return 1;
    snprintf(path, sizeof path, "/proc/self/fd/%d", pipefd[1]);
    reopen(path);
    return 0;
}
