/* Read the environment by walking `environ` directly: no getenv call at all. */
#include "rt.h"
extern char **environ;
int main(void) {
    int found = 0;
    for (char **e = environ; *e; e++)
        if (strncmp(*e, "RTM_ENVIRON_WALK=", 17) == 0) found = 1;
    return found ? 0 : 0;
}
