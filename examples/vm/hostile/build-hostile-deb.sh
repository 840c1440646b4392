#!/bin/sh
# Builds the hostile TEST DATA package (tracer, issue 13) from pkg/ into $1 (default: .).
set -eu
here=$(dirname "$0")
out=${1:-.}
dpkg-deb --root-owner-group --build "$here/pkg" "$out/tracer-hostile_0.1_all.deb"
