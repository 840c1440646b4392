/* A Python daemon reading its configuration from os.environ: CPython copies `environ` into a
 * dict at start-up, so the lookup is a dict access and never a getenv(3) call. */
#include "rt.h"
int main(void) {
    execl("/usr/bin/python3", "python3", "-c", "import os, sys; sys.exit(0 if os.environ.get('RTM_PYTHON_ENVIRON') else 3)", (char *)NULL);
    DIE("exec python3");
}
