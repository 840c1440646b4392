/* e8_getenv_skip_entry: getenv(3) of the shared libc, entered one instruction late. glibc's
 * getenv begins with `push %r15`; the program pushes r15 itself and jumps to getenv+2, so an
 * int3 a recorder planted on getenv's first byte (a uprobe) never runs. The rest of getenv runs
 * unchanged and returns the value. The program also says whether that first byte was an int3. */
#include "r8.h"
#include <dlfcn.h>
int main(void)
{
    static const unsigned char prologue[] = {0x41, 0x57, 0x41, 0x56}; /* push r15; push r14 */
    /* The definition in libc, not the executable's PLT stub (a -no-pie program's &getenv). */
    void *libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
    unsigned char *fn = libc ? dlsym(libc, "getenv") : NULL;
    if (!fn)
        DIE("dlsym getenv");
    int probed = 0;
    if (!entry_is(fn, prologue, sizeof prologue, &probed)) {
        did("getenv does not start with push r15 here (%02x %02x): not done", fn[0], fn[1]);
        return 0;
    }
    char *v = skip_push_r15("RTM8_SKIP_ENTRY", fn + 2);
    did("getenv entered at +2 (first byte %s) RTM8_SKIP_ENTRY -> %s", probed ? "int3: a uprobe is on it" : "intact",
        v ? v : "(null)");
    return 0;
}
