/* socket + connect through the ia32 multiplexer socketcall(2) (int $0x80, i386 nr 102) to
 * 127.0.0.1:47011, where nothing listens. */
#include "net.h"
static struct sockaddr_in addr;
static uint32_t args[3];
int main(void) {
    args[0] = AF_INET; args[1] = SOCK_STREAM; args[2] = 0;
    long s = rt_int80(102, 1 /* SYS_SOCKET */, (long)args, 0, 0, 0);
    if (s < 0) { errno = -s; DIE("int80 socket"); }
    addr = lo4("127.0.0.1", 47011);
    args[0] = s; args[1] = (uint32_t)(uintptr_t)&addr; args[2] = sizeof addr;
    rt_int80(102, 3 /* SYS_CONNECT */, (long)args, 0, 0, 0);
    return 0;
}
