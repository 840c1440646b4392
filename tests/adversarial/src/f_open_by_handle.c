/* open_by_handle_at(2) with a file handle made before the recording (`prepare`): the recorded
 * process never names the file it writes. Needs CAP_DAC_READ_SEARCH (root). */
#include "rt.h"
#define TARGET SCRATCH "/rtm_open_by_handle"
#define HANDLE SCRATCH "/handle.bin"
int main(int argc, char **argv) {
    rt_scratch();
    char buf[sizeof(struct file_handle) + MAX_HANDLE_SZ];
    struct file_handle *fh = (struct file_handle *)buf;
    if (argc > 1 && strcmp(argv[1], "prepare") == 0) {
        rt_write_file(TARGET, "");
        int mnt;
        fh->handle_bytes = MAX_HANDLE_SZ;
        if (name_to_handle_at(AT_FDCWD, TARGET, fh, &mnt, 0) < 0) DIE("name_to_handle_at");
        int fd = open(HANDLE, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0 || write(fd, buf, sizeof buf) < 0) DIE("write handle");
        close(fd);
        return 0;
    }
    int hfd = open(HANDLE, O_RDONLY);
    if (hfd < 0 || read(hfd, buf, sizeof buf) < 0) DIE("read handle");
    close(hfd);
    int mfd = open("/tmp", O_RDONLY | O_DIRECTORY);
    if (mfd < 0) DIE("open mount");
    int fd = open_by_handle_at(mfd, fh, O_WRONLY | O_TRUNC);
    if (fd < 0) DIE("open_by_handle_at");
    if (write(fd, "written by handle\n", 18) < 0) DIE("write");
    close(fd);
    return 0;
}
