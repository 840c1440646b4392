/* a11_trace_blank_spawn with NUL bytes instead of spaces (what a hole punched in the file
 * reads as). */
#include "a11_trace_blank_spawn.c"
