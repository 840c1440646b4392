/* fork + exec /usr/bin/true with LD_PRELOAD=librtm11_pre.so (built beside this program): the
 * library's constructor, inside true's process, creates rtm11_out/rtm11_preload_file and spawns
 * touch rtm11_out/rtm11_preload_spawn. A claims file that allows `true` must still see both. */
#include "r11.h"
#include <libgen.h>
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_out();
        return 0;
    }
    char self[512], lib[600];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    self[n > 0 ? n : 0] = 0;
    snprintf(lib, sizeof lib, "LD_PRELOAD=%s/librtm11_pre.so", dirname(self));
    pid_t c = fork();
    if (c == 0) {
        char *args[] = {"true", NULL};
        char *env[] = {lib, "RTM11_PRE=1", "PATH=/usr/bin:/bin", NULL};
        execve("/usr/bin/true", args, env);
        _exit(127);
    }
    waitpid(c, NULL, 0);
    did("true with a preloaded library: file %s, spawned file %s", yes_no(OUT "/rtm11_preload_file"), yes_no(OUT "/rtm11_preload_spawn"));
    return 0;
}
