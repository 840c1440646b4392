#!/bin/sh
# A shell reads a variable by parameter expansion: dash copied its environment at start-up and
# never calls getenv(3) for it.
echo "did: read RTM2_SH_VAR=${RTM2_SH_VAR} by parameter expansion in /bin/sh"
