/* open_by_handle_at(2) needs CAP_DAC_READ_SEARCH: name_to_handle_at(/etc/hostname), then
 * open_by_handle_at(O_RDONLY) and a read. A use of a capability with no file change. */
#include "r11.h"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv))
        return 0;
    struct file_handle *h = malloc(sizeof *h + MAX_HANDLE_SZ);
    h->handle_bytes = MAX_HANDLE_SZ;
    int mnt;
    if (name_to_handle_at(AT_FDCWD, "/etc/hostname", h, &mnt, 0) < 0)
        DIE("name_to_handle_at");
    int root = open("/", O_RDONLY | O_DIRECTORY);
    int fd = open_by_handle_at(root, h, O_RDONLY);
    char buf[64] = "";
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    did("open_by_handle_at opened: %s (CAP_DAC_READ_SEARCH), read %zd bytes RTM11_handle", fd >= 0 ? "yes" : "no", n);
    return 0;
}
