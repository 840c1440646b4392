#!/usr/bin/env python3
"""Issue 16: the recorder's ways of hooking syscalls (`record --syscall-hooks`), measured
against each other on one machine in one session. `cargo xtask bench` has no per-mode rows,
so this runs the three measurements the choice rests on, configurations interleaved per round:

- start-stop: wall time of `tracer record -q -o FILE --syscall-hooks MODE -- /bin/true`, the
  part of it after the target's exit (the trace's `exit` event, CLOCK_MONOTONIC, to the
  recorder's exit), and how long the background detacher (`tracer-detach`) then holds the
  hooks (until it is a zombie: its descriptors are closed);
- unrelated: a process outside the recorded scope (the recorder scoped to an idle `sleep`)
  running N x open+close, and 5N x getppid (a syscall no mode hooks), against no recording;
- recorded: the same open+close loop as the recorded command.

Every loop times itself (CLOCK_MONOTONIC around the loop only). Run as root:
`python3 benches/syscall_hooks.py --tracer target/debug/tracer --rounds 5`.
"""

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

MODES = ["raw", "per-syscall", "perf-raw"]

LOOP_C = r"""
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
static long long now(void) {
    struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}
int main(int argc, char **argv) {
    long n = atol(argv[2]);
    long long t0 = now();
    if (strcmp(argv[1], "open") == 0) {
        for (long i = 0; i < n; i++) { int fd = open(argv[3], O_RDONLY); if (fd < 0) return 1; close(fd); }
    } else {
        for (long i = 0; i < n; i++) syscall(SYS_getppid);
    }
    printf("%lld\n", now() - t0);
    return 0;
}
"""


def comm_pids(name):
    pids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/comm") as f:
                if f.read().strip() == name:
                    pids.append(int(d))
        except OSError:
            pass
    return pids


