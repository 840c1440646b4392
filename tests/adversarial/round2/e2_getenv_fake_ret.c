/* getenv entered with a forged return address: the word on the stack at its entry points at a
 * `ret` byte inside libc, which returns to us. */
#include "envcommon.h"
int main(void)
{
    void *gadget = ret_gadget_near(libc_sym("getpid"));
    char *v = (char *)fake_call(libc_sym("getenv"), gadget, (long)"RTM2_FAKE_RET", 0);
    did("getenv(\"RTM2_FAKE_RET\") with return address %p in libc -> %s", gadget, v ? v : "(null)");
    return 0;
}
