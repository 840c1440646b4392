#!/bin/bash
# usage: perfrun.sh TRACER COUNT OUT : perf record of the whole machine over an open storm recorded by TRACER
T=$1; N=${2:-300000}; OUT=${3:-/tmp/p25/perf.data}
rm -f /tmp/p25/go /tmp/p25/done
$T record -q --force -o /tmp/p25/s.jsonl -- sh -c "sleep 4; touch /tmp/p25/go; /work/wt/speed25/target/release/bench-open --count $N --dir /tmp/p25; touch /tmp/p25/done; sleep 3" > /tmp/p25/s.out 2>&1 &
TP=$!
for i in $(seq 1 6000); do [ -e /tmp/p25/go ] && break; sleep 0.05; done
perf record -q -e cpu-clock -F 4999 -a -g -o $OUT -- sh -c 'while [ ! -e /tmp/p25/done ]; do sleep 0.05; done' 2>/dev/null
wait $TP
grep -h elapsed /tmp/p25/s.out