def live(pid):
    """Whether a process still runs: a zombie has closed its descriptors (the hooks are
    detached) and only waits to be reaped, which a sandbox's init may do seconds late."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_no_detachers(limit=120.0):
    # Zombies included: the recorder waits for them too (`live_detachers` counts them).
    deadline = time.monotonic() + limit
    while comm_pids("tracer-detach") and time.monotonic() < deadline:
        time.sleep(0.01)


def foreign_tracers(own):
    """Other recorders running now (other sessions' tests): their hooks slow every syscall."""
    return [p for p in comm_pids("tracer") if p not in own]


def read_trace(path):
    with open(path) as f:
        lines = [json.loads(line) for line in f if line.strip()]
    return lines[0], lines[1:-1], lines[-1]


def syscall_hooks_of(header):
    attached = header["hooks"]["attached"]
    if "raw_tracepoint:sys_exit" in attached:
        return "raw"
    if "tracepoint:raw_syscalls/sys_exit" in attached:
        return "perf-raw"
    if any(a.startswith("tracepoint:syscalls/") for a in attached):
        return "per-syscall"
    return "?"


def start_stop(tracer, mode, out):
    wait_no_detachers()
    others = foreign_tracers([])
    before = set(comm_pids("tracer-detach"))
    t0 = time.monotonic()
    r = subprocess.run(
        [tracer, "record", "--force", "-q", "-o", out, "--syscall-hooks", mode, "--", "/bin/true"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    t1 = time.monotonic()
    if r.returncode != 0:
        raise RuntimeError(f"{mode}: {r.stderr.decode()}")
    # This recording's detacher (one that was not there before it) holds the hooks until the
    # kernel has closed them.
    ours = set(comm_pids("tracer-detach")) - before
    while any(live(p) for p in ours):
        time.sleep(0.005)
    t2 = time.monotonic()
    header, events, _ = read_trace(out)
    used = syscall_hooks_of(header)
    if used != mode:
        raise RuntimeError(f"asked {mode}, recorded with {used}")
    target = header["target"]["pid"]
    exits = [e["ts_ns"] for e in events if e["kind"] == "exit" and e["pid"] == target]
    after_exit = t1 - exits[-1] / 1e9 if exits else float("nan")
    return {"wall": t1 - t0, "after_exit": after_exit, "detach": t2 - t1, "foreign": len(others)}


def loop(bin_, what, n, target):
    r = subprocess.run([bin_, what, str(n), target], capture_output=True, check=True)
    return int(r.stdout.split()[-1]) / 1e9


def unrelated(tracer, mode, bin_, n, target, out):
    """Loop times of a process outside the scope, with the recorder (`mode`) or without."""
    wait_no_detachers()
    others = foreign_tracers([])
    idle = subprocess.Popen(["sleep", "100000"])
    rec = None
    try:
        if mode is not None:
            if os.path.exists(out):
                os.remove(out)
            rec = subprocess.Popen(
                [tracer, "record", "-q", "--syscall-hooks", mode, "--pid", str(idle.pid), "-o", out],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            # The header on disk means "recording"; it is in NAME.partial until the end.
            deadline = time.monotonic() + 120
            while True:
                try:
                    with open(out + ".partial") as f:
                        if f.readline().endswith("\n"):
                            break
                except OSError:
                    pass
                if rec.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{mode}: recorder did not start")
                time.sleep(0.02)
        o = loop(bin_, "open", n, target)
        g = loop(bin_, "getppid", 5 * n, target)
    finally:
        if rec is not None:
            rec.send_signal(signal.SIGINT)
            rec.wait()
        idle.kill()
        idle.wait()
    if rec is not None:
        header, events, footer = read_trace(out)
        if syscall_hooks_of(header) != mode:
            raise RuntimeError(f"asked {mode}, recorded with {syscall_hooks_of(header)}")
    return {"open": o, "getppid": g, "foreign": len(others)}


def recorded(tracer, mode, bin_, n, target, out, buffer):
    wait_no_detachers()
    others = foreign_tracers([])
    if mode is None:
        return {"open": loop(bin_, "open", n, target), "foreign": len(others)}
    r = subprocess.run(
        [tracer, "record", "--force", "-q", "--syscall-hooks", mode, "--buffer-size", str(buffer),
         "-o", out, "--", bin_, "open", str(n), target],
        capture_output=True,
        check=True,
    )
    header, events, footer = read_trace(out)
    if syscall_hooks_of(header) != mode:
        raise RuntimeError(f"asked {mode}, recorded with {syscall_hooks_of(header)}")
    opens = sum(1 for e in events if e["kind"] == "open" and target in json.dumps(e["fields"]))
    lost = sum(footer["lost"].values())
    return {"open": int(r.stdout.split()[-1]) / 1e9, "opens": opens, "lost": lost, "foreign": len(others)}


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tracer", required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--n", type=int, default=200000)
    ap.add_argument("--only", default="startstop,unrelated,recorded")
    # Room for every event of the recorded loop: a loss makes the loop cheaper, and a debug
    # build's collector falls behind.
    ap.add_argument("--buffer-size", type=int, default=256 << 20)
    a = ap.parse_args()
    only = a.only.split(",")
    tmp = tempfile.mkdtemp(prefix="syscall-hooks-")
    src = os.path.join(tmp, "loop.c")
    bin_ = os.path.join(tmp, "loop")
    with open(src, "w") as f:
        f.write(LOOP_C)
    subprocess.run(["cc", "-O2", "-o", bin_, src], check=True)
    target = os.path.join(tmp, "file")
    with open(target, "w") as f:
        f.write("x")
    out = os.path.join(tmp, "x.jsonl")
    load_before = open("/proc/loadavg").read().split()[:3]
    rows = {}

    def add(key, sample):
        rows.setdefault(key, []).append(sample)
        print(key, sample, file=sys.stderr, flush=True)

    for rnd in range(a.rounds):
        order = MODES[rnd % 3:] + MODES[: rnd % 3]
        if "startstop" in only:
            for m in order:
                add(("startstop", m), start_stop(a.tracer, m, out))
        if "unrelated" in only:
            for m in [None] + order:
                add(("unrelated", m), unrelated(a.tracer, m, bin_, a.n, target, out))
        if "recorded" in only:
            for m in [None] + order:
                add(("recorded", m), recorded(a.tracer, m, bin_, a.n, target, out, a.buffer_size))
    load_after = open("/proc/loadavg").read().split()[:3]
    uname = os.uname()
    print(f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"- kernel: {uname.release}; cores: {os.cpu_count()}; tracer: {a.tracer}")
    print(f"- rounds: {a.rounds} (modes interleaved, order rotated per round); N = {a.n}; recorded runs with --buffer-size {a.buffer_size}")
    print(f"- load average before: {' '.join(load_before)}, after: {' '.join(load_after)}")
    print()
    if "startstop" in only:
        print("| `record -- /bin/true` | wall s (median, min-max) | target exit → recorder exit s | detacher holds hooks s | runs beside another recorder |")
        print("|---|---|---|---|---|")
        for m in MODES:
            s = rows.get(("startstop", m), [])
            w = [x["wall"] for x in s]
            print(
                f"| {m} | {med(w):.3f} ({min(w):.3f}-{max(w):.3f}) | {med([x['after_exit'] for x in s]):.3f} | "
                f"{med([x['detach'] for x in s]):.3f} | {sum(1 for x in s if x['foreign'])}/{len(s)} |"
            )
        print()
    if "unrelated" in only:
        base = rows.get(("unrelated", None), [])
        bo, bg = med([x["open"] for x in base]), med([x["getppid"] for x in base])
        print(f"| unrelated process (outside the scope) | {a.n} × open+close s | µs/op | × none | {5 * a.n} × getppid s | ns/op | × none | runs beside another recorder |")
        print("|---|---|---|---|---|---|---|---|")
        for m in [None] + MODES:
            s = rows.get(("unrelated", m), [])
            o, g = med([x["open"] for x in s]), med([x["getppid"] for x in s])
            print(
                f"| {m or 'no recording'} | {o:.3f} | {o / a.n * 1e6:.2f} | {o / bo:.2f}× | {g:.3f} | "
                f"{g / (5 * a.n) * 1e9:.0f} | {g / bg:.2f}× | {sum(1 for x in s if x['foreign'])}/{len(s)} |"
            )
        print()
    if "recorded" in only:
        base = rows.get(("recorded", None), [])
        bo = med([x["open"] for x in base])
        print(f"| recorded process | {a.n} × open+close s | µs/op | × untraced | opens in trace (median) | lost | runs beside another recorder |")
        print("|---|---|---|---|---|---|---|")
        for m in [None] + MODES:
            s = rows.get(("recorded", m), [])
            o = med([x["open"] for x in s])
            opens = med([x["opens"] for x in s]) if m else "–"
            lost = max([x["lost"] for x in s]) if m else "–"
            print(
                f"| {m or 'untraced'} | {o:.3f} | {o / a.n * 1e6:.2f} | {o / bo:.2f}× | {opens} | {lost} | "
                f"{sum(1 for x in s if x['foreign'])}/{len(s)} |"
            )


if __name__ == "__main__":
    main()
