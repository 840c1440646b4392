#!/bin/bash
# usage: bpfstats.sh TRACER COUNT : BPF run time of the tracer's programs and the tracer's own CPU over an open storm
T=$1; N=${2:-200000}
rm -f /tmp/p25/go /tmp/p25/done
$T record -q --force -o /tmp/p25/s.jsonl -- sh -c "sleep 4; touch /tmp/p25/go; /work/wt/speed25/target/release/bench-open --count $N --dir /tmp/p25; touch /tmp/p25/done; sleep 3" > /tmp/p25/s.out 2>&1 &
TP=$!
sleep 2.5
cpu() { awk '{print $14+$15}' /proc/$TP/stat; }
sysctl -q -w kernel.bpf_stats_enabled=1
for i in $(seq 1 6000); do [ -e /tmp/p25/go ] && break; sleep 0.05; done
bpftool prog show --json > /tmp/p25/progs0.json
C0=$(cpu)
for i in $(seq 1 6000); do [ -e /tmp/p25/done ] && break; sleep 0.05; done
C1=$(cpu)
ids=$(grep -h "^prog_id:" /proc/$TP/fdinfo/* 2>/dev/null | awk '{print $2}' | sort -u | tr '\n' ' ')
bpftool prog show --json > /tmp/p25/progs1.json
sysctl -q -w kernel.bpf_stats_enabled=0
wait $TP
grep -h elapsed /tmp/p25/s.out; grep -h "events written" /tmp/p25/s.out
echo "tracer CPU over the storm (ticks of 10 ms): $((C1-C0))"
python3 - "$N" $ids <<'PY'
import json,sys
n=int(sys.argv[1]); ids=set(int(x) for x in sys.argv[2:])
def load(f): return {p['id']:p for p in json.load(open(f))}
a,b=load('/tmp/p25/progs0.json'),load('/tmp/p25/progs1.json')
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
