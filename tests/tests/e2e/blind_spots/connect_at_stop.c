/* A connect still waiting when the recording stops (run with --leave-running and a duration):
 * its argument is the port of a listener on 127.0.0.3 whose accept queue the test filled
 * (backlog 0, one connection), so this connect waits for the retry of its dropped SYN, about
 * two minutes: its exit, where the event is written, comes after the recording. Prints
 * {"pid":N}, then lets go of stdout and stderr so that whoever reads them is not held until
 * the connect ends. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1]))};
    inet_pton(AF_INET, "127.0.0.3", &a.sin_addr);
    printf("{\"pid\":%d}\n", getpid());
    fflush(stdout);
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    connect(s, (struct sockaddr *)&a, sizeof a);
    return 0;
}
