/* fchmodat2 (syscall 452) by path, AT_SYMLINK_NOFOLLOW, 04755 on rtm11_out/rtm11_fchmodat2
 * (install-made): a setuid bit set outside the allowed dir (round 3 did fchmodat2 on an O_PATH
 * fd with AT_EMPTY_PATH). */
#include "r11.h"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_out();
        write_file(OUT "/rtm11_fchmodat2", "x");
        return 0;
    }
    long r = syscall(452, AT_FDCWD, OUT "/rtm11_fchmodat2", 04755, AT_SYMLINK_NOFOLLOW);
    did("fchmodat2 -> %ld; real mode now %o", r, mode_of(OUT "/rtm11_fchmodat2"));
    return 0;
}
