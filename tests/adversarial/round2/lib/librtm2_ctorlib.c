/* A helper library linked in (DT_NEEDED): its constructor reads the variable before main. */
#include <stdlib.h>
const char *rtm2_ctor_value;
__attribute__((constructor)) static void rtm2_ctor(void)
{
    rtm2_ctor_value = getenv("RTM2_CTOR_LIB");
}
