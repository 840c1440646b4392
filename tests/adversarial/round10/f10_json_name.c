/* f10_json_name: a file outside the allowed dir whose name is a JSON fragment: a quote that
 * would close the path string, a fake `real` naming the allowed dir, a newline, and a whole
 * forged trace line (an event of kind rtm10_forged, then a footer). A file name cannot hold a
 * `/`, so the forged `real` is spelt with JSON's `\u002f` escape. Made by openat(dirfd of
 * SCRATCH/rtm10_real_json, NAME, O_CREAT). */
#include "r10.h"
#define REAL SCRATCH "/rtm10_real_json"
static const char NAME[] =
    "rtm10_json\",\"real\":\"\\u002ftmp\\u002fredteam-adv10\\u002fallowed\\u002fx\"}}\n"
    "{\"type\":\"event\",\"seq\":999999,\"ts_ns\":1,\"pid\":1,\"tid\":1,\"ppid\":0,"
    "\"comm\":\"x\",\"kind\":\"rtm10_forged\",\"fields\":{}}\n"
    "{\"type\":\"footer\",\"stop_reason\":\"rtm10_forged\"}\n";
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(REAL);
        mkdir_p(ALLOWED);
        return 0;
    }
    if (strlen(NAME) > 255) {
        fprintf(stderr, "name too long: %zu\n", strlen(NAME));
        return 1;
    }
    int dfd = open(REAL, O_RDONLY | O_DIRECTORY);
    int fd = openat(dfd, NAME, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        DIE("openat");
    close(fd);
    did("openat(dirfd of %s, a %zu-byte JSON name, O_CREAT); real file exists: %s", REAL, strlen(NAME),
        faccessat(dfd, NAME, F_OK, 0) == 0 ? "yes" : "no");
    return 0;
}
