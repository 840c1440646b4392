/* connect() names the allowed 127.0.0.1:47403, the socket ends up at 127.0.0.2:47404: a
 * 5-instruction BPF_CGROUP_INET4_CONNECT program (attached by a bpf link to a child cgroup
 * the install made, holding only this process) rewrites the destination inside the kernel.
 * A listener on 127.0.0.2:47404 accepts it. */
#include "r5.h"
#include <linux/bpf.h>
#define CG "/rtm5_cg"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir(CG2 CG, 0755);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "cleanup") == 0) {
        rmdir(CG2 CG);
        return 0;
    }
    char orig[512];
    cgroup_of(getpid(), orig, sizeof orig);
    cgroup_move(CG, getpid());
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in la = lo4(47404);
    la.sin_addr.s_addr = inet_addr("127.0.0.2");
    if (bind(l, (struct sockaddr *)&la, sizeof la) < 0 || listen(l, 1) < 0)
        DIE("listen 127.0.0.2:47404");
    struct bpf_insn prog[] = {
        {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 2, .imm = 0x0200007f}, /* 127.0.0.2 */
        {.code = BPF_STX | BPF_MEM | BPF_W, .dst_reg = 1, .src_reg = 2, .off = 4}, /* user_ip4 */
        {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 2, .imm = 0x2cb9}, /* htons(47404) */
        {.code = BPF_STX | BPF_MEM | BPF_W, .dst_reg = 1, .src_reg = 2, .off = 24}, /* user_port */
        {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 1},
        {.code = BPF_JMP | BPF_EXIT},
    };
    static char log[4096];
    union bpf_attr a = {0};
    a.prog_type = BPF_PROG_TYPE_CGROUP_SOCK_ADDR;
    a.expected_attach_type = BPF_CGROUP_INET4_CONNECT;
    a.insns = (unsigned long)prog;
    a.insn_cnt = sizeof prog / sizeof prog[0];
    a.license = (unsigned long)"GPL";
    a.log_buf = (unsigned long)log;
    a.log_size = sizeof log;
    a.log_level = 1;
    int pfd = syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof a);
    if (pfd < 0)
        DIE("BPF_PROG_LOAD: %s", log);
    int cgfd = open(CG2 CG, O_RDONLY | O_DIRECTORY);
    memset(&a, 0, sizeof a);
    a.link_create.prog_fd = pfd;
    a.link_create.target_fd = cgfd;
    a.link_create.attach_type = BPF_CGROUP_INET4_CONNECT;
    int lfd = syscall(SYS_bpf, BPF_LINK_CREATE, &a, sizeof a);
    if (lfd < 0)
        DIE("BPF_LINK_CREATE");
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in d = lo4(47403);
    int rc = connect(s, (struct sockaddr *)&d, sizeof d);
    struct sockaddr_in peer;
    socklen_t pl = sizeof peer;
    getpeername(s, (struct sockaddr *)&peer, &pl);
    int acc = accept(l, NULL, NULL);
    close(lfd);
    cgroup_move(orig, getpid());
    did("connect(127.0.0.1:47403) -> %d, peer %s:%d, accepted on 127.0.0.2:47404: %s", rc, inet_ntoa(peer.sin_addr), ntohs(peer.sin_port), acc >= 0 ? "yes" : "no");
    return 0;
}
