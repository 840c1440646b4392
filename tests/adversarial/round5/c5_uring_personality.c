/* Keep root's credentials in an io_uring after dropping them: IORING_REGISTER_PERSONALITY as
 * root, setresgid/setresuid(65534) (the trace shows the drop), then an IORING_OP_SETXATTR of
 * trusted.rtm5_persona (CAP_SYS_ADMIN) with sqe->personality: it runs with the registered root
 * credentials. The same setxattr made directly as 65534 fails with EPERM. */
#include "r5.h"
#include <grp.h>
#define F SCRATCH "/rtm5_persona"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_file(F, 100);
        return 0;
    }
    struct ring r;
    ring_init(&r, 0);
    int id = syscall(SYS_io_uring_register, r.fd, IORING_REGISTER_PERSONALITY, NULL, 0);
    if (id < 0)
        DIE("IORING_REGISTER_PERSONALITY");
    if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 || setresuid(65534, 65534, 65534) < 0)
        DIE("drop to 65534");
    int direct = setxattr(F, "trusted.rtm5_persona", "v", 1, 0) < 0 ? -errno : 0;
    struct io_uring_sqe e = {.opcode = IORING_OP_SETXATTR};
    e.addr = (unsigned long)"trusted.rtm5_persona";
    e.addr2 = (unsigned long)"v";
    e.addr3 = (unsigned long)F;
    e.len = 1;
    e.personality = id;
    int res = ring_run(&r, &e);
    did("as uid %d: setxattr(trusted) directly -> %d; IORING_OP_SETXATTR with personality %d -> %d", geteuid(), direct, id, res);
    return 0;
}
