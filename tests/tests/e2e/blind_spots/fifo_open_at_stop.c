/* An open still waiting when the recording stops (run with --leave-running and a duration):
 * its argument is the path of a FIFO the test made, which nobody opens for writing, so this
 * read-only open waits for a writer that never comes. Prints {"pid":N}, then lets go of stdout
 * and stderr so that whoever reads them is not held until the open ends. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    printf("{\"pid\":%d}\n", getpid());
    fflush(stdout);
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    return open(argv[1], O_RDONLY) < 0;
}
