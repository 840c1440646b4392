/* getenv as a thread's start routine: libc's start_thread calls it, so its immediate caller is
 * libc. */
#include "envcommon.h"
#include <pthread.h>
int main(void)
{
    pthread_t t;
    void *ret;
    pthread_create(&t, NULL, (void *(*)(void *))libc_sym("getenv"), "RTM2_THREAD_START");
    pthread_join(t, &ret);
    did("getenv(\"RTM2_THREAD_START\") as a thread start routine -> %s", ret ? (char *)ret : "(null)");
    return 0;
}
