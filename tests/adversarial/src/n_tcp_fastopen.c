/* TCP Fast Open: sendto(MSG_FASTOPEN) connects and sends in one call, no connect(2). Nothing
 * listens on 127.0.0.1:47004, so it is refused. */
#include "net.h"
#include <netinet/tcp.h>
int main(void) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = lo4("127.0.0.1", 47004);
    sendto(s, "rtm", 3, MSG_FASTOPEN, (struct sockaddr *)&a, sizeof a);
    return 0;
}
