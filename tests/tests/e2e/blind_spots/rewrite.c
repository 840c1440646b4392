/* Arguments rewritten while the call waits. A thread opens a FIFO for writing from a buffer
 * (it blocks until a reader comes); meanwhile the main thread rewrites the buffer to another
 * name, then opens the FIFO for reading through its own buffer, which lets the open go on. The
 * kernel opened the FIFO; the buffer names the decoy by the time the open returns. Then the
 * same with a unix-socket connect that waits for room in a full backlog. argv[1]: a directory. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static char path[256];
static struct sockaddr_un addr;

static void *open_fifo(void *arg) {
    (void)arg;
    int fd = open(path, O_WRONLY);
    if (fd < 0)
        perror("open fifo");
    else
        close(fd);
    return NULL;
}

static void *connect_full(void *arg) {
    (void)arg;
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    if (connect(s, (struct sockaddr *)&addr, sizeof addr) != 0)
        perror("connect (waiting)");
    close(s);
    return NULL;
}

static void settle(void) {
    struct timespec t = {0, 300 * 1000 * 1000};
    nanosleep(&t, NULL);
}

int main(int argc, char **argv) {
    if (argc < 2)
        return 2;
    char fifo[200];
    snprintf(fifo, sizeof fifo, "%s/fifo", argv[1]);
    if (mkfifo(fifo, 0600) != 0) {
        perror("mkfifo");
        return 1;
    }
    snprintf(path, sizeof path, "%s", fifo);
    pthread_t t;
    pthread_create(&t, NULL, open_fifo, NULL);
    settle();
    snprintf(path, sizeof path, "%s/decoy-file", argv[1]);
    int r = open(fifo, O_RDONLY);
    pthread_join(t, NULL);
    close(r);

    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    snprintf(addr.sun_path, sizeof addr.sun_path, "%s/sock", argv[1]);
    if (bind(l, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(l, 0) != 0) {
        perror("bind/listen");
        return 1;
    }
    /* Fills the backlog of 0: the next connect waits. */
    int first = socket(AF_UNIX, SOCK_STREAM, 0);
    if (connect(first, (struct sockaddr *)&addr, sizeof addr) != 0)
        perror("connect (first)");
    pthread_create(&t, NULL, connect_full, NULL);
    settle();
    snprintf(addr.sun_path, sizeof addr.sun_path, "%s/decoy-sock", argv[1]);
    int a = accept(l, NULL, NULL);
    int b = accept(l, NULL, NULL);
    pthread_join(t, NULL);
    close(a);
    close(b);
    return 0;
}
