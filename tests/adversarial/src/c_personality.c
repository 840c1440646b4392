/* personality(ADDR_NO_RANDOMIZE|READ_IMPLIES_EXEC): turns off ASLR for what it execs next. */
#include "rt.h"
#include <sys/personality.h>
int main(void) {
    if (personality(ADDR_NO_RANDOMIZE | READ_IMPLIES_EXEC) < 0) DIE("personality");
    return 0;
}
