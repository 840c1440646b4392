/* Round 3's minimal io_uring (uring3.h, which brings r3.h) with round 4's header. */
#include "uring3.h"
#include "r4.h"
