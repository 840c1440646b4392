/* An absolute path longer than 255 bytes (the recorder's path limit) with the marker at its end. */
#include "rt.h"
int main(void) {
    rt_scratch();
    char path[1024] = SCRATCH;
    for (int i = 0; i < 6; i++) {
        strcat(path, "/dddddddddddddddddddddddddddddddddddddddddddddddddd");
        if (mkdir(path, 0755) < 0 && errno != EEXIST) DIE("mkdir");
    }
    strcat(path, "/rtm_long_path");
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) DIE("open");
    close(fd);
    return 0;
}
