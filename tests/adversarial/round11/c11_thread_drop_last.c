/* The process runs as root (its main thread opens, writes, spawns as root); one extra thread
 * drops to uid/gid 12345 by a raw setresgid/setresuid (glibc's setuid would change every
 * thread; the raw syscall changes only the caller) and is the one that ends the process with
 * exit_group after the main thread's last act. A claim "does not run as root" must not hold
 * for a process whose main thread was root all along. */
#include "r11.h"
#include <pthread.h>
static volatile int dropped, go_exit;
static void *dropper(void *arg)
{
    (void)arg;
    if (syscall(SYS_setresgid, 12345, 12345, 12345) < 0 || syscall(SYS_setresuid, 12345, 12345, 12345) < 0)
        DIE("raw setresuid");
    dropped = 1;
    while (!go_exit)
        usleep(1000);
    printf("did: main thread euid %s; this thread euid %d; exiting from this thread\n", "0", (int)syscall(SYS_geteuid));
    fflush(stdout);
    syscall(SYS_exit_group, 0);
    return NULL;
}
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_out();
        return 0;
    }
    pthread_t t;
    pthread_create(&t, NULL, dropper, NULL);
    while (!dropped)
        usleep(1000);
    /* The main thread, still root, does its work. */
    write_file(ALLOWED "/rtm11_as_root", "written by root\n");
    char *args[] = {"true", NULL};
    run_wait("/usr/bin/true", args);
    did("main thread euid %d wrote ALLOWED/rtm11_as_root as root", (int)geteuid());
    go_exit = 1;
    pause();
    return 0;
}
