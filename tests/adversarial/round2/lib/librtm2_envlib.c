/* A helper library the program ships and dlopens: its getenv is the library's "own". */
#include <stdlib.h>
const char *rtm2_lib_read(void)
{
    return getenv("RTM2_DLOPEN_LIB");
}
