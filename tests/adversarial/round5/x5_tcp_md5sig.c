/* TCP-MD5 signatures (RFC 2385): both ends of a loopback connection set TCP_MD5SIG with a key;
 * the kernel signs and checks every segment (MD5 over the segment and the key). Crypto in the
 * kernel's TCP stack: no library, no random source. */
#include "r5.h"
#include <netinet/tcp.h>
static void md5key(int s)
{
    struct tcp_md5sig k = {0};
    struct sockaddr_in *a = (struct sockaddr_in *)&k.tcpm_addr;
    *a = lo4(0);
    k.tcpm_keylen = 16;
    memcpy(k.tcpm_key, "rtm5-md5-secret!", 16);
    if (setsockopt(s, IPPROTO_TCP, TCP_MD5SIG, &k, sizeof k) < 0)
        DIE("TCP_MD5SIG");
}
int main(void)
{
    int l = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &(int){1}, sizeof(int));
    md5key(l);
    struct sockaddr_in la = lo4(47406);
    if (bind(l, (struct sockaddr *)&la, sizeof la) < 0 || listen(l, 1) < 0)
        DIE("listen");
    int s = socket(AF_INET, SOCK_STREAM, 0);
    md5key(s);
    int rc = connect(s, (struct sockaddr *)&la, sizeof la);
    int a = accept(l, NULL, NULL);
    write(s, "signed", 6);
    char b[8] = {0};
    ssize_t n = a >= 0 ? read(a, b, 6) : -1;
    did("TCP-MD5 signed loopback connection: connect -> %d, read %zd bytes '%s'", rc, n, b);
    return 0;
}
