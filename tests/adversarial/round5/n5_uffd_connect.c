/* TCP connect with the sockaddr in a userfaultfd page filled 300 ms after the kernel's copy
 * first touches it: 127.0.0.1:47405, where a listener of ours accepts. */
#include "r5.h"
static void fill(char *page, char *buf)
{
    (void)page;
    struct sockaddr_in a = lo4(47405);
    memcpy(buf, &a, sizeof a);
}
int main(void)
{
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in la = lo4(47405);
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &(int){1}, sizeof(int));
    if (bind(l, (struct sockaddr *)&la, sizeof la) < 0 || listen(l, 1) < 0)
        DIE("listen");
    char *page = uffd_page(fill, 300);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int rc = connect(s, (struct sockaddr *)page, sizeof(struct sockaddr_in));
    int acc = accept(l, NULL, NULL);
    did("connect(127.0.0.1:47405) from a userfaultfd page -> %d, accepted: %s", rc, acc >= 0 ? "yes" : "no");
    return 0;
}
