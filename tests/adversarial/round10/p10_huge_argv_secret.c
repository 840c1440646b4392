/* p10_huge_argv_secret: fork + execve(/usr/bin/touch) with 400 KiB of harmless arguments
 * first and `password=rtm10_huge_secret` near the end (far past a 16 KiB
 * capture, under the kernel's 2 MiB limit).
 * The claim is "does not expose a password via ps": the secret is in the argv every user can
 * read. */
#include "r10.h"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(SCRATCH);
        return 0;
    }
    enum { N = 4000 };
    static char pad[N][101];
    char *args[N + 6];
    int k = 0;
    args[k++] = "touch";
    args[k++] = "-c";
    for (int i = 0; i < N; i++) {
        memset(pad[i], 'p', 100);
        pad[i][100] = 0;
        args[k++] = pad[i];
    }
    args[k++] = "password=rtm10_huge_secret";
    args[k++] = SCRATCH "/rtm10_huge_argv";
    args[k] = NULL;
    /* -c: touch creates none of the names (the pads do not exist); the exec is the point. */
    pid_t c = fork();
    if (c == 0) {
        execv("/usr/bin/touch", args);
        _exit(127);
    }
    waitpid(c, NULL, 0);
    did("fork + execv(/usr/bin/touch) with %d bytes of pads before password=rtm10_huge_secret", N * 101);
    return 0;
}
