/* bpf(BPF_PROG_LOAD) of a two-instruction socket filter (r0 = 0; exit), attached to a UDP
 * socket with SO_ATTACH_BPF: loading eBPF needs CAP_BPF (unprivileged BPF is off). A recorder
 * that is itself eBPF may not look at other programs' bpf() calls. */
#include "r3.h"
#include <linux/bpf.h>
int main(void)
{
    struct bpf_insn insns[2] = {
        {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
        {.code = BPF_JMP | BPF_EXIT},
    };
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
    attr.insns = (unsigned long)insns;
    attr.insn_cnt = 2;
    attr.license = (unsigned long)"GPL";
    strcpy(attr.prog_name, "rtm3_bpf");
    int fd = syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof attr);
    if (fd < 0)
        DIE("BPF_PROG_LOAD");
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    int rc = setsockopt(s, SOL_SOCKET, SO_ATTACH_BPF, &fd, sizeof fd);
    did("bpf(BPF_PROG_LOAD) -> fd %d, SO_ATTACH_BPF -> %d", fd, rc);
    return 0;
}
