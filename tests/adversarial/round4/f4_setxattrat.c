/* setxattrat(2) (6.13): 1 KiB of data stored in user.rtm4_payload through a read-only fd and
 * AT_EMPTY_PATH, a syscall newer than setxattr/fsetxattr; the only open is read-only. */
#include "r4.h"
#define F SCRATCH "/rtm4_setxattrat"
#ifndef __NR_setxattrat
#define __NR_setxattrat 463
#endif
struct xattr_args4 {
    uint64_t value;
    uint32_t size;
    uint32_t flags;
};
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_file(F, 16);
        return 0;
    }
    char data[1024];
    memset(data, 'x', sizeof data);
    int fd = open(F, O_RDONLY);
    if (fd < 0)
        DIE("open O_RDONLY");
    struct xattr_args4 a = {.value = (uintptr_t)data, .size = sizeof data, .flags = 0};
    if (syscall(__NR_setxattrat, fd, "", AT_EMPTY_PATH, "user.rtm4_payload", &a, sizeof a) < 0)
        DIE("setxattrat");
    char back[2048];
    ssize_t n = getxattr(F, "user.rtm4_payload", back, sizeof back);
    did("setxattrat(read-only fd, \"\", AT_EMPTY_PATH): user.rtm4_payload is %zd bytes", n);
    return 0;
}
