/* fork + exec touch rtm11_out/rtm11_blank, then (600 ms later, once the recorder has written
 * them) overwrite every trace line naming the child's pid with spaces, in place (pwrite; the
 * trace's path is in the recorder's cmdline): the spawn's fork and exec lines become blank
 * lines. The check must not then say "No processes spawned" held. */
#include "r11.h"
static int forge(pid_t child, char fill)
{
    char path[4096];
    if (!trace_path(path, sizeof path))
        return -1;
    int fd = open(path, O_RDWR);
    if (fd < 0)
        return -1;
    static char buf[1 << 22];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0)
        return -1;
    buf[n] = 0;
    char pat1[32], pat2[32];
    snprintf(pat1, sizeof pat1, "\"pid\":%d,", child);
    snprintf(pat2, sizeof pat2, "\"child_pid\":%d,", child);
    int blanked = 0;
    for (char *line = buf; line < buf + n;) {
        char *nl = memchr(line, '\n', buf + n - line);
        if (!nl)
            break;
        *nl = 0;
        if (strncmp(line, "{\"type\":\"event\"", 15) == 0 && (strstr(line, pat1) || strstr(line, pat2) || strstr(line, "rtm11_blank"))) {
            memset(line, fill, nl - line);
            pwrite(fd, line, nl - line, line - buf);
            blanked++;
        }
        line = nl + 1;
    }
    close(fd);
    return blanked;
}
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_out();
        return 0;
    }
    char fill = strstr(argv[0], "nul") ? 0 : ' ';
    pid_t c = fork();
    if (c == 0) {
        execl("/usr/bin/touch", "touch", OUT "/rtm11_blank", (char *)NULL);
        _exit(127);
    }
    waitpid(c, NULL, 0);
    usleep(600000);
    int k = forge(c, fill);
    did("spawned touch (pid %d); blanked %d trace lines with %s; file exists: %s", c, k, fill ? "spaces" : "NUL bytes", yes_no(OUT "/rtm11_blank"));
    return 0;
}
