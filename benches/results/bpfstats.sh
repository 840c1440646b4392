#!/bin/bash
# usage: bpfstats.sh TRACER COUNT [WORK_DIR] [BENCH_OPEN] : BPF run time of the tracer's programs
# and the tracer's own CPU over an open storm (run in 2026-12-04 with WORK_DIR /tmp/p16 and
# /work/wt/perf16/target/release/bench-open, in 2026-12-05 with /tmp/p25 and speed25's)
T=$1; N=${2:-200000}; W=${3:-/tmp/p25}; B=${4:-target/release/bench-open}
mkdir -p "$W"
rm -f $W/go $W/done
$T record -q --force -o $W/s.jsonl -- sh -c "sleep 4; touch $W/go; $B --count $N --dir $W; touch $W/done; sleep 3" > $W/s.out 2>&1 &
TP=$!
sleep 2.5
cpu() { awk '{print $14+$15}' /proc/$TP/stat; }
sysctl -q -w kernel.bpf_stats_enabled=1
for i in $(seq 1 6000); do [ -e $W/go ] && break; sleep 0.05; done
bpftool prog show --json > $W/progs0.json
C0=$(cpu)
for i in $(seq 1 6000); do [ -e $W/done ] && break; sleep 0.05; done
C1=$(cpu)
ids=$(grep -h "^prog_id:" /proc/$TP/fdinfo/* 2>/dev/null | awk '{print $2}' | sort -u | tr '\n' ' ')
bpftool prog show --json > $W/progs1.json
sysctl -q -w kernel.bpf_stats_enabled=0
wait $TP
grep -h elapsed $W/s.out; grep -h "events written" $W/s.out
echo "tracer CPU over the storm (ticks of 10 ms): $((C1-C0))"
python3 - "$N" $ids <<'PY'
import json,sys
n=int(sys.argv[1]); ids=set(int(x) for x in sys.argv[2:])
def load(f): return {p['id']:p for p in json.load(open(f))}
a,b=load('$W/progs0.json'),load('$W/progs1.json')
rows=[]
for i in ids:
    if i in b:
        t=b[i].get('run_time_ns',0)-a.get(i,{}).get('run_time_ns',0); c=b[i].get('run_cnt',0)-a.get(i,{}).get('run_cnt',0)
        if c>0: rows.append((t,c,b[i].get('name'),b[i].get('type')))
rows.sort(reverse=True)
tot=sum(r[0] for r in rows)
for r in rows[:8]: print("%12d ns %10d runs %8.1f ns/run %s %s"%(r[0],r[1],r[0]/max(r[1],1),r[2],r[3]))
print("programs:",len(ids),"BPF ns total",tot,"per open+close op:",round(tot/n,1))
PY
