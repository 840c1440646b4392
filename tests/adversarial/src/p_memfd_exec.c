/* Fileless execution: copy a program into a memfd and fexecve it. */
#include "rt.h"
#include <sys/sendfile.h>
int main(void) {
    int m = memfd_create("plain", MFD_CLOEXEC);
    int src = open("/bin/true", O_RDONLY);
    struct stat st;
    if (m < 0 || src < 0 || fstat(src, &st) < 0) DIE("setup");
    if (sendfile(m, src, NULL, st.st_size) != st.st_size) DIE("sendfile");
    pid_t p = fork();
    if (p == 0) {
        char *argv[] = {"x", "rtm_memfd_exec", NULL};
        char *envp[] = {NULL};
        fexecve(m, argv, envp);
        _exit(127);
    }
    rt_wait_all();
    return 0;
}
