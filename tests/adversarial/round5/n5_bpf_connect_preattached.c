/* n5_bpf_connect_rewrite with the BPF program loaded before the recording: `prepare` (the
 * install, or a unit's cgroup BPF set up at boot) loads the BPF_CGROUP_INET4_CONNECT program and
 * attaches it with BPF_PROG_ATTACH to a cgroup v2 child rtm5_cg2 (the attachment stays with
 * the cgroup after prepare exits). The recorded run makes no bpf call: it moves itself into
 * rtm5_cg2 and connects to the allowed 127.0.0.1:47408; the kernel sends it to 127.0.0.2:47409,
 * where a listener accepts. `cleanup` removes the cgroup, which frees the program. */
#include "r5.h"
#include <linux/bpf.h>
#define CG "/rtm5_cg2"
static void attach(void)
{
    struct bpf_insn prog[] = {
        {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 2, .imm = 0x0200007f}, /* 127.0.0.2 */
        {.code = BPF_STX | BPF_MEM | BPF_W, .dst_reg = 1, .src_reg = 2, .off = 4}, /* user_ip4 */
        {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 2, .imm = 0x31b9}, /* htons(47409) */
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
    a.target_fd = cgfd;
    a.attach_bpf_fd = pfd;
    a.attach_type = BPF_CGROUP_INET4_CONNECT;
    if (syscall(SYS_bpf, BPF_PROG_ATTACH, &a, sizeof a) < 0)
        DIE("BPF_PROG_ATTACH");
}
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir(CG2 CG, 0755);
        attach();
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "cleanup") == 0) {
        rmdir(CG2 CG);
        return 0;
    }
    char orig[512];
    cgroup_of(getpid(), orig, sizeof orig);
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in la = lo4(47409);
    la.sin_addr.s_addr = inet_addr("127.0.0.2");
    if (bind(l, (struct sockaddr *)&la, sizeof la) < 0 || listen(l, 1) < 0)
        DIE("listen 127.0.0.2:47409");
    cgroup_move(CG, getpid());
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in d = lo4(47408);
    int rc = connect(s, (struct sockaddr *)&d, sizeof d);
    struct sockaddr_in peer;
    socklen_t pl = sizeof peer;
    getpeername(s, (struct sockaddr *)&peer, &pl);
    int acc = accept(l, NULL, NULL);
    cgroup_move(orig, getpid());
    did("connect(127.0.0.1:47408) -> %d, peer %s:%d, accepted on 127.0.0.2:47409: %s", rc, inet_ntoa(peer.sin_addr), ntohs(peer.sin_port), acc >= 0 ? "yes" : "no");
    return 0;
}
