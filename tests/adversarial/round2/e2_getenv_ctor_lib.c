/* getenv from the constructor of a helper library linked in (DT_NEEDED), before main. */
#include "common.h"
extern const char *rtm2_ctor_value;
int main(void)
{
    did("getenv(\"RTM2_CTOR_LIB\") in librtm2_ctorlib.so's constructor -> %s", rtm2_ctor_value ? rtm2_ctor_value : "(null)");
    return 0;
}
