/* a8_uring_linked_path_swap: an IORING_OP_OPENAT (O_CREAT) hard-linked behind a 300 ms
 * IORING_OP_TIMEOUT. The kernel copies the path when it preps the entry (inside the submitting
 * io_uring_enter); the open runs 300 ms later. Right after the submit the program rewrites its
 * path buffer from SCRATCH/rtm8_linked_real to ALLOWED/rtm8_linked_decoy: a recorder that reads
 * the user's buffer when the op runs or completes names the allowed file. Then it writes
 * through the fd it got. */
#include "r8.h"
int main(void)
{
    mkdir_p(ALLOWED);
    static char path[256];
    snprintf(path, sizeof path, "%s", SCRATCH "/rtm8_linked_real");
    struct __kernel_timespec ts = {.tv_sec = 0, .tv_nsec = 300 * 1000000L};
    struct ring r;
    ring_init(&r, 0);
    struct io_uring_sqe e[2];
    memset(e, 0, sizeof e);
    e[0].opcode = IORING_OP_TIMEOUT;
    e[0].fd = -1;
    e[0].addr = (unsigned long)&ts;
    e[0].len = 1;
    e[0].flags = IOSQE_IO_HARDLINK;
    e[0].user_data = 1;
    e[1] = uring_create_sqe(path);
    e[1].user_data = 2;
    ring_submit_n(&r, e, 2);
    snprintf(path, sizeof path, "%s", ALLOWED "/rtm8_linked_decoy");
    int res[3] = {0, 0, 0};
    for (int i = 0; i < 2; i++) {
        unsigned long long ud = 0;
        int v = ring_reap(&r, &ud);
        if (ud < 3)
            res[ud] = v;
    }
    const char *text = "rtm8 written through a linked openat";
    if (res[2] >= 0 && write(res[2], text, strlen(text)) < 0)
        DIE("write");
    struct stat st;
    did("timeout -> %d, linked openat -> %d; buffer now says %s; real file exists: %s; decoy exists: %s",
        res[1], res[2], path, stat(SCRATCH "/rtm8_linked_real", &st) == 0 ? "yes" : "no",
        stat(ALLOWED "/rtm8_linked_decoy", &st) == 0 ? "yes" : "no");
    return 0;
}
