/* f10_open_by_handle: open_by_handle_at(mount fd = dirfd of ALLOWED, handle, O_WRONLY) of
 * SCRATCH/rtm10_real_oh/rtm10_handle (the handle made at install by name_to_handle_at and kept
 * in a file), then write: no path in the call, the mount fd names the allowed dir. */
#include "r10.h"
#define REAL SCRATCH "/rtm10_real_oh"
#define HANDLE SCRATCH "/rtm10_handle.bin"
int main(int argc, char **argv)
{
    char buf[sizeof(struct file_handle) + MAX_HANDLE_SZ];
    struct file_handle *h = (struct file_handle *)buf;
    if (is_prepare(argc, argv)) {
        touch_p(REAL "/rtm10_handle");
        mkdir_p(ALLOWED);
        int mnt;
        h->handle_bytes = MAX_HANDLE_SZ;
        if (name_to_handle_at(AT_FDCWD, REAL "/rtm10_handle", h, &mnt, 0) < 0)
            DIE("name_to_handle_at");
        int fd = open(HANDLE, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0 || write(fd, buf, sizeof(struct file_handle) + h->handle_bytes) < 0)
            DIE("save handle");
        close(fd);
        return 0;
    }
    int fd = open(HANDLE, O_RDONLY);
    if (fd < 0 || read(fd, buf, sizeof buf) <= 0)
        DIE("read handle");
    close(fd);
    int mfd = open(ALLOWED, O_RDONLY | O_DIRECTORY);
    int f = open_by_handle_at(mfd, h, O_WRONLY | O_TRUNC);
    if (f < 0)
        DIE("open_by_handle_at");
    static const char text[] = "rtm10 written through a file handle\n";
    if (write(f, text, sizeof text - 1) < 0)
        DIE("write");
    close(f);
    struct stat st;
    stat(REAL "/rtm10_handle", &st);
    did("open_by_handle_at(dirfd of %s, handle of %s/rtm10_handle, O_WRONLY) + write; real size now %ld", ALLOWED, REAL, (long)st.st_size);
    return 0;
}
