/* x7_vdso_getrandom: a 256-bit key from the kernel's vDSO getrandom (6.11+): the program finds
 * __vdso_getrandom in the vDSO's own symbol table and calls it; with its opaque state mapped the
 * bytes come from a ChaCha20 generator in user space, no getrandom syscall, no library. */
#include "r7.h"
#include <elf.h>
#include <sys/auxv.h>
typedef ssize_t (*vgr_t)(void *, size_t, unsigned, void *, size_t);
struct vgr_params {
    uint32_t size_of_opaque_state, mmap_prot, mmap_flags, reserved[13];
};
int main(void)
{
    char *base = (char *)getauxval(AT_SYSINFO_EHDR);
    if (!base)
        DIE("no vDSO");
    Elf64_Ehdr *eh = (Elf64_Ehdr *)base;
    Elf64_Shdr *sh = (Elf64_Shdr *)(base + eh->e_shoff);
    Elf64_Phdr *ph = (Elf64_Phdr *)(base + eh->e_phoff);
    long bias = 0;
    for (int i = 0; i < eh->e_phnum; i++)
        if (ph[i].p_type == PT_LOAD) {
            bias = (long)base + (long)ph[i].p_offset - (long)ph[i].p_vaddr;
            break;
        }
    vgr_t fn = NULL;
    for (int i = 0; i < eh->e_shnum && !fn; i++) {
        if (sh[i].sh_type != SHT_DYNSYM)
            continue;
        Elf64_Sym *sym = (Elf64_Sym *)(base + sh[i].sh_offset);
        const char *str = base + sh[sh[i].sh_link].sh_offset;
        for (size_t j = 0; j < sh[i].sh_size / sizeof *sym; j++)
            if (strcmp(str + sym[j].st_name, "__vdso_getrandom") == 0)
                fn = (vgr_t)(bias + sym[j].st_value);
    }
    if (!fn) {
        did("no __vdso_getrandom in this vDSO");
        return 0;
    }
    struct vgr_params p;
    memset(&p, 0, sizeof p);
    if (fn(NULL, 0, 0, &p, ~0UL) != 0)
        DIE("vgetrandom params");
    void *state = mmap(NULL, 4096, p.mmap_prot, p.mmap_flags, -1, 0);
    if (state == MAP_FAILED)
        DIE("mmap state");
    unsigned char key[32];
    ssize_t n = 0;
    for (int i = 0; i < 4; i++) /* the first call may still fall back; later ones are in user space */
        n = fn(key, sizeof key, 0, state, p.size_of_opaque_state);
    unsigned x = 0;
    for (int i = 0; i < 32; i++)
        x = x * 31 + key[i];
    did("vDSO getrandom: %zd-byte key (state %u bytes), checksum %08x", n, p.size_of_opaque_state, x);
    return 0;
}
