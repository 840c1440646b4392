/* mq_open(O_CREAT) creates /dev/mqueue/NAME (a file where mqueue is mounted). */
#include "rt.h"
#include <mqueue.h>
int main(void) {
    mqd_t q = mq_open("/rtm_mq_open", O_CREAT | O_WRONLY, 0600, NULL);
    if (q == (mqd_t)-1) DIE("mq_open");
    if (mq_send(q, "m", 1, 0) < 0) DIE("mq_send");
    mq_close(q);
    mq_unlink("/rtm_mq_open");
    return 0;
}
