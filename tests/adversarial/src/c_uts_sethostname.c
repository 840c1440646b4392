/* sethostname inside a private UTS namespace (the host's name is untouched). */
#include "rt.h"
int main(void) {
    if (unshare(CLONE_NEWUTS) < 0) DIE("unshare");
    if (sethostname("rtm-sethostname", 15) < 0) DIE("sethostname");
    return 0;
}
