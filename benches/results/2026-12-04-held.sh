#!/bin/bash
# usage: held.sh TRACER COUNT [perf]
T=${1:-/work/wt/perf16/target/release/tracer}; N=${2:-1000000}
uptime
TRACER_BENCH_HOLD_RING=1 FLOOD_OP=socket-distinct $T record -q --force --buffer-size 536870912 -o /tmp/p16/held.jsonl -- /work/wt/perf16/target/release/bench-flood --count $N --dir /tmp/p16 2>&1 >/dev/null | grep bench
ls -la /tmp/p16/held.jsonl
uptime
