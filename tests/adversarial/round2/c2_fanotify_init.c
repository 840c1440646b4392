/* fanotify_init(FAN_CLASS_CONTENT) + a permission mark (CAP_SYS_ADMIN): the power to watch and
 * block other processes' opens under a directory. */
#include "common.h"
#include <sys/fanotify.h>
int main(void)
{
    int fan = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC, O_RDONLY);
    if (fan < 0)
        DIE("fanotify_init");
    if (fanotify_mark(fan, FAN_MARK_ADD, FAN_OPEN_PERM, AT_FDCWD, SCRATCH) < 0)
        DIE("fanotify_mark");
    did("fanotify_init(FAN_CLASS_CONTENT) + FAN_OPEN_PERM mark on %s", SCRATCH);
    return 0;
}
